/*
 * paths.c - config lookup and the runtime/state roots (see paths.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "launcher/vm/paths.h"
#include "launcher/vm/runtime.h"
#include "config/vm_config.h"
#include "util/strvec.h"
#include "util/suggest.h"
#include "util/trust.h"
#include "util/wrapper.h"
#include "util/banned.h"

static const char *env_or(const char *var, const char *def)
{
	const char *v = getenv(var);

	return v && *v ? v : def;
}

const char *paths_vms_dir(const struct vm_dirs *dirs)
{
	if (dirs && dirs->vms_dir)
		return dirs->vms_dir;
	return env_or("MVLAUNCH_VMS", "/etc/mvlaunch/vms");
}

const char *paths_run_root(void)
{
	return env_or("MVLAUNCH_RUNDIR", "/run/mvlaunch");
}

const char *paths_state_root(void)
{
	return env_or("MVLAUNCH_STATEDIR", "/var/lib/mvlaunch");
}

char *paths_vm_state_dir(const char *name, struct err *err)
{
	char *root = xstrdup(paths_state_root()), *dir;

	/* the directories above the state root as they would be made by mkdir -p */
	for (char *s = root + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(root, 0755);
		*s = '/';
	}
	free(root);
	dir = xstrfmt("%s/%s", paths_state_root(), name);
	if (trust_dir(paths_state_root(), "state directory", 0700, (gid_t)-1, err) < 0 ||
	    trust_dir(dir, "state directory", 0700, (gid_t)-1, err) < 0) {
		free(dir);
		return NULL;
	}
	return dir;
}

const char *paths_log_root(void)
{
	return env_or("MVLAUNCH_LOGDIR", "/var/log/mvlaunch");
}

/* Stems of the .toml files in VMS_DIR (host.toml aside) and the VMs with runtime directories. */
static void known_names(const struct vm_dirs *dirs, struct strvec *names)
{
	const char *roots[] = { paths_vms_dir(dirs), paths_run_root() };

	for (size_t i = 0; i < 2; i++) {
		DIR *d = opendir(roots[i]);
		struct dirent *de;

		while (d && (de = readdir(d))) {
			size_t len = strlen(de->d_name);

			if (de->d_name[0] == '.')
				continue;
			if (i == 0 && len > 5 && !strcmp(de->d_name + len - 5, ".toml") && strcmp(de->d_name, "host.toml"))
				strvec_push_nodup(names, xstrndup(de->d_name, len - 5));
			else if (i == 1 && (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN))
				strvec_push(names, de->d_name);
		}
		if (d)
			closedir(d);
	}
}

static void no_such_vm(const char *name, const struct vm_dirs *dirs, struct err *err)
{
	struct strvec names = STRVEC_INIT;
	const char *near;

	known_names(dirs, &names);
	near = suggest_nearest(name, (const char *const *)names.v, names.nr);
	strbuf_addf(&err->msg, "no such VM '%s': no %s.toml in %s, and none by that name runs", name, name, paths_vms_dir(dirs));
	if (near)
		strbuf_addf(&err->msg, " (did you mean '%s'?)", near);
	err_hintf(err, "VM configs are looked up in --vms DIR, $MVLAUNCH_VMS or /etc/mvlaunch/vms; "
		  "or give a path to the .toml file");
	strvec_clear(&names);
}

int paths_vm_name_arg(const char *name, const struct vm_dirs *dirs, struct err *err)
{
	struct strbuf why = STRBUF_INIT;
	struct stat st;
	char *path, *dir;
	int known;

	if (vm_name_check(name, &why) < 0) {
		strbuf_addf(&err->msg, "invalid VM name '%s': %s", name, why.buf);
		strbuf_release(&why);
		return -1;
	}
	path = xstrfmt("%s/%s.toml", paths_vms_dir(dirs), name);
	dir = runtime_vm_path(name, NULL);
	known = stat(path, &st) == 0 || (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode));
	if (!known)
		no_such_vm(name, dirs, err);
	free(path);
	free(dir);
	return known;
}

char *paths_vm_config(const char *arg, const struct vm_dirs *dirs, struct err *err)
{
	size_t len = strlen(arg);
	struct strbuf why = STRBUF_INIT;
	struct stat st;
	char *path;

	if (strchr(arg, '/') || (len > 5 && !strcmp(arg + len - 5, ".toml")))
		return xstrdup(arg);
	if (vm_name_check(arg, &why) < 0) {
		strbuf_addf(&err->msg, "invalid VM name '%s': %s (or give a path to a .toml file)", arg, why.buf);
		strbuf_release(&why);
		return NULL;
	}
	path = xstrfmt("%s/%s.toml", paths_vms_dir(dirs), arg);
	if (stat(path, &st) < 0) {
		if (errno == ENOENT)
			no_such_vm(arg, dirs, err);
		else
			strbuf_addf(&err->msg, "cannot read VM '%s': '%s': %s", arg, path, strerror(errno));
		free(path);
		return NULL;
	}
	return path;
}
