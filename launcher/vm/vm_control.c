/*
 * vm_control.c - pause, resume, reset, reboot and one QMP command (see
 * vm_control.h).
 */
#include <stdlib.h>
#include <string.h>

#include "launcher/vm/vm_control.h"
#include "qmp/qmp_cmds.h"
#include "util/interrupt.h"
#include "util/wrapper.h"
#include "util/banned.h"

static int read_state(struct vm_handle *h, char **state, struct err *err)
{
	if (qmp_query_status(h->qmp, state, &err->msg) < 0) {
		*state = NULL;
		return -1;
	}
	return 0;
}

int vm_control(struct vm_handle *h, enum vm_control_op op, char **state, int *already, struct err *err)
{
	static const char *const cmds[] = { [VM_PAUSE] = "stop", [VM_RESUME] = "cont", [VM_RESET] = "system_reset" };
	char *before;

	*state = NULL;
	*already = 0;
	if (vm_handle_need_qmp(h, err) < 0 || read_state(h, &before, err) < 0)
		return -1;
	if ((op == VM_PAUSE && !strcmp(before, "paused")) || (op == VM_RESUME && !strcmp(before, "running"))) {
		*already = 1;
		*state = before;
		return 0;
	}
	if (op == VM_RESUME && !strcmp(before, "suspended")) {
		/* cont does not wake a guest in S3; system_wakeup does */
		free(before);
		if (qmp_simple(h->qmp, "system_wakeup", &err->msg) < 0)
			return -1;
		return read_state(h, state, err);
	}
	free(before);
	if (qmp_simple(h->qmp, cmds[op], &err->msg) < 0)
		return -1;
	return read_state(h, state, err);
}

static int set_shutdown_action(struct vm_handle *h, const char *action, struct err *err)
{
	return qmp_execute(h->qmp, "set-action", json_pack("{s:s}", "shutdown", action), NULL, &err->msg);
}

int vm_reboot(struct vm_handle *h, const struct vm_reboot_opts *o, enum vm_reboot_how *how, struct err *err)
{
	struct err restore = ERR_INIT;
	char *state = NULL;
	int ret = -1, r;

	if (vm_handle_need_qmp(h, err) < 0 || read_state(h, &state, err) < 0)
		return -1;
	if (strcmp(state, "running")) {
		strbuf_addf(&err->msg, "the guest is %s, not running: it cannot hear the power button", state);
		err_hintf(err, "'mvlaunch resume %s' first, or 'mvlaunch reset %s' to restart it hard", h->rt.name,
			  h->rt.name);
		free(state);
		return -1;
	}
	free(state);
	if (!o->acpi) {
		*how = REBOOT_RESET;
		return qmp_simple(h->qmp, "system_reset", &err->msg);
	}
	/* when the guest powers off, QEMU pauses instead of exiting: it is ours to reset */
	if (set_shutdown_action(h, "pause", err) < 0)
		return -1;
	if (qmp_simple(h->qmp, "system_powerdown", &err->msg) < 0)
		goto out;
	r = qmp_wait_event(h->qmp, "SHUTDOWN", o->timeout_ms, NULL, &err->msg);
	if (r == 0) {
		*how = REBOOT_ACPI;
	} else if (interrupt_pending()) {
		strbuf_reset(&err->msg);
		strbuf_addf(&err->msg, "interrupted by %s while the guest shut down; it goes on running (or shutting down)",
			    interrupt_name(interrupt_pending()));
		goto out;
	} else if (o->reset_after) {
		*how = REBOOT_RESET;
	} else {
		*how = REBOOT_TIMEOUT;
		strbuf_reset(&err->msg);
		ret = 0;
		goto out;
	}
	strbuf_reset(&err->msg);
	if (qmp_simple(h->qmp, "system_reset", &err->msg) < 0)
		goto out;
	/* after the SHUTDOWN the VM is paused; after a timeout it may have shut down meanwhile too: cont if paused */
	{
		char *now = NULL;

		if (read_state(h, &now, err) < 0)
			goto out;
		if (strcmp(now, "running") && qmp_simple(h->qmp, "cont", &err->msg) < 0) {
			free(now);
			goto out;
		}
		free(now);
	}
	ret = 0;
out:
	/* a guest that shuts down from now on powers off again */
	if (set_shutdown_action(h, "poweroff", &restore) < 0 && ret == 0) {
		strbuf_addstr(&err->msg, restore.msg.buf);
		ret = -1;
	}
	err_release(&restore);
	return ret;
}

int vm_qmp_command(struct vm_handle *h, const char *cmd, const char *args, json_t **ret, struct err *err)
{
	json_t *a = NULL;

	*ret = NULL;
	if (!strcmp(cmd, "quit")) {
		strbuf_addstr(&err->msg, "'quit' stops QEMU behind mvlaunch's back");
		err_hintf(err, "'mvlaunch down --force %s' stops it and cleans up after it", h->rt.name);
		return -1;
	}
	if (!strcmp(cmd, "qmp_capabilities")) {
		strbuf_addstr(&err->msg, "'qmp_capabilities' was sent when mvlaunch connected");
		return -1;
	}
	if (args) {
		json_error_t je;

		a = json_loads(args, JSON_REJECT_DUPLICATES, &je);
		if (!a) {
			strbuf_addf(&err->msg, "the arguments are not JSON: %s (column %d)", je.text, je.column);
			err_hintf(err, "give an object, e.g. '{\"path\": \"/machine\", \"property\": \"type\"}'");
			return -1;
		}
		if (!json_is_object(a)) {
			json_decref(a);
			strbuf_addstr(&err->msg, "the arguments must be a JSON object ({...})");
			return -1;
		}
	}
	if (vm_handle_need_qmp(h, err) < 0) {
		json_decref(a);
		return -1;
	}
	return qmp_execute(h->qmp, cmd, a, ret, &err->msg);
}
