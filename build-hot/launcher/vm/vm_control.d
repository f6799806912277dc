build-hot/launcher/vm/vm_control.o: launcher/vm/vm_control.c \
 launcher/vm/vm_control.h launcher/vm/vm_handle.h \
 launcher/qemu/qemu_proc.h util/cpuset.h util/strbuf.h util/proc.h \
 util/strvec.h launcher/vm/runtime.h util/err.h launcher/vm/vm_state.h \
 launcher/vm/vm_thread.h qmp/qmp.h qmp/qmp_cmds.h util/interrupt.h \
 util/wrapper.h util/banned.h
launcher/vm/vm_control.h:
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
util/interrupt.h:
util/wrapper.h:
util/banned.h:
