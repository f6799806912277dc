/*
 * qmp_cmds.c - typed QMP commands (see qmp_cmds.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "qmp_cmds.h"
#include "../util/wrapper.h"
#include "../util/banned.h"

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

int qmp_query_vcpus(struct qmp *q, struct qmp_vcpu **out, size_t *nr, struct strbuf *err)
{
	json_t *ret;
	int rc;

	*out = NULL;
	*nr = 0;
	if (qmp_execute(q, "query-cpus-fast", NULL, &ret, err) < 0)
		return -1;
	rc = qmp_vcpus_from_json(ret, out, nr, err);
	json_decref(ret);
	return rc;
}

int qmp_query_iothreads(struct qmp *q, struct qmp_iothread **out, size_t *nr, struct strbuf *err)
{
	json_t *ret;
	int rc;

	*out = NULL;
	*nr = 0;
	if (qmp_execute(q, "query-iothreads", NULL, &ret, err) < 0)
		return -1;
	rc = qmp_iothreads_from_json(ret, out, nr, err);
	json_decref(ret);
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
