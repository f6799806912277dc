/*
 * vm_repin.h - move a running VM's threads without a restart ('mvlaunch
 * repin'): put drifted threads back on their pins, give vCPUs or the
 * emulator new CPUs, or re-plan the VM among the other running VMs.
 *
 * The new pins are applied and read back from the kernel before they are
 * recorded. The records change so that a crash at any point leaves the old
 * or the new pins in state.json, whole, and host.json holding at least the
 * CPUs state.json says the VM owns: host.json first takes both the old and
 * the new CPUs, then the threads move and are checked, then state.json is
 * replaced (one rename), then host.json lets the old CPUs go. A thread a
 * crash left on the other set is drift, which 'status' shows and a plain
 * 'repin' puts back.
 */
#ifndef MVL_VM_REPIN_H
#define MVL_VM_REPIN_H

#include "launcher/vm/paths.h"
#include "launcher/vm/vm_handle.h"
#include "util/cpuset.h"
#include "util/err.h"
#include "util/strvec.h"

struct vm_repin_vcpu {
	unsigned vcpu;
	struct cpuset cpus;
};

struct vm_repin_req {
	int plan;			/* re-plan from the config, among the running VMs */
	struct vm_repin_vcpu *vcpus;	/* new CPUs for these vCPUs */
	size_t nr_vcpus;
	int has_emulator;
	struct cpuset emulator;		/* new CPUs for the emulator threads */
	int dry_run;			/* say what would move, move nothing */
	const struct vm_dirs *dirs;
};

/*
 * "N=CPUS" ("3=5", "0=4,40") into v. 0, or -1 with the reason in err.
 */
int vm_repin_parse_vcpu(const char *arg, struct vm_repin_vcpu *v, struct err *err);

/*
 * Repin the VM h is attached to (its runtime directory locked) as req says;
 * no change asked: every thread back on its recorded pin. One line per
 * thread that moves ("vcpu0: 1 -> 5") goes to report, warnings (a pin on a
 * reserved CPU) to notes. A CPU that is not online, a vCPU that does not
 * exist, or a CPU another running VM owns is an error and nothing moves;
 * a pin that does not hold puts every thread back. 0, or -1 with err.
 */
int vm_repin(struct vm_handle *h, const struct vm_repin_req *req, struct strvec *report, struct strvec *notes,
	     struct err *err);

#endif
