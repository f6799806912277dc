build-hot/util/atomic_file.o: util/atomic_file.c util/atomic_file.h \
 util/strbuf.h util/wrapper.h util/banned.h
util/atomic_file.h:
util/strbuf.h:
util/wrapper.h:
util/banned.h:
