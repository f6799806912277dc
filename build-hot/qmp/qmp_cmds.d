build-hot/qmp/qmp_cmds.o: qmp/qmp_cmds.c qmp/qmp_cmds.h qmp/qmp.h \
 util/strbuf.h util/strvec.h util/wrapper.h util/banned.h
qmp/qmp_cmds.h:
qmp/qmp.h:
util/strbuf.h:
util/strvec.h:
util/wrapper.h:
util/banned.h:
