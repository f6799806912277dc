/*
 * qmp_cmds.h - typed wrappers for the QMP commands mvlaunch uses.
 *
 * Each checks the shape of QEMU's reply and turns a surprise (a missing
 * field, a thread id of 0) into an error naming the command, so callers
 * never index into raw JSON.
 */
#ifndef MVL_QMP_CMDS_H
#define MVL_QMP_CMDS_H

#include <sys/types.h>

#include "qmp/qmp.h"
#include "util/strvec.h"

struct qmp_vcpu {
	int index;		/* cpu-index */
	pid_t tid;		/* host thread id */
};

struct qmp_iothread {
	char *id;
	pid_t tid;
};

/*
 * query-cpus-fast and query-iothreads, in flight together (one round trip):
 * *vcpus (caller frees) sorted by index, *io (free with qmp_iothreads_free).
 */
int qmp_query_threads(struct qmp *q, struct qmp_vcpu **vcpus, size_t *nr_vcpus, struct qmp_iothread **io,
		      size_t *nr_io, struct strbuf *err);
void qmp_iothreads_free(struct qmp_iothread *t, size_t nr);
/* query-status: *status is "running", "paused", "prelaunch", ...; caller frees. */
int qmp_query_status(struct qmp *q, char **status, struct strbuf *err);
/* A command without arguments whose reply is {} (cont, stop, quit, system_powerdown). */
int qmp_simple(struct qmp *q, const char *cmd, struct strbuf *err);

/*
 * qom-list PATH: the names of its children whose type is "child<TYPE>"
 * ("usb-host" under /machine/peripheral: the devices with an id), added
 * to 'names' in QEMU's order. 0, or -1 with the reason in err.
 */
int qmp_qom_children(struct qmp *q, const char *path, const char *type, struct strvec *names, struct strbuf *err);
/*
 * device_del 'id', then wait (up to timeout_ms) for its DEVICE_DELETED
 * event: the device is gone from the guest and from QEMU. 0, or -1.
 */
int qmp_device_del(struct qmp *q, const char *id, int timeout_ms, struct strbuf *err);

/* A drive with removable media (a cdrom), from query-block. */
struct qmp_drive {
	char *qdev;		/* the device's id ("disk1-dev") */
	char *file;		/* the medium's file, or NULL: no medium */
	int tray_open, locked;
};

/* query-block: the drives with removable media, in QEMU's order. Free with qmp_drives_free(). */
int qmp_query_drives(struct qmp *q, struct qmp_drive **out, size_t *nr, struct strbuf *err);
void qmp_drives_free(struct qmp_drive *d, size_t nr);
/*
 * Take the medium out of drive 'qdev' and close the empty tray
 * (blockdev-open-tray, blockdev-remove-medium, blockdev-close-tray). A tray
 * the guest locked opens only with 'force'; without it the guest is asked,
 * and QMP_LOCKED is returned when it did not open the tray within wait_ms.
 */
#define QMP_LOCKED (-2)
int qmp_eject(struct qmp *q, const char *qdev, int force, int wait_ms, struct strbuf *err);
/*
 * blockdev-change-medium: put 'file' (format "raw" or "qcow2", read-only)
 * into drive 'qdev', replacing what is there. QMP_LOCKED as qmp_eject().
 */
int qmp_change_medium(struct qmp *q, const char *qdev, const char *file, const char *format, int force,
		      struct strbuf *err);

/* The remote display QEMU serves, from query-vnc and query-spice. */
struct qmp_display {
	int spice;		/* 0: VNC */
	char *family;		/* "unix", "ipv4", "ipv6" */
	char *host;		/* an address; for a unix socket its path */
	int port;		/* 0 for a unix socket */
	char *auth;		/* "none", "vnc" (a password), "spice" (a ticket) */
	int clients;		/* VNC: how many are connected; SPICE: -1 (not said) */
};

/* query-vnc, then query-spice: *found 0 when neither serves. 0, or -1 with err. */
int qmp_query_display(struct qmp *q, struct qmp_display *d, int *found, struct strbuf *err);
void qmp_display_release(struct qmp_display *d);
/* set_password for "vnc" or "spice" (the password never goes on QEMU's command line). */
int qmp_set_password(struct qmp *q, const char *protocol, const char *password, struct strbuf *err);

/* The same checks on a reply value, for unit tests and the fuzzer. */
int qmp_display_from_json(json_t *vnc, json_t *spice, struct qmp_display *d, int *found, struct strbuf *err);
int qmp_drives_from_json(json_t *ret, struct qmp_drive **out, size_t *nr, struct strbuf *err);
int qmp_vcpus_from_json(json_t *ret, struct qmp_vcpu **out, size_t *nr, struct strbuf *err);
int qmp_iothreads_from_json(json_t *ret, struct qmp_iothread **out, size_t *nr, struct strbuf *err);

#endif
