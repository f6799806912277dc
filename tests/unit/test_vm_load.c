/*
 * test_vm_load.c - unit tests for launcher/vm/vm_load.c: a VM found by name
 * and loaded with its warnings; the driver each disk gets from what its path
 * is on the host (an image: file; /dev/null, a character device: file; a
 * missing /dev path: host_device; a block device, where the host has one
 * such as /dev/loop0: host_device); a config anyone may write refused as
 * root with the chmod as the hint; a config with errors giving them all.
 */
#include <sys/sysmacros.h>

#include "tests/unit/unit.h"
#include "launcher/vm/vm_load.h"
#include "util/wrapper.h"

static char tmp[64];
static char *vms;

static int setup(void **state)
{
	(void)state;
	if (unit_runtime_tmp(tmp, "mvl-vm-load", 1) < 0)
		return -1;
	vms = xstrfmt("%s/vms", tmp);
	mkdir(vms, 0755);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_runtime_tmp_remove(tmp, NULL);
	free(vms);
	return 0;
}

static void put_vm(const char *name, const char *text, mode_t mode)
{
	char *p = xstrfmt("%s/%s.toml", vms, name);

	tree_put("", p, text);
	chmod(p, mode);
	free(p);
}

static void test_vm_load_by_name(void **state)
{
	struct vm_dirs dirs = { .vms_dir = vms };
	struct err err = ERR_INIT;
	struct vm_config cfg;
	char *img = xstrfmt("%s/root.raw", tmp), *text;

	(void)state;
	tree_put("", img, "");
	text = xstrfmt("[machine]\naccel = \"tcg\"\n[cpu]\nmodel = \"max\"\n[memory]\nsize = \"64M\"\n"
		       "[[disk]]\npath = \"%s\"\n[[disk]]\npath = \"/dev/null\"\n[[disk]]\npath = \"/dev/mvl-no-such-lv\"\n", img);
	put_vm("d1", text, 0644);
	assert_int_equal(vm_load("d1", &dirs, &cfg, &err), 0);
	assert_string_equal(err_text(&err), "");
	assert_string_equal(cfg.name, "d1");
	assert_int_equal(cfg.nr_disks, 3);
	assert_int_equal(cfg.disks[0].node, DISK_NODE_FILE);	/* an image */
	assert_int_equal(cfg.disks[1].node, DISK_NODE_FILE);	/* a character device is no block device */
	assert_int_equal(cfg.disks[2].node, DISK_NODE_HOST_DEVICE);	/* a /dev path not there yet: an LV */
	vm_config_release(&cfg);
	free(text);
	/* a real block device, where the host has one (loop devices here; a disk elsewhere) */
	for (const char *const *dev = (const char *const[]){ "/dev/loop0", "/dev/vda", "/dev/sda", "/dev/nvme0n1", NULL };
	     *dev; dev++) {
		struct stat st;

		if (stat(*dev, &st) < 0 || !S_ISBLK(st.st_mode))
			continue;
		text = xstrfmt("[machine]\naccel = \"tcg\"\n[cpu]\nmodel = \"max\"\n[[disk]]\npath = \"%s\"\n", *dev);
		put_vm("d2", text, 0644);
		assert_int_equal(vm_load("d2", &dirs, &cfg, &err), 0);
		assert_int_equal(cfg.disks[0].node, major(st.st_rdev) == 11 ? DISK_NODE_HOST_CDROM : DISK_NODE_HOST_DEVICE);
		vm_config_release(&cfg);
		free(text);
		break;
	}
	free(img);
	err_release(&err);
}

static void test_vm_load_refused(void **state)
{
	struct vm_dirs dirs = { .vms_dir = vms };
	struct err err = ERR_INIT;
	struct vm_config cfg;
	char *want;

	(void)state;
	/* errors in the file: all of them, with file:line:col */
	put_vm("bad", "[cpu]\nvcpus = 0\n[memory]\nsize = \"lots\"\n", 0644);
	assert_int_equal(vm_load("bad", &dirs, &cfg, &err), -1);
	want = xstrfmt("%s/bad.toml:2:", vms);
	assert_true(!strncmp(err.msg.buf, want, strlen(want)));
	assert_non_null(strstr(err.msg.buf, "\n"));	/* more than one error */
	vm_config_release(&cfg);
	free(want);
	if (geteuid() == 0) {
		/* as root: a config anyone may change is not run */
		err_reset(&err);
		put_vm("open", "[machine]\naccel = \"tcg\"\n[cpu]\nmodel = \"max\"\n", 0666);
		assert_int_equal(vm_load("open", &dirs, &cfg, &err), -1);
		assert_non_null(strstr(err.msg.buf, "may be changed by group or others (mode 0666)"));
		want = xstrfmt("chmod go-w '%s/open.toml'", vms);
		assert_string_equal(err.hint.buf, want);
		free(want);
		vm_config_release(&cfg);
	}
	/* unknown: the lookup's message and hint */
	err_reset(&err);
	assert_int_equal(vm_load("nothere", &dirs, &cfg, &err), -1);
	assert_true(!strncmp(err.msg.buf, "no such VM 'nothere'", 20));
	assert_true(err.hint.len > 0);
	vm_config_release(&cfg);
	err_release(&err);
}

/* [[input]] evdev is looked at on load: a missing one is an error at its line, with 'input list' as the hint */
static void test_vm_load_input(void **state)
{
	struct vm_dirs dirs = { .vms_dir = vms };
	struct err err = ERR_INIT;
	struct vm_config cfg;
	char *want;

	(void)state;
	put_vm("in", "[machine]\naccel = \"tcg\"\n[cpu]\nmodel = \"max\"\n[[input]]\nevdev = \"/dev/null\"\n"
	       "[[input]]\ngrab_all = true\nevdev = \"/dev/input/by-id/mvl-no-such-event-kbd\"\n", 0644);
	assert_int_equal(vm_load("in", &dirs, &cfg, &err), -1);
	want = xstrfmt("%s/in.toml:9:1: key 'input[1].evdev': '/dev/input/by-id/mvl-no-such-event-kbd': "
		       "No such file or directory", vms);
	assert_string_equal(err.msg.buf, want);
	assert_string_equal(err.hint.buf, "'mvlaunch input list' shows this host's keyboards and mice");
	free(want);
	vm_config_release(&cfg);
	err_reset(&err);
	put_vm("in", "[machine]\naccel = \"tcg\"\n[cpu]\nmodel = \"max\"\n[[input]]\nevdev = \"/dev/null\"\n", 0644);
	assert_int_equal(vm_load("in", &dirs, &cfg, &err), 0);
	vm_config_release(&cfg);
	err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_load_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_load_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_load_input, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_vm_load", tests, NULL, NULL);
}
