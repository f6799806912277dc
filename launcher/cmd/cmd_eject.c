/*
 * cmd_eject.c - 'mvlaunch eject' and 'mvlaunch insert': change the medium
 * in a running VM's cdrom drive, so the driver ISO can follow the
 * installer's without a restart (launcher/vm/vm_media.c does the QMP).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_down.h"
#include "launcher/vm/vm_media.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* "disk1: /srv/iso/virtio-win.iso" (or "empty"), read back from QEMU. */
static int show(struct vm_handle *h, const char *picked)
{
	struct err err = ERR_INIT;
	struct qmp_drive *d;
	size_t nr;
	int ret = MVL_EXIT_FAILURE;

	if (vm_media_list(h, &d, &nr, &err) < 0) {
		err_print(&err);
		err_release(&err);
		return ret;
	}
	for (size_t i = 0; i < nr; i++) {
		char *name = vm_media_name(d[i].qdev);

		if (!strcmp(name, picked)) {
			printf("%s: %s\n", name, d[i].file ? d[i].file : "empty");
			ret = MVL_EXIT_OK;
		}
		free(name);
	}
	qmp_drives_free(d, nr);
	err_release(&err);
	return ret;
}

/* What 'eject' (file NULL) or 'insert' asks of a drive. */
struct media_change {
	const char *disk, *file, *format;
	int force;
};

/* Attach to VM 'name', change the medium, print the drive as QEMU reports it; an exit code. */
static int change(const char *name, const struct mvl_opts *opts, const struct media_change *c)
{
	struct vm_handle h = VM_HANDLE_INIT;
	struct err err = ERR_INIT;
	char *picked = NULL;
	int ret, r;

	if (attach_running(name, opts, &h, "media are changed in a running VM (to boot from another one, set its "
			   "[[disk]] path)", &ret) < 0)
		goto out;
	r = c->file ? vm_media_insert(&h, c->disk, c->file, c->format, c->force, &picked, &err)
		    : vm_media_eject(&h, c->disk, c->force, &picked, &err);
	if (r < 0) {
		err_print(&err);
		ret = MVL_EXIT_FAILURE;
		goto out;
	}
	ret = show(&h, picked);
out:
	free(picked);
	err_release(&err);
	vm_handle_release(&h);
	return ret;
}

int cmd_eject(int argc, char **argv, const struct mvl_opts *opts)
{
	struct media_change c = { 0 };
	const struct opt options[] = {
		OPT_BOOL('f', "force", &c.force, "open the tray even if the guest locked it"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "eject", .operands = "<name> [<disk>]", .min = 1, .max = 2, .opts = options,
		.text = "Take the medium out of a cdrom drive of running VM <name>. <disk> is diskN\n"
			"(the N-th [[disk]] table, from 0), N, or the file in the drive; without it, the\n"
			"VM's only cdrom. A tray the guest has locked is opened only with --force.\n"
			"The change is live only: the next 'up' starts with the config's path.",
	};

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	c.disk = argc > 1 ? argv[1] : NULL;
	return change(argv[0], opts, &c);
}

int cmd_insert(int argc, char **argv, const struct mvl_opts *opts)
{
	struct media_change c = { .format = "raw" };
	const struct opt options[] = {
		OPT_STRING(0, "format", &c.format, "F", "the image's format: raw (default; an ISO) or qcow2"),
		OPT_BOOL('f', "force", &c.force, "replace the medium even if the guest locked the tray"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "insert", .operands = "<name> <disk> <file>", .min = 3, .max = 3, .opts = options,
		.text = "Put <file> (an ISO image or a block device) into cdrom drive <disk> of running\n"
			"VM <name>, read-only, replacing what is in it. <disk> is diskN (the N-th\n"
			"[[disk]] table, from 0), N, or the file in the drive. The change is live\n"
			"only: the next 'up' starts with the config's path.",
	};

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (strcmp(c.format, "raw") && strcmp(c.format, "qcow2")) {
		error("--format '%s': use raw or qcow2", c.format);
		return MVL_EXIT_USAGE;
	}
	c.disk = argv[1];
	c.file = argv[2];
	return change(argv[0], opts, &c);
}
