/*
 * vm_lg.h - Looking Glass's shared-memory file: made for a VM before its
 * QEMU starts, given to the desktop user who runs the client, removed once
 * QEMU is gone (through the runtime directory's cleaning, like swtpm).
 */
#ifndef MVL_VM_LG_H
#define MVL_VM_LG_H

#include "launcher/vm/runtime.h"
#include "config/vm_config.h"
#include "util/err.h"

/*
 * For cfg with looking_glass.enable and a path (a kvmfr device is the
 * module's: nothing to make): refuse a path another running VM's file is
 * (two VMs cannot share one frame buffer), make the file empty (QEMU sizes
 * it), mode 0660, owned by looking_glass.owner and that user's group, and
 * record it in RUN/lg.path so cleaning the runtime directory removes it.
 * 0, or -1 with the reason in err.
 */
int vm_lg_prepare(const struct vm_config *cfg, const struct vm_runtime *rt, struct err *err);

#endif
