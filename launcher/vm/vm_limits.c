/*
 * vm_limits.c - per-disk I/O limits of a running VM over QMP (see the header).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/vm/vm_limits.h"
#include "config/qos.h"
#include "config/vm_config.h"
#include "qmp/qmp.h"
#include "qmp/qmp_cmds.h"
#include "util/strvec.h"
#include "util/wrapper.h"
#include "util/banned.h"

const char *const vm_limit_names[LIM_NR] = { "iops_rd", "iops_wr", "iops_total", "bps_rd", "bps_wr", "bps_total" };
const char *const vm_limit_qemu[LIM_NR] = { "iops-read", "iops-write", "iops-total", "bps-read", "bps-write", "bps-total" };

static int read_group(struct vm_handle *h, const char *group, struct vm_disk_limits *l, struct err *err)
{
	char *path = xstrfmt("/objects/%s", group);
	json_t *ret = NULL;
	int r = qmp_execute(h->qmp, "qom-get", json_pack("{s:s,s:s}", "path", path, "property", "limits"), &ret,
			    &err->msg);

	free(path);
	if (r < 0)
		return -1;
	for (int i = 0; i < LIM_NR; i++)
		l->v[i] = json_integer_value(json_object_get(ret, vm_limit_qemu[i]));
	json_decref(ret);
	return 0;
}

static int by_disk(const void *a, const void *b)
{
	const struct vm_disk_limits *x = a, *y = b;

	return atoi(x->disk + 4) - atoi(y->disk + 4);
}

int vm_limits_get(struct vm_handle *h, struct vm_disk_limits **out, size_t *nr, struct err *err)
{
	struct strvec groups = STRVEC_INIT;
	int ret = -1;

	*out = NULL;
	*nr = 0;
	if (vm_handle_need_qmp(h, err) < 0 || qmp_qom_children(h->qmp, "/objects", "throttle-group", &groups, &err->msg) < 0)
		goto out;
	*out = xcalloc(groups.nr ? groups.nr : 1, sizeof(**out));
	for (size_t i = 0; i < groups.nr; i++) {
		struct vm_disk_limits *l = &(*out)[*nr];
		unsigned n;
		int end = 0;

		/* ours are "tg-diskN" */
		if (sscanf(groups.v[i], "tg-disk%u%n", &n, &end) != 1 || groups.v[i][end])
			continue;
		snprintf(l->disk, sizeof(l->disk), "disk%u", n);
		if (read_group(h, groups.v[i], l, err) < 0)
			goto out;
		(*nr)++;
	}
	qsort(*out, *nr, sizeof(**out), by_disk);	/* QEMU lists them newest first */
	ret = 0;
out:
	strvec_clear(&groups);
	if (ret < 0) {
		free(*out);
		*out = NULL;
		*nr = 0;
	}
	return ret;
}

int vm_limits_set(struct vm_handle *h, const char *disk, const struct vm_disk_limits *set, struct err *err)
{
	struct vm_disk_limits cur, want = *set;
	struct err none = ERR_INIT;
	unsigned n;
	int end = 0, ret = -1;
	json_t *limits, *r = NULL;
	char *path, *group;

	if ((sscanf(disk, "disk%u%n", &n, &end) != 1 || disk[end]) && (end = 0, sscanf(disk, "%u%n", &n, &end) != 1 || disk[end])) {
		strbuf_addf(&err->msg, "'%s' names no disk: give diskN (the N-th [[disk]] table, from 0) or N", disk);
		return -1;
	}
	if (vm_handle_need_qmp(h, err) < 0)
		return -1;
	/* the disk's own throttle group: there is one only if its config had a limit at start */
	group = xstrfmt("tg-disk%u", n);
	if (read_group(h, group, &cur, &none) < 0) {
		strbuf_addf(&err->msg, "disk%u of '%s' has no I/O limits to change", n, h->rt.name);
		err_hintf(err, "QEMU throttles a disk only if it has one at start: set e.g. iops_rd in its [[disk]] "
			  "table (0 here lifts it), then down and up");
		goto out;
	}
	/* a total and its read/write pair exclude each other (QEMU): giving one lifts the other */
	for (int k = 0; k < 2; k++) {
		int rd = k ? LIM_BPS_RD : LIM_IOPS_RD, wr = k ? LIM_BPS_WR : LIM_IOPS_WR;
		int tot = k ? LIM_BPS_TOTAL : LIM_IOPS_TOTAL;

		if (want.v[tot] > 0) {
			if (want.v[rd] < 0)
				want.v[rd] = 0;
			if (want.v[wr] < 0)
				want.v[wr] = 0;
		} else if ((want.v[rd] > 0 || want.v[wr] > 0) && want.v[tot] < 0) {
			want.v[tot] = 0;
		}
	}
	limits = json_object();
	for (int k = 0; k < LIM_NR; k++)
		json_object_set_new(limits, vm_limit_qemu[k], json_integer(want.v[k] >= 0 ? want.v[k] : cur.v[k]));
	path = xstrfmt("/objects/%s", group);
	if (qmp_execute(h->qmp, "qom-set", json_pack("{s:s,s:s,s:o}", "path", path, "property", "limits",
						      "value", limits), &r, &err->msg) == 0)
		ret = 0;
	json_decref(r);
	free(path);
out:
	free(group);
	err_release(&none);
	return ret;
}

/* The guard of [limits] for a live change: the VM's config says how much memory it needs. */
static int memory_guard(const struct vm_handle *h, const struct vm_cgroup_limits *set, struct err *err)
{
	static const char *const opt[] = { "--memory-max", "--memory-high" };
	const uint64_t v[] = { set->memory_max, set->memory_high };
	struct vm_config cfg;
	struct strbuf e = STRBUF_INIT;
	int ret = 0;

	if (!set->memory_max && !set->memory_high)
		return 0;
	vm_config_init(&cfg);
	if (!h->state.config || vm_config_load(h->state.config, &cfg, &e) < 0) {
		strbuf_addf(&err->msg, "cannot check a memory limit against the VM's config '%s': %s",
			    h->state.config ? h->state.config : "(not recorded)", e.buf);
		ret = -1;
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(opt) && !ret; i++) {
		if (!v[i] || v[i] >= qos_memory_floor(&cfg))
			continue;
		strbuf_addf(&err->msg, "%s: ", opt[i]);
		vm_config_memory_floor_why(&cfg, v[i], &err->msg);
		ret = -1;
	}
out:
	strbuf_release(&e);
	vm_config_release(&cfg);
	return ret;
}

int vm_limits_cgroup(struct vm_handle *h, const struct vm_cgroup_limits *set, struct vm_cgroup *cg,
		     struct vm_cgroup_limits *now, struct err *err)
{
	int changing = set && (set->cpu_weight || set->cpu_max_pct || set->memory_max || set->memory_high);

	memset(now, 0, sizeof(*now));
	if (runtime_cgroup_load(&h->rt, cg, err) < 0) {
		err_hintf(err, "a VM started by an mvlaunch without per-VM cgroups has none: down and up");
		return -1;
	}
	if (changing && (memory_guard(h, set, err) < 0 || vm_cgroup_set(cg, set, err) < 0))
		return -1;
	return vm_cgroup_read(cg, now, err);
}
