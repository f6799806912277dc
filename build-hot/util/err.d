build-hot/util/err.o: util/err.c util/err.h util/strbuf.h util/banned.h
util/err.h:
util/strbuf.h:
util/banned.h:
