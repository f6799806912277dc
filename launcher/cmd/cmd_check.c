/*
 * cmd_check.c - 'mvlaunch check': is this host ready for these VMs?
 *
 * Thin: loads the VMs, plans them together next to the running ones (as
 * 'plan' does), builds each one's QEMU argv, runs the checks of check.h and
 * prints one line per check with the fix under every WARN and FAIL. Changes
 * nothing. Exit 0 when nothing FAILs, 1 when something does.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/check/check.h"
#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/host_plan.h"
#include "launcher/vm/hooks.h"
#include "launcher/vm/paths.h"
#include "launcher/vm/runtime.h"
#include "launcher/qemu/qemu_argv.h"
#include "launcher/vm/vm_float.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* Print text; each line after the first starts with 'indent' spaces. */
static void print_indented(FILE *out, const char *text, int indent)
{
	const char *nl;

	while ((nl = strchr(text, '\n'))) {
		fprintf(out, "%.*s\n%*s", (int)(nl - text), text, indent, "");
		text = nl + 1;
	}
	fprintf(out, "%s\n", text);
}

/* "PASS  host: kvm  message" lines, "      fix: ..." under each non-pass, and a summary. */
void check_report_print(const struct check_report *r, FILE *out)
{
	int width = 0;

	for (size_t i = 0; i < r->nr; i++) {
		int w = (int)(strlen(r->items[i].vm ? r->items[i].vm : "host") + 2 + strlen(r->items[i].check));

		width = w > width ? w : width;
	}
	for (size_t i = 0; i < r->nr; i++) {
		const struct check_item *it = &r->items[i];
		char *what = xstrfmt("%s: %s", it->vm ? it->vm : "host", it->check);

		fprintf(out, "%s  %-*s  ", check_level_name(it->level), width, what);
		print_indented(out, it->message, 6 + width + 2);
		if (it->fix) {
			fprintf(out, "      fix: ");
			print_indented(out, it->fix, 11);
		}
		free(what);
	}
	fprintf(out, "%zu passed, %zu warning%s, %zu failed\n", check_count(r, CHECK_PASS), check_count(r, CHECK_WARN),
		check_count(r, CHECK_WARN) == 1 ? "" : "s", check_count(r, CHECK_FAIL));
}

int cmd_check(int argc, char **argv, const struct mvl_opts *opts)
{
	struct check_report r;
	struct kvm_caps kvm;
	struct host_plan hp = HOST_PLAN_INIT;
	struct vm_config *cfgs = NULL;
	const char **names = NULL;
	struct err err = ERR_INIT;
	struct cpuset vm_cpus;
	size_t n, loaded = 0;
	int json = 0, need_kvm, planned_host = 0, ret = MVL_EXIT_FAILURE;
	const struct opt options[] = {
		OPT_BOOL(0, "json", &json, "the report as JSON: {\"checks\": [{\"vm\", \"check\", \"status\",\n"
			 "\"message\", \"fix\"}], \"pass\", \"warn\", \"fail\"}"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "check", .operands = "[<vm>...]", .min = 0, .max = -1, .opts = options,
		.text = "Check this host for the VMs (or, with none named, the host alone): /dev/kvm\n"
			"and the KVM capabilities cpu-pm needs, the QEMU binary and the options,\n"
			"machine type and CPU features each VM uses, the kernel command line\n"
			"(isolcpus, nohz_full, rcu_nocbs, IOMMU), passthrough devices and their\n"
			"IOMMU groups, [[usb]] devices (WARN when not plugged in), hugepages, OVMF,\n"
			"disk and ISO images, pins, cpu-pm, SMM for\n"
			"Secure Boot, swtpm for a TPM, a TCP display's port, KSM, THP, the\n"
			"governor, and the hooks each VM would run. One line per check: PASS,\n"
			"WARN or FAIL, with the fix under each WARN and FAIL. Changes nothing; exit\n"
			"0 when nothing FAILs.",
	};

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	n = (size_t)argc;
	check_report_init(&r);
	cfgs = xcalloc(n + 1, sizeof(*cfgs));
	names = xcalloc(n + 1, sizeof(*names));
	need_kvm = n == 0;
	if (load_vms(argv, n, opts, cfgs, names, &loaded) < 0)
		goto out;	/* the config error is printed: that is the answer */
	for (size_t i = 0; i < n; i++)
		need_kvm |= cfgs[i].accel == ACCEL_KVM;

	check_kvm(&r, need_kvm, &kvm);
	cpuset_zero(&vm_cpus);
	if (n && host_plan_init(&hp, NULL, NULL, &opts->dirs, names, n, &err) < 0) {
		check_add(&r, "topology", CHECK_FAIL, err.hint.len ? err.hint.buf : "fix host.toml, or the hwloc installation",
			  "%s", err.msg.buf);
		err_reset(&err);
	} else {
		planned_host = n > 0;
	}
	for (size_t i = 0; i < n; i++) {
		struct pin_plan plan = { .memory_node = -1 };
		struct strvec warnings = STRVEC_INIT, qargv = STRVEC_INIT;
		char *run_dir = runtime_vm_path(cfgs[i].name, NULL);
		struct qemu_runtime rt = { .state_dir = paths_state_root(), .run_dir = run_dir, .qmp_fd = 3 };
		struct vm_check_ctx ctx = { .cfg = &cfgs[i], .kvm = &kvm, .plan_warnings = &warnings };
		int ok = planned_host && pin_plan_build(&hp.host, &cfgs[i], &plan, &warnings, &err.msg) == 0;

		if (ok) {
			ctx.plan = &plan;
			ctx.host = &hp.host;
			for (size_t v = 0; v < plan.nr_vcpus; v++)
				cpuset_or(&vm_cpus, &plan.vcpu[v]);
		} else {
			ctx.plan_error = err.msg.len ? err.msg.buf : "the host topology could not be read";
		}
		if (qemu_argv_build(&cfgs[i], ok ? &plan : NULL, &rt, &qargv, NULL, &err.msg) == 0)
			ctx.argv = &qargv;
		check_vm(&r, &ctx);
		{
			/* what 'up' and 'down' would run, and what they would refuse */
			struct hooks_vm hooks;

			hooks_vm_init(&hooks, cfgs[i].name, cfgs[i].file);
			hooks_check(&r, &hooks);
			hooks_vm_release(&hooks);
		}
		err_reset(&err);
		strvec_clear(&warnings);
		strvec_clear(&qargv);
		pin_plan_release(&plan);
		free(run_dir);
	}
	check_host_knobs(&r, &vm_cpus);
	check_inputs_shared(&r, cfgs, n);
	{
		struct check_running *running;
		size_t nr = vm_float_running(&running);

		check_floating(&r, running, nr);
		vm_float_running_free(running, nr);
	}

	if (json) {
		json_t *o = check_report_json(&r);
		char *text = json_dumps(o, JSON_INDENT(2));

		puts(text);
		free(text);
		json_decref(o);
	} else {
		check_report_print(&r, stdout);
	}
	ret = check_count(&r, CHECK_FAIL) ? MVL_EXIT_FAILURE : MVL_EXIT_OK;
out:
	for (size_t i = 0; i < loaded; i++)
		vm_config_release(&cfgs[i]);
	host_plan_release(&hp);
	check_report_release(&r);
	err_release(&err);
	free(names);
	free(cfgs);
	return ret;
}
