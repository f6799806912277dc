/*
 * vm_map.c - the VMs a host map draws (see vm_map.h).
 */
#include <stdlib.h>
#include <string.h>

#include "launcher/vm/vm_map.h"
#include "launcher/vm/runtime.h"
#include "util/wrapper.h"
#include "util/banned.h"

static struct map_vm *add(struct vm_map *m, const char *name, size_t nr_vcpus)
{
	struct map_vm *vm;

	m->vms = xrealloc(m->vms, (m->nr + 1) * sizeof(*m->vms));
	m->owned_sets = xrealloc(m->owned_sets, (m->nr + 1) * sizeof(*m->owned_sets));
	m->names = xrealloc(m->names, (m->nr + 1) * sizeof(*m->names));
	vm = &m->vms[m->nr];
	memset(vm, 0, sizeof(*vm));
	m->names[m->nr] = xstrdup(name);
	m->owned_sets[m->nr] = xcalloc(nr_vcpus ? nr_vcpus : 1, sizeof(struct cpuset));
	vm->name = m->names[m->nr];
	vm->vcpu = m->owned_sets[m->nr];
	vm->nr_vcpus = nr_vcpus;
	m->nr++;
	return vm;
}

struct running {
	struct vm_map *m;
	const char *const *exclude;
	size_t nr_exclude;
};

static int add_one(const char *name, void *data)
{
	struct running *r = data;
	struct vm_state st;
	struct map_vm *vm;
	size_t nr = 0;

	for (size_t i = 0; i < r->nr_exclude; i++)
		if (!strcmp(r->exclude[i], name))
			return 0;
	if (!vm_state_load_running(name, &st))
		return 0;
	for (size_t i = 0; i < st.threads.nr; i++)
		if (st.threads.t[i].role == ROLE_VCPU && st.threads.t[i].index >= 0 && (size_t)st.threads.t[i].index >= nr)
			nr = (size_t)st.threads.t[i].index + 1;
	vm = add(r->m, name, nr);
	for (size_t i = 0; i < st.threads.nr; i++) {
		const struct vm_thread *t = &st.threads.t[i];

		if (t->role == ROLE_VCPU && t->index >= 0)
			((struct cpuset *)vm->vcpu)[t->index] = t->planned;
		else if (t->role == ROLE_IOTHREAD && !t->floating)
			cpuset_or(&vm->iothreads, &t->planned);
	}
	vm->emulator = st.emulator;
	vm->emulator_float = st.emulator_floating;
	vm->owned = st.owned;
	vm->dedicated = st.dedicated;
	vm_state_release(&st);
	return 0;
}

void vm_map_add_running(struct vm_map *m, const char *const *exclude, size_t nr_exclude)
{
	struct running r = { m, exclude, nr_exclude };

	runtime_for_each(add_one, &r);
}

void vm_map_add_plan(struct vm_map *m, const char *name, const struct pin_plan *p)
{
	struct map_vm *vm = add(m, name, p->nr_vcpus);

	for (size_t i = 0; i < p->nr_vcpus; i++)
		((struct cpuset *)vm->vcpu)[i] = p->vcpu[i];
	vm->emulator = p->emulator;
	vm->emulator_float = p->emulator_float;
	/* iothreads where the emulator runs are drawn as the emulator (a VM may have none) */
	if (!p->iothread_float && !cpuset_equal(&p->iothread, &p->emulator))
		vm->iothreads = p->iothread;
	for (size_t i = 0; i < p->nr_io_pins; i++)
		cpuset_or(&vm->iothreads, &p->io_pins[i].cpus);
	vm->owned = p->owned;
	vm->dedicated = p->dedicated;
}

void vm_map_release(struct vm_map *m)
{
	for (size_t i = 0; i < m->nr; i++) {
		free(m->names[i]);
		free(m->owned_sets[i]);
	}
	free(m->names);
	free(m->owned_sets);
	free(m->vms);
	memset(m, 0, sizeof(*m));
}
