/*
 * host_prep.c - apply and exactly undo host knobs and hugepages (see host_prep.h).
 *
 * DESIGN
 * One rule covers first VM, later VMs and last VM alike: compute the knob
 * values and hugepage pools the current holders want (the CPU-dependent
 * knobs from the union of their CPUs, each pool as its original size plus
 * what the holders hold on it), write what differs, and restore (then
 * forget) every recorded path no longer wanted. With no holders left nothing
 * is wanted, so every original comes back.
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
#include "launcher/host/shield.h"
#include "launcher/host/sysfs.h"
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
	free(hp->state_file);
	hp->state_file = NULL;
	free(hp->qemu_cgroup_procs);
	hp->qemu_cgroup_procs = NULL;
	strvec_clear(&hp->changes);
	strvec_clear(&hp->notes);
}

/* ---- the knobs mvlaunch may change: host.json names nothing else ---- */

enum knob_kind {
	KNOB_PLAIN,		/* a number or word, read back as written */
	KNOB_BRACKETED,		/* "always [madvise] never": the word in brackets */
	KNOB_CPUFREQ,		/* missing without cpufreq: noted once */
	KNOB_IRQ,		/* some IRQs refuse to move: noted, not an error */
	KNOB_POOL,		/* a hugepage pool (nr_hugepages): sized by the holders */
};

/* '#' in a pattern stands for a decimal number */
static const struct knob_row {
	const char *pattern;
	enum knob_kind kind;
} knob_table[] = {
	{ "/sys/kernel/mm/transparent_hugepage/enabled", KNOB_BRACKETED },
	{ "/proc/sys/vm/stat_interval", KNOB_PLAIN },
	{ "/proc/sys/kernel/watchdog", KNOB_PLAIN },
	{ "/sys/kernel/mm/ksm/run", KNOB_PLAIN },
	{ "/proc/sys/kernel/perf_cpu_time_max_percent", KNOB_PLAIN },
	{ "/proc/sys/kernel/perf_event_max_sample_rate", KNOB_PLAIN },
	{ "/sys/bus/workqueue/devices/writeback/numa", KNOB_PLAIN },
	{ "/sys/bus/workqueue/devices/writeback/cpumask", KNOB_PLAIN },
	{ "/sys/devices/virtual/workqueue/cpumask", KNOB_PLAIN },
	{ "/proc/irq/#/smp_affinity_list", KNOB_IRQ },
	{ "/sys/devices/system/cpu/cpu#/cpufreq/scaling_governor", KNOB_CPUFREQ },
	{ "/sys/devices/system/node/node#/hugepages/hugepages-#kB/nr_hugepages", KNOB_POOL },
	{ "/sys/kernel/mm/hugepages/hugepages-#kB/nr_hugepages", KNOB_POOL },
};

static int matches(const char *pattern, const char *path)
{
	for (; *pattern; pattern++) {
		if (*pattern == '#') {
			if (*path < '0' || *path > '9')
				return 0;
			while (*path >= '0' && *path <= '9')
				path++;
		} else if (*pattern != *path++) {
			return 0;
		}
	}
	return !*path;
}

/* The row of a knob path, or NULL when mvlaunch never changes that file. */
static const struct knob_row *knob_of(const char *path)
{
	for (size_t i = 0; i < ARRAY_SIZE(knob_table); i++)
		if (matches(knob_table[i].pattern, path))
			return &knob_table[i];
	return NULL;
}

/* A hugetlbfs mount point mvlaunch may have made: absolute, no '..', no oddities. */
static int mount_path_ok(const char *p)
{
	if (!p || p[0] != '/' || strstr(p, "/../") || strstr(p, "//") || strlen(p) > 4000)
		return 0;
	for (; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

/* Every path in host.json must be one mvlaunch would have written: 0, or -1 with the first that is not. */
static int state_check(json_t *st, struct strbuf *why)
{
	const char *path, *name;
	json_t *v, *h;
	size_t i;

	json_object_foreach(json_object_get(st, "knobs"), path, v) {
		const struct knob_row *k = knob_of(path);

		if (!k || k->kind == KNOB_POOL || !json_is_string(v)) {
			strbuf_addf(why, "knob '%s' is not one mvlaunch changes", path);
			return -1;
		}
	}
	json_object_foreach(json_object_get(st, "pools"), path, v) {
		const struct knob_row *k = knob_of(path);

		if (!k || k->kind != KNOB_POOL || !json_is_integer(v) || json_integer_value(v) < 0) {
			strbuf_addf(why, "hugepage pool '%s' is not one", path);
			return -1;
		}
	}
	json_object_foreach(json_object_get(st, "holders"), name, h) {
		struct strbuf bad = STRBUF_INIT;

		/* a holder name becomes a path (RUN/NAME) when its liveness is checked */
		if (strcmp(name, HOST_MANUAL) && vm_name_check(name, &bad) < 0) {
			strbuf_addf(why, "holder '%s' is no VM name (%s)", name, bad.buf);
			strbuf_release(&bad);
			return -1;
		}
		strbuf_release(&bad);
		if (!json_is_object(h) || !json_is_array(json_object_get(h, "cpus"))) {
			strbuf_addf(why, "holder '%s' has no list of CPUs", name);
			return -1;
		}
		json_array_foreach(json_object_get(h, "cpus"), i, v) {
			if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= CPUSET_MAX) {
				strbuf_addf(why, "holder '%s' names CPU %s", name, json_is_integer(v) ? "out of range" : "that is no number");
				return -1;
			}
		}
		json_object_foreach(json_object_get(h, "hugepages"), path, v) {
			const struct knob_row *k = knob_of(path);

			if (!k || k->kind != KNOB_POOL || !json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > (json_int_t)1 << 40) {
				strbuf_addf(why, "holder '%s' holds pages of '%s'", name, path);
				return -1;
			}
		}
	}
	json_array_foreach(json_object_get(st, "mounts"), i, v) {
		if (!mount_path_ok(json_string_value(v))) {
			strbuf_addstr(why, "a mount point is not an absolute path");
			return -1;
		}
	}
	if (json_object_get(st, "shield") && shield_record_check(json_object_get(st, "shield"), why) < 0)
		return -1;
	return 0;
}

/* ---- state file ---- */

/* A whole file as it is (no sysroot, no trimming); 0, or -1. */
static int read_whole(const char *path, struct strbuf *sb)
{
	char buf[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(sb, buf, (size_t)n);
	close(fd);
	return n < 0 ? -1 : 0;
}

static json_t *state_load(const char *path, struct strbuf *err)
{
	json_error_t jerr;
	json_t *st;
	struct strbuf why = STRBUF_INIT;
	struct stat sb;

	if (lstat(path, &sb) != 0 && errno == ENOENT) {
		return json_pack("{s:{},s:{},s:{},s:[]}", "knobs", "pools", "holders", "mounts");
	}
	/* only mvlaunch (the user running it) writes it: a file of another owner, or a link, is not ours */
	if (!S_ISREG(sb.st_mode) || sb.st_uid != geteuid() || (sb.st_mode & 022)) {
		strbuf_addf(err, "host state file '%s' is not a private file of this user (mode %04o, owner %u): not "
			    "trusted\nhint: check the host by hand, then remove the file", path,
			    (unsigned)(sb.st_mode & 07777), (unsigned)sb.st_uid);
		return NULL;
	}
	st = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (st && json_is_object(st) && !json_object_get(st, "pools"))
		json_object_set_new(st, "pools", json_object());	/* written by an mvlaunch before pools */
	if (!st || !json_is_object(json_object_get(st, "knobs")) || !json_is_object(json_object_get(st, "holders")) ||
	    !json_is_object(json_object_get(st, "pools")) || !json_is_array(json_object_get(st, "mounts")) ||
	    (json_object_get(st, "shield") && !json_is_object(json_object_get(st, "shield")))) {
		strbuf_addf(err, "host state file '%s' is corrupt (%s)\nhint: check the host by hand ('mvlaunch host status' "
			    "cannot read it either), then remove the file", path, st ? "wrong shape" : jerr.text);
		json_decref(st);
		st = NULL;
	} else if (state_check(st, &why) < 0) {
		strbuf_addf(err, "host state file '%s' is refused: %s (mvlaunch never writes such a path)\nhint: check "
			    "the host by hand, then remove the file", path, why.buf);
		json_decref(st);
		st = NULL;
	}
	strbuf_release(&why);
	return st;
}

static int state_save(const char *path, json_t *st, struct strbuf *err)
{
	char *text = NULL;
	int ret = 0;

	if (!json_object_size(json_object_get(st, "holders")) && !json_object_size(json_object_get(st, "knobs")) &&
	    !json_object_size(json_object_get(st, "pools")) && !json_array_size(json_object_get(st, "mounts")) &&
	    !json_object_get(st, "shield")) {
		unlink(path);	/* nothing held: no file */
	} else {
		struct strbuf old = STRBUF_INIT;

		text = json_dumps(st, JSON_INDENT(1));
		/* the same record again costs no write and no fsync (every status reconciles) */
		if (text && read_whole(path, &old) == 0 && !strcmp(old.buf, text)) {
			strbuf_release(&old);
			goto out;
		}
		strbuf_release(&old);
		{
			/* its directory is usually there already */
			char *dir = xstrdup(path), *slash = strrchr(dir, '/');

			if (slash && slash != dir) {
				*slash = '\0';
				mkdir(dir, 0700);
			}
			free(dir);
		}
		ret = text ? atomic_write_file(path, text, strlen(text), ATOMIC_FSYNC, err) : -1;
	}
out:
	free(text);
	return ret;
}

/* ---- knob values ---- */

/* A value as read, made comparable with what is written (THP: the word in brackets). */
static void normalise(const char *path, struct strbuf *v)
{
	const struct knob_row *k = knob_of(path);
	char *a, *b;

	if (k && k->kind == KNOB_BRACKETED && (a = strchr(v->buf, '[')) && (b = strchr(a, ']'))) {
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

/* The shield over the holders' CPUs, or none. */
static int state_save(const char *path, json_t *st, struct strbuf *err);

struct commit_point {
	const struct host_prep *hp;
	json_t *st;
};

/* The shield's write-ahead point: host.json on disk before it changes a cgroup. */
static int commit_state(void *data, struct strbuf *err)
{
	struct commit_point *c = data;

	return state_save(c->hp->state_file, c->st, err);
}

static int sync_shield(struct host_prep *hp, json_t *st, const struct cpuset *owned, struct strbuf *err)
{
	struct commit_point point = { .hp = hp, .st = st };
	struct shield_io io = { .dry_run = hp->dry_run, .changes = &hp->changes, .notes = &hp->notes,
				.commit = commit_state, .commit_data = &point };
	int want = shielding(hp, owned), ret;
	pid_t *keep;
	size_t nr_keep = 0;

	if (!want && !json_object_get(st, "shield"))
		return 0;
	keep = hp->vms->qemu_pids(&nr_keep);
	io.keep = keep;
	io.nr_keep = nr_keep;
	ret = shield_sync(st, want ? owned : NULL, &hp->topo->all, &io, err);
	free(keep);
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
static int pool_read(const char *path, long *persistent, struct strbuf *err)
{
	char *surplus = xstrfmt("%.*s/surplus_hugepages", (int)(strrchr(path, '/') - path), path);
	long nr, sur = 0;
	int ret = -1;

	if (sysfs_read_long(path, &nr, err) == 0) {
		sysfs_read_long(surplus, &sur, NULL);	/* absent on old kernels: none */
		*persistent = nr - sur < 0 ? 0 : nr - sur;
		ret = 0;
	}
	free(surplus);
	return ret;
}

/* The pages the holders hold, per pool file. */
static void held_pages(json_t *st, json_t *held)
{
	const char *name, *path;
	json_t *h, *n;

	json_object_foreach(json_object_get(st, "holders"), name, h) {
		json_object_foreach(json_object_get(h, "hugepages"), path, n) {
			json_int_t have = json_integer_value(json_object_get(held, path));

			json_object_set_new(held, path, json_integer(have + json_integer_value(n)));
		}
	}
}

/*
 * Set a pool to 'target' pages (its original plus what is held) and read it
 * back. A pool that grows must really grow: on a shortfall it is set back to
 * 'back' and the numbers go to err.
 */
static int pool_set(struct host_prep *hp, const char *path, long target, long back, struct strbuf *err)
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
	if (sysfs_write(path, num, err) < 0)
		return -1;
	/* the kernel makes surplus pages persistent first, so nr_hugepages itself says what it gave */
	if (target > cur && (sysfs_read_long(path, &got, err) < 0 || got < target)) {
		snprintf(num, sizeof(num), "%ld", back);
		sysfs_write(path, num, NULL);	/* give back what we got */
		strbuf_addf(err, "%s%s: asked for %ld more hugepages (%ld in all), the kernel gave %ld; gave them back"
			    "\nhint: reserve hugepages at boot (hugepages= on the kernel command line) or free memory",
			    err->len ? "\n" : "", path, target - back, target, got - cur);
		return -1;
	}
	return 0;
}

/* ---- knobs ---- */

/* The current value of a knob, or -1 (noted once per kind) when this kernel has none. */
static int knob_read(struct host_prep *hp, const char *path, int note, struct strbuf *cur)
{
	const struct knob_row *k = knob_of(path);
	struct strbuf e = STRBUF_INIT;
	int ret = 0;

	if (sysfs_read(path, cur, &e) < 0) {
		if (note && k && k->kind == KNOB_CPUFREQ) {
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
static int knob_write(struct host_prep *hp, const char *path, const char *value, struct strbuf *err)
{
	const struct knob_row *k = knob_of(path);
	struct strbuf e = STRBUF_INIT;
	int ret = 0;

	if (sysfs_write(path, value, &e) < 0) {
		if (k && k->kind == KNOB_IRQ) {
			strvec_pushf(&hp->notes, "could not move IRQ: %s", e.buf);
		} else {
			strbuf_addstr(err, e.buf);
			ret = -1;
		}
	}
	strbuf_release(&e);
	return ret;
}

/*
 * Make the host what the holders in st want, write-ahead (see DESIGN):
 * 1. the wanted knob values and pool sizes;
 * 2. the original of every knob and pool about to change recorded, and
 *    host.json synced: from here, a kill leaves the originals on disk;
 * 3. the wanted values written (pools read back);
 * 4. every recorded knob and pool nobody wants set back and forgotten;
 * 5. the shield, which commits its own records the same way.
 * 0, or -1 with the reasons in err (a pool that could not grow is back at
 * its size before; the caller drops the holder and calls again).
 */
static int sync_host(struct host_prep *hp, json_t *st, struct strbuf *err)
{
	json_t *holders = json_object_get(st, "holders"), *orig = json_object_get(st, "knobs");
	json_t *pools = json_object_get(st, "pools"), *held = json_object(), *h, *v;
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
	held_pages(st, held);

	/* 2: originals first */
	for (size_t i = 0; i < want.nr; i++) {
		struct strbuf cur = STRBUF_INIT;

		if (knob_read(hp, want.k[i].path, 1, &cur) == 0 && strcmp(cur.buf, want.k[i].value) &&
		    !json_object_get(orig, want.k[i].path))
			json_object_set_new(orig, want.k[i].path, json_string(cur.buf));
		strbuf_release(&cur);
	}
	json_object_foreach(held, path, v) {
		long cur;

		if (!json_object_get(pools, path) && json_integer_value(v) > 0 && pool_read(path, &cur, err) == 0)
			json_object_set_new(pools, path, json_integer(cur));
	}
	if (!hp->dry_run && state_save(hp->state_file, st, err) < 0) {
		ret = -1;
		goto out;
	}

	/* 3: the wanted values: pools first, so a shortfall stops before any knob moves */
	json_object_foreach(pools, path, v) {
		long base = (long)json_integer_value(v), more = (long)json_integer_value(json_object_get(held, path));

		if (more && pool_set(hp, path, base + more, base, err) < 0)
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

	/* 4: what nobody wants goes back, then is forgotten */
	json_object_foreach_safe(orig, tmp, path, v) {
		struct strbuf cur = STRBUF_INIT;
		int wanted = 0;

		for (size_t i = 0; i < want.nr && !wanted; i++)
			wanted = !strcmp(want.k[i].path, path);
		if (wanted)
			continue;
		if (knob_read(hp, path, 0, &cur) == 0 && strcmp(cur.buf, json_string_value(v))) {
			strvec_pushf(&hp->changes, "%s: %s -> %s", path, cur.buf, json_string_value(v));
			if (!hp->dry_run && knob_write(hp, path, json_string_value(v), err) < 0) {
				ret = -1;
				strbuf_release(&cur);
				continue;	/* kept: the next call tries again */
			}
		}
		if (!hp->dry_run)
			json_object_del(orig, path);
		strbuf_release(&cur);
	}
	json_object_foreach_safe(pools, tmp, path, v) {
		if (json_integer_value(json_object_get(held, path)))
			continue;
		if (pool_set(hp, path, (long)json_integer_value(v), (long)json_integer_value(v), err) < 0)
			ret = -1;
		else if (!hp->dry_run)
			json_object_del(pools, path);
	}
	if (sync_shield(hp, st, &owned, err) < 0)
		ret = -1;
out:
	knobs_clear(&want);
	json_decref(held);
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
	/* recorded before it is done: the last release unmounts it only if it is a hugetlbfs */
	json_array_append_new(json_object_get(st, "mounts"), json_string(cfg->mem_path));
	if (state_save(hp->state_file, st, err) < 0)
		return -1;
	mkdir(cfg->mem_path, 0755);
	if (mount("hugetlbfs", cfg->mem_path, "hugetlbfs", 0, size) < 0) {
		strbuf_addf(err, "cannot mount hugetlbfs on '%s': %s", cfg->mem_path, strerror(errno));
		return -1;
	}
	return 0;
}

static void unmount_all(struct host_prep *hp, json_t *st)
{
	size_t i;
	json_t *m;

	json_array_foreach(json_object_get(st, "mounts"), i, m) {
		const char *path = json_string_value(m);
		struct statfs sf;

		/* only a hugetlbfs mvlaunch mounted: whatever else is there now stays */
		if (statfs(path, &sf) < 0 || (unsigned long)sf.f_type != HUGETLBFS_MAGIC_)
			continue;
		strvec_pushf(&hp->changes, "unmount %s", path);
		if (!hp->dry_run)
			umount2(path, MNT_DETACH);
	}
	if (!hp->dry_run)
		json_array_clear(json_object_get(st, "mounts"));
}

/* ---- holders ---- */

static int holder_alive(const struct host_prep *hp, const char *name)
{
	return hp->vms->alive(name);
}

static int drop_holder(struct host_prep *hp, json_t *st, const char *name, struct strbuf *err)
{
	json_t *holders = json_object_get(st, "holders");
	int ret;

	if (!json_object_get(holders, name))
		return 0;
	json_object_del(holders, name);	/* also in a dry run: the host is computed without it */
	ret = sync_host(hp, st, err);
	if (!json_object_size(holders))
		unmount_all(hp, st);
	return ret;
}

static int reconcile(struct host_prep *hp, json_t *st, struct strbuf *err)
{
	json_t *holders = json_object_get(st, "holders"), *h;
	const char *name;
	void *tmp;
	int dropped = 0;

	json_object_foreach_safe(holders, tmp, name, h) {
		if (!strcmp(name, HOST_MANUAL) || holder_alive(hp, name))
			continue;
		strvec_pushf(&hp->notes, "released what '%s' held: its QEMU is gone", name);
		json_object_del(holders, name);
		dropped = 1;
	}
	/* and whatever a killed command left half done is finished or undone */
	if (sync_host(hp, st, err) < 0)
		return -1;
	if (dropped && !json_object_size(holders))
		unmount_all(hp, st);
	return 0;
}

int host_prep_reconcile(struct host_prep *hp, struct strbuf *err)
{
	json_t *st = state_load(hp->state_file, err);
	int ret;

	if (!st)
		return -1;
	ret = reconcile(hp, st, err);
	if (!hp->dry_run && state_save(hp->state_file, st, err) < 0)
		ret = -1;
	json_decref(st);
	return ret;
}

int host_prep_hold(struct host_prep *hp, const char *name, const struct vm_config *cfg, const struct pin_plan *plan,
		   struct strbuf *err)
{
	json_t *st = state_load(hp->state_file, err), *holder, *pages;
	unsigned long kb = cfg && cfg->hugepages == HUGEPAGES_1G ? 1048576 : 2048;
	int ret = -1;

	if (!st)
		return -1;
	if (reconcile(hp, st, err) < 0)
		goto out;
	holder = json_pack("{s:o,s:{}}", "cpus", cpuset_to_json(plan ? &plan->owned : &(struct cpuset){ { 0 } }),
			   "hugepages");
	pages = json_object_get(holder, "hugepages");
	if (cfg && cfg->hugepages != HUGEPAGES_NONE) {
		uint64_t page = (uint64_t)kb << 10;

		/* the pages go on the nodes the memory is bound to */
		for (size_t i = 0; i < (plan && plan->nr_numa ? plan->nr_numa : 1); i++) {
			int node = plan && plan->nr_numa ? plan->numa[i].host_node : plan ? plan->memory_node : -1;
			uint64_t bytes = plan && plan->nr_numa ? plan->numa[i].mem_bytes : cfg->mem_bytes;
			long n = (long)((bytes + page - 1) / page);
			char *file = hugepage_file(node, kb);
			json_int_t old = json_integer_value(json_object_get(pages, file));

			json_object_set_new(pages, file, json_integer(n + old));
			free(file);
		}
	}
	/* the holder (its CPUs, its pages) is in host.json before anything is changed for it */
	json_object_set_new(json_object_get(st, "holders"), name, holder);
	if (cfg && cfg->hugepages != HUGEPAGES_NONE) {
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
	}
	if (sync_host(hp, st, err) < 0)
		goto undo;
	if (cfg && mount_hugetlbfs(hp, st, cfg, err) < 0)
		goto undo;
	if (!hp->dry_run && state_save(hp->state_file, st, err) < 0)
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
			state_save(hp->state_file, st, &e2);
		strbuf_release(&e2);
	}
out:
	json_decref(st);
	return ret;
}

int host_prep_unhold(struct host_prep *hp, const char *name, struct strbuf *err)
{
	json_t *st = state_load(hp->state_file, err);
	int ret;

	if (!st)
		return -1;
	ret = drop_holder(hp, st, name, err);
	if (reconcile(hp, st, err) < 0)
		ret = -1;
	if (!hp->dry_run && state_save(hp->state_file, st, err) < 0)
		ret = -1;
	json_decref(st);
	return ret;
}

json_t *host_prep_status(const char *state_file, struct strbuf *err)
{
	json_t *st = state_load(state_file, err), *knobs, *v, *out, *sh;
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
	out = json_pack("{s:o,s:O,s:O,s:O}", "knobs", knobs, "holders", json_object_get(st, "holders"),
			"mounts", json_object_get(st, "mounts"), "pools", json_object_get(st, "pools"));
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
