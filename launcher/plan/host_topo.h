/*
 * host_topo.h - the host's CPU and memory layout, read with hwloc.
 *
 * Physical cores with their hardware threads (SMT siblings), the L3 cache
 * domains, NUMA nodes (with their memory) and packages, as plain arrays the
 * planner can walk without hwloc. Loaded from the running host, or from an
 * hwloc XML file (lstopo --of xml) to plan for, or test on, another machine.
 */
#ifndef MVL_HOST_TOPO_H
#define MVL_HOST_TOPO_H

#include <stddef.h>
#include <stdint.h>

#include "util/cpuset.h"
#include "util/strbuf.h"

struct host_core {
	struct cpuset pus;	/* its hardware threads (OS CPU numbers) */
	unsigned nr_pus;
	int l3, node, package;	/* indexes into the arrays below; -1 if none */
};

struct host_group {
	int os_index;		/* NUMA node / package number; -1 for caches */
	struct cpuset cpus;
	uint64_t mem_bytes;	/* NUMA nodes: local memory */
	uint64_t mem_free;	/* NUMA nodes of this host: free now (libnuma); 0 unknown */
};

struct host_topo {
	struct host_core *cores;	/* in topology order */
	size_t nr_cores;
	struct host_group *l3, *nodes, *packages;
	size_t nr_l3, nr_nodes, nr_packages;
	struct cpuset all;		/* usable CPUs */
	unsigned max_threads;		/* SMT width: 1 without SMT */
	char vendor[32];		/* CPUVendor if hwloc knows it, else "" */
	char *source;			/* "this host" or the XML path */
};

/* Read this host. 0, or -1 with the reason in err. */
int host_topo_load(struct host_topo *t, struct strbuf *err);
/*
 * Read this host once for the rest of the process and the workers it forks
 * next: host_topo_load() then copies it (with each NUMA node's free memory
 * read again) instead of running hwloc, which takes milliseconds of CPU.
 * For a command that fans out to many VMs at once ('up A B C', 'down
 * --all'), never for a long-lived process: CPUs can go on- and offline.
 * 0, or -1 when hwloc failed: nothing is kept, every load reads the host
 * itself and reports why.
 */
int host_topo_keep(void);
/* The largest topology file read (a 1024-CPU machine's is under 1 MiB). */
#define HOST_TOPO_XML_MAX (16 << 20)

/*
 * Read an hwloc XML topology. 0, or -1 with "topology 'FILE': reason" in
 * err. The file is untrusted: at most HOST_TOPO_XML_MAX bytes, and libhwloc
 * reads it in a child process first, so a file it crashes on is a "bad
 * topology file" error instead of a crash.
 */
int host_topo_load_xml(struct host_topo *t, const char *path, struct strbuf *err);
/* The same from memory (len bytes); 'name' is for messages. */
int host_topo_load_xml_buffer(struct host_topo *t, const char *name, const char *buf, size_t len, struct strbuf *err);
void host_topo_free(struct host_topo *t);

/* Index of the core holding CPU 'pu', or -1. */
int host_topo_core_of(const struct host_topo *t, unsigned pu);
/* Index of the NUMA node holding CPU 'pu', or -1. */
int host_topo_node_of(const struct host_topo *t, unsigned pu);

#endif
