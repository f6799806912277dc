build-hot/launcher/vm/vm_uuid.o: launcher/vm/vm_uuid.c \
 launcher/vm/vm_uuid.h util/err.h util/strbuf.h launcher/vm/paths.h \
 launcher/host/sysfs.h config/vm_config.h config/schema.h config/toml.h \
 util/strvec.h util/cpuset.h util/atomic_file.h util/wrapper.h \
 util/banned.h
launcher/vm/vm_uuid.h:
util/err.h:
util/strbuf.h:
launcher/vm/paths.h:
launcher/host/sysfs.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
util/cpuset.h:
util/atomic_file.h:
util/wrapper.h:
util/banned.h:
