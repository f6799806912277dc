build-hot/util/wrapper.o: util/wrapper.c util/wrapper.h
util/wrapper.h:
