/*
 * vm_console.c - connect to and relay a VM's serial console (see vm_console.h).
 *
 * QEMU serves the serial port on RUN/NAME/serial.sock (a chardev socket,
 * server, nowait; serial.log keeps what the guest wrote meanwhile). It
 * takes one client and leaves the next in its listen queue, where a client
 * connects without error and then hears nothing: so before connecting, the
 * console takes RUN/NAME/console.lock ('up' makes it; another console holds
 * it) and asks QEMU whether the port already has a client (QMP query-chardev:
 * its filename starts with "disconnected:" while it has none), also of a VM
 * an older mvlaunch started, which has no console.lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "launcher/vm/vm_console.h"
#include "launcher/vm/runtime.h"
#include "qmp/qmp.h"
#include "util/proc.h"
#include "util/wrapper.h"
#include "util/banned.h"

/*
 * All the check of the port's client may take: QMP's connect and answers
 * (another client may hold QMP, QEMU may be slow), then the questions again
 * while a client that just left (the console before this one) is still seen
 * by QEMU. After it the console connects anyway.
 */
#define PEER_CHECK_MS 2000

/* QEMU's word on serial0, within what is left of the deadline: 1 it has a client, 0 none, -1 no answer. */
static int query_serial(struct qmp *q, long long deadline)
{
	struct strbuf ignore = STRBUF_INIT;
	json_t *ret = NULL, *c;
	long long left = deadline - proc_mono_ms();
	int taken = -1;
	size_t i;

	if (left <= 0)
		return -1;
	qmp_set_timeout(q, (int)left);
	if (qmp_execute(q, "query-chardev", NULL, &ret, &ignore) == 0) {
		json_array_foreach(ret, i, c) {
			const char *label = json_string_value(json_object_get(c, "label"));
			const char *file = json_string_value(json_object_get(c, "filename"));

			if (label && file && !strcmp(label, "serial0"))
				taken = strncmp(file, "disconnected:", 13) != 0;
		}
	}
	json_decref(ret);
	strbuf_release(&ignore);
	return taken;
}

/*
 * Whether QEMU says the serial port has a client, and keeps saying so till
 * PEER_CHECK_MS is over (a console that just ended is not one). Asked only
 * when nobody is at work on the VM (its directory lock, taken shared until
 * the first answer) and answered in time; anything else is "don't know": 0.
 */
static int serial_has_client(const char *name)
{
	char *dir = runtime_vm_path(name, NULL), *sock = runtime_vm_path(name, "qmp.sock");
	long long deadline = proc_mono_ms() + PEER_CHECK_MS;
	struct strbuf ignore = STRBUF_INIT;
	struct qmp *q = NULL;
	int fd, taken = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_SH | LOCK_NB) < 0)
		goto out;
	/* the greeting and the negotiation are read by the first question, bounded by the deadline */
	if (qmp_connect_nowait(&q, sock, PEER_CHECK_MS, NULL, NULL, &ignore) < 0)
		goto out;
	taken = query_serial(q, deadline);
	close(fd);	/* answered: a command that wants the VM waits no longer for the questions again */
	fd = -1;
	while (taken == 1 && proc_mono_ms() + 50 < deadline) {
		struct timespec ts = { 0, 50000000 };

		nanosleep(&ts, NULL);
		taken = query_serial(q, deadline);
	}
	taken = taken == 1;
out:
	qmp_close(q);
	if (fd >= 0)
		close(fd);
	strbuf_release(&ignore);
	free(dir);
	free(sock);
	return taken;
}

/* RUN/NAME/console.lock taken (c->lock), or none when the VM's 'up' made none; -1 with err when another holds it. */
static int lock_console(const char *name, struct vm_console *c, struct err *err)
{
	char *path = runtime_vm_path(name, "console.lock");
	int ret = -1;

	c->lock = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (c->lock < 0) {
		/* not running (the connect says so), or started by an mvlaunch that made no lock */
		ret = errno == ENOENT ? 0 : -1;
		if (ret < 0) {
			strbuf_addf(&err->msg, "cannot open '%s': %s", path, strerror(errno));
			err_hintf(err, "the console needs the rights of the VM's runtime directory (root)");
		}
	} else if (flock(c->lock, LOCK_EX | LOCK_NB) == 0) {
		ret = 0;
	} else if (errno == EWOULDBLOCK) {
		strbuf_addf(&err->msg, "the serial console of '%s' is in use: another 'mvlaunch console %s' is attached",
			    name, name);
		err_hintf(err, "leave that one with Ctrl-] (or end it), then try again");
	} else {
		strbuf_addf(&err->msg, "cannot lock '%s': %s", path, strerror(errno));
	}
	free(path);
	return ret;
}

void vm_console_close(struct vm_console *c)
{
	if (c->fd >= 0)
		close(c->fd);
	if (c->lock >= 0)
		close(c->lock);
	c->fd = c->lock = -1;
}

int vm_console_connect(const char *name, struct vm_console *c, struct err *err)
{
	char *path = runtime_vm_path(name, "serial.sock");

	*c = (struct vm_console)VM_CONSOLE_INIT;
	if (lock_console(name, c, err) < 0)
		goto fail;
	if (serial_has_client(name)) {
		strbuf_addf(&err->msg, "the serial console of '%s' is in use: another client is connected to '%s'",
			    name, path);
		err_hintf(err, "QEMU serves one client at a time: end the other one (socat, minicom), then try again");
		goto fail;
	}
	/* one try: with QEMU's queue full a plain connect would wait for good */
	c->fd = unix_connect(path, 0);
	if (c->fd < 0 && errno == ENAMETOOLONG) {
		strbuf_addf(&err->msg, "serial socket path '%s' is too long", path);
		goto fail;
	}
	if (c->fd < 0 && errno == EAGAIN) {
		strbuf_addf(&err->msg, "the serial console '%s' is in use: another client holds it, and its queue is full",
			    path);
		err_hintf(err, "end the other client (socat, minicom), then try again");
		goto fail;
	}
	if (c->fd < 0) {
		strbuf_addf(&err->msg, "cannot connect to the serial console '%s': %s", path, strerror(errno));
		err_hintf(err, "is '%s' running? see 'mvlaunch status %s'", name, name);
		goto fail;
	}
	free(path);
	return 0;
fail:
	vm_console_close(c);
	free(path);
	return -1;
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
