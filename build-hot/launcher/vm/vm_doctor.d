build-hot/launcher/vm/vm_doctor.o: launcher/vm/vm_doctor.c \
 launcher/vm/vm_doctor.h launcher/check/check.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h util/cpuset.h util/strbuf.h config/vm_config.h \
 config/schema.h config/toml.h util/strvec.h launcher/vm/paths.h \
 util/err.h launcher/host/sysfs.h launcher/vm/pin_apply.h \
 launcher/vm/vm_thread.h qmp/qmp_cmds.h qmp/qmp.h launcher/vm/vm_load.h \
 launcher/vm/vm_map.h launcher/plan/host_map.h launcher/vm/vm_state.h \
 launcher/vm/vm_status.h launcher/host/vm_cgroup.h util/proc.h \
 util/size.h util/wrapper.h util/banned.h
launcher/vm/vm_doctor.h:
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
launcher/host/sysfs.h:
launcher/vm/pin_apply.h:
launcher/vm/vm_thread.h:
qmp/qmp_cmds.h:
qmp/qmp.h:
launcher/vm/vm_load.h:
launcher/vm/vm_map.h:
launcher/plan/host_map.h:
launcher/vm/vm_state.h:
launcher/vm/vm_status.h:
launcher/host/vm_cgroup.h:
util/proc.h:
util/size.h:
util/wrapper.h:
util/banned.h:
