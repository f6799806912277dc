/*
 * test_vm_thread.c - unit tests for launcher/vm/vm_thread.c: the names of
 * roles, the labels 'status' prints for each kind of thread (exact text),
 * and vm_threads_release() freeing iothread ids and emptying the list (the
 * ASan build finds a leak or a double free).
 */
#include "tests/unit/unit.h"
#include "launcher/vm/vm_thread.h"
#include "util/wrapper.h"

static void test_vm_thread_role_name(void **state)
{
	(void)state;
	assert_string_equal(vm_thread_role_name(ROLE_VCPU), "vcpu");
	assert_string_equal(vm_thread_role_name(ROLE_IOTHREAD), "iothread");
	assert_string_equal(vm_thread_role_name(ROLE_EMULATOR), "emulator");
	assert_string_equal(vm_thread_role_name((enum thread_role)42), "?");
}

static void test_vm_thread_label(void **state)
{
	struct vm_thread t = { .tid = 1, .role = ROLE_VCPU, .index = 11 };
	struct strbuf sb = STRBUF_INIT;

	(void)state;
	vm_thread_label(&t, &sb);
	assert_string_equal(sb.buf, "vcpu11");
	strbuf_reset(&sb);
	t.role = ROLE_IOTHREAD;
	t.index = -1;
	t.iothread = (char *)"io0";
	vm_thread_label(&t, &sb);
	assert_string_equal(sb.buf, "iothread io0");
	strbuf_reset(&sb);
	t.role = ROLE_EMULATOR;
	t.iothread = NULL;
	vm_thread_label(&t, &sb);
	assert_string_equal(sb.buf, "emulator");
	/* a label is appended, not replacing what is there */
	vm_thread_label(&t, &sb);
	assert_string_equal(sb.buf, "emulatoremulator");
	strbuf_release(&sb);
}

static void test_vm_threads_release(void **state)
{
	struct vm_threads ts = { 0 };

	(void)state;
	for (int i = 0; i < 3; i++) {
		ALLOC_GROW(ts.t, ts.nr + 1, ts.alloc);
		memset(&ts.t[ts.nr], 0, sizeof(ts.t[ts.nr]));
		ts.t[ts.nr].role = i == 1 ? ROLE_IOTHREAD : ROLE_VCPU;
		ts.t[ts.nr].iothread = i == 1 ? xstrdup("io1") : NULL;
		ts.nr++;
	}
	vm_threads_release(&ts);
	assert_null(ts.t);
	assert_int_equal(ts.nr, 0);
	assert_int_equal(ts.alloc, 0);
	vm_threads_release(&ts);	/* twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_thread_role_name),
		cmocka_unit_test(test_vm_thread_label),
		cmocka_unit_test(test_vm_threads_release),
	};

	return cmocka_run_group_tests_name("test_vm_thread", tests, NULL, NULL);
}
