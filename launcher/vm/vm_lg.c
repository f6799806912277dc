/*
 * vm_lg.c - Looking Glass's shared-memory file (see vm_lg.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher/vm/vm_lg.h"
#include "launcher/vm/vm_handle.h"
#include "util/atomic_file.h"
#include "util/wrapper.h"
#include "util/banned.h"

struct other {
	const char *me, *path;
	char *holder;
};

/* Another VM whose recorded lg.path is ours and whose QEMU runs holds it. */
static int holds(const char *name, void *data)
{
	struct other *o = data;
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct qemu_proc p = QEMU_PROC_INIT;
	struct vm_state st = { 0 };
	struct strbuf sb = STRBUF_INIT;
	char *rec;
	int r = 0;

	if (!strcmp(name, o->me))
		return 0;
	rt.name = xstrdup(name);
	rt.dir = runtime_vm_path(name, NULL);
	rec = runtime_path(&rt, "lg.path");
	if (strbuf_read_file(&sb, rec, 4096, O_NOFOLLOW) > 0 && !strcmp(sb.buf, o->path) &&
	    vm_handle_find_qemu(&rt, &p, &st) == 0) {
		o->holder = xstrdup(name);
		r = 1;
	}
	vm_state_release(&st);
	qemu_proc_release(&p);
	strbuf_release(&sb);
	free(rec);
	runtime_release(&rt);
	return r;
}

int vm_lg_prepare(const struct vm_config *cfg, const struct vm_runtime *rt, struct err *err)
{
	const struct vm_looking_glass *lg = &cfg->lg;
	struct other o = { .me = cfg->name, .path = lg->path };
	char *rec;
	struct passwd *pw = NULL;
	int fd, ret;

	if (lg->enable != 1 || lg->device)
		return 0;
	if (runtime_for_each(holds, &o)) {
		strbuf_addf(&err->msg, "looking_glass.path '%s' is the frame buffer of VM '%s', which runs", lg->path, o.holder);
		err_hintf(err, "give each VM its own looking_glass.path (and each client its -f)");
		free(o.holder);
		return -1;
	}
	if (lg->owner && !(pw = getpwnam(lg->owner))) {
		strbuf_addf(&err->msg, "looking_glass.owner '%s' is not a user of this host", lg->owner);
		err_hintf(err, "set it to the desktop user who runs looking-glass-client (in %s)", cfg->file);
		return -1;
	}
	/* written ahead: a kill from here on leaves the file to the runtime directory's cleaning */
	rec = runtime_path(rt, "lg.path");
	ret = atomic_write_file(rec, lg->path, strlen(lg->path), 0, &err->msg);
	free(rec);
	if (ret < 0)
		return -1;
	ret = -1;
	/* a leftover of a crashed run, or another program's file: started afresh */
	if (unlink(lg->path) < 0 && errno != ENOENT) {
		strbuf_addf(&err->msg, "cannot replace '%s': %s", lg->path, strerror(errno));
		return -1;
	}
	fd = open(lg->path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0660);
	if (fd < 0) {
		strbuf_addf(&err->msg, "cannot create Looking Glass's file '%s': %s", lg->path, strerror(errno));
		return -1;
	}
	if ((pw && fchown(fd, pw->pw_uid, pw->pw_gid) < 0) || fchmod(fd, 0660) < 0) {
		strbuf_addf(&err->msg, "cannot give '%s' to %s: %s", lg->path, lg->owner, strerror(errno));
		close(fd);
		unlink(lg->path);
		return -1;
	}
	close(fd);
	return 0;
}
