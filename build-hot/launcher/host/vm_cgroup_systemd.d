build-hot/launcher/host/vm_cgroup_systemd.o: \
 launcher/host/vm_cgroup_systemd.c config/qos.h config/vm_config.h \
 config/schema.h config/toml.h util/strbuf.h util/strvec.h util/cpuset.h \
 launcher/host/sdbus.h launcher/host/sysfs.h launcher/host/vm_cgroup.h \
 util/err.h util/wrapper.h util/banned.h
config/qos.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strbuf.h:
util/strvec.h:
util/cpuset.h:
launcher/host/sdbus.h:
launcher/host/sysfs.h:
launcher/host/vm_cgroup.h:
util/err.h:
util/wrapper.h:
util/banned.h:
