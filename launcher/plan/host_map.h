/*
 * host_map.h - the host as a picture: sockets, NUMA nodes, L3 groups,
 * cores and their SMT threads, each CPU labelled with who uses it ('mvlaunch
 * map', and 'plan' after its table).
 *
 * Pure: reads a struct host_topo, the host's reserved CPUs and what each VM
 * holds (struct map_vm), writes text or JSON. Each VM gets a letter (a, b,
 * ...); a CPU shows "a3" for vCPU 3 of VM a pinned there alone, "a*" for
 * vCPUs of a floating over it, "aE" for a's emulator threads, "aI" for its
 * iothreads, "a-" for a CPU a owns but leaves idle (the sibling of an
 * isolated core), "H" for a CPU kept for the host, "." for a free one, and
 * a "+" after a label when more than one VM uses it. Cores are laid out in
 * topology order, one block per L3 group (or node), one row of CPU numbers
 * and one of labels per SMT thread, folded to the width; from
 * HOST_MAP_COMPACT CPUs on, one line per L3 group with a letter per CPU.
 */
#ifndef MVL_HOST_MAP_H
#define MVL_HOST_MAP_H

#include <jansson.h>

#include "launcher/plan/host_topo.h"
#include "util/cpuset.h"
#include "util/strbuf.h"

/* From this many CPUs on, one line per L3 group: a letter per CPU */
#define HOST_MAP_COMPACT 256

struct map_vm {
	const char *name;
	const struct cpuset *vcpu;	/* nr_vcpus entries: each vCPU's CPUs */
	size_t nr_vcpus;
	struct cpuset emulator, iothreads;
	int emulator_float;		/* the emulator floats over the shared pool (not drawn) */
	struct cpuset owned;		/* CPUs no other VM may get */
	int dedicated;
};

/*
 * The picture in out, at most 'width' columns (at least 40), with ANSI
 * colours when 'color'. A legend follows: each VM's letter and name, its
 * vCPUs' and threads' CPUs, and the symbols.
 */
void host_map_text(const struct host_topo *t, const struct cpuset *reserved, const struct map_vm *vms, size_t nr,
		   unsigned width, int color, struct strbuf *out);

/*
 * The same as JSON: {"topology", "cpus": [{"cpu", "package", "node", "l3",
 * "core", "state": "reserved"|"free"|"owned"|"used", "uses": [{"vm",
 * "role": "vcpu"|"emulator"|"iothread"|"idle", "vcpu"}]}], "vms": [{"name",
 * "label", "dedicated"}]} (a new reference).
 */
json_t *host_map_json(const struct host_topo *t, const struct cpuset *reserved, const struct map_vm *vms, size_t nr);

#endif
