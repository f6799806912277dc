/*
 * vm_tpm.c - a VM's swtpm (see vm_tpm.h).
 *
 * swtpm's own option parser splits at commas and knows no escape, so a
 * state directory with a comma in its path is refused rather than passed.
 * libvirt runs swtpm_setup first to make EK certificates; Windows 11 only
 * asks for a TPM 2.0, which swtpm creates on its first start, so mvlaunch
 * runs swtpm alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/vm/vm_tpm.h"
#include "launcher/vm/paths.h"
#include "launcher/qemu/qemu_argv.h"
#include "qmp/qmp.h"
#include "util/trust.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define SWTPM "swtpm"

char *vm_tpm_state_dir(const char *name)
{
	return xstrfmt("%s/%s/tpm2", paths_state_root(), name);
}

/* STATE/NAME/tpm2, this user's and private, made on the first start. */
static char *state_dir(const char *name, struct err *err)
{
	char *vmdir = paths_vm_state_dir(name, err), *dir;

	if (!vmdir)
		return NULL;
	free(vmdir);
	dir = vm_tpm_state_dir(name);
	if (trust_dir(dir, "TPM state directory", 0700, (gid_t)-1, err) < 0) {
		free(dir);
		return NULL;
	}
	if (strchr(dir, ',')) {
		strbuf_addf(&err->msg, "the TPM state directory '%s' has a ',' in its path, which swtpm's options cannot carry",
			    dir);
		err_hintf(err, "set MVLAUNCH_STATEDIR to a path without ','");
		free(dir);
		return NULL;
	}
	return dir;
}

int vm_tpm_start(const struct vm_config *cfg, const struct vm_runtime *rt, const struct cpuset *cpus,
		 const char *const *cgroup_procs, const struct qemu_spawn_hook *hook, const struct qemu_spawn_cred *cred,
		 struct qemu_proc *p, struct err *err)
{
	struct strvec argv = STRVEC_INIT;
	char *dir = NULL, *sock = NULL, *id = NULL, *log = NULL, *bin = trust_which(SWTPM);
	int fd = -1, r, ret = -1;

	if (!bin) {
		strbuf_addf(&err->msg, "tpm.enable = true needs swtpm, which is not installed");
		err_hintf(err, "apt-get install swtpm (or 'make deps')");
		goto out;
	}
	/* what root runs must be root's */
	if (trust_file(bin, "swtpm binary", err) < 0 || !(dir = state_dir(cfg->name, err)))
		goto out;
	sock = qemu_argv_tpm_socket(cfg, rt->dir);
	if ((fd = qmp_listen(sock, &err->msg)) < 0)
		goto out;
	/* QEMU, as its user, connects to it */
	if (cred && chown(sock, cred->uid, cred->gid) < 0) {
		strbuf_addf(&err->msg, "cannot give the TPM socket '%s' to uid %u: %s", sock, (unsigned)cred->uid,
			    strerror(errno));
		goto out;
	}
	id = runtime_path(rt, "swtpm.id");
	log = runtime_log_path(cfg->name, "swtpm.log");
	strvec_pushl(&argv, bin, "socket", "--tpm2", "--terminate", "--ctrl", "type=unixio,fd=3",
		     "--tpmstate", NULL);
	strvec_pushf(&argv, "dir=%s,mode=0600", dir);
	{
		struct qemu_spawn_opts o = { .log_path = log, .affinity = cpus, .cgroup_procs = cgroup_procs,
					     .hook = hook, .pass_fds = &fd, .nr_pass_fds = 1, .id_path = id,
					     .cred = cred };

		r = qemu_proc_spawn_opts(&argv, &o, p, &err->msg);
	}
	if (r < 0) {
		strbuf_addf(&err->msg, " (swtpm; its log: %s)", log);
		goto out;
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);	/* swtpm holds it now */
	if (ret < 0 && sock)
		unlink(sock);
	strvec_clear(&argv);
	free(bin);
	free(dir);
	free(sock);
	free(id);
	free(log);
	return ret;
}
