build-hot/launcher/plan/pin_plan.o: launcher/plan/pin_plan.c \
 launcher/plan/pin_plan.h launcher/plan/host_topo.h util/cpuset.h \
 util/strbuf.h config/vm_config.h config/schema.h config/toml.h \
 util/strvec.h util/size.h util/wrapper.h util/banned.h
launcher/plan/pin_plan.h:
launcher/plan/host_topo.h:
util/cpuset.h:
util/strbuf.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
util/size.h:
util/wrapper.h:
util/banned.h:
