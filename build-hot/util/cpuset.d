build-hot/util/cpuset.o: util/cpuset.c util/cpuset.h util/strbuf.h \
 util/banned.h
util/cpuset.h:
util/strbuf.h:
util/banned.h:
