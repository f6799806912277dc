/*
 * qemu_user.c - the unprivileged user QEMU runs as (see qemu_user.h).
 *
 * DESIGN
 * The account files are copied line by line as they are (comments, NIS
 * "+" lines and entries this code does not parse stay byte for byte); the
 * new entries are formatted by the C library's putpwent/putgrent/putspent/
 * putsgent and appended; group kvm's member list is the one line edited.
 * Files are written in the order a reader needs them (group before passwd,
 * the shadow files after their public ones), so a kill between two leaves
 * a group without its user, which the next setup completes, never a user
 * without its group.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <gshadow.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher/host/qemu_user.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define ID_MIN 100
#define ID_MAX 999

/*
 * The users this process found. The first NSS lookup of a process loads
 * its modules (libnss_systemd walks five userdb directories for each
 * getgrouplist), about 0.6 ms: a fan-out parent looks the default user up
 * before it forks (qemu_user_keep), and its workers find it here.
 */
static struct qemu_user *known;
static size_t nr_known, alloc_known;

static const struct qemu_user *find_known(const char *name)
{
	for (size_t i = 0; i < nr_known; i++)
		if (!strcmp(known[i].name, name))
			return &known[i];
	return NULL;
}

static void copy_user(struct qemu_user *to, const struct qemu_user *from)
{
	*to = *from;
	to->name = xstrdup(from->name);
	to->groups = xmalloc((from->nr_groups ? from->nr_groups : 1) * sizeof(gid_t));
	memcpy(to->groups, from->groups, from->nr_groups * sizeof(gid_t));
}

int qemu_user_is_root(const char *name)
{
	const struct qemu_user *k = find_known(name);
	struct passwd pw, *res = NULL;
	char buf[4096];

	if (!strcmp(name, "root"))
		return 1;
	if (k)
		return k->uid == 0;
	return getpwnam_r(name, &pw, buf, sizeof(buf), &res) == 0 && res && res->pw_uid == 0;
}

void qemu_user_keep(const char *name)
{
	struct qemu_user u;
	struct err ignore = ERR_INIT;

	if (qemu_user_lookup(name, &u, &ignore) == 0)	/* kept by the lookup; a failure is the workers' to report */
		qemu_user_release(&u);
	err_release(&ignore);
}

int qemu_user_lookup(const char *name, struct qemu_user *u, struct err *err)
{
	const struct qemu_user *k = find_known(name);
	struct passwd pw, *res = NULL;
	char buf[16384];
	int n = 64, r;

	if (k) {
		copy_user(u, k);
		return 0;
	}
	memset(u, 0, sizeof(*u));
	r = getpwnam_r(name, &pw, buf, sizeof(buf), &res);
	if (r || !res) {
		strbuf_addf(&err->msg, "security.user '%s' is not a user on this host%s%s", name, r ? ": " : "",
			    r ? strerror(r) : "");
		err_hintf(err, "run 'mvlaunch host setup' (it makes %s), or name another user in security.user",
			  QEMU_USER_DEFAULT);
		return -1;
	}
	u->name = xstrdup(name);
	u->uid = res->pw_uid;
	u->gid = res->pw_gid;
	for (;;) {
		int got = n;

		u->groups = xrealloc(u->groups, (size_t)n * sizeof(gid_t));
		if (getgrouplist(name, res->pw_gid, u->groups, &got) >= 0) {
			u->nr_groups = (size_t)got;
			break;
		}
		if (got <= n)
			got = n * 2;
		n = got;
		if (n > 65536) {
			strbuf_addf(&err->msg, "user '%s' is in too many groups", name);
			qemu_user_release(u);
			return -1;
		}
	}
	ALLOC_GROW(known, nr_known + 1, alloc_known);
	copy_user(&known[nr_known++], u);
	return 0;
}

void qemu_user_release(struct qemu_user *u)
{
	free(u->name);
	free(u->groups);
	memset(u, 0, sizeof(*u));
}

/* ---- setup: the account files ---- */

struct acct_file {
	const char *base;	/* "passwd" */
	char *path;
	struct strbuf text;	/* as read */
	int exists;
};

static const char *etc_dir(void)
{
	const char *e = getenv("MVLAUNCH_ETC");

	return e && *e ? e : "/etc";
}

static int acct_read(struct acct_file *f, struct err *err)
{
	f->path = xstrfmt("%s/%s", etc_dir(), f->base);
	if (strbuf_read_file(&f->text, f->path, 64 << 20, 0) < 0) {
		if (errno == ENOENT)
			return 0;	/* gshadow is optional */
		strbuf_addf(&err->msg, "cannot read '%s': %s", f->path, strerror(errno));
		return -1;
	}
	f->exists = 1;
	if (f->text.len && f->text.buf[f->text.len - 1] != '\n')
		strbuf_addch(&f->text, '\n');
	return 0;
}

/* The line whose first field is name (its start), or NULL. */
static const char *acct_find(const struct acct_file *f, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = f->text.buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, name, len) && p[len] == ':')
			return p;
	return NULL;
}

/* Whether id is the third field (uid, gid) of any line. */
static int acct_id_used(const struct acct_file *f, unsigned long id)
{
	for (const char *p = f->text.buf; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *c = strchr(p, ':'), *nl = strchr(p, '\n');

		if (c && (!nl || c < nl))
			c = strchr(c + 1, ':');
		if (c && (!nl || c < nl)) {
			char *end;
			unsigned long v = strtoul(c + 1, &end, 10);

			if (end != c + 1 && *end == ':' && v == id)
				return 1;
		}
	}
	return 0;
}

/* Replace the file with text: temp file with the old one's mode and owner, fsync, rename. */
static int acct_write(const struct acct_file *f, const char *text, size_t len, struct err *err)
{
	char *tmp = xstrfmt("%s.mvlaunch-tmp", f->path);
	struct stat st;
	mode_t mode = !strcmp(f->base, "shadow") || !strcmp(f->base, "gshadow") ? 0640 : 0644;
	int fd, ret = -1;

	if (stat(f->path, &st) == 0)
		mode = st.st_mode & 07777;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_in_full(fd, text, len) < 0 || fchmod(fd, mode) < 0 ||
	    (f->exists && fchown(fd, st.st_uid, st.st_gid) < 0) || fsync(fd) < 0) {
		strbuf_addf(&err->msg, "cannot write '%s': %s", tmp, strerror(errno));
		goto out;
	}
	if (close(fd) < 0 || rename(tmp, f->path) < 0) {
		fd = -1;
		strbuf_addf(&err->msg, "cannot replace '%s': %s", f->path, strerror(errno));
		goto out;
	}
	fd = -1;
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (ret < 0)
		unlink(tmp);
	free(tmp);
	return ret;
}

/* Append the entry the C library formats (put(entry, FILE)) to f. */
static int acct_append(struct acct_file *f, int (*put)(const void *, FILE *), const void *entry, struct err *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	struct strbuf all = STRBUF_INIT;
	int ret;

	if (!m || put(entry, m) != 0 || fclose(m) != 0) {
		strbuf_addf(&err->msg, "cannot format an entry of '%s'", f->path);
		free(buf);
		return -1;
	}
	strbuf_add(&all, f->text.buf, f->text.len);
	strbuf_add(&all, buf, len);
	free(buf);
	ret = acct_write(f, all.buf, all.len, err);
	if (!ret) {
		strbuf_release(&f->text);
		f->text = all;
	} else {
		strbuf_release(&all);
	}
	return ret;
}

static int put_pw(const void *e, FILE *m) { return putpwent(e, m); }
static int put_gr(const void *e, FILE *m) { return putgrent(e, m); }
static int put_sp(const void *e, FILE *m) { return putspent(e, m); }
static int put_sg(const void *e, FILE *m) { return putsgent(e, m); }

/*
 * Add member to the list that is field 'field' (0-based) of line 'name' in
 * f (group: 3, gshadow: 3); nothing when it is there already. 1 added, 0 not.
 */
static int acct_add_member(struct acct_file *f, const char *name, int field, const char *member, struct err *err)
{
	const char *line = acct_find(f, name), *p, *nl;
	struct strbuf out = STRBUF_INIT;
	size_t mlen = strlen(member);
	int ret;

	if (!line)
		return 0;
	nl = strchr(line, '\n');
	p = line;
	for (int i = 0; i < field && p; i++) {
		p = strchr(p, ':');
		p = p && p < nl ? p + 1 : NULL;
	}
	if (!p)
		return 0;	/* a line of another shape: left as it is */
	for (const char *m = p; m < nl;) {
		const char *end = memchr(m, ',', (size_t)(nl - m));

		if (!end)
			end = nl;
		if ((size_t)(end - m) == mlen && !memcmp(m, member, mlen))
			return 0;
		m = end + 1;
	}
	strbuf_add(&out, f->text.buf, (size_t)(nl - f->text.buf));
	if (nl > p)
		strbuf_addch(&out, ',');
	strbuf_addstr(&out, member);
	strbuf_addstr(&out, nl);
	ret = acct_write(f, out.buf, out.len, err);
	if (!ret) {
		strbuf_release(&f->text);
		f->text = out;
	} else {
		strbuf_release(&out);
	}
	return ret < 0 ? -1 : 1;
}

static int take_lock(int *fd, struct err *err)
{
	char *path;

	if (!getenv("MVLAUNCH_ETC")) {
		if (lckpwdf() < 0) {
			strbuf_addf(&err->msg, "cannot lock the account files (/etc/.pwd.lock): %s", strerror(errno));
			return -1;
		}
		return 0;
	}
	path = xstrfmt("%s/.pwd.lock", etc_dir());
	*fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (*fd < 0 || flock(*fd, LOCK_EX) < 0) {
		strbuf_addf(&err->msg, "cannot lock '%s': %s", path, strerror(errno));
		free(path);
		return -1;
	}
	free(path);
	return 0;
}

int qemu_user_setup(const char *name, struct strvec *changes, struct err *err)
{
	struct acct_file pw = { "passwd", NULL, STRBUF_INIT, 0 }, gr = { "group", NULL, STRBUF_INIT, 0 },
			 sp = { "shadow", NULL, STRBUF_INIT, 0 }, sg = { "gshadow", NULL, STRBUF_INIT, 0 };
	struct acct_file *all[] = { &pw, &gr, &sp, &sg };
	unsigned long id = 0;
	const char *have;
	int lock_fd = -1, locked = 0, ret = -1, r;

	if (take_lock(&lock_fd, err) < 0)
		goto out;
	locked = 1;
	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		if (acct_read(all[i], err) < 0)
			goto out;
	if (!pw.exists || !gr.exists) {
		strbuf_addf(&err->msg, "'%s' has no %s", etc_dir(), pw.exists ? "group file" : "passwd file");
		goto out;
	}
	/* the group: its own, or the one a user of that name already has */
	if ((have = acct_find(&gr, name))) {
		if (sscanf(strchr(strchr(have, ':') + 1, ':') + 1, "%lu", &id) != 1) {
			strbuf_addf(&err->msg, "'%s': the line of group '%s' has no gid", gr.path, name);
			goto out;
		}
	} else {
		struct group g = { .gr_name = (char *)name, .gr_passwd = (char *)"x" };
		char *none[] = { NULL };

		for (id = ID_MIN; id <= ID_MAX; id++)
			if (!acct_id_used(&pw, id) && !acct_id_used(&gr, id))
				break;
		if (id > ID_MAX) {
			strbuf_addf(&err->msg, "no id from %d to %d is free for user and group '%s'", ID_MIN, ID_MAX, name);
			goto out;
		}
		g.gr_gid = (gid_t)id;
		g.gr_mem = none;
		if (acct_append(&gr, put_gr, &g, err) < 0)
			goto out;
		strvec_pushf(changes, "created group %s (gid %lu) in %s", name, id, gr.path);
	}
	if (sg.exists && !acct_find(&sg, name)) {
		struct sgrp s = { .sg_namp = (char *)name, .sg_passwd = (char *)"!" };
		char *none[] = { NULL };

		s.sg_adm = none;
		s.sg_mem = none;
		if (acct_append(&sg, put_sg, &s, err) < 0)
			goto out;
	}
	if (!acct_find(&pw, name)) {
		struct passwd p = { .pw_name = (char *)name, .pw_passwd = (char *)"x", .pw_gid = (gid_t)id,
				    .pw_gecos = (char *)"mvlaunch QEMU", .pw_dir = (char *)"/nonexistent",
				    .pw_shell = (char *)"/usr/sbin/nologin" };
		unsigned long uid = id;

		/* the group's id as uid when free, else the first free one */
		if (acct_id_used(&pw, uid))
			for (uid = ID_MIN; uid <= ID_MAX && acct_id_used(&pw, uid); uid++)
				;
		if (uid > ID_MAX) {
			strbuf_addf(&err->msg, "no uid from %d to %d is free for user '%s'", ID_MIN, ID_MAX, name);
			goto out;
		}
		p.pw_uid = (uid_t)uid;
		if (acct_append(&pw, put_pw, &p, err) < 0)
			goto out;
		strvec_pushf(changes, "created system user %s (uid %lu, gid %lu, no login) in %s", name, uid, id, pw.path);
	}
	if (sp.exists && !acct_find(&sp, name)) {
		struct spwd s = { .sp_namp = (char *)name, .sp_pwdp = (char *)"!*", .sp_lstchg = -1, .sp_min = -1,
				  .sp_max = -1, .sp_warn = -1, .sp_inact = -1, .sp_expire = -1, .sp_flag = ~0UL };

		if (acct_append(&sp, put_sp, &s, err) < 0)
			goto out;
	}
	/* in group kvm (/dev/kvm's group on Debian) where there is one */
	if ((r = acct_add_member(&gr, "kvm", 3, name, err)) < 0)
		goto out;
	if (r)
		strvec_pushf(changes, "added %s to group kvm in %s", name, gr.path);
	if (sg.exists && acct_add_member(&sg, "kvm", 3, name, err) < 0)
		goto out;
	ret = 0;
out:
	if (locked && lock_fd < 0)
		ulckpwdf();
	if (lock_fd >= 0)
		close(lock_fd);
	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		free(all[i]->path);
		strbuf_release(&all[i]->text);
	}
	return ret;
}
