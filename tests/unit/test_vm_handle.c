/*
 * test_vm_handle.c - unit tests for launcher/vm/vm_handle.c: finding a VM's
 * QEMU in its runtime directory (nothing there; state.json naming a live
 * stand-in QEMU, and one whose start time is wrong; qemu.id, as QEMU's
 * process writes it before exec when 'up' died before state.json, right and
 * wrong; qemu.pid, believed only when that process's command line names the
 * pid file), reconnecting QMP with no socket, and releasing a handle.
 */
#include "tests/unit/unit_vm.h"
#include "launcher/vm/vm_handle.h"

static char tmp[64];
static struct qemu_proc child = QEMU_PROC_INIT;

static int setup(void **state)
{
	(void)state;
	return unit_runtime_tmp(tmp, "mvl-handle", 1);
}

static int teardown(void **state)
{
	(void)state;
	unit_vm_stop(&child);
	unit_runtime_tmp_remove(tmp, NULL);
	return 0;
}

/* vm_handle_find_qemu() on RUN/vm1: its return, and the pid found. */
static int find(pid_t *pid)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct qemu_proc p = QEMU_PROC_INIT;
	struct vm_state st;
	int r;

	rt.name = xstrdup("vm1");
	rt.dir = xstrfmt("%s/run/vm1", tmp);
	r = vm_handle_find_qemu(&rt, &p, &st);
	*pid = p.pid;
	if (r == 0) {
		assert_int_equal(p.start_time, proc_start_time(p.pid));
		assert_true(p.pidfd >= 0);
		assert_int_equal(p.is_child, 0);	/* attached, not ours to reap */
	}
	qemu_proc_release(&p);
	vm_state_release(&st);
	runtime_release(&rt);
	return r;
}

static void test_vm_handle_find_nothing(void **state)
{
	pid_t pid;

	(void)state;
	unit_vm_file(tmp, "qmp.sock", "");
	assert_int_equal(find(&pid), -1);
}

static void test_vm_handle_find_state(void **state)
{
	pid_t pid;

	(void)state;
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	unit_vm_state(tmp, child.pid, child.start_time);
	assert_int_equal(find(&pid), 0);
	assert_int_equal(pid, child.pid);
	/* the same pid with another start time is another process: a recycled pid */
	unit_vm_state(tmp, child.pid, child.start_time + 1);
	assert_int_equal(find(&pid), -1);
	/* state.json wins over qemu.id: a right qemu.id does not revive a wrong state.json */
	{
		char *id = xstrfmt("%d %llu\n", (int)child.pid, child.start_time);

		unit_vm_file(tmp, "qemu.id", id);
		free(id);
	}
	assert_int_equal(find(&pid), -1);
}

static void test_vm_handle_find_id(void **state)
{
	pid_t pid;
	char *id;

	(void)state;
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	id = xstrfmt("%d %llu\n", (int)child.pid, child.start_time);
	unit_vm_file(tmp, "qemu.id", id);
	free(id);
	assert_int_equal(find(&pid), 0);
	assert_int_equal(pid, child.pid);
	id = xstrfmt("%d %llu\n", (int)child.pid, child.start_time + 7);
	unit_vm_file(tmp, "qemu.id", id);
	free(id);
	assert_int_equal(find(&pid), -1);
	unit_vm_file(tmp, "qemu.id", "garbage\n");
	assert_int_equal(find(&pid), -1);
}

static void test_vm_handle_find_pidfile(void **state)
{
	char *pidfile = xstrfmt("%s/run/vm1/qemu.pid", tmp), *text;
	pid_t pid;

	(void)state;
	/* a process that does not name the pid file is somebody else's */
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	text = xstrfmt("%d\n", (int)child.pid);
	unit_vm_file(tmp, "qemu.pid", text);
	free(text);
	assert_int_equal(find(&pid), -1);
	qemu_proc_kill(&child, 100);
	qemu_proc_release(&child);
	child = (struct qemu_proc)QEMU_PROC_INIT;

	/* one whose command line names it (as QEMU's -pidfile does) is the VM's */
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sh", "-c", "sleep 30", "sh", pidfile, NULL });
	text = xstrfmt("%d\n", (int)child.pid);
	unit_vm_file(tmp, "qemu.pid", text);
	free(text);
	assert_int_equal(find(&pid), 0);
	assert_int_equal(pid, child.pid);
	free(pidfile);
}

static void test_vm_handle_reconnect_release(void **state)
{
	struct vm_handle h = VM_HANDLE_INIT;
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(runtime_lock(&h.rt, "vm1", 0, &err), 0);
	assert_true(h.rt.lock_fd >= 0);
	assert_int_equal(vm_handle_reconnect(&h), -1);
	assert_null(h.qmp);
	vm_handle_release(&h);
	assert_int_equal(h.rt.lock_fd, -1);
	assert_null(h.rt.name);
	assert_null(h.qmp);
	/* released means unlocked: another command may lock it at once */
	assert_int_equal(runtime_lock(&h.rt, "vm1", 0, &err), 0);
	vm_handle_release(&h);
	err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_handle_find_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_handle_find_state, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_handle_find_id, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_handle_find_pidfile, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_handle_reconnect_release, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_vm_handle", tests, NULL, NULL);
}
