/*
 * load.c - what VM commands share: read a VM's config, and start one,
 * printing warnings and errors the one way (see commands.h).
 */
#include "launcher/cmd/commands.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_down.h"
#include "launcher/vm/vm_fanout.h"
#include "launcher/vm/vm_load.h"
#include "util/err.h"
#include "util/interrupt.h"
#include "util/trust.h"
#include "util/wrapper.h"
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

int attach_running(const char *name, const struct mvl_opts *opts, struct vm_handle *h, const char *why, int *code)
{
	struct err err = ERR_INIT;
	int was_gone, r = paths_vm_name_arg(name, &opts->dirs, &err);

	*code = MVL_EXIT_FAILURE;
	if (r <= 0) {
		err_print(&err);
		err_release(&err);
		if (r < 0)
			*code = MVL_EXIT_USAGE;
		return -1;
	}
	if (runtime_root_access(&err) < 0 || runtime_owner_check(name, &err) < 0 ||
	    (r = vm_down_attach(name, h, &was_gone, 0, &err)) < 0) {
		err_print(&err);
		err_release(&err);
		return -1;
	}
	err_release(&err);
	if (r == 0) {
		error("'%s' is not running%s", name, was_gone ? " (its QEMU had crashed or been killed)" : "");
		hint("%s; start it with 'mvlaunch up %s'", why, name);
		return -1;
	}
	return 0;
}

int run_each(const char *const *names, size_t nr, int (*fn)(const char *name, void *data), void *data,
	     vm_fanout_settle_fn settle, void (*after)(void *data, struct vm_fanout_job *jobs, size_t nr),
	     const char *done, const char *not_done)
{
	struct vm_fanout_job *jobs = xcalloc(nr ? nr : 1, sizeof(*jobs));
	struct strbuf out = STRBUF_INIT, why = STRBUF_INIT;
	size_t failed;
	int ret = MVL_EXIT_OK, sig;

	for (size_t i = 0; i < nr; i++)
		jobs[i].name = names[i];
	trust_status_group();	/* every worker's first lock asks it: once here, inherited */
	if (vm_fanout_run(jobs, nr, fn, data, settle, stdout, stderr) < 0) {
		error("cannot start a worker for any VM: %s", jobs[0].reason ? jobs[0].reason : "unknown");
		if (after)
			after(data, jobs, nr);	/* what the command began itself is finished */
		ret = MVL_EXIT_FAILURE;
		goto out;
	}
	if (after)
		after(data, jobs, nr);
	failed = vm_fanout_summary(jobs, nr, done, &out, &why);
	printf("%s\n", out.buf);
	fflush(stdout);
	if (failed) {
		error("%zu of %zu VMs did not %s:", failed, nr, not_done);
		fputs(why.buf, stderr);
		ret = MVL_EXIT_FAILURE;
	}
out:
	sig = interrupt_take();
	if (sig)
		ret = 128 + sig;
	vm_fanout_release(jobs, nr);
	free(jobs);
	strbuf_release(&out);
	strbuf_release(&why);
	return ret;
}
