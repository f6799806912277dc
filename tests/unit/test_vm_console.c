/*
 * test_vm_console.c - unit tests for launcher/vm/vm_console.c under a
 * temporary $MVLAUNCH_RUNDIR: connecting (no VM: the exact error and hint;
 * a path too long for a unix socket; a listening serial.sock: a connected
 * fd; a second console of the VM (console.lock), a client QEMU's
 * query-chardev names, and a queue that another client keeps full: refused
 * at once) and the relay over a socketpair and pipes, with each way it ends: the
 * guest's output reaches 'out' and the typed bytes reach the guest, then
 * QUIET once input ended; the escape byte ends it and what came with it is
 * not sent; the VM closing the console; 'out' failing (EPIPE).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "tests/unit/unit.h"
#include "launcher/vm/vm_console.h"
#include "qmp/qmp.h"
#include "util/proc.h"
#include <sys/file.h>
#include "util/err.h"
#include "util/wrapper.h"

static char tmp[64];

static int setup(void **state)
{
	(void)state;
	signal(SIGPIPE, SIG_IGN);
	return unit_runtime_tmp(tmp, "mvl-console", 1);
}

static int teardown(void **state)
{
	(void)state;
	unit_runtime_tmp_remove(tmp, NULL);
	return 0;
}

static void test_vm_console_connect_none(void **state)
{
	struct strbuf want = STRBUF_INIT;
	struct err err = ERR_INIT;

	struct vm_console c;

	(void)state;
	assert_int_equal(vm_console_connect("vm1", &c, &err), -1);
	assert_int_equal(c.fd, -1);
	assert_int_equal(c.lock, -1);
	strbuf_addf(&want, "cannot connect to the serial console '%s/run/vm1/serial.sock': No such file or directory\n"
		    "hint: is 'vm1' running? see 'mvlaunch status vm1'", tmp);
	assert_string_equal(err_text(&err), want.buf);
	assert_string_equal(err.hint.buf, "is 'vm1' running? see 'mvlaunch status vm1'");
	err_release(&err);
	strbuf_release(&want);
}

static void test_vm_console_connect_long(void **state)
{
	struct strbuf name = STRBUF_INIT;
	struct err err = ERR_INIT;
	struct vm_console c;

	(void)state;
	for (int i = 0; i < 100; i++)
		strbuf_addch(&name, 'v');
	assert_int_equal(vm_console_connect(name.buf, &c, &err), -1);
	assert_non_null(strstr(err.msg.buf, "is too long"));
	assert_true(!strncmp(err.msg.buf, "serial socket path '", 20));
	err_release(&err);
	strbuf_release(&name);
}

/* A listener at RUN/vm1/serial.sock with QEMU's queue (listen(fd, 1)), and console.lock as 'up' makes it. */
static int serial_listener(const char *dir, const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *lock = xstrfmt("%s/console.lock", dir);
	int lfd, fd;

	mkdir(dir, 0700);
	fd = open(lock, O_RDONLY | O_CREAT, 0600);
	assert_true(fd >= 0);
	close(fd);
	free(lock);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	return lfd;
}

static void test_vm_console_connect_ok(void **state)
{
	struct err err = ERR_INIT;
	char *dir = xstrfmt("%s/run/vm1", tmp), *path = xstrfmt("%s/serial.sock", dir);
	char *lock = xstrfmt("%s/console.lock", dir);
	struct vm_console c;
	int lfd, afd;

	(void)state;
	lfd = serial_listener(dir, path);
	/* no console.lock (a VM an older mvlaunch started): connected all the same */
	assert_int_equal(unlink(lock), 0);
	free(lock);
	assert_int_equal(vm_console_connect("vm1", &c, &err), 0);
	assert_true(c.fd >= 0);
	assert_int_equal(c.lock, -1);
	assert_string_equal(err.msg.buf, "");
	assert_true(fcntl(c.fd, F_GETFD) & FD_CLOEXEC);
	assert_false(fcntl(c.fd, F_GETFL) & O_NONBLOCK);
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	assert_int_equal(write(afd, "x", 1), 1);
	{
		char ch = 0;

		assert_int_equal(read(c.fd, &ch, 1), 1);
		assert_int_equal(ch, 'x');
	}
	close(afd);
	vm_console_close(&c);
	assert_int_equal(c.fd, -1);
	close(lfd);
	free(dir);
	free(path);
	err_release(&err);
}

/*
 * QEMU takes one client on the serial socket and leaves the next ones in
 * its queue (backlog 1: two wait before a connect is refused): a second
 * console of the same VM is refused at once (console.lock is held), and
 * with the queue full (another client holds the console, nobody accepts)
 * the connect fails instead of waiting for good.
 */
static void test_vm_console_connect_busy(void **state)
{
	struct strbuf want = STRBUF_INIT;
	struct err err = ERR_INIT;
	char *dir = xstrfmt("%s/run/vm1", tmp), *path = xstrfmt("%s/serial.sock", dir);
	struct vm_console c, c2;
	int lfd, afd, other[64], nr = 0;

	(void)state;
	lfd = serial_listener(dir, path);
	assert_int_equal(vm_console_connect("vm1", &c, &err), 0);
	assert_true(c.lock >= 0);
	afd = accept(lfd, NULL, NULL);	/* QEMU took it */
	assert_true(afd >= 0);
	/* the queue has room: only the lock tells the second console */
	assert_int_equal(vm_console_connect("vm1", &c2, &err), -1);
	assert_int_equal(c2.fd, -1);
	assert_string_equal(err_text(&err), "the serial console of 'vm1' is in use: another 'mvlaunch console vm1' "
			    "is attached\nhint: leave that one with Ctrl-] (or end it), then try again");
	err_release(&err);
	close(afd);
	vm_console_close(&c);
	/* the first one gone, another client fills the queue */
	nr = unit_fill_queue(path, other, 64);
	assert_true(nr > 0 && nr < 64);
	alarm(5);	/* a connect that blocks fails the test */
	assert_int_equal(vm_console_connect("vm1", &c, &err), -1);
	alarm(0);
	strbuf_addf(&want, "the serial console '%s' is in use: another client holds it, and its queue is full\n"
		    "hint: end the other client (socat, minicom), then try again", path);
	assert_string_equal(err_text(&err), want.buf);
	err_release(&err);
	/* the queue has room again: a console connects (the failed one let the lock go) */
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	close(afd);
	assert_int_equal(vm_console_connect("vm1", &c, &err), 0);
	assert_false(fcntl(c.fd, F_GETFL) & O_NONBLOCK);
	vm_console_close(&c);
	while (nr > 0)
		close(other[--nr]);
	close(lfd);
	free(dir);
	free(path);
	strbuf_release(&want);
	err_release(&err);
}

#define CAPS_OK "{\"return\": {}, \"id\": 1}\r\n"

/* A line from fd (up to '\n'), or NULL at its end. */
static char *read_line(int fd)
{
	struct strbuf sb = STRBUF_INIT;
	char ch;

	while (read(fd, &ch, 1) == 1 && ch != '\n')
		strbuf_addch(&sb, ch);
	if (!sb.len) {
		strbuf_release(&sb);
		return NULL;
	}
	return strbuf_detach(&sb);
}

/*
 * A stand-in QEMU's QMP at RUN/vm1/qmp.sock whose query-chardev says the
 * serial port (at 'path') has a client 'busy' times, then that it has none.
 */
static pid_t fake_qmp(const char *dir, const char *path, int busy)
{
	struct strbuf err = STRBUF_INIT;
	char *sock = xstrfmt("%s/qmp.sock", dir);
	int srv = qmp_listen(sock, &err);
	pid_t pid;

	assert_true(srv >= 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int c = accept(srv, NULL, NULL);
		char *caps, *query;
		struct strbuf out = STRBUF_INIT, filename = STRBUF_INIT;

		strbuf_addstr(&out, "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}}, "
			      "\"capabilities\": []}}\r\n");
		if (c < 0 || write(c, out.buf, out.len) < 0)
			_exit(1);
		caps = read_line(c);
		if (!caps || !strstr(caps, "qmp_capabilities") || write(c, CAPS_OK, strlen(CAPS_OK)) < 0)
			_exit(2);
		/* every query-chardev until the client leaves (it asks again while the port looks taken) */
		while ((query = read_line(c))) {
			const char *id = strstr(query, "\"id\":");

			if (!strstr(query, "query-chardev") || !id)
				_exit(2);
			strbuf_reset(&out);
			strbuf_addf(&filename, "%sunix:%s,server=on", busy-- > 0 ? "" : "disconnected:", path);
			strbuf_addf(&out, "{\"return\": [{\"frontend-open\": true, \"filename\": \"pipe\", \"label\": "
				    "\"events\"}, {\"frontend-open\": true, \"filename\": \"%s\", \"label\": \"serial0\"}], "
				    "\"id\": %d}\r\n", filename.buf, atoi(id + 5));
			if (write(c, out.buf, out.len) < 0)
				_exit(3);
			strbuf_reset(&filename);
			free(query);
		}
		_exit(0);
	}
	close(srv);
	free(sock);
	strbuf_release(&err);
	return pid;
}

/* Whether nobody holds RUN/vm1/console.lock (a console that failed let it go). */
static int lock_free(const char *dir)
{
	char *path = xstrfmt("%s/console.lock", dir);
	int fd = open(path, O_RDONLY), ok = fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0;

	if (fd >= 0)
		close(fd);
	free(path);
	return ok;
}

static void reap(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * A client that is not an mvlaunch console (socat) has the port: QEMU's
 * query-chardev says so (its filename without "disconnected:") for all of
 * the check's time, and the console is refused instead of waiting unheard
 * in the queue, also for a VM an older mvlaunch started (no console.lock).
 * A client that leaves within that time (the console before this one,
 * which QEMU has not seen go yet) does not refuse it.
 */
static void test_vm_console_connect_other_client(void **state)
{
	struct strbuf want = STRBUF_INIT;
	struct err err = ERR_INIT;
	char *dir = xstrfmt("%s/run/vm1", tmp), *path = xstrfmt("%s/serial.sock", dir);
	char *lock = xstrfmt("%s/console.lock", dir);
	struct vm_console c;
	int lfd;
	pid_t qemu;

	(void)state;
	lfd = serial_listener(dir, path);
	strbuf_addf(&want, "the serial console of 'vm1' is in use: another client is connected to '%s'\n"
		    "hint: QEMU serves one client at a time: end the other one (socat, minicom), then try again", path);
	qemu = fake_qmp(dir, path, 1000);
	assert_int_equal(vm_console_connect("vm1", &c, &err), -1);
	assert_string_equal(err_text(&err), want.buf);
	err_release(&err);
	assert_true(lock_free(dir));
	reap(qemu);

	assert_int_equal(unlink(lock), 0);	/* started by an mvlaunch that made none */
	qemu = fake_qmp(dir, path, 1000);
	assert_int_equal(vm_console_connect("vm1", &c, &err), -1);
	assert_string_equal(err_text(&err), want.buf);
	err_release(&err);
	reap(qemu);

	qemu = fake_qmp(dir, path, 3);
	assert_int_equal(vm_console_connect("vm1", &c, &err), 0);
	assert_string_equal(err.msg.buf, "");
	reap(qemu);
	vm_console_close(&c);
	close(lfd);
	free(lock);
	free(dir);
	free(path);
	strbuf_release(&want);
	err_release(&err);
}

/*
 * The question is not asked while another command is at work on the VM
 * (its directory locked: a 'down' waiting for the guest holds QMP), and a
 * QMP that does not answer is waited for no longer than the check's time:
 * the console attaches either way.
 */
static void test_vm_console_connect_no_answer(void **state)
{
	struct err err = ERR_INIT;
	char *dir = xstrfmt("%s/run/vm1", tmp), *path = xstrfmt("%s/serial.sock", dir);
	char *qsock = xstrfmt("%s/qmp.sock", dir);
	struct strbuf ignore = STRBUF_INIT;
	struct vm_console c;
	int lfd, dfd, qfd, status;
	long long t0;
	pid_t qemu;

	(void)state;
	lfd = serial_listener(dir, path);
	/* another command holds the VM: a QMP that would say "taken" is not asked */
	qemu = fake_qmp(dir, path, 1000);
	dfd = open(dir, O_RDONLY | O_DIRECTORY);
	assert_int_equal(flock(dfd, LOCK_EX), 0);
	assert_int_equal(vm_console_connect("vm1", &c, &err), 0);
	vm_console_close(&c);
	close(dfd);
	kill(qemu, SIGKILL);	/* it waits for a client that never came */
	assert_int_equal(waitpid(qemu, &status, 0), qemu);
	assert_true(WIFSIGNALED(status));
	{
		int a = accept(lfd, NULL, NULL);	/* the console's connection */

		assert_true(a >= 0);
		close(a);
	}
	/* a QMP that never greets: given up on after the check's time */
	qfd = qmp_listen(qsock, &ignore);
	assert_true(qfd >= 0);
	t0 = proc_mono_ms();
	alarm(10);
	assert_int_equal(vm_console_connect("vm1", &c, &err), 0);
	alarm(0);
	assert_true(proc_mono_ms() - t0 < 4000);
	assert_string_equal(err.msg.buf, "");
	vm_console_close(&c);
	close(qfd);
	close(lfd);
	free(qsock);
	free(dir);
	free(path);
	strbuf_release(&ignore);
	err_release(&err);
}

/* Everything readable on fd within 200 ms, as a string. */
static char *drain(int fd)
{
	struct strbuf sb = STRBUF_INIT;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[256];
	ssize_t n;

	while (poll(&p, 1, 200) > 0 && (n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(&sb, buf, (size_t)n);
	return strbuf_detach(&sb);
}

static void test_vm_console_relay_both_ways(void **state)
{
	int sp[2], in[2], out[2];
	struct vm_console_opts o;
	char *s;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	o = (struct vm_console_opts){ .in = in[0], .out = out[1], .escape = 0x1d, .quiet_ms = 100 };
	assert_int_equal(write(sp[1], "login: ", 7), 7);	/* the guest speaks */
	assert_int_equal(write(in[1], "root\n", 5), 5);	/* the user types, then input ends */
	close(in[1]);
	assert_int_equal(vm_console_relay(sp[0], &o), VM_CONSOLE_QUIET);
	s = drain(out[0]);
	assert_string_equal(s, "login: ");
	free(s);
	s = drain(sp[1]);
	assert_string_equal(s, "root\n");
	free(s);
	close(sp[0]);
	close(sp[1]);
	close(in[0]);
	close(out[0]);
	close(out[1]);
}

static void test_vm_console_relay_escape(void **state)
{
	int sp[2], in[2], out[2];
	struct vm_console_opts o;
	char *s;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	o = (struct vm_console_opts){ .in = in[0], .out = out[1], .escape = 0x1d, .quiet_ms = -1 };
	assert_int_equal(write(in[1], "ab\x1d" "cd", 5), 5);
	assert_int_equal(vm_console_relay(sp[0], &o), VM_CONSOLE_ESCAPE);
	s = drain(sp[1]);
	assert_string_equal(s, "");	/* nothing of the read with the escape byte reached the guest */
	free(s);

	/* without an escape byte the same bytes go through, and the VM closing ends it */
	o.escape = -1;
	assert_int_equal(write(in[1], "ab\x1d" "cd", 5), 5);
	assert_int_equal(write(sp[1], "bye", 3), 3);
	shutdown(sp[1], SHUT_WR);
	assert_int_equal(vm_console_relay(sp[0], &o), VM_CONSOLE_CLOSED);
	s = drain(out[0]);
	assert_string_equal(s, "bye");
	free(s);
	close(sp[0]);
	close(sp[1]);
	close(in[0]);
	close(in[1]);
	close(out[0]);
	close(out[1]);
}

static void test_vm_console_relay_broken(void **state)
{
	int sp[2], in[2], out[2];
	struct vm_console_opts o;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sp), 0);
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	close(out[0]);	/* nobody reads the output: EPIPE */
	o = (struct vm_console_opts){ .in = in[0], .out = out[1], .escape = -1, .quiet_ms = -1 };
	assert_int_equal(write(sp[1], "x", 1), 1);
	assert_int_equal(vm_console_relay(sp[0], &o), VM_CONSOLE_BROKEN);
	close(sp[0]);
	close(sp[1]);
	close(in[0]);
	close(in[1]);
	close(out[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vm_console_connect_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_console_connect_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_console_connect_ok, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_console_connect_busy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_console_connect_other_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_console_connect_no_answer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_console_relay_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_console_relay_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_console_relay_broken, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_vm_console", tests, NULL, NULL);
}
