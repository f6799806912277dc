/*
 * cmd_qmp.c - 'mvlaunch qmp': send one QMP command to a running VM and print
 * QEMU's reply (launcher/vm/vm_control.c sends it).
 */
#include <stdio.h>
#include <stdlib.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/vm_control.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/banned.h"

int cmd_qmp(int argc, char **argv, const struct mvl_opts *opts)
{
	int compact = 0;
	const struct opt options[] = {
		OPT_BOOL(0, "compact", &compact, "print the reply on one line"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "qmp", .operands = "<name> <command> [<json-args>]", .min = 2, .max = 3, .opts = options,
		.text = "Send one QMP command to running VM <name> and print QEMU's reply (its\n"
			"\"return\" value, as JSON). <json-args> is the command's arguments as a JSON\n"
			"object. While it runs, no other mvlaunch command talks to the VM's QEMU.\n"
			"Example: mvlaunch qmp win11 qom-get '{\"path\": \"/machine\", \"property\": \"type\"}'",
	};
	struct vm_handle h = VM_HANDLE_INIT;
	struct err err = ERR_INIT;
	json_t *reply = NULL;
	int ret;

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (attach_running(argv[0], opts, &h, "QMP is a running VM's", &ret) < 0)
		goto out;
	if (vm_qmp_command(&h, argv[1], argc > 2 ? argv[2] : NULL, &reply, &err) < 0) {
		err_print(&err);
		ret = MVL_EXIT_FAILURE;
		goto out;
	}
	{
		char *text = json_dumps(reply, JSON_ENCODE_ANY | JSON_PRESERVE_ORDER | (compact ? JSON_COMPACT : JSON_INDENT(2)));

		printf("%s\n", text ? text : "null");
		free(text);
	}
	ret = MVL_EXIT_OK;
out:
	json_decref(reply);
	err_release(&err);
	vm_handle_release(&h);
	return ret;
}
