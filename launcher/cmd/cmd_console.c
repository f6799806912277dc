/*
 * cmd_console.c - 'mvlaunch console': the terminal on a VM's serial port.
 *
 * Connects to serial.sock in the VM's runtime directory and copies bytes
 * both ways (launcher/vm/vm_console.c). On a terminal it switches to raw mode (restored on exit,
 * and by a SIGTERM, SIGHUP, SIGINT or SIGQUIT that ends it) and
 * Ctrl-] leaves; with a pipe on stdin it sends the input, then keeps
 * printing until --wait seconds pass without output.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_console.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define CTRL_RIGHT_BRACKET 0x1d

/* the terminal as it was, while it is raw: a signal that ends the command puts it back */
static struct termios saved_tty;
static volatile sig_atomic_t tty_raw;

/*
 * SIGTERM, SIGHUP, SIGINT or SIGQUIT (the last two from elsewhere: raw mode
 * sends Ctrl-C to the guest): the terminal back as it was, then the signal
 * does what it would have (SA_RESETHAND: it ends the command on return).
 */
static void restore_tty(int sig)
{
	int e = errno;

	if (tty_raw)
		tcsetattr(0, TCSANOW, &saved_tty);
	raise(sig);	/* pending till the handler returns, then with the default action */
	errno = e;
}

static void catch_signals(void)
{
	static const int sigs[] = { SIGTERM, SIGHUP, SIGINT, SIGQUIT };
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = restore_tty;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction old;

		/* one ignored where the command started (nohup) stays ignored */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
			sigaction(sigs[i], &sa, NULL);
	}
}

int cmd_console(int argc, char **argv, const struct mvl_opts *opts)
{
	struct termios raw;
	struct vm_console con = VM_CONSOLE_INIT;
	int tty, wait_ms = 2000, ret = MVL_EXIT_FAILURE;
	const struct opt options[] = {
		OPT_SECONDS(0, "wait", &wait_ms, "with input from a pipe: how long to wait for the guest's\n"
			    "output once the input ends (default 2)"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "console", .operands = "<name>", .min = 1, .max = 1, .opts = options,
		.text = "Attach the terminal to VM <name>'s serial console; Ctrl-] leaves.\n"
			"Input from a pipe is sent as it is; the command then ends after --wait\n"
			"seconds (default 2) without output from the guest. One console at a\n"
			"time: a second one, or one while another client (socat) has the port,\n"
			"is refused instead of left waiting unheard.",
	};

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	{
		struct err err = ERR_INIT;
		int known = paths_vm_name_arg(argv[0], &opts->dirs, &err);

		if (known > 0 && runtime_root_access(&err) < 0) {
			err_print(&err);
			err_release(&err);
			return MVL_EXIT_FAILURE;
		}
		if (known <= 0) {
			err_print(&err);
			err_release(&err);
			return known < 0 ? MVL_EXIT_USAGE : MVL_EXIT_FAILURE;
		}
		err_release(&err);
	}
	{
		struct err err = ERR_INIT;

		if (vm_console_connect(argv[0], &con, &err) < 0) {
			err_print(&err);
			err_release(&err);
			goto out;
		}
		err_release(&err);
	}
	tty = isatty(0);
	if (tty) {
		tcgetattr(0, &saved_tty);
		raw = saved_tty;
		cfmakeraw(&raw);
		catch_signals();
		tty_raw = 1;
		tcsetattr(0, TCSANOW, &raw);
		fprintf(stderr, "connected to '%s' (Ctrl-] leaves)\r\n", argv[0]);
	}
	{
		struct vm_console_opts co = { .in = 0, .out = 1, .escape = tty ? CTRL_RIGHT_BRACKET : -1,
					      .quiet_ms = tty ? -1 : wait_ms };

		switch (vm_console_relay(con.fd, &co)) {
		case VM_CONSOLE_CLOSED:
			fprintf(stderr, "%sconsole closed (the VM stopped?)%s", tty ? "\r\n" : "", tty ? "\r\n" : "\n");
			ret = MVL_EXIT_OK;
			break;
		case VM_CONSOLE_BROKEN:
			if (tty)
				tcsetattr(0, TCSANOW, &saved_tty);
			error("console of '%s': %s", argv[0], strerror(errno));
			break;
		case VM_CONSOLE_ESCAPE:
		case VM_CONSOLE_QUIET:
			ret = MVL_EXIT_OK;
			break;
		}
	}
	if (tty) {
		tcsetattr(0, TCSANOW, &saved_tty);
		tty_raw = 0;
		fputs("\n", stderr);
	}
out:
	vm_console_close(&con);
	return ret;
}
