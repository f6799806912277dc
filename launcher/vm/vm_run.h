/*
 * vm_run.h - stay with a started VM until it stops: the loop of 'run', the
 * command a service manager runs.
 *
 * A signal on the given signalfd becomes a graceful stop (ACPI power-down,
 * then quit/TERM/KILL after the stop timeout); the guest powering off, or
 * QEMU ending any other way, ends the wait too. Either way what the VM held
 * on the host is given back and floating VMs are widened again.
 */
#ifndef MVL_VM_RUN_H
#define MVL_VM_RUN_H

#include "launcher/vm/paths.h"
#include "launcher/vm/vm_down.h"
#include "util/err.h"
#include "util/strbuf.h"

enum vm_run_end {
	VM_RUN_SIGNALLED,	/* a signal came and the guest was stopped ('how' says how) */
	VM_RUN_TAKEN,		/* a signal came, but another 'up' owns the name now: ours is gone */
	VM_RUN_POWERED_OFF,	/* the guest powered itself off (QEMU exited with 0) */
	VM_RUN_CRASHED,		/* QEMU ended otherwise: 'why' says how, with the end of its log */
	VM_RUN_ERROR,		/* waiting failed (poll); the VM is left as it is */
};

struct vm_run_opts {
	int sfd;		/* signalfd of the signals that stop the guest */
	int stop_timeout_ms;	/* how long the guest gets to power off on a signal */
	const struct vm_dirs *dirs;	/* where host.toml is, to give back the host's hold */
	/* told when a signal came, before the guest is stopped (may be NULL) */
	void (*signalled)(void *data, int signo);
	void *data;
};

struct vm_run_result {
	enum vm_run_end end;
	int signo;		/* VM_RUN_SIGNALLED, VM_RUN_TAKEN: which signal */
	enum vm_down_how how;	/* VM_RUN_SIGNALLED: how the guest stopped */
	struct strbuf why;	/* VM_RUN_CRASHED: "exited with status 1; the end of its log: ..." */
};

#define VM_RUN_RESULT_INIT { VM_RUN_ERROR, 0, STOP_NOT_RUNNING, STRBUF_INIT }

/*
 * Wait on h (started by this process, QMP already let go) until it stops,
 * fill res. Errors while giving back the host's hold are added to err (the
 * VM's end is still in res). Returns 0, or -1 when res->end is VM_RUN_ERROR.
 */
int vm_run_wait(struct vm_handle *h, const struct vm_run_opts *o, struct vm_run_result *res, struct err *err);

void vm_run_result_release(struct vm_run_result *res);

#endif
