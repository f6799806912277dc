/*
 * test_vm_plan.c - unit tests for launcher/vm/vm_plan.c: vm_plan_one() on
 * an hwloc XML topology from tests/unit/data/ with configs from text (the
 * vCPU, emulator and owned CPUs of the plan, host.toml's reserved_cpus
 * from the VMs directory, an untrusted or wrong host.toml, a missing
 * topology, a VM that does not fit), and on this host with running VMs in
 * a temporary $MVLAUNCH_RUNDIR (their CPUs held, the VM's own record and
 * a crashed VM's not; the memory note). vm_plan_qemu_runtime(): run_dir,
 * log_dir and state_dir from $MVLAUNCH_RUNDIR/LOGDIR/STATEDIR or the
 * defaults, QMP as fd 3, and a bare runtime with none of them.
 */
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "config/vm_config.h"
#include "launcher/qemu/qemu_proc.h"
#include "launcher/vm/vm_plan.h"
#include "util/err.h"
#include "util/wrapper.h"

#define I5 UNIT_DATA "seed-i5-4c8t.xml"	/* 4 cores, siblings n/n+4, one node */

static char tmp[64];
static char vms[80];

static int setup(void **state)
{
	char *p;

	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/mvl-vm-plan-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	snprintf(vms, sizeof(vms), "%s/vms", tmp);
	mkdir(vms, 0700);
	p = xstrfmt("%s/run", tmp);
	mkdir(p, 0700);
	setenv("MVLAUNCH_RUNDIR", p, 1);
	free(p);
	p = xstrfmt("%s/log", tmp);
	setenv("MVLAUNCH_LOGDIR", p, 1);
	free(p);
	p = xstrfmt("%s/state", tmp);
	setenv("MVLAUNCH_STATEDIR", p, 1);
	free(p);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tree_remove(tmp);
	unsetenv("MVLAUNCH_RUNDIR");
	unsetenv("MVLAUNCH_LOGDIR");
	unsetenv("MVLAUNCH_STATEDIR");
	return 0;
}

/* TMP/rel holding text. */
static void put(const char *rel, const char *text)
{
	char *p = xstrfmt("%s/%s", tmp, rel);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

/* A config from text; without a name key it is VM 'vm1' (vms/vm1.toml). */
static void cfg_load(struct vm_config *cfg, const char *text)
{
	char file[128];
	struct err err = ERR_INIT;

	vm_config_init(cfg);
	if (vm_config_parse(unit_config_file("vms/", "vm1", text, file), text, strlen(text), cfg, &err.msg) < 0) {
		print_error("%s\n", err.msg.buf);
		fail();
	}
	err_release(&err);
}

static char *fmt(const struct cpuset *s)
{
	struct strbuf sb = STRBUF_INIT;

	cpuset_format(s, &sb);
	return strbuf_detach(&sb);
}

#define assert_cpus(set, want) do { char *v_ = fmt(set); assert_string_equal(v_, want); free(v_); } while (0)

/* Plan text on topology (NULL: this host) with VMS as the VMs directory; returns vm_plan_one()'s result. */
static int plan_text(const char *topology, const char *text, struct host_plan *hp, struct pin_plan *plan,
		     struct strvec *notes, struct err *err)
{
	struct vm_dirs dirs = { .vms_dir = vms, .host_config = NULL };
	struct vm_config cfg;
	int r;

	cfg_load(&cfg, text);
	memset(plan, 0, sizeof(*plan));
	r = vm_plan_one(&cfg, topology, &dirs, hp, plan, notes, err);
	vm_config_release(&cfg);
	return r;
}

static void release(struct host_plan *hp, struct pin_plan *plan, struct strvec *notes, struct err *err)
{
	pin_plan_release(plan);
	host_plan_release(hp);
	strvec_clear(notes);
	err_release(err);
}

/* Four dedicated vCPUs on the i5: two whole sibling pairs off the host's first core. */
static void test_vm_plan_xml_pairs(void **state)
{
	struct host_plan hp = HOST_PLAN_INIT;
	struct pin_plan plan;
	struct strvec notes = STRVEC_INIT;
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(plan_text(I5, "[cpu]\nvcpus = 4\ntopology = \"auto\"\n[pinning]\nvcpus = \"auto\"\n",
				   &hp, &plan, &notes, &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_string_equal(hp.topo.source, I5);
	assert_null(hp.hc.file);	/* no host.toml in VMS */
	assert_cpus(&hp.host.reserved, "0,4");
	assert_int_equal(plan.nr_vcpus, 4);
	assert_cpus(&plan.vcpu[0], "1");
	assert_cpus(&plan.vcpu[1], "5");
	assert_cpus(&plan.vcpu[2], "2");
	assert_cpus(&plan.vcpu[3], "6");
	assert_cpus(&plan.emulator, "0,4");
	assert_cpus(&plan.iothread, "0,4");
	assert_cpus(&plan.owned, "1-2,5-6");
	assert_cpus(&hp.host.owned, "1-2,5-6");	/* held for the next VM planned */
	assert_int_equal(plan.sockets, 1);
	assert_int_equal(plan.cores, 2);
	assert_int_equal(plan.threads, 2);
	assert_int_equal(plan.dedicated, 1);
	assert_int_equal(plan.memory_node, 0);
	assert_int_equal(plan.nr_numa, 0);
	assert_int_equal(plan.vcpus_float, 0);
	assert_int_equal(notes.nr, 0);	/* an XML topology has no free-memory figure */
	release(&hp, &plan, &notes, &err);
}

/* host.toml in the VMs directory: its reserved_cpus are the host's, the vCPUs go elsewhere. */
static void test_vm_plan_xml_host_toml(void **state)
{
	struct host_plan hp = HOST_PLAN_INIT;
	struct pin_plan plan;
	struct strvec notes = STRVEC_INIT;
	struct err err = ERR_INIT;
	char *file = xstrfmt("%s/host.toml", vms);

	(void)state;
	put("vms/host.toml", "reserved_cpus = \"0-1,4-5\"\n");
	assert_int_equal(plan_text(I5, "[cpu]\nvcpus = 2\n[pinning]\nvcpus = \"auto\"\nthread_policy = \"isolate\"\n",
				   &hp, &plan, &notes, &err), 0);
	assert_string_equal(hp.hc.file, file);
	assert_cpus(&hp.host.reserved, "0-1,4-5");
	/* isolate: one thread of each of the two cores left, the siblings owned and idle */
	assert_cpus(&plan.vcpu[0], "2");
	assert_cpus(&plan.vcpu[1], "3");
	assert_cpus(&plan.owned, "2-3,6-7");
	assert_cpus(&plan.emulator, "0-1,4-5");
	assert_int_equal(plan.threads, 1);
	release(&hp, &plan, &notes, &err);
	free(file);
}

/* A host.toml that is wrong, or that others may change, stops the plan with where and why. */
static void test_vm_plan_host_toml_errors(void **state)
{
	struct host_plan hp = HOST_PLAN_INIT;
	struct pin_plan plan;
	struct strvec notes = STRVEC_INIT;
	struct strbuf want = STRBUF_INIT;
	struct err err = ERR_INIT;
	char *file = xstrfmt("%s/host.toml", vms);

	(void)state;
	put("vms/host.toml", "# the host keeps\nreserved_cpus = \"0,8\"\n");
	assert_int_equal(plan_text(I5, "[cpu]\nvcpus = 1\n", &hp, &plan, &notes, &err), -1);
	strbuf_addf(&want, "%s:2:1: reserved_cpus: CPU 8 is not on " I5 " (CPUs: 0-7)", file);
	assert_string_equal(err.msg.buf, want.buf);
	release(&hp, &plan, &notes, &err);

	put("vms/host.toml", "reserved_cpus = \"0\"\n");
	assert_int_equal(chmod(file, 0666), 0);
	assert_int_equal(plan_text(I5, "[cpu]\nvcpus = 1\n", &hp, &plan, &notes, &err), -1);
	strbuf_reset(&want);
	strbuf_addf(&want, "host config '%s' may be changed by group or others (mode 0666), and mvlaunch runs what it "
		    "says as root: not used\nhint: chmod go-w '%s'", file, file);
	assert_string_equal(err_text(&err), want.buf);
	release(&hp, &plan, &notes, &err);
	strbuf_release(&want);
	free(file);
}

/* A topology file that is not there, and a VM bigger than the host: the reason, and what is free. */
static void test_vm_plan_xml_errors(void **state)
{
	struct host_plan hp = HOST_PLAN_INIT;
	struct pin_plan plan;
	struct strvec notes = STRVEC_INIT;
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(plan_text(UNIT_DATA "no-such.xml", "[cpu]\nvcpus = 1\n", &hp, &plan, &notes, &err), -1);
	assert_string_equal(err.msg.buf, "topology '" UNIT_DATA "no-such.xml': No such file or directory");
	release(&hp, &plan, &notes, &err);

	assert_int_equal(plan_text(I5, "[cpu]\nvcpus = 8\ntopology = \"auto\"\n[pinning]\nvcpus = \"auto\"\n",
				   &hp, &plan, &notes, &err), -1);
	assert_string_equal(err.msg.buf, "VM 'vm1' does not fit: it needs 4 whole cores with two free threads for 8 dedicated "
			    "vCPUs (thread_policy prefer); " I5 " has 3\n  free: CPUs 1-3,5-7\n"
			    "  kept for the host (reserved_cpus): CPUs 0,4");
	release(&hp, &plan, &notes, &err);
}

/* RUN/name/state.json: 'name' runs as pid (with its real start time when alive) and owns cpus. */
static void holder(const char *name, pid_t pid, int alive, const struct cpuset *cpus)
{
	struct strbuf sb = STRBUF_INIT, list = STRBUF_INIT;
	char *dir = xstrfmt("run/%s", name), *path = xstrfmt("%s/%s", tmp, dir);

	for (int c = cpuset_next(cpus, 0); c >= 0; c = cpuset_next(cpus, (unsigned)c + 1))
		strbuf_addf(&list, "%s%d", list.len ? ", " : "", c);
	mkdir(path, 0700);
	strbuf_addf(&sb, "{\"name\": \"%s\", \"pid\": %d, \"start_time\": %llu, \"emulator_cpus\": [], "
		    "\"owned_cpus\": [%s], \"dedicated\": true}", name, (int)pid,
		    alive ? proc_start_time(pid) : 1ULL, list.buf);
	free(path);
	path = xstrfmt("%s/state.json", dir);
	put(path, sb.buf);
	free(path);
	free(dir);
	strbuf_release(&sb);
	strbuf_release(&list);
}

static void remove_holder(const char *name)
{
	char *p = xstrfmt("%s/run/%s", tmp, name);

	tree_remove(p);
	free(p);
}

/*
 * On this host, running VMs hold their CPUs: a dedicated VM given every CPU
 * the host does not keep leaves none for another. The VM's own state.json
 * (a restart) and a crashed VM's hold nothing; an XML plan ignores them all.
 */
static void test_vm_plan_running_vms(void **state)
{
	static const char text[] = "[cpu]\nvcpus = 1\n[pinning]\nvcpus = \"auto\"\n";
	struct host_plan hp = HOST_PLAN_INIT;
	struct pin_plan plan;
	struct strvec notes = STRVEC_INIT;
	struct strbuf want = STRBUF_INIT;
	struct err err = ERR_INIT;
	struct cpuset first, rest;
	pid_t dead;

	(void)state;
	assert_int_equal(plan_text(NULL, text, &hp, &plan, &notes, &err), 0);
	assert_string_equal(hp.topo.source, "this host");
	first = plan.vcpu[0];
	assert_int_equal(cpuset_count(&first), 1);
	assert_false(cpuset_intersects(&first, &hp.host.reserved));
	rest = hp.topo.all;
	cpuset_andnot(&rest, &hp.host.reserved);	/* every CPU a VM may own */
	assert_false(cpuset_empty(&rest));
	release(&hp, &plan, &notes, &err);

	/* another VM runs (this process stands in for its QEMU) and owns them all */
	holder("other", getpid(), 1, &rest);
	assert_int_equal(plan_text(NULL, text, &hp, &plan, &notes, &err), -1);
	strbuf_addstr(&want, "\n  free: no CPU\n  kept for the host (reserved_cpus): ");
	cpuset_format_label(&hp.host.reserved, &want);
	strbuf_addstr(&want, "\n  owned by 'other': ");
	cpuset_format_label(&rest, &want);
	assert_int_equal(strncmp(err.msg.buf, "VM 'vm1' does not fit: ", 23), 0);
	assert_true(err.msg.len > want.len);
	assert_string_equal(err.msg.buf + err.msg.len - want.len, want.buf);
	release(&hp, &plan, &notes, &err);

	/* the same record under the VM's own name: itself, restarting; not in its way */
	remove_holder("other");
	holder("vm1", getpid(), 1, &rest);
	assert_int_equal(plan_text(NULL, text, &hp, &plan, &notes, &err), 0);
	assert_true(cpuset_equal(&plan.vcpu[0], &first));
	assert_int_equal(hp.host.nr_holders, 1);	/* only the plan itself */
	assert_string_equal(hp.host.holders[0].name, "vm1");
	release(&hp, &plan, &notes, &err);

	/* a VM whose QEMU is gone holds nothing */
	remove_holder("vm1");
	dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	holder("crashed", dead, 0, &rest);
	assert_int_equal(plan_text(NULL, text, &hp, &plan, &notes, &err), 0);
	assert_true(cpuset_equal(&plan.vcpu[0], &first));
	release(&hp, &plan, &notes, &err);

	/* a topology file is not this host: its running VMs are not asked */
	holder("other", getpid(), 1, &rest);
	assert_int_equal(plan_text(I5, text, &hp, &plan, &notes, &err), 0);
	assert_cpus(&plan.vcpu[0], "1");
	assert_int_equal(hp.host.nr_holders, 1);
	release(&hp, &plan, &notes, &err);
	strbuf_release(&want);
}

/* On this host, a VM bound to a node with less free RAM than it binds gets a note saying so. */
static void test_vm_plan_memory_note(void **state)
{
	struct host_plan hp = HOST_PLAN_INIT;
	struct pin_plan plan;
	struct strvec notes = STRVEC_INIT;
	struct err err = ERR_INIT;
	char *head;

	(void)state;
	assert_int_equal(plan_text(NULL, "[cpu]\nvcpus = 1\n[pinning]\nvcpus = \"auto\"\n[memory]\nsize = \"16T\"\n",
				   &hp, &plan, &notes, &err), 0);
	assert_true(plan.memory_node >= 0);
	assert_int_equal(notes.nr, 1);
	head = xstrfmt("VM 'vm1' binds 16T of RAM to host node %d, which has ", plan.memory_node);
	assert_int_equal(strncmp(notes.v[0], head, strlen(head)), 0);
	assert_string_equal(notes.v[0] + strlen(notes.v[0]) - strlen(" free now"), " free now");
	free(head);
	release(&hp, &plan, &notes, &err);

	/* one that fits: no note */
	assert_int_equal(plan_text(NULL, "[cpu]\nvcpus = 1\n[pinning]\nvcpus = \"auto\"\n[memory]\nsize = \"16M\"\n",
				   &hp, &plan, &notes, &err), 0);
	assert_int_equal(notes.nr, 0);
	release(&hp, &plan, &notes, &err);
}

/* Where 'up' puts QEMU's files: from the environment, the defaults, and none when bare. */
static void test_vm_plan_qemu_runtime(void **state)
{
	struct qemu_runtime rt;
	struct vm_config cfg;
	struct err err = ERR_INIT;
	char *want;
	int kept;

	(void)state;
	cfg_load(&cfg, "[cpu]\nvcpus = 1\n");
	assert_int_equal(vm_plan_qemu_runtime(&cfg, 0, &rt, &kept, &err), 0);
	want = xstrfmt("%s/run/vm1", tmp);
	assert_string_equal(rt.run_dir, want);
	free(want);
	want = xstrfmt("%s/log/vm1", tmp);
	assert_string_equal(rt.log_dir, want);
	free(want);
	want = xstrfmt("%s/state", tmp);
	assert_string_equal(rt.state_dir, want);
	free(want);
	assert_int_equal(rt.qmp_fd, 3);	/* 'up' hands QEMU its listening qmp.sock */
	assert_int_equal(strlen(rt.uuid), 36);	/* the VM's UUID, not kept yet (vm_uuid.c) */
	assert_int_equal(kept, 0);
	vm_plan_qemu_runtime_release(&rt);
	assert_null(rt.uuid);
	assert_null(rt.run_dir);
	assert_null(rt.log_dir);

	/* bare: only what the config describes */
	assert_int_equal(vm_plan_qemu_runtime(&cfg, 1, &rt, &kept, &err), 0);
	assert_null(rt.run_dir);
	assert_null(rt.log_dir);
	assert_int_equal(rt.qmp_fd, 0);
	want = xstrfmt("%s/state", tmp);
	assert_string_equal(rt.state_dir, want);	/* still where nvram lives */
	free(want);
	vm_plan_qemu_runtime_release(&rt);

	/* the defaults (an empty variable counts as unset) */
	unsetenv("MVLAUNCH_RUNDIR");
	unsetenv("MVLAUNCH_LOGDIR");
	setenv("MVLAUNCH_STATEDIR", "", 1);
	assert_int_equal(vm_plan_qemu_runtime(&cfg, 0, &rt, &kept, &err), 0);
	assert_string_equal(rt.run_dir, "/run/mvlaunch/vm1");
	assert_string_equal(rt.log_dir, "/var/log/mvlaunch/vm1");
	assert_string_equal(rt.state_dir, "/var/lib/mvlaunch");
	assert_int_equal(rt.qmp_fd, 3);
	vm_plan_qemu_runtime_release(&rt);
	vm_config_release(&cfg);
	err_release(&err);
}

/* The runtime as qemu_argv_build() uses it: QMP on fd 3, files in run_dir and log_dir; bare has none. */
static void test_vm_plan_qemu_runtime_argv(void **state)
{
	struct host_plan hp = HOST_PLAN_INIT;
	struct pin_plan plan;
	struct strvec notes = STRVEC_INIT, argv = STRVEC_INIT, warn = STRVEC_INIT;
	struct err err = ERR_INIT;
	struct qemu_runtime rt;
	struct vm_config cfg;
	struct vm_dirs dirs = { .vms_dir = vms };
	size_t i;
	int found = 0, kept;

	(void)state;
	cfg_load(&cfg, "[machine]\naccel = \"tcg\"\n[cpu]\nmodel = \"max\"\nvcpus = 1\n");
	assert_int_equal(vm_plan_one(&cfg, I5, &dirs, &hp, &plan, &notes, &err), 0);
	assert_int_equal(vm_plan_qemu_runtime(&cfg, 0, &rt, &kept, &err), 0);
	assert_int_equal(qemu_argv_build(&cfg, &plan, &rt, &argv, &warn, &err.msg), 0);
	for (i = 0; i + 1 < argv.nr; i++) {
		if (!strcmp(argv.v[i], "-chardev") && !strcmp(argv.v[i + 1], "socket,id=qmp,fd=3,server=on,wait=off"))
			found |= 1;
		if (!strcmp(argv.v[i], "-pidfile")) {
			char *want = xstrfmt("%s/run/vm1/qemu.pid", tmp);

			assert_string_equal(argv.v[i + 1], want);
			free(want);
			found |= 2;
		}
		if (!strcmp(argv.v[i], "-S"))
			found |= 4;
	}
	assert_int_equal(found, 7);
	vm_plan_qemu_runtime_release(&rt);
	strvec_clear(&argv);

	assert_int_equal(vm_plan_qemu_runtime(&cfg, 1, &rt, &kept, &err), 0);
	assert_int_equal(qemu_argv_build(&cfg, &plan, &rt, &argv, &warn, &err.msg), 0);
	for (i = 0; i < argv.nr; i++) {
		assert_string_not_equal(argv.v[i], "-S");
		assert_string_not_equal(argv.v[i], "-pidfile");
		assert_null(strstr(argv.v[i], "qmp"));
		assert_null(strstr(argv.v[i], tmp));
	}
	vm_plan_qemu_runtime_release(&rt);
	strvec_clear(&argv);
	strvec_clear(&warn);
	vm_config_release(&cfg);
	release(&hp, &plan, &notes, &err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_plan_xml_pairs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_plan_xml_host_toml, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_plan_host_toml_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_plan_xml_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_plan_running_vms, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_plan_memory_note, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_plan_qemu_runtime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_plan_qemu_runtime_argv, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
