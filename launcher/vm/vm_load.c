/*
 * vm_load.c - find, read and check a VM config (see vm_load.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "launcher/vm/vm_load.h"
#include "launcher/vm/paths.h"
#include "util/trust.h"
#include "util/banned.h"

/* SCSI optical drives (/dev/sr*): their block major */
#define SCSI_CDROM_MAJOR 11

/*
 * Look at each disk.path on the host: a block device gets QEMU's
 * host_device driver (host_cdrom for an optical drive), anything else
 * "file".
 */
static void disks_probe(struct vm_config *cfg)
{
	for (size_t i = 0; i < cfg->nr_disks; i++) {
		struct vm_disk *d = &cfg->disks[i];
		struct stat st;

		if (!*d->path)
			continue;	/* an empty cdrom tray */
		if (stat(d->path, &st) == 0)
			d->node = !S_ISBLK(st.st_mode) ? DISK_NODE_FILE :
				  major(st.st_rdev) == SCSI_CDROM_MAJOR ? DISK_NODE_HOST_CDROM : DISK_NODE_HOST_DEVICE;
		else	/* not there (yet): a /dev path is a device all the same (an LVM volume not active) */
			d->node = !strncmp(d->path, "/dev/", 5) ? DISK_NODE_HOST_DEVICE : DISK_NODE_FILE;
	}
}

int vm_load(const char *arg, const struct vm_dirs *dirs, struct vm_config *cfg, struct err *err)
{
	char *path;
	int ret = -1;

	vm_config_init(cfg);
	path = paths_vm_config(arg, dirs, err);
	if (!path || trust_file(path, "config", err) < 0)
		goto out;
	ret = vm_config_load(path, cfg, &err->msg);
	if (ret == 0) {
		char *bin = trust_which(cfg->qemu_binary);

		/* what a config makes root run must be root's too */
		if (bin && trust_file(bin, "QEMU binary", err) < 0)
			ret = -1;
		free(bin);
		disks_probe(cfg);
	}
out:
	free(path);
	return ret;
}
