build-hot/launcher/vm/vm_console.o: launcher/vm/vm_console.c \
 launcher/vm/vm_console.h util/err.h util/strbuf.h launcher/vm/runtime.h \
 util/wrapper.h util/banned.h
launcher/vm/vm_console.h:
util/err.h:
util/strbuf.h:
launcher/vm/runtime.h:
util/wrapper.h:
util/banned.h:
