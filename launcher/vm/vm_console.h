/*
 * vm_console.h - a VM's serial console: connect to RUN/NAME/serial.sock and
 * relay bytes between it and a pair of file descriptors.
 */
#ifndef MVL_VM_CONSOLE_H
#define MVL_VM_CONSOLE_H

#include "util/err.h"
#include "util/strbuf.h"

/* A console attached: the connected socket, and RUN/NAME/console.lock held (-1: the VM has none). */
struct vm_console {
	int fd;
	int lock;
};
#define VM_CONSOLE_INIT { -1, -1 }
/*
 * Connect to NAME's serial console: one at a time (another console holds
 * console.lock; QEMU says another client has the port), and never left
 * waiting in QEMU's queue. 0, or -1 with the reason (and a hint) in err.
 */
int vm_console_connect(const char *name, struct vm_console *c, struct err *err);
/* Close both; c is VM_CONSOLE_INIT again. */
void vm_console_close(struct vm_console *c);

enum vm_console_end {
	VM_CONSOLE_CLOSED,	/* the VM closed the console (it stopped) */
	VM_CONSOLE_ESCAPE,	/* the escape byte came from 'in' */
	VM_CONSOLE_QUIET,	/* 'in' ended and the guest said nothing for quiet_ms */
	VM_CONSOLE_BROKEN,	/* writing to 'out' or to the console failed */
};

struct vm_console_opts {
	int in, out;		/* what the user types, where the guest's output goes */
	int escape;		/* a byte from 'in' that ends the relay, or -1 for none */
	int quiet_ms;		/* once 'in' ended: stop after this long without output, -1 never */
};

/* Copy bytes both ways between the console socket fd and o->in/o->out until one of the ends above. */
enum vm_console_end vm_console_relay(int fd, const struct vm_console_opts *o);

#endif
