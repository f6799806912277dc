/*
 * sdbus.h - the few sd-bus calls mvlaunch makes, from libsystemd loaded with
 * dlopen() the first time one is needed (as notify.c does): most commands
 * never talk to systemd, and a host without libsystemd runs every other.
 *
 * Only the calls used are declared; the types are opaque except
 * sd_bus_error, whose layout is part of libsystemd's stable ABI. One
 * connection to the system bus ($DBUS_SYSTEM_BUS_ADDRESS) serves every call
 * of the process. Users: shield_systemd.c (AllowedCPUs of the host's units),
 * vm_cgroup_systemd.c (a VM's scope, machined).
 */
#ifndef MVL_SDBUS_H
#define MVL_SDBUS_H

#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

struct sdbus_error {
	const char *name;
	const char *message;
	int need_free;
};

struct sdbus {
	int (*new_method_call)(void *bus, void **m, const char *dest, const char *path, const char *iface,
			       const char *member);
	int (*append)(void *m, const char *types, ...);
	int (*open_container)(void *m, char type, const char *contents);
	int (*close_container)(void *m);
	int (*append_array)(void *m, char type, const void *ptr, size_t size);
	int (*call)(void *bus, void *m, uint64_t usec, struct sdbus_error *e, void **reply);
	int (*get_property)(void *bus, const char *dest, const char *path, const char *iface, const char *member,
			    struct sdbus_error *e, void **reply, const char *type);
	int (*read_array)(void *m, char type, const void **ptr, size_t *size);
	void *(*message_unref)(void *m);
	void (*error_free)(struct sdbus_error *e);
	void *bus;		/* the system bus */
};

/*
 * libsystemd's calls and the system bus, connected on first use: the
 * table, or NULL with the reason in err ("cannot load libsystemd.so.0 to
 * talk to systemd: ...", or the bus's error). 'what' prefixes a bus error.
 */
const struct sdbus *sdbus_get(const char *what, struct strbuf *err);

/* A D-Bus call's error as a message: its text, else strerror(-r). Frees e. */
void sdbus_error_text(const struct sdbus *sd, int r, struct sdbus_error *e, struct strbuf *out);

#endif
