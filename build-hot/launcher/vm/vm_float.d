build-hot/launcher/vm/vm_float.o: launcher/vm/vm_float.c \
 launcher/vm/vm_float.h launcher/check/check.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h util/cpuset.h util/strbuf.h config/vm_config.h \
 config/schema.h config/toml.h util/strvec.h launcher/vm/paths.h \
 util/err.h launcher/vm/host_plan.h config/host_config.h \
 launcher/vm/pin_apply.h launcher/vm/vm_thread.h qmp/qmp_cmds.h qmp/qmp.h \
 launcher/vm/runtime.h launcher/vm/vm_state.h util/proc.h util/wrapper.h \
 util/banned.h
launcher/vm/vm_float.h:
launcher/check/check.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
util/cpuset.h:
util/strbuf.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
launcher/vm/paths.h:
util/err.h:
launcher/vm/host_plan.h:
config/host_config.h:
launcher/vm/pin_apply.h:
launcher/vm/vm_thread.h:
qmp/qmp_cmds.h:
qmp/qmp.h:
launcher/vm/runtime.h:
launcher/vm/vm_state.h:
util/proc.h:
util/wrapper.h:
util/banned.h:
