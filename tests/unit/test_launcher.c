/*
 * test_launcher.c - unit tests for launcher/ state handling: state.json
 * round trips and corrupt state files.
 */
#include <unistd.h>

#include "tests/unit/unit.h"
#include "launcher/vm/vm_state.h"

static void test_launcher_state_roundtrip(void **state)
{
	char path[] = "/tmp/mvl-state-XXXXXX";
	struct vm_state st = { 0 }, back;
	struct strbuf err = STRBUF_INIT;
	struct vm_thread t[2] = { { .tid = 11, .role = ROLE_VCPU, .index = 0, .comm = "CPU 0/KVM" },
				  { .tid = 12, .role = ROLE_IOTHREAD, .index = -1, .iothread = (char *)"io0", .comm = "IO io0" } };
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	cpuset_parse(&t[0].planned, "3", &err);
	cpuset_parse(&t[1].planned, "0,4", &err);
	cpuset_parse(&st.emulator, "0,4", &err);
	st.name = (char *)"vm";
	st.pid = 10;
	st.start_time = 12345;
	st.started_at = 1700000000;
	st.config = (char *)"/etc/mvlaunch/vms/vm.toml";
	st.config_digest = 0xabcdef;
	st.qemu_version = (char *)"7.2.22";
	st.threads.t = t;
	st.threads.nr = 2;
	assert_int_equal(vm_state_write(path, &st, &err), 0);
	assert_int_equal(vm_state_read(path, &back, &err), 0);
	assert_string_equal(back.name, "vm");
	assert_int_equal(back.pid, 10);
	assert_true(back.start_time == 12345);
	assert_true(back.config_digest == 0xabcdef);
	assert_int_equal(back.threads.nr, 2);
	assert_int_equal(back.threads.t[1].role, ROLE_IOTHREAD);
	assert_string_equal(back.threads.t[1].iothread, "io0");
	assert_true(cpuset_equal(&back.threads.t[0].planned, &t[0].planned));
	assert_true(cpuset_equal(&back.emulator, &st.emulator));
	vm_state_release(&back);
	unlink(path);
	strbuf_release(&err);
}

static void expect_bad_state(const char *text, const char *msg)
{
	char path[] = "/tmp/mvl-state-XXXXXX";
	struct vm_state st;
	struct strbuf err = STRBUF_INIT, want = STRBUF_INIT;
	int fd = mkstemp(path);

	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(vm_state_read(path, &st, &err), -1);
	strbuf_addf(&want, "state file '%s': %s", path, msg);
	assert_string_equal(err.buf, want.buf);
	unlink(path);
	strbuf_release(&err);
	strbuf_release(&want);
}

static void test_launcher_state_corrupt(void **state)
{
	struct vm_state st;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	expect_bad_state("{\"name\": \"x\", \"pid\": ", "corrupt (unexpected token near end of file at line 1)");
	expect_bad_state("{\"name\": \"x\"}", "corrupt (no name, pid or start_time)");
	expect_bad_state("{\"name\": \"x\", \"pid\": 1, \"start_time\": 2, \"emulator_cpus\": [0], \"threads\": [{\"role\": \"vcpu\"}]}",
			 "corrupt (a thread without tid or role)");
	expect_bad_state("{\"name\": \"x\", \"pid\": 1, \"start_time\": 2, \"emulator_cpus\": [0], \"threads\": [{\"tid\": 3, \"role\": \"vcpu\", \"cpus\": [-1]}]}",
			 "corrupt (a thread's cpus is not a list of CPU numbers)");
	assert_int_equal(vm_state_read("/nonexistent/state.json", &st, &err), -1);
	assert_string_equal(err.buf, "state file '/nonexistent/state.json': missing");
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_launcher_state_roundtrip),
		cmocka_unit_test(test_launcher_state_corrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
