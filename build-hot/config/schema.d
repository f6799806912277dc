build-hot/config/schema.o: config/schema.c config/schema.h config/toml.h \
 util/strbuf.h util/strvec.h util/cpuset.h util/size.h util/suggest.h \
 util/wrapper.h util/banned.h
config/schema.h:
config/toml.h:
util/strbuf.h:
util/strvec.h:
util/cpuset.h:
util/size.h:
util/suggest.h:
util/wrapper.h:
util/banned.h:
