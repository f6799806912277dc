/*
 * vm_status.h - what a VM is doing now, read live: QMP state, pid, uptime,
 * and each thread's CPU affinity as the kernel reports it, against the pins
 * 'up' applied. Shared by 'status' and 'list'; changes nothing.
 */
#ifndef MVL_VM_STATUS_H
#define MVL_VM_STATUS_H

#include <jansson.h>

#include "launcher/host/vm_cgroup.h"
#include "launcher/vm/vm_state.h"

struct vm_status {
	char *name;
	/*
	 * QMP status ("running", "paused", ...), "crashed", "starting", "stale",
	 * "unresponsive", or "alive" for a user who may read but not use QMP
	 */
	const char *state;
	int running;		/* QEMU process alive */
	struct vm_state st;	/* from state.json; threads[].actual and comm read live */
	char *log;		/* its QEMU's log (kept after a crash) */
	long long uptime_s;
	int drift;		/* some thread's affinity differs from its pin */
	/*
	 * Why the state is not a QMP answer ("stale", "unresponsive",
	 * "crashed"): what failed, with its error; NULL otherwise.
	 */
	char *reason;
	/* the config file differs from the one the VM started with: 1, 0, -1 unknown (unreadable) */
	int config_changed;
	/* the VM's cgroup (RUN/NAME/cgroup.json) and its limits read now; has_cgroup 0: none recorded or unreadable */
	int has_cgroup;
	struct vm_cgroup cg;
	struct vm_cgroup_limits limits;
	char *cgroup_error;	/* why the limits could not be read */
};

/*
 * Fill s for VM 'name' (whose runtime directory exists): always a state,
 * with the reason when it could not be read live (s->reason).
 */
void vm_status_read(const char *name, struct vm_status *s);
/*
 * Measure the running VMs' threads over one window of window_ms: each
 * thread's CPU use, its run-queue delay (schedstat: ready to run but not
 * running) and the CPU it last ran on, into threads[].use_pct, wait_pct
 * and last_cpu. All VMs in the one window (it sleeps once).
 */
void vm_status_sample(struct vm_status *s, size_t nr, int window_ms);
json_t *vm_status_json(const struct vm_status *s);
/* Add QEMU's helper threads that appeared after 'up' (as emulator threads), drop ones that ended. */
void vm_status_refresh_threads(struct vm_state *st);
void vm_status_release(struct vm_status *s);

#endif
