/*
 * host_topo.c - hwloc -> struct host_topo (see host_topo.h).
 *
 * Only this file talks to hwloc (and to libnuma, for the free memory of
 * this host's nodes). Machines without Core objects (some VMs)
 * get one core per PU; machines without an L3 get one L3 domain per package
 * (or one for the machine), so the planner always has the three levels.
 */
#include <errno.h>
#include <fcntl.h>
#include <hwloc.h>
#include <limits.h>
#include <numa.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher/plan/host_topo.h"
#include "util/wrapper.h"
#include "util/banned.h"

static void bitmap_to_cpuset(hwloc_const_bitmap_t b, struct cpuset *s)
{
	int i;

	cpuset_zero(s);
	hwloc_bitmap_foreach_begin(i, b) {
		if (i >= 0 && i < CPUSET_MAX)
			cpuset_set(s, (unsigned)i);
	} hwloc_bitmap_foreach_end();
}

static int group_of(const struct host_group *g, size_t nr, unsigned pu)
{
	for (size_t i = 0; i < nr; i++)
		if (cpuset_has(&g[i].cpus, pu))
			return (int)i;
	return -1;
}

static void fill_groups(hwloc_topology_t topo, hwloc_obj_type_t type, struct host_group **out, size_t *nr)
{
	int n = hwloc_get_nbobjs_by_type(topo, type);

	*nr = 0;
	*out = xcalloc(n > 0 ? (size_t)n : 1, sizeof(**out));
	for (int i = 0; i < n; i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(topo, type, (unsigned)i);
		struct host_group *g = &(*out)[(*nr)++];

		g->os_index = type == HWLOC_OBJ_L3CACHE ? -1 : (int)o->os_index;
		if (o->cpuset)
			bitmap_to_cpuset(o->cpuset, &g->cpus);
		if (type == HWLOC_OBJ_NUMANODE)
			g->mem_bytes = o->attr->numanode.local_memory;
	}
}

/* Free memory per node, now: only meaningful for this host. */
static void read_mem_free(struct host_topo *t)
{
	if (numa_available() < 0)
		return;
	for (size_t i = 0; i < t->nr_nodes; i++) {
		long long free_b = 0;

		t->nodes[i].mem_free = 0;
		if (numa_node_size64(t->nodes[i].os_index, &free_b) >= 0 && free_b > 0)
			t->nodes[i].mem_free = (uint64_t)free_b;
	}
}

/* xml: NULL for this host; else buf (len bytes, NUL-terminated) holds the file 'xml' names. */
static int load(struct host_topo *t, const char *xml, const char *buf, size_t len, struct strbuf *err)
{
	hwloc_topology_t topo;
	int nr_core_objs, set_env = 0, r, ret = -1;
	hwloc_obj_type_t unit;

	memset(t, 0, sizeof(*t));
	t->source = xstrdup(xml ? xml : "this host");
	/*
	 * 'up' loads the topology on every start. hwloc would dlopen its GL,
	 * OpenCL, PCI and libxml plugins (and the libraries they link) and run
	 * CPUID on every CPU: half its time, for nothing the planner uses. Its
	 * built-in XML reader and the Linux sysfs backend give cores, caches
	 * and nodes. A user's own HWLOC_PLUGINS_BLACKLIST is respected.
	 */
	if (!getenv("HWLOC_PLUGINS_BLACKLIST")) {
		setenv("HWLOC_PLUGINS_BLACKLIST", "hwloc_gl,hwloc_opencl,hwloc_pci,hwloc_xml_libxml", 0);
		set_env = 1;
	}
	r = hwloc_topology_init(&topo);
	if (set_env)
		unsetenv("HWLOC_PLUGINS_BLACKLIST");	/* QEMU need not inherit it */
	if (r < 0) {
		strbuf_addstr(err, "cannot initialise hwloc");
		return -1;
	}
	/*
	 * No type filters: NUMA nodes hang off Groups or Dies on some machines,
	 * and filtering those away would give a node its package's CPUs.
	 */
	hwloc_topology_set_components(topo, HWLOC_TOPOLOGY_COMPONENTS_FLAG_BLACKLIST, "x86");
	if (xml && (len > INT_MAX - 1 || hwloc_topology_set_xmlbuffer(topo, buf, (int)len + 1) < 0)) {
		strbuf_addf(err, "topology '%s': cannot read it as hwloc XML (make one with 'lstopo-no-graphics --of xml')", xml);
		goto out;
	}
	if (hwloc_topology_load(topo) < 0) {
		strbuf_addf(err, "topology '%s': hwloc cannot load it", t->source);
		goto out;
	}
	bitmap_to_cpuset(hwloc_topology_get_allowed_cpuset(topo), &t->all);
	fill_groups(topo, HWLOC_OBJ_NUMANODE, &t->nodes, &t->nr_nodes);
	fill_groups(topo, HWLOC_OBJ_PACKAGE, &t->packages, &t->nr_packages);
	fill_groups(topo, HWLOC_OBJ_L3CACHE, &t->l3, &t->nr_l3);
	if (!t->nr_l3) {
		/* no L3 known: one domain per package, else the machine */
		free(t->l3);
		t->nr_l3 = t->nr_packages ? t->nr_packages : 1;
		t->l3 = xcalloc(t->nr_l3, sizeof(*t->l3));
		for (size_t i = 0; i < t->nr_l3; i++) {
			t->l3[i].os_index = -1;
			t->l3[i].cpus = t->nr_packages ? t->packages[i].cpus : t->all;
		}
	}
	if (!xml)
		read_mem_free(t);
	nr_core_objs = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
	unit = nr_core_objs > 0 ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
	t->nr_cores = 0;
	t->cores = xcalloc((size_t)hwloc_get_nbobjs_by_type(topo, unit) + 1, sizeof(*t->cores));
	t->max_threads = 1;
	for (int i = 0; i < hwloc_get_nbobjs_by_type(topo, unit); i++) {
		hwloc_obj_t o = hwloc_get_obj_by_type(topo, unit, (unsigned)i);
		struct host_core *c = &t->cores[t->nr_cores];
		int first;

		bitmap_to_cpuset(o->cpuset, &c->pus);
		/* only the threads we may use */
		for (int p = cpuset_next(&c->pus, 0); p >= 0; p = cpuset_next(&c->pus, (unsigned)p + 1))
			if (!cpuset_has(&t->all, (unsigned)p))
				c->pus.w[p / 64] &= ~(UINT64_C(1) << (p % 64));
		c->nr_pus = cpuset_count(&c->pus);
		if (!c->nr_pus)
			continue;
		first = cpuset_next(&c->pus, 0);
		c->l3 = group_of(t->l3, t->nr_l3, (unsigned)first);
		c->node = group_of(t->nodes, t->nr_nodes, (unsigned)first);
		c->package = group_of(t->packages, t->nr_packages, (unsigned)first);
		if (c->nr_pus > t->max_threads)
			t->max_threads = c->nr_pus;
		t->nr_cores++;
	}
	if (t->nr_packages) {
		const char *v = hwloc_obj_get_info_by_name(hwloc_get_obj_by_type(topo, HWLOC_OBJ_PACKAGE, 0), "CPUVendor");

		if (v)
			snprintf(t->vendor, sizeof(t->vendor), "%s", v);
	}
	if (!t->nr_cores) {
		strbuf_addf(err, "topology '%s': no usable CPUs", t->source);
		goto out;
	}
	ret = 0;
out:
	hwloc_topology_destroy(topo);
	if (ret < 0)
		host_topo_free(t);
	return ret;
}

/* this host as host_topo_keep() read it: what the later loads of this process and its children copy */
static struct host_topo kept;
static int have_kept;

static void *dup_array(const void *v, size_t nr, size_t size)
{
	void *copy = xcalloc(nr ? nr : 1, size);

	if (nr)
		memcpy(copy, v, nr * size);
	return copy;
}

int host_topo_load(struct host_topo *t, struct strbuf *err)
{
	if (!have_kept)
		return load(t, NULL, NULL, 0, err);
	*t = kept;
	t->cores = dup_array(kept.cores, kept.nr_cores, sizeof(*t->cores));
	t->l3 = dup_array(kept.l3, kept.nr_l3, sizeof(*t->l3));
	t->nodes = dup_array(kept.nodes, kept.nr_nodes, sizeof(*t->nodes));
	t->packages = dup_array(kept.packages, kept.nr_packages, sizeof(*t->packages));
	t->source = xstrdup(kept.source);
	read_mem_free(t);	/* the one thing that changes while VMs start */
	return 0;
}

int host_topo_keep(void)
{
	struct strbuf ignore = STRBUF_INIT;

	/* a failure keeps nothing: each later load reads the host and says why itself */
	if (!have_kept && load(&kept, NULL, NULL, 0, &ignore) == 0)
		have_kept = 1;
	strbuf_release(&ignore);
	return have_kept ? 0 : -1;
}

/* what the checking child exits with when load() refused the file cleanly */
#define TOPO_CHILD_REFUSED 42

int host_topo_load_xml_buffer(struct host_topo *t, const char *name, const char *buf, size_t len, struct strbuf *err)
{
	struct strbuf nul = STRBUF_INIT;
	int status = 0, ret;
	pid_t pid;

	memset(t, 0, sizeof(*t));
	if (len > HOST_TOPO_XML_MAX) {
		strbuf_addf(err, "topology '%s': %zu bytes is too large for a topology file (at most %d MiB)", name, len,
			    HOST_TOPO_XML_MAX >> 20);
		return -1;
	}
	strbuf_add(&nul, buf, len);	/* hwloc reads up to a NUL */
	/*
	 * A file nobody vouches for: libhwloc crashes on some malformed ones
	 * (a segfault in hwloc_bitmap_compare_first was seen). It reads it in
	 * a child first; only what the child survived is read here.
	 */
	pid = fork();
	if (pid < 0) {
		strbuf_addf(err, "cannot fork to check topology '%s': %s", name, strerror(errno));
		strbuf_release(&nul);
		return -1;
	}
	if (pid == 0) {
		struct host_topo probe;
		struct strbuf ignore = STRBUF_INIT;

		/* a crash is the answer: die of it, whatever handler (a sanitizer's) was set */
		signal(SIGSEGV, SIG_DFL);
		signal(SIGBUS, SIG_DFL);
		signal(SIGFPE, SIG_DFL);
		signal(SIGILL, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		_exit(load(&probe, name, nul.buf, nul.len, &ignore) == 0 ? 0 : TOPO_CHILD_REFUSED);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/*
	 * Only the two answers load() gives count: anything else is a crash,
	 * whether it came as a signal or as a sanitizer's exit(1).
	 */
	if (!WIFEXITED(status) || (WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != TOPO_CHILD_REFUSED)) {
		if (WIFSIGNALED(status))
			strbuf_addf(err, "topology '%s': bad topology file: hwloc crashed reading it (signal %d, %s)",
				    name, WTERMSIG(status), strsignal(WTERMSIG(status)));
		else
			strbuf_addf(err, "topology '%s': bad topology file: hwloc crashed reading it (exit status %d)",
				    name, WEXITSTATUS(status));
		strbuf_addstr(err, "; make one with 'lstopo-no-graphics --of xml'");
		strbuf_release(&nul);
		return -1;
	}
	ret = load(t, name, nul.buf, nul.len, err);
	strbuf_release(&nul);
	return ret;
}

int host_topo_load_xml(struct host_topo *t, const char *path, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	struct stat st;
	char buf[65536];
	ssize_t n = 0;
	int fd, ret = -1;

	memset(t, 0, sizeof(*t));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0) {
		strbuf_addf(err, "topology '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > HOST_TOPO_XML_MAX) {
		strbuf_addf(err, "topology '%s': %s", path, !S_ISREG(st.st_mode) ? "not a regular file" :
			    "too large for a topology file (at most 16 MiB)");
		goto out;
	}
	while (text.len <= HOST_TOPO_XML_MAX && (n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(&text, buf, (size_t)n);
	if (n < 0) {
		strbuf_addf(err, "topology '%s': %s", path, strerror(errno));
		goto out;
	}
	ret = host_topo_load_xml_buffer(t, path, text.buf, text.len, err);
out:
	if (fd >= 0)
		close(fd);
	strbuf_release(&text);
	return ret;
}

void host_topo_free(struct host_topo *t)
{
	free(t->cores);
	free(t->l3);
	free(t->nodes);
	free(t->packages);
	free(t->source);
	memset(t, 0, sizeof(*t));
}

int host_topo_core_of(const struct host_topo *t, unsigned pu)
{
	for (size_t i = 0; i < t->nr_cores; i++)
		if (cpuset_has(&t->cores[i].pus, pu))
			return (int)i;
	return -1;
}

int host_topo_node_of(const struct host_topo *t, unsigned pu)
{
	return group_of(t->nodes, t->nr_nodes, pu);
}
