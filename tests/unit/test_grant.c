/*
 * test_grant.c - unit tests for launcher/host/grant.c (dynamic ownership)
 * and launcher/host/qemu_user.c (the account files): a root-only file is
 * granted to a user (user "nobody" plays QEMU's) by an ACL entry recorded
 * with its original first, and put back exactly (mode, no ACL; an ACL it
 * had, entry for entry) when its last holder drops it; a file replaced
 * meanwhile is left alone; a directory the user cannot search is named; a
 * failed grant to a running VM takes back only its own.
 * 'host setup' on a fake /etc ($MVLAUNCH_ETC): the exact lines it adds,
 * kvm membership, and nothing on a second run. Needs root (skips else).
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sys/fsuid.h>
#include <sys/acl.h>
#include <acl/libacl.h>

#include "tests/unit/unit.h"
#include "launcher/host/grant.h"
#include "launcher/host/host_prep.h"
#include "launcher/host/qemu_user.h"
#include "launcher/vm/vm_host.h"
#include "util/err.h"
#include "util/wrapper.h"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/mvl-grant-XXXXXX");
	if (!mkdtemp(tmp))
		return -1;
	chmod(tmp, 0711);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tree_remove(tmp);
	unsetenv("MVLAUNCH_ETC");
	return 0;
}

static char *acl_text(const char *path)
{
	acl_t a = acl_get_file(path, ACL_TYPE_ACCESS);
	char *t, *out;

	assert_non_null(a);
	t = acl_to_any_text(a, NULL, ',', 0);
	out = xstrdup(t);
	acl_free(t);
	acl_free(a);
	return out;
}

static char *slurp_file(const char *path)
{
	struct strbuf sb = STRBUF_INIT;

	assert_true(strbuf_read_file(&sb, path, 1 << 20, 0) >= 0);
	return strbuf_detach(&sb);
}

static int saves;
static char *acl_at_save;	/* the ACL of the file 'data' names at the first save */
static int count_save(void *data, struct err *err)
{
	(void)err;
	if (!saves++ && data)
		acl_at_save = acl_text(data);
	return 0;
}

static void nobody(struct qemu_user *u)
{
	struct err err = ERR_INIT;

	assert_int_equal(qemu_user_lookup("nobody", u, &err), 0);
	err_release(&err);
}

static void test_grant_hold_drop(void **state)
{
	struct host_state st = HOST_STATE_INIT;
	struct grant_list l = GRANT_LIST_INIT;
	struct strvec changes = STRVEC_INIT, notes = STRVEC_INIT;
	struct err err = ERR_INIT;
	struct qemu_user u;
	char *disk = xstrfmt("%s/disk.img", tmp), *iso = xstrfmt("%s/cd.iso", tmp), *t, *want;
	acl_t a;
	int errs[2];

	(void)state;
	if (geteuid() != 0)
		skip();
	nobody(&u);
	tree_put("", disk, "x");
	tree_put("", iso, "y");
	chmod(disk, 0600);
	chmod(iso, 0640);
	/* the ISO has an ACL of its own already: it must come back entry for entry */
	a = acl_from_text("user::rw-,user:daemon:r--,group::r--,mask::r--,other::---");
	assert_int_equal(acl_set_file(iso, ACL_TYPE_ACCESS, a), 0);
	acl_free(a);
	grant_list_add(&l, disk, GRANT_R, "disk.path");
	grant_list_add(&l, disk, GRANT_W, "disk.path");	/* the same path again widens it */
	grant_list_add(&l, iso, GRANT_R, "cdrom path");
	assert_int_equal(l.nr, 2);
	assert_int_equal(grant_check(&u, &l, errs, &err), 0);
	assert_int_equal(errs[0], EACCES);
	assert_int_equal(errs[1], EACCES);

	saves = 0;
	assert_int_equal(grant_hold(&st, "win", &u, &l, errs, count_save, disk, &changes, &err), 0);
	assert_string_equal(err.msg.buf, "");
	/* one write: the record, before the change (every change to st is saved as it is made) */
	assert_int_equal(saves, 1);
	assert_string_equal(acl_at_save, "user::rw-,group::---,other::---");
	free(acl_at_save);
	acl_at_save = NULL;
	assert_int_equal(st.nr_grants, 2);
	assert_int_equal(st.grants[0].mode, 0600);
	assert_null(st.grants[0].acl);
	assert_string_equal(st.grants[1].acl, "user::rw-,user:daemon:r--,group::r--,mask::r--,other::---");
	t = acl_text(disk);
	want = xstrfmt("user::rw-,user:nobody:rw-,group::---,mask::rw-,other::---");
	assert_string_equal(t, want);
	free(t);
	free(want);
	assert_int_equal(grant_check(&u, &l, errs, &err), 0);
	assert_int_equal(errs[0], 0);
	assert_int_equal(errs[1], 0);
	{
		char *c1 = xstrfmt("grant %s: user nobody rw- (ACL)", disk), *c2 = xstrfmt("grant %s: user nobody r-- (ACL)", iso);

		check_argv(&changes, c1, c2);
		free(c1);
		free(c2);
	}
	/* a second VM on the same files (reachable now, through win's grants): no new record, both hold them */
	saves = 0;
	assert_int_equal(grant_hold(&st, "lin", &u, &l, errs, count_save, NULL, &changes, &err), 0);
	assert_int_equal(st.nr_grants, 2);
	assert_int_equal(saves, 1);	/* lin is a holder now */
	/* the same again: nothing new to record, no write */
	saves = 0;
	assert_int_equal(grant_hold(&st, "lin", &u, &l, errs, count_save, NULL, &changes, &err), 0);
	assert_int_equal(saves, 0);
	assert_int_equal(grant_drop(&st, "win", &notes), 0);
	t = acl_text(disk);
	assert_non_null(strstr(t, "user:nobody:rw-"));
	free(t);
	assert_int_equal(grant_drop(&st, "lin", &notes), 2);
	assert_int_equal(st.nr_grants, 0);
	t = acl_text(disk);
	assert_string_equal(t, "user::rw-,group::---,other::---");
	free(t);
	t = acl_text(iso);
	assert_string_equal(t, "user::rw-,user:daemon:r--,group::r--,mask::r--,other::---");
	free(t);
	assert_int_equal(notes.nr, 0);

	/* a file replaced while granted (another inode) is left as it is, with a note */
	assert_int_equal(grant_check(&u, &l, errs, &err), 0);
	assert_int_equal(grant_hold(&st, "win", &u, &l, errs, count_save, NULL, &changes, &err), 0);
	{
		/* made while the old one exists, so it cannot reuse its inode */
		char *other = xstrfmt("%s.new", disk);

		tree_put("", other, "new");
		chmod(other, 0644);
		assert_int_equal(rename(other, disk), 0);
		free(other);
	}
	grant_drop(&st, "win", &notes);
	assert_int_equal(notes.nr, 1);
	want = xstrfmt("'%s' is another file than the one granted to QEMU's user: left as it is", disk);
	assert_string_equal(notes.v[0], want);
	free(want);
	assert_int_equal(st.nr_grants, 0);

	host_state_release(&st);
	grant_list_clear(&l);
	strvec_clear(&changes);
	strvec_clear(&notes);
	qemu_user_release(&u);
	err_release(&err);
	free(disk);
	free(iso);
}

static void test_grant_blocked(void **state)
{
	struct host_state st = HOST_STATE_INIT;
	struct grant_list l = GRANT_LIST_INIT;
	struct strvec changes = STRVEC_INIT, notes = STRVEC_INIT;
	struct err err = ERR_INIT;
	struct qemu_user u;
	char *dir = xstrfmt("%s/private", tmp), *disk = xstrfmt("%s/private/disk.img", tmp), *want, *t;
	int errs[1];

	(void)state;
	if (geteuid() != 0)
		skip();
	nobody(&u);
	mkdir(dir, 0700);
	tree_put("", disk, "x");
	chmod(disk, 0600);
	grant_list_add(&l, disk, GRANT_R | GRANT_W, "disk.path");
	assert_int_equal(grant_check(&u, &l, errs, &err), 0);
	assert_int_equal(errs[0], EACCES);
	assert_int_equal(grant_hold(&st, "win", &u, &l, errs, count_save, NULL, &changes, &err), 0);
	/* granted, and still out of reach: the check after names the directory */
	assert_int_equal(grant_check(&u, &l, errs, &err), 0);
	assert_int_equal(errs[0], EACCES);
	assert_int_equal(grant_explain(&u, &l, errs, &err), -1);
	want = xstrfmt("QEMU's user nobody (uid %u) cannot reach '%s' (disk.path, needs rw-): it cannot search the "
		       "directory '%s' (mode 0700, owner 0:0)", (unsigned)u.uid, disk, dir);
	assert_string_equal(err.msg.buf, want);
	free(want);
	want = xstrfmt("move the file somewhere the user can reach, or let it through that directory: "
		       "setfacl -m u:nobody:x '%s'", dir);
	assert_string_equal(err.hint.buf, want);
	free(want);
	/* the caller drops the holder: the file as it was */
	grant_drop(&st, "win", &notes);
	t = acl_text(disk);
	assert_string_equal(t, "user::rw-,group::---,other::---");
	free(t);
	host_state_release(&st);
	grant_list_clear(&l);
	strvec_clear(&changes);
	strvec_clear(&notes);
	qemu_user_release(&u);
	err_release(&err);
	free(dir);
	free(disk);
}

/*
 * A grant to a running VM ('insert', 'usb attach') that fails takes back
 * only what that call granted: the VM keeps the grants it started with
 * (before the fix, the failed call gave back all of them).
 */
static void test_grant_hot_failure(void **state)
{
	struct grant_list l1 = GRANT_LIST_INIT, l2 = GRANT_LIST_INIT;
	struct host_prep prep = HOST_PREP_INIT;
	struct host_state st;
	struct err err = ERR_INIT;
	struct qemu_user u;
	char *run = xstrfmt("%s/run", tmp), *disk = xstrfmt("%s/disk.img", tmp), *dir = xstrfmt("%s/private", tmp);
	char *iso = xstrfmt("%s/private/cd.iso", tmp), *t;

	(void)state;
	if (geteuid() != 0)
		skip();
	nobody(&u);
	setenv("MVLAUNCH_RUNDIR", run, 1);
	tree_put("", disk, "x");
	chmod(disk, 0600);
	mkdir(dir, 0700);
	tree_put("", iso, "y");
	chmod(iso, 0600);
	vm_host_prep_init(&prep, NULL, NULL, 0);
	grant_list_add(&l1, disk, GRANT_R | GRANT_W, "disk.path");
	assert_int_equal(host_prep_grant(&prep, "win", &u, &l1, &err), 0);
	t = acl_text(disk);
	assert_string_equal(t, "user::rw-,user:nobody:rw-,group::---,mask::rw-,other::---");
	free(t);

	grant_list_add(&l2, iso, GRANT_R, "cdrom");
	assert_int_equal(host_prep_grant(&prep, "win", &u, &l2, &err), -1);
	assert_non_null(strstr(err.msg.buf, "it cannot search the directory"));
	/* the ISO as it was, the disk still granted and recorded for win */
	t = acl_text(iso);
	assert_string_equal(t, "user::rw-,group::---,other::---");
	free(t);
	t = acl_text(disk);
	assert_string_equal(t, "user::rw-,user:nobody:rw-,group::---,mask::rw-,other::---");
	free(t);
	assert_int_equal(host_state_load(prep.state_file, &st, &err), 0);
	assert_int_equal(st.nr_grants, 1);
	assert_string_equal(st.grants[0].path, disk);
	assert_int_equal(st.grants[0].holders.nr, 1);
	assert_string_equal(st.grants[0].holders.v[0], "win");
	host_state_release(&st);

	assert_int_equal(host_prep_ungrant(&prep, "win", &err), 0);
	t = acl_text(disk);
	assert_string_equal(t, "user::rw-,group::---,other::---");
	free(t);
	unsetenv("MVLAUNCH_RUNDIR");
	host_prep_release(&prep);
	grant_list_clear(&l1);
	grant_list_clear(&l2);
	qemu_user_release(&u);
	err_release(&err);
	free(run);
	free(disk);
	free(dir);
	free(iso);
}

/*
 * The checks run in this process with the user's filesystem ids and groups
 * (grant.c): they see what the user would (a root-only file refused, the
 * user's own group's file allowed), and the process is itself again after
 * (fsuid and fsgid 0, its groups, and root's override of file modes back).
 */
static void test_grant_check_ids_back(void **state)
{
	struct grant_list l = GRANT_LIST_INIT;
	struct err err = ERR_INIT;
	struct qemu_user u;
	char *secret = xstrfmt("%s/secret", tmp), *shared = xstrfmt("%s/shared", tmp);
	gid_t before[256], after[256];
	int nr_before, nr_after, errs[2], fd;

	(void)state;
	if (geteuid() != 0)
		skip();
	nobody(&u);
	tree_put("", secret, "x");
	chmod(secret, 0000);
	tree_put("", shared, "y");
	assert_int_equal(chown(shared, 0, u.gid), 0);
	chmod(shared, 0060);	/* only its group may read and write it */
	grant_list_add(&l, secret, GRANT_R, "secret");
	grant_list_add(&l, shared, GRANT_R | GRANT_W, "shared");
	nr_before = getgroups(256, before);
	assert_true(nr_before >= 0);
	assert_int_equal(grant_check(&u, &l, errs, &err), 0);
	assert_int_equal(errs[0], EACCES);
	assert_int_equal(errs[1], 0);
	assert_int_equal(setfsuid((uid_t)-1), 0);
	assert_int_equal(setfsgid((gid_t)-1), 0);
	nr_after = getgroups(256, after);
	assert_int_equal(nr_after, nr_before);
	assert_memory_equal(after, before, (size_t)nr_before * sizeof(gid_t));
	fd = open(secret, O_RDONLY);	/* root reads a mode-0000 file again */
	assert_true(fd >= 0);
	close(fd);
	grant_list_clear(&l);
	qemu_user_release(&u);
	err_release(&err);
	free(secret);
	free(shared);
}

static void test_qemu_user_setup(void **state)
{
	struct strvec changes = STRVEC_INIT;
	struct err err = ERR_INIT;
	char *etc = xstrfmt("%s/etc", tmp), *f, *text;

	(void)state;
	mkdir(etc, 0755);
	setenv("MVLAUNCH_ETC", etc, 1);
	f = xstrfmt("%s/passwd", etc);
	tree_put("", f, "root:x:0:0:root:/root:/bin/bash\n+::::::\ndaemon:x:1:1::/:/usr/sbin/nologin\n"
		 "svc:x:100:100::/:/usr/sbin/nologin");	/* no newline at the end */
	free(f);
	f = xstrfmt("%s/group", etc);
	tree_put("", f, "root:x:0:\nsvc:x:100:\nkvm:x:104:alice\n");
	free(f);
	f = xstrfmt("%s/shadow", etc);
	tree_put("", f, "root:*:19000:0:99999:7:::\n");
	chmod(f, 0640);
	free(f);
	assert_int_equal(qemu_user_setup("mvlaunch-qemu", &changes, &err), 0);
	assert_string_equal(err.msg.buf, "");
	f = xstrfmt("%s/passwd", etc);
	text = slurp_file(f);
	assert_string_equal(text, "root:x:0:0:root:/root:/bin/bash\n+::::::\ndaemon:x:1:1::/:/usr/sbin/nologin\n"
			    "svc:x:100:100::/:/usr/sbin/nologin\n"
			    "mvlaunch-qemu:x:101:101:mvlaunch QEMU:/nonexistent:/usr/sbin/nologin\n");
	free(text);
	free(f);
	f = xstrfmt("%s/group", etc);
	text = slurp_file(f);
	assert_string_equal(text, "root:x:0:\nsvc:x:100:\nkvm:x:104:alice,mvlaunch-qemu\nmvlaunch-qemu:x:101:\n");
	free(text);
	free(f);
	f = xstrfmt("%s/shadow", etc);
	text = slurp_file(f);
	assert_string_equal(text, "root:*:19000:0:99999:7:::\nmvlaunch-qemu:!*:::::::\n");
	{
		struct stat sb;

		assert_int_equal(stat(f, &sb), 0);
		assert_int_equal(sb.st_mode & 07777, 0640);	/* the file's mode kept */
	}
	free(text);
	free(f);
	assert_int_equal(changes.nr, 3);
	/* again: nothing to do, nothing written */
	strvec_clear(&changes);
	assert_int_equal(qemu_user_setup("mvlaunch-qemu", &changes, &err), 0);
	assert_int_equal(changes.nr, 0);
	strvec_clear(&changes);
	err_release(&err);
	free(etc);
}

/* A user found once is answered from memory, each answer a copy of its own; a user not found is asked again. */
static void test_qemu_user_kept(void **state)
{
	struct qemu_user a, b;
	struct err err = ERR_INIT;
	struct passwd *pw = getpwnam("nobody");

	(void)state;
	assert_non_null(pw);
	qemu_user_keep("nobody");
	nobody(&a);
	nobody(&b);
	assert_string_equal(a.name, "nobody");
	assert_int_equal(a.uid, pw->pw_uid);
	assert_int_equal(a.gid, pw->pw_gid);
	assert_int_equal(a.nr_groups, b.nr_groups);
	assert_true(a.nr_groups >= 1);
	assert_ptr_not_equal(a.groups, b.groups);
	qemu_user_release(&a);
	assert_int_equal(b.groups[0], pw->pw_gid);	/* b's own copy outlives a's */
	assert_false(qemu_user_is_root("nobody"));
	assert_true(qemu_user_is_root("root"));
	qemu_user_release(&b);

	qemu_user_keep("mvl-no-such-user");
	for (int i = 0; i < 2; i++) {
		assert_int_equal(qemu_user_lookup("mvl-no-such-user", &a, &err), -1);
		assert_string_equal(err.msg.buf, "security.user 'mvl-no-such-user' is not a user on this host");
		assert_null(a.name);
		err_reset(&err);
	}
	err_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_grant_hold_drop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grant_blocked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grant_hot_failure, setup, teardown),
		cmocka_unit_test_setup_teardown(test_grant_check_ids_back, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_user_setup, setup, teardown),
		cmocka_unit_test(test_qemu_user_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
