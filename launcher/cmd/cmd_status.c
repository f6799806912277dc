/*
 * cmd_status.c - 'mvlaunch status': running VMs, their state and live pins.
 *
 * Exit code: 0; with one VM named, 3 when it is not running (crashed
 * included), as LSB and 'systemctl status' do.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/runtime.h"
#include "launcher/cmd/vm_show.h"
#include "launcher/vm/vm_status.h"
#include "launcher/vm/vm_host.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

struct status_ctx {
	struct vm_status *s;
	size_t nr;
};

static void print_human(const struct vm_status *s)
{
	printf("%s: %s", s->name, s->state);
	if (s->running) {
		long long u = s->uptime_s;

		printf(", pid %d, up %lld:%02lld:%02lld", (int)s->st.pid, u / 3600, u / 60 % 60, u % 60);
	} else if (s->st.pid) {
		char *log = runtime_log_path(s->name, "qemu.log");

		printf(" (QEMU pid %d is gone; its log: %s; 'mvlaunch down %s' cleans up)", (int)s->st.pid, log, s->name);
		free(log);
	}
	if (s->drift)
		printf(", PINS DRIFTED");
	if (s->running && s->config_changed == 1)
		printf(", CONFIG CHANGED since start ('mvlaunch down' and 'up' to apply it)");
	putchar('\n');
	if (s->reason && strcmp(s->state, "crashed"))	/* a crash is told above, with its log */
		printf("  why: %s\n", s->reason);
	if (s->has_cgroup) {
		struct strbuf sb = STRBUF_INIT;

		vm_cgroup_describe(&s->cg, &s->limits, &sb);
		printf("  %s%s%s\n", sb.buf, s->cgroup_error ? "; cannot read its limits: " : "",
		       s->cgroup_error ? s->cgroup_error : "");
		strbuf_release(&sb);
	}
	if (s->running)
		vm_threads_print(stdout, &s->st.threads, 1);
}

static int read_one(const char *name, void *data)
{
	struct status_ctx *ctx = data;

	ctx->s = xrealloc(ctx->s, (ctx->nr + 1) * sizeof(*ctx->s));
	vm_status_read(name, &ctx->s[ctx->nr++]);
	return 0;
}

int cmd_status(int argc, char **argv, const struct mvl_opts *opts)
{
	struct status_ctx ctx = { 0 };
	int json = 0, window_ms = -1;
	const struct opt options[] = {
		OPT_BOOL(0, "json", &json, "{\"vms\": [{\"name\", \"state\", \"pid\", \"uptime_s\", \"drift\",\n"
			 "\"config_changed\", \"reason\", \"log\", \"cgroup\", \"threads\": [...]}]}"),
		OPT_SECONDS(0, "window", &window_ms, "measure each thread's CPU use and run-queue delay over S\n"
			    "seconds (default a quarter second; 0: do not measure)"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "status", .operands = "[<name>]", .min = 0, .max = 1, .opts = options,
		.text = "Show every VM under the runtime root (or only <name>): its state from QMP,\n"
			"QEMU's pid and uptime, and each thread's CPUs as the kernel reports them now,\n"
			"marking any thread that drifted from its pin; each thread's CPU use, the time\n"
			"it waited for a CPU while ready to run (run-queue delay) and the CPU it last\n"
			"ran on, over a short window; whether the config changed since the start.\n"
			"A VM whose QEMU died is 'crashed'; one an 'up' is still starting (planned,\n"
			"QEMU starting or being pinned) is 'starting'. Exit 3 when the named VM is\n"
			"not running.",
	};
	int ret = MVL_EXIT_OK;

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (window_ms < 0)
		window_ms = 250;
	if (runtime_readable() < 0)
		return MVL_EXIT_FAILURE;
	if (argc == 1) {
		/* before anything else: a NAME that cannot be a VM never becomes a path */
		struct err err = ERR_INIT;
		int known = paths_vm_name_arg(argv[0], &opts->dirs, &err);

		if (known <= 0)
			err_print(&err);
		err_release(&err);
		if (known <= 0)
			return known < 0 ? MVL_EXIT_USAGE : MVL_EXIT_FAILURE;
	}
	{
		/* a crashed VM's hugepages and host knobs are given back first */
		struct strvec notes = STRVEC_INIT;
		struct err err = ERR_INIT;

		if (vm_host_reconcile(&opts->dirs, &notes, &err) < 0)
			err_print(&err);
		for (size_t i = 0; i < notes.nr; i++)
			warning("%s", notes.v[i]);
		strvec_clear(&notes);
		err_release(&err);
	}
	if (argc == 1) {
		if (!runtime_exists(argv[0]))
			ret = MVL_EXIT_NOT_RUNNING;
		else
			read_one(argv[0], &ctx);
		if (ctx.nr && !ctx.s[0].running)
			ret = MVL_EXIT_NOT_RUNNING;
	} else {
		runtime_for_each(read_one, &ctx);
	}
	if (window_ms > 0)
		vm_status_sample(ctx.s, ctx.nr, window_ms);
	if (json) {
		json_t *vms = json_array();
		char *text;

		for (size_t i = 0; i < ctx.nr; i++)
			json_array_append_new(vms, vm_status_json(&ctx.s[i]));
		{
			json_t *o = json_pack("{s:o}", "vms", vms);

			text = json_dumps(o, JSON_INDENT(2));
			json_decref(o);
		}
		puts(text);
		free(text);
	} else if (argc == 1 && !ctx.nr) {
		printf("%s: not running\n", argv[0]);
	} else if (!ctx.nr) {
		printf("no VMs are running\n");
	}
	for (size_t i = 0; i < ctx.nr; i++) {
		if (!json)
			print_human(&ctx.s[i]);
		vm_status_release(&ctx.s[i]);
	}
	free(ctx.s);
	return ret;
}
