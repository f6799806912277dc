/*
 * sdbus.c - libsystemd's sd-bus, loaded at run time (see sdbus.h).
 */
#include <stdlib.h>
#include <string.h>

#include "launcher/host/sdbus.h"
#include "util/dl.h"
#include "util/wrapper.h"
#include "util/banned.h"

static struct sdbus sd;
static int (*open_system)(void **bus);
static int tried, loaded;

static int load(struct strbuf *err)
{
	static const char *const names[] = {
		"sd_bus_open_system", "sd_bus_message_new_method_call",
		"sd_bus_message_append", "sd_bus_message_open_container", "sd_bus_message_close_container",
		"sd_bus_message_append_array", "sd_bus_call", "sd_bus_get_property", "sd_bus_message_read_array",
		"sd_bus_message_unref", "sd_bus_error_free",
	};
	void **const slots[] = {
		(void **)&open_system, (void **)&sd.new_method_call,
		(void **)&sd.append, (void **)&sd.open_container, (void **)&sd.close_container,
		(void **)&sd.append_array, (void **)&sd.call, (void **)&sd.get_property, (void **)&sd.read_array,
		(void **)&sd.message_unref, (void **)&sd.error_free,
	};

	if (tried)
		return loaded ? 0 : (strbuf_addstr(err, "libsystemd.so.0 could not be loaded"), -1);
	tried = 1;
	if (dl_symbols("libsystemd.so.0", "talk to systemd", names, slots, ARRAY_SIZE(names), err) < 0)
		return -1;
	loaded = 1;
	return 0;
}

void sdbus_error_text(const struct sdbus *s, int r, struct sdbus_error *e, struct strbuf *out)
{
	strbuf_addstr(out, e->message ? e->message : strerror(-r));
	if (s && s->error_free)
		s->error_free(e);
}

const struct sdbus *sdbus_get(const char *what, struct strbuf *err)
{
	int r;

	if (load(err) < 0)
		return NULL;
	if (!sd.bus && (r = open_system(&sd.bus)) < 0) {
		sd.bus = NULL;
		strbuf_addf(err, "%s: %s", what, strerror(-r));
		return NULL;
	}
	return &sd;
}
