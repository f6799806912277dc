/*
 * vm_up.h - start a VM paused, pin every thread, verify, resume.
 *
 * The only code that starts a VM's QEMU (spawned through
 * launcher/qemu/qemu_proc.c; vm_down.c stops it; 'check' starts a probing
 * QEMU of its own). Every failure path stops the QEMU it started and removes
 * the runtime files, so a failed 'up' leaves nothing behind.
 */
#ifndef MVL_VM_UP_H
#define MVL_VM_UP_H

#include "launcher/host/host_prep.h"
#include "util/err.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/vm_handle.h"
#include "config/vm_config.h"

struct vm_up_opts {
	int timeout_ms;		/* start to QMP answering, and each QMP reply */
	int paused;		/* pin and verify, but leave the guest paused */
	const struct vm_dirs *dirs;	/* where host.toml is */
	int dry_run;		/* plan and list the host changes, start nothing */
	int force;		/* start a cpu_pm VM on vCPUs that are not dedicated */
	struct strvec *changes;	/* if not NULL: the host changes ("path: old -> new") */
	struct strvec *argv;	/* if not NULL: the QEMU argv */
	/* told what 'up' starts doing, step by step ("starting QEMU"); may be NULL */
	void (*step)(void *data, const char *what);
	void *step_data;
};

/*
 * Start cfg's VM. On success returns 0 with h filled (QEMU running and
 * pinned, state.json written, QMP connected, runtime lock released: QEMU's
 * QMP serves one client at a time, so close h->qmp soon to let 'status' and
 * 'down' in); the caller releases h with vm_handle_release(). On failure returns -1 with the cause in err (QEMU's
 * exit and the tail of qemu.log when it died), and nothing is left running
 * or on disk. 'notes' collects messages worth showing (stale files removed).
 */
int vm_up(const struct vm_config *cfg, const struct vm_up_opts *opts, struct vm_handle *h,
	  struct strvec *notes, struct err *err);

#endif
