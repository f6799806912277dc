/*
 * host_config.c - host.toml's key table (see host_config.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "host_config.h"
#include "../util/wrapper.h"
#include "../util/banned.h"

#define HOFF(f) offsetof(struct host_config, f)

static const struct config_key host_keys[] = {
	{ .name = "reserved_cpus", .type = KEY_CPUSET, .offset = HOFF(reserved), .offset2 = HOFF(has_reserved), .allow_empty = 1,
	  .qemu = "(planner)", .seed = "001, 002, 004",
	  .doc = "CPUs kept for the host, never given to a vCPU (\"\" keeps none); default: the first physical core with all its threads" },
	{ .name = NULL },
};

_Static_assert(sizeof(host_keys) / sizeof(host_keys[0]) <= HOST_MAX_KEYS, "raise HOST_MAX_KEYS");

void host_config_init(struct host_config *hc)
{
	memset(hc, 0, sizeof(*hc));
	schema_defaults(host_keys, hc);
	strvec_init(&hc->warnings);
}

void host_config_release(struct host_config *hc)
{
	schema_release(host_keys, hc);
	strvec_clear(&hc->warnings);
	free(hc->file);
	memset(hc, 0, sizeof(*hc));
}

int host_config_parse(const char *file, const char *text, size_t len, struct host_config *hc, struct strbuf *err)
{
	free(hc->file);
	hc->file = xstrdup(file);
	return schema_parse(file, text, len, host_keys, hc, hc->loc, &hc->warnings, err);
}

int host_config_load(const char *file, const char *vms_dir, struct host_config *hc, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	char *path = file ? xstrdup(file) : xstrfmt("%s/host.toml", vms_dir);
	int ret = 0;

	if (file || access(path, F_OK) == 0) {
		ret = schema_read_file(path, &text, err);
		if (ret == 0)
			ret = host_config_parse(path, text.buf, text.len, hc, err);
	}
	strbuf_release(&text);
	free(path);
	return ret;
}

void host_config_write_reference(FILE *out)
{
	schema_write_reference(out, host_keys, "host.toml key");
}
