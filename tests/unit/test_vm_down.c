/*
 * test_vm_down.c - unit tests for launcher/vm/vm_down.c with a stand-in QEMU
 * (a child process) and no QMP socket: which guest states hear the power
 * button; a guest that cannot be asked is left running (STOP_UNREACHABLE,
 * its runtime files kept) unless 'force' (SIGTERM; the files go) or
 * 'kill_after'; a QEMU that ignores SIGTERM is killed; a gone QEMU is
 * STOP_GONE, unless a forced stop's 'quit' went with the connection
 * (STOP_QUIT). Attaching (no directory; a crashed QEMU: was_gone and the
 * files cleaned; a live one) and reclaiming (state.json naming us, another
 * process, or nothing). With a scripted QMP on a socketpair: a signal to an
 * armed 'down' stops nothing not begun, and a refused power button is not
 * answered by pulling the plug.
 */
#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>

#include "tests/unit/unit_vm.h"
#include "launcher/vm/vm_down.h"
#include "util/interrupt.h"

static char tmp[64];
static struct qemu_proc child = QEMU_PROC_INIT;

static int setup(void **state)
{
	(void)state;
	return unit_runtime_tmp(tmp, "mvl-down", 1);
}

static int teardown(void **state)
{
	(void)state;
	unit_vm_stop(&child);
	unit_runtime_tmp_remove(tmp, NULL);
	return 0;
}

static void test_vm_down_hears_acpi(void **state)
{
	(void)state;
	assert_true(vm_down_hears_acpi("running"));
	assert_true(vm_down_hears_acpi("suspended"));
	assert_false(vm_down_hears_acpi("paused"));
	assert_false(vm_down_hears_acpi("prelaunch"));
	assert_false(vm_down_hears_acpi("internal-error"));
	assert_false(vm_down_hears_acpi(""));
}

/* A locked handle on vm1 holding 'child' (moved in: h owns it now). */
static void hold(struct vm_handle *h)
{
	struct err err = ERR_INIT;

	assert_int_equal(runtime_lock(&h->rt, "vm1", 0, &err), 0);
	unit_vm_state(tmp, child.pid, child.start_time);
	h->proc = child;
	child = (struct qemu_proc)QEMU_PROC_INIT;
	err_release(&err);
}

static void test_vm_down_unreachable(void **state)
{
	struct vm_handle h = VM_HANDLE_INIT;
	struct vm_down_opts o = { .timeout_ms = 100 };
	char *status = NULL;

	(void)state;
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	hold(&h);
	/* no QMP: the guest cannot be asked, and nobody asked to pull the plug */
	assert_int_equal(vm_down(&h, &o, &status), STOP_UNREACHABLE);
	assert_string_equal(status, "");
	free(status);
	assert_true(qemu_proc_alive(&h.proc));
	assert_true(unit_vm_has(tmp, "state.json"));

	/* force: QMP quit is not there, so SIGTERM; then the files go */
	o.force = 1;
	assert_int_equal(vm_down(&h, &o, NULL), STOP_TERM);
	assert_false(qemu_proc_alive(&h.proc));
	assert_false(unit_vm_has(tmp, "state.json"));
	/* and once more: nothing runs */
	assert_int_equal(vm_down(&h, &o, NULL), STOP_GONE);
	vm_handle_release(&h);
}

/*
 * A QEMU killed a moment ago has closed QMP but its threads still exit:
 * down waits for it (up to 1 s) and cleans up, instead of calling it
 * unreachable and leaving its files (t3020 hit this: kill -9, then down).
 */
static void test_vm_down_dying(void **state)
{
	struct vm_handle h = VM_HANDLE_INIT;
	struct vm_down_opts o = { .timeout_ms = 100 };

	(void)state;
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "0.3", NULL });
	hold(&h);
	assert_int_equal(vm_down(&h, &o, NULL), STOP_GONE);
	assert_false(unit_vm_has(tmp, "state.json"));
	vm_handle_release(&h);
}

