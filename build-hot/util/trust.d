build-hot/util/trust.o: util/trust.c util/trust.h util/err.h \
 util/strbuf.h util/wrapper.h util/banned.h
util/trust.h:
util/err.h:
util/strbuf.h:
util/wrapper.h:
util/banned.h:
