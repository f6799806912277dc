build-hot/launcher/host/vm_cgroup.o: launcher/host/vm_cgroup.c \
 config/qos.h config/vm_config.h config/schema.h config/toml.h \
 util/strbuf.h util/strvec.h util/cpuset.h launcher/host/sysfs.h \
 launcher/host/vm_cgroup.h util/err.h util/size.h util/wrapper.h \
 util/banned.h
config/qos.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strbuf.h:
util/strvec.h:
util/cpuset.h:
launcher/host/sysfs.h:
launcher/host/vm_cgroup.h:
util/err.h:
util/size.h:
util/wrapper.h:
util/banned.h:
