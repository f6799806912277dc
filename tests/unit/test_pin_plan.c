/*
 * test_pin_plan.c - the planner on real machine shapes: the seeds' hwloc
 * topologies (siblings n/n+4, n/n+10, two sockets with n/n+36, no SMT) and
 * generated ones (siblings 2n/2n+1, several packages, nodes and L3s).
 * Properties are checked for VMs of 1 to 32 vCPUs on every topology; the
 * seeds' own layouts are checked exactly.
 */
#include "tests/unit/unit.h"
#include "config/vm_config.h"
#include "launcher/plan/host_topo.h"
#include "launcher/plan/pin_plan.h"

#define TOPO UNIT_DATA	/* copies of ../shared/topologies/ */

static const char *const topologies[] = {
	TOPO "seed-i5-4c8t.xml", TOPO "seed-10c20t.xml", TOPO "seed-2s-36c72t.xml", TOPO "nosmt-2c.xml",
	UNIT_DATA "gen-2p-4n-16l3-256t.xml", UNIT_DATA "gen-8c16t-adjacent.xml", UNIT_DATA "gen-8c-2l3.xml",
};

static void topo_load(struct host_topo *t, const char *path)
{
	struct strbuf err = STRBUF_INIT;

	if (host_topo_load_xml(t, path, &err) < 0) {
		print_error("%s\n", err.buf);
		fail();
	}
	strbuf_release(&err);
}

static void cfg_load(struct vm_config *cfg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void cfg_load(struct vm_config *cfg, const char *fmt, ...)
{
	char file[128];
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&text, fmt, ap);
	va_end(ap);
	vm_config_init(cfg);
	if (vm_config_parse(unit_config_file("vms/", "p", text.buf, file), text.buf, text.len, cfg, &err) < 0) {
		print_error("%s\n", err.buf);
		fail();
	}
	strbuf_release(&text);
	strbuf_release(&err);
}

static void reserve(struct plan_host *h, const struct host_topo *t, const char *list)
{
	struct cpuset r;
	struct strbuf err = STRBUF_INIT;

	cpuset_zero(&r);
	if (list && *list)
		assert_int_equal(cpuset_parse(&r, list, &err), 0);
	assert_int_equal(pin_plan_host_init(h, t, list ? &r : NULL, &err), 0);
	strbuf_release(&err);
}

static int group_of(const struct host_group *g, size_t nr, const struct cpuset *s)
{
	for (size_t i = 0; i < nr; i++) {
		struct cpuset x = *s;

		cpuset_andnot(&x, &g[i].cpus);
		if (cpuset_empty(&x))
			return (int)i;
	}
	return -1;
}

/*
 * Whether some group surely has room: free threads for the vCPUs, and with
 * SMT twice that (whole cores for pairs, whatever the reservation split).
 */
static int fits(const struct host_group *g, size_t nr, const struct cpuset *reserved, unsigned vcpus, unsigned smt)
{
	for (size_t i = 0; i < nr; i++) {
		struct cpuset room = g[i].cpus;

		cpuset_andnot(&room, reserved);
		if (cpuset_count(&room) >= vcpus * (smt >= 2 ? 2 : 1) + (smt >= 2 ? 2 : 0))
			return 1;
	}
	return 0;
}

/* The rules of pin_plan.h, checked on one plan. */
static void check_plan(const struct host_topo *t, const struct plan_host *h, const struct vm_config *cfg,
		       const struct pin_plan *p, struct cpuset *seen)
{
	struct cpuset all;

	cpuset_zero(&all);
	assert_int_equal(p->nr_vcpus, cfg->vcpus);
	assert_int_equal(p->sockets * p->cores * p->threads, cfg->vcpus);
	for (size_t i = 0; i < p->nr_vcpus; i++) {
		/* dedicated: one thread each, never shared with another vCPU, the host or the emulator */
		assert_int_equal(cpuset_count(&p->vcpu[i]), 1);
		assert_false(cpuset_intersects(&p->vcpu[i], &all));
		assert_false(cpuset_intersects(&p->vcpu[i], seen));
		assert_false(cpuset_intersects(&p->vcpu[i], &h->reserved));
		assert_false(cpuset_intersects(&p->vcpu[i], &p->emulator));
		cpuset_or(&all, &p->vcpu[i]);
	}
	/* guest thread pairs sit on host sibling pairs */
	for (size_t i = 0; p->threads == 2 && i + 1 < p->nr_vcpus; i += 2)
		assert_int_equal(host_topo_core_of(t, (unsigned)cpuset_next(&p->vcpu[i], 0)),
				 host_topo_core_of(t, (unsigned)cpuset_next(&p->vcpu[i + 1], 0)));
	/* with SMT and an even count, prefer pairs */
	if (t->max_threads >= 2 && !(cfg->vcpus & 1))
		assert_int_equal(p->threads, 2);
	/* memory binding matches the vCPUs' nodes */
	if (p->nr_numa == 0) {
		int n = group_of(t->nodes, t->nr_nodes, &all);

		assert_true(n >= 0);
		assert_int_equal(p->memory_node, t->nodes[n].os_index);
	} else {
		struct cpuset cells;
		uint64_t mem = 0;

		cpuset_zero(&cells);
		for (size_t j = 0; j < p->nr_numa; j++) {
			for (int v = cpuset_next(&p->numa[j].vcpus, 0); v >= 0; v = cpuset_next(&p->numa[j].vcpus, (unsigned)v + 1)) {
				int n = group_of(t->nodes, t->nr_nodes, &p->vcpu[v]);

				assert_int_equal(t->nodes[n].os_index, p->numa[j].host_node);
			}
			/* every vCPU in exactly one guest node */
			assert_false(cpuset_intersects(&cells, &p->numa[j].vcpus));
			cpuset_or(&cells, &p->numa[j].vcpus);
			mem += p->numa[j].mem_bytes;
		}
		assert_int_equal(cpuset_count(&cells), cfg->vcpus);
		assert_true(mem == cfg->mem_bytes);
		/* one guest socket per node: node j is socket j, whole */
		if (p->sockets == p->nr_numa) {
			unsigned per = cfg->vcpus / p->sockets;

			for (size_t j = 0; j < p->nr_numa; j++)
				for (unsigned v = 0; v < cfg->vcpus; v++)
					assert_int_equal(cpuset_has(&p->numa[j].vcpus, v), v / per == j);
		}
	}
	cpuset_or(seen, &all);
}

static void test_pin_plan_properties(void **state)
{
	(void)state;
	for (size_t ti = 0; ti < sizeof(topologies) / sizeof(topologies[0]); ti++) {
		struct host_topo t;

		topo_load(&t, topologies[ti]);
		for (unsigned vcpus = 1; vcpus <= 32; vcpus++) {
			struct plan_host h;
			struct vm_config cfg;
			struct pin_plan p;
			struct strvec warn = STRVEC_INIT;
			struct strbuf err = STRBUF_INIT;
			struct cpuset seen, fr = t.all;
			unsigned free_threads, free_pairs = 0;

			reserve(&h, &t, NULL);
			cpuset_andnot(&fr, &h.reserved);
			free_threads = cpuset_count(&fr);
			/* sibling pairs no reservation touches: what an even VM's pairs need */
			for (size_t c = 0; c < t.nr_cores; c++) {
				struct cpuset core = t.cores[c].pus;

				cpuset_and(&core, &fr);
				free_pairs += cpuset_count(&core) / 2;
			}
			cfg_load(&cfg, "[cpu]\nvcpus = %u\ntopology = \"auto\"\n[pinning]\nvcpus = \"auto\"\n", vcpus);
			cpuset_zero(&seen);
			if (pin_plan_build(&h, &cfg, &p, &warn, &err) == 0) {
				check_plan(&t, &h, &cfg, &p, &seen);
				/* a VM that fits one L3 domain (or one node) is placed in one */
				if (fits(t.l3, t.nr_l3, &h.reserved, vcpus, t.max_threads))
					assert_true(group_of(t.l3, t.nr_l3, &seen) >= 0);
				if (fits(t.nodes, t.nr_nodes, &h.reserved, vcpus, t.max_threads))
					assert_true(group_of(t.nodes, t.nr_nodes, &seen) >= 0);
				pin_plan_release(&p);
			} else {
				/*
				 * only when the host is really too small: too few free
				 * threads, or (SMT, an even VM: pairs) too few free pairs
				 */
				if (t.max_threads >= 2 && !(vcpus & 1))
					assert_true(vcpus / 2 > free_pairs);
				else
					assert_true(vcpus > free_threads);
				assert_non_null(strstr(err.buf, "does not fit"));
			}
			strvec_clear(&warn);
			strbuf_release(&err);
			vm_config_release(&cfg);
			pin_plan_host_release(&h);
		}
		host_topo_free(&t);
	}
}

static void test_pin_plan_many_vms(void **state)
{
	(void)state;
	/* pack VMs of 4 until the host is full: never an overlap */
	for (size_t ti = 0; ti < sizeof(topologies) / sizeof(topologies[0]); ti++) {
		struct host_topo t;
		struct plan_host h;
		struct cpuset seen;
		int fitted = 0;

		topo_load(&t, topologies[ti]);
		reserve(&h, &t, NULL);
		cpuset_zero(&seen);
		for (;;) {
			struct vm_config cfg;
			struct pin_plan p;
			struct strvec warn = STRVEC_INIT;
			struct strbuf err = STRBUF_INIT;
			int r;

			cfg_load(&cfg, "name = \"vm%d\"\n[cpu]\nvcpus = 4\ntopology = \"auto\"\n[pinning]\nvcpus = \"auto\"\n", fitted);
			r = pin_plan_build(&h, &cfg, &p, &warn, &err);
			if (r == 0) {
				check_plan(&t, &h, &cfg, &p, &seen);
				pin_plan_release(&p);
				fitted++;
			}
			strvec_clear(&warn);
			strbuf_release(&err);
			vm_config_release(&cfg);
			if (r < 0)
				break;
		}
		/* every free pair (or thread without SMT) was used */
		assert_int_equal(fitted, (int)((cpuset_count(&t.all) - cpuset_count(&h.reserved)) / 4));
		pin_plan_host_release(&h);
		host_topo_free(&t);
	}
}

