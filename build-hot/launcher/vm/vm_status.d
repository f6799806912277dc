build-hot/launcher/vm/vm_status.o: launcher/vm/vm_status.c \
 launcher/vm/vm_status.h launcher/host/vm_cgroup.h config/vm_config.h \
 config/schema.h config/toml.h util/strbuf.h util/strvec.h util/cpuset.h \
 util/err.h launcher/vm/vm_state.h launcher/vm/vm_thread.h \
 launcher/vm/paths.h launcher/qemu/qemu_proc.h util/proc.h \
 launcher/vm/pin_apply.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h qmp/qmp_cmds.h qmp/qmp.h \
 launcher/vm/vm_handle.h launcher/vm/runtime.h util/wrapper.h \
 util/banned.h
launcher/vm/vm_status.h:
launcher/host/vm_cgroup.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strbuf.h:
util/strvec.h:
util/cpuset.h:
util/err.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
launcher/vm/paths.h:
launcher/qemu/qemu_proc.h:
util/proc.h:
launcher/vm/pin_apply.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
qmp/qmp_cmds.h:
qmp/qmp.h:
launcher/vm/vm_handle.h:
launcher/vm/runtime.h:
util/wrapper.h:
util/banned.h:
