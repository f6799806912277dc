/*
 * check.h - host readiness checks: one line each, PASS / WARN / FAIL, and
 * for each non-pass the concrete fix (a command, or the file line to change).
 *
 * The checks follow redis's syscheck.c: each is a small function that looks
 * at one thing and adds its verdict to a report; 'mvlaunch check' runs them
 * all and the command prints the report; 'up' runs the cheap FAIL-level ones
 * for its VM before it changes anything (check_vm_for_up(): one table in
 * check_vm.c says which check runs when). Every sysfs/procfs/dev path goes
 * through $MVLAUNCH_SYSROOT, so the checks run on a fake tree in tests.
 */
#ifndef MVL_CHECK_H
#define MVL_CHECK_H

#include <jansson.h>
#include <sys/types.h>

#include "launcher/plan/pin_plan.h"
#include "config/vm_config.h"
#include "util/strbuf.h"
#include "util/strvec.h"

enum check_level { CHECK_PASS, CHECK_WARN, CHECK_FAIL };

struct check_item {
	char *vm;		/* NULL for the host */
	char *check;		/* "kvm", "disks", "cpu-pm", ... */
	int level;
	char *message;
	char *fix;		/* NULL for PASS */
};

struct check_report {
	struct check_item *items;
	size_t nr, alloc;
	const char *vm;		/* the VM the next items are about (NULL: the host) */
};

void check_report_init(struct check_report *r);
void check_report_release(struct check_report *r);
/* Add one verdict; fix may be NULL. */
__attribute__((format(printf, 5, 6)))
void check_add(struct check_report *r, const char *check, int level, const char *fix, const char *fmt, ...);
/* How many items have this level. */
size_t check_count(const struct check_report *r, int level);
/* "PASS", "WARN" or "FAIL". */
const char *check_level_name(int level);
/* {"checks": [{"vm", "check", "status", "message", "fix"}], "pass", "warn", "fail"} (new reference). */
json_t *check_report_json(const struct check_report *r);

/* What /dev/kvm offers (check_kvm() fills it). */
struct kvm_caps {
	int usable;		/* opened, API version 12 */
	int disable_exits;	/* KVM_CAP_X86_DISABLE_EXITS: KVM_X86_DISABLE_EXITS_* bits, 0 if none */
	int halt_poll;		/* KVM_CAP_HALT_POLL */
	int smm;		/* KVM_CAP_X86_SMM: guests may have SMM (Secure Boot OVMF needs it) */
};

/* ---- the host (check_host.c) ---- */

/*
 * Open /dev/kvm and ask it; 0, or -1 with the reason in err (caps zeroed),
 * KVM_NOT_KVM when it opens but does not answer as KVM.
 */
int check_host_kvm_caps(struct kvm_caps *caps, struct strbuf *err);
#define KVM_NOT_KVM (-2)
/* /dev/kvm and its capabilities; FAIL when it is unusable and 'need' is set, WARN otherwise. */
void check_kvm(struct check_report *r, int need, struct kvm_caps *caps);
/* The cpufreq governor of 'cpus': performance, else a WARN; PASS on a host without cpufreq. */
void check_governor(struct check_report *r, const struct cpuset *cpus);
/* KSM, THP, and the cpufreq governor of 'cpus' (all online CPUs when NULL or empty). */
void check_host_knobs(struct check_report *r, const struct cpuset *cpus);
/* A running VM as the floating check sees it (vm_float_running() gathers them). */
struct check_running {
	char *name;
	pid_t pid;
	struct cpuset owned;		/* its dedicated CPUs */
	struct cpuset floating;		/* where its floating threads run now (empty: none float) */
};
/*
 * A VM that floats over the shared pool must not run on a CPU a dedicated VM
 * owns (one started later by something that did not move it, or moved back
 * by hand): WARN with the taskset that fixes it.
 */
void check_floating(struct check_report *r, const struct check_running *vms, size_t n);

/*
 * The CPUs a kernel command line parameter lists ("isolcpus=managed_irq,domain,2-5"
 * gives 2-5). 1 when the parameter is there, 0 when not. Pure.
 */
int check_host_cmdline_cpus(const char *cmdline, const char *param, struct cpuset *cpus);

/* ---- one VM (check_vm.c) ---- */

/* What the VM checks need to know besides the config. */
struct vm_check_ctx {
	const struct vm_config *cfg;
	const struct plan_host *host;	/* after planning this VM */
	const struct pin_plan *plan;	/* NULL when planning failed */
	const char *plan_error;		/* why, when it failed */
	const struct strvec *plan_warnings;
	const struct kvm_caps *kvm;
	const struct strvec *argv;	/* QEMU argv (for the option checks), or NULL */
};

/* Every VM check, the QEMU probe included. */
void check_vm(struct check_report *r, const struct vm_check_ctx *ctx);
/* WARN for each [[input]] evdev that two of cfgs[0..n-1] name: only one VM can grab a device. */
void check_inputs_shared(struct check_report *r, const struct vm_config *cfgs, size_t n);
/* The cheap FAIL-level checks 'up' runs first (no QEMU probe); 'force' lets a non-dedicated cpu_pm VM pass. */
void check_vm_for_up(struct check_report *r, const struct vm_check_ctx *ctx, int force);

/*
 * Whether the VM's vCPUs are dedicated in the sense cpu-pm needs: each on
 * a hardware thread of its own, shared with no other vCPU, no other VM, no
 * emulator or I/O thread and not kept for the host. 1, or 0 with the first
 * reason in why. Pure.
 */
int check_vm_cpu_pm_dedicated(const struct plan_host *host, const struct vm_config *cfg, const struct pin_plan *plan,
		     struct strbuf *why);

/* ---- QEMU itself (check_qemu.c) ---- */

/*
 * Start cfg's QEMU binary with no machine, paused, and ask it over QMP for
 * its version, machine types, command line options and the expansion of
 * cfg's CPU model: the QEMU, machine, options and cpu.require checks.
 */
void check_qemu(struct check_report *r, const struct vm_check_ctx *ctx);

#endif
