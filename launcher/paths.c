/*
 * paths.c - config lookup and the runtime/state roots (see paths.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"
#include "../util/wrapper.h"
#include "../util/banned.h"

static const char *env_or(const char *var, const char *def)
{
	const char *v = getenv(var);

	return v && *v ? v : def;
}

const char *mvl_vms_dir(const struct mvl_opts *opts)
{
	if (opts && opts->vms_dir)
		return opts->vms_dir;
	return env_or("MVLAUNCH_VMS", "/etc/mvlaunch/vms");
}

const char *mvl_run_root(void)
{
	return env_or("MVLAUNCH_RUNDIR", "/run/mvlaunch");
}

const char *mvl_state_root(void)
{
	return env_or("MVLAUNCH_STATEDIR", "/var/lib/mvlaunch");
}

char *vm_config_path(const char *arg, const struct mvl_opts *opts, struct strbuf *err)
{
	size_t len = strlen(arg);
	const char *dir;
	struct stat st;
	char *path;

	if (!len) {
		strbuf_addstr(err, "empty VM name");
		return NULL;
	}
	if (strchr(arg, '/') || (len > 5 && !strcmp(arg + len - 5, ".toml")))
		return xstrdup(arg);
	dir = mvl_vms_dir(opts);
	path = xstrfmt("%s/%s.toml", dir, arg);
	if (stat(path, &st) < 0) {
		strbuf_addf(err, "cannot find VM '%s': '%s': %s\nhint: VM configs are looked up in --vms DIR, "
			    "$MVLAUNCH_VMS or /etc/mvlaunch/vms; or give a path to the .toml file",
			    arg, path, strerror(errno));
		free(path);
		return NULL;
	}
	return path;
}
