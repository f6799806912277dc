/*
 * cmd_console.c - 'mvlaunch console': the terminal on a VM's serial port.
 *
 * Connects to serial.sock in the VM's runtime directory and copies bytes
 * both ways. On a terminal it switches to raw mode (restored on exit) and
 * Ctrl-] leaves; with a pipe on stdin it sends the input, then keeps
 * printing until --wait seconds pass without output.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/runtime.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define CTRL_RIGHT_BRACKET 0x1d

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

int cmd_console(int argc, char **argv, const struct mvl_opts *opts)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct termios saved, raw;
	int tty, fd = -1, stdin_open = 1, wait_ms = 2000, ret = MVL_EXIT_FAILURE;
	const struct opt options[] = {
		OPT_SECONDS(0, "wait", &wait_ms, "with input from a pipe: how long to wait for the guest's\n"
			    "output once the input ends (default 2)"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "console", .operands = "<name>", .min = 1, .max = 1, .opts = options,
		.text = "Attach the terminal to VM <name>'s serial console; Ctrl-] leaves.\n"
			"Input from a pipe is sent as it is; the command then ends after --wait\n"
			"seconds (default 2) without output from the guest.",
	};
	char *path = NULL;

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	{
		struct strbuf err = STRBUF_INIT;
		int known = vm_name_arg(argv[0], &opts->dirs, &err);

		if (known > 0 && runtime_root_access(&err) < 0) {
			error_lines(err.buf);
			strbuf_release(&err);
			return MVL_EXIT_FAILURE;
		}
		if (known <= 0) {
			error_lines(err.buf);
			strbuf_release(&err);
			return known < 0 ? MVL_EXIT_USAGE : MVL_EXIT_FAILURE;
		}
		strbuf_release(&err);
	}
	path = runtime_vm_path(argv[0], "serial.sock");
	if (strlen(path) >= sizeof(sa.sun_path)) {
		error("serial socket path '%s' is too long", path);
		goto out;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		error("cannot connect to the serial console '%s': %s", path, strerror(errno));
		hint("is '%s' running? see 'mvlaunch status %s'", argv[0], argv[0]);
		goto out;
	}
	tty = isatty(0);
	if (tty) {
		tcgetattr(0, &saved);
		raw = saved;
		cfmakeraw(&raw);
		tcsetattr(0, TCSANOW, &raw);
		fprintf(stderr, "connected to '%s' (Ctrl-] leaves)\r\n", argv[0]);
	}
	for (;;) {
		struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN }, { .fd = 0, .events = POLLIN } };
		char buf[4096];
		ssize_t n;
		int r = poll(pfd, stdin_open ? 2 : 1, tty || stdin_open ? -1 : wait_ms);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;	/* quiet for --wait after the piped input ended */
		if (pfd[0].revents & (POLLIN | POLLHUP)) {
			n = read(fd, buf, sizeof(buf));
			if (n <= 0) {
				fprintf(stderr, "%sconsole closed (the VM stopped?)%s", tty ? "\r\n" : "", tty ? "\r\n" : "\n");
				break;
			}
			if (write_all(1, buf, (size_t)n) < 0)
				break;
		}
		if (stdin_open && (pfd[1].revents & (POLLIN | POLLHUP))) {
			n = read(0, buf, sizeof(buf));
			if (n <= 0) {
				stdin_open = 0;
				continue;
			}
			if (tty && memchr(buf, CTRL_RIGHT_BRACKET, (size_t)n)) {
				ret = MVL_EXIT_OK;
				goto restore;
			}
			if (write_all(fd, buf, (size_t)n) < 0)
				break;
		}
	}
	ret = MVL_EXIT_OK;
restore:
	if (tty) {
		tcsetattr(0, TCSANOW, &saved);
		fputs("\n", stderr);
	}
out:
	if (fd >= 0)
		close(fd);
	free(path);
	return ret;
}
