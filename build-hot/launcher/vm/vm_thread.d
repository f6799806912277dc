build-hot/launcher/vm/vm_thread.o: launcher/vm/vm_thread.c \
 launcher/vm/vm_thread.h util/cpuset.h util/strbuf.h util/banned.h
launcher/vm/vm_thread.h:
util/cpuset.h:
util/strbuf.h:
util/banned.h:
