/*
 * cmd_list.c - 'mvlaunch list': one line per VM, the running ones or (with
 * --all) every config too, with state, size, pins, autostart and uptime.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_list.h"
#include "util/err.h"
#include "util/size.h"
#include "util/usage.h"
#include "util/banned.h"

/* "45s", "12m", "3h 5m", "2d 4h" */
static void format_uptime(long long s, struct strbuf *sb)
{
	if (s < 0)
		strbuf_addstr(sb, "-");
	else if (s < 60)
		strbuf_addf(sb, "%llds", s);
	else if (s < 3600)
		strbuf_addf(sb, "%lldm", s / 60);
	else if (s < 86400)
		strbuf_addf(sb, "%lldh %lldm", s / 3600, s % 3600 / 60);
	else
		strbuf_addf(sb, "%lldd %lldh", s / 86400, s % 86400 / 3600);
}

static json_t *entry_json(const struct vm_list_entry *e)
{
	json_t *o = json_object();

	json_object_set_new(o, "name", json_string(e->name));
	json_object_set_new(o, "state", json_string(e->state));
	json_object_set_new(o, "vcpus", e->vcpus >= 0 ? json_integer(e->vcpus) : json_null());
	json_object_set_new(o, "memory_bytes", e->memory_bytes ? json_integer((json_int_t)e->memory_bytes) : json_null());
	json_object_set_new(o, "autostart", json_boolean(e->autostart));
	json_object_set_new(o, "pid", e->pid ? json_integer(e->pid) : json_null());
	json_object_set_new(o, "uptime_s", e->uptime_s >= 0 ? json_integer(e->uptime_s) : json_null());
	json_object_set_new(o, "pins", json_string(e->pins ? e->pins : "-"));
	if (e->error)
		json_object_set_new(o, "error", json_string(e->error));
	return o;
}

int cmd_list(int argc, char **argv, const struct mvl_opts *opts)
{
	int all = 0, as_json = 0;
	const struct opt options[] = {
		OPT_BOOL('a', "all", &all, "also the VMs that are not running (every config in the VMs directory)"),
		OPT_BOOL(0, "json", &as_json, "one JSON object: {\"vms\": [{\"name\", \"state\", \"vcpus\", ...}]}"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "list", .operands = NULL, .min = 0, .max = 0, .opts = options,
		.text = "One line per running VM (with --all, per config in the VMs directory too):\n"
			"name, state (running, paused, starting, crashed, stopped, ...), vCPUs,\n"
			"memory, where its vCPUs run (running) or are to run (stopped), whether its\n"
			"systemd unit is enabled (autostart), QEMU's pid and uptime. 'mvlaunch\n"
			"status' shows each thread's pins.",
	};
	struct vm_list_entry *e;
	size_t nr;

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (runtime_readable() < 0)
		return MVL_EXIT_FAILURE;
	nr = vm_list(&opts->dirs, all, &e);
	if (as_json) {
		json_t *vms = json_array();
		char *text;

		for (size_t i = 0; i < nr; i++)
			json_array_append_new(vms, entry_json(&e[i]));
		{
			json_t *o = json_pack("{s:o}", "vms", vms);

			text = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			json_decref(o);
		}
		printf("%s\n", text);
		free(text);
	} else {
		printf("%-20s %-10s %5s %7s  %-22s %-9s %8s  %s\n", "NAME", "STATE", "VCPUS", "MEMORY", "PINS", "AUTOSTART",
		       "PID", "UPTIME");
		for (size_t i = 0; i < nr; i++) {
			struct strbuf mem = STRBUF_INIT, up = STRBUF_INIT, vc = STRBUF_INIT, pid = STRBUF_INIT;

			if (e[i].memory_bytes)
				size_format(e[i].memory_bytes, &mem);
			else
				strbuf_addstr(&mem, "-");
			if (e[i].vcpus >= 0)
				strbuf_addf(&vc, "%d", e[i].vcpus);
			else
				strbuf_addstr(&vc, "-");
			if (e[i].pid)
				strbuf_addf(&pid, "%d", (int)e[i].pid);
			else
				strbuf_addstr(&pid, "-");
			format_uptime(e[i].uptime_s, &up);
			printf("%-20s %-10s %5s %7s  %-22s %-9s %8s  %s\n", e[i].name, e[i].state, vc.buf, mem.buf,
			       e[i].pins ? e[i].pins : "-", e[i].autostart ? "yes" : "no", pid.buf, up.buf);
			if (e[i].error)
				warning("%s", e[i].error);
			strbuf_release(&mem);
			strbuf_release(&up);
			strbuf_release(&vc);
			strbuf_release(&pid);
		}
	}
	vm_list_free(e, nr);
	return MVL_EXIT_OK;
}
