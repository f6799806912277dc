/*
 * test_paths.c - unit tests for launcher/vm/paths.c: the roots (an
 * environment variable each, an empty one meaning the default, --vms above
 * $MVLAUNCH_VMS); resolving a VM argument (a path as it is, a name to
 * VMS/NAME.toml, an invalid name, an unknown one with the nearest known name
 * from the configs and the running VMs and the lookup as a hint field); and
 * the names down/status/console take (a config or a runtime directory makes
 * a name known).
 */
#include "tests/unit/unit.h"
#include "launcher/vm/paths.h"
#include "util/wrapper.h"

static char tmp[64];

static int setup(void **state)
{
	char *p;

	(void)state;
	if (unit_runtime_tmp(tmp, "mvl-paths", 1) < 0)
		return -1;
	p = xstrfmt("%s/vms", tmp);
	mkdir(p, 0700);
	setenv("MVLAUNCH_VMS", p, 1);
	free(p);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("MVLAUNCH_VMS");
	unsetenv("MVLAUNCH_STATEDIR");
	unit_runtime_tmp_remove(tmp, NULL);
	return 0;
}

static void test_paths_roots(void **state)
{
	struct vm_dirs dirs = { .vms_dir = "/srv/vms" };
	char *vms = xstrfmt("%s/vms", tmp);

	(void)state;
	assert_string_equal(paths_vms_dir(&dirs), "/srv/vms");	/* --vms first */
	assert_string_equal(paths_vms_dir(NULL), vms);
	dirs.vms_dir = NULL;
	assert_string_equal(paths_vms_dir(&dirs), vms);
	setenv("MVLAUNCH_VMS", "", 1);	/* empty: the default */
	assert_string_equal(paths_vms_dir(NULL), "/etc/mvlaunch/vms");
	unsetenv("MVLAUNCH_RUNDIR");
	unsetenv("MVLAUNCH_LOGDIR");
	setenv("MVLAUNCH_STATEDIR", "", 1);
	assert_string_equal(paths_run_root(), "/run/mvlaunch");
	assert_string_equal(paths_state_root(), "/var/lib/mvlaunch");
	assert_string_equal(paths_log_root(), "/var/log/mvlaunch");
	setenv("MVLAUNCH_STATEDIR", "/x/state", 1);
	assert_string_equal(paths_state_root(), "/x/state");
	free(vms);
}

static void test_paths_vm_config(void **state)
{
	struct err err = ERR_INIT;
	char *p, *want, *file = xstrfmt("%s/vms/win11.toml", tmp), *run = xstrfmt("%s/run/gaming", tmp);

	(void)state;
	tree_put("", file, "");
	mkdir(run, 0700);
	/* a path is used as it is, whether or not it exists */
	p = paths_vm_config("./elsewhere/x.toml", NULL, &err);
	assert_string_equal(p, "./elsewhere/x.toml");
	free(p);
	p = paths_vm_config("y.toml", NULL, &err);
	assert_string_equal(p, "y.toml");
	free(p);
	/* a name: VMS/NAME.toml */
	p = paths_vm_config("win11", NULL, &err);
	assert_string_equal(p, file);
	free(p);
	assert_string_equal(err_text(&err), "");
	/* an unknown name: the nearest known one, and where configs are looked up, as the hint */
	assert_null(paths_vm_config("win10", NULL, &err));
	want = xstrfmt("no such VM 'win10': no win10.toml in %s/vms, and none by that name runs (did you mean 'win11'?)", tmp);
	assert_string_equal(err.msg.buf, want);
	assert_string_equal(err.hint.buf, "VM configs are looked up in --vms DIR, $MVLAUNCH_VMS or /etc/mvlaunch/vms; "
			    "or give a path to the .toml file");
	free(want);
	/* a running VM's name counts as known for the suggestion */
	err_reset(&err);
	assert_null(paths_vm_config("gamin", NULL, &err));
	assert_non_null(strstr(err.msg.buf, "(did you mean 'gaming'?)"));
	/* not a name at all */
	err_reset(&err);
	assert_null(paths_vm_config("-rf", NULL, &err));
	assert_true(!strncmp(err.msg.buf, "invalid VM name '-rf': ", 23));
	assert_non_null(strstr(err.msg.buf, "(or give a path to a .toml file)"));
	err_release(&err);
	free(file);
	free(run);
}

static void test_paths_vm_name_arg(void **state)
{
	struct err err = ERR_INIT;
	char *file = xstrfmt("%s/vms/a.toml", tmp), *run = xstrfmt("%s/run/b", tmp);

	(void)state;
	tree_put("", file, "");
	mkdir(run, 0700);
	assert_int_equal(paths_vm_name_arg("a", NULL, &err), 1);	/* a config */
	assert_int_equal(paths_vm_name_arg("b", NULL, &err), 1);	/* only running */
	assert_string_equal(err_text(&err), "");
	assert_int_equal(paths_vm_name_arg("c", NULL, &err), 0);
	assert_true(!strncmp(err.msg.buf, "no such VM 'c': ", 16));
	assert_true(err.hint.len > 0);
	err_reset(&err);
	assert_int_equal(paths_vm_name_arg("../b", NULL, &err), -1);
	assert_true(!strncmp(err.msg.buf, "invalid VM name '../b': ", 24));
	assert_int_equal(err.hint.len, 0);
	err_release(&err);
	free(file);
	free(run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_paths_roots, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_vm_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_paths_vm_name_arg, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_paths", tests, NULL, NULL);
}
