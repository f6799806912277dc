build-hot/launcher/vm/vm_media.o: launcher/vm/vm_media.c \
 launcher/vm/vm_media.h launcher/vm/vm_handle.h launcher/qemu/qemu_proc.h \
 util/cpuset.h util/strbuf.h util/proc.h util/strvec.h \
 launcher/vm/runtime.h util/err.h launcher/vm/vm_state.h \
 launcher/vm/vm_thread.h qmp/qmp.h qmp/qmp_cmds.h \
 launcher/vm/vm_confine.h launcher/host/grant.h \
 launcher/host/host_state.h launcher/host/qemu_user.h config/vm_config.h \
 config/schema.h config/toml.h util/wrapper.h util/banned.h
launcher/vm/vm_media.h:
launcher/vm/vm_handle.h:
launcher/qemu/qemu_proc.h:
util/cpuset.h:
util/strbuf.h:
util/proc.h:
util/strvec.h:
launcher/vm/runtime.h:
util/err.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
qmp/qmp.h:
qmp/qmp_cmds.h:
launcher/vm/vm_confine.h:
launcher/host/grant.h:
launcher/host/host_state.h:
launcher/host/qemu_user.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/wrapper.h:
util/banned.h:
