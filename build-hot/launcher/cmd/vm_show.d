build-hot/launcher/cmd/vm_show.o: launcher/cmd/vm_show.c \
 launcher/cmd/vm_show.h launcher/vm/pin_apply.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h util/cpuset.h util/strbuf.h config/vm_config.h \
 config/schema.h config/toml.h util/strvec.h util/err.h \
 launcher/vm/vm_thread.h qmp/qmp_cmds.h qmp/qmp.h util/banned.h
launcher/cmd/vm_show.h:
launcher/vm/pin_apply.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
util/cpuset.h:
util/strbuf.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
util/err.h:
launcher/vm/vm_thread.h:
qmp/qmp_cmds.h:
qmp/qmp.h:
util/banned.h:
