build-hot/launcher/vm/hooks.o: launcher/vm/hooks.c launcher/vm/hooks.h \
 launcher/check/check.h launcher/plan/pin_plan.h \
 launcher/plan/host_topo.h util/cpuset.h util/strbuf.h config/vm_config.h \
 config/schema.h config/toml.h util/strvec.h launcher/vm/paths.h \
 util/err.h launcher/vm/vm_state.h launcher/vm/vm_thread.h \
 launcher/vm/runtime.h util/interrupt.h util/trust.h util/wrapper.h \
 util/banned.h
launcher/vm/hooks.h:
launcher/check/check.h:
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
util/cpuset.h:
util/strbuf.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
launcher/vm/paths.h:
util/err.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
launcher/vm/runtime.h:
util/interrupt.h:
util/trust.h:
util/wrapper.h:
util/banned.h:
