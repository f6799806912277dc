/*
 * vm_plan.h - plan one VM on this host (or an XML topology) the way 'up' does.
 *
 * 'up' and 'argv' both call this, so the argv 'argv' prints is the one 'up'
 * runs: the same topology, host.toml, running VMs (the VM itself excepted),
 * planner, and the same notes (pins on reserved CPUs, memory a node lacks).
 */
#ifndef MVL_VM_PLAN_H
#define MVL_VM_PLAN_H

#include "launcher/vm/paths.h"
#include "util/err.h"
#include "launcher/vm/host_plan.h"
#include "launcher/plan/pin_plan.h"
#include "launcher/qemu/qemu_argv.h"

/*
 * Gather the host into hp (topology_xml: NULL for this host) and plan cfg
 * into plan. Notes worth showing go to notes. 0, or -1 with the reason in
 * err. The caller releases hp and plan either way.
 */
int vm_plan_one(const struct vm_config *cfg, const char *topology_xml, const struct vm_dirs *dirs,
		struct host_plan *hp, struct pin_plan *plan, struct strvec *notes, struct err *err);

/* The planning half of vm_plan_one() on a host already gathered (hp's VMs held). */
int vm_plan_build(const struct vm_config *cfg, struct host_plan *hp, struct pin_plan *plan, struct strvec *notes,
		  struct err *err);

/*
 * Where 'up' puts QEMU's runtime files for cfg (run_dir and log_dir are allocated:
 * free them with vm_plan_qemu_runtime_release()). 'bare': none of them (only what the config
 * describes, a command line that runs on its own).
 */
/*
 * Both ways rt->uuid is the VM's (vm_uuid.c) unless the config gives one;
 * *uuid_kept says whether it is on disk already. 0, or -1 with err (a kept
 * UUID file that is not one); release rt either way.
 */
int vm_plan_qemu_runtime(const struct vm_config *cfg, int bare, struct qemu_runtime *rt, int *uuid_kept,
			 struct err *err);
void vm_plan_qemu_runtime_release(struct qemu_runtime *rt);

#endif
