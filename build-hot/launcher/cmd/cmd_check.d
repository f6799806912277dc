build-hot/launcher/cmd/cmd_check.o: launcher/cmd/cmd_check.c \
 launcher/check/check.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h util/cpuset.h util/strbuf.h config/vm_config.h \
 config/schema.h config/toml.h util/strvec.h launcher/cmd/commands.h \
 launcher/vm/paths.h util/err.h launcher/vm/vm_handle.h \
 launcher/qemu/qemu_proc.h util/proc.h launcher/vm/runtime.h \
 launcher/vm/vm_state.h launcher/vm/vm_thread.h qmp/qmp.h \
 launcher/vm/vm_up.h launcher/host/host_prep.h launcher/host/host_state.h \
 config/host_config.h launcher/cmd/parse_options.h \
 launcher/vm/host_plan.h launcher/vm/hooks.h launcher/qemu/qemu_argv.h \
 launcher/vm/vm_float.h util/usage.h util/wrapper.h util/banned.h
launcher/check/check.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
util/cpuset.h:
util/strbuf.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
launcher/cmd/commands.h:
launcher/vm/paths.h:
util/err.h:
launcher/vm/vm_handle.h:
launcher/qemu/qemu_proc.h:
util/proc.h:
launcher/vm/runtime.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
qmp/qmp.h:
launcher/vm/vm_up.h:
launcher/host/host_prep.h:
launcher/host/host_state.h:
config/host_config.h:
launcher/cmd/parse_options.h:
launcher/vm/host_plan.h:
launcher/vm/hooks.h:
launcher/qemu/qemu_argv.h:
launcher/vm/vm_float.h:
util/usage.h:
util/wrapper.h:
util/banned.h:
