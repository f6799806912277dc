build-hot/util/strbuf.o: util/strbuf.c util/strbuf.h util/wrapper.h
util/strbuf.h:
util/wrapper.h:
