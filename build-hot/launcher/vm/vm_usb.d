build-hot/launcher/vm/vm_usb.o: launcher/vm/vm_usb.c launcher/vm/vm_usb.h \
 launcher/vm/vm_handle.h launcher/qemu/qemu_proc.h util/cpuset.h \
 util/strbuf.h util/proc.h util/strvec.h launcher/vm/runtime.h util/err.h \
 launcher/vm/vm_state.h launcher/vm/vm_thread.h qmp/qmp.h \
 launcher/vm/vm_confine.h launcher/host/grant.h \
 launcher/host/host_state.h launcher/host/qemu_user.h config/vm_config.h \
 config/schema.h config/toml.h launcher/host/usb_host.h qmp/qmp_cmds.h \
 util/wrapper.h util/banned.h
launcher/vm/vm_usb.h:
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
launcher/vm/vm_confine.h:
launcher/host/grant.h:
launcher/host/host_state.h:
launcher/host/qemu_user.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
launcher/host/usb_host.h:
qmp/qmp_cmds.h:
util/wrapper.h:
util/banned.h:
