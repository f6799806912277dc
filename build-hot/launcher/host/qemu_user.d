build-hot/launcher/host/qemu_user.o: launcher/host/qemu_user.c \
 launcher/host/qemu_user.h util/err.h util/strbuf.h util/strvec.h \
 util/wrapper.h util/banned.h
launcher/host/qemu_user.h:
util/err.h:
util/strbuf.h:
util/strvec.h:
util/wrapper.h:
util/banned.h:
