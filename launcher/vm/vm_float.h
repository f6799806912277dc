/*
 * vm_float.h - floating VMs follow the shared pool.
 *
 * A VM without pins, with pinning.policy = "shared", or with emulator or
 * iothreads = "share", floats over the shared pool: every CPU no VM owns
 * (pin_plan_shared_pool()). The pool shrinks when a dedicated VM starts and
 * grows when it stops, and the floating threads of running VMs follow it,
 * so they never compete with a dedicated vCPU (the shared pool of the
 * Kubernetes CPU manager works the same way).
 */
#ifndef MVL_VM_FLOAT_H
#define MVL_VM_FLOAT_H

#include "launcher/check/check.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/vm_state.h"
#include "util/cpuset.h"
#include "util/err.h"
#include "util/strbuf.h"
#include "util/strvec.h"

/*
 * Move every floating thread of every running VM (but 'except', may be NULL)
 * onto 'pool', read the pins back, and record them in each VM's state.json.
 * The caller holds the runtime root's lock (the one 'up' holds while it
 * hands out CPUs), so no other command writes those files meanwhile. A
 * thread that cannot move is a note; a VM whose set changed gets one too.
 */
void vm_float_follow(const struct cpuset *pool, const char *except, struct strvec *notes);

/*
 * After a VM stopped: if any running VM floats, take the root lock, work
 * the pool out again from the running VMs and let them follow it. 0, or -1
 * with the reason in err.
 */
int vm_float_refresh(const struct vm_dirs *dirs, struct strvec *notes, struct err *err);
/*
 * The same, but a pending Ctrl-C or SIGTERM does not end its wait for the
 * root lock: what follows a give-back ('down' with a signal pending: the
 * VMs left still follow the CPUs the stopped one gave back).
 */
int vm_float_refresh_undo(const struct vm_dirs *dirs, struct strvec *notes, struct err *err);

/* Whether st has floating threads (its emulator, or one recorded "floating"). */
int vm_float_state(const struct vm_state *st);

/* Whether some running VM has floating threads. */
int vm_float_any(void);
/* The same among the VMs not in names[] (those 'down A B' stops: none of them follows the pool after). */
int vm_float_any_but(const char *const *names, size_t nr);

/*
 * Every running VM for check_floating(): the CPUs it owns and where its
 * floating threads run now (read from the kernel). Returns how many; free
 * the array with vm_float_running_free().
 */
size_t vm_float_running(struct check_running **out);
void vm_float_running_free(struct check_running *vms, size_t n);

#endif
