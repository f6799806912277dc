/*
 * vm_cgroup.c - a VM's own cgroup on cgroup v1, v2 and systemd (see vm_cgroup.h).
 *
 * DESIGN
 * Every value written is read back from the kernel's file and compared
 * (after the kernel's own rounding: memory to whole pages, v1 weights
 * through cpu.shares), so a limit that did not hold stops 'up' instead of
 * being believed. The directories are made here and removed here only:
 * rmdir, which the kernel refuses while a process is in the cgroup, so a
 * cgroup with a process in it is never taken away from under it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/qos.h"
#include "launcher/host/sysfs.h"
#include "launcher/host/vm_cgroup.h"
#include "util/size.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define CG_MOUNT "/sys/fs/cgroup"
#define CG_ROOT_DEFAULT "/machine.slice"
/* How long rmdir is retried while the kernel drains the cgroup's exiting processes. */
#define CG_DRAIN_MS 2000

static const char *const backend_names[] = { "none", "cgroup1", "cgroup2", "systemd" };
/* the v1 hierarchies a VM's cgroup spans (never cpuset: the shield's) */
static const char *const v1_controllers[] = { "cpu", "cpuacct", "memory", "blkio" };

const char *vm_cgroup_backend_name(int backend)
{
	return backend >= 0 && backend <= VM_CGROUP_SYSTEMD ? backend_names[backend] : "none";
}

static int root_ok(const char *r)
{
	return r[0] == '/' && r[1] && !strstr(r, "/..") && !strstr(r, "//") && r[strlen(r) - 1] != '/' &&
	       !strchr(r, '\n');
}

const char *vm_cgroup_root(void)
{
	const char *r = getenv("MVLAUNCH_CGROUP_ROOT");

	return r && *r ? r : CG_ROOT_DEFAULT;
}

void vm_cgroup_limits_from_config(struct vm_cgroup_limits *l, const struct vm_config *cfg)
{
	l->cpu_weight = cfg->cpu_weight;
	l->cpu_max_pct = cfg->cpu_max_pct;
	l->memory_max = cfg->memory_max;
	l->memory_high = cfg->memory_high;
}

/* The mount a v1 directory is in ("cpu,cpuacct" of CG_MOUNT/cpu,cpuacct/machine.slice/x); "" on v2. */
static char *mount_of(const struct vm_cgroup *cg, const char *dir)
{
	const char *p = dir + strlen(CG_MOUNT "/");

	if (cg->backend != VM_CGROUP_V1)
		return xstrdup("");
	return xstrndup(p, strcspn(p, "/"));
}

static int has_controller(const char *list, const char *c)
{
	size_t n = strlen(c);

	for (const char *p = list; *p;) {
		size_t len = strcspn(p, ", \n");

		if (len == n && !strncmp(p, c, n))
			return 1;
		p += len;
		p += strspn(p, ", \n");
	}
	return 0;
}

/* The directory holding controller c's files (v2: the one directory); NULL if the cgroup has none. */
static const char *dir_for(const struct vm_cgroup *cg, const char *c)
{
	for (size_t i = 0; i < cg->dirs.nr; i++) {
		char *m = mount_of(cg, cg->dirs.v[i]);
		int ok = cg->backend != VM_CGROUP_V1 || has_controller(m, c);

		free(m);
		if (ok)
			return cg->dirs.v[i];
	}
	return NULL;
}

static int listed(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

int vm_cgroup_plan(struct vm_cgroup *cg, const char *name, int realtime, const struct vm_cgroup_limits *want,
		   struct err *err)
{
	const char *root = vm_cgroup_root();
	struct strvec seen = STRVEC_INIT;

	cg->name = xstrdup(name);
	if (!root_ok(root)) {
		strbuf_addf(&err->msg, "MVLAUNCH_CGROUP_ROOT '%s' is not a cgroup path like /machine.slice", root);
		return -1;
	}
	if (sysfs_exists(CG_MOUNT "/cgroup.controllers")) {
		cg->backend = sysfs_exists("/run/systemd/system") ? VM_CGROUP_SYSTEMD : VM_CGROUP_V2;
		if (cg->backend == VM_CGROUP_SYSTEMD) {
			const char *slice = strrchr(root, '/') + 1;

			if (strlen(slice) < 7 || strcmp(slice + strlen(slice) - 6, ".slice")) {
				strbuf_addf(&err->msg, "on a systemd host the cgroup root must be a slice, like "
					    "/machine.slice: '%s' is not", root);
				return -1;
			}
			cg->unit = xstrfmt("mvlaunch-%s.scope", name);
			strvec_pushf(&cg->dirs, CG_MOUNT "%s/%s", root, cg->unit);
		} else {
			strvec_pushf(&cg->dirs, CG_MOUNT "%s/mvlaunch-%s", root, name);
		}
		return 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(v1_controllers); i++) {
		char *mnt = xstrfmt(CG_MOUNT "/%s", v1_controllers[i]), *tasks = xstrfmt("%s/tasks", mnt);
		char *real = sysfs_exists(tasks) ? sysfs_path(mnt) : NULL, *resolved = real ? realpath(real, NULL) : NULL;

		/* "cpu" and "cpuacct" are often links to one "cpu,cpuacct" mount: one directory there */
		if (resolved && !listed(&seen, resolved)) {
			const char *base = strrchr(resolved, '/') + 1;

			if (v1_controllers[i][0] == 'c' && realtime && has_controller(base, "cpu")) {
				cg->no_cpu = 1;
			} else {
				strvec_push(&seen, resolved);
				strvec_pushf(&cg->dirs, CG_MOUNT "/%s%s/mvlaunch-%s", base, root, name);
			}
		}
		free(resolved);
		free(real);
		free(tasks);
		free(mnt);
	}
	strvec_clear(&seen);
	if (!cg->dirs.nr && !cg->no_cpu) {
		strbuf_addstr(&err->msg, "cannot give the VM a cgroup: no cgroup file system at " CG_MOUNT
			      " (neither cgroup v2 nor a v1 cpu, memory or blkio hierarchy)");
		err_hintf(err, "mount cgroup2 on " CG_MOUNT " (or the v1 hierarchies)");
		return -1;
	}
	cg->backend = VM_CGROUP_V1;
	if (cg->no_cpu && (want->cpu_weight || want->cpu_max_pct)) {
		strbuf_addstr(&err->msg, "limits.cpu_weight and limits.cpu_max need QEMU in a cpu cgroup of its own, "
			      "but on cgroup v1 its real-time threads (fifo, rr) need the root cpu cgroup's RT time");
		err_hintf(err, "drop the CPU limits, or the real-time policies ([[sched]], pinning.realtime)");
		return -1;
	}
	return 0;
}

/* v2: turn on the cpu and memory controllers from the root down to the cgroup's parent. */
static int enable_controllers(struct err *err)
{
	const char *root = vm_cgroup_root();
	struct strbuf have = STRBUF_INIT, parent = STRBUF_INIT;
	int ret = 0;

	strbuf_addstr(&parent, CG_MOUNT);
	for (const char *p = root;; p = strchr(p + 1, '/')) {
		static const char *const want[] = { "cpu", "memory" };
		char *ctl = xstrfmt("%s/cgroup.subtree_control", parent.buf);
		char *avail = xstrfmt("%s/cgroup.controllers", parent.buf);
		struct strbuf a = STRBUF_INIT;

		strbuf_reset(&have);
		/* a fake tree without the file: nothing to enable */
		if (sysfs_read(ctl, &have, NULL) == 0 && sysfs_read(avail, &a, NULL) == 0) {
			for (size_t i = 0; i < ARRAY_SIZE(want) && !ret; i++) {
				char *w = xstrfmt("+%s", want[i]);

				if (has_controller(a.buf, want[i]) && !has_controller(have.buf, want[i]))
					ret = sysfs_write(ctl, w, &err->msg);
				free(w);
			}
		}
		strbuf_release(&a);
		free(ctl);
		free(avail);
		if (ret || !p)
			break;
		{
			size_t len = strcspn(p + 1, "/") + 1;

			strbuf_add(&parent, p, len);
		}
	}
	strbuf_release(&have);
	strbuf_release(&parent);
	return ret;
}

/* mkdir -p of dir's parents (the cgroup root stays: shared by every VM, as systemd's machine.slice) */
static int make_dir(const char *dir, struct err *err)
{
	char *p = xstrdup(dir);
	int ret = 0;

	for (char *s = p + strlen(CG_MOUNT) + 1; (s = strchr(s, '/')) && !ret; s++) {
		*s = '\0';
		if (!sysfs_exists(p))
			ret = sysfs_mkdir(p, &err->msg);
		*s = '/';
	}
	if (!ret)
		ret = sysfs_mkdir(p, &err->msg);
	free(p);
	return ret;
}

/* Write value to dir/file and read it back; 'expect' (NULL: value) is what the kernel must show. */
static int put(const char *dir, const char *file, const char *value, const char *expect, struct err *err)
{
	char *path = xstrfmt("%s/%s", dir, file);
	struct strbuf got = STRBUF_INIT;
	int ret = -1;

	if (sysfs_write(path, value, &err->msg) < 0 || sysfs_read(path, &got, &err->msg) < 0)
		goto out;
	if (strcmp(got.buf, expect ? expect : value)) {
		strbuf_addf(&err->msg, "the VM's cgroup did not take '%s': '%s' reads '%s' after it was written",
			    expect ? expect : value, path, got.buf);
		goto out;
	}
	ret = 0;
out:
	strbuf_release(&got);
	free(path);
	return ret;
}

/* The kernel keeps memory limits in whole pages. */
static uint64_t page_down(uint64_t bytes)
{
	long page = sysconf(_SC_PAGESIZE);

	return page > 0 ? bytes / (uint64_t)page * (uint64_t)page : bytes;
}

static int put_u64(const char *dir, const char *file, uint64_t v, struct err *err)
{
	char value[32], expect[32];

	snprintf(value, sizeof(value), "%llu", (unsigned long long)v);
	snprintf(expect, sizeof(expect), "%llu", (unsigned long long)page_down(v));
	return put(dir, file, value, expect, err);
}

static int set_files(const struct vm_cgroup *cg, const struct vm_cgroup_limits *w, struct err *err)
{
	const char *cpu = dir_for(cg, "cpu"), *mem = dir_for(cg, "memory");
	char num[32];
	int v1 = cg->backend == VM_CGROUP_V1;

	if ((w->cpu_weight || w->cpu_max_pct) && !cpu) {
		strbuf_addf(&err->msg, "the VM's cgroup has no cpu controller for limits.cpu_weight and limits.cpu_max");
		return -1;
	}
	if ((w->memory_max || w->memory_high) && !mem) {
		strbuf_addf(&err->msg, "the VM's cgroup has no memory controller for limits.memory_max and memory_high");
		return -1;
	}
	if (w->cpu_weight) {
		snprintf(num, sizeof(num), "%u", v1 ? qos_weight_to_shares(w->cpu_weight) : w->cpu_weight);
		if (put(cpu, v1 ? "cpu.shares" : "cpu.weight", num, NULL, err) < 0)
			return -1;
	}
	if (w->cpu_max_pct && v1) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)qos_cpu_quota_us(w->cpu_max_pct));
		if (put(cpu, "cpu.cfs_period_us", "100000", NULL, err) < 0 || put(cpu, "cpu.cfs_quota_us", num, NULL, err) < 0)
			return -1;
	} else if (w->cpu_max_pct) {
		struct strbuf sb = STRBUF_INIT;
		int r;

		qos_cpu_max_format(w->cpu_max_pct, &sb);
		r = put(cpu, "cpu.max", sb.buf, NULL, err);
		strbuf_release(&sb);
		if (r < 0)
			return -1;
	}
	if (w->memory_high && put_u64(mem, v1 ? "memory.soft_limit_in_bytes" : "memory.high", w->memory_high, err) < 0)
		return -1;
	if (w->memory_max && put_u64(mem, v1 ? "memory.limit_in_bytes" : "memory.max", w->memory_max, err) < 0)
		return -1;
	return 0;
}

int vm_cgroup_create(struct vm_cgroup *cg, const struct vm_cgroup_limits *want, struct err *err)
{
	if (cg->backend == VM_CGROUP_SYSTEMD)
		return 0;	/* the scope comes with the pid: vm_cgroup_systemd_start() */
	if (cg->backend == VM_CGROUP_V2 && enable_controllers(err) < 0)
		return -1;
	for (size_t i = 0; i < cg->dirs.nr; i++)
		if (make_dir(cg->dirs.v[i], err) < 0)
			return -1;
	return set_files(cg, want, err);
}

void vm_cgroup_procs(const struct vm_cgroup *cg, struct strvec *out)
{
	for (size_t i = 0; i < cg->dirs.nr; i++) {
		char *f = xstrfmt("%s/cgroup.procs", cg->dirs.v[i]);

		strvec_push_nodup(out, sysfs_path(f));
		free(f);
	}
}

int vm_cgroup_set(struct vm_cgroup *cg, const struct vm_cgroup_limits *want, struct err *err)
{
	if (cg->backend != VM_CGROUP_SYSTEMD)
		return set_files(cg, want, err);
	if (vm_cgroup_systemd_set(cg, want, &err->msg) < 0)
		return -1;
	return vm_cgroup_verify(cg, want, err);
}

int vm_cgroup_verify(const struct vm_cgroup *cg, const struct vm_cgroup_limits *want, struct err *err)
{
	struct vm_cgroup_limits got;
	int ret = -1;

	if (vm_cgroup_read(cg, &got, err) < 0)
		return -1;
	if (want->cpu_weight && got.cpu_weight != want->cpu_weight)
		strbuf_addf(&err->msg, "the VM's cgroup did not take cpu_weight %u: it reads %u", want->cpu_weight,
			    got.cpu_weight);
	else if (want->cpu_max_pct && got.cpu_max_pct != want->cpu_max_pct)
		strbuf_addf(&err->msg, "the VM's cgroup did not take cpu_max %u%%: it reads %u%%", want->cpu_max_pct,
			    got.cpu_max_pct);
	else if (want->memory_max && got.memory_max != page_down(want->memory_max))
		strbuf_addf(&err->msg, "the VM's cgroup did not take memory_max %llu: it reads %llu",
			    (unsigned long long)want->memory_max, (unsigned long long)got.memory_max);
	else if (want->memory_high && got.memory_high != page_down(want->memory_high))
		strbuf_addf(&err->msg, "the VM's cgroup did not take memory_high %llu: it reads %llu",
			    (unsigned long long)want->memory_high, (unsigned long long)got.memory_high);
	else
		ret = 0;
	return ret;
}

/* A number file, or "max" (0); 0 when the file is missing. */
static int get_u64(const char *dir, const char *file, uint64_t *v, struct err *err)
{
	char *path = xstrfmt("%s/%s", dir, file);
	struct strbuf sb = STRBUF_INIT;
	int ret = 0;

	*v = 0;
	if (sysfs_read(path, &sb, &err->msg) < 0)
		ret = -1;
	else if (strcmp(sb.buf, "max") && strcmp(sb.buf, "-1"))
		*v = strtoull(sb.buf, NULL, 10);
	strbuf_release(&sb);
	free(path);
	return ret;
}

int vm_cgroup_read(const struct vm_cgroup *cg, struct vm_cgroup_limits *out, struct err *err)
{
	const char *cpu = dir_for(cg, "cpu"), *mem = dir_for(cg, "memory");
	int v1 = cg->backend == VM_CGROUP_V1;
	uint64_t a = 0, b = 0;

	memset(out, 0, sizeof(*out));
	if (cpu && v1) {
		if (get_u64(cpu, "cpu.shares", &a, err) < 0)
			return -1;
		out->cpu_weight = qos_shares_to_weight(a);
		if (get_u64(cpu, "cpu.cfs_quota_us", &a, err) < 0 || get_u64(cpu, "cpu.cfs_period_us", &b, err) < 0)
			return -1;
		out->cpu_max_pct = qos_cpu_max_pct((long long)a, (long long)b);
	} else if (cpu) {
		char *path = xstrfmt("%s/cpu.max", cpu);
		struct strbuf sb = STRBUF_INIT;
		long long q = -1, p = 0;
		int r = sysfs_read(path, &sb, &err->msg);

		free(path);
		if (r == 0 && sscanf(sb.buf, "%lld %lld", &q, &p) != 2)
			q = -1;	/* "max 100000" */
		strbuf_release(&sb);
		if (r < 0 || get_u64(cpu, "cpu.weight", &a, err) < 0)
			return -1;
		out->cpu_weight = (unsigned)a;
		out->cpu_max_pct = qos_cpu_max_pct(q, p);
	}
	if (mem) {
		if (get_u64(mem, v1 ? "memory.limit_in_bytes" : "memory.max", &a, err) < 0 ||
		    get_u64(mem, v1 ? "memory.soft_limit_in_bytes" : "memory.high", &b, err) < 0)
			return -1;
		/* v1's "no limit" is the largest page count: PAGE_COUNTER_MAX pages */
		out->memory_max = a >= (UINT64_C(1) << 62) ? 0 : a;
		out->memory_high = b >= (UINT64_C(1) << 62) ? 0 : b;
	}
	return 0;
}

int vm_cgroup_remove(struct vm_cgroup *cg, struct err *err)
{
	int ret = 0;

	if (cg->backend == VM_CGROUP_SYSTEMD) {
		/* systemd's own directory: it removes it once the scope stops */
		if (cg->dirs.nr && vm_cgroup_systemd_stop(cg, &err->msg) < 0)
			return -1;
		for (int waited = 0; cg->dirs.nr && sysfs_exists(cg->dirs.v[0]); waited += 20) {
			if (waited >= CG_DRAIN_MS) {
				strbuf_addf(&err->msg, "systemd did not remove %s ('%s')", cg->unit, cg->dirs.v[0]);
				return -1;
			}
			usleep(20000);
		}
		return 0;
	}
	for (size_t n = cg->dirs.nr; n-- > 0;) {
		const char *dir = cg->dirs.v[n];
		struct err e = ERR_INIT;

		for (int waited = 0;; waited += 20) {
			err_reset(&e);
			if (!sysfs_exists(dir) || sysfs_rmdir(dir, &e.msg) == 0)
				break;
			if (waited >= CG_DRAIN_MS) {
				char *procs = xstrfmt("%s/cgroup.procs", dir);
				struct strbuf left = STRBUF_INIT;

				sysfs_read(procs, &left, NULL);
				for (char *p = left.buf; (p = strchr(p, '\n'));)
					*p = ' ';
				strbuf_addf(&err->msg, "%s%s", err->msg.len ? "\n" : "", e.msg.buf);
				if (left.len)
					strbuf_addf(&err->msg, " (processes still in it: %s)", left.buf);
				err_hintf(err, "stop them, then 'mvlaunch down %s' again", cg->name ? cg->name : "NAME");
				strbuf_release(&left);
				free(procs);
				ret = -1;
				break;
			}
			usleep(20000);
		}
		err_release(&e);
	}
	return ret;
}

char *vm_cgroup_path(const struct vm_cgroup *cg)
{
	const char *d;

	if (!cg->dirs.nr)
		return xstrdup("");
	d = cg->dirs.v[0] + strlen(CG_MOUNT);
	if (cg->backend == VM_CGROUP_V1)
		d = strchr(d + 1, '/');
	return xstrdup(d ? d : "");
}

int vm_cgroup_has_pid(const struct vm_cgroup *cg, pid_t pid)
{
	char *file = xstrfmt("/proc/%d/cgroup", (int)pid);
	struct strbuf sb = STRBUF_INIT;
	char *rel = vm_cgroup_path(cg);
	int in = 0, want = 0;

	if (sysfs_read(file, &sb, NULL) == 0) {
		for (size_t i = 0; i < cg->dirs.nr; i++) {
			char *m = mount_of(cg, cg->dirs.v[i]), *line = xstrfmt(":%s:%s\n", m, rel);
			struct strbuf all = STRBUF_INIT;

			strbuf_addf(&all, "\n%s\n", sb.buf);
			/* "N:cpu:/machine.slice/mvlaunch-x" (v1), "0::/machine.slice/mvlaunch-x" (v2) */
			for (char *p = all.buf; (p = strstr(p, line)); p++)
				if (p > all.buf && strchr("0123456789", p[-1])) {
					in++;
					break;
				}
			want++;
			strbuf_release(&all);
			free(line);
			free(m);
		}
	}
	strbuf_release(&sb);
	free(rel);
	free(file);
	return want && in == want;
}

json_t *vm_cgroup_to_json(const struct vm_cgroup *cg)
{
	json_t *o = json_pack("{s:s,s:s}", "backend", vm_cgroup_backend_name(cg->backend), "name", cg->name ? cg->name : "");
	json_t *dirs = json_array();

	if (cg->unit)
		json_object_set_new(o, "unit", json_string(cg->unit));
	for (size_t i = 0; i < cg->dirs.nr; i++)
		json_array_append_new(dirs, json_string(cg->dirs.v[i]));
	json_object_set_new(o, "dirs", dirs);
	return o;
}

int vm_cgroup_from_json(struct vm_cgroup *cg, const json_t *o, struct err *err)
{
	const char *b = json_string_value(json_object_get(o, "backend"));
	const char *name = json_string_value(json_object_get(o, "name"));
	const char *unit = json_string_value(json_object_get(o, "unit"));
	const json_t *dirs = json_object_get(o, "dirs"), *d;
	size_t i;

	cg->backend = VM_CGROUP_NONE;
	for (int k = VM_CGROUP_V1; b && k <= VM_CGROUP_SYSTEMD; k++)
		if (!strcmp(b, backend_names[k]))
			cg->backend = k;
	if (cg->backend == VM_CGROUP_NONE || !name || !*name || !json_is_array(dirs))
		goto bad;
	cg->name = xstrdup(name);
	if (unit) {
		char *want = xstrfmt("mvlaunch-%s.scope", name);
		int ok = !strcmp(unit, want);

		free(want);
		if (!ok)
			goto bad;
		cg->unit = xstrdup(unit);
	}
	json_array_foreach(dirs, i, d) {
		const char *s = json_string_value(d), *last;
		char *tail = xstrfmt("/mvlaunch-%s%s", name, unit ? ".scope" : "");

		/* only a VM cgroup mvlaunch makes: CG_MOUNT/.../mvlaunch-NAME */
		last = s ? strrchr(s, '/') : NULL;
		if (!s || strncmp(s, CG_MOUNT "/", strlen(CG_MOUNT "/")) || !root_ok(s) || strcmp(last, tail)) {
			free(tail);
			goto bad;
		}
		free(tail);
		strvec_push(&cg->dirs, s);
	}
	return 0;
bad:
	strbuf_addstr(&err->msg, "the cgroup record names no cgroup mvlaunch makes");
	return -1;
}

json_t *vm_cgroup_json(const struct vm_cgroup *cg, const struct vm_cgroup_limits *l)
{
	char *path = vm_cgroup_path(cg);
	json_t *o = json_pack("{s:s,s:s}", "path", path, "backend", vm_cgroup_backend_name(cg->backend));
	char pct[16];

	snprintf(pct, sizeof(pct), "%u%%", l->cpu_max_pct);
	json_object_set_new(o, "cpu_weight", l->cpu_weight ? json_integer(l->cpu_weight) : json_null());
	json_object_set_new(o, "cpu_max", l->cpu_max_pct ? json_string(pct) : json_null());
	json_object_set_new(o, "memory_max", l->memory_max ? json_integer((json_int_t)l->memory_max) : json_null());
	json_object_set_new(o, "memory_high", l->memory_high ? json_integer((json_int_t)l->memory_high) : json_null());
	free(path);
	return o;
}

void vm_cgroup_describe(const struct vm_cgroup *cg, const struct vm_cgroup_limits *l, struct strbuf *sb)
{
	char *path = vm_cgroup_path(cg);

	strbuf_addf(sb, "cgroup %s (%s): cpu_weight ", path, vm_cgroup_backend_name(cg->backend));
	if (l->cpu_weight)
		strbuf_addf(sb, "%u", l->cpu_weight);
	else
		strbuf_addstr(sb, "-");
	strbuf_addstr(sb, ", cpu_max ");
	if (l->cpu_max_pct)
		strbuf_addf(sb, "%u%%", l->cpu_max_pct);
	else
		strbuf_addstr(sb, "none");
	strbuf_addstr(sb, ", memory_max ");
	if (l->memory_max)
		size_format(l->memory_max, sb);
	else
		strbuf_addstr(sb, "none");
	strbuf_addstr(sb, ", memory_high ");
	if (l->memory_high)
		size_format(l->memory_high, sb);
	else
		strbuf_addstr(sb, "none");
	free(path);
}

void vm_cgroup_release(struct vm_cgroup *cg)
{
	free(cg->name);
	free(cg->unit);
	strvec_clear(&cg->dirs);
	cg->name = cg->unit = NULL;
	cg->backend = VM_CGROUP_NONE;
	cg->no_cpu = cg->started = cg->registered = 0;
}
