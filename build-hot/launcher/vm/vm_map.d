build-hot/launcher/vm/vm_map.o: launcher/vm/vm_map.c launcher/vm/vm_map.h \
 launcher/plan/host_map.h launcher/plan/host_topo.h util/cpuset.h \
 util/strbuf.h launcher/plan/pin_plan.h config/vm_config.h \
 config/schema.h config/toml.h util/strvec.h launcher/vm/vm_state.h \
 launcher/vm/vm_thread.h util/err.h launcher/vm/runtime.h util/wrapper.h \
 util/banned.h
launcher/vm/vm_map.h:
launcher/plan/host_map.h:
launcher/plan/host_topo.h:
util/cpuset.h:
util/strbuf.h:
launcher/plan/pin_plan.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
util/err.h:
launcher/vm/runtime.h:
util/wrapper.h:
util/banned.h:
