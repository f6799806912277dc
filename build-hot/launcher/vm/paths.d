build-hot/launcher/vm/paths.o: launcher/vm/paths.c launcher/vm/paths.h \
 util/err.h util/strbuf.h launcher/vm/runtime.h config/vm_config.h \
 config/schema.h config/toml.h util/strvec.h util/cpuset.h util/suggest.h \
 util/trust.h util/wrapper.h util/banned.h
launcher/vm/paths.h:
util/err.h:
util/strbuf.h:
launcher/vm/runtime.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
util/cpuset.h:
util/suggest.h:
util/trust.h:
util/wrapper.h:
util/banned.h:
