/*
 * main.c - mvlaunch's entry point: global options, the command table, dispatch.
 *
 * The only file outside libmvlaunch.a. The table below is the one list of
 * commands: 'mvlaunch', 'mvlaunch help' and the tests that loop over every
 * command's --help all read it.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/version.h"
#include "util/suggest.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv, const struct mvl_opts *opts);
	const char *help;
};

static const struct cmd commands[] = {
	{ "up",      cmd_up,      "start a VM paused, pin every thread, verify, resume it" },
	{ "down",    cmd_down,    "stop a VM (ACPI, then quit, TERM, KILL) and clean up" },
	{ "run",     cmd_run,     "start a VM and stay in the foreground (systemd Type=notify)" },
	{ "console", cmd_console, "attach the terminal to a VM's serial console (Ctrl-] leaves)" },
	{ "pause",   cmd_pause,   "pause a running VM's vCPUs" },
	{ "resume",  cmd_resume,  "resume a paused VM" },
	{ "reset",   cmd_reset,   "reset a running VM at once (the reset button)" },
	{ "reboot",  cmd_reboot,  "reboot a running VM: ACPI shutdown, then reset in the same QEMU" },
	{ "repin",   cmd_repin,   "move a running VM's threads to new CPUs, or back on their pins, live" },
	{ "qmp",     cmd_qmp,     "send one QMP command to a running VM and print the reply" },
	{ "eject",   cmd_eject,   "take the medium out of a running VM's cdrom drive" },
	{ "insert",  cmd_insert,  "put an ISO image into a running VM's cdrom drive" },
	{ "display", cmd_display, "say how to connect to a running VM's screen (VNC or SPICE)" },
	{ "input",   cmd_input,   "list this host's keyboards and mice for [[input]] evdev" },
	{ "limits",  cmd_limits,  "show a running VM's disk I/O limits, or change one disk's live" },
	{ "usb",     cmd_usb,     "list the host's USB devices and their VMs; attach or detach one live" },
	{ "log",     cmd_log,     "print a VM's QEMU log, serial output or QMP events, this boot or one before" },
	{ "status",  cmd_status,  "show VMs, their state and their live pins" },
	{ "list",    cmd_list,    "one line per VM (--all: stopped ones too): state, size, pins, uptime" },
	{ "map",     cmd_map,     "draw the host's sockets, nodes, L3 groups and cores, and who runs where" },
	{ "plan",    cmd_plan,    "show where VMs' threads and memory go on this host; change nothing" },
	{ "check",   cmd_check,   "check this host for VMs: KVM, QEMU, kernel command line, IOMMU, hugepages, pins" },
	{ "doctor",  cmd_doctor,  "watch a running VM and prove its pins, isolation and hugepages hold" },
	{ "unit",    cmd_unit,    "print the systemd unit that runs a VM as a service" },
	{ "host",    cmd_host,    "show, apply or undo the host knobs and hugepages VMs hold" },
	{ "argv",    cmd_argv,    "print the QEMU command line for a VM; change nothing" },
	{ "import",  cmd_import,  "turn a libvirt domain (virsh dumpxml) into a config, reporting what is not carried over" },
	{ "help",    cmd_help,    "show help for a command, or 'help config' for every config key" },
	{ "version", cmd_version, "print mvlaunch's version" },
};

static const char usage_main[] =
	"usage: mvlaunch [--vms DIR] [--host-config FILE] [--version] [--help] <command> [<args>]";

void commands_list(void)
{
	printf("%s\n\nCommands:\n", usage_main);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		printf("   %-10s %s\n", commands[i].name, commands[i].help);
	printf("\nA <vm> is a NAME (NAME.toml in --vms DIR, $MVLAUNCH_VMS or /etc/mvlaunch/vms)\n"
	       "or a path to a .toml file. 'mvlaunch help <command>' shows a command's options.\n");
}

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

/* What people coming from virsh, qm or docker type, and what mvlaunch calls it. */
static const struct { const char *word, *cmd; } synonyms[] = {
	{ "start", "up" }, { "boot", "up" }, { "create", "up" }, { "stop", "down" }, { "shutdown", "down" },
	{ "destroy", "down --force" }, { "kill", "down --force" }, { "ps", "list" }, { "ls", "list" },
	{ "info", "status" }, { "dominfo", "status" }, { "show", "status" }, { "cmdline", "argv" },
	{ "doctor", "check" }, { "service", "unit" },
};

/* "unknown command 'start'" with the command meant: a synonym, else the nearest name. */
static int unknown_command(const char *name)
{
	const char *names[ARRAY_SIZE(commands)], *near = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(synonyms) && !near; i++)
		if (!strcmp(synonyms[i].word, name))
			near = synonyms[i].cmd;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		names[i] = commands[i].name;
	if (!near)
		near = suggest_nearest(name, names, ARRAY_SIZE(commands));
	error("unknown command '%s'", name);
	if (near)
		hint("did you mean 'mvlaunch %s'? ('mvlaunch help' lists the commands)", near);
	else
		hint("see 'mvlaunch help' for the list");
	return MVL_EXIT_USAGE;
}

int commands_help(const char *name, const struct mvl_opts *opts)
{
	const struct cmd *c = find_cmd(name);
	char *argv[] = { (char *)name, (char *)"--help", NULL };

	if (!c)
		return unknown_command(name);
	return c->fn(2, argv, opts);	/* within 'help', whose run_command() checks stdout */
}

/*
 * What a command printed must have reached its stdout: a full disk, a file
 * over quota, /dev/full is an error and exit 1, never a silent success (as
 * git's run_builtin()). A command's own failure keeps its code.
 */
static int check_stdout(int ret)
{
	int failed = fflush(stdout) != 0, e = errno;

	if (!failed && !ferror(stdout))
		return ret;
	if (failed)
		error("cannot write to standard output: %s", strerror(e));
	else
		error("cannot write to standard output");
	clearerr(stdout);
	return ret == MVL_EXIT_OK ? MVL_EXIT_FAILURE : ret;
}

static int run_command(const struct cmd *cmd, int argc, char **argv, const struct mvl_opts *opts)
{
	int ret = cmd->fn(argc, argv, opts);

	/* a command returns an exit code; a stray -1 is a failure, never exit 255 */
	if (ret < 0 || ret > 255)
		ret = MVL_EXIT_FAILURE;
	return check_stdout(ret);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "vms", required_argument, NULL, 'v' },
		{ "host-config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct mvl_opts opts = { 0 };
	const struct cmd *cmd;
	int c;

	/* '+': stop at the command name; its options are its own */
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'v':
			opts.dirs.vms_dir = optarg;
			break;
		case 'c':
			opts.dirs.host_config = optarg;
			break;
		case 'h':
			commands_list();
			return check_stdout(MVL_EXIT_OK);
		case 'V':
			printf("mvlaunch %s\n", MVL_VERSION);
			return check_stdout(MVL_EXIT_OK);
		default:
			return usage_error(usage_main);
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "%s\n", usage_main);
		fprintf(stderr, "see 'mvlaunch help' for the commands\n");
		return MVL_EXIT_USAGE;
	}
	cmd = find_cmd(argv[optind]);
	if (!cmd)
		return unknown_command(argv[optind]);
	return run_command(cmd, argc - optind, argv + optind, &opts);
}
