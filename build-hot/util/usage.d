build-hot/util/usage.o: util/usage.c util/err.h util/strbuf.h \
 util/usage.h util/banned.h
util/err.h:
util/strbuf.h:
util/usage.h:
util/banned.h:
