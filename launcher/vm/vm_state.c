/*
 * vm_state.c - read and write state.json (see vm_state.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher/vm/vm_state.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/runtime.h"
#include "launcher/qemu/qemu_proc.h"
#include "util/err.h"
#include "util/atomic_file.h"
#include "util/trust.h"
#include "util/wrapper.h"
#include "util/banned.h"

json_t *vm_state_thread_json(const struct vm_thread *t)
{
	json_t *jt = json_object();

	json_object_set_new(jt, "tid", json_integer(t->tid));
	json_object_set_new(jt, "role", json_string(vm_thread_role_name(t->role)));
	if (t->role == ROLE_VCPU)
		json_object_set_new(jt, "vcpu", json_integer(t->index));
	if (t->iothread)
		json_object_set_new(jt, "iothread", json_string(t->iothread));
	json_object_set_new(jt, "name", json_string(t->comm));
	json_object_set_new(jt, "cpus", cpuset_to_json(&t->planned));
	if (t->floating)
		json_object_set_new(jt, "floating", json_true());
	return jt;
}

static int cpuset_from_json(json_t *a, struct cpuset *set)
{
	size_t i;
	json_t *v;

	cpuset_zero(set);
	if (!json_is_array(a))
		return -1;
	json_array_foreach(a, i, v) {
		if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) >= CPUSET_MAX)
			return -1;
		cpuset_set(set, (unsigned)json_integer_value(v));
	}
	return 0;
}

int vm_state_write(const char *path, const struct vm_state *st, struct err *err)
{
	json_t *o = json_object(), *threads = json_array();
	char digest[32];
	int ret = -1;
	char *text;

	snprintf(digest, sizeof(digest), "fnv1a64:%016llx", (unsigned long long)st->config_digest);
	json_object_set_new(o, "name", json_string(st->name));
	json_object_set_new(o, "pid", json_integer(st->pid));
	json_object_set_new(o, "start_time", json_integer((json_int_t)st->start_time));
	json_object_set_new(o, "started_at", json_integer(st->started_at));
	json_object_set_new(o, "config", st->config ? json_string(st->config) : json_null());
	json_object_set_new(o, "config_digest", json_string(digest));
	if (st->hooks_dir)
		json_object_set_new(o, "hooks_dir", json_string(st->hooks_dir));
	json_object_set_new(o, "qemu_version", json_string(st->qemu_version ? st->qemu_version : ""));
	json_object_set_new(o, "emulator_cpus", cpuset_to_json(&st->emulator));
	json_object_set_new(o, "emulator_floating", json_boolean(st->emulator_floating));
	json_object_set_new(o, "owned_cpus", cpuset_to_json(&st->owned));
	json_object_set_new(o, "dedicated", json_boolean(st->dedicated));
	for (size_t i = 0; i < st->threads.nr; i++)
		json_array_append_new(threads, vm_state_thread_json(&st->threads.t[i]));
	json_object_set_new(o, "threads", threads);
	text = json_dumps(o, JSON_INDENT(1));
	json_decref(o);
	if (!text) {
		strbuf_addf(&err->msg, "cannot encode state file '%s'", path);
		return -1;
	}
	/*
	 * No fsync: the runtime root is a tmpfs (/run), and what a crash of the
	 * host would lose, QEMU loses with it. The rename alone keeps readers
	 * from ever seeing half a file.
	 */
	ret = atomic_write_file(path, text, strlen(text), 0, &err->msg);
	free(text);
	if (ret == 0) {
		/* the status group may read it (not the QMP socket: that is control) */
		gid_t g = trust_status_group();

		if (g != (gid_t)-1 && (chown(path, (uid_t)-1, g) < 0 || chmod(path, 0640) < 0)) {
			strbuf_addf(&err->msg, "cannot let group %u read '%s': %s", (unsigned)g, path, strerror(errno));
			ret = -1;
		}
	}
	return ret;
}

static int bad(struct err *err, const char *path, const char *why)
{
	strbuf_addf(&err->msg, "state file '%s': %s", path, why);
	return -1;
}

/* A state.json of a VM with thousands of threads is well below this. */
#define STATE_MAX (16 << 20)

int vm_state_read(const char *path, struct vm_state *st, struct err *err)
{
	struct strbuf text = STRBUF_INIT;
	json_error_t jerr;
	json_t *o, *threads, *jt;
	const char *s;
	size_t i;
	int ret = -1;

	memset(st, 0, sizeof(*st));
	/* in large reads: jansson's json_loadfd() reads a byte per system call */
	if (strbuf_read_file(&text, path, STATE_MAX, 0) < 0) {
		int e = errno;

		strbuf_release(&text);
		return bad(err, path, e == ENOENT ? "missing" : e == EFBIG ? "corrupt (too large)" : strerror(e));
	}
	o = json_loadb(text.buf, text.len, JSON_REJECT_DUPLICATES, &jerr);
	strbuf_release(&text);
	if (!o) {
		strbuf_addf(&err->msg, "state file '%s': corrupt (%s at line %d)", path, jerr.text, jerr.line);
		return -1;
	}
	s = json_string_value(json_object_get(o, "name"));
	if (!json_is_object(o) || !s || !json_is_integer(json_object_get(o, "pid")) ||
	    !json_is_integer(json_object_get(o, "start_time"))) {
		bad(err, path, "corrupt (no name, pid or start_time)");
		goto out;
	}
	if (json_integer_value(json_object_get(o, "pid")) <= 0 || json_integer_value(json_object_get(o, "start_time")) <= 0) {
		/* no process has pid 0 or started at tick 0: such a file names nobody */
		bad(err, path, "corrupt (pid and start_time must be positive)");
		goto out;
	}
	st->name = xstrdup(s);
	st->pid = (pid_t)json_integer_value(json_object_get(o, "pid"));
	st->start_time = (unsigned long long)json_integer_value(json_object_get(o, "start_time"));
	st->started_at = json_integer_value(json_object_get(o, "started_at"));
	if ((s = json_string_value(json_object_get(o, "config"))))
		st->config = xstrdup(s);
	if ((s = json_string_value(json_object_get(o, "hooks_dir"))))
		st->hooks_dir = xstrdup(s);
	if ((s = json_string_value(json_object_get(o, "config_digest"))) && !strncmp(s, "fnv1a64:", 8))
		st->config_digest = strtoull(s + 8, NULL, 16);
	if ((s = json_string_value(json_object_get(o, "qemu_version"))))
		st->qemu_version = xstrdup(s);
	if (cpuset_from_json(json_object_get(o, "emulator_cpus"), &st->emulator) < 0) {
		bad(err, path, "corrupt (emulator_cpus is not a list of CPU numbers)");
		goto out;
	}
	if (json_object_get(o, "owned_cpus") && cpuset_from_json(json_object_get(o, "owned_cpus"), &st->owned) < 0) {
		bad(err, path, "corrupt (owned_cpus is not a list of CPU numbers)");
		goto out;
	}
	st->dedicated = json_is_true(json_object_get(o, "dedicated"));
	st->emulator_floating = json_is_true(json_object_get(o, "emulator_floating"));
	threads = json_object_get(o, "threads");
	json_array_foreach(threads, i, jt) {
		struct vm_thread *t;
		const char *role = json_string_value(json_object_get(jt, "role"));
		json_t *tid = json_object_get(jt, "tid");

		if (!role || !json_is_integer(tid)) {
			bad(err, path, "corrupt (a thread without tid or role)");
			goto out;
		}
		ALLOC_GROW(st->threads.t, st->threads.nr + 1, st->threads.alloc);
		t = &st->threads.t[st->threads.nr++];
		memset(t, 0, sizeof(*t));
		t->tid = (pid_t)json_integer_value(tid);
		t->index = -1;
		t->role = !strcmp(role, "vcpu") ? ROLE_VCPU : !strcmp(role, "iothread") ? ROLE_IOTHREAD : ROLE_EMULATOR;
		if (t->role == ROLE_VCPU)
			t->index = (int)json_integer_value(json_object_get(jt, "vcpu"));
		if ((s = json_string_value(json_object_get(jt, "iothread"))))
			t->iothread = xstrdup(s);
		if ((s = json_string_value(json_object_get(jt, "name"))))
			snprintf(t->comm, sizeof(t->comm), "%s", s);
		t->floating = json_is_true(json_object_get(jt, "floating"));
		if (cpuset_from_json(json_object_get(jt, "cpus"), &t->planned) < 0) {
			bad(err, path, "corrupt (a thread's cpus is not a list of CPU numbers)");
			goto out;
		}
	}
	ret = 0;
out:
	json_decref(o);
	if (ret < 0)
		vm_state_release(st);
	return ret;
}

int vm_state_load_running(const char *name, struct vm_state *st)
{
	char *path = runtime_vm_path(name, "state.json");
	struct err ignore = ERR_INIT;
	int alive = 0;

	if (vm_state_read(path, st, &ignore) == 0) {
		alive = st->start_time && proc_start_time(st->pid) == st->start_time;
		if (!alive)
			vm_state_release(st);
	}
	err_release(&ignore);
	free(path);
	return alive;
}

void vm_state_release(struct vm_state *st)
{
	free(st->name);
	free(st->config);
	free(st->hooks_dir);
	free(st->qemu_version);
	vm_threads_release(&st->threads);
	memset(st, 0, sizeof(*st));
}
