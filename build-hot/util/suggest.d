build-hot/util/suggest.o: util/suggest.c util/suggest.h util/wrapper.h \
 util/banned.h
util/suggest.h:
util/wrapper.h:
util/banned.h:
