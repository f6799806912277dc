/*
 * shield.c - CPU shielding with cpuset cgroups or systemd (see shield.h).
 *
 * DESIGN
 * shield_sync() works like the knobs in host_prep.c: it is idempotent,
 * makes the host match what is wanted and records each original value the
 * first time it changes it, so the same call creates, narrows, widens and
 * (with no VM CPUs) undoes the shield. Moving tasks sweeps the root cgroup
 * every time, so tasks that appeared there since (new kernel threads, a
 * process started by a QEMU that left) follow too.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/host/shield.h"
#include "launcher/host/sysfs.h"
#include "launcher/host/vm_cgroup.h"
#include "util/err.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define V1_ROOT "/sys/fs/cgroup/cpuset"
#define V2_ROOT "/sys/fs/cgroup"
#define SHIELD_NAME "mvlaunch.host"

static const char *const systemd_units[] = { "system.slice", "user.slice", "init.scope" };

static int has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = list; (p = strstr(p, word)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' ' || p[n] == '\n'))
			return 1;
	return 0;
}

/* A kernel CPU list; "" is the empty set here (v2 and systemd use it). */
static int parse_cpus(struct cpuset *set, const char *text, struct err *err)
{
	cpuset_zero(set);
	return *text ? cpuset_parse(set, text, &err->msg) : 0;
}

static enum host_state_backend detect(struct strbuf *why)
{
	struct strbuf v = STRBUF_INIT;
	enum host_state_backend b = SHIELD_NONE;

	if (sysfs_exists(V1_ROOT "/cpuset.cpus"))
		b = SHIELD_CGROUP1;
	else if (sysfs_read(V2_ROOT "/cgroup.controllers", &v, NULL) < 0)
		strbuf_addstr(why, "no cpuset cgroup here: neither " V1_ROOT "/cpuset.cpus (cgroup v1) nor "
			      V2_ROOT "/cgroup.controllers (cgroup v2) exists");
	else if (!has_word(v.buf, "cpuset"))
		strbuf_addf(why, "the cgroup v2 hierarchy offers no cpuset controller (it has: %s)", v.buf);
	else
		b = sysfs_exists("/run/systemd/system") ? SHIELD_SYSTEMD : SHIELD_CGROUP2;
	strbuf_release(&v);
	return b;
}

static const char *cgroup_root(enum host_state_backend b)
{
	return b == SHIELD_CGROUP1 ? V1_ROOT : V2_ROOT;
}

/* Write value to path (listing "path: old -> new"), unless it is so already. */
static int put(struct shield_io *io, const char *path, const char *value, struct err *err)
{
	struct strbuf cur = STRBUF_INIT;
	int have = sysfs_read(path, &cur, NULL) == 0, ret = 0;

	if (have && !strcmp(cur.buf, value))
		goto out;
	strvec_pushf(io->changes, "%s: %s -> %s", path, !have ? "(none)" : cur.len ? cur.buf : "(empty)",
		     *value ? value : "(empty)");
	/* an empty cpuset.cpus (cgroup v2: use the parent's) is written as a bare newline */
	if (!io->dry_run && sysfs_write(path, *value ? value : "\n", &err->msg) < 0)
		ret = -1;
out:
	strbuf_release(&cur);
	return ret;
}

/* Put the records made so far on disk before the host changes (write-ahead). */
static int commit(struct shield_io *io, struct err *err)
{
	return io->dry_run || !io->commit ? 0 : io->commit(io->commit_data, err);
}

/* ---- tasks ---- */

static int is_kernel_thread(long pid)
{
	struct strbuf v = STRBUF_INIT;
	char *path = xstrfmt("/proc/%ld/stat", pid), *p;
	long ppid = -1;

	if (sysfs_read(path, &v, NULL) == 0 && (p = strrchr(v.buf, ')')))
		sscanf(p + 1, " %*c %ld", &ppid);
	free(path);
	strbuf_release(&v);
	return pid == 2 || ppid == 2;	/* kthreadd and its children */
}

static char *task_name(long pid)
{
	struct strbuf v = STRBUF_INIT;
	char *path = xstrfmt("/proc/%ld/comm", pid), *name;

	sysfs_read(path, &v, NULL);
	name = xstrfmt("%s[%ld]", v.len ? v.buf : "?", pid);
	free(path);
	strbuf_release(&v);
	return name;
}

/* Whether task pid may run on a CPU of vm (its Cpus_allowed_list). */
static int may_run_on(long pid, const struct cpuset *vm)
{
	struct strbuf v = STRBUF_INIT;
	struct err e = ERR_INIT;
	char *path = xstrfmt("/proc/%ld/status", pid), *p;
	struct cpuset allowed;
	int r = 1;

	if (sysfs_read(path, &v, NULL) == 0 && (p = strstr(v.buf, "Cpus_allowed_list:"))) {
		p += strlen("Cpus_allowed_list:");
		p += strspn(p, " \t");
		p[strcspn(p, "\n")] = '\0';
		if (cpuset_parse(&allowed, p, &e.msg) == 0)
			r = cpuset_intersects(&allowed, vm);
	}
	free(path);
	strbuf_release(&v);
	err_release(&e);
	return r;
}

static int kept(const struct shield_io *io, long pid)
{
	for (size_t i = 0; i < io->nr_keep; i++)
		if ((long)io->keep[i] == pid)
			return 1;
	return 0;
}

/*
 * Move every process of cgroup 'from' but the kept ones into 'to'. With vm
 * (shielding), a task that cannot move and may run on those CPUs is reported.
 */
static void move_tasks(struct shield_io *io, const char *from, const char *to, const struct cpuset *vm)
{
	char *src = xstrfmt("%s/cgroup.procs", from), *dst = xstrfmt("%s/cgroup.procs", to);
	struct strbuf list = STRBUF_INIT;
	struct strvec stuck = STRVEC_INIT;
	size_t moved = 0, kthreads = 0;
	char *end;

	sysfs_read(src, &list, NULL);
	for (char *p = list.buf; *p; p = end) {
		long pid = strtol(p, &end, 10);
		char num[24];

		if (end == p)
			break;
		if (pid <= 0 || kept(io, pid))
			continue;
		snprintf(num, sizeof(num), "%ld", pid);
		if (io->dry_run || sysfs_write(dst, num, NULL) == 0) {
			moved++;
		} else {
			char *proc = xstrfmt("/proc/%ld", pid);

			if (!sysfs_exists(proc) || !vm || !may_run_on(pid, vm))
				;	/* it exited meanwhile, or it stays off the VM CPUs anyway */
			else if (is_kernel_thread(pid))
				kthreads++;
			else
				strvec_push_nodup(&stuck, task_name(pid));
			free(proc);
		}
	}
	if (moved)
		strvec_pushf(io->changes, "move %zu task%s from %s to %s", moved, moved == 1 ? "" : "s", from, to);
	if (kthreads)
		strvec_pushf(io->notes, "shield: %zu kernel thread%s could not leave the VM CPUs (per-CPU threads of "
			     "those CPUs and kthreadd cannot move)", kthreads, kthreads == 1 ? "" : "s");
	for (size_t i = 0; i < stuck.nr; i++)
		strvec_pushf(io->notes, "shield: could not move %s out of the VM CPUs", stuck.v[i]);
	strvec_clear(&stuck);
	strbuf_release(&list);
	free(src);
	free(dst);
}

/* ---- other cpusets ---- */

/*
 * Child cgroups of dir (all descendants when 'deep'), children before
 * parents. On v2 (not deep) the VMs' own cgroups (vm_cgroup.h: the top of
 * its root, machine.slice) are left out: VMs are not fenced off their CPUs.
 */
static void child_cgroups(const char *dir, int deep, struct strvec *out)
{
	char *p = sysfs_path(dir);
	DIR *d = opendir(p);
	struct dirent *de;
	const char *vms = vm_cgroup_root() + 1;
	size_t vms_len = strcspn(vms, "/");

	while (d && (de = readdir(d))) {
		char *child;

		if (de->d_type != DT_DIR || de->d_name[0] == '.' || !strcmp(de->d_name, SHIELD_NAME) ||
		    (!deep && strlen(de->d_name) == vms_len && !strncmp(de->d_name, vms, vms_len)))
			continue;
		child = xstrfmt("%s/%s", dir, de->d_name);
		if (deep)
			child_cgroups(child, deep, out);
		strvec_push_nodup(out, child);
	}
	if (d)
		closedir(d);
	free(p);
}

/*
 * Every other cpuset keeps its CPUs minus the VMs' (from its recorded
 * original). Cgroup v1 wants a child inside its parent, so growing goes
 * parents first and shrinking children first; v2 needs only the top level.
 */
static int fence_others(struct host_state_shield *sh, enum host_state_backend b, const struct cpuset *vm, const struct cpuset *all,
			struct shield_io *io, struct err *err)
{
	struct host_state_values *others = &sh->others;
	struct strvec dirs = STRVEC_INIT;
	struct strvec want = STRVEC_INIT;
	int *grow, ret = 0;

	sh->has_others = 1;
	child_cgroups(cgroup_root(b), b == SHIELD_CGROUP1, &dirs);
	grow = xcalloc(dirs.nr + 1, sizeof(*grow));
	for (size_t i = 0; i < dirs.nr; i++) {
		char *file = xstrfmt("%s/cpuset.cpus", dirs.v[i]);
		struct strbuf cur = STRBUF_INIT, v = STRBUF_INIT;
		struct err e = ERR_INIT;
		const char *rec = host_state_value_get(others, file);
		const char *orig;
		struct cpuset o, n, c;

		strvec_push(&want, "");
		if (sysfs_read(file, &cur, &e.msg) < 0)
			goto next;	/* no cpuset in this group (v2: controller not enabled there) */
		orig = rec ? rec : cur.buf;
		if (parse_cpus(&o, orig, &e) < 0 || parse_cpus(&c, cur.buf, &e) < 0)
			goto next;
		if (!*orig)
			o = *all;	/* v2: empty means the parent's */
		if (!rec && !cpuset_intersects(&o, vm))
			goto next;
		n = o;
		cpuset_andnot(&n, vm);
		if (cpuset_empty(&n)) {
			strvec_pushf(io->notes, "shield: cgroup %s runs only on VM CPUs (%s); left as it is", dirs.v[i], orig);
			goto next;
		}
		if (!rec)
			host_state_value_set(others, file, orig);
		cpuset_format(&n, &v);
		free(want.v[i]);
		want.v[i] = strbuf_detach(&v);
		grow[i] = !cpuset_empty(&c) && (cpuset_andnot(&n, &c), !cpuset_empty(&n));
next:
		free(file);
		strbuf_release(&cur);
		err_release(&e);
		strbuf_release(&v);
	}
	if (commit(io, err) < 0)	/* every original recorded above, on disk */
		ret = -1;
	for (size_t i = dirs.nr; ret == 0 && i-- > 0;)
		if (*want.v[i] && grow[i]) {
			char *file = xstrfmt("%s/cpuset.cpus", dirs.v[i]);

			ret |= put(io, file, want.v[i], err);
			free(file);
		}
	for (size_t i = 0; ret == 0 && i < dirs.nr; i++)
		if (*want.v[i] && !grow[i]) {
			char *file = xstrfmt("%s/cpuset.cpus", dirs.v[i]);

			ret |= put(io, file, want.v[i], err);
			free(file);
		}
	free(grow);
	strvec_clear(&want);
	strvec_clear(&dirs);
	return ret;
}

/* Give every recorded cpuset its original CPUs back, parents first. */
static int unfence_others(const struct host_state_shield *sh, struct shield_io *io, struct err *err)
{
	const struct host_state_values *others = &sh->others;
	int ret = 0;

	for (size_t n = others->nr; n-- > 0;) {
		const char *file = others->v[n].key;
		char *dir = xstrndup(file, strlen(file) - strlen("/cpuset.cpus"));

		if (sysfs_exists(dir))	/* a cgroup removed meanwhile needs nothing */
			ret |= put(io, file, others->v[n].value, err);
		free(dir);
	}
	return ret;
}

/* ---- cgroup files (v1 and v2 without systemd) ---- */

static int cgroup_apply(struct host_state_shield *sh, enum host_state_backend b, const struct cpuset *host, const struct cpuset *vm,
			const struct cpuset *all, struct shield_io *io, struct err *err)
{
	const char *root = cgroup_root(b);
	char *dir = xstrfmt("%s/" SHIELD_NAME, root), *file = NULL;
	struct strbuf v = STRBUF_INIT;
	int ret = -1;

	if (!sh->cgroup) {
		if (b == SHIELD_CGROUP2) {
			file = xstrfmt("%s/cgroup.subtree_control", root);
			if (sysfs_read(file, &v, &err->msg) < 0)
				goto out;
			if (!has_word(v.buf, "cpuset")) {
				strvec_pushf(io->changes, "%s: +cpuset", file);
				/* recorded first: undone by '-cpuset' even if we die right after */
				sh->enabled_controller = 1;
				if (commit(io, err) < 0 || (!io->dry_run && sysfs_write(file, "+cpuset", &err->msg) < 0))
					goto out;
			}
		}
		strvec_pushf(io->changes, "mkdir %s", dir);
		sh->cgroup = xstrdup(dir);
		if (commit(io, err) < 0 || (!io->dry_run && sysfs_mkdir(dir, &err->msg) < 0))
			goto out;
		if (b == SHIELD_CGROUP1) {
			/* a v1 cpuset takes no task before it has memory nodes */
			char *mems = xstrfmt("%s/cpuset.mems", root), *to = xstrfmt("%s/cpuset.mems", dir);
			int r = sysfs_read(mems, &v, &err->msg) < 0 ? -1 : put(io, to, v.buf, err);

			free(mems);
			free(to);
			if (r < 0)
				goto out;
		}
	}
	free(file);
	file = xstrfmt("%s/cpuset.cpus", dir);
	strbuf_reset(&v);
	cpuset_format(host, &v);
	if (put(io, file, v.buf, err) < 0 || fence_others(sh, b, vm, all, io, err) < 0)
		goto out;
	move_tasks(io, root, dir, vm);
	ret = 0;
out:
	strbuf_release(&v);
	free(file);
	free(dir);
	return ret;
}

/* How often the shield is emptied again when tasks keep forking into it (1 ms apart). */
#define SHIELD_EMPTY_ROUNDS 200

static int cgroup_remove(const struct host_state_shield *sh, enum host_state_backend b, struct shield_io *io, struct err *err)
{
	const char *root = cgroup_root(b), *dir = sh->cgroup;
	int ret = 0;

	if (dir && sysfs_exists(dir)) {
		struct err e = ERR_INIT;

		/*
		 * Tasks in the shield fork while they are moved out (a build, a
		 * test run): a child lands in it after its list was read, and
		 * rmdir says EBUSY. Move again until it is empty, boundedly.
		 */
		for (int round = 0;; round++) {
			move_tasks(io, dir, root, NULL);
			if (io->dry_run)
				break;
			err_reset(&e);
			if (sysfs_rmdir(dir, &e.msg) == 0)
				break;
			if (round == SHIELD_EMPTY_ROUNDS) {
				strbuf_addstr(&err->msg, e.msg.buf);
				err_hintf(err, "a task may still be in it: move it to the parent's cgroup.procs, "
					  "then run 'mvlaunch host release'");
				ret = -1;
				break;
			}
			usleep(1000);
		}
		strvec_pushf(io->changes, "rmdir %s", dir);
		err_release(&e);
	}
	if (unfence_others(sh, io, err) < 0)
		ret = -1;
	if (sh->enabled_controller) {
		char *file = xstrfmt("%s/cgroup.subtree_control", root);
		struct err e = ERR_INIT;

		strvec_pushf(io->changes, "%s: -cpuset", file);
		/* another user of the controller keeps it on: not an error */
		if (!io->dry_run && sysfs_write(file, "-cpuset", &e.msg) < 0)
			strvec_pushf(io->notes, "shield: left the cpuset controller on: %s", e.msg.buf);
		err_release(&e);
		free(file);
	}
	return ret;
}

/* ---- systemd ---- */

static int systemd_apply(struct host_state_shield *sh, const struct cpuset *vm, const struct cpuset *all, int first,
			 struct shield_io *io, struct err *err)
{
	struct host_state_values *units = &sh->units;

	sh->has_units = 1;
	for (size_t i = 0; i < sizeof(systemd_units) / sizeof(systemd_units[0]); i++) {
		const char *unit = systemd_units[i];
		const char *rec = host_state_value_get(units, unit);
		struct cpuset cur, n;
		struct strbuf o = STRBUF_INIT, w = STRBUF_INIT;

		if (shield_systemd_get(unit, &cur, &err->msg) < 0)
			return -1;
		cpuset_format(&cur, &o);
		if (rec && parse_cpus(&n, rec, err) < 0)
			return -1;
		if (!rec) {
			host_state_value_set(units, unit, o.buf);
			n = cur;
			if (commit(io, err) < 0) {
				strbuf_release(&o);
				strbuf_release(&w);
				return -1;
			}
		}
		if (cpuset_empty(&n))
			n = *all;	/* no AllowedCPUs: every CPU */
		cpuset_andnot(&n, vm);
		cpuset_format(&n, &w);
		if (strcmp(o.buf, w.buf)) {
			strvec_pushf(io->changes, "systemd %s AllowedCPUs: %s -> %s", unit, o.len ? o.buf : "(all)", w.buf);
			if (!io->dry_run && shield_systemd_set(unit, &n, &err->msg) < 0) {
				strbuf_release(&o);
				strbuf_release(&w);
				return -1;
			}
		}
		strbuf_release(&o);
		strbuf_release(&w);
	}
	if (first)
		strvec_push(io->notes, "shield: with systemd, kernel threads stay in the root cgroup; the unbound "
			    "workqueue cpumask keeps workqueue workers off the VM CPUs");
	return 0;
}

static int systemd_remove(const struct host_state_shield *sh, struct shield_io *io, struct err *err)
{
	int ret = 0;

	for (size_t i = 0; i < sh->units.nr; i++) {
		const char *unit = sh->units.v[i].key, *v = sh->units.v[i].value;
		struct cpuset orig;

		if (parse_cpus(&orig, v, err) < 0) {
			ret = -1;
			continue;
		}
		strvec_pushf(io->changes, "systemd %s AllowedCPUs: -> %s", unit, *v ? v : "(all)");
		if (!io->dry_run && shield_systemd_set(unit, &orig, &err->msg) < 0)
			ret = -1;
	}
	return ret;
}

/* ---- the whole ---- */

int shield_sync(struct host_state_shield *sh, const struct cpuset *vm_cpus, const struct cpuset *all,
		struct shield_io *io, struct err *err)
{
	struct cpuset host = *all;
	struct strbuf why = STRBUF_INIT;
	enum host_state_backend b;
	int want = vm_cpus && !cpuset_empty(vm_cpus), first = 0, ret;

	if (want) {
		cpuset_andnot(&host, vm_cpus);
		if (cpuset_empty(&host)) {
			strvec_push(io->notes, "shield: not applied: VMs own every CPU, none would be left for the host");
			want = 0;
		}
	}
	if (!want) {
		if (sh->backend == SHIELD_NONE)
			return 0;
		b = sh->backend;
		ret = b == SHIELD_SYSTEMD ? systemd_remove(sh, io, err) : cgroup_remove(sh, b, io, err);
		if (ret == 0 && !io->dry_run)
			host_state_shield_clear(sh);
		return ret;
	}
	if (sh->backend != SHIELD_NONE) {
		b = sh->backend;
	} else {
		b = detect(&why);
		if (b == SHIELD_NONE) {
			strbuf_addf(&err->msg, "cannot shield the VM CPUs: %s", why.buf);
			err_hintf(err, "mount the cpuset controller, or set shield.enable = false in host.toml");
			strbuf_release(&why);
			return -1;
		}
		sh->backend = b;
		first = 1;
	}
	if (b == SHIELD_NONE) {
		strbuf_addstr(&err->msg, "host state file: the shield record names no known backend");
		return -1;
	}
	strbuf_release(&why);
	return b == SHIELD_SYSTEMD ? systemd_apply(sh, vm_cpus, all, first, io, err)
			      : cgroup_apply(sh, b, &host, vm_cpus, all, io, err);
}

char *shield_vm_procs(const struct host_state_shield *sh)
{
	if (sh->backend == SHIELD_NONE)
		return NULL;
	return sysfs_path(sh->backend == SHIELD_CGROUP1 ? V1_ROOT "/cgroup.procs" : V2_ROOT "/cgroup.procs");
}

int shield_record_check(const struct host_state_shield *sh, struct strbuf *why)
{
	enum host_state_backend b = sh->backend;

	if (b == SHIELD_NONE) {
		strbuf_addstr(why, "the shield names no known backend");
		return -1;
	}
	if (sh->cgroup) {
		char *only = xstrfmt("%s/" SHIELD_NAME, cgroup_root(b));
		int ok = !strcmp(sh->cgroup, only);

		free(only);
		if (!ok) {
			strbuf_addstr(why, "the shield cgroup is not mvlaunch's own");
			return -1;
		}
	}
	for (size_t i = 0; i < sh->others.nr; i++) {
		const char *key = sh->others.v[i].key;
		size_t n = strlen(key), root = strlen(cgroup_root(b));

		if (strncmp(key, cgroup_root(b), root) || key[root] != '/' || strstr(key, "/..") ||
		    strstr(key, "//") || n < root + 13 || strcmp(key + n - 12, "/cpuset.cpus")) {
			strbuf_addf(why, "the shield would write '%s'", key);
			return -1;
		}
	}
	for (size_t i = 0; i < sh->units.nr; i++) {
		int known = 0;

		for (size_t u = 0; u < ARRAY_SIZE(systemd_units); u++)
			known |= !strcmp(sh->units.v[i].key, systemd_units[u]);
		if (!known) {
			strbuf_addf(why, "the shield would change systemd unit '%s'", sh->units.v[i].key);
			return -1;
		}
	}
	return 0;
}
