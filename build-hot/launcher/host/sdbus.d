build-hot/launcher/host/sdbus.o: launcher/host/sdbus.c \
 launcher/host/sdbus.h util/strbuf.h util/dl.h util/wrapper.h \
 util/banned.h
launcher/host/sdbus.h:
util/strbuf.h:
util/dl.h:
util/wrapper.h:
util/banned.h:
