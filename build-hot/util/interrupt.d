build-hot/util/interrupt.o: util/interrupt.c util/interrupt.h \
 util/banned.h
util/interrupt.h:
util/banned.h:
