/*
 * test_pin_apply.c - unit tests for launcher/vm/pin_apply.c on the threads
 * of this test process: pthreads stand in for QEMU's vCPU and iothreads,
 * the main thread for its emulator thread. They are pinned to CPU 0 or 1
 * (the development machine has two) with the module's functions and read
 * back with its read-back, against sched_getaffinity(); pin_apply() gives
 * every thread its role and CPUs, SCHED_FIFO with realtime, and says
 * exactly what failed for a thread that does not exist, a CPU the machine
 * lacks, a vCPU count or index QEMU and the plan disagree on, and a pin a
 * cpuset cgroup narrows (cgroup v1, when it can be written). Also the role
 * names and labels, and the thread listing of this process.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "launcher/vm/pin_apply.h"
#include "util/err.h"
#include "util/proc.h"
#include "util/wrapper.h"

#define NR_WORKERS 3
#define CGROUP "/sys/fs/cgroup/cpuset"

struct worker {
	pthread_t th;
	pid_t tid;
};

static struct worker workers[NR_WORKERS];
static int nr_workers;
static int stop_fds[2] = { -1, -1 };
static pthread_barrier_t started;
static cpu_set_t main_affinity;
static char cgroup_dir[128];

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	char c;

	w->tid = gettid();
	pthread_barrier_wait(&started);
	while (read(stop_fds[0], &c, 1) > 0)
		;
	return NULL;
}

/* NR_WORKERS threads, named mvl-w0.., blocked until stop_workers(). */
static void start_workers(void)
{
	assert_int_equal(pipe(stop_fds), 0);
	pthread_barrier_init(&started, NULL, NR_WORKERS + 1);
	for (int i = 0; i < NR_WORKERS; i++) {
		char name[24];

		assert_int_equal(pthread_create(&workers[i].th, NULL, worker_main, &workers[i]), 0);
		nr_workers++;
		snprintf(name, sizeof(name), "mvl-w%d", i);
		assert_int_equal(pthread_setname_np(workers[i].th, name), 0);
	}
	pthread_barrier_wait(&started);
	pthread_barrier_destroy(&started);
}

static void stop_workers(void)
{
	if (stop_fds[1] >= 0)
		close(stop_fds[1]);
	for (int i = 0; i < nr_workers; i++)
		pthread_join(workers[i].th, NULL);
	if (stop_fds[0] >= 0)
		close(stop_fds[0]);
	stop_fds[0] = stop_fds[1] = -1;
	nr_workers = 0;
}

static int setup(void **state)
{
	(void)state;
	cgroup_dir[0] = '\0';
	return sched_getaffinity(0, sizeof(main_affinity), &main_affinity);
}

/* Threads joined, the main thread's affinity as it was, the test cgroup gone. */
static int teardown(void **state)
{
	(void)state;
	stop_workers();
	sched_setaffinity(0, sizeof(main_affinity), &main_affinity);
	if (cgroup_dir[0]) {
		rmdir(cgroup_dir);
		cgroup_dir[0] = '\0';
	}
	return 0;
}

static struct cpuset cpus(const char *list)
{
	struct cpuset s;
	struct err err = ERR_INIT;

	assert_int_equal(cpuset_parse(&s, list, &err.msg), 0);
	err_release(&err);
	return s;
}

/* The affinity of tid from sched_getaffinity() itself, as a list ("0-1"). */
static char *kernel_affinity(pid_t tid)
{
	cpu_set_t cs;
	struct strbuf sb = STRBUF_INIT;
	struct cpuset s;

	assert_int_equal(sched_getaffinity(tid, sizeof(cs), &cs), 0);
	cpuset_zero(&s);
	for (unsigned c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &cs))
			cpuset_set(&s, c);
	cpuset_format(&s, &sb);
	return strbuf_detach(&sb);
}

static char *fmt(const struct cpuset *s)
{
	struct strbuf sb = STRBUF_INIT;

	cpuset_format(s, &sb);
	return strbuf_detach(&sb);
}

#define assert_cpus(set, want) do { char *v_ = fmt(set); assert_string_equal(v_, want); free(v_); } while (0)
#define assert_kernel(tid, want) do { char *v_ = kernel_affinity(tid); assert_string_equal(v_, want); free(v_); } while (0)

static void test_pin_apply_role_names(void **state)
{
	struct vm_thread v = { .role = ROLE_VCPU, .index = 3 }, io = { .role = ROLE_IOTHREAD, .index = -1 },
			 em = { .role = ROLE_EMULATOR, .index = -1 };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	assert_string_equal(vm_thread_role_name(ROLE_VCPU), "vcpu");
	assert_string_equal(vm_thread_role_name(ROLE_IOTHREAD), "iothread");
	assert_string_equal(vm_thread_role_name(ROLE_EMULATOR), "emulator");
	assert_string_equal(vm_thread_role_name((enum thread_role)7), "?");
	io.iothread = (char *)"io0";
	strbuf_addstr(&sb, "[");
	vm_thread_label(&v, &sb);
	strbuf_addstr(&sb, "|");
	vm_thread_label(&io, &sb);
	strbuf_addstr(&sb, "|");
	vm_thread_label(&em, &sb);
	strbuf_addstr(&sb, "]");
	assert_string_equal(sb.buf, "[vcpu3|iothread io0|emulator]");
	strbuf_release(&sb);
}

/* Every thread of this process, in ascending order; none of a pid that does not exist. */
static void test_pin_apply_proc_threads(void **state)
{
	pid_t *tids = (pid_t *)1;
	size_t nr = 99;

	(void)state;
	assert_int_equal(proc_threads(getpid(), &tids, &nr), 0);
	assert_int_equal(nr, 1);
	assert_int_equal(tids[0], getpid());
	free(tids);

	start_workers();
	assert_int_equal(proc_threads(getpid(), &tids, &nr), 0);
	assert_int_equal(nr, 1 + NR_WORKERS);
	for (size_t i = 1; i < nr; i++)
		assert_true(tids[i - 1] < tids[i]);
	for (int w = -1; w < NR_WORKERS; w++) {
		pid_t want = w < 0 ? getpid() : workers[w].tid;
		int found = 0;

		for (size_t i = 0; i < nr; i++)
			found += tids[i] == want;
		assert_int_equal(found, 1);
	}
	free(tids);
	stop_workers();
	/* a joined thread's task may linger in /proc for a moment after pthread_join() */
	for (int tries = 0;; tries++) {
		assert_int_equal(proc_threads(getpid(), &tids, &nr), 0);
		free(tids);
		if (nr == 1 || tries == 100)
			break;
		usleep(10000);
	}
	assert_int_equal(nr, 1);

	assert_int_equal(proc_threads(unit_no_such_pid(), &tids, &nr), -1);
	assert_null(tids);
	assert_int_equal(nr, 0);
}

/* pin_apply_set() and pin_apply_get() agree with the kernel, thread by thread. */
static void test_pin_apply_set_get(void **state)
{
	struct cpuset c0 = cpus("0"), c1 = cpus("1"), both = cpus("0-1"), got;

	(void)state;
	start_workers();
	assert_int_equal(pin_apply_set(workers[0].tid, &c0), 0);
	assert_int_equal(pin_apply_set(workers[1].tid, &c1), 0);
	assert_int_equal(pin_apply_set(workers[2].tid, &both), 0);
	assert_kernel(workers[0].tid, "0");
	assert_kernel(workers[1].tid, "1");
	assert_kernel(workers[2].tid, "0-1");
	assert_int_equal(pin_apply_get(workers[0].tid, &got), 0);
	assert_cpus(&got, "0");
	assert_int_equal(pin_apply_get(workers[1].tid, &got), 0);
	assert_cpus(&got, "1");
	assert_int_equal(pin_apply_get(workers[2].tid, &got), 0);
	assert_cpus(&got, "0-1");
	/* one thread's pin leaves the others' alone */
	assert_int_equal(pin_apply_set(workers[0].tid, &c1), 0);
	assert_kernel(workers[0].tid, "1");
	assert_kernel(workers[2].tid, "0-1");

	/* a thread that does not exist */
	errno = 0;
	assert_int_equal(pin_apply_set(unit_no_such_pid(), &c0), -1);
	assert_int_equal(errno, ESRCH);
	got = c1;
	assert_int_equal(pin_apply_get(unit_no_such_pid(), &got), -1);
	assert_int_equal(errno, ESRCH);
	assert_true(cpuset_empty(&got));
	/* a CPU this machine does not have */
	got = cpus("4095");
	assert_int_equal(pin_apply_set(workers[1].tid, &got), -1);
	assert_int_equal(errno, EINVAL);
	assert_kernel(workers[1].tid, "1");
}

/* The read-back fills actual and comm from the kernel, and says when a thread is gone. */
static void test_pin_apply_read_back(void **state)
{
	struct vm_threads th = { 0 };
	struct cpuset c0 = cpus("0"), c1 = cpus("1");

	(void)state;
	start_workers();
	th.nr = th.alloc = 3;
	th.t = xcalloc(3, sizeof(*th.t));
	th.t[0].tid = workers[0].tid;
	th.t[1].tid = workers[1].tid;
	th.t[2].tid = unit_no_such_pid();
	snprintf(th.t[2].comm, sizeof(th.t[2].comm), "stale");
	th.t[2].actual = c1;
	assert_int_equal(pin_apply_set(workers[0].tid, &c0), 0);
	assert_int_equal(pin_apply_set(workers[1].tid, &c1), 0);
	assert_int_equal(pin_apply_read_back(&th), -1);
	assert_cpus(&th.t[0].actual, "0");
	assert_cpus(&th.t[1].actual, "1");
	assert_string_equal(th.t[0].comm, "mvl-w0");
	assert_string_equal(th.t[1].comm, "mvl-w1");
	assert_true(cpuset_empty(&th.t[2].actual));
	assert_string_equal(th.t[2].comm, "");
	th.nr = 2;
	assert_int_equal(pin_apply_read_back(&th), 0);
	/* a name of 15 characters, the most comm holds, comes back whole */
	assert_int_equal(pthread_setname_np(workers[1].th, "abcdefghijklmno"), 0);
	assert_int_equal(pin_apply_read_back(&th), 0);
	assert_string_equal(th.t[1].comm, "abcdefghijklmno");
	th.nr = 3;
	vm_threads_release(&th);
	assert_null(th.t);
	assert_int_equal(th.nr, 0);
}

/* A plan of two vCPUs and an iothread for this process: roles, CPUs and the kernel's word for each. */
static void test_pin_apply_self(void **state)
{
	struct cpuset vcpu[2] = { cpus("0"), cpus("1") };
	struct pin_plan plan = { .nr_vcpus = 2, .vcpu = vcpu, .emulator = cpus("0"), .iothread = cpus("1"),
				 .vcpus_float = 0, .emulator_float = 1, .iothread_float = 0 };
	struct qmp_vcpu qv[2];
	struct qmp_iothread qi[1];
	struct vm_threads out = { 0 };
	struct err err = ERR_INIT;

	(void)state;
	start_workers();
	/* QEMU lists vCPUs in any order: index, not position, picks the CPUs */
	qv[0] = (struct qmp_vcpu){ .index = 1, .tid = workers[1].tid };
	qv[1] = (struct qmp_vcpu){ .index = 0, .tid = workers[0].tid };
	qi[0] = (struct qmp_iothread){ .id = (char *)"io0", .tid = workers[2].tid };
	assert_int_equal(pin_apply(getpid(), qv, 2, qi, 1, &plan, &out, &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_int_equal(out.nr, 4);

	assert_int_equal(out.t[0].tid, workers[1].tid);
	assert_int_equal(out.t[0].role, ROLE_VCPU);
	assert_int_equal(out.t[0].index, 1);
	assert_cpus(&out.t[0].planned, "1");
	assert_string_equal(out.t[0].comm, "mvl-w1");

	assert_int_equal(out.t[1].tid, workers[0].tid);
	assert_int_equal(out.t[1].index, 0);
	assert_cpus(&out.t[1].planned, "0");

	assert_int_equal(out.t[2].tid, workers[2].tid);
	assert_int_equal(out.t[2].role, ROLE_IOTHREAD);
	assert_int_equal(out.t[2].index, -1);
	assert_string_equal(out.t[2].iothread, "io0");
	assert_cpus(&out.t[2].planned, "1");
	assert_int_equal(out.t[2].floating, 0);

	/* the one thread QEMU did not name: the emulator (here, our main thread) */
	assert_int_equal(out.t[3].tid, getpid());
	assert_int_equal(out.t[3].role, ROLE_EMULATOR);
	assert_int_equal(out.t[3].index, -1);
	assert_null(out.t[3].iothread);
	assert_cpus(&out.t[3].planned, "0");
	assert_int_equal(out.t[3].floating, 1);

	/* read back: each as planned, and as sched_getaffinity() says */
	for (size_t i = 0; i < out.nr; i++) {
		char *k = kernel_affinity(out.t[i].tid);

		assert_true(cpuset_equal(&out.t[i].actual, &out.t[i].planned));
		assert_cpus(&out.t[i].actual, k);
		free(k);
	}
	assert_kernel(workers[0].tid, "0");
	assert_kernel(workers[1].tid, "1");
	assert_kernel(workers[2].tid, "1");
	assert_kernel(getpid(), "0");
	/* not realtime: the vCPUs keep the normal policy */
	assert_int_equal(sched_getscheduler(workers[0].tid), SCHED_OTHER);
	vm_threads_release(&out);
	err_release(&err);
}

/* realtime: the vCPU threads (only they) get SCHED_FIFO priority 1. */
static void test_pin_apply_realtime(void **state)
{
	struct cpuset vcpu[1] = { cpus("1") };
	struct pin_plan plan = { .nr_vcpus = 1, .vcpu = vcpu, .emulator = cpus("0-1"), .iothread = cpus("0-1"),
				 .realtime = 1, .vcpus_float = 1 };
	struct qmp_vcpu qv[1] = { { .index = 0, .tid = 0 } };
	struct vm_threads out = { 0 };
	struct err err = ERR_INIT;
	struct sched_param sp;

	(void)state;
	start_workers();
	qv[0].tid = workers[0].tid;
	assert_int_equal(pin_apply(getpid(), qv, 1, NULL, 0, &plan, &out, &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_int_equal(out.nr, 1 + NR_WORKERS);	/* the other workers are "emulator" threads */
	assert_int_equal(out.t[0].floating, 1);
	assert_int_equal(sched_getscheduler(workers[0].tid), SCHED_FIFO);
	assert_int_equal(sched_getparam(workers[0].tid, &sp), 0);
	assert_int_equal(sp.sched_priority, 1);
	assert_int_equal(sched_getscheduler(workers[1].tid), SCHED_OTHER);
	assert_int_equal(sched_getscheduler(getpid()), SCHED_OTHER);
	for (size_t i = 1; i < out.nr; i++) {
		assert_int_equal(out.t[i].role, ROLE_EMULATOR);
		assert_cpus(&out.t[i].actual, "0-1");
	}
	vm_threads_release(&out);
	err_release(&err);
}

/* [[sched]]: a policy per vCPU, for the emulator threads; read back into out */
static void test_pin_apply_sched(void **state)
{
	struct cpuset vcpu[2] = { cpus("1"), cpus("0") };
	struct plan_sched vs[2] = { { SCHED_RR, 3 }, { -1, 0 } };
	struct pin_plan plan = { .nr_vcpus = 2, .vcpu = vcpu, .emulator = cpus("0-1"), .iothread = cpus("0-1"),
				 .vcpu_sched = vs, .emulator_sched = { SCHED_BATCH, 0 } };
	struct qmp_vcpu qv[2] = { { .index = 0, .tid = 0 }, { .index = 1, .tid = 0 } };
	struct vm_threads out = { 0 };
	struct err err = ERR_INIT;
	struct sched_param sp;

	(void)state;
	start_workers();
	qv[0].tid = workers[0].tid;
	qv[1].tid = workers[1].tid;
	assert_int_equal(pin_apply(getpid(), qv, 2, NULL, 0, &plan, &out, &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_int_equal(sched_getscheduler(workers[0].tid), SCHED_RR);
	assert_int_equal(sched_getparam(workers[0].tid, &sp), 0);
	assert_int_equal(sp.sched_priority, 3);
	assert_int_equal(out.t[0].sched_actual, SCHED_RR);
	assert_int_equal(out.t[0].prio_actual, 3);
	assert_int_equal(sched_getscheduler(workers[1].tid), SCHED_OTHER);	/* left alone */
	assert_int_equal(sched_getscheduler(workers[2].tid), SCHED_BATCH);	/* an "emulator" thread */
	assert_int_equal(sched_getscheduler(getpid()), SCHED_BATCH);
	assert_string_equal(vm_thread_policy_name(out.t[0].sched_actual), "rr");
	sp.sched_priority = 0;
	sched_setscheduler(getpid(), SCHED_OTHER, &sp);	/* the test process goes on normally */
	vm_threads_release(&out);
	err_release(&err);
}

/* pin_apply() into a fresh out; expect -1 and exactly 'want'. */
static void expect_apply_error(pid_t pid, const struct qmp_vcpu *qv, size_t nr_qv, const struct qmp_iothread *qi,
			       size_t nr_qi, const struct pin_plan *plan, const char *want)
{
	struct vm_threads out = { 0 };
	struct err err = ERR_INIT;

	assert_int_equal(pin_apply(pid, qv, nr_qv, qi, nr_qi, plan, &out, &err), -1);
	assert_string_equal(err.msg.buf, want);
	vm_threads_release(&out);
	err_release(&err);
}

/* Each refusal with its exact text; a failed pin changes nothing it did not reach. */
static void test_pin_apply_errors(void **state)
{
	struct cpuset vcpu[2] = { cpus("0"), cpus("1") };
	struct pin_plan plan = { .nr_vcpus = 2, .vcpu = vcpu, .emulator = cpus("0-1"), .iothread = cpus("0-1") };
	struct qmp_vcpu qv[2];
	struct qmp_iothread qi[1];
	struct strbuf want = STRBUF_INIT;
	pid_t gone = unit_no_such_pid();

	(void)state;
	start_workers();
	qv[0] = (struct qmp_vcpu){ .index = 0, .tid = workers[0].tid };
	qv[1] = (struct qmp_vcpu){ .index = 1, .tid = workers[1].tid };
	qi[0] = (struct qmp_iothread){ .id = (char *)"io0", .tid = workers[2].tid };

	expect_apply_error(getpid(), qv, 1, NULL, 0, &plan, "QEMU reports 1 vCPUs, the plan has 2");
	qv[1].index = 2;
	expect_apply_error(getpid(), qv, 2, NULL, 0, &plan, "QEMU reports vCPU index 2, the plan has 2 vCPUs");
	qv[1].index = -1;
	expect_apply_error(getpid(), qv, 2, NULL, 0, &plan, "QEMU reports vCPU index -1, the plan has 2 vCPUs");
	qv[1].index = 1;

	/* a vCPU thread that does not exist */
	qv[1].tid = gone;
	strbuf_addf(&want, "cannot pin vcpu1 (tid %d) to CPUs 1: No such process", (int)gone);
	expect_apply_error(getpid(), qv, 2, NULL, 0, &plan, want.buf);
	qv[1].tid = workers[1].tid;

	/* an iothread that does not exist */
	qi[0].tid = gone;
	strbuf_reset(&want);
	strbuf_addf(&want, "cannot pin iothread io0 (tid %d) to CPUs 0-1: No such process", (int)gone);
	expect_apply_error(getpid(), qv, 2, qi, 1, &plan, want.buf);
	qi[0].tid = workers[2].tid;

	/* a QEMU that is gone: its threads cannot be listed */
	strbuf_reset(&want);
	strbuf_addf(&want, "cannot list the threads of QEMU (pid %d): No such file or directory", (int)gone);
	expect_apply_error(gone, qv, 2, qi, 1, &plan, want.buf);

	/* a CPU this machine lacks: vCPU 0 is pinned, vCPU 1 is refused and keeps its CPUs */
	assert_int_equal(pin_apply_set(workers[1].tid, &plan.emulator), 0);
	vcpu[1] = cpus("4095");
	strbuf_reset(&want);
	strbuf_addf(&want, "cannot pin vcpu1 (tid %d) to CPUs 4095: Invalid argument", (int)workers[1].tid);
	expect_apply_error(getpid(), qv, 2, qi, 1, &plan, want.buf);
	assert_kernel(workers[0].tid, "0");
	assert_kernel(workers[1].tid, "0-1");
	strbuf_release(&want);
}

static int write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -1;
}

/*
 * A pin the kernel narrows: a vCPU thread in a cpuset cgroup of CPU 0 only
 * (cgroup v1 moves single threads) accepts 0-1 but runs on 0.
 */
static void test_pin_apply_did_not_hold(void **state)
{
	struct cpuset vcpu[1] = { cpus("0-1") };
	struct pin_plan plan = { .nr_vcpus = 1, .vcpu = vcpu, .emulator = cpus("0-1"), .iothread = cpus("0-1") };
	struct qmp_vcpu qv[1];
	struct strbuf want = STRBUF_INIT;
	char *tasks, tid[16];

	(void)state;
	if (access(CGROUP "/tasks", W_OK) < 0) {
		print_message("no writable cgroup v1 cpuset hierarchy at " CGROUP ": skipped\n");
		skip();
	}
	start_workers();
	snprintf(cgroup_dir, sizeof(cgroup_dir), CGROUP "/mvl-unit-pin-%d", (int)getpid());
	assert_int_equal(mkdir(cgroup_dir, 0755), 0);
	tasks = xstrfmt("%s/cpuset.mems", cgroup_dir);
	assert_int_equal(write_file(tasks, "0"), 0);
	free(tasks);
	tasks = xstrfmt("%s/cpuset.cpus", cgroup_dir);
	assert_int_equal(write_file(tasks, "0"), 0);
	free(tasks);
	tasks = xstrfmt("%s/tasks", cgroup_dir);
	snprintf(tid, sizeof(tid), "%d", (int)workers[0].tid);
	assert_int_equal(write_file(tasks, tid), 0);
	free(tasks);

	qv[0] = (struct qmp_vcpu){ .index = 0, .tid = workers[0].tid };
	strbuf_addf(&want, "pin of vcpu0 (tid %d) did not hold: planned CPUs 0-1, the kernel reports 0",
		    (int)workers[0].tid);
	expect_apply_error(getpid(), qv, 1, NULL, 0, &plan, want.buf);
	assert_kernel(workers[0].tid, "0");
	/* back to the root cpuset, so the cgroup can go (teardown removes it) */
	assert_int_equal(write_file(CGROUP "/tasks", tid), 0);
	strbuf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pin_apply_role_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_apply_proc_threads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_apply_set_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_apply_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_apply_self, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_apply_realtime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_apply_sched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_apply_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pin_apply_did_not_hold, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
