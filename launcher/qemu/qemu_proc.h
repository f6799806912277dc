/*
 * qemu_proc.h - start QEMU without a shell, and watch, signal and reap it.
 *
 * A process is identified by pid plus its start time from /proc/PID/stat, so
 * a recycled pid is never mistaken for our QEMU. Waiting uses a pidfd, which
 * works for a QEMU started by an earlier 'mvlaunch up' (not our child) too.
 */
#ifndef MVL_QEMU_PROC_H
#define MVL_QEMU_PROC_H

#include <sys/types.h>

#include "util/cpuset.h"
#include "util/proc.h"
#include "util/strbuf.h"
#include "util/strvec.h"

struct qemu_proc {
	pid_t pid;
	unsigned long long start_time;	/* clock ticks after boot, /proc/PID/stat field 22 */
	int pidfd;			/* -1 when not open */
	int is_child;			/* we forked it and must reap it */
	int exited;			/* reaped or seen gone */
	int status;			/* waitpid() status, when is_child and exited */
};

#define QEMU_PROC_INIT { -1, 0, -1, 0, 0, 0 }

/*
 * fork + execvp argv (no shell). The child gets its own session, umask 0177,
 * /dev/null as stdin, stdout and stderr appended to log_path, and (when
 * 'affinity' is not NULL) that CPU affinity before exec, so every thread
 * QEMU ever creates inherits it. With cgroup_procs (cgroup.procs paths,
 * NULL-terminated) the child first moves itself into each of those cgroups
 * (the VM's own, out of the CPU shield), so QEMU never runs outside. With
 * id_path, before anything else the child writes "PID STARTTIME" there
 * (temp file and rename), so the QEMU is known even if the caller dies
 * right after the fork. pass_fd (if >= 0) becomes QEMU's fd 3;
 * no other descriptor of ours reaches QEMU. Returns 0 once exec has succeeded, or -1
 * with the reason (exec or setup failure in the child included) in err;
 * QEMU_SPAWN_NOT_FOUND (reason in err too) when there is no such binary.
 */
#define QEMU_SPAWN_NOT_FOUND (-2)
int qemu_proc_spawn(const struct strvec *argv, const char *log_path, const struct cpuset *affinity,
	       const char *const *cgroup_procs, int pass_fd, const char *id_path, struct qemu_proc *p, struct strbuf *err);

/*
 * What the parent does with the child's pid while the child waits, before
 * it moves into cgroup_procs and execs (systemd: start the VM's scope with
 * the pid in it). 0 lets the child go on; -1 (reason in err) ends it.
 */
struct qemu_spawn_hook {
	int (*placed)(pid_t pid, void *data, struct strbuf *err);
	void *data;
};

/*
 * Who the process runs as (security.user): after the cgroups and the
 * affinity, as root, the child sets RLIMIT_MEMLOCK (when memlock is not 0),
 * empties the capability bounding set, takes groups, gid and uid (all three
 * of real, effective, saved), sets PR_SET_NO_NEW_PRIVS and clears every
 * capability left, and checks each before exec.
 */
struct qemu_spawn_cred {
	uid_t uid;
	gid_t gid;
	const gid_t *groups;	/* the supplementary groups */
	size_t nr_groups;
	unsigned long long memlock;	/* bytes; 0 leaves the limit as it is */
};

/*
 * A private /dev (a mount namespace of QEMU's own): each op, in order, on a
 * fresh tmpfs that then becomes /dev. Paths are absolute under /dev as QEMU
 * will see them; a node is made (not the host's: its owner and mode are
 * the private copy's), a link written, a directory made, or a host path
 * (a mount under /dev: /dev/shm, /dev/hugepages) bound.
 */
enum qemu_ns_kind { QEMU_NS_DIR, QEMU_NS_NODE, QEMU_NS_LINK, QEMU_NS_BIND };

struct qemu_ns_op {
	enum qemu_ns_kind kind;
	char *path;		/* "/dev/vfio/7" */
	char *target;		/* LINK: its text; BIND: the host path */
	unsigned mode;		/* DIR, NODE: permission bits; NODE: with S_IFCHR or S_IFBLK */
	unsigned long long rdev;	/* NODE */
	uid_t uid;		/* NODE: its owner */
	gid_t gid;
};

struct qemu_spawn_ns {
	const char *stage;	/* a directory of ours the new /dev is built on, then moved from */
	const struct qemu_ns_op *ops;
	size_t nr_ops;
	int ro_sys;		/* /sys remounted read-only in the namespace */
};

/*
 * Everything about a spawn beyond argv: the log, affinity, cgroups and
 * identity file as qemu_proc_spawn() says; pass_fds[i] becomes fd 3 + i
 * (QMP's listening socket first, then taps); hook and cred may be NULL.
 */
struct qemu_spawn_opts {
	const char *log_path;
	const struct cpuset *affinity;
	const char *const *cgroup_procs;
	const struct qemu_spawn_hook *hook;
	const int *pass_fds;
	size_t nr_pass_fds;
	const char *id_path;
	const struct qemu_spawn_cred *cred;
	const struct qemu_spawn_ns *ns;	/* NULL: the host's mounts */
};

/* qemu_proc_spawn() with every option. */
int qemu_proc_spawn_opts(const struct strvec *argv, const struct qemu_spawn_opts *o, struct qemu_proc *p,
			 struct strbuf *err);

/* Attach to the process whose spawn wrote id_path ("PID STARTTIME"); 0, or -1 if it is gone or the file is not one. */
int qemu_proc_attach_id(struct qemu_proc *p, const char *id_path);
/* Attach to a running process recorded earlier; 0, or -1 if it is gone. */
int qemu_proc_attach(struct qemu_proc *p, pid_t pid, unsigned long long start_time);

/* Whether p is still running (not a zombie, same start time). */
int qemu_proc_alive(struct qemu_proc *p);
/* Wait up to timeout_ms for exit; 1 when it exited, 0 on timeout. */
int qemu_proc_wait_exit(struct qemu_proc *p, int timeout_ms);
/* Send sig if p is still the process we started; 0 or -1. */
int qemu_proc_signal(struct qemu_proc *p, int sig);
/* SIGTERM, wait, then SIGKILL and wait; returns once the process is gone. */
void qemu_proc_kill(struct qemu_proc *p, int grace_ms);
/* "exited with status 1", "killed by signal 6 (Aborted)", "exited" (not our child). */
void qemu_proc_describe_exit(const struct qemu_proc *p, struct strbuf *sb);
void qemu_proc_release(struct qemu_proc *p);

/* Append the last 'lines' lines of a file, each prefixed with "  ", to sb. */
void qemu_proc_log_tail(const char *path, int lines, struct strbuf *sb);

#endif
