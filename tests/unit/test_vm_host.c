/*
 * test_vm_host.c - unit tests for launcher/vm/vm_host.c: the liveness
 * callback host preparation asks before it gives back a VM's hugepages and
 * knobs (no directory: gone; another command holds the VM's lock: alive,
 * since an 'up' between fork and state.json has not said who its QEMU is;
 * state.json naming a live stand-in QEMU: alive; naming a dead pid: gone),
 * and release/reconcile/status on a host nobody prepared (no host.json:
 * nothing to do, and nothing created).
 */
#include <jansson.h>

#include "tests/unit/unit_vm.h"
#include "launcher/vm/vm_host.h"
#include "launcher/vm/runtime.h"

static char tmp[64];
static struct qemu_proc child = QEMU_PROC_INIT;

static int setup(void **state)
{
	(void)state;
	return unit_runtime_tmp(tmp, "mvl-vmhost", 1);
}

static int teardown(void **state)
{
	(void)state;
	unit_vm_stop(&child);
	unit_runtime_tmp_remove(tmp, NULL);
	return 0;
}

static void test_vm_host_alive(void **state)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct err err = ERR_INIT;

	(void)state;
	assert_false(vm_host_alive("vm1"));

	/* an 'up' at work holds the lock: its QEMU may not have said who it is yet */
	assert_int_equal(runtime_lock(&rt, "vm1", 0, &err), 0);
	assert_true(vm_host_alive("vm1"));
	runtime_release(&rt);
	assert_false(vm_host_alive("vm1"));

	unit_vm_state(tmp, unit_no_such_pid(), 99);
	assert_false(vm_host_alive("vm1"));
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	unit_vm_state(tmp, child.pid, child.start_time);
	assert_true(vm_host_alive("vm1"));
	/* the same pid, another start time: a recycled pid, not the VM's QEMU */
	unit_vm_state(tmp, child.pid, child.start_time + 1);
	assert_false(vm_host_alive("vm1"));
	err_release(&err);
}

static void test_vm_host_unprepared(void **state)
{
	struct vm_dirs dirs = { .vms_dir = "/nonexistent" };
	struct strvec notes = STRVEC_INIT;
	struct err err = ERR_INIT;

	(void)state;
	/* no host.json: nothing to give back, no topology loaded, nothing written */
	assert_int_equal(vm_host_release("vm1", &dirs, &notes, &err), 0);
	assert_int_equal(vm_host_reconcile(&dirs, &notes, &err), 0);
	assert_int_equal(notes.nr, 0);
	assert_string_equal(err.msg.buf, "");
	{
		char *run = xstrfmt("%s/run", tmp);

		assert_int_equal(unit_dir_entries(run), 0);
		free(run);
	}
	strvec_clear(&notes);
	err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_host_alive, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_host_unprepared, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_vm_host", tests, NULL, NULL);
}
