build-hot/launcher/host/shield.o: launcher/host/shield.c \
 launcher/host/shield.h launcher/host/host_state.h util/cpuset.h \
 util/strbuf.h util/err.h util/strvec.h launcher/host/sysfs.h \
 launcher/host/vm_cgroup.h config/vm_config.h config/schema.h \
 config/toml.h util/wrapper.h util/banned.h
launcher/host/shield.h:
launcher/host/host_state.h:
util/cpuset.h:
util/strbuf.h:
util/err.h:
util/strvec.h:
launcher/host/sysfs.h:
launcher/host/vm_cgroup.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/wrapper.h:
util/banned.h:
