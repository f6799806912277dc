/*
 * cmd_help.c - 'mvlaunch help [COMMAND|config]'.
 *
 * Without an argument: the command list from main.c's table. With a command:
 * that command's usage. 'help config' prints the config key reference from
 * vm_config.c's key table, the same text README.md carries; 'help hooks' the
 * rules of launcher/vm/hooks.c (README.md and the man page carry it too).
 */
#include <stdio.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "config/host_config.h"
#include "config/vm_config.h"
#include "util/usage.h"
#include "util/banned.h"

static const char hooks_reference[] =
"HOOKS_DIR is hooks.d in the directory of the VM's config file: VMS_DIR/hooks.d\n"
"for a VM given by NAME (--vms DIR, $MVLAUNCH_VMS, /etc/mvlaunch/vms), the\n"
"file's own directory for a path to a .toml file. A phase runs the executables\n"
"in HOOKS_DIR/all/PHASE.d/ and HOOKS_DIR/NAME/PHASE.d/, merged in file name\n"
"order (bytes, as with LC_COLLATE=C: name them 10-shield, 20-gpu, ...); a file\n"
"in NAME/PHASE.d/ replaces the file of the same name in all/PHASE.d/.\n"
"\n"
"  prepare  up: after the VM's lock, before planning, the checks and any host\n"
"           change (a hook may bind a device to vfio-pci the checks then see)\n"
"  started  up: QEMU runs paused, every pin set and read back; before the\n"
"           guest runs ('cont')\n"
"  stopped  QEMU is gone: down, the end of run, a failed up; for a QEMU that\n"
"           crashed, when 'mvlaunch down NAME' cleans up after it\n"
"  release  after stopped, once the host is given back (hugepages, knobs,\n"
"           CPU shield, CPUs of floating VMs)\n"
"\n"
"Skipped, as run-parts does: names that start with '.', end in '~', '.swp',\n"
"'.rpmsave', '.rpmnew' or '.rpmorig', or contain '.dpkg-'; what is not a\n"
"regular file or not executable ('check' warns about these). Run as root, a\n"
"hook, its PHASE.d, the all/NAME directory above it and HOOKS_DIR must belong\n"
"to root (or the user) and not be writable by group or others, else the hook\n"
"is refused, which fails its phase.\n"
"\n"
"A hook runs without a shell (fork, execve) in its own process group: argv\n"
"PATH NAME PHASE, stdin /dev/null, stdout and stderr appended to\n"
"$MVLAUNCH_LOGDIR/NAME/hooks.log between a line naming it and one saying how\n"
"it ended (the log moves to hooks.log.1 past 1 MiB). Environment: mvlaunch's\n"
"own, plus MVLAUNCH_VM, MVLAUNCH_PHASE, MVLAUNCH_CONFIG (the config file's\n"
"absolute path) and MVLAUNCH_PID (QEMU's pid, in started and stopped; absent\n"
"in prepare and release, and in stopped when QEMU never ran). A hook still\n"
"running after $MVLAUNCH_HOOK_TIMEOUT seconds (default 30) gets SIGTERM with\n"
"its process group, SIGKILL 3 s later, and has failed.\n"
"\n"
"A failing prepare or started hook (an exit status other than 0, a signal,\n"
"the timeout, refused) stops up: the rest of that phase does not run,\n"
"everything up did is undone, and, as libvirt does after a failed start, the\n"
"stopped and release hooks run, so a prepare hook that did half its work can\n"
"undo it; up exits 1 with the hook's last lines and the log's path. Ctrl-C,\n"
"SIGTERM or SIGHUP end a running prepare or started hook the same way. A\n"
"failing stopped or release hook is reported, and the other hooks and the\n"
"rest of the cleanup still run; down then exits 1 (run keeps its exit code).\n"
"up --dry-run runs no hook. 'mvlaunch check NAME' lists each phase's hooks in\n"
"order and flags skipped and refused ones.\n";

int cmd_help(int argc, char **argv, const struct mvl_opts *opts)
{
	const struct opt options[] = {
		OPT_END(),
	};
	const struct cmd_usage usage = {
		.name = "help", .operands = "[<command> | config | host-config | hooks]", .min = 0, .max = 1, .opts = options,
		.text = "Show the commands, one command's usage, or (config) every VM config key\n"
			"with its type, default, the QEMU option it becomes and what it is for,\n"
			"or (host-config) every key of host.toml, or (hooks) when and how the\n"
			"executables in hooks.d/ beside the VM configs run.",
	};
	argc = parse_options(argc, argv, &usage);
	if (argc < 0)
		return parse_options_exit(argc);
	if (argc == 0) {
		commands_list();
		return MVL_EXIT_OK;
	}
	if (!strcmp(argv[0], "config")) {
		vm_config_write_reference(stdout);
		return MVL_EXIT_OK;
	}
	if (!strcmp(argv[0], "hooks")) {
		fputs(hooks_reference, stdout);
		return MVL_EXIT_OK;
	}
	if (!strcmp(argv[0], "host-config")) {
		host_config_write_reference(stdout);
		return MVL_EXIT_OK;
	}
	return commands_help(argv[0], opts);
}
