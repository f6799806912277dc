/*
 * test_vm_cgroup.c - unit tests for launcher/host/vm_cgroup.c on fake trees
 * ($MVLAUNCH_SYSROOT): where a VM's cgroup goes on cgroup v2 and v1 (never
 * in cpuset; a "cpu,cpuacct" mount counted once; real-time VMs out of the
 * cpu hierarchy), its limits written in the kernel's spelling and read back,
 * a value that does not read back refused, the record's checks, removal.
 */
#include "tests/unit/unit.h"
#include "launcher/host/vm_cgroup.h"
#include "util/wrapper.h"

static char root[64];

static int setup(void **state)
{
	(void)state;
	tree_make(root, "mvl-cgroup");
	setenv("MVLAUNCH_CGROUP_ROOT", "/machine.slice", 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tree_remove(root);
	unsetenv("MVLAUNCH_SYSROOT");
	unsetenv("MVLAUNCH_CGROUP_ROOT");
	return 0;
}

static char *slurp(const char *rel)
{
	char *p = xstrfmt("%s%s", root, rel);
	struct strbuf sb = STRBUF_INIT;

	assert_true(strbuf_read_file(&sb, p, 4096, 0) >= 0);
	free(p);
	while (sb.len && sb.buf[sb.len - 1] == '\n')
		strbuf_setlen(&sb, sb.len - 1);
	return strbuf_detach(&sb);
}

static void test_vm_cgroup_v2(void **state)
{
	struct vm_cgroup cg = VM_CGROUP_INIT;
	struct vm_cgroup_limits want = { 800, 250, UINT64_C(9) << 30, UINT64_C(8) << 30 }, got;
	struct err err = ERR_INIT;
	struct strvec procs = STRVEC_INIT;
	const char *dir = "/sys/fs/cgroup/machine.slice/mvlaunch-vm1";
	char *v, *path;

	(void)state;
	tree_put(root, "/sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory pids\n");
	assert_int_equal(vm_cgroup_plan(&cg, "vm1", 0, &want, &err), 0);
	assert_int_equal(cg.backend, VM_CGROUP_V2);
	assert_int_equal(cg.dirs.nr, 1);
	assert_string_equal(cg.dirs.v[0], "/sys/fs/cgroup/machine.slice/mvlaunch-vm1");
	/* a fake tree's mkdir makes cgroup.procs; the limit files are the kernel's: stand-ins here */
	assert_int_equal(vm_cgroup_create(&cg, &(struct vm_cgroup_limits){ 0 }, &err), 0);
	for (size_t i = 0; i < 4; i++) {
		static const char *const f[] = { "cpu.weight", "cpu.max", "memory.max", "memory.high" };
		char *rel = xstrfmt("%s/%s", dir, f[i]);

		tree_put(root, rel, "");
		free(rel);
	}
	assert_int_equal(vm_cgroup_set(&cg, &want, &err), 0);
	assert_string_equal((v = slurp("/sys/fs/cgroup/machine.slice/mvlaunch-vm1/cpu.weight")), "800");
	free(v);
	assert_string_equal((v = slurp("/sys/fs/cgroup/machine.slice/mvlaunch-vm1/cpu.max")), "250000 100000");
	free(v);
	assert_string_equal((v = slurp("/sys/fs/cgroup/machine.slice/mvlaunch-vm1/memory.max")), "9663676416");
	free(v);
	assert_int_equal(vm_cgroup_read(&cg, &got, &err), 0);
	assert_true(got.cpu_weight == 800 && got.cpu_max_pct == 250 && got.memory_max == want.memory_max &&
		    got.memory_high == want.memory_high);
	vm_cgroup_procs(&cg, &procs);
	path = xstrfmt("%s%s/cgroup.procs", root, dir);
	assert_int_equal(procs.nr, 1);
	assert_string_equal(procs.v[0], path);
	free(path);
	v = vm_cgroup_path(&cg);
	assert_string_equal(v, "/machine.slice/mvlaunch-vm1");
	free(v);
	/* "max" reads as no limit */
	tree_put(root, "/sys/fs/cgroup/machine.slice/mvlaunch-vm1/memory.high", "max\n");
	assert_int_equal(vm_cgroup_read(&cg, &got, &err), 0);
	assert_true(got.memory_high == 0);
	strvec_clear(&procs);
	vm_cgroup_release(&cg);
	err_release(&err);
}

static void test_vm_cgroup_v1(void **state)
{
	struct vm_cgroup cg = VM_CGROUP_INIT;
	struct vm_cgroup_limits want = { 800, 150, 0, 0 };
	struct err err = ERR_INIT;
	char link[128];

	(void)state;
	/* cpu and cpuacct links to one "cpu,cpuacct" mount, as most distributions have it */
	tree_put(root, "/sys/fs/cgroup/cpu,cpuacct/tasks", "");
	tree_put(root, "/sys/fs/cgroup/memory/tasks", "");
	tree_put(root, "/sys/fs/cgroup/blkio/tasks", "");
	tree_put(root, "/sys/fs/cgroup/cpuset/tasks", "");
	snprintf(link, sizeof(link), "%s/sys/fs/cgroup/cpu", root);
	assert_int_equal(symlink("cpu,cpuacct", link), 0);
	snprintf(link, sizeof(link), "%s/sys/fs/cgroup/cpuacct", root);
	assert_int_equal(symlink("cpu,cpuacct", link), 0);
	assert_int_equal(vm_cgroup_plan(&cg, "vm1", 0, &want, &err), 0);
	assert_int_equal(cg.backend, VM_CGROUP_V1);
	assert_int_equal(cg.dirs.nr, 3);	/* never cpuset: the shield's */
	assert_string_equal(cg.dirs.v[0], "/sys/fs/cgroup/cpu,cpuacct/machine.slice/mvlaunch-vm1");
	assert_string_equal(cg.dirs.v[1], "/sys/fs/cgroup/memory/machine.slice/mvlaunch-vm1");
	assert_string_equal(cg.dirs.v[2], "/sys/fs/cgroup/blkio/machine.slice/mvlaunch-vm1");
	vm_cgroup_release(&cg);
	/* a real-time VM stays out of the cpu hierarchy, and then takes no CPU limits */
	assert_int_equal(vm_cgroup_plan(&cg, "vm1", 1, &want, &err), -1);
	assert_non_null(strstr(err.msg.buf, "real-time threads (fifo, rr) need the root cpu cgroup's RT time"));
	vm_cgroup_release(&cg);
	err_reset(&err);
	assert_int_equal(vm_cgroup_plan(&cg, "vm1", 1, &(struct vm_cgroup_limits){ 0 }, &err), 0);
	assert_int_equal(cg.no_cpu, 1);
	assert_int_equal(cg.dirs.nr, 2);
	vm_cgroup_release(&cg);
	/* v1's spelling: shares, the CFS quota; a value the kernel does not show back is an error */
	assert_int_equal(vm_cgroup_plan(&cg, "vm1", 0, &want, &err), 0);
	assert_int_equal(vm_cgroup_create(&cg, &(struct vm_cgroup_limits){ 0 }, &err), 0);
	tree_put(root, "/sys/fs/cgroup/cpu,cpuacct/machine.slice/mvlaunch-vm1/cpu.shares", "");
	tree_put(root, "/sys/fs/cgroup/cpu,cpuacct/machine.slice/mvlaunch-vm1/cpu.cfs_period_us", "");
	assert_int_equal(vm_cgroup_set(&cg, &want, &err), -1);	/* no cpu.cfs_quota_us */
	assert_non_null(strstr(err.msg.buf, "cpu.cfs_quota_us"));
	{
		char *v = slurp("/sys/fs/cgroup/cpu,cpuacct/machine.slice/mvlaunch-vm1/cpu.shares");

		assert_string_equal(v, "8192");
		free(v);
	}
	vm_cgroup_release(&cg);
	err_release(&err);
}

static void test_vm_cgroup_record(void **state)
{
	struct vm_cgroup cg = VM_CGROUP_INIT, back = VM_CGROUP_INIT;
	struct err err = ERR_INIT;
	json_t *o;

	(void)state;
	tree_put(root, "/sys/fs/cgroup/cgroup.controllers", "cpu memory\n");
	assert_int_equal(vm_cgroup_plan(&cg, "vm1", 0, &(struct vm_cgroup_limits){ 0 }, &err), 0);
	o = vm_cgroup_to_json(&cg);
	assert_int_equal(vm_cgroup_from_json(&back, o, &err), 0);
	assert_string_equal(back.dirs.v[0], cg.dirs.v[0]);
	assert_int_equal(back.backend, VM_CGROUP_V2);
	vm_cgroup_release(&back);
	/* a record naming anything but a VM cgroup mvlaunch makes is refused: it would be rmdir'ed */
	json_array_set_new(json_object_get(o, "dirs"), 0, json_string("/sys/fs/cgroup/system.slice"));
	assert_int_equal(vm_cgroup_from_json(&back, o, &err), -1);
	assert_string_equal(err.msg.buf, "the cgroup record names no cgroup mvlaunch makes");
	vm_cgroup_release(&back);
	err_reset(&err);
	json_array_set_new(json_object_get(o, "dirs"), 0, json_string("/sys/fs/cgroup/../../etc/mvlaunch-vm1"));
	assert_int_equal(vm_cgroup_from_json(&back, o, &err), -1);
	vm_cgroup_release(&back);
	json_decref(o);
	/* removal: the directory goes; a missing one is fine */
	assert_int_equal(vm_cgroup_create(&cg, &(struct vm_cgroup_limits){ 0 }, &err), 0);
	assert_int_equal(vm_cgroup_remove(&cg, &err), 0);
	{
		char *p = xstrfmt("%s/sys/fs/cgroup/machine.slice/mvlaunch-vm1", root);

		assert_int_equal(access(p, F_OK), -1);
		free(p);
	}
	assert_int_equal(vm_cgroup_remove(&cg, &err), 0);
	vm_cgroup_release(&cg);
	err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_cgroup_v2, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_cgroup_v1, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_cgroup_record, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
