/*
 * qemu_probe.c - ask the VM's QEMU binary what it supports (see check.h).
 *
 * QEMU starts with no machine (-machine none), paused, with nothing
 * attached, under the accelerator the VM uses when this host can give it
 * (KVM), else TCG. Over QMP it is asked for its version, its machine types,
 * its command line option groups with their parameters, and the expansion
 * of the VM's CPU model; then it is told to quit. About 100 ms.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "qemu_proc.h"
#include "../qmp/qmp.h"
#include "../util/wrapper.h"
#include "../util/banned.h"

/* The option keys of a QEMU "k=v,k=v" value (",," is a literal comma). */
static void option_keys(const char *value, struct strvec *keys)
{
	const char *p = value;

	while (*p) {
		const char *start = p, *eq = NULL;

		while (*p && !(*p == ',' && p[1] != ',')) {
			if (*p == ',')
				p++;	/* ",," */
			else if (*p == '=' && !eq)
				eq = p;
			p++;
		}
		if (eq)	/* a piece without '=' is the group's implied value: no key */
			strvec_push_nodup(keys, xstrndup(start, (size_t)(eq - start)));
		if (*p == ',')
			p++;
	}
}

static int has_param(json_t *params, const char *key)
{
	size_t i;
	json_t *p;

	json_array_foreach(params, i, p)
		if (!strcmp(json_string_value(json_object_get(p, "name")), key))
			return 1;
	return 0;
}

/*
 * Every "-opt k=v,..." of argv whose group QEMU reports: its keys must be
 * known. -machine's keys are properties of the machine type, so they are
 * checked against machine_props (qom-list-properties of that type).
 */
static void check_options(struct check_report *r, const struct vm_check_ctx *ctx, json_t *groups,
			  json_t *machine_props)
{
	struct strbuf bad = STRBUF_INIT;
	size_t checked = 0;

	for (size_t i = 1; ctx->argv && i + 1 < ctx->argv->nr; i++) {
		const char *opt = ctx->argv->v[i], *val = ctx->argv->v[i + 1];
		json_t *g, *params = NULL;
		struct strvec keys = STRVEC_INIT;
		size_t j;

		if (opt[0] != '-' || val[0] == '-')
			continue;
		opt += opt[1] == '-' ? 2 : 1;
		json_array_foreach(groups, j, g)
			if (!strcmp(json_string_value(json_object_get(g, "option")), opt))
				params = json_object_get(g, "parameters");
		i++;
		if (!strcmp(opt, "machine"))
			params = machine_props;	/* none when the machine type is unknown: its own FAIL */
		if (!params)
			continue;	/* not a QemuOpts group (-cpu, -device, ...): QEMU checks it at start */
		checked++;
		if (!json_array_size(params) || val[0] == '{' || !strcmp(opt, "global"))
			continue;	/* free-form, JSON (QEMU's QAPI checks it), or -global DRIVER.PROP=V */
		option_keys(val, &keys);
		for (size_t k = 0; k < keys.nr; k++)
			if (strcmp(keys.v[k], "id") && strcmp(keys.v[k], "type") && strcmp(keys.v[k], "accel") &&
			    !has_param(params, keys.v[k]))	/* id, type, accel: every group's */
				strbuf_addf(&bad, "%s-%s %s", bad.len ? ", " : "", opt, keys.v[k]);
		strvec_clear(&keys);
	}
	if (bad.len)
		check_add(r, "qemu.options", CHECK_FAIL, "a newer QEMU, or drop the setting that needs it",
			  "this QEMU does not know: %s", bad.buf);
	else
		check_add(r, "qemu.options", CHECK_PASS, NULL, "QEMU knows every parameter of the %zu option groups the VM uses",
			  checked);
	strbuf_release(&bad);
}

/* The machine type check; returns its full name (the QOM type is NAME-machine), or NULL. */
static const char *check_machine(struct check_report *r, const struct vm_config *cfg, json_t *machines)
{
	size_t i;
	json_t *m;
	char *fix;

	json_array_foreach(machines, i, m) {
		const char *name = json_string_value(json_object_get(m, "name"));
		const char *alias = json_string_value(json_object_get(m, "alias"));

		if ((name && !strcmp(name, cfg->machine_type)) || (alias && !strcmp(alias, cfg->machine_type))) {
			if (alias && !strcmp(alias, cfg->machine_type))
				check_add(r, "qemu.machine", CHECK_PASS, NULL, "machine type '%s' is there (%s)", alias, name);
			else
				check_add(r, "qemu.machine", CHECK_PASS, NULL, "machine type '%s' is there", name);
			return name;
		}
	}
	fix = xstrfmt("'%s -machine help' lists them: fix machine.type in %s", cfg->qemu_binary, cfg->file);
	check_add(r, "qemu.machine", CHECK_FAIL, fix, "this QEMU has no machine type '%s'", cfg->machine_type);
	free(fix);
	return NULL;
}

static void check_cpu_model(struct check_report *r, const struct vm_check_ctx *ctx, struct qmp *q, const char *accel)
{
	const struct vm_config *cfg = ctx->cfg;
	struct strbuf e = STRBUF_INIT, lack = STRBUF_INIT, off = STRBUF_INIT;
	json_t *ret = NULL, *props;
	char *fix;

	if (qmp_execute(q, "query-cpu-model-expansion",
			json_pack("{s:s,s:{s:s}}", "type", "full", "model", "name", cfg->cpu_model), &ret, &e) < 0) {
		check_add(r, "cpu.model", cfg->cpu_require.nr ? CHECK_FAIL : CHECK_WARN,
			  "check cpu.model (\"host\" needs KVM; 'qemu-system-x86_64 -cpu help' lists the others)",
			  "CPU model '%s' cannot be expanded under %s: %s", cfg->cpu_model, accel, e.buf);
		goto out;
	}
	props = json_object_get(json_object_get(ret, "model"), "props");
	for (size_t i = 0; i < cfg->cpu_require.nr; i++)
		if (!json_is_true(json_object_get(props, cfg->cpu_require.v[i])))
			strbuf_addf(&lack, "%s%s", lack.len ? ", " : "", cfg->cpu_require.v[i]);
	if (lack.len) {
		fix = xstrfmt("drop them from cpu.require in %s, or run the VM on a host whose CPU has them", cfg->file);
		check_add(r, "cpu.require", CHECK_FAIL, fix, "CPU model '%s' here (%s) lacks: %s", cfg->cpu_model, accel,
			  lack.buf);
		free(fix);
	} else if (cfg->cpu_require.nr) {
		check_add(r, "cpu.require", CHECK_PASS, NULL, "CPU model '%s' here has all %zu required features",
			  cfg->cpu_model, cfg->cpu_require.nr);
	}
	for (size_t i = 0; i < cfg->cpu_disable.nr; i++)
		strbuf_addf(&off, "%s%s%s", off.len ? ", " : "", cfg->cpu_disable.v[i],
			    json_is_true(json_object_get(props, cfg->cpu_disable.v[i])) ? "" : " (not offered anyway)");
	if (off.len)
		check_add(r, "cpu.disable", CHECK_PASS, NULL, "hidden from the guest: %s", off.buf);
out:
	json_decref(ret);
	strbuf_release(&e);
	strbuf_release(&lack);
	strbuf_release(&off);
}

void check_qemu(struct check_report *r, const struct vm_check_ctx *ctx)
{
	const struct vm_config *cfg = ctx->cfg;
	const char *accel = cfg->accel == ACCEL_KVM && ctx->kvm && ctx->kvm->usable ? "kvm" : "tcg";
	const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	char *dir = xstrfmt("%s/mvlaunch-check-XXXXXX", tmp), *sock, *log, *fix;
	struct strvec argv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	struct qemu_proc proc = QEMU_PROC_INIT;
	struct qmp *q = NULL;
	json_t *ret = NULL, *machines = NULL, *props = NULL;
	const char *machine;
	int fd;

	if (!mkdtemp(dir)) {
		check_add(r, "qemu", CHECK_FAIL, "set TMPDIR to a writable directory", "cannot make a directory in %s: %s",
			  tmp, strerror(errno));
		free(dir);
		return;
	}
	sock = xstrfmt("%s/qmp.sock", dir);
	log = xstrfmt("%s/qemu.log", dir);
	fix = xstrfmt("apt-get install qemu-system-x86 (make deps), or set qemu.binary in %s", cfg->file);
	strvec_pushl(&argv, cfg->qemu_binary, "-machine", "none", "-accel", accel, "-nodefaults", "-display", "none",
		     "-S", "-chardev", "socket,id=qmp,fd=3,server=on,wait=off", "-mon", "chardev=qmp,mode=control", NULL);
	fd = qmp_listen(sock, &err);
	if (fd < 0 || qemu_spawn(&argv, log, NULL, NULL, fd, &proc, &err) < 0) {
		check_add(r, "qemu", CHECK_FAIL, fix, "%s", err.buf);
		goto out;
	}
	if (qmp_connect(&q, sock, 10000, &err) < 0) {
		strbuf_addstr(&err, "; QEMU's log:");
		file_tail(log, 4, &err);
		check_add(r, "qemu", CHECK_FAIL, fix, "%s did not answer on QMP: %s", cfg->qemu_binary, err.buf);
		goto out;
	}
	check_add(r, "qemu", CHECK_PASS, NULL, "%s is QEMU %s", cfg->qemu_binary, qmp_qemu_version(q));
	if (qmp_execute(q, "query-machines", NULL, &machines, &err) == 0 &&
	    (machine = check_machine(r, cfg, machines))) {
		char *type = xstrfmt("%s-machine", machine);

		if (qmp_execute(q, "qom-list-properties", json_pack("{s:s}", "typename", type), &props, &err) < 0)
			props = NULL;
		free(type);
	}
	if (qmp_execute(q, "query-command-line-options", NULL, &ret, &err) == 0)
		check_options(r, ctx, ret, props);
	json_decref(ret);
	json_decref(props);
	json_decref(machines);
	ret = NULL;
	check_cpu_model(r, ctx, q, accel);
	strbuf_reset(&err);
	qmp_execute(q, "quit", NULL, NULL, &err);
out:
	qmp_close(q);
	if (fd >= 0)
		close(fd);
	if (proc.pid > 0)
		qemu_kill(&proc, 2000);
	qemu_proc_release(&proc);
	unlink(sock);
	unlink(log);
	rmdir(dir);
	free(dir);
	strvec_clear(&argv);
	strbuf_release(&err);
	free(fix);
	free(sock);
	free(log);
}
