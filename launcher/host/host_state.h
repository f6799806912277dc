/*
 * host_state.h - host.json as a typed struct: what mvlaunch changed on the
 * host, the value each thing had before, and who holds the host.
 *
 * The one file that reads and writes host.json (host_prep.c and shield.c
 * work on the struct). Reading trusts nothing: the file must be this user's
 * private regular file, and every path in it one mvlaunch would write (a
 * knob of the table below, a hugepage pool, a hugetlbfs mount point, the
 * shield's own cgroups and the three systemd units), or it is refused.
 *
 * On disk (JSON; key order as written here):
 *   { "knobs":   { PATH: ORIGINAL-VALUE, ... },
 *     "pools":   { POOL-FILE: ORIGINAL-PAGES, ... },
 *     "holders": { NAME: { "cpus": [CPU, ...], "hugepages": { POOL-FILE: PAGES },
 *                          "vfio": [ PCI-ADDRESS, ... ] } },
 *     "mounts":  [ PATH, ... ],
 *     "vfio":    { PCI-ADDRESS: { "driver": ORIGINAL-DRIVER | null, "driver_override": ORIGINAL } },
 *     "shield":  { "backend": "cgroup1"|"cgroup2"|"systemd", "enabled_controller": true,
 *                  "cgroup": DIR, "others": { FILE: ORIGINAL }, "units": { UNIT: ORIGINAL } },
 *     "grants":  { PATH: { "dev": N, "ino": N, "uid": N, "gid": N, "mode": "0600", "acl": TEXT | null,
 *                          "how": "acl"|"chown", "user": UID, "perms": "rw-", "holders": [ NAME, ... ] } } }
 * ("shield" only while one stands; its keys only once set. Both "vfio" keys
 * only when not empty: a host.json of an mvlaunch before managed
 * passthrough is read as it is.) A PCI function is held by every holder
 * whose "vfio" names it; the top-level record is its driver and
 * driver_override before mvlaunch bound it to vfio-pci ("" for none).
 * "grants" (only when not empty) are files and devices QEMU's user was
 * given access to (grant.h): each as it was (owner, mode, access ACL),
 * which inode, how it was granted, and the VMs that use it.
 */
#ifndef MVL_HOST_STATE_H
#define MVL_HOST_STATE_H

#include <jansson.h>

#include "util/cpuset.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/strvec.h"

/* The holder name of 'mvlaunch host prepare'. */
#define HOST_MANUAL "(manual)"

/* ---- the knobs mvlaunch may change: host.json names nothing else ---- */

enum host_knob_kind {
	KNOB_NONE,		/* not one mvlaunch ever writes */
	KNOB_PLAIN,		/* a number or word, read back as written */
	KNOB_BRACKETED,		/* "always [madvise] never": the word in brackets */
	KNOB_CPUFREQ,		/* missing without cpufreq: noted once */
	KNOB_IRQ,		/* some IRQs refuse to move: noted, not an error */
	KNOB_POOL,		/* a hugepage pool (nr_hugepages): sized by the holders */
};

/* The kind of a knob path, from one table of patterns; KNOB_NONE for any other path. */
enum host_knob_kind host_state_knob(const char *path);

/* ---- ordered maps: a key and a text, or a key and a number ---- */

struct host_state_value {
	char *key;
	char *value;
};

struct host_state_values {
	struct host_state_value *v;
	size_t nr, alloc;
};

struct host_state_count {
	char *key;
	long n;
};

struct host_state_counts {
	struct host_state_count *v;
	size_t nr, alloc;
};

/* The value of key, or NULL. */
const char *host_state_value_get(const struct host_state_values *vs, const char *key);
/* Set key (replacing its value in place, or appended). */
void host_state_value_set(struct host_state_values *vs, const char *key, const char *value);
/* Remove entry i, keeping the order of the others. */
void host_state_value_del(struct host_state_values *vs, size_t i);
void host_state_values_clear(struct host_state_values *vs);

/* The count of key; 0 when absent. Whether it is there: host_state_count_find() >= 0. */
long host_state_count_get(const struct host_state_counts *cs, const char *key);
long host_state_count_find(const struct host_state_counts *cs, const char *key);
void host_state_count_set(struct host_state_counts *cs, const char *key, long n);
void host_state_count_del(struct host_state_counts *cs, size_t i);
void host_state_counts_clear(struct host_state_counts *cs);

/* ---- the record ---- */

struct host_state_holder {
	char *name;			/* a VM name, or HOST_MANUAL */
	struct cpuset cpus;		/* the CPUs its VM owns */
	struct host_state_counts pages;	/* pool file -> pages it holds there */
	struct strvec vfio;		/* PCI functions it holds on vfio-pci */
};

