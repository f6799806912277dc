/*
 * cmd_map.c - 'mvlaunch map': the host as a picture, each CPU labelled with
 * the VM thread that runs there, the host's or free (launcher/plan/host_map.c
 * draws it). Also the picture 'plan' prints after its table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/host_plan.h"
#include "launcher/vm/vm_map.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/banned.h"

/* The terminal's width (100 off a terminal, at most 160), colours unless NO_COLOR or not a terminal */
static unsigned out_width(int *color)
{
	struct winsize ws;
	const char *nc = getenv("NO_COLOR");

	*color = isatty(STDOUT_FILENO) && !(nc && *nc);
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col > 160 ? 160 : ws.ws_col;
	return 100;
}

void print_host_map(const struct host_plan *hp, const struct vm_map *m)
{
	struct strbuf out = STRBUF_INIT;
	int color;
	unsigned width = out_width(&color);

	host_map_text(&hp->topo, &hp->host.reserved, m->vms, m->nr, width, color, &out);
	fputs(out.buf, stdout);
	strbuf_release(&out);
}

int cmd_map(int argc, char **argv, const struct mvl_opts *opts)
{
	const char *topology = NULL, *host_config = NULL;
	int json = 0, ret = MVL_EXIT_FAILURE;
	const struct opt options[] = {
		OPT_BOOL(0, "json", &json, "every CPU with its place and users, as JSON"),
		OPT_STRING(0, "topology", &topology, "FILE.xml", "draw an hwloc XML topology instead of this host"),
		OPT_STRING(0, "host-config", &host_config, "FILE", "host settings (reserved_cpus) instead of\n"
			 "VMS_DIR/host.toml"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "map", .operands = NULL, .min = 0, .max = 0, .opts = options,
		.text = "Draw this host: sockets, NUMA nodes, L3 groups, cores and their SMT threads,\n"
			"each CPU labelled with the running VM thread pinned there (a3: vCPU 3 of VM\n"
			"a; aE, aI: its emulator threads, iothreads; a-: owned, idle), H for a CPU\n"
			"the host keeps, . for a free one; a legend names the VMs. Colours on a\n"
			"terminal (not with NO_COLOR set). 'plan' draws its VMs the same way.",
	};
	struct host_plan hp = HOST_PLAN_INIT;
	struct vm_map m = VM_MAP_INIT;
	struct err err = ERR_INIT;

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (host_plan_init(&hp, topology, host_config, &opts->dirs, NULL, 0, &err) < 0) {
		err_print(&err);
		goto out;
	}
	if (!topology)
		vm_map_add_running(&m, NULL, 0);
	if (json) {
		json_t *o = host_map_json(&hp.topo, &hp.host.reserved, m.vms, m.nr);
		char *text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);

		puts(text);
		free(text);
		json_decref(o);
	} else {
		struct strbuf s = STRBUF_INIT;

		cpuset_format(&hp.host.reserved, &s);
		printf("%s: %u CPUs, %zu cores, %zu NUMA node%s, %s; reserved for the host: %s\n", hp.topo.source,
		       cpuset_count(&hp.topo.all), hp.topo.nr_cores, hp.topo.nr_nodes, hp.topo.nr_nodes == 1 ? "" : "s",
		       hp.topo.max_threads > 1 ? "SMT" : "no SMT", s.len ? s.buf : "none");
		strbuf_release(&s);
		print_host_map(&hp, &m);
	}
	ret = MVL_EXIT_OK;
out:
	vm_map_release(&m);
	host_plan_release(&hp);
	err_release(&err);
	return ret;
}
