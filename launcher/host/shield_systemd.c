/*
 * shield_systemd.c - a unit's AllowedCPUs over sd-bus, for the shield on
 * systemd hosts (see shield.h).
 *
 * libsystemd is loaded with dlopen() the first time it is needed, as in
 * notify.c: most commands never talk to systemd, and the start path stays
 * free of libsystemd's dependencies. Only the handful of sd-bus calls used
 * here are declared; the types are opaque except sd_bus_error, whose layout
 * is part of libsystemd's stable ABI.
 *
 * One connection to the system bus serves every call of the process (a
 * shield change reads and sets three units).
 *
 * AllowedCPUs travels as an array of bytes, CPU n being bit n % 8 of byte
 * n / 8 (systemd's cpu_set_to_dbus()); an empty array means "no limit".
 * SetUnitProperties(runtime = true) writes /run only: a reboot forgets it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/host/shield.h"
#include "util/dl.h"
#include "util/wrapper.h"
#include "util/banned.h"

struct sd_bus_error_ {
	const char *name;
	const char *message;
	int need_free;
};

static struct {
	int tried;
	int (*open_system)(void **bus);
	int (*new_method_call)(void *bus, void **m, const char *dest, const char *path, const char *iface,
			       const char *member);
	int (*append)(void *m, const char *types, ...);
	int (*open_container)(void *m, char type, const char *contents);
	int (*close_container)(void *m);
	int (*append_array)(void *m, char type, const void *ptr, size_t size);
	int (*call)(void *bus, void *m, uint64_t usec, struct sd_bus_error_ *e, void **reply);
	int (*get_property)(void *bus, const char *dest, const char *path, const char *iface, const char *member,
			    struct sd_bus_error_ *e, void **reply, const char *type);
	int (*read_array)(void *m, char type, const void **ptr, size_t *size);
	void *(*message_unref)(void *m);
	void (*error_free)(struct sd_bus_error_ *e);
	void *bus;		/* the system bus, once opened */
} sd;

static int load(struct strbuf *err)
{
	static const char *const names[] = {
		"sd_bus_open_system", "sd_bus_message_new_method_call",
		"sd_bus_message_append", "sd_bus_message_open_container", "sd_bus_message_close_container",
		"sd_bus_message_append_array", "sd_bus_call", "sd_bus_get_property", "sd_bus_message_read_array",
		"sd_bus_message_unref", "sd_bus_error_free",
	};
	void **const slots[] = {
		(void **)&sd.open_system, (void **)&sd.new_method_call,
		(void **)&sd.append, (void **)&sd.open_container, (void **)&sd.close_container,
		(void **)&sd.append_array, (void **)&sd.call, (void **)&sd.get_property, (void **)&sd.read_array,
		(void **)&sd.message_unref, (void **)&sd.error_free,
	};

	if (sd.tried)
		return sd.error_free ? 0 : (strbuf_addstr(err, "libsystemd.so.0 could not be loaded"), -1);
	sd.tried = 1;
	return dl_symbols("libsystemd.so.0", "talk to systemd", names, slots, sizeof(names) / sizeof(names[0]), err);
}

static int bus_fail(struct strbuf *err, const char *what, const char *unit, int r, struct sd_bus_error_ *e)
{
	strbuf_addf(err, "systemd: cannot %s AllowedCPUs of %s: %s", what, unit, e->message ? e->message : strerror(-r));
	sd.error_free(e);
	return -1;
}

/* libsystemd and the system bus connection: 0, or -1 with the reason. */
static int connect_bus(const char *what, const char *unit, struct strbuf *err)
{
	int r;

	if (load(err) < 0)
		return -1;
	if (!sd.bus && (r = sd.open_system(&sd.bus)) < 0) {
		sd.bus = NULL;
		return bus_fail(err, what, unit, r, &(struct sd_bus_error_){ 0 });
	}
	return 0;
}

/* "/org/freedesktop/systemd1/unit/system_2eslice": bus object path of a unit. */
static char *unit_path(const char *unit)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addstr(&sb, "/org/freedesktop/systemd1/unit/");
	for (const unsigned char *p = (const unsigned char *)unit; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
			strbuf_addch(&sb, (char)*p);
		else
			strbuf_addf(&sb, "_%02x", *p);
	}
	return strbuf_detach(&sb);
}

int shield_systemd_get(const char *unit, struct cpuset *cpus, struct strbuf *err)
{
	struct sd_bus_error_ e = { 0 };
	const char *iface = strstr(unit, ".slice") ? "org.freedesktop.systemd1.Slice" : "org.freedesktop.systemd1.Scope";
	char *path;
	void *reply = NULL;
	const uint8_t *bytes = NULL;
	size_t size = 0;
	int r;

	cpuset_zero(cpus);
	if (connect_bus("read", unit, err) < 0)
		return -1;
	path = unit_path(unit);
	r = sd.get_property(sd.bus, "org.freedesktop.systemd1", path, iface, "AllowedCPUs", &e, &reply, "ay");
	free(path);
	if (r >= 0)
		r = sd.read_array(reply, 'y', (const void **)&bytes, &size);
	if (r < 0) {
		sd.message_unref(reply);
		return bus_fail(err, "read", unit, r, &e);
	}
	for (size_t i = 0; i < size && i < CPUSET_MAX / 8; i++)
		for (unsigned bit = 0; bit < 8; bit++)
			if (bytes[i] & (1u << bit))
				cpuset_set(cpus, (unsigned)(i * 8 + bit));
	sd.message_unref(reply);
	return 0;
}

int shield_systemd_set(const char *unit, const struct cpuset *cpus, struct strbuf *err)
{
	struct sd_bus_error_ e = { 0 };
	uint8_t bytes[CPUSET_MAX / 8] = { 0 };
	size_t size = 0;
	void *m = NULL, *reply = NULL;
	int r;

	if (connect_bus("set", unit, err) < 0)
		return -1;
	for (int c = cpuset_next(cpus, 0); c >= 0; c = cpuset_next(cpus, (unsigned)c + 1)) {
		bytes[c / 8] |= (uint8_t)(1u << (c % 8));
		size = (size_t)c / 8 + 1;
	}
	r = sd.new_method_call(sd.bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
			       "org.freedesktop.systemd1.Manager", "SetUnitProperties");
	if (r >= 0)
		r = sd.append(m, "sb", unit, 1);
	if (r >= 0)
		r = sd.open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd.open_container(m, 'r', "sv");
	if (r >= 0)
		r = sd.append(m, "s", "AllowedCPUs");
	if (r >= 0)
		r = sd.open_container(m, 'v', "ay");
	if (r >= 0)
		r = sd.append_array(m, 'y', bytes, size);
	for (int i = 0; i < 3 && r >= 0; i++)
		r = sd.close_container(m);
	if (r >= 0)
		r = sd.call(sd.bus, m, 0, &e, &reply);
	sd.message_unref(reply);
	sd.message_unref(m);
	return r < 0 ? bus_fail(err, "set", unit, r, &e) : 0;
}
