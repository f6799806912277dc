/*
 * test_notify.c - unit tests for launcher/vm/notify.c: without
 * $NOTIFY_SOCKET nothing is loaded or sent; with it (a datagram socket this
 * test binds, as a service manager does) the formatted text arrives there
 * exactly, through the dlopen'ed libsystemd.
 */
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "tests/unit/unit.h"
#include "launcher/vm/notify.h"

static void test_notify_none(void **state)
{
	(void)state;
	unsetenv("NOTIFY_SOCKET");
	assert_int_equal(notify_service("READY=1"), 0);
}

static void test_notify_sent(void **state)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char dir[] = "/tmp/mvl-notify-XXXXXX", buf[256];
	struct pollfd p;
	ssize_t n;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/notify", dir);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	setenv("NOTIFY_SOCKET", sa.sun_path, 1);
	assert_int_equal(notify_service("READY=1\nSTATUS=running, QEMU pid %d, %u vCPUs pinned", 42, 4u), 0);
	p = (struct pollfd){ .fd = fd, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 2000), 1);
	n = recv(fd, buf, sizeof(buf) - 1, 0);
	assert_true(n > 0);
	buf[n] = '\0';
	assert_string_equal(buf, "READY=1\nSTATUS=running, QEMU pid 42, 4 vCPUs pinned");
	unsetenv("NOTIFY_SOCKET");
	close(fd);
	unlink(sa.sun_path);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notify_none),
		cmocka_unit_test(test_notify_sent),
	};

	return cmocka_run_group_tests_name("test_notify", tests, NULL, NULL);
}
