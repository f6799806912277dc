/*
 * vm_load.c - find, read and check a VM config (see vm_load.h).
 */
#include <errno.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "launcher/vm/vm_load.h"
#include "launcher/vm/paths.h"
#include "launcher/host/sysfs.h"
#include "launcher/host/usb_host.h"
#include "config/schema.h"
#include "util/wrapper.h"
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

/*
 * input.evdev must be there when the config is loaded: QEMU would exit at
 * start with "Could not open" and no config line. A config error all the
 * same (FILE:LINE:COL: key 'input[N].evdev'), though only here is the host
 * looked at. 0, or -1 with a line per missing device in err.
 */
static int inputs_probe(const struct vm_config *cfg, struct err *err)
{
	int ret = 0;

	for (size_t i = 0; i < cfg->nr_inputs; i++) {
		char *key = xstrfmt("input[%zu].evdev", i);
		struct stat st;

		if (stat(cfg->inputs[i].evdev, &st) < 0)
			ret = schema_error(&err->msg, cfg->file, vm_config_item_loc(cfg, "input", i, "evdev"), key,
					   "'%s': %s", cfg->inputs[i].evdev, strerror(errno));
		free(key);
	}
	if (ret < 0)
		err_hintf(err, "'mvlaunch input list' shows this host's keyboards and mice");
	return ret;
}

/*
 * smbios.copy_host: the host's strings from /sys/class/dmi/id for the keys
 * the config leaves unset. One that cannot be read (product_serial is
 * root's) or is no SMBIOS string here becomes a warning, never an error:
 * the VM starts with QEMU's default for it.
 */
static void smbios_copy_host(struct vm_config *cfg)
{
	struct vm_smbios *sm = &cfg->smbios;
	const struct { char **field; const char *file; } map[] = {
		{ &sm->manufacturer, "sys_vendor" }, { &sm->product, "product_name" },
		{ &sm->version, "product_version" }, { &sm->serial, "product_serial" },
		{ &sm->sku, "product_sku" }, { &sm->family, "product_family" },
		{ &sm->bios_vendor, "bios_vendor" }, { &sm->bios_version, "bios_version" },
		{ &sm->bios_date, "bios_date" },
	};
	struct config_loc loc = vm_config_loc(cfg, "smbios.copy_host");

	if (sm->copy_host != 1)
		return;
	if (!sysfs_exists("/sys/class/dmi/id")) {
		schema_warn(&cfg->warnings, cfg->file, loc, "smbios.copy_host",
			    "this host has no /sys/class/dmi/id (no SMBIOS tables): nothing to copy");
		return;
	}
	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		struct strbuf v = STRBUF_INIT, why = STRBUF_INIT;
		char *path = xstrfmt("/sys/class/dmi/id/%s", map[i].file);
		char *value;

		if (*map[i].field)
			;	/* the config's own value wins */
		else if (sysfs_read(path, &v, &why) < 0)
			schema_warn(&cfg->warnings, cfg->file, loc, "smbios.copy_host", "%s; the guest gets QEMU's default",
				    why.buf);
		else if (!v.len)
			;	/* the host has none */
		else if (value = strbuf_detach(&v), vm_config_check_smbios(&value, &why) < 0) {
			schema_warn(&cfg->warnings, cfg->file, loc, "smbios.copy_host", "the host's %s %s; not copied",
				    map[i].file, why.buf);
			free(value);
		} else {
			*map[i].field = value;
		}
		strbuf_release(&v);
		strbuf_release(&why);
		free(path);
	}
}

/*
 * audio.backend = "pa" without a server: looking_glass.owner's own sound
 * server, /run/user/UID/pulse/native (PulseAudio, or PipeWire's pulse).
 */
static void audio_server(struct vm_config *cfg)
{
	struct passwd *pw;

	if (cfg->audio_backend != AUDIO_PA || cfg->audio_server || !cfg->lg.owner)
		return;
	pw = getpwnam(cfg->lg.owner);
	if (!pw) {
		schema_warn(&cfg->warnings, cfg->file, vm_config_loc(cfg, "audio.backend"), "audio.backend",
			    "looking_glass.owner '%s' is not a user here: QEMU's default pulse server is used", cfg->lg.owner);
		return;
	}
	cfg->audio_server = xstrfmt("unix:/run/user/%u/pulse/native", (unsigned)pw->pw_uid);
}

/*
 * QEMU's usb-host matches no serial number: a [[usb]] with a serial
 * becomes the bus and port where that device is plugged in now (the
 * argv builder uses them). Absent, it stays vendor:product (up notes it).
 */
static void usb_find_serials(struct vm_config *cfg)
{
	struct usb_host_dev *d = NULL;
	size_t nr = 0;

	for (size_t i = 0; i < cfg->nr_usb; i++) {
		const struct usb_host_dev *found;

		if (!cfg->usb[i].serial)
			continue;
		if (!d && usb_host_list(&d, &nr, NULL) < 0)
			return;
		if ((found = usb_host_find(d, nr, &cfg->usb[i]))) {
			cfg->usb[i].found_bus = found->bus;
			cfg->usb[i].found_port = xstrdup(found->port);
		}
	}
	usb_host_free(d, nr);
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
		if (inputs_probe(cfg, err) < 0)
			ret = -1;
		disks_probe(cfg);
		smbios_copy_host(cfg);
		audio_server(cfg);
		usb_find_serials(cfg);
	}
out:
	free(path);
	return ret;
}
