/*
 * qemu_user.h - the unprivileged user QEMU and swtpm run as (security.user).
 *
 * 'mvlaunch host setup' (and 'make install') makes the system user and
 * group "mvlaunch-qemu", a member of group kvm where that group exists. No
 * useradd: the account files are read and written here, under the
 * shadow suite's lock (lckpwdf), each replaced whole (temp file, fsync,
 * rename, its mode and owner kept). $MVLAUNCH_ETC names another directory
 * holding passwd, group, shadow and gshadow (tests); its lock is then that
 * directory's .pwd.lock.
 */
#ifndef MVL_QEMU_USER_H
#define MVL_QEMU_USER_H

#include <sys/types.h>

#include "util/err.h"
#include "util/strvec.h"

#define QEMU_USER_DEFAULT "mvlaunch-qemu"

struct qemu_user {
	char *name;
	uid_t uid;
	gid_t gid;
	gid_t *groups;		/* its supplementary groups, the primary one included */
	size_t nr_groups;
};

#define QEMU_USER_INIT { NULL, 0, 0, NULL, 0 }

/* Whether name means "do not drop": root, or uid 0 by another name. */
int qemu_user_is_root(const char *name);

/*
 * Look name up (NSS, as login would): its uid, primary gid and groups.
 * 0, or -1 with the reason and the fix ('mvlaunch host setup') in err.
 */
int qemu_user_lookup(const char *name, struct qemu_user *u, struct err *err);

/*
 * Look name up now, for this process and the workers it forks: each
 * lookup of a user found before is answered from memory (a user's ids do
 * not change during one command). A failure is not kept.
 */
void qemu_user_keep(const char *name);
void qemu_user_release(struct qemu_user *u);

/*
 * Make system user and group 'name' (the first id from 100 to 999 free as
 * both uid and gid; home /nonexistent, shell /usr/sbin/nologin, password
 * locked) and add it to group kvm when there is one; whatever is there
 * already stays. Each change made is told in changes ("created user ...").
 * 0, or -1 with the reason in err (nothing half-written).
 */
int qemu_user_setup(const char *name, struct strvec *changes, struct err *err);

#endif
