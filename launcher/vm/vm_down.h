/*
 * vm_down.h - stop a VM's QEMU: attach to it, ask the guest to power off,
 * and only when told to, quit, TERM, KILL.
 */
#ifndef MVL_VM_DOWN_H
#define MVL_VM_DOWN_H

#include "launcher/vm/vm_handle.h"
#include "util/err.h"
#include "util/strbuf.h"

/*
 * How a VM was stopped, for the message. Not stopped: STOP_STILL_RUNNING (the
 * guest did not power off in time), STOP_UNREACHABLE (QMP did not answer, so
 * the power button could not be pressed), STOP_INTERRUPTED (a signal ended
 * the wait for the guest: see vm_down_opts.interruptible).
 */
enum vm_down_how {
	STOP_NOT_RUNNING, STOP_GONE, STOP_POWERDOWN, STOP_QUIT, STOP_TERM, STOP_KILL, STOP_STILL_RUNNING,
	STOP_UNREACHABLE, STOP_INTERRUPTED,
};

struct vm_down_opts {
	int timeout_ms;		/* how long the guest gets after the ACPI power-down */
	int force;		/* no power-down: QMP quit, SIGTERM, SIGKILL at once */
	int kill_after;		/* still running after timeout_ms: then quit, TERM, KILL */
	/*
	 * remove the runtime files but keep the directory (and its lock) for
	 * the caller's runtime_clean(): until the host is given back, the
	 * crash sweep of a concurrent command sees the VM as alive, not gone
	 */
	int keep_dir;
	/*
	 * a Ctrl-C, SIGTERM or SIGHUP pending (interrupt_arm()) ends the wait
	 * for the guest within 100 ms: STOP_INTERRUPTED, left running as when
	 * the time is up ('down'; 'run' handles its signals itself)
	 */
	int interruptible;
	/* called about once a second while the guest shuts down (may be NULL) */
	void (*progress)(void *data, int waited_ms, int timeout_ms);
	void *data;
};

/*
 * Stop the QEMU in h (attached or our child). A running guest gets the ACPI
 * power-down and up to timeout_ms to power itself off (QMP is let go while
 * it waits, so 'status' works meanwhile); if it does not, it is left running
 * (STOP_STILL_RUNNING, runtime files kept) unless kill_after says to stop it.
 * Without QMP the guest cannot be asked: STOP_UNREACHABLE, left running,
 * unless force or kill_after.
 * A guest that cannot act on the power button (never started: prelaunch;
 * paused; stopped on an error) and 'force' go straight to QMP quit, SIGTERM,
 * SIGKILL. *status (may be NULL) gets QEMU's state before ("running",
 * "paused", ...; "" when QMP did not answer). Once QEMU is gone the runtime
 * files are removed. Returns how it stopped.
 */
enum vm_down_how vm_down(struct vm_handle *h, const struct vm_down_opts *o, char **status);

/* Whether a guest in QMP state 'status' can act on the ACPI power button (running, suspended). */
int vm_down_hears_acpi(const char *status);

/*
 * Lock NAME's runtime directory (waiting for another command) and attach to
 * its QEMU; with 'quit' (a forced stop) QMP's 'quit' goes with the
 * connection, for vm_down() with o->force. Returns 1 when QEMU runs (h
 * filled), 0 when it does not (stale files already removed; *was_gone says
 * whether there was a crashed QEMU), -1 on error.
 */
int vm_down_attach(const char *name, struct vm_handle *h, int *was_gone, int quit, struct err *err);

/*
 * For a VM this process started: lock its runtime directory again (waiting)
 * and, if it is still ours (state.json names our QEMU, or is gone), reconnect
 * QMP when QEMU runs. Returns 2 if state.json still names our QEMU, 1 if it
 * is gone (a 'down' from elsewhere stopped the VM and cleaned up, its hooks
 * included), 0 if another 'up' owns the directory now (h->rt is then
 * unlocked and must not be cleaned).
 */
int vm_down_reclaim(struct vm_handle *h, struct err *err);

#endif
