build-hot/launcher/vm/vm_up.o: launcher/vm/vm_up.c launcher/vm/vm_up.h \
 launcher/host/host_prep.h launcher/host/host_state.h util/cpuset.h \
 util/strbuf.h util/err.h util/strvec.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h config/vm_config.h config/schema.h \
 config/toml.h config/host_config.h launcher/vm/paths.h \
 launcher/vm/vm_handle.h launcher/qemu/qemu_proc.h util/proc.h \
 launcher/vm/runtime.h launcher/vm/vm_state.h launcher/vm/vm_thread.h \
 qmp/qmp.h launcher/vm/hooks.h launcher/check/check.h \
 launcher/vm/pin_apply.h qmp/qmp_cmds.h launcher/vm/host_plan.h \
 launcher/host/tap.h launcher/host/vm_cgroup.h launcher/qemu/qemu_argv.h \
 launcher/vm/vm_float.h launcher/vm/vm_host.h launcher/vm/vm_plan.h \
 launcher/vm/vm_uuid.h launcher/vm/vm_display.h launcher/vm/vm_tpm.h \
 launcher/vm/vm_lg.h launcher/vm/vm_confine.h launcher/host/grant.h \
 launcher/host/qemu_user.h util/atomic_file.h util/interrupt.h \
 util/trust.h util/wrapper.h util/banned.h
launcher/vm/vm_up.h:
launcher/host/host_prep.h:
launcher/host/host_state.h:
util/cpuset.h:
util/strbuf.h:
util/err.h:
util/strvec.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
config/host_config.h:
launcher/vm/paths.h:
launcher/vm/vm_handle.h:
launcher/qemu/qemu_proc.h:
util/proc.h:
launcher/vm/runtime.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
qmp/qmp.h:
launcher/vm/hooks.h:
launcher/check/check.h:
launcher/vm/pin_apply.h:
qmp/qmp_cmds.h:
launcher/vm/host_plan.h:
launcher/host/tap.h:
launcher/host/vm_cgroup.h:
launcher/qemu/qemu_argv.h:
launcher/vm/vm_float.h:
launcher/vm/vm_host.h:
launcher/vm/vm_plan.h:
launcher/vm/vm_uuid.h:
launcher/vm/vm_display.h:
launcher/vm/vm_tpm.h:
launcher/vm/vm_lg.h:
launcher/vm/vm_confine.h:
launcher/host/grant.h:
launcher/host/qemu_user.h:
util/atomic_file.h:
util/interrupt.h:
util/trust.h:
util/wrapper.h:
util/banned.h:
