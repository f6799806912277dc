build-hot/launcher/vm/vm_confine.o: launcher/vm/vm_confine.c \
 launcher/vm/vm_confine.h launcher/host/grant.h \
 launcher/host/host_state.h util/cpuset.h util/strbuf.h util/err.h \
 util/strvec.h launcher/host/qemu_user.h launcher/qemu/qemu_proc.h \
 util/proc.h launcher/vm/runtime.h config/vm_config.h config/schema.h \
 config/toml.h launcher/vm/paths.h launcher/vm/vm_tpm.h \
 launcher/vm/vm_host.h launcher/host/host_prep.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h config/host_config.h launcher/host/usb_host.h \
 launcher/host/vfio.h util/wrapper.h util/banned.h
launcher/vm/vm_confine.h:
launcher/host/grant.h:
launcher/host/host_state.h:
util/cpuset.h:
util/strbuf.h:
util/err.h:
util/strvec.h:
launcher/host/qemu_user.h:
launcher/qemu/qemu_proc.h:
util/proc.h:
launcher/vm/runtime.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
launcher/vm/paths.h:
launcher/vm/vm_tpm.h:
launcher/vm/vm_host.h:
launcher/host/host_prep.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
config/host_config.h:
launcher/host/usb_host.h:
launcher/host/vfio.h:
util/wrapper.h:
util/banned.h:
