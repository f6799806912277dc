build-hot/launcher/vm/vm_repin.o: launcher/vm/vm_repin.c \
 launcher/vm/vm_repin.h launcher/vm/paths.h util/err.h util/strbuf.h \
 launcher/vm/vm_handle.h launcher/qemu/qemu_proc.h util/cpuset.h \
 util/proc.h util/strvec.h launcher/vm/runtime.h launcher/vm/vm_state.h \
 launcher/vm/vm_thread.h qmp/qmp.h launcher/vm/host_plan.h \
 launcher/plan/host_topo.h launcher/plan/pin_plan.h config/vm_config.h \
 config/schema.h config/toml.h config/host_config.h \
 launcher/vm/pin_apply.h qmp/qmp_cmds.h launcher/vm/vm_float.h \
 launcher/check/check.h launcher/vm/vm_host.h launcher/host/host_prep.h \
 launcher/host/host_state.h launcher/vm/vm_load.h launcher/vm/vm_status.h \
 launcher/host/vm_cgroup.h util/wrapper.h util/banned.h
launcher/vm/vm_repin.h:
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
launcher/vm/host_plan.h:
launcher/plan/host_topo.h:
launcher/plan/pin_plan.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
config/host_config.h:
launcher/vm/pin_apply.h:
qmp/qmp_cmds.h:
launcher/vm/vm_float.h:
launcher/check/check.h:
launcher/vm/vm_host.h:
launcher/host/host_prep.h:
launcher/host/host_state.h:
launcher/vm/vm_load.h:
launcher/vm/vm_status.h:
launcher/host/vm_cgroup.h:
util/wrapper.h:
util/banned.h:
