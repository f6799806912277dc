/*
 * cmd_pause.c - 'mvlaunch pause', 'resume', 'reset' and 'reboot': act on a
 * running VM without a restart (launcher/vm/vm_control.c does the QMP).
 * Each prints QEMU's state as read back after the act.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/vm_control.h"
#include "launcher/vm/vm_load.h"
#include "util/err.h"
#include "util/interrupt.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

static int control(int argc, char **argv, const struct mvl_opts *opts, enum vm_control_op op)
{
	static const char *const names[] = { [VM_PAUSE] = "pause", [VM_RESUME] = "resume", [VM_RESET] = "reset" };
	static const char *const texts[] = {
		[VM_PAUSE] = "Pause running VM <name>: its vCPUs stop (QMP stop), its memory and devices\n"
			     "stay as they are; 'mvlaunch resume' goes on where it stopped.",
		[VM_RESUME] = "Resume paused VM <name> (QMP cont; a guest in S3 sleep is woken), as after\n"
			      "'mvlaunch pause' or 'mvlaunch up --paused'.",
		[VM_RESET] = "Reset VM <name> at once, as the reset button does: the guest is not asked\n"
			     "and loses what it has not written. 'mvlaunch reboot' asks it first.",
	};
	const struct opt options[] = {
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = names[op], .operands = "<name>", .min = 1, .max = 1, .opts = options, .text = texts[op],
	};
	struct vm_handle h = VM_HANDLE_INIT;
	struct err err = ERR_INIT;
	char *state = NULL;
	int ret, already;

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (attach_running(argv[0], opts, &h, "only a running VM can be paused, resumed or reset", &ret) < 0)
		goto out;
	if (vm_control(&h, op, &state, &already, &err) < 0) {
		err_print(&err);
		ret = MVL_EXIT_FAILURE;
		goto out;
	}
	if (already)
		printf("%s: already %s\n", argv[0], state);
	else
		printf("%s: %s%s\n", argv[0], op == VM_RESET ? "reset, now " : "", state);
	ret = MVL_EXIT_OK;
out:
	free(state);
	err_release(&err);
	vm_handle_release(&h);
	return ret;
}

int cmd_pause(int argc, char **argv, const struct mvl_opts *opts)
{
	return control(argc, argv, opts, VM_PAUSE);
}

int cmd_resume(int argc, char **argv, const struct mvl_opts *opts)
{
	return control(argc, argv, opts, VM_RESUME);
}

int cmd_reset(int argc, char **argv, const struct mvl_opts *opts)
{
	return control(argc, argv, opts, VM_RESET);
}

int cmd_reboot(int argc, char **argv, const struct mvl_opts *opts)
{
	int timeout_ms = -1, reset_after = 0;
	const struct opt options[] = {
		OPT_SECONDS(0, "timeout", &timeout_ms, "how long the guest gets to shut down (default: its\n"
			    "service.stop_timeout)"),
		OPT_BOOL(0, "reset-after", &reset_after, "reset the guest if it has not shut down by then"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "reboot", .operands = "<name>", .min = 1, .max = 1, .opts = options,
		.text = "Reboot running VM <name>: press its ACPI power button and, once the guest has\n"
			"shut down, reset and resume it in the same QEMU (its pins, devices and runtime\n"
			"files stay). A guest without ACPI (machine.acpi = false) is reset at once. A\n"
			"guest that has not shut down by the timeout is left running (exit 1), or with\n"
			"--reset-after is reset.",
	};
	struct vm_handle h = VM_HANDLE_INIT;
	struct vm_config cfg;
	struct err err = ERR_INIT;
	struct vm_reboot_opts o = { .acpi = 1 };
	enum vm_reboot_how how;
	int ret, loaded;

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	/* the config says whether the guest has ACPI and how long it takes to stop; its name is checked here too */
	loaded = vm_load(argv[0], &opts->dirs, &cfg, &err) == 0;
	if (loaded) {
		o.acpi = cfg.acpi != 0;
		o.timeout_ms = (int)cfg.stop_timeout * 1000;
	} else {
		o.timeout_ms = 60000;
	}
	err_reset(&err);
	if (timeout_ms >= 0)
		o.timeout_ms = timeout_ms;
	o.reset_after = reset_after;
	if (attach_running(argv[0], opts, &h, "only a running VM can be rebooted", &ret) < 0)
		goto out;
	interrupt_arm();
	if (vm_reboot(&h, &o, &how, &err) < 0) {
		err_print(&err);
		ret = interrupt_pending() ? 128 + interrupt_take() : MVL_EXIT_FAILURE;
		goto disarm;
	}
	switch (how) {
	case REBOOT_ACPI:
		printf("%s: the guest shut down; reset and resumed\n", argv[0]);
		ret = MVL_EXIT_OK;
		break;
	case REBOOT_RESET:
		printf("%s: %s; reset\n", argv[0], o.acpi ? "the guest did not shut down in time" :
		       "the guest has no ACPI (machine.acpi = false), so it cannot be asked");
		ret = MVL_EXIT_OK;
		break;
	case REBOOT_TIMEOUT:
		error("'%s' did not shut down in %d s: it ignores the power button or is still shutting down; it is "
		      "left running", argv[0], o.timeout_ms / 1000);
		hint("'mvlaunch reboot --reset-after %s' resets it after the wait, 'mvlaunch reset %s' at once",
		     argv[0], argv[0]);
		ret = MVL_EXIT_FAILURE;
		break;
	}
disarm:
	interrupt_disarm();
out:
	vm_config_release(&cfg);
	err_release(&err);
	vm_handle_release(&h);
	return ret;
}
