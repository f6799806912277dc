/*
 * cmd_down.c - 'mvlaunch down': shut a VM down and remove its runtime files.
 *
 * A running guest gets the ACPI power-down and --timeout seconds (default:
 * its config's service.stop_timeout) to power itself off. If it has not by
 * then, it is left running and the command fails, saying how to force it:
 * a guest installing updates is never powered off mid-write unless asked
 * (--force at once, or --kill-after once the wait is over, which systemd's
 * ExecStop and 'run' use). A guest that cannot act on the power button
 * (never started, paused) is stopped at once. A VM whose QEMU crashed is
 * cleaned up and the command succeeds. Signals are armed (util/interrupt.h):
 * one ends a wait, never a cleanup, and 'down A B' prints all it has.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/hooks.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/vm_float.h"
#include "launcher/vm/vm_down.h"
#include "launcher/vm/vm_host.h"
#include "launcher/vm/vm_up.h"
#include "launcher/plan/host_topo.h"
#include "config/vm_config.h"
#include "util/err.h"
#include "util/interrupt.h"
#include "util/proc.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define DEFAULT_STOP_TIMEOUT_S 60

/* a worker of 'down A B' / 'down --all': the floating VMs follow the pool once, after the last */
static int in_fanout;

/* Whether a release hook of vm waits for its give-back (one that cannot be listed is counted). */
static int has_release_hooks(const struct hooks_vm *hooks)
{
	struct hook_list list = HOOK_LIST_INIT;
	struct err ignore = ERR_INIT;
	int any;

	if (!hooks->dir)
		return 0;
	any = hooks_list(hooks, HOOKS_RELEASE, &list, &ignore) < 0 || list.nr;
	hooks_list_release(&list);
	err_release(&ignore);
	return any;
}

/*
 * Give back its hugepages and host knobs; a failure is reported, the VM is
 * down anyway. A worker of 'down A B' leaves that to its parent, which gives
 * back the VMs stopped in one go after the last, or as they end once the
 * storm is over (down_settle(), down_after()), unless a release hook of this
 * VM must run after its give-back.
 */
static void release_host(const char *name, const struct mvl_opts *opts, const struct hooks_vm *hooks)
{
	struct strvec notes = STRVEC_INIT;
	struct err err = ERR_INIT;

	if (in_fanout && !has_release_hooks(hooks))
		return;
	if (vm_host_release(name, &opts->dirs, &notes, &err) < 0) {
		error("cannot give back what '%s' held on the host", name);
		err_print(&err);
	}
	err_reset(&err);
	/* its CPUs are free again: floating VMs may use them */
	if (!in_fanout && vm_float_refresh_undo(&opts->dirs, &notes, &err) < 0)
		err_print(&err);
	for (size_t i = 0; i < notes.nr; i++)
		warning("%s", notes.v[i]);
	strvec_clear(&notes);
	err_release(&err);
}

/* The stopped or release hooks: a failure is reported, the cleanup goes on; 0 or -1. */
static int run_hooks(const struct hooks_vm *hooks, enum hooks_phase phase)
{
	struct err err = ERR_INIT;
	int ret = hooks_run_cleanup(hooks, phase, &err);

	if (ret < 0)
		err_print(&err);
	err_release(&err);
	return ret;
}

/* The guest's shutdown time from the config that started it (else NAME.toml, else 60 s). */
static int config_stop_timeout_ms(const char *name, const char *started_from, const struct mvl_opts *opts)
{
	struct err ignore = ERR_INIT;
	struct vm_config cfg;
	char *path = started_from ? xstrdup(started_from) : paths_vm_config(name, &opts->dirs, &ignore);
	int ms = DEFAULT_STOP_TIMEOUT_S * 1000;

	vm_config_init(&cfg);
	err_reset(&ignore);
	if (path && vm_config_load(path, &cfg, &ignore.msg) == 0)
		ms = (int)cfg.stop_timeout * 1000;
	vm_config_release(&cfg);
	err_release(&ignore);
	free(path);
	return ms;
}

struct progress {
	const char *name;
	int tty;
	int shown;	/* a progress line is on the terminal, not ended */
};

/* "waiting for 'win' to shut down: 12 s of 120", rewritten in place on a terminal. */
static void show_progress(void *data, int waited_ms, int timeout_ms)
{
	struct progress *p = data;

	if (!p->tty)
		return;
	fprintf(stderr, "\rwaiting for '%s' to shut down: %d s of %d (Ctrl-C leaves it running)", p->name,
		waited_ms / 1000, timeout_ms / 1000);
	p->shown = waited_ms < timeout_ms;
	if (!p->shown)
		fputc('\n', stderr);
	fflush(stderr);
}

/* A Ctrl-C, SIGTERM or SIGHUP came before the guest powered off: it goes on running. */
static void left_running(const char *name, int pressed)
{
	const char *sig = interrupt_name(interrupt_pending());

	if (pressed)
		error("'%s' was asked to shut down (ACPI power-down), and %s came before its guest powered off; it "
		      "was left running", name, sig);
	else
		error("'%s' is still running: %s came before it was asked to shut down; it was left running", name, sig);
	hint("'mvlaunch status %s' shows whether it is still running; 'mvlaunch down %s' again waits for it", name,
	     name);
}

/*
 * One VM, as 'down NAME' does it; a worker of 'down A B' runs the same.
 * held: NULL, or the VM as the parent of a forced 'down A B' left it
 * (quit_all()): locked, its QEMU sent 'quit'; taken over.
 */
static int down_one(const char *name, const struct mvl_opts *opts, struct vm_down_opts so, struct vm_handle *held)
{
	static const char *const how_text[] = {
		[STOP_NOT_RUNNING] = "was not running",
		[STOP_GONE] = "had already stopped",
		[STOP_POWERDOWN] = "shut down (ACPI power-down)",
		[STOP_QUIT] = "stopped with QMP quit",
		[STOP_TERM] = "stopped with SIGTERM",
		[STOP_KILL] = "killed with SIGKILL",
		[STOP_STILL_RUNNING] = "is still running",
		[STOP_UNREACHABLE] = "is still running",
		[STOP_INTERRUPTED] = "is still running",
	};
	struct vm_handle h = VM_HANDLE_INIT;
	struct hooks_vm hooks = HOOKS_VM_INIT;
	struct err err = ERR_INIT;
	struct progress pr = { 0 };
	int was_gone, r, hooks_failed = 0, ret = MVL_EXIT_FAILURE;
	enum vm_down_how how;
	char *status = NULL;

	r = paths_vm_name_arg(name, &opts->dirs, &err);
	if (r <= 0) {
		err_print(&err);
		ret = r < 0 ? MVL_EXIT_USAGE : MVL_EXIT_FAILURE;
		goto out;
	}
	if (runtime_root_access(&err) < 0 || runtime_owner_check(name, &err) < 0) {
		err_print(&err);
		goto out;
	}
	if (held && held->rt.dir) {
		h = *held;
		*held = (struct vm_handle)VM_HANDLE_INIT;
		r = 1;
		was_gone = 0;
	} else {
		r = vm_down_attach(name, &h, &was_gone, so.force, &err);
	}
	if (r < 0) {
		error("cannot stop VM '%s'", name);
		err_print(&err);
		goto out;
	}
	if (r == 0) {
		/* a crashed QEMU: its stopped and release hooks run now, with the pid it had */
		if (was_gone) {
			hooks_vm_from_state(&hooks, name, &h.state, &opts->dirs);
			hooks_failed |= run_hooks(&hooks, HOOKS_STOPPED) < 0;
		}
		release_host(name, opts, &hooks);
		if (was_gone)
			hooks_failed |= run_hooks(&hooks, HOOKS_RELEASE) < 0;
		if (was_gone) {
			char *log = runtime_log_path(name, "qemu.log");

			printf("'%s' was not running: its QEMU had crashed or been killed; removed its runtime files "
			       "(its log: %s)\n", name, log);
			free(log);
		} else {
			printf("'%s' is not running\n", name);
		}
		ret = hooks_failed ? MVL_EXIT_FAILURE : MVL_EXIT_OK;
		goto out;
	}
	if (so.timeout_ms < 0 && !so.force)	/* --force waits for no guest */
		so.timeout_ms = config_stop_timeout_ms(name, h.state.config, opts);
	so.interruptible = 1;
	pr.name = name;
	pr.tty = isatty(2);
	so.progress = show_progress;
	so.data = &pr;
	so.keep_dir = 1;
	how = vm_down(&h, &so, &status);
	if (how == STOP_INTERRUPTED || (how == STOP_UNREACHABLE && interrupt_pending())) {
		if (pr.shown)
			fputc('\n', stderr);	/* end the progress line */
		left_running(name, h.powerdown_sent);
		goto out;
	}
	if (how == STOP_UNREACHABLE) {
		error("cannot reach '%s' on its QMP socket to press the power button (another client holds it, or QEMU "
		      "hangs); it was left running", name);
		hint("try again, or stop it at once with 'mvlaunch down --force %s' (like pulling the plug)", name);
		goto out;
	}
	if (how == STOP_STILL_RUNNING) {
		error("'%s' is still running %d s after the ACPI power-down; it was left running", name,
		      so.timeout_ms / 1000);
		hint("wait longer with 'mvlaunch down --timeout SECONDS %s', or stop it at once with 'mvlaunch down "
		     "--force %s' (like pulling the plug: what the guest has not saved is lost)", name, name);
		goto out;
	}
	if (how == STOP_QUIT && !so.force && (!strcmp(status, "prelaunch") || !strcmp(status, "paused")))
		printf("'%s' was %s (a guest that does not run cannot act on the power button): ", name,
		       !strcmp(status, "prelaunch") ? "never started" : "paused");
	else if (how != STOP_POWERDOWN && !so.force && vm_down_hears_acpi(status))
		printf("'%s' did not shut down within %d s of the ACPI power-down: ", name, so.timeout_ms / 1000);
	else
		printf("'%s' ", name);
	printf("%s\n", how_text[how]);
	fflush(stdout);
	hooks_vm_from_state(&hooks, name, &h.state, &opts->dirs);
	hooks.pid = h.proc.pid;	/* also when 'up' died before state.json */
	hooks_failed |= run_hooks(&hooks, HOOKS_STOPPED) < 0;
	release_host(name, opts, &hooks);
	runtime_clean(&h.rt);	/* given back: the directory goes (vm_down kept it, locked, till now) */
	hooks_failed |= run_hooks(&hooks, HOOKS_RELEASE) < 0;
	ret = hooks_failed ? MVL_EXIT_FAILURE : MVL_EXIT_OK;
out:
	hooks_vm_release(&hooks);
	free(status);
	vm_handle_release(&h);
	err_release(&err);
	return ret;
}

struct down_many {
	const char *const *names;	/* as the jobs: the VMs named */
	size_t nr;
	char *given;		/* per name: given back (or not a VM name: nothing to give back) */
	const struct mvl_opts *opts;
	struct vm_down_opts so;
	long long start_ms;	/* when the workers started */
	struct vm_handle *held;	/* --force: per name, the VM quit_all() locked and sent 'quit' (else as INIT) */
};

/*
 * What the VMs named whose workers ended (jobs NULL: all of them) held on
 * the host goes back, if not yet: those whose QEMU is gone, in one step. A
 * failure is reported; the VMs are down anyway.
 */
static void give_back(struct down_many *m, const struct vm_fanout_job *jobs)
{
	const char **names = xcalloc(m->nr + 1, sizeof(*names));
	struct strvec notes = STRVEC_INIT;
	struct err err = ERR_INIT;
	size_t n = 0;

	for (size_t i = 0; i < m->nr; i++)
		if (!m->given[i] && (!jobs || !jobs[i].pid)) {
			names[n++] = m->names[i];
			m->given[i] = 1;
		}
	if (n && vm_host_release_gone(names, n, &m->opts->dirs, &notes, &err) < 0) {
		error("cannot give back what the stopped VMs held on the host");
		err_print(&err);
	}
	for (size_t i = 0; i < notes.nr; i++)
		warning("%s", notes.v[i]);
	strvec_clear(&notes);
	err_release(&err);
	free(names);
}

/*
 * --force of several VMs: every 'quit' goes from here, one right after the
 * other, before the first worker is forked; each worker then takes its VM
 * over (locked, its QEMU quitting) and only waits and cleans up. Sent by
 * the workers, the last 'quit' went some 10 ms after the first: each was
 * forked, locked its VM, read state.json and connected while the QEMUs
 * stopped first already took both CPUs. A VM this cannot lock at once
 * (another command holds it), whose QEMU is gone, or that it cannot reach
 * is left to its worker as it is, which does what 'down --force NAME' does.
 */
static void quit_all(struct down_many *m)
{
	struct err ignore = ERR_INIT;

	m->held = xcalloc(m->nr + 1, sizeof(*m->held));
	for (size_t i = 0; i < m->nr; i++)
		m->held[i] = (struct vm_handle)VM_HANDLE_INIT;
	/* a root this user may not enter: every worker says so */
	if (runtime_root_access(&ignore) < 0) {
		err_release(&ignore);
		return;
	}
	for (size_t i = 0; i < m->nr; i++) {
		struct vm_handle *h = &m->held[i];
		const char *name = m->names[i];

		err_reset(&ignore);
		if (m->given[i] || runtime_owner_check(name, &ignore) < 0 || !runtime_exists(name))
			continue;
		if (runtime_lock(&h->rt, name, RUNTIME_LOCK_NOW, &ignore) < 0 ||
		    vm_handle_find_qemu(&h->rt, &h->proc, &h->state) < 0 || vm_handle_quit_nowait(h) < 0)
			vm_handle_release(h);
	}
	err_release(&ignore);
}

/*
 * The parent's hold on the VMs quit_all() sent 'quit' whose worker has its
 * own (jobs NULL: all of them). A VM whose worker could not be forked stays
 * held, for down_after() to finish here.
 */
static void release_held(struct down_many *m, const struct vm_fanout_job *jobs)
{
	int kept = 0;

	for (size_t i = 0; m->held && i < m->nr; i++) {
		if (jobs && !jobs[i].started && m->held[i].rt.dir)
			kept = 1;
		else
			vm_handle_release(&m->held[i]);
	}
	if (!kept) {
		free(m->held);
		m->held = NULL;
	}
}

/*
 * A VM quit_all() sent 'quit' whose worker could not be forked (no memory,
 * no processes left): its QEMU is stopping, so the rest of 'down --force'
 * (runtime files, cgroup, hooks) is done here, after the workers, and the
 * job counts as the worker's would.
 */
static void finish_unforked(struct down_many *m, struct vm_fanout_job *jobs)
{
	for (size_t i = 0; m->held && i < m->nr; i++) {
		if (jobs[i].started || !m->held[i].rt.dir)
			continue;
		fflush(stdout);
		in_fanout = 1;	/* the give-back is the parent's, after this */
		jobs[i].code = down_one(m->names[i], m->opts, m->so, &m->held[i]);
		in_fanout = 0;
		fflush(stdout);
		if (!jobs[i].code) {
			free(jobs[i].reason);
			jobs[i].reason = NULL;
		}
	}
}

/*
 * A stop storm (--force, paused guests) ends within a second: its give-back
 * is one, after the last. Guests that shut down at their own pace (seconds
 * to minutes) are given back as they end, from this long after the start on.
 */
#define GIVE_BACK_AFTER_MS 1000

/* vm_fanout_run()'s settle: once the storm is over, what the VMs stopped so far held goes back. */
static int down_settle(void *data, const struct vm_fanout_job *jobs, size_t nr)
{
	struct down_many *m = data;
	long long left = m->start_ms + GIVE_BACK_AFTER_MS - proc_mono_ms();

	(void)nr;
	release_held(m, jobs);	/* every worker is forked by now, each with its own */
	if (left > 0)
		return (int)left;
	give_back(m, jobs);
	return -1;
}

static int down_worker(const char *name, void *data)
{
	struct down_many *m = data;
	struct vm_handle *mine = NULL;

	in_fanout = 1;
	/* the parent's hold on the other VMs is theirs: only this worker's VM stays locked here */
	for (size_t i = 0; m->held && i < m->nr; i++) {
		if (m->names[i] == name)
			mine = &m->held[i];
		else
			vm_handle_release(&m->held[i]);
	}
	return down_one(name, m->opts, m->so, mine);
}

static int add_name(const char *name, void *data)
{
	strvec_push(data, name);
	return 0;
}

/*
 * After the last: what the stopped VMs held on the host and was not given
 * back yet (down_settle()) goes back, in one write of host.json (each
 * worker's own give-back would load and write it, growing with the VMs, one
 * after another under the host lock); those still running (or started
 * again meanwhile) keep theirs. Then the floating VMs left follow the pool
 * the stopped ones gave back.
 */
static void down_after(void *data, struct vm_fanout_job *jobs, size_t nr)
{
	struct down_many *m = data;
	struct strvec notes = STRVEC_INIT;
	struct err err = ERR_INIT;

	(void)nr;
	release_held(m, jobs);	/* a VM this holds looks alive to the give-back */
	finish_unforked(m, jobs);
	release_held(m, NULL);
	give_back(m, NULL);
	if (vm_float_refresh_undo(&m->opts->dirs, &notes, &err) < 0)
		err_print(&err);
	for (size_t i = 0; i < notes.nr; i++)
		warning("%s", notes.v[i]);
	strvec_clear(&notes);
	err_release(&err);
}

/* 'down A B' and 'down --all': each in a worker, all at once, each with its own timeout; then one summary. */
static int down_many(const char **names, size_t nr, const struct mvl_opts *opts, const struct vm_down_opts *so)
{
	struct down_many m = { names, nr, xcalloc(nr + 1, 1), opts, *so, proc_mono_ms(), NULL };
	struct strbuf why = STRBUF_INIT;
	int ret;

	/* a name that cannot be a VM is never made a path: it is not given back */
	for (size_t i = 0; i < nr; i++) {
		strbuf_reset(&why);
		m.given[i] = vm_name_check(names[i], &why) < 0;
	}
	strbuf_release(&why);

	/*
	 * the refresh of the floating VMs left (not those stopped here) reads
	 * this host's topology: once, here (the give-back reads it only for
	 * knobs that follow the CPUs, or a shield)
	 */
	if (vm_float_any_but(names, nr) || (vm_host_held() && vm_host_needs_topo(&opts->dirs)))
		host_topo_keep();
	if (so->force)
		quit_all(&m);
	ret = run_each(names, nr, down_worker, &m, down_settle, down_after, "stopped", "stop");
	release_held(&m, NULL);
	free(m.given);
	return ret;
}

