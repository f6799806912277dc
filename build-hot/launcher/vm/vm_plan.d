build-hot/launcher/vm/vm_plan.o: launcher/vm/vm_plan.c \
 launcher/vm/vm_plan.h launcher/vm/paths.h util/err.h util/strbuf.h \
 launcher/vm/host_plan.h launcher/plan/host_topo.h util/cpuset.h \
 launcher/plan/pin_plan.h config/vm_config.h config/schema.h \
 config/toml.h util/strvec.h config/host_config.h \
 launcher/qemu/qemu_argv.h launcher/vm/vm_uuid.h launcher/vm/runtime.h \
 util/wrapper.h util/banned.h
launcher/vm/vm_plan.h:
launcher/vm/paths.h:
util/err.h:
util/strbuf.h:
launcher/vm/host_plan.h:
launcher/plan/host_topo.h:
util/cpuset.h:
launcher/plan/pin_plan.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
config/host_config.h:
launcher/qemu/qemu_argv.h:
launcher/vm/vm_uuid.h:
launcher/vm/runtime.h:
util/wrapper.h:
util/banned.h:
