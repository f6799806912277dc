/*
 * vm_thread.h - a VM's QEMU threads: the role of each (vCPU, iothread,
 * emulator), the CPUs planned for it and the CPUs it really has. Filled by
 * pin_apply.c, kept in state.json (vm_state.c), shown by 'status'.
 */
#ifndef MVL_VM_THREAD_H
#define MVL_VM_THREAD_H

#include <sys/types.h>

#include "util/cpuset.h"
#include "util/strbuf.h"

enum thread_role { ROLE_VCPU, ROLE_IOTHREAD, ROLE_EMULATOR };

struct vm_thread {
	pid_t tid;
	enum thread_role role;
	int index;		/* vCPU index; -1 otherwise */
	char *iothread;		/* iothread id, or NULL */
	char comm[16];		/* /proc/PID/task/TID/comm */
	struct cpuset planned;
	struct cpuset actual;	/* as read back from the kernel */
	int floating;		/* planned is the shared pool, and follows it (vm_float.c) */
	/* SCHED_* and priority: planned (policy -1: left alone) and as read back */
	int sched_planned, prio_planned;
	int sched_actual, prio_actual;
	/* health over a sampling window (vm_status_sample()); sampled 0: not measured */
	int sampled;
	double use_pct;		/* time running, % of the window */
	double wait_pct;	/* time ready to run but waiting for a CPU (run-queue delay) */
	int last_cpu;		/* the CPU it last ran on */
};

/* "other", "fifo", "rr", "batch", "idle" for a SCHED_* policy; "?" for another */
const char *vm_thread_policy_name(int policy);

struct vm_threads {
	struct vm_thread *t;
	size_t nr, alloc;
};

const char *vm_thread_role_name(enum thread_role role);
/* "vcpu3", "iothread io0", "emulator" */
void vm_thread_label(const struct vm_thread *t, struct strbuf *sb);
void vm_threads_release(struct vm_threads *threads);

#endif
