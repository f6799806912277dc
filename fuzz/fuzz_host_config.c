/*
 * fuzz_host_config.c - libFuzzer target: host.toml (TOML parser + host key table).
 *
 * Whatever host.toml says must end in a clean accept or a clean error with
 * its line: no crash, no leak, no undefined behaviour.
 */
#include <stddef.h>
#include <stdint.h>

#include "config/host_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct host_config hc;
	struct strbuf err = STRBUF_INIT;

	host_config_init(&hc);
	host_config_parse("host.toml", (const char *)data, size, &hc, &err);
	strbuf_release(&err);
	host_config_release(&hc);
	return 0;
}
