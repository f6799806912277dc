build-hot/launcher/cmd/cmd_plan.o: launcher/cmd/cmd_plan.c \
 launcher/cmd/commands.h launcher/vm/paths.h util/err.h util/strbuf.h \
 launcher/vm/vm_handle.h launcher/qemu/qemu_proc.h util/cpuset.h \
 util/proc.h util/strvec.h launcher/vm/runtime.h launcher/vm/vm_state.h \
 launcher/vm/vm_thread.h qmp/qmp.h launcher/vm/vm_up.h \
 launcher/host/host_prep.h launcher/host/host_state.h \
 launcher/plan/pin_plan.h launcher/plan/host_topo.h config/vm_config.h \
 config/schema.h config/toml.h config/host_config.h launcher/vm/vm_map.h \
 launcher/plan/host_map.h launcher/cmd/parse_options.h \
 launcher/vm/host_plan.h util/size.h util/usage.h util/wrapper.h \
 util/banned.h
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
launcher/vm/vm_map.h:
launcher/plan/host_map.h:
launcher/cmd/parse_options.h:
launcher/vm/host_plan.h:
util/size.h:
util/usage.h:
util/wrapper.h:
util/banned.h:
