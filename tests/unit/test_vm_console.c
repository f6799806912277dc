/*
 * test_vm_console.c - unit tests for launcher/vm/vm_console.c under a
 * temporary $MVLAUNCH_RUNDIR: connecting (no VM: the exact error and hint;
 * a path too long for a unix socket; a listening serial.sock: a connected
 * fd) and the relay over a socketpair and pipes, with each way it ends: the
 * guest's output reaches 'out' and the typed bytes reach the guest, then
 * QUIET once input ended; the escape byte ends it and what came with it is
 * not sent; the VM closing the console; 'out' failing (EPIPE).
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "tests/unit/unit.h"
#include "launcher/vm/vm_console.h"
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

	(void)state;
	assert_int_equal(vm_console_connect("vm1", &err), -1);
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

	(void)state;
	for (int i = 0; i < 100; i++)
		strbuf_addch(&name, 'v');
	assert_int_equal(vm_console_connect(name.buf, &err), -1);
	assert_non_null(strstr(err.msg.buf, "is too long"));
	assert_true(!strncmp(err.msg.buf, "serial socket path '", 20));
	err_release(&err);
	strbuf_release(&name);
}

static void test_vm_console_connect_ok(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct err err = ERR_INIT;
	char *dir = xstrfmt("%s/run/vm1", tmp), *path = xstrfmt("%s/serial.sock", dir);
	int lfd, fd, afd;

	(void)state;
	mkdir(dir, 0700);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	fd = vm_console_connect("vm1", &err);
	assert_true(fd >= 0);
	assert_string_equal(err.msg.buf, "");
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	afd = accept(lfd, NULL, NULL);
	assert_true(afd >= 0);
	assert_int_equal(write(afd, "x", 1), 1);
	{
		char c = 0;

		assert_int_equal(read(fd, &c, 1), 1);
		assert_int_equal(c, 'x');
	}
	close(afd);
	close(fd);
	close(lfd);
	free(dir);
	free(path);
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
		cmocka_unit_test_setup_teardown(test_vm_console_relay_both_ways, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_console_relay_escape, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vm_console_relay_broken, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_vm_console", tests, NULL, NULL);
}
