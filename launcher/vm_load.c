/*
 * vm_load.c - the config-loading (and starting) steps VM commands share (see vm_load.h).
 */
#include <stdlib.h>

#include "vm_load.h"
#include "paths.h"
#include "../util/usage.h"
#include "../util/banned.h"

int vm_load(const char *arg, const struct mvl_opts *opts, struct vm_config *cfg)
{
	struct strbuf err = STRBUF_INIT;
	char *path;
	int ret = -1;

	vm_config_init(cfg);
	path = vm_config_path(arg, opts, &err);
	if (!path)
		goto out;
	ret = vm_config_load(path, cfg, &err);
	for (size_t i = 0; i < cfg->warnings.nr; i++)
		warning("%s", cfg->warnings.v[i]);
out:
	if (ret < 0)
		error_lines(err.buf);
	free(path);
	strbuf_release(&err);
	return ret;
}

int vm_load_up(const char *arg, const struct mvl_opts *opts, const struct vm_up_opts *up,
	       struct vm_config *cfg, struct vm_handle *h)
{
	struct strvec notes = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	int ret;

	if (vm_load(arg, opts, cfg) < 0)
		return -1;
	ret = vm_up(cfg, up, h, &notes, &err);
	for (size_t i = 0; i < notes.nr; i++)
		warning("%s", notes.v[i]);
	if (ret < 0) {
		error("cannot start VM '%s'", cfg->name);
		error_lines(err.buf);
	}
	strvec_clear(&notes);
	strbuf_release(&err);
	return ret;
}
