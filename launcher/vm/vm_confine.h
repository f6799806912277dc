/*
 * vm_confine.h - what a VM's QEMU (and swtpm) may reach when they run as
 * security.user: the user itself, the limits it needs, and every file and
 * device its argv names, for launcher/host/grant.h to grant.
 */
#ifndef MVL_VM_CONFINE_H
#define MVL_VM_CONFINE_H

#include "launcher/host/grant.h"
#include "launcher/host/qemu_user.h"
#include "launcher/qemu/qemu_proc.h"
#include "launcher/vm/runtime.h"
#include "config/vm_config.h"
#include "util/err.h"

/*
 * cfg's security.user: 1 when it is root (QEMU keeps root and every
 * capability) or mvlaunch does not run as root (QEMU runs as its user),
 * 0 with u filled in, or -1 (no such user: the fix in err).
 */
int vm_confine_user(const struct vm_config *cfg, struct qemu_user *u, struct err *err);

/*
 * RLIMIT_MEMLOCK QEMU needs: guest RAM + 1 GiB (+ the Looking Glass
 * buffer) with memory.locked or a passthrough device (VFIO pins all guest
 * RAM), as libvirt gives it; 0 (leave the limit) otherwise.
 */
unsigned long long vm_confine_memlock(const struct vm_config *cfg);

/*
 * Every path QEMU and swtpm open for cfg, with the access each needs: the
 * runtime, log and state directories on the way (search), RUN/NAME (QEMU
 * binds its sockets there), its logs, the OVMF vars copy (nvram, may be
 * NULL), disks (CD-ROMs and readonly disks read-only), kernel and initrd,
 * the memory backend's directory, Looking Glass, the WAV file, evdev
 * devices, USB device nodes, /dev/vfio, /dev/kvm and the TPM state. Files
 * QEMU would create (serial log, WAV) are made first, empty, so they can be
 * granted.
 */
int vm_confine_paths(const struct vm_config *cfg, const struct vm_runtime *rt, const char *nvram,
		     struct grant_list *l, struct err *err);

/*
 * With a private /dev (security.private_dev): the paths of l that are
 * device nodes under /dev move to devs (as the config names them, links
 * included), to be made in QEMU's own /dev instead of granted on the host.
 */
void vm_confine_split_devs(const struct vm_config *cfg, struct grant_list *l, struct grant_list *devs);

/* The ops of QEMU's private /dev (qemu_proc.h) for u, from devs. */
struct vm_ns {
	struct qemu_ns_op *ops;
	size_t nr, alloc;
	struct qemu_spawn_ns ns;
};

#define VM_NS_INIT { NULL, 0, 0, { NULL, NULL, 0, 0 } }

/*
 * /dev's standard nodes (null, zero, full, random, urandom) and links, the
 * host's mounts under /dev (/dev/shm, /dev/pts, /dev/hugepages, ...) bound
 * in, and each of devs: its links as they are, its node made with the
 * host node's numbers, owned by u, 0600 (0400 read-only); the files and
 * directories of others (may be NULL) under /dev that no such mount
 * brings, bound in. stage: where it is built (RUN/NAME). 0, or -1 with
 * the path in err.
 */
int vm_confine_ns(const struct grant_list *devs, const struct grant_list *others, const struct qemu_user *u,
		  const char *stage, struct vm_ns *ns, struct err *err);
void vm_confine_ns_release(struct vm_ns *ns);

/*
 * A running VM's QEMU (pid) is to open path (perms: GRANT_*) from now on:
 * a CD-ROM inserted, a USB device attached. Nothing when QEMU runs as
 * root. A device node QEMU's private /dev lacks is made there (it goes
 * with QEMU); any other path is granted on the host for VM 'name' like
 * those of 'up' (recorded in host.json, taken back at 'down'). 0, or -1
 * with the reason in err.
 */
int vm_confine_hot(const char *name, pid_t pid, const char *path, unsigned perms, const char *what,
		   struct err *err);

/* The credential qemu_proc takes before exec, from u and cfg (groups point into u). */
void vm_confine_cred(const struct vm_config *cfg, const struct qemu_user *u, struct qemu_spawn_cred *cred);

/* The files swtpm made in the VM's TPM state directory become u's (mvlaunch's own state, not recorded). */
int vm_confine_tpm_state(const char *dir, const struct qemu_user *u, struct err *err);

#endif
