build-hot/launcher/qemu/qemu_probe.o: launcher/qemu/qemu_probe.c \
 launcher/qemu/qemu_probe.h launcher/qemu/qemu_proc.h util/cpuset.h \
 util/strbuf.h util/proc.h util/strvec.h qmp/qmp.h util/wrapper.h \
 util/banned.h
launcher/qemu/qemu_probe.h:
launcher/qemu/qemu_proc.h:
util/cpuset.h:
util/strbuf.h:
util/proc.h:
util/strvec.h:
qmp/qmp.h:
util/wrapper.h:
util/banned.h:
