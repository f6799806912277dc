/*
 * test_qos.c - unit tests for config/qos.c and [limits]: weight to v1
 * shares, cpu_max parsing and formatting, the memory floor guard and its
 * "FILE:LINE:COL: key 'limits.memory_max': ..." message.
 */
#include "tests/unit/unit.h"
#include "config/qos.h"
#include "config/vm_config.h"

static void test_qos_weight_to_shares(void **state)
{
	(void)state;
	assert_int_equal(qos_weight_to_shares(100), 1024);	/* the default share of both */
	assert_int_equal(qos_weight_to_shares(800), 8192);
	assert_int_equal(qos_weight_to_shares(1), 10);
	assert_int_equal(qos_weight_to_shares(10000), 102400);
	assert_int_equal(qos_weight_to_shares(0), 2);		/* clamped to the kernel's least */
	assert_int_equal(qos_weight_to_shares(100000), 262144);
	assert_int_equal(qos_shares_to_weight(1024), 100);	/* libvirt's default <shares> */
	assert_int_equal(qos_shares_to_weight(2048), 200);
	assert_int_equal(qos_shares_to_weight(2), 1);
	assert_int_equal(qos_shares_to_weight(262144), 10000);
	assert_int_equal(qos_shares_to_weight(~0ULL), 10000);
	for (unsigned w = 1; w <= 10000; w += 7)	/* v1 read back: the weight written, within rounding */
		assert_true(qos_shares_to_weight(qos_weight_to_shares(w)) + 1 >= w &&
			    qos_shares_to_weight(qos_weight_to_shares(w)) <= w);
}

static void test_qos_cpu_max(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	unsigned pct = 7;

	(void)state;
	assert_int_equal(qos_cpu_max_parse("250%", &pct, &sb), 0);
	assert_int_equal(pct, 250);
	assert_int_equal(qos_cpu_quota_us(250), 250000);
	assert_int_equal(qos_cpu_quota_us(1), 1000);
	qos_cpu_max_format(250, &sb);
	assert_string_equal(sb.buf, "250000 100000");
	strbuf_reset(&sb);
	qos_cpu_max_format(0, &sb);
	assert_string_equal(sb.buf, "max 100000");
	strbuf_reset(&sb);
	for (size_t i = 0; i < 6; i++) {
		static const char *const bad[] = { "250", "0%", "-5%", "2.5%", "%", "102401%" };

		strbuf_reset(&sb);
		assert_int_equal(qos_cpu_max_parse(bad[i], &pct, &sb), -1);
		assert_non_null(strstr(sb.buf, "expected a share of one CPU as \"N%\""));
	}
	assert_int_equal(pct, 250);
	assert_int_equal(qos_cpu_max_pct(250000, 100000), 250);
	assert_int_equal(qos_cpu_max_pct(50000, 200000), 25);
	assert_int_equal(qos_cpu_max_pct(-1, 100000), 0);	/* v1: no limit */
	strbuf_release(&sb);
}

static int parse(const char *text, struct vm_config *cfg, struct strbuf *err)
{
	char file[128];

	vm_config_init(cfg);
	return vm_config_parse(unit_config_file("vms/", "t", text, file), text, strlen(text), cfg, err);
}

static void test_qos_config_keys(void **state)
{
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(parse("[memory]\nsize = \"8G\"\n[limits]\ncpu_weight = 800\ncpu_max = \"250%\"\n"
			       "memory_max = \"9G\"\nmemory_high = \"8612M\"\n", &cfg, &err), 0);
	assert_int_equal(cfg.cpu_weight, 800);
	assert_int_equal(cfg.cpu_max_pct, 250);
	assert_true(cfg.memory_max == UINT64_C(9) << 30);
	assert_true(cfg.memory_high == UINT64_C(8612) << 20);
	vm_config_release(&cfg);
	assert_int_equal(parse("name = \"t\"\n", &cfg, &err), 0);
	assert_int_equal(cfg.cpu_weight, 0);	/* unset: no limit written */
	assert_int_equal(cfg.cpu_max_pct, 0);
	assert_true(cfg.memory_max == 0 && cfg.memory_high == 0);
	vm_config_release(&cfg);
	assert_int_equal(parse("[limits]\ncpu_weight = 0\ncpu_max = 250\n", &cfg, &err), -1);
	assert_string_equal(err.buf, "vms/t.toml:2:1: key 'limits.cpu_weight': must be 1..10000\n"
			    "vms/t.toml:3:1: key 'limits.cpu_max': expected a string \"N%\", got an integer");
	vm_config_release(&cfg);
	strbuf_release(&err);
}

static void test_qos_memory_floor(void **state)
{
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	/* 8G + 256M + 2% (163.84M) = 8611.84M */
	assert_int_equal(parse("[memory]\nsize = \"8G\"\n[limits]\nmemory_max = \"8G\"\n", &cfg, &err), -1);
	assert_string_equal(err.buf, "vms/t.toml:4:1: key 'limits.memory_max': 8G (8589934592 bytes) is below what "
			    "the VM needs, 8612M: memory.size 8G + 256M + 2% of it (QEMU would be killed by the "
			    "kernel as the guest fills its RAM)");
	assert_true(qos_memory_floor(&cfg) == (UINT64_C(8) << 30) + (UINT64_C(256) << 20) + (UINT64_C(8) << 30) / 50);
	vm_config_release(&cfg);
	strbuf_reset(&err);
	/* an emulated GPU's video memory and the Looking Glass buffer count too */
	assert_int_equal(parse("[memory]\nsize = \"1G\"\n[display]\ntype = \"vnc\"\n[looking_glass]\nenable = true\n"
			       "size = \"32M\"\n[limits]\nmemory_high = \"1300M\"\n", &cfg, &err), -1);
	assert_non_null(strstr(err.buf, "key 'limits.memory_high': 1300M (1363148800 bytes) is below what the VM needs, "
				       "1349M: memory.size 1G + 256M + 2% of it + 16M of video memory + the Looking "
				       "Glass buffer 32M"));
	vm_config_release(&cfg);
	strbuf_reset(&err);
	/* at the floor: accepted */
	assert_int_equal(parse("[memory]\nsize = \"1G\"\n[limits]\nmemory_max = \"1301M\"\n", &cfg, &err), 0);
	vm_config_release(&cfg);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qos_weight_to_shares),
		cmocka_unit_test(test_qos_cpu_max),
		cmocka_unit_test(test_qos_config_keys),
		cmocka_unit_test(test_qos_memory_floor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
