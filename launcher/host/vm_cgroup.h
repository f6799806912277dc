/*
 * vm_cgroup.h - each VM's own cgroup: QEMU and swtpm in it from their first
 * instruction, its [limits] written and read back, removed when the last
 * process of it is gone.
 *
 * Three backends, picked by what the host has (the CPU shield's rules):
 *   systemd  cgroup v2 with systemd as PID 1: a transient scope
 *            "mvlaunch-NAME.scope" in machine.slice (StartTransientUnit
 *            over sd-bus with QEMU's pid; limits as CPUWeight, CPUQuota,
 *            MemoryMax, MemoryHigh), registered with systemd-machined so
 *            'machinectl list' shows it (vm_cgroup_systemd.c);
 *   cgroup2  the unified hierarchy without systemd: ROOT/mvlaunch-NAME,
 *            the cpu and memory controllers enabled on the way down;
 *   cgroup1  separate hierarchies: ROOT/mvlaunch-NAME in each of cpu,
 *            cpuacct, memory and blkio (one directory per mount: a
 *            "cpu,cpuacct" mount counts once). Never in cpuset: that
 *            hierarchy is the shield's, whose "host tasks" group QEMU
 *            must stay out of.
 * ROOT is the cgroup path inside a hierarchy, "/machine.slice" unless
 * $MVLAUNCH_CGROUP_ROOT names another ("/mvl-test-1234": tests keep to a
 * subtree of their own). On cgroup v2 the shield leaves ROOT alone (it is
 * outside the shield's sibling "mvlaunch.host", and its CPUs are not
 * fenced). Every path goes through sysfs.c ($MVLAUNCH_SYSROOT).
 *
 * What 'up' made is recorded (vm_cgroup_to_json()) in the VM's runtime
 * directory before the first mkdir, so 'down' after a crash of QEMU or of
 * mvlaunch itself, and the sweep of stale runtime files, remove it.
 */
#ifndef MVL_VM_CGROUP_H
#define MVL_VM_CGROUP_H

#include <jansson.h>
#include <stdint.h>
#include <sys/types.h>

#include "config/vm_config.h"
#include "util/err.h"
#include "util/strvec.h"

enum vm_cgroup_backend { VM_CGROUP_NONE, VM_CGROUP_V1, VM_CGROUP_V2, VM_CGROUP_SYSTEMD };

struct vm_cgroup {
	int backend;		/* enum vm_cgroup_backend */
	char *name;		/* the VM's */
	char *unit;		/* systemd: "mvlaunch-NAME.scope" */
	struct strvec dirs;	/* the cgroup's directories: one per v1 hierarchy, else one */
	int no_cpu;		/* v1: left out of the cpu hierarchies (real-time threads need the root's RT time) */
	int started;		/* systemd: the scope runs (the next process is attached to it) */
	int registered;		/* systemd: registered with systemd-machined */
};

#define VM_CGROUP_INIT { VM_CGROUP_NONE, NULL, NULL, STRVEC_INIT, 0, 0, 0 }

/* The limits of a cgroup; 0: none (written: left as the kernel's default). */
struct vm_cgroup_limits {
	unsigned cpu_weight;		/* 1..10000 (v1: from cpu.shares) */
	unsigned cpu_max_pct;		/* "250%": 250 */
	uint64_t memory_max, memory_high;
};

/* "/machine.slice", or $MVLAUNCH_CGROUP_ROOT (checked: absolute, no "..", no "//"). */
const char *vm_cgroup_root(void);

/* The limits cfg's [limits] asks for. */
void vm_cgroup_limits_from_config(struct vm_cgroup_limits *l, const struct vm_config *cfg);

/*
 * Where VM 'name''s cgroup goes on this host (nothing is changed): the
 * backend and directories. realtime: the VM has fifo or rr threads (on v1
 * they need the root cpu cgroup's RT time: the cgroup then leaves out the
 * cpu hierarchies, and CPU limits are refused). 0, or -1 with the reason
 * in err (no cgroup file system; $MVLAUNCH_CGROUP_ROOT not a cgroup path;
 * CPU limits with real-time threads on v1).
 */
int vm_cgroup_plan(struct vm_cgroup *cg, const char *name, int realtime, const struct vm_cgroup_limits *want,
		   struct err *err);

/*
 * Make the cgroup's directories (v1, v2; systemd's scope is made by
 * vm_cgroup_systemd_start() once the pid is known) and write 'want' into
 * them, then read every value back: a value that did not hold is an error
 * naming the file, what was written and what it reads. 0, or -1 with err.
 */
int vm_cgroup_create(struct vm_cgroup *cg, const struct vm_cgroup_limits *want, struct err *err);

/*
 * Read the limits of want that are not 0 back from the kernel's files and
 * compare (memory in whole pages): a value that did not hold is an error
 * naming it. For systemd, which writes the files from the unit's
 * properties. 0, or -1 with err.
 */
int vm_cgroup_verify(const struct vm_cgroup *cg, const struct vm_cgroup_limits *want, struct err *err);

/*
 * systemd (vm_cgroup_systemd.c): put pid (waiting between fork and exec)
 * into the VM's scope: the first one starts the scope (StartTransientUnit,
 * in the slice the cgroup root names, with want as CPUWeight,
 * CPUQuotaPerSecUSec, MemoryMax, MemoryHigh), later ones are attached.
 * With uuid (QEMU, not swtpm: "" for none) the VM is registered with
 * systemd-machined (a bus without it: a note). Waits until the kernel has pid in the
 * scope's cgroup. 0, or -1 with err.
 */
int vm_cgroup_systemd_place(struct vm_cgroup *cg, pid_t pid, const struct vm_cgroup_limits *want, const char *uuid,
			    struct strvec *notes, struct strbuf *err);
/* SetUnitProperties (runtime) of the scope with want's limits that are not 0. */
int vm_cgroup_systemd_set(struct vm_cgroup *cg, const struct vm_cgroup_limits *want, struct strbuf *err);
/* StopUnit of the scope, unless it is gone already (NoSuchUnit is fine). */
int vm_cgroup_systemd_stop(struct vm_cgroup *cg, struct strbuf *err);

/* The cgroup.procs files a new process writes its pid to (full paths, sysroot included) into out. */
void vm_cgroup_procs(const struct vm_cgroup *cg, struct strvec *out);

/*
 * Change the limits of want that are not 0 (live, 'mvlaunch limits'), then
 * read them back as vm_cgroup_create(). 0, or -1 with err.
 */
int vm_cgroup_set(struct vm_cgroup *cg, const struct vm_cgroup_limits *want, struct err *err);

/* The limits as the kernel has them now (0: none). 0, or -1 with err. */
int vm_cgroup_read(const struct vm_cgroup *cg, struct vm_cgroup_limits *out, struct err *err);

/*
 * Remove the cgroup: each directory once it has no process left (waits up
 * to 2 s for the kernel to drain exiting ones; systemd: the scope is
 * stopped). Missing directories are fine. 0, or -1 with err (a process
 * still in it: named).
 */
int vm_cgroup_remove(struct vm_cgroup *cg, struct err *err);

/* Whether pid is in the cgroup (its /proc/PID/cgroup names each directory's path). */
int vm_cgroup_has_pid(const struct vm_cgroup *cg, pid_t pid);

/* {"backend": "cgroup1", "unit": ..., "dirs": [...]} (new reference) and back; from_json checks every path. */
json_t *vm_cgroup_to_json(const struct vm_cgroup *cg);
int vm_cgroup_from_json(struct vm_cgroup *cg, const json_t *o, struct err *err);

/* "cgroup1", "cgroup2", "systemd", "none" */
const char *vm_cgroup_backend_name(int backend);

/*
 * The path of the cgroup as /proc/PID/cgroup says it ("/machine.slice/mvlaunch-x"),
 * for 'status'; a new string.
 */
char *vm_cgroup_path(const struct vm_cgroup *cg);

/*
 * {"path", "backend", "cpu_weight", "cpu_max" ("250%" or null), "memory_max",
 * "memory_high" (bytes or null)}: the cgroup and the limits read back (new
 * reference), as 'status --json' and 'limits --json' print it.
 */
json_t *vm_cgroup_json(const struct vm_cgroup *cg, const struct vm_cgroup_limits *l);
/* "cgroup /machine.slice/mvlaunch-x (cgroup1): cpu_weight 800, cpu_max 250%, memory_max 9G" into sb. */
void vm_cgroup_describe(const struct vm_cgroup *cg, const struct vm_cgroup_limits *l, struct strbuf *sb);

void vm_cgroup_release(struct vm_cgroup *cg);

#endif
