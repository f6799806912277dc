/*
 * check_qemu.c - ask the VM's QEMU binary what it supports (see check.h).
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

#include "launcher/check/check.h"
#include "launcher/qemu/qemu_proc.h"
#include "qmp/qmp.h"
#include "util/wrapper.h"
#include "util/banned.h"

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

/* What QEMU printed when it refused a parameter named 'key' (its 7.2 wordings). */
static int refuses_key(const char *log, const char *key)
{
	static const char *const why[][2] = {
		{ "Invalid parameter '", "'" }, { "Parameter '", "' is unexpected" },
		{ "does not support the option '", "'" },
	};
	int found = 0;

	for (size_t i = 0; i < ARRAY_SIZE(why) && !found; i++) {
		char *needle = xstrfmt("%s%s%s", why[i][0], key, why[i][1]);

		found = strstr(log, needle) != NULL;
		free(needle);
	}
	if (!found) {
		/* "Parameter 'smp.K' is unexpected", "Property 'TYPE.K' not found" */
		char *dotted = xstrfmt(".%s' ", key);
		const char *p = strstr(log, dotted);

		found = p && (strstr(p, "is unexpected") || strstr(p, "not found"));
		free(dotted);
	}
	return found;
}

/*
 * Ask QEMU itself about one option whose key its lists do not show (legacy
 * spellings such as -drive readonly= are accepted but not listed): start it
 * with that option alone and see whether it complains about that key.
 * 1 when QEMU refuses the key, 0 when not.
 */
static int probe_refuses(const struct vm_config *cfg, const char *accel, const char *dir, const char *opt,
			 const char *val, const char *key)
{
	struct strvec argv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT, log = STRBUF_INIT;
	struct qemu_proc proc = QEMU_PROC_INIT;
	char *logpath = xstrfmt("%s/option.log", dir), *dash = xstrfmt("-%s", opt);
	int refused = 0;

	strvec_pushl(&argv, cfg->qemu_binary, "-accel", accel, "-nodefaults", "-display", "none", "-S", NULL);
	if (strcmp(opt, "machine"))
		strvec_pushl(&argv, "-machine", "none", NULL);
	strvec_pushl(&argv, dash, val, NULL);
	if (qemu_proc_spawn(&argv, logpath, NULL, NULL, -1, NULL, &proc, &err) == 0) {
		/* a refused option ends QEMU at once; one it takes leaves it waiting, paused */
		if (!qemu_proc_wait_exit(&proc, 1500))
			qemu_proc_kill(&proc, 1000);
		qemu_proc_log_tail(logpath, 20, &log);
		refused = refuses_key(log.buf, key);
	}
	qemu_proc_release(&proc);
	unlink(logpath);
	free(logpath);
	free(dash);
	strvec_clear(&argv);
	strbuf_release(&err);
	strbuf_release(&log);
	return refused;
}

/*
 * Every "-opt k=v,..." of argv whose group QEMU reports: its keys must be
 * known. -machine's keys are properties of the machine type or, as QEMU
 * forwards them (kernel-irqchip=split), of the accelerator. A key missing
 * from those lists is only a FAIL once QEMU, asked with that option alone,
 * refuses it too: a FAIL means this QEMU would not start the VM.
 */
static void check_options(struct check_report *r, const struct vm_check_ctx *ctx, json_t *groups,
			  json_t *machine_props, json_t *accel_props, const char *accel, const char *dir)
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
		for (size_t k = 0; k < keys.nr; k++) {
			const char *key = keys.v[k];

			if (!strcmp(key, "id") || !strcmp(key, "type") || !strcmp(key, "accel") || has_param(params, key))
				continue;	/* id, type, accel: every group's */
			if (!strcmp(opt, "machine") && accel_props && has_param(accel_props, key))
				continue;	/* forwarded to the accelerator */
			if (probe_refuses(ctx->cfg, accel, dir, opt, val, key))
				strbuf_addf(&bad, "%s-%s %s", bad.len ? ", " : "", opt, key);
		}
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
	json_t *ret = NULL, *machines = NULL, *props = NULL, *accel_props = NULL;
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
	if (fd < 0 || qemu_proc_spawn(&argv, log, NULL, NULL, fd, NULL, &proc, &err) < 0) {
		check_add(r, "qemu", CHECK_FAIL, fix, "%s", err.buf);
		goto out;
	}
	if (qmp_connect(&q, sock, 10000, &err) < 0) {
		strbuf_addstr(&err, "; QEMU's log:");
		qemu_proc_log_tail(log, 4, &err);
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
	{
		/* the accelerator the VM names, whether or not it can run here */
		char *type = xstrfmt("%s-accel", cfg->accel == ACCEL_KVM ? "kvm" : "tcg");

		if (qmp_execute(q, "qom-list-properties", json_pack("{s:s}", "typename", type), &accel_props, &err) < 0)
			accel_props = NULL;
		free(type);
	}
	strbuf_reset(&err);
	if (qmp_execute(q, "query-command-line-options", NULL, &ret, &err) == 0)
		check_options(r, ctx, ret, props, accel_props, accel, dir);
	json_decref(ret);
	json_decref(props);
	json_decref(accel_props);
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
		qemu_proc_kill(&proc, 2000);
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