static void test_pin_plan_seed_004(void **state)
{
	struct host_topo t;
	struct plan_host h;
	struct cpuset seen;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	topo_load(&t, TOPO "seed-2s-36c72t.xml");
	reserve(&h, &t, "0-3,18-21,36-39,54-57");
	cpuset_zero(&seen);
	for (int i = 0; i < 15; i++) {
		struct vm_config cfg;
		struct pin_plan p;
		struct strvec warn = STRVEC_INIT;

		cfg_load(&cfg, "name = \"vm%d\"\n[cpu]\nvcpus = 4\ntopology = \"auto\"\ncpu_pm = true\n"
			 "[pinning]\nvcpus = \"auto\"\n[memory]\nsize = \"8G\"\nhugepages = \"2M\"\n", i + 1);
		if (i < 14) {
			int pkg;

			assert_int_equal(pin_plan_build(&h, &cfg, &p, &warn, &err), 0);
			check_plan(&t, &h, &cfg, &p, &seen);
			/* two whole sibling pairs of one socket */
			assert_int_equal(p.threads, 2);
			assert_int_equal(p.cores, 2);
			pkg = t.cores[host_topo_core_of(&t, (unsigned)cpuset_next(&p.vcpu[0], 0))].package;
			for (size_t v = 0; v < 4; v++)
				assert_int_equal(t.cores[host_topo_core_of(&t, (unsigned)cpuset_next(&p.vcpu[v], 0))].package, pkg);
			assert_int_equal(p.memory_node, pkg);
			/* emulator threads on the reserved threads of its own socket */
			assert_true(cpuset_count(&p.emulator) == 8);
			pin_plan_release(&p);
		} else {
			assert_int_equal(pin_plan_build(&h, &cfg, &p, &warn, &err), -1);
			assert_non_null(strstr(err.buf, "VM 'vm15' does not fit: it needs 2 whole cores with two free threads "
							"for 4 dedicated vCPUs (thread_policy prefer)"));
			assert_non_null(strstr(err.buf, "\n  free: no CPU\n  kept for the host (reserved_cpus): CPUs "
							"0-3,18-21,36-39,54-57\n  owned by 'vm1': CPUs "));
		}
		strvec_clear(&warn);
		vm_config_release(&cfg);
	}
	strbuf_release(&err);
	pin_plan_host_release(&h);
	host_topo_free(&t);
}

static void plan_one(const char *topo, const char *reserved, const char *text, struct host_topo *t,
		     struct plan_host *h, struct pin_plan *p, struct strvec *warn, struct strbuf *err, int want)
{
	struct vm_config cfg;

	topo_load(t, topo);
	reserve(h, t, reserved);
	cfg_load(&cfg, "%s", text);
	assert_int_equal(pin_plan_build(h, &cfg, p, warn, err), want);
	vm_config_release(&cfg);
}

static void test_pin_plan_policies(void **state)
{
	struct host_topo t;
	struct plan_host h;
	struct pin_plan p;
	struct strvec warn = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT, s = STRBUF_INIT;

	(void)state;
	/* isolate: one thread per core, the sibling owned and idle */
	plan_one(TOPO "seed-i5-4c8t.xml", NULL, "[cpu]\nvcpus = 2\n[pinning]\nvcpus = \"auto\"\nthread_policy = \"isolate\"\n",
		 &t, &h, &p, &warn, &err, 0);
	cpuset_format(&p.owned, &s);
	assert_string_equal(s.buf, "1-2,5-6");
	assert_int_equal(p.threads, 1);
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);

	/* require on a host without SMT */
	plan_one(TOPO "nosmt-2c.xml", "", "[cpu]\nvcpus = 2\n[pinning]\nvcpus = \"auto\"\nthread_policy = \"require\"\n",
		 &t, &h, &p, &warn, &err, -1);
	assert_string_equal(err.buf, "vms/p.toml: key 'pinning.thread_policy': \"require\" needs SMT, and "
				     TOPO "nosmt-2c.xml has none");
	pin_plan_host_release(&h);
	host_topo_free(&t);
	strbuf_reset(&err);

	/* shared: every vCPU floats over the shared pool, what no VM owns (the host's CPUs too) */
	plan_one(TOPO "seed-i5-4c8t.xml", NULL, "[cpu]\nvcpus = 3\n[pinning]\nvcpus = \"auto\"\npolicy = \"shared\"\n",
		 &t, &h, &p, &warn, &err, 0);
	strbuf_reset(&s);
	cpuset_format(&p.vcpu[2], &s);
	assert_string_equal(s.buf, "0-7");
	assert_true(cpuset_empty(&p.owned));
	assert_int_equal(p.dedicated, 0);
	assert_int_equal(p.vcpus_float, 1);
	assert_int_equal(p.emulator_float, 0);	/* on the host's CPUs */
	pin_plan_release(&p);
	/* a dedicated VM runs: the pool, and so unpinned and shared VMs, leave its CPUs alone */
	{
		struct cpuset held;

		cpuset_parse(&held, "1,5", &err);
		pin_plan_host_hold(&h, "dedicated", &held, 1);
		for (int shared = 0; shared < 2; shared++) {
			struct vm_config cfg;

			cfg_load(&cfg, "[cpu]\nvcpus = 2\n%s", shared ? "[pinning]\nvcpus = \"auto\"\npolicy = \"shared\"\n" : "");
			assert_int_equal(pin_plan_build(&h, &cfg, &p, &warn, &err), 0);
			for (size_t v = 0; v < 2; v++) {
				strbuf_reset(&s);
				cpuset_format(&p.vcpu[v], &s);
				assert_string_equal(s.buf, "0,2-4,6-7");
			}
			strbuf_reset(&s);
			cpuset_format(&p.emulator, &s);
			assert_string_equal(s.buf, shared ? "0,4" : "0,2-4,6-7");
			assert_int_equal(p.vcpus_float, 1);
			assert_int_equal(p.emulator_float, !shared);
			assert_int_equal(p.iothread_float, !shared);
			pin_plan_release(&p);
			vm_config_release(&cfg);
		}
	}
	pin_plan_host_release(&h);

	/* the host keeps no CPU: emulator threads float over the pool, never onto a dedicated VM's CPUs */
	reserve(&h, &t, "");
	{
		struct cpuset held;
		struct vm_config cfg;

		cpuset_parse(&held, "0-3", &err);
		pin_plan_host_hold(&h, "dedicated", &held, 1);
		cfg_load(&cfg, "[cpu]\nvcpus = 1\n[pinning]\nvcpus = [\"4\"]\n");
		assert_int_equal(pin_plan_build(&h, &cfg, &p, &warn, &err), 0);
		strbuf_reset(&s);
		cpuset_format(&p.emulator, &s);
		assert_string_equal(s.buf, "5-7");	/* the pool: not 0-3, not its own vCPU's 4 */
		assert_int_equal(p.emulator_float, 1);
		pin_plan_release(&p);
		vm_config_release(&cfg);
		/* and when the pool is empty, the VM does not fit */
		cpuset_parse(&held, "5-7", &err);
		pin_plan_host_hold(&h, "other", &held, 1);
		cfg_load(&cfg, "[cpu]\nvcpus = 1\n[pinning]\nvcpus = [\"4\"]\n");
		assert_int_equal(pin_plan_build(&h, &cfg, &p, &warn, &err), -1);
		assert_non_null(strstr(err.buf, "VM 'p' does not fit: no CPU is left for its emulator threads (dedicated "
					"VMs own every CPU, and the host keeps none)\n  free: no CPU\n"));
		strbuf_reset(&err);
		vm_config_release(&cfg);
	}
	pin_plan_host_release(&h);
	host_topo_free(&t);

	/* emulator isolate: one more dedicated thread; iothreads share */
	plan_one(TOPO "seed-i5-4c8t.xml", NULL,
		 "[cpu]\nvcpus = 2\n[pinning]\nvcpus = \"auto\"\nemulator = \"isolate\"\niothreads = \"share\"\n",
		 &t, &h, &p, &warn, &err, 0);
	strbuf_reset(&s);
	cpuset_format(&p.emulator, &s);
	assert_string_equal(s.buf, "2");
	strbuf_reset(&s);
	cpuset_format(&p.iothread, &s);
	assert_string_equal(s.buf, "0,3-4,6-7");	/* the shared pool */
	strbuf_reset(&s);
	cpuset_format(&p.owned, &s);
	assert_string_equal(s.buf, "1-2,5");
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);
	strvec_clear(&warn);
	strbuf_release(&err);
	strbuf_release(&s);
}

