/*
 * test_qemu_proc.c - unit tests for launcher/qemu/qemu_proc.c with real,
 * short-lived children standing in for QEMU (/bin/sleep, /bin/sh): what
 * qemu_proc_spawn() gives the child (its session, stdin, log, umask, affinity,
 * identity file, fd 3 and no other descriptor), each failure before exec
 * with its exact message, exit descriptions, a TERM that escalates to KILL,
 * identity by pid + start time (qemu_proc_attach() refuses a wrong start time),
 * the start time of this process, a zombie leader whose other thread still
 * runs, and qemu_proc_log_tail().
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "launcher/qemu/qemu_proc.h"
#include "util/wrapper.h"

static char tmp[64];
static pid_t kids[16];
static size_t nr_kids;

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/mvl-qemu-proc-XXXXXX");
	nr_kids = 0;
	return mkdtemp(tmp) ? 0 : -1;
}

/* Kill and reap every child a failed test left running; remove the temp dir. */
static int teardown(void **state)
{
	(void)state;
	for (size_t i = 0; i < nr_kids; i++) {
		if (waitpid(kids[i], NULL, WNOHANG) == 0) {
			kill(kids[i], SIGKILL);
			waitpid(kids[i], NULL, 0);
		}
	}
	nr_kids = 0;
	tree_remove(tmp);
	return 0;
}

static void track(pid_t pid)
{
	assert_true(nr_kids < ARRAY_SIZE(kids));
	kids[nr_kids++] = pid;
}

static char *at(const char *rel)
{
	return xstrfmt("%s/%s", tmp, rel);
}

static char *slurp(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return xstrdup("(missing)");
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(&sb, buf, (size_t)n);
	close(fd);
	return strbuf_detach(&sb);
}

/* Start argv (NULL-terminated) with qemu_proc_spawn(); expect success. */
static void spawn(struct qemu_proc *p, const char *log, const struct cpuset *affinity, int pass_fd, const char *id,
		  const char **argv)
{
	struct strvec sv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;

	for (size_t i = 0; argv[i]; i++)
		strvec_push(&sv, argv[i]);
	if (qemu_proc_spawn(&sv, log, affinity, NULL, pass_fd, id, p, &err) < 0) {
		print_error("qemu_proc_spawn: %s\n", err.buf);
		fail();
	}
	track(p->pid);
	strvec_clear(&sv);
	strbuf_release(&err);
}

/* Field 22 of /proc/PID/stat, read here independently of proc_start_time(). */
static unsigned long long stat_field22(pid_t pid)
{
	char path[64], *s, *p;
	unsigned long long v = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	s = slurp(path);
	p = strrchr(s, ')');
	assert_non_null(p);
	assert_int_equal(sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu", &v), 1);
	free(s);
	return v;
}

/* This process's start time, and 0 for a pid that is gone, reaped or not. */
static void test_qemu_proc_start_time(void **state)
{
	unsigned long long self = proc_start_time(getpid());
	pid_t pid;
	int status;

	(void)state;
	assert_true(self > 0);
	assert_true(self == stat_field22(getpid()));
	assert_true(proc_start_time(getpid()) == self);	/* stable */
	assert_true(proc_start_time(unit_no_such_pid()) == 0);
	assert_true(proc_start_time(0) == 0);

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pause();
		_exit(0);
	}
	track(pid);
	assert_true(proc_start_time(pid) >= self);	/* started after us */
	assert_true(proc_start_time(pid) == stat_field22(pid));
	kill(pid, SIGKILL);
	/* a zombie not yet reaped has exited: 0 (waitid WNOWAIT leaves it a zombie) */
	{
		siginfo_t si;

		assert_int_equal(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	}
	assert_true(proc_start_time(pid) == 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(proc_start_time(pid) == 0);
}

/* What the child gets: session, stdin, log, umask, affinity, identity file, no stray fd; then TERM. */
static void test_qemu_proc_spawn_sleep(void **state)
{
	struct qemu_proc p = QEMU_PROC_INIT;
	struct strbuf err = STRBUF_INIT, want = STRBUF_INIT, sb = STRBUF_INIT;
	struct cpuset cpu1, got;
	char *log = at("qemu.log"), *id = at("qemu.id"), *idtmp = at("qemu.id.tmp"), *s, path[64], link[256];
	cpu_set_t *cs = CPU_ALLOC(CPUSET_MAX);
	size_t sz = CPU_ALLOC_SIZE(CPUSET_MAX);
	struct stat st;
	DIR *d;
	struct dirent *de;
	ssize_t n;

	(void)state;
	cpuset_zero(&cpu1);
	cpuset_set(&cpu1, 1);
	spawn(&p, log, &cpu1, -1, id, (const char *[]){ "/bin/sleep", "30", NULL });
	assert_true(p.pid > 0);
	assert_int_equal(p.is_child, 1);
	assert_int_equal(p.exited, 0);
	assert_true(p.pidfd >= 0);
	assert_true(p.start_time != 0);
	assert_true(p.start_time == stat_field22(p.pid));

	/* it wrote who it is before exec: "PID STARTTIME", by rename */
	s = slurp(id);
	strbuf_addf(&want, "%d %llu\n", (int)p.pid, p.start_time);
	assert_string_equal(s, want.buf);
	free(s);
	assert_int_equal(access(idtmp, F_OK), -1);

	/* exec happened: the program is sleep, in a session of its own */
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)p.pid);
	s = slurp(path);
	assert_string_equal(s, "sleep\n");
	free(s);
	assert_int_equal(getsid(p.pid), p.pid);

	/* stdin /dev/null, stdout and stderr the log, made 0600 by the umask; nothing else */
	assert_int_equal(stat(log, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)p.pid);
	/*
	 * exec has happened, but the dynamic loader may still hold a library
	 * open (fd 3) on a loaded machine: what counts is what stays open
	 */
	for (int tries = 0; tries < 200; tries++) {
		strbuf_reset(&sb);
		d = opendir(path);
		assert_non_null(d);
		while ((de = readdir(d)))
			if (de->d_name[0] != '.')
				strbuf_addf(&sb, "%s ", de->d_name);
		closedir(d);
		if (!strcmp(sb.buf, "0 1 2 "))
			break;
		usleep(10000);
	}
	assert_string_equal(sb.buf, "0 1 2 ");
	for (int fd = 0; fd < 3; fd++) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)p.pid, fd);
		n = readlink(path, link, sizeof(link) - 1);
		assert_true(n > 0);
		link[n] = '\0';
		assert_string_equal(link, fd ? log : "/dev/null");
	}

	/* the affinity given, from before exec */
	assert_int_equal(sched_getaffinity(p.pid, sz, cs), 0);
	cpuset_zero(&got);
	for (unsigned c = 0; c < CPUSET_MAX; c++)
		if (CPU_ISSET_S(c, sz, cs))
			cpuset_set(&got, c);
	assert_true(cpuset_equal(&got, &cpu1));

	/* running: a wait of 0 ms times out; TERM ends it, and it is reaped */
	assert_int_equal(qemu_proc_alive(&p), 1);
	assert_int_equal(qemu_proc_wait_exit(&p, 0), 0);
	assert_int_equal(qemu_proc_signal(&p, SIGTERM), 0);
	assert_int_equal(qemu_proc_wait_exit(&p, 10000), 1);
	assert_int_equal(p.exited, 1);
	assert_int_equal(qemu_proc_alive(&p), 0);
	assert_int_equal(qemu_proc_signal(&p, SIGTERM), -1);
	assert_true(proc_start_time(p.pid) == 0);
	assert_int_equal(waitpid(p.pid, NULL, WNOHANG), -1);	/* already reaped */
	assert_int_equal(errno, ECHILD);
	qemu_proc_describe_exit(&p, &err);
	assert_string_equal(err.buf, "was killed by signal 15 (Terminated)");
	qemu_proc_release(&p);
	assert_int_equal(p.pidfd, -1);
	qemu_proc_release(&p);	/* twice is harmless */

	CPU_FREE(cs);
	free(log);
	free(id);
	free(idtmp);
	strbuf_release(&err);
	strbuf_release(&want);
	strbuf_release(&sb);
}

/* An exit status, the log appended to (not truncated) boot after boot, and its tail. */
static void test_qemu_proc_exit_status(void **state)
{
	const char *script[] = { "/bin/sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	struct qemu_proc p = QEMU_PROC_INIT, q = QEMU_PROC_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *log = at("qemu.log"), *s;

	(void)state;
	spawn(&p, log, NULL, -1, NULL, script);
	assert_int_equal(qemu_proc_wait_exit(&p, 10000), 1);
	qemu_proc_describe_exit(&p, &sb);
	assert_string_equal(sb.buf, "exited with status 3");
	qemu_proc_release(&p);

	spawn(&q, log, NULL, -1, NULL, (const char *[]){ "/bin/sh", "-c", "echo second", NULL });
	assert_int_equal(qemu_proc_wait_exit(&q, 10000), 1);
	strbuf_reset(&sb);
	qemu_proc_describe_exit(&q, &sb);
	assert_string_equal(sb.buf, "exited with status 0");
	qemu_proc_release(&q);
	s = slurp(log);
	assert_string_equal(s, "out\nerr\nsecond\n");
	free(s);

	strbuf_reset(&sb);
	qemu_proc_log_tail(log, 2, &sb);
	assert_string_equal(sb.buf, "\n  err\n  second");
	free(log);
	strbuf_release(&sb);
}

/* Expect qemu_proc_spawn() to fail with code 'rc' and exactly 'want', the child reaped. */
static void expect_spawn_error(const char *prog, const char *log, const struct cpuset *affinity, const char *const *cgroup,
			       const char *id, int rc, const char *want)
{
	struct qemu_proc p = QEMU_PROC_INIT;
	struct strvec sv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;

	strvec_push(&sv, prog);
	strvec_push(&sv, "30");
	assert_int_equal(qemu_proc_spawn(&sv, log, affinity, cgroup, -1, id, &p, &err), rc);
	track(p.pid);
	assert_string_equal(err.buf, want);
	assert_int_equal(p.exited, 1);
	assert_true(WIFEXITED(p.status));
	assert_int_equal(WEXITSTATUS(p.status), 127);
	assert_int_equal(waitpid(p.pid, NULL, WNOHANG), -1);	/* reaped: no zombie left */
	qemu_proc_release(&p);
	strvec_clear(&sv);
	strbuf_release(&err);
}

/* Each step before exec that fails says which, with errno's text. */
static void test_qemu_proc_spawn_errors(void **state)
{
	struct strbuf want = STRBUF_INIT;
	char *log = at("qemu.log"), *bad = at("no/dir/file");
	struct cpuset none_here;

	(void)state;
	/* a missing binary is its own answer: 'up' hints how to install QEMU */
	expect_spawn_error("/nonexistent/qemu-system-x86_64", log, NULL, NULL, NULL, QEMU_SPAWN_NOT_FOUND,
			   "cannot run '/nonexistent/qemu-system-x86_64': No such file or directory");
	expect_spawn_error("mvl-no-such-program", log, NULL, NULL, NULL, QEMU_SPAWN_NOT_FOUND,
			   "cannot run 'mvl-no-such-program': No such file or directory");

	strbuf_addf(&want, "cannot open QEMU's log '%s': No such file or directory", bad);
	expect_spawn_error("/bin/sleep", bad, NULL, NULL, NULL, -1, want.buf);

	strbuf_reset(&want);
	strbuf_addf(&want, "cannot record QEMU's identity in '%s': No such file or directory", bad);
	expect_spawn_error("/bin/sleep", log, NULL, NULL, bad, -1, want.buf);

	strbuf_reset(&want);
	strbuf_addf(&want, "cannot put QEMU into its cgroup ('%s'): No such file or directory", bad);
	{
		/* the second of two: the one that failed is named */
		const char *procs[] = { "/dev/null", bad, NULL };

		expect_spawn_error("/bin/sleep", log, NULL, procs, NULL, -1, want.buf);
	}

	/* a CPU this machine does not have */
	cpuset_zero(&none_here);
	cpuset_set(&none_here, CPUSET_MAX - 1);
	expect_spawn_error("/bin/sleep", log, &none_here, NULL, NULL, -1, "cannot set QEMU's CPU affinity: Invalid argument");

	free(log);
	free(bad);
	strbuf_release(&want);
}

/* pass_fd becomes fd 3; a descriptor of ours without O_CLOEXEC does not reach the child. */
static void test_qemu_proc_pass_fd(void **state)
{
	struct qemu_proc p = QEMU_PROC_INIT;
	struct strbuf sb = STRBUF_INIT, script = STRBUF_INIT;
	char *log = at("qemu.log"), *s, buf[64];
	int fds[2], stray;
	ssize_t n;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	stray = open("/dev/null", O_WRONLY);
	assert_true(stray > 3 && stray < 10);	/* one digit: sh's redirections */
	strbuf_addf(&script, "echo via3 >&3; if { true >&%d; } 2>/dev/null; then echo leaked; else echo closed; fi", stray);
	spawn(&p, log, NULL, fds[1], NULL, (const char *[]){ "/bin/sh", "-c", script.buf, NULL });
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		strbuf_add(&sb, buf, (size_t)n);
	close(fds[0]);
	close(stray);
	assert_string_equal(sb.buf, "via3\n");
	assert_int_equal(qemu_proc_wait_exit(&p, 10000), 1);
	s = slurp(log);
	assert_string_equal(s, "closed\n");
	free(s);
	qemu_proc_release(&p);
	free(log);
	strbuf_release(&sb);
	strbuf_release(&script);
}

/* A process that ignores TERM gets KILL once the grace time is over; one that does not, only TERM. */
static void test_qemu_proc_kill(void **state)
{
	struct qemu_proc p = QEMU_PROC_INIT, q = QEMU_PROC_INIT;
	struct strbuf sb = STRBUF_INIT;
	char *log = at("qemu.log"), c = 0;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	/* an ignored signal stays ignored across exec: this sleep ignores TERM */
	spawn(&p, log, NULL, fds[1], NULL, (const char *[]){ "/bin/sh", "-c", "trap '' TERM; echo >&3; exec /bin/sleep 30", NULL });
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);	/* the trap is set */
	close(fds[0]);
	qemu_proc_kill(&p, 100);
	assert_int_equal(p.exited, 1);
	qemu_proc_describe_exit(&p, &sb);
	assert_string_equal(sb.buf, "was killed by signal 9 (Killed)");
	qemu_proc_release(&p);

	spawn(&q, log, NULL, -1, NULL, (const char *[]){ "/bin/sleep", "30", NULL });
	qemu_proc_kill(&q, 10000);
	strbuf_reset(&sb);
	qemu_proc_describe_exit(&q, &sb);
	assert_string_equal(sb.buf, "was killed by signal 15 (Terminated)");
	qemu_proc_kill(&q, 10000);	/* gone already: nothing to do */
	qemu_proc_release(&q);
	free(log);
	strbuf_release(&sb);
}

/* Identity is pid + start time: a wrong start time is refused, and never signalled. */
static void test_qemu_proc_attach(void **state)
{
	struct qemu_proc p = QEMU_PROC_INIT, s = QEMU_PROC_INIT;
	struct strbuf sb = STRBUF_INIT;
	unsigned long long self = proc_start_time(getpid());
	char *log = at("qemu.log");

	(void)state;
	assert_int_equal(qemu_proc_attach(&p, getpid(), self), 0);
	assert_int_equal(p.pid, getpid());
	assert_true(p.start_time == self);
	assert_int_equal(p.is_child, 0);
	assert_int_equal(p.exited, 0);
	assert_true(p.pidfd >= 0);
	assert_int_equal(qemu_proc_alive(&p), 1);
	assert_int_equal(qemu_proc_signal(&p, 0), 0);
	qemu_proc_describe_exit(&p, &sb);
	assert_string_equal(sb.buf, "exited");	/* not our child: no status to tell */
	qemu_proc_release(&p);

	/* the same pid, another start time: a recycled pid, not ours */
	assert_int_equal(qemu_proc_attach(&p, getpid(), self + 1), -1);
	assert_int_equal(p.exited, 1);
	assert_int_equal(p.pidfd, -1);
	assert_int_equal(qemu_proc_alive(&p), 0);
	assert_int_equal(qemu_proc_signal(&p, SIGTERM), -1);	/* we are still here */
	assert_int_equal(qemu_proc_wait_exit(&p, 10000), 1);
	assert_int_equal(qemu_proc_attach(&p, 0, 0), -1);
	assert_int_equal(qemu_proc_attach(&p, -1, self), -1);
	assert_int_equal(qemu_proc_attach(&p, unit_no_such_pid(), self), -1);
	/*
	 * start time 0 is proc_start_time()'s answer for a process that is
	 * gone: as a recorded identity it names nobody (it made a dead QEMU
	 * look alive when its pid was free)
	 */
	assert_int_equal(qemu_proc_attach(&p, unit_no_such_pid(), 0), -1);
	assert_int_equal(qemu_proc_alive(&p), 0);
	assert_int_equal(qemu_proc_attach(&p, getpid(), 0), -1);
	assert_int_equal(qemu_proc_alive(&p), 0);

	/* attached to a process we did not start this way: its end is seen through /proc and the pidfd */
	spawn(&s, log, NULL, -1, NULL, (const char *[]){ "/bin/sleep", "30", NULL });
	assert_int_equal(qemu_proc_attach(&p, s.pid, s.start_time), 0);
	assert_int_equal(qemu_proc_alive(&p), 1);
	assert_int_equal(qemu_proc_wait_exit(&p, 0), 0);
	assert_int_equal(qemu_proc_signal(&p, SIGKILL), 0);
	assert_int_equal(qemu_proc_wait_exit(&p, 10000), 1);	/* a zombie is gone */
	assert_int_equal(p.exited, 1);
	assert_int_equal(p.is_child, 0);
	assert_int_equal(qemu_proc_wait_exit(&s, 10000), 1);	/* its parent (us) reaps it */
	strbuf_reset(&sb);
	qemu_proc_describe_exit(&s, &sb);
	assert_string_equal(sb.buf, "was killed by signal 9 (Killed)");
	strbuf_reset(&sb);
	qemu_proc_describe_exit(&p, &sb);
	assert_string_equal(sb.buf, "exited");
	qemu_proc_release(&p);
	qemu_proc_release(&s);
	free(log);
	strbuf_release(&sb);
}

static int hold_fd = -1;

static void *hold_thread(void *arg)
{
	char c;

	(void)arg;
	while (read(hold_fd, &c, 1) > 0)
		;
	_exit(0);
}

/* The state letter of /proc/PID/stat. */
static char proc_state(pid_t pid)
{
	char path[64], *s, *p, c = '?';

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	s = slurp(path);
	p = strrchr(s, ')');
	if (p && p[1] == ' ')
		c = p[2];
	free(s);
	return c;
}

/*
 * A process whose leader thread has exited while another thread runs is a
 * zombie leader, yet alive (QEMU exiting still holds its memory): its start
 * time stays, until its last thread ends.
 */
static void test_qemu_proc_zombie_leader(void **state)
{
	struct qemu_proc p = QEMU_PROC_INIT;
	unsigned long long start;
	int fds[2], status;
	pid_t pid;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		pthread_t t;

		close(fds[1]);
		hold_fd = fds[0];
		if (pthread_create(&t, NULL, hold_thread, NULL) != 0)
			_exit(1);
		pthread_exit(NULL);	/* the leader goes; the thread keeps the process */
	}
	track(pid);
	close(fds[0]);
	start = stat_field22(pid);
	for (int i = 0; i < 1000 && proc_state(pid) != 'Z'; i++) {
		struct timespec ts = { 0, 5000000 };

		nanosleep(&ts, NULL);
	}
	assert_int_equal(proc_state(pid), 'Z');
	assert_true(proc_start_time(pid) == start);
	assert_int_equal(qemu_proc_attach(&p, pid, start), 0);
	assert_int_equal(qemu_proc_alive(&p), 1);

	close(fds[1]);	/* the thread reads EOF and ends the process */
	assert_int_equal(qemu_proc_wait_exit(&p, 10000), 1);
	assert_true(proc_start_time(pid) == 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	qemu_proc_release(&p);
}

/* The last lines of a file, each indented, trailing newlines dropped; only its last 16 KiB are read. */
static void test_qemu_proc_file_tail(void **state)
{
	struct strbuf sb = STRBUF_INIT;
	char *path = at("log");
	FILE *f = fopen(path, "w");

	(void)state;
	assert_non_null(f);
	fputs("one\ntwo\nthree\nfour\n\n\n", f);
	fclose(f);
	qemu_proc_log_tail(path, 2, &sb);
	assert_string_equal(sb.buf, "\n  three\n  four");
	strbuf_reset(&sb);
	qemu_proc_log_tail(path, 10, &sb);
	assert_string_equal(sb.buf, "\n  one\n  two\n  three\n  four");
	strbuf_reset(&sb);
	qemu_proc_log_tail(path, 1, &sb);
	assert_string_equal(sb.buf, "\n  four");

	/* appends to what is there; a missing file adds nothing */
	strbuf_reset(&sb);
	strbuf_addstr(&sb, "QEMU exited; its log:");
	qemu_proc_log_tail(path, 1, &sb);
	qemu_proc_log_tail("/nonexistent/log", 3, &sb);
	assert_string_equal(sb.buf, "QEMU exited; its log:\n  four");

	/* 20000 lines of 9 bytes: the last 16384 bytes hold the end of one ("179") and 1820 whole lines */
	f = fopen(path, "w");
	assert_non_null(f);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "l%07d\n", i);
	fclose(f);
	strbuf_reset(&sb);
	qemu_proc_log_tail(path, 2, &sb);
	assert_string_equal(sb.buf, "\n  l0019998\n  l0019999");
	strbuf_reset(&sb);
	qemu_proc_log_tail(path, 100000, &sb);
	assert_int_equal(strncmp(sb.buf, "\n  179\n  l0018180\n", 18), 0);
	assert_int_equal(sb.len, 6 + 1820 * 11);
	free(path);
	strbuf_release(&sb);
}

/*
 * A credential and a private /dev: the child runs as nobody with no
 * capability and no new privileges, sees only the /dev it was given (a
 * node of its own, a link, a directory) and a read-only /sys, and passed
 * descriptors arrive as 3, 4 in order. Needs root (skips else).
 */
static void test_qemu_proc_spawn_confined(void **state)
{
	struct qemu_proc p = QEMU_PROC_INIT;
	struct strvec sv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	char *log = at("confined.log"), *stage = at("stage"), *out;
	struct passwd *pw = getpwnam("nobody");
	struct stat null;
	gid_t groups[1];
	int fds[2], status;
	struct qemu_spawn_cred cred;
	struct qemu_ns_op ops[3];
	struct qemu_spawn_ns ns = { .ops = ops, .nr_ops = 3, .ro_sys = 1 };
	struct qemu_spawn_opts o = { .pass_fds = fds, .nr_pass_fds = 2, .cred = &cred, .ns = &ns };

	(void)state;
	if (geteuid() != 0 || !pw || stat("/dev/null", &null) < 0)
		skip();
	groups[0] = pw->pw_gid;
	cred = (struct qemu_spawn_cred){ pw->pw_uid, pw->pw_gid, groups, 1, 0 };
	memset(ops, 0, sizeof(ops));
	ops[0] = (struct qemu_ns_op){ QEMU_NS_DIR, (char *)"/dev/sub", NULL, 0755, 0, 0, 0 };
	ops[1] = (struct qemu_ns_op){ QEMU_NS_NODE, (char *)"/dev/sub/mine", NULL, S_IFCHR | 0600, null.st_rdev,
				      pw->pw_uid, pw->pw_gid };
	ops[2] = (struct qemu_ns_op){ QEMU_NS_LINK, (char *)"/dev/it", (char *)"sub/mine", 0, 0, 0, 0 };
	mkdir(stage, 0700);
	ns.stage = stage;
	o.log_path = log;
	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fds[1] = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	strvec_pushl(&sv, "/bin/sh", "-c",
		     "id -u; grep -E '^(CapEff|CapBnd|NoNewPrivs):' /proc/self/status; ls -A /dev; ls -ln /dev/sub | "
		     "awk 'NR > 1 { print $1, $3 }'; echo x >/dev/it && echo writes; touch /sys/x 2>/dev/null || echo ro; "
		     "readlink /proc/self/fd/3 /proc/self/fd/4", NULL);
	assert_int_equal(qemu_proc_spawn_opts(&sv, &o, &p, &err), 0);
	assert_int_equal(waitpid(p.pid, &status, 0), p.pid);
	out = slurp(log);
	{
		char *want = xstrfmt("%u\nCapEff:\t0000000000000000\nCapBnd:\t0000000000000000\nNoNewPrivs:\t1\n"
				     "it\nsub\ncrw------- %u\nwrites\n"
				     /* only what it was given: no /dev/null of the host's */
				     "/bin/sh: 1: cannot create /dev/null: Permission denied\nro\n/dev/null\n/dev/zero\n", (unsigned)pw->pw_uid,
				     (unsigned)pw->pw_uid);

		assert_string_equal(out, want);
		free(want);
	}
	free(out);
	close(fds[0]);
	close(fds[1]);
	qemu_proc_release(&p);
	strvec_clear(&sv);
	strbuf_release(&err);
	free(log);
	free(stage);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_qemu_proc_start_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_proc_spawn_sleep, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_proc_exit_status, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_proc_spawn_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_proc_spawn_confined, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_proc_pass_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_proc_kill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_proc_attach, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_proc_zombie_leader, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qemu_proc_file_tail, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
