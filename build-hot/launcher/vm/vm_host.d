build-hot/launcher/vm/vm_host.o: launcher/vm/vm_host.c \
 launcher/vm/vm_host.h launcher/host/host_prep.h \
 launcher/host/host_state.h util/cpuset.h util/strbuf.h util/err.h \
 util/strvec.h launcher/plan/pin_plan.h launcher/plan/host_topo.h \
 config/vm_config.h config/schema.h config/toml.h config/host_config.h \
 launcher/vm/paths.h launcher/vm/host_plan.h launcher/vm/runtime.h \
 launcher/vm/vm_handle.h launcher/qemu/qemu_proc.h util/proc.h \
 launcher/vm/vm_state.h launcher/vm/vm_thread.h qmp/qmp.h util/wrapper.h \
 util/banned.h
launcher/vm/vm_host.h:
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
launcher/vm/host_plan.h:
launcher/vm/runtime.h:
launcher/vm/vm_handle.h:
launcher/qemu/qemu_proc.h:
util/proc.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
qmp/qmp.h:
util/wrapper.h:
util/banned.h:
