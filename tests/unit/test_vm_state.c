/*
 * test_vm_state.c - unit tests for launcher/vm/vm_state.c: state.json
 * round trips and corrupt state files.
 */
#include <stdio.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "launcher/vm/vm_state.h"

/* Every field of state.json, written then read back; and the file itself, exactly. */
static void test_vm_state_state_roundtrip(void **state)
{
	char path[] = "/tmp/mvl-state-XXXXXX";
	struct vm_state st = { 0 }, back;
	struct strbuf text = STRBUF_INIT;
	struct err err = ERR_INIT;
	struct vm_thread t[3] = { { .tid = 11, .role = ROLE_VCPU, .index = 0, .comm = "CPU 0/KVM" },
				  { .tid = 12, .role = ROLE_IOTHREAD, .index = -1, .iothread = (char *)"io0", .comm = "IO io0" },
				  { .tid = 13, .role = ROLE_EMULATOR, .index = -1, .comm = "qemu-system-x86", .floating = 1 } };
	int fd = mkstemp(path);
	FILE *f;
	char buf[4096];
	size_t n;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	cpuset_parse(&t[0].planned, "3", &err.msg);
	cpuset_parse(&t[1].planned, "0,4", &err.msg);
	cpuset_parse(&t[2].planned, "0-2,4-7", &err.msg);
	cpuset_parse(&st.emulator, "0-2,4-7", &err.msg);
	cpuset_parse(&st.owned, "3", &err.msg);
	st.name = (char *)"vm";
	st.pid = 10;
	st.start_time = 12345;
	st.started_at = 1700000000;
	st.config = (char *)"/etc/mvlaunch/vms/vm.toml";
	st.config_digest = 0xabcdef;
	st.qemu_version = (char *)"7.2.22";
	st.emulator_floating = 1;
	st.dedicated = 1;
	st.threads.t = t;
	st.threads.nr = 3;
	assert_int_equal(vm_state_write(path, &st, &err), 0);

	/* the file scripts read, key by key (a dropped or renamed key fails here) */
	f = fopen(path, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	strbuf_addstr(&text, buf);
	assert_string_equal(text.buf,
		"{\n \"name\": \"vm\",\n \"pid\": 10,\n \"start_time\": 12345,\n \"started_at\": 1700000000,\n"
		" \"config\": \"/etc/mvlaunch/vms/vm.toml\",\n \"config_digest\": \"fnv1a64:0000000000abcdef\",\n"
		" \"qemu_version\": \"7.2.22\",\n \"emulator_cpus\": [\n  0,\n  1,\n  2,\n  4,\n  5,\n  6,\n  7\n ],\n"
		" \"emulator_floating\": true,\n \"owned_cpus\": [\n  3\n ],\n \"dedicated\": true,\n \"threads\": [\n"
		"  {\n   \"tid\": 11,\n   \"role\": \"vcpu\",\n   \"vcpu\": 0,\n   \"name\": \"CPU 0/KVM\",\n   \"cpus\": [\n    3\n   ]\n  },\n"
		"  {\n   \"tid\": 12,\n   \"role\": \"iothread\",\n   \"iothread\": \"io0\",\n   \"name\": \"IO io0\",\n"
		"   \"cpus\": [\n    0,\n    4\n   ]\n  },\n"
		"  {\n   \"tid\": 13,\n   \"role\": \"emulator\",\n   \"name\": \"qemu-system-x86\",\n"
		"   \"cpus\": [\n    0,\n    1,\n    2,\n    4,\n    5,\n    6,\n    7\n   ],\n   \"floating\": true\n  }\n ]\n}");

	assert_int_equal(vm_state_read(path, &back, &err), 0);
	assert_string_equal(back.name, "vm");
	assert_int_equal(back.pid, 10);
	assert_true(back.start_time == 12345);
	assert_true(back.started_at == 1700000000);
	assert_string_equal(back.config, "/etc/mvlaunch/vms/vm.toml");
	assert_true(back.config_digest == 0xabcdef);
	assert_string_equal(back.qemu_version, "7.2.22");
	assert_true(cpuset_equal(&back.emulator, &st.emulator));
	assert_int_equal(back.emulator_floating, 1);
	assert_true(cpuset_equal(&back.owned, &st.owned));
	assert_int_equal(back.dedicated, 1);
	assert_int_equal(back.threads.nr, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(back.threads.t[i].tid, t[i].tid);
		assert_int_equal(back.threads.t[i].role, t[i].role);
		assert_int_equal(back.threads.t[i].index, t[i].index);
		assert_string_equal(back.threads.t[i].comm, t[i].comm);
		assert_true(cpuset_equal(&back.threads.t[i].planned, &t[i].planned));
		assert_int_equal(back.threads.t[i].floating, t[i].floating);
	}
	assert_string_equal(back.threads.t[1].iothread, "io0");
	assert_null(back.threads.t[0].iothread);
	vm_state_release(&back);
	unlink(path);
	err_release(&err);
	strbuf_release(&text);
}

static void expect_bad_state(const char *text, const char *msg)
{
	char path[] = "/tmp/mvl-state-XXXXXX";
	struct vm_state st;
	struct strbuf want = STRBUF_INIT;
	struct err err = ERR_INIT;
	int fd = mkstemp(path);

	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	assert_int_equal(vm_state_read(path, &st, &err), -1);
	strbuf_addf(&want, "state file '%s': %s", path, msg);
	assert_string_equal(err.msg.buf, want.buf);
	unlink(path);
	err_release(&err);
	strbuf_release(&want);
}

static void test_vm_state_state_corrupt(void **state)
{
	struct vm_state st;
	struct err err = ERR_INIT;

	(void)state;
	expect_bad_state("{\"name\": \"x\", \"pid\": ", "corrupt (unexpected token near end of file at line 1)");
	expect_bad_state("{\"name\": \"x\"}", "corrupt (no name, pid or start_time)");
	expect_bad_state("{\"name\": \"x\", \"pid\": 1, \"start_time\": 2, \"emulator_cpus\": [0], \"threads\": [{\"role\": \"vcpu\"}]}",
			 "corrupt (a thread without tid or role)");
	expect_bad_state("{\"name\": \"x\", \"pid\": 1, \"start_time\": 2, \"emulator_cpus\": [0], \"threads\": [{\"tid\": 3, \"role\": \"vcpu\", \"cpus\": [-1]}]}",
			 "corrupt (a thread's cpus is not a list of CPU numbers)");
	assert_int_equal(vm_state_read("/nonexistent/state.json", &st, &err), -1);
	assert_string_equal(err.msg.buf, "state file '/nonexistent/state.json': missing");
	err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_state_state_roundtrip),
		cmocka_unit_test(test_vm_state_state_corrupt),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
