/*
 * cmd_help.c - 'mvlaunch help [COMMAND|config]'.
 *
 * Without an argument: the command list from main.c's table. With a command:
 * that command's usage. 'help config' prints the config key reference from
 * vm_config.c's key table, the same text README.md carries.
 */
#include <stdio.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "config/host_config.h"
#include "config/vm_config.h"
#include "util/usage.h"
#include "util/banned.h"

int cmd_help(int argc, char **argv, const struct mvl_opts *opts)
{
	const struct opt options[] = {
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "help", .operands = "[<command> | config | host-config]", .min = 0, .max = 1, .opts = options,
		.text = "Show the commands, one command's usage, or (config) every VM config key\n"
			"with its type, default, the QEMU option it becomes and what it is for,\n"
			"or (host-config) every key of host.toml.",
	};
	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (argc == 0) {
		commands_list();
		return MVL_EXIT_OK;
	}
	if (!strcmp(argv[0], "config")) {
		vm_config_write_reference(stdout);
		return MVL_EXIT_OK;
	}
	if (!strcmp(argv[0], "host-config")) {
		host_config_write_reference(stdout);
		return MVL_EXIT_OK;
	}
	return commands_help(argv[0], opts);
}
