/*
 * check_qemu.c - verdicts on what the VM's QEMU binary supports (see check.h).
 *
 * A probing QEMU (launcher/qemu/qemu_probe.c) starts under the accelerator
 * the VM uses when this host can give it (KVM), else TCG, and is asked for
 * its version, its machine types, its command line option groups with their
 * parameters, and the expansion of the VM's CPU model. About 100 ms.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher/check/check.h"
#include "launcher/qemu/qemu_probe.h"
#include "qmp/qmp.h"
#include "util/wrapper.h"
#include "util/banned.h"

/*
 * Every "-opt k=v,..." of argv whose group QEMU reports: its keys must be
 * known. -machine's keys are properties of the machine type or, as QEMU
 * forwards them (kernel-irqchip=split), of the accelerator. A key missing
 * from those lists is only a FAIL once QEMU, asked with that option alone,
 * refuses it too: a FAIL means this QEMU would not start the VM.
 */
static void check_options(struct check_report *r, const struct vm_check_ctx *ctx, const struct qemu_probe *p,
			  json_t *groups, json_t *machine_props, json_t *accel_props)
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
		qemu_probe_option_keys(val, &keys);
		for (size_t k = 0; k < keys.nr; k++) {
			const char *key = keys.v[k];

			if (!strcmp(key, "id") || !strcmp(key, "type") || !strcmp(key, "accel") || qemu_probe_has_param(params, key))
				continue;	/* id, type, accel: every group's */
			if (!strcmp(opt, "machine") && accel_props && qemu_probe_has_param(accel_props, key))
				continue;	/* forwarded to the accelerator */
			if (qemu_probe_refuses(p, opt, val, key))
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

/* audio.backend: is its driver in this QEMU (a module of its own in Debian, in another package)? */
static void check_audio(struct check_report *r, const struct vm_config *cfg, const struct qemu_probe *p)
{
	struct strvec have = STRVEC_INIT;
	const char *want;
	int found = 0;

	if (cfg->audio_backend == AUDIO_UNSET)
		return;
	want = vm_config_audio_driver(cfg->audio_backend);
	if (qemu_probe_audio_drivers(p, &have) < 0) {
		check_add(r, "audio", CHECK_WARN, NULL, "%s did not list its audio drivers ('-audiodev help')", cfg->qemu_binary);
		return;
	}
	for (size_t i = 0; i < have.nr; i++)
		found |= !strcmp(have.v[i], want);
	if (found) {
		check_add(r, "audio", CHECK_PASS, NULL, "this QEMU has the '%s' audio driver", want);
	} else {
		struct strbuf list = STRBUF_INIT;

		for (size_t i = 0; i < have.nr; i++)
			strbuf_addf(&list, "%s%s", i ? " " : "", have.v[i]);
		check_add(r, "audio", CHECK_FAIL, cfg->audio_backend == AUDIO_PA ? "apt-get install qemu-system-gui "
			  "(Debian puts QEMU's PulseAudio driver there)" : "install the QEMU package with that audio module",
			  "this QEMU has no '%s' audio driver (it has: %s)", want, list.buf);
		strbuf_release(&list);
	}
	strvec_clear(&have);
}

void check_qemu(struct check_report *r, const struct vm_check_ctx *ctx)
{
	const struct vm_config *cfg = ctx->cfg;
	const char *accel = cfg->accel == ACCEL_KVM && ctx->kvm && ctx->kvm->usable ? "kvm" : "tcg";
	struct qemu_probe p = QEMU_PROBE_INIT;
	struct strbuf err = STRBUF_INIT;
	json_t *ret = NULL, *machines = NULL, *props = NULL, *accel_props = NULL;
	const char *machine;
	int r0 = qemu_probe_start(&p, cfg->qemu_binary, accel, &err);

	if (r0 == QEMU_PROBE_NO_TMPDIR) {
		check_add(r, "qemu", CHECK_FAIL, "set TMPDIR to a writable directory", "%s", err.buf);
		goto out;
	}
	if (r0 < 0) {
		char *fix = xstrfmt("apt-get install qemu-system-x86 (make deps), or set qemu.binary in %s", cfg->file);

		check_add(r, "qemu", CHECK_FAIL, fix, "%s", err.buf);
		free(fix);
		goto out;
	}
	check_add(r, "qemu", CHECK_PASS, NULL, "%s is QEMU %s", cfg->qemu_binary, qmp_qemu_version(p.qmp));
	if (qmp_execute(p.qmp, "query-machines", NULL, &machines, &err) == 0 &&
	    (machine = check_machine(r, cfg, machines))) {
		char *type = xstrfmt("%s-machine", machine);

		if (qmp_execute(p.qmp, "qom-list-properties", json_pack("{s:s}", "typename", type), &props, &err) < 0)
			props = NULL;
		free(type);
	}
	{
		/* the accelerator the VM names, whether or not it can run here */
		char *type = xstrfmt("%s-accel", cfg->accel == ACCEL_KVM ? "kvm" : "tcg");

		if (qmp_execute(p.qmp, "qom-list-properties", json_pack("{s:s}", "typename", type), &accel_props, &err) < 0)
			accel_props = NULL;
		free(type);
	}
	strbuf_reset(&err);
	if (qmp_execute(p.qmp, "query-command-line-options", NULL, &ret, &err) == 0)
		check_options(r, ctx, &p, ret, props, accel_props);
	json_decref(ret);
	json_decref(props);
	json_decref(accel_props);
	json_decref(machines);
	check_cpu_model(r, ctx, p.qmp, accel);
	check_audio(r, cfg, &p);
out:
	qemu_probe_stop(&p);
	strbuf_release(&err);
}
