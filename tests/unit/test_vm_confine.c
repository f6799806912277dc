/*
 * test_vm_confine.c - unit tests for launcher/vm/vm_confine.c: the plan of
 * QEMU's private /dev (a node of the user's own for each device, the links
 * on the way as they are, the host's mounts under /dev bound in, a file
 * under /dev that no mount brings bound by itself, nothing twice), which
 * paths move from the host grants to that /dev, and RLIMIT_MEMLOCK. The
 * /dev entries it makes for the test are removed after it. Needs root.
 */
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "tests/unit/unit.h"
#include "launcher/vm/vm_confine.h"
#include "util/err.h"
#include "util/wrapper.h"

static char link_path[64], file_path[64];

static int setup(void **state)
{
	(void)state;
	snprintf(link_path, sizeof(link_path), "/dev/mvl-unit-%d-link", (int)getpid());
	snprintf(file_path, sizeof(file_path), "/dev/mvl-unit-%d-file", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(link_path);
	unlink(file_path);
	return 0;
}

static const struct qemu_ns_op *find(const struct vm_ns *ns, const char *path)
{
	const struct qemu_ns_op *hit = NULL;

	for (size_t i = 0; i < ns->nr; i++)
		if (!strcmp(ns->ops[i].path, path)) {
			assert_null(hit);	/* nothing twice */
			hit = &ns->ops[i];
		}
	return hit;
}

static void test_vm_confine_ns(void **state)
{
	struct grant_list devs = GRANT_LIST_INIT, others = GRANT_LIST_INIT;
	struct qemu_user u = { (char *)"q", 4242, 4343, NULL, 0 };
	struct vm_ns ns = VM_NS_INIT;
	struct err err = ERR_INIT;
	const struct qemu_ns_op *op;
	struct stat dev, zero;

	(void)state;
	if (geteuid() != 0 || stat("/dev/loop-control", &dev) < 0 || stat("/dev/zero", &zero) < 0 ||
	    symlink("loop-control", link_path) < 0)
		skip();
	tree_put("", file_path, "lg");
	grant_list_add(&devs, link_path, GRANT_R, "link");	/* a by-id name: the link, then its node */
	grant_list_add(&devs, "/dev/loop-control", GRANT_R | GRANT_W, "disk.path");
	grant_list_add(&devs, "/dev/zero", GRANT_R, "disk.path");
	grant_list_add(&others, file_path, GRANT_R | GRANT_W, "looking_glass.path");
	grant_list_add(&others, "/tmp", GRANT_X, "elsewhere");
	assert_int_equal(vm_confine_ns(&devs, &others, &u, "/run/x/vm", &ns, &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_string_equal(ns.ns.stage, "/run/x/vm");
	assert_int_equal(ns.ns.ro_sys, 1);
	assert_int_equal(ns.ns.nr_ops, ns.nr);
	/* the standard nodes: the host's numbers, root's, 0666 */
	op = find(&ns, "/dev/null");
	assert_non_null(op);
	assert_int_equal(op->kind, QEMU_NS_NODE);
	assert_int_equal(op->mode, S_IFCHR | 0666);
	assert_int_equal(op->uid, 0);
	op = find(&ns, "/dev/fd");
	assert_int_equal(op->kind, QEMU_NS_LINK);
	assert_string_equal(op->target, "/proc/self/fd");
	/* the link as it is, its node the user's: read-write wins over the link's read-only */
	op = find(&ns, link_path);
	assert_non_null(op);
	assert_int_equal(op->kind, QEMU_NS_LINK);
	assert_string_equal(op->target, "loop-control");
	op = find(&ns, "/dev/loop-control");
	assert_int_equal(op->kind, QEMU_NS_NODE);
	assert_int_equal(op->rdev, dev.st_rdev);
	assert_int_equal(op->uid, 4242);
	assert_int_equal(op->gid, 4343);
	assert_int_equal(op->mode, S_IFCHR | 0600);
	/* /dev/zero is also a standard node (root's 0666): the first one made stays */
	op = find(&ns, "/dev/zero");
	assert_int_equal(op->rdev, zero.st_rdev);
	assert_int_equal(op->uid, 0);
	assert_int_equal(op->mode, S_IFCHR | 0666);
	/* a file under /dev no mount brings: bound by itself; a path outside /dev: nothing */
	op = find(&ns, file_path);
	assert_non_null(op);
	assert_int_equal(op->kind, QEMU_NS_BIND);
	assert_string_equal(op->target, file_path);
	assert_null(find(&ns, "/tmp"));
	/* the host's mounts under /dev, where it has them */
	{
		struct stat a, b;

		if (stat("/dev/shm", &a) == 0 && stat("/dev", &b) == 0 && a.st_dev != b.st_dev) {
			op = find(&ns, "/dev/shm");
			assert_non_null(op);
			assert_int_equal(op->kind, QEMU_NS_BIND);
		}
	}
	vm_confine_ns_release(&ns);
	grant_list_clear(&devs);
	grant_list_clear(&others);
	err_release(&err);
}

static void test_vm_confine_ns_refused(void **state)
{
	struct grant_list devs = GRANT_LIST_INIT;
	struct qemu_user u = { (char *)"q", 4242, 4343, NULL, 0 };
	struct vm_ns ns = VM_NS_INIT;
	struct err err = ERR_INIT;

	(void)state;
	if (geteuid() != 0 || symlink("/etc/hostname", link_path) < 0)
		skip();
	grant_list_add(&devs, link_path, GRANT_R, "link");
	assert_int_equal(vm_confine_ns(&devs, NULL, &u, "/run/x/vm", &ns, &err), -1);
	{
		char *want = xstrfmt("'%s' leads out of /dev: QEMU's private /dev cannot hold it", link_path);

		assert_string_equal(err.msg.buf, want);
		free(want);
	}
	vm_confine_ns_release(&ns);
	grant_list_clear(&devs);
	err_release(&err);
}

static void test_vm_confine_memlock(void **state)
{
	struct vm_config cfg;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.mem_bytes = 4ULL << 30;
	assert_true(vm_confine_memlock(&cfg) == 0);	/* nothing locked: the limit stays */
	cfg.locked = 1;
	assert_true(vm_confine_memlock(&cfg) == (5ULL << 30));
	cfg.locked = 0;
	cfg.nr_pci = 1;
	cfg.lg.enable = 1;
	cfg.lg.size = 64ULL << 20;
	assert_true(vm_confine_memlock(&cfg) == (5ULL << 30) + (64ULL << 20));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_confine_ns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_confine_ns_refused, setup, teardown),
		cmocka_unit_test(test_vm_confine_memlock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
