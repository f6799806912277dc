/*
 * vm_down.c - stop a VM (see vm_down.h).
 *
 * Never pulls the plug on a guest that was asked to shut down: without
 * 'force' or 'kill_after' a guest that does not power off is left running.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/vm/vm_down.h"
#include "qmp/qmp_cmds.h"
#include "util/err.h"
#include "util/interrupt.h"
#include "util/wrapper.h"
#include "util/banned.h"

int vm_down_hears_acpi(const char *status)
{
	return !strcmp(status, "running") || !strcmp(status, "suspended");
}

/* A signal the caller armed for came (o->interruptible): what was not begun is left undone. */
static int interrupted(const struct vm_down_opts *o)
{
	return o->interruptible && interrupt_pending();
}

/*
 * Wait for QEMU to exit after the power-down, telling o->progress each
 * second: 1 when it did, 0 when the time is up, -1 when a signal came first.
 */
static int wait_powerdown(struct vm_handle *h, const struct vm_down_opts *o)
{
	int waited = 0, shown = 0;

	while (waited < o->timeout_ms) {
		int slice = o->timeout_ms - waited < 100 ? o->timeout_ms - waited : 100;

		if (qemu_proc_wait_exit(&h->proc, slice))
			return 1;
		waited += slice;
		if (interrupted(o))
			return -1;
		if (o->progress && (waited - shown >= 1000 || waited >= o->timeout_ms)) {
			shown = waited;
			o->progress(o->data, waited, o->timeout_ms);
		}
	}
	return !qemu_proc_alive(&h->proc);
}

enum vm_down_how vm_down(struct vm_handle *h, const struct vm_down_opts *o, char **status)
{
	struct err ignore = ERR_INIT;
	enum vm_down_how how = STOP_GONE;
	char *state = NULL;
	int r, waited_out = 0;

	if (!qemu_proc_alive(&h->proc)) {
		/* gone already: at the 'quit' that went with the connection, if one did */
		if (h->quit_sent)
			how = STOP_QUIT;
		goto clean;
	}
	/* --force stops it whatever it is doing: no question to ask first (a host shutdown stops many) */
	if (h->qmp && !o->force && qmp_query_status(h->qmp, &state, &ignore.msg) < 0)
		state = NULL;
	/* a signal cuts QMP's answers short: never read that as "unreachable, so pull the plug" */
	if (!o->force && interrupted(o)) {
		how = STOP_INTERRUPTED;
		goto out;
	}
	if (!o->force && !state && !o->kill_after) {
		/* a QEMU just killed closes QMP before its threads are gone: not unreachable, gone */
		if (qemu_proc_wait_exit(&h->proc, 1000))
			goto clean;
		/* no QMP, no power button: signals would pull the plug, which nobody asked for */
		how = STOP_UNREACHABLE;
		goto out;
	}
	if (!o->force && h->qmp && state && vm_down_hears_acpi(state)) {
		err_reset(&ignore);
		/* a 'reboot' killed half-way leaves QEMU set to pause at the guest's power-off: end it */
		qmp_execute(h->qmp, "set-action", json_pack("{s:s}", "shutdown", "poweroff"), NULL, &ignore.msg);
		err_reset(&ignore);
		if (qmp_simple(h->qmp, "system_powerdown", &ignore.msg) == 0) {
			h->powerdown_sent = 1;
			/* QMP serves one client: let 'status' in while the guest shuts down */
			qmp_close(h->qmp);
			h->qmp = NULL;
			r = wait_powerdown(h, o);
			if (r > 0) {
				how = STOP_POWERDOWN;
				goto clean;
			}
			if (r < 0) {
				how = STOP_INTERRUPTED;
				goto out;
			}
			if (!o->kill_after) {
				how = STOP_STILL_RUNNING;
				goto out;
			}
			waited_out = 1;
			if (vm_handle_reconnect(h) < 0)
				h->qmp = NULL;	/* stop it with signals then */
		} else if (!o->kill_after) {
			/* the button could not be pressed: the plug is never pulled instead */
			how = interrupted(o) ? STOP_INTERRUPTED : STOP_UNREACHABLE;
			goto out;
		}
	}
	/* a signal before the guest's time was up: the stop it would begin is not begun */
	if (!o->force && !waited_out && interrupted(o)) {
		how = STOP_INTERRUPTED;
		goto out;
	}
	err_reset(&ignore);
	/* quit (unless it went with the connection) may or may not be answered before the socket closes */
	if (h->qmp && !h->quit_sent)
		qmp_simple(h->qmp, "quit", &ignore.msg);
	if (h->qmp && qemu_proc_wait_exit(&h->proc, 5000)) {
		how = STOP_QUIT;
		goto clean;
	}
	if (qemu_proc_signal(&h->proc, SIGTERM) == 0 && qemu_proc_wait_exit(&h->proc, 5000)) {
		how = STOP_TERM;
		goto clean;
	}
	qemu_proc_signal(&h->proc, SIGKILL);
	qemu_proc_wait_exit(&h->proc, 10000);
	how = STOP_KILL;
clean:
	qmp_close(h->qmp);
	h->qmp = NULL;
	if (o->keep_dir)
		runtime_clean_files(&h->rt);
	else
		runtime_clean(&h->rt);
out:
	if (status)
		*status = state ? state : xstrdup("");
	else
		free(state);
	err_release(&ignore);
	return how;
}

int vm_down_reclaim(struct vm_handle *h, struct err *err)
{
	char *name = xstrdup(h->rt.name);
	char *state_path;
	struct vm_state st;
	struct err ignore = ERR_INIT;
	int ours;

	runtime_release(&h->rt);
	if (runtime_lock(&h->rt, name, 1, err) < 0) {
		free(name);
		return -1;
	}
	free(name);
	state_path = runtime_path(&h->rt, "state.json");
	/* no state.json: whoever stopped it cleaned up (2: it names our QEMU still) */
	ours = vm_state_read(state_path, &st, &ignore) < 0 ? 1 :
	       st.pid == h->proc.pid && st.start_time == h->proc.start_time ? 2 : 0;
	vm_state_release(&st);
	free(state_path);
	if (!ours) {
		runtime_release(&h->rt);
		err_release(&ignore);
		return 0;
	}
	if (!h->qmp && qemu_proc_alive(&h->proc))
		vm_handle_reconnect(h);
	err_release(&ignore);
	return ours;
}

int vm_down_attach(const char *name, struct vm_handle *h, int *was_gone, int quit, struct err *err)
{
	*was_gone = 0;
	if (!runtime_exists(name))
		return 0;
	if (runtime_lock(&h->rt, name, 1, err) < 0)
		return -1;
	if (vm_handle_find_qemu(&h->rt, &h->proc, &h->state) < 0) {
		*was_gone = h->state.pid != 0;
		runtime_clean(&h->rt);
		return 0;
	}
	/* without QMP it is stopped with signals */
	if (quit)
		vm_handle_reconnect_quit(h);
	else
		vm_handle_reconnect(h);
	return 1;
}
