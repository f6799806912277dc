/*
 * vm_load.h - find, read and validate a VM config for a command.
 */
#ifndef MVL_VM_LOAD_H
#define MVL_VM_LOAD_H

#include "launcher/vm/paths.h"
#include "config/vm_config.h"
#include "util/err.h"
#include "util/strbuf.h"

/*
 * Look 'arg' up (NAME or path), check who may have written it (and the QEMU
 * binary it names: util/trust.h), load it into cfg (initialised here) and
 * probe its disks. 0, or -1 with the reason in err; the config's warnings
 * are in cfg->warnings either way; cfg must be released by the caller.
 */
int vm_load(const char *arg, const struct vm_dirs *dirs, struct vm_config *cfg, struct err *err);

#endif
