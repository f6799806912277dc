/*
 * test_vm_run.c - unit tests for launcher/vm/vm_run.c, the wait of 'run',
 * with a stand-in QEMU (a child process, no QMP) and a signalfd: the guest
 * powering off (exit 0) and QEMU crashing (exit 3: why, with the end of its
 * log) end the wait and clean the runtime files; a signal calls back first,
 * then stops the guest (without QMP: SIGTERM) and cleans up; a signal when
 * another 'up' owns the name by now leaves that VM's files and process alone.
 */
#include <sys/signalfd.h>

#include "tests/unit/unit_vm.h"
#include "launcher/vm/vm_run.h"

static char tmp[64];
static struct vm_handle h = VM_HANDLE_INIT;
static int sfd = -1;
static sigset_t old;

static int setup(void **state)
{
	sigset_t mask;

	(void)state;
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	return sfd < 0 ? -1 : unit_runtime_tmp(tmp, "mvl-run", 1);
}

static int teardown(void **state)
{
	(void)state;
	if (h.proc.pid > 0 && !h.proc.exited)
		qemu_proc_kill(&h.proc, 100);
	vm_handle_release(&h);
	h = (struct vm_handle)VM_HANDLE_INIT;
	close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	unit_runtime_tmp_remove(tmp, NULL);
	return 0;
}

/* h as 'up' leaves it for 'run': QEMU started, state.json written, the lock let go. */
static void start(const char **argv)
{
	struct err err = ERR_INIT;

	assert_int_equal(runtime_lock(&h.rt, "vm1", 0, &err), 0);
	unit_vm_spawn(&h.proc, tmp, argv);
	unit_vm_state(tmp, h.proc.pid, h.proc.start_time);
	close(h.rt.lock_fd);
	h.rt.lock_fd = -1;
	err_release(&err);
}

static int got_signal;

static void signalled(void *data, int signo)
{
	assert_string_equal((const char *)data, "vm1");
	got_signal = signo;
}

static struct vm_dirs dirs = { .vms_dir = "/nonexistent" };

static void test_vm_run_powered_off(void **state)
{
	struct vm_run_opts o = { .stop_timeout_ms = 100, .dirs = &dirs };
	struct vm_run_result res = VM_RUN_RESULT_INIT;
	struct err err = ERR_INIT;

	(void)state;
	o.sfd = sfd;
	start((const char *[]){ "/bin/sh", "-c", "sleep 0.2", NULL });
	assert_int_equal(vm_run_wait(&h, &o, &res, &err), 0);
	assert_int_equal(res.end, VM_RUN_POWERED_OFF);
	assert_string_equal(res.why.buf, "");
	assert_string_equal(err.msg.buf, "");
	assert_false(unit_vm_has(tmp, "state.json"));
	vm_run_result_release(&res);
	err_release(&err);
}

static void test_vm_run_crashed(void **state)
{
	struct vm_run_opts o = { .stop_timeout_ms = 100, .dirs = &dirs };
	struct vm_run_result res = VM_RUN_RESULT_INIT;
	struct err err = ERR_INIT;

	(void)state;
	o.sfd = sfd;
	start((const char *[]){ "/bin/sh", "-c", "echo 'qemu: something broke' >&2; exit 3", NULL });
	assert_int_equal(vm_run_wait(&h, &o, &res, &err), 0);
	assert_int_equal(res.end, VM_RUN_CRASHED);
	assert_string_equal(res.why.buf, "exited with status 3\n  qemu: something broke");
	assert_false(unit_vm_has(tmp, "state.json"));
	vm_run_result_release(&res);
	err_release(&err);
}

static void test_vm_run_signalled(void **state)
{
	struct vm_run_opts o = { .stop_timeout_ms = 100, .dirs = &dirs, .signalled = signalled, .data = (void *)"vm1" };
	struct vm_run_result res = VM_RUN_RESULT_INIT;
	struct err err = ERR_INIT;

	(void)state;
	o.sfd = sfd;
	got_signal = 0;
	start((const char *[]){ "/bin/sleep", "30", NULL });
	raise(SIGUSR1);
	assert_int_equal(vm_run_wait(&h, &o, &res, &err), 0);
	assert_int_equal(got_signal, SIGUSR1);
	assert_int_equal(res.end, VM_RUN_SIGNALLED);
	assert_int_equal(res.signo, SIGUSR1);
	assert_int_equal(res.how, STOP_TERM);	/* no QMP: no power button, no quit */
	assert_false(qemu_proc_alive(&h.proc));
	assert_false(unit_vm_has(tmp, "state.json"));
	vm_run_result_release(&res);
	err_release(&err);
}

static void test_vm_run_taken(void **state)
{
	struct vm_run_opts o = { .stop_timeout_ms = 100, .dirs = &dirs };
	struct vm_run_result res = VM_RUN_RESULT_INIT;
	struct err err = ERR_INIT;

	(void)state;
	o.sfd = sfd;
	start((const char *[]){ "/bin/sleep", "30", NULL });
	/* meanwhile 'down' stopped ours and another 'up' started vm1 again */
	unit_vm_state(tmp, getpid(), proc_start_time(getpid()));
	raise(SIGUSR1);
	assert_int_equal(vm_run_wait(&h, &o, &res, &err), 0);
	assert_int_equal(res.end, VM_RUN_TAKEN);
	assert_int_equal(res.signo, SIGUSR1);
	assert_true(unit_vm_has(tmp, "state.json"));
	vm_run_result_release(&res);
	err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_run_powered_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_run_crashed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_run_signalled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_run_taken, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_vm_run", tests, NULL, NULL);
}
