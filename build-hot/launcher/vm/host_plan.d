build-hot/launcher/vm/host_plan.o: launcher/vm/host_plan.c \
 launcher/vm/host_plan.h launcher/vm/paths.h util/err.h util/strbuf.h \
 launcher/plan/host_topo.h util/cpuset.h launcher/plan/pin_plan.h \
 config/vm_config.h config/schema.h config/toml.h util/strvec.h \
 config/host_config.h launcher/qemu/qemu_proc.h util/proc.h \
 launcher/vm/runtime.h launcher/vm/vm_state.h launcher/vm/vm_thread.h \
 util/trust.h util/wrapper.h util/banned.h
launcher/vm/host_plan.h:
launcher/vm/paths.h:
util/err.h:
util/strbuf.h:
launcher/plan/host_topo.h:
util/cpuset.h:
launcher/plan/pin_plan.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
config/host_config.h:
launcher/qemu/qemu_proc.h:
util/proc.h:
launcher/vm/runtime.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
util/trust.h:
util/wrapper.h:
util/banned.h:
