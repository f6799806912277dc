build-hot/launcher/vm/vm_limits.o: launcher/vm/vm_limits.c \
 launcher/vm/vm_limits.h launcher/host/vm_cgroup.h config/vm_config.h \
 config/schema.h config/toml.h util/strbuf.h util/strvec.h util/cpuset.h \
 util/err.h launcher/vm/vm_handle.h launcher/qemu/qemu_proc.h util/proc.h \
 launcher/vm/runtime.h launcher/vm/vm_state.h launcher/vm/vm_thread.h \
 qmp/qmp.h config/qos.h qmp/qmp_cmds.h util/wrapper.h util/banned.h
launcher/vm/vm_limits.h:
launcher/host/vm_cgroup.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strbuf.h:
util/strvec.h:
util/cpuset.h:
util/err.h:
launcher/vm/vm_handle.h:
launcher/qemu/qemu_proc.h:
util/proc.h:
launcher/vm/runtime.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
qmp/qmp.h:
config/qos.h:
qmp/qmp_cmds.h:
util/wrapper.h:
util/banned.h:
