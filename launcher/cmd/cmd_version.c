/*
 * cmd_version.c - 'mvlaunch version': print the version.
 */
#include <getopt.h>
#include <stdio.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/version.h"
#include "util/usage.h"
#include "util/banned.h"

static const char usage_version[] = "usage: mvlaunch version\n\nPrint mvlaunch's version (same as 'mvlaunch --version').";

int cmd_version(int argc, char **argv, const struct mvl_opts *opts)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	(void)opts;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (c == 'h') {
			puts(usage_version);
			return MVL_EXIT_OK;
		}
		return usage_error(usage_version);
	}
	if (optind != argc)
		return usage_error(usage_version);
	printf("mvlaunch %s\n", MVL_VERSION);
	return MVL_EXIT_OK;
}
