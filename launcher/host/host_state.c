/*
 * host_state.c - read, check and write host.json (see host_state.h).
 *
 * DESIGN
 * The file is parsed with jansson into a tree and turned into the struct in
 * one pass that checks every value on the way; the struct is turned back
 * into a tree only to be written. Nothing else sees JSON. Maps keep their
 * order (knobs are restored in the order they were recorded, cpusets parents
 * first), so they are arrays, not hash tables: a host has a few dozen
 * entries at most.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher/host/host_state.h"
#include "launcher/host/shield.h"
#include "launcher/host/vfio.h"
#include "config/vm_config.h"
#include "util/atomic_file.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* ---- the knob table ---- */

/* '#' in a pattern stands for a decimal number */
static const struct knob_row {
	const char *pattern;
	enum host_knob_kind kind;
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

enum host_knob_kind host_state_knob(const char *path)
{
	for (size_t i = 0; path && i < ARRAY_SIZE(knob_table); i++)
		if (matches(knob_table[i].pattern, path))
			return knob_table[i].kind;
	return KNOB_NONE;
}

/* ---- ordered maps ---- */

const char *host_state_value_get(const struct host_state_values *vs, const char *key)
{
	for (size_t i = 0; i < vs->nr; i++)
		if (!strcmp(vs->v[i].key, key))
			return vs->v[i].value;
	return NULL;
}

void host_state_value_set(struct host_state_values *vs, const char *key, const char *value)
{
	for (size_t i = 0; i < vs->nr; i++) {
		if (!strcmp(vs->v[i].key, key)) {
			free(vs->v[i].value);
			vs->v[i].value = xstrdup(value);
			return;
		}
	}
	ALLOC_GROW(vs->v, vs->nr + 1, vs->alloc);
	vs->v[vs->nr].key = xstrdup(key);
	vs->v[vs->nr].value = xstrdup(value);
	vs->nr++;
}

void host_state_value_del(struct host_state_values *vs, size_t i)
{
	free(vs->v[i].key);
	free(vs->v[i].value);
	memmove(vs->v + i, vs->v + i + 1, (vs->nr - i - 1) * sizeof(*vs->v));
	vs->nr--;
}

void host_state_values_clear(struct host_state_values *vs)
{
	for (size_t i = 0; i < vs->nr; i++) {
		free(vs->v[i].key);
		free(vs->v[i].value);
	}
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
}

long host_state_count_find(const struct host_state_counts *cs, const char *key)
{
	for (size_t i = 0; i < cs->nr; i++)
		if (!strcmp(cs->v[i].key, key))
			return (long)i;
	return -1;
}

long host_state_count_get(const struct host_state_counts *cs, const char *key)
{
	long i = host_state_count_find(cs, key);

	return i < 0 ? 0 : cs->v[i].n;
}

void host_state_count_set(struct host_state_counts *cs, const char *key, long n)
{
	long i = host_state_count_find(cs, key);

	if (i >= 0) {
		cs->v[i].n = n;
		return;
	}
	ALLOC_GROW(cs->v, cs->nr + 1, cs->alloc);
	cs->v[cs->nr].key = xstrdup(key);
	cs->v[cs->nr].n = n;
	cs->nr++;
}

void host_state_count_del(struct host_state_counts *cs, size_t i)
{
	free(cs->v[i].key);
	memmove(cs->v + i, cs->v + i + 1, (cs->nr - i - 1) * sizeof(*cs->v));
	cs->nr--;
}

void host_state_counts_clear(struct host_state_counts *cs)
{
	for (size_t i = 0; i < cs->nr; i++)
		free(cs->v[i].key);
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

/* ---- holders and the shield ---- */

struct host_state_holder *host_state_holder(struct host_state *st, const char *name)
{
	for (size_t i = 0; i < st->nr_holders; i++)
		if (!strcmp(st->holders[i].name, name))
			return &st->holders[i];
	return NULL;
}

struct host_state_holder *host_state_holder_add(struct host_state *st, const char *name)
{
	struct host_state_holder *h;

	ALLOC_GROW(st->holders, st->nr_holders + 1, st->alloc_holders);
	h = &st->holders[st->nr_holders++];
	memset(h, 0, sizeof(*h));
	h->name = xstrdup(name);
	strvec_init(&h->vfio);
	return h;
}

static void holder_release(struct host_state_holder *h)
{
	free(h->name);
	host_state_counts_clear(&h->pages);
	strvec_clear(&h->vfio);
}

void host_state_holder_del(struct host_state *st, size_t i)
{
	holder_release(&st->holders[i]);
	memmove(st->holders + i, st->holders + i + 1, (st->nr_holders - i - 1) * sizeof(*st->holders));
	st->nr_holders--;
}

struct host_state_pci *host_state_pci(struct host_state *st, const char *addr)
{
	for (size_t i = 0; i < st->nr_pci; i++)
		if (!strcmp(st->pci[i].addr, addr))
			return &st->pci[i];
	return NULL;
}

void host_state_pci_add(struct host_state *st, const char *addr, const char *driver, const char *override)
{
	struct host_state_pci *p;

	ALLOC_GROW(st->pci, st->nr_pci + 1, st->alloc_pci);
	p = &st->pci[st->nr_pci++];
	p->addr = xstrdup(addr);
	p->driver = driver ? xstrdup(driver) : NULL;
	p->override = xstrdup(override);
}

void host_state_pci_del(struct host_state *st, size_t i)
{
	free(st->pci[i].addr);
	free(st->pci[i].driver);
	free(st->pci[i].override);
	memmove(st->pci + i, st->pci + i + 1, (st->nr_pci - i - 1) * sizeof(*st->pci));
	st->nr_pci--;
}

struct host_state_grant *host_state_grant(struct host_state *st, const char *path)
{
	for (size_t i = 0; i < st->nr_grants; i++)
		if (!strcmp(st->grants[i].path, path))
			return &st->grants[i];
	return NULL;
}

struct host_state_grant *host_state_grant_add(struct host_state *st, const char *path)
{
	struct host_state_grant *g;

	ALLOC_GROW(st->grants, st->nr_grants + 1, st->alloc_grants);
	g = &st->grants[st->nr_grants++];
	memset(g, 0, sizeof(*g));
	g->path = xstrdup(path);
	strvec_init(&g->holders);
	return g;
}

void host_state_grant_del(struct host_state *st, size_t i)
{
	free(st->grants[i].path);
	free(st->grants[i].acl);
	strvec_clear(&st->grants[i].holders);
	memmove(&st->grants[i], &st->grants[i + 1], (st->nr_grants - i - 1) * sizeof(*st->grants));
	st->nr_grants--;
}

static const char *const backend_names[] = { "none", "cgroup1", "cgroup2", "systemd" };

void host_state_shield_clear(struct host_state_shield *sh)
{
	free(sh->cgroup);
	host_state_values_clear(&sh->others);
	host_state_values_clear(&sh->units);
	memset(sh, 0, sizeof(*sh));
}

void host_state_release(struct host_state *st)
{
	host_state_values_clear(&st->knobs);
	host_state_counts_clear(&st->pools);
	for (size_t i = 0; i < st->nr_holders; i++)
		holder_release(&st->holders[i]);
	free(st->holders);
	st->holders = NULL;
	st->nr_holders = st->alloc_holders = 0;
	strvec_clear(&st->mounts);
	while (st->nr_pci)
		host_state_pci_del(st, st->nr_pci - 1);
	free(st->pci);
	st->pci = NULL;
	st->alloc_pci = 0;
	host_state_shield_clear(&st->shield);
	while (st->nr_grants)
		host_state_grant_del(st, st->nr_grants - 1);
	free(st->grants);
	st->grants = NULL;
	st->alloc_grants = 0;
}

/* ---- reading ---- */

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

/* A JSON object of strings into vs; what: for the message. 0, or -1 with why. */
static int read_values(json_t *obj, struct host_state_values *vs, const char *what, struct strbuf *why)
{
	const char *key;
	json_t *v;

	json_object_foreach(obj, key, v) {
		if (!json_is_string(v)) {
			strbuf_addf(why, "%s '%s' is no string", what, key);
			return -1;
		}
		host_state_value_set(vs, key, json_string_value(v));
	}
	return 0;
}

/* A JSON object of pool file -> pages (0 .. 2^40) into cs; -1 with the first bad key in *bad ("?": no object). */
static int read_pools(json_t *obj, struct host_state_counts *cs, const char **bad)
{
	const char *key;
	json_t *v;

	*bad = "?";
	if (!json_is_object(obj))
		return -1;
	json_object_foreach(obj, key, v) {
		*bad = key;
		if (host_state_knob(key) != KNOB_POOL || !json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > (json_int_t)1 << 40)
			return -1;
		host_state_count_set(cs, key, (long)json_integer_value(v));
	}
	return 0;
}

static int read_holder(struct host_state *st, const char *name, json_t *h, struct strbuf *why)
{
	struct host_state_holder *hd;
	struct strbuf bad = STRBUF_INIT;
	const char *pool;
	json_t *cpus = json_object_get(h, "cpus"), *v, *fn;
	size_t i;

	/* a holder name becomes a path (RUN/NAME) when its liveness is checked */
	if (strcmp(name, HOST_MANUAL) && vm_name_check(name, &bad) < 0) {
		strbuf_addf(why, "holder '%s' is no VM name (%s)", name, bad.buf);
		strbuf_release(&bad);
		return -1;
	}
	strbuf_release(&bad);
	if (!json_is_object(h) || !json_is_array(cpus)) {
		strbuf_addf(why, "holder '%s' has no list of CPUs", name);
		return -1;
	}
	hd = host_state_holder_add(st, name);
	json_array_foreach(cpus, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= CPUSET_MAX) {
			strbuf_addf(why, "holder '%s' names CPU %s", name, json_is_integer(v) ? "out of range" : "that is no number");
			return -1;
		}
		cpuset_set(&hd->cpus, (unsigned)json_integer_value(v));
	}
	if (json_object_get(h, "hugepages") && read_pools(json_object_get(h, "hugepages"), &hd->pages, &pool) < 0) {
		strbuf_addf(why, "holder '%s' holds pages of '%s'", name, pool);
		return -1;
	}
	if ((v = json_object_get(h, "vfio")) && !json_is_array(v)) {
		strbuf_addf(why, "holder '%s' has no list of PCI functions", name);
		return -1;
	}
	json_array_foreach(v, i, fn) {
		if (!vfio_addr_ok(json_string_value(fn))) {
			strbuf_addf(why, "holder '%s' holds a PCI function that is no PCI address", name);
			return -1;
		}
		strvec_push(&hd->vfio, json_string_value(fn));
	}
	return 0;
}

/* The "vfio" object: PCI address -> original driver (or null) and driver_override. */
static int read_pci(json_t *obj, struct host_state *st, struct strbuf *why)
{
	const char *addr;
	json_t *v;

	if (!json_is_object(obj)) {
		strbuf_addstr(why, "the PCI functions are no map");
		return -1;
	}
	json_object_foreach(obj, addr, v) {
		json_t *drv = json_object_get(v, "driver");
		const char *ovr = json_string_value(json_object_get(v, "driver_override"));

		if (!vfio_addr_ok(addr)) {
			strbuf_addf(why, "PCI function '%s' is no PCI address", addr);
			return -1;
		}
		/* both become paths: drivers/X/bind, and a driver_override names a driver */
		if (!json_is_object(v) || !(json_is_null(drv) || vfio_driver_ok(json_string_value(drv))) || !ovr ||
		    (*ovr && !vfio_driver_ok(ovr))) {
			strbuf_addf(why, "PCI function '%s' names no driver", addr);
			return -1;
		}
		host_state_pci_add(st, addr, json_string_value(drv), ovr);
	}
	return 0;
}

static int read_shield(json_t *sh, struct host_state_shield *rec, struct strbuf *why)
{
	const char *name = json_string_value(json_object_get(sh, "backend"));
	json_t *v;

	for (int b = SHIELD_CGROUP1; name && b <= SHIELD_SYSTEMD; b++)
		if (!strcmp(name, backend_names[b]))
			rec->backend = (enum host_state_backend)b;
	if (rec->backend == SHIELD_NONE) {
		strbuf_addstr(why, "the shield names no known backend");
		return -1;
	}
	rec->enabled_controller = json_is_true(json_object_get(sh, "enabled_controller"));
	if ((v = json_object_get(sh, "cgroup"))) {
		if (!json_is_string(v)) {
			strbuf_addstr(why, "the shield cgroup is not mvlaunch's own");
			return -1;
		}
		rec->cgroup = xstrdup(json_string_value(v));
	}
	if ((v = json_object_get(sh, "others"))) {
		rec->has_others = 1;
		if (!json_is_object(v) || read_values(v, &rec->others, "the shield's cpuset", why) < 0)
			goto bad_file;
	}
	if ((v = json_object_get(sh, "units"))) {
		rec->has_units = 1;
		if (!json_is_object(v) || read_values(v, &rec->units, "the shield's unit", why) < 0)
			goto bad_unit;
	}
	return shield_record_check(rec, why);
bad_file:
	if (!why->len)
		strbuf_addstr(why, "the shield's cpusets are no map of files");
	return -1;
bad_unit:
	if (!why->len)
		strbuf_addstr(why, "the shield's units are no map of units");
	return -1;
}

/* The tree of a host.json into st, checking every value: 0, or -1 with the first stranger in why. */
/* "rw-" -> 6; -1 when it is not three of r/w/x or '-' in that order. */
static int perms_parse(const char *s)
{
	int p = 0;

	if (!s || strlen(s) != 3)
		return -1;
	for (int i = 0; i < 3; i++) {
		if (s[i] == "rwx"[i])
			p |= 4 >> i;
		else if (s[i] != '-')
			return -1;
	}
	return p;
}

void host_state_perms_text(unsigned p, char out[4])
{
	for (int i = 0; i < 3; i++)
		out[i] = (p & (4u >> i)) ? "rwx"[i] : '-';
	out[3] = '\0';
}

/* The "grants" object: each an absolute path with what it was before, how it was granted and its holders. */
static int read_grants(json_t *obj, struct host_state *st, struct strbuf *why)
{
	const char *path;
	json_t *v;

	if (!json_is_object(obj)) {
		strbuf_addstr(why, "\"grants\" is not an object");
		return -1;
	}
	json_object_foreach(obj, path, v) {
		json_t *acl = json_object_get(v, "acl"), *holders = json_object_get(v, "holders"), *h;
		const char *how = json_string_value(json_object_get(v, "how")), *mode;
		struct host_state_grant *g;
		unsigned long m;
		char *end;
		int perms;
		size_t i;

		mode = json_string_value(json_object_get(v, "mode"));
		perms = perms_parse(json_string_value(json_object_get(v, "perms")));
		if (!mount_path_ok(path) || !json_is_object(v) || !json_is_integer(json_object_get(v, "dev")) ||
		    !json_is_integer(json_object_get(v, "ino")) || !json_is_integer(json_object_get(v, "uid")) ||
		    !json_is_integer(json_object_get(v, "gid")) || !json_is_integer(json_object_get(v, "user")) ||
		    !mode || !(m = strtoul(mode, &end, 8), *mode && !*end && m <= 07777) ||
		    !(json_is_null(acl) || json_is_string(acl)) || !how || (strcmp(how, "acl") && strcmp(how, "chown")) ||
		    perms < 0 || !json_is_array(holders)) {
			strbuf_addf(why, "grant '%s' is not one mvlaunch writes", path);
			return -1;
		}
		g = host_state_grant_add(st, path);
		g->dev = (unsigned long long)json_integer_value(json_object_get(v, "dev"));
		g->ino = (unsigned long long)json_integer_value(json_object_get(v, "ino"));
		g->uid = (unsigned)json_integer_value(json_object_get(v, "uid"));
		g->gid = (unsigned)json_integer_value(json_object_get(v, "gid"));
		g->user = (unsigned)json_integer_value(json_object_get(v, "user"));
		g->mode = (unsigned)m;
		g->acl = json_is_string(acl) ? xstrdup(json_string_value(acl)) : NULL;
		g->how = strcmp(how, "acl") ? GRANT_CHOWN : GRANT_ACL;
		g->perms = (unsigned)perms;
		json_array_foreach(holders, i, h) {
			if (!json_is_string(h)) {
				strbuf_addf(why, "grant '%s' has a holder that is not a name", path);
				return -1;
			}
			strvec_push(&g->holders, json_string_value(h));
		}
	}
	return 0;
}

static int from_json(json_t *root, struct host_state *st, struct strbuf *why)
{
	const char *key;
	json_t *v;
	size_t i;

	json_object_foreach(json_object_get(root, "knobs"), key, v) {
		enum host_knob_kind k = host_state_knob(key);

		if (k == KNOB_NONE || k == KNOB_POOL || !json_is_string(v)) {
			strbuf_addf(why, "knob '%s' is not one mvlaunch changes", key);
			return -1;
		}
		host_state_value_set(&st->knobs, key, json_string_value(v));
	}
	if (json_object_get(root, "pools") && read_pools(json_object_get(root, "pools"), &st->pools, &key) < 0) {
		strbuf_addf(why, "hugepage pool '%s' is not one", key);
		return -1;
	}
	json_object_foreach(json_object_get(root, "holders"), key, v)
		if (read_holder(st, key, v, why) < 0)
			return -1;
	json_array_foreach(json_object_get(root, "mounts"), i, v) {
		if (!mount_path_ok(json_string_value(v))) {
			strbuf_addstr(why, "a mount point is not an absolute path");
			return -1;
		}
		strvec_push(&st->mounts, json_string_value(v));
	}
	if ((v = json_object_get(root, "vfio")) && read_pci(v, st, why) < 0)
		return -1;
	if ((v = json_object_get(root, "shield")) && read_shield(v, &st->shield, why) < 0)
		return -1;
	if ((v = json_object_get(root, "grants")) && read_grants(v, st, why) < 0)
		return -1;
	return 0;
}

/* host.json is a few KiB; a larger one is not mvlaunch's. */
#define STATE_MAX (16 << 20)

/* A whole file as it is (no sysroot, no trimming, no symlink); 0, or -1 with errno. */
static int read_whole(const char *path, struct strbuf *sb)
{
	return strbuf_read_file(sb, path, STATE_MAX, O_NOFOLLOW) < 0 ? -1 : 0;
}

int host_state_load(const char *path, struct host_state *st, struct err *err)
{
	struct host_state empty = HOST_STATE_INIT;
	struct strbuf why = STRBUF_INIT, text = STRBUF_INIT;
	json_error_t jerr;
	json_t *root;
	struct stat sb;
	int ret = -1;

	*st = empty;
	if (lstat(path, &sb) != 0) {
		if (errno == ENOENT)
			return 0;
		strbuf_addf(&err->msg, "cannot read the host state file '%s': %s", path, strerror(errno));
		return -1;
	}
	/* only mvlaunch (the user running it) writes it: a file of another owner, or a link, is not ours */
	if (!S_ISREG(sb.st_mode) || sb.st_uid != geteuid() || (sb.st_mode & 022)) {
		strbuf_addf(&err->msg, "host state file '%s' is not a private file of this user (mode %04o, owner %u): not "
			    "trusted", path, (unsigned)(sb.st_mode & 07777), (unsigned)sb.st_uid);
		err_hintf(err, "check the host by hand, then remove the file");
		return -1;
	}
	if (read_whole(path, &text) < 0) {
		strbuf_addf(&err->msg, "cannot read the host state file '%s': %s", path, strerror(errno));
		strbuf_release(&text);
		return -1;
	}
	root = json_loadb(text.buf, text.len, JSON_REJECT_DUPLICATES, &jerr);
	strbuf_release(&text);
	/* "pools" may be missing: written by an mvlaunch before pools */
	if (!root || !json_is_object(json_object_get(root, "knobs")) || !json_is_object(json_object_get(root, "holders")) ||
	    (json_object_get(root, "pools") && !json_is_object(json_object_get(root, "pools"))) ||
	    !json_is_array(json_object_get(root, "mounts")) ||
	    (json_object_get(root, "shield") && !json_is_object(json_object_get(root, "shield")))) {
		strbuf_addf(&err->msg, "host state file '%s' is corrupt (%s)", path, root ? "wrong shape" : jerr.text);
		err_hintf(err, "check the host by hand ('mvlaunch host status' cannot read it either), then remove the file");
	} else if (from_json(root, st, &why) < 0) {
		strbuf_addf(&err->msg, "host state file '%s' is refused: %s (mvlaunch never writes such a path)", path, why.buf);
		err_hintf(err, "check the host by hand, then remove the file");
	} else {
		ret = 0;
	}
	if (ret < 0)
		host_state_release(st);
	json_decref(root);
	strbuf_release(&why);
	return ret;
}

/* ---- writing ---- */

static json_t *values_json(const struct host_state_values *vs)
{
	json_t *o = json_object();

	for (size_t i = 0; i < vs->nr; i++)
		json_object_set_new(o, vs->v[i].key, json_string(vs->v[i].value));
	return o;
}

static json_t *counts_json(const struct host_state_counts *cs)
{
	json_t *o = json_object();

	for (size_t i = 0; i < cs->nr; i++)
		json_object_set_new(o, cs->v[i].key, json_integer(cs->v[i].n));
	return o;
}

json_t *host_state_json(const struct host_state *st)
{
	json_t *holders = json_object(), *mounts = json_array(), *root;

	for (size_t i = 0; i < st->nr_holders; i++) {
		const struct host_state_holder *h = &st->holders[i];
		json_t *o = json_pack("{s:o,s:o}", "cpus", cpuset_to_json(&h->cpus), "hugepages", counts_json(&h->pages));

		if (h->vfio.nr) {
			json_t *a = json_array();

			for (size_t j = 0; j < h->vfio.nr; j++)
				json_array_append_new(a, json_string(h->vfio.v[j]));
			json_object_set_new(o, "vfio", a);
		}
		json_object_set_new(holders, h->name, o);
	}
	for (size_t i = 0; i < st->mounts.nr; i++)
		json_array_append_new(mounts, json_string(st->mounts.v[i]));
	root = json_pack("{s:o,s:o,s:o,s:o}", "knobs", values_json(&st->knobs), "pools", counts_json(&st->pools),
			 "holders", holders, "mounts", mounts);
	if (st->nr_pci) {
		json_t *o = json_object();

		for (size_t i = 0; i < st->nr_pci; i++)
			json_object_set_new(o, st->pci[i].addr, json_pack("{s:o,s:s}", "driver", st->pci[i].driver ?
								  json_string(st->pci[i].driver) : json_null(),
								  "driver_override", st->pci[i].override));
		json_object_set_new(root, "vfio", o);
	}
	if (st->shield.backend != SHIELD_NONE) {
		const struct host_state_shield *sh = &st->shield;
		json_t *o = json_pack("{s:s}", "backend", backend_names[sh->backend]);

		if (sh->enabled_controller)
			json_object_set_new(o, "enabled_controller", json_true());
		if (sh->cgroup)
			json_object_set_new(o, "cgroup", json_string(sh->cgroup));
		if (sh->has_others)
			json_object_set_new(o, "others", values_json(&sh->others));
		if (sh->has_units)
			json_object_set_new(o, "units", values_json(&sh->units));
		json_object_set_new(root, "shield", o);
	}
	if (st->nr_grants) {
		json_t *o = json_object();

		for (size_t i = 0; i < st->nr_grants; i++) {
			const struct host_state_grant *g = &st->grants[i];
			json_t *h = json_array();
			char mode[8], perms[4];

			snprintf(mode, sizeof(mode), "%04o", g->mode);
			host_state_perms_text(g->perms, perms);
			for (size_t j = 0; j < g->holders.nr; j++)
				json_array_append_new(h, json_string(g->holders.v[j]));
			json_object_set_new(o, g->path, json_pack("{s:I,s:I,s:i,s:i,s:s,s:o,s:s,s:i,s:s,s:o}",
				"dev", (json_int_t)g->dev, "ino", (json_int_t)g->ino, "uid", (int)g->uid, "gid", (int)g->gid,
				"mode", mode, "acl", g->acl ? json_string(g->acl) : json_null(),
				"how", g->how == GRANT_ACL ? "acl" : "chown", "user", (int)g->user, "perms", perms, "holders", h));
		}
		json_object_set_new(root, "grants", o);
	}
	return root;
}

int host_state_may_name(const char *path, const char *name)
{
	struct strbuf text = STRBUF_INIT;
	char *quoted;
	int may;

	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return 1;	/* JSON may escape it: only the parser knows */
	if (read_whole(path, &text) < 0) {
		int missing = errno == ENOENT;

		strbuf_release(&text);
		return !missing;
	}
	quoted = xstrfmt("\"%s\"", name);
	may = !!strstr(text.buf, quoted);
	free(quoted);
	strbuf_release(&text);
	return may;
}

int host_state_save(const char *path, const struct host_state *st, struct err *err)
{
	struct strbuf old = STRBUF_INIT;
	json_t *root;
	char *text;
	int ret = 0;

	if (!st->nr_holders && !st->knobs.nr && !st->pools.nr && !st->mounts.nr && !st->nr_pci &&
	    st->shield.backend == SHIELD_NONE && !st->nr_grants) {
		unlink(path);	/* nothing held: no file */
		return 0;
	}
	root = host_state_json(st);
	text = json_dumps(root, JSON_INDENT(1));
	json_decref(root);
	if (!text) {
		strbuf_addf(&err->msg, "cannot write the host state file '%s': out of memory", path);
		return -1;
	}
	/* the same record again costs no write and no fsync (every status reconciles) */
	if (read_whole(path, &old) == 0 && !strcmp(old.buf, text))
		goto out;
	{
		/* its directory is usually there already */
		char *dir = xstrdup(path), *slash = strrchr(dir, '/');

		if (slash && slash != dir) {
			*slash = '\0';
			mkdir(dir, 0700);
		}
		free(dir);
	}
	ret = atomic_write_file(path, text, strlen(text), ATOMIC_FSYNC, &err->msg);
out:
	strbuf_release(&old);
	free(text);
	return ret;
}
