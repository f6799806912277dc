build-hot/util/size.o: util/size.c util/size.h util/strbuf.h \
 util/wrapper.h util/banned.h
util/size.h:
util/strbuf.h:
util/wrapper.h:
util/banned.h:
