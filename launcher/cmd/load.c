/*
 * load.c - what VM commands share: read a VM's config, and start one,
 * printing warnings and errors the one way (see commands.h).
 */
#include "launcher/cmd/commands.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_load.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/banned.h"

int load_vm(const char *arg, const struct mvl_opts *opts, struct vm_config *cfg)
{
	struct err err = ERR_INIT;
	int ret = vm_load(arg, &opts->dirs, cfg, &err);

	for (size_t i = 0; i < cfg->warnings.nr; i++)
		warning("%s", cfg->warnings.v[i]);
	if (ret < 0)
		err_print(&err);
	err_release(&err);
	return ret;
}

int load_vms(char **args, size_t n, const struct mvl_opts *opts, struct vm_config *cfgs, const char **names,
	     size_t *loaded)
{
	for (*loaded = 0; *loaded < n; ++*loaded) {
		if (load_vm(args[*loaded], opts, &cfgs[*loaded]) < 0) {
			++*loaded;	/* it was initialised: release it too */
			return -1;
		}
		names[*loaded] = cfgs[*loaded].name;
	}
	return 0;
}

int runtime_readable(void)
{
	struct err err = ERR_INIT;
	int ret = runtime_root_access(&err);

	if (ret < 0)
		err_print(&err);
	err_release(&err);
	return ret;
}

int load_and_up(const char *arg, const struct mvl_opts *opts, const struct vm_up_opts *up, struct vm_config *cfg,
		struct vm_handle *h)
{
	struct strvec notes = STRVEC_INIT;
	struct err err = ERR_INIT;
	int ret;

	if (load_vm(arg, opts, cfg) < 0)
		return -1;
	ret = vm_up(cfg, up, h, &notes, &err);
	for (size_t i = 0; i < notes.nr; i++)
		warning("%s", notes.v[i]);
	if (ret < 0) {
		error("cannot start VM '%s'", cfg->name);
		err_print(&err);
	}
	strvec_clear(&notes);
	err_release(&err);
	return ret;
}
