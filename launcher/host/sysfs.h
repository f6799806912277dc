/*
 * sysfs.h - read and write kernel files (sysfs, procfs, cgroupfs).
 *
 * Every such path goes through sysfs_path(), which puts $MVLAUNCH_SYSROOT
 * in front, so tests run against a fake tree. Values are read without their
 * trailing newline.
 */
#ifndef MVL_SYSFS_H
#define MVL_SYSFS_H

#include "util/strbuf.h"

/* "$MVLAUNCH_SYSROOT/proc/sys/vm/stat_interval"; caller frees. */
char *sysfs_path(const char *path);
int sysfs_exists(const char *path);
/* 0, or -1 with "cannot read '/path': reason" in err (err may be NULL: no reason wanted). */
int sysfs_read(const char *path, struct strbuf *value, struct strbuf *err);
/* A number file (nr_hugepages, ...): 0 and *n, or -1 as sysfs_read(). */
int sysfs_read_long(const char *path, long *n, struct strbuf *err);
/* 0, or -1 with "cannot write 'value' to '/path': reason" in err (may be NULL). */
int sysfs_write(const char *path, const char *value, struct strbuf *err);

/*
 * mkdir/rmdir of a cgroup directory. cgroupfs fills a new directory with
 * its control files and drops them on rmdir; in a fake tree (with
 * $MVLAUNCH_SYSROOT set) these make and remove plain stand-ins for
 * cgroup.procs, cpuset.cpus and cpuset.mems, so tests see the same shape.
 * An existing directory is not an error for sysfs_mkdir (one left by a
 * crash is reused). 0, or -1 with the reason in err.
 */
int sysfs_mkdir(const char *path, struct strbuf *err);
int sysfs_rmdir(const char *path, struct strbuf *err);

/* The last component of the link at path ("vfio-pci" of a device's driver link); NULL if no link. Caller frees. */
char *sysfs_link_name(const char *path);

/*
 * Load kernel module 'module' (and what it depends on, as modprobe does)
 * unless 'dir' (what the loaded module makes, e.g. its driver's directory)
 * is already there: finit_module through libkmod, loaded with dlopen() the
 * first time (most commands never load a module; no build dependency). In
 * a fake tree the stand-in makes 'dir' with plain bind and unbind files.
 * 0, or -1 with the reason in err.
 */
int sysfs_load_module(const char *module, const char *dir, struct strbuf *err);

/*
 * In a fake tree ($MVLAUNCH_SYSROOT) no kernel acts on what is written, so
 * sysfs_write() does for the PCI driver files what the kernel would (and
 * nothing else is faked): "ADDR" written to /sys/bus/pci/drivers/X/unbind
 * removes /sys/bus/pci/devices/ADDR/driver (ENODEV unless it points to X);
 * to drivers/X/bind makes it point to X (EBUSY when bound, ENODEV when
 * driver_override names another driver); to /sys/bus/pci/drivers_probe
 * binds it to its driver_override's driver, if any; an empty
 * driver_override (written as "\n") reads back as "(null)". Each of those
 * files must exist in the tree, as in sysfs.
 */

#endif
