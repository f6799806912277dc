/*
 * pin_plan.c - the topology-aware planner (see pin_plan.h for the rules).
 *
 * DESIGN
 * A VM asks for "units": whole cores with two free threads (guest thread
 * pairs on host siblings), single free threads, or whole free cores of which
 * it uses one thread (isolate). The search tries every L3 domain and takes
 * the tightest one that fits (so the next VM finds whole domains free), then
 * every NUMA node the same way, then the fewest nodes with the most room.
 * Inside a domain, cores are taken in topology order, so a VM's vCPUs are
 * neighbours and guest core k lands on one host core. Nothing here reads
 * the host: the same topology, reservation and holders give the same plan.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/plan/pin_plan.h"
#include "util/size.h"
#include "util/wrapper.h"
#include "util/banned.h"

enum unit_mode { MODE_PAIR, MODE_SINGLE, MODE_ISOLATE };

int pin_plan_host_init(struct plan_host *host, const struct host_topo *topo, const struct cpuset *reserved,
		   struct strbuf *err)
{
	memset(host, 0, sizeof(*host));
	host->topo = topo;
	if (!reserved) {
		host->reserved = topo->cores[0].pus;
		return 0;
	}
	for (int c = cpuset_next(reserved, 0); c >= 0; c = cpuset_next(reserved, (unsigned)c + 1)) {
		if (!cpuset_has(&topo->all, (unsigned)c)) {
			struct strbuf all = STRBUF_INIT;

			cpuset_format(&topo->all, &all);
			strbuf_addf(err, "reserved_cpus: CPU %d is not on %s (CPUs: %s)", c, topo->source, all.buf);
			strbuf_release(&all);
			return -1;
		}
	}
	host->reserved = *reserved;
	return 0;
}

void pin_plan_host_hold(struct plan_host *host, const char *name, const struct cpuset *cpus, int dedicated)
{
	struct plan_holder *h;

	ALLOC_GROW(host->holders, host->nr_holders + 1, host->alloc_holders);
	h = &host->holders[host->nr_holders++];
	h->name = xstrdup(name);
	h->cpus = *cpus;
	h->dedicated = dedicated;
	cpuset_or(&host->owned, cpus);
}

void pin_plan_host_release(struct plan_host *host)
{
	for (size_t i = 0; i < host->nr_holders; i++)
		free(host->holders[i].name);
	free(host->holders);
	memset(host, 0, sizeof(*host));
}

void pin_plan_release(struct pin_plan *plan)
{
	free(plan->vcpu);
	free(plan->vcpu_sched);
	for (size_t i = 0; i < plan->nr_io_sched; i++)
		free(plan->io_sched[i].id);
	free(plan->io_sched);
	for (size_t i = 0; i < plan->nr_io_pins; i++)
		free(plan->io_pins[i].id);
	free(plan->io_pins);
	free(plan->numa);
	memset(plan, 0, sizeof(*plan));
	plan->memory_node = -1;
}

static struct cpuset free_cpus(const struct plan_host *host)
{
	struct cpuset f = host->topo->all;

	cpuset_andnot(&f, &host->reserved);
	cpuset_andnot(&f, &host->owned);
	return f;
}

/* What a unit of 'mode' is, for messages. */
static const char *unit_text(enum unit_mode mode)
{
	switch (mode) {
	case MODE_PAIR: return "whole cores with two free threads";
	case MODE_SINGLE: return "free threads";
	case MODE_ISOLATE: return "whole free cores";
	}
	return "";
}

static int core_in(const struct host_core *c, const struct cpuset *domain)
{
	return cpuset_has(domain, (unsigned)cpuset_next(&c->pus, 0));
}

static unsigned capacity(const struct host_topo *t, const struct cpuset *free, const struct cpuset *domain,
			 enum unit_mode mode)
{
	unsigned n = 0;

	for (size_t i = 0; i < t->nr_cores; i++) {
		struct cpuset f = t->cores[i].pus;
		unsigned nfree;

		if (!core_in(&t->cores[i], domain))
			continue;
		cpuset_and(&f, free);
		nfree = cpuset_count(&f);
		if (mode == MODE_PAIR)
			n += nfree >= 2;
		else if (mode == MODE_SINGLE)
			n += nfree;
		else
			n += nfree == t->cores[i].nr_pus;
	}
	return n;
}

/* The tightest group (L3 domain or node) that fits 'need'; -1 if none. */
static int best_fit(const struct host_topo *t, const struct cpuset *free, const struct host_group *g, size_t nr,
		    enum unit_mode mode, unsigned need)
{
	int best = -1;
	unsigned best_cap = 0;

	for (size_t i = 0; i < nr; i++) {
		unsigned cap = capacity(t, free, &g[i].cpus, mode);

		if (cap >= need && (best < 0 || cap < best_cap)) {
			best = (int)i;
			best_cap = cap;
		}
	}
	return best;
}

/*
 * Fill plan->vcpu[*v...] from 'domain', at most 'units' units (a pair, or
 * one CPU); adds what the VM takes to *owned.
 */
static void allocate_n(const struct host_topo *t, const struct cpuset *free, const struct cpuset *domain,
		       enum unit_mode mode, struct pin_plan *plan, struct cpuset *owned, size_t *vp, unsigned units)
{
	size_t v = *vp, end = v + (size_t)units * (mode == MODE_PAIR ? 2 : 1);

	if (end > plan->nr_vcpus)
		end = plan->nr_vcpus;
	for (size_t i = 0; i < t->nr_cores && v < end; i++) {
		const struct host_core *c = &t->cores[i];
		struct cpuset f = c->pus;
		int a, b;

		if (!core_in(c, domain))
			continue;
		cpuset_and(&f, free);
		a = cpuset_next(&f, 0);
		if (a < 0)
			continue;
		if (mode == MODE_PAIR) {
			b = cpuset_next(&f, (unsigned)a + 1);
			if (b < 0)
				continue;	/* pair mode: nr_vcpus is even */
			cpuset_set(&plan->vcpu[v++], (unsigned)a);
			cpuset_set(&plan->vcpu[v++], (unsigned)b);
			cpuset_set(owned, (unsigned)a);
			cpuset_set(owned, (unsigned)b);
		} else if (mode == MODE_ISOLATE) {
			if (cpuset_count(&f) != c->nr_pus)
				continue;
			cpuset_set(&plan->vcpu[v++], (unsigned)a);
			cpuset_or(owned, &c->pus);	/* the siblings stay idle */
		} else {
			for (; a >= 0 && v < end; a = cpuset_next(&f, (unsigned)a + 1)) {
				cpuset_set(&plan->vcpu[v++], (unsigned)a);
				cpuset_set(owned, (unsigned)a);
			}
		}
	}
	*vp = v;
}

/* Fill plan->vcpu from 'domain'; adds what the VM takes to *owned. */
static void allocate(const struct host_topo *t, const struct cpuset *free, const struct cpuset *domain,
		     enum unit_mode mode, struct pin_plan *plan, struct cpuset *owned)
{
	size_t v = 0;

	allocate_n(t, free, domain, mode, plan, owned, &v, (unsigned)plan->nr_vcpus);
}

/*
 * Where the host's CPUs are, one labelled line each, for "does not fit"
 * messages: "\n  free: CPUs 3,7\n  kept for the host (reserved_cpus): CPUs 0,4\n  owned by 'a': CPUs 1-2".
 */
static void describe_free(const struct plan_host *host, struct strbuf *err)
{
	struct cpuset f = free_cpus(host);

	strbuf_addstr(err, "\n  free: ");
	cpuset_format_label(&f, err);
	strbuf_addstr(err, "\n  kept for the host (reserved_cpus): ");
	cpuset_format_label(&host->reserved, err);
	for (size_t i = 0; i < host->nr_holders; i++) {
		if (cpuset_empty(&host->holders[i].cpus))
			continue;
		strbuf_addf(err, "\n  owned by '%s': ", host->holders[i].name);
		cpuset_format_label(&host->holders[i].cpus, err);
	}
}

static int plan_auto(struct plan_host *host, const struct vm_config *cfg, struct pin_plan *plan,
		     struct strvec *warnings, struct strbuf *err)
{
	const struct host_topo *t = host->topo;
	struct cpuset avail = free_cpus(host), domain;
	enum unit_mode mode;
	unsigned need;
	int g, spread = 0;
	/* guest thread pairs: asked for, or an even count with the topology left to us ("auto" or unset) */
	int want_pairs = cfg->threads == 2 || ((cfg->topology_auto || !cfg->sockets) && !(cfg->vcpus & 1));

	if (cfg->thread_policy == THREADS_REQUIRE && t->max_threads < 2) {
		strbuf_addf(err, "%s: key 'pinning.thread_policy': \"require\" needs SMT, and %s has none",
			    cfg->file, t->source);
		return -1;
	}
	if (cfg->thread_policy == THREADS_ISOLATE) {
		mode = MODE_ISOLATE;
		need = cfg->vcpus;
	} else if (want_pairs && t->max_threads >= 2 && !(cfg->vcpus & 1)) {
		mode = MODE_PAIR;
		need = cfg->vcpus / 2;
	} else {
		if (cfg->thread_policy == THREADS_REQUIRE) {
			strbuf_addf(err, "%s: key 'pinning.thread_policy': \"require\" pairs guest threads on host "
				    "siblings, which needs an even cpu.vcpus and threads = 2 (or topology = \"auto\")", cfg->file);
			return -1;
		}
		mode = MODE_SINGLE;
		need = cfg->vcpus;
		if (cfg->threads == 2)
			strvec_pushf(warnings, "%s: key 'cpu.topology': threads = 2, but %s has no SMT: "
				     "the guest's thread pairs are not siblings on the host", cfg->file, t->source);
	}
	if ((g = best_fit(t, &avail, t->l3, t->nr_l3, mode, need)) >= 0) {
		domain = t->l3[g].cpus;
	} else if ((g = best_fit(t, &avail, t->nodes, t->nr_nodes, mode, need)) >= 0) {
		domain = t->nodes[g].cpus;
	} else {
		/* the fewest nodes: the roomiest first */
		unsigned got = 0, k = 0;
		int *used = xcalloc(t->nr_nodes + 1, sizeof(*used));

		cpuset_zero(&domain);
		while (got < need) {
			int best = -1;
			unsigned best_cap = 0;

			for (size_t i = 0; i < t->nr_nodes; i++) {
				unsigned cap = used[i] ? 0 : capacity(t, &avail, &t->nodes[i].cpus, mode);

				if (cap > best_cap) {
					best = (int)i;
					best_cap = cap;
				}
			}
			if (best < 0)
				break;
			used[best] = 1;
			got += best_cap;
			k++;
			cpuset_or(&domain, &t->nodes[best].cpus);
		}
		/*
		 * QEMU's sockets are all one size: spread the VM evenly over its nodes
		 * (40 vCPUs on two nodes: 20 + 20), so each guest node is whole sockets.
		 * When that cannot be (a node lacks room for its share, or the count
		 * does not divide), fill the roomiest first.
		 */
		if (k > 1 && got >= need && need % k == 0) {
			size_t v = 0;

			spread = 1;
			for (size_t i = 0; i < t->nr_nodes; i++)
				if (used[i] && capacity(t, &avail, &t->nodes[i].cpus, mode) < need / k)
					spread = 0;
			for (size_t i = 0; spread && i < t->nr_nodes; i++)
				if (used[i])
					allocate_n(t, &avail, &t->nodes[i].cpus, mode, plan, &plan->owned, &v, need / k);
		}
		free(used);
		if (!t->nr_nodes) {
			domain = t->all;
			got = capacity(t, &avail, &domain, mode);
		}
		if (got < need) {
			strbuf_addf(err, "VM '%s' does not fit: it needs %u %s for %u dedicated vCPUs (thread_policy %s); "
				    "%s has %u", cfg->name, need, unit_text(mode), cfg->vcpus,
				    cfg->thread_policy == THREADS_ISOLATE ? "isolate" :
				    cfg->thread_policy == THREADS_REQUIRE ? "require" : "prefer", t->source, got);
			describe_free(host, err);
			return -1;
		}
	}
	if (!spread)
		allocate(t, &avail, &domain, mode, plan, &plan->owned);
	plan->dedicated = 1;
	plan->threads = mode == MODE_PAIR ? 2 : 1;
	return 0;
}

/* Check explicit vCPU pins against the host; warnings for doubtful ones. */
static int check_explicit(struct plan_host *host, const struct vm_config *cfg, const struct pin_plan *plan,
			  struct strvec *warnings, struct strbuf *err)
{
	const struct host_topo *t = host->topo;
	struct config_loc loc = vm_config_loc(cfg, "pinning.vcpus");
	struct strbuf where = STRBUF_INIT, s = STRBUF_INIT;
	int ret = 0;

	if (loc.line)
		strbuf_addf(&where, "%s:%d:%d", cfg->file, loc.line, loc.col);
	else
		strbuf_addstr(&where, cfg->file);
	for (size_t i = 0; i < plan->nr_vcpus; i++) {
		const struct cpuset *p = &plan->vcpu[i];

		for (int c = cpuset_next(p, 0); c >= 0; c = cpuset_next(p, (unsigned)c + 1)) {
			if (!cpuset_has(&t->all, (unsigned)c)) {
				strbuf_reset(&s);
				cpuset_format(&t->all, &s);
				if (err->len)
					strbuf_addch(err, '\n');
				strbuf_addf(err, "%s: key 'pinning.vcpus[%zu]': CPU %d is not online (online: %s)",
					    where.buf, i, c, s.buf);
				ret = -1;
				break;
			}
			for (size_t h = 0; h < host->nr_holders; h++) {
				if (cpuset_has(&host->holders[h].cpus, (unsigned)c) && strcmp(host->holders[h].name, cfg->name)) {
					if (err->len)
						strbuf_addch(err, '\n');
					strbuf_addf(err, "%s: key 'pinning.vcpus[%zu]': CPU %d is owned by VM '%s'",
						    where.buf, i, c, host->holders[h].name);
					ret = -1;
				}
			}
			if (cpuset_has(&host->reserved, (unsigned)c)) {
				strbuf_reset(&s);
				cpuset_format(&host->reserved, &s);
				strvec_pushf(warnings, "%s: key 'pinning.vcpus[%zu]': CPU %d is reserved for the host "
					     "(reserved_cpus %s)", where.buf, i, c, s.buf);
			}
		}
	}
	/* guest core k = vCPU 2k and 2k+1: they belong on one host core */
	for (size_t i = 0; cfg->threads == 2 && i + 1 < plan->nr_vcpus; i += 2) {
		int a = cpuset_next(&plan->vcpu[i], 0), b = cpuset_next(&plan->vcpu[i + 1], 0);
		int ca, cb;

		if (cpuset_count(&plan->vcpu[i]) != 1 || cpuset_count(&plan->vcpu[i + 1]) != 1)
			continue;
		ca = host_topo_core_of(t, (unsigned)a);
		cb = host_topo_core_of(t, (unsigned)b);
		if (ca >= 0 && cb >= 0 && ca != cb) {
			struct cpuset sib = t->cores[ca].pus;

			cpuset_clear(&sib, (unsigned)a);
			strbuf_reset(&s);
			cpuset_format(&sib, &s);
			if (s.len)
				strvec_pushf(warnings, "%s: key 'pinning.vcpus': vCPUs %zu and %zu are one guest core, but CPUs %d "
					     "and %d are on different host cores; pin vCPU %zu to %d's sibling %s",
					     where.buf, i, i + 1, a, b, i + 1, a, s.buf);
			else
				strvec_pushf(warnings, "%s: key 'pinning.vcpus': vCPUs %zu and %zu are one guest core, but CPUs %d "
					     "and %d are on different host cores (which have no SMT siblings)",
					     where.buf, i, i + 1, a, b);
		}
	}
	strbuf_release(&where);
	strbuf_release(&s);
	return ret;
}

/*
 * The shared pool: every usable CPU no VM owns (the host's reserved CPUs
 * included, as in the Kubernetes CPU manager). Unpinned VMs, shared vCPUs and
 * "share" emulator threads float over it, and follow it as dedicated VMs
 * come and go (vm_float.c).
 */
static struct cpuset shared_pool(const struct plan_host *host, const struct pin_plan *plan)
{
	struct cpuset pool = host->topo->all;

	cpuset_andnot(&pool, &host->owned);
	cpuset_andnot(&pool, &plan->owned);
	return pool;
}

struct cpuset pin_plan_shared_pool(const struct plan_host *host)
{
	struct cpuset pool = host->topo->all;

	cpuset_andnot(&pool, &host->owned);
	return pool;
}

/* The pool for a thread of cfg, or an error naming what owns every CPU. */
static int pool_for(struct plan_host *host, const struct vm_config *cfg, const struct pin_plan *plan,
		    const char *what, struct cpuset *out, struct strbuf *err)
{
	*out = shared_pool(host, plan);
	if (!cpuset_empty(out))
		return 0;
	strbuf_addf(err, "VM '%s' does not fit: no CPU is left for its %s (dedicated VMs own every CPU, and the "
		    "host keeps none)", cfg->name, what);
	describe_free(host, err);
	return -1;
}

/* Emulator or iothread placement; *floating: the set is the shared pool. */
static int place(struct plan_host *host, const struct vm_config *cfg, int where, const struct cpuset *cpus,
		 const char *key, struct pin_plan *plan, struct cpuset *out, int *floating, struct strbuf *err)
{
	const struct host_topo *t = host->topo;
	const char *what = !strcmp(key, "pinning.emulator") ? "emulator threads" : "I/O threads";
	struct cpuset free = free_cpus(host);

	*floating = 0;
	cpuset_andnot(&free, &plan->owned);
	switch (where) {
	case PLACE_CPUS:
		for (int c = cpuset_next(cpus, 0); c >= 0; c = cpuset_next(cpus, (unsigned)c + 1)) {
			if (!cpuset_has(&t->all, (unsigned)c)) {
				struct strbuf s = STRBUF_INIT;
				struct config_loc loc = vm_config_loc(cfg, key);

				cpuset_format(&t->all, &s);
				strbuf_addf(err, "%s:%d:%d: key '%s': CPU %d is not online (online: %s)",
					    cfg->file, loc.line, loc.col, key, c, s.buf);
				strbuf_release(&s);
				return -1;
			}
		}
		*out = *cpus;
		return 0;
	case PLACE_SHARE:
		*floating = 1;
		return pool_for(host, cfg, plan, what, out, err);
	case PLACE_ISOLATE: {
		int first = cpuset_next(&plan->vcpu[0], 0);
		int node = first >= 0 ? host_topo_node_of(t, (unsigned)first) : -1;
		int pick = -1;

		/* one more free thread, near the vCPUs when there is one */
		for (int c = cpuset_next(&free, 0); c >= 0 && pick < 0; c = cpuset_next(&free, (unsigned)c + 1))
			if (node < 0 || host_topo_node_of(t, (unsigned)c) == node)
				pick = c;
		if (pick < 0)
			pick = cpuset_next(&free, 0);
		if (pick < 0) {
			strbuf_addf(err, "VM '%s' does not fit: key '%s' = \"isolate\" needs one more free CPU", cfg->name, key);
			describe_free(host, err);
			return -1;
		}
		cpuset_zero(out);
		cpuset_set(out, (unsigned)pick);
		cpuset_set(&plan->owned, (unsigned)pick);
		return 0;
	}
	default: {	/* PLACE_HOST */
		struct cpuset near = host->reserved, nodes;

		/* the reserved CPUs on the VM's own nodes, when it has some there */
		cpuset_zero(&nodes);
		for (size_t i = 0; i < plan->nr_vcpus; i++) {
			for (int c = cpuset_next(&plan->vcpu[i], 0); c >= 0; c = cpuset_next(&plan->vcpu[i], (unsigned)c + 1)) {
				int n = host_topo_node_of(t, (unsigned)c);

				if (n >= 0)
					cpuset_or(&nodes, &t->nodes[n].cpus);
			}
		}
		cpuset_and(&near, &nodes);
		if (!cpuset_empty(&near)) {
			*out = near;
			return 0;
		}
		if (!cpuset_empty(&host->reserved)) {
			*out = host->reserved;
			return 0;
		}
		/* the host keeps no CPU: the shared pool, never another VM's CPUs */
		*floating = 1;
		return pool_for(host, cfg, plan, what, out, err);
	}
	}
}

/* Guest NUMA nodes from the plan (memory.numa = "auto"): one per host node the vCPUs land on */
static void plan_numa(const struct host_topo *t, const struct vm_config *cfg, struct pin_plan *plan)
{
	static const uint64_t page[] = { UINT64_C(1) << 20, UINT64_C(2) << 20, UINT64_C(1) << 30 };
	uint64_t align = page[cfg->hugepages], left = cfg->mem_bytes;
	int *vnode = xcalloc(plan->nr_vcpus, sizeof(*vnode));
	size_t nr = 0;

	plan->memory_node = -1;
	for (size_t i = 0; i < plan->nr_vcpus; i++) {
		int first = cpuset_next(&plan->vcpu[i], 0);
		int n = -1;

		/* a vCPU belongs to a node only when all its CPUs do */
		for (int c = first; c >= 0; c = cpuset_next(&plan->vcpu[i], (unsigned)c + 1)) {
			int cn = host_topo_node_of(t, (unsigned)c);

			if (c == first)
				n = cn;
			else if (cn != n)
				n = -2;
		}
		vnode[i] = n;
	}
	for (size_t i = 0; i < plan->nr_vcpus; i++) {
		size_t j;

		if (vnode[i] < 0) {
			nr = 0;	/* a vCPU spans nodes: no NUMA placement */
			break;
		}
		for (j = 0; j < nr && plan->numa[j].host_node != vnode[i]; j++)
			;
		if (j == nr) {
			plan->numa = xrealloc(plan->numa, (nr + 1) * sizeof(*plan->numa));
			memset(&plan->numa[nr], 0, sizeof(*plan->numa));
			plan->numa[nr].guest_node = (unsigned)nr;
			plan->numa[nr].host_node = vnode[i];
			nr++;
		}
		cpuset_set(&plan->numa[j].vcpus, (unsigned)i);
	}
	free(vnode);
	if (nr == 1)
		plan->memory_node = t->nodes[plan->numa[0].host_node].os_index;
	if (nr <= 1 || cfg->numa_mode == NUMA_OFF) {
		/* off: one flat guest node, its RAM where the kernel puts it */
		if (nr > 1)
			plan->memory_node = -1;
		free(plan->numa);
		plan->numa = NULL;
		plan->nr_numa = 0;
		return;
	}
	for (size_t j = 0; j < nr; j++) {
		/* in pages first, so that 32G over 20 + 20 vCPUs is 16G + 16G */
		uint64_t share = cfg->mem_bytes / align * cpuset_count(&plan->numa[j].vcpus) / plan->nr_vcpus * align;
		struct plan_numa *n = &plan->numa[j];

		if (j + 1 == nr || share > left)
			share = left;
		if (!share)
			share = align;	/* QEMU needs memory on every node */
		n->mem_bytes = share;
		n->host_node = t->nodes[n->host_node].os_index;
		cpuset_zero(&n->host_nodes);
		cpuset_set(&n->host_nodes, (unsigned)n->host_node);
		n->policy = NUMA_BIND;
		n->hugepages = cfg->hugepages;
		left -= share < left ? share : left;
	}
	plan->nr_numa = nr;
}

