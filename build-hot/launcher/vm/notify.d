build-hot/launcher/vm/notify.o: launcher/vm/notify.c launcher/vm/notify.h \
 util/dl.h util/strbuf.h util/banned.h
launcher/vm/notify.h:
util/dl.h:
util/strbuf.h:
util/banned.h:
