build-hot/launcher/host/host_state.o: launcher/host/host_state.c \
 launcher/host/host_state.h util/cpuset.h util/strbuf.h util/err.h \
 util/strvec.h launcher/host/shield.h launcher/host/vfio.h \
 config/vm_config.h config/schema.h config/toml.h util/atomic_file.h \
 util/wrapper.h util/banned.h
launcher/host/host_state.h:
util/cpuset.h:
util/strbuf.h:
util/err.h:
util/strvec.h:
launcher/host/shield.h:
launcher/host/vfio.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/atomic_file.h:
util/wrapper.h:
util/banned.h:
