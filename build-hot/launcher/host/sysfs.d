build-hot/launcher/host/sysfs.o: launcher/host/sysfs.c \
 launcher/host/sysfs.h util/strbuf.h util/dl.h util/wrapper.h \
 util/banned.h
launcher/host/sysfs.h:
util/strbuf.h:
util/dl.h:
util/wrapper.h:
util/banned.h:
