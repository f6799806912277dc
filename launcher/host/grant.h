/*
 * grant.h - give QEMU's user access to exactly the files and devices a VM
 * uses, and take it back as it was (dynamic ownership).
 *
 * A file the user cannot already reach as it needs gets an ACL entry
 * (user:UID:rw-), or, on a filesystem without ACLs, the user as its owner;
 * a file where neither works is an error naming it. Before anything
 * changes, the file's owner, mode and access ACL are in host.json's
 * "grants" (host_state.h), with the VMs that use it: the last of them to
 * stop, or the crash sweep once they are all gone, puts the file back as it
 * was (only the same inode: a file replaced meanwhile is left alone). After
 * the grants, the user's access to every path is checked for real (the
 * kernel is asked with the user's ids, grant_check()), so a directory on
 * the way that the user cannot search is named with its fix.
 */
#ifndef MVL_GRANT_H
#define MVL_GRANT_H

#include "launcher/host/host_state.h"
#include "launcher/host/qemu_user.h"
#include "util/err.h"
#include "util/strvec.h"

#define GRANT_R 4u
#define GRANT_W 2u
#define GRANT_X 1u

/* A path and the access QEMU's user needs to it (GRANT_R|GRANT_W|GRANT_X). */
struct grant_req {
	char *path;
	unsigned perms;
	const char *what;	/* "disk[0].path": for messages */
};

struct grant_list {
	struct grant_req *v;
	size_t nr, alloc;
};

#define GRANT_LIST_INIT { NULL, 0, 0 }

/* Add path (absolute) with perms; the same path again widens its perms. */
void grant_list_add(struct grant_list *l, const char *path, unsigned perms, const char *what);
void grant_list_clear(struct grant_list *l);

/*
 * Whether u can reach each path as it needs: errs[i] is 0 or the errno the
 * kernel gives u's ids (this process's filesystem ids and groups, taken and
 * put back; a child's on a kernel without faccessat2). 0, or -1 with the
 * reason (the ids could not be taken: not root; a fork failed).
 */
int grant_check(const struct qemu_user *u, const struct grant_list *l, int *errs, struct err *err);

/*
 * Holder 'name' uses every path of l: each the user could not reach in
 * errs (grant_check(), under the same hold of the host's lock), or one
 * another VM had granted, is recorded in st with its holder, st saved by
 * save(data) before the file changes, then granted. changes gets "grant
 * PATH: user U rw- (acl)". 0, or -1 with the path and what stopped it in
 * err, and this call undone in st (the caller saves): what 'name' held
 * before stays held. The caller then checks again as the user
 * (grant_check(), grant_explain()).
 */
int grant_hold(struct host_state *st, const char *name, const struct qemu_user *u, const struct grant_list *l,
	       const int *errs, int (*save)(void *data, struct err *err), void *data, struct strvec *changes,
	       struct err *err);

/* held[i] (l->nr of them): whether 'name' holds path i's grant already. */
void grant_held(const struct host_state *st, const char *name, const struct grant_list *l, char *held);

/*
 * Undo one call of grant_hold(): 'name' lets go of each grant of l it did
 * not hold before it (held, from grant_held()); one nobody holds then is
 * put back as it was (in st; the caller saves). A grant this call widened
 * for a VM that already held it stays wide until its last holder stops.
 */
void grant_undo(struct host_state *st, const char *name, const struct grant_list *l, const char *held,
		struct strvec *notes);

/*
 * After the grants: -1 with why the user cannot reach the first path errs
 * names (the directory on the way it cannot search and the setfacl that
 * lets it through, or the file itself), 0 when it can reach them all (a
 * missing file, ENOENT, is for the VM's own checks to name).
 */
int grant_explain(const struct qemu_user *u, const struct grant_list *l, const int *errs, struct err *err);

/*
 * 'name' no longer uses anything: each grant it held alone is put back as
 * it was and forgotten (in st; the caller saves). Nothing that cannot be
 * put back stops the others: it is told in notes. Returns how many grants
 * were undone.
 */
int grant_drop(struct host_state *st, const char *name, struct strvec *notes);

/* The holders of any grant for which alive(name) is 0 drop their grants (the crash sweep). */
void grant_reconcile(struct host_state *st, int (*alive)(const char *name), struct strvec *notes);

#endif
