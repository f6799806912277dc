/*
 * vm_tpm.h - the swtpm a VM with [tpm] enable = true runs beside its QEMU:
 * started by 'up' before QEMU, pinned where QEMU's emulator threads go,
 * its TPM state kept in STATE/NAME/tpm2 across restarts, stopped with QEMU.
 */
#ifndef MVL_VM_TPM_H
#define MVL_VM_TPM_H

#include "launcher/qemu/qemu_proc.h"
#include "launcher/vm/runtime.h"
#include "config/vm_config.h"
#include "util/cpuset.h"
#include "util/err.h"

/* STATE/NAME/tpm2: the TPM's persistent state (its keys: a BitLocker or Windows Hello secret). Caller frees. */
char *vm_tpm_state_dir(const char *name);

/*
 * Start swtpm for cfg: its state directory made (0700) if new, its control
 * socket RUN/swtpm.sock bound here (0600) and handed over as fd 3, so QEMU
 * can connect the moment it starts; CPU affinity 'cpus', into cgroup_procs
 * (may be NULL) like QEMU, after 'hook' (may be NULL: see qemu_proc.h); its identity in RUN/swtpm.id, its output in
 * LOG/NAME/swtpm.log. --terminate ends it once QEMU's connection is gone;
 * runtime_stop_helpers() stops one that did not. 0 (p is the running
 * swtpm), or -1 with the reason and the fix in err. With cred swtpm runs as
 * that user (as QEMU does) and the socket is that user's.
 */
int vm_tpm_start(const struct vm_config *cfg, const struct vm_runtime *rt, const struct cpuset *cpus,
		 const char *const *cgroup_procs, const struct qemu_spawn_hook *hook, const struct qemu_spawn_cred *cred,
		 struct qemu_proc *p, struct err *err);

#endif
