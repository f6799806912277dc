build-hot/launcher/vm/vm_list.o: launcher/vm/vm_list.c \
 launcher/vm/vm_list.h launcher/vm/paths.h util/err.h util/strbuf.h \
 launcher/host/sysfs.h launcher/vm/runtime.h launcher/vm/vm_load.h \
 config/vm_config.h config/schema.h config/toml.h util/strvec.h \
 util/cpuset.h launcher/vm/vm_status.h launcher/host/vm_cgroup.h \
 launcher/vm/vm_state.h launcher/vm/vm_thread.h util/wrapper.h \
 util/banned.h
launcher/vm/vm_list.h:
launcher/vm/paths.h:
util/err.h:
util/strbuf.h:
launcher/host/sysfs.h:
launcher/vm/runtime.h:
launcher/vm/vm_load.h:
config/vm_config.h:
config/schema.h:
config/toml.h:
util/strvec.h:
util/cpuset.h:
launcher/vm/vm_status.h:
launcher/host/vm_cgroup.h:
launcher/vm/vm_state.h:
launcher/vm/vm_thread.h:
util/wrapper.h:
util/banned.h:
