build-hot/launcher/vm/vm_display.o: launcher/vm/vm_display.c \
 launcher/vm/vm_display.h config/vm_config.h config/schema.h \
 config/toml.h util/strbuf.h util/strvec.h util/cpuset.h qmp/qmp_cmds.h \
 qmp/qmp.h util/err.h util/wrapper.h util/banned.h
launcher/vm/vm_display.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strbuf.h:
util/strvec.h:
util/cpuset.h:
qmp/qmp_cmds.h:
qmp/qmp.h:
util/err.h:
util/wrapper.h:
util/banned.h:
