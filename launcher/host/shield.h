/*
 * shield.h - keep every other task off the CPUs VMs own (CPU shielding).
 *
 * Seed 002 did this with 'cset shield' (Python 2, cgroup v1 only). Here the
 * host's tasks are confined to the CPUs no VM owns, by one of three means:
 *   cgroup1  the cpuset hierarchy (/sys/fs/cgroup/cpuset): a child cpuset
 *            "mvlaunch.host" with the host CPUs, every movable task of the
 *            root cpuset moved into it, other child cpusets shrunk so they
 *            leave the VM CPUs alone;
 *   cgroup2  the unified hierarchy without systemd: the same with its files
 *            (the cpuset controller enabled in the root's subtree_control);
 *   systemd  cgroup v2 with systemd as PID 1: AllowedCPUs of system.slice,
 *            user.slice and init.scope through sd-bus, runtime only, so
 *            systemd keeps owning its tree and a reboot forgets it.
 * Kernel threads move where the kernel allows (not per-CPU ones, and not
 * kthreadd); what could not move is reported as a note. QEMU is never
 * confined: its child process puts itself into the root cgroup
 * (shield_vm_procs()) before it sets its own affinity and execs.
 *
 * Everything changed is recorded in host.json's "shield" object, so the
 * last release (or reconciliation after a crash) undoes it exactly.
 */
#ifndef MVL_SHIELD_H
#define MVL_SHIELD_H

#include <sys/types.h>

#include "launcher/host/host_state.h"
#include "util/cpuset.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/strvec.h"

struct shield_io {
	int dry_run;			/* list changes, make none */
	struct strvec *changes;		/* "path: old -> new", "move N tasks ..." */
	struct strvec *notes;		/* what could not be moved */
	const pid_t *keep;		/* running QEMUs: never moved into the shield */
	size_t nr_keep;
	/*
	 * The write-ahead point: puts host.json (with what shield_sync() has
	 * recorded so far) on disk before the next change to the host. NULL:
	 * nothing to commit (tests, dry runs).
	 */
	int (*commit)(void *data, struct err *err);
	void *commit_data;
};

/*
 * Make the shield recorded in sh (host.json's "shield") match vm_cpus: with
 * CPUs, everything else is confined to all minus vm_cpus (created, or
 * narrowed and widened as VMs come and go); with NULL or an empty set the
 * shield is undone and its record removed. 0, or -1 with the reason in err.
 */
int shield_sync(struct host_state_shield *sh, const struct cpuset *vm_cpus, const struct cpuset *all,
		struct shield_io *io, struct err *err);

/*
 * Whether a "shield" record of host.json names only what shield_sync()
 * would write: a known backend, the shield cgroup at its only place, other
 * cpusets' cpuset.cpus under the cgroup root, the three systemd units. 0, or
 * -1 with the first stranger in why.
 */
int shield_record_check(const struct host_state_shield *sh, struct strbuf *why);

/*
 * While a shield stands (state has one), the cgroup.procs file (full path,
 * $MVLAUNCH_SYSROOT included) a new QEMU writes its pid to before exec so
 * it is outside the shield; NULL otherwise. Caller frees.
 */
char *shield_vm_procs(const struct host_state_shield *sh);

/* systemd's AllowedCPUs of a unit, read and set at runtime over sd-bus (shield_systemd.c). */
int shield_systemd_get(const char *unit, struct cpuset *cpus, struct strbuf *err);
int shield_systemd_set(const char *unit, const struct cpuset *cpus, struct strbuf *err);

#endif