int cmd_down(int argc, char **argv, const struct mvl_opts *opts)
{
	struct vm_down_opts so = { .timeout_ms = -1 };
	struct strvec all = STRVEC_INIT;
	int every = 0, ret = MVL_EXIT_OK, sig;
	const struct opt options[] = {
		OPT_SECONDS(0, "timeout", &so.timeout_ms, "how long the guest gets to shut down"),
		OPT_BOOL('f', "force", &so.force, "no power-down: stop QEMU at once (QMP quit, SIGTERM, SIGKILL);\n"
			 "the quit goes with the QMP connection, nothing is asked first;\n"
			 "of several VMs, every quit goes before the workers start"),
		OPT_ALT_BOOL(0, "kill-after", &so.kill_after, "if the guest has not powered off after --timeout, stop QEMU\n"
			 "(what systemd's ExecStop and 'run' do)"),
		OPT_BOOL('a', "all", &every, "stop every VM that runs, all at once (a host shutdown)"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "down", .operands = "<name>...", .min = 0, .max = -1, .opts = options,
		.text = "Shut VM <name> down: the ACPI power-down, then up to --timeout seconds for\n"
			"the guest to power off (default: the config's service.stop_timeout, else 60).\n"
			"If it is still running then, it is left running and down exits 1. A guest\n"
			"that never ran or is paused is stopped at once. Runtime files are removed\n"
			"once QEMU is gone; its logs stay in $MVLAUNCH_LOGDIR/<name>. Then the\n"
			"stopped hooks run, and what it held on the host goes back: hugepages,\n"
			"its share of the knobs, and its managed passthrough functions, each to\n"
			"the driver (and driver_override) it had before 'up', or to none. Then the\n"
			"release hooks run ('mvlaunch help hooks'); a failing hook is reported\n"
			"(exit 1), the rest of the cleanup still happens. Several VMs, or --all,\n"
			"stop at once, each with its own timeout; their outputs follow in the\n"
			"order named, then one summary (exit 1 if any did not stop). What they\n"
			"held on the host goes back in one step after the last, or from 1 s on as\n"
			"each ends (a VM with release hooks gives back its own first); the host's\n"
			"knobs go back once, with the last VM that held them. Ctrl-C, SIGTERM or\n"
			"SIGHUP end only a wait (for a guest, which is left running, or for\n"
			"another command on the VM): a VM whose QEMU is gone is still cleaned up\n"
			"and given back, the outputs and summary still come, and down exits\n"
			"128 + the signal.",
	};
	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (so.force && so.kill_after) {
		error("--force and --kill-after contradict each other: --force stops at once");
		return MVL_EXIT_USAGE;
	}
	if (every == !!argc) {
		error(every ? "--all stops every VM: name none" : "name the VM to stop, or --all");
		return MVL_EXIT_USAGE;
	}
	/*
	 * A signal ends only the wait for a guest (left running, as when its time
	 * is up): a VM whose QEMU is gone is always cleaned up and given back,
	 * and 'down A B' waits for its workers and prints their outputs and the
	 * summary. Then it exits 128 + the signal.
	 */
	if (interrupt_arm() < 0) {
		error("cannot block Ctrl-C and SIGTERM while stopping: %s", strerror(errno));
		return MVL_EXIT_FAILURE;
	}
	if (argc == 1) {
		ret = down_one(argv[0], opts, so, NULL);
		goto out;
	}
	if (every) {
		struct err err = ERR_INIT;

		if (runtime_root_access(&err) < 0) {
			err_print(&err);
			err_release(&err);
			ret = MVL_EXIT_FAILURE;
			goto out;
		}
		runtime_for_each(add_name, &all);
		if (!all.nr) {
			printf("no VM is running\n");
			goto out;
		}
	}
	ret = down_many(every ? (const char **)all.v : (const char **)argv, every ? all.nr : (size_t)argc, opts, &so);
out:
	/* every pending one (Ctrl-C, then SIGTERM): none is delivered when the mask goes back */
	while ((sig = interrupt_take()))
		ret = 128 + sig;
	interrupt_disarm();
	strvec_clear(&all);
	return ret;
}
