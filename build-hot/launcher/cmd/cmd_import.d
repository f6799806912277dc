build-hot/launcher/cmd/cmd_import.o: launcher/cmd/cmd_import.c \
 config/libvirt_import.h util/strbuf.h util/strvec.h \
 launcher/cmd/commands.h launcher/vm/paths.h util/err.h \
 launcher/vm/vm_handle.h launcher/qemu/qemu_proc.h util/cpuset.h \
 util/proc.h launcher/vm/runtime.h launcher/vm/vm_state.h \
 launcher/vm/vm_thread.h qmp/qmp.h launcher/vm/vm_up.h \
 launcher/host/host_prep.h launcher/host/host_state.h \
 launcher/plan/pin_plan.h launcher/plan/host_topo.h config/vm_config.h \
 config/schema.h config/toml.h config/host_config.h \
 launcher/cmd/parse_options.h launcher/qemu/qemu_argv_diff.h \
 launcher/vm/vm_import.h util/atomic_file.h util/usage.h util/wrapper.h \
 util/banned.h
config/libvirt_import.h:
util/strbuf.h:
util/strvec.h:
launcher/cmd/commands.h:
launcher/vm/paths.h:
util/err.h:
launcher/vm/vm_handle.h:
launcher/qemu/qemu_proc.h:
util/cpuset.h:
util/proc.h:
launcher/vm/runtime.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
qmp/qmp.h:
launcher/vm/vm_up.h:
launcher/host/host_prep.h:
launcher/host/host_state.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
config/host_config.h:
launcher/cmd/parse_options.h:
launcher/qemu/qemu_argv_diff.h:
launcher/vm/vm_import.h:
util/atomic_file.h:
util/usage.h:
util/wrapper.h:
util/banned.h:
