/*
 * vm_run.c - the service loop of 'run' (see vm_run.h).
 *
 * One poll on the signalfd and QEMU's pidfd (every 200 ms without a pidfd).
 * The runtime directory is locked again before anything is cleaned: 'down'
 * may have stopped the VM and cleaned up already, or a new 'up' may own the
 * name, and neither may lose its files to us.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher/vm/vm_run.h"
#include "launcher/vm/hooks.h"
#include "launcher/vm/notify.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_float.h"
#include "launcher/vm/vm_host.h"
#include "util/err.h"
#include "util/wrapper.h"
#include "util/banned.h"

/*
 * A signal came: stop the guest gracefully, unless the name is no longer
 * ours. vm_down_reclaim()'s answer: 2 when the cleanup and its hooks are
 * ours, 1 when only the host hold may be (given back twice is harmless).
 */
static int stop_on_signal(struct vm_handle *h, const struct vm_run_opts *o, int signo, struct vm_run_result *res,
			  struct err *err)
{
	struct vm_down_opts so = { .timeout_ms = o->stop_timeout_ms, .kill_after = 1 };

	res->signo = signo;
	notify_service("%s", "STOPPING=1\nSTATUS=shutting down the guest");
	if (o->signalled)
		o->signalled(o->data, signo);
	int ours = vm_down_reclaim(h, err);

	if (ours <= 0) {
		res->end = VM_RUN_TAKEN;
		return 0;
	}
	res->how = vm_down(h, &so, NULL);
	res->end = VM_RUN_SIGNALLED;
	return ours;
}

/* QEMU ended on its own: say how; vm_down_reclaim()'s answer, after cleaning the runtime files if ours. */
static int qemu_ended(struct vm_handle *h, struct vm_run_result *res, struct err *err)
{
	if (WIFEXITED(h->proc.status) && WEXITSTATUS(h->proc.status) == 0) {
		res->end = VM_RUN_POWERED_OFF;
	} else {
		char *log = runtime_log_path(h->rt.name, "qemu.log");

		res->end = VM_RUN_CRASHED;
		qemu_proc_describe_exit(&h->proc, &res->why);
		qemu_proc_log_tail(log, 8, &res->why);
		free(log);
	}
	int ours = vm_down_reclaim(h, err);

	if (ours > 0)
		runtime_clean(&h->rt);
	return ours > 0 ? ours : 0;
}

int vm_run_wait(struct vm_handle *h, const struct vm_run_opts *o, struct vm_run_result *res, struct err *err)
{
	char *name = xstrdup(h->rt.name);
	int release = 0;

	res->end = VM_RUN_ERROR;
	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = o->sfd, .events = POLLIN },
			{ .fd = h->proc.pidfd, .events = POLLIN },
		};

		if (poll(pfd, h->proc.pidfd >= 0 ? 2 : 1, h->proc.pidfd >= 0 ? -1 : 200) < 0 && errno != EINTR) {
			strbuf_addf(&err->msg, "cannot wait for QEMU of '%s': %s", name, strerror(errno));
			break;
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(o->sfd, &si, sizeof(si)) == sizeof(si)) {
				release = stop_on_signal(h, o, (int)si.ssi_signo, res, err);
				break;
			}
		}
		if (!qemu_proc_alive(&h->proc)) {
			release = qemu_ended(h, res, err);
			break;
		}
	}
	if (release) {
		struct hooks_vm hooks = HOOKS_VM_INIT;
		struct err e2 = ERR_INIT;

		hooks_vm_from_state(&hooks, name, &h->state, o->dirs);
		if (release == 2)
			hooks_run_cleanup(&hooks, HOOKS_STOPPED, err);
		if (vm_host_release(name, o->dirs, NULL, &e2) < 0)
			err_add(err, &e2);
		err_reset(&e2);
		if (vm_float_refresh(o->dirs, NULL, &e2) < 0)
			err_add(err, &e2);
		err_release(&e2);
		if (release == 2)
			hooks_run_cleanup(&hooks, HOOKS_RELEASE, err);
		hooks_vm_release(&hooks);
	}
	free(name);
	return res->end == VM_RUN_ERROR ? -1 : 0;
}

void vm_run_result_release(struct vm_run_result *res)
{
	strbuf_release(&res->why);
}
