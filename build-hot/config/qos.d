build-hot/config/qos.o: config/qos.c config/qos.h config/vm_config.h \
 config/schema.h config/toml.h util/strbuf.h util/strvec.h util/cpuset.h \
 util/banned.h
config/qos.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strbuf.h:
util/strvec.h:
util/cpuset.h:
util/banned.h:
