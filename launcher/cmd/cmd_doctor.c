/*
 * cmd_doctor.c - 'mvlaunch doctor': prove a running VM's tuning is live by
 * watching it (launcher/vm/vm_doctor.c), reported as 'check' reports.
 */
#include <stdio.h>
#include <stdlib.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/vm_doctor.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/banned.h"

int cmd_doctor(int argc, char **argv, const struct mvl_opts *opts)
{
	int json = 0, window_ms = 5000, ret = MVL_EXIT_FAILURE;
	const struct opt options[] = {
		OPT_SECONDS(0, "seconds", &window_ms, "how long to watch (default 5)"),
		OPT_BOOL(0, "json", &json, "the findings as JSON, as 'check --json' prints them"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "doctor", .operands = "<name>", .min = 1, .max = 1, .opts = options,
		.text = "Watch running VM <name> for a few seconds and prove its tuning is live: its\n"
			"vCPUs ran only on their pins; no other task and no device interrupt reached\n"
			"its dedicated CPUs (the worst named, with the fix); their frequency governor;\n"
			"huge pages under its RAM, per host node; with cpu_pm, no HLT exits. Each\n"
			"finding PASS, WARN or FAIL as in 'check'. Exit 1 when one FAILs.",
	};
	struct check_report r;
	struct vm_doctor_opts o = { .dirs = &opts->dirs };
	struct err err = ERR_INIT;
	int known;

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (window_ms <= 0) {
		error("--seconds 0: give 1 or more");
		return MVL_EXIT_USAGE;
	}
	o.window_ms = window_ms;
	known = paths_vm_name_arg(argv[0], &opts->dirs, &err);
	if (known <= 0) {
		err_print(&err);
		err_release(&err);
		return known < 0 ? MVL_EXIT_USAGE : MVL_EXIT_FAILURE;
	}
	check_report_init(&r);
	r.vm = argv[0];
	if (vm_doctor(argv[0], &o, &r, &err) < 0) {
		err_print(&err);
		goto out;
	}
	if (json) {
		json_t *j = check_report_json(&r);
		char *text = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		puts(text);
		free(text);
		json_decref(j);
	} else {
		check_report_print(&r, stdout);
	}
	ret = check_count(&r, CHECK_FAIL) ? MVL_EXIT_FAILURE : MVL_EXIT_OK;
out:
	check_report_release(&r);
	err_release(&err);
	return ret;
}
