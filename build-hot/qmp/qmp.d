build-hot/qmp/qmp.o: qmp/qmp.c qmp/qmp.h util/strbuf.h util/interrupt.h \
 util/wrapper.h util/banned.h
qmp/qmp.h:
util/strbuf.h:
util/interrupt.h:
util/wrapper.h:
util/banned.h:
