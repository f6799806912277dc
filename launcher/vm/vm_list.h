/*
 * vm_list.h - every VM at a glance ('mvlaunch list'): those running (a
 * runtime directory) and, with 'all', every config in the VMs directory,
 * with what each is doing and what it asks for.
 */
#ifndef MVL_VM_LIST_H
#define MVL_VM_LIST_H

#include <stdint.h>
#include <sys/types.h>

#include "launcher/vm/paths.h"

struct vm_list_entry {
	char *name;
	/* "running", "paused", ... (QMP), "crashed", "stopped" (no runtime directory) */
	char *state;
	int vcpus;		/* -1: unknown (the config does not load) */
	uint64_t memory_bytes;	/* 0: unknown */
	char *pins;		/* "dedicated 4-5,40-41", "auto", "floating", "4-7 (explicit)" */
	int autostart;		/* a systemd unit for it is enabled */
	pid_t pid;		/* 0 when not running */
	long long uptime_s;	/* -1 when not running */
	char *error;		/* why its config does not load, or NULL */
};

/*
 * The VMs, sorted by name: the running ones, and with 'all' every
 * NAME.toml of the VMs directory (host.toml aside). Caller frees with
 * vm_list_free().
 */
size_t vm_list(const struct vm_dirs *dirs, int all, struct vm_list_entry **out);
void vm_list_free(struct vm_list_entry *e, size_t nr);

/*
 * Whether a systemd unit of VM name is enabled: 'systemctl enable
 * mvlaunch@NAME' links mvlaunch@NAME.service into a TARGET.wants directory
 * of /etc/systemd/system ($MVLAUNCH_SYSROOT moves it), which is what
 * this reads.
 */
int vm_list_autostart(const char *name);

#endif
