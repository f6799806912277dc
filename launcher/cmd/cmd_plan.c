/*
 * cmd_plan.c - 'mvlaunch plan': where VMs' threads and memory would go.
 *
 * Changes nothing. Plans the named VMs together, in order, as one host
 * layout next to the VMs already running (or on an hwloc XML topology), with
 * the same planner 'up' uses, and prints each VM's vCPU, emulator and
 * iothread CPUs, guest topology and NUMA binding, and the host's reserved
 * CPUs and the kernel command line the layout wants. --json is a contract.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "launcher/vm/vm_map.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/host_plan.h"
#include "launcher/vm/vm_state.h"
#include "util/err.h"
#include "util/size.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

static json_t *plan_json(const struct vm_config *cfg, const struct pin_plan *p)
{
	json_t *vm = json_object(), *vcpus = json_array(), *numa = json_array();
	struct strbuf sz = STRBUF_INIT;

	json_object_set_new(vm, "name", json_string(cfg->name));
	for (size_t i = 0; i < p->nr_vcpus; i++)
		json_array_append_new(vcpus, json_pack("{s:i,s:o}", "vcpu", (int)i, "cpus", cpuset_to_json(&p->vcpu[i])));
	json_object_set_new(vm, "vcpus", vcpus);
	json_object_set_new(vm, "emulator", cpuset_to_json(&p->emulator));
	json_object_set_new(vm, "iothreads", cpuset_to_json(&p->iothread));
	if (p->nr_io_pins) {	/* [[iothread]]s with CPUs of their own */
		json_t *io = json_object();

		for (size_t i = 0; i < p->nr_io_pins; i++)
			json_object_set_new(io, p->io_pins[i].id, cpuset_to_json(&p->io_pins[i].cpus));
		json_object_set_new(vm, "iothread_cpus", io);
	}
	json_object_set_new(vm, "topology", json_pack("{s:i,s:i,s:i}", "sockets", (int)p->sockets,
						      "cores", (int)p->cores, "threads", (int)p->threads));
	if (p->nr_numa) {
		for (size_t i = 0; i < p->nr_numa; i++) {
			strbuf_reset(&sz);
			size_format(p->numa[i].mem_bytes, &sz);
			static const char *const policy[] = { "bind", "preferred", "interleave" };
			static const char *const pages[] = { "none", "2M", "1G" };

			json_array_append_new(numa, json_pack("{s:i,s:o,s:o,s:s,s:s,s:s}", "guest_node",
							      (int)p->numa[i].guest_node, "host_nodes",
							      cpuset_to_json(&p->numa[i].host_nodes), "vcpus",
							      cpuset_to_json(&p->numa[i].vcpus), "memory", sz.buf, "policy",
							      policy[p->numa[i].policy], "hugepages", pages[p->numa[i].hugepages]));
		}
	} else {
		struct cpuset all;

		cpuset_zero(&all);
		for (size_t i = 0; i < p->nr_vcpus; i++)
			cpuset_set(&all, (unsigned)i);
		size_format(cfg->mem_bytes, &sz);
		if (p->memory_node >= 0)
			json_array_append_new(numa, json_pack("{s:i,s:[i],s:o,s:s}", "guest_node", 0, "host_nodes",
							      p->memory_node, "vcpus", cpuset_to_json(&all), "memory", sz.buf));
		else
			json_array_append_new(numa, json_pack("{s:i,s:[],s:o,s:s}", "guest_node", 0, "host_nodes", "vcpus",
							      cpuset_to_json(&all), "memory", sz.buf));
	}
	json_object_set_new(vm, "numa", numa);
	json_object_set_new(vm, "dedicated", json_boolean(p->dedicated));
	json_object_set_new(vm, "owned", cpuset_to_json(&p->owned));
	strbuf_release(&sz);
	return vm;
}

static void print_plan(const struct vm_config *cfg, const struct pin_plan *p)
{
	struct strbuf s = STRBUF_INIT;

	struct cpuset floating;

	/* a vCPU pinned to more than one CPU floats, even inside a dedicated VM's own CPUs */
	cpuset_zero(&floating);
	for (size_t i = 0; i < p->nr_vcpus; i++)
		if (cpuset_count(&p->vcpu[i]) > 1)
			cpuset_set(&floating, (unsigned)i);
	if (!p->dedicated)
		strbuf_addstr(&s, "floating over the shared pool");
	else if (cpuset_empty(&floating))
		strbuf_addstr(&s, "dedicated");
	else if (cpuset_count(&floating) == p->nr_vcpus)
		strbuf_addstr(&s, "floating over CPUs the VM owns");
	else {
		strbuf_addstr(&s, "dedicated; vCPU");
		strbuf_addstr(&s, cpuset_count(&floating) == 1 ? " " : "s ");
		cpuset_format(&floating, &s);
		strbuf_addstr(&s, " float over CPUs the VM owns");
	}
	printf("%s: %u vCPU%s (%s), guest topology %u socket%s x %u core%s x %u thread%s\n", cfg->name, cfg->vcpus,
	       cfg->vcpus == 1 ? "" : "s", s.buf, p->sockets, p->sockets == 1 ? "" : "s", p->cores,
	       p->cores == 1 ? "" : "s", p->threads, p->threads == 1 ? "" : "s");
	for (size_t i = 0; i < p->nr_vcpus; i++) {
		strbuf_reset(&s);
		cpuset_format(&p->vcpu[i], &s);
		printf("  vcpu%-3zu -> %s\n", i, s.buf);
	}
	strbuf_reset(&s);
	cpuset_format(&p->emulator, &s);
	printf("  emulator -> %s\n", s.buf);
	strbuf_reset(&s);
	cpuset_format(&p->iothread, &s);
	printf("  iothreads -> %s\n", s.buf);
	for (size_t i = 0; i < p->nr_io_pins; i++) {
		strbuf_reset(&s);
		cpuset_format(&p->io_pins[i].cpus, &s);
		printf("  iothread %s -> %s\n", p->io_pins[i].id, s.buf);
	}
	if (p->nr_numa) {
		for (size_t i = 0; i < p->nr_numa; i++) {
			const struct plan_numa *n = &p->numa[i];
			static const char *const policy[] = { "bind", "preferred", "interleave" };

			strbuf_reset(&s);
			size_format(n->mem_bytes, &s);
			if (n->hugepages != HUGEPAGES_NONE)
				strbuf_addstr(&s, n->hugepages == HUGEPAGES_1G ? " in 1G pages" : " in 2M pages");
			if (cpuset_empty(&n->host_nodes)) {
				strbuf_addstr(&s, ", not bound to a node");
			} else {
				strbuf_addstr(&s, cpuset_count(&n->host_nodes) == 1 ? " on host node " : " on host nodes ");
				cpuset_format(&n->host_nodes, &s);
				if (n->policy != NUMA_BIND)
					strbuf_addf(&s, " (%s)", policy[n->policy]);
			}
			strbuf_addstr(&s, ", vCPUs ");
			cpuset_format(&n->vcpus, &s);
			printf("  guest node %u: %s\n", p->numa[i].guest_node, s.buf);
		}
	} else {
		strbuf_reset(&s);
		size_format(cfg->mem_bytes, &s);
		if (p->memory_node >= 0)
			printf("  memory: %s bound to host node %d\n", s.buf, p->memory_node);
		else
			printf("  memory: %s, not bound to a node\n", s.buf);
	}
	strbuf_release(&s);
}

int cmd_plan(int argc, char **argv, const struct mvl_opts *opts)
{
	const char *topology = NULL, *host_config = NULL;
	struct vm_config *cfgs = NULL;
	const struct vm_config **cfgp = NULL;
	const char **names = NULL;
	struct pin_plan *plans = NULL;
	struct strvec notes = STRVEC_INIT;
	struct strbuf cmdline = STRBUF_INIT, s = STRBUF_INIT;
	struct err err = ERR_INIT;
	struct host_plan hp = HOST_PLAN_INIT;
	size_t n = 0, loaded = 0, planned = 0;
	int json = 0, ret = MVL_EXIT_FAILURE;
	const struct opt options[] = {
		OPT_BOOL(0, "json", &json, "the plan as JSON (a stable format for scripts)"),
		OPT_STRING(0, "topology", &topology, "FILE.xml", "plan for an hwloc XML topology instead of this host"),
		OPT_STRING(0, "host-config", &host_config, "FILE", "host settings (reserved_cpus) instead of\n"
			 "VMS_DIR/host.toml"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "plan", .operands = "<vm>...", .min = 1, .max = -1, .opts = options,
		.text = "Plan the VMs together as one host layout, next to the VMs already running,\n"
			"and print each vCPU's host CPUs, emulator and iothread CPUs, the guest\n"
			"topology and NUMA binding, the host's reserved CPUs and the kernel command\n"
			"line to add. Changes nothing; 'up' uses the same planner.",
	};

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	n = (size_t)argc;
	cfgs = xcalloc(n, sizeof(*cfgs));
	cfgp = xcalloc(n, sizeof(*cfgp));
	names = xcalloc(n, sizeof(*names));
	plans = xcalloc(n, sizeof(*plans));
	if (load_vms(argv, n, opts, cfgs, names, &loaded) < 0)
		goto out;
	for (size_t i = 0; i < n; i++)
		cfgp[i] = &cfgs[i];
	if (host_plan_init(&hp, topology, host_config, &opts->dirs, names, n, &err) < 0) {
		err_print(&err);
		goto out;
	}
	for (planned = 0; planned < n; planned++) {
		if (pin_plan_build(&hp.host, &cfgs[planned], &plans[planned], &notes, &err.msg) < 0) {
			for (size_t i = 0; i < notes.nr; i++)
				warning("%s", notes.v[i]);
			err_print(&err);
			goto out;
		}
		if (pin_plan_memory_check(&hp.topo, &cfgs[planned], &plans[planned], &s))
			strvec_push(&notes, s.buf);
		strbuf_reset(&s);
	}
	pin_plan_kernel_cmdline(&hp.host, cfgp, n, &cmdline, &notes);
	for (size_t i = 0; i < notes.nr; i++)
		warning("%s", notes.v[i]);
	if (json) {
		json_t *vms = json_array(), *o;
		char *text;

		for (size_t i = 0; i < n; i++)
			json_array_append_new(vms, plan_json(&cfgs[i], &plans[i]));
		o = json_pack("{s:{s:o,s:s,s:s},s:o}", "host", "reserved_cpus", cpuset_to_json(&hp.host.reserved),
			      "kernel_cmdline", cmdline.buf, "topology", hp.topo.source, "vms", vms);
		text = json_dumps(o, JSON_INDENT(2));
		puts(text);
		free(text);
		json_decref(o);
	} else {
		cpuset_format(&hp.host.reserved, &s);
		printf("host (%s: %zu CPUs, %zu cores, %zu NUMA node%s, %s): reserved CPUs %s\n", hp.topo.source,
		       (size_t)cpuset_count(&hp.topo.all), hp.topo.nr_cores, hp.topo.nr_nodes, hp.topo.nr_nodes == 1 ? "" : "s",
		       hp.topo.max_threads > 1 ? "SMT" : "no SMT", s.len ? s.buf : "none");
		for (size_t i = 0; i < hp.host.nr_holders; i++) {
			int mine = 0;

			for (size_t j = 0; j < n; j++)
				mine |= !strcmp(hp.host.holders[i].name, cfgs[j].name);
			if (mine || cpuset_empty(&hp.host.holders[i].cpus))
				continue;
			strbuf_reset(&s);
			cpuset_format(&hp.host.holders[i].cpus, &s);
			printf("running VM '%s' owns CPUs %s\n", hp.host.holders[i].name, s.buf);
		}
		printf("kernel command line to add: %s\n\n", cmdline.len ? cmdline.buf : "(nothing)");
		for (size_t i = 0; i < n; i++)
			print_plan(&cfgs[i], &plans[i]);
		/* the same as a picture: the running VMs (on this host) and the planned ones */
		{
			struct vm_map m = VM_MAP_INIT;

			if (!topology)
				vm_map_add_running(&m, names, n);
			for (size_t i = 0; i < n; i++)
				vm_map_add_plan(&m, cfgs[i].name, &plans[i]);
			putchar('\n');
			print_host_map(&hp, &m);
			vm_map_release(&m);
		}
	}
	ret = MVL_EXIT_OK;
out:
	for (size_t i = 0; i < planned; i++)
		pin_plan_release(&plans[i]);
	for (size_t i = 0; i < loaded; i++)
		vm_config_release(&cfgs[i]);
	host_plan_release(&hp);
	free(plans);
	free(names);
	free(cfgp);
	free(cfgs);
	strvec_clear(&notes);
	err_release(&err);
	strbuf_release(&cmdline);
	strbuf_release(&s);
	return ret;
}
