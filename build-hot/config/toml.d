build-hot/config/toml.o: config/toml.c config/toml.h util/strbuf.h \
 util/wrapper.h util/banned.h
config/toml.h:
util/strbuf.h:
util/wrapper.h:
util/banned.h:
