/*
 * sysfs.h - read and write kernel files (sysfs, procfs, cgroupfs).
 *
 * Every such path goes through sysfs_path(), which puts $MVLAUNCH_SYSROOT
 * in front, so tests run against a fake tree. Values are read without their
 * trailing newline.
 */
#ifndef MVL_SYSFS_H
#define MVL_SYSFS_H

#include "../util/strbuf.h"

/* "$MVLAUNCH_SYSROOT/proc/sys/vm/stat_interval"; caller frees. */
char *sysfs_path(const char *path);
int sysfs_exists(const char *path);
/* 0, or -1 with "cannot read '/path': reason" in err. */
int sysfs_read(const char *path, struct strbuf *value, struct strbuf *err);
/* 0, or -1 with "cannot write 'value' to '/path': reason" in err. */
int sysfs_write(const char *path, const char *value, struct strbuf *err);

#endif
