/*
 * test_host_prep.c - host knobs and hugepages on a fake sysfs/procfs tree
 * ($MVLAUNCH_SYSROOT): every knob applied and restored to its original value
 * (not a default), CPU-dependent knobs following the holders' CPUs, hugepages
 * counted per holder, dry runs, reconciliation of a VM that is gone, a
 * corrupt state file, concurrent hold/release under the root lock, a
 * hugepage shortfall, the CPU shield on fake cgroup v1 and v2 trees, and
 * managed passthrough: PCI functions of an IOMMU group swapped to vfio-pci
 * and back to exactly their driver and driver_override (sysfs.c's
 * stand-ins move the driver links as the kernel would).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "config/host_config.h"
#include "launcher/host/host_prep.h"
#include "launcher/host/vfio.h"
#include "launcher/qemu/qemu_proc.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_state.h"
#include "launcher/vm/vm_host.h"
#include "util/err.h"
#include "util/wrapper.h"

static char root[64];

static void put(const char *path, const char *text)
{
	tree_put(root, path, text);
}

static char *get(const char *path)
{
	char *p = xstrfmt("%s%s", root, path);
	char buf[256] = "";
	FILE *f = fopen(p, "r");

	if (f) {
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);

		buf[n] = '\0';
		fclose(f);
	}
	free(p);
	buf[strcspn(buf, "\n")] = '\0';
	return xstrdup(buf);
}

#define assert_file(path, want) do { char *v_ = get(path); assert_string_equal(v_, want); free(v_); } while (0)

static void make_tree(void)
{
	char *run;

	tree_make(root, "mvl-sysroot");
	run = xstrfmt("%s/run", root);
	setenv("MVLAUNCH_RUNDIR", run, 1);
	free(run);
	put("/sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
	put("/proc/sys/vm/stat_interval", "1\n");
	put("/proc/sys/kernel/watchdog", "1\n");
	put("/sys/kernel/mm/ksm/run", "1\n");
	put("/proc/sys/kernel/perf_cpu_time_max_percent", "25\n");
	put("/proc/sys/kernel/perf_event_max_sample_rate", "100000\n");
	put("/sys/bus/workqueue/devices/writeback/cpumask", "ff\n");
	put("/sys/bus/workqueue/devices/writeback/numa", "1\n");
	put("/proc/irq/24/smp_affinity_list", "0-7\n");
	put("/proc/irq/25/smp_affinity_list", "3\n");
	for (int c = 0; c < 8; c++) {
		char *p = xstrfmt("/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", c);

		put(p, "powersave\n");
		free(p);
	}
	put("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "10\n");
	put("/proc/sys/vm/drop_caches", "0\n");
	put("/proc/sys/vm/compact_memory", "0\n");
}

static void remove_tree(void)
{
	tree_remove(root);
}

static const char host_toml[] =
	"thp = \"never\"\nstat_interval = 120\nwatchdog = false\nksm = false\n"
	"perf_cpu_time_max_percent = 0\nperf_event_max_sample_rate = 146500\n"
	"writeback_cpumask = \"host\"\nworkqueue_numa = false\nirq_affinity = \"host\"\n"
	"governor = \"performance\"\ndrop_caches = true\ncompact_memory = true\n";

struct fixture {
	struct host_config hc;
	struct host_topo topo;
	struct host_prep prep;
};

static void setup_with(struct fixture *f, int dry, const char *toml)
{
	struct err err = ERR_INIT;

	host_config_init(&f->hc);
	assert_int_equal(host_config_parse("host.toml", toml, strlen(toml), &f->hc, &err.msg), 0);
	assert_int_equal(host_topo_load_xml(&f->topo, UNIT_DATA "seed-i5-4c8t.xml", &err.msg), 0);
	vm_host_prep_init(&f->prep, &f->hc, &f->topo, dry);
	err_release(&err);
}

static void setup(struct fixture *f, int dry)
{
	setup_with(f, dry, host_toml);
}

static void teardown(struct fixture *f)
{
	host_prep_release(&f->prep);
	host_topo_free(&f->topo);
	host_config_release(&f->hc);
}

/* Make VM 'name' look running: its state.json names this (live) process. */
static void alive(const char *name)
{
	struct vm_state st = { 0 };
	struct err err = ERR_INIT;
	char *dir = xstrfmt("%s/run/%s", root, name), *path = xstrfmt("%s/state.json", dir);
	char *run = xstrfmt("%s/run", root);

	mkdir(run, 0700);
	mkdir(dir, 0700);
	st.name = (char *)name;
	st.pid = getpid();
	st.start_time = proc_start_time(getpid());
	assert_int_equal(vm_state_write(path, &st, &err), 0);
	free(run);
	free(dir);
	free(path);
	err_release(&err);
}

/* A VM config and plan owning 'cpus' with 'mib' of 2M hugepages on node 0. */
static void vm(struct vm_config *cfg, struct pin_plan *plan, const char *cpus, unsigned mib)
{
	struct strbuf text = STRBUF_INIT;
	struct err err = ERR_INIT;

	strbuf_addf(&text, "[memory]\nsize = \"%uM\"\nhugepages = \"2M\"\n", mib);
	vm_config_init(cfg);
	assert_int_equal(vm_config_parse("vm.toml", text.buf, text.len, cfg, &err.msg), 0);
	memset(plan, 0, sizeof(*plan));
	plan->memory_node = 0;
	assert_int_equal(cpuset_parse(&plan->owned, cpus, &err.msg), 0);
	err_release(&err);
	strbuf_release(&text);
}

static void assert_original(void)
{
	assert_file("/sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never");
	assert_file("/proc/sys/vm/stat_interval", "1");
	assert_file("/proc/sys/kernel/watchdog", "1");
	assert_file("/sys/kernel/mm/ksm/run", "1");
	assert_file("/proc/sys/kernel/perf_cpu_time_max_percent", "25");
	assert_file("/proc/sys/kernel/perf_event_max_sample_rate", "100000");
	assert_file("/sys/bus/workqueue/devices/writeback/cpumask", "ff");
	assert_file("/sys/bus/workqueue/devices/writeback/numa", "1");
	assert_file("/proc/irq/24/smp_affinity_list", "0-7");
	assert_file("/proc/irq/25/smp_affinity_list", "3");
	assert_file("/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "powersave");
	assert_file("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "10");
}

static void test_host_prep_two_vms(void **state)
{
	struct fixture f;
	struct vm_config a, b;
	struct pin_plan pa, pb;
	struct err err = ERR_INIT;

	(void)state;
	make_tree();
	setup(&f, 0);
	vm(&a, &pa, "1,5", 256);
	vm(&b, &pb, "2,6", 64);
	alive("a");
	alive("b");
	if (host_prep_hold(&f.prep, "a", &a, &pa, &err) < 0)
		print_error("%s\n", err.msg.buf);
	assert_string_equal(err.msg.buf, "");
	assert_file("/sys/kernel/mm/transparent_hugepage/enabled", "never");	/* the fake file keeps what was written */
	assert_file("/proc/sys/vm/stat_interval", "120");
	assert_file("/proc/sys/kernel/watchdog", "0");
	assert_file("/sys/kernel/mm/ksm/run", "0");
	assert_file("/proc/sys/kernel/perf_cpu_time_max_percent", "0");
	assert_file("/proc/sys/kernel/perf_event_max_sample_rate", "146500");
	assert_file("/sys/bus/workqueue/devices/writeback/cpumask", "dd");	/* all but 1,5 */
	assert_file("/sys/bus/workqueue/devices/writeback/numa", "0");
	assert_file("/proc/irq/24/smp_affinity_list", "0,2-4,6-7");
	assert_file("/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "performance");
	assert_file("/sys/devices/system/cpu/cpu5/cpufreq/scaling_governor", "performance");
	assert_file("/sys/devices/system/cpu/cpu2/cpufreq/scaling_governor", "powersave");
	assert_file("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "138");
	assert_file("/proc/sys/vm/drop_caches", "3");
	assert_file("/proc/sys/vm/compact_memory", "1");

	/* a second VM extends the CPU-dependent knobs */
	assert_int_equal(host_prep_hold(&f.prep, "b", &b, &pb, &err), 0);
	assert_file("/sys/bus/workqueue/devices/writeback/cpumask", "99");
	assert_file("/sys/devices/system/cpu/cpu6/cpufreq/scaling_governor", "performance");
	assert_file("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "170");

	/* releasing the first keeps the knobs, gives back its pages and CPUs */
	assert_int_equal(host_prep_unhold(&f.prep, "a", &err), 0);
	assert_file("/proc/sys/vm/stat_interval", "120");
	assert_file("/sys/bus/workqueue/devices/writeback/cpumask", "bb");
	assert_file("/sys/devices/system/cpu/cpu1/cpufreq/scaling_governor", "powersave");
	assert_file("/sys/devices/system/cpu/cpu6/cpufreq/scaling_governor", "performance");
	assert_file("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "42");

	/* the last one restores every original value */
	assert_int_equal(host_prep_unhold(&f.prep, "b", &err), 0);
	assert_string_equal(err.msg.buf, "");
	put("/sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");	/* the kernel would show it so */
	assert_original();
	assert_file("/run/host.json", "");	/* nothing held: no state file */
	vm_config_release(&a);
	vm_config_release(&b);
	teardown(&f);
	remove_tree();
	err_release(&err);
}

static void test_host_prep_dry_run(void **state)
{
	struct fixture f;
	struct vm_config a;
	struct pin_plan pa;
	struct err err = ERR_INIT;

	(void)state;
	make_tree();
	setup(&f, 1);
	vm(&a, &pa, "1,5", 16);
	assert_int_equal(host_prep_hold(&f.prep, "a", &a, &pa, &err), 0);
	assert_original();
	assert_file("/proc/sys/vm/drop_caches", "0");
	assert_file("/run/host.json", "");
	assert_string_equal(f.prep.changes.v[2], "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages: 10 -> 18");
	assert_string_equal(f.prep.changes.v[3], "/sys/kernel/mm/transparent_hugepage/enabled: madvise -> never");
	vm_config_release(&a);
	teardown(&f);
	remove_tree();
	err_release(&err);
}

static void test_host_prep_reconcile_and_corrupt(void **state)
{
	struct fixture f;
	struct vm_config a;
	struct pin_plan pa;
	struct err err = ERR_INIT;

	(void)state;
	make_tree();
	setup(&f, 0);
	vm(&a, &pa, "3", 16);
	assert_int_equal(host_prep_hold(&f.prep, "gone", &a, &pa, &err), 0);
	assert_file("/proc/sys/vm/stat_interval", "120");
	/* no runtime directory, no QEMU: the next command gives back what it held */
	assert_int_equal(host_prep_reconcile(&f.prep, &err), 0);
	assert_string_equal(f.prep.notes.v[f.prep.notes.nr - 1], "released what 'gone' held: its QEMU is gone");
	put("/sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
	assert_original();

	/* the manual holder survives reconciliation */
	assert_int_equal(host_prep_hold(&f.prep, HOST_MANUAL, NULL, NULL, &err), 0);
	assert_int_equal(host_prep_reconcile(&f.prep, &err), 0);
	assert_file("/proc/sys/vm/stat_interval", "120");
	assert_int_equal(host_prep_unhold(&f.prep, HOST_MANUAL, &err), 0);
	assert_file("/proc/sys/vm/stat_interval", "1");

	/* a corrupt state file: a clear error, no crash, nothing changed */
	put("/run/host.json", "{\"knobs\": [");
	assert_int_equal(host_prep_hold(&f.prep, "a", &a, &pa, &err), -1);
	assert_non_null(strstr(err.msg.buf, "/run/host.json' is corrupt ("));
	assert_non_null(strstr(err_text(&err), "hint: check the host by hand"));
	assert_file("/proc/sys/vm/stat_interval", "1");
	vm_config_release(&a);
	teardown(&f);
	remove_tree();
	err_release(&err);
}

/* host.json is not trusted: a path mvlaunch never writes, or a file not this user's own, is refused. */
static void test_host_prep_untrusted(void **state)
{
	static const char *const crafted[][2] = {
		{ "{\"knobs\": {\"/etc/shadow\": \"x\"}, \"holders\": {}, \"mounts\": []}",
		  "knob '/etc/shadow' is not one mvlaunch changes" },
		{ "{\"knobs\": {\"/proc/sys/vm/../../../etc/passwd\": \"x\"}, \"holders\": {}, \"mounts\": []}",
		  "is not one mvlaunch changes" },
		{ "{\"knobs\": {}, \"holders\": {\"a\": {\"cpus\": [], \"hugepages\": {\"/tmp/x\": 3}}}, \"mounts\": []}",
		  "holder 'a' holds pages of '/tmp/x'" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [\"relative\"]}", "a mount point is not an absolute path" },
		{ "{\"knobs\": {}, \"holders\": {\"../../etc\": {\"cpus\": []}}, \"mounts\": []}",
		  "holder '../../etc' is no VM name (must start with a letter or digit)" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"shield\": {\"backend\": \"cgroup1\", "
		  "\"cgroup\": \"/sys/fs/cgroup/cpuset/../../../etc\"}}", "the shield cgroup is not mvlaunch's own" },
		{ "{\"knobs\": {}, \"holders\": {}, \"mounts\": [], \"shield\": {\"backend\": \"cgroup2\", "
		  "\"others\": {\"/etc/cpuset.cpus\": \"0\"}}}", "the shield would write '/etc/cpuset.cpus'" },
		{ "{\"knobs\": {}, \"pools\": {\"/proc/sys/vm/stat_interval\": 3}, \"holders\": {}, \"mounts\": []}",
		  "hugepage pool '/proc/sys/vm/stat_interval' is not one" },
	};
	struct fixture f;
	struct vm_config a;
	struct pin_plan pa;
	struct err err = ERR_INIT;
	char *path;

	(void)state;
	make_tree();
	setup(&f, 0);
	vm(&a, &pa, "3", 16);
	for (size_t i = 0; i < sizeof(crafted) / sizeof(crafted[0]); i++) {
		put("/run/host.json", crafted[i][0]);
		err_reset(&err);
		assert_int_equal(host_prep_hold(&f.prep, "a", &a, &pa, &err), -1);
		if (!strstr(err.msg.buf, "is refused: ") || !strstr(err.msg.buf, crafted[i][1]))
			fail_msg("case %zu: %s", i, err.msg.buf);
		assert_original();
	}
	/* a file others may write is not the one mvlaunch wrote */
	put("/run/host.json", "{\"knobs\": {}, \"holders\": {}, \"mounts\": []}");
	path = xstrfmt("%s/run/host.json", root);
	chmod(path, 0666);
	err_reset(&err);
	assert_int_equal(host_prep_hold(&f.prep, "a", &a, &pa, &err), -1);
	assert_non_null(strstr(err.msg.buf, "is not a private file of this user (mode 0666"));
	assert_original();
	free(path);
	vm_config_release(&a);
	teardown(&f);
	remove_tree();
	err_release(&err);
}

/* Pools are sized absolutely from the persistent size (nr_hugepages minus surplus): nothing drifts. */
static void test_host_prep_pools(void **state)
{
	const char *nr = "/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages";
	struct fixture f;
	struct vm_config a, b;
	struct pin_plan pa, pb;
	struct err err = ERR_INIT;

	(void)state;
	make_tree();
	put(nr, "12\n");	/* 10 persistent + 2 surplus */
	put("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/surplus_hugepages", "2\n");
	setup(&f, 0);
	vm(&a, &pa, "1", 16);
	vm(&b, &pb, "2", 32);
	alive("a");
	alive("b");
	assert_int_equal(host_prep_hold(&f.prep, "a", &a, &pa, &err), 0);
	assert_file(nr, "18");
	put("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/surplus_hugepages", "0\n");
	assert_int_equal(host_prep_hold(&f.prep, "b", &b, &pb, &err), 0);
	assert_file(nr, "34");	/* 10 + 8 + 16 */
	/* the same release twice (a 'down' killed half-way, then again) gives back once */
	assert_int_equal(host_prep_unhold(&f.prep, "b", &err), 0);
	assert_file(nr, "18");
	assert_int_equal(host_prep_unhold(&f.prep, "b", &err), 0);
	assert_file(nr, "18");
	assert_int_equal(host_prep_unhold(&f.prep, "a", &err), 0);
	assert_file(nr, "10");	/* the persistent pool it had, not 12 */
	assert_file("/run/host.json", "");
	vm_config_release(&a);
	vm_config_release(&b);
	teardown(&f);
	remove_tree();
	err_release(&err);
}

/* A holder is written before its changes: a host.json left by a killed 'up' is finished or undone. */
static void test_host_prep_write_ahead(void **state)
{
	struct fixture f;
	struct err err = ERR_INIT;

	(void)state;
	make_tree();
	setup(&f, 0);
	/* killed after recording and writing: the knob is changed, its VM never ran */
	put("/proc/sys/vm/stat_interval", "120\n");
	put("/run/host.json", "{\"knobs\": {\"/proc/sys/vm/stat_interval\": \"1\"}, \"pools\": "
	    "{\"/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages\": 10}, "
	    "\"holders\": {\"dead\": {\"cpus\": [3], \"hugepages\": "
	    "{\"/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages\": 8}}}, \"mounts\": []}");
	put("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "18\n");
	assert_int_equal(host_prep_reconcile(&f.prep, &err), 0);
	assert_original();
	assert_file("/run/host.json", "");
	/* killed after recording, before writing: nothing to undo, nothing goes wrong */
	put("/run/host.json", "{\"knobs\": {\"/proc/sys/vm/stat_interval\": \"1\"}, \"holders\": "
	    "{\"dead\": {\"cpus\": [3], \"hugepages\": {}}}, \"mounts\": []}");
	assert_int_equal(host_prep_reconcile(&f.prep, &err), 0);
	assert_original();
	/* and a holder that is alive keeps what it holds: what it wants is made so */
	alive("live");
	put("/run/host.json", "{\"knobs\": {}, \"holders\": {\"live\": {\"cpus\": [3], \"hugepages\": {}}}, \"mounts\": []}");
	assert_int_equal(host_prep_reconcile(&f.prep, &err), 0);
	assert_file("/proc/sys/vm/stat_interval", "120");
	teardown(&f);
	remove_tree();
	err_release(&err);
}

static void test_host_prep_concurrent(void **state)
{
	pid_t kids[4];
	int status;

	(void)state;
	make_tree();
	for (int k = 0; k < 4; k++) {
		kids[k] = fork();
		if (kids[k] == 0) {
			struct fixture f;
			struct vm_config a;
			struct pin_plan pa;
			struct err err = ERR_INIT;
			char name[16];
			int bad = 0;

			snprintf(name, sizeof(name), "vm%d", k);
			alive(name);
			setup(&f, 0);
			vm(&a, &pa, k % 2 ? "1" : "2", 16);
			for (int i = 0; i < 20; i++) {
				int fd = runtime_lock_root(&err);

				bad |= fd < 0 || host_prep_hold(&f.prep, name, &a, &pa, &err) < 0;
				close(fd);
				fd = runtime_lock_root(&err);
				bad |= fd < 0 || host_prep_unhold(&f.prep, name, &err) < 0;
				close(fd);
			}
			_exit(bad);
		}
	}
	for (int k = 0; k < 4; k++) {
		waitpid(kids[k], &status, 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	/* every hold was undone: the host is as it was */
	put("/sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
	assert_original();
	remove_tree();
}

/*
 * A hugepage shortfall: the 1G pool is /dev/null, which takes any count and
 * reads back nothing, as a kernel that found no free gigabyte would. The
 * hold fails with the numbers and leaves the host as the first VM had it.
 */
static void test_host_prep_shortfall(void **state)
{
	struct fixture f;
	struct vm_config a, b;
	struct pin_plan pa, pb;
	struct err err = ERR_INIT;
	static const char big[] = "[memory]\nsize = \"2G\"\nhugepages = \"1G\"\n";
	char *pool;

	(void)state;
	make_tree();
	put("/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/.keep", "");
	pool = xstrfmt("%s/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages", root);
	assert_int_equal(symlink("/dev/null", pool), 0);
	setup(&f, 0);
	vm(&a, &pa, "1", 16);
	alive("a");
	assert_int_equal(host_prep_hold(&f.prep, "a", &a, &pa, &err), 0);
	vm_config_init(&b);
	assert_int_equal(vm_config_parse("vm.toml", big, strlen(big), &b, &err.msg), 0);
	memset(&pb, 0, sizeof(pb));
	pb.memory_node = 0;
	cpuset_set(&pb.owned, 2);
	assert_int_equal(host_prep_hold(&f.prep, "b", &b, &pb, &err), -1);
	assert_non_null(strstr(err.msg.buf, "hugepages-1048576kB/nr_hugepages: asked for 2 more hugepages (2 in all), "
			       "the kernel gave 0; gave them back"));
	/* a's hold is intact: its knobs and pages, and b is not a holder */
	assert_file("/proc/sys/vm/stat_interval", "120");
	assert_file("/sys/bus/workqueue/devices/writeback/cpumask", "fd");
	assert_file("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "18");
	{
		json_t *st = vm_host_status(&err);

		assert_non_null(json_object_get(json_object_get(st, "holders"), "a"));
		assert_null(json_object_get(json_object_get(st, "holders"), "b"));
		json_decref(st);
	}
	assert_int_equal(host_prep_unhold(&f.prep, "a", &err), 0);
	put("/sys/kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
	assert_original();
	assert_file("/run/host.json", "");
	free(pool);
	vm_config_release(&a);
	vm_config_release(&b);
	teardown(&f);
	remove_tree();
	err_release(&err);
}

/* The changes list holds this line. */
static void assert_change(const struct host_prep *hp, const char *line)
{
	for (size_t i = 0; i < hp->changes.nr; i++)
		if (!strcmp(hp->changes.v[i], line))
			return;
	for (size_t i = 0; i < hp->changes.nr; i++)
		print_error("change: %s\n", hp->changes.v[i]);
	fail_msg("no change '%s'", line);
}

static const char shield_toml[] = "stat_interval = 120\n[shield]\nenable = true\n";

/*
 * cgroup v1: mvlaunch.host made with the root's memory nodes and the host
 * CPUs, the root's tasks but running QEMUs moved in, other cpusets
 * (nested ones children first) fenced off the VM CPUs; extended by a
 * second VM, narrowed back by its release, all undone by the last.
 */
static void test_host_prep_shield_cgroup1(void **state)
{
	struct fixture f;
	struct vm_config a, b;
	struct pin_plan pa, pb;
	struct err err = ERR_INIT;
	char *procs = NULL, *line;

	(void)state;
	make_tree();
	put("/sys/fs/cgroup/cpuset/cpuset.cpus", "0-7\n");
	put("/sys/fs/cgroup/cpuset/cpuset.mems", "0\n");
	put("/sys/fs/cgroup/cpuset/docker/cpuset.cpus", "0-7\n");
	put("/sys/fs/cgroup/cpuset/docker/ctr/cpuset.cpus", "1-3\n");
	put("/sys/fs/cgroup/cpuset/pinned/cpuset.cpus", "5\n");
	put("/sys/devices/virtual/workqueue/cpumask", "ff\n");
	line = xstrfmt("1\n2\n%d\n300\n", (int)getpid());
	put("/sys/fs/cgroup/cpuset/cgroup.procs", line);
	free(line);
	setup_with(&f, 0, shield_toml);
	vm(&a, &pa, "1,5", 16);
	vm(&b, &pb, "2", 16);
	alive("a");	/* its QEMU is this process: never moved into the shield */
	assert_int_equal(host_prep_hold(&f.prep, "a", &a, &pa, &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_file("/sys/fs/cgroup/cpuset/mvlaunch.host/cpuset.mems", "0");
	assert_file("/sys/fs/cgroup/cpuset/mvlaunch.host/cpuset.cpus", "0,2-4,6-7");
	assert_file("/sys/fs/cgroup/cpuset/mvlaunch.host/cgroup.procs", "300");	/* the last one written */
	assert_change(&f.prep, "move 3 tasks from /sys/fs/cgroup/cpuset to /sys/fs/cgroup/cpuset/mvlaunch.host");
	assert_file("/sys/fs/cgroup/cpuset/docker/cpuset.cpus", "0,2-4,6-7");
	assert_file("/sys/fs/cgroup/cpuset/docker/ctr/cpuset.cpus", "2-3");
	assert_file("/sys/fs/cgroup/cpuset/pinned/cpuset.cpus", "5");	/* only VM CPUs: left, and said so */
	assert_non_null(strstr(f.prep.notes.v[f.prep.notes.nr - 1], "/pinned runs only on VM CPUs (5)"));
	assert_file("/sys/devices/virtual/workqueue/cpumask", "dd");
	assert_file("/sys/bus/workqueue/devices/writeback/cpumask", "dd");	/* follows the shield unasked */
	procs = xstrfmt("%s/sys/fs/cgroup/cpuset/cgroup.procs", root);
	assert_string_equal(f.prep.qemu_cgroup_procs, procs);
	{
		json_t *st = vm_host_status(&err), *sh = json_object_get(st, "shield");

		assert_string_equal(json_string_value(json_object_get(sh, "backend")), "cgroup1");
		assert_string_equal(json_string_value(json_array_get(json_object_get(sh, "holders"), 0)), "a");
		assert_string_equal(json_string_value(json_object_get(sh, "vm_cpus")), "1,5");
		json_decref(st);
	}

	/* the nested cpuset was shrunk before its parent, both from their originals */
	assert_int_equal(host_prep_hold(&f.prep, "b", &b, &pb, &err), 0);
	assert_file("/sys/fs/cgroup/cpuset/mvlaunch.host/cpuset.cpus", "0,3-4,6-7");
	assert_file("/sys/fs/cgroup/cpuset/docker/ctr/cpuset.cpus", "3");
	assert_file("/sys/fs/cgroup/cpuset/docker/cpuset.cpus", "0,3-4,6-7");
	assert_int_equal(host_prep_unhold(&f.prep, "b", &err), 0);
	assert_file("/sys/fs/cgroup/cpuset/mvlaunch.host/cpuset.cpus", "0,2-4,6-7");
	assert_file("/sys/fs/cgroup/cpuset/docker/ctr/cpuset.cpus", "2-3");

	/*
	 * the last release: tasks back, cgroup gone, every cpuset as it was;
	 * also when a task forked into the shield while it was emptied (here a
	 * file that keeps the fake cgroup's rmdir failing for 50 ms)
	 */
	{
		char *late = xstrfmt("%s/sys/fs/cgroup/cpuset/mvlaunch.host/late-child", root);
		pid_t child;

		put("/sys/fs/cgroup/cpuset/mvlaunch.host/late-child", "");
		child = fork();
		if (child == 0) {
			usleep(50000);
			unlink(late);
			_exit(0);
		}
		host_prep_release(&f.prep);
		vm_host_prep_init(&f.prep, &f.hc, &f.topo, 0);
		assert_int_equal(host_prep_unhold(&f.prep, "a", &err), 0);
		assert_string_equal(err.msg.buf, "");
		waitpid(child, NULL, 0);
		free(late);
	}
	assert_change(&f.prep, "rmdir /sys/fs/cgroup/cpuset/mvlaunch.host");
	assert_int_equal(access(procs, F_OK), 0);
	free(procs);
	procs = xstrfmt("%s/sys/fs/cgroup/cpuset/mvlaunch.host", root);
	assert_int_equal(access(procs, F_OK), -1);
	assert_file("/sys/fs/cgroup/cpuset/docker/cpuset.cpus", "0-7");
	assert_file("/sys/fs/cgroup/cpuset/docker/ctr/cpuset.cpus", "1-3");
	assert_file("/sys/devices/virtual/workqueue/cpumask", "ff");
	assert_file("/sys/bus/workqueue/devices/writeback/cpumask", "ff");
	assert_file("/run/host.json", "");
	free(procs);
	vm_config_release(&a);
	vm_config_release(&b);
	teardown(&f);
	remove_tree();
	err_release(&err);
}

/*
 * cgroup v2 without systemd: the cpuset controller switched on (and off
 * again) in the root's subtree_control, top-level groups fenced (an empty
 * cpuset.cpus means "the parent's" and comes back empty), a dry run lists
 * it all and touches nothing; and a host with no cpuset at all is refused
 * with nothing left changed.
 */
static void test_host_prep_shield_cgroup2(void **state)
{
	struct fixture f;
	struct vm_config a;
	struct pin_plan pa;
	struct err err = ERR_INIT;

	(void)state;
	make_tree();
	put("/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
	put("/sys/fs/cgroup/cgroup.subtree_control", "memory pids\n");
	put("/sys/fs/cgroup/cgroup.procs", "1\n77\n");
	put("/sys/fs/cgroup/web/cpuset.cpus", "\n");
	put("/sys/fs/cgroup/web/inner/cpuset.cpus", "1\n");	/* v2: its parent bounds it */
	vm(&a, &pa, "1,5", 16);

	setup_with(&f, 1, shield_toml);
	assert_int_equal(host_prep_hold(&f.prep, "a", &a, &pa, &err), 0);
	assert_change(&f.prep, "/sys/fs/cgroup/cgroup.subtree_control: +cpuset");
	assert_change(&f.prep, "mkdir /sys/fs/cgroup/mvlaunch.host");
	assert_change(&f.prep, "/sys/fs/cgroup/mvlaunch.host/cpuset.cpus: (none) -> 0,2-4,6-7");
	assert_change(&f.prep, "/sys/fs/cgroup/web/cpuset.cpus: (empty) -> 0,2-4,6-7");
	assert_change(&f.prep, "move 2 tasks from /sys/fs/cgroup to /sys/fs/cgroup/mvlaunch.host");
	assert_file("/sys/fs/cgroup/cgroup.subtree_control", "memory pids");
	assert_file("/sys/fs/cgroup/web/cpuset.cpus", "");
	assert_file("/run/host.json", "");
	teardown(&f);

	setup_with(&f, 0, shield_toml);
	assert_int_equal(host_prep_hold(&f.prep, "a", &a, &pa, &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_file("/sys/fs/cgroup/cgroup.subtree_control", "+cpuset");
	assert_file("/sys/fs/cgroup/mvlaunch.host/cpuset.cpus", "0,2-4,6-7");
	assert_file("/sys/fs/cgroup/web/cpuset.cpus", "0,2-4,6-7");
	assert_file("/sys/fs/cgroup/web/inner/cpuset.cpus", "1");
	assert_file("/sys/fs/cgroup/mvlaunch.host/cgroup.procs", "77");
	assert_int_equal(host_prep_unhold(&f.prep, "a", &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_file("/sys/fs/cgroup/cgroup.subtree_control", "-cpuset");
	assert_file("/sys/fs/cgroup/web/cpuset.cpus", "");
	assert_file("/sys/fs/cgroup/cgroup.procs", "77");	/* moved back */
	assert_file("/run/host.json", "");
	teardown(&f);

	/* no cpuset controller: refused, and the knobs of this hold undone */
	put("/sys/fs/cgroup/cgroup.controllers", "cpu io memory pids\n");
	setup_with(&f, 0, shield_toml);
	assert_int_equal(host_prep_hold(&f.prep, "a", &a, &pa, &err), -1);
	assert_non_null(strstr(err.msg.buf, "cannot shield the VM CPUs: the cgroup v2 hierarchy offers no cpuset controller"));
	assert_non_null(strstr(err_text(&err), "hint: mount the cpuset controller, or set shield.enable = false"));
	assert_file("/proc/sys/vm/stat_interval", "1");
	assert_file("/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", "10");
	assert_file("/run/host.json", "");
	vm_config_release(&a);
	teardown(&f);
	remove_tree();
	err_release(&err);
}

/* ---- managed passthrough ---- */

static void link_to(const char *path, const char *target)
{
	char *p = xstrfmt("%s%s", root, path);

	unlink(p);
	assert_int_equal(symlink(target, p), 0);
	free(p);
}

/* Where devices/ADDR/driver points ("" when there is no link). */
static char *driver_link(const char *addr)
{
	char *p = xstrfmt("%s/sys/bus/pci/devices/%s/driver", root, addr);
	char buf[256];
	ssize_t n = readlink(p, buf, sizeof(buf) - 1);

	free(p);
	buf[n < 0 ? 0 : n] = '\0';
	return xstrdup(buf);
}

#define assert_driver(addr, want) do { \
	char *d_ = driver_link(addr); \
	assert_string_equal(d_, *(want) ? "../../../bus/pci/drivers/" want : ""); \
	free(d_); \
} while (0)

#define assert_override(addr, want) assert_file("/sys/bus/pci/devices/" addr "/driver_override", want)

/*
 * IOMMU group 7: a GPU (amdgpu), its audio (snd_hda_intel), a USB
 * controller with no driver and a bridge (pcieport); group 9: an NVMe disk
 * whose driver_override already says "nvme". No vfio-pci driver yet: the
 * module is loaded (its stand-in) on the first bind.
 */
static void make_pci_tree(void)
{
	static const char *const dev[][4] = {
		{ "0000:01:00.0", "0x030000", "amdgpu", "7" },
		{ "0000:01:00.1", "0x040300", "snd_hda_intel", "7" },
		{ "0000:01:00.2", "0x0c0330", NULL, "7" },
		{ "0000:00:01.0", "0x060400", "pcieport", "7" },
		{ "0000:02:00.0", "0x010802", "nvme", "9" },
	};

	make_tree();
	put("/sys/bus/pci/drivers_probe", "");
	for (size_t i = 0; i < ARRAY_SIZE(dev); i++) {
		char *p = xstrfmt("/sys/bus/pci/devices/%s/class", dev[i][0]), *t;

		put(p, dev[i][1]);
		free(p);
		p = xstrfmt("/sys/bus/pci/devices/%s/driver_override", dev[i][0]);
		put(p, strcmp(dev[i][2] ? dev[i][2] : "", "nvme") ? "(null)\n" : "nvme\n");
		free(p);
		p = xstrfmt("/sys/kernel/iommu_groups/%s/devices/.keep", dev[i][3]);
		put(p, "");
		free(p);
		p = xstrfmt("/sys/kernel/iommu_groups/%s/devices/%s", dev[i][3], dev[i][0]);
		t = xstrfmt("../../../../bus/pci/devices/%s", dev[i][0]);
		link_to(p, t);
		free(p);
		free(t);
		p = xstrfmt("/sys/bus/pci/devices/%s/iommu_group", dev[i][0]);
		t = xstrfmt("../../../../kernel/iommu_groups/%s", dev[i][3]);
		link_to(p, t);
		free(p);
		free(t);
		if (dev[i][2]) {
			t = xstrfmt("../../../bus/pci/drivers/%s", dev[i][2]);
			p = xstrfmt("/sys/bus/pci/drivers/%s/bind", dev[i][2]);
			put(p, "");
			free(p);
			p = xstrfmt("/sys/bus/pci/drivers/%s/unbind", dev[i][2]);
			put(p, "");
			free(p);
			p = xstrfmt("/sys/bus/pci/devices/%s/driver", dev[i][0]);
			link_to(p, t);
			free(p);
			free(t);
		}
	}
}

static void assert_pci_original(void)
{
	assert_driver("0000:01:00.0", "amdgpu");
	assert_driver("0000:01:00.1", "snd_hda_intel");
	assert_driver("0000:01:00.2", "");
	assert_driver("0000:00:01.0", "pcieport");
	assert_driver("0000:02:00.0", "nvme");
	assert_override("0000:01:00.0", "(null)");
	assert_override("0000:01:00.1", "(null)");
	assert_override("0000:01:00.2", "(null)");
	assert_override("0000:00:01.0", "(null)");
	assert_override("0000:02:00.0", "nvme");
}

/* A VM config passing 'hosts' through (space-separated), with 'extra' lines in each [[passthrough]]. */
static void pci_vm(struct vm_config *cfg, const char *hosts, const char *extra)
{
	struct strbuf text = STRBUF_INIT;
	struct err err = ERR_INIT;
	char *list = xstrdup(hosts), *save = NULL;

	for (char *t = strtok_r(list, " ", &save); t; t = strtok_r(NULL, " ", &save))
		strbuf_addf(&text, "[[passthrough]]\nhost = \"%s\"\n%s", t, extra);
	vm_config_init(cfg);
	assert_int_equal(vm_config_parse("vm.toml", text.buf, text.len, cfg, &err.msg), 0);
	free(list);
	strbuf_release(&text);
	err_release(&err);
}

static void test_host_prep_vfio_names(void **state)
{
	(void)state;
	assert_true(vfio_addr_ok("0000:01:00.0"));
	assert_true(vfio_addr_ok("abcd:ef:1f.7"));
	assert_false(vfio_addr_ok("0000:01:00.8"));
	assert_false(vfio_addr_ok("01:00.0"));
	assert_false(vfio_addr_ok("0000:01:00.0/../x"));
	assert_false(vfio_addr_ok("0000:0G:00.0"));
	assert_false(vfio_addr_ok(NULL));
	assert_true(vfio_driver_ok("snd_hda_intel"));
	assert_true(vfio_driver_ok("vfio-pci"));
	assert_false(vfio_driver_ok(".."));
	assert_false(vfio_driver_ok("a/b"));
	assert_false(vfio_driver_ok(""));
	assert_false(vfio_driver_ok(NULL));
}

/* up binds the whole group but its bridge; down gives each function exactly what it had; two holders. */
static void test_host_prep_vfio_swap(void **state)
{
	struct fixture f;
	struct vm_config a, b;
	struct err err = ERR_INIT;
	struct strvec fns = STRVEC_INIT;
	json_t *st;
	char *text;

	(void)state;
	make_pci_tree();
	setup_with(&f, 0, "");
	pci_vm(&a, "0000:01:00.0 0000:02:00.0", "");
	assert_int_equal(host_prep_managed(&a), 2);
	assert_int_equal(vfio_group_functions("0000:01:00.0", &fns, &err.msg), 0);
	check_argv(&fns, "0000:01:00.0", "0000:01:00.1", "0000:01:00.2");
	strvec_clear(&fns);
	alive("a");
	if (host_prep_hold(&f.prep, "a", &a, NULL, &err) < 0)
		fail_msg("%s", err_text(&err));
	assert_driver("0000:01:00.0", "vfio-pci");
	assert_driver("0000:01:00.1", "vfio-pci");
	assert_driver("0000:01:00.2", "vfio-pci");
	assert_driver("0000:00:01.0", "pcieport");	/* the bridge stays */
	assert_driver("0000:02:00.0", "vfio-pci");
	assert_override("0000:01:00.1", "vfio-pci");
	assert_override("0000:02:00.0", "vfio-pci");
	assert_file("/sys/bus/pci/drivers/snd_hda_intel/unbind", "0000:01:00.1");
	/* written ahead: what each had, and who holds it */
	{
		struct host_state hs;

		assert_int_equal(host_state_load(f.prep.state_file, &hs, &err), 0);
		assert_int_equal(hs.nr_pci, 4);
		assert_string_equal(hs.pci[0].addr, "0000:01:00.0");
		assert_string_equal(hs.pci[0].driver, "amdgpu");
		assert_string_equal(hs.pci[0].override, "");
		assert_null(hs.pci[2].driver);	/* the USB controller had none */
		assert_string_equal(hs.pci[3].override, "nvme");
		check_argv(&host_state_holder(&hs, "a")->vfio, "0000:01:00.0", "0000:01:00.1", "0000:01:00.2",
			   "0000:02:00.0");
		host_state_release(&hs);
	}
	st = host_prep_status(f.prep.state_file, &err);
	text = json_dumps(json_object_get(json_object_get(st, "vfio"), "0000:01:00.1"), JSON_SORT_KEYS);
	assert_string_equal(text, "{\"current\": \"vfio-pci\", \"driver_override\": \"\", \"holders\": [\"a\"], "
			    "\"original\": \"snd_hda_intel\"}");
	free(text);
	json_decref(st);

	assert_int_equal(host_prep_unhold(&f.prep, "a", &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_pci_original();
	assert_file("/run/host.json", "");

	/* two VMs whose devices share an IOMMU group: the group goes back with the last one */
	vm_config_release(&a);
	pci_vm(&a, "0000:01:00.0", "");
	pci_vm(&b, "0000:01:00.1", "");
	alive("b");
	assert_int_equal(host_prep_hold(&f.prep, "a", &a, NULL, &err), 0);
	assert_int_equal(host_prep_hold(&f.prep, "b", &b, NULL, &err), 0);
	assert_int_equal(host_prep_unhold(&f.prep, "a", &err), 0);
	assert_driver("0000:01:00.0", "vfio-pci");	/* b still holds the group */
	assert_driver("0000:01:00.1", "vfio-pci");
	assert_driver("0000:01:00.2", "vfio-pci");
	assert_int_equal(host_prep_unhold(&f.prep, "b", &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_pci_original();
	assert_file("/run/host.json", "");
	vm_config_release(&a);
	vm_config_release(&b);
	teardown(&f);
	remove_tree();
	err_release(&err);
}

/*
 * A holder whose QEMU is gone (kill -9) gives the group back on the next
 * call; so does a host.json a killed 'up' left after recording (before or
 * after the bind). A dry run lists the swaps and makes none; managed = false
 * holds nothing.
 */
static void test_host_prep_vfio_recovery(void **state)
{
	struct fixture f;
	struct vm_config a, m;
	struct err err = ERR_INIT;

	(void)state;
	make_pci_tree();
	setup_with(&f, 1, "");
	pci_vm(&a, "0000:01:00.0", "");
	assert_int_equal(host_prep_hold(&f.prep, "gone", &a, NULL, &err), 0);
	check_argv(&f.prep.changes, "/sys/bus/pci/devices/0000:01:00.0/driver: amdgpu -> vfio-pci",
		   "/sys/bus/pci/devices/0000:01:00.1/driver: snd_hda_intel -> vfio-pci",
		   "/sys/bus/pci/devices/0000:01:00.2/driver: (none) -> vfio-pci");
	assert_pci_original();
	assert_file("/run/host.json", "");
	host_prep_release(&f.prep);
	vm_host_prep_init(&f.prep, &f.hc, &f.topo, 0);

	/* its QEMU is gone: the next call gives everything back */
	assert_int_equal(host_prep_hold(&f.prep, "gone", &a, NULL, &err), 0);
	assert_driver("0000:01:00.1", "vfio-pci");
	assert_int_equal(host_prep_reconcile(&f.prep, &err), 0);
	assert_string_equal(f.prep.notes.v[f.prep.notes.nr - 1], "released what 'gone' held: its QEMU is gone");
	assert_pci_original();
	assert_file("/run/host.json", "");

	/* killed after recording, before the bind: nothing to undo, nothing goes wrong */
	put("/run/host.json", "{\"knobs\": {}, \"holders\": {\"dead\": {\"cpus\": [], \"vfio\": [\"0000:01:00.1\"]}}, "
	    "\"mounts\": [], \"vfio\": {\"0000:01:00.1\": {\"driver\": \"snd_hda_intel\", \"driver_override\": \"\"}}}");
	assert_int_equal(host_prep_reconcile(&f.prep, &err), 0);
	assert_pci_original();
	assert_file("/run/host.json", "");
	/* killed half-way through the bind: driver_override set, unbound */
	put("/sys/bus/pci/devices/0000:01:00.1/driver_override", "vfio-pci\n");
	{
		char *l = xstrfmt("%s/sys/bus/pci/devices/0000:01:00.1/driver", root);

		unlink(l);
		free(l);
	}
	put("/run/host.json", "{\"knobs\": {}, \"holders\": {\"dead\": {\"cpus\": [], \"vfio\": [\"0000:01:00.1\"]}}, "
	    "\"mounts\": [], \"vfio\": {\"0000:01:00.1\": {\"driver\": \"snd_hda_intel\", \"driver_override\": \"\"}}}");
	assert_int_equal(host_prep_reconcile(&f.prep, &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_pci_original();

	/* managed = false: the user binds; mvlaunch touches nothing */
	pci_vm(&m, "0000:01:00.0", "managed = false\n");
	assert_int_equal(host_prep_managed(&m), 0);
	alive("m");
	assert_int_equal(host_prep_hold(&f.prep, "m", &m, NULL, &err), 0);
	assert_pci_original();
	assert_int_equal(host_prep_unhold(&f.prep, "m", &err), 0);
	vm_config_release(&a);
	vm_config_release(&m);
	teardown(&f);
	remove_tree();
	err_release(&err);
}

/* A function that will not bind fails the hold, and the functions bound before it go back. */
static void test_host_prep_vfio_bind_fails(void **state)
{
	struct fixture f;
	struct vm_config a;
	struct err err = ERR_INIT;
	char *p;

	(void)state;
	make_pci_tree();
	setup_with(&f, 0, "");
	pci_vm(&a, "0000:01:00.0", "");
	alive("a");
	/* the USB controller's driver_override cannot be written (a kernel without it, say) */
	p = xstrfmt("%s/sys/bus/pci/devices/0000:01:00.2/driver_override", root);
	unlink(p);
	free(p);
	assert_int_equal(host_prep_hold(&f.prep, "a", &a, NULL, &err), -1);
	assert_non_null(strstr(err.msg.buf, "cannot write 'vfio-pci' to '"));
	assert_non_null(strstr(err.msg.buf, "/sys/bus/pci/devices/0000:01:00.2/driver_override': No such file or directory"));
	assert_non_null(strstr(err_text(&err), "hint: see 'dmesg'"));
	assert_driver("0000:01:00.0", "amdgpu");
	assert_driver("0000:01:00.1", "snd_hda_intel");
	assert_override("0000:01:00.1", "(null)");
	assert_file("/run/host.json", "");
	vm_config_release(&a);
	teardown(&f);
	remove_tree();
	err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_prep_two_vms),
		cmocka_unit_test(test_host_prep_dry_run),
		cmocka_unit_test(test_host_prep_reconcile_and_corrupt),
		cmocka_unit_test(test_host_prep_untrusted),
		cmocka_unit_test(test_host_prep_pools),
		cmocka_unit_test(test_host_prep_write_ahead),
		cmocka_unit_test(test_host_prep_concurrent),
		cmocka_unit_test(test_host_prep_shortfall),
		cmocka_unit_test(test_host_prep_shield_cgroup1),
		cmocka_unit_test(test_host_prep_shield_cgroup2),
		cmocka_unit_test(test_host_prep_vfio_names),
		cmocka_unit_test(test_host_prep_vfio_swap),
		cmocka_unit_test(test_host_prep_vfio_recovery),
		cmocka_unit_test(test_host_prep_vfio_bind_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
