build-hot/launcher/vm/vm_import.o: launcher/vm/vm_import.c \
 launcher/qemu/qemu_argv.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h util/cpuset.h util/strbuf.h config/vm_config.h \
 config/schema.h config/toml.h util/strvec.h \
 launcher/qemu/qemu_argv_diff.h launcher/vm/vm_import.h \
 config/libvirt_import.h launcher/vm/paths.h util/err.h \
 launcher/vm/vm_load.h launcher/vm/vm_plan.h launcher/vm/host_plan.h \
 config/host_config.h util/atomic_file.h util/trust.h util/wrapper.h \
 util/banned.h
launcher/qemu/qemu_argv.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
util/cpuset.h:
util/strbuf.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
launcher/qemu/qemu_argv_diff.h:
launcher/vm/vm_import.h:
config/libvirt_import.h:
launcher/vm/paths.h:
util/err.h:
launcher/vm/vm_load.h:
launcher/vm/vm_plan.h:
launcher/vm/host_plan.h:
config/host_config.h:
util/atomic_file.h:
util/trust.h:
util/wrapper.h:
util/banned.h:
