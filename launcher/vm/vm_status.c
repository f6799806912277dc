/*
 * vm_status.c - live VM status (see vm_status.h).
 *
 * The pins shown are read from the kernel now, not copied from state.json:
 * if something (a user's taskset, a cgroup change) moved a thread, status
 * says so. Helper threads QEMU started after 'up' are listed too, against
 * the emulator CPUs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "launcher/vm/vm_status.h"
#include "config/vm_config.h"
#include "launcher/vm/paths.h"
#include "launcher/qemu/qemu_proc.h"
#include "launcher/vm/pin_apply.h"
#include "launcher/vm/vm_handle.h"
#include "launcher/vm/runtime.h"
#include "qmp/qmp_cmds.h"
#include "util/err.h"
#include "util/proc.h"
#include "util/wrapper.h"
#include "util/banned.h"

static long long boot_time_s(void)
{
	struct timespec real, boot;

	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	return (long long)real.tv_sec - (long long)boot.tv_sec;
}

void vm_status_refresh_threads(struct vm_state *st)
{
	pid_t *tids = NULL;
	size_t nr = 0;
	struct vm_threads *th = &st->threads;

	if (proc_threads(st->pid, &tids, &nr) < 0)
		return;
	for (size_t i = 0; i < th->nr; ) {
		int found = 0;

		for (size_t j = 0; j < nr && !found; j++)
			found = tids[j] == th->t[i].tid;
		if (!found && th->t[i].role == ROLE_EMULATOR) {
			free(th->t[i].iothread);
			memmove(th->t + i, th->t + i + 1, (th->nr - i - 1) * sizeof(*th->t));
			th->nr--;
			continue;
		}
		i++;
	}
	for (size_t j = 0; j < nr; j++) {
		int known = 0;

		for (size_t i = 0; i < th->nr && !known; i++)
			known = th->t[i].tid == tids[j];
		if (!known) {
			struct vm_thread *t;

			ALLOC_GROW(th->t, th->nr + 1, th->alloc);
			t = &th->t[th->nr++];
			memset(t, 0, sizeof(*t));
			t->tid = tids[j];
			t->role = ROLE_EMULATOR;
			t->index = -1;
			t->planned = st->emulator;
			t->floating = st->emulator_floating;
		}
	}
	free(tids);
}

/* Whether the config file is no longer the one the VM started with: 1, 0, -1 when it cannot be read */
static int config_changed(const struct vm_state *st)
{
	struct strbuf text = STRBUF_INIT;
	int ret = -1;

	if (st->config && st->config_digest && strbuf_read_file(&text, st->config, 1 << 20, 0) >= 0)
		ret = vm_config_digest(text.buf, text.len) != st->config_digest;
	strbuf_release(&text);
	return ret;
}

void vm_status_sample(struct vm_status *s, size_t nr, int window_ms)
{
	struct sample { unsigned long long run, wait; int ok; } **before = xcalloc(nr ? nr : 1, sizeof(*before));
	struct timespec t0, t1, nap = { window_ms / 1000, (long)(window_ms % 1000) * 1000000L };
	double elapsed;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (size_t v = 0; v < nr; v++) {
		before[v] = xcalloc(s[v].st.threads.nr ? s[v].st.threads.nr : 1, sizeof(**before));
		for (size_t i = 0; s[v].running && i < s[v].st.threads.nr; i++) {
			struct vm_thread *t = &s[v].st.threads.t[i];
			struct proc_task pt;

			before[v][i].ok = proc_task_sample(s[v].st.pid, t->tid, &pt) == 0;
			before[v][i].run = pt.run_ns;
			before[v][i].wait = pt.wait_ns;
		}
	}
	while (nanosleep(&nap, &nap) < 0 && errno == EINTR)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	elapsed = (double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec);
	for (size_t v = 0; v < nr; v++) {
		for (size_t i = 0; s[v].running && i < s[v].st.threads.nr; i++) {
			struct vm_thread *t = &s[v].st.threads.t[i];
			struct proc_task pt;

			if (!before[v][i].ok || proc_task_sample(s[v].st.pid, t->tid, &pt) < 0)
				continue;
			t->last_cpu = pt.cpu;
			t->use_pct = (double)(pt.run_ns - before[v][i].run) * 100.0 / elapsed;
			t->wait_pct = (double)(pt.wait_ns - before[v][i].wait) * 100.0 / elapsed;
			t->sampled = 1;
		}
		free(before[v]);
	}
	free(before);
}

void vm_status_read(const char *name, struct vm_status *s)
{
	struct vm_runtime rt = VM_RUNTIME_INIT;
	struct qemu_proc p = QEMU_PROC_INIT;
	struct strbuf qerr = STRBUF_INIT;
	struct qmp *q = NULL;
	char *sock;

	memset(s, 0, sizeof(*s));
	s->name = xstrdup(name);
	s->log = runtime_log_path(name, "qemu.log");
	rt.name = xstrdup(name);
	rt.dir = runtime_vm_path(name, NULL);
	if (vm_handle_find_qemu(&rt, &p, &s->st) < 0) {
		char *state = runtime_path(&rt, "state.json");
		int lock_fd = open(rt.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		struct err why = ERR_INIT;
		struct vm_state ignore;

		if (s->st.pid) {
			s->state = "crashed";
			/* its swtpm ended with QEMU's connection; one that did not is stopped now */
			runtime_stop_helpers(&rt);
			strbuf_addf(&why.msg, "QEMU pid %d is gone", (int)s->st.pid);
		} else if (access(state, F_OK) == 0) {
			s->state = "stale";	/* a state file we cannot read */
			if (vm_state_read(state, &ignore, &why) == 0) {
				vm_state_release(&ignore);
				strbuf_addf(&why.msg, "'%s' names no running QEMU", state);
			}
		} else if (lock_fd >= 0 && flock(lock_fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
			s->state = "starting";
		} else {
			s->state = "stale";
			strbuf_addf(&why.msg, "'%s' has no state.json and no QEMU", rt.dir);
		}
		if (why.msg.len)
			s->reason = strbuf_detach(&why.msg);
		err_release(&why);
		if (lock_fd >= 0)
			close(lock_fd);
		free(state);
		goto out;
	}
	s->running = 1;
	s->config_changed = config_changed(&s->st);
	if (!s->st.name)
		s->st.pid = p.pid;	/* found through qemu.pid: 'up' is still at work or died */
	s->uptime_s = (long long)time(NULL) - (boot_time_s() + (long long)(p.start_time / (unsigned long long)sysconf(_SC_CLK_TCK)));
	if (s->uptime_s < 0)
		s->uptime_s = 0;
	vm_status_refresh_threads(&s->st);
	pin_apply_read_back(&s->st.threads);
	for (size_t i = 0; i < s->st.threads.nr; i++)
		if (!cpuset_equal(&s->st.threads.t[i].planned, &s->st.threads.t[i].actual))
			s->drift = 1;
	if (!s->st.name && runtime_locked_by_other(name)) {
		/* its 'up' is at work (and holds QMP): pinning, or waiting for QEMU's answer */
		s->state = "starting";
		goto out;
	}
	sock = runtime_path(&rt, "qmp.sock");
	s->state = "unresponsive";
	if (access(sock, R_OK | W_OK) < 0 && errno == EACCES) {
		s->state = "alive";	/* it runs; what it does, only its owner may ask (QMP is control) */
	} else if (qmp_connect(&q, sock, 2000, &qerr) < 0) {
		s->reason = xstrfmt("QMP: %s", qerr.buf);
	} else {
		char *status = NULL;

		if (qmp_query_status(q, &status, &qerr) == 0) {
			static const char *const known[] = {
				"running", "paused", "prelaunch", "shutdown", "suspended", "inmigrate", "postmigrate",
				"finish-migrate", "internal-error", "io-error", "guest-panicked", "watchdog",
				"restore-vm", "save-vm", "debug", "colo",
			};

			for (size_t i = 0; i < ARRAY_SIZE(known); i++)
				if (!strcmp(known[i], status))
					s->state = known[i];
			if (!strcmp(s->state, "unresponsive"))
				s->reason = xstrfmt("QEMU reports status '%s', which this mvlaunch does not know", status);
			free(status);
		} else {
			s->reason = xstrfmt("QMP query-status: %s", qerr.buf);
		}
		qmp_close(q);
	}
	free(sock);
	{
		struct err e = ERR_INIT;

		if (runtime_cgroup_load(&rt, &s->cg, &e) == 0) {
			s->has_cgroup = 1;
			err_reset(&e);
			if (vm_cgroup_read(&s->cg, &s->limits, &e) < 0)
				s->cgroup_error = strbuf_detach(&e.msg);
		}
		err_release(&e);
	}
out:
	qemu_proc_release(&p);
	strbuf_release(&qerr);
	runtime_release(&rt);
}

json_t *vm_status_json(const struct vm_status *s)
{
	json_t *o = json_object(), *threads = json_array();

	json_object_set_new(o, "name", json_string(s->name));
	json_object_set_new(o, "state", json_string(s->state));
	json_object_set_new(o, "pid", s->st.pid ? json_integer(s->st.pid) : json_null());
	json_object_set_new(o, "uptime_s", s->running ? json_integer(s->uptime_s) : json_null());
	json_object_set_new(o, "config", s->st.config ? json_string(s->st.config) : json_null());
	json_object_set_new(o, "qemu_version", s->st.qemu_version ? json_string(s->st.qemu_version) : json_null());
	json_object_set_new(o, "drift", json_boolean(s->drift));
	json_object_set_new(o, "config_changed", !s->running || s->config_changed < 0 ? json_null() :
			    json_boolean(s->config_changed));
	json_object_set_new(o, "log", json_string_nocheck(s->log));
	json_object_set_new(o, "reason", s->reason ? json_string_nocheck(s->reason) : json_null());
	if (s->has_cgroup) {
		json_t *cg = vm_cgroup_json(&s->cg, &s->limits);

		if (s->cgroup_error)
			json_object_set_new(cg, "error", json_string_nocheck(s->cgroup_error));
		json_object_set_new(o, "cgroup", cg);
	} else {
		json_object_set_new(o, "cgroup", json_null());
	}
	for (size_t i = 0; s->running && i < s->st.threads.nr; i++) {
		const struct vm_thread *t = &s->st.threads.t[i];
		json_t *jt = vm_state_thread_json(t);

		json_object_set_new(jt, "cpus", cpuset_to_json(&t->actual));	/* now, not planned */
		json_object_set_new(jt, "planned", cpuset_to_json(&t->planned));
		json_object_set_new(jt, "drift", json_boolean(!cpuset_equal(&t->actual, &t->planned)));
		if (t->sched_actual >= 0) {	/* as read back now: [[sched]], pinning.realtime */
			json_object_set_new(jt, "policy", json_string(vm_thread_policy_name(t->sched_actual)));
			json_object_set_new(jt, "priority", json_integer(t->prio_actual));
		}
		if (t->sampled) {	/* over the sampling window */
			json_object_set_new(jt, "use_pct", json_real((double)(long)(t->use_pct * 10 + 0.5) / 10));
			json_object_set_new(jt, "wait_pct", json_real((double)(long)(t->wait_pct * 10 + 0.5) / 10));
			json_object_set_new(jt, "last_cpu", json_integer(t->last_cpu));
		}
		json_array_append_new(threads, jt);
	}
	json_object_set_new(o, "threads", threads);
	return o;
}

void vm_status_release(struct vm_status *s)
{
	free(s->name);
	free(s->log);
	free(s->reason);
	free(s->cgroup_error);
	vm_cgroup_release(&s->cg);
	vm_state_release(&s->st);
	memset(s, 0, sizeof(*s));
}
