/*
 * runtime.c - per-VM runtime directories and their locks (see runtime.h).
 *
 * DESIGN
 * The lock is a flock on the directory itself, not on a file inside it, so
 * removing the directory after 'down' leaves no lock file behind. The price
 * is the classic race: a waiter may get the lock on a directory that the
 * previous holder has just removed. After locking we therefore check that
 * the path still names the inode we locked, and start over if not.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "launcher/vm/runtime.h"
#include "launcher/vm/paths.h"
#include "launcher/qemu/qemu_proc.h"
#include "launcher/host/vm_cgroup.h"
#include "util/atomic_file.h"
#include "util/cpuset.h"
#include "util/interrupt.h"
#include "util/trust.h"
#include "util/wrapper.h"
#include "util/banned.h"

static const char *const runtime_files[] = {
	"qmp.sock", "serial.sock", "qemu.pid", "qemu.id", "qemu.id.tmp", "state.json", "state.json.tmp",
	"vnc.sock", "spice.sock", "swtpm.sock", "swtpm.id", "swtpm.id.tmp", "lg.path", "lg.path.tmp",
	"events.in", "events.out", "cgroup.json.tmp", "claim.json", "claim.json.tmp", "console.lock",
};

/* What QEMU needs running beside it, each recorded by its spawn as "PID STARTTIME" (vm_tpm.c). */
static const char *const helper_ids[] = { "swtpm.id" };

/*
 * A runtime directory: this user's own, not a link, no group or other write
 * (trust_dir()). Readable by the status group when there is one, so its
 * members can run 'mvlaunch status'; QMP sockets stay the owner's.
 */
static int mkdir_private(const char *path, const char *what, struct err *err)
{
	gid_t g = trust_status_group();

	return trust_dir(path, what, g == (gid_t)-1 ? 0700 : 0750, g, err);
}

/*
 * flock(LOCK_EX) that a Ctrl-C or SIGTERM ends when interrupt_arm() is on
 * (flock itself cannot be polled, so it is retried every 2 ms: 'up' holds
 * the root lock for a few milliseconds, and a start storm hands it from one
 * to the next; a longer step would be most of the wait). 'patient' (a VM's
 * lock, which an 'up' in its hooks may hold for minutes): every 20 ms after
 * the first 100. 0, -1 with errno, or -2 with "interrupted by ... while
 * waiting for another mvlaunch command" and 'what' in err.
 */
static int flock_interruptible(int fd, int patient, const char *what, struct err *err)
{
	if (interrupt_fd() < 0)
		return flock(fd, LOCK_EX);
	for (int i = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; i++) {
		struct pollfd pfd = { .fd = interrupt_fd(), .events = POLLIN };

		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (poll(&pfd, 1, patient && i >= 50 ? 20 : 2) > 0) {
			strbuf_addf(&err->msg, "interrupted by %s while waiting for another mvlaunch command%s",
				    interrupt_name(interrupt_pending()), what);
			return -2;
		}
	}
	return 0;
}

/*
 * The VM lock. Without 'wait' a lock held for long means busy; but another
 * command that only looks (vm_host_alive() takes it shared for a moment) must not
 * make 'up' fail, so a held lock is tried again for 200 ms first (once:
 * RUNTIME_LOCK_NOW, for one who has other VMs to see to meanwhile). With
 * 'wait' ('down' waiting for an 'up' of the same VM, which may sit in a hook
 * for minutes) a Ctrl-C or SIGTERM ends the wait when interrupt_arm() is on:
 * -2 with "interrupted by ..." in err.
 */
static int flock_vm(int fd, int wait, struct err *err)
{
	if (wait == RUNTIME_LOCK_NOW)
		return flock(fd, LOCK_EX | LOCK_NB);
	if (wait)
		return flock_interruptible(fd, 1, " to finish with this VM", err);
	for (int i = 0; i < 100; i++) {
		struct timespec ts = { 0, 2000000 };

		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK)
			return -1;
		nanosleep(&ts, NULL);
	}
	errno = EWOULDBLOCK;
	return -1;
}

int runtime_lock(struct vm_runtime *rt, const char *name, int wait, struct err *err)
{
	const char *root = paths_run_root();

	rt->name = xstrdup(name);
	rt->dir = xstrfmt("%s/%s", root, name);
	rt->lock_fd = -1;
	if (mkdir_private(root, "runtime directory", err) < 0)
		return -1;
	for (int tries = 0; tries < 100; tries++) {
		struct stat a, b;
		int fd, r;

		if (mkdir_private(rt->dir, "runtime directory", err) < 0)
			return -1;
		fd = open(rt->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;	/* removed under us */
			strbuf_addf(&err->msg, "cannot open runtime directory '%s': %s", rt->dir, strerror(errno));
			return -1;
		}
		if ((r = flock_vm(fd, wait, err)) < 0) {
			int e = errno;

			close(fd);
			if (r == -2)
				return -1;
			if (e == EWOULDBLOCK) {
				strbuf_addf(&err->msg, "VM '%s' is busy: another mvlaunch command is starting or stopping it", name);
				return -1;
			}
			strbuf_addf(&err->msg, "cannot lock '%s': %s", rt->dir, strerror(e));
			return -1;
		}
		if (fstat(fd, &a) == 0 && stat(rt->dir, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			rt->lock_fd = fd;
			return 0;
		}
		close(fd);	/* the previous holder removed it: start over */
	}
	strbuf_addf(&err->msg, "cannot lock '%s': it keeps being removed and recreated", rt->dir);
	return -1;
}

static int lock_root(struct err *err, int interruptible)
{
	const char *root = paths_run_root();
	int fd;

	if (mkdir_private(root, "runtime directory", err) < 0)
		return -1;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		strbuf_addf(&err->msg, "cannot lock the runtime root '%s': %s", root, strerror(errno));
		return -1;
	}
	if ((interruptible ? flock_interruptible(fd, 0, "", err) : flock(fd, LOCK_EX)) < 0) {
		if (!err->msg.len)
			strbuf_addf(&err->msg, "cannot lock the runtime root '%s': %s", root, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int runtime_lock_root(struct err *err)
{
	return lock_root(err, 1);
}

int runtime_lock_root_undo(struct err *err)
{
	return lock_root(err, 0);
}

char *runtime_path(const struct vm_runtime *rt, const char *file)
{
	return xstrfmt("%s/%s", rt->dir, file);
}

int runtime_exists(const char *name)
{
	char *dir = runtime_vm_path(name, NULL);
	struct stat st;
	int r = stat(dir, &st) == 0 && S_ISDIR(st.st_mode);

	free(dir);
	return r;
}

void runtime_stop_helpers(const struct vm_runtime *rt)
{
	for (size_t i = 0; rt->dir && i < ARRAY_SIZE(helper_ids); i++) {
		char *id = runtime_path(rt, helper_ids[i]);
		struct qemu_proc p = QEMU_PROC_INIT;

		/* swtpm --terminate ends with QEMU's connection; one that did not (no QEMU yet) is stopped */
		if (qemu_proc_attach_id(&p, id) == 0 && !qemu_proc_wait_exit(&p, 500))
			qemu_proc_kill(&p, 2000);
		qemu_proc_release(&p);
		free(id);
	}
}

/* The files made for QEMU outside the runtime directory (Looking Glass's, recorded in lg.path) go with it. */
static void remove_shared(const struct vm_runtime *rt)
{
	char *rec = runtime_path(rt, "lg.path");
	struct strbuf sb = STRBUF_INIT;
	struct stat st;

	if (strbuf_read_file(&sb, rec, 4096, O_NOFOLLOW) > 0 && sb.buf[0] == '/' && !strstr(sb.buf, "/../") &&
	    lstat(sb.buf, &st) == 0 && S_ISREG(st.st_mode))
		unlink(sb.buf);
	strbuf_release(&sb);
	free(rec);
}

/*
 * The claim of a VM being started: the CPUs it owns, written under the
 * root lock once planned, so the next 'up' plans around them although this
 * one has no state.json yet. It counts while the VM's directory is locked
 * (its 'up' is at work); an 'up' killed half-way drops its lock with its
 * life, and its claim counts no more before anyone removes the file.
 */
#define CLAIM_FILE "claim.json"

char *runtime_claim_encode(const struct cpuset *owned, int dedicated)
{
	struct strbuf cpus = STRBUF_INIT;
	json_t *o;
	char *text;

	cpuset_format(owned, &cpus);
	o = json_pack("{s:s,s:b}", "owned", cpus.buf, "dedicated", dedicated);
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	strbuf_release(&cpus);
	return text;
}

int runtime_claim_decode(const char *text, struct cpuset *owned, int *dedicated, struct strbuf *err)
{
	json_t *o = json_loads(text, 0, NULL);
	const char *cpus = NULL;
	int ded = 0, ret = -1;

	if (!o || json_unpack(o, "{s:s,s:b}", "owned", &cpus, "dedicated", &ded) < 0) {
		strbuf_addstr(err, "not a claim: expected {\"owned\": CPUS, \"dedicated\": BOOL}");
		goto out;
	}
	cpuset_zero(owned);
	if (*cpus && cpuset_parse(owned, cpus, err) < 0)
		goto out;
	*dedicated = ded;
	ret = 0;
out:
	json_decref(o);
	return ret;
}

int runtime_claim_write(const struct vm_runtime *rt, const struct cpuset *owned, int dedicated, struct err *err)
{
	char *path = runtime_path(rt, CLAIM_FILE), *text = runtime_claim_encode(owned, dedicated);
	int ret = atomic_write_file(path, text, strlen(text), 0, &err->msg);

	free(text);
	free(path);
	return ret;
}

void runtime_claim_drop(const struct vm_runtime *rt)
{
	char *path = runtime_path(rt, CLAIM_FILE);

	unlink(path);
	free(path);
}

/* Whether someone holds NAME's directory lock (its 'up' or 'down' is at work). */
int runtime_locked_by_other(const char *name)
{
	char *dir = runtime_vm_path(name, NULL);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC), locked = 0;

	free(dir);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK)
		locked = 1;
	close(fd);
	return locked;
}

int runtime_claim_load(const char *name, struct cpuset *owned, int *dedicated)
{
	char *path = runtime_vm_path(name, CLAIM_FILE);
	struct strbuf sb = STRBUF_INIT, ignore = STRBUF_INIT;
	int ret = 0;

	if (strbuf_read_file(&sb, path, 65536, O_NOFOLLOW) > 0 &&
	    runtime_claim_decode(sb.buf, owned, dedicated, &ignore) == 0)
		ret = runtime_locked_by_other(name);	/* a dead 'up' claims nothing */
	strbuf_release(&sb);
	strbuf_release(&ignore);
	free(path);
	return ret;
}

#define CGROUP_RECORD "cgroup.json"

int runtime_cgroup_record(const struct vm_runtime *rt, const struct vm_cgroup *cg, struct err *err)
{
	char *path = runtime_path(rt, CGROUP_RECORD), *text;
	json_t *o = vm_cgroup_to_json(cg);
	int ret;

	text = json_dumps(o, JSON_COMPACT);
	ret = atomic_write_file(path, text, strlen(text), ATOMIC_FSYNC, &err->msg);
	free(text);
	json_decref(o);
	free(path);
	return ret;
}

int runtime_cgroup_load(const struct vm_runtime *rt, struct vm_cgroup *cg, struct err *err)
{
	char *path = runtime_path(rt, CGROUP_RECORD);
	struct strbuf sb = STRBUF_INIT;
	json_t *o = NULL;
	int ret = -1;

	if (strbuf_read_file(&sb, path, 65536, O_NOFOLLOW) < 0) {
		strbuf_addf(&err->msg, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	o = json_loads(sb.buf, 0, NULL);
	if (!o || vm_cgroup_from_json(cg, o, err) < 0) {
		if (!err->msg.len)
			strbuf_addf(&err->msg, "'%s' is not a cgroup record", path);
		vm_cgroup_release(cg);
		goto out;
	}
	ret = 0;
out:
	json_decref(o);
	strbuf_release(&sb);
	free(path);
	return ret;
}

/*
 * The VM's cgroup (recorded before it was made) goes once its processes
 * have: QEMU and the helpers are stopped first. The record stays while
 * the cgroup does, so the next cleanup tries again. 0, or -1 with err.
 */
static int remove_cgroup(const struct vm_runtime *rt, struct err *err)
{
	struct vm_cgroup cg = VM_CGROUP_INIT;
	struct err ignore = ERR_INIT;
	char *path = runtime_path(rt, CGROUP_RECORD);
	int ret = 0;

	if (access(path, F_OK) == 0 && runtime_cgroup_load(rt, &cg, &ignore) == 0) {
		ret = vm_cgroup_remove(&cg, err);
		if (ret == 0)
			unlink(path);
	} else {
		unlink(path);	/* none, or not one mvlaunch wrote: nothing of ours to remove */
	}
	vm_cgroup_release(&cg);
	err_release(&ignore);
	free(path);
	return ret;
}

int runtime_clean_cgroup(const struct vm_runtime *rt, struct err *err)
{
	if (!rt->dir)
		return 0;
	runtime_stop_helpers(rt);
	return remove_cgroup(rt, err);
}

/*
 * The files of runtime_files the directory holds, found by reading it once
 * and removed relative to it (no path built, no unlink of a name that is not
 * there: 'down' cleans twice, before and after the host is given back).
 * The directory is opened without following a link.
 */
static void unlink_known(const struct vm_runtime *rt)
{
	int fd = open(rt->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *e;
	DIR *d;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((e = readdir(d)))
		for (size_t i = 0; i < ARRAY_SIZE(runtime_files); i++)
			if (!strcmp(e->d_name, runtime_files[i])) {
				unlinkat(dirfd(d), e->d_name, 0);
				break;
			}
	closedir(d);
}

void runtime_clean_files(struct vm_runtime *rt)
{
	struct err ignore = ERR_INIT;

	if (!rt->dir)
		return;
	runtime_stop_helpers(rt);
	remove_cgroup(rt, &ignore);
	err_release(&ignore);
	remove_shared(rt);
	unlink_known(rt);
}

void runtime_clean(struct vm_runtime *rt)
{
	if (!rt->dir)
		return;
	runtime_clean_files(rt);
	rmdir(rt->dir);
}

int runtime_has_files(const struct vm_runtime *rt)
{
	char *rec = runtime_path(rt, CGROUP_RECORD);
	int cg = access(rec, F_OK) == 0;

	free(rec);
	if (cg)
		return 1;
	for (size_t i = 0; i < ARRAY_SIZE(runtime_files); i++) {
		char *p = runtime_path(rt, runtime_files[i]);
		struct stat st;
		int r = lstat(p, &st);

		free(p);
		if (r == 0)
			return 1;
	}
	return 0;
}

void runtime_release(struct vm_runtime *rt)
{
	if (rt->lock_fd >= 0)
		close(rt->lock_fd);
	free(rt->name);
	free(rt->dir);
	rt->name = rt->dir = NULL;
	rt->lock_fd = -1;
}

char *runtime_vm_path(const char *name, const char *file)
{
	return file ? xstrfmt("%s/%s/%s", paths_run_root(), name, file) : xstrfmt("%s/%s", paths_run_root(), name);
}

char *runtime_log_path(const char *name, const char *file)
{
	return file ? xstrfmt("%s/%s/%s", paths_log_root(), name, file) : xstrfmt("%s/%s", paths_log_root(), name);
}

int runtime_log_dir(const char *name, struct err *err)
{
	char *dir = runtime_log_path(name, NULL);
	int ret = -1;

	/* the log root may be new (a fresh /var/log): make its parents too */
	for (char *s = dir + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
			strbuf_addf(&err->msg, "cannot create log directory '%s': %s", dir, strerror(errno));
			goto out;
		}
		*s = '/';
	}
	ret = trust_dir(dir, "log directory", 0700, (gid_t)-1, err);
out:
	free(dir);
	return ret;
}

int runtime_logs_rotate(const char *name, struct err *err)
{
	static const char *const logs[] = { "qemu.log", "serial.log", "swtpm.log", "events.log" };
	char *dir = runtime_log_path(name, NULL);
	int ret = -1;

	if (runtime_log_dir(name, err) < 0)
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(logs); i++) {
		for (int n = RUNTIME_LOG_BOOTS - 1; n >= 1; n--) {
			char *from = n == 1 ? xstrfmt("%s/%s", dir, logs[i]) : xstrfmt("%s/%s.%d", dir, logs[i], n - 1);
			char *to = xstrfmt("%s/%s.%d", dir, logs[i], n);

			if (rename(from, to) < 0 && errno != ENOENT) {
				strbuf_addf(&err->msg, "cannot keep log '%s' as '%s': %s", from, to, strerror(errno));
				free(from);
				free(to);
				goto out;
			}
			free(from);
			free(to);
		}
	}
	ret = 0;
out:
	free(dir);
	return ret;
}

int runtime_console_lock_prepare(struct vm_runtime *rt, struct err *err)
{
	char *path = runtime_path(rt, "console.lock");
	int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		strbuf_addf(&err->msg, "cannot create '%s': %s", path, strerror(errno));
	else
		close(fd);
	free(path);
	return fd < 0 ? -1 : 0;
}

int runtime_events_prepare(struct vm_runtime *rt, struct err *err)
{
	static const char hello[] = "{\"execute\": \"qmp_capabilities\"}\n";
	char *in = runtime_path(rt, "events.in"), *out = runtime_path(rt, "events.out");
	char *log = runtime_log_path(rt->name, "events.log");
	int fd, ret = -1;

	unlink(in);
	unlink(out);
	fd = open(in, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0 || write_in_full(fd, hello, sizeof(hello) - 1) < 0) {
		strbuf_addf(&err->msg, "cannot write '%s': %s", in, strerror(errno));
		goto out;
	}
	close(fd);
	/* QEMU writes from the start of the file, never appending: a fresh one each boot (rotated before) */
	fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0) {
		strbuf_addf(&err->msg, "cannot create '%s': %s", log, strerror(errno));
		goto out;
	}
	if (symlink(log, out) < 0) {
		strbuf_addf(&err->msg, "cannot link '%s' to '%s': %s", out, log, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	free(in);
	free(out);
	free(log);
	return ret;
}

int runtime_owner_check(const char *name, struct err *err)
{
	char *dir = runtime_vm_path(name, NULL);
	struct stat st;
	int ret = 0;

	if (lstat(dir, &st) == 0 && st.st_uid != geteuid()) {
		strbuf_addf(&err->msg, "'%s' was started by uid %u: stopping or changing it needs that user (run as root)", name,
			    (unsigned)st.st_uid);
		ret = -1;
	}
	free(dir);
	return ret;
}

char *runtime_host_state_path(void)
{
	return xstrfmt("%s/host.json", paths_run_root());
}

int runtime_root_access(struct err *err)
{
	const char *root = paths_run_root(), *group = getenv("MVLAUNCH_GROUP");

	if (access(root, R_OK | X_OK) == 0 || errno == ENOENT)
		return 0;
	if (errno != EACCES) {
		strbuf_addf(&err->msg, "cannot read the runtime directory '%s': %s", root, strerror(errno));
		return -1;
	}
	strbuf_addf(&err->msg, "permission denied reading '%s': run as root, or add yourself to group %s to see VMs' status "
		    "('make install' creates the group; log in again after joining it)", root, group && *group ? group : "mvlaunch");
	return -1;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int runtime_for_each(int (*fn)(const char *name, void *data), void *data)
{
	DIR *d = opendir(paths_run_root());
	struct dirent *de;
	char **names = NULL;
	size_t nr = 0, alloc = 0;
	int ret = 0;

	if (!d)
		return 0;	/* no root yet: no VMs */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || (de->d_type != DT_DIR && de->d_type != DT_UNKNOWN))
			continue;
		ALLOC_GROW(names, nr + 1, alloc);
		names[nr++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (nr)
		qsort(names, nr, sizeof(*names), cmp_str);
	for (size_t i = 0; i < nr; i++) {
		if (!ret)
			ret = fn(names[i], data);
		free(names[i]);
	}
	free(names);
	return ret;
}
