/*
 * vm_up.h - start a VM paused, pin every thread, verify, resume; and stop it.
 *
 * The only code that starts or stops a VM's QEMU (spawned through
 * launcher/qemu/qemu_proc.c; 'check' starts a probing QEMU of its own). Every
 * failure path stops the QEMU it started and removes the runtime files, so a
 * failed 'up' leaves nothing behind.
 */
#ifndef MVL_VM_UP_H
#define MVL_VM_UP_H

#include "launcher/host/host_prep.h"
#include "launcher/vm/pin_apply.h"
#include "launcher/qemu/qemu_proc.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_state.h"
#include "config/vm_config.h"
#include "qmp/qmp.h"

struct vm_handle {
	struct vm_runtime rt;
	struct qemu_proc proc;
	struct qmp *qmp;
	struct vm_state state;
};

#define VM_HANDLE_INIT { VM_RUNTIME_INIT, QEMU_PROC_INIT, NULL, { 0 } }

struct vm_up_opts {
	int timeout_ms;		/* start to QMP answering, and each QMP reply */
	int paused;		/* pin and verify, but leave the guest paused */
	const struct vm_dirs *dirs;	/* where host.toml is */
	int dry_run;		/* plan and list the host changes, start nothing */
	int force;		/* start a cpu_pm VM on vCPUs that are not dedicated */
	struct strvec *changes;	/* if not NULL: the host changes ("path: old -> new") */
	struct strvec *argv;	/* if not NULL: the QEMU argv */
	/* told what 'up' starts doing, step by step ("starting QEMU"); may be NULL */
	void (*step)(void *data, const char *what);
	void *step_data;
};

/*
 * Start cfg's VM. On success returns 0 with h filled (QEMU running and
 * pinned, state.json written, QMP connected, runtime lock released: QEMU's
 * QMP serves one client at a time, so close h->qmp soon to let 'status' and
 * 'down' in); the caller releases h with vm_handle_release(). On failure returns -1 with the cause in err (QEMU's
 * exit and the tail of qemu.log when it died), and nothing is left running
 * or on disk. 'notes' collects messages worth showing (stale files removed).
 */
int vm_up(const struct vm_config *cfg, const struct vm_up_opts *opts, struct vm_handle *h,
	  struct strvec *notes, struct strbuf *err);

/* Close QMP and the pidfd, unlock; QEMU keeps running. */
void vm_handle_release(struct vm_handle *h);

/*
 * How a VM was stopped, for the message. Not stopped: STOP_STILL_RUNNING (the
 * guest did not power off in time), STOP_UNREACHABLE (QMP did not answer, so
 * the power button could not be pressed).
 */
enum vm_stop_how {
	STOP_NOT_RUNNING, STOP_GONE, STOP_POWERDOWN, STOP_QUIT, STOP_TERM, STOP_KILL, STOP_STILL_RUNNING,
	STOP_UNREACHABLE,
};

struct vm_stop_opts {
	int timeout_ms;		/* how long the guest gets after the ACPI power-down */
	int force;		/* no power-down: QMP quit, SIGTERM, SIGKILL at once */
	int kill_after;		/* still running after timeout_ms: then quit, TERM, KILL */
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
enum vm_stop_how vm_stop(struct vm_handle *h, const struct vm_stop_opts *o, char **status);

/*
 * After NAME's QEMU stopped: give back what it held on the host (hugepages,
 * its share of the host knobs; the last VM restores them all). Takes the
 * runtime root's lock; without RUN_ROOT/host.json there is nothing to do.
 * name NULL: only give back what VMs whose QEMU is gone held. 0, or -1.
 */
int vm_host_release(const char *name, const struct vm_dirs *dirs, struct strvec *notes, struct strbuf *err);
/* Give back what VMs whose QEMU is gone held. */
int vm_host_reconcile(const struct vm_dirs *dirs, struct strvec *notes, struct strbuf *err);

/*
 * host_prep_init() with this host's RUN_ROOT/host.json and the VMs' liveness
 * (vm_alive()) and QEMU pids, as every up, down, status and host call uses it.
 */
void vm_host_prep_init(struct host_prep *prep, const struct host_config *hc, const struct host_topo *topo, int dry_run);
/* host_prep_status() of this host's RUN_ROOT/host.json. */
json_t *vm_host_status(struct strbuf *err);

/*
 * Lock NAME's runtime directory (waiting for another command) and attach to
 * its QEMU. Returns 1 when QEMU runs (h filled), 0 when it does not (stale
 * files already removed; *was_gone says whether there was a crashed QEMU),
 * -1 on error.
 */
int vm_attach(const char *name, struct vm_handle *h, int *was_gone, struct strbuf *err);

/*
 * For a VM this process started: lock its runtime directory again (waiting)
 * and, if it is still ours (state.json names our QEMU, or is gone), reconnect
 * QMP when QEMU runs. Returns 1 if still ours, 0 if another 'up' owns the
 * directory now (h->rt is then unlocked and must not be cleaned).
 */
int vm_reclaim(struct vm_handle *h, struct strbuf *err);

/* Whether a guest in QMP state 'status' can act on the ACPI power button (running, suspended). */
int hears_acpi_state(const char *status);

/*
 * Whether VM 'name' may hold anything on the host: another command holds its
 * lock (an 'up' between fork and state.json, a 'down' at work), or a process
 * with its recorded identity lives (state.json, qemu.id, qemu.pid; a zombie
 * leader with live threads counts). What host preparation asks before it
 * gives back a VM's hugepages and knobs.
 */
int vm_alive(const char *name);

/* Connect h->qmp to its QEMU again (5 s); 0, or -1 with h->qmp NULL. */
int vm_reconnect(struct vm_handle *h);

/*
 * The running QEMU of a runtime directory, from state.json, or from
 * qemu.id (written by QEMU's process before exec) or qemu.pid when 'up'
 * died before writing state.json. 0, or -1 if none runs.
 */
int vm_find_qemu(const struct vm_runtime *rt, struct qemu_proc *p, struct vm_state *st);

#endif
