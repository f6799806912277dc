/*
 * vm_float.c - floating VMs follow the shared pool (see vm_float.h).
 *
 * DESIGN
 * The threads to move are found the way 'up' classified them: a thread
 * recorded in state.json with "floating", and any thread QEMU started later
 * when the emulator threads float (new threads inherit the emulator's
 * affinity). Each gets the whole pool; what the kernel then reports is
 * what state.json records, so 'status' compares against the new sets.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/vm/vm_float.h"
#include "launcher/vm/host_plan.h"
#include "launcher/vm/pin_apply.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_state.h"
#include "util/err.h"
#include "util/proc.h"
#include "util/wrapper.h"
#include "util/banned.h"

struct follow_ctx {
	const struct cpuset *pool;
	const char *except;
	struct strvec *notes;
	int any;		/* vm_float_any(): just look */
	const char *const *skip;	/* vm_float_any_but(): VMs not looked at */
	size_t nr_skip;
};

int vm_float_state(const struct vm_state *st)
{
	if (st->emulator_floating)
		return 1;
	for (size_t i = 0; i < st->threads.nr; i++)
		if (st->threads.t[i].floating)
			return 1;
	return 0;
}

static struct vm_thread *recorded(struct vm_state *st, pid_t tid)
{
	for (size_t i = 0; i < st->threads.nr; i++)
		if (st->threads.t[i].tid == tid)
			return &st->threads.t[i];
	return NULL;
}

/* Move st's floating threads onto pool; 1 when state.json must record new sets. */
static int follow_one(struct vm_state *st, const struct cpuset *pool, struct strvec *notes)
{
	pid_t *tids = NULL;
	size_t nr = 0;
	struct cpuset before;
	int moved = 0, have_before = 0, changed = 0;

	cpuset_zero(&before);
	if (proc_threads(st->pid, &tids, &nr) < 0)
		return 0;	/* gone meanwhile */
	for (size_t i = 0; i < nr; i++) {
		struct vm_thread *t = recorded(st, tids[i]);
		struct cpuset now;

		if (t ? !t->floating : !st->emulator_floating)
			continue;
		if (!have_before && pin_apply_get(tids[i], &before) == 0)
			have_before = 1;
		if (pin_apply_set(tids[i], pool) < 0 || pin_apply_get(tids[i], &now) < 0)
			continue;	/* a helper thread that ended meanwhile */
		if (!cpuset_equal(&now, pool)) {
			struct strbuf want = STRBUF_INIT, got = STRBUF_INIT;

			cpuset_format_label(pool, &want);
			cpuset_format_label(&now, &got);
			if (notes)
				strvec_pushf(notes, "cannot move thread %d of floating VM '%s' to %s (the kernel reports %s)",
				     (int)tids[i], st->name, want.buf, got.buf);
			strbuf_release(&want);
			strbuf_release(&got);
		}
		if (t && !cpuset_equal(&t->planned, &now)) {
			t->planned = now;
			changed = 1;
		}
		moved = 1;
	}
	free(tids);
	if (!moved)
		return 0;
	if (st->emulator_floating && !cpuset_equal(&st->emulator, pool)) {
		st->emulator = *pool;
		changed = 1;
	}
	if (notes && have_before && !cpuset_equal(&before, pool)) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

		cpuset_format_label(&before, &a);
		cpuset_format_label(pool, &b);
		strvec_pushf(notes, "floating VM '%s' moved from %s to %s, the CPUs no VM owns", st->name, a.buf, b.buf);
		strbuf_release(&a);
		strbuf_release(&b);
	}
	return changed;
}

static int each_vm(const char *name, void *data)
{
	struct follow_ctx *ctx = data;
	struct err err = ERR_INIT;
	struct vm_state st;
	char *path;

	if (ctx->except && !strcmp(ctx->except, name))
		return 0;
	for (size_t i = 0; i < ctx->nr_skip; i++)
		if (!strcmp(ctx->skip[i], name))
			return 0;
	if (!vm_state_load_running(name, &st))
		return 0;
	if (!vm_float_state(&st)) {
		vm_state_release(&st);
		return 0;
	}
	if (ctx->any) {
		vm_state_release(&st);
		return 1;
	}
	if (follow_one(&st, ctx->pool, ctx->notes)) {
		path = runtime_vm_path(name, "state.json");
		if (vm_state_write(path, &st, &err) < 0 && ctx->notes)
			strvec_pushf(ctx->notes, "floating VM '%s': %s", name, err.msg.buf);
		free(path);
	}
	err_release(&err);
	vm_state_release(&st);
	return 0;
}

void vm_float_follow(const struct cpuset *pool, const char *except, struct strvec *notes)
{
	struct follow_ctx ctx = { .pool = pool, .except = except, .notes = notes };

	runtime_for_each(each_vm, &ctx);
}

int vm_float_any(void)
{
	return vm_float_any_but(NULL, 0);
}

int vm_float_any_but(const char *const *names, size_t nr)
{
	struct follow_ctx ctx = { .any = 1, .skip = names, .nr_skip = nr };

	return runtime_for_each(each_vm, &ctx) == 1;
}

static int refresh(const struct vm_dirs *dirs, struct strvec *notes, struct err *err, int undo)
{
	struct host_plan hp = HOST_PLAN_INIT;
	struct cpuset pool;
	int root_fd, ret = -1;

	if (!vm_float_any())
		return 0;	/* nobody floats: no topology to load, no lock to take */
	root_fd = undo ? runtime_lock_root_undo(err) : runtime_lock_root(err);
	if (root_fd < 0)
		return -1;
	if (host_plan_init(&hp, NULL, NULL, dirs, NULL, 0, err) == 0) {
		pool = pin_plan_shared_pool(&hp.host);
		vm_float_follow(&pool, NULL, notes);
		ret = 0;
	}
	host_plan_release(&hp);
	close(root_fd);
	return ret;
}

int vm_float_refresh(const struct vm_dirs *dirs, struct strvec *notes, struct err *err)
{
	return refresh(dirs, notes, err, 0);
}

int vm_float_refresh_undo(const struct vm_dirs *dirs, struct strvec *notes, struct err *err)
{
	return refresh(dirs, notes, err, 1);
}

struct running_ctx {
	struct check_running *v;
	size_t nr, alloc;
};

static int gather(const char *name, void *data)
{
	struct running_ctx *ctx = data;
	struct check_running *r;
	struct vm_state st;

	if (!vm_state_load_running(name, &st))
		return 0;
	ALLOC_GROW(ctx->v, ctx->nr + 1, ctx->alloc);
	r = &ctx->v[ctx->nr++];
	memset(r, 0, sizeof(*r));
	r->name = xstrdup(name);
	r->pid = st.pid;
	r->owned = st.owned;
	if (vm_float_state(&st)) {
		pid_t *tids = NULL;
		size_t nr = 0;

		proc_threads(st.pid, &tids, &nr);
		for (size_t i = 0; i < nr; i++) {
			struct vm_thread *t = recorded(&st, tids[i]);
			struct cpuset now;

			if ((t ? t->floating : st.emulator_floating) && pin_apply_get(tids[i], &now) == 0)
				cpuset_or(&r->floating, &now);
		}
		free(tids);
	}
	vm_state_release(&st);
	return 0;
}

size_t vm_float_running(struct check_running **out)
{
	struct running_ctx ctx = { 0 };

	runtime_for_each(gather, &ctx);
	*out = ctx.v;
	return ctx.nr;
}

void vm_float_running_free(struct check_running *vms, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(vms[i].name);
	free(vms);
}
