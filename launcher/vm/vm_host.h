/*
 * vm_host.h - the host's hold on hugepages, knobs and the shield, as VMs
 * see it: host preparation (launcher/host) with this host's RUN_ROOT/host.json
 * and the liveness of the VMs in RUN_ROOT.
 */
#ifndef MVL_VM_HOST_H
#define MVL_VM_HOST_H

#include <jansson.h>

#include "launcher/host/host_prep.h"
#include "launcher/vm/paths.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/strvec.h"

/*
 * After NAME's QEMU stopped: give back what it held on the host (hugepages,
 * its share of the host knobs; the last VM restores them all). Takes the
 * runtime root's lock; without RUN_ROOT/host.json there is nothing to do.
 * name NULL: only give back what VMs whose QEMU is gone held. 0, or -1.
 */
int vm_host_release(const char *name, const struct vm_dirs *dirs, struct strvec *notes, struct err *err);
/*
 * vm_host_release() of each of names whose QEMU is gone (its 'down' over),
 * under one lock, in one write of host.json: 'down A B' and 'down --all'
 * give back in their parent, after the last worker. A name started again
 * meanwhile keeps what its new run holds. 0, or -1.
 */
int vm_host_release_gone(const char *const *names, size_t nr, const struct vm_dirs *dirs, struct strvec *notes,
			 struct err *err);
/* Whether RUN_ROOT/host.json exists: something is held on the host (a VM's grant, pages, knobs). */
int vm_host_held(void);
/*
 * Whether a give-back under this host's host.toml reads the topology
 * (host_prep_needs_cpus(); 1 when host.toml cannot be read): 'down A B'
 * then reads it once, before its workers fork.
 */
int vm_host_needs_topo(const struct vm_dirs *dirs);
/* Give back what VMs whose QEMU is gone held. */
int vm_host_reconcile(const struct vm_dirs *dirs, struct strvec *notes, struct err *err);

/*
 * host_prep_init() with this host's RUN_ROOT/host.json and the VMs' liveness
 * (vm_host_alive()) and QEMU pids, as every up, down, status and host call uses it.
 */
void vm_host_prep_init(struct host_prep *prep, const struct host_config *hc, const struct host_topo *topo, int dry_run);
/* host_prep_status() of this host's RUN_ROOT/host.json. */
json_t *vm_host_status(struct err *err);

/*
 * Whether VM 'name' may hold anything on the host: another command holds its
 * lock (an 'up' between fork and state.json, a 'down' at work), or a process
 * with its recorded identity lives (state.json, qemu.id, qemu.pid; a zombie
 * leader with live threads counts). What host preparation asks before it
 * gives back a VM's hugepages and knobs.
 */
int vm_host_alive(const char *name);

#endif
