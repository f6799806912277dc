/*
 * cmd_argv.c - 'mvlaunch argv': print the QEMU command line a VM runs with.
 *
 * Changes nothing. The same planner (vm_plan_one()) and builder as 'up', so
 * what is printed is exactly what 'up' runs now, down to the QMP socket
 * 'up' passes as fd 3 and the NICs' taps it opens as 4, 5, ... (a test
 * compares it with QEMU's /proc/PID/cmdline). --bare leaves out what 'up'
 * adds at run time, for a command line that runs on its own (tap and
 * bridge NICs but: their taps are then fds 3, 4, ... for the caller to pass). Default output: one shell-quoted argument per line,
 * joined with " \" so the whole can be pasted into a shell; --json gives a
 * JSON array of strings for scripts.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/vm_plan.h"
#include "util/err.h"
#include "util/quote.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

static void print_shell(const struct strvec *argv)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < argv->nr; i++) {
		sq_quote(&sb, argv->v[i]);
		strbuf_addstr(&sb, i + 1 < argv->nr ? " \\\n" : "\n");
	}
	fputs(sb.buf, stdout);
	strbuf_release(&sb);
}

static int print_json(const struct strvec *argv)
{
	json_t *arr = json_array();
	char *s;

	for (size_t i = 0; i < argv->nr; i++) {
		json_t *str = json_string(argv->v[i]);

		if (!str) {
			json_decref(arr);
			return error("argument '%s' is not valid UTF-8 and cannot be printed as JSON", argv->v[i]);
		}
		json_array_append_new(arr, str);
	}
	s = json_dumps(arr, JSON_COMPACT);
	puts(s);
	free(s);
	json_decref(arr);
	return 0;
}

int cmd_argv(int argc, char **argv, const struct mvl_opts *opts)
{
	struct vm_config cfg;
	struct strvec qargv = STRVEC_INIT, notes = STRVEC_INIT;
	struct err err = ERR_INIT;
	struct qemu_runtime rt = { 0 };
	const char *topology = NULL;
	struct host_plan hp = HOST_PLAN_INIT;
	struct pin_plan plan = { .memory_node = -1 };
	int json = 0, bare = 0, uuid_kept, ret = MVL_EXIT_FAILURE;
	const struct opt options[] = {
		OPT_BOOL(0, "json", &json, "a JSON array of strings instead of shell-quoted lines"),
		OPT_BOOL(0, "bare", &bare, "leave out what 'up' adds at run time (-S, the QMP\n"
			 "socket on fd 3, pidfile, serial socket and log)"),
		OPT_STRING(0, "topology", &topology, "FILE.xml", "plan for that hwloc topology instead of this host"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "argv", .operands = "<vm>", .min = 1, .max = 1, .opts = options,
		.text = "Print the qemu-system-x86_64 command line 'up' would run for <vm> now (a NAME\n"
			"or a path to a .toml): planned the same way, next to the VMs running here.\n"
			"Its QMP socket is fd 3 and its NICs' taps 4, 5, ..., which 'up' opens and\n"
			"passes; --bare gives a line that runs alone (taps, if any: fds 3, 4, ...).",
	};

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);

	if (load_vm(argv[0], opts, &cfg) < 0)
		goto out;
	/* planned as 'up' plans it: topology, NUMA binding and pins come from the same plan */
	if (vm_plan_one(&cfg, topology, &opts->dirs, &hp, &plan, &notes, &err) < 0) {
		err_print(&err);
		goto out;
	}
	if (vm_plan_qemu_runtime(&cfg, bare, &rt, &uuid_kept, &err) < 0) {
		err_print(&err);
		goto out;
	}
	if (qemu_argv_build(&cfg, &plan, &rt, &qargv, &notes, &err.msg) < 0) {
		error("cannot build the QEMU command line for '%s': %s", cfg.name, err.msg.buf);
		goto out;
	}
	for (size_t i = 0; i < notes.nr; i++)
		warning("%s", notes.v[i]);
	if (json ? print_json(&qargv) < 0 : (print_shell(&qargv), 0))
		goto out;
	ret = MVL_EXIT_OK;
out:
	pin_plan_release(&plan);
	host_plan_release(&hp);
	vm_plan_qemu_runtime_release(&rt);
	strvec_clear(&qargv);
	strvec_clear(&notes);
	err_release(&err);
	vm_config_release(&cfg);
	return ret;
}
