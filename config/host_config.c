/*
 * host_config.c - host.toml's key table (see host_config.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/host_config.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define HOFF(f) offsetof(struct host_config, f)

static const char *const thp_names[] = { "", "always", "madvise", "never", NULL };

static int check_word(char **v, struct strbuf *why)
{
	if (!**v) {
		strbuf_addstr(why, "must not be empty");
		return -1;
	}
	for (const char *s = *v; *s; s++) {
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_')) {
			strbuf_addf(why, "'%s' is not a governor name", *v);
			return -1;
		}
	}
	return 0;
}

static int check_host_word(char **v, struct strbuf *why)
{
	if (strcmp(*v, "host")) {
		strbuf_addf(why, "must be \"host\" (got '%s')", *v);
		return -1;
	}
	return 0;
}

static const struct config_key host_keys[] = {
	{ .name = "reserved_cpus", .type = KEY_CPUSET, .offset = HOFF(reserved), .offset2 = HOFF(has_reserved), .allow_empty = 1,
	  .qemu = "(planner)",
	  .doc = "CPUs kept for the host, never given to a vCPU (\"\" keeps none); default: the first physical core with all its threads" },
	{ .name = "thp", .type = KEY_ENUM, .offset = HOFF(thp), .values = thp_names,
	  .qemu = "/sys/kernel/mm/transparent_hugepage/enabled",
	  .doc = "transparent hugepages while VMs run (never: no khugepaged scans and compaction stalls behind the guests)" },
	{ .name = "governor", .type = KEY_STRING, .offset = HOFF(governor), .check = check_word,
	  .qemu = "/sys/devices/system/cpu/cpuN/cpufreq/scaling_governor",
	  .doc = "cpufreq governor of the VMs' dedicated CPUs (e.g. performance)" },
	{ .name = "stat_interval", .type = KEY_INT, .offset = HOFF(stat_interval), .min = 1, .max = 86400,
	  .qemu = "/proc/sys/vm/stat_interval", .doc = "vm.stat_interval in seconds (120: the per-CPU vmstat work wakes isolated CPUs less often)" },
	{ .name = "watchdog", .type = KEY_BOOL, .offset = HOFF(watchdog),
	  .qemu = "/proc/sys/kernel/watchdog", .doc = "the kernel's lockup watchdog (false: no periodic NMI/timer work on VM CPUs)" },
	{ .name = "writeback_cpumask", .type = KEY_STRING, .offset = HOFF(writeback_cpumask), .check = check_host_word,
	  .qemu = "/sys/bus/workqueue/devices/writeback/cpumask",
	  .doc = "\"host\": the writeback workqueue only on CPUs no VM owns" },
	{ .name = "workqueue_numa", .type = KEY_BOOL, .offset = HOFF(workqueue_numa),
	  .qemu = "/sys/bus/workqueue/devices/writeback/numa",
	  .doc = "NUMA affinity of the writeback workqueue (skipped where the kernel has no such file)" },
	{ .name = "ksm", .type = KEY_BOOL, .offset = HOFF(ksm),
	  .qemu = "/sys/kernel/mm/ksm/run", .doc = "kernel same-page merging (false: shared pages across VMs are a timing side channel)" },
	{ .name = "perf_cpu_time_max_percent", .type = KEY_INT, .offset = HOFF(perf_cpu_time_max_percent), .min = 0, .max = 100,
	  .qemu = "/proc/sys/kernel/perf_cpu_time_max_percent", .doc = "perf sampling CPU limit (0: perf never throttles itself)" },
	{ .name = "perf_event_max_sample_rate", .type = KEY_INT, .offset = HOFF(perf_event_max_sample_rate),
	  .min = 1, .max = 2000000000, .qemu = "/proc/sys/kernel/perf_event_max_sample_rate",
	  .doc = "perf sample rate cap (e.g. 146500)" },
	{ .name = "irq_affinity", .type = KEY_STRING, .offset = HOFF(irq_affinity), .check = check_host_word,
	  .qemu = "/proc/irq/N/smp_affinity_list", .doc = "\"host\": movable IRQs only on CPUs no VM owns" },
	{ .name = "drop_caches", .type = KEY_BOOL, .offset = HOFF(drop_caches),
	  .qemu = "/proc/sys/vm/drop_caches", .doc = "drop the page cache before hugepages are allocated" },
	{ .name = "compact_memory", .type = KEY_BOOL, .offset = HOFF(compact_memory),
	  .qemu = "/proc/sys/vm/compact_memory", .doc = "compact memory before hugepages are allocated" },
	{ .name = "shield.enable", .type = KEY_BOOL, .offset = HOFF(shield),
	  .qemu = "cpuset cgroup mvlaunch.host, or systemd AllowedCPUs",
	  .doc = "confine every other task, unbound kernel threads and workqueues to the CPUs no VM owns" },
	{ .name = NULL },
};

_Static_assert(sizeof(host_keys) / sizeof(host_keys[0]) <= HOST_MAX_KEYS, "raise HOST_MAX_KEYS");

void host_config_init(struct host_config *hc)
{
	memset(hc, 0, sizeof(*hc));
	schema_defaults(host_keys, hc);
	strvec_init(&hc->warnings);
}

void host_config_release(struct host_config *hc)
{
	schema_release(host_keys, hc);
	strvec_clear(&hc->warnings);
	free(hc->file);
	memset(hc, 0, sizeof(*hc));
}

int host_config_parse(const char *file, const char *text, size_t len, struct host_config *hc, struct strbuf *err)
{
	free(hc->file);
	hc->file = xstrdup(file);
	return schema_parse(file, text, len, host_keys, hc, hc->loc, &hc->warnings, err);
}

int host_config_load(const char *file, const char *vms_dir, struct host_config *hc, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	char *path = file ? xstrdup(file) : xstrfmt("%s/host.toml", vms_dir);
	int ret = 0;

	if (file || access(path, F_OK) == 0) {
		ret = schema_read_file(path, &text, err);
		if (ret == 0)
			ret = host_config_parse(path, text.buf, text.len, hc, err);
	}
	strbuf_release(&text);
	free(path);
	return ret;
}

struct config_loc host_config_loc(const struct host_config *hc, const char *name)
{
	struct config_loc none = { 0, 0 };
	int i = schema_row_index(host_keys, name);

	return i < 0 ? none : hc->loc[i];
}

int host_config_has_knobs(const struct host_config *hc)
{
	/*
	 * A key was set that changes the host while VMs run: not the planner's
	 * reserved_cpus, and not drop_caches/compact_memory, which only act
	 * before hugepages are allocated.
	 */
	static const char *const not_knobs[] = { "reserved_cpus", "drop_caches", "compact_memory" };

	for (int i = 0; host_keys[i].name; i++) {
		int knob = hc->loc[i].line != 0;

		for (size_t j = 0; knob && j < sizeof(not_knobs) / sizeof(not_knobs[0]); j++)
			knob = strcmp(host_keys[i].name, not_knobs[j]) != 0;
		if (knob)
			return 1;
	}
	return 0;
}

void host_config_write_reference(FILE *out)
{
	schema_write_reference(out, host_keys, "host.toml key");
}
