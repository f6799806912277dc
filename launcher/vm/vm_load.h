/*
 * vm_load.h - find, read and validate a VM config for a command.
 */
#ifndef MVL_VM_LOAD_H
#define MVL_VM_LOAD_H

#include "launcher/cmd/commands.h"
#include "launcher/vm/vm_up.h"
#include "config/vm_config.h"

/*
 * Look 'arg' up (NAME or path), load it into cfg (initialised here) and print
 * its warnings and errors. Returns 0, or -1 after printing; cfg must be
 * released by the caller either way.
 */
int vm_load(const char *arg, const struct mvl_opts *opts, struct vm_config *cfg);

/*
 * Look at each disk.path on the host: a block device gets QEMU's
 * host_device driver (host_cdrom for an optical drive), anything else
 * "file". vm_load() calls it.
 */
void vm_disks_probe(struct vm_config *cfg);

/*
 * vm_load(), then vm_up(), printing notes and errors: the start 'up' and
 * 'run' share. 0 or -1; the caller releases cfg and h either way.
 */
int vm_load_up(const char *arg, const struct mvl_opts *opts, const struct vm_up_opts *up,
	       struct vm_config *cfg, struct vm_handle *h);

#endif
