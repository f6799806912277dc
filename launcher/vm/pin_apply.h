/*
 * pin_apply.h - pin QEMU's threads with sched_setaffinity and read them back.
 *
 * Given the vCPU and iothread thread ids from QMP, every thread of the QEMU
 * process gets its role (vcpu, iothread, emulator) and the CPUs the plan gives
 * that role; the pins are then read back from the kernel and compared.
 */
#ifndef MVL_PIN_APPLY_H
#define MVL_PIN_APPLY_H

#include <sys/types.h>

#include "launcher/plan/pin_plan.h"
#include "util/err.h"
#include "launcher/vm/vm_thread.h"
#include "qmp/qmp_cmds.h"

/*
 * Classify every thread of 'pid' and pin it as 'plan' says, vCPUs first;
 * with plan->realtime, vCPU threads get SCHED_FIFO priority 1. Then verify.
 * Returns 0, or -1 with what failed (thread, tid, CPUs, errno) in err.
 */
int pin_apply(pid_t pid, const struct qmp_vcpu *vcpus, size_t nr_vcpus,
	      const struct qmp_iothread *io, size_t nr_io, const struct pin_plan *plan,
	      struct vm_threads *out, struct err *err);

/* sched_setaffinity / sched_getaffinity of one thread; 0, or -1 with errno. */
int pin_apply_set(pid_t tid, const struct cpuset *set);
int pin_apply_get(pid_t tid, struct cpuset *set);

/* Re-read each thread's affinity and comm into t[].actual/comm; 0, or -1 if gone. */
int pin_apply_read_back(struct vm_threads *threads);

#endif
