build-hot/util/proc.o: util/proc.c util/proc.h util/strbuf.h \
 util/wrapper.h util/banned.h
util/proc.h:
util/strbuf.h:
util/wrapper.h:
util/banned.h:
