/*
 * cmd_argv.c - 'mvlaunch argv': print the QEMU command line a VM runs with.
 *
 * Changes nothing. The same builder (and, for "auto" VMs, the same planner)
 * as 'up', so what is printed is what runs, but for one thing: 'up' hands
 * QEMU its QMP socket already listening as fd 3, where this prints the
 * path, so the output also runs on its own. Default output: one shell-quoted argument per line,
 * joined with " \" so the whole can be pasted into a shell; --json gives a
 * JSON array of strings for scripts.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "host_plan.h"
#include "paths.h"
#include "qemu_argv.h"
#include "vm_load.h"
#include "../util/quote.h"
#include "../util/usage.h"
#include "../util/wrapper.h"
#include "../util/banned.h"

static const char usage_argv[] =
	"usage: mvlaunch argv [--json] [--bare] [--topology FILE.xml] <vm>\n"
	"\n"
	"Print the qemu-system-x86_64 command line for <vm> (a NAME or a path to a .toml).\n"
	"\n"
	"    --json    a JSON array of strings instead of shell-quoted lines\n"
	"    --bare    leave out what 'up' adds at run time (-S, QMP socket, pidfile,\n"
	"              serial socket and log under $MVLAUNCH_RUNDIR/NAME)\n"
	"    --topology FILE.xml   plan an \"auto\" VM for that hwloc topology, not this host";

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
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "bare", no_argument, NULL, 'b' },
		{ "topology", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vm_config cfg;
	struct strvec qargv = STRVEC_INIT, notes = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	struct qemu_runtime rt = { .state_dir = mvl_state_root() };
	char *run_dir = NULL;
	const char *topology = NULL;
	struct host_plan hp;
	struct pin_plan plan = { .memory_node = -1 };
	int json = 0, bare = 0, planned = 0, c, ret = MVL_EXIT_FAILURE;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': json = 1; break;
		case 'b': bare = 1; break;
		case 'T': topology = optarg; break;
		case 'h': puts(usage_argv); return MVL_EXIT_OK;
		default: return usage_error(usage_argv);
		}
	}
	if (argc - optind != 1)
		return usage_error(usage_argv);

	memset(&hp, 0, sizeof(hp));
	if (vm_load(argv[optind], opts, &cfg) < 0)
		goto out;
	/* only "auto" VMs need the planner: topology, NUMA nodes and memory node come from it */
	if (cfg.pin_auto || cfg.topology_auto) {
		struct strvec notes_plan = STRVEC_INIT;

		if (host_plan_init(&hp, topology, NULL, opts, (const char *const *)&cfg.name, 1, &err) < 0 ||
		    pin_plan_build(&hp.host, &cfg, &plan, &notes_plan, &err) < 0) {
			error_lines(err.buf);
			strvec_clear(&notes_plan);
			goto out;
		}
		for (size_t i = 0; i < notes_plan.nr; i++)
			warning("%s", notes_plan.v[i]);
		strvec_clear(&notes_plan);
		planned = 1;
	}
	if (!bare) {
		run_dir = xstrfmt("%s/%s", mvl_run_root(), cfg.name);
		rt.run_dir = run_dir;
	}
	if (qemu_argv_build(&cfg, planned ? &plan : NULL, &rt, &qargv, &notes, &err) < 0) {
		error("cannot build the QEMU command line for '%s': %s", cfg.name, err.buf);
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
	free(run_dir);
	strvec_clear(&qargv);
	strvec_clear(&notes);
	strbuf_release(&err);
	vm_config_release(&cfg);
	return ret;
}
