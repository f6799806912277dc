/*
 * qmp_cmds.c - typed QMP commands (see qmp_cmds.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>

#include "qmp/qmp_cmds.h"
#include "util/wrapper.h"
#include "util/banned.h"

static int get_int(json_t *obj, const char *key, json_int_t min, json_int_t max, json_int_t *v)
{
	json_t *j = json_object_get(obj, key);

	if (!json_is_integer(j))
		return -1;
	*v = json_integer_value(j);
	return *v < min || *v > max ? -1 : 0;
}

static int cmp_vcpu(const void *a, const void *b)
{
	const struct qmp_vcpu *x = a, *y = b;

	return (x->index > y->index) - (x->index < y->index);
}

int qmp_vcpus_from_json(json_t *ret, struct qmp_vcpu **out, size_t *nr, struct strbuf *err)
{
	struct qmp_vcpu *v;
	size_t n = json_array_size(ret);

	*out = NULL;
	*nr = 0;
	if (!json_is_array(ret) || n == 0) {
		strbuf_addstr(err, "QMP 'query-cpus-fast': expected a non-empty array of vCPUs");
		return -1;
	}
	v = xcalloc(n, sizeof(*v));
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(ret, i);
		json_int_t idx, tid;

		if (get_int(c, "cpu-index", 0, 65535, &idx) < 0 || get_int(c, "thread-id", 1, INT32_MAX, &tid) < 0) {
			strbuf_addf(err, "QMP 'query-cpus-fast': entry %zu has no valid cpu-index and thread-id", i);
			free(v);
			return -1;
		}
		v[i].index = (int)idx;
		v[i].tid = (pid_t)tid;
	}
	qsort(v, n, sizeof(*v), cmp_vcpu);
	for (size_t i = 1; i < n; i++) {
		if (v[i].index == v[i - 1].index) {
			strbuf_addf(err, "QMP 'query-cpus-fast': cpu-index %d appears twice", v[i].index);
			free(v);
			return -1;
		}
	}
	*out = v;
	*nr = n;
	return 0;
}

int qmp_iothreads_from_json(json_t *ret, struct qmp_iothread **out, size_t *nr, struct strbuf *err)
{
	struct qmp_iothread *t;
	size_t n = json_array_size(ret);

	*out = NULL;
	*nr = 0;
	if (!json_is_array(ret)) {
		strbuf_addstr(err, "QMP 'query-iothreads': expected an array");
		return -1;
	}
	t = xcalloc(n ? n : 1, sizeof(*t));
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(ret, i);
		const char *id = json_string_value(json_object_get(c, "id"));
		json_int_t tid;

		if (!id || get_int(c, "thread-id", 1, INT32_MAX, &tid) < 0) {
			strbuf_addf(err, "QMP 'query-iothreads': entry %zu has no valid id and thread-id", i);
			qmp_iothreads_free(t, i);
			return -1;
		}
		t[i].id = xstrdup(id);
		t[i].tid = (pid_t)tid;
	}
	*out = t;
	*nr = n;
	return 0;
}

void qmp_iothreads_free(struct qmp_iothread *t, size_t nr)
{
	for (size_t i = 0; t && i < nr; i++)
		free(t[i].id);
	free(t);
}

int qmp_query_threads(struct qmp *q, struct qmp_vcpu **vcpus, size_t *nr_vcpus, struct qmp_iothread **io,
		      size_t *nr_io, struct strbuf *err)
{
	json_int_t a, b;
	json_t *ra = NULL, *rb = NULL;
	int rc = -1;

	*vcpus = NULL;
	*io = NULL;
	*nr_vcpus = *nr_io = 0;
	/* both in flight at once: one round trip instead of two */
	a = qmp_send(q, "query-cpus-fast", NULL, err);
	b = a < 0 ? -1 : qmp_send(q, "query-iothreads", NULL, err);
	if (b < 0 || qmp_receive(q, "query-cpus-fast", a, &ra, err) < 0 ||
	    qmp_receive(q, "query-iothreads", b, &rb, err) < 0)
		goto out;
	if (qmp_vcpus_from_json(ra, vcpus, nr_vcpus, err) < 0)
		goto out;
	if (qmp_iothreads_from_json(rb, io, nr_io, err) < 0) {
		free(*vcpus);
		*vcpus = NULL;
		*nr_vcpus = 0;
		goto out;
	}
	rc = 0;
out:
	json_decref(ra);
	json_decref(rb);
	return rc;
}

int qmp_query_status(struct qmp *q, char **status, struct strbuf *err)
{
	json_t *ret;
	const char *s;

	*status = NULL;
	if (qmp_execute(q, "query-status", NULL, &ret, err) < 0)
		return -1;
	s = json_string_value(json_object_get(ret, "status"));
	if (!s) {
		strbuf_addstr(err, "QMP 'query-status': reply has no status");
		json_decref(ret);
		return -1;
	}
	*status = xstrdup(s);
	json_decref(ret);
	return 0;
}

int qmp_simple(struct qmp *q, const char *cmd, struct strbuf *err)
{
	return qmp_execute(q, cmd, NULL, NULL, err);
}

/* ---- devices ---- */

int qmp_qom_children(struct qmp *q, const char *path, const char *type, struct strvec *names, struct strbuf *err)
{
	json_t *ret, *p;
	size_t i;
	char *want = xstrfmt("child<%s>", type);

	if (qmp_execute(q, "qom-list", json_pack("{s:s}", "path", path), &ret, err) < 0) {
		free(want);
		return -1;
	}
	json_array_foreach(ret, i, p) {
		const char *name = json_string_value(json_object_get(p, "name"));
		const char *t = json_string_value(json_object_get(p, "type"));

		if (name && t && !strcmp(t, want))
			strvec_push(names, name);
	}
	json_decref(ret);
	free(want);
	return 0;
}

int qmp_device_del(struct qmp *q, const char *id, int timeout_ms, struct strbuf *err)
{
	struct timespec start, now;

	if (qmp_execute(q, "device_del", json_pack("{s:s}", "id", id), NULL, err) < 0)
		return -1;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		json_t *ev;
		const char *dev;
		long left_ms;
		int mine;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left_ms = timeout_ms - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left_ms <= 0 || qmp_wait_event(q, "DEVICE_DELETED", (int)left_ms, &ev, err) < 0) {
			strbuf_reset(err);
			strbuf_addf(err, "QEMU did not report device '%s' deleted within %d ms", id, timeout_ms);
			return -1;
		}
		dev = json_string_value(json_object_get(json_object_get(ev, "data"), "device"));
		mine = dev && !strcmp(dev, id);
		json_decref(ev);
		if (mine)
			return 0;
	}
}

/* ---- removable media ---- */

void qmp_drives_free(struct qmp_drive *d, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(d[i].qdev);
		free(d[i].file);
	}
	free(d);
}

int qmp_drives_from_json(json_t *ret, struct qmp_drive **out, size_t *nr, struct strbuf *err)
{
	struct qmp_drive *v = NULL;
	size_t n = 0, alloc = 0, i;
	json_t *b;

	*out = NULL;
	*nr = 0;
	if (!json_is_array(ret)) {
		strbuf_addstr(err, "QMP 'query-block': expected an array of block devices");
		return -1;
	}
	json_array_foreach(ret, i, b) {
		json_t *ins = json_object_get(b, "inserted");
		const char *qdev = json_string_value(json_object_get(b, "qdev"));
		const char *file = json_string_value(json_object_get(ins, "file"));

		if (!json_is_true(json_object_get(b, "removable")))
			continue;
		if (!qdev || !*qdev || (ins && !file)) {
			strbuf_addf(err, "QMP 'query-block': removable entry %zu has no qdev id or no medium file", i);
			qmp_drives_free(v, n);
			return -1;
		}
		ALLOC_GROW(v, n + 1, alloc);
		v[n].qdev = xstrdup(qdev);
		v[n].file = file ? xstrdup(file) : NULL;
		v[n].tray_open = json_is_true(json_object_get(b, "tray_open"));
		v[n].locked = json_is_true(json_object_get(b, "locked"));
		n++;
	}
	*out = v;
	*nr = n;
	return 0;
}

int qmp_query_drives(struct qmp *q, struct qmp_drive **out, size_t *nr, struct strbuf *err)
{
	json_t *ret;
	int r;

	*out = NULL;
	*nr = 0;
	if (qmp_execute(q, "query-block", NULL, &ret, err) < 0)
		return -1;
	r = qmp_drives_from_json(ret, out, nr, err);
	json_decref(ret);
	return r;
}

/* Whether drive qdev's tray is open now: 1, 0, or -1 on error. */
static int tray_open(struct qmp *q, const char *qdev, struct strbuf *err)
{
	struct qmp_drive *d;
	size_t n;
	int r = -1;

	if (qmp_query_drives(q, &d, &n, err) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(d[i].qdev, qdev))
			r = d[i].tray_open;
	if (r < 0)
		strbuf_addf(err, "QMP 'query-block': no removable drive '%s'", qdev);
	qmp_drives_free(d, n);
	return r;
}

/* QEMU's words for a tray the guest holds shut (blockdev-change-medium without force) */
static int is_locked_error(const char *msg)
{
	return strstr(msg, "is locked") != NULL;
}

int qmp_eject(struct qmp *q, const char *qdev, int force, int wait_ms, struct strbuf *err)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	int open;

	if (qmp_execute(q, "blockdev-open-tray", json_pack("{s:s,s:b}", "id", qdev, "force", force), NULL, err) < 0)
		return -1;
	/* a locked tray: QEMU asked the guest, which may open it (or not) */
	for (int waited = 0; (open = tray_open(q, qdev, err)) == 0 && waited < wait_ms; waited += 50)
		nanosleep(&pause, NULL);
	if (open < 0)
		return -1;
	if (!open)
		return QMP_LOCKED;
	if (qmp_execute(q, "blockdev-remove-medium", json_pack("{s:s}", "id", qdev), NULL, err) < 0 ||
	    qmp_execute(q, "blockdev-close-tray", json_pack("{s:s}", "id", qdev), NULL, err) < 0)
		return -1;
	return 0;
}

int qmp_change_medium(struct qmp *q, const char *qdev, const char *file, const char *format, int force,
		      struct strbuf *err)
{
	json_t *args = json_pack("{s:s,s:s,s:s,s:s,s:b}", "id", qdev, "filename", file, "format", format,
				 "read-only-mode", "read-only", "force", force);
	struct strbuf e = STRBUF_INIT;
	int r;

	if (!args) {
		strbuf_addf(err, "'%s' is not valid UTF-8, which QMP cannot carry", file);
		return -1;
	}
	r = qmp_execute(q, "blockdev-change-medium", args, NULL, &e);
	if (r < 0 && is_locked_error(e.buf))
		r = QMP_LOCKED;
	strbuf_add(err, e.buf, e.len);
	strbuf_release(&e);
	return r;
}

/* ---- the remote display ---- */

void qmp_display_release(struct qmp_display *d)
{
	free(d->family);
	free(d->host);
	free(d->auth);
	memset(d, 0, sizeof(*d));
}

int qmp_display_from_json(json_t *vnc, json_t *spice, struct qmp_display *d, int *found, struct strbuf *err)
{
	memset(d, 0, sizeof(*d));
	*found = 0;
	if (json_is_true(json_object_get(vnc, "enabled"))) {
		const char *family = json_string_value(json_object_get(vnc, "family"));
		const char *host = json_string_value(json_object_get(vnc, "host"));
		const char *service = json_string_value(json_object_get(vnc, "service"));
		const char *auth = json_string_value(json_object_get(vnc, "auth"));
		int unix_sock = family && !strcmp(family, "unix");
		char *stop = NULL;
		long port = service ? strtol(service, &stop, 10) : 0;

		if (!family || !host || !service || !auth || (!unix_sock && (*stop || port < 1 || port > 65535))) {
			strbuf_addstr(err, "QMP 'query-vnc': an enabled server without family, host, service or auth");
			return -1;
		}
		d->family = xstrdup(family);
		d->host = xstrdup(unix_sock ? service : host);
		d->port = unix_sock ? 0 : (int)port;
		d->auth = xstrdup(auth);
		d->clients = (int)json_array_size(json_object_get(vnc, "clients"));
		*found = 1;
		return 0;
	}
	if (json_is_true(json_object_get(spice, "enabled"))) {
		const char *host = json_string_value(json_object_get(spice, "host"));
		const char *auth = json_string_value(json_object_get(spice, "auth"));
		json_t *port = json_object_get(spice, "port");

		if (!host || !auth || (port && (!json_is_integer(port) || json_integer_value(port) < 1 ||
						json_integer_value(port) > 65535))) {
			strbuf_addstr(err, "QMP 'query-spice': an enabled server without host or auth, or with a bad port");
			return -1;
		}
		d->spice = 1;
		d->port = port ? (int)json_integer_value(port) : 0;
		d->family = xstrdup(!port ? "unix" : strchr(host, ':') ? "ipv6" : "ipv4");
		d->host = xstrdup(host);
		d->auth = xstrdup(auth);
		d->clients = -1;
		*found = 1;
	}
	return 0;
}

int qmp_query_display(struct qmp *q, struct qmp_display *d, int *found, struct strbuf *err)
{
	json_t *vnc = NULL, *spice = NULL;
	struct strbuf ignore = STRBUF_INIT;
	int r;

	memset(d, 0, sizeof(*d));
	*found = 0;
	if (qmp_execute(q, "query-vnc", NULL, &vnc, err) < 0)
		return -1;
	/* a QEMU built without SPICE has no query-spice: then there is none */
	if (!json_is_true(json_object_get(vnc, "enabled")))
		qmp_execute(q, "query-spice", NULL, &spice, &ignore);
	r = qmp_display_from_json(vnc, spice, d, found, err);
	json_decref(vnc);
	json_decref(spice);
	strbuf_release(&ignore);
	return r;
}

int qmp_set_password(struct qmp *q, const char *protocol, const char *password, struct strbuf *err)
{
	json_t *args = json_pack("{s:s,s:s}", "protocol", protocol, "password", password);

	if (!args) {
		strbuf_addstr(err, "the display password is not valid UTF-8");
		return -1;
	}
	return qmp_execute(q, "set_password", args, NULL, err);
}
