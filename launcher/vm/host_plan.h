/*
 * host_plan.h - everything the planner needs to know about this host.
 *
 * The topology (hwloc: this host, or an XML file), host.toml's reserved
 * CPUs, and the CPUs every running VM owns (from its state.json), gathered
 * in one place for 'up', 'argv' and 'plan'.
 */
#ifndef MVL_HOST_PLAN_H
#define MVL_HOST_PLAN_H

#include "launcher/vm/paths.h"
#include "util/err.h"
#include "launcher/plan/host_topo.h"
#include "launcher/plan/pin_plan.h"
#include "config/host_config.h"

struct host_plan {
	struct host_topo topo;
	struct host_config hc;
	struct plan_host host;
};

/* All zero: host_plan_release() of a plan never initialised is a no-op. */
#define HOST_PLAN_INIT { 0 }

/*
 * topology_xml: NULL for this host (whose running VMs then hold their CPUs,
 * except those named in exclude[]). host_config: NULL for VMS_DIR/host.toml
 * (if it exists). Returns 0, or -1 with the reason in err.
 */
int host_plan_init(struct host_plan *hp, const char *topology_xml, const char *host_config,
		   const struct vm_dirs *dirs, const char *const *exclude, size_t nr_exclude,
		   struct err *err);
void host_plan_release(struct host_plan *hp);

/*
 * host_plan_init() in two steps, for 'up', which loads the topology and
 * host.toml before it takes the root lock and holds only the VMs' CPUs
 * under it: load (no VM holds anything yet), then hold what every running
 * or starting VM but those in exclude[] owns.
 */
int host_plan_load(struct host_plan *hp, const char *topology_xml, const char *host_config,
		   const struct vm_dirs *dirs, struct err *err);
void host_plan_hold_vms(struct host_plan *hp, const char *const *exclude, size_t nr_exclude);
/*
 * host.toml alone (hp->topo left empty, hp->host unset): for a give-back,
 * whose host preparation reads the topology only if it needs it.
 */
int host_plan_load_config(struct host_plan *hp, const char *host_config, const struct vm_dirs *dirs, struct err *err);

/*
 * The CPUs VMs own now, running or being started (as host_plan_init()
 * holds them), without the topology: cheap enough to tell whether the
 * shared pool changed since a plan.
 */
void host_plan_owned_now(struct cpuset *owned);

#endif
