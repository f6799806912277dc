/*
 * pin_plan.h - which host CPUs each vCPU, the emulator threads and the
 * iothreads of one VM may run on.
 *
 * Pure: built from a struct vm_config and the set of online host CPUs,
 * touches no thread. pin_apply.c carries a plan out. (The topology-aware
 * planner for pinning.vcpus = "auto" builds the same struct.)
 */
#ifndef MVL_PIN_PLAN_H
#define MVL_PIN_PLAN_H

#include "../config/vm_config.h"
#include "../util/cpuset.h"

struct pin_plan {
	size_t nr_vcpus;
	struct cpuset *vcpu;	/* per vCPU */
	struct cpuset emulator;	/* QEMU's main and helper threads */
	struct cpuset iothread;
	int realtime;		/* SCHED_FIFO on vCPU threads */
};

/*
 * Explicit pins from the config: vCPUs without a pin may use every online
 * CPU, the emulator likewise, iothreads follow the emulator unless pinned.
 * Every CPU named must be online. Returns 0, or -1 with
 * "FILE:LINE:COL: key '...': CPU 23 is not online (online: 0-15)" in err.
 */
int pin_plan_from_config(const struct vm_config *cfg, const struct cpuset *online,
			 struct pin_plan *plan, struct strbuf *err);
void pin_plan_release(struct pin_plan *plan);

/* The host's online CPUs, from /sys/devices/system/cpu/online. */
int host_online_cpus(struct cpuset *set, struct strbuf *err);

#endif
