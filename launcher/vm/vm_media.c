/*
 * vm_media.c - cdrom media of a running VM over QMP (see vm_media.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher/vm/vm_media.h"
#include "launcher/vm/vm_confine.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* How long a guest that locked its tray gets to open it when asked. */
#define EJECT_WAIT_MS 2000

char *vm_media_name(const char *qdev)
{
	size_t len = strlen(qdev);

	if (len > 4 && !strcmp(qdev + len - 4, "-dev"))
		len -= 4;
	return xstrndup(qdev, len);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void list_drives(const struct qmp_drive *d, size_t nr, struct strbuf *sb)
{
	for (size_t i = 0; i < nr; i++) {
		char *name = vm_media_name(d[i].qdev);

		strbuf_addf(sb, "%s%s (%s)", i ? ", " : "", name, d[i].file ? d[i].file : "empty");
		free(name);
	}
}

int vm_media_pick(const struct qmp_drive *d, size_t nr, const char *disk, struct err *err)
{
	int found = -1, matches = 0;
	char *want;

	if (!nr) {
		strbuf_addstr(&err->msg, "the VM has no drive with removable media");
		err_hintf(err, "add a [[disk]] with media = \"cdrom\" (path = \"\" for an empty one) and restart the VM");
		return -1;
	}
	if (!disk) {
		if (nr == 1)
			return 0;
		char *first = vm_media_name(d[0].qdev);

		strbuf_addstr(&err->msg, "the VM has several cdrom drives: ");
		list_drives(d, nr, &err->msg);
		err_hintf(err, "name one, e.g. '%s'", first);
		free(first);
		return -1;
	}
	want = strspn(disk, "0123456789") == strlen(disk) && *disk ? xstrfmt("disk%s", disk) : xstrdup(disk);
	for (size_t i = 0; i < nr; i++) {
		char *name = vm_media_name(d[i].qdev);

		if (!strcmp(name, want) ||
		    (d[i].file && (!strcmp(d[i].file, disk) || !strcmp(base_name(d[i].file), disk)))) {
			found = (int)i;
			matches++;
		}
		free(name);
	}
	free(want);
	if (matches == 1)
		return found;
	strbuf_addf(&err->msg, matches ? "'%s' names more than one drive: " : "no cdrom drive '%s'; the VM has ", disk);
	list_drives(d, nr, &err->msg);
	err_hintf(err, "name a drive as diskN, N being its [[disk]] table's place in the config (from 0)");
	return -1;
}

int vm_media_list(struct vm_handle *h, struct qmp_drive **out, size_t *nr, struct err *err)
{
	*out = NULL;
	*nr = 0;
	if (vm_handle_need_qmp(h, err) < 0)
		return -1;
	return qmp_query_drives(h->qmp, out, nr, &err->msg);
}

static void locked_hint(struct err *err, const char *name, const char *cmd)
{
	strbuf_addf(&err->msg, "the guest keeps the tray of %s locked (an installer or a mounted disc uses it)", name);
	err_hintf(err, "eject it inside the guest, or take it anyway with '%s --force'", cmd);
}

int vm_media_eject(struct vm_handle *h, const char *disk, int force, char **picked, struct err *err)
{
	struct qmp_drive *d;
	size_t nr;
	int i, r, ret = -1;

	*picked = NULL;
	if (vm_media_list(h, &d, &nr, err) < 0)
		return -1;
	if ((i = vm_media_pick(d, nr, disk, err)) < 0)
		goto out;
	*picked = vm_media_name(d[i].qdev);
	r = qmp_eject(h->qmp, d[i].qdev, force, EJECT_WAIT_MS, &err->msg);
	if (r == QMP_LOCKED)
		locked_hint(err, *picked, "mvlaunch eject");
	else
		ret = r;
out:
	qmp_drives_free(d, nr);
	return ret;
}

int vm_media_insert(struct vm_handle *h, const char *disk, const char *file, const char *format, int force,
		    char **picked, struct err *err)
{
	struct qmp_drive *d = NULL;
	size_t nr = 0;
	char *abs = realpath(file, NULL);
	struct stat st;
	int i, r, ret = -1;

	*picked = NULL;
	if (!abs || stat(abs, &st) < 0 || access(abs, R_OK) < 0) {
		strbuf_addf(&err->msg, "cannot read '%s': %s", file, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		strbuf_addf(&err->msg, "'%s' is not an image file or a block device", file);
		goto out;
	}
	if (vm_media_list(h, &d, &nr, err) < 0 || (i = vm_media_pick(d, nr, disk, err)) < 0)
		goto out;
	*picked = vm_media_name(d[i].qdev);
	/* QEMU (not root) opens it: its user may read it from now on */
	if (vm_confine_hot(h->rt.name, h->state.pid, abs, GRANT_R, "the inserted medium", err) < 0)
		goto out;
	r = qmp_change_medium(h->qmp, d[i].qdev, abs, format, force, &err->msg);
	if (r == QMP_LOCKED) {
		strbuf_reset(&err->msg);
		locked_hint(err, *picked, "mvlaunch insert");
	} else {
		ret = r;
	}
out:
	qmp_drives_free(d, nr);
	free(abs);
	return ret;
}
