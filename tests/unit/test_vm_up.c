/*
 * test_vm_up.c - unit tests for launcher/vm/vm_up.c with the real
 * qemu-system-x86_64 under TCG (this host's nested KVM hangs a guest; a
 * paused one would do, but TCG runs anywhere), in a temporary runtime,
 * state and log root: a dry run (the argv, and nothing left behind, not
 * even the UEFI vars copy); a paused start (QEMU running, every vCPU pinned
 * and read back, state.json naming it, the lock let go) and a second start
 * of the same VM refused with its hint; a start whose QEMU binary does not
 * exist and one whose OVMF vars template is missing (caught by the checks
 * before anything changes: the check's fix becomes the hint), each failing
 * with the message and the hint apart and nothing left in RUN.
 */
#include "tests/unit/unit_vm.h"
#include "launcher/vm/vm_down.h"
#include "launcher/vm/vm_up.h"
#include "qmp/qmp_cmds.h"

static char tmp[64];
static char vms[80];
static struct vm_handle h = VM_HANDLE_INIT;

static char *at(const char *rel)
{
	return xstrfmt("%s/%s", tmp, rel);
}

static int setup(void **state)
{
	char *p;

	(void)state;
	if (unit_runtime_tmp(tmp, "mvl-vm-up", 1) < 0)
		return -1;
	snprintf(vms, sizeof(vms), "%s/vms", tmp);
	mkdir(vms, 0700);
	p = at("state");
	setenv("MVLAUNCH_STATEDIR", p, 1);
	free(p);
	p = at("vms/host.toml");
	tree_put("", p, "reserved_cpus = \"\"\n");	/* a 2-CPU host: every CPU is shared */
	free(p);
	return 0;
}

static int teardown(void **state)
{
	struct vm_down_opts o = { .timeout_ms = 100, .force = 1 };

	(void)state;
	if (h.proc.pid > 0 && qemu_proc_alive(&h.proc))
		vm_down(&h, &o, NULL);
	vm_handle_release(&h);
	h = (struct vm_handle)VM_HANDLE_INIT;
	unsetenv("MVLAUNCH_STATEDIR");
	unit_runtime_tmp_remove(tmp, NULL);
	return 0;
}

/* VM 'u1' from text (vms/u1.toml). */
static void cfg_load(struct vm_config *cfg, const char *text)
{
	char *file = xstrfmt("%s/u1.toml", vms);
	struct err err = ERR_INIT;

	tree_put("", file, text);
	vm_config_init(cfg);
	if (vm_config_load(file, cfg, &err.msg) < 0) {
		print_error("%s\n", err.msg.buf);
		fail();
	}
	err_release(&err);
	free(file);
}

#define BIOS_VM "[machine]\naccel = \"tcg\"\nfirmware = \"bios\"\n[cpu]\nmodel = \"max\"\nvcpus = 2\n" \
		"[pinning]\nvcpus = \"auto\"\npolicy = \"shared\"\n[memory]\nsize = \"64M\"\n"

static void test_vm_up_dry_run(void **state)
{
	struct vm_dirs dirs = { .vms_dir = vms };
	struct vm_up_opts o = { .timeout_ms = 10000, .dirs = &dirs, .dry_run = 1 };
	struct strvec argv = STRVEC_INIT, notes = STRVEC_INIT;
	struct err err = ERR_INIT;
	struct vm_config cfg;
	char *run = at("run"), *vmstate = at("state");

	(void)state;
	cfg_load(&cfg, "[machine]\naccel = \"tcg\"\nfirmware = \"uefi\"\n[cpu]\nmodel = \"max\"\n[memory]\nsize = \"64M\"\n");
	o.argv = &argv;
	assert_int_equal(vm_up(&cfg, &o, &h, &notes, &err), 0);
	assert_string_equal(err_text(&err), "");
	assert_true(argv.nr > 10);
	assert_string_equal(argv.v[0], cfg.qemu_binary);
	assert_int_equal(h.proc.pid, -1);	/* nothing started */
	assert_int_equal(unit_dir_entries(run), 0);	/* no runtime directory left */
	assert_true(unit_dir_entries(vmstate) <= 1);	/* the state root may exist, */
	{
		char *vars = at("state/u1/OVMF_VARS.fd");

		assert_int_equal(access(vars, F_OK), -1);	/* but no vars copy in it */
		free(vars);
	}
	vm_config_release(&cfg);
	strvec_clear(&argv);
	strvec_clear(&notes);
	err_release(&err);
	free(run);
	free(vmstate);
}

static void test_vm_up_paused(void **state)
{
	struct vm_dirs dirs = { .vms_dir = vms };
	struct vm_up_opts o = { .timeout_ms = 20000, .dirs = &dirs, .paused = 1 };
	struct vm_handle again = VM_HANDLE_INIT;
	struct strvec notes = STRVEC_INIT;
	struct err err = ERR_INIT;
	struct vm_config cfg;
	struct vm_state st;
	char *status = NULL, *state_path = at("run/u1/state.json"), *want;
	unsigned vcpus = 0;

	(void)state;
	cfg_load(&cfg, BIOS_VM);
	assert_int_equal(vm_up(&cfg, &o, &h, &notes, &err), 0);
	assert_string_equal(err_text(&err), "");
	assert_true(qemu_proc_alive(&h.proc));
	assert_int_equal(h.rt.lock_fd, -1);	/* let go: status and down may come in */
	/* every vCPU pinned and read back as planned */
	for (size_t i = 0; i < h.state.threads.nr; i++) {
		const struct vm_thread *t = &h.state.threads.t[i];

		vcpus += t->role == ROLE_VCPU;
		assert_true(cpuset_equal(&t->planned, &t->actual));
	}
	assert_int_equal(vcpus, 2);
	/* paused: QEMU never ran the guest */
	assert_non_null(h.qmp);
	assert_int_equal(qmp_query_status(h.qmp, &status, &err.msg), 0);
	assert_string_equal(status, "prelaunch");
	free(status);
	/* state.json names this QEMU */
	assert_int_equal(vm_state_read(state_path, &st, &err), 0);
	assert_int_equal(st.pid, h.proc.pid);
	assert_true(st.start_time == h.proc.start_time);
	vm_state_release(&st);

	/* the same VM again: refused, with the hint apart, and the running one untouched */
	qmp_close(h.qmp);
	h.qmp = NULL;
	assert_int_equal(vm_up(&cfg, &o, &again, &notes, &err), -1);
	want = xstrfmt("VM 'u1' is already running (QEMU pid %d)", (int)h.proc.pid);
	assert_string_equal(err.msg.buf, want);
	assert_string_equal(err.hint.buf, "see 'mvlaunch status u1'");
	assert_true(qemu_proc_alive(&h.proc));
	assert_int_equal(access(state_path, F_OK), 0);
	vm_handle_release(&again);
	free(want);
	vm_config_release(&cfg);
	strvec_clear(&notes);
	err_release(&err);
	free(state_path);
}

/* A start that fails: err's message and hint, and RUN and the log of the attempt as 'up' leaves them. */
static void expect_failed_start(const char *text, const char *msg_part, const char *hint_part)
{
	struct vm_dirs dirs = { .vms_dir = vms };
	struct vm_up_opts o = { .timeout_ms = 10000, .dirs = &dirs, .paused = 1 };
	struct strvec notes = STRVEC_INIT;
	struct err err = ERR_INIT;
	struct vm_config cfg;
	char *run = at("run");

	cfg_load(&cfg, text);
	assert_int_equal(vm_up(&cfg, &o, &h, &notes, &err), -1);
	if (!strstr(err.msg.buf, msg_part) || !strstr(err.hint.buf, hint_part))
		fail_msg("message '%s', hint '%s'", err.msg.buf, err.hint.buf);
	assert_null(strstr(err.msg.buf, "hint"));
	assert_int_equal(unit_dir_entries(run), 0);	/* nothing left running or on disk */
	assert_int_equal(h.rt.lock_fd, -1);
	vm_config_release(&cfg);
	strvec_clear(&notes);
	err_release(&err);
	free(run);
}

static void test_vm_up_no_qemu(void **state)
{
	(void)state;
	expect_failed_start(BIOS_VM "[qemu]\nbinary = \"/nonexistent/qemu-system-x86_64\"\n",
			    "/nonexistent/qemu-system-x86_64", "install QEMU ('make deps' or 'apt-get install qemu-system-x86')");
}

static void test_vm_up_no_ovmf(void **state)
{
	(void)state;
	expect_failed_start("[machine]\naccel = \"tcg\"\nfirmware = \"uefi\"\novmf_vars = \"/nonexistent/OVMF_VARS.fd\"\n"
			    "[cpu]\nmodel = \"max\"\n[memory]\nsize = \"64M\"\n",
			    "machine.ovmf_vars '/nonexistent/OVMF_VARS.fd': No such file or directory",
			    "apt-get install ovmf, or fix machine.ovmf_vars in ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_up_dry_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_up_paused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_up_no_qemu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_up_no_ovmf, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_vm_up", tests, NULL, NULL);
}
