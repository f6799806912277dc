/*
 * trust.c - checks before relying on a directory or a file (see trust.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/acl.h>
#include <sys/stat.h>
#include <acl/libacl.h>
#include <unistd.h>

#include "util/trust.h"
#include "util/wrapper.h"
#include "util/banned.h"

/*
 * Whether the owning group may write fd's directory. With an access ACL
 * the mode's group bits are the ACL's mask, which a named entry (QEMU's
 * user, granted by mvlaunch as root: only the owner or root sets an ACL)
 * widens: the owning group's own entry is what counts then.
 */
static int group_may_write(int fd, mode_t mode)
{
	acl_t a;
	acl_entry_t e;
	int r, w = 1;

	if (!(mode & 020))
		return 0;
	a = acl_get_fd(fd);
	if (!a)
		return 1;
	for (r = acl_get_entry(a, ACL_FIRST_ENTRY, &e); r == 1; r = acl_get_entry(a, ACL_NEXT_ENTRY, &e)) {
		acl_tag_t tag;
		acl_permset_t ps;

		if (acl_get_tag_type(e, &tag) == 0 && tag == ACL_GROUP_OBJ && acl_get_permset(e, &ps) == 0) {
			w = acl_get_perm(ps, ACL_WRITE) == 1;
			break;
		}
	}
	acl_free(a);
	return w;
}

int trust_dir(const char *path, const char *what, mode_t mode, gid_t gid, struct err *err)
{
	struct stat st;
	int made = mkdir(path, mode) == 0, fd, ret = -1;

	if (!made && errno != EEXIST) {
		strbuf_addf(&err->msg, "cannot create %s '%s': %s", what, path, strerror(errno));
		return -1;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		int e = errno, link = lstat(path, &st) == 0 && S_ISLNK(st.st_mode);

		/* with O_DIRECTORY a link to a directory fails with ENOTDIR, not ELOOP */
		strbuf_addf(&err->msg, "%s '%s' %s", what, path, link || e == ELOOP ? "is a symbolic link: not used" :
			    e == ENOTDIR ? "exists and is not a directory" : strerror(e));
		err_hintf(err, "remove '%s' (mvlaunch makes its own)", path);
		return -1;
	}
	if (fstat(fd, &st) < 0) {
		strbuf_addf(&err->msg, "%s '%s': %s", what, path, strerror(errno));
		goto out;
	}
	if (st.st_uid != geteuid()) {
		strbuf_addf(&err->msg, "%s '%s' belongs to uid %u, not to this user (uid %u): not used", what, path,
			    (unsigned)st.st_uid, (unsigned)geteuid());
		err_hintf(err, "remove it (another user could put files there for mvlaunch to use)");
		goto out;
	}
	if (made) {
		/* the umask may have taken bits; the group, when there is one, may read */
		if ((gid != (gid_t)-1 && fchown(fd, (uid_t)-1, gid) < 0) || fchmod(fd, mode) < 0) {
			strbuf_addf(&err->msg, "cannot set up %s '%s': %s", what, path, strerror(errno));
			goto out;
		}
	} else if ((st.st_mode & 002) || group_may_write(fd, st.st_mode)) {
		strbuf_addf(&err->msg, "%s '%s' may be written by group or others (mode %04o): not used", what, path,
			    (unsigned)(st.st_mode & 07777));
		err_hintf(err, "chmod go-w '%s'", path);
		goto out;
	}
	ret = 0;
out:
	close(fd);
	return ret;
}

static int owned_safely(const char *path, const char *what, const char *shown, struct err *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return 0;	/* not there: the caller says so in its own words */
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		strbuf_addf(&err->msg, "%s '%s' belongs to uid %u, who could change what mvlaunch runs as root: not used",
			    what, shown, (unsigned)st.st_uid);
		err_hintf(err, "chown root '%s'", path);
		return -1;
	}
	if (st.st_mode & 022) {
		strbuf_addf(&err->msg, "%s '%s' may be changed by group or others (mode %04o), and mvlaunch runs what it says as "
			    "root: not used", what, shown, (unsigned)(st.st_mode & 07777));
		err_hintf(err, "chmod go-w '%s'", path);
		return -1;
	}
	return 0;
}

int trust_file(const char *path, const char *what, struct err *err)
{
	const char *slash;
	char *dir;
	int ret;

	if (geteuid() != 0)
		return 0;
	if (owned_safely(path, what, path, err) < 0)
		return -1;
	slash = strrchr(path, '/');
	dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	/* a directory others may write lets them swap the file (sticky /tmp: only their own, still theirs) */
	ret = owned_safely(dir, "the directory of", path, err);
	free(dir);
	return ret;
}

char *trust_which(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *found = NULL;

	if (strchr(name, '/'))
		return xstrdup(name);
	copy = xstrdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	for (char *dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *p = xstrfmt("%s/%s", *dir ? dir : ".", name);

		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
}

gid_t trust_status_group(void)
{
	/*
	 * Asked on every lock of a runtime directory, several times a command:
	 * the name service once a process (and once for all the workers of
	 * 'up A B C'). A group found stays found; one missing is asked again,
	 * since 'host setup' may have just made it.
	 */
	static char *found_name;
	static gid_t found_gid;
	const char *name = getenv("MVLAUNCH_GROUP");
	struct group *g;

	if (!name || !*name)
		name = "mvlaunch";
	if (found_name && !strcmp(found_name, name))
		return found_gid;
	g = getgrnam(name);
	if (!g)
		return (gid_t)-1;
	free(found_name);
	found_name = xstrdup(name);
	found_gid = g->gr_gid;
	return found_gid;
}
