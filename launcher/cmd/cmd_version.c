/*
 * cmd_version.c - 'mvlaunch version': print the version.
 */
#include <stdio.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/cmd/version.h"
#include "util/usage.h"
#include "util/banned.h"

int cmd_version(int argc, char **argv, const struct mvl_opts *opts)
{
	const struct opt options[] = {
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "version", .operands = NULL, .min = 0, .max = 0, .opts = options,
		.text = "Print mvlaunch's version (same as 'mvlaunch --version').",
	};
	(void)opts;
	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	printf("mvlaunch %s\n", MVL_VERSION);
	return MVL_EXIT_OK;
}