/* A PCI function mvlaunch bound to vfio-pci, and what it had before. */
struct host_state_pci {
	char *addr;			/* "0000:01:00.1" */
	char *driver;			/* its driver before, NULL for none */
	char *override;			/* its driver_override before, "" for none */
};

enum host_grant_how { GRANT_ACL, GRANT_CHOWN };

/* A file QEMU's user was given access to, and what it was before. */
struct host_state_grant {
	char *path;			/* absolute, as granted (symlinks resolved) */
	unsigned long long dev, ino;	/* the file granted: another one at path later is left alone */
	unsigned uid, gid, mode;	/* owner and mode (07777) before */
	char *acl;			/* its access ACL before (text), NULL when it had none beyond the mode */
	enum host_grant_how how;
	unsigned user;			/* the uid granted to */
	unsigned perms;			/* granted: 4 read, 2 write, 1 execute (search) */
	struct strvec holders;		/* VM names */
};

enum host_state_backend { SHIELD_NONE, SHIELD_CGROUP1, SHIELD_CGROUP2, SHIELD_SYSTEMD };

struct host_state_shield {
	enum host_state_backend backend;	/* SHIELD_NONE: no shield stands */
	int enabled_controller;		/* cgroup v2: mvlaunch turned +cpuset on in the root */
	char *cgroup;			/* the shield cgroup, once made (NULL before) */
	int has_others, has_units;	/* the maps below were started (written even when empty) */
	struct host_state_values others;	/* other cpusets' cpuset.cpus -> original */
	struct host_state_values units;	/* systemd unit -> original AllowedCPUs ("" for all) */
};

struct host_state {
	struct host_state_values knobs;	/* knob path -> original value */
	struct host_state_counts pools;	/* pool file -> persistent pages before */
	struct host_state_holder *holders;
	size_t nr_holders, alloc_holders;
	struct strvec mounts;		/* hugetlbfs mount points mvlaunch made */
	struct host_state_pci *pci;	/* in the order they were bound */
	size_t nr_pci, alloc_pci;
	struct host_state_shield shield;
	struct host_state_grant *grants;	/* in the order they were granted */
	size_t nr_grants, alloc_grants;
};

#define HOST_STATE_INIT { .mounts = STRVEC_INIT }

/*
 * Read host.json at path into st (a missing file is an empty state). 0, or
 * -1 with what is wrong (and what to do) in err and st empty.
 */
int host_state_load(const char *path, struct host_state *st, struct err *err);

/*
 * Whether host.json at path may record anything of 'name', without parsing
 * it: 0 when the file is missing, or when a name of letters, digits, '.',
 * '_' and '-' (which host_state_save() writes as they are) is nowhere in it
 * as a JSON string; else 1 (then load it to know). An 'up' asks this before
 * it loads a file that grows with every VM, to learn that it holds nothing.
 */
int host_state_may_name(const char *path, const char *name);

/*
 * Put st on disk at path: atomically (temp file, fsync, rename), and only
 * if it differs from what is there; a state holding nothing removes the
 * file. 0, or -1 with the reason in err.
 */
int host_state_save(const char *path, const struct host_state *st, struct err *err);

/* st as host.json holds it (a new reference). */
json_t *host_state_json(const struct host_state *st);

void host_state_release(struct host_state *st);

/* The holder called name, or NULL. */
struct host_state_holder *host_state_holder(struct host_state *st, const char *name);
/* A new holder called name (no CPUs, no pages), appended. */
struct host_state_holder *host_state_holder_add(struct host_state *st, const char *name);
/* Remove holder i, keeping the order of the others. */
void host_state_holder_del(struct host_state *st, size_t i);

/* The record of PCI function addr, or NULL. */
struct host_state_pci *host_state_pci(struct host_state *st, const char *addr);
/* Record addr's original driver (NULL: none) and driver_override, appended. */
void host_state_pci_add(struct host_state *st, const char *addr, const char *driver, const char *override);
/* Forget record i, keeping the order of the others. */
void host_state_pci_del(struct host_state *st, size_t i);

/* The grant of path, or NULL. */
struct host_state_grant *host_state_grant(struct host_state *st, const char *path);
/* A new grant record of path (no holders), appended; the caller fills it in. */
struct host_state_grant *host_state_grant_add(struct host_state *st, const char *path);
/* perms (4 read, 2 write, 1 search) as host.json and messages spell them: "rw-". */
void host_state_perms_text(unsigned p, char out[4]);
/* Forget grant i, keeping the order of the others. */
void host_state_grant_del(struct host_state *st, size_t i);

/* Forget the shield record (after the shield is undone). */
void host_state_shield_clear(struct host_state_shield *sh);

#endif
