build-hot/launcher/check/check_qemu.o: launcher/check/check_qemu.c \
 launcher/check/check.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h util/cpuset.h util/strbuf.h config/vm_config.h \
 config/schema.h config/toml.h util/strvec.h launcher/qemu/qemu_probe.h \
 launcher/qemu/qemu_proc.h util/proc.h qmp/qmp.h util/wrapper.h \
 util/banned.h
launcher/check/check.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
util/cpuset.h:
util/strbuf.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
launcher/qemu/qemu_probe.h:
launcher/qemu/qemu_proc.h:
util/proc.h:
qmp/qmp.h:
util/wrapper.h:
util/banned.h:
