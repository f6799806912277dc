/*
 * vm_host.c - host preparation tied to RUN_ROOT (see vm_host.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "launcher/vm/vm_host.h"
#include "launcher/vm/host_plan.h"
#include "launcher/vm/runtime.h"
#include "launcher/vm/vm_handle.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* name: it alone; names: each of them that is gone; neither: every VM that is gone. */
static int release(const char *name, const char *const *names, size_t nr, const struct vm_dirs *dirs,
		   struct strvec *notes, struct err *err)
{
	struct host_plan hp = HOST_PLAN_INIT;
	struct host_prep prep = HOST_PREP_INIT;
	int root_fd = -1, ret = -1;

	if (!vm_host_held())
		return 0;	/* nobody holds anything: no topology to load, no lock to take */
	/*
	 * host.toml, and the topology when host.toml has knobs that follow the
	 * host's CPUs or the shield, before the lock (a host shutdown gives
	 * back many VMs at once); else host preparation reads it only in case a
	 * shield left by an older host.toml must come down
	 */
	if (host_plan_load_config(&hp, NULL, dirs, err) < 0 ||
	    (host_prep_needs_cpus(&hp.hc) && host_topo_load(&hp.topo, &err->msg) < 0))
		goto out;
	root_fd = runtime_lock_root_undo(err);	/* a give-back: no signal cuts it short */
	if (root_fd < 0)
		goto out;
	vm_host_prep_init(&prep, &hp.hc, host_prep_needs_cpus(&hp.hc) ? &hp.topo : NULL, 0);
	if (name)
		ret = host_prep_unhold(&prep, name, err);
	else if (names)
		ret = host_prep_unhold_gone(&prep, names, nr, err);
	else
		ret = host_prep_reconcile(&prep, err);
	for (size_t i = 0; notes && i < prep.notes.nr; i++)
		strvec_push(notes, prep.notes.v[i]);
out:
	if (root_fd >= 0)
		close(root_fd);
	host_prep_release(&prep);
	host_plan_release(&hp);
	return ret;
}

int vm_host_needs_topo(const struct vm_dirs *dirs)
{
	struct host_plan hp = HOST_PLAN_INIT;
	struct err ignore = ERR_INIT;
	int needs = host_plan_load_config(&hp, NULL, dirs, &ignore) < 0 || host_prep_needs_cpus(&hp.hc);

	host_plan_release(&hp);
	err_release(&ignore);
	return needs;
}

int vm_host_reconcile(const struct vm_dirs *dirs, struct strvec *notes, struct err *err)
{
	return release(NULL, NULL, 0, dirs, notes, err);
}

int vm_host_held(void)
{
	char *state = runtime_host_state_path();
	int held = access(state, F_OK) == 0;

	free(state);
	return held;
}

int vm_host_release(const char *name, const struct vm_dirs *dirs, struct strvec *notes, struct err *err)
{
	return release(name, NULL, 0, dirs, notes, err);
}

int vm_host_release_gone(const char *const *names, size_t nr, const struct vm_dirs *dirs, struct strvec *notes,
			 struct err *err)
{
	return nr ? release(NULL, names, nr, dirs, notes, err) : 0;
}

int vm_host_alive(const char *name)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct qemu_proc p = QEMU_PROC_INIT;
	struct vm_state st;
	int fd, alive = 0;

	memset(&st, 0, sizeof(st));
	rt.name = xstrdup(name);
	rt.dir = runtime_vm_path(name, NULL);
	/* someone is starting or stopping it: its QEMU may not have said who it is yet */
	fd = open(rt.dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0) {
		if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK)
			alive = 1;
		close(fd);
	} else if (errno == ENOENT) {
		goto out;	/* no directory, none of the files that name its QEMU: gone */
	}
	if (!alive && vm_handle_find_qemu(&rt, &p, &st) == 0)
		alive = 1;
out:
	qemu_proc_release(&p);
	vm_state_release(&st);
	runtime_release(&rt);
	return alive;
}

static int add_qemu_pid(const char *name, void *data)
{
	struct { pid_t *v; size_t nr, alloc; } *pids = data;
	struct vm_state vs;

	if (vm_state_load_running(name, &vs)) {
		ALLOC_GROW(pids->v, pids->nr + 1, pids->alloc);
		pids->v[pids->nr++] = vs.pid;
		vm_state_release(&vs);
	}
	return 0;
}

static pid_t *running_qemu_pids(size_t *nr)
{
	struct { pid_t *v; size_t nr, alloc; } pids = { 0 };

	runtime_for_each(add_qemu_pid, &pids);
	*nr = pids.nr;
	return pids.v;
}

static const struct host_vms host_vms = { .alive = vm_host_alive, .qemu_pids = running_qemu_pids };

void vm_host_prep_init(struct host_prep *prep, const struct host_config *hc, const struct host_topo *topo, int dry_run)
{
	char *state = runtime_host_state_path();

	host_prep_init(prep, state, &host_vms, hc, topo, dry_run);
	free(state);
}

json_t *vm_host_status(struct err *err)
{
	char *state = runtime_host_state_path();
	json_t *st = host_prep_status(state, err);

	free(state);
	return st;
}
