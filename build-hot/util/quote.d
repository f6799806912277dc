build-hot/util/quote.o: util/quote.c util/quote.h util/strbuf.h \
 util/banned.h
util/quote.h:
util/strbuf.h:
util/banned.h:
