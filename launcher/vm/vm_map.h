/*
 * vm_map.h - what 'map' and 'plan' draw (launcher/plan/host_map.h): the
 * running VMs as their state.json records them, and planned ones.
 */
#ifndef MVL_VM_MAP_H
#define MVL_VM_MAP_H

#include "launcher/plan/host_map.h"
#include "launcher/plan/pin_plan.h"
#include "launcher/vm/vm_state.h"

struct vm_map {
	struct map_vm *vms;
	size_t nr;
	struct cpuset **owned_sets;	/* each entry's vCPU sets: owned here */
	char **names;
};

#define VM_MAP_INIT { NULL, 0, NULL, NULL }

/* Add every running VM (its pins as applied), except those named in exclude[]. */
void vm_map_add_running(struct vm_map *m, const char *const *exclude, size_t nr_exclude);
/* Add a planned VM. */
void vm_map_add_plan(struct vm_map *m, const char *name, const struct pin_plan *p);
void vm_map_release(struct vm_map *m);

#endif
