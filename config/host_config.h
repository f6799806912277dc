/*
 * host_config.h - host.toml: settings for the whole host, not one VM.
 *
 * It sits beside the VM configs (VMS_DIR/host.toml; --host-config FILE
 * overrides). Without the file every key has its default: the planner's
 * reservation (reserved_cpus) and the host knobs host_prep.c applies while
 * VMs run (each left alone when absent). 'mvlaunch help host-config' lists
 * them all.
 */
#ifndef MVL_HOST_CONFIG_H
#define MVL_HOST_CONFIG_H

#include "config/schema.h"
#include "util/cpuset.h"

#define HOST_MAX_KEYS 32

enum host_thp { THP_UNSET, THP_ALWAYS, THP_MADVISE, THP_NEVER };

/* Every knob is left alone while unset (TRI_UNSET, -1, THP_UNSET, NULL). */
struct host_config {
	char *file;		/* NULL when there is no file (all defaults) */
	int has_reserved;	/* reserved_cpus given */
	struct cpuset reserved;
	int thp;
	char *governor;
	int stat_interval, perf_cpu_time_max_percent, perf_event_max_sample_rate;
	int watchdog, workqueue_numa, ksm, drop_caches, compact_memory, shield;
	char *writeback_cpumask;	/* "host" */
	char *irq_affinity;		/* "host" */
	struct strvec warnings;
	struct config_loc loc[HOST_MAX_KEYS];
};

void host_config_init(struct host_config *hc);
void host_config_release(struct host_config *hc);
int host_config_parse(const char *file, const char *text, size_t len, struct host_config *hc, struct strbuf *err);
/*
 * Load 'file' if given (it must exist), else VMS_DIR/host.toml if that
 * exists, else keep the defaults. 0, or -1 with the reason in err.
 */
int host_config_load(const char *file, const char *vms_dir, struct host_config *hc, struct strbuf *err);
void host_config_write_reference(FILE *out);
/* Where key 'name' was set ({0,0} when it was not). */
struct config_loc host_config_loc(const struct host_config *hc, const char *name);
/* Whether a knob that stays applied while VMs run is set (then every VM holds the host). */
int host_config_has_knobs(const struct host_config *hc);

#endif
