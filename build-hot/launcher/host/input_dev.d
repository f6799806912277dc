build-hot/launcher/host/input_dev.o: launcher/host/input_dev.c \
 launcher/host/input_dev.h util/strbuf.h launcher/host/sysfs.h \
 util/wrapper.h util/banned.h
launcher/host/input_dev.h:
util/strbuf.h:
launcher/host/sysfs.h:
util/wrapper.h:
util/banned.h:
