/*
 * pin_apply.c - apply and verify thread pins (see pin_apply.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/vm/pin_apply.h"
#include "util/proc.h"
#include "util/wrapper.h"
#include "util/banned.h"

static void read_comm(pid_t tid, char comm[16])
{
	char path[64];
	ssize_t n;
	int fd;

	/* /proc/TID/comm works for any thread id, not only thread-group leaders */
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)tid);
	comm[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, comm, 15);
	close(fd);
	if (n < 0)
		n = 0;
	comm[n] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

int pin_apply_set(pid_t tid, const struct cpuset *set)
{
	size_t sz = CPU_ALLOC_SIZE(CPUSET_MAX);
	cpu_set_t *cs = CPU_ALLOC(CPUSET_MAX);
	int r;

	CPU_ZERO_S(sz, cs);
	for (int c = cpuset_next(set, 0); c >= 0; c = cpuset_next(set, (unsigned)c + 1))
		CPU_SET_S((size_t)c, sz, cs);
	r = sched_setaffinity(tid, sz, cs);
	CPU_FREE(cs);
	return r;
}

int pin_apply_get(pid_t tid, struct cpuset *set)
{
	size_t sz = CPU_ALLOC_SIZE(CPUSET_MAX);
	cpu_set_t *cs = CPU_ALLOC(CPUSET_MAX);
	int r = sched_getaffinity(tid, sz, cs);

	cpuset_zero(set);
	if (r == 0)
		for (unsigned c = 0; c < CPUSET_MAX; c++)
			if (CPU_ISSET_S(c, sz, cs))
				cpuset_set(set, c);
	CPU_FREE(cs);
	return r;
}

int pin_apply_read_back(struct vm_threads *threads)
{
	int ret = 0;

	for (size_t i = 0; i < threads->nr; i++) {
		struct vm_thread *t = &threads->t[i];

		struct sched_param sp = { 0 };

		if (pin_apply_get(t->tid, &t->actual) < 0)
			ret = -1;
		read_comm(t->tid, t->comm);
		t->sched_actual = sched_getscheduler(t->tid);
		t->prio_actual = sched_getparam(t->tid, &sp) == 0 ? sp.sched_priority : 0;
		if (t->sched_actual >= 0)
			t->sched_actual &= ~SCHED_RESET_ON_FORK;
	}
	return ret;
}

static struct vm_thread *add_thread(struct vm_threads *th, pid_t tid, enum thread_role role)
{
	struct vm_thread *t;

	ALLOC_GROW(th->t, th->nr + 1, th->alloc);
	t = &th->t[th->nr++];
	memset(t, 0, sizeof(*t));
	t->tid = tid;
	t->role = role;
	t->index = -1;
	return t;
}

static void set_sched(struct vm_thread *t, const struct plan_sched *s)
{
	t->sched_planned = s ? s->policy : -1;
	t->prio_planned = s ? s->priority : 0;
}

static int known_tid(const struct vm_threads *th, pid_t tid)
{
	for (size_t i = 0; i < th->nr; i++)
		if (th->t[i].tid == tid)
			return 1;
	return 0;
}

int pin_apply(pid_t pid, const struct qmp_vcpu *vcpus, size_t nr_vcpus,
	      const struct qmp_iothread *io, size_t nr_io, const struct pin_plan *plan,
	      struct vm_threads *out, struct err *err)
{
	pid_t *tids = NULL;
	size_t nr_tids = 0;
	struct strbuf label = STRBUF_INIT;
	int ret = -1;

	if (nr_vcpus != plan->nr_vcpus) {
		strbuf_addf(&err->msg, "QEMU reports %zu vCPUs, the plan has %zu", nr_vcpus, plan->nr_vcpus);
		return -1;
	}
	for (size_t i = 0; i < nr_vcpus; i++) {
		struct vm_thread *t = add_thread(out, vcpus[i].tid, ROLE_VCPU);

		t->index = vcpus[i].index;
		if (vcpus[i].index < 0 || (size_t)vcpus[i].index >= plan->nr_vcpus) {
			strbuf_addf(&err->msg, "QEMU reports vCPU index %d, the plan has %zu vCPUs", vcpus[i].index, plan->nr_vcpus);
			goto out;
		}
		t->planned = plan->vcpu[vcpus[i].index];
		t->floating = plan->vcpus_float;
		if (plan->vcpu_sched)
			set_sched(t, &plan->vcpu_sched[vcpus[i].index]);
		else	/* a plan made by hand: realtime alone */
			set_sched(t, plan->realtime ? &(const struct plan_sched){ SCHED_FIFO, 1 } : NULL);
	}
	for (size_t i = 0; i < nr_io; i++) {
		struct vm_thread *t = add_thread(out, io[i].tid, ROLE_IOTHREAD);

		t->iothread = xstrdup(io[i].id);
		t->planned = plan->iothread;
		t->floating = plan->iothread_float;
		for (size_t k = 0; k < plan->nr_io_pins; k++)
			if (!strcmp(plan->io_pins[k].id, io[i].id)) {	/* an [[iothread]] with CPUs of its own */
				t->planned = plan->io_pins[k].cpus;
				t->floating = 0;
			}
		set_sched(t, NULL);
		for (size_t k = 0; k < plan->nr_io_sched; k++)
			if (!strcmp(plan->io_sched[k].id, io[i].id))
				set_sched(t, &plan->io_sched[k].s);
	}
	if (proc_threads(pid, &tids, &nr_tids) < 0) {
		strbuf_addf(&err->msg, "cannot list the threads of QEMU (pid %d): %s", (int)pid, strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < nr_tids; i++) {
		if (!known_tid(out, tids[i])) {
			struct vm_thread *t = add_thread(out, tids[i], ROLE_EMULATOR);

			t->planned = plan->emulator;
			t->floating = plan->emulator_float;
			set_sched(t, plan->vcpu_sched ? &plan->emulator_sched : NULL);
		}
	}
	for (size_t i = 0; i < out->nr; i++) {
		struct vm_thread *t = &out->t[i];

		if (pin_apply_set(t->tid, &t->planned) < 0) {
			struct strbuf cpus = STRBUF_INIT;
			int e = errno;

			/* a helper thread that ended meanwhile is not an error */
			if (t->role == ROLE_EMULATOR && e == ESRCH)
				continue;
			cpuset_format(&t->planned, &cpus);
			strbuf_reset(&label);
			vm_thread_label(t, &label);
			strbuf_addf(&err->msg, "cannot pin %s (tid %d) to CPUs %s: %s", label.buf, (int)t->tid, cpus.buf, strerror(e));
			strbuf_release(&cpus);
			goto out;
		}
		if (t->sched_planned >= 0) {
			struct sched_param sp = { .sched_priority = t->prio_planned };

			if (sched_setscheduler(t->tid, t->sched_planned, &sp) < 0) {
				int e = errno;

				if (t->role == ROLE_EMULATOR && e == ESRCH)
					continue;
				strbuf_reset(&label);
				vm_thread_label(t, &label);
				strbuf_addf(&err->msg, "cannot make %s (tid %d) %s%s%.0d: %s", label.buf, (int)t->tid,
					    vm_thread_policy_name(t->sched_planned), t->prio_planned ? " " : "", t->prio_planned,
					    strerror(e));
				if (e == EPERM && t->prio_planned)
					err_hintf(err, "real-time policies need root and kernel.sched_rt_runtime_us > 0 (and no "
						  "cgroup v1 cpu controller without RT time for QEMU's cgroup)");
				goto out;
			}
		}
	}
	pin_apply_read_back(out);
	for (size_t i = 0; i < out->nr; i++) {
		struct vm_thread *t = &out->t[i];

		if (t->sched_planned < 0 || (t->sched_actual == t->sched_planned && t->prio_actual == t->prio_planned) ||
		    (t->role == ROLE_EMULATOR && t->sched_actual < 0))
			continue;
		strbuf_reset(&label);
		vm_thread_label(t, &label);
		strbuf_addf(&err->msg, "the policy of %s (tid %d) did not hold: planned %s %d, the kernel reports %s %d",
			    label.buf, (int)t->tid, vm_thread_policy_name(t->sched_planned), t->prio_planned,
			    vm_thread_policy_name(t->sched_actual), t->prio_actual);
		goto out;
	}
	for (size_t i = 0; i < out->nr; i++) {
		struct vm_thread *t = &out->t[i];
		struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;

		if (cpuset_equal(&t->planned, &t->actual) || (t->role == ROLE_EMULATOR && cpuset_empty(&t->actual)))
			continue;
		cpuset_format(&t->planned, &want);
		cpuset_format(&t->actual, &got);
		strbuf_reset(&label);
		vm_thread_label(t, &label);
		strbuf_addf(&err->msg, "pin of %s (tid %d) did not hold: planned CPUs %s, the kernel reports %s",
			    label.buf, (int)t->tid, want.buf, got.buf);
		strbuf_release(&want);
		strbuf_release(&got);
		goto out;
	}
	ret = 0;
out:
	free(tids);
	strbuf_release(&label);
	return ret;
}
