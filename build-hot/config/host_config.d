build-hot/config/host_config.o: config/host_config.c config/host_config.h \
 config/schema.h config/toml.h util/strbuf.h util/strvec.h util/cpuset.h \
 util/wrapper.h util/banned.h
config/host_config.h:
config/schema.h:
config/toml.h:
util/strbuf.h:
util/strvec.h:
util/cpuset.h:
util/wrapper.h:
util/banned.h:
