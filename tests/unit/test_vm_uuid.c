/*
 * test_vm_uuid.c - unit tests for launcher/vm/vm_uuid.c: a VM's UUID is the
 * same before and after it is kept, differs between VMs and hosts, follows
 * the kept file from then on, and a kept file that holds no UUID is an
 * error naming it (never silently replaced: Windows activation hangs on it).
 */
#include "tests/unit/unit.h"
#include "launcher/vm/vm_uuid.h"
#include "util/wrapper.h"

static char tmp[64];

static int setup(void **state)
{
	char path[128];

	(void)state;
	if (unit_runtime_tmp(tmp, "mvl-vm-uuid", 1) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/state", tmp);
	setenv("MVLAUNCH_STATEDIR", path, 1);
	snprintf(path, sizeof(path), "%s/sys", tmp);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sys/etc", tmp);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/sys", tmp);
	setenv("MVLAUNCH_SYSROOT", path, 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unit_runtime_tmp_remove(tmp, NULL);
	unsetenv("MVLAUNCH_STATEDIR");
	unsetenv("MVLAUNCH_SYSROOT");
	return 0;
}

static void machine_id(const char *id)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/sys/etc/machine-id", tmp);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "%s\n", id);
	fclose(f);
}

static char *get(const char *name, int want_kept)
{
	struct err err = ERR_INIT;
	char *uuid;
	int kept;

	assert_int_equal(vm_uuid_get(name, &uuid, &kept, &err), 0);
	assert_int_equal(kept, want_kept);
	assert_int_equal(strlen(uuid), 36);
	assert_int_equal(uuid[14], '8');	/* version 8 when made here */
	assert_true(strchr("89ab", uuid[19]) != NULL);	/* the RFC 9562 variant */
	err_release(&err);
	return uuid;
}

static void test_vm_uuid_made_then_kept(void **state)
{
	struct err err = ERR_INIT;
	char *a, *a2, *b, *other, path[128];
	struct stat st;

	(void)state;
	machine_id("0123456789abcdef0123456789abcdef");
	a = get("win11", 0);
	a2 = get("win11", 0);
	assert_string_equal(a, a2);	/* the same every time: 'argv' shows what 'up' keeps */
	b = get("router", 0);
	assert_string_not_equal(a, b);
	machine_id("fedcba9876543210fedcba9876543210");
	other = get("win11", 0);
	assert_string_not_equal(a, other);	/* another host, another machine */

	/* kept: from now on the file, whatever the machine id */
	assert_int_equal(vm_uuid_keep("win11", a, &err), 0);
	snprintf(path, sizeof(path), "%s/state/win11", tmp);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	free(a2);
	a2 = get("win11", 1);
	assert_string_equal(a2, a);
	free(a);
	free(a2);
	free(b);
	free(other);
	err_release(&err);
}

static void test_vm_uuid_kept_file(void **state)
{
	struct err err = ERR_INIT;
	char path[128], *uuid;
	int kept;
	FILE *f;

	(void)state;
	assert_int_equal(vm_uuid_keep("vm1", "9b2e6f1c-3d4a-4b5c-8d7e-0f1a2b3c4d5e", &err), 0);
	/* a UUID written by hand, in capitals, is read and lowercased */
	snprintf(path, sizeof(path), "%s/state/vm1/uuid", tmp);
	f = fopen(path, "w");
	fputs("9B2E6F1C-3D4A-4B5C-8D7E-0F1A2B3C4D5F\n", f);
	fclose(f);
	assert_int_equal(vm_uuid_get("vm1", &uuid, &kept, &err), 0);
	assert_string_equal(uuid, "9b2e6f1c-3d4a-4b5c-8d7e-0f1a2b3c4d5f");
	assert_int_equal(kept, 1);
	free(uuid);

	f = fopen(path, "w");
	fputs("not-a-uuid\n", f);
	fclose(f);
	assert_int_equal(vm_uuid_get("vm1", &uuid, &kept, &err), -1);
	assert_null(uuid);
	{
		char *want = xstrfmt("'%s' does not hold a UUID: 'not-a-uuid' is not a UUID like "
				     "\"9b2e6f1c-3d4a-4b5c-8d7e-0f1a2b3c4d5e\"\nhint: write the VM's UUID into it (Windows may "
				     "ask for activation again if it changes), or set smbios.uuid in the config", path);

		assert_string_equal(err_text(&err), want);
		free(want);
	}
	vm_uuid_forget("vm1");
	assert_int_equal(access(path, F_OK), -1);
	err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_uuid_made_then_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_uuid_kept_file, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
