build-hot/launcher/cmd/cmd_limits.o: launcher/cmd/cmd_limits.c \
 config/qos.h config/vm_config.h config/schema.h config/toml.h \
 util/strbuf.h util/strvec.h util/cpuset.h launcher/cmd/commands.h \
 launcher/vm/paths.h util/err.h launcher/vm/vm_handle.h \
 launcher/qemu/qemu_proc.h util/proc.h launcher/vm/runtime.h \
 launcher/vm/vm_state.h launcher/vm/vm_thread.h qmp/qmp.h \
 launcher/vm/vm_up.h launcher/host/host_prep.h launcher/host/host_state.h \
 launcher/plan/pin_plan.h launcher/plan/host_topo.h config/host_config.h \
 launcher/cmd/parse_options.h launcher/vm/vm_limits.h \
 launcher/host/vm_cgroup.h util/size.h util/usage.h util/wrapper.h \
 util/banned.h
config/qos.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strbuf.h:
util/strvec.h:
util/cpuset.h:
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
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
config/host_config.h:
launcher/cmd/parse_options.h:
launcher/vm/vm_limits.h:
launcher/host/vm_cgroup.h:
util/size.h:
util/usage.h:
util/wrapper.h:
util/banned.h:
