/*
 * host_prep.h - host knobs and hugepages while VMs run, undone exactly.
 *
 * While at least one VM (or a manual 'host prepare') holds the host, the
 * knobs host.toml sets are applied: THP, vm.stat_interval, kernel.watchdog,
 * KSM, perf limits, the writeback workqueue and movable IRQs on the CPUs no
 * VM owns, the cpufreq governor of VM CPUs, and the CPU shield (shield.h). Each VM also holds the hugepages
 * its memory needs, on the nodes its memory is bound to, and the PCI
 * functions of its managed passthrough devices' IOMMU groups on vfio-pci
 * (vfio.h). The first holder
 * records every original value; the last one to leave writes them back:
 * the values the host had, not defaults.
 *
 * State lives in the file the caller names (RUN_ROOT/host.json), written atomically (temp file, fsync,
 * rename) under the runtime root's lock, and always before the host itself
 * changes: an original value is on disk before its file is written. Every
 * call first reconciles: a VM whose QEMU is gone (crashed, killed) no longer
 * holds anything, and what a killed command left half done is finished or
 * undone. host.json is checked on every read: a path mvlaunch would never
 * write, or a file that is not this user's own, is refused.
 */
#ifndef MVL_HOST_PREP_H
#define MVL_HOST_PREP_H

#include <jansson.h>
#include <sys/types.h>

#include "launcher/host/host_state.h"
#include "util/err.h"
#include "launcher/plan/pin_plan.h"
#include "config/host_config.h"
#include "config/vm_config.h"
#include "util/strvec.h"


/*
 * What host preparation must know of VMs, told by the layer that runs them
 * (this one knows nothing of VM runtime directories).
 */
struct host_vms {
	/* Whether holder NAME's VM may still hold the host: its QEMU runs or may be starting. */
	int (*alive)(const char *name);
	/* The pids of every running QEMU, kept out of the shield: a new array (NULL if none), its length in *nr. */
	pid_t *(*qemu_pids)(size_t *nr);
};

struct host_prep {
	char *state_file;		/* host.json: a copy of host_prep_init()'s */
	const struct host_vms *vms;
	const struct host_config *hc;
	const struct host_topo *topo;	/* NULL: this host's, read when first needed (loaded) */
	struct host_topo *loaded;
	int dry_run;			/* list changes, make none */
	struct strvec changes;		/* "path: old -> new", in order */
	struct strvec notes;		/* what could not be done (no cpufreq, an IRQ that will not move) */
	int no_cpufreq_noted;
	char *qemu_cgroup_procs;	/* after a hold with a shield: where QEMU puts itself (shield.h) */
};

/* All zero: host_prep_release() of one never initialised is a no-op. */
#define HOST_PREP_INIT { 0 }

/*
 * hc may be NULL for a release or reconcile: nothing new is held then. topo
 * NULL: this host's topology is read (host_topo_load()) only if a holder or
 * the shield needs it; a state of grants alone (floating VMs) never does, so
 * their give-back reads no sysfs topology, which on a big host is thousands
 * of files.
 */
void host_prep_init(struct host_prep *hp, const char *state_file, const struct host_vms *vms,
		    const struct host_config *hc, const struct host_topo *topo, int dry_run);
void host_prep_release(struct host_prep *hp);
/*
 * Whether host preparation under hc follows the host's CPUs (the knobs
 * writeback_cpumask and irq_affinity, the shield): then it needs the
 * topology (a caller that would rather read it before the root lock).
 */
int host_prep_needs_cpus(const struct host_config *hc);

/*
 * VM 'name' (cfg, plan) starts holding the host: its hugepages, then (as
 * first holder) the host-wide knobs; the CPU-dependent knobs follow its CPUs.
 * The caller holds the runtime root lock. 0, or -1 with the reason in err
 * (a hugepage shortfall with the numbers, a PCI function that would not
 * bind) and every change of this call undone.
 */
int host_prep_hold(struct host_prep *hp, const char *name, const struct vm_config *cfg, const struct pin_plan *plan,
		   struct err *err);
/*
 * The CPUs holder 'name' owns are now 'cpus' (a live repin): the
 * CPU-dependent knobs and the shield follow. Nothing to do when 'name'
 * holds nothing on the host. The caller holds the runtime root lock. 0 or -1.
 */
int host_prep_set_cpus(struct host_prep *hp, const char *name, const struct cpuset *cpus, struct err *err);
/*
 * VM 'name' uses the files and devices of l as QEMU's user u: each it
 * cannot reach yet is granted (grant.h), recorded in host.json first, and
 * then every path is checked again as the user. The caller holds the
 * runtime root lock. 0, or -1 with the reason in err and this call's grants
 * undone: what 'name' held before (a running VM's 'insert') stays held.
 * host_prep_unhold() and the crash sweep take them back.
 */
struct qemu_user;
struct grant_list;
int host_prep_grant(struct host_prep *hp, const char *name, const struct qemu_user *u, const struct grant_list *l,
		    struct err *err);
/* 'name' no longer uses any file: each it held alone is put back (a run of it that was killed). 0 or -1. */
int host_prep_ungrant(struct host_prep *hp, const char *name, struct err *err);
/* 'name' lets go (its grants included); the last holder restores every original value. 0 or -1. */
int host_prep_unhold(struct host_prep *hp, const char *name, struct err *err);
/*
 * host_prep_unhold() of each of names whose VM is gone (not alive: a 'down'
 * stopped it), in one load and write of host.json and one sync of the host:
 * the give-back of a host shutdown. A name started again since keeps what
 * it holds. 0 or -1.
 */
int host_prep_unhold_gone(struct host_prep *hp, const char *const *names, size_t nr, struct err *err);
/* Drop holders whose VM is gone. 0 or -1. */
int host_prep_reconcile(struct host_prep *hp, struct err *err);

/* How many of cfg's [[passthrough]] devices are managed: bound to vfio-pci by up (cfg may be NULL). */
int host_prep_managed(const struct vm_config *cfg);

/* host.json (state_file) as JSON (new reference), with the current value of every knob; NULL on error. */
json_t *host_prep_status(const char *state_file, struct err *err);

#endif
