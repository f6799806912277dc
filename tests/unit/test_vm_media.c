/*
 * test_vm_media.c - unit tests for launcher/vm/vm_media.c: which drive a
 * DISK argument names, and the query-block replies it reads (through
 * qmp_drives_from_json(), the check every reply goes through).
 */
#include <jansson.h>

#include "tests/unit/unit.h"
#include "launcher/vm/vm_media.h"

static const char reply[] =
	"[{\"device\":\"\",\"qdev\":\"/machine/peripheral/disk0-dev/virtio-backend\",\"removable\":false,"
	"  \"inserted\":{\"file\":\"/vm/d.img\"}},"
	" {\"device\":\"\",\"qdev\":\"disk1-dev\",\"removable\":true,\"tray_open\":false,\"locked\":true,"
	"  \"inserted\":{\"file\":\"/iso/Win11_24H2.iso\"}},"
	" {\"device\":\"\",\"qdev\":\"disk2-dev\",\"removable\":true,\"tray_open\":true}]";

static void drives(struct qmp_drive **d, size_t *nr)
{
	json_t *j = json_loads(reply, 0, NULL);
	struct strbuf err = STRBUF_INIT;

	assert_non_null(j);
	assert_int_equal(qmp_drives_from_json(j, d, nr, &err), 0);
	json_decref(j);
	strbuf_release(&err);
}

static void test_vm_media_reply(void **state)
{
	struct qmp_drive *d;
	size_t nr;
	struct strbuf err = STRBUF_INIT;
	json_t *j;

	(void)state;
	drives(&d, &nr);
	/* the fixed disk is not a drive with media */
	assert_int_equal(nr, 2);
	assert_string_equal(d[0].qdev, "disk1-dev");
	assert_string_equal(d[0].file, "/iso/Win11_24H2.iso");
	assert_int_equal(d[0].locked, 1);
	assert_int_equal(d[0].tray_open, 0);
	assert_null(d[1].file);
	assert_int_equal(d[1].tray_open, 1);
	qmp_drives_free(d, nr);

	j = json_loads("{\"qdev\":\"x\"}", 0, NULL);
	assert_int_equal(qmp_drives_from_json(j, &d, &nr, &err), -1);
	assert_string_equal(err.buf, "QMP 'query-block': expected an array of block devices");
	json_decref(j);
	strbuf_reset(&err);
	j = json_loads("[{\"removable\":true,\"inserted\":{}}]", 0, NULL);
	assert_int_equal(qmp_drives_from_json(j, &d, &nr, &err), -1);
	assert_string_equal(err.buf, "QMP 'query-block': removable entry 0 has no qdev id or no medium file");
	json_decref(j);
	strbuf_release(&err);
}

static void expect_pick(const char *disk, int want, const char *msg)
{
	struct qmp_drive *d;
	size_t nr;
	struct err err = ERR_INIT;

	drives(&d, &nr);
	assert_int_equal(vm_media_pick(d, nr, disk, &err), want);
	if (msg)
		assert_string_equal(err_text(&err), msg);
	else
		assert_int_equal(err.msg.len, 0);
	qmp_drives_free(d, nr);
	err_release(&err);
}

static void test_vm_media_pick(void **state)
{
	char *name;

	(void)state;
	expect_pick("disk2", 1, NULL);
	expect_pick("2", 1, NULL);
	expect_pick("disk1", 0, NULL);
	expect_pick("/iso/Win11_24H2.iso", 0, NULL);
	expect_pick("Win11_24H2.iso", 0, NULL);
	expect_pick("disk0", -1, "no cdrom drive 'disk0'; the VM has disk1 (/iso/Win11_24H2.iso), disk2 (empty)"
		    "\nhint: name a drive as diskN, N being its [[disk]] table's place in the config (from 0)");
	expect_pick("", -1, "no cdrom drive ''; the VM has disk1 (/iso/Win11_24H2.iso), disk2 (empty)"
		    "\nhint: name a drive as diskN, N being its [[disk]] table's place in the config (from 0)");
	expect_pick(NULL, -1, "the VM has several cdrom drives: disk1 (/iso/Win11_24H2.iso), disk2 (empty)"
		    "\nhint: name one, e.g. 'disk1'");
	{
		char qdev[] = "disk3-dev";
		struct qmp_drive one = { .qdev = qdev };
		struct err err = ERR_INIT;

		assert_int_equal(vm_media_pick(&one, 1, NULL, &err), 0);
		assert_int_equal(vm_media_pick(&one, 0, NULL, &err), -1);
		assert_string_equal(err_text(&err), "the VM has no drive with removable media\nhint: add a [[disk]] with "
				    "media = \"cdrom\" (path = \"\" for an empty one) and restart the VM");
		err_release(&err);
	}
	name = vm_media_name("disk12-dev");
	assert_string_equal(name, "disk12");
	free(name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_media_reply),
		cmocka_unit_test(test_vm_media_pick),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
