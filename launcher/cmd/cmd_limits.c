/*
 * cmd_limits.c - 'mvlaunch limits': show a running VM's per-disk I/O limits,
 * or change one disk's live (launcher/vm/vm_limits.c does the QMP).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/qos.h"
#include "config/vm_config.h"
#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/vm_limits.h"
#include "util/err.h"
#include "util/size.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

static void print_text(const struct vm_disk_limits *l, size_t nr, const struct vm_cgroup *cg,
		       const struct vm_cgroup_limits *now)
{
	struct strbuf sb = STRBUF_INIT;

	if (!nr)
		printf("no disk has I/O limits (iops_* and bps_* in a [[disk]] table)\n");
	for (size_t i = 0; i < nr; i++) {
		strbuf_reset(&sb);
		for (int k = 0; k < LIM_NR; k++) {
			if (!l[i].v[k])
				continue;
			strbuf_addf(&sb, "%s%s ", sb.len ? ", " : "", vm_limit_names[k]);
			if (k >= LIM_BPS_RD) {
				size_format((uint64_t)l[i].v[k], &sb);
				strbuf_addstr(&sb, "/s");
			} else {
				strbuf_addf(&sb, "%lld", (long long)l[i].v[k]);
			}
		}
		printf("%s: %s\n", l[i].disk, sb.len ? sb.buf : "no limit");
	}
	if (cg) {
		/* after the disks: the lines their tests and scripts count stay where they were */
		strbuf_reset(&sb);
		vm_cgroup_describe(cg, now, &sb);
		printf("%s\n", sb.buf);
	}
	strbuf_release(&sb);
}

static void print_json(const struct vm_disk_limits *l, size_t nr, const struct vm_cgroup *cg,
		       const struct vm_cgroup_limits *now)
{
	json_t *o = json_object(), *disks = json_array();
	char *s;

	for (size_t i = 0; i < nr; i++) {
		json_t *d = json_pack("{s:s}", "disk", l[i].disk);

		for (int k = 0; k < LIM_NR; k++)
			json_object_set_new(d, vm_limit_names[k], json_integer(l[i].v[k]));
		json_array_append_new(disks, d);
	}
	json_object_set_new(o, "disks", disks);
	json_object_set_new(o, "cgroup", cg ? vm_cgroup_json(cg, now) : json_null());
	s = json_dumps(o, JSON_INDENT(2));
	puts(s);
	free(s);
	json_decref(o);
}

/* "--iops-rd 100": a count; "--bps-rd 200M": a size a second; 0 lifts the limit */
static int value(const char *opt, const char *arg, int bytes, int64_t *out)
{
	struct strbuf why = STRBUF_INIT;
	uint64_t v;
	char *end;

	if (!arg)
		return 0;
	if (!strcmp(arg, "0")) {
		*out = 0;
		return 0;
	}
	if (bytes) {
		if (size_parse(arg, &v, &why) < 0) {
			error("--%s '%s': %s", opt, arg, why.buf);
			strbuf_release(&why);
			return -1;
		}
	} else {
		v = strtoull(arg, &end, 10);
		if (*arg == '-' || *end || !*arg || v > 1000000000) {
			error("--%s '%s': a number of operations a second, 0 to 1000000000", opt, arg);
			return -1;
		}
	}
	if (v > VM_THROTTLE_MAX) {
		error("--%s '%s': at most 1000000000000000 a second (QEMU's limit)", opt, arg);
		return -1;
	}
	*out = (int64_t)v;
	return 0;
}

/* --cpu-weight 1..10000, --cpu-max N%, --memory-max/--memory-high SIZE into set (0: not given) */
static int cgroup_values(const char *const arg[4], struct vm_cgroup_limits *set)
{
	struct strbuf why = STRBUF_INIT;
	unsigned long w;
	char *end;
	int ret = 0;

	memset(set, 0, sizeof(*set));
	if (arg[0]) {
		w = strtoul(arg[0], &end, 10);
		if (*arg[0] < '0' || *arg[0] > '9' || *end || w < QOS_WEIGHT_MIN || w > QOS_WEIGHT_MAX)
			ret = error("--cpu-weight '%s': a weight from 1 to 10000 (100: the default share)", arg[0]);
		set->cpu_weight = (unsigned)w;
	}
	if (!ret && arg[1] && qos_cpu_max_parse(arg[1], &set->cpu_max_pct, &why) < 0)
		ret = error("--cpu-max: %s", why.buf);
	if (!ret && arg[2] && (size_parse(arg[2], &set->memory_max, &why) < 0 || !set->memory_max))
		ret = error("--memory-max '%s': %s", arg[2], why.len ? why.buf : "give a size such as 9G");
	if (!ret && arg[3] && (size_parse(arg[3], &set->memory_high, &why) < 0 || !set->memory_high))
		ret = error("--memory-high '%s': %s", arg[3], why.len ? why.buf : "give a size such as 8G");
	strbuf_release(&why);
	return ret;
}

int cmd_limits(int argc, char **argv, const struct mvl_opts *opts)
{
	const char *disk = NULL, *arg[LIM_NR] = { NULL }, *cgarg[4] = { NULL };
	int json = 0, ret = MVL_EXIT_FAILURE, changing = 0, cg_changing = 0, has_cg = 0;
	struct vm_cgroup cg = VM_CGROUP_INIT;
	struct vm_cgroup_limits cgset, now;
	struct vm_handle h = VM_HANDLE_INIT;
	struct vm_disk_limits set, *all = NULL;
	struct err err = ERR_INIT;
	size_t nr = 0;
	const struct opt options[] = {
		OPT_STRING(0, "disk", &disk, "DISK", "the disk to change: diskN (the N-th [[disk]] table) or N"),
		OPT_STRING(0, "iops-rd", &arg[LIM_IOPS_RD], "N", "reads a second (0: no limit)"),
		OPT_STRING(0, "iops-wr", &arg[LIM_IOPS_WR], "N", "writes a second"),
		OPT_STRING(0, "iops-total", &arg[LIM_IOPS_TOTAL], "N", "reads and writes a second together"),
		OPT_STRING(0, "bps-rd", &arg[LIM_BPS_RD], "SIZE", "bytes read a second, e.g. 200M"),
		OPT_STRING(0, "bps-wr", &arg[LIM_BPS_WR], "SIZE", "bytes written a second"),
		OPT_STRING(0, "bps-total", &arg[LIM_BPS_TOTAL], "SIZE", "bytes read and written a second together"),
		OPT_STRING(0, "cpu-weight", &cgarg[0], "N", "the VM's CPU weight, 1..10000 (its cgroup; 100: the default share)"),
		OPT_STRING(0, "cpu-max", &cgarg[1], "P%", "at most P% of one CPU for the whole VM, e.g. 250%"),
		OPT_STRING(0, "memory-max", &cgarg[2], "SIZE", "hard memory limit of the VM's cgroup, e.g. 9G"),
		OPT_STRING(0, "memory-high", &cgarg[3], "SIZE", "memory above which the kernel reclaims the VM's first"),
		OPT_BOOL(0, "json", &json, "print {\"disks\":[{\"disk\",\"iops_rd\",...}],\"cgroup\":{...}}"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "limits", .operands = "<name>", .min = 1, .max = 1, .opts = options,
		.text = "Show the limits of running VM <name>: its cgroup's CPU and memory limits as\n"
			"the kernel reads them ([limits]), and its disks' I/O limits as QEMU enforces\n"
			"them. --cpu-weight, --cpu-max, --memory-max and --memory-high change the\n"
			"cgroup's live (read back; a memory limit below what the VM needs is refused,\n"
			"as in [limits]); with --disk and a limit, change that disk's (0 lifts a\n"
			"limit). A disk is throttled only if its [[disk]] table has a limit when the\n"
			"VM starts (iops_rd, iops_wr, iops_total, bps_rd, bps_wr, bps_total). A\n"
			"change here lasts until the VM stops: the next 'up' uses the config.",
	};

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	for (int k = 0; k < LIM_NR; k++) {
		set.v[k] = -1;
		static const char *const optname[LIM_NR] = { "iops-rd", "iops-wr", "iops-total", "bps-rd", "bps-wr", "bps-total" };

		if (value(optname[k], arg[k], k >= LIM_BPS_RD, &set.v[k]) < 0)
			return MVL_EXIT_USAGE;
		changing |= arg[k] != NULL;
	}
	if (cgroup_values(cgarg, &cgset) < 0)
		return MVL_EXIT_USAGE;
	cg_changing = cgarg[0] || cgarg[1] || cgarg[2] || cgarg[3];
	if (changing && !disk) {
		error("which disk? give --disk diskN with the limits to change");
		return MVL_EXIT_USAGE;
	}
	if (disk && !changing) {
		error("--disk %s: give the limits to change (--iops-rd N, --bps-wr SIZE, ...)", disk);
		return MVL_EXIT_USAGE;
	}
	if (attach_running(argv[0], opts, &h, "limits are changed in a running VM (for the next start, edit its "
			   "[[disk]] tables)", &ret) < 0)
		goto out;
	if (cg_changing && vm_limits_cgroup(&h, &cgset, &cg, &now, &err) < 0) {
		err_print(&err);
		ret = MVL_EXIT_FAILURE;
		goto out;
	}
	if (!cg_changing) {
		/* a VM without a cgroup record (started by an older mvlaunch) shows its disks alone */
		struct err ignore = ERR_INIT;

		has_cg = vm_limits_cgroup(&h, NULL, &cg, &now, &ignore) == 0;
		err_release(&ignore);
	} else {
		has_cg = 1;
	}
	if (changing && vm_limits_set(&h, disk, &set, &err) < 0) {
		err_print(&err);
		ret = MVL_EXIT_FAILURE;
		goto out;
	}
	if (vm_limits_get(&h, &all, &nr, &err) < 0) {
		err_print(&err);
		ret = MVL_EXIT_FAILURE;
		goto out;
	}
	if (json)
		print_json(all, nr, has_cg ? &cg : NULL, &now);
	else
		print_text(all, nr, has_cg ? &cg : NULL, &now);
	ret = MVL_EXIT_OK;
out:
	free(all);
	vm_cgroup_release(&cg);
	err_release(&err);
	vm_handle_release(&h);
	return ret;
}
