/*
 * vm_state.h - state.json: what 'up' started and how it pinned it.
 *
 * Written once QEMU runs pinned; read by 'status', 'down' and the commands
 * that must know which CPUs running VMs hold. Written atomically (temp file,
 * rename), so a reader never sees half a file.
 *
 * {"name": "demo", "pid": 1234, "start_time": 5678, "started_at": 1795440000,
 *  "config": "/etc/mvlaunch/vms/demo.toml", "config_digest": "fnv1a64:...",
 *  "hooks_dir": "/etc/mvlaunch/vms/hooks.d",
 *  "qemu_version": "7.2.22", "emulator_cpus": [0, 1], "emulator_floating": false,
 *  "owned_cpus": [2, 3], "dedicated": true,
 *  "threads": [{"tid": 1236, "role": "vcpu", "vcpu": 0, "name": "CPU 0/TCG", "cpus": [0]}, ...]}
 * A thread with "floating": true floats over the shared pool; its "cpus"
 * follow the pool as dedicated VMs come and go (vm_float.c).
 */
#ifndef MVL_VM_STATE_H
#define MVL_VM_STATE_H

#include <stdint.h>
#include <sys/types.h>

#include "launcher/vm/vm_thread.h"
#include "util/err.h"

struct vm_state {
	char *name;
	pid_t pid;
	unsigned long long start_time;
	long long started_at;	/* unix seconds */
	char *config;
	char *hooks_dir;	/* the HOOKS_DIR 'up' used (launcher/vm/hooks.h), or NULL */
	uint64_t config_digest;
	char *qemu_version;
	struct vm_threads threads;	/* planned = the pins applied at start */
	struct cpuset emulator;		/* where QEMU's helper threads belong */
	int emulator_floating;		/* emulator is the shared pool and follows it */
	struct cpuset owned;		/* CPUs no other VM may get */
	int dedicated;			/* its vCPUs are dedicated */
};

int vm_state_write(const char *path, const struct vm_state *st, struct err *err);
/* 0, or -1 with "state file 'PATH': reason" in err (missing, corrupt, wrong shape). */
int vm_state_read(const char *path, struct vm_state *st, struct err *err);
void vm_state_release(struct vm_state *st);

/*
 * Read RUN_ROOT/NAME/state.json and tell whether its QEMU still runs (same
 * pid and start time). Returns 1 with st filled (release it), else 0 with st
 * empty: no file, a corrupt one, or a QEMU that is gone.
 */
int vm_state_load_running(const char *name, struct vm_state *st);

/* {"tid", "role", "vcpu" (vCPUs), "iothread" (iothreads), "name", "cpus": planned} (new reference). */
json_t *vm_state_thread_json(const struct vm_thread *t);

#endif
