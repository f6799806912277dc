build-hot/launcher/vm/vm_tpm.o: launcher/vm/vm_tpm.c launcher/vm/vm_tpm.h \
 launcher/qemu/qemu_proc.h util/cpuset.h util/strbuf.h util/proc.h \
 util/strvec.h launcher/vm/runtime.h util/err.h config/vm_config.h \
 config/schema.h config/toml.h launcher/vm/paths.h \
 launcher/qemu/qemu_argv.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h qmp/qmp.h util/trust.h util/wrapper.h \
 util/banned.h
launcher/vm/vm_tpm.h:
launcher/qemu/qemu_proc.h:
util/cpuset.h:
util/strbuf.h:
util/proc.h:
util/strvec.h:
launcher/vm/runtime.h:
util/err.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
launcher/vm/paths.h:
launcher/qemu/qemu_argv.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
qmp/qmp.h:
util/trust.h:
util/wrapper.h:
util/banned.h:
