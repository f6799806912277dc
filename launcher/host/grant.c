/*
 * grant.c - dynamic ownership of a VM's files (see grant.h).
 *
 * DESIGN
 * Access is asked of the kernel, not computed: with the user's groups and
 * its filesystem ids (setfsuid(2) and setfsgid(2), which also take the
 * filesystem capabilities out of the effective set while the fsuid is not
 * 0), faccessat2(AT_EACCESS) of each path, so ACLs, read-only mounts,
 * immutable files and directories on the way all count as they will for
 * QEMU; then the ids and groups are put back. In the process, not in a
 * child: the checks run under the host's lock, and a fork cost more than
 * all the checks of a VM (a kernel before 5.8, without faccessat2, gets
 * the child: a process that takes the user's ids and calls access(2)).
 * Restoring is the same for both ways of granting: the access ACL as it
 * was (or none beyond the mode), then owner, then mode, so a record is
 * right whichever way its grant was made.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/acl.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <acl/libacl.h>
#include <unistd.h>

#include "launcher/host/grant.h"
#include "util/wrapper.h"
#include "util/banned.h"

void grant_list_add(struct grant_list *l, const char *path, unsigned perms, const char *what)
{
	for (size_t i = 0; i < l->nr; i++)
		if (!strcmp(l->v[i].path, path)) {
			l->v[i].perms |= perms;
			return;
		}
	ALLOC_GROW(l->v, l->nr + 1, l->alloc);
	l->v[l->nr].path = xstrdup(path);
	l->v[l->nr].perms = perms;
	l->v[l->nr].what = what;
	l->nr++;
}

void grant_list_clear(struct grant_list *l)
{
	for (size_t i = 0; i < l->nr; i++)
		free(l->v[i].path);
	free(l->v);
	l->v = NULL;
	l->nr = l->alloc = 0;
}

static int access_mode(unsigned perms)
{
	return (perms & GRANT_R ? R_OK : 0) | (perms & GRANT_W ? W_OK : 0) | (perms & GRANT_X ? X_OK : 0);
}

/* access(2) of each path (perms[i]) as u, in a child; errs[i] = 0 or its errno. */
static int check_paths_child(const struct qemu_user *u, const char *const *paths, const unsigned *perms, size_t n,
			     int *errs, struct err *err)
{
	int fd[2], status;
	pid_t pid;
	size_t got = 0;

	if (pipe2(fd, O_CLOEXEC) < 0) {
		strbuf_addf(&err->msg, "cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		strbuf_addf(&err->msg, "cannot fork: %s", strerror(errno));
		close(fd[0]);
		close(fd[1]);
		return -1;
	}
	if (pid == 0) {
		close(fd[0]);
		if (setgroups(u->nr_groups, u->groups) < 0 || setresgid(u->gid, u->gid, u->gid) < 0 ||
		    setresuid(u->uid, u->uid, u->uid) < 0)
			_exit(2);
		for (size_t i = 0; i < n; i++) {
			int e = access(paths[i], access_mode(perms[i])) < 0 ? errno : 0;

			if (write_in_full(fd[1], &e, sizeof(e)) < 0)
				_exit(3);
		}
		_exit(0);
	}
	close(fd[1]);
	while (got < n) {
		ssize_t r = read(fd[0], &errs[got], sizeof(int));

		if (r < 0 && errno == EINTR)
			continue;
		if (r != sizeof(int))
			break;
		got++;
	}
	close(fd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got < n) {
		strbuf_addf(&err->msg, "cannot check access as uid %u: the checking process %s", (unsigned)u->uid,
			    WIFEXITED(status) && WEXITSTATUS(status) == 2 ? "could not take the user's ids" : "failed");
		return -1;
	}
	return 0;
}

/*
 * The same in this process, as the DESIGN says. 1: no faccessat2 (the
 * caller asks a child); 0; -1 with the reason (the user's ids could not
 * be taken: not root).
 */
static int check_paths_here(const struct qemu_user *u, const char *const *paths, const unsigned *perms, size_t n,
			    int *errs, struct err *err)
{
	int nr_saved = getgroups(0, NULL), ret = 0;
	gid_t *saved = xcalloc((size_t)(nr_saved > 0 ? nr_saved : 0) + 1, sizeof(*saved));
	uid_t fsuid;
	gid_t fsgid;

	if (nr_saved < 0 || getgroups(nr_saved, saved) != nr_saved) {
		strbuf_addf(&err->msg, "cannot read this process's groups: %s", strerror(errno));
		free(saved);
		return -1;
	}
	if (setgroups(u->nr_groups, u->groups) < 0) {
		strbuf_addf(&err->msg, "cannot check access as uid %u: cannot take its groups: %s", (unsigned)u->uid,
			    strerror(errno));
		free(saved);
		return -1;
	}
	fsgid = (gid_t)setfsgid(u->gid);
	fsuid = (uid_t)setfsuid(u->uid);
	if ((uid_t)setfsuid((uid_t)-1) != u->uid || (gid_t)setfsgid((gid_t)-1) != u->gid) {
		strbuf_addf(&err->msg, "cannot check access as uid %u: cannot take its filesystem ids", (unsigned)u->uid);
		ret = -1;
	}
	for (size_t i = 0; !ret && i < n; i++) {
		long r = syscall(SYS_faccessat2, AT_FDCWD, paths[i], access_mode(perms[i]), AT_EACCESS);

		errs[i] = r < 0 ? errno : 0;
		if (errs[i] == ENOSYS)
			ret = 1;
	}
	/* and back: a process left with the user's ids would misjudge everything after */
	setfsuid(fsuid);
	setfsgid(fsgid);
	if ((uid_t)setfsuid((uid_t)-1) != fsuid || (gid_t)setfsgid((gid_t)-1) != fsgid ||
	    setgroups((size_t)nr_saved, saved) < 0) {
		fprintf(stderr, "mvlaunch: fatal: cannot put back this process's ids after checking access as uid %u\n",
			(unsigned)u->uid);
		abort();
	}
	free(saved);
	return ret;
}

static int check_paths(const struct qemu_user *u, const char *const *paths, const unsigned *perms, size_t n,
		       int *errs, struct err *err)
{
	int r = check_paths_here(u, paths, perms, n, errs, err);

	return r == 1 ? check_paths_child(u, paths, perms, n, errs, err) : r;
}

int grant_check(const struct qemu_user *u, const struct grant_list *l, int *errs, struct err *err)
{
	const char **paths = xcalloc(l->nr + 1, sizeof(*paths));
	unsigned *perms = xcalloc(l->nr + 1, sizeof(*perms));
	int ret;

	for (size_t i = 0; i < l->nr; i++) {
		paths[i] = l->v[i].path;
		perms[i] = l->v[i].perms;
	}
	ret = check_paths(u, paths, perms, l->nr, errs, err);
	free(paths);
	free(perms);
	return ret;
}

/* ---- one file ---- */

/* The file as it is now, into a new record g (path already set). 0, or -1 with errno. */
static int record(struct host_state_grant *g)
{
	struct stat st;
	acl_t a;

	if (stat(g->path, &st) < 0)
		return -1;
	g->dev = (unsigned long long)st.st_dev;
	g->ino = (unsigned long long)st.st_ino;
	g->uid = st.st_uid;
	g->gid = st.st_gid;
	g->mode = st.st_mode & 07777;
	g->acl = NULL;
	a = acl_get_file(g->path, ACL_TYPE_ACCESS);
	if (a) {
		if (acl_equiv_mode(a, NULL) != 0) {
			char *text = acl_to_any_text(a, NULL, ',', 0);

			if (text) {
				g->acl = xstrdup(text);
				acl_free(text);
			}
		}
		acl_free(a);
	}
	return 0;
}

/* user:uid gets perms (added to what it has) in path's access ACL. 0, or -1 with errno. */
static int acl_grant(const char *path, uid_t uid, unsigned perms)
{
	acl_t a = acl_get_file(path, ACL_TYPE_ACCESS);
	acl_entry_t e, found = NULL;
	acl_permset_t ps;
	int r, ret = -1, saved;

	if (!a)
		return -1;
	for (r = acl_get_entry(a, ACL_FIRST_ENTRY, &e); r == 1; r = acl_get_entry(a, ACL_NEXT_ENTRY, &e)) {
		acl_tag_t tag;
		uid_t *q;

		if (acl_get_tag_type(e, &tag) < 0 || tag != ACL_USER)
			continue;
		q = acl_get_qualifier(e);
		if (q && *q == uid)
			found = e;
		acl_free(q);
		if (found)
			break;
	}
	if (!found) {
		if (acl_create_entry(&a, &found) < 0 || acl_set_tag_type(found, ACL_USER) < 0 ||
		    acl_set_qualifier(found, &uid) < 0)
			goto out;
	}
	if (acl_get_permset(found, &ps) < 0 || ((perms & GRANT_R) && acl_add_perm(ps, ACL_READ) < 0) ||
	    ((perms & GRANT_W) && acl_add_perm(ps, ACL_WRITE) < 0) ||
	    ((perms & GRANT_X) && acl_add_perm(ps, ACL_EXECUTE) < 0) || acl_set_permset(found, ps) < 0 ||
	    acl_calc_mask(&a) < 0 || acl_set_file(path, ACL_TYPE_ACCESS, a) < 0)
		goto out;
	ret = 0;
out:
	saved = errno;
	acl_free(a);
	errno = saved;
	return ret;
}

/* Without ACLs: the user owns it, with perms for the owner. 0, or -1 with errno. */
static int chown_grant(const struct host_state_grant *g, uid_t uid)
{
	if (chown(g->path, uid, (gid_t)-1) < 0)
		return -1;
	return chmod(g->path, (mode_t)(g->mode | (g->perms << 6)));
}

/* Put g's file back as recorded; a note says what could not be. 0 done, -1 not. */
static int restore(const struct host_state_grant *g, struct strvec *notes)
{
	struct stat st;
	int ok = 1;

	if (stat(g->path, &st) < 0) {
		if (errno != ENOENT)
			strvec_pushf(notes, "cannot put '%s' back as it was (%s): %s", g->path,
				     "stat", strerror(errno));
		return errno == ENOENT ? 0 : -1;	/* removed meanwhile: nothing to put back */
	}
	if ((unsigned long long)st.st_dev != g->dev || (unsigned long long)st.st_ino != g->ino) {
		strvec_pushf(notes, "'%s' is another file than the one granted to QEMU's user: left as it is", g->path);
		return 0;
	}
	if (g->acl) {
		acl_t a = acl_from_text(g->acl);

		if (!a || acl_set_file(g->path, ACL_TYPE_ACCESS, a) < 0)
			ok = 0;
		if (a)
			acl_free(a);
	} else if (removexattr(g->path, "system.posix_acl_access") < 0 && errno != ENODATA && errno != EOPNOTSUPP) {
		ok = 0;
	}
	if (ok && (st.st_uid != g->uid || st.st_gid != g->gid) && chown(g->path, g->uid, g->gid) < 0)
		ok = 0;
	if (ok && chmod(g->path, (mode_t)g->mode) < 0)
		ok = 0;
	if (!ok) {
		strvec_pushf(notes, "cannot put '%s' back as it was (owner %u:%u, mode %04o%s%s): %s", g->path, g->uid,
			     g->gid, g->mode, g->acl ? ", ACL " : "", g->acl ? g->acl : "", strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- holders ---- */

static int has_holder(const struct host_state_grant *g, const char *name)
{
	for (size_t i = 0; i < g->holders.nr; i++)
		if (!strcmp(g->holders.v[i], name))
			return 1;
	return 0;
}

static void remove_holder(struct host_state_grant *g, const char *name)
{
	for (size_t i = 0; i < g->holders.nr; i++)
		if (!strcmp(g->holders.v[i], name)) {
			strvec_remove(&g->holders, i);
			return;
		}
}

int grant_drop(struct host_state *st, const char *name, struct strvec *notes)
{
	int undone = 0;

	for (size_t i = st->nr_grants; i-- > 0;) {
		struct host_state_grant *g = &st->grants[i];

		if (!has_holder(g, name))
			continue;
		remove_holder(g, name);
		if (g->holders.nr)
			continue;
		restore(g, notes);
		host_state_grant_del(st, i);
		undone++;
	}
	return undone;
}

void grant_reconcile(struct host_state *st, int (*alive)(const char *name), struct strvec *notes)
{
	struct strvec names = STRVEC_INIT;

	/* each holder asked once, however many files it holds */
	for (size_t i = 0; i < st->nr_grants; i++)
		for (size_t j = 0; j < st->grants[i].holders.nr; j++) {
			const char *h = st->grants[i].holders.v[j];
			int seen = 0;

			for (size_t k = 0; k < names.nr && !seen; k++)
				seen = !strcmp(names.v[k], h);
			if (!seen)
				strvec_push(&names, h);
		}
	for (size_t k = 0; k < names.nr; k++)
		if (!alive(names.v[k]) && grant_drop(st, names.v[k], notes))
			strvec_pushf(notes, "put the files '%s' used back as they were: its QEMU is gone", names.v[k]);
	strvec_clear(&names);
}

/* Why u cannot reach l's path: the first directory on the way it cannot search, or the file itself. */
static void explain(const struct qemu_user *u, const struct grant_req *r, int e, struct err *err)
{
	struct strvec dirs = STRVEC_INIT;
	const char **paths;
	unsigned *perms;
	int *errs;
	char want[4];
	const char *blocked = NULL;

	for (char *s = strchr(r->path + 1, '/'); s; s = strchr(s + 1, '/'))
		strvec_pushf(&dirs, "%.*s", (int)(s - r->path), r->path);
	paths = xcalloc(dirs.nr + 1, sizeof(*paths));
	perms = xcalloc(dirs.nr + 1, sizeof(*perms));
	errs = xcalloc(dirs.nr + 1, sizeof(*errs));
	for (size_t i = 0; i < dirs.nr; i++) {
		paths[i] = dirs.v[i];
		perms[i] = GRANT_X;
	}
	if (dirs.nr && check_paths(u, paths, perms, dirs.nr, errs, &(struct err)ERR_INIT) == 0)
		for (size_t i = 0; i < dirs.nr && !blocked; i++)
			if (errs[i])
				blocked = dirs.v[i];
	host_state_perms_text(r->perms, want);
	if (blocked) {
		struct stat st;

		if (stat(blocked, &st) == 0)
			strbuf_addf(&err->msg, "QEMU's user %s (uid %u) cannot reach '%s' (%s, needs %s): it cannot search "
				    "the directory '%s' (mode %04o, owner %u:%u)", u->name, (unsigned)u->uid, r->path, r->what,
				    want, blocked, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid, (unsigned)st.st_gid);
		else
			strbuf_addf(&err->msg, "QEMU's user %s (uid %u) cannot reach '%s' (%s): it cannot search '%s'",
				    u->name, (unsigned)u->uid, r->path, r->what, blocked);
		err_hintf(err, "move the file somewhere the user can reach, or let it through that directory: "
			  "setfacl -m u:%s:x '%s'", u->name, blocked);
	} else {
		strbuf_addf(&err->msg, "QEMU's user %s (uid %u) cannot open '%s' (%s, needs %s) even after it was granted: %s",
			    u->name, (unsigned)u->uid, r->path, r->what, want, strerror(e));
		if (e == EROFS)
			err_hintf(err, "the file is on a read-only filesystem: mark the disk readonly, or remount");
	}
	free(paths);
	free(perms);
	free(errs);
	strvec_clear(&dirs);
}

void grant_held(const struct host_state *st, const char *name, const struct grant_list *l, char *held)
{
	for (size_t i = 0; i < l->nr; i++) {
		const struct host_state_grant *g = host_state_grant((struct host_state *)st, l->v[i].path);

		held[i] = g && has_holder(g, name);
	}
}

void grant_undo(struct host_state *st, const char *name, const struct grant_list *l, const char *held,
		struct strvec *notes)
{
	for (size_t i = 0; i < l->nr; i++) {
		struct host_state_grant *g = host_state_grant(st, l->v[i].path);

		if (held[i] || !g || !has_holder(g, name))
			continue;
		remove_holder(g, name);
		if (g->holders.nr)
			continue;	/* another VM's too: it stays */
		restore(g, notes);
		host_state_grant_del(st, (size_t)(g - st->grants));
	}
}

int grant_explain(const struct qemu_user *u, const struct grant_list *l, const int *errs, struct err *err)
{
	for (size_t i = 0; i < l->nr; i++)
		if (errs[i] && errs[i] != ENOENT) {
			explain(u, &l->v[i], errs[i], err);
			return -1;
		}
	return 0;
}

int grant_hold(struct host_state *st, const char *name, const struct qemu_user *u, const struct grant_list *l,
	       const int *errs, int (*save)(void *data, struct err *err), void *data, struct strvec *changes,
	       struct err *err)
{
	size_t *todo = xcalloc(l->nr + 1, sizeof(size_t)), nr_todo = 0;
	char *held = xcalloc(l->nr + 1, 1);
	int ret = -1, changed = 0;

	grant_held(st, name, l, held);
	/* first the record: each file as it is, with this holder, on disk before any changes */
	for (size_t i = 0; i < l->nr; i++) {
		const struct grant_req *r = &l->v[i];
		struct host_state_grant *g = host_state_grant(st, r->path);

		if (g) {
			/* another VM's grant: this one holds it too, so it stays until both stop */
			if (!has_holder(g, name)) {
				strvec_push(&g->holders, name);
				changed = 1;
			}
			if ((g->perms | r->perms) != g->perms && g->user == u->uid) {
				g->perms |= r->perms;	/* recorded as it will be: the one write before any change */
				todo[nr_todo++] = i;
			}
			continue;
		}
		if (!errs[i] || errs[i] == ENOENT)
			continue;	/* it can already; a missing file is the checks' to name */
		g = host_state_grant_add(st, r->path);
		if (record(g) < 0) {
			strbuf_addf(&err->msg, "cannot read '%s' (%s): %s", r->path, r->what, strerror(errno));
			host_state_grant_del(st, st->nr_grants - 1);
			goto out;
		}
		g->how = GRANT_ACL;
		g->user = u->uid;
		g->perms = r->perms;
		strvec_push(&g->holders, name);
		todo[nr_todo++] = i;
	}
	/* nothing new to record (every file reachable, or held already): no write */
	if ((changed || nr_todo) && save(data, err) < 0)
		goto out;
	for (size_t k = 0; k < nr_todo; k++) {
		const struct grant_req *r = &l->v[todo[k]];
		struct host_state_grant *g = host_state_grant(st, r->path);
		char p[4];

		host_state_perms_text(g->perms, p);
		if (g->how == GRANT_ACL && acl_grant(g->path, u->uid, g->perms) == 0) {
			strvec_pushf(changes, "grant %s: user %s %s (ACL)", g->path, u->name, p);
			continue;
		}
		if (g->how == GRANT_ACL && errno != EOPNOTSUPP) {
			strbuf_addf(&err->msg, "cannot give QEMU's user %s access to '%s' (%s): %s", u->name, g->path,
				    r->what, strerror(errno));
			if (errno == EROFS)
				err_hintf(err, "the file is on a read-only filesystem that QEMU's user cannot read as it "
					  "is: give it access (chmod/setfacl) where it is mounted read-write, or run this "
					  "VM's QEMU as root (security.user = \"root\")");
			goto out;
		}
		/* no ACLs on that filesystem: the user becomes the owner (recorded: before the change) */
		g->how = GRANT_CHOWN;
		if (save(data, err) < 0)
			goto out;
		if (chown_grant(g, u->uid) < 0) {
			strbuf_addf(&err->msg, "cannot give QEMU's user %s access to '%s' (%s): its filesystem takes no ACL, "
				    "and chown failed: %s", u->name, g->path, r->what, strerror(errno));
			err_hintf(err, "put the file on a filesystem with ACLs or ownership (ext4, xfs, btrfs, tmpfs), "
				  "or run this VM's QEMU as root (security.user = \"root\")");
			goto out;
		}
		strvec_pushf(changes, "grant %s: user %s %s (owner, no ACL on its filesystem)", g->path, u->name, p);
	}
	/* every change to st above was saved as it was made: the record already says so */
	ret = 0;
out:
	if (ret < 0) {
		struct strvec notes = STRVEC_INIT;

		grant_undo(st, name, l, held, &notes);	/* this call's, not what the VM held before */
		for (size_t i = 0; i < notes.nr; i++)
			err_hintf(err, "%s", notes.v[i]);
		strvec_clear(&notes);
	}
	free(held);
	free(todo);
	return ret;
}
