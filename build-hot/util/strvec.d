build-hot/util/strvec.o: util/strvec.c util/strvec.h util/wrapper.h
util/strvec.h:
util/wrapper.h:
