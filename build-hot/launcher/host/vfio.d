build-hot/launcher/host/vfio.o: launcher/host/vfio.c launcher/host/vfio.h \
 util/strbuf.h util/strvec.h launcher/host/sysfs.h util/wrapper.h \
 util/banned.h
launcher/host/vfio.h:
util/strbuf.h:
util/strvec.h:
launcher/host/sysfs.h:
util/wrapper.h:
util/banned.h:
