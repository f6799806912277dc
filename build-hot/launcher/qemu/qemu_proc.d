build-hot/launcher/qemu/qemu_proc.o: launcher/qemu/qemu_proc.c \
 launcher/qemu/qemu_proc.h util/cpuset.h util/strbuf.h util/proc.h \
 util/strvec.h util/wrapper.h util/banned.h
launcher/qemu/qemu_proc.h:
util/cpuset.h:
util/strbuf.h:
util/proc.h:
util/strvec.h:
util/wrapper.h:
util/banned.h:
