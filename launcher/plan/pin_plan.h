/*
 * pin_plan.h - which host CPUs each vCPU, the emulator threads and the
 * iothreads of a VM run on, its guest topology and its NUMA layout.
 *
 * Pure: reads a struct host_topo (hwloc, live or XML), the host's reserved
 * CPUs, the CPUs running VMs already hold, and a struct vm_config; touches no
 * thread and no file. 'plan' prints plans, 'up' and 'argv' use the same ones.
 *
 * The rules (seeds 000, 001, 002, 004):
 * - the host keeps reserved_cpus (default: its first core, all threads);
 * - dedicated vCPUs each get host threads nobody else gets; shared vCPUs,
 *   and those of VMs without pins, float over the shared pool: every CPU no
 *   VM owns (pin_plan_shared_pool());
 * - thread_policy prefer puts guest thread pairs (vCPU 2k, 2k+1) on host
 *   sibling pairs; isolate uses one thread per core and keeps the sibling
 *   idle; require fails on a host without SMT;
 * - a VM fits in one L3 domain if it can, else one NUMA node, else the
 *   fewest nodes, spread evenly, and then gets one guest NUMA node per host
 *   node, each bound to its host node's memory and one or more whole guest
 *   sockets (memory.numa = "auto"); [[numa]] tables declare the guest nodes
 *   instead, bound to their host_nodes or to the nodes their vCPUs run on;
 * - explicit pins are kept, and checked: a guest core split over two host
 *   cores or a pin on a reserved CPU is a warning, a pin on a CPU another
 *   running VM owns is an error.
 */
#ifndef MVL_PIN_PLAN_H
#define MVL_PIN_PLAN_H

#include "launcher/plan/host_topo.h"
#include "config/vm_config.h"
#include "util/cpuset.h"

/* One guest NUMA node: a [[numa]] table, or one host node the vCPUs land on (memory.numa = "auto") */
struct plan_numa {
	unsigned guest_node;
	int host_node;			/* its RAM's one host node (os index); -1: several or not bound */
	struct cpuset host_nodes;	/* the host nodes its RAM binds to (os indexes); empty: not bound */
	int policy;			/* enum vm_numa_policy */
	int hugepages;			/* enum vm_hugepages: its page size */
	struct cpuset vcpus;		/* guest vCPU indexes */
	uint64_t mem_bytes;
	const unsigned char *distances;	/* [[numa]] distances to each node (nr_numa of them), or NULL */
};

/* A thread's scheduling policy (SCHED_OTHER, SCHED_FIFO, ...); policy -1: left as QEMU started it */
struct plan_sched {
	int policy, priority;
};

struct plan_iosched {
	char *id;		/* "io0" */
	struct plan_sched s;
};

/* An [[iothread]] with CPUs of its own */
struct plan_iopin {
	char *id;
	struct cpuset cpus;
};

struct pin_plan {
	size_t nr_vcpus;
	struct cpuset *vcpu;		/* per vCPU */
	struct cpuset emulator;		/* QEMU's main and helper threads */
	struct cpuset iothread;
	int realtime;			/* SCHED_FIFO on vCPU threads */
	/* [[sched]] and pinning.realtime: per vCPU, per iothread, the emulator threads */
	struct plan_sched *vcpu_sched;	/* nr_vcpus entries */
	struct plan_sched emulator_sched;
	struct plan_iosched *io_sched;
	size_t nr_io_sched;
	struct plan_iopin *io_pins;	/* [[iothread]] cpus; the other iothreads get 'iothread' */
	size_t nr_io_pins;
	unsigned sockets, dies, cores, threads;	/* guest topology */
	struct plan_numa *numa;		/* guest NUMA nodes: [[numa]], or the host nodes of a VM spanning them */
	size_t nr_numa;
	int memory_node;		/* single-node VM: host node its memory binds to; -1 */
	int dedicated;			/* vCPUs are dedicated (policy) */
	struct cpuset owned;		/* CPUs this VM owns: no other VM gets them */
	/* these sets are the shared pool and follow it (vm_float.c) */
	int vcpus_float, emulator_float, iothread_float;
};

/* A running VM and the CPUs it owns (from its state.json). */
struct plan_holder {
	char *name;
	struct cpuset cpus;
	int dedicated;
};

/* The host as the planner sees it; owned grows as VMs are planned. */
struct plan_host {
	const struct host_topo *topo;
	struct cpuset reserved;
	struct cpuset owned;		/* by running VMs and by VMs planned so far */
	struct plan_holder *holders;	/* who owns what, for messages */
	size_t nr_holders, alloc_holders;
};

/*
 * Set up 'host' for topo: reserved = 'reserved' if not NULL, else the first
 * core's threads. Reserved CPUs outside the topology are an error.
 */
int pin_plan_host_init(struct plan_host *host, const struct host_topo *topo, const struct cpuset *reserved,
		   struct strbuf *err);
/* Record that 'name' owns 'cpus' (a running VM, or one just planned). */
void pin_plan_host_hold(struct plan_host *host, const char *name, const struct cpuset *cpus, int dedicated);
void pin_plan_host_release(struct plan_host *host);

/* Every usable CPU no VM owns: where floating vCPUs and threads go. */
struct cpuset pin_plan_shared_pool(const struct plan_host *host);

/*
 * Plan cfg on host. Returns 0 and fills plan (its CPUs are then held in
 * host, so the next VM planned avoids them), or -1 with the reason in err:
 * a VM that does not fit says how many CPUs it needs and which are free.
 * Warnings (explicit pins that split a guest core, ...) go to 'warnings'.
 */
int pin_plan_build(struct plan_host *host, const struct vm_config *cfg, struct pin_plan *plan,
		   struct strvec *warnings, struct strbuf *err);
void pin_plan_release(struct pin_plan *plan);

/*
 * The guest NUMA nodes of cfg's [[numa]] tables (none: 0, *cells NULL).
 * A node without host_nodes binds to the host nodes its vCPUs are pinned
 * to when topo and vcpu (plan->vcpu, nr_vcpus entries) are given and the
 * vCPUs do not float, else it is not bound. Caller frees *cells.
 */
size_t pin_plan_config_cells(const struct vm_config *cfg, const struct host_topo *topo, const struct cpuset *vcpu,
			     int vcpus_float, struct plan_numa **cells);

/*
 * Where cfg's guest RAM comes from, as parts: the plan's guest nodes, else
 * one part (all of memory.size, on memory.hugepages, bound to the plan's or
 * the config's node or to none: host_node -1). plan may be NULL. Caller
 * frees *parts; returns how many.
 */
size_t pin_plan_ram_parts(const struct vm_config *cfg, const struct pin_plan *plan, struct plan_numa **parts);

/*
 * The guest's IDs of vCPU i under the topology: socket, die, core, thread
 * (QEMU's x86 order: threads of a core, cores of a die, dies of a socket).
 */
void pin_plan_vcpu_ids(unsigned i, unsigned dies, unsigned cores, unsigned threads, unsigned ids[4]);

/*
 * Whether a single-node VM without hugepages binds more RAM to its host node
 * than the node has free now (hugepage VMs: the hugepage checks say it).
 * Fills msg ("VM 'x' binds 8G of RAM to host node 0, which has 6G free now")
 * whenever the VM is bound to a node; returns 1 when it does not fit, else 0.
 */
int pin_plan_memory_check(const struct host_topo *t, const struct vm_config *cfg, const struct pin_plan *plan,
			  struct strbuf *msg);

/*
 * The kernel command line the host needs for the VMs planned on it (cfgs)
 * and the ones it already runs: isolcpus/nohz_full/rcu_nocbs over every dedicated CPU, the
 * IOMMU when a VM passes a device through, 1G hugepages at boot. A CPU the
 * host keeps (reserved) is never isolated; when a dedicated vCPU is pinned to
 * one, 'notes' (may be NULL) gets a line saying why that pin is a problem.
 */
void pin_plan_kernel_cmdline(const struct plan_host *host, const struct vm_config *const *cfgs, size_t n,
			 struct strbuf *out, struct strvec *notes);

#endif
