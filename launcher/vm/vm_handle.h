/*
 * vm_handle.h - a VM's QEMU as 'up', 'down', 'run' and 'status' hold it:
 * its locked runtime directory, the process, QMP and state.json.
 */
#ifndef MVL_VM_HANDLE_H
#define MVL_VM_HANDLE_H

#include "launcher/qemu/qemu_proc.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_state.h"
#include "qmp/qmp.h"

struct vm_handle {
	struct vm_runtime rt;
	struct qemu_proc proc;
	struct qmp *qmp;
	struct vm_state state;
	int quit_sent;		/* 'quit' went with the connection (vm_down_attach() of a forced stop) */
	int powerdown_sent;	/* vm_down() pressed the power button (the guest may be shutting down) */
};

#define VM_HANDLE_INIT { VM_RUNTIME_INIT, QEMU_PROC_INIT, NULL, { 0 }, 0, 0 }

/* Close QMP and the pidfd, unlock; QEMU keeps running. */
void vm_handle_release(struct vm_handle *h);
/* 0 if h holds the VM's QMP connection; else -1 with "cannot reach ..." and a hint in err. */
struct err;
int vm_handle_need_qmp(const struct vm_handle *h, struct err *err);

/* Connect h->qmp to its QEMU again (5 s); 0, or -1 with h->qmp NULL. */
int vm_handle_reconnect(struct vm_handle *h);
/* The same, with 'quit' sent behind the negotiation (h->quit_sent): a forced stop. */
int vm_handle_reconnect_quit(struct vm_handle *h);
/*
 * Connect and send 'quit' waiting for no answer (h->quit_sent): what QEMU
 * says is read, if ever, by the next QMP call that reads. The first step of
 * a forced stop of many, sent by one process to each in turn. 0, or -1
 * with h->qmp NULL when it cannot connect.
 */
int vm_handle_quit_nowait(struct vm_handle *h);

/*
 * The running QEMU of a runtime directory, from state.json, or from
 * qemu.id (written by QEMU's process before exec) or qemu.pid when 'up'
 * died before writing state.json. 0, or -1 if none runs.
 */
int vm_handle_find_qemu(const struct vm_runtime *rt, struct qemu_proc *p, struct vm_state *st);

#endif
