/*
 * test_qemu_probe.c - unit tests for launcher/qemu/qemu_probe.c: the keys of
 * option values (",," escapes, implied values, JSON-looking text), parameter
 * lists, QEMU 7.2's wordings for a refused key; and the real
 * qemu-system-x86_64 (TCG: this host's nested KVM cannot run guests, and the
 * probe needs none): started, asked over QMP, asked about one option alone
 * (a key it takes, one it refuses), stopped with nothing left in $TMPDIR;
 * a binary that does not exist and a $TMPDIR that cannot be used fail with
 * their reasons and leave nothing either.
 */
#include <jansson.h>

#include "tests/unit/unit.h"
#include "launcher/qemu/qemu_probe.h"
#include "util/wrapper.h"

#define QEMU "qemu-system-x86_64"

static char tmp[64];
static struct qemu_probe probe = QEMU_PROBE_INIT;	/* stopped by teardown, also when a test fails */

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/mvl-probe-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	setenv("TMPDIR", tmp, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	qemu_probe_stop(&probe);
	tree_remove(tmp);
	unsetenv("TMPDIR");
	return 0;
}

static void test_qemu_probe_option_keys(void **state)
{
	struct strvec keys = STRVEC_INIT;

	(void)state;
	qemu_probe_option_keys("q35,accel=kvm,kernel-irqchip=split,smm=off", &keys);
	check_argv(&keys, "accel", "kernel-irqchip", "smm");
	strvec_clear(&keys);
	/* ",," is a comma inside a value, not a new key */
	qemu_probe_option_keys("file=/vm/a,,b.img,format=raw,if=none", &keys);
	check_argv(&keys, "file", "format", "if");
	strvec_clear(&keys);
	/* each piece's key, as often as it comes */
	qemu_probe_option_keys("x=1,y=a=b,x=3", &keys);
	check_argv(&keys, "x", "y", "x");
	strvec_clear(&keys);
	qemu_probe_option_keys("", &keys);
	assert_int_equal(keys.nr, 0);
	qemu_probe_option_keys("implied", &keys);
	assert_int_equal(keys.nr, 0);
}

static void test_qemu_probe_has_param(void **state)
{
	json_t *params = json_pack("[{s:s,s:s},{s:s},{s:i}]", "name", "smm", "type", "OnOffAuto", "name", "accel",
				   "name", 3);

	(void)state;
	assert_true(qemu_probe_has_param(params, "smm"));
	assert_true(qemu_probe_has_param(params, "accel"));
	assert_false(qemu_probe_has_param(params, "sm"));
	assert_false(qemu_probe_has_param(params, "3"));
	assert_false(qemu_probe_has_param(NULL, "smm"));
	json_decref(params);
}

static void test_qemu_probe_refuses_key(void **state)
{
	(void)state;
	assert_true(qemu_probe_refuses_key("qemu-system-x86_64: -drive foo=1: Invalid parameter 'foo'\n", "foo"));
	assert_true(qemu_probe_refuses_key("qemu: -smp bar=2: Parameter 'bar' is unexpected\n", "bar"));
	assert_true(qemu_probe_refuses_key("qemu: -smp x=2: Parameter 'smp.x' is unexpected\n", "x"));
	assert_true(qemu_probe_refuses_key("qemu: Property 'pc-q35-7.2-machine.nope' not found\n", "nope"));
	assert_true(qemu_probe_refuses_key("qemu: -accel kvm,y=1: Accelerator 'kvm' does not support the option 'y'\n", "y"));
	/* another key's complaint is not this key's */
	assert_false(qemu_probe_refuses_key("qemu: -drive foo=1: Invalid parameter 'foo'\n", "fo"));
	assert_false(qemu_probe_refuses_key("qemu: Property 'm.other' not found\n", "nope"));
	assert_false(qemu_probe_refuses_key("", "foo"));
}

static void test_qemu_probe_real(void **state)
{
	struct qemu_probe *p = &probe;
	struct strbuf err = STRBUF_INIT;
	json_t *machines = NULL;
	pid_t pid;

	(void)state;
	assert_int_equal(qemu_probe_start(p, QEMU, "tcg", &err), 0);
	assert_string_equal(err.buf, "");
	assert_non_null(p->qmp);
	assert_true(qmp_qemu_version(p->qmp)[0] >= '1');
	assert_int_equal(qmp_execute(p->qmp, "query-machines", NULL, &machines, &err), 0);
	assert_true(json_array_size(machines) > 10);
	json_decref(machines);
	/* asked with one option alone: a key it takes, and ones it refuses (two wordings) */
	assert_int_equal(qemu_probe_refuses(p, "rtc", "base=utc,driftfix=slew", "driftfix"), 0);
	assert_int_equal(qemu_probe_refuses(p, "rtc", "base=utc,nonsense=on", "nonsense"), 1);
	assert_int_equal(qemu_probe_refuses(p, "smp", "2,nonsense=1", "nonsense"), 1);
	pid = p->proc.pid;
	qemu_probe_stop(p);
	assert_null(p->qmp);
	assert_null(p->dir);
	assert_int_equal(kill(pid, 0), -1);	/* gone, and reaped */
	assert_int_equal(unit_dir_entries(tmp), 0);
	qemu_probe_stop(p);	/* twice is harmless */
	strbuf_release(&err);
}

static void test_qemu_probe_fails(void **state)
{
	struct qemu_probe *p = &probe;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(qemu_probe_start(p, "/nonexistent/qemu", "tcg", &err), -1);
	assert_non_null(strstr(err.buf, "/nonexistent/qemu"));
	assert_null(p->qmp);
	assert_null(p->dir);
	assert_int_equal(unit_dir_entries(tmp), 0);
	qemu_probe_stop(p);

	strbuf_reset(&err);
	setenv("TMPDIR", "/nonexistent", 1);
	assert_int_equal(qemu_probe_start(p, QEMU, "tcg", &err), QEMU_PROBE_NO_TMPDIR);
	assert_string_equal(err.buf, "cannot make a directory in /nonexistent: No such file or directory");
	qemu_probe_stop(p);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_probe_option_keys),
		cmocka_unit_test(test_qemu_probe_has_param),
		cmocka_unit_test(test_qemu_probe_refuses_key),
		cmocka_unit_test_setup_teardown(test_qemu_probe_real, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_probe_fails, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_qemu_probe", tests, NULL, NULL);
}
