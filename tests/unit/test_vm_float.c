/*
 * test_vm_float.c - unit tests for launcher/vm/vm_float.c with a stand-in
 * QEMU (a child process) whose state.json says its emulator threads float:
 * vm_float_any() sees it (and not a VM that does not float, nor one whose
 * QEMU is gone); vm_float_follow() moves its threads onto the pool (read
 * back from the kernel), records the new set in state.json and notes the
 * move; 'except' leaves that VM alone. Needs two CPUs for a pool smaller
 * than the machine (skipped in part on one). A pending SIGTERM ends
 * vm_float_refresh()'s wait for the root lock, not vm_float_refresh_undo()'s.
 */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>

#include "tests/unit/unit_vm.h"
#include "launcher/vm/vm_float.h"
#include "launcher/vm/vm_state.h"
#include "util/interrupt.h"

static char tmp[64];
static struct qemu_proc child = QEMU_PROC_INIT;

static int setup(void **state)
{
	(void)state;
	return unit_runtime_tmp(tmp, "mvl-float", 1);
}

static int teardown(void **state)
{
	(void)state;
	unit_vm_stop(&child);
	unit_runtime_tmp_remove(tmp, NULL);
	return 0;
}

/* vm1: 'child' as its QEMU, its emulator floating (or not) over 'cpus'. */
static void vm1(int floating, const char *cpus)
{
	char *text = xstrfmt("{\"name\": \"vm1\", \"pid\": %d, \"start_time\": %llu, \"started_at\": 1700000000, "
			     "\"config\": \"/etc/mvlaunch/vms/vm1.toml\", \"qemu_version\": \"7.2.0\", "
			     "\"emulator_cpus\": [%s], \"emulator_floating\": %s, \"threads\": []}",
			     (int)child.pid, child.start_time, cpus, floating ? "true" : "false");

	unit_vm_file(tmp, "state.json", text);
	free(text);
}

static struct cpuset affinity(pid_t pid)
{
	cpu_set_t cs;
	struct cpuset s;

	cpuset_zero(&s);
	assert_int_equal(sched_getaffinity(pid, sizeof(cs), &cs), 0);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &cs))
			cpuset_set(&s, (unsigned)c);
	return s;
}

static void test_vm_float_any(void **state)
{
	(void)state;
	assert_false(vm_float_any());
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	vm1(0, "0");
	assert_false(vm_float_any());
	vm1(1, "0");
	assert_true(vm_float_any());
	qemu_proc_kill(&child, 100);	/* gone: it floats no more */
	assert_false(vm_float_any());
}

static void test_vm_float_follow(void **state)
{
	struct strvec notes = STRVEC_INIT;
	struct cpuset all, one, got;
	struct vm_state st;
	struct err err = ERR_INIT;
	char *path = xstrfmt("%s/run/vm1/state.json", tmp);

	(void)state;
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	all = affinity(child.pid);
	if (cpuset_count(&all) < 2)
		skip();	/* one CPU: no pool smaller than the machine */
	cpuset_zero(&one);
	cpuset_set(&one, (unsigned)cpuset_next(&all, 0));
	vm1(1, "0");

	/* 'except' is left alone */
	vm_float_follow(&one, "vm1", &notes);
	got = affinity(child.pid);
	assert_true(cpuset_equal(&got, &all));
	assert_int_equal(notes.nr, 0);

	/* the pool shrinks: its threads follow, state.json records it, a note says so */
	vm_float_follow(&one, NULL, &notes);
	got = affinity(child.pid);
	assert_true(cpuset_equal(&got, &one));
	assert_int_equal(vm_state_read(path, &st, &err), 0);
	assert_true(cpuset_equal(&st.emulator, &one));
	vm_state_release(&st);
	assert_int_equal(notes.nr, 1);
	assert_non_null(strstr(notes.v[0], "floating VM 'vm1' moved from "));

	/* and grows back */
	vm_float_follow(&all, NULL, &notes);
	got = affinity(child.pid);
	assert_true(cpuset_equal(&got, &all));
	assert_int_equal(vm_state_read(path, &st, &err), 0);
	assert_true(cpuset_equal(&st.emulator, &all));
	vm_state_release(&st);
	strvec_clear(&notes);
	err_release(&err);
	free(path);
}

/* A child holding the runtime root's lock for 300 ms (it is ours the moment this returns). */
static pid_t hold_root(void)
{
	int fds[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char *root = xstrfmt("%s/run", tmp);
		int fd = open(root, O_RDONLY | O_DIRECTORY);

		if (fd < 0 || flock(fd, LOCK_EX) < 0 || write(fds[1], "L", 1) != 1)
			_exit(1);
		usleep(300000);
		_exit(0);
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
	return pid;
}

/*
 * A SIGTERM pending (armed, as 'down' is) ends vm_float_refresh()'s wait for
 * the root lock another command holds; vm_float_refresh_undo(), which 'down'
 * runs after its give-back, waits it out and lets the floating VMs follow.
 */
static void test_vm_float_refresh_signal(void **state)
{
	struct vm_dirs dirs = { NULL, NULL };
	struct strvec notes = STRVEC_INIT;
	struct err err = ERR_INIT;
	char *vms = xstrfmt("%s/vms", tmp);
	int status;
	pid_t holder;

	(void)state;
	dirs.vms_dir = vms;
	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	vm1(1, "0");
	assert_int_equal(interrupt_arm(), 0);
	assert_int_equal(raise(SIGTERM), 0);
	holder = hold_root();
	assert_int_equal(vm_float_refresh(&dirs, &notes, &err), -1);
	assert_string_equal(err.msg.buf, "interrupted by SIGTERM while waiting for another mvlaunch command");
	assert_int_equal(waitpid(holder, &status, 0), holder);
	err_reset(&err);
	holder = hold_root();
	assert_int_equal(vm_float_refresh_undo(&dirs, &notes, &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_int_equal(waitpid(holder, &status, 0), holder);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);	/* it held the lock all along */
	assert_int_equal(interrupt_take(), SIGTERM);
	interrupt_disarm();
	strvec_clear(&notes);
	err_release(&err);
	free(vms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_float_any, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_float_follow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_float_refresh_signal, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_vm_float", tests, NULL, NULL);
}
