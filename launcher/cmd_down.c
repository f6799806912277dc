/*
 * cmd_down.c - 'mvlaunch down': stop a VM and remove its runtime files.
 *
 * ACPI power-down first (the guest shuts down cleanly), then QMP quit,
 * SIGTERM and SIGKILL, each only when the previous one did not stop QEMU.
 * A VM that is not running, or whose QEMU crashed, is cleaned up and the
 * command still succeeds.
 */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "commands.h"
#include "paths.h"
#include "vm_float.h"
#include "vm_up.h"
#include "../util/usage.h"
#include "../util/banned.h"

static const char usage_down[] =
	"usage: mvlaunch down [--timeout S] [--force] <name>\n"
	"\n"
	"Stop VM <name>: ACPI power-down, wait up to --timeout seconds (default 60)\n"
	"for the guest to shut down, then QMP quit, SIGTERM, SIGKILL. Runtime files\n"
	"are removed. --force skips the power-down and stops QEMU at once.";

/* Give back its hugepages and host knobs; a failure is reported, the VM is down anyway. */
static void release_host(const char *name, const struct mvl_opts *opts)
{
	struct strvec notes = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;

	if (vm_host_release(name, opts, &notes, &err) < 0) {
		error("cannot give back what '%s' held on the host", name);
		error_lines(err.buf);
	}
	strbuf_reset(&err);
	/* its CPUs are free again: floating VMs may use them */
	if (vm_float_refresh(opts, &notes, &err) < 0)
		error_lines(err.buf);
	for (size_t i = 0; i < notes.nr; i++)
		warning("%s", notes.v[i]);
	strvec_clear(&notes);
	strbuf_release(&err);
}

int cmd_down(int argc, char **argv, const struct mvl_opts *opts)
{
	static const struct option longopts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const how_text[] = {
		[STOP_NOT_RUNNING] = "was not running",
		[STOP_GONE] = "had already stopped",
		[STOP_POWERDOWN] = "shut down (ACPI power-down)",
		[STOP_QUIT] = "stopped with QMP quit",
		[STOP_TERM] = "stopped with SIGTERM",
		[STOP_KILL] = "killed with SIGKILL",
	};
	struct vm_handle h = VM_HANDLE_INIT;
	struct strbuf err = STRBUF_INIT;
	int timeout_ms = 60000, force = 0, was_gone, c, r, ret = MVL_EXIT_FAILURE;
	enum vm_stop_how how;
	const char *name;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+hf", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_seconds(optarg, &timeout_ms) < 0) {
				error("invalid --timeout '%s': expected seconds (0..86400)", optarg);
				return MVL_EXIT_USAGE;
			}
			break;
		case 'f':
			force = 1;
			break;
		case 'h':
			puts(usage_down);
			return MVL_EXIT_OK;
		default:
			return usage_error(usage_down);
		}
	}
	if (argc - optind != 1)
		return usage_error(usage_down);
	name = argv[optind];

	r = vm_name_arg(name, opts, &err);
	if (r <= 0) {
		error_lines(err.buf);
		ret = r < 0 ? MVL_EXIT_USAGE : MVL_EXIT_FAILURE;
		goto out;
	}
	r = vm_attach(name, &h, &was_gone, &err);
	if (r < 0) {
		error("cannot stop VM '%s'", name);
		error_lines(err.buf);
		goto out;
	}
	if (r == 0) {
		release_host(name, opts);
		if (was_gone)
			printf("'%s' was not running: its QEMU had crashed or been killed; removed its runtime files\n", name);
		else
			printf("'%s' is not running\n", name);
		ret = MVL_EXIT_OK;
		goto out;
	}
	how = vm_stop(&h, timeout_ms, force);
	if (how == STOP_QUIT && !force)
		printf("'%s' did not shut down within %d s of the ACPI power-down; ", name, timeout_ms / 1000);
	else
		printf("'%s' ", name);
	printf("%s\n", how_text[how]);
	release_host(name, opts);
	ret = MVL_EXIT_OK;
out:
	vm_handle_release(&h);
	strbuf_release(&err);
	return ret;
}
