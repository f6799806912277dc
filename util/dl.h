/*
 * dl.h - a library loaded at run time, for the few calls mvlaunch makes of
 * one it does not link (libsystemd for the shield, libkmod for vfio_pci):
 * a host without it still runs every command that does not need it.
 */
#ifndef MVL_DL_H
#define MVL_DL_H

#include <stddef.h>

#include "util/strbuf.h"

/*
 * dlopen() 'lib' and set *slots[i] to its symbol names[i], for i < n.
 * 0, or -1 with "cannot load LIB to WHY: ..." or "LIB lacks NAME" in err and
 * every slot NULL.
 */
int dl_symbols(const char *lib, const char *why, const char *const *names, void **const *slots, size_t n,
	       struct strbuf *err);

#endif
