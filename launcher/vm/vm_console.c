/*
 * vm_console.c - connect to and relay a VM's serial console (see vm_console.h).
 *
 * QEMU serves the serial port on RUN/NAME/serial.sock (a chardev socket,
 * server, nowait; serial.log keeps what the guest wrote meanwhile).
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "launcher/vm/vm_console.h"
#include "launcher/vm/runtime.h"
#include "util/wrapper.h"
#include "util/banned.h"

/*
 * The console's own address, bound before it connects: an abstract unix
 * name made of the VM directory's device and inode, so a second 'console'
 * of the same VM (in this network namespace) finds it taken. It goes with
 * the socket: no file to remove, none left by a console that was killed.
 * 0, or -1 with errno (EADDRINUSE: another console is attached; ENOENT: no
 * such VM directory).
 */
static int bind_console_name(int fd, const char *dir)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int len;

	if (stat(dir, &st) < 0)
		return -1;
	len = snprintf(sa.sun_path + 1, sizeof(sa.sun_path) - 1, "mvlaunch-console-%llx-%llx",
		       (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
	return bind(fd, (struct sockaddr *)&sa, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len));
}

int vm_console_connect(const char *name, struct err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *dir = runtime_vm_path(name, NULL), *path = runtime_vm_path(name, "serial.sock");
	int fd = -1, r;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		strbuf_addf(&err->msg, "serial socket path '%s' is too long", path);
		goto out;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	/* non-blocking: QEMU takes one client; with its queue full a connect would wait for good */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		strbuf_addf(&err->msg, "cannot create a unix socket: %s", strerror(errno));
		goto out;
	}
	r = bind_console_name(fd, dir);
	while (!r && (r = connect(fd, (struct sockaddr *)&sa, sizeof(sa))) < 0 && errno == EINTR)
		r = 0;
	if (r < 0 && errno == EADDRINUSE) {
		strbuf_addf(&err->msg, "the serial console of '%s' is in use: another 'mvlaunch console %s' is attached",
			    name, name);
		err_hintf(err, "leave that one with Ctrl-] (or end it), then try again");
		goto fail;
	}
	if (r < 0 && errno == EAGAIN) {
		strbuf_addf(&err->msg, "the serial console '%s' is in use: another client holds it, and its queue is full",
			    path);
		err_hintf(err, "end the other client (socat, minicom), then try again");
		goto fail;
	}
	if (r < 0) {
		strbuf_addf(&err->msg, "cannot connect to the serial console '%s': %s", path, strerror(errno));
		err_hintf(err, "is '%s' running? see 'mvlaunch status %s'", name, name);
		goto fail;
	}
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		strbuf_addf(&err->msg, "cannot set the console's socket blocking: %s", strerror(errno));
		goto fail;
	}
	goto out;
fail:
	close(fd);
	fd = -1;
out:
	free(dir);
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
