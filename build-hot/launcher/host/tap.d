build-hot/launcher/host/tap.o: launcher/host/tap.c launcher/host/tap.h \
 config/vm_config.h config/schema.h config/toml.h util/strbuf.h \
 util/strvec.h util/cpuset.h util/err.h launcher/qemu/qemu_argv.h \
 launcher/plan/pin_plan.h launcher/plan/host_topo.h util/wrapper.h \
 util/banned.h
launcher/host/tap.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strbuf.h:
util/strvec.h:
util/cpuset.h:
util/err.h:
launcher/qemu/qemu_argv.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
util/wrapper.h:
util/banned.h:
