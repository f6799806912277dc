/*
 * host_config.h - host.toml: settings for the whole host, not one VM.
 *
 * It sits beside the VM configs (VMS_DIR/host.toml; --host-config FILE
 * overrides). Without the file every key has its default. Keys so far:
 *   reserved_cpus = "0,4"   CPUs kept for the host: never given to a vCPU
 *                           (default: the first physical core, all its threads)
 */
#ifndef MVL_HOST_CONFIG_H
#define MVL_HOST_CONFIG_H

#include "schema.h"
#include "../util/cpuset.h"

#define HOST_MAX_KEYS 32

struct host_config {
	char *file;		/* NULL when there is no file (all defaults) */
	int has_reserved;	/* reserved_cpus given */
	struct cpuset reserved;
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

#endif
