build-hot/launcher/check/check_vm.o: launcher/check/check_vm.c \
 launcher/check/check.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h util/cpuset.h util/strbuf.h config/vm_config.h \
 config/schema.h config/toml.h util/strvec.h launcher/host/qemu_user.h \
 util/err.h launcher/host/sysfs.h launcher/host/tap.h \
 launcher/qemu/qemu_argv.h launcher/host/usb_host.h launcher/host/vfio.h \
 util/size.h util/trust.h util/wrapper.h util/banned.h
launcher/check/check.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
util/cpuset.h:
util/strbuf.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
launcher/host/qemu_user.h:
util/err.h:
launcher/host/sysfs.h:
launcher/host/tap.h:
launcher/qemu/qemu_argv.h:
launcher/host/usb_host.h:
launcher/host/vfio.h:
util/size.h:
util/trust.h:
util/wrapper.h:
util/banned.h:
