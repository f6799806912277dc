/*
 * vm_repin.c - move a running VM's threads without a restart (see vm_repin.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/vm/vm_repin.h"
#include "launcher/vm/host_plan.h"
#include "launcher/vm/pin_apply.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_float.h"
#include "launcher/vm/vm_host.h"
#include "launcher/vm/vm_load.h"
#include "launcher/vm/vm_status.h"
#include "util/wrapper.h"
#include "util/banned.h"

int vm_repin_parse_vcpu(const char *arg, struct vm_repin_vcpu *v, struct err *err)
{
	const char *eq = strchr(arg, '=');
	char *end;
	unsigned long n;
	struct strbuf why = STRBUF_INIT;

	if (!eq || eq == arg) {
		strbuf_addf(&err->msg, "--vcpu '%s': expected N=CPUS (vCPU N on host CPUs CPUS, e.g. 3=5 or 0=4,40)", arg);
		return -1;
	}
	n = strtoul(arg, &end, 10);
	if (end != eq || n >= 4096) {
		strbuf_addf(&err->msg, "--vcpu '%s': '%.*s' is not a vCPU number", arg, (int)(eq - arg), arg);
		return -1;
	}
	if (cpuset_parse(&v->cpus, eq + 1, &why) < 0 || cpuset_empty(&v->cpus)) {
		strbuf_addf(&err->msg, "--vcpu '%s': %s", arg, why.len ? why.buf : "no CPU");
		strbuf_release(&why);
		return -1;
	}
	v->vcpu = (unsigned)n;
	strbuf_release(&why);
	return 0;
}

/* Which holder of the host (another running VM) owns a CPU of 'set'; NULL for none */
static const struct plan_holder *owner_of(const struct plan_host *host, const struct cpuset *set, int *cpu)
{
	for (size_t i = 0; i < host->nr_holders; i++) {
		struct cpuset both = host->holders[i].cpus;

		cpuset_and(&both, set);
		if (!cpuset_empty(&both)) {
			*cpu = cpuset_next(&both, 0);
			return &host->holders[i];
		}
	}
	return NULL;
}

/* The new pins asked for, checked against the host: in want[] (one per thread), and the new owned set */
static int wanted_pins(struct vm_handle *h, const struct vm_repin_req *req, struct host_plan *hp, struct cpuset *want,
		       int *floating, struct cpuset *owned, struct cpuset *emulator, int *emulator_float,
		       struct strvec *notes, struct err *err)
{
	struct vm_state *st = &h->state;
	size_t nr_vcpus = 0;
	struct cpuset old_vcpus, new_vcpus, check;
	int cpu;
	const struct plan_holder *who;

	for (size_t i = 0; i < st->threads.nr; i++) {
		want[i] = st->threads.t[i].planned;
		floating[i] = st->threads.t[i].floating;
		nr_vcpus += st->threads.t[i].role == ROLE_VCPU;
	}
	*owned = st->owned;
	*emulator = st->emulator;
	*emulator_float = st->emulator_floating;
	if (req->plan) {
		struct vm_config cfg;
		struct pin_plan plan;
		int ret = -1;

		if (vm_load(st->config, req->dirs, &cfg, err) < 0)
			goto plan_out;
		if (cfg.vcpus != nr_vcpus) {
			strbuf_addf(&err->msg, "%s now has %u vCPUs, but VM '%s' runs %zu: a new count needs a restart",
				    st->config, cfg.vcpus, h->rt.name, nr_vcpus);
			err_hintf(err, "'mvlaunch down %s' and 'mvlaunch up %s'", h->rt.name, h->rt.name);
			goto plan_out;
		}
		if (pin_plan_build(&hp->host, &cfg, &plan, notes, &err->msg) < 0)
			goto plan_out;
		for (size_t i = 0; i < st->threads.nr; i++) {
			const struct vm_thread *t = &st->threads.t[i];

			if (t->role == ROLE_VCPU && t->index >= 0 && (size_t)t->index < plan.nr_vcpus) {
				want[i] = plan.vcpu[t->index];
				floating[i] = plan.vcpus_float;
			} else if (t->role == ROLE_IOTHREAD) {
				want[i] = plan.iothread;
				floating[i] = plan.iothread_float;
				for (size_t j = 0; t->iothread && j < plan.nr_io_pins; j++) {
					if (!strcmp(plan.io_pins[j].id, t->iothread)) {
						want[i] = plan.io_pins[j].cpus;
						floating[i] = 0;
					}
				}
			} else if (t->role == ROLE_EMULATOR) {
				want[i] = plan.emulator;
				floating[i] = plan.emulator_float;
			}
		}
		*owned = plan.owned;
		*emulator = plan.emulator;
		*emulator_float = plan.emulator_float;
		pin_plan_release(&plan);
		ret = 0;
plan_out:
		vm_config_release(&cfg);
		return ret;
	}
	/* --vcpu, --emulator: checked here, as the planner checks explicit pins */
	cpuset_zero(&old_vcpus);
	cpuset_zero(&new_vcpus);
	for (size_t k = 0; k < req->nr_vcpus; k++) {
		const struct vm_repin_vcpu *v = &req->vcpus[k];
		struct cpuset off = v->cpus;
		int found = 0;

		cpuset_andnot(&off, &hp->topo.all);
		if (!cpuset_empty(&off)) {
			strbuf_addf(&err->msg, "--vcpu %u=...: CPU %d is not online", v->vcpu, cpuset_next(&off, 0));
			return -1;
		}
		for (size_t i = 0; i < st->threads.nr; i++) {
			const struct vm_thread *t = &st->threads.t[i];

			if (t->role == ROLE_VCPU && t->index == (int)v->vcpu) {
				cpuset_or(&old_vcpus, &t->planned);
				want[i] = v->cpus;
				floating[i] = 0;
				found = 1;
			}
		}
		if (!found) {
			strbuf_addf(&err->msg, "VM '%s' has no vCPU %u (it has %zu: 0 to %zu)", h->rt.name, v->vcpu, nr_vcpus,
				    nr_vcpus ? nr_vcpus - 1 : 0);
			return -1;
		}
		cpuset_or(&new_vcpus, &v->cpus);
	}
	if (req->has_emulator) {
		struct cpuset off = req->emulator;

		cpuset_andnot(&off, &hp->topo.all);
		if (!cpuset_empty(&off)) {
			strbuf_addf(&err->msg, "--emulator: CPU %d is not online", cpuset_next(&off, 0));
			return -1;
		}
		for (size_t i = 0; i < st->threads.nr; i++) {
			if (st->threads.t[i].role == ROLE_EMULATOR) {
				want[i] = req->emulator;
				floating[i] = 0;
			}
		}
		*emulator = req->emulator;
		*emulator_float = 0;
	}
	{
		struct cpuset kept = *owned, isolated = st->emulator;

		/* an isolated emulator CPU (owned, on no vCPU's CPU; dedicated VM or not) moves with the emulator */
		cpuset_and(&isolated, &st->owned);
		for (size_t i = 0; i < st->threads.nr; i++)
			if (st->threads.t[i].role == ROLE_VCPU)
				cpuset_andnot(&isolated, &st->threads.t[i].planned);
		if (req->has_emulator && !cpuset_empty(&isolated)) {
			cpuset_andnot(&kept, &isolated);
			cpuset_or(&kept, &req->emulator);
		}
		/* a dedicated VM owns its vCPUs' CPUs: the old ones go, the new ones come, those still used stay */
		if (st->dedicated) {
			cpuset_andnot(&kept, &old_vcpus);
			for (size_t i = 0; i < st->threads.nr; i++)
				if (st->threads.t[i].role == ROLE_VCPU)
					cpuset_or(&kept, &want[i]);
			if (!req->has_emulator)
				cpuset_or(&kept, &isolated);
		}
		*owned = kept;
	}
	/* never onto CPUs another running VM owns */
	check = new_vcpus;
	if (req->has_emulator)
		cpuset_or(&check, &req->emulator);
	if ((who = owner_of(&hp->host, &check, &cpu))) {
		strbuf_addf(&err->msg, "CPU %d is owned by running VM '%s'%s", cpu, who->name,
			    who->dedicated ? " (dedicated vCPUs)" : "");
		err_hintf(err, "'mvlaunch map' shows which CPUs are free; 'mvlaunch repin --plan %s' finds some", h->rt.name);
		return -1;
	}
	check = new_vcpus;
	cpuset_and(&check, &hp->host.reserved);
	if (!cpuset_empty(&check)) {
		struct strbuf l = STRBUF_INIT;

		cpuset_format(&check, &l);
		strvec_pushf(notes, "CPU %s kept for the host (reserved_cpus): vCPUs there share it with host tasks", l.buf);
		strbuf_release(&l);
	}
	return 0;
}

/* Set every thread to pins[i] and read them back; 0, or -1 with the first that did not hold */
static int move_threads(struct vm_threads *th, const struct cpuset *pins, struct err *err)
{
	for (size_t i = 0; i < th->nr; i++) {
		/* a helper thread may end meanwhile: that is no failure */
		if (pin_apply_set(th->t[i].tid, &pins[i]) < 0 && errno != ESRCH) {
			struct strbuf l = STRBUF_INIT, c = STRBUF_INIT;

			vm_thread_label(&th->t[i], &l);
			cpuset_format(&pins[i], &c);
			strbuf_addf(&err->msg, "cannot pin %s (tid %d) to CPUs %s: %s", l.buf, (int)th->t[i].tid, c.buf,
				    strerror(errno));
			strbuf_release(&l);
			strbuf_release(&c);
			return -1;
		}
	}
	pin_apply_read_back(th);
	for (size_t i = 0; i < th->nr; i++) {
		char gone[32];

		snprintf(gone, sizeof(gone), "/proc/%d", (int)th->t[i].tid);
		if (!cpuset_equal(&th->t[i].actual, &pins[i]) && access(gone, F_OK) == 0) {
			struct strbuf l = STRBUF_INIT, c = STRBUF_INIT, a = STRBUF_INIT;

			vm_thread_label(&th->t[i], &l);
			cpuset_format(&pins[i], &c);
			cpuset_format(&th->t[i].actual, &a);
			strbuf_addf(&err->msg, "%s (tid %d) is on CPUs %s after it was pinned to %s (a cgroup cpuset?)",
				    l.buf, (int)th->t[i].tid, a.buf, c.buf);
			strbuf_release(&l);
			strbuf_release(&c);
			strbuf_release(&a);
			return -1;
		}
	}
	return 0;
}

/* What state.json records of the pins: each thread's, the owned CPUs, the emulator's */
static void record_pins(struct vm_state *st, const struct cpuset *pins, const int *floating, const struct cpuset *owned,
			const struct cpuset *emulator, int emulator_float)
{
	for (size_t i = 0; i < st->threads.nr; i++) {
		st->threads.t[i].planned = pins[i];
		st->threads.t[i].floating = floating[i];
	}
	st->owned = *owned;
	st->emulator = *emulator;
	st->emulator_floating = emulator_float;
}

int vm_repin(struct vm_handle *h, const struct vm_repin_req *req, struct strvec *report, struct strvec *notes,
	     struct err *err)
{
	struct vm_state *st = &h->state;
	struct host_plan hp = HOST_PLAN_INIT;
	struct host_prep prep = HOST_PREP_INIT;
	struct cpuset *want = NULL, *old = NULL, owned, both, emulator, old_owned, old_emulator, pool;
	int *floating = NULL, *old_floating = NULL, old_emulator_float;
	const char *self[] = { h->rt.name };
	int root_fd = -1, emulator_float, held = 0, ret = -1;
	char *state_path = NULL;

