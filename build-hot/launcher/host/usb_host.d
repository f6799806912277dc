build-hot/launcher/host/usb_host.o: launcher/host/usb_host.c \
 launcher/host/usb_host.h config/vm_config.h config/schema.h \
 config/toml.h util/strbuf.h util/strvec.h util/cpuset.h \
 launcher/host/sysfs.h util/wrapper.h util/banned.h
launcher/host/usb_host.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strbuf.h:
util/strvec.h:
util/cpuset.h:
launcher/host/sysfs.h:
util/wrapper.h:
util/banned.h:
