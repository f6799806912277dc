/*
 * runtime.h - a VM's runtime directory, its lock, and ghost detection.
 *
 * Each VM has $MVLAUNCH_RUNDIR/NAME/ (default /run/mvlaunch/NAME, mode 0700)
 * holding qmp.sock, qemu.pid, serial.sock and state.json; its logs live apart
 * in $MVLAUNCH_LOGDIR/NAME/ (default /var/log/mvlaunch/NAME), which 'down'
 * keeps: qemu.log and serial.log of this boot, .1 to .4 of the ones before. Whoever changes a VM (up, down, run) holds an exclusive flock
 * on that directory, so two commands on one VM never interleave, and commands
 * on different VMs never wait for each other.
 */
#ifndef MVL_RUNTIME_H
#define MVL_RUNTIME_H

#include "util/err.h"
#include "util/strbuf.h"

struct vm_runtime {
	char *name;
	char *dir;
	int lock_fd;		/* -1 when not locked */
};

#define VM_RUNTIME_INIT { NULL, NULL, -1 }

/*
 * Create (if needed) and lock NAME's runtime directory. With 'wait' the call
 * blocks until another command on the VM is done; without it a held lock is
 * an error ("busy"), after 200 ms of tries (a 'status' holds it a moment);
 * with RUNTIME_LOCK_NOW after one. Returns 0, or -1 with the reason in err.
 */
int runtime_lock(struct vm_runtime *rt, const char *name, int wait, struct err *err);
#define RUNTIME_LOCK_NOW (-1)
/*
 * Lock the whole runtime root (blocking) while CPUs are handed out, so two
 * 'up' of different VMs never plan the same CPUs. Returns the fd to close,
 * or -1 with the reason in err.
 */
int runtime_lock_root(struct err *err);
/* The same, but not ended by a pending signal: for undoing a start that a signal ended. */
int runtime_lock_root_undo(struct err *err);

/* Path of a file in the runtime directory; caller frees. */
char *runtime_path(const struct vm_runtime *rt, const char *file);
/* Whether the directory exists (the VM was started and not cleaned up). */
int runtime_exists(const char *name);
/*
 * Stop the helpers recorded in the runtime directory (swtpm) that still run:
 * given 0.5 s to end on their own once QEMU is gone, then SIGTERM, SIGKILL.
 */
void runtime_stop_helpers(const struct vm_runtime *rt);
struct vm_cgroup;
/*
 * RUN/NAME/cgroup.json: the VM's cgroup, written (fsync, rename) before it
 * is made, so whoever cleans up after a crash removes it. 0, or -1 with err.
 */
int runtime_cgroup_record(const struct vm_runtime *rt, const struct vm_cgroup *cg, struct err *err);
/* The recorded cgroup into cg (release it). 0, or -1 with err (none, or not a record mvlaunch writes). */
int runtime_cgroup_load(const struct vm_runtime *rt, struct vm_cgroup *cg, struct err *err);
/*
 * Stop the helpers, then remove the recorded cgroup (waiting briefly for
 * the kernel to drain it) and its record. 0, or -1 with err: the cgroup
 * still has a process, and stays recorded.
 */
int runtime_clean_cgroup(const struct vm_runtime *rt, struct err *err);

/* Stop the helpers, remove the cgroup, then every runtime file but keep the directory (and the lock). */
void runtime_clean_files(struct vm_runtime *rt);
/* Remove every runtime file and the directory (keeps the lock fd). */
void runtime_clean(struct vm_runtime *rt);
/* Whether any runtime file is present. */
int runtime_has_files(const struct vm_runtime *rt);
/* Unlock and free; the directory stays unless runtime_clean() ran. */
void runtime_release(struct vm_runtime *rt);

/* How many boots' logs are kept: this one and four before. */
#define RUNTIME_LOG_BOOTS 5

/*
 * RUN_ROOT/NAME (file NULL) or RUN_ROOT/NAME/FILE ("state.json",
 * "serial.sock"): the one place a VM's runtime paths are made; caller frees.
 */
char *runtime_vm_path(const char *name, const char *file);
/* LOG_ROOT/NAME (file NULL) or LOG_ROOT/NAME/FILE ("qemu.log", "serial.log"); caller frees. */
char *runtime_log_path(const char *name, const char *file);
/*
 * Create LOG_ROOT/NAME (0700, its parents 0755) if needed and check it is
 * this user's own (trust_dir()). 0, or -1 with the reason in err.
 */
int runtime_log_dir(const char *name, struct err *err);
/*
 * Before a boot: create LOG_ROOT/NAME (0700) and shift qemu.log and
 * serial.log to .1 (.1 to .2, ...; the oldest beyond RUNTIME_LOG_BOOTS goes).
 * 0, or -1 with the reason in err.
 */
int runtime_logs_rotate(const char *name, struct err *err);

/*
 * QEMU's event log, written by QEMU itself whoever is (or is not) attached:
 * a second QMP monitor on a pipe chardev whose input RUN/NAME/events.in
 * holds the one line that turns events on (qmp_capabilities) and whose
 * output RUN/NAME/events.out links to LOG/NAME/events.log, made empty here
 * (QEMU writes from its start; runtime_logs_rotate() kept the last one).
 * 0, or -1 with err.
 */
int runtime_events_prepare(struct vm_runtime *rt, struct err *err);
/*
 * RUN/NAME/console.lock, empty, 0600: 'mvlaunch console' holds it while
 * attached, so a second one is refused instead of waiting unheard in
 * QEMU's queue (made by 'up', removed with the directory). 0, or -1 with err.
 */
int runtime_console_lock_prepare(struct vm_runtime *rt, struct err *err);

/*
 * Whether this user may read the runtime root (a missing one is fine: no
 * VMs). -1 with the truth and the fix in err ("permission denied reading
 * ...: run as root, or add yourself to group mvlaunch"): read-only commands
 * never answer "not running" for what they cannot see.
 */
int runtime_root_access(struct err *err);

/* A VM another user started (its runtime directory is theirs): -1 with the reason. */
int runtime_owner_check(const char *name, struct err *err);

struct cpuset;
/*
 * RUN/NAME/claim.json: the CPUs a VM being started owns (and whether they
 * are dedicated), written by 'up' under the root lock right after planning
 * and removed once state.json says the same (or the start failed). The
 * planner of a concurrent 'up' holds them as it holds a running VM's.
 * encode: a new string; decode: 0, or -1 with the reason in err.
 */
char *runtime_claim_encode(const struct cpuset *owned, int dedicated);
int runtime_claim_decode(const char *text, struct cpuset *owned, int *dedicated, struct strbuf *err);
int runtime_claim_write(const struct vm_runtime *rt, const struct cpuset *owned, int dedicated, struct err *err);
void runtime_claim_drop(const struct vm_runtime *rt);
/*
 * NAME's claim into owned/dedicated: 1 when there is one and it is live
 * (someone holds the VM's directory lock: an 'up' killed half-way claims
 * nothing), else 0.
 */
int runtime_claim_load(const char *name, struct cpuset *owned, int *dedicated);
/* Whether another open file holds NAME's directory lock (an 'up' or 'down' at work on it). */
int runtime_locked_by_other(const char *name);

/* RUN_ROOT/host.json, what VMs hold on the host (launcher/host/host_prep.h): a new string. */
char *runtime_host_state_path(void);

/*
 * Call fn(name, data) for each VM directory under the runtime root, in name
 * order. Stops at and returns the first non-zero value of fn.
 */
int runtime_for_each(int (*fn)(const char *name, void *data), void *data);

#endif
