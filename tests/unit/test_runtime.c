/*
 * test_runtime.c - unit tests for launcher/vm/runtime.c on a temporary
 * $MVLAUNCH_RUNDIR and $MVLAUNCH_LOGDIR: a runtime directory made with its
 * mode and lock, the lock held against another process (a forked child,
 * without and with waiting) and the root lock beside it, the paths handed
 * out, cleaning that removes only the known runtime files, five boots of
 * logs kept under their exact names, the enumeration order, the access and
 * owner checks (a child that drops to uid 65534), and the refusal of a
 * symlinked, foreign-owned, group-writable or non-directory runtime
 * directory, each with its exact message; a starting VM's claim, live only
 * while its lock is held.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "launcher/vm/runtime.h"
#include "launcher/qemu/qemu_proc.h"
#include "util/cpuset.h"
#include "util/err.h"
#include "util/wrapper.h"

#define NOBODY 65534

static char tmp[64];
static pid_t child = -1;

/* A new temp dir holding run/ and log/ roots (neither made yet); no status group. */
static int setup(void **state)
{
	(void)state;
	return unit_runtime_tmp(tmp, "mvl-runtime", 0);
}

static int teardown(void **state)
{
	(void)state;
	unit_runtime_tmp_remove(tmp, &child);
	return 0;
}

/* TMP/rel as a new string. */
static char *at(const char *rel)
{
	return xstrfmt("%s/%s", tmp, rel);
}

static void touch(const char *rel, const char *text)
{
	char *p = at(rel);
	FILE *f = fopen(p, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(p);
}

static char *slurp(const char *rel)
{
	char *p = at(rel), buf[256];
	FILE *f = fopen(p, "r");
	size_t n = 0;

	free(p);
	if (!f)
		return xstrdup("(missing)");
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return xstrdup(buf);
}

#define assert_file(rel, want) do { char *v_ = slurp(rel); assert_string_equal(v_, want); free(v_); } while (0)

/* The names in TMP/rel, sorted, joined by spaces. */
static char *listing(const char *rel)
{
	char *p = at(rel);
	struct strvec names = STRVEC_INIT;
	struct strbuf sb = STRBUF_INIT;
	DIR *d = opendir(p);
	struct dirent *de;

	assert_non_null(d);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			strvec_push(&names, de->d_name);
	closedir(d);
	for (size_t i = 0; i < names.nr; i++)
		for (size_t j = i + 1; j < names.nr; j++)
			if (strcmp(names.v[i], names.v[j]) > 0) {
				const char *t = names.v[i];

				names.v[i] = names.v[j];
				names.v[j] = (char *)t;
			}
	for (size_t i = 0; i < names.nr; i++)
		strbuf_addf(&sb, "%s%s", i ? " " : "", names.v[i]);
	strvec_clear(&names);
	free(p);
	return strbuf_detach(&sb);
}

#define assert_listing(rel, want) do { char *v_ = listing(rel); assert_string_equal(v_, want); free(v_); } while (0)

/*
 * Run fn in a forked child; its message comes back in out, its return value
 * (0, -1, 1) as ours. The child never touches cmocka.
 */
static int in_child(int (*fn)(struct err *err, void *data), void *data, struct strbuf *out)
{
	int fds[2], status;
	char buf[1024];
	ssize_t n;

	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct err err = ERR_INIT;
		int r;

		close(fds[0]);
		r = fn(&err, data);
		if (write(fds[1], err.msg.buf, err.msg.len) != (ssize_t)err.msg.len)
			_exit(100);
		_exit(r & 0xff);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		strbuf_add(out, buf, (size_t)n);
	close(fds[0]);
	assert_int_equal(waitpid(child, &status, 0), child);
	child = -1;
	assert_true(WIFEXITED(status));
	assert_int_not_equal(WEXITSTATUS(status), 100);
	return (signed char)WEXITSTATUS(status);
}

/* Lock VM 'data' without waiting; keeps the lock until the child exits. */
static int lock_nowait(struct err *err, void *data)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;

	return runtime_lock(&rt, data, 0, err);
}

/* The runtime root and NAME's directory made 0700 with the lock held; the paths; release keeps it. */
static void test_runtime_lock_creates(void **state)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct err err = ERR_INIT;
	struct stat st;
	char *want, *p;

	(void)state;
	assert_int_equal(runtime_exists("vm1"), 0);
	assert_int_equal(runtime_lock(&rt, "vm1", 0, &err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_string_equal(rt.name, "vm1");
	want = at("run/vm1");
	assert_string_equal(rt.dir, want);
	free(want);
	assert_true(rt.lock_fd >= 0);
	/* the lock is a flock on the directory itself: another description cannot take it */
	{
		char *d = at("run/vm1");
		int fd = open(d, O_RDONLY | O_DIRECTORY);

		assert_true(fd >= 0);
		assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
		assert_int_equal(errno, EWOULDBLOCK);
		close(fd);
		free(d);
	}
	/* no status group: owner only, the umask notwithstanding */
	p = at("run");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(p);
	p = at("run/vm1");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(st.st_uid, geteuid());
	free(p);
	assert_int_equal(runtime_exists("vm1"), 1);
	assert_int_equal(runtime_exists("vm2"), 0);

	p = runtime_path(&rt, "qmp.sock");
	want = at("run/vm1/qmp.sock");
	assert_string_equal(p, want);
	free(p);
	free(want);

	runtime_release(&rt);
	assert_null(rt.name);
	assert_null(rt.dir);
	assert_int_equal(rt.lock_fd, -1);
	assert_int_equal(runtime_exists("vm1"), 1);
	/* released: anyone may lock it now */
	assert_int_equal(in_child(lock_nowait, (void *)"vm1", &err.msg), 0);
	assert_string_equal(err.msg.buf, "");
	runtime_release(&rt);	/* twice is harmless */
	err_release(&err);
}

/* With a status group, the directories are 0750 and that group's. */
static void test_runtime_lock_group(void **state)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct err err = ERR_INIT;
	struct group *g = getgrnam("daemon");
	struct stat st;
	char *p;

	(void)state;
	assert_non_null(g);
	assert_int_not_equal(g->gr_gid, getegid());	/* so the chown shows */
	setenv("MVLAUNCH_GROUP", "daemon", 1);
	assert_int_equal(runtime_lock(&rt, "vm1", 0, &err), 0);
	for (int i = 0; i < 2; i++) {
		p = at(i ? "run/vm1" : "run");
		assert_int_equal(stat(p, &st), 0);
		assert_int_equal(st.st_mode & 07777, 0750);
		assert_int_equal(st.st_gid, g->gr_gid);
		free(p);
	}
	runtime_release(&rt);
	err_release(&err);
}

/*
 * RUNTIME_LOCK_NOW tries once ('down --force A B' has the other VMs to see
 * to): a lock its holder lets go of 100 ms later is "busy" to it, where the
 * default's 200 ms of tries would get it; a waiter then gets it.
 */
static void test_runtime_lock_now(void **state)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct err err = ERR_INIT;
	int fds[2], status;
	char c = 0;

	(void)state;
	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct vm_runtime crt = VM_RUNTIME_INIT;
		struct err cerr = ERR_INIT;

		close(fds[0]);
		if (runtime_lock(&crt, "vm1", 0, &cerr) < 0 || write(fds[1], "L", 1) != 1)
			_exit(1);
		usleep(100000);
		_exit(0);	/* the lock goes with the process */
	}
	close(fds[1]);
	assert_int_equal(read(fds[0], &c, 1), 1);
	close(fds[0]);
	assert_int_equal(runtime_lock(&rt, "vm1", RUNTIME_LOCK_NOW, &err), -1);
	assert_string_equal(err.msg.buf, "VM 'vm1' is busy: another mvlaunch command is starting or stopping it");
	runtime_release(&rt);
	err_reset(&err);
	assert_int_equal(runtime_lock(&rt, "vm1", 1, &err), 0);
	assert_int_equal(waitpid(child, &status, 0), child);
	child = -1;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	runtime_release(&rt);
	err_release(&err);
}

/* Another process holds the lock: "busy" without waiting, the lock once it is let go with. */
static void test_runtime_lock_busy(void **state)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct err err = ERR_INIT;
	int fds[2], status, root_fd;
	struct pollfd pfd;
	char c = 0;

	(void)state;
	assert_int_equal(runtime_lock(&rt, "vm1", 0, &err), 0);
	assert_int_equal(in_child(lock_nowait, (void *)"vm1", &err.msg), -1);
	assert_string_equal(err.msg.buf, "VM 'vm1' is busy: another mvlaunch command is starting or stopping it");
	err_reset(&err);
	/* other VMs never wait for each other */
	assert_int_equal(in_child(lock_nowait, (void *)"vm2", &err.msg), 0);
	assert_string_equal(err.msg.buf, "");

	/* waiting: the child gets it only after we let it go */
	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct vm_runtime crt = VM_RUNTIME_INIT;
		struct err cerr = ERR_INIT;

		close(fds[0]);
		close(rt.lock_fd);	/* our copy of the parent's lock would hold it for good */
		if (runtime_lock(&crt, "vm1", 1, &cerr) < 0)
			_exit(1);
		_exit(write(fds[1], "L", 1) == 1 ? 0 : 2);
	}
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	assert_int_equal(poll(&pfd, 1, 100), 0);	/* still held by us: nothing yet */
	runtime_release(&rt);
	assert_int_equal(read(fds[0], &c, 1), 1);
	assert_int_equal(c, 'L');
	close(fds[0]);
	assert_int_equal(waitpid(child, &status, 0), child);
	child = -1;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	/* the root lock is another lock: a VM's lock is free beside it */
	root_fd = runtime_lock_root(&err);
	assert_true(root_fd >= 0);
	assert_string_equal(err.msg.buf, "");
	assert_int_equal(in_child(lock_nowait, (void *)"vm1", &err.msg), 0);
	{
		char *p = at("run");
		int fd = open(p, O_RDONLY | O_DIRECTORY);

		assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), -1);
		close(fd);
		close(root_fd);
		fd = open(p, O_RDONLY | O_DIRECTORY);
		assert_int_equal(flock(fd, LOCK_EX | LOCK_NB), 0);
		close(fd);
		free(p);
	}
	err_release(&err);
}

/* Only the runtime files go; the directory, the lock and other files stay. */
static void test_runtime_clean_files(void **state)
{
	static const char *const known[] = {
		"qmp.sock", "serial.sock", "qemu.pid", "qemu.id", "qemu.id.tmp", "state.json", "state.json.tmp",
		"vnc.sock", "spice.sock", "swtpm.sock", "swtpm.id", "swtpm.id.tmp",
	};
	struct vm_runtime rt = VM_RUNTIME_INIT, none = VM_RUNTIME_INIT;
	struct err err = ERR_INIT;

	(void)state;
	assert_int_equal(runtime_lock(&rt, "vm1", 0, &err), 0);
	assert_int_equal(runtime_has_files(&rt), 0);
	for (size_t i = 0; i < ARRAY_SIZE(known); i++) {
		char *rel = xstrfmt("run/vm1/%s", known[i]);

		touch(rel, "x");
		free(rel);
	}
	touch("run/vm1/notes.txt", "mine");
	touch("run/vm1/qemu.log", "not a runtime file");
	assert_int_equal(runtime_has_files(&rt), 1);
	runtime_clean_files(&rt);
	assert_listing("run/vm1", "notes.txt qemu.log");
	assert_file("run/vm1/notes.txt", "mine");
	assert_int_equal(runtime_has_files(&rt), 0);
	assert_true(rt.lock_fd >= 0);

	/* one dangling link in a runtime file's place is a runtime file */
	{
		char *p = at("run/vm1/qmp.sock");

		assert_int_equal(symlink("/nonexistent", p), 0);
		free(p);
	}
	assert_int_equal(runtime_has_files(&rt), 1);

	/* runtime_clean() removes the directory only once nothing else is in it */
	runtime_clean(&rt);
	assert_listing("run/vm1", "notes.txt qemu.log");
	assert_int_equal(runtime_exists("vm1"), 1);
	touch("run/vm1/state.json", "{}");
	{
		char *a = at("run/vm1/notes.txt"), *b = at("run/vm1/qemu.log");

		unlink(a);
		unlink(b);
		free(a);
		free(b);
	}
	runtime_clean(&rt);
	assert_int_equal(runtime_exists("vm1"), 0);
	assert_listing("run", "");

	/* never locked: nothing to clean, no crash */
	runtime_clean_files(&none);
	runtime_clean(&none);
	runtime_release(&rt);

	/* a link in the directory's place is not followed: what it points to keeps its files */
	{
		struct vm_runtime link = VM_RUNTIME_INIT;
		char *target = at("elsewhere"), *p = at("run/vm2");

		assert_int_equal(mkdir(target, 0700), 0);
		touch("elsewhere/qmp.sock", "theirs");
		assert_int_equal(symlink(target, p), 0);
		link.name = xstrdup("vm2");
		link.dir = p;
		runtime_clean_files(&link);
		assert_file("elsewhere/qmp.sock", "theirs");
		runtime_release(&link);
		free(target);
	}
	err_release(&err);
}

/*
 * A helper recorded in swtpm.id that still runs once its QEMU is gone is
 * stopped before the files go, even one that ignores SIGTERM; an id file
 * naming a recycled pid (another start time) stops nothing.
 */
static void test_runtime_stop_helpers(void **state)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct err err = ERR_INIT;
	struct qemu_proc p = QEMU_PROC_INIT, other = QEMU_PROC_INIT;
	struct strvec argv = STRVEC_INIT, argv2 = STRVEC_INIT;
	struct strbuf e = STRBUF_INIT;
	char *id, *log = at("helper.log"), *id2 = at("other.id");

	(void)state;
	assert_int_equal(runtime_lock(&rt, "vm1", 0, &err), 0);
	id = runtime_path(&rt, "swtpm.id");
	strvec_pushl(&argv, "sh", "-c", "trap '' TERM; while :; do sleep 1; done", NULL);
	assert_int_equal(qemu_proc_spawn(&argv, log, NULL, NULL, -1, id, &p, &e), 0);
	strvec_pushl(&argv2, "sleep", "60", NULL);
	assert_int_equal(qemu_proc_spawn(&argv2, log, NULL, NULL, -1, id2, &other, &e), 0);
	{
		/* other's pid with a start time that is not its own */
		FILE *f = fopen(id2, "w");

		fprintf(f, "%d 1\n", (int)other.pid);
		fclose(f);
	}
	assert_true(qemu_proc_alive(&p));
	runtime_clean_files(&rt);
	assert_false(qemu_proc_alive(&p));
	assert_int_equal(access(id, F_OK), -1);
	{
		struct qemu_proc q = QEMU_PROC_INIT;

		assert_int_equal(qemu_proc_attach_id(&q, id2), -1);	/* not who the file says */
		qemu_proc_release(&q);
	}
	assert_true(qemu_proc_alive(&other));
	qemu_proc_kill(&other, 100);
	qemu_proc_release(&p);
	qemu_proc_release(&other);
	runtime_release(&rt);
	strvec_clear(&argv);
	strvec_clear(&argv2);
	strbuf_release(&e);
	err_release(&err);
	free(id);
	free(id2);
	free(log);
}

/* Seven boots: the last five of each log kept as LOG, LOG.1 .. LOG.4. */
static void test_runtime_logs_rotate(void **state)
{
	struct err err = ERR_INIT;
	struct stat st;
	char *p, *want;

	(void)state;
	setenv("MVLAUNCH_LOGDIR", (p = at("log/deep/er")), 1);	/* parents made too */
	free(p);
	for (int boot = 1; boot <= 7; boot++) {
		char text[32];

		assert_int_equal(runtime_logs_rotate("vm1", &err), 0);
		assert_string_equal(err.msg.buf, "");
		snprintf(text, sizeof(text), "qemu %d", boot);
		touch("log/deep/er/vm1/qemu.log", text);
		snprintf(text, sizeof(text), "serial %d", boot);
		touch("log/deep/er/vm1/serial.log", text);
	}
	assert_listing("log/deep/er/vm1", "qemu.log qemu.log.1 qemu.log.2 qemu.log.3 qemu.log.4 "
			"serial.log serial.log.1 serial.log.2 serial.log.3 serial.log.4");
	assert_file("log/deep/er/vm1/qemu.log", "qemu 7");
	assert_file("log/deep/er/vm1/qemu.log.1", "qemu 6");
	assert_file("log/deep/er/vm1/qemu.log.2", "qemu 5");
	assert_file("log/deep/er/vm1/qemu.log.3", "qemu 4");
	assert_file("log/deep/er/vm1/qemu.log.4", "qemu 3");
	assert_file("log/deep/er/vm1/serial.log", "serial 7");
	assert_file("log/deep/er/vm1/serial.log.4", "serial 3");
	p = at("log/deep/er/vm1");
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	free(p);

	/* one more boot that wrote no serial log: the gap moves along, nothing else is lost */
	assert_int_equal(runtime_logs_rotate("vm1", &err), 0);
	touch("log/deep/er/vm1/qemu.log", "qemu 8");
	assert_int_equal(runtime_logs_rotate("vm1", &err), 0);
	assert_listing("log/deep/er/vm1", "qemu.log.1 qemu.log.2 qemu.log.3 qemu.log.4 "
			"serial.log.2 serial.log.3 serial.log.4");
	assert_file("log/deep/er/vm1/qemu.log.1", "qemu 8");
	assert_file("log/deep/er/vm1/qemu.log.2", "qemu 7");
	assert_file("log/deep/er/vm1/serial.log.2", "serial 7");
	assert_file("log/deep/er/vm1/serial.log.4", "serial 5");

	p = runtime_log_path("vm1", "serial.log");
	want = at("log/deep/er/vm1/serial.log");
	assert_string_equal(p, want);
	free(p);
	free(want);
	err_release(&err);
}

/* A log directory that cannot be made, or is a link, is refused with the reason. */
static void test_runtime_logs_rotate_errors(void **state)
{
	struct strbuf want = STRBUF_INIT;
	struct err err = ERR_INIT;
	char *p, *q;

	(void)state;
	touch("afile", "");
	setenv("MVLAUNCH_LOGDIR", (p = at("afile/logs")), 1);
	assert_int_equal(runtime_logs_rotate("vm1", &err), -1);
	strbuf_addf(&want, "cannot create log directory '%s': Not a directory", p);
	assert_string_equal(err.msg.buf, want.buf);
	free(p);

	err_reset(&err);
	strbuf_reset(&want);
	setenv("MVLAUNCH_LOGDIR", (p = at("log")), 1);
	free(p);
	assert_int_equal(mkdir((p = at("log")), 0755), 0);
	free(p);
	assert_int_equal(mkdir((p = at("elsewhere")), 0700), 0);
	assert_int_equal(symlink(p, (q = at("log/vm1"))), 0);
	assert_int_equal(runtime_logs_rotate("vm1", &err), -1);
	strbuf_addf(&want, "log directory '%s' is a symbolic link: not used\nhint: remove '%s' (mvlaunch makes its own)", q, q);
	assert_string_equal(err_text(&err), want.buf);
	assert_listing("elsewhere", "");
	free(p);
	free(q);
	err_release(&err);
	strbuf_release(&want);
}

/* The paths from the environment, and the defaults when it is unset or empty. */
static void test_runtime_paths(void **state)
{
	char *p, *want;

	(void)state;
	p = runtime_host_state_path();
	want = at("run/host.json");
	assert_string_equal(p, want);
	free(p);
	free(want);
	p = runtime_log_path("vm1", "qemu.log");
	want = at("log/vm1/qemu.log");
	assert_string_equal(p, want);
	free(p);
	free(want);
	p = runtime_log_path("vm1", NULL);
	want = at("log/vm1");
	assert_string_equal(p, want);
	free(p);
	free(want);
	p = runtime_vm_path("vm1", "state.json");
	want = at("run/vm1/state.json");
	assert_string_equal(p, want);
	free(p);
	free(want);
	p = runtime_vm_path("vm1", NULL);
	want = at("run/vm1");
	assert_string_equal(p, want);
	free(p);
	free(want);

	unsetenv("MVLAUNCH_RUNDIR");
	setenv("MVLAUNCH_LOGDIR", "", 1);
	p = runtime_host_state_path();
	assert_string_equal(p, "/run/mvlaunch/host.json");
	free(p);
	p = runtime_log_path("vm1", "serial.log.2");
	assert_string_equal(p, "/var/log/mvlaunch/vm1/serial.log.2");
	free(p);
}

static int collect(const char *name, void *data)
{
	struct strvec *seen = data;

	strvec_push(seen, name);
	return !strcmp(name, "stop-here") ? 7 : 0;
}

/* Directories only, hidden ones skipped, in strcmp order; the first non-zero return stops it. */
/*
 * A starting VM's claim: its exact text, what is not a claim, and that it
 * counts only while someone holds the VM's lock (a killed 'up' claims
 * nothing); runtime_clean() removes it with the other runtime files.
 */
static void test_runtime_claim(void **state)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct err err = ERR_INIT;
	struct strbuf sb = STRBUF_INIT;
	struct cpuset owned, got;
	int dedicated = -1;
	char *text;

	(void)state;
	cpuset_zero(&owned);
	cpuset_set(&owned, 1);
	cpuset_set(&owned, 2);
	cpuset_set(&owned, 3);
	text = runtime_claim_encode(&owned, 1);
	assert_string_equal(text, "{\"owned\":\"1-3\",\"dedicated\":true}");
	assert_int_equal(runtime_claim_decode(text, &got, &dedicated, &sb), 0);
	assert_true(cpuset_equal(&got, &owned));
	assert_int_equal(dedicated, 1);
	free(text);
	cpuset_zero(&got);
	text = runtime_claim_encode(&got, 0);
	assert_string_equal(text, "{\"owned\":\"\",\"dedicated\":false}");
	assert_int_equal(runtime_claim_decode(text, &got, &dedicated, &sb), 0);
	assert_true(cpuset_empty(&got));
	assert_int_equal(dedicated, 0);
	free(text);
	assert_int_equal(runtime_claim_decode("{\"owned\":3}", &got, &dedicated, &sb), -1);
	assert_string_equal(sb.buf, "not a claim: expected {\"owned\": CPUS, \"dedicated\": BOOL}");
	strbuf_reset(&sb);
	assert_int_equal(runtime_claim_decode("{\"owned\":\"x\",\"dedicated\":true}", &got, &dedicated, &sb), -1);
	assert_true(sb.len > 0);

	/* held while the lock is: this process's lock counts as another's (a new open file) */
	assert_int_equal(runtime_lock(&rt, "vm1", 0, &err), 0);
	assert_int_equal(runtime_claim_load("vm1", &got, &dedicated), 0);	/* none yet */
	assert_int_equal(runtime_claim_write(&rt, &owned, 1, &err), 0);
	assert_file("run/vm1/claim.json", "{\"owned\":\"1-3\",\"dedicated\":true}");
	assert_int_equal(runtime_locked_by_other("vm1"), 1);
	assert_int_equal(runtime_claim_load("vm1", &got, &dedicated), 1);
	assert_true(cpuset_equal(&got, &owned));
	runtime_release(&rt);
	/* its 'up' gone: the file stays, the claim does not count */
	assert_int_equal(runtime_locked_by_other("vm1"), 0);
	assert_int_equal(runtime_claim_load("vm1", &got, &dedicated), 0);
	assert_int_equal(runtime_lock(&rt, "vm1", 0, &err), 0);
	assert_true(runtime_has_files(&rt));
	runtime_clean(&rt);
	assert_int_equal(access(rt.dir, F_OK), -1);
	runtime_release(&rt);
	assert_int_equal(runtime_claim_load("vm1", &got, &dedicated), 0);
	strbuf_release(&sb);
	err_release(&err);
}

static void test_runtime_for_each(void **state)
{
	static const char *const dirs[] = { "run", "run/b", "run/a", "run/c10", "run/c2", "run/B", "run/.hidden" };
	struct strvec seen = STRVEC_INIT;
	char *p, *q;

	(void)state;
	/* no root yet: no VMs, no call */
	assert_int_equal(runtime_for_each(collect, &seen), 0);
	assert_int_equal(seen.nr, 0);

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		p = at(dirs[i]);
		assert_int_equal(mkdir(p, 0700), 0);
		free(p);
	}
	touch("run/host.json", "{}");
	assert_int_equal(symlink((p = at("run/a")), (q = at("run/link"))), 0);
	free(p);
	free(q);
	assert_int_equal(runtime_for_each(collect, &seen), 0);
	check_argv(&seen, "B", "a", "b", "c10", "c2");
	strvec_clear(&seen);

	p = at("run/stop-here");
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	assert_int_equal(runtime_for_each(collect, &seen), 7);
	check_argv(&seen, "B", "a", "b", "c10", "c2", "stop-here");
	strvec_clear(&seen);
	p = at("run/z");
	assert_int_equal(mkdir(p, 0700), 0);
	free(p);
	assert_int_equal(runtime_for_each(collect, &seen), 7);
	check_argv(&seen, "B", "a", "b", "c10", "c2", "stop-here");	/* not "z" */
	strvec_clear(&seen);
}

/* As uid 65534: the access check on the runtime root. */
static int root_access_as_nobody(struct err *err, void *data)
{
	(void)data;
	if (setgid(NOBODY) < 0 || setuid(NOBODY) < 0) {
		strbuf_addf(&err->msg, "setuid: %s", strerror(errno));
		return 1;
	}
	return runtime_root_access(err);
}

/* Who may read the runtime root, and the message with the fix for who may not. */
static void test_runtime_root_access(void **state)
{
	struct strbuf want = STRBUF_INIT;
	struct err err = ERR_INIT;
	char *run = at("run"), *p;

	(void)state;
	/* no root yet: fine, no VMs */
	assert_int_equal(runtime_root_access(&err), 0);
	assert_string_equal(err.msg.buf, "");
	assert_int_equal(mkdir(run, 0700), 0);
	assert_int_equal(runtime_root_access(&err), 0);
	assert_string_equal(err.msg.buf, "");

	/* another user, a 0700 root: permission denied, and how to get access */
	assert_int_equal(chmod(tmp, 0755), 0);
	strbuf_addf(&want, "permission denied reading '%s': run as root, or add yourself to group mvlaunch-test to see "
		    "VMs' status ('make install' creates the group; log in again after joining it)", run);
	setenv("MVLAUNCH_GROUP", "mvlaunch-test", 1);
	assert_int_equal(in_child(root_access_as_nobody, NULL, &err.msg), -1);
	assert_string_equal(err.msg.buf, want.buf);
	/* the group's name defaults to mvlaunch */
	unsetenv("MVLAUNCH_GROUP");
	err_reset(&err);
	strbuf_reset(&want);
	assert_int_equal(in_child(root_access_as_nobody, NULL, &err.msg), -1);
	strbuf_addf(&want, "permission denied reading '%s': run as root, or add yourself to group mvlaunch to see "
		    "VMs' status ('make install' creates the group; log in again after joining it)", run);
	assert_string_equal(err.msg.buf, want.buf);
	/* readable by others: fine */
	assert_int_equal(chmod(run, 0755), 0);
	err_reset(&err);
	assert_int_equal(in_child(root_access_as_nobody, NULL, &err.msg), 0);
	assert_string_equal(err.msg.buf, "");

	/* a root that cannot be a directory: the errno text */
	touch("afile", "");
	setenv("MVLAUNCH_RUNDIR", (p = at("afile/run")), 1);
	err_reset(&err);
	strbuf_reset(&want);
	assert_int_equal(runtime_root_access(&err), -1);
	strbuf_addf(&want, "cannot read the runtime directory '%s': Not a directory", p);
	assert_string_equal(err.msg.buf, want.buf);
	free(p);
	free(run);
	err_release(&err);
	strbuf_release(&want);
}

/* A VM another user started is theirs to change. */
static void test_runtime_owner_check(void **state)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct err err = ERR_INIT;
	char *p;

	(void)state;
	assert_int_equal(runtime_owner_check("vm1", &err), 0);	/* none: nobody's */
	assert_string_equal(err.msg.buf, "");
	assert_int_equal(runtime_lock(&rt, "vm1", 0, &err), 0);
	runtime_release(&rt);
	assert_int_equal(runtime_owner_check("vm1", &err), 0);
	assert_string_equal(err.msg.buf, "");
	p = at("run/vm1");
	assert_int_equal(chown(p, NOBODY, NOBODY), 0);
	free(p);
	assert_int_equal(runtime_owner_check("vm1", &err), -1);
	assert_string_equal(err.msg.buf, "'vm1' was started by uid 65534: stopping or changing it needs that user (run as root)");
	err_release(&err);
}

/* runtime_lock() on a directory it must not trust: -1 and the exact reason, nothing locked. */
static void expect_untrusted(const char *name, const char *want)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct err err = ERR_INIT;

	assert_int_equal(runtime_lock(&rt, name, 0, &err), -1);
	assert_string_equal(err_text(&err), want);
	assert_int_equal(rt.lock_fd, -1);
	runtime_release(&rt);
	err_release(&err);
}

/* A symlinked, foreign-owned, group-writable or non-directory runtime directory (or root) is refused. */
static void test_runtime_untrusted(void **state)
{
	struct strbuf want = STRBUF_INIT;
	struct err err = ERR_INIT;
	char *run = at("run"), *p, *q;

	(void)state;
	assert_int_equal(mkdir(run, 0700), 0);
	assert_int_equal(mkdir((p = at("elsewhere")), 0700), 0);

	/* a link in the VM directory's place: nothing written through it */
	q = at("run/linked");
	assert_int_equal(symlink(p, q), 0);
	strbuf_addf(&want, "runtime directory '%s' is a symbolic link: not used\n"
		    "hint: remove '%s' (mvlaunch makes its own)", q, q);
	expect_untrusted("linked", want.buf);
	assert_listing("elsewhere", "");
	free(q);

	/* another user's directory */
	q = at("run/foreign");
	assert_int_equal(mkdir(q, 0700), 0);
	assert_int_equal(chown(q, NOBODY, NOBODY), 0);
	strbuf_reset(&want);
	strbuf_addf(&want, "runtime directory '%s' belongs to uid 65534, not to this user (uid %u): not used\n"
		    "hint: remove it (another user could put files there for mvlaunch to use)", q, (unsigned)geteuid());
	expect_untrusted("foreign", want.buf);
	free(q);

	/* ours, but others may write in it */
	q = at("run/open");
	assert_int_equal(mkdir(q, 0700), 0);
	assert_int_equal(chmod(q, 0777), 0);
	strbuf_reset(&want);
	strbuf_addf(&want, "runtime directory '%s' may be written by group or others (mode 0777): not used\n"
		    "hint: chmod go-w '%s'", q, q);
	expect_untrusted("open", want.buf);
	free(q);

	/* a file in its place */
	touch("run/file", "");
	q = at("run/file");
	strbuf_reset(&want);
	strbuf_addf(&want, "runtime directory '%s' exists and is not a directory\n"
		    "hint: remove '%s' (mvlaunch makes its own)", q, q);
	expect_untrusted("file", want.buf);
	free(q);

	/* the root itself a link: refused before any VM directory, and by the root lock */
	q = at("linkroot");
	assert_int_equal(symlink(p, q), 0);
	setenv("MVLAUNCH_RUNDIR", q, 1);
	strbuf_reset(&want);
	strbuf_addf(&want, "runtime directory '%s' is a symbolic link: not used\n"
		    "hint: remove '%s' (mvlaunch makes its own)", q, q);
	expect_untrusted("vm1", want.buf);
	assert_int_equal(runtime_lock_root(&err), -1);
	assert_string_equal(err_text(&err), want.buf);
	assert_listing("elsewhere", "");
	free(q);
	free(p);
	free(run);
	err_release(&err);
	strbuf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_runtime_lock_creates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_lock_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_lock_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_lock_now, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_clean_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_stop_helpers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_logs_rotate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_logs_rotate_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_for_each, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_claim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_root_access, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_owner_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_runtime_untrusted, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
