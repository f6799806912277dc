/*
 * shield_systemd.c - a unit's AllowedCPUs over sd-bus, for the shield on
 * systemd hosts (see shield.h).
 *
 * The sd-bus calls come from sdbus.c (libsystemd loaded at run time, one
 * connection to the system bus for the process: a shield change reads and
 * sets three units).
 *
 * AllowedCPUs travels as an array of bytes, CPU n being bit n % 8 of byte
 * n / 8 (systemd's cpu_set_to_dbus()); an empty array means "no limit".
 * SetUnitProperties(runtime = true) writes /run only: a reboot forgets it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/host/shield.h"
#include "launcher/host/sdbus.h"
#include "util/wrapper.h"
#include "util/banned.h"

static const struct sdbus *sd;

static int bus_fail(struct strbuf *err, const char *what, const char *unit, int r, struct sdbus_error *e)
{
	strbuf_addf(err, "systemd: cannot %s AllowedCPUs of %s: ", what, unit);
	sdbus_error_text(sd, r, e, err);
	return -1;
}

/* libsystemd and the system bus connection: 0, or -1 with the reason. */
static int connect_bus(const char *what, const char *unit, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	int ret = 0;

	if (!sd && !(sd = sdbus_get("cannot connect to the system bus", &why))) {
		strbuf_addf(err, "systemd: cannot %s AllowedCPUs of %s: %s", what, unit, why.buf);
		ret = -1;
	}
	strbuf_release(&why);
	return ret;
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
	struct sdbus_error e = { 0 };
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
	r = sd->get_property(sd->bus, "org.freedesktop.systemd1", path, iface, "AllowedCPUs", &e, &reply, "ay");
	free(path);
	if (r >= 0)
		r = sd->read_array(reply, 'y', (const void **)&bytes, &size);
	if (r < 0) {
		sd->message_unref(reply);
		return bus_fail(err, "read", unit, r, &e);
	}
	for (size_t i = 0; i < size && i < CPUSET_MAX / 8; i++)
		for (unsigned bit = 0; bit < 8; bit++)
			if (bytes[i] & (1u << bit))
				cpuset_set(cpus, (unsigned)(i * 8 + bit));
	sd->message_unref(reply);
	return 0;
}

int shield_systemd_set(const char *unit, const struct cpuset *cpus, struct strbuf *err)
{
	struct sdbus_error e = { 0 };
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
	r = sd->new_method_call(sd->bus, &m, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
			       "org.freedesktop.systemd1.Manager", "SetUnitProperties");
	if (r >= 0)
		r = sd->append(m, "sb", unit, 1);
	if (r >= 0)
		r = sd->open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd->open_container(m, 'r', "sv");
	if (r >= 0)
		r = sd->append(m, "s", "AllowedCPUs");
	if (r >= 0)
		r = sd->open_container(m, 'v', "ay");
	if (r >= 0)
		r = sd->append_array(m, 'y', bytes, size);
	for (int i = 0; i < 3 && r >= 0; i++)
		r = sd->close_container(m);
	if (r >= 0)
		r = sd->call(sd->bus, m, 0, &e, &reply);
	sd->message_unref(reply);
	sd->message_unref(m);
	return r < 0 ? bus_fail(err, "set", unit, r, &e) : 0;
}
