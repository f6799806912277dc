build-hot/launcher/vm/runtime.o: launcher/vm/runtime.c \
 launcher/vm/runtime.h util/err.h util/strbuf.h launcher/vm/paths.h \
 launcher/qemu/qemu_proc.h util/cpuset.h util/proc.h util/strvec.h \
 launcher/host/vm_cgroup.h config/vm_config.h config/schema.h \
 config/toml.h util/atomic_file.h util/interrupt.h util/trust.h \
 util/wrapper.h util/banned.h
launcher/vm/runtime.h:
util/err.h:
util/strbuf.h:
launcher/vm/paths.h:
launcher/qemu/qemu_proc.h:
util/cpuset.h:
util/proc.h:
util/strvec.h:
launcher/host/vm_cgroup.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/atomic_file.h:
util/interrupt.h:
util/trust.h:
util/wrapper.h:
util/banned.h:
