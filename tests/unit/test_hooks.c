/*
 * test_hooks.c - unit tests for launcher/vm/hooks.c on a temporary VMs
 * directory with hooks.d/ beside it and a temporary $MVLAUNCH_LOGDIR: where
 * HOOKS_DIR and MVLAUNCH_CONFIG come from, the merged order of all/ and
 * NAME/ with the run-parts skip rules, the exact argv, environment, stdin
 * and descriptors a hook gets, hooks.log, a failing hook stopping prepare
 * but not stopped, an exec failure, the timeout ending a whole process
 * group (SIGTERM, then SIGKILL for one that ignores it), a pending Ctrl-C
 * ending a prepare hook but not a release hook, untrusted hooks refused,
 * and what 'check' reports.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "launcher/vm/hooks.h"
#include "util/interrupt.h"
#include "util/wrapper.h"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	unsetenv("MVLAUNCH_HOOK_TIMEOUT");
	if (unit_runtime_tmp(tmp, "mvl-hooks", 1) < 0)
		return -1;
	tree_put(tmp, "/vms/vm1.toml", "name = \"vm1\"\n");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_runtime_tmp_remove(tmp, NULL);
	unsetenv("MVLAUNCH_HOOK_TIMEOUT");
	return 0;
}

static char *at(const char *rel)
{
	return xstrfmt("%s/%s", tmp, rel);
}

/* TMP/vms/hooks.d/REL, a script with 'body' after its #! line, chmod mode. */
static void hook(const char *rel, mode_t mode, const char *body)
{
	char *path = xstrfmt("/vms/hooks.d/%s", rel), *full = xstrfmt("%s%s", tmp, path), *text;

	text = xstrfmt("#!/bin/sh\n%s\n", body);
	tree_put(tmp, path, text);
	assert_int_equal(chmod(full, mode), 0);
	free(text);
	free(path);
	free(full);
}

/* The text of TMP/rel ("" when missing); the caller frees. */
static char *slurp(const char *rel)
{
	struct strbuf sb = STRBUF_INIT;
	char *p = at(rel);

	strbuf_read_file(&sb, p, 1 << 20, 0);
	free(p);
	return strbuf_detach(&sb);
}

/* err as printed is exactly 'want' (which this frees). */
static void assert_err_is(const struct err *err, char *want)
{
	assert_string_equal(err_text(err), want);
	free(want);
}

/* The end of a run test: its VM, error, log path and $OUT go. */
static void finish(struct hooks_vm *vm, struct err *err, char *logp)
{
	hooks_vm_release(vm);
	err_release(err);
	free(logp);
	unsetenv("OUT");
}

static void vm1(struct hooks_vm *vm)
{
	char *cfg = at("vms/vm1.toml");

	hooks_vm_init(vm, "vm1", cfg);
	free(cfg);
}

static void test_hooks_vm_init(void **state)
{
	struct hooks_vm vm;
	char *want, *cwd = getcwd(NULL, 0);

	(void)state;
	vm1(&vm);
	want = at("vms/hooks.d");
	assert_string_equal(vm.dir, want);
	free(want);
	want = at("vms/vm1.toml");
	assert_string_equal(vm.config, want);
	free(want);
	assert_string_equal(vm.name, "vm1");
	assert_int_equal(vm.pid, 0);
	assert_int_equal(vm.timeout_ms, 30000);
	hooks_vm_release(&vm);

	/* a config that is a link: HOOKS_DIR beside the link, MVLAUNCH_CONFIG the file itself */
	tree_put(tmp, "/elsewhere/real.toml", "name = \"x\"\n");
	{
		char *target = at("elsewhere/real.toml"), *link = at("vms/lnk.toml");

		assert_int_equal(symlink(target, link), 0);
		setenv("MVLAUNCH_HOOK_TIMEOUT", "7", 1);
		hooks_vm_init(&vm, "lnk", link);
		assert_string_equal(vm.config, target);
		assert_string_equal(vm.dir, want = at("vms/hooks.d"));
		assert_int_equal(vm.timeout_ms, 7000);
		free(want);
		hooks_vm_release(&vm);
		free(target);
		free(link);
	}
	/* a relative path is made absolute; a bad timeout is the default */
	setenv("MVLAUNCH_HOOK_TIMEOUT", "7s", 1);
	assert_int_equal(chdir(tmp), 0);
	hooks_vm_init(&vm, "vm1", "vms/vm1.toml");
	assert_string_equal(vm.dir, want = at("vms/hooks.d"));
	assert_int_equal(vm.timeout_ms, 30000);
	free(want);
	hooks_vm_release(&vm);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);

	/* from state.json: the recorded HOOKS_DIR; without one, VMS_DIR's */
	{
		struct vm_state st;
		struct vm_dirs dirs = { .vms_dir = "/nonexistent/vms" };

		memset(&st, 0, sizeof(st));
		st.pid = 4242;
		st.config = xstrdup("/somewhere/vm1.toml");
		st.hooks_dir = xstrdup("/recorded/hooks.d");
		hooks_vm_from_state(&vm, "vm1", &st, &dirs);
		assert_string_equal(vm.dir, "/recorded/hooks.d");
		assert_string_equal(vm.config, "/somewhere/vm1.toml");
		assert_int_equal(vm.pid, 4242);
		hooks_vm_release(&vm);
		hooks_vm_from_state(&vm, "vm1", NULL, &dirs);
		assert_string_equal(vm.dir, "/nonexistent/vms/hooks.d");
		assert_string_equal(vm.config, "/nonexistent/vms/vm1.toml");
		assert_int_equal(vm.pid, 0);
		hooks_vm_release(&vm);
		vm_state_release(&st);
	}
}

static void test_hooks_list_order(void **state)
{
	static const struct { const char *rel; enum hook_status status; } want[] = {
		{ "all/prepare.d/10-a", HOOK_RUN },
		{ "vm1/prepare.d/15-own", HOOK_RUN },
		{ "vm1/prepare.d/20-shared", HOOK_RUN },	/* replaces all/'s 20-shared */
		{ "all/prepare.d/30-c", HOOK_RUN },
		{ "all/prepare.d/README", HOOK_NOT_EXECUTABLE },
		{ "vm1/prepare.d/sub", HOOK_NOT_REGULAR },
	};
	struct hook_list list = HOOK_LIST_INIT;
	struct err err = ERR_INIT;
	struct hooks_vm vm;

	(void)state;
	hook("all/prepare.d/30-c", 0755, "true");
	hook("all/prepare.d/10-a", 0755, "true");
	hook("all/prepare.d/20-shared", 0755, "true");
	hook("vm1/prepare.d/20-shared", 0700, "true");
	hook("vm1/prepare.d/15-own", 0755, "true");
	hook("all/prepare.d/README", 0644, "not a hook");
	hook("vm1/prepare.d/sub/x", 0755, "true");
	/* what run-parts leaves alone */
	hook("all/prepare.d/.hidden", 0755, "true");
	hook("all/prepare.d/10-a~", 0755, "true");
	hook("all/prepare.d/10-a.dpkg-old", 0755, "true");
	hook("vm1/prepare.d/15-own.swp", 0755, "true");
	hook("vm1/prepare.d/15-own.rpmnew", 0755, "true");
	/* another phase, another VM */
	hook("all/started.d/10-s", 0755, "true");
	hook("vm2/prepare.d/10-other", 0755, "true");
	vm1(&vm);
	assert_int_equal(hooks_list(&vm, HOOKS_PREPARE, &list, &err), 0);
	assert_int_equal(list.nr, ARRAY_SIZE(want));
	for (size_t i = 0; i < list.nr; i++) {
		char *path = xstrfmt("%s/%s", vm.dir, want[i].rel);

		assert_string_equal(list.v[i].path, path);
		assert_int_equal(list.v[i].status, want[i].status);
		assert_int_equal(list.v[i].own, !strncmp(want[i].rel, "vm1/", 4));
		free(path);
	}
	hooks_list_release(&list);
	/* a phase without a directory has none */
	assert_int_equal(hooks_list(&vm, HOOKS_RELEASE, &list, &err), 0);
	assert_int_equal(list.nr, 0);
	assert_string_equal(err.msg.buf, "");
	hooks_vm_release(&vm);
	err_release(&err);
}

/* Each hook: what it was given, one line, into TMP/out. */
#define RECORD "echo \"$(basename $0) $1 $2 vm=$MVLAUNCH_VM phase=$MVLAUNCH_PHASE pid=${MVLAUNCH_PID-absent} " \
	       "config=$MVLAUNCH_CONFIG stdin=$(readlink /proc/self/fd/0) keep=$KEEP_ME\" >>\"$OUT\"\n" \
	       "for fd in 3 4 5 6 7 8 9; do [ -e /proc/$$/fd/$fd ] && echo \"fd $fd leaked\" >>\"$OUT\"; done\n" \
	       "echo \"said by $(basename $0)\"; echo \"and to stderr\" >&2"

static void test_hooks_run_env(void **state)
{
	struct hooks_vm vm;
	struct err err = ERR_INIT;
	char *out = at("out"), *text, *log, *want;
	int ran, fd;

	(void)state;
	setenv("OUT", out, 1);
	setenv("KEEP_ME", "kept", 1);
	setenv("MVLAUNCH_PID", "stale", 1);	/* never passed on from our own environment */
	hook("all/prepare.d/20-all", 0755, RECORD);
	hook("vm1/prepare.d/10-own", 0755, RECORD);
	hook("all/started.d/10-s", 0755, RECORD);
	hook("vm1/stopped.d/10-t", 0755, RECORD);
	hook("all/release.d/10-r", 0755, RECORD);
	vm1(&vm);
	/* a descriptor of ours without CLOEXEC must not reach the hook */
	fd = open("/dev/null", O_RDONLY);
	assert_true(fd >= 3 && fd <= 9);
	assert_int_equal(hooks_run(&vm, HOOKS_PREPARE, &ran, &err), 0);
	assert_int_equal(ran, 2);
	vm.pid = 4242;
	assert_int_equal(hooks_run(&vm, HOOKS_STARTED, &ran, &err), 0);
	assert_int_equal(hooks_run(&vm, HOOKS_STOPPED, &ran, &err), 0);
	assert_int_equal(hooks_run(&vm, HOOKS_RELEASE, &ran, &err), 0);
	assert_int_equal(ran, 1);
	close(fd);
	assert_string_equal(err.msg.buf, "");
	text = slurp("out");
	want = xstrfmt("10-own vm1 prepare vm=vm1 phase=prepare pid=absent config=%s stdin=/dev/null keep=kept\n"
		       "20-all vm1 prepare vm=vm1 phase=prepare pid=absent config=%s stdin=/dev/null keep=kept\n"
		       "10-s vm1 started vm=vm1 phase=started pid=4242 config=%s stdin=/dev/null keep=kept\n"
		       "10-t vm1 stopped vm=vm1 phase=stopped pid=4242 config=%s stdin=/dev/null keep=kept\n"
		       "10-r vm1 release vm=vm1 phase=release pid=absent config=%s stdin=/dev/null keep=kept\n",
		       vm.config, vm.config, vm.config, vm.config, vm.config);
	assert_string_equal(text, want);
	free(want);
	free(text);
	/* hooks.log: which hook ran, what it said (stdout and stderr), how it ended */
	log = slurp("log/vm1/hooks.log");
	want = xstrfmt("prepare: running %s/vm1/prepare.d/10-own\nsaid by 10-own\nand to stderr\n", vm.dir);
	assert_non_null(strstr(log, want));
	free(want);
	want = xstrfmt("prepare: %s/vm1/prepare.d/10-own exited with status 0 (", vm.dir);
	assert_non_null(strstr(log, want));
	free(want);
	want = xstrfmt("release: running %s/all/release.d/10-r\nsaid by 10-r\n", vm.dir);
	assert_non_null(strstr(log, want));
	free(want);
	assert_int_equal(log[0], '[');
	free(log);
	hooks_vm_release(&vm);
	err_release(&err);
	free(out);
	unsetenv("OUT");
	unsetenv("KEEP_ME");
	unsetenv("MVLAUNCH_PID");
}

static void test_hooks_run_none(void **state)
{
	struct hooks_vm vm;
	struct err err = ERR_INIT;
	char *logdir = at("log/vm1");
	struct stat st;
	int ran = -1;

	(void)state;
	vm1(&vm);
	for (int p = 0; p < HOOKS_NR_PHASES; p++) {
		assert_int_equal(hooks_run(&vm, p, &ran, &err), 0);
		assert_int_equal(ran, 0);
	}
	/* nothing to run: nothing made */
	assert_int_equal(lstat(logdir, &st), -1);
	free(logdir);
	hooks_vm_release(&vm);
	err_release(&err);
}

static void test_hooks_run_failure(void **state)
{
	struct hooks_vm vm;
	struct err err = ERR_INIT;
	char *text, *want, *logp = at("log/vm1/hooks.log");
	int ran;

	(void)state;
	setenv("OUT", text = at("out"), 1);
	free(text);
	hook("all/prepare.d/10-ok", 0755, "echo ok >>\"$OUT\"");
	hook("all/prepare.d/20-fail", 0755, "echo one; echo two; echo three; echo four; echo five; echo six\n"
	     "echo no GPU here >&2; exit 3");
	hook("all/prepare.d/30-never", 0755, "echo never >>\"$OUT\"");
	hook("all/stopped.d/10-killed", 0755, "kill -USR1 $$");
	hook("all/stopped.d/20-fail", 0755, "exit 1");
	hook("all/stopped.d/30-runs", 0755, "echo stopped went on >>\"$OUT\"");
	hook("all/started.d/10-badinterp", 0755, "true");
	tree_put(tmp, "/vms/hooks.d/all/started.d/10-badinterp", "#!/nonexistent/interpreter\n");
	vm1(&vm);

	/* prepare stops at the first failure, with its last lines */
	assert_int_equal(hooks_run(&vm, HOOKS_PREPARE, &ran, &err), -1);
	assert_int_equal(ran, 2);
	want = xstrfmt("prepare hook '%s/all/prepare.d/20-fail' of 'vm1' exited with status 3; its last lines:\n"
		       "  three\n  four\n  five\n  six\n  no GPU here\n"
		       "hint: the hooks' output is in '%s'", vm.dir, logp);
	assert_err_is(&err, want);
	text = slurp("out");
	assert_string_equal(text, "ok\n");
	free(text);
	text = slurp("log/vm1/hooks.log");
	want = xstrfmt("prepare: %s/all/prepare.d/20-fail exited with status 3\n", vm.dir);
	assert_non_null(strstr(text, want));
	assert_null(strstr(text, "30-never"));
	free(want);
	free(text);

	/* stopped runs every hook and reports each failure */
	err_reset(&err);
	assert_int_equal(hooks_run(&vm, HOOKS_STOPPED, &ran, &err), -1);
	assert_int_equal(ran, 3);
	want = xstrfmt("stopped hook '%s/all/stopped.d/10-killed' of 'vm1' was killed by signal 10 (User defined signal 1)\n"
		       "stopped hook '%s/all/stopped.d/20-fail' of 'vm1' exited with status 1\n"
		       "hint: the hooks' output is in '%s'", vm.dir, vm.dir, logp);
	assert_err_is(&err, want);
	text = slurp("out");
	assert_string_equal(text, "ok\nstopped went on\n");
	free(text);

	/* a hook that cannot be executed: the reason, not "status 127" */
	err_reset(&err);
	assert_int_equal(hooks_run(&vm, HOOKS_STARTED, &ran, &err), -1);
	want = xstrfmt("started hook '%s/all/started.d/10-badinterp' of 'vm1' could not be run: No such file or directory\n"
		       "hint: the hooks' output is in '%s'", vm.dir, logp);
	assert_err_is(&err, want);
	finish(&vm, &err, logp);
}

/* Whether pid (from TMP/rel) still runs, a zombie counting as gone. */
/*
 * Whether the process whose pid is in file rel still runs 2 s from now: a
 * signalled process needs a moment to die (this sandbox's PID 1 reaps late,
 * so a zombie counts as gone).
 */
static int pid_file_alive(const char *rel)
{
	char *text = slurp(rel), *stat_path, *st;
	int pid = atoi(text), alive = 1;

	assert_true(pid > 0);
	stat_path = xstrfmt("/proc/%d/stat", pid);
	for (int i = 0; i < 200 && alive; i++) {
		struct strbuf sb = STRBUF_INIT;

		alive = strbuf_read_file(&sb, stat_path, 4096, 0) >= 0 && (st = strrchr(sb.buf, ')')) && st[2] != 'Z';
		strbuf_release(&sb);
		if (alive)
			usleep(10000);
	}
	free(stat_path);
	free(text);
	return alive;
}

static void test_hooks_run_timeout(void **state)
{
	struct hooks_vm vm;
	struct err err = ERR_INIT;
	char *want, *logp = at("log/vm1/hooks.log"), *text;
	struct timespec t0, t1;
	int ran;

	(void)state;
	setenv("OUT", text = at("bg.pid"), 1);
	free(text);
	/* the hook's own child is in its process group and goes with it */
	hook("all/prepare.d/10-hangs", 0755, "sleep 60 & echo $! >\"$OUT\"; echo waiting; wait");
	hook("all/release.d/10-deaf", 0755, "trap '' TERM; echo deaf; sleep 60");
	vm1(&vm);
	vm.timeout_ms = 1000;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(hooks_run(&vm, HOOKS_PREPARE, &ran, &err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 3);
	want = xstrfmt("prepare hook '%s/all/prepare.d/10-hangs' of 'vm1' did not end within 1 s: its process group was "
		       "stopped with SIGTERM; its last lines:\n  waiting\nhint: the hooks' output is in '%s'", vm.dir, logp);
	assert_err_is(&err, want);
	assert_false(pid_file_alive("bg.pid"));

	/* one that ignores SIGTERM gets SIGKILL after the grace */
	err_reset(&err);
	vm.timeout_ms = 500;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(hooks_run(&vm, HOOKS_RELEASE, &ran, &err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec >= 3 && t1.tv_sec - t0.tv_sec < 6);
	want = xstrfmt("release hook '%s/all/release.d/10-deaf' of 'vm1' did not end within 500 ms: its process group was "
		       "stopped with SIGTERM, then SIGKILL; its last lines:\n  deaf\nhint: the hooks' output is in '%s'",
		       vm.dir, logp);
	assert_err_is(&err, want);
	finish(&vm, &err, logp);
}

static void test_hooks_run_interrupt(void **state)
{
	struct hooks_vm vm;
	struct err err = ERR_INIT;
	struct timespec t0, t1;
	char *want, *logp = at("log/vm1/hooks.log");
	int ran;

	(void)state;
	hook("all/prepare.d/10-slow", 0755, "sleep 60");
	hook("all/release.d/10-short", 0755, "sleep 0.3; echo released");
	vm1(&vm);
	assert_int_equal(interrupt_arm(), 0);
	kill(getpid(), SIGTERM);	/* blocked: pending, as a Ctrl-C during 'up' */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(hooks_run(&vm, HOOKS_PREPARE, &ran, &err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 3);
	want = xstrfmt("prepare hook '%s/all/prepare.d/10-slow' of 'vm1' was cut short by SIGTERM to mvlaunch: its "
		       "process group was stopped with SIGTERM\n"
		       "hint: the hooks' output is in '%s'", vm.dir, logp);
	assert_err_is(&err, want);
	/* the undo that follows is not cut short */
	err_reset(&err);
	assert_int_equal(hooks_run(&vm, HOOKS_RELEASE, &ran, &err), 0);
	assert_int_equal(interrupt_take(), SIGTERM);
	interrupt_disarm();
	want = slurp("log/vm1/hooks.log");
	assert_non_null(strstr(want, "\nreleased\n"));
	free(want);
	hooks_vm_release(&vm);
	err_release(&err);
	free(logp);
}

static void test_hooks_untrusted(void **state)
{
	struct hooks_vm vm;
	struct err err = ERR_INIT;
	char *want, *p;
	int ran;

	(void)state;
	if (geteuid() != 0)
		skip();	/* trust checks are for root */
	hook("all/prepare.d/10-open", 0757, "echo ran >\"$OUT\"");
	setenv("OUT", p = at("out"), 1);
	free(p);
	vm1(&vm);
	assert_int_equal(hooks_run(&vm, HOOKS_PREPARE, &ran, &err), -1);
	assert_int_equal(ran, 0);
	p = xstrfmt("%s/all/prepare.d/10-open", vm.dir);
	want = xstrfmt("prepare hook of 'vm1' refused: hook '%s' may be changed by group or others (mode 0757), and "
		       "mvlaunch runs what it says as root: not used\nhint: chmod go-w '%s'\n"
		       "hint: the hooks' output is in '%s/log/vm1/hooks.log'", p, p, tmp);
	assert_err_is(&err, want);
	free(p);
	p = slurp("out");
	assert_string_equal(p, "");
	free(p);

	/* a directory others may write: each hook in it is refused */
	err_reset(&err);
	hook("vm1/stopped.d/10-fine", 0755, "true");
	p = xstrfmt("%s/vm1/stopped.d", vm.dir);
	assert_int_equal(chmod(p, 0777), 0);
	assert_int_equal(hooks_run(&vm, HOOKS_STOPPED, &ran, &err), -1);
	want = xstrfmt("stopped hook of 'vm1' refused: hook directory '%s' may be changed by group or others (mode 0777), "
		       "and mvlaunch runs what it says as root: not used", p);
	assert_non_null(strstr(err.msg.buf, want));
	free(want);
	free(p);
	hooks_vm_release(&vm);
	err_release(&err);
	unsetenv("OUT");
}

static void test_hooks_check(void **state)
{
	struct check_report r;
	struct hooks_vm vm;

	(void)state;
	vm1(&vm);
	check_report_init(&r);
	hooks_check(&r, &vm);
	assert_int_equal(r.nr, 1);
	assert_string_equal(r.items[0].vm, "vm1");
	assert_string_equal(r.items[0].check, "hooks");
	assert_int_equal(r.items[0].level, CHECK_PASS);
	{
		char *want = xstrfmt("no hooks (looked for in %s/{all,vm1}/{prepare,started,stopped,release}.d)", vm.dir);

		assert_string_equal(r.items[0].message, want);
		free(want);
	}
	check_report_release(&r);

	hook("all/prepare.d/20-b", 0755, "true");
	hook("vm1/prepare.d/10-a", 0755, "true");
	hook("vm1/release.d/10-r", 0644, "true");
	check_report_init(&r);
	hooks_check(&r, &vm);
	assert_int_equal(r.nr, 2);
	assert_string_equal(r.items[0].check, "hooks.prepare");
	assert_int_equal(r.items[0].level, CHECK_PASS);
	{
		char *want = xstrfmt("runs, in this order (in %s): vm1/prepare.d/10-a, all/prepare.d/20-b", vm.dir);

		assert_string_equal(r.items[0].message, want);
		free(want);
		want = xstrfmt("'%s/vm1/release.d/10-r' is not executable: skipped", vm.dir);
		assert_string_equal(r.items[1].check, "hooks.release");
		assert_int_equal(r.items[1].level, CHECK_WARN);
		assert_string_equal(r.items[1].message, want);
		free(want);
		want = xstrfmt("chmod +x '%s/vm1/release.d/10-r' to run it, or remove it", vm.dir);
		assert_string_equal(r.items[1].fix, want);
		free(want);
	}
	check_report_release(&r);
	hooks_vm_release(&vm);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hooks_vm_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_list_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_run_env, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_run_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_run_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_run_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_run_interrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_untrusted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hooks_check, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
