build-hot/launcher/cmd/cmd_input.o: launcher/cmd/cmd_input.c \
 launcher/cmd/commands.h launcher/vm/paths.h util/err.h util/strbuf.h \
 launcher/vm/vm_handle.h launcher/qemu/qemu_proc.h util/cpuset.h \
 util/proc.h util/strvec.h launcher/vm/runtime.h launcher/vm/vm_state.h \
 launcher/vm/vm_thread.h qmp/qmp.h launcher/vm/vm_up.h \
 launcher/host/host_prep.h launcher/host/host_state.h \
 launcher/plan/pin_plan.h launcher/plan/host_topo.h config/vm_config.h \
 config/schema.h config/toml.h config/host_config.h \
 launcher/cmd/parse_options.h launcher/host/input_dev.h util/usage.h \
 util/wrapper.h util/banned.h
launcher/cmd/commands.h:
launcher/vm/paths.h:
util/err.h:
util/strbuf.h:
launcher/vm/vm_handle.h:
launcher/qemu/qemu_proc.h:
util/cpuset.h:
util/proc.h:
util/strvec.h:
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
launcher/host/input_dev.h:
util/usage.h:
util/wrapper.h:
util/banned.h:
