build-hot/launcher/vm/vm_load.o: launcher/vm/vm_load.c \
 launcher/vm/vm_load.h launcher/vm/paths.h util/err.h util/strbuf.h \
 config/vm_config.h config/schema.h config/toml.h util/strvec.h \
 util/cpuset.h launcher/host/sysfs.h launcher/host/usb_host.h \
 util/wrapper.h util/trust.h util/banned.h
launcher/vm/vm_load.h:
launcher/vm/paths.h:
util/err.h:
util/strbuf.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
util/cpuset.h:
launcher/host/sysfs.h:
launcher/host/usb_host.h:
util/wrapper.h:
util/trust.h:
util/banned.h:
