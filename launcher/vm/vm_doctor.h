/*
 * vm_doctor.h - prove a running VM's tuning is live ('mvlaunch doctor'):
 * watch the host for a window and report, as 'check' does (PASS, WARN,
 * FAIL with a fix each), what actually happened on the VM's CPUs.
 *
 * Over the window (sampled every 100 ms): every vCPU ran only on its pinned
 * CPUs (its affinity and the CPU it last ran on, /proc/PID/task/TID/stat);
 * which other tasks ran on the VM's dedicated CPUs and for how long
 * (schedstat run time, attributed to the CPU each task was on), naming the
 * worst, per-CPU kernel threads apart; which interrupts reached those CPUs
 * (/proc/interrupts deltas) with the smp_affinity fix; the CPU frequency
 * governor of those CPUs; whether hugepages back the guest's RAM, per host
 * node (/proc/PID/numa_maps); with cpu_pm, whether the vCPUs still exit on
 * HLT (KVM's debugfs statistics, when mounted). Reads only; changes nothing.
 */
#ifndef MVL_VM_DOCTOR_H
#define MVL_VM_DOCTOR_H

#include "launcher/check/check.h"
#include "launcher/vm/paths.h"
#include "util/err.h"

struct vm_doctor_opts {
	int window_ms;
	const struct vm_dirs *dirs;
};

/* Watch VM 'name' (running) and add the findings to r. 0, or -1 with err (not running, unreadable). */
int vm_doctor(const char *name, const struct vm_doctor_opts *o, struct check_report *r, struct err *err);

#endif
