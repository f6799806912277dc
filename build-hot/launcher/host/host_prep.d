build-hot/launcher/host/host_prep.o: launcher/host/host_prep.c \
 launcher/host/host_prep.h launcher/host/host_state.h util/cpuset.h \
 util/strbuf.h util/err.h util/strvec.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h config/vm_config.h config/schema.h \
 config/toml.h config/host_config.h launcher/host/grant.h \
 launcher/host/qemu_user.h launcher/host/shield.h launcher/host/sysfs.h \
 launcher/host/vfio.h util/atomic_file.h util/wrapper.h util/banned.h
launcher/host/host_prep.h:
launcher/host/host_state.h:
util/cpuset.h:
util/strbuf.h:
util/err.h:
util/strvec.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
config/host_config.h:
launcher/host/grant.h:
launcher/host/qemu_user.h:
launcher/host/shield.h:
launcher/host/sysfs.h:
launcher/host/vfio.h:
util/atomic_file.h:
util/wrapper.h:
util/banned.h:
