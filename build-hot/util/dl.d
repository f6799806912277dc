build-hot/util/dl.o: util/dl.c util/dl.h util/strbuf.h util/banned.h
util/dl.h:
util/strbuf.h:
util/banned.h:
