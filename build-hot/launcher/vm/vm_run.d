build-hot/launcher/vm/vm_run.o: launcher/vm/vm_run.c launcher/vm/vm_run.h \
 launcher/vm/paths.h util/err.h util/strbuf.h launcher/vm/vm_down.h \
 launcher/vm/vm_handle.h launcher/qemu/qemu_proc.h util/cpuset.h \
 util/proc.h util/strvec.h launcher/vm/runtime.h launcher/vm/vm_state.h \
 launcher/vm/vm_thread.h qmp/qmp.h launcher/vm/hooks.h \
 launcher/check/check.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h config/vm_config.h config/schema.h \
 config/toml.h launcher/vm/notify.h launcher/vm/vm_float.h \
 launcher/vm/vm_host.h launcher/host/host_prep.h \
 launcher/host/host_state.h config/host_config.h util/wrapper.h \
 util/banned.h
launcher/vm/vm_run.h:
launcher/vm/paths.h:
util/err.h:
util/strbuf.h:
launcher/vm/vm_down.h:
launcher/vm/vm_handle.h:
launcher/qemu/qemu_proc.h:
util/cpuset.h:
util/proc.h:
util/strvec.h:
launcher/vm/runtime.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
qmp/qmp.h:
launcher/vm/hooks.h:
launcher/check/check.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
launcher/vm/notify.h:
launcher/vm/vm_float.h:
launcher/vm/vm_host.h:
launcher/host/host_prep.h:
launcher/host/host_state.h:
config/host_config.h:
util/wrapper.h:
util/banned.h:
