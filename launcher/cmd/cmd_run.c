/*
 * cmd_run.c - 'mvlaunch run': start a VM and stay with it (for systemd).
 *
 * The same start as 'up' (paused, pinned, verified, resumed), then
 * sd_notify("READY=1") (notify.c) and wait in vm_run_wait(): SIGTERM or
 * SIGINT become a graceful stop (ACPI power-down, then quit/TERM/KILL); the
 * guest powering itself off ends the command too. Exit 0 for a clean shutdown, 1 when QEMU crashed or
 * could not start, so Restart=on-failure restarts only real failures.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/notify.h"
#include "launcher/cmd/vm_show.h"
#include "launcher/vm/vm_run.h"
#include "launcher/vm/vm_up.h"
#include "util/err.h"
#include "util/interrupt.h"
#include "util/usage.h"
#include "util/banned.h"

static void say_signal(void *data, int signo)
{
	printf("'%s': %s received, shutting the guest down\n", (const char *)data, strsignal(signo));
	fflush(stdout);
}

int cmd_run(int argc, char **argv, const struct mvl_opts *opts)
{
	struct vm_up_opts up = { .timeout_ms = 30000, .dirs = &opts->dirs };
	struct vm_handle h = VM_HANDLE_INIT;
	struct vm_run_result res = VM_RUN_RESULT_INIT;
	struct err err = ERR_INIT;
	struct vm_config cfg;
	sigset_t mask, old;
	int stop_ms = -1, sfd = -1, ret = MVL_EXIT_FAILURE;
	const struct opt options[] = {
		OPT_SECONDS(0, "timeout", &up.timeout_ms, "how long QEMU may take to answer on QMP (default 30)"),
		OPT_SECONDS(0, "stop-timeout", &stop_ms, "how long the guest gets to power off on a signal,\n"
			 "before QEMU is stopped (default: the config's\n"
			 "service.stop_timeout)"),
		OPT_BOOL('f', "force", &up.force, "as for 'up': a cpu_pm VM on vCPUs that are not dedicated"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "run", .operands = "<vm>", .min = 1, .max = 1, .opts = options,
		.text = "Start <vm> like 'up', then stay in the foreground until it stops: for a\n"
			"service manager (Type=notify: READY=1 is sent once every pin holds).\n"
			"SIGTERM/SIGINT shut the guest down like 'down'. Exit 0 when the guest shut\n"
			"down cleanly, 1 when QEMU crashed or could not start.",
	};

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);

	/* signals become readable events; the child unblocks them before exec */
	sigemptyset(&mask);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &old);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		error("cannot create a signalfd: %s", strerror(errno));
		sigprocmask(SIG_SETMASK, &old, NULL);
		return MVL_EXIT_FAILURE;
	}
	/* a signal while starting undoes the start (the blocked signals stay pending for the checks) */
	if (interrupt_arm() < 0) {
		error("cannot watch signals: %s", strerror(errno));
		goto out;
	}
	if (load_and_up(argv[0], opts, &up, &cfg, &h) < 0) {
		int sig = interrupt_take();

		if (sig)
			ret = 128 + sig;
		interrupt_disarm();
		notify_service("%s", "STATUS=failed to start (see the journal)");
		goto out;
	}
	interrupt_disarm();	/* still blocked: a signal from now on shuts the guest down through sfd */
	printf("'%s' is running: QEMU pid %d; pins verified\n", cfg.name, (int)h.proc.pid);
	vm_threads_print(stdout, &h.state.threads, 0);
	fflush(stdout);
	notify_service("READY=1\nSTATUS=running, QEMU pid %d, %u vCPUs pinned", (int)h.proc.pid, cfg.vcpus);
	/* QMP serves one client: let 'status' and 'down' have it meanwhile */
	qmp_close(h.qmp);
	h.qmp = NULL;

	{
		struct vm_run_opts ro = { .sfd = sfd, .dirs = &opts->dirs, .signalled = say_signal, .data = cfg.name,
					  .stop_timeout_ms = stop_ms >= 0 ? stop_ms : (int)cfg.stop_timeout * 1000 };

		vm_run_wait(&h, &ro, &res, &err);
	}
	switch (res.end) {
	case VM_RUN_SIGNALLED:
		printf("'%s' %s\n", cfg.name, res.how == STOP_POWERDOWN ? "shut down (ACPI power-down)" :
		       res.how == STOP_QUIT ? "did not power off in time; stopped with QMP quit" :
		       res.how == STOP_TERM ? "stopped with SIGTERM" : res.how == STOP_KILL ? "killed with SIGKILL" :
		       "had already stopped");
		ret = MVL_EXIT_OK;
		break;
	case VM_RUN_TAKEN:
		ret = MVL_EXIT_OK;	/* someone else's VM by now: ours is gone */
		break;
	case VM_RUN_POWERED_OFF:
		printf("'%s': the guest powered off\n", cfg.name);
		ret = MVL_EXIT_OK;
		break;
	case VM_RUN_CRASHED:
		error("QEMU of '%s' %s", cfg.name, res.why.buf);
		break;
	case VM_RUN_ERROR:
		break;
	}
	if (err.msg.len)
		err_print(&err);
out:
	if (sfd >= 0)
		close(sfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	vm_handle_release(&h);
	vm_run_result_release(&res);
	err_release(&err);
	vm_config_release(&cfg);
	return ret;
}
