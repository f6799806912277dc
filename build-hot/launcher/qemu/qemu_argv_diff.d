build-hot/launcher/qemu/qemu_argv_diff.o: launcher/qemu/qemu_argv_diff.c \
 launcher/qemu/qemu_argv_diff.h util/strbuf.h util/strvec.h \
 util/wrapper.h util/banned.h
launcher/qemu/qemu_argv_diff.h:
util/strbuf.h:
util/strvec.h:
util/wrapper.h:
util/banned.h:
