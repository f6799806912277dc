/*
 * test_host_plan.c - unit tests for launcher/vm/host_plan.c: a topology file
 * with host.toml's reserved CPUs (and no running VM counted: the file is
 * not this host); this host with a running VM (a stand-in QEMU whose
 * state.json owns CPU 1, dedicated) held, unless excluded or its QEMU is
 * gone; reserved CPUs outside the topology refused at host.toml's
 * file:line:col; a host.toml others may write refused, with the chmod as
 * the hint.
 */
#include "tests/unit/unit_vm.h"
#include "launcher/vm/host_plan.h"

#define I5 UNIT_DATA "seed-i5-4c8t.xml"	/* 4 cores, siblings n/n+4 */

static char tmp[64];
static char *vms;
static struct qemu_proc child = QEMU_PROC_INIT;

static int setup(void **state)
{
	(void)state;
	if (unit_runtime_tmp(tmp, "mvl-host-plan", 1) < 0)
		return -1;
	vms = xstrfmt("%s/vms", tmp);
	mkdir(vms, 0755);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_vm_stop(&child);
	unit_runtime_tmp_remove(tmp, NULL);
	free(vms);
	return 0;
}

static void host_toml(const char *text, mode_t mode)
{
	char *p = xstrfmt("%s/host.toml", vms);

	tree_put("", p, text);
	chmod(p, mode);
	free(p);
}

static char *fmt(const struct cpuset *s)
{
	struct strbuf sb = STRBUF_INIT;

	cpuset_format(s, &sb);
	return strbuf_detach(&sb);
}

#define assert_cpus(set, want) do { char *v_ = fmt(set); assert_string_equal(v_, want); free(v_); } while (0)

/* RUN/vm1/state.json: 'child' is vm1's QEMU, owning CPU 1 for itself. */
static void running_vm1(void)
{
	char *text;

	unit_vm_spawn(&child, tmp, (const char *[]){ "/bin/sleep", "30", NULL });
	text = xstrfmt("{\"name\": \"vm1\", \"pid\": %d, \"start_time\": %llu, \"started_at\": 1700000000, "
		       "\"config\": \"/etc/mvlaunch/vms/vm1.toml\", \"qemu_version\": \"7.2.0\", \"emulator_cpus\": [0], "
		       "\"owned_cpus\": [1], \"dedicated\": true, \"threads\": []}", (int)child.pid, child.start_time);
	unit_vm_file(tmp, "state.json", text);
	free(text);
}

static void test_host_plan_xml(void **state)
{
	struct vm_dirs dirs = { .vms_dir = vms };
	struct host_plan hp = HOST_PLAN_INIT;
	struct err err = ERR_INIT;

	(void)state;
	host_toml("reserved_cpus = \"0,4\"\n", 0644);
	running_vm1();
	assert_int_equal(host_plan_init(&hp, I5, NULL, &dirs, NULL, 0, &err), 0);
	assert_string_equal(err_text(&err), "");
	assert_cpus(&hp.topo.all, "0-7");
	assert_cpus(&hp.host.reserved, "0,4");
	assert_cpus(&hp.host.owned, "");	/* a topology file is not this host: its VMs do not count */
	host_plan_release(&hp);
	err_release(&err);
}

static void test_host_plan_running(void **state)
{
	struct vm_dirs dirs = { .vms_dir = vms };
	struct host_plan hp = HOST_PLAN_INIT;
	struct err err = ERR_INIT;
	const char *exclude[] = { "vm1" };

	(void)state;
	host_toml("reserved_cpus = \"\"\n", 0644);
	running_vm1();
	assert_int_equal(host_plan_init(&hp, NULL, NULL, &dirs, NULL, 0, &err), 0);
	assert_cpus(&hp.host.owned, "1");
	assert_int_equal(hp.host.nr_holders, 1);
	host_plan_release(&hp);
	/* the VM being planned again (up of a running VM's new config): not held */
	assert_int_equal(host_plan_init(&hp, NULL, NULL, &dirs, exclude, 1, &err), 0);
	assert_cpus(&hp.host.owned, "");
	host_plan_release(&hp);
	/* its QEMU gone: its CPUs are free again */
	qemu_proc_kill(&child, 100);
	assert_int_equal(host_plan_init(&hp, NULL, NULL, &dirs, NULL, 0, &err), 0);
	assert_cpus(&hp.host.owned, "");
	host_plan_release(&hp);
	assert_string_equal(err_text(&err), "");
	err_release(&err);
}

static void test_host_plan_refused(void **state)
{
	struct vm_dirs dirs = { .vms_dir = vms };
	struct host_plan hp = HOST_PLAN_INIT;
	struct err err = ERR_INIT;
	char *want;

	(void)state;
	host_toml("# the host\nreserved_cpus = \"0,9\"\n", 0644);
	assert_int_equal(host_plan_init(&hp, I5, NULL, &dirs, NULL, 0, &err), -1);
	want = xstrfmt("%s/host.toml:2:", vms);
	if (strncmp(err.msg.buf, want, strlen(want)) || !strstr(err.msg.buf, "9"))
		fail_msg("%s", err.msg.buf);
	free(want);
	host_plan_release(&hp);
	if (geteuid() == 0) {
		err_reset(&err);
		host_toml("reserved_cpus = \"0\"\n", 0666);
		assert_int_equal(host_plan_init(&hp, I5, NULL, &dirs, NULL, 0, &err), -1);
		want = xstrfmt("chmod go-w '%s/host.toml'", vms);
		assert_string_equal(err.hint.buf, want);
		free(want);
		host_plan_release(&hp);
	}
	err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_host_plan_xml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_plan_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_plan_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_host_plan", tests, NULL, NULL);
}
