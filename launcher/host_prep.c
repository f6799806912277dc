/*
 * host_prep.c - apply and exactly undo host knobs and hugepages (see host_prep.h).
 *
 * DESIGN
 * One rule covers first VM, later VMs and last VM alike: compute the knob
 * values the current holders want (the CPU-dependent ones from the union of
 * their CPUs), record a path's original value the first time it is changed,
 * write what differs, and restore (then forget) every recorded path that is
 * no longer wanted. With no holders left nothing is wanted, so every
 * original comes back. Hugepages are counted per holder and per file, so
 * releasing one VM gives back exactly its pages.
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

#include "host_prep.h"
#include "paths.h"
#include "qemu_proc.h"
#include "runtime.h"
#include "shield.h"
#include "sysfs.h"
#include "vm_state.h"
#include "../util/atomic_file.h"
#include "../util/wrapper.h"
#include "../util/banned.h"

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

void host_prep_init(struct host_prep *hp, const struct host_config *hc, const struct host_topo *topo, int dry_run)
{
	memset(hp, 0, sizeof(*hp));
	hp->hc = hc;
	hp->topo = topo;
	hp->dry_run = dry_run;
	strvec_init(&hp->changes);
	strvec_init(&hp->notes);
}

void host_prep_release(struct host_prep *hp)
{
	free(hp->qemu_cgroup_procs);
	hp->qemu_cgroup_procs = NULL;
	strvec_clear(&hp->changes);
	strvec_clear(&hp->notes);
}

/* ---- state file ---- */

static char *state_path(void)
{
	return xstrfmt("%s/host.json", mvl_run_root());
}

static json_t *state_load(struct strbuf *err)
{
	char *path = state_path();
	json_error_t jerr;
	json_t *st;

	if (access(path, F_OK) != 0) {
		free(path);
		return json_pack("{s:{},s:{},s:[]}", "knobs", "holders", "mounts");
	}
	st = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!st || !json_is_object(json_object_get(st, "knobs")) || !json_is_object(json_object_get(st, "holders")) ||
	    !json_is_array(json_object_get(st, "mounts")) ||
	    (json_object_get(st, "shield") && !json_is_object(json_object_get(st, "shield")))) {
		strbuf_addf(err, "host state file '%s' is corrupt (%s)\nhint: check the host by hand ('mvlaunch host status' "
			    "cannot read it either), then remove the file", path, st ? "wrong shape" : jerr.text);
		json_decref(st);
		st = NULL;
	}
	free(path);
	return st;
}

static int state_save(json_t *st, struct strbuf *err)
{
	char *path = state_path(), *text = NULL;
	int ret = 0;

	if (!json_object_size(json_object_get(st, "holders")) && !json_object_size(json_object_get(st, "knobs")) &&
	    !json_array_size(json_object_get(st, "mounts")) && !json_object_get(st, "shield")) {
		unlink(path);	/* nothing held: no file */
	} else {
		text = json_dumps(st, JSON_INDENT(1));
		mkdir(mvl_run_root(), 0700);	/* usually there already */
		ret = text ? atomic_write_file(path, text, strlen(text), ATOMIC_FSYNC, err) : -1;
	}
	free(text);
	free(path);
	return ret;
}

/* ---- knob values ---- */

/* THP's file reads "always [madvise] never": the word in brackets. */
static void normalise(const char *path, struct strbuf *v)
{
	char *a, *b;

	if (strstr(path, "transparent_hugepage") && (a = strchr(v->buf, '[')) && (b = strchr(a, ']'))) {
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

static int collect_qemu(const char *name, void *data)
{
	struct { pid_t *v; size_t nr, alloc; } *pids = data;
	struct vm_state vs;

	if (vm_state_load_running(name, &vs)) {
		ALLOC_GROW(pids->v, pids->nr + 1, pids->alloc);
		pids->v[pids->nr++] = vs.pid;
		vm_state_release(&vs);
	}
	return 0;
}

/* The shield over the holders' CPUs, or none. */
static int sync_shield(struct host_prep *hp, json_t *st, const struct cpuset *owned, struct strbuf *err)
{
	struct { pid_t *v; size_t nr, alloc; } pids = { 0 };
	struct shield_io io = { .dry_run = hp->dry_run, .changes = &hp->changes, .notes = &hp->notes };
	int want = shielding(hp, owned), ret;

	if (!want && !json_object_get(st, "shield"))
		return 0;
	runtime_for_each(collect_qemu, &pids);
	io.keep = pids.v;
	io.nr_keep = pids.nr;
	ret = shield_sync(st, want ? owned : NULL, &hp->topo->all, &io, err);
	free(pids.v);
	return ret;
}

static void want_knobs(struct host_prep *hp, const struct cpuset *owned, int any, struct knobs *ks)
{
	const struct host_config *hc = hp->hc;
	static const char *const thp[] = { "", "always", "madvise", "never" };
	struct cpuset host = hp->topo->all;
	struct strbuf s = STRBUF_INIT;

	if (!any)
		return;
	cpuset_andnot(&host, owned);
	if (cpuset_empty(&host))
		host = hp->topo->all;
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

/* Write value to path unless it is there already; record the original first. */
static int set_knob(struct host_prep *hp, json_t *orig, const char *path, const char *value, int restoring,
		    struct strbuf *err)
{
	struct strbuf cur = STRBUF_INIT, e = STRBUF_INIT;
	int ret = 0;

	if (sysfs_read(path, &cur, &e) < 0) {
		/* no such knob on this kernel: say so (once for cpufreq), not an error */
		if (!restoring && !strstr(path, "/cpufreq/"))
			strvec_pushf(&hp->notes, "skipped %s: %s", path, e.buf);
		else if (!restoring && !hp->no_cpufreq_noted++)
			strvec_pushf(&hp->notes, "skipped governor: this host has no cpufreq (%s)", path);
		goto out;
	}
	normalise(path, &cur);
	if (!strcmp(cur.buf, value))
		goto out;	/* already so: nothing to change, nothing to restore */
	if (!restoring && !json_object_get(orig, path))
		json_object_set_new(orig, path, json_string(cur.buf));
	strvec_pushf(&hp->changes, "%s: %s -> %s", path, cur.buf, value);
	if (hp->dry_run)
		goto out;
	if (sysfs_write(path, value, &e) < 0) {
		if (strstr(path, "/proc/irq/")) {
			/* some IRQs cannot move (per-CPU, managed): report, go on */
			strvec_pushf(&hp->notes, "could not move IRQ: %s", e.buf);
			json_object_del(orig, path);
		} else {
			strbuf_addstr(err, e.buf);
			ret = -1;
		}
	}
out:
	strbuf_release(&cur);
	strbuf_release(&e);
	return ret;
}

/* Make the knobs what the current holders want; restore the rest. */
static int sync_knobs(struct host_prep *hp, json_t *st, struct strbuf *err)
{
	json_t *holders = json_object_get(st, "holders"), *orig = json_object_get(st, "knobs"), *h, *v;
	struct cpuset owned;
	struct knobs want = { 0 };
	const char *name, *path;
	void *tmp;
	int ret = 0;

	cpuset_zero(&owned);
	json_object_foreach(holders, name, h) {
		size_t i;
		json_t *c;

		json_array_foreach(json_object_get(h, "cpus"), i, c)
			cpuset_set(&owned, (unsigned)json_integer_value(c));
	}
	want_knobs(hp, &owned, json_object_size(holders) > 0, &want);
	for (size_t i = 0; i < want.nr; i++)
		if (set_knob(hp, orig, want.k[i].path, want.k[i].value, 0, err) < 0)
			ret = -1;
	/* recorded paths nobody wants any more get their original back */
	json_object_foreach_safe(orig, tmp, path, v) {
		int wanted = 0;

		for (size_t i = 0; i < want.nr && !wanted; i++)
			wanted = !strcmp(want.k[i].path, path);
		if (wanted)
			continue;
		if (set_knob(hp, orig, path, json_string_value(v), 1, err) < 0)
			ret = -1;
		else if (!hp->dry_run)
			json_object_del(orig, path);
	}
	knobs_clear(&want);
	if (sync_shield(hp, st, &owned, err) < 0)
		ret = -1;
	return ret;
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

/* Change the count in path by delta; with delta > 0 the kernel must deliver. */
static int adjust_pages(struct host_prep *hp, const char *path, long delta, struct strbuf *err)
{
	long cur = 0, got = 0, want;
	char num[32];

	if (sysfs_read_long(path, &cur, err) < 0)
		return -1;
	want = cur + delta < 0 ? 0 : cur + delta;
	strvec_pushf(&hp->changes, "%s: %ld -> %ld", path, cur, want);
	if (hp->dry_run)
		return 0;
	snprintf(num, sizeof(num), "%ld", want);
	if (sysfs_write(path, num, err) < 0)
		return -1;
	if (delta > 0 && (sysfs_read_long(path, &got, err) < 0 || got < want)) {
		snprintf(num, sizeof(num), "%ld", cur);
		sysfs_write(path, num, err);	/* give back what we got */
		strbuf_addf(err, "%s%s: asked for %ld more hugepages (%ld in all), the kernel gave %ld; gave them back"
			    "\nhint: reserve hugepages at boot (hugepages= on the kernel command line) or free memory",
			    err->len ? "\n" : "", path, delta, want, got - cur);
		return -1;
	}
	return 0;
}

static int release_pages(struct host_prep *hp, json_t *holder, struct strbuf *err)
{
	const char *path;
	json_t *n;
	int ret = 0;

	json_object_foreach(json_object_get(holder, "hugepages"), path, n)
		if (adjust_pages(hp, path, -(long)json_integer_value(n), err) < 0)
			ret = -1;
	return ret;
}

static int mount_hugetlbfs(struct host_prep *hp, json_t *st, const struct vm_config *cfg, struct strbuf *err)
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
	mkdir(cfg->mem_path, 0755);
	if (mount("hugetlbfs", cfg->mem_path, "hugetlbfs", 0, size) < 0) {
		strbuf_addf(err, "cannot mount hugetlbfs on '%s': %s", cfg->mem_path, strerror(errno));
		return -1;
	}
	json_array_append_new(json_object_get(st, "mounts"), json_string(cfg->mem_path));
	return 0;
}

static void unmount_all(struct host_prep *hp, json_t *st)
{
	size_t i;
	json_t *m;

	json_array_foreach(json_object_get(st, "mounts"), i, m) {
		strvec_pushf(&hp->changes, "unmount %s", json_string_value(m));
		if (!hp->dry_run)
			umount2(json_string_value(m), MNT_DETACH);
	}
	if (!hp->dry_run)
		json_array_clear(json_object_get(st, "mounts"));
}

/* ---- holders ---- */

static int holder_alive(const char *name)
{
	struct vm_state vs;

	if (!vm_state_load_running(name, &vs))
		return 0;
	vm_state_release(&vs);
	return 1;
}

static int drop_holder(struct host_prep *hp, json_t *st, const char *name, struct strbuf *err)
{
	json_t *holders = json_object_get(st, "holders");
	json_t *h = json_object_get(holders, name);
	int ret;

	if (!h)
		return 0;
	ret = release_pages(hp, h, err);
	json_object_del(holders, name);	/* also in a dry run: the knobs are computed without it */
	if (sync_knobs(hp, st, err) < 0)
		ret = -1;
	if (!json_object_size(holders))
		unmount_all(hp, st);
	return ret;
}

static int reconcile(struct host_prep *hp, json_t *st, struct strbuf *err)
{
	json_t *holders = json_object_get(st, "holders"), *h;
	const char *name;
	void *tmp;
	int ret = 0;

	json_object_foreach_safe(holders, tmp, name, h) {
		if (!strcmp(name, HOST_MANUAL) || holder_alive(name))
			continue;
		strvec_pushf(&hp->notes, "released what '%s' held: its QEMU is gone", name);
		if (drop_holder(hp, st, name, err) < 0)
			ret = -1;
	}
	return ret;
}

int host_prep_reconcile(struct host_prep *hp, struct strbuf *err)
{
	json_t *st = state_load(err);
	int ret;

	if (!st)
		return -1;
	ret = reconcile(hp, st, err);
	if (!hp->dry_run && state_save(st, err) < 0)
		ret = -1;
	json_decref(st);
	return ret;
}

int host_prep_hold(struct host_prep *hp, const char *name, const struct vm_config *cfg, const struct pin_plan *plan,
		   struct strbuf *err)
{
	json_t *st = state_load(err), *holder, *pages;
	unsigned long kb = cfg && cfg->hugepages == HUGEPAGES_1G ? 1048576 : 2048;
	int ret = -1;

	if (!st)
		return -1;
	if (reconcile(hp, st, err) < 0)
		goto out;
	holder = json_pack("{s:o,s:{}}", "cpus", cpuset_to_json(plan ? &plan->owned : &(struct cpuset){ { 0 } }),
			   "hugepages");
	pages = json_object_get(holder, "hugepages");
	json_object_set_new(json_object_get(st, "holders"), name, holder);
	if (cfg && cfg->hugepages != HUGEPAGES_NONE) {
		uint64_t page = (uint64_t)kb << 10;

		if (hp->hc->drop_caches == 1) {
			strvec_push(&hp->changes, "/proc/sys/vm/drop_caches: <- 3");
			if (!hp->dry_run && sysfs_write("/proc/sys/vm/drop_caches", "3", err) < 0)
				goto undo;
		}
		if (hp->hc->compact_memory == 1) {
			strvec_push(&hp->changes, "/proc/sys/vm/compact_memory: <- 1");
			if (!hp->dry_run && sysfs_write("/proc/sys/vm/compact_memory", "1", err) < 0)
				goto undo;
		}
		/* the pages go on the nodes the memory is bound to */
		for (size_t i = 0; i < (plan && plan->nr_numa ? plan->nr_numa : 1); i++) {
			int node = plan && plan->nr_numa ? plan->numa[i].host_node : plan ? plan->memory_node : -1;
			uint64_t bytes = plan && plan->nr_numa ? plan->numa[i].mem_bytes : cfg->mem_bytes;
			long n = (long)((bytes + page - 1) / page);
			char *file = hugepage_file(node, kb);
			json_t *old = json_object_get(pages, file);

			if (adjust_pages(hp, file, n, err) < 0) {
				free(file);
				goto undo;
			}
			json_object_set_new(pages, file, json_integer(n + (old ? json_integer_value(old) : 0)));
			free(file);
		}
		if (mount_hugetlbfs(hp, st, cfg, err) < 0)
			goto undo;
	}
	if (sync_knobs(hp, st, err) < 0)
		goto undo;
	if (!hp->dry_run && state_save(st, err) < 0)
		goto undo;
	if (!hp->dry_run) {
		free(hp->qemu_cgroup_procs);
		hp->qemu_cgroup_procs = shield_vm_procs(st);
	}
	ret = 0;
	goto out;
undo:
	{
		struct strbuf e2 = STRBUF_INIT;

		drop_holder(hp, st, name, &e2);	/* every change of this call, back */
		if (!hp->dry_run)
			state_save(st, &e2);
		strbuf_release(&e2);
	}
out:
	json_decref(st);
	return ret;
}

int host_prep_unhold(struct host_prep *hp, const char *name, struct strbuf *err)
{
	json_t *st = state_load(err);
	int ret;

	if (!st)
		return -1;
	ret = drop_holder(hp, st, name, err);
	if (reconcile(hp, st, err) < 0)
		ret = -1;
	if (!hp->dry_run && state_save(st, err) < 0)
		ret = -1;
	json_decref(st);
	return ret;
}

json_t *host_prep_status(struct strbuf *err)
{
	json_t *st = state_load(err), *knobs, *v, *out, *sh;
	const char *path;

	if (!st)
		return NULL;
	knobs = json_object();
	json_object_foreach(json_object_get(st, "knobs"), path, v) {
		struct strbuf cur = STRBUF_INIT;

		if (sysfs_read(path, &cur, NULL) == 0)
			normalise(path, &cur);
		json_object_set_new(knobs, path, json_pack("{s:O,s:s}", "original", v, "current", cur.buf));
		strbuf_release(&cur);
	}
	out = json_pack("{s:o,s:O,s:O}", "knobs", knobs, "holders", json_object_get(st, "holders"),
			"mounts", json_object_get(st, "mounts"));
	if ((sh = json_object_get(st, "shield"))) {
		/* who holds it and the CPUs it keeps free follow from the holders */
		json_t *names = json_array(), *h;
		struct cpuset vm;
		struct strbuf s = STRBUF_INIT;

		cpuset_zero(&vm);
		json_object_foreach(json_object_get(st, "holders"), path, h) {
			size_t i;

			json_array_foreach(json_object_get(h, "cpus"), i, v)
				cpuset_set(&vm, (unsigned)json_integer_value(v));
			if (json_array_size(json_object_get(h, "cpus")))
				json_array_append_new(names, json_string(path));
		}
		cpuset_format(&vm, &s);
		sh = json_deep_copy(sh);
		json_object_set_new(sh, "holders", names);
		json_object_set_new(sh, "vm_cpus", json_string(s.buf));
		json_object_set_new(out, "shield", sh);
		strbuf_release(&s);
	}
	json_decref(st);
	return out;
}
