/*
 * vm_cgroup_systemd.c - a VM's cgroup on a systemd host: the transient scope
 * "mvlaunch-NAME.scope" in machine.slice, over sd-bus (see vm_cgroup.h).
 *
 * DESIGN
 * A scope is made of running processes: the first one (swtpm, or QEMU)
 * waits between fork and exec while StartTransientUnit puts its pid in the
 * new scope with the [limits] as unit properties; a later one joins with
 * AttachProcessesToUnit. Only then does the child write itself into the
 * scope's cgroup.procs (a no-op when systemd moved it already) and exec,
 * so QEMU never runs outside. systemd writes the cgroup files from the
 * properties; they are read back from /sys/fs/cgroup as on cgroup v2.
 * QEMU is registered with systemd-machined (RegisterMachine: the scope
 * becomes the machine's unit, 'machinectl list' shows it); a bus without
 * machined is a note, not an error. The scope goes with StopUnit once its
 * processes are gone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config/qos.h"
#include "launcher/host/sdbus.h"
#include "launcher/host/sysfs.h"
#include "launcher/host/vm_cgroup.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define SD_DEST "org.freedesktop.systemd1"
#define SD_PATH "/org/freedesktop/systemd1"
#define SD_MANAGER "org.freedesktop.systemd1.Manager"

static int fail(const struct sdbus *sd, struct strbuf *err, const char *what, const char *unit, int r,
		struct sdbus_error *e)
{
	strbuf_addf(err, "systemd: cannot %s %s: ", what, unit);
	sdbus_error_text(sd, r, e, err);
	return -1;
}

/* libsystemd and the system bus, or NULL with "systemd: cannot WHAT UNIT: why" in err. */
static const struct sdbus *bus(const char *what, const char *unit, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	const struct sdbus *sd = sdbus_get("cannot connect to the system bus", &why);

	if (!sd)
		strbuf_addf(err, "systemd: cannot %s %s: %s", what, unit, why.buf);
	strbuf_release(&why);
	return sd;
}

/* Append the [limits] that are set as (sv) properties of an open a(sv). */
static int append_limits(const struct sdbus *sd, void *m, const struct vm_cgroup_limits *l)
{
	int r = 0;

	if (l->cpu_weight && r >= 0)
		r = sd->append(m, "(sv)", "CPUWeight", "t", (uint64_t)l->cpu_weight);
	/* CPUQuota=250% is 2.5 s of CPU a second */
	if (l->cpu_max_pct && r >= 0)
		r = sd->append(m, "(sv)", "CPUQuotaPerSecUSec", "t", (uint64_t)l->cpu_max_pct * 10000);
	if (l->memory_max && r >= 0)
		r = sd->append(m, "(sv)", "MemoryMax", "t", l->memory_max);
	if (l->memory_high && r >= 0)
		r = sd->append(m, "(sv)", "MemoryHigh", "t", l->memory_high);
	return r;
}

/* The slice the scope goes in: the last part of the cgroup root ("machine.slice"). */
static const char *slice_name(void)
{
	const char *root = vm_cgroup_root();

	return strrchr(root, '/') + 1;
}

static int start_scope(struct vm_cgroup *cg, const struct sdbus *sd, pid_t pid, const struct vm_cgroup_limits *l,
		       struct strbuf *err)
{
	struct sdbus_error e = { 0 };
	void *m = NULL, *reply = NULL;
	char *desc = xstrfmt("mvlaunch VM %s", cg->name);
	int r;

	r = sd->new_method_call(sd->bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StartTransientUnit");
	if (r >= 0)
		r = sd->append(m, "ss", cg->unit, "fail");
	if (r >= 0)
		r = sd->open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = sd->append(m, "(sv)(sv)(sv)(sv)", "Description", "s", desc, "Slice", "s", slice_name(),
			       "CollectMode", "s", "inactive-or-failed", "PIDs", "au", 1, (uint32_t)pid);
	if (r >= 0)
		r = append_limits(sd, m, l);
	if (r >= 0)
		r = sd->close_container(m);
	if (r >= 0)
		r = sd->append(m, "a(sa(sv))", 0);
	if (r >= 0)
		r = sd->call(sd->bus, m, 0, &e, &reply);
	sd->message_unref(reply);
	sd->message_unref(m);
	free(desc);
	return r < 0 ? fail(sd, err, "start the VM's scope", cg->unit, r, &e) : 0;
}

static int attach(struct vm_cgroup *cg, const struct sdbus *sd, pid_t pid, struct strbuf *err)
{
	struct sdbus_error e = { 0 };
	void *m = NULL, *reply = NULL;
	int r;

	r = sd->new_method_call(sd->bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "AttachProcessesToUnit");
	if (r >= 0)
		r = sd->append(m, "ssau", cg->unit, "", 1, (uint32_t)pid);
	if (r >= 0)
		r = sd->call(sd->bus, m, 0, &e, &reply);
	sd->message_unref(reply);
	sd->message_unref(m);
	return r < 0 ? fail(sd, err, "add a process to", cg->unit, r, &e) : 0;
}

/* "6f1a2b3c-..." into 16 bytes; 0, or -1 for anything else. */
static int uuid_bytes(const char *s, uint8_t out[16])
{
	size_t n = 0;

	for (const char *p = s; p && *p && n < 32; p++) {
		unsigned v;

		if (*p == '-')
			continue;
		if (sscanf(p, "%1x", &v) != 1)
			return -1;
		out[n / 2] = (uint8_t)(n % 2 ? out[n / 2] | v : v << 4);
		n++;
	}
	return n == 32 ? 0 : -1;
}

static void register_machine(struct vm_cgroup *cg, const struct sdbus *sd, pid_t pid, const char *uuid,
			     struct strvec *notes)
{
	struct sdbus_error e = { 0 };
	void *m = NULL, *reply = NULL;
	uint8_t id[16] = { 0 };
	int r, have_id = uuid && uuid_bytes(uuid, id) == 0;

	r = sd->new_method_call(sd->bus, &m, "org.freedesktop.machine1", "/org/freedesktop/machine1",
				"org.freedesktop.machine1.Manager", "RegisterMachine");
	if (r >= 0)
		r = sd->append(m, "s", cg->name);
	if (r >= 0)
		r = sd->append_array(m, 'y', id, have_id ? sizeof(id) : 0);
	if (r >= 0)
		r = sd->append(m, "ssus", "mvlaunch", "vm", (uint32_t)pid, "");
	if (r >= 0)
		r = sd->call(sd->bus, m, 0, &e, &reply);
	if (r < 0) {
		struct strbuf why = STRBUF_INIT;
		int absent = e.name && (!strcmp(e.name, "org.freedesktop.DBus.Error.ServiceUnknown") ||
					!strcmp(e.name, "org.freedesktop.DBus.Error.NameHasNoOwner"));

		sdbus_error_text(sd, r, &e, &why);
		if (notes)
			strvec_pushf(notes, absent ? "systemd-machined is not on the bus: '%s' is not registered as a "
					    "machine (%s)" : "systemd-machined did not register '%s': %s", cg->name, why.buf);
		strbuf_release(&why);
	} else {
		cg->registered = 1;
	}
	sd->message_unref(reply);
	sd->message_unref(m);
}

/* Wait (up to 2 s) for systemd to have the pid in the scope's cgroup. */
static int wait_in_scope(const struct vm_cgroup *cg, pid_t pid, struct strbuf *err)
{
	char *procs = xstrfmt("%s/cgroup.procs", cg->dirs.v[0]), num[24];
	struct strbuf sb = STRBUF_INIT;
	int ok = 0;

	snprintf(num, sizeof(num), "%d", (int)pid);
	for (int i = 0; i < 100 && !ok; i++) {
		strbuf_reset(&sb);
		if (sysfs_read(procs, &sb, NULL) == 0)
			for (char *p = sb.buf, *end; *p && !ok; p = end + (*end != '\0')) {
				end = p + strcspn(p, "\n");
				ok = (size_t)(end - p) == strlen(num) && !strncmp(p, num, strlen(num));
			}
		if (!ok)
			usleep(20000);
	}
	if (!ok)
		strbuf_addf(err, "systemd started %s but pid %d is not in '%s'", cg->unit, (int)pid, procs);
	strbuf_release(&sb);
	free(procs);
	return ok ? 0 : -1;
}

int vm_cgroup_systemd_place(struct vm_cgroup *cg, pid_t pid, const struct vm_cgroup_limits *want, const char *uuid,
			    struct strvec *notes, struct strbuf *err)
{
	const struct sdbus *sd = bus("start the VM's scope", cg->unit, err);
	int r;

	if (!sd)
		return -1;
	r = cg->started ? attach(cg, sd, pid, err) : start_scope(cg, sd, pid, want, err);
	if (r < 0)
		return -1;
	cg->started = 1;
	if (wait_in_scope(cg, pid, err) < 0)
		return -1;
	if (uuid && !cg->registered)
		register_machine(cg, sd, pid, uuid, notes);
	return 0;
}

int vm_cgroup_systemd_set(struct vm_cgroup *cg, const struct vm_cgroup_limits *want, struct strbuf *err)
{
	struct sdbus_error e = { 0 };
	const struct sdbus *sd = bus("change", cg->unit, err);
	void *m = NULL, *reply = NULL;
	int r;

	if (!sd)
		return -1;
	r = sd->new_method_call(sd->bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "SetUnitProperties");
	if (r >= 0)
		r = sd->append(m, "sb", cg->unit, 1);	/* runtime: until the scope goes */
	if (r >= 0)
		r = sd->open_container(m, 'a', "(sv)");
	if (r >= 0)
		r = append_limits(sd, m, want);
	if (r >= 0)
		r = sd->close_container(m);
	if (r >= 0)
		r = sd->call(sd->bus, m, 0, &e, &reply);
	sd->message_unref(reply);
	sd->message_unref(m);
	return r < 0 ? fail(sd, err, "change the limits of", cg->unit, r, &e) : 0;
}

int vm_cgroup_systemd_stop(struct vm_cgroup *cg, struct strbuf *err)
{
	struct sdbus_error e = { 0 };
	const struct sdbus *sd;
	void *m = NULL, *reply = NULL;
	int r;

	if (!sysfs_exists(cg->dirs.v[0]))
		return 0;	/* systemd collected it with its last process */
	if (!(sd = bus("stop", cg->unit, err)))
		return -1;
	r = sd->new_method_call(sd->bus, &m, SD_DEST, SD_PATH, SD_MANAGER, "StopUnit");
	if (r >= 0)
		r = sd->append(m, "ss", cg->unit, "replace");
	if (r >= 0)
		r = sd->call(sd->bus, m, 0, &e, &reply);
	sd->message_unref(reply);
	sd->message_unref(m);
	if (r < 0 && e.name && !strcmp(e.name, "org.freedesktop.systemd1.NoSuchUnit")) {
		sd->error_free(&e);
		return 0;
	}
	return r < 0 ? fail(sd, err, "stop", cg->unit, r, &e) : 0;
}