/*
 * A forced stop whose 'quit' went with the connection (h->quit_sent) and
 * whose QEMU is gone by the time vm_down() looks stopped at that quit: not
 * "had already stopped", which says nobody here stopped it.
 */
static void test_vm_down_quit_sent(void **state)
{
	struct vm_handle h = VM_HANDLE_INIT;
	struct vm_down_opts o = { .timeout_ms = -1, .force = 1 };

	(void)state;
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/true", NULL });
	hold(&h);
	assert_true(qemu_proc_wait_exit(&h.proc, 5000));
	h.quit_sent = 1;
	assert_int_equal(vm_down(&h, &o, NULL), STOP_QUIT);
	assert_false(unit_vm_has(tmp, "state.json"));
	vm_handle_release(&h);
}

static void test_vm_down_kill_after(void **state)
{
	struct vm_handle h = VM_HANDLE_INIT;
	struct vm_down_opts o = { .timeout_ms = 100, .kill_after = 1 };

	(void)state;
	/* a QEMU that ignores SIGTERM gets SIGKILL after 5 s */
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sh", "-c", "trap '' TERM; while :; do sleep 1; done", NULL });
	usleep(100000);	/* let the shell set its trap */
	hold(&h);
	assert_int_equal(vm_down(&h, &o, NULL), STOP_KILL);
	assert_false(qemu_proc_alive(&h.proc));
	assert_true(WIFSIGNALED(h.proc.status) && WTERMSIG(h.proc.status) == SIGKILL);
	assert_false(unit_vm_has(tmp, "state.json"));
	vm_handle_release(&h);
}

#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, \"package\": \"\"}, \"capabilities\": []}}\r\n"
#define REPLY(id, what) "{\"return\": " what ", \"id\": " #id "}\r\n"

/* h->qmp on a socketpair whose other end already holds 'script'; the other end in *peer. */
static void qmp_scripted(struct vm_handle *h, const char *script, int *peer)
{
	struct strbuf err = STRBUF_INIT;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[1], script, strlen(script)), (ssize_t)strlen(script));
	*peer = sv[1];
	assert_int_equal(qmp_open_fd(&h->qmp, sv[0], 1000, &err), 0);
	strbuf_release(&err);
}

/* What the client sent to the scripted QEMU so far. */
static char *sent(int peer)
{
	static char buf[4096];
	ssize_t n;

	fcntl(peer, F_SETFL, O_NONBLOCK);
	n = read(peer, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/*
 * A Ctrl-C or SIGTERM to 'down' (armed, o.interruptible) ends what has not
 * begun: a running guest whose status QMP no longer answers (the signal cut
 * the reply short) is left running, never quit or killed as "unreachable";
 * with kill_after and no QMP the same (not SIGTERM at once).
 */
static void test_vm_down_signal(void **state)
{
	struct vm_handle h = VM_HANDLE_INIT;
	struct vm_down_opts o = { .timeout_ms = 5000, .interruptible = 1 };
	char *status = NULL;
	int peer;

	(void)state;
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	hold(&h);
	qmp_scripted(&h, GREETING REPLY(1, "{}") REPLY(2, "{\"status\": \"running\", \"running\": true}"), &peer);
	assert_int_equal(interrupt_arm(), 0);
	raise(SIGTERM);
	assert_int_equal(vm_down(&h, &o, &status), STOP_INTERRUPTED);
	assert_true(qemu_proc_alive(&h.proc));
	assert_true(unit_vm_has(tmp, "state.json"));
	assert_int_equal(h.powerdown_sent, 0);
	assert_null(strstr(sent(peer), "quit"));
	assert_null(strstr(sent(peer), "system_powerdown"));
	free(status);
	qmp_close(h.qmp);
	h.qmp = NULL;
	close(peer);

	/* kill_after, QMP gone: before the guest's time is up, a signal stops nothing */
	o.kill_after = 1;
	assert_int_equal(vm_down(&h, &o, NULL), STOP_INTERRUPTED);
	assert_true(qemu_proc_alive(&h.proc));
	assert_int_equal(interrupt_take(), SIGTERM);
	interrupt_disarm();

	/* and without a signal, that is what kill_after asks for: SIGTERM */
	assert_int_equal(vm_down(&h, &o, NULL), STOP_TERM);
	assert_false(qemu_proc_alive(&h.proc));
	vm_handle_release(&h);
}

/* The power button cannot be pressed (QEMU refuses system_powerdown): left running, not quit instead. */
static void test_vm_down_powerdown_refused(void **state)
{
	struct vm_handle h = VM_HANDLE_INIT;
	struct vm_down_opts o = { .timeout_ms = 5000 };
	char *status = NULL;
	int peer;

	(void)state;
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	hold(&h);
	qmp_scripted(&h, GREETING REPLY(1, "{}") REPLY(2, "{\"status\": \"running\", \"running\": true}")
		     REPLY(3, "{}") "{\"error\": {\"class\": \"GenericError\", \"desc\": \"no\"}, \"id\": 4}\r\n",
		     &peer);
	assert_int_equal(vm_down(&h, &o, &status), STOP_UNREACHABLE);
	assert_string_equal(status, "running");
	assert_true(qemu_proc_alive(&h.proc));
	assert_int_equal(h.powerdown_sent, 0);
	assert_null(strstr(sent(peer), "\"quit\""));
	free(status);
	close(peer);
	qemu_proc_kill(&h.proc, 100);
	vm_handle_release(&h);
}

static void test_vm_down_attach(void **state)
{
	struct vm_handle h = VM_HANDLE_INIT;
	struct err err = ERR_INIT;
	int was_gone = -1;

	(void)state;
	/* no runtime directory: not running, nothing gone */
	assert_int_equal(vm_down_attach("vm1", &h, &was_gone, 0, &err), 0);
	assert_int_equal(was_gone, 0);
	vm_handle_release(&h);

	/* a crashed QEMU: was_gone, and its files are cleaned */
	unit_vm_state(tmp, unit_no_such_pid(), 12345);
	assert_int_equal(vm_down_attach("vm1", &h, &was_gone, 0, &err), 0);
	assert_int_equal(was_gone, 1);
	assert_false(unit_vm_has(tmp, "state.json"));
	vm_handle_release(&h);

	/* a live one */
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	unit_vm_state(tmp, child.pid, child.start_time);
	assert_int_equal(vm_down_attach("vm1", &h, &was_gone, 0, &err), 1);
	assert_int_equal(h.proc.pid, child.pid);
	assert_int_equal(h.state.pid, child.pid);
	assert_true(h.rt.lock_fd >= 0);
	assert_string_equal(err.msg.buf, "");
	vm_handle_release(&h);
	err_release(&err);
}

static void test_vm_down_reclaim(void **state)
{
	struct vm_handle h = VM_HANDLE_INIT;
	struct err err = ERR_INIT;

	(void)state;
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	hold(&h);
	/* still ours: state.json names our QEMU (2: its cleanup and hooks are ours too) */
	assert_int_equal(vm_down_reclaim(&h, &err), 2);
	assert_true(h.rt.lock_fd >= 0);
	/* gone state.json ('down' cleaned up): still ours to clean */
	runtime_clean_files(&h.rt);
	assert_int_equal(vm_down_reclaim(&h, &err), 1);
	/* another 'up' owns the name now: not ours, and unlocked */
	unit_vm_state(tmp, getpid(), proc_start_time(getpid()));
	assert_int_equal(vm_down_reclaim(&h, &err), 0);
	assert_int_equal(h.rt.lock_fd, -1);
	assert_true(unit_vm_has(tmp, "state.json"));
	qemu_proc_kill(&h.proc, 100);
	vm_handle_release(&h);
	err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_down_hears_acpi),
		cmocka_unit_test_setup_teardown(test_vm_down_unreachable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_down_dying, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_down_quit_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_down_kill_after, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_down_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_down_powerdown_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_down_attach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_down_reclaim, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_vm_down", tests, NULL, NULL);
}
