build-hot/launcher/vm/vm_state.o: launcher/vm/vm_state.c \
 launcher/vm/vm_state.h launcher/vm/vm_thread.h util/cpuset.h \
 util/strbuf.h util/err.h launcher/vm/paths.h launcher/vm/runtime.h \
 launcher/qemu/qemu_proc.h util/proc.h util/strvec.h util/atomic_file.h \
 util/trust.h util/wrapper.h util/banned.h
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
util/cpuset.h:
util/strbuf.h:
util/err.h:
launcher/vm/paths.h:
launcher/vm/runtime.h:
launcher/qemu/qemu_proc.h:
util/proc.h:
util/strvec.h:
util/atomic_file.h:
util/trust.h:
util/wrapper.h:
util/banned.h:
