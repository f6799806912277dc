/*
 * cmd_up.c - 'mvlaunch up': start a VM paused, pin it, verify, resume it.
 *
 * Thin: load_vm() reads the config, vm_up() does the work; this prints the
 * resulting pins and maps the result to an exit code.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/cmd/vm_show.h"
#include "launcher/vm/vm_up.h"
#include "launcher/host/qemu_user.h"
#include "launcher/plan/host_topo.h"
#include "util/interrupt.h"
#include "util/quote.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

/*
 * What 'up' is doing, on a terminal, once it takes more than a second: a
 * timer prints the step under way when the second is up (write() only: it is
 * a signal handler), then each new step is printed as it starts.
 */
static char step_line[256];
static size_t step_len;
static volatile sig_atomic_t step_shown;

static void step_alarm(int sig)
{
	ssize_t n;

	(void)sig;
	step_shown = 1;
	if (step_len)
		n = write(2, step_line, step_len);
	(void)n;
}

static void show_step(void *data, const char *what)
{
	const char *name = data;
	sigset_t alrm, old;
	int len;

	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, &old);
	len = snprintf(step_line, sizeof(step_line), "mvlaunch: up '%s': %s...\n", name, what);
	step_len = len > 0 ? (size_t)len < sizeof(step_line) ? (size_t)len : sizeof(step_line) - 1 : 0;
	if (step_shown && step_len) {
		ssize_t n = write(2, step_line, step_len);

		(void)n;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Arm the one-second timer when stderr is a terminal; 1 when armed. */
static int steps_on_terminal(void)
{
	struct sigaction sa = { .sa_handler = step_alarm, .sa_flags = SA_RESTART };
	struct itimerval one = { .it_value = { 1, 0 } };

	if (!isatty(2))
		return 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &one, NULL);
	return 1;
}

static void steps_off(void)
{
	struct itimerval off = { { 0, 0 }, { 0, 0 } };

	setitimer(ITIMER_REAL, &off, NULL);
	signal(SIGALRM, SIG_DFL);
}

int parse_seconds(const char *arg, int *ms)
{
	char *end;
	long v = strtol(arg, &end, 10);

	if (!*arg || *end || v < 0 || v > 86400)
		return -1;
	*ms = (int)v * 1000;
	return 0;
}

/* One VM, as 'up NAME' does it; a worker of 'up A B C' runs the same. */
static int up_one(const char *arg, const struct mvl_opts *opts, struct vm_up_opts base)
{
	struct vm_up_opts up = base;
	struct vm_handle h = VM_HANDLE_INIT;
	struct strvec changes = STRVEC_INIT, qargv = STRVEC_INIT;
	struct vm_config cfg;
	int ret_load, ret = MVL_EXIT_FAILURE;

	up.changes = &changes;
	up.argv = &qargv;
	if (steps_on_terminal()) {
		up.step = show_step;
		up.step_data = (void *)arg;
	}
	ret_load = load_and_up(arg, opts, &up, &cfg, &h);
	steps_off();
	if (ret_load < 0) {
		int sig = interrupt_take();

		if (sig)
			ret = 128 + sig;
		goto out;
	}
	{
		int sig = interrupt_take();

		if (sig)
			warning("%s came after '%s' was running: it keeps running ('mvlaunch down %s' stops it)",
				interrupt_name(sig), cfg.name, cfg.name);
	}
	if (up.dry_run) {
		struct strbuf q = STRBUF_INIT;

		printf("'%s' would start; host changes:\n", cfg.name);
		for (size_t i = 0; i < changes.nr; i++)
			printf("  %s\n", changes.v[i]);
		if (!changes.nr)
			printf("  (none)\n");
		printf("QEMU command line:\n");
		for (size_t i = 0; i < qargv.nr; i++) {
			strbuf_reset(&q);
			sq_quote(&q, qargv.v[i]);
			printf("%s%s", i ? " " : "  ", q.buf);
		}
		putchar('\n');
		strbuf_release(&q);
		ret = MVL_EXIT_OK;
		goto out;
	}
	printf("'%s' is %s: QEMU pid %d, %u vCPU%s pinned and verified\n", cfg.name,
	       up.paused ? "paused" : "running", (int)h.proc.pid, cfg.vcpus, cfg.vcpus == 1 ? "" : "s");
	vm_threads_print(stdout, &h.state.threads, 0);
	ret = MVL_EXIT_OK;
out:
	vm_handle_release(&h);
	strvec_clear(&changes);
	strvec_clear(&qargv);
	vm_config_release(&cfg);
	return ret;
}

struct up_many {
	const struct mvl_opts *opts;
	struct vm_up_opts up;
};

static int up_worker(const char *name, void *data)
{
	struct up_many *m = data;

	return up_one(name, m->opts, m->up);
}

/* 'up A B C': each in a worker of its own, all at once, then one summary. */
static int up_many(const char **names, size_t nr, const struct mvl_opts *opts, const struct vm_up_opts *up)
{
	struct up_many m = { opts, *up };

	host_topo_keep();	/* every worker plans on this host: hwloc reads it once, here */
	if (geteuid() == 0)
		qemu_user_keep(QEMU_USER_DEFAULT);	/* and QEMU's user: NSS loads its modules once, here */
	return run_each(names, nr, up_worker, &m, NULL, NULL, up->dry_run ? "would start" : "started", "start");
}

int cmd_up(int argc, char **argv, const struct mvl_opts *opts)
{
	struct vm_up_opts up = { .timeout_ms = 30000, .dirs = &opts->dirs };
	const struct opt options[] = {
		OPT_SECONDS(0, "timeout", &up.timeout_ms, "how long QEMU may take to answer on QMP (default 30)"),
		OPT_BOOL(0, "paused", &up.paused, "pin and verify, but leave the guest paused (resume with\n"
			 "QMP 'cont'; for debugging, or hosts that cannot run guests)"),
		OPT_BOOL('n', "dry-run", &up.dry_run, "plan, list the host changes ('path: old -> new') and the\n"
			 "QEMU command line; change and start nothing"),
		OPT_BOOL('f', "force", &up.force, "start a cpu_pm = true VM whose vCPUs are not dedicated\n"
			 "(refused otherwise: it slows whatever shares their CPUs)"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "up", .operands = "<vm>...", .min = 1, .max = -1, .opts = options,
		.text = "Start <vm> paused, pin every vCPU, emulator and I/O thread to the CPUs its\n"
			"config names, read the pins back, then let the guest run. QEMU keeps running\n"
			"after mvlaunch exits; stop it with 'mvlaunch down <vm>'. The FAIL-level\n"
			"checks of 'mvlaunch check' for the VM run first (files, passthrough, cpu-pm).\n"
			"Before QEMU starts, the host is prepared: hugepages, host.toml's knobs, and\n"
			"each managed passthrough device's IOMMU group (bridges excepted) bound to\n"
			"vfio-pci; 'down' gives every function back exactly the driver it had.\n"
			"Several VMs start at once, each as it would alone; their outputs follow\n"
			"in the order named, then one summary: which started, and why each other\n"
			"did not (exit 1 if any did not). The host is locked only while a VM's\n"
			"CPUs and hugepages are planned and claimed, and while the files QEMU's\n"
			"user gets are checked, recorded and granted, so starts run side by side;\n"
			"the host's topology is read once for all of them.",
		.epilogue = "Ctrl-C, SIGTERM or SIGHUP before the VM runs undo everything (QEMU, runtime\n"
			    "files, host changes) and exit 130, 143 or 129. The prepare hooks run before\n"
			    "anything is planned or changed, the started hooks before the guest runs; a\n"
			    "failing one undoes the start ('mvlaunch help hooks'). --dry-run runs none.",
	};
	int ret;

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);

	/* Ctrl-C, SIGTERM, SIGHUP: undo what was done, like any failure, then exit 128 + signal */
	if (interrupt_arm() < 0) {
		error("cannot block signals: %s", strerror(errno));
		return MVL_EXIT_FAILURE;
	}
	if (argc == 1)
		ret = up_one(argv[0], opts, up);
	else
		ret = up_many((const char **)argv, (size_t)argc, opts, &up);
	interrupt_disarm();
	return ret;
}
