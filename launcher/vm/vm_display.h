/*
 * vm_display.h - a running VM's remote screen ([display]): its password set
 * over QMP at 'up', and how to connect to what QEMU really serves
 * ('mvlaunch display').
 */
#ifndef MVL_VM_DISPLAY_H
#define MVL_VM_DISPLAY_H

#include "config/vm_config.h"
#include "qmp/qmp_cmds.h"
#include "util/err.h"
#include "util/strvec.h"

/*
 * Before 'cont': give QEMU the display password (set_password), so a TCP
 * display takes no client without it. Nothing to do without one. 0, or -1 with err.
 */
int vm_display_start(struct qmp *q, const struct vm_config *cfg, struct err *err);

/*
 * How to reach display d: its URI ("vnc+unix:///run/mvlaunch/w/vnc.sock",
 * "spice://127.0.0.1:5930"; caller frees), the command lines that connect
 * on this host ('here') and, through SSH, from another machine ('remote').
 */
char *vm_display_uri(const struct qmp_display *d);
void vm_display_commands(const struct qmp_display *d, struct strvec *here, struct strvec *remote);

#endif
