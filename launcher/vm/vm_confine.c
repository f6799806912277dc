/*
 * vm_confine.c - what an unprivileged QEMU needs (see vm_confine.h).
 *
 * DESIGN
 * The list follows the argv qemu_argv.c builds, key by key; a path QEMU
 * gets as a descriptor (QMP's socket, taps) is not on it. Paths are
 * granted as the kernel resolves them (realpath): an ACL on a symlink is
 * the target's anyway, and host.json names the file that changed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher/vm/vm_confine.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/vm_tpm.h"
#include "launcher/vm/vm_host.h"
#include "launcher/host/host_prep.h"
#include "launcher/host/usb_host.h"
#include "launcher/host/vfio.h"
#include "util/strbuf.h"
#include "util/wrapper.h"
#include "util/banned.h"

int vm_confine_user(const struct vm_config *cfg, struct qemu_user *u, struct err *err)
{
	const char *name = cfg->security_user ? cfg->security_user : QEMU_USER_DEFAULT;

	/* not root: QEMU runs as the user who runs mvlaunch, who cannot become another */
	if (qemu_user_is_root(name) || geteuid() != 0)
		return 1;
	if (qemu_user_lookup(name, u, err) < 0) {
		strbuf_addf(&err->msg, " (security.user in %s)", cfg->file);
		return -1;
	}
	return 0;
}

unsigned long long vm_confine_memlock(const struct vm_config *cfg)
{
	unsigned long long lg = cfg->lg.enable == 1 ? cfg->lg.size : 0;

	if (cfg->locked != 1 && !cfg->nr_pci)
		return 0;
	return cfg->mem_bytes + lg + (1ULL << 30);
}

void vm_confine_cred(const struct vm_config *cfg, const struct qemu_user *u, struct qemu_spawn_cred *cred)
{
	cred->uid = u->uid;
	cred->gid = u->gid;
	cred->groups = u->groups;
	cred->nr_groups = u->nr_groups;
	cred->memlock = vm_confine_memlock(cfg);
}

/*
 * path as the kernel resolves it; a missing one is left to the checks
 * (they name it). A path under /dev goes in as written too (after the
 * resolved one, marked by a what of its own), for a private /dev to make
 * its links.
 */
static void add(struct grant_list *l, const char *path, unsigned perms, const char *what)
{
	char *real;

	if (!path || !*path)
		return;
	real = realpath(path, NULL);
	if (real)
		grant_list_add(l, real, perms, what);
	if (real && !strncmp(path, "/dev/", 5) && strcmp(real, path))
		grant_list_add(l, path, perms, "link");
	free(real);
}

static int is_node(const char *path)
{
	struct stat st;

	return !strncmp(path, "/dev/", 5) && stat(path, &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
}

void vm_confine_split_devs(const struct vm_config *cfg, struct grant_list *l, struct grant_list *devs)
{
	size_t keep = 0;

	for (size_t i = 0; i < l->nr; i++) {
		struct grant_req *r = &l->v[i];
		int link = !strcmp(r->what, "link");

		if (cfg->private_dev == 1 && is_node(r->path)) {
			grant_list_add(devs, r->path, r->perms, r->what);
			free(r->path);
		} else if (link) {
			free(r->path);	/* granted as its target: a link has no access of its own */
		} else {
			l->v[keep++] = *r;
		}
	}
	l->nr = keep;
}

/* ---- a private /dev ---- */

static struct qemu_ns_op *ns_add(struct vm_ns *ns, enum qemu_ns_kind kind, const char *path)
{
	struct qemu_ns_op *op;

	for (size_t i = 0; i < ns->nr; i++)
		if (!strcmp(ns->ops[i].path, path))
			return NULL;	/* there already (a parent, a node two disks name) */
	ALLOC_GROW(ns->ops, ns->nr + 1, ns->alloc);
	op = &ns->ops[ns->nr++];
	memset(op, 0, sizeof(*op));
	op->kind = kind;
	op->path = xstrdup(path);
	return op;
}

/* Each directory between /dev and path's own name. */
static void ns_parents(struct vm_ns *ns, const char *path)
{
	char *p = xstrdup(path);

	for (char *s = strchr(p + 5, '/'); s; s = strchr(s + 1, '/')) {
		struct qemu_ns_op *op;

		*s = '\0';
		if ((op = ns_add(ns, QEMU_NS_DIR, p)))
			op->mode = 0755;
		*s = '/';
	}
	free(p);
}

static int ns_node(struct vm_ns *ns, const char *path, unsigned perm, uid_t uid, gid_t gid, struct err *err)
{
	struct stat st;
	struct qemu_ns_op *op;

	if (stat(path, &st) < 0 || !(S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) {
		strbuf_addf(&err->msg, "'%s' is not a device node: QEMU's private /dev cannot hold it", path);
		return -1;
	}
	ns_parents(ns, path);
	if ((op = ns_add(ns, QEMU_NS_NODE, path))) {
		op->mode = (st.st_mode & S_IFMT) | perm;
		op->rdev = (unsigned long long)st.st_rdev;
		op->uid = uid;
		op->gid = gid;
		return 0;
	}
	/* named twice (through a link read-only, by itself read-write): the user's node gets the wider mode */
	for (size_t i = 0; i < ns->nr; i++)
		if (ns->ops[i].kind == QEMU_NS_NODE && !strcmp(ns->ops[i].path, path) && ns->ops[i].uid == uid &&
		    uid != 0)
			ns->ops[i].mode |= perm;
	return 0;
}

/* The host's mounts under /dev, from /proc/self/mountinfo (field 5), bound in. */
static void ns_mounts(struct vm_ns *ns)
{
	struct strbuf text = STRBUF_INIT;

	if (strbuf_read_file(&text, "/proc/self/mountinfo", 4 << 20, 0) < 0)
		return;
	for (char *line = text.buf; line && *line;) {
		char *nl = strchr(line, '\n'), *f = line, *end;

		if (nl)
			*nl = '\0';
		for (int i = 0; i < 4 && f; i++) {
			f = strchr(f, ' ');
			f = f ? f + 1 : NULL;
		}
		if (f && (end = strchr(f, ' '))) {
			*end = '\0';
			/* octal escapes (\040) mean a name this simple list would get wrong: left out */
			if (!strncmp(f, "/dev/", 5) && !strchr(f, '\\') && strlen(f) > 5) {
				struct qemu_ns_op *op;

				ns_parents(ns, f);
				if ((op = ns_add(ns, QEMU_NS_BIND, f)))
					op->target = xstrdup(f);
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	strbuf_release(&text);
}

int vm_confine_ns(const struct grant_list *devs, const struct grant_list *others, const struct qemu_user *u,
		  const char *stage, struct vm_ns *ns, struct err *err)
{
	static const char *const std[] = { "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom" };
	static const char *const links[][2] = {
		{ "/dev/fd", "/proc/self/fd" }, { "/dev/stdin", "/proc/self/fd/0" },
		{ "/dev/stdout", "/proc/self/fd/1" }, { "/dev/stderr", "/proc/self/fd/2" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(std); i++)
		if (ns_node(ns, std[i], 0666, 0, 0, err) < 0)
			return -1;
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		ns_add(ns, QEMU_NS_LINK, links[i][0])->target = xstrdup(links[i][1]);
	ns_mounts(ns);
	for (size_t i = 0; i < devs->nr; i++) {
		const struct grant_req *r = &devs->v[i];
		unsigned perm = r->perms & GRANT_W ? 0600 : 0400;
		char *cur = xstrdup(r->path);

		/* the links on the way as they are (a by-id name), then the node */
		for (int hops = 0; hops < 16; hops++) {
			struct stat st;
			char text[4096], *next;
			ssize_t n;

			if (lstat(cur, &st) < 0 || !S_ISLNK(st.st_mode))
				break;
			n = readlink(cur, text, sizeof(text) - 1);
			if (n <= 0)
				break;
			text[n] = '\0';
			ns_parents(ns, cur);
			if (ns_add(ns, QEMU_NS_LINK, cur))
				ns->ops[ns->nr - 1].target = xstrdup(text);
			if (text[0] == '/') {
				next = xstrdup(text);
			} else {
				char *slash = strrchr(cur, '/');

				next = xstrfmt("%.*s/%s", (int)(slash - cur), cur, text);
			}
			free(cur);
			cur = realpath(next, NULL);
			free(next);
			if (!cur || strncmp(cur, "/dev/", 5)) {
				strbuf_addf(&err->msg, "'%s' leads out of /dev: QEMU's private /dev cannot hold it", r->path);
				free(cur);
				return -1;
			}
		}
		if (ns_node(ns, cur, perm, u->uid, u->gid, err) < 0) {
			free(cur);
			return -1;
		}
		free(cur);
	}
	/* files and directories under /dev that no bound mount brings (a Looking Glass file on a /dev without its own /dev/shm) */
	for (size_t i = 0; others && i < others->nr; i++) {
		const char *p = others->v[i].path;
		struct stat st;
		int inside = 0;

		if (strncmp(p, "/dev/", 5) || stat(p, &st) < 0 || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
			continue;
		for (size_t j = 0; j < ns->nr && !inside; j++) {
			size_t n = strlen(ns->ops[j].path);

			inside = ns->ops[j].kind == QEMU_NS_BIND && !strncmp(p, ns->ops[j].path, n) &&
				 (p[n] == '/' || !p[n]);
		}
		if (!inside) {
			struct qemu_ns_op *op;

			ns_parents(ns, p);
			if ((op = ns_add(ns, QEMU_NS_BIND, p)))
				op->target = xstrdup(p);
		}
	}
	ns->ns.stage = stage;
	ns->ns.ops = ns->ops;
	ns->ns.nr_ops = ns->nr;
	ns->ns.ro_sys = 1;
	return 0;
}

void vm_confine_ns_release(struct vm_ns *ns)
{
	for (size_t i = 0; i < ns->nr; i++) {
		free(ns->ops[i].path);
		free(ns->ops[i].target);
	}
	free(ns->ops);
	memset(ns, 0, sizeof(*ns));
}

/* An empty file QEMU would create (mode 0600): made now, so that it can be granted like the others. */
static int make_empty(const char *path, struct err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0) {
		strbuf_addf(&err->msg, "cannot create '%s': %s", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

int vm_confine_paths(const struct vm_config *cfg, const struct vm_runtime *rt, const char *nvram,
		     struct grant_list *l, struct err *err)
{
	char *logdir = runtime_log_path(cfg->name, NULL), *serial = runtime_log_path(cfg->name, "serial.log");
	char *events = runtime_log_path(cfg->name, "events.log");
	int ret = -1;

	/* the runtime directory: QEMU binds its sockets, writes its pidfile, reads events.in */
	add(l, paths_run_root(), GRANT_X, "runtime directory");
	add(l, rt->dir, GRANT_R | GRANT_W | GRANT_X, "the VM's runtime directory");
	{
		char *in = runtime_path(rt, "events.in");

		add(l, in, GRANT_R | GRANT_W, "the QMP event monitor's input (QEMU opens it read-write)");
		free(in);
	}
	/* its logs: the serial console's (QEMU writes it) and the QMP events' */
	add(l, paths_log_root(), GRANT_X, "log directory");
	add(l, logdir, GRANT_X, "the VM's log directory");
	if (make_empty(serial, err) < 0)
		goto out;
	add(l, serial, GRANT_R | GRANT_W, "serial log");
	add(l, events, GRANT_R | GRANT_W, "QMP event log");
	if (nvram || cfg->tpm == 1) {
		/* made now if new (swtpm's first start), so that they are there to grant */
		char *vmdir = paths_vm_state_dir(cfg->name, err), *tpm = vm_tpm_state_dir(cfg->name);

		if (!vmdir || (cfg->tpm == 1 && mkdir(tpm, 0700) < 0 && errno != EEXIST)) {
			if (vmdir)
				strbuf_addf(&err->msg, "cannot create the TPM state directory '%s': %s", tpm, strerror(errno));
			free(vmdir);
			free(tpm);
			goto out;
		}
		add(l, paths_state_root(), GRANT_X, "state directory");
		add(l, vmdir, GRANT_X, "the VM's state directory");
		if (cfg->tpm == 1)
			add(l, tpm, GRANT_R | GRANT_W | GRANT_X, "TPM state (swtpm)");
		free(vmdir);
		free(tpm);
	}
	if (cfg->firmware == FW_UEFI) {
		add(l, cfg->ovmf_code, GRANT_R, "machine.ovmf_code");
		add(l, nvram, GRANT_R | GRANT_W, "the VM's OVMF vars (machine.nvram)");
	}
	for (size_t i = 0; i < cfg->nr_disks; i++) {
		const struct vm_disk *d = &cfg->disks[i];
		int ro = d->readonly == 1 || d->media == MEDIA_CDROM;

		add(l, d->path, ro ? GRANT_R : GRANT_R | GRANT_W, d->media == MEDIA_CDROM ? "cdrom path" : "disk.path");
	}
	add(l, cfg->kernel, GRANT_R, "boot.kernel");
	add(l, cfg->initrd, GRANT_R, "boot.initrd");
	if (cfg->source == MEM_FILE && cfg->mem_path) {
		struct stat st;

		/* a directory (hugetlbfs): QEMU makes and unlinks its file there */
		if (stat(cfg->mem_path, &st) == 0 && S_ISDIR(st.st_mode))
			add(l, cfg->mem_path, GRANT_R | GRANT_W | GRANT_X, "memory.path");
		else
			add(l, cfg->mem_path, GRANT_R | GRANT_W, "memory.path");
	}
	if (cfg->lg.enable == 1)
		add(l, cfg->lg.device ? cfg->lg.device : cfg->lg.path, GRANT_R | GRANT_W,
		    cfg->lg.device ? "looking_glass.device" : "looking_glass.path");
	if (cfg->audio_backend == AUDIO_WAV && cfg->audio_path) {
		if (access(cfg->audio_path, F_OK) < 0 && make_empty(cfg->audio_path, err) < 0)
			goto out;
		add(l, cfg->audio_path, GRANT_R | GRANT_W, "audio.path");
	}
	for (size_t i = 0; i < cfg->nr_inputs; i++)
		add(l, cfg->inputs[i].evdev, GRANT_R | GRANT_W, "input.evdev");
	if (cfg->nr_usb) {
		struct usb_host_dev *devs = NULL;
		size_t nr = 0;

		if (usb_host_list(&devs, &nr, &err->msg) < 0)
			goto out;
		for (size_t i = 0; i < cfg->nr_usb; i++) {
			const struct usb_host_dev *d = usb_host_find(devs, nr, &cfg->usb[i]);

			if (d && d->devnum) {
				char *node = xstrfmt("/dev/bus/usb/%03u/%03u", d->bus, d->devnum);

				add(l, node, GRANT_R | GRANT_W, "usb device");
				free(node);
			}
		}
		usb_host_free(devs, nr);
	}
	if (cfg->nr_pci)
		add(l, "/dev/vfio/vfio", GRANT_R | GRANT_W, "VFIO container");
	for (size_t i = 0; i < cfg->nr_pci; i++) {
		char *group = vfio_group(cfg->pci[i].host);

		if (group) {
			char *node = xstrfmt("/dev/vfio/%s", group);

			add(l, node, GRANT_R | GRANT_W, "passthrough.host (its IOMMU group)");
			free(node);
		}
		free(group);
		add(l, cfg->pci[i].romfile, GRANT_R, "passthrough.romfile");
	}
	if (cfg->accel == ACCEL_KVM)
		add(l, "/dev/kvm", GRANT_R | GRANT_W, "KVM");
	ret = 0;
out:
	free(logdir);
	free(serial);
	free(events);
	return ret;
}

int vm_confine_tpm_state(const char *dir, const struct qemu_user *u, struct err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int ret = 0;

	if (!d)
		return 0;	/* swtpm makes it on its first start */
	while ((e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.' || fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
		    !S_ISREG(st.st_mode) || st.st_uid == u->uid)
			continue;
		if (fchownat(dirfd(d), e->d_name, u->uid, u->gid, AT_SYMLINK_NOFOLLOW) < 0) {
			strbuf_addf(&err->msg, "cannot give the TPM state '%s/%s' to %s: %s", dir, e->d_name, u->name,
				    strerror(errno));
			ret = -1;
			break;
		}
	}
	closedir(d);
	return ret;
}

/* ---- a running QEMU opens more ---- */

/* QEMU's effective uid, from /proc/PID/status; -1 when it cannot be read. */
static long proc_euid(pid_t pid)
{
	char path[64];
	struct strbuf text = STRBUF_INIT;
	const char *uid;
	long e = -1, r;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if (strbuf_read_file(&text, path, 1 << 16, 0) >= 0 && (uid = strstr(text.buf, "\nUid:")) &&
	    sscanf(uid + 5, "%ld %ld", &r, &e) != 2)
		e = -1;
	strbuf_release(&text);
	return e;
}

/* Whether pid has a mount namespace other than ours. */
static int own_mount_ns(pid_t pid)
{
	char path[64];
	struct stat a, b;

	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)pid);
	return stat(path, &a) == 0 && stat("/proc/self/ns/mnt", &b) == 0 && a.st_ino != b.st_ino;
}

/* Make node (a copy of path's, owned by u) in pid's mount namespace, in a child that enters it. */
static int node_in_ns(pid_t pid, const char *path, unsigned perms, const struct qemu_user *u, struct err *err)
{
	char nspath[64];
	struct stat st;
	int fd, status, e = 0;
	pid_t child;

	if (stat(path, &st) < 0) {
		strbuf_addf(&err->msg, "cannot read '%s': %s", path, strerror(errno));
		return -1;
	}
	snprintf(nspath, sizeof(nspath), "/proc/%d/ns/mnt", (int)pid);
	fd = open(nspath, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		strbuf_addf(&err->msg, "cannot enter QEMU's mount namespace (%s): %s", nspath, strerror(errno));
		return -1;
	}
	child = fork();
	if (child == 0) {
		char *p = xstrdup(path);
		struct stat have;

		if (setns(fd, CLONE_NEWNS) < 0)
			_exit(errno);
		for (char *s = strchr(p + 5, '/'); s; s = strchr(s + 1, '/')) {
			*s = '\0';
			if (mkdir(p, 0755) < 0 && errno != EEXIST)
				_exit(errno);
			*s = '/';
		}
		/* a node there already (the same device attached again) is replaced: its numbers may be new */
		if (lstat(path, &have) == 0 && unlink(path) < 0)
			_exit(errno);
		if (mknod(path, (st.st_mode & S_IFMT) | 0600, st.st_rdev) < 0 || chown(path, u->uid, u->gid) < 0 ||
		    chmod(path, perms & GRANT_W ? 0600 : 0400) < 0)
			_exit(errno);
		_exit(0);
	}
	close(fd);
	if (child < 0) {
		strbuf_addf(&err->msg, "cannot fork: %s", strerror(errno));
		return -1;
	}
	while (waitpid(child, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || (e = WEXITSTATUS(status))) {
		strbuf_addf(&err->msg, "cannot make '%s' in QEMU's private /dev: %s", path,
			    e ? strerror(e) : "the helper process died");
		return -1;
	}
	return 0;
}

int vm_confine_hot(const char *name, pid_t pid, const char *path, unsigned perms, const char *what,
		   struct err *err)
{
	struct qemu_user u = QEMU_USER_INIT;
	struct grant_list l = GRANT_LIST_INIT;
	struct host_prep prep = HOST_PREP_INIT;
	struct passwd pw, *res = NULL;
	char buf[4096], *real = NULL;
	long uid = proc_euid(pid);
	int root_fd = -1, ret = -1;

	if (uid < 0) {
		strbuf_addf(&err->msg, "cannot read QEMU's user from /proc/%d/status", (int)pid);
		return -1;
	}
	if (uid == 0 || geteuid() != 0)
		return 0;	/* QEMU as root, or as the user who runs mvlaunch: it opens what it may */
	if (getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &res) != 0 || !res) {
		strbuf_addf(&err->msg, "QEMU runs as uid %ld, which is no user of this host", uid);
		return -1;
	}
	if (qemu_user_lookup(res->pw_name, &u, err) < 0)
		return -1;
	real = realpath(path, NULL);
	if (!real) {
		strbuf_addf(&err->msg, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if (is_node(real) && own_mount_ns(pid)) {
		/* the links on the way are not made: QEMU is told the node's own path */
		ret = node_in_ns(pid, real, perms, &u, err);
		goto out;
	}
	grant_list_add(&l, real, perms, what);
	root_fd = runtime_lock_root(err);
	if (root_fd < 0)
		goto out;
	vm_host_prep_init(&prep, NULL, NULL, 0);
	ret = host_prep_grant(&prep, name, &u, &l, err);
out:
	if (root_fd >= 0)
		close(root_fd);
	host_prep_release(&prep);
	grant_list_clear(&l);
	qemu_user_release(&u);
	free(real);
	return ret;
}
