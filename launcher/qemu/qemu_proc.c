/*
 * qemu_proc.c - QEMU process control (see qemu_proc.h).
 *
 * DESIGN
 * The child reports a failed exec (or failed setup before it) through a
 * close-on-exec pipe: the parent reads nothing when exec worked, or the step
 * and errno when it did not, so "QEMU binary missing" is an immediate, clear
 * error instead of a QMP timeout.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <linux/capability.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/statvfs.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launcher/qemu/qemu_proc.h"
#include "util/proc.h"
#include "util/wrapper.h"
#include "util/banned.h"

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

enum child_step { STEP_SETUP_LOG = 1, STEP_IDENTITY, STEP_CGROUP, STEP_AFFINITY, STEP_NS, STEP_LIMITS, STEP_CRED, STEP_EXEC };

struct child_report {
	int step;
	int err;
	int index;	/* STEP_CGROUP: which cgroup.procs */
};

static void child_fail_at(int fd, int step, int index)
{
	struct child_report r = { step, errno, index };
	ssize_t n = write(fd, &r, sizeof(r));

	(void)n;
	_exit(127);
}

static void child_fail(int fd, int step)
{
	child_fail_at(fd, step, 0);
}

/*
 * The child's own identity, "PID STARTTIME", written (temp file, rename)
 * before it execs: if the process that forked it dies at any moment after
 * the fork, the QEMU it becomes is still found and counted as running.
 */
static int write_identity(const char *path)
{
	char tmp[4200], line[64];
	pid_t me = getpid();
	unsigned long long st = proc_start_time(me);
	int fd, len;

	if (!path)
		return 0;
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	len = snprintf(line, sizeof(line), "%d %llu\n", (int)me, st);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (write(fd, line, (size_t)len) != len || close(fd) < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* The capabilities this kernel knows, from /proc/sys/kernel/cap_last_cap (read before the fork). */
static int cap_last(void)
{
	char buf[16];
	int fd = open("/proc/sys/kernel/cap_last_cap", O_RDONLY | O_CLOEXEC), last = 63;
	ssize_t n;

	if (fd < 0)
		return last;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n > 0) {
		buf[n] = '\0';
		last = atoi(buf);
	}
	return last > 0 && last < 64 ? last : 63;
}

/*
 * Become cred's user: limits first (raising one needs root), the bounding
 * set emptied (needs CAP_SETPCAP), then groups, gid, uid, no new privileges
 * and no capability left; each read back. Async-signal-safe calls only.
 */
static int drop_to(const struct qemu_spawn_cred *cred, int last_cap)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uid_t r, e, s;
	gid_t rg, eg, sg;

	if (cred->memlock) {
		struct rlimit rl;

		if (getrlimit(RLIMIT_MEMLOCK, &rl) < 0)
			return STEP_LIMITS;
		/* only ever raised: a hard limit already high enough needs no privilege */
		if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < (rlim_t)cred->memlock) {
			rl.rlim_cur = (rlim_t)cred->memlock;
			if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < rl.rlim_cur)
				rl.rlim_max = rl.rlim_cur;
			if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
				return STEP_LIMITS;
		}
	}
	for (int c = 0; c <= last_cap; c++)
		if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return STEP_CRED;
	if (setgroups(cred->nr_groups, cred->groups) < 0 || setresgid(cred->gid, cred->gid, cred->gid) < 0 ||
	    setresuid(cred->uid, cred->uid, cred->uid) < 0)
		return STEP_CRED;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return STEP_CRED;
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capset, &hdr, data) < 0)
		return STEP_CRED;
	/* trust nothing: read it all back */
	if (getresuid(&r, &e, &s) < 0 || r != cred->uid || e != cred->uid || s != cred->uid ||
	    getresgid(&rg, &eg, &sg) < 0 || rg != cred->gid || eg != cred->gid || sg != cred->gid ||
	    syscall(SYS_capget, &hdr, data) < 0 || data[0].effective || data[0].permitted || data[1].effective ||
	    data[1].permitted || prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1) {
		errno = EPERM;
		return STEP_CRED;
	}
	return 0;
}

/* "/dev/x/y" on the stage: stage + "/x/y". */
static int ns_path(char *buf, size_t size, const char *stage, const char *path)
{
	return snprintf(buf, size, "%s%s", stage, path + 4) < (int)size ? 0 : -1;
}

/* Remount the mount at path read-only, keeping its other flags. */
static int remount_ro(const char *path)
{
	struct statvfs sv;
	unsigned long keep = 0;

	if (statvfs(path, &sv) < 0)
		return -1;
	keep |= (sv.f_flag & ST_NOSUID) ? MS_NOSUID : 0;
	keep |= (sv.f_flag & ST_NODEV) ? MS_NODEV : 0;
	keep |= (sv.f_flag & ST_NOEXEC) ? MS_NOEXEC : 0;
	keep |= (sv.f_flag & ST_NOATIME) ? MS_NOATIME : 0;
	keep |= (sv.f_flag & ST_NODIRATIME) ? MS_NODIRATIME : 0;
	keep |= (sv.f_flag & ST_RELATIME) ? MS_RELATIME : 0;
	return mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | keep, NULL);
}

/*
 * QEMU's own mount namespace (see struct qemu_spawn_ns): the host's mounts
 * seen as slaves (ours never reach the host), a tmpfs built up on the
 * stage and moved onto /dev. op_failed gets the index of a failed op.
 * Async-signal-safe calls only.
 */
static int enter_ns(const struct qemu_spawn_ns *ns, int *op_failed)
{
	char p[4200];

	*op_failed = -1;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
	    mount("tmpfs", ns->stage, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=1m") < 0)
		return -1;
	for (size_t i = 0; i < ns->nr_ops; i++) {
		const struct qemu_ns_op *op = &ns->ops[i];
		int r = -1;

		if (ns_path(p, sizeof(p), ns->stage, op->path) < 0) {
			errno = ENAMETOOLONG;
		} else if (op->kind == QEMU_NS_DIR) {
			r = mkdir(p, (mode_t)op->mode) < 0 && errno != EEXIST ? -1 : 0;
			if (!r)
				r = chmod(p, (mode_t)op->mode);
		} else if (op->kind == QEMU_NS_NODE) {
			r = mknod(p, (mode_t)op->mode, (dev_t)op->rdev);
			if (!r)
				r = chown(p, op->uid, op->gid);
			if (!r)
				r = chmod(p, (mode_t)(op->mode & 07777));
		} else if (op->kind == QEMU_NS_LINK) {
			r = symlink(op->target, p);
		} else {
			struct stat st;

			/* a mount of a file (a container's /dev/console) onto a file, of a directory onto one */
			if (stat(op->target, &st) == 0 && !S_ISDIR(st.st_mode)) {
				int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

				r = fd < 0 ? -1 : close(fd);
			} else {
				r = mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
			}
			if (!r)
				r = mount(op->target, p, NULL, MS_BIND | MS_REC, NULL);
		}
		if (r < 0) {
			*op_failed = (int)i;
			return -1;
		}
	}
	if (mount(ns->stage, "/dev", NULL, MS_MOVE, NULL) < 0)
		return -1;
	if (ns->ro_sys && remount_ro("/sys") < 0)
		return -1;
	return 0;
}

static void child_exec(const struct strvec *argv, const struct qemu_spawn_opts *o, int go_fd, int last_cap,
		       int report_fd)
{
	const int first = 3, nr = (int)o->nr_pass_fds, top = first + nr;
	sigset_t none;
	int fd, tmp[64];
	char go;

	/* 'run' blocks SIGTERM/SIGINT for its signalfd: QEMU must not inherit that */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setsid();
	umask(0177);	/* sockets QEMU binds come out 0600, files 0600 */
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0)
		child_fail(report_fd, STEP_SETUP_LOG);
	fd = open(o->log_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
		child_fail(report_fd, STEP_SETUP_LOG);
	if (write_identity(o->id_path) < 0)
		child_fail(report_fd, STEP_IDENTITY);
	/* the parent's hook has our pid (a systemd scope): on its word only, on */
	if (go_fd >= 0) {
		ssize_t n;

		do
			n = read(go_fd, &go, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			_exit(127);	/* the hook failed: the parent says why */
		close(go_fd);
	}
	for (int i = 0; o->cgroup_procs && o->cgroup_procs[i]; i++) {
		/* into the VM's cgroup, out of the shield, before its affinity: the shield's cpuset would refuse the VM's CPUs */
		char num[24];
		int len = snprintf(num, sizeof(num), "%d\n", (int)getpid());

		/* O_APPEND: the kernel takes one pid a write; a fake tree's plain file keeps each */
		fd = open(o->cgroup_procs[i], O_WRONLY | O_APPEND | O_CLOEXEC);
		if (fd < 0 || write(fd, num, (size_t)len) != len)
			child_fail_at(report_fd, STEP_CGROUP, i);
		close(fd);
	}
	if (o->affinity) {
		cpu_set_t *set = CPU_ALLOC(CPUSET_MAX);
		size_t sz = CPU_ALLOC_SIZE(CPUSET_MAX);

		CPU_ZERO_S(sz, set);
		for (int c = cpuset_next(o->affinity, 0); c >= 0; c = cpuset_next(o->affinity, (unsigned)c + 1))
			CPU_SET_S((size_t)c, sz, set);
		if (sched_setaffinity(0, sz, set) < 0)
			child_fail(report_fd, STEP_AFFINITY);
	}
	if (o->ns) {
		int op;

		if (enter_ns(o->ns, &op) < 0)
			child_fail_at(report_fd, STEP_NS, op);
	}
	if (o->cred) {
		int step = drop_to(o->cred, last_cap);

		if (step)
			child_fail(report_fd, step);
	}
	/* the passed descriptors become 3, 4, ...: the report pipe and copies of them above that range first */
	if (report_fd < top) {
		report_fd = fcntl(report_fd, F_DUPFD_CLOEXEC, top);
		if (report_fd < 0)
			_exit(127);
	}
	for (int i = 0; i < nr; i++) {
		tmp[i] = fcntl(o->pass_fds[i], F_DUPFD_CLOEXEC, top);
		if (tmp[i] < 0)
			child_fail(report_fd, STEP_SETUP_LOG);
	}
	for (int i = 0; i < nr; i++)
		if (dup2(tmp[i], first + i) < 0)	/* the copy is not close-on-exec */
			child_fail(report_fd, STEP_SETUP_LOG);
	/* nothing else of ours leaks into QEMU; the report pipe is close-on-exec */
	if (report_fd > top)
		close_range((unsigned)top, (unsigned)report_fd - 1, 0);
	close_range((unsigned)report_fd + 1, ~0U, 0);
	signal(SIGPIPE, SIG_DFL);
	execvp(argv->v[0], argv->v);
	child_fail(report_fd, STEP_EXEC);
}

int qemu_proc_spawn(const struct strvec *argv, const char *log_path, const struct cpuset *affinity,
	       const char *const *cgroup_procs, int pass_fd, const char *id_path, struct qemu_proc *p, struct strbuf *err)
{
	struct qemu_spawn_opts o = { .log_path = log_path, .affinity = affinity, .cgroup_procs = cgroup_procs,
				     .pass_fds = &pass_fd, .nr_pass_fds = pass_fd >= 0, .id_path = id_path };

	return qemu_proc_spawn_opts(argv, &o, p, err);
}

int qemu_proc_spawn_opts(const struct strvec *argv, const struct qemu_spawn_opts *o, struct qemu_proc *p,
			 struct strbuf *err)
{
	const struct qemu_spawn_hook *hook = o->hook;
	struct child_report r;
	int pipefd[2], go[2] = { -1, -1 }, last_cap = o->cred ? cap_last() : 0;
	ssize_t n;
	pid_t pid;

	if (o->nr_pass_fds > 64) {
		strbuf_addf(err, "cannot pass %zu descriptors to a process (64 at most)", o->nr_pass_fds);
		return -1;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0 || (hook && pipe2(go, O_CLOEXEC) < 0)) {
		strbuf_addf(err, "cannot create a pipe: %s", strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		strbuf_addf(err, "cannot fork: %s", strerror(errno));
		close(pipefd[0]);
		close(pipefd[1]);
		if (hook) {
			close(go[0]);
			close(go[1]);
		}
		return -1;
	}
	if (pid == 0) {
		close(pipefd[0]);
		if (hook)
			close(go[1]);
		child_exec(argv, o, go[0], last_cap, pipefd[1]);
	}
	close(pipefd[1]);
	p->pid = pid;
	p->is_child = 1;
	p->exited = 0;
	p->pidfd = proc_pidfd(pid);
	if (hook) {
		int ok;

		close(go[0]);
		ok = hook->placed(pid, hook->data, err) == 0 && write(go[1], "g", 1) == 1;
		close(go[1]);	/* without the byte: the child ends */
		if (!ok) {
			close(pipefd[0]);
			waitpid(pid, &p->status, 0);
			p->exited = 1;
			return -1;
		}
	}
	do
		n = read(pipefd[0], &r, sizeof(r));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(r)) {
		waitpid(pid, &p->status, 0);
		p->exited = 1;
		if (r.step == STEP_EXEC) {
			strbuf_addf(err, "cannot run '%s': %s", argv->v[0], strerror(r.err));
			if (r.err == ENOENT)
				return QEMU_SPAWN_NOT_FOUND;
		}
		else if (r.step == STEP_CGROUP)
			strbuf_addf(err, "cannot put QEMU into its cgroup ('%s'): %s", o->cgroup_procs[r.index], strerror(r.err));
		else if (r.step == STEP_IDENTITY)
			strbuf_addf(err, "cannot record QEMU's identity in '%s': %s", o->id_path, strerror(r.err));
		else if (r.step == STEP_AFFINITY)
			strbuf_addf(err, "cannot set QEMU's CPU affinity: %s", strerror(r.err));
		else if (r.step == STEP_NS && r.index >= 0)
			strbuf_addf(err, "cannot make %s in QEMU's private /dev: %s", o->ns->ops[r.index].path,
				    strerror(r.err));
		else if (r.step == STEP_NS)
			strbuf_addf(err, "cannot give QEMU a mount namespace with a private /dev: %s", strerror(r.err));
		else if (r.step == STEP_LIMITS)
			strbuf_addf(err, "cannot raise RLIMIT_MEMLOCK to %llu bytes for QEMU: %s%s", o->cred->memlock,
				    strerror(r.err), r.err == EPERM ? " (raising it needs CAP_SYS_RESOURCE, which this "
				    "mvlaunch lacks: a container?)" : "");
		else if (r.step == STEP_CRED)
			strbuf_addf(err, "cannot make QEMU run as uid %u, gid %u without capabilities: %s",
				    (unsigned)o->cred->uid, (unsigned)o->cred->gid, strerror(r.err));
		else
			strbuf_addf(err, "cannot open QEMU's log '%s': %s", o->log_path, strerror(r.err));
		return -1;
	}
	p->start_time = proc_start_time(pid);
	return 0;
}

int qemu_proc_attach_id(struct qemu_proc *p, const char *id_path)
{
	char buf[64];
	int fd = open(id_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW), pid = 0;
	ssize_t n;
	unsigned long long start = 0;

	p->exited = 1;
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%d %llu", &pid, &start) != 2 || pid <= 0)
		return -1;
	return qemu_proc_attach(p, (pid_t)pid, start);
}

int qemu_proc_attach(struct qemu_proc *p, pid_t pid, unsigned long long start_time)
{
	p->pid = pid;
	p->start_time = start_time;
	p->is_child = 0;
	p->exited = 0;
	p->pidfd = -1;
	/* 0 is proc_start_time()'s "gone": never an identity, whatever a file says */
	if (pid <= 0 || !start_time || proc_start_time(pid) != start_time) {
		p->exited = 1;
		return -1;
	}
	p->pidfd = proc_pidfd(pid);
	/* it may have exited between the check and the open */
	if (proc_start_time(pid) != start_time) {
		p->exited = 1;
		return -1;
	}
	return 0;
}

int qemu_proc_alive(struct qemu_proc *p)
{
	if (p->exited || p->pid <= 0)
		return 0;
	if (p->is_child) {
		if (waitpid(p->pid, &p->status, WNOHANG) == p->pid) {
			p->exited = 1;
			return 0;
		}
		return 1;
	}
	if (!p->start_time || proc_start_time(p->pid) != p->start_time) {
		p->exited = 1;
		return 0;
	}
	return 1;
}

int qemu_proc_wait_exit(struct qemu_proc *p, int timeout_ms)
{
	long long deadline = proc_mono_ms() + timeout_ms;

	while (qemu_proc_alive(p)) {
		long long left = deadline - proc_mono_ms();

		if (left <= 0)
			return 0;
		if (p->pidfd >= 0) {
			struct pollfd pfd = { .fd = p->pidfd, .events = POLLIN };

			poll(&pfd, 1, (int)(left < 100 ? left : 100));
		} else {
			usleep(10000);
		}
	}
	return 1;
}

int qemu_proc_signal(struct qemu_proc *p, int sig)
{
	if (!qemu_proc_alive(p))
		return -1;
	if (p->pidfd >= 0)
		return (int)syscall(SYS_pidfd_send_signal, p->pidfd, sig, NULL, 0);
	return kill(p->pid, sig);
}

void qemu_proc_kill(struct qemu_proc *p, int grace_ms)
{
	if (qemu_proc_signal(p, SIGTERM) == 0 && qemu_proc_wait_exit(p, grace_ms))
		return;
	if (qemu_proc_signal(p, SIGKILL) == 0)
		qemu_proc_wait_exit(p, 10000);
}

void qemu_proc_describe_exit(const struct qemu_proc *p, struct strbuf *sb)
{
	if (!p->is_child || !p->exited)
		strbuf_addstr(sb, "exited");
	else if (WIFEXITED(p->status))
		strbuf_addf(sb, "exited with status %d", WEXITSTATUS(p->status));
	else if (WIFSIGNALED(p->status))
		strbuf_addf(sb, "was killed by signal %d (%s)", WTERMSIG(p->status), strsignal(WTERMSIG(p->status)));
	else
		strbuf_addstr(sb, "stopped");
}

void qemu_proc_release(struct qemu_proc *p)
{
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
}

void qemu_proc_log_tail(const char *path, int lines, struct strbuf *sb)
{
	struct strbuf text = STRBUF_INIT;
	char buf[4096];
	const char *start;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	off_t size;

	if (fd < 0)
		return;
	size = lseek(fd, 0, SEEK_END);
	lseek(fd, size > 16384 ? size - 16384 : 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(&text, buf, (size_t)n);
	close(fd);
	while (text.len && text.buf[text.len - 1] == '\n')
		strbuf_setlen(&text, text.len - 1);
	start = text.buf + text.len;
	for (int i = 0; i < lines && start > text.buf; ) {
		start--;
		if (*start == '\n' && ++i == lines) {
			start++;
			break;
		}
	}
	while (*start) {
		const char *nl = strchr(start, '\n');
		size_t len = nl ? (size_t)(nl - start) : strlen(start);

		strbuf_addf(sb, "\n  %.*s", (int)len, start);
		start += len + (nl ? 1 : 0);
	}
	strbuf_release(&text);
}
