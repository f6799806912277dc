/*
 * vm_import.h - what 'mvlaunch import --diff' compares: the QEMU command line
 * libvirt runs for a domain and the one mvlaunch runs for its import.
 */
#ifndef MVL_VM_IMPORT_H
#define MVL_VM_IMPORT_H

#include <stddef.h>

#include "config/libvirt_import.h"
#include "launcher/vm/paths.h"
#include "util/err.h"
#include "util/strvec.h"

/*
 * libvirt's argv for the domain 'xml' (len bytes): 'virsh [-c connect]
 * domxml-to-native qemu-argv FILE' run without a shell (virsh from PATH),
 * its output split into words; and mvlaunch's for imp (planned as 'argv
 * --bare' plans it, on this host or 'topology'), from a private temporary
 * directory that is removed again. 0, or -1 with the reason in err.
 */
int vm_import_argvs(const char *xml, size_t len, const struct libvirt_import *imp, const char *connect,
		    const char *topology, const struct vm_dirs *dirs, struct strvec *libvirt_argv,
		    struct strvec *mvl_argv, struct err *err);

#endif
