/*
 * vm_media.h - the media in a running VM's cdrom drives: list, eject, insert
 * ('mvlaunch eject' and 'insert'), over QMP.
 *
 * A drive is named as in the config: "diskN" is the N-th [[disk]] table
 * (from 0), whose QEMU device is "diskN-dev" (qemu_argv.c). Changes are
 * live only: the next 'up' starts with the config's path again.
 */
#ifndef MVL_VM_MEDIA_H
#define MVL_VM_MEDIA_H

#include "launcher/vm/vm_handle.h"
#include "qmp/qmp_cmds.h"
#include "util/err.h"

/*
 * Which of the drives d[0..nr-1] 'disk' names: "diskN", "N", or the file
 * in it (its full path or its base name); NULL names the only drive. The
 * index, or -1 with the reason and the drives there are in err.
 */
int vm_media_pick(const struct qmp_drive *d, size_t nr, const char *disk, struct err *err);

/* "disk1-dev" -> "disk1"; caller frees. */
char *vm_media_name(const char *qdev);

/*
 * Empty drive 'disk' (see vm_media_pick) of the VM h is attached to; a tray
 * the guest locked is opened only with 'force'. *picked gets the drive's
 * name. 0, or -1 with the reason (and a hint) in err.
 */
int vm_media_eject(struct vm_handle *h, const char *disk, int force, char **picked, struct err *err);

/*
 * Put 'file' (a readable regular file or block device, made absolute here;
 * format "raw" or "qcow2", never probed) into drive 'disk', read-only.
 * 0, or -1 with the reason (and a hint) in err.
 */
int vm_media_insert(struct vm_handle *h, const char *disk, const char *file, const char *format, int force,
		    char **picked, struct err *err);

/* The drives of h's QEMU now (free with qmp_drives_free()). 0, or -1 with err. */
int vm_media_list(struct vm_handle *h, struct qmp_drive **out, size_t *nr, struct err *err);

#endif
