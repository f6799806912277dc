/*
 * vm_limits.h - a running VM's per-disk I/O limits, read and changed live
 * ('mvlaunch limits') on the throttle groups 'up' gives a disk with iops_* or
 * bps_* in its config (qemu_argv.c: object "tg-diskN").
 */
#ifndef MVL_VM_LIMITS_H
#define MVL_VM_LIMITS_H

#include <stddef.h>
#include <stdint.h>

#include "launcher/host/vm_cgroup.h"
#include "launcher/vm/vm_handle.h"
#include "util/err.h"

enum vm_limit { LIM_IOPS_RD, LIM_IOPS_WR, LIM_IOPS_TOTAL, LIM_BPS_RD, LIM_BPS_WR, LIM_BPS_TOTAL, LIM_NR };

/* The config's names of the limits ("iops_rd", ...) and QEMU's ("iops-read", ...) */
extern const char *const vm_limit_names[LIM_NR];
extern const char *const vm_limit_qemu[LIM_NR];

struct vm_disk_limits {
	char disk[16];		/* "disk0" */
	int64_t v[LIM_NR];	/* a second; 0: none. In a change, -1: left as it is */
};

/* The limits of every throttled disk of h's QEMU, by disk. 0, or -1 with err. Free *out. */
int vm_limits_get(struct vm_handle *h, struct vm_disk_limits **out, size_t *nr, struct err *err);

/*
 * Change disk 'disk' ("diskN" or "N") to the values of 'set' that are not
 * -1, live (qom-set); a disk without limits in its config has no throttle
 * group to change: an error saying so. 0, or -1 with the reason in err.
 */
int vm_limits_set(struct vm_handle *h, const char *disk, const struct vm_disk_limits *set, struct err *err);

/*
 * The running VM's cgroup (RUN/NAME/cgroup.json) into cg (release it) and
 * its limits as the kernel has them now into *now; first, with 'set' (its
 * values that are not 0), those changed live and read back. A memory
 * limit below what the VM needs (its config's memory.size, as for
 * [limits]) is refused. 0, or -1 with err.
 */
int vm_limits_cgroup(struct vm_handle *h, const struct vm_cgroup_limits *set, struct vm_cgroup *cg,
		     struct vm_cgroup_limits *now, struct err *err);

#endif
