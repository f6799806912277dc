build-hot/config/vm_config.o: config/vm_config.c config/vm_config.h \
 config/schema.h config/toml.h util/strbuf.h util/strvec.h util/cpuset.h \
 config/qos.h util/size.h util/wrapper.h util/banned.h
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strbuf.h:
util/strvec.h:
util/cpuset.h:
config/qos.h:
util/size.h:
util/wrapper.h:
util/banned.h:
