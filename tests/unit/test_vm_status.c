/*
 * test_vm_status.c - unit tests for launcher/vm/vm_status.c on fake runtime
 * directories under a temporary $MVLAUNCH_RUNDIR: an empty directory
 * (stale, or starting while another command holds its lock), a corrupt
 * state.json (stale, with the parse error), one that names no pid, one whose
 * QEMU is gone (crashed), and one naming this very test process (pid +
 * start time) as its QEMU: without qmp.sock, with a socket nobody listens
 * on, with a fake QMP server in a forked child (a known, an unknown and a
 * failed query-status), and for a user who may not use QMP (alive). Each
 * state and reason is checked exactly, and vm_status_json() as a whole
 * compact string (every key, in order; "reason" null or a string).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "tests/unit/unit.h"
#include "launcher/qemu/qemu_proc.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_status.h"
#include "qmp/qmp.h"
#include "util/err.h"
#include "util/wrapper.h"

#define NOBODY 65534
#define GREETING "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, \"package\": \"\"}, " \
		 "\"capabilities\": []}}\r\n"
#define CAPS_OK "{\"return\": {}, \"id\": 1}\r\n"

static char tmp[64];
static pid_t server = -1;

static int setup(void **state)
{
	(void)state;
	return unit_runtime_tmp(tmp, "mvl-status", 1);
}

static int teardown(void **state)
{
	(void)state;
	unit_runtime_tmp_remove(tmp, &server);
	return 0;
}

static char *at(const char *rel)
{
	return xstrfmt("%s/%s", tmp, rel);
}

/* RUN/vm1/ and, unless text is NULL, RUN/vm1/state.json holding text. */
static void make_vm(const char *text)
{
	char *dir = at("run/vm1"), *path = at("run/vm1/state.json");
	FILE *f;

	mkdir(dir, 0700);
	if (text) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
	free(dir);
	free(path);
}

/* A state.json naming pid/start_time as vm1's QEMU, its helper threads planned on 'emulator'. */
static void make_vm_running(pid_t pid, unsigned long long start, const char *emulator, const char *threads)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addf(&sb, "{\"name\": \"vm1\", \"pid\": %d, \"start_time\": %llu, \"started_at\": 1700000000, "
		    "\"config\": \"/etc/mvlaunch/vms/vm1.toml\", \"qemu_version\": \"7.2.0\", \"emulator_cpus\": [%s], "
		    "\"threads\": [%s]}", (int)pid, start, emulator, threads);
	make_vm(sb.buf);
	strbuf_release(&sb);
}

static char *dump(const struct vm_status *s)
{
	json_t *o = vm_status_json(s);
	char *text = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	return text;
}

/* vm_status_json() of s, exactly the JSON 'fmt' makes. */
static void expect_json(const struct vm_status *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void expect_json(const struct vm_status *s, const char *fmt, ...)
{
	struct strbuf want = STRBUF_INIT;
	char *text = dump(s);
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&want, fmt, ap);
	va_end(ap);
	assert_string_equal(text, want.buf);
	free(text);
	strbuf_release(&want);
}

/* This process's CPUs, as "0,1" for JSON and state files. */
static char *own_cpus(void)
{
	cpu_set_t cs;
	struct strbuf sb = STRBUF_INIT;

	assert_int_equal(sched_getaffinity(0, sizeof(cs), &cs), 0);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &cs))
			strbuf_addf(&sb, "%s%d", sb.len ? "," : "", c);
	return strbuf_detach(&sb);
}

/* An empty runtime directory: stale, and why. */
static void test_vm_status_empty_dir(void **state)
{
	struct vm_status s;
	char *dir = at("run/vm1"), *log = at("log/vm1/qemu.log");

	(void)state;
	make_vm(NULL);
	vm_status_read("vm1", &s);
	assert_string_equal(s.name, "vm1");
	assert_string_equal(s.state, "stale");
	assert_int_equal(s.running, 0);
	assert_int_equal(s.st.pid, 0);
	assert_int_equal(s.drift, 0);
	assert_string_equal(s.log, log);
	assert_non_null(s.reason);
	{
		char *want = xstrfmt("'%s' has no state.json and no QEMU", dir);

		assert_string_equal(s.reason, want);
		free(want);
	}
	expect_json(&s, "{\"name\":\"vm1\",\"state\":\"stale\",\"pid\":null,\"uptime_s\":null,\"config\":null,"
		    "\"qemu_version\":null,\"drift\":false,\"config_changed\":null,\"log\":\"%s\",\"reason\":\"'%s' has no state.json and no QEMU\","
		    "\"cgroup\":null,\"threads\":[]}", log, dir);
	vm_status_release(&s);
	assert_null(s.name);
	assert_null(s.reason);
	free(dir);
	free(log);
}

/* An empty directory whose lock another command holds: starting, no reason. */
static void test_vm_status_starting(void **state)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct err err = ERR_INIT;
	struct vm_status s;
	char *log = at("log/vm1/qemu.log");

	(void)state;
	assert_int_equal(runtime_lock(&rt, "vm1", 0, &err), 0);
	vm_status_read("vm1", &s);
	assert_string_equal(s.state, "starting");
	assert_null(s.reason);
	assert_int_equal(s.running, 0);
	expect_json(&s, "{\"name\":\"vm1\",\"state\":\"starting\",\"pid\":null,\"uptime_s\":null,\"config\":null,"
		    "\"qemu_version\":null,\"drift\":false,\"config_changed\":null,\"log\":\"%s\",\"reason\":null,\"cgroup\":null,\"threads\":[]}", log);
	vm_status_release(&s);
	/* unlocked, it is stale again: status took no lock of its own */
	runtime_release(&rt);
	vm_status_read("vm1", &s);
	assert_string_equal(s.state, "stale");
	vm_status_release(&s);
	free(log);
	err_release(&err);
}

/* A state.json that cannot be read: stale, with the reader's error. */
static void test_vm_status_corrupt(void **state)
{
	struct vm_status s;
	char *path = at("run/vm1/state.json"), *want;

	(void)state;
	make_vm("{\"name\": \"vm1\", \"pid\": ");
	vm_status_read("vm1", &s);
	assert_string_equal(s.state, "stale");
	assert_int_equal(s.running, 0);
	want = xstrfmt("state file '%s': corrupt (unexpected token near end of file at line 1)", path);
	assert_string_equal(s.reason, want);
	free(want);
	vm_status_release(&s);

	make_vm("{\"name\": \"vm1\"}");
	vm_status_read("vm1", &s);
	assert_string_equal(s.state, "stale");
	want = xstrfmt("state file '%s': corrupt (no name, pid or start_time)", path);
	assert_string_equal(s.reason, want);
	free(want);
	vm_status_release(&s);

	/*
	 * a file that names no process: pid 0, or start time 0 (what
	 * proc_start_time() says of a process that is gone: a live QEMU with
	 * that "identity" once made a dead VM look alive)
	 */
	make_vm("{\"name\": \"vm1\", \"pid\": 0, \"start_time\": 5, \"emulator_cpus\": []}");
	vm_status_read("vm1", &s);
	assert_string_equal(s.state, "stale");
	want = xstrfmt("state file '%s': corrupt (pid and start_time must be positive)", path);
	assert_string_equal(s.reason, want);
	free(want);
	vm_status_release(&s);
	{
		char *text = xstrfmt("{\"name\": \"vm1\", \"pid\": %d, \"start_time\": 0, \"emulator_cpus\": []}",
				     (int)getpid());

		make_vm(text);
		free(text);
	}
	vm_status_read("vm1", &s);
	assert_string_equal(s.state, "stale");
	assert_int_equal(s.running, 0);
	want = xstrfmt("state file '%s': corrupt (pid and start_time must be positive)", path);
	assert_string_equal(s.reason, want);
	free(want);
	vm_status_release(&s);
	free(path);
}

/* A state.json whose QEMU is gone: crashed; its config and version still shown, no threads. */
static void test_vm_status_crashed(void **state)
{
	struct vm_status s;
	char *log = at("log/vm1/qemu.log");
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, NULL, 0), pid);	/* dead and reaped */
	make_vm_running(pid, 4242, "0", "{\"tid\": 1, \"role\": \"vcpu\", \"vcpu\": 0, \"cpus\": [1]}");
	vm_status_read("vm1", &s);
	assert_string_equal(s.state, "crashed");
	assert_int_equal(s.running, 0);
	assert_int_equal(s.st.pid, pid);
	{
		char *want = xstrfmt("QEMU pid %d is gone", (int)pid);

		assert_string_equal(s.reason, want);
		free(want);
	}
	expect_json(&s, "{\"name\":\"vm1\",\"state\":\"crashed\",\"pid\":%d,\"uptime_s\":null,"
		    "\"config\":\"/etc/mvlaunch/vms/vm1.toml\",\"qemu_version\":\"7.2.0\",\"drift\":false,\"config_changed\":null,\"log\":\"%s\","
		    "\"reason\":\"QEMU pid %d is gone\",\"cgroup\":null,\"threads\":[]}", (int)pid, log, (int)pid);
	vm_status_release(&s);

	/* this very process, but another start time: a recycled pid is not our QEMU */
	make_vm_running(getpid(), proc_start_time(getpid()) + 1, "0", "");
	vm_status_read("vm1", &s);
	assert_string_equal(s.state, "crashed");
	assert_int_equal(s.running, 0);
	{
		char *want = xstrfmt("QEMU pid %d is gone", (int)getpid());

		assert_string_equal(s.reason, want);
		free(want);
	}
	vm_status_release(&s);
	free(log);
}

/* Whole seconds this process has run, from /proc/uptime. */
static long long own_uptime(void)
{
	FILE *f = fopen("/proc/uptime", "r");
	double up = 0;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%lf", &up), 1);
	fclose(f);
	return (long long)(up - (double)proc_start_time(getpid()) / (double)sysconf(_SC_CLK_TCK));
}

/*
 * This process as vm1's QEMU, with no qmp.sock: running but unresponsive,
 * why, and its threads read live (a helper thread that ended is dropped).
 */
static void test_vm_status_running_no_qmp(void **state)
{
	struct vm_status s;
	char *log = at("log/vm1/qemu.log"), *sock = at("run/vm1/qmp.sock"), *cpus = own_cpus(), *threads;
	pid_t me = getpid();

	(void)state;
	threads = xstrfmt("{\"tid\": %d, \"role\": \"emulator\", \"name\": \"qemu-system-x86\", \"cpus\": [%s]}, "
			  "{\"tid\": %d, \"role\": \"emulator\", \"name\": \"worker\", \"cpus\": [%s]}",
			  (int)me, cpus, (int)unit_no_such_pid(), cpus);
	make_vm_running(me, proc_start_time(me), cpus, threads);
	vm_status_read("vm1", &s);
	assert_int_equal(s.running, 1);
	assert_string_equal(s.state, "unresponsive");
	{
		char *want = xstrfmt("QMP: cannot connect to QMP socket '%s': No such file or directory", sock);

		assert_string_equal(s.reason, want);
		assert_int_equal(strncmp(s.reason, "QMP: ", 5), 0);
		free(want);
	}
	assert_int_equal(s.st.pid, me);
	assert_int_equal(s.drift, 0);
	assert_true(s.uptime_s >= 0);
	assert_true(s.uptime_s >= own_uptime() - 2 && s.uptime_s <= own_uptime() + 2);
	assert_int_equal(s.st.threads.nr, 1);	/* the helper thread that ended is gone */
	assert_int_equal(s.st.threads.t[0].tid, me);
	assert_string_equal(s.st.threads.t[0].comm, "test_vm_status");	/* live, not "qemu-system-x86" */
	expect_json(&s, "{\"name\":\"vm1\",\"state\":\"unresponsive\",\"pid\":%d,\"uptime_s\":%lld,"
		    "\"config\":\"/etc/mvlaunch/vms/vm1.toml\",\"qemu_version\":\"7.2.0\",\"drift\":false,\"config_changed\":null,\"log\":\"%s\","
		    "\"reason\":\"QMP: cannot connect to QMP socket '%s': No such file or directory\","
		    "\"cgroup\":null,\"threads\":[{\"tid\":%d,\"role\":\"emulator\",\"name\":\"test_vm_status\",\"cpus\":[%s],"
		    "\"planned\":[%s],\"drift\":false,\"policy\":\"other\",\"priority\":0}]}",
		    (int)me, s.uptime_s, log, sock, (int)me, cpus, cpus);
	vm_status_release(&s);

	/* a socket nobody listens on */
	{
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		char *want;

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
		assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
		close(fd);
		vm_status_read("vm1", &s);
		assert_string_equal(s.state, "unresponsive");
		want = xstrfmt("QMP: cannot connect to QMP socket '%s': Connection refused", sock);
		assert_string_equal(s.reason, want);
		free(want);
		vm_status_release(&s);
	}
	free(threads);
	free(cpus);
	free(log);
	free(sock);
}

static void *idle_thread(void *arg)
{
	char c;

	while (read(*(int *)arg, &c, 1) > 0)
		;
	return NULL;
}

/* Threads moved off their pins, and a helper started after 'up': drift, both ways of showing it. */
static void test_vm_status_drift(void **state)
{
	struct vm_status s;
	pthread_t th;
	int fds[2];
	pid_t me = getpid();
	char *cpus = own_cpus(), *first, *want;
	struct err err = ERR_INIT;
	struct cpuset own;

	(void)state;
	assert_non_null(strchr(cpus, ','));	/* two CPUs at least: one of them is not all of them */
	first = xstrndup(cpus, strcspn(cpus, ","));
	assert_int_equal(cpuset_parse(&own, cpus, &err.msg), 0);
	/* 'up' planned helper threads on our first CPU only; none is listed */
	make_vm_running(me, proc_start_time(me), first, "");
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(pthread_create(&th, NULL, idle_thread, &fds[0]), 0);
	vm_status_read("vm1", &s);
	assert_int_equal(s.running, 1);
	assert_int_equal(s.drift, 1);
	assert_int_equal(s.st.threads.nr, 2);	/* both found live, as emulator threads */
	for (size_t i = 0; i < 2; i++) {
		struct strbuf a = STRBUF_INIT, p = STRBUF_INIT;

		assert_int_equal(s.st.threads.t[i].role, ROLE_EMULATOR);
		assert_int_equal(s.st.threads.t[i].index, -1);
		cpuset_format(&s.st.threads.t[i].actual, &a);
		cpuset_format(&s.st.threads.t[i].planned, &p);
		assert_true(cpuset_equal(&s.st.threads.t[i].actual, &own));
		assert_string_equal(p.buf, first);
		strbuf_release(&a);
		strbuf_release(&p);
	}
	{
		char *text = dump(&s);

		assert_non_null(strstr(text, "\"drift\":true,\"config_changed\":null,\"log\":"));
		want = xstrfmt("\"cpus\":[%s],\"planned\":[%s],\"drift\":true,\"policy\":\"other\",\"priority\":0}", cpus, first);
		assert_non_null(strstr(text, want));
		free(want);
		free(text);
	}
	vm_status_release(&s);
	close(fds[1]);
	pthread_join(th, NULL);
	close(fds[0]);
	free(first);
	free(cpus);
	err_release(&err);
}

/* A one-connection QMP server in a child: greeting, capabilities, then 'reply' to query-status. */
static void serve_qmp(const char *reply)
{
	struct err err = ERR_INIT;
	char *sock = at("run/vm1/qmp.sock");
	int lfd = qmp_listen(sock, &err.msg);

	assert_true(lfd >= 0);
	server = fork();
	assert_true(server >= 0);
	if (server == 0) {
		int fd = accept(lfd, NULL, NULL);
		char buf[512];
		const char *out[] = { GREETING, CAPS_OK, reply };

		for (size_t i = 0; fd >= 0 && i < 3; i++)
			if (write(fd, out[i], strlen(out[i])) < 0)
				_exit(1);
		while (fd >= 0 && read(fd, buf, sizeof(buf)) > 0)
			;	/* until the client hangs up */
		_exit(0);
	}
	close(lfd);
	free(sock);
	err_release(&err);
}

static void end_server(void)
{
	int status;

	assert_int_equal(waitpid(server, &status, 0), server);
	server = -1;
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* QEMU answers over QMP: its status is the state, with no reason; unknown or failed ones say why. */
static void test_vm_status_qmp(void **state)
{
	struct vm_status s;
	char *cpus = own_cpus();
	pid_t me = getpid();

	(void)state;
	make_vm_running(me, proc_start_time(me), cpus, "");
	serve_qmp("{\"return\": {\"status\": \"paused\", \"running\": false}, \"id\": 2}\r\n");
	vm_status_read("vm1", &s);
	end_server();
	assert_string_equal(s.state, "paused");
	assert_null(s.reason);
	assert_int_equal(s.running, 1);
	{
		char *text = dump(&s);

		assert_non_null(strstr(text, "\"state\":\"paused\","));
		assert_non_null(strstr(text, "\"reason\":null,\"cgroup\":null,\"threads\":[{"));
		free(text);
	}
	vm_status_release(&s);

	serve_qmp("{\"return\": {\"status\": \"frobnicating\", \"running\": false}, \"id\": 2}\r\n");
	vm_status_read("vm1", &s);
	end_server();
	assert_string_equal(s.state, "unresponsive");
	assert_string_equal(s.reason, "QEMU reports status 'frobnicating', which this mvlaunch does not know");
	vm_status_release(&s);

	serve_qmp("{\"error\": {\"class\": \"GenericError\", \"desc\": \"busy\"}, \"id\": 2}\r\n");
	vm_status_read("vm1", &s);
	end_server();
	assert_string_equal(s.state, "unresponsive");
	assert_string_equal(s.reason, "QMP query-status: QMP 'query-status' failed: busy (GenericError)");
	vm_status_release(&s);
	free(cpus);
}

/*
 * A user who may read the runtime directory but not use QMP (a member of
 * the status group): the QEMU runs, "alive", no reason. Run as uid 65534 in
 * a child; the state comes back as "STATE|REASON|RUNNING".
 */
static void test_vm_status_alive(void **state)
{
	struct strbuf got = STRBUF_INIT;
	struct err err = ERR_INIT;
	char *cpus = own_cpus(), *sock = at("run/vm1/qmp.sock"), *path, buf[256];
	pid_t me = getpid(), pid;
	int fds[2], lfd, status;
	ssize_t n;

	(void)state;
	make_vm_running(me, proc_start_time(me), cpus, "");
	lfd = qmp_listen(sock, &err.msg);	/* 0600, root's */
	assert_true(lfd >= 0);
	assert_int_equal(chmod(tmp, 0755), 0);
	assert_int_equal(chmod((path = at("run")), 0755), 0);
	free(path);
	assert_int_equal(chmod((path = at("run/vm1")), 0755), 0);
	free(path);
	assert_int_equal(chmod((path = at("run/vm1/state.json")), 0644), 0);
	free(path);

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct vm_status s;
		char *line;

		close(fds[0]);
		if (setgid(NOBODY) < 0 || setuid(NOBODY) < 0)
			_exit(1);
		vm_status_read("vm1", &s);
		line = xstrfmt("%s|%s|%d", s.state, s.reason ? s.reason : "(null)", s.running);
		_exit(write(fds[1], line, strlen(line)) == (ssize_t)strlen(line) ? 0 : 2);
	}
	close(fds[1]);
	while ((n = read(fds[0], buf, sizeof(buf))) > 0)
		strbuf_add(&got, buf, (size_t)n);
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_string_equal(got.buf, "alive|(null)|1");
	close(lfd);
	free(cpus);
	free(sock);
	err_release(&err);
	strbuf_release(&got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_status_empty_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_status_starting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_status_corrupt, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_status_crashed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_status_running_no_qmp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_status_drift, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_status_qmp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_status_alive, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
