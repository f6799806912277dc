/*
 * host_prep.c - apply and exactly undo host knobs and hugepages (see host_prep.h).
 *
 * DESIGN
 * One rule covers first VM, later VMs and last VM alike: compute the knob
 * values, hugepage pools and PCI functions the current holders want (the
 * CPU-dependent knobs from the union of their CPUs, each pool as its
 * original size plus what the holders hold on it, every function some
 * holder names on vfio-pci), write what differs, and restore (then forget)
 * every recorded path or function no longer wanted. With no holders left
 * nothing is wanted, so every original comes back: a function's driver
 * and driver_override as they were, or no driver if it had none.
 *
 * Write-ahead: before a value is changed, its original (and the holder that
 * wants the change) is in host.json, synced to disk; only then is the file
 * written. A process killed at any system call leaves the host either as it
 * was or as host.json says, and the next call (every up, down, status and
 * host, under the root lock) finishes the job: holders whose VM is gone are
 * dropped, and what nobody wants any more goes back. Pools are written as
 * absolute sizes, so doing a step twice never gives pages back twice.
 * host.json is not trusted either: every path in it must be one of the
 * knobs below (or a hugepage pool, or the shield's own cgroups), or the file
 * is refused.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "launcher/host/host_prep.h"
#include "launcher/host/grant.h"
#include "launcher/host/shield.h"
#include "launcher/host/sysfs.h"
#include "launcher/host/vfio.h"
#include "util/err.h"
#include "util/atomic_file.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define HUGETLBFS_MAGIC_ 0x958458f6

struct knob {
	char *path;
	char *value;
};

struct knobs {
	struct knob *k;
	size_t nr, alloc;
};

static void knob_add(struct knobs *ks, char *path, char *value)
{
	ALLOC_GROW(ks->k, ks->nr + 1, ks->alloc);
	ks->k[ks->nr].path = path;
	ks->k[ks->nr].value = value;
	ks->nr++;
}

static void knobs_clear(struct knobs *ks)
{
	for (size_t i = 0; i < ks->nr; i++) {
		free(ks->k[i].path);
		free(ks->k[i].value);
	}
	free(ks->k);
	memset(ks, 0, sizeof(*ks));
}

void host_prep_init(struct host_prep *hp, const char *state_file, const struct host_vms *vms,
		    const struct host_config *hc, const struct host_topo *topo, int dry_run)
{
	memset(hp, 0, sizeof(*hp));
	hp->state_file = xstrdup(state_file);
	hp->vms = vms;
	hp->hc = hc;
	hp->topo = topo;
	hp->dry_run = dry_run;
	strvec_init(&hp->changes);
	strvec_init(&hp->notes);
}

void host_prep_release(struct host_prep *hp)
{
	if (hp->loaded) {
		host_topo_free(hp->loaded);
		free(hp->loaded);
		hp->loaded = NULL;
	}
	free(hp->state_file);
	hp->state_file = NULL;
	free(hp->qemu_cgroup_procs);
	hp->qemu_cgroup_procs = NULL;
	strvec_clear(&hp->changes);
	strvec_clear(&hp->notes);
}

/* ---- knob values ---- */

/* A value as read, made comparable with what is written (THP: the word in brackets). */
static void normalise(const char *path, struct strbuf *v)
{
	char *a, *b;

	if (host_state_knob(path) == KNOB_BRACKETED && (a = strchr(v->buf, '[')) && (b = strchr(a, ']'))) {
		char *word = xstrndup(a + 1, (size_t)(b - a - 1));

		strbuf_reset(v);
		strbuf_addstr(v, word);
		free(word);
	}
}

/* A kernel cpumask: hex words of 32 bits, most significant first, comma-separated. */
static void cpumask_hex(const struct cpuset *s, struct strbuf *out)
{
	int last = -1;

	for (int c = cpuset_next(s, 0); c >= 0; c = cpuset_next(s, (unsigned)c + 1))
		last = c;
	for (int w = last < 0 ? 0 : last / 32; w >= 0; w--) {
		uint32_t word = (uint32_t)(s->w[w / 2] >> (32 * (w % 2)));

		/* as the kernel prints it: the first word unpadded */
		if (out->len)
			strbuf_addf(out, ",%08x", word);
		else
			strbuf_addf(out, "%x", word);
	}
}

/* Whether a shield is wanted: host.toml asks for one and VMs own CPUs. */
static int shielding(const struct host_prep *hp, const struct cpuset *owned)
{
	return hp->hc && hp->hc->shield == 1 && !cpuset_empty(owned);
}

struct commit_point {
	const struct host_prep *hp;
	const struct host_state *st;
};

/* The shield's write-ahead point: host.json on disk before it changes a cgroup. */
static int commit_state(void *data, struct err *err)
{
	struct commit_point *c = data;

	return host_state_save(c->hp->state_file, c->st, err);
}

/* The shield over the holders' CPUs, or none. */
static int sync_shield(struct host_prep *hp, struct host_state *st, const struct cpuset *owned, struct err *err)
{
	struct commit_point point = { .hp = hp, .st = st };
	struct shield_io io = { .dry_run = hp->dry_run, .changes = &hp->changes, .notes = &hp->notes,
				.commit = commit_state, .commit_data = &point };
	int want = shielding(hp, owned), ret;
	pid_t *keep;
	size_t nr_keep = 0;

	if (!want && st->shield.backend == SHIELD_NONE)
		return 0;
	keep = hp->vms->qemu_pids(&nr_keep);
	io.keep = keep;
	io.nr_keep = nr_keep;
	ret = shield_sync(&st->shield, want ? owned : NULL, &hp->topo->all, &io, err);
	free(keep);
	return ret;
}

static void want_knobs(struct host_prep *hp, const struct cpuset *owned, int any, struct knobs *ks)
{
	const struct host_config *hc = hp->hc;
	static const char *const thp[] = { "", "always", "madvise", "never" };
	struct cpuset host;
	struct strbuf s = STRBUF_INIT;

	if (!any)
		return;
	/* the host's CPUs, those no VM owns: only the knobs that follow them read the topology */
	cpuset_zero(&host);
	if (host_prep_needs_cpus(hc)) {
		host = hp->topo->all;
		cpuset_andnot(&host, owned);
		if (cpuset_empty(&host))
			host = hp->topo->all;
	}
	if (hc->thp != THP_UNSET)
		knob_add(ks, xstrdup("/sys/kernel/mm/transparent_hugepage/enabled"), xstrdup(thp[hc->thp]));
	if (hc->stat_interval >= 0)
		knob_add(ks, xstrdup("/proc/sys/vm/stat_interval"), xstrfmt("%d", hc->stat_interval));
	if (hc->watchdog != TRI_UNSET)
		knob_add(ks, xstrdup("/proc/sys/kernel/watchdog"), xstrfmt("%d", hc->watchdog));
	if (hc->ksm != TRI_UNSET)
		knob_add(ks, xstrdup("/sys/kernel/mm/ksm/run"), xstrfmt("%d", hc->ksm));
	if (hc->perf_cpu_time_max_percent >= 0)
		knob_add(ks, xstrdup("/proc/sys/kernel/perf_cpu_time_max_percent"), xstrfmt("%d", hc->perf_cpu_time_max_percent));
	if (hc->perf_event_max_sample_rate >= 0)
		knob_add(ks, xstrdup("/proc/sys/kernel/perf_event_max_sample_rate"),
			 xstrfmt("%d", hc->perf_event_max_sample_rate));
	if (hc->workqueue_numa != TRI_UNSET)
		knob_add(ks, xstrdup("/sys/bus/workqueue/devices/writeback/numa"), xstrfmt("%d", hc->workqueue_numa));
	strbuf_reset(&s);
	cpumask_hex(&host, &s);
	if (hc->writeback_cpumask || shielding(hp, owned))
		knob_add(ks, xstrdup("/sys/bus/workqueue/devices/writeback/cpumask"), xstrdup(s.buf));
	if (shielding(hp, owned))	/* the shield's kernel side: every unbound workqueue's workers follow */
		knob_add(ks, xstrdup("/sys/devices/virtual/workqueue/cpumask"), xstrdup(s.buf));
	if (hc->irq_affinity) {
		char *dir = sysfs_path("/proc/irq");
		DIR *d = opendir(dir);
		struct dirent *de;

		strbuf_reset(&s);
		cpuset_format(&host, &s);
		while (d && (de = readdir(d))) {
			char *p;

			if (de->d_name[0] < '0' || de->d_name[0] > '9')
				continue;
			p = xstrfmt("/proc/irq/%s/smp_affinity_list", de->d_name);
			if (sysfs_exists(p))
				knob_add(ks, p, xstrdup(s.buf));
			else
				free(p);
		}
		if (d)
			closedir(d);
		free(dir);
	}
	if (hc->governor) {
		for (int c = cpuset_next(owned, 0); c >= 0; c = cpuset_next(owned, (unsigned)c + 1))
			knob_add(ks, xstrfmt("/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", c), xstrdup(hc->governor));
	}
	strbuf_release(&s);
}

/* ---- hugepages ---- */

static char *hugepage_file(int node, unsigned long kb)
{
	char *dir = xstrfmt("/sys/devices/system/node/node%d", node);
	char *p;

	if (node >= 0 && sysfs_exists(dir))
		p = xstrfmt("%s/hugepages/hugepages-%lukB/nr_hugepages", dir, kb);
	else
		p = xstrfmt("/sys/kernel/mm/hugepages/hugepages-%lukB/nr_hugepages", kb);
	free(dir);
	return p;
}

/*
 * The persistent size of a pool: nr_hugepages (per node it counts surplus
 * pages, the kernel's overcommit, too) minus surplus_hugepages beside it.
 */
static int pool_read(const char *path, long *persistent, struct err *err)
{
	char *surplus = xstrfmt("%.*s/surplus_hugepages", (int)(strrchr(path, '/') - path), path);
	long nr, sur = 0;
	int ret = -1;

	if (sysfs_read_long(path, &nr, &err->msg) == 0) {
		sysfs_read_long(surplus, &sur, NULL);	/* absent on old kernels: none */
		*persistent = nr - sur < 0 ? 0 : nr - sur;
		ret = 0;
	}
	free(surplus);
	return ret;
}

/* The pages the holders hold, per pool file. */
static void held_pages(const struct host_state *st, struct host_state_counts *held)
{
	for (size_t i = 0; i < st->nr_holders; i++) {
		const struct host_state_counts *pages = &st->holders[i].pages;

		for (size_t j = 0; j < pages->nr; j++)
			host_state_count_set(held, pages->v[j].key,
					     host_state_count_get(held, pages->v[j].key) + pages->v[j].n);
	}
}

/*
 * Set a pool to 'target' pages (its original plus what is held) and read it
 * back. A pool that grows must really grow: on a shortfall it is set back to
 * 'back' and the numbers go to err.
 */
static int pool_set(struct host_prep *hp, const char *path, long target, long back, struct err *err)
{
	long cur = 0, got = 0;
	char num[32];

	if (pool_read(path, &cur, err) < 0)
		return -1;
	if (cur == target)
		return 0;
	strvec_pushf(&hp->changes, "%s: %ld -> %ld", path, cur, target);
	if (hp->dry_run)
		return 0;
	snprintf(num, sizeof(num), "%ld", target);
	if (sysfs_write(path, num, &err->msg) < 0)
		return -1;
	/* the kernel makes surplus pages persistent first, so nr_hugepages itself says what it gave */
	if (target > cur && (sysfs_read_long(path, &got, &err->msg) < 0 || got < target)) {
		snprintf(num, sizeof(num), "%ld", back);
		sysfs_write(path, num, NULL);	/* give back what we got */
		strbuf_addf(&err->msg, "%s%s: asked for %ld more hugepages (%ld in all), the kernel gave %ld; gave them back",
			    err->msg.len ? "\n" : "", path, target - back, target, got - cur);
		err_hintf(err, "reserve hugepages at boot (hugepages= on the kernel command line) or free memory");
		return -1;
	}
	return 0;
}

/* ---- knobs ---- */

/* The current value of a knob, or -1 (noted once per kind) when this kernel has none. */
static int knob_read(struct host_prep *hp, const char *path, int note, struct strbuf *cur)
{
	struct strbuf e = STRBUF_INIT;
	int ret = 0;

	if (sysfs_read(path, cur, &e) < 0) {
		if (note && host_state_knob(path) == KNOB_CPUFREQ) {
			if (!hp->no_cpufreq_noted++)
				strvec_pushf(&hp->notes, "skipped governor: this host has no cpufreq (%s)", path);
		} else if (note) {
			strvec_pushf(&hp->notes, "skipped %s: %s", path, e.buf);
		}
		ret = -1;
	} else {
		normalise(path, cur);
	}
	strbuf_release(&e);
	return ret;
}

/* Write a knob; an IRQ that will not move is a note. 0, or -1 with err. */
static int knob_write(struct host_prep *hp, const char *path, const char *value, struct err *err)
{
	struct strbuf e = STRBUF_INIT;
	int ret = 0;

	if (sysfs_write(path, value, &e) < 0) {
		if (host_state_knob(path) == KNOB_IRQ) {
			strvec_pushf(&hp->notes, "could not move IRQ: %s", e.buf);
		} else {
			strbuf_addstr(&err->msg, e.buf);
			ret = -1;
		}
	}
	strbuf_release(&e);
	return ret;
}

/* ---- PCI functions on vfio-pci ---- */

int host_prep_managed(const struct vm_config *cfg)
{
	int n = 0;

	for (size_t i = 0; cfg && i < cfg->nr_pci; i++)
		n += cfg->pci[i].managed == 1;
	return n;
}

/* The PCI functions the holders hold, each once, in the order they came. */
static void held_functions(const struct host_state *st, struct strvec *held)
{
	for (size_t i = 0; i < st->nr_holders; i++)
		for (size_t j = 0; j < st->holders[i].vfio.nr; j++) {
			const char *addr = st->holders[i].vfio.v[j];
			size_t k = 0;

			while (k < held->nr && strcmp(held->v[k], addr))
				k++;
			if (k == held->nr)
				strvec_push(held, addr);
		}
}

/* Record the driver and driver_override of each held function not on vfio-pci (and not recorded yet). */
static void record_functions(struct host_state *st, const struct strvec *held)
{
	for (size_t i = 0; i < held->nr; i++) {
		char *drv, *ovr;

		if (host_state_pci(st, held->v[i]))
			continue;
		drv = vfio_driver(held->v[i]);
		ovr = vfio_override(held->v[i]);
		if (!drv || strcmp(drv, VFIO_DRIVER))
			host_state_pci_add(st, held->v[i], drv, ovr);
		free(drv);
		free(ovr);
	}
}

/* Each held function that is not yet there onto vfio-pci; the first failure stops. 0, or -1 with err. */
static int bind_functions(struct host_prep *hp, struct host_state *st, const struct strvec *held, struct err *err)
{
	for (size_t i = 0; i < held->nr; i++) {
		char *cur = vfio_driver(held->v[i]);
		int there = cur && !strcmp(cur, VFIO_DRIVER);

		if (!there && host_state_pci(st, held->v[i])) {
			strvec_pushf(&hp->changes, "/sys/bus/pci/devices/%s/driver: %s -> " VFIO_DRIVER, held->v[i],
				     cur ? cur : "(none)");
			if (!hp->dry_run && vfio_bind(held->v[i], &err->msg) < 0) {
				err_hintf(err, "see 'dmesg' for what the kernel says; 'mvlaunch check' lists what uses the "
					  "IOMMU group");
				free(cur);
				return -1;
			}
		}
		free(cur);
	}
	return 0;
}

/* Every recorded function nobody holds back to its driver and driver_override, then forgotten. */
static int restore_functions(struct host_prep *hp, struct host_state *st, const struct strvec *held, struct err *err)
{
	int ret = 0;

	for (size_t i = 0; i < st->nr_pci;) {
		const struct host_state_pci *p = &st->pci[i];
		char *cur;
		size_t k = 0;

		while (k < held->nr && strcmp(held->v[k], p->addr))
			k++;
		if (k < held->nr) {
			i++;
			continue;
		}
		cur = vfio_driver(p->addr);
		if (cur && !strcmp(cur, VFIO_DRIVER))
			strvec_pushf(&hp->changes, "/sys/bus/pci/devices/%s/driver: " VFIO_DRIVER " -> %s", p->addr,
				     p->driver ? p->driver : "(none)");
		free(cur);
		if (!hp->dry_run && vfio_restore(p->addr, p->driver, p->override, &err->msg) < 0) {
			ret = -1;	/* kept: the next call tries again */
			i++;
		} else if (!hp->dry_run) {
			host_state_pci_del(st, i);
		} else {
			i++;
		}
	}
	return ret;
}

/*
 * Make the host what the holders in st want, write-ahead (see DESIGN):
 * 1. the wanted knob values and pool sizes;
 * 2. the original of every knob and pool about to change recorded, and
 *    host.json synced: from here, a kill leaves the originals on disk;
 * 3. the wanted values written (pools read back), the held PCI functions
 *    bound to vfio-pci;
 * 4. every recorded knob, pool and PCI function nobody wants set back and
 *    forgotten;
 * 5. the shield, which commits its own records the same way.
 * 0, or -1 with the reasons in err (a pool that could not grow is back at
 * its size before; the caller drops the holder and calls again).
 */
int host_prep_needs_cpus(const struct host_config *hc)
{
	return hc && (hc->writeback_cpumask || hc->irq_affinity || hc->shield == 1);
}

/* hp->topo, read now if host_prep_init() was given none. 0, or -1 with the reason in err. */
static int need_topo(struct host_prep *hp, struct err *err)
{
	if (hp->topo)
		return 0;
	hp->loaded = xcalloc(1, sizeof(*hp->loaded));
	if (host_topo_load(hp->loaded, &err->msg) < 0) {
		free(hp->loaded);
		hp->loaded = NULL;
		return -1;
	}
	hp->topo = hp->loaded;
	return 0;
}

static int sync_host(struct host_prep *hp, struct host_state *st, struct err *err)
{
	struct host_state_values *orig = &st->knobs;
	struct host_state_counts *pools = &st->pools, held = { 0 };
	struct strvec functions = STRVEC_INIT;
	struct cpuset owned;
	struct knobs want = { 0 };
	int ret = 0;

	/* the knobs that follow the host's CPUs, and the shield (also to take one down), read the topology */
	if (((st->nr_holders && host_prep_needs_cpus(hp->hc)) || st->shield.backend != SHIELD_NONE) &&
	    need_topo(hp, err) < 0)
		return -1;
	cpuset_zero(&owned);
	for (size_t i = 0; i < st->nr_holders; i++)
		cpuset_or(&owned, &st->holders[i].cpus);
	want_knobs(hp, &owned, st->nr_holders > 0, &want);
	held_pages(st, &held);
	held_functions(st, &functions);

	/* 2: originals first */
	for (size_t i = 0; i < want.nr; i++) {
		struct strbuf cur = STRBUF_INIT;

		if (knob_read(hp, want.k[i].path, 1, &cur) == 0 && strcmp(cur.buf, want.k[i].value) &&
		    !host_state_value_get(orig, want.k[i].path))
			host_state_value_set(orig, want.k[i].path, cur.buf);
		strbuf_release(&cur);
	}
	for (size_t i = 0; i < held.nr; i++) {
		long cur;

		if (host_state_count_find(pools, held.v[i].key) < 0 && held.v[i].n > 0 &&
		    pool_read(held.v[i].key, &cur, err) == 0)
			host_state_count_set(pools, held.v[i].key, cur);
	}
	record_functions(st, &functions);
	/*
	 * Write-ahead: what steps 3 and 4 may change is on disk before they
	 * do. A state with no knob, pool, device, shield or owned CPU (the
	 * grants of floating VMs) gives them nothing to do, so neither they
	 * nor this write run; the caller's save records the state.
	 */
	if (!want.nr && !orig->nr && !pools->nr && !held.nr && !functions.nr && !st->nr_pci &&
	    st->shield.backend == SHIELD_NONE && cpuset_empty(&owned))
		goto out;
	if (!hp->dry_run && host_state_save(hp->state_file, st, err) < 0) {
		ret = -1;
		goto out;
	}

	/* 3: the wanted values: pools first, so a shortfall stops before any knob moves */
	for (size_t i = 0; i < pools->nr; i++) {
		long base = pools->v[i].n, more = host_state_count_get(&held, pools->v[i].key);

		if (more && pool_set(hp, pools->v[i].key, base + more, base, err) < 0)
			ret = -1;
	}
	for (size_t i = 0; ret == 0 && i < want.nr; i++) {
		struct strbuf cur = STRBUF_INIT;

		if (knob_read(hp, want.k[i].path, 0, &cur) == 0 && strcmp(cur.buf, want.k[i].value)) {
			strvec_pushf(&hp->changes, "%s: %s -> %s", want.k[i].path, cur.buf, want.k[i].value);
			if (!hp->dry_run && knob_write(hp, want.k[i].path, want.k[i].value, err) < 0)
				ret = -1;
		}
		strbuf_release(&cur);
	}
	if (ret == 0 && bind_functions(hp, st, &functions, err) < 0)
		ret = -1;

	/* 4: what nobody wants goes back, then is forgotten */
	for (size_t i = 0; i < orig->nr;) {
		const char *path = orig->v[i].key, *value = orig->v[i].value;
		struct strbuf cur = STRBUF_INIT;
		int wanted = 0;

		for (size_t w = 0; w < want.nr && !wanted; w++)
			wanted = !strcmp(want.k[w].path, path);
		if (wanted) {
			i++;
			continue;
		}
		if (knob_read(hp, path, 0, &cur) == 0 && strcmp(cur.buf, value)) {
			strvec_pushf(&hp->changes, "%s: %s -> %s", path, cur.buf, value);
			if (!hp->dry_run && knob_write(hp, path, value, err) < 0) {
				ret = -1;
				strbuf_release(&cur);
				i++;
				continue;	/* kept: the next call tries again */
			}
		}
		strbuf_release(&cur);
		if (!hp->dry_run)
			host_state_value_del(orig, i);
		else
			i++;
	}
	for (size_t i = 0; i < pools->nr;) {
		if (host_state_count_get(&held, pools->v[i].key)) {
			i++;
			continue;
		}
		if (pool_set(hp, pools->v[i].key, pools->v[i].n, pools->v[i].n, err) < 0) {
			ret = -1;
			i++;
		} else if (!hp->dry_run) {
			host_state_count_del(pools, i);
		} else {
			i++;
		}
	}
	if (restore_functions(hp, st, &functions, err) < 0)
		ret = -1;
	if (sync_shield(hp, st, &owned, err) < 0)
		ret = -1;
out:
	knobs_clear(&want);
	host_state_counts_clear(&held);
	strvec_clear(&functions);
	return ret;
}

static int mount_hugetlbfs(struct host_prep *hp, struct host_state *st, const struct vm_config *cfg,
			   struct err *err)
{
	struct statfs sf;
	const char *size = cfg->hugepages == HUGEPAGES_1G ? "pagesize=1G" : "pagesize=2M";

	if (cfg->source != MEM_FILE || cfg->hugepages == HUGEPAGES_NONE)
		return 0;
	if (statfs(cfg->mem_path, &sf) == 0 && (unsigned long)sf.f_type == HUGETLBFS_MAGIC_)
		return 0;
	strvec_pushf(&hp->changes, "mount hugetlbfs (%s) on %s", size, cfg->mem_path);
	if (hp->dry_run)
		return 0;
	/* recorded before it is done: the last release unmounts it only if it is a hugetlbfs */
	strvec_push(&st->mounts, cfg->mem_path);
	if (host_state_save(hp->state_file, st, err) < 0)
		return -1;
	mkdir(cfg->mem_path, 0755);
	if (mount("hugetlbfs", cfg->mem_path, "hugetlbfs", 0, size) < 0) {
		strbuf_addf(&err->msg, "cannot mount hugetlbfs on '%s': %s", cfg->mem_path, strerror(errno));
		return -1;
	}
	return 0;
}

static void unmount_all(struct host_prep *hp, struct host_state *st)
{
	for (size_t i = 0; i < st->mounts.nr; i++) {
		const char *path = st->mounts.v[i];
		struct statfs sf;

		/* only a hugetlbfs mvlaunch mounted: whatever else is there now stays */
		if (statfs(path, &sf) < 0 || (unsigned long)sf.f_type != HUGETLBFS_MAGIC_)
			continue;
		strvec_pushf(&hp->changes, "unmount %s", path);
		if (!hp->dry_run)
			umount2(path, MNT_DETACH);
	}
	if (!hp->dry_run)
		strvec_clear(&st->mounts);
}

/* ---- holders ---- */

static int holder_alive(const struct host_prep *hp, const char *name)
{
	return hp->vms->alive(name);
}

/* name's files back as they were, and its holder out of st; whether it was a holder. */
static int forget_holder(struct host_prep *hp, struct host_state *st, const char *name)
{
	struct host_state_holder *h = host_state_holder(st, name);

	if (!hp->dry_run)
		grant_drop(st, name, &hp->notes);	/* the files it used, as they were */
	if (!h)
		return 0;
	host_state_holder_del(st, (size_t)(h - st->holders));	/* also in a dry run: the host is computed without it */
	return 1;
}

static int drop_holder(struct host_prep *hp, struct host_state *st, const char *name, struct err *err)
{
	int ret;

	if (!forget_holder(hp, st, name))
		return 0;
	ret = sync_host(hp, st, err);
	if (!st->nr_holders)
		unmount_all(hp, st);
	return ret;
}

static int reconcile(struct host_prep *hp, struct host_state *st, struct err *err)
{
	int dropped = 0;

	if (!hp->dry_run)
		grant_reconcile(st, hp->vms->alive, &hp->notes);
	for (size_t i = 0; i < st->nr_holders;) {
		const char *name = st->holders[i].name;

		if (!strcmp(name, HOST_MANUAL) || holder_alive(hp, name)) {
			i++;
			continue;
		}
		strvec_pushf(&hp->notes, "released what '%s' held: its QEMU is gone", name);
		host_state_holder_del(st, i);
		dropped = 1;
	}
	/* and whatever a killed command left half done is finished or undone */
	if (sync_host(hp, st, err) < 0)
		return -1;
	if (dropped && !st->nr_holders)
		unmount_all(hp, st);
	return 0;
}

int host_prep_reconcile(struct host_prep *hp, struct err *err)
{
	struct host_state st;
	int ret;

	if (host_state_load(hp->state_file, &st, err) < 0)
		return -1;
	ret = reconcile(hp, &st, err);
	if (!hp->dry_run && host_state_save(hp->state_file, &st, err) < 0)
		ret = -1;
	host_state_release(&st);
	return ret;
}

int host_prep_hold(struct host_prep *hp, const char *name, const struct vm_config *cfg, const struct pin_plan *plan,
		   struct err *err)
{
	struct host_state st;
	struct host_state_holder *holder;
	int ret = -1;

	if (host_state_load(hp->state_file, &st, err) < 0)
		return -1;
	if (reconcile(hp, &st, err) < 0)
		goto out;
	/* a holder of the same name (a 'host prepare' again) is replaced, in its place */
	if ((holder = host_state_holder(&st, name))) {
		cpuset_zero(&holder->cpus);
		host_state_counts_clear(&holder->pages);
		strvec_clear(&holder->vfio);
	} else {
		holder = host_state_holder_add(&st, name);
	}
	if (plan)
		holder->cpus = plan->owned;
	if (cfg && vm_config_any_hugepages(cfg)) {
		struct plan_numa *parts;
		size_t nr = pin_plan_ram_parts(cfg, plan, &parts);

		/* the pages go on the node each part of the memory is bound to (several nodes: the host's pool) */
		for (size_t i = 0; i < nr; i++) {
			unsigned long kb = parts[i].hugepages == HUGEPAGES_1G ? 1048576 : 2048;
			uint64_t page = (uint64_t)kb << 10;
			long n = (long)((parts[i].mem_bytes + page - 1) / page);
			char *file;

			if (parts[i].hugepages == HUGEPAGES_NONE)
				continue;
			file = hugepage_file(plan ? parts[i].host_node : -1, kb);
			host_state_count_set(&holder->pages, file, n + host_state_count_get(&holder->pages, file));
			free(file);
		}
		free(parts);
	}
	/* managed passthrough: every function of each device's IOMMU group but bridges */
	for (size_t i = 0; cfg && i < cfg->nr_pci; i++)
		if (cfg->pci[i].managed == 1 && vfio_group_functions(cfg->pci[i].host, &holder->vfio, &err->msg) < 0)
			goto undo;
	/* the holder (its CPUs, its pages, its PCI functions) is in host.json before anything is changed for it */
	if (cfg && vm_config_any_hugepages(cfg)) {
		if (hp->hc->drop_caches == 1) {
			strvec_push(&hp->changes, "/proc/sys/vm/drop_caches: <- 3");
			if (!hp->dry_run && sysfs_write("/proc/sys/vm/drop_caches", "3", &err->msg) < 0)
				goto undo;
		}
		if (hp->hc->compact_memory == 1) {
			strvec_push(&hp->changes, "/proc/sys/vm/compact_memory: <- 1");
			if (!hp->dry_run && sysfs_write("/proc/sys/vm/compact_memory", "1", &err->msg) < 0)
				goto undo;
		}
	}
	if (sync_host(hp, &st, err) < 0)
		goto undo;
	if (cfg && mount_hugetlbfs(hp, &st, cfg, err) < 0)
		goto undo;
	if (!hp->dry_run && host_state_save(hp->state_file, &st, err) < 0)
		goto undo;
	if (!hp->dry_run) {
		free(hp->qemu_cgroup_procs);
		hp->qemu_cgroup_procs = shield_vm_procs(&st.shield);
	}
	ret = 0;
	goto out;
undo:
	{
		struct err e2 = ERR_INIT;

		drop_holder(hp, &st, name, &e2);	/* every change of this call, back */
		if (!hp->dry_run)
			host_state_save(hp->state_file, &st, &e2);
		err_release(&e2);
	}
out:
	host_state_release(&st);
	return ret;
}

struct grant_save {
	const struct host_prep *hp;
	const struct host_state *st;
};

static int grant_save(void *data, struct err *err)
{
	const struct grant_save *d = data;

	return host_state_save(d->hp->state_file, d->st, err);
}

int host_prep_grant(struct host_prep *hp, const char *name, const struct qemu_user *u, const struct grant_list *l,
		    struct err *err)
{
	struct host_state st;
	struct grant_save d = { hp, &st };
	int *errs, ret = -1;
	char *held;

	if (hp->dry_run)
		return 0;
	if (host_state_load(hp->state_file, &st, err) < 0)
		return -1;
	errs = xcalloc(l->nr + 1, sizeof(*errs));
	held = xcalloc(l->nr + 1, 1);
	grant_held(&st, name, l, held);
	/*
	 * No crash sweep here: this runs under the root lock while other VMs
	 * start, and a dead holder's record on a file this VM also uses only
	 * gains a holder. host_prep_hold(), status, down and the sweep of a
	 * failed start reconcile. The checks as the user are in this process
	 * (grant.c): microseconds, under the lock, so what they find is what
	 * the records say.
	 */
	if (grant_check(u, l, errs, err) < 0)
		goto out;
	if (grant_hold(&st, name, u, l, errs, grant_save, &d, &hp->changes, err) < 0) {
		struct err e2 = ERR_INIT;

		host_state_save(hp->state_file, &st, &e2);	/* grant_hold() undid this call */
		err_release(&e2);
		goto out;
	}
	/* and now as the user: every path, the directories on the way included */
	if (grant_check(u, l, errs, err) < 0 || grant_explain(u, l, errs, err) < 0) {
		struct err e2 = ERR_INIT;

		grant_undo(&st, name, l, held, &hp->notes);	/* this call's: what 'name' held before stays */
		host_state_save(hp->state_file, &st, &e2);
		err_release(&e2);
		goto out;
	}
	ret = 0;
out:
	free(errs);
	free(held);
	host_state_release(&st);
	return ret;
}

int host_prep_ungrant(struct host_prep *hp, const char *name, struct err *err)
{
	struct host_state st;
	int ret = 0;

	/* what a clean 'down' left: nothing of it (and no parse of every other VM's record to learn that) */
	if (hp->dry_run || !host_state_may_name(hp->state_file, name))
		return 0;
	if (host_state_load(hp->state_file, &st, err) < 0)
		return -1;
	grant_drop(&st, name, &hp->notes);
	if (host_state_save(hp->state_file, &st, err) < 0)	/* no write when nothing changed */
		ret = -1;
	host_state_release(&st);
	return ret;
}

int host_prep_set_cpus(struct host_prep *hp, const char *name, const struct cpuset *cpus, struct err *err)
{
	struct host_state st;
	struct host_state_holder *holder;
	int ret = 0;

	if (host_state_load(hp->state_file, &st, err) < 0)
		return -1;
	if ((holder = host_state_holder(&st, name))) {
		holder->cpus = *cpus;
		/* the CPU knobs and the shield follow the holders' CPUs; sync_host() records before it changes */
		ret = sync_host(hp, &st, err);
		if (!hp->dry_run && host_state_save(hp->state_file, &st, err) < 0)
			ret = -1;
	}
	host_state_release(&st);
	return ret;
}

int host_prep_unhold(struct host_prep *hp, const char *name, struct err *err)
{
	struct host_state st;
	int ret;

	if (host_state_load(hp->state_file, &st, err) < 0)
		return -1;
	ret = drop_holder(hp, &st, name, err);
	if (reconcile(hp, &st, err) < 0)
		ret = -1;
	if (!hp->dry_run && host_state_save(hp->state_file, &st, err) < 0)
		ret = -1;
	host_state_release(&st);
	return ret;
}

int host_prep_unhold_gone(struct host_prep *hp, const char *const *names, size_t nr, struct err *err)
{
	struct host_state st;
	int dropped = 0, ret;

	if (host_state_load(hp->state_file, &st, err) < 0)
		return -1;
	/* one started again since (its lock held, or its QEMU up) holds what its new run holds */
	for (size_t i = 0; i < nr; i++)
		if (strcmp(names[i], HOST_MANUAL) && !holder_alive(hp, names[i]))
			dropped |= forget_holder(hp, &st, names[i]);
	/* one sync for them all: the knobs go back once, after the last */
	ret = reconcile(hp, &st, err);
	if (dropped && !st.nr_holders)
		unmount_all(hp, &st);
	if (!hp->dry_run && host_state_save(hp->state_file, &st, err) < 0)
		ret = -1;
	host_state_release(&st);
	return ret;
}

json_t *host_prep_status(const char *state_file, struct err *err)
{
	struct host_state st;
	json_t *disk, *knobs, *out;

	if (host_state_load(state_file, &st, err) < 0)
		return NULL;
	disk = host_state_json(&st);
	knobs = json_object();
	for (size_t i = 0; i < st.knobs.nr; i++) {
		struct strbuf cur = STRBUF_INIT;

		if (sysfs_read(st.knobs.v[i].key, &cur, NULL) == 0)
			normalise(st.knobs.v[i].key, &cur);
		json_object_set_new(knobs, st.knobs.v[i].key, json_pack("{s:s,s:s}", "original", st.knobs.v[i].value,
									 "current", cur.buf));
		strbuf_release(&cur);
	}
	out = json_pack("{s:o,s:O,s:O,s:O}", "knobs", knobs, "holders", json_object_get(disk, "holders"),
			"mounts", json_object_get(disk, "mounts"), "pools", json_object_get(disk, "pools"));
	if (st.nr_pci) {
		json_t *fns = json_object();

		for (size_t i = 0; i < st.nr_pci; i++) {
			const struct host_state_pci *p = &st.pci[i];
			json_t *names = json_array();
			char *cur = vfio_driver(p->addr);

			for (size_t h = 0; h < st.nr_holders; h++)
				for (size_t j = 0; j < st.holders[h].vfio.nr; j++)
					if (!strcmp(st.holders[h].vfio.v[j], p->addr))
						json_array_append_new(names, json_string(st.holders[h].name));
			json_object_set_new(fns, p->addr, json_pack("{s:o,s:s,s:o,s:o}", "original", p->driver ?
					    json_string(p->driver) : json_null(), "driver_override", p->override, "current",
					    cur ? json_string(cur) : json_null(), "holders", names));
			free(cur);
		}
		json_object_set_new(out, "vfio", fns);
	}
	if (st.shield.backend != SHIELD_NONE) {
		/* who holds it and the CPUs it keeps free follow from the holders */
		json_t *names = json_array(), *sh = json_deep_copy(json_object_get(disk, "shield"));
		struct cpuset vm;
		struct strbuf s = STRBUF_INIT;

		cpuset_zero(&vm);
		for (size_t i = 0; i < st.nr_holders; i++) {
			cpuset_or(&vm, &st.holders[i].cpus);
			if (!cpuset_empty(&st.holders[i].cpus))
				json_array_append_new(names, json_string(st.holders[i].name));
		}
		cpuset_format(&vm, &s);
		json_object_set_new(sh, "holders", names);
		json_object_set_new(sh, "vm_cpus", json_string(s.buf));
		json_object_set_new(out, "shield", sh);
		strbuf_release(&s);
	}
	if (json_object_get(disk, "grants"))
		json_object_set(out, "grants", json_object_get(disk, "grants"));
	json_decref(disk);
	host_state_release(&st);
	return out;
}