size_t pin_plan_config_cells(const struct vm_config *cfg, const struct host_topo *topo, const struct cpuset *vcpu,
			     int vcpus_float, struct plan_numa **cells)
{
	struct plan_numa *out = cfg->nr_numa ? xcalloc(cfg->nr_numa, sizeof(*out)) : NULL;

	for (size_t i = 0; i < cfg->nr_numa; i++) {
		const struct vm_numa *cn = &cfg->numa[i];
		struct plan_numa *n = &out[i];

		n->guest_node = (unsigned)i;
		n->vcpus = cn->vcpus;
		n->mem_bytes = cn->mem_bytes;
		n->policy = cn->policy;
		n->hugepages = cn->hugepages;
		n->distances = cn->nr_distances ? cn->distances : NULL;
		cpuset_zero(&n->host_nodes);
		if (cn->has_host_nodes) {
			n->host_nodes = cn->host_nodes;
		} else if (topo && vcpu && !vcpus_float) {
			/* the nodes its vCPUs are pinned to */
			for (int v = cpuset_next(&cn->vcpus, 0); v >= 0; v = cpuset_next(&cn->vcpus, (unsigned)v + 1)) {
				const struct cpuset *c = &vcpu[v];

				for (int p = cpuset_next(c, 0); p >= 0; p = cpuset_next(c, (unsigned)p + 1)) {
					int tn = host_topo_node_of(topo, (unsigned)p);

					if (tn >= 0)
						cpuset_set(&n->host_nodes, (unsigned)topo->nodes[tn].os_index);
				}
			}
		}
		n->host_node = cpuset_count(&n->host_nodes) == 1 ? cpuset_next(&n->host_nodes, 0) : -1;
	}
	*cells = out;
	return cfg->nr_numa;
}

size_t pin_plan_ram_parts(const struct vm_config *cfg, const struct pin_plan *plan, struct plan_numa **parts)
{
	struct plan_numa *one;

	if (plan && plan->nr_numa) {
		*parts = xcalloc(plan->nr_numa, sizeof(**parts));
		memcpy(*parts, plan->numa, plan->nr_numa * sizeof(**parts));
		return plan->nr_numa;
	}
	if (!plan && cfg->nr_numa)
		return pin_plan_config_cells(cfg, NULL, NULL, 1, parts);
	one = xcalloc(1, sizeof(*one));
	one->host_node = plan ? plan->memory_node : cfg->numa_node;
	if (one->host_node >= 0)
		cpuset_set(&one->host_nodes, (unsigned)one->host_node);
	one->policy = cfg->numa_policy;
	one->hugepages = cfg->hugepages;
	one->mem_bytes = cfg->mem_bytes;
	*parts = one;
	return 1;
}

void pin_plan_vcpu_ids(unsigned i, unsigned dies, unsigned cores, unsigned threads, unsigned ids[4])
{
	ids[3] = i % threads;
	ids[2] = i / threads % cores;
	ids[1] = i / threads / cores % dies;
	ids[0] = i / threads / cores / dies;
}

/*
 * Whether guest node j is guest socket j, for every node: equal nodes of
 * consecutive vCPUs, in order. Only then can the guest have one socket per
 * node (QEMU's sockets are all the same size).
 */
static int cells_are_sockets(const struct pin_plan *plan, unsigned threads)
{
	size_t per = plan->nr_vcpus / (plan->nr_numa ? plan->nr_numa : 1);

	if (plan->nr_numa < 2 || plan->nr_vcpus % plan->nr_numa || per % threads)
		return 0;
	for (size_t j = 0; j < plan->nr_numa; j++)
		for (size_t v = j * per; v < (j + 1) * per; v++)
			if (!cpuset_has(&plan->numa[j].vcpus, (unsigned)v))
				return 0;
	return 1;
}

/* The guest node of vCPU v; -1 in none */
static int cell_of(const struct pin_plan *plan, unsigned v)
{
	for (size_t j = 0; j < plan->nr_numa; j++)
		if (cpuset_has(&plan->numa[j].vcpus, v))
			return (int)j;
	return -1;
}

/*
 * A guest core whose threads are in two nodes, or (with the topology or the
 * nodes given) a guest socket in two nodes: the guest's scheduler and its
 * NUMA balancing then work from a machine that cannot exist. A warning each.
 */
static void check_cells(const struct vm_config *cfg, const struct pin_plan *plan, struct strvec *warnings)
{
	unsigned per_core = plan->threads, per_socket = plan->dies * plan->cores * plan->threads;
	int socket_warned = !(cfg->nr_numa || vm_config_loc(cfg, "cpu.topology.sockets").line);

	if (plan->nr_numa < 2 || !warnings)
		return;
	for (unsigned v = 0; v < plan->nr_vcpus; v++) {
		unsigned ids[4];

		pin_plan_vcpu_ids(v, plan->dies, plan->cores, plan->threads, ids);
		if (v % per_core && cell_of(plan, v) != cell_of(plan, v - 1)) {
			strvec_pushf(warnings, "guest core %u of socket %u has vCPUs %u and %u in guest NUMA nodes %d and %d: "
				     "the guest sees SMT siblings on two nodes; give each node whole cores (cpu.topology.threads "
				     "= %u)", ids[2], ids[0], v - 1, v, cell_of(plan, v - 1), cell_of(plan, v), plan->threads);
			return;
		}
		if (!socket_warned && v % per_socket && cell_of(plan, v) != cell_of(plan, v - 1)) {
			strvec_pushf(warnings, "guest socket %u has vCPUs in guest NUMA nodes %d and %d: give each node whole "
				     "sockets (%u vCPUs each with cpu.topology.sockets = %u)", ids[0], cell_of(plan, v - 1),
				     cell_of(plan, v), plan->nr_numa ? (unsigned)(plan->nr_vcpus / plan->nr_numa) : 0,
				     (unsigned)plan->nr_numa);
			socket_warned = 1;
		}
	}
}

/* The kernel's policy numbers for vm_sched_policy (config/ knows no <sched.h>) */
static int kernel_policy(int p)
{
	static const int policies[] = {
		[SCHED_OTHER_] = SCHED_OTHER, [SCHED_FIFO_] = SCHED_FIFO, [SCHED_RR_] = SCHED_RR,
		[SCHED_BATCH_] = SCHED_BATCH, [SCHED_IDLE_] = SCHED_IDLE,
	};

	return policies[p];
}

/* [[sched]] tables (validated: one policy per thread) and pinning.realtime as per-thread policies */
static void plan_sched(const struct vm_config *cfg, struct pin_plan *plan)
{
	plan->vcpu_sched = xcalloc(cfg->vcpus, sizeof(*plan->vcpu_sched));
	for (unsigned i = 0; i < cfg->vcpus; i++)
		plan->vcpu_sched[i] = cfg->realtime == 1 ? (struct plan_sched){ SCHED_FIFO, 1 } : (struct plan_sched){ -1, 0 };
	plan->emulator_sched = (struct plan_sched){ -1, 0 };
	for (size_t i = 0; i < cfg->nr_sched; i++) {
		const struct vm_sched *sc = &cfg->sched[i];
		struct plan_sched ps = { kernel_policy(sc->policy), sc->priority > 0 ? sc->priority : 0 };

		for (unsigned v = 0; sc->has_vcpus && v < cfg->vcpus; v++)
			if (cpuset_has(&sc->vcpus, v))
				plan->vcpu_sched[v] = ps;
		for (size_t k = 0; k < sc->iothreads.nr; k++) {
			plan->io_sched = xrealloc(plan->io_sched, (plan->nr_io_sched + 1) * sizeof(*plan->io_sched));
			plan->io_sched[plan->nr_io_sched].id = xstrdup(sc->iothreads.v[k]);
			plan->io_sched[plan->nr_io_sched++].s = ps;
		}
		if (sc->emulator == 1)
			plan->emulator_sched = ps;
	}
}

/* Whether a thread on 'cpus' shares them: with the host (reserved CPUs), other VMs or floating threads */
static int on_shared_cpus(const struct plan_host *host, const struct pin_plan *plan, const struct cpuset *cpus)
{
	struct cpuset outside = *cpus;

	if (!plan->dedicated || cpuset_intersects(cpus, &host->reserved))
		return 1;
	cpuset_andnot(&outside, &plan->owned);
	return !cpuset_empty(&outside);
}

static int realtime(const struct plan_sched *s)
{
	return s->policy == SCHED_FIFO || s->policy == SCHED_RR;
}

/*
 * Threads that take turns where they should not: a real-time thread (fifo,
 * rr) on CPUs it shares, which it starves when it never sleeps, and an
 * [[iothread]] on the VM's own dedicated vCPUs. Warnings: the pins are the
 * user's to choose.
 */
static void check_threads(const struct plan_host *host, const struct vm_config *cfg, const struct pin_plan *plan,
			  struct strvec *warnings)
{
	struct cpuset rt_vcpus, vcpu_cpus;
	struct strbuf l = STRBUF_INIT;

	if (!warnings)
		return;
	cpuset_zero(&rt_vcpus);
	cpuset_zero(&vcpu_cpus);
	for (size_t i = 0; i < plan->nr_vcpus; i++) {
		cpuset_or(&vcpu_cpus, &plan->vcpu[i]);
		if (realtime(&plan->vcpu_sched[i]) && (cfg->vcpu_pins || cfg->pin_auto) &&
		    on_shared_cpus(host, plan, &plan->vcpu[i]))
			cpuset_set(&rt_vcpus, (unsigned)i);
	}
	if (!cpuset_empty(&rt_vcpus)) {
		cpuset_format(&rt_vcpus, &l);
		strvec_pushf(warnings, "VM '%s': real-time vCPU%s %s run%s on CPUs the host or other threads also use: a "
			     "vCPU that never sleeps starves them; pin real-time vCPUs to dedicated, isolated CPUs", cfg->name,
			     cpuset_count(&rt_vcpus) == 1 ? "" : "s", l.buf, cpuset_count(&rt_vcpus) == 1 ? "s" : "");
	}
	if (realtime(&plan->emulator_sched) && on_shared_cpus(host, plan, &plan->emulator)) {
		strbuf_reset(&l);
		cpuset_format(&plan->emulator, &l);
		strvec_pushf(warnings, "VM '%s': real-time emulator threads on CPUs %s, which the host or other threads also "
			     "use: pinning.emulator = \"isolate\" gives them a CPU of their own", cfg->name, l.buf);
	}
	for (size_t i = 0; i < plan->nr_io_sched; i++) {
		const struct cpuset *cpus = &plan->iothread;

		if (!realtime(&plan->io_sched[i].s))
			continue;
		for (size_t j = 0; j < plan->nr_io_pins; j++)
			if (!strcmp(plan->io_pins[j].id, plan->io_sched[i].id))
				cpus = &plan->io_pins[j].cpus;
		if (on_shared_cpus(host, plan, cpus)) {
			strbuf_reset(&l);
			cpuset_format(cpus, &l);
			strvec_pushf(warnings, "VM '%s': real-time iothread '%s' on CPUs %s, which the host or other threads "
				     "also use: give it a CPU of its own ([[iothread]] cpus)", cfg->name, plan->io_sched[i].id,
				     l.buf);
		}
	}
	for (size_t j = 0; plan->dedicated && j < plan->nr_io_pins; j++) {
		struct cpuset both = plan->io_pins[j].cpus;

		cpuset_and(&both, &vcpu_cpus);
		if (cpuset_empty(&both))
			continue;
		strbuf_reset(&l);
		cpuset_format(&both, &l);
		strvec_pushf(warnings, "VM '%s': iothread '%s' runs on CPU%s %s of the VM's own dedicated vCPUs: the two "
			     "take turns, and the guest sees a stalled vCPU at each I/O; give it other CPUs", cfg->name,
			     plan->io_pins[j].id, cpuset_count(&both) == 1 ? "" : "s", l.buf);
	}
	strbuf_release(&l);
}

int pin_plan_build(struct plan_host *host, const struct vm_config *cfg, struct pin_plan *plan,
		   struct strvec *warnings, struct strbuf *err)
{
	const struct host_topo *t = host->topo;
	int ret = -1;

	memset(plan, 0, sizeof(*plan));
	plan->memory_node = -1;
	plan->nr_vcpus = cfg->vcpus;
	plan->vcpu = xcalloc(cfg->vcpus, sizeof(*plan->vcpu));
	plan->realtime = cfg->realtime == 1;
	plan_sched(cfg, plan);
	plan->sockets = cfg->sockets;
	plan->dies = cfg->dies;
	plan->cores = cfg->cores;
	plan->threads = cfg->threads;

	if (cfg->pin_auto && cfg->pin_policy == POLICY_DEDICATED) {
		if (plan_auto(host, cfg, plan, warnings, err) < 0)
			goto out;
	} else if (cfg->pin_auto) {
		struct cpuset pool;

		if (pool_for(host, cfg, plan, "shared vCPUs", &pool, err) < 0)
			goto out;
		for (size_t i = 0; i < plan->nr_vcpus; i++)
			plan->vcpu[i] = pool;
		plan->vcpus_float = 1;
		if (cfg->topology_auto)
			plan->threads = 1;
	} else if (cfg->vcpu_pins) {
		for (size_t i = 0; i < plan->nr_vcpus; i++)
			plan->vcpu[i] = cfg->vcpu_pins[i];
		if (check_explicit(host, cfg, plan, warnings, err) < 0)
			goto out;
		if (cfg->pin_policy == POLICY_DEDICATED) {
			plan->dedicated = 1;
			for (size_t i = 0; i < plan->nr_vcpus; i++)
				cpuset_or(&plan->owned, &plan->vcpu[i]);
		}
	} else {
		/* no pinning asked: the vCPUs float over the shared pool, never over dedicated CPUs */
		struct cpuset pool;

		if (pool_for(host, cfg, plan, "vCPUs", &pool, err) < 0)
			goto out;
		for (size_t i = 0; i < plan->nr_vcpus; i++)
			plan->vcpu[i] = pool;
		plan->vcpus_float = 1;
	}
	if (!cfg->vcpu_pins && !cfg->pin_auto && cfg->emulator_place == PLACE_DEFAULT) {
		plan->emulator = plan->vcpu[0];	/* with its vCPUs, over the pool */
		plan->emulator_float = 1;
	} else if (place(host, cfg, cfg->emulator_place, &cfg->emulator_pin, "pinning.emulator", plan, &plan->emulator,
			 &plan->emulator_float, err) < 0) {
		goto out;
	}
	if (cfg->iothread_place == PLACE_DEFAULT) {
		plan->iothread = plan->emulator;
		plan->iothread_float = plan->emulator_float;
	} else if (place(host, cfg, cfg->iothread_place, &cfg->iothread_pin, "pinning.iothreads", plan, &plan->iothread,
			 &plan->iothread_float, err) < 0) {
		goto out;
	}

	/* [[iothread]]s with CPUs of their own */
	for (size_t i = 0; i < cfg->nr_iothreads; i++) {
		const struct vm_iothread *io = &cfg->iothreads[i];

		if (!io->has_cpus)
			continue;
		for (int c = cpuset_next(&io->cpus, 0); c >= 0; c = cpuset_next(&io->cpus, (unsigned)c + 1)) {
			if (!cpuset_has(&t->all, (unsigned)c)) {
				struct strbuf s = STRBUF_INIT;
				struct config_loc loc = vm_config_item_loc(cfg, "iothread", i, "cpus");

				cpuset_format(&t->all, &s);
				strbuf_addf(err, "%s:%d:%d: key 'iothread[%zu].cpus': CPU %d is not online (online: %s)",
					    cfg->file, loc.line, loc.col, i, c, s.buf);
				strbuf_release(&s);
				goto out;
			}
		}
		plan->io_pins = xrealloc(plan->io_pins, (plan->nr_io_pins + 1) * sizeof(*plan->io_pins));
		plan->io_pins[plan->nr_io_pins].id = xstrdup(io->id);
		plan->io_pins[plan->nr_io_pins++].cpus = io->cpus;
	}

	/* guest NUMA nodes: declared, or from the plan */
	if (cfg->nr_numa)
		plan->nr_numa = pin_plan_config_cells(cfg, t, plan->vcpu, plan->vcpus_float, &plan->numa);
	else
		plan_numa(t, cfg, plan);
	/* guest topology: as configured, or from the plan: one socket per guest node when they can be */
	if (!plan->sockets) {
		unsigned threads = plan->threads ? plan->threads : 1;

		plan->threads = threads;
		plan->dies = 1;
		plan->sockets = cells_are_sockets(plan, threads) ? (unsigned)plan->nr_numa : 1;
		plan->cores = cfg->vcpus / threads / plan->sockets;
	}
	check_cells(cfg, plan, warnings);
	check_threads(host, cfg, plan, warnings);
	if (cfg->numa_node >= 0) {
		/* the config's node wins over the plan's */
		plan->memory_node = cfg->numa_node;
		free(plan->numa);
		plan->numa = NULL;
		plan->nr_numa = 0;
	}
	pin_plan_host_hold(host, cfg->name, &plan->owned, plan->dedicated);
	ret = 0;
out:
	if (ret < 0)
		pin_plan_release(plan);
	return ret;
}

int pin_plan_memory_check(const struct host_topo *t, const struct vm_config *cfg, const struct pin_plan *plan,
			  struct strbuf *msg)
{
	if (plan->memory_node < 0 || vm_config_any_hugepages(cfg))
		return 0;
	for (size_t i = 0; i < t->nr_nodes; i++) {
		const struct host_group *n = &t->nodes[i];
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;
		int short_of = n->mem_free && n->mem_free < cfg->mem_bytes;

		if (n->os_index != plan->memory_node || !n->mem_free)
			continue;
		size_format(cfg->mem_bytes, &a);
		size_format(n->mem_free & ~((UINT64_C(1) << 20) - 1), &b);
		strbuf_addf(msg, "VM '%s' binds %s of RAM to host node %d, which has %s free now", cfg->name, a.buf,
			    plan->memory_node, b.buf);
		strbuf_release(&a);
		strbuf_release(&b);
		return short_of;
	}
	return 0;
}

void pin_plan_kernel_cmdline(const struct plan_host *host, const struct vm_config *const *cfgs, size_t n,
			 struct strbuf *out, struct strvec *notes)
{
	struct cpuset dedicated, kept;
	struct strbuf list = STRBUF_INIT;
	uint64_t gig_pages = 0;
	int iommu = 0;

	cpuset_zero(&dedicated);
	for (size_t i = 0; i < host->nr_holders; i++)
		if (host->holders[i].dedicated)
			cpuset_or(&dedicated, &host->holders[i].cpus);
	/*
	 * A CPU the host keeps is never isolated, even when a pin puts a vCPU
	 * there: isolating it would take it from the host tasks it is kept for
	 * (and with every CPU pinned, from the whole host).
	 */
	kept = dedicated;
	cpuset_and(&kept, &host->reserved);
	cpuset_andnot(&dedicated, &host->reserved);
	if (!cpuset_empty(&kept) && notes) {
		cpuset_format_label(&kept, &list);
		strvec_pushf(notes, "%s kept for the host (reserved_cpus) but pinned to a dedicated vCPU: not isolated "
			     "on the kernel command line, so the vCPU shares %s with host tasks; pin it elsewhere, or take "
			     "%s out of reserved_cpus in host.toml", list.buf, cpuset_count(&kept) == 1 ? "it" : "them",
			     cpuset_count(&kept) == 1 ? "it" : "them");
		strbuf_reset(&list);
	}
	for (size_t i = 0; i < n; i++) {
		if (cfgs[i]->nr_pci)
			iommu = 1;
		struct plan_numa *parts;
		size_t nr = pin_plan_ram_parts(cfgs[i], NULL, &parts);

		for (size_t j = 0; j < nr; j++)
			if (parts[j].hugepages == HUGEPAGES_1G)
				gig_pages += parts[j].mem_bytes >> 30;
		free(parts);
	}
	cpuset_format(&dedicated, &list);
	if (list.len)
		strbuf_addf(out, "isolcpus=%s nohz_full=%s rcu_nocbs=%s", list.buf, list.buf, list.buf);
	if (iommu)
		strbuf_addf(out, "%s%s iommu=pt", out->len ? " " : "",
			    strstr(host->topo->vendor, "AMD") ? "amd_iommu=on" : "intel_iommu=on");
	if (gig_pages)
		strbuf_addf(out, "%sdefault_hugepagesz=1G hugepagesz=1G hugepages=%llu", out->len ? " " : "",
			    (unsigned long long)gig_pages);
	strbuf_release(&list);
}