	if (!st->name || !st->threads.nr) {
		strbuf_addf(&err->msg, "VM '%s' has no state.json with its pins ('up' has not finished, or it is stale)",
			    h->rt.name);
		return -1;
	}
	/* from the plan to the records, no 'up' hands out CPUs */
	root_fd = runtime_lock_root(err);
	if (root_fd < 0 || host_plan_init(&hp, NULL, NULL, req->dirs, self, 1, err) < 0)
		goto out;
	vm_status_refresh_threads(st);
	pin_apply_read_back(&st->threads);
	want = xcalloc(st->threads.nr, sizeof(*want));
	old = xcalloc(st->threads.nr, sizeof(*old));
	floating = xcalloc(st->threads.nr, sizeof(*floating));
	old_floating = xcalloc(st->threads.nr, sizeof(*old_floating));
	for (size_t i = 0; i < st->threads.nr; i++) {
		old[i] = st->threads.t[i].planned;
		old_floating[i] = st->threads.t[i].floating;
	}
	old_owned = st->owned;
	old_emulator = st->emulator;
	old_emulator_float = st->emulator_floating;
	if (wanted_pins(h, req, &hp, want, floating, &owned, &emulator, &emulator_float, notes, err) < 0)
		goto out;
	/* the shared pool with this VM's new CPUs taken out: its own floating threads follow it too */
	if (!req->plan)
		pin_plan_host_hold(&hp.host, h->rt.name, &owned, st->dedicated);
	pool = pin_plan_shared_pool(&hp.host);
	for (size_t i = 0; i < st->threads.nr; i++)
		if (floating[i])
			want[i] = st->threads.t[i].role == ROLE_EMULATOR && !emulator_float ? emulator : pool;
	if (emulator_float)
		emulator = pool;
	for (size_t i = 0; i < st->threads.nr; i++) {
		const struct vm_thread *t = &st->threads.t[i];
		struct strbuf l = STRBUF_INIT, from = STRBUF_INIT, to = STRBUF_INIT;

		vm_thread_label(t, &l);
		cpuset_format(&t->actual, &from);
		cpuset_format(&want[i], &to);
		if (!cpuset_equal(&t->actual, &want[i]))
			strvec_pushf(report, "%s (tid %d): %s -> %s%s", l.buf, (int)t->tid, from.buf, to.buf,
				     cpuset_equal(&want[i], &t->planned) ? " (back on its pin)" : "");
		strbuf_release(&l);
		strbuf_release(&from);
		strbuf_release(&to);
	}
	if (req->dry_run) {
		ret = 0;
		goto out;
	}
	/* 1: host.json holds the old and the new CPUs */
	vm_host_prep_init(&prep, &hp.hc, &hp.topo, 0);
	both = st->owned;
	cpuset_or(&both, &owned);
	if (host_prep_set_cpus(&prep, h->rt.name, &both, err) < 0)
		goto out;
	held = 1;
	/* 2: the threads move, and are read back; a pin that does not hold moves them all back */
	if (move_threads(&st->threads, want, err) < 0) {
		struct err e2 = ERR_INIT;

		move_threads(&st->threads, old, &e2);
		err_release(&e2);
		goto out;
	}
	/* 3: state.json, whole, in one rename */
	record_pins(st, want, floating, &owned, &emulator, emulator_float);
	state_path = runtime_path(&h->rt, "state.json");
	if (vm_state_write(state_path, st, err) < 0) {
		struct err e2 = ERR_INIT;

		/* the old pins, whole, in memory as on disk; the threads back on them */
		record_pins(st, old, old_floating, &old_owned, &old_emulator, old_emulator_float);
		move_threads(&st->threads, old, &e2);
		err_release(&e2);
		goto out;
	}
	/* 4: host.json lets the old CPUs go; floating VMs follow the shared pool */
	held = 0;
	if (host_prep_set_cpus(&prep, h->rt.name, &owned, err) < 0)
		goto out;
	vm_float_follow(&pool, h->rt.name, notes);
	ret = 0;
out:
	if (held) {
		struct err e2 = ERR_INIT;

		host_prep_set_cpus(&prep, h->rt.name, &old_owned, &e2);
		err_release(&e2);
	}
	free(floating);
	free(old_floating);
	free(state_path);
	free(want);
	free(old);
	host_prep_release(&prep);
	host_plan_release(&hp);
	if (root_fd >= 0)
		close(root_fd);
	return ret;
}