static void test_pin_plan_numa_spread(void **state)
{
	struct host_topo t;
	struct plan_host h;
	struct pin_plan p;
	struct strvec warn = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	uint64_t total = 0;

	(void)state;
	/* 4 nodes of 32 cores: 96 vCPUs (48 pairs) need two nodes */
	plan_one(UNIT_DATA "gen-2p-4n-16l3-256t.xml", NULL,
		 "[cpu]\nvcpus = 96\ntopology = \"auto\"\n[pinning]\nvcpus = \"auto\"\n[memory]\nsize = \"6G\"\n",
		 &t, &h, &p, &warn, &err, 0);
	assert_int_equal(p.nr_numa, 2);
	assert_int_equal(p.sockets, 2);
	assert_int_equal(p.cores * p.threads * p.sockets, 96);
	for (size_t j = 0; j < p.nr_numa; j++)
		total += p.numa[j].mem_bytes;
	assert_true(total == (6ULL << 30));
	assert_int_equal(p.memory_node, -1);
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);

	/*
	 * The seeds' two sockets of 18 cores (siblings n/n+36), 40 vCPUs, the topology left
	 * to the plan: 20 + 20 on the two nodes (not 34 + 6), each guest node one whole
	 * guest socket, and the thread pairs on host siblings (threads = 2).
	 */
	plan_one(UNIT_DATA "seed-2s-36c72t.xml", NULL,
		 "[cpu]\nvcpus = 40\n[pinning]\nvcpus = \"auto\"\n[memory]\nsize = \"32G\"\n", &t, &h, &p, &warn, &err, 0);
	assert_int_equal(p.sockets, 2);
	assert_int_equal(p.cores, 10);
	assert_int_equal(p.threads, 2);
	assert_int_equal(p.nr_numa, 2);
	for (size_t j = 0; j < 2; j++) {
		assert_int_equal(cpuset_count(&p.numa[j].vcpus), 20);
		assert_true(p.numa[j].mem_bytes == (16ULL << 30));
	}
	assert_int_not_equal(p.numa[0].host_node, p.numa[1].host_node);
	for (size_t v = 0; v < 40; v += 2) {	/* vCPU 2k and 2k+1: one host core */
		int a = cpuset_next(&p.vcpu[v], 0), b = cpuset_next(&p.vcpu[v + 1], 0);

		assert_int_equal(b, a + 36);
	}
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);

	/* node 1 lacks room for its half: the nodes fill in turn (34 + 6), so one guest socket, not two */
	plan_one(UNIT_DATA "seed-2s-36c72t.xml", "0,36,18-27,54-63",
		 "[cpu]\nvcpus = 40\n[pinning]\nvcpus = \"auto\"\n[memory]\nsize = \"32G\"\n", &t, &h, &p, &warn, &err, 0);
	assert_int_equal(p.nr_numa, 2);
	assert_int_equal(cpuset_count(&p.numa[0].vcpus), 34);
	assert_int_equal(p.sockets, 1);
	assert_int_equal(p.cores * p.threads, 40);
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);

	/* 32 vCPUs fit one node (not one L3 of 8 cores): one node, bound */
	plan_one(UNIT_DATA "gen-2p-4n-16l3-256t.xml", NULL,
		 "[cpu]\nvcpus = 32\ntopology = \"auto\"\n[pinning]\nvcpus = \"auto\"\n", &t, &h, &p, &warn, &err, 0);
	assert_int_equal(p.nr_numa, 0);
	assert_int_equal(p.memory_node, 0);
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);
	strvec_clear(&warn);
	strbuf_release(&err);
}

/* [[numa]]: nodes as declared, bound to the host nodes their vCPUs are pinned to unless host_nodes says */
static void test_pin_plan_numa_declared(void **state)
{
	struct host_topo t;
	struct plan_host h;
	struct pin_plan p;
	struct strvec warn = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT, s = STRBUF_INIT;

	(void)state;
	plan_one(UNIT_DATA "seed-2s-36c72t.xml", NULL,
		 "[cpu]\nvcpus = 8\n[pinning]\nvcpus = [\"1\", \"37\", \"2\", \"38\", \"19\", \"55\", \"20\", \"56\"]\n"
		 "[[numa]]\nvcpus = \"0-3\"\nmemory = \"3G\"\n[[numa]]\nvcpus = \"4-7\"\nmemory = \"1G\"\nhost_nodes = \"0-1\"\n"
		 "policy = \"interleave\"\n", &t, &h, &p, &warn, &err, 0);
	assert_int_equal(p.nr_numa, 2);
	assert_int_equal(p.numa[0].host_node, 0);
	cpuset_format(&p.numa[0].host_nodes, &s);
	assert_string_equal(s.buf, "0");
	assert_true(p.numa[0].mem_bytes == (3ULL << 30));
	assert_int_equal(p.numa[1].host_node, -1);
	strbuf_reset(&s);
	cpuset_format(&p.numa[1].host_nodes, &s);
	assert_string_equal(s.buf, "0-1");
	assert_int_equal(p.numa[1].policy, NUMA_INTERLEAVE);
	/* no cpu.topology: one guest socket per node */
	assert_int_equal(p.sockets, 2);
	assert_int_equal(p.cores * p.threads, 4);
	assert_int_equal(warn.nr, 0);
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);

	/* the topology given splits a socket and a core over the nodes: a warning each */
	plan_one(UNIT_DATA "seed-2s-36c72t.xml", NULL,
		 "[cpu]\nvcpus = 4\ntopology = { sockets = 1, cores = 2, threads = 2 }\n"
		 "[[numa]]\nvcpus = \"0-2\"\nmemory = \"1G\"\n[[numa]]\nvcpus = \"3\"\nmemory = \"1G\"\n",
		 &t, &h, &p, &warn, &err, 0);
	assert_int_equal(p.sockets, 1);
	assert_int_equal(p.numa[0].host_node, -1);	/* floating vCPUs: not bound */
	assert_int_equal(warn.nr, 1);
	assert_string_equal(warn.v[0], "guest core 1 of socket 0 has vCPUs 2 and 3 in guest NUMA nodes 0 and 1: the guest "
			    "sees SMT siblings on two nodes; give each node whole cores (cpu.topology.threads = 2)");
	strvec_clear(&warn);
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);

	plan_one(UNIT_DATA "seed-2s-36c72t.xml", NULL,
		 "[cpu]\nvcpus = 4\ntopology = { sockets = 1, cores = 4 }\n"
		 "[[numa]]\nvcpus = \"0-1\"\nmemory = \"1G\"\n[[numa]]\nvcpus = \"2-3\"\nmemory = \"1G\"\n",
		 &t, &h, &p, &warn, &err, 0);
	assert_int_equal(warn.nr, 1);
	assert_string_equal(warn.v[0], "guest socket 0 has vCPUs in guest NUMA nodes 0 and 1: give each node whole sockets "
			    "(2 vCPUs each with cpu.topology.sockets = 2)");
	strvec_clear(&warn);
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);

	/* memory.numa = "off": the 40 vCPUs still span both nodes, the guest sees one flat node, RAM unbound */
	plan_one(UNIT_DATA "seed-2s-36c72t.xml", NULL,
		 "[cpu]\nvcpus = 40\n[pinning]\nvcpus = \"auto\"\n[memory]\nsize = \"32G\"\nnuma = \"off\"\n",
		 &t, &h, &p, &warn, &err, 0);
	assert_int_equal(p.nr_numa, 0);
	assert_int_equal(p.memory_node, -1);
	assert_int_equal(p.sockets, 1);
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);
	strvec_clear(&warn);
	strbuf_release(&err);
	strbuf_release(&s);
}

