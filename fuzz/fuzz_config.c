/*
 * fuzz_config.c - libFuzzer target: TOML parser + schema + argv builder.
 *
 * Any input must end in a clean accept or a clean error: no crash, no leak,
 * no undefined behaviour (built with ASan+UBSan by 'make fuzz'). Accepted
 * configs also go through qemu_argv_build(), so every path from bytes to a
 * QEMU command line is covered.
 */
#include <stddef.h>
#include <stdint.h>

#include "config/vm_config.h"
#include "launcher/qemu/qemu_argv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;
	struct strvec argv = STRVEC_INIT, notes = STRVEC_INIT;
	struct qemu_runtime rt = { .run_dir = "/run/mvlaunch/f,uzz", .state_dir = "/var/lib/mvlaunch" };

	vm_config_init(&cfg);
	if (vm_config_parse("fuzz.toml", (const char *)data, size, &cfg, &err) == 0)
		qemu_argv_build(&cfg, NULL, &rt, &argv, &notes, &err);
	strvec_clear(&argv);
	strvec_clear(&notes);
	strbuf_release(&err);
	vm_config_release(&cfg);
	return 0;
}
