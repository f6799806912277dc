/*
 * trust.h - directories and files mvlaunch may rely on.
 *
 * As root, mvlaunch writes into its runtime, state and log directories and
 * runs what configs say. A directory planted by another user, a symlink in
 * its place, or a config anyone may edit would let that user choose what
 * root writes or runs. So, like sshd's StrictModes: directories are opened
 * without following links and must belong to the user running mvlaunch with
 * no group or other write; files that say what root runs (VM configs,
 * host.toml, the QEMU binary) must belong to root (or that user) and not be
 * writable by anyone else, nor their directory.
 */
#ifndef MVL_TRUST_H
#define MVL_TRUST_H

#include <sys/types.h>

#include "util/err.h"
#include "util/strbuf.h"

/*
 * Make 'path' a directory of this user (mkdir with mode when missing, then
 * group gid unless it is -1) and check it: not a symlink, owned by this
 * user, no group or other write. 'what' names it in messages ("runtime
 * directory"). 0, or -1 with the reason and the fix in err.
 */
int trust_dir(const char *path, const char *what, mode_t mode, gid_t gid, struct err *err);

/*
 * For root only (anyone else runs with their own rights): 'path' and the
 * directory holding it belong to root and are not writable by group or
 * others. A path that does not exist passes (the caller reports that).
 * 0, or -1 with the reason and the fix in err.
 */
int trust_file(const char *path, const char *what, struct err *err);

/* The program execvp() would run for 'name' (a path, or looked up in PATH); NULL if none. Caller frees. */
char *trust_which(const char *name);

/*
 * The group allowed to read VM status: $MVLAUNCH_GROUP, else "mvlaunch",
 * when it exists ('make install' creates it); -1 otherwise.
 */
gid_t trust_status_group(void);

#endif
