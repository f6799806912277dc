/*
 * vm_load.c - the config-loading (and starting) steps VM commands share (see vm_load.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "launcher/vm/vm_load.h"
#include "launcher/vm/paths.h"
#include "util/trust.h"
#include "util/usage.h"
#include "util/banned.h"

/* SCSI optical drives (/dev/sr*): their block major */
#define SCSI_CDROM_MAJOR 11

void vm_disks_probe(struct vm_config *cfg)
{
	for (size_t i = 0; i < cfg->nr_disks; i++) {
		struct vm_disk *d = &cfg->disks[i];
		struct stat st;

		if (stat(d->path, &st) == 0)
			d->node = !S_ISBLK(st.st_mode) ? DISK_NODE_FILE :
				  major(st.st_rdev) == SCSI_CDROM_MAJOR ? DISK_NODE_HOST_CDROM : DISK_NODE_HOST_DEVICE;
		else	/* not there (yet): a /dev path is a device all the same (an LVM volume not active) */
			d->node = !strncmp(d->path, "/dev/", 5) ? DISK_NODE_HOST_DEVICE : DISK_NODE_FILE;
	}
}

int vm_load(const char *arg, const struct mvl_opts *opts, struct vm_config *cfg)
{
	struct strbuf err = STRBUF_INIT;
	char *path;
	int ret = -1;

	vm_config_init(cfg);
	path = vm_config_path(arg, opts, &err);
	if (!path || trust_file(path, "config", &err) < 0)
		goto out;
	ret = vm_config_load(path, cfg, &err);
	if (ret == 0) {
		char *bin = trust_which(cfg->qemu_binary);

		/* what a config makes root run must be root's too */
		if (bin && trust_file(bin, "QEMU binary", &err) < 0)
			ret = -1;
		free(bin);
		vm_disks_probe(cfg);
	}
	for (size_t i = 0; i < cfg->warnings.nr; i++)
		warning("%s", cfg->warnings.v[i]);
out:
	if (ret < 0)
		error_lines(err.buf);
	free(path);
	strbuf_release(&err);
	return ret;
}

int vm_load_up(const char *arg, const struct mvl_opts *opts, const struct vm_up_opts *up,
	       struct vm_config *cfg, struct vm_handle *h)
{
	struct strvec notes = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	int ret;

	if (vm_load(arg, opts, cfg) < 0)
		return -1;
	ret = vm_up(cfg, up, h, &notes, &err);
	for (size_t i = 0; i < notes.nr; i++)
		warning("%s", notes.v[i]);
	if (ret < 0) {
		error("cannot start VM '%s'", cfg->name);
		error_lines(err.buf);
	}
	strvec_clear(&notes);
	strbuf_release(&err);
	return ret;
}
