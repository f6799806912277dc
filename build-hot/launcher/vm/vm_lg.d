build-hot/launcher/vm/vm_lg.o: launcher/vm/vm_lg.c launcher/vm/vm_lg.h \
 launcher/vm/runtime.h util/err.h util/strbuf.h config/vm_config.h \
 config/schema.h config/toml.h util/strvec.h util/cpuset.h \
 launcher/vm/vm_handle.h launcher/qemu/qemu_proc.h util/proc.h \
 launcher/vm/vm_state.h launcher/vm/vm_thread.h qmp/qmp.h \
 util/atomic_file.h util/wrapper.h util/banned.h
launcher/vm/vm_lg.h:
launcher/vm/runtime.h:
util/err.h:
util/strbuf.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
util/cpuset.h:
launcher/vm/vm_handle.h:
launcher/qemu/qemu_proc.h:
util/proc.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
qmp/qmp.h:
util/atomic_file.h:
util/wrapper.h:
util/banned.h:
