/*
 * cmd_repin.c - 'mvlaunch repin': move a running VM's threads without a
 * restart, or put drifted ones back (launcher/vm/vm_repin.c).
 */
#include <stdio.h>
#include <stdlib.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "launcher/vm/vm_repin.h"
#include "util/err.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

int cmd_repin(int argc, char **argv, const struct mvl_opts *opts)
{
	struct strvec vcpus = STRVEC_INIT, report = STRVEC_INIT, notes = STRVEC_INIT;
	const char *emulator = NULL;
	int plan = 0, dry_run = 0, ret = MVL_EXIT_USAGE;
	const struct opt options[] = {
		OPT_BOOL(0, "plan", &plan, "plan the VM again from its config, among the other running VMs"),
		OPT_LIST(0, "vcpu", &vcpus, "N=CPUS", "vCPU N on host CPUs CPUS (again for each vCPU to move)"),
		OPT_STRING(0, "emulator", &emulator, "CPUS", "QEMU's emulator threads on CPUS"),
		OPT_BOOL('n', "dry-run", &dry_run, "say which threads would move, move nothing"),
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "repin", .operands = "<name>", .min = 1, .max = 1, .opts = options,
		.text = "Pin running VM <name>'s threads again, without a restart: with no option,\n"
			"every thread that drifted goes back on its recorded pin; --vcpu and\n"
			"--emulator give them new CPUs; --plan plans the VM again from its config\n"
			"next to the other running VMs. Every pin is read back before it is recorded\n"
			"(state.json, and host.json's CPUs); CPUs another running VM owns are refused.",
	};
	struct vm_repin_req req = { .dirs = &opts->dirs };
	struct vm_handle h = VM_HANDLE_INIT;
	struct err err = ERR_INIT;

	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (plan && (vcpus.nr || emulator)) {
		error("--plan chooses every pin: give it alone, or --vcpu and --emulator without it");
		goto out;
	}
	req.plan = plan;
	req.dry_run = dry_run;
	req.vcpus = xcalloc(vcpus.nr ? vcpus.nr : 1, sizeof(*req.vcpus));
	for (size_t i = 0; i < vcpus.nr; i++) {
		if (vm_repin_parse_vcpu(vcpus.v[i], &req.vcpus[req.nr_vcpus++], &err) < 0) {
			err_print(&err);
			goto out;
		}
	}
	if (emulator) {
		struct strbuf why = STRBUF_INIT;

		if (cpuset_parse(&req.emulator, emulator, &why) < 0 || cpuset_empty(&req.emulator)) {
			error("--emulator '%s': %s", emulator, why.len ? why.buf : "no CPU");
			strbuf_release(&why);
			goto out;
		}
		req.has_emulator = 1;
	}
	if (attach_running(argv[0], opts, &h, "only a running VM's threads can be moved", &ret) < 0)
		goto out;
	ret = MVL_EXIT_FAILURE;
	if (vm_repin(&h, &req, &report, &notes, &err) < 0) {
		for (size_t i = 0; i < notes.nr; i++)
			warning("%s", notes.v[i]);
		err_print(&err);
		goto out;
	}
	for (size_t i = 0; i < notes.nr; i++)
		warning("%s", notes.v[i]);
	for (size_t i = 0; i < report.nr; i++)
		printf("%s%s\n", dry_run ? "would move " : "", report.v[i]);
	if (!report.nr)
		printf("%s: every thread is on its pin\n", argv[0]);
	else if (!dry_run)
		printf("%s: %zu thread%s moved, every pin read back and recorded\n", argv[0], report.nr,
		       report.nr == 1 ? "" : "s");
	ret = MVL_EXIT_OK;
out:
	free(req.vcpus);
	strvec_clear(&vcpus);
	strvec_clear(&report);
	strvec_clear(&notes);
	err_release(&err);
	vm_handle_release(&h);
	return ret;
}
