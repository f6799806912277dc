/*
 * dl.c - symbols of a library loaded at run time (see dl.h).
 */
#include <dlfcn.h>

#include "util/dl.h"
#include "util/banned.h"

int dl_symbols(const char *lib, const char *why, const char *const *names, void **const *slots, size_t n,
	       struct strbuf *err)
{
	void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);

	if (!h) {
		strbuf_addf(err, "cannot load %s to %s: %s", lib, why, dlerror());
		goto fail;
	}
	for (size_t i = 0; i < n; i++) {
		*slots[i] = dlsym(h, names[i]);
		if (!*slots[i]) {
			strbuf_addf(err, "%s lacks %s", lib, names[i]);
			goto fail;
		}
	}
	return 0;
fail:
	for (size_t i = 0; i < n; i++)
		*slots[i] = NULL;
	return -1;
}
