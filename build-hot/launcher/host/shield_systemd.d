build-hot/launcher/host/shield_systemd.o: launcher/host/shield_systemd.c \
 launcher/host/shield.h launcher/host/host_state.h util/cpuset.h \
 util/strbuf.h util/err.h util/strvec.h launcher/host/sdbus.h \
 util/wrapper.h util/banned.h
launcher/host/shield.h:
launcher/host/host_state.h:
util/cpuset.h:
util/strbuf.h:
util/err.h:
util/strvec.h:
launcher/host/sdbus.h:
util/wrapper.h:
util/banned.h:
