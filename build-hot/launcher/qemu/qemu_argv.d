build-hot/launcher/qemu/qemu_argv.o: launcher/qemu/qemu_argv.c \
 launcher/qemu/qemu_argv.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h util/cpuset.h util/strbuf.h config/vm_config.h \
 config/schema.h config/toml.h util/strvec.h util/wrapper.h util/banned.h
launcher/qemu/qemu_argv.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
util/cpuset.h:
util/strbuf.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
util/wrapper.h:
util/banned.h:
