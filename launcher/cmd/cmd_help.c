/*
 * cmd_help.c - 'mvlaunch help [COMMAND|config]'.
 *
 * Without an argument: the command list from main.c's table. With a command:
 * that command's usage. 'help config' prints the config key reference from
 * vm_config.c's key table, the same text README.md carries.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "config/host_config.h"
#include "config/vm_config.h"
#include "util/usage.h"
#include "util/banned.h"

static const char usage_help[] =
	"usage: mvlaunch help [<command> | config | host-config]\n"
	"\n"
	"Show the commands, one command's usage, or (config) every VM config key\n"
	"with its type, default, the QEMU option it becomes and what it is for,\n"
	"or (host-config) every key of host.toml.";

int cmd_help(int argc, char **argv, const struct mvl_opts *opts)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (c == 'h') {
			puts(usage_help);
			return MVL_EXIT_OK;
		}
		return usage_error(usage_help);
	}
	if (argc - optind > 1)
		return usage_error(usage_help);
	if (argc == optind) {
		commands_list();
		return MVL_EXIT_OK;
	}
	if (!strcmp(argv[optind], "config")) {
		vm_config_write_reference(stdout);
		return MVL_EXIT_OK;
	}
	if (!strcmp(argv[optind], "host-config")) {
		host_config_write_reference(stdout);
		return MVL_EXIT_OK;
	}
	return commands_help(argv[optind], opts);
}
