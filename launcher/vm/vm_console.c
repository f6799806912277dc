/*
 * vm_console.c - connect to and relay a VM's serial console (see vm_console.h).
 *
 * QEMU serves the serial port on RUN/NAME/serial.sock (a chardev socket,
 * server, nowait; serial.log keeps what the guest wrote meanwhile).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "launcher/vm/vm_console.h"
#include "launcher/vm/runtime.h"
#include "util/wrapper.h"
#include "util/banned.h"

int vm_console_connect(const char *name, struct err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *path = runtime_vm_path(name, "serial.sock");
	int fd = -1;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		strbuf_addf(&err->msg, "serial socket path '%s' is too long", path);
		goto out;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		strbuf_addf(&err->msg, "cannot connect to the serial console '%s': %s", path, strerror(errno));
		err_hintf(err, "is '%s' running? see 'mvlaunch status %s'", name, name);
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
out:
	free(path);
	return fd;
}

enum vm_console_end vm_console_relay(int fd, const struct vm_console_opts *o)
{
	int in_open = 1;

	for (;;) {
		struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN }, { .fd = o->in, .events = POLLIN } };
		char buf[4096];
		ssize_t n;
		int r = poll(pfd, in_open ? 2 : 1, in_open ? -1 : o->quiet_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return VM_CONSOLE_BROKEN;
		if (r == 0)
			return VM_CONSOLE_QUIET;
		if (pfd[0].revents & (POLLIN | POLLHUP)) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0)
				return VM_CONSOLE_CLOSED;
			if (write_in_full(o->out, buf, (size_t)n) < 0)
				return VM_CONSOLE_BROKEN;
		}
		if (in_open && (pfd[1].revents & (POLLIN | POLLHUP))) {
			n = read(o->in, buf, sizeof(buf));
			if (n <= 0) {
				in_open = 0;
				continue;
			}
			if (o->escape >= 0 && memchr(buf, o->escape, (size_t)n))
				return VM_CONSOLE_ESCAPE;
			if (write_in_full(fd, buf, (size_t)n) < 0)
				return VM_CONSOLE_BROKEN;
		}
	}
}
