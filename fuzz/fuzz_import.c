/*
 * fuzz_import.c - libFuzzer target: 'mvlaunch import' of libvirt domain XML.
 *
 * Bytes go through libxml2, the importer's mapping and sweep, the TOML it
 * renders and vm_config_parse() of that TOML. Any input must end in a clean
 * import or a clean error: no crash, no leak, no undefined behaviour. An
 * import that succeeds must be a config mvlaunch parses (the importer checks
 * it itself; this target makes every accepted input prove it).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "config/libvirt_import.h"
#include "config/vm_config.h"
#include "util/wrapper.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct libvirt_import imp = LIBVIRT_IMPORT_INIT;
	struct strbuf err = STRBUF_INIT;

	if (libvirt_import("fuzz.xml", (const char *)data, size, NULL, &imp, &err) == 0) {
		struct vm_config cfg;
		struct strbuf perr = STRBUF_INIT;
		char *file = xstrfmt("%s.toml", imp.name);

		vm_config_init(&cfg);
		if (vm_config_parse(file, imp.toml.buf, imp.toml.len, &cfg, &perr) < 0)
			abort();	/* the importer returned a config mvlaunch refuses */
		vm_config_release(&cfg);
		strbuf_release(&perr);
		free(file);
	}
	libvirt_import_release(&imp);
	strbuf_release(&err);
	return 0;
}