/* a real-time thread on CPUs it shares, an [[iothread]] on the VM's own vCPUs: warnings */
static void test_pin_plan_thread_warnings(void **state)
{
	struct host_topo t;
	struct plan_host h;
	struct pin_plan p;
	struct strvec warn = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	/* the default reservation of the i5 is CPUs 0 and 4: vCPU 1 pinned there runs fifo among host tasks */
	plan_one(TOPO "seed-i5-4c8t.xml", NULL,
		 "[cpu]\nvcpus = 2\n[pinning]\nvcpus = [\"1\", \"0\"]\nrealtime = true\n"
		 "[[iothread]]\nid = \"db\"\ncpus = \"1-2\"\n[[disk]]\npath = \"/x\"\niothread = \"db\"\n"
		 "[[sched]]\niothreads = [\"db\"]\npolicy = \"rr\"\npriority = 3\n", &t, &h, &p, &warn, &err, 0);
	assert_int_equal(warn.nr, 4);
	assert_string_equal(warn.v[0], "vms/p.toml:4:1: key 'pinning.vcpus[1]': CPU 0 is reserved for the host (reserved_cpus 0,4)");
	assert_string_equal(warn.v[1], "VM 'p': real-time vCPU 1 runs on CPUs the host or other threads also use: a vCPU "
			    "that never sleeps starves them; pin real-time vCPUs to dedicated, isolated CPUs");
	assert_string_equal(warn.v[2], "VM 'p': real-time iothread 'db' on CPUs 1-2, which the host or other threads also "
			    "use: give it a CPU of its own ([[iothread]] cpus)");
	assert_string_equal(warn.v[3], "VM 'p': iothread 'db' runs on CPU 1 of the VM's own dedicated vCPUs: the two take "
			    "turns, and the guest sees a stalled vCPU at each I/O; give it other CPUs");
	strvec_clear(&warn);
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);

	/* dedicated, isolated: none */
	plan_one(TOPO "seed-i5-4c8t.xml", NULL,
		 "[cpu]\nvcpus = 2\n[pinning]\nvcpus = [\"1\", \"5\"]\nrealtime = true\n"
		 "[[iothread]]\nid = \"db\"\ncpus = \"2\"\n[[disk]]\npath = \"/x\"\niothread = \"db\"\n",
		 &t, &h, &p, &warn, &err, 0);
	assert_int_equal(warn.nr, 0);
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);
	strvec_clear(&warn);
	strbuf_release(&err);
}

static void test_pin_plan_explicit(void **state)
{
	struct host_topo t;
	struct plan_host h;
	struct pin_plan p;
	struct strvec warn = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	struct cpuset held;

	(void)state;
	/* seed 000's pins on its i5: pairs on siblings, two floating vCPUs: no warning */
	plan_one(TOPO "seed-i5-4c8t.xml", NULL,
		 "[cpu]\nvcpus = 8\ntopology = { sockets = 1, cores = 4, threads = 2 }\n"
		 "[pinning]\nvcpus = [\"3\", \"7\", \"1\", \"5\", \"2\", \"6\", \"1-3,5-7\", \"1-3,5-7\"]\n",
		 &t, &h, &p, &warn, &err, 0);
	assert_int_equal(warn.nr, 0);
	assert_int_equal(p.memory_node, 0);
	pin_plan_release(&p);
	pin_plan_host_release(&h);
	host_topo_free(&t);

	/* a guest core split over two host cores, and a pin on the host's core */
	plan_one(TOPO "seed-i5-4c8t.xml", NULL,
		 "[cpu]\nvcpus = 2\ntopology = { sockets = 1, cores = 1, threads = 2 }\n[pinning]\nvcpus = [\"1\", \"4\"]\n",
		 &t, &h, &p, &warn, &err, 0);
	assert_int_equal(warn.nr, 2);
	assert_string_equal(warn.v[0], "vms/p.toml:5:1: key 'pinning.vcpus[1]': CPU 4 is reserved for the host (reserved_cpus 0,4)");
	assert_string_equal(warn.v[1], "vms/p.toml:5:1: key 'pinning.vcpus': vCPUs 0 and 1 are one guest core, but CPUs 1 "
				       "and 4 are on different host cores; pin vCPU 1 to 1's sibling 5");
	pin_plan_release(&p);
	strvec_clear(&warn);

	/* a CPU another running VM owns */
	cpuset_parse(&held, "2,6", &err);
	pin_plan_host_hold(&h, "other", &held, 1);
	{
		struct vm_config cfg;

		cfg_load(&cfg, "[cpu]\nvcpus = 1\n[pinning]\nvcpus = [\"6\"]\n");
		assert_int_equal(pin_plan_build(&h, &cfg, &p, &warn, &err), -1);
		assert_string_equal(err.buf, "vms/p.toml:4:1: key 'pinning.vcpus[0]': CPU 6 is owned by VM 'other'");
		vm_config_release(&cfg);
		strbuf_reset(&err);
		cfg_load(&cfg, "[cpu]\nvcpus = 1\n[pinning]\nvcpus = [\"9\"]\n");
		assert_int_equal(pin_plan_build(&h, &cfg, &p, &warn, &err), -1);
		assert_string_equal(err.buf, "vms/p.toml:4:1: key 'pinning.vcpus[0]': CPU 9 is not online (online: 0-7)");
		vm_config_release(&cfg);
	}
	pin_plan_host_release(&h);
	host_topo_free(&t);
	strvec_clear(&warn);
	strbuf_release(&err);
}

static void test_pin_plan_kernel_cmdline(void **state)
{
	struct host_topo t;
	struct plan_host h;
	struct pin_plan p[2];
	struct vm_config cfg[2];
	const struct vm_config *cp[2] = { &cfg[0], &cfg[1] };
	struct strvec warn = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;

	(void)state;
	topo_load(&t, TOPO "seed-i5-4c8t.xml");
	reserve(&h, &t, NULL);
	cfg_load(&cfg[0], "name = \"a\"\n[cpu]\nvcpus = 2\n[pinning]\nvcpus = \"auto\"\n[memory]\nsize = \"2G\"\n"
		 "hugepages = \"1G\"\n[[passthrough]]\nhost = \"01:00.0\"\n");
	cfg_load(&cfg[1], "name = \"b\"\n[cpu]\nvcpus = 2\n[pinning]\nvcpus = \"auto\"\npolicy = \"shared\"\n");
	assert_int_equal(pin_plan_build(&h, &cfg[0], &p[0], &warn, &err), 0);
	assert_int_equal(pin_plan_build(&h, &cfg[1], &p[1], &warn, &err), 0);
	pin_plan_kernel_cmdline(&h, cp, 2, &out, &warn);
	assert_string_equal(out.buf, "isolcpus=1,5 nohz_full=1,5 rcu_nocbs=1,5 intel_iommu=on iommu=pt "
				     "default_hugepagesz=1G hugepagesz=1G hugepages=2");
	for (int i = 0; i < 2; i++) {
		pin_plan_release(&p[i]);
		vm_config_release(&cfg[i]);
	}
	pin_plan_host_release(&h);
	host_topo_free(&t);
	strvec_clear(&warn);
	strbuf_release(&err);
	strbuf_release(&out);
}

/* Pins on the host's reserved CPUs never make the kernel command line isolate them. */
static void test_pin_plan_kernel_cmdline_reserved(void **state)
{
	struct host_topo t;
	struct plan_host h;
	struct pin_plan p;
	struct vm_config cfg;
	const struct vm_config *cp[1] = { &cfg };
	struct strvec warn = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT, out = STRBUF_INIT;

	(void)state;
	topo_load(&t, TOPO "nosmt-2c.xml");
	reserve(&h, &t, NULL);	/* the first core: CPU 0 */
	cfg_load(&cfg, "[cpu]\nvcpus = 2\n[pinning]\nvcpus = [\"0\", \"1\"]\n");
	assert_int_equal(pin_plan_build(&h, &cfg, &p, &warn, &err), 0);
	strvec_clear(&warn);
	pin_plan_kernel_cmdline(&h, cp, 1, &out, &warn);
	assert_string_equal(out.buf, "isolcpus=1 nohz_full=1 rcu_nocbs=1");
	assert_int_equal(warn.nr, 1);
	assert_string_equal(warn.v[0], "CPU 0 kept for the host (reserved_cpus) but pinned to a dedicated vCPU: not "
				       "isolated on the kernel command line, so the vCPU shares it with host tasks; pin it "
				       "elsewhere, or take it out of reserved_cpus in host.toml");
	pin_plan_release(&p);
	vm_config_release(&cfg);
	pin_plan_host_release(&h);

	/* every CPU kept for the host: nothing to isolate at all */
	reserve(&h, &t, "0-1");
	cfg_load(&cfg, "[cpu]\nvcpus = 2\n[pinning]\nvcpus = [\"0\", \"1\"]\n");
	assert_int_equal(pin_plan_build(&h, &cfg, &p, &warn, &err), 0);
	strvec_clear(&warn);
	strbuf_reset(&out);
	pin_plan_kernel_cmdline(&h, cp, 1, &out, &warn);
	assert_string_equal(out.buf, "");
	assert_non_null(strstr(warn.v[0], "CPUs 0-1 kept for the host"));
	pin_plan_release(&p);
	vm_config_release(&cfg);
	pin_plan_host_release(&h);
	host_topo_free(&t);
	strvec_clear(&warn);
	strbuf_release(&err);
	strbuf_release(&out);
}

static void test_pin_plan_bad_topology(void **state)
{
	struct host_topo t;
	struct plan_host h;
	struct strbuf err = STRBUF_INIT;
	struct cpuset r;

	(void)state;
	assert_int_equal(host_topo_load_xml(&t, UNIT_DATA "no-such.xml", &err), -1);
	assert_non_null(strstr(err.buf, "topology 'tests/unit/data/no-such.xml': "));
	strbuf_reset(&err);
	topo_load(&t, TOPO "nosmt-2c.xml");
	cpuset_parse(&r, "0,8", &err);
	assert_int_equal(pin_plan_host_init(&h, &t, &r, &err), -1);
	assert_string_equal(err.buf, "reserved_cpus: CPU 8 is not on " TOPO "nosmt-2c.xml (CPUs: 0-1)");
	host_topo_free(&t);
	strbuf_release(&err);
}

/*
 * host_topo_keep(): a command that starts or stops many VMs reads this
 * host once; each later load is a copy equal to a fresh read, and freeing
 * one copy leaves the kept one whole. Last in this file: it stays kept.
 */
static void test_host_topo_keep(void **state)
{
	struct host_topo fresh, copy;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(host_topo_load(&fresh, &err), 0);
	assert_int_equal(host_topo_keep(), 0);
	assert_int_equal(host_topo_keep(), 0);	/* once: the second keeps the first */
	for (int round = 0; round < 2; round++) {
		assert_int_equal(host_topo_load(&copy, &err), 0);
		assert_string_equal(copy.source, "this host");
		assert_true(cpuset_equal(&copy.all, &fresh.all));
		assert_int_equal(copy.nr_cores, fresh.nr_cores);
		assert_int_equal(copy.max_threads, fresh.max_threads);
		for (size_t i = 0; i < fresh.nr_cores; i++) {
			assert_true(cpuset_equal(&copy.cores[i].pus, &fresh.cores[i].pus));
			assert_int_equal(copy.cores[i].node, fresh.cores[i].node);
			assert_int_equal(copy.cores[i].l3, fresh.cores[i].l3);
		}
		assert_int_equal(copy.nr_nodes, fresh.nr_nodes);
		for (size_t i = 0; i < fresh.nr_nodes; i++) {
			assert_int_equal(copy.nodes[i].os_index, fresh.nodes[i].os_index);
			assert_int_equal(copy.nodes[i].mem_bytes, fresh.nodes[i].mem_bytes);
			if (fresh.nodes[i].mem_free)	/* libnuma: read again for each copy */
				assert_true(copy.nodes[i].mem_free > 0);
		}
		assert_int_equal(copy.nr_l3, fresh.nr_l3);
		assert_int_equal(copy.nr_packages, fresh.nr_packages);
		assert_string_equal(copy.vendor, fresh.vendor);
		host_topo_free(&copy);	/* the next copy comes from the kept one, whole */
	}
	host_topo_free(&fresh);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pin_plan_properties),
		cmocka_unit_test(test_pin_plan_many_vms),
		cmocka_unit_test(test_pin_plan_seed_004),
		cmocka_unit_test(test_pin_plan_policies),
		cmocka_unit_test(test_pin_plan_numa_spread),
		cmocka_unit_test(test_pin_plan_numa_declared),
		cmocka_unit_test(test_pin_plan_thread_warnings),
		cmocka_unit_test(test_pin_plan_explicit),
		cmocka_unit_test(test_pin_plan_kernel_cmdline),
		cmocka_unit_test(test_pin_plan_kernel_cmdline_reserved),
		cmocka_unit_test(test_pin_plan_bad_topology),
		cmocka_unit_test(test_host_topo_keep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
