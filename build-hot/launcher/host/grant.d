build-hot/launcher/host/grant.o: launcher/host/grant.c \
 launcher/host/grant.h launcher/host/host_state.h util/cpuset.h \
 util/strbuf.h util/err.h util/strvec.h launcher/host/qemu_user.h \
 util/wrapper.h util/banned.h
launcher/host/grant.h:
launcher/host/host_state.h:
util/cpuset.h:
util/strbuf.h:
util/err.h:
util/strvec.h:
launcher/host/qemu_user.h:
util/wrapper.h:
util/banned.h:
