build-hot/launcher/plan/host_map.o: launcher/plan/host_map.c \
 launcher/plan/host_map.h launcher/plan/host_topo.h util/cpuset.h \
 util/strbuf.h util/wrapper.h util/banned.h
launcher/plan/host_map.h:
launcher/plan/host_topo.h:
util/cpuset.h:
util/strbuf.h:
util/wrapper.h:
util/banned.h:
