/*
 * commands.h - the mvlaunch subcommands.
 *
 * Adding a command:
 * 1. Write launcher/cmd/cmd_foo.c with int cmd_foo(int argc, char **argv, const struct mvl_opts *opts).
 * 2. Declare it here.
 * 3. Add a row to the table in launcher/cmd/main.c.
 * 4. Add cmd_foo.o to CMD_OBJS in the Makefile.
 * 5. Add tests/e2e/tNNNN-foo-*.sh.
 * 6. Add a README section ('mvlaunch foo').
 *
 * Every command parses its own options with getopt_long, answers -h/--help
 * with its usage on stdout and exit 0, and returns an enum mvl_exit code.
 */
#ifndef MVL_COMMANDS_H
#define MVL_COMMANDS_H

#include "launcher/vm/paths.h"
#include "launcher/vm/vm_handle.h"
#include "launcher/vm/vm_fanout.h"
#include "launcher/vm/vm_up.h"
#include "config/vm_config.h"

/* Options given before the command name. */
struct mvl_opts {
	struct vm_dirs dirs;	/* --vms DIR, --host-config FILE */
};

int cmd_argv(int argc, char **argv, const struct mvl_opts *opts);
int cmd_import(int argc, char **argv, const struct mvl_opts *opts);
int cmd_limits(int argc, char **argv, const struct mvl_opts *opts);
int cmd_log(int argc, char **argv, const struct mvl_opts *opts);
int cmd_doctor(int argc, char **argv, const struct mvl_opts *opts);
int cmd_repin(int argc, char **argv, const struct mvl_opts *opts);
int cmd_map(int argc, char **argv, const struct mvl_opts *opts);
int cmd_pause(int argc, char **argv, const struct mvl_opts *opts);
int cmd_resume(int argc, char **argv, const struct mvl_opts *opts);
int cmd_reset(int argc, char **argv, const struct mvl_opts *opts);
int cmd_reboot(int argc, char **argv, const struct mvl_opts *opts);
int cmd_qmp(int argc, char **argv, const struct mvl_opts *opts);
int cmd_down(int argc, char **argv, const struct mvl_opts *opts);
int cmd_run(int argc, char **argv, const struct mvl_opts *opts);
int cmd_console(int argc, char **argv, const struct mvl_opts *opts);
int cmd_display(int argc, char **argv, const struct mvl_opts *opts);
int cmd_eject(int argc, char **argv, const struct mvl_opts *opts);
int cmd_input(int argc, char **argv, const struct mvl_opts *opts);
int cmd_insert(int argc, char **argv, const struct mvl_opts *opts);
int cmd_list(int argc, char **argv, const struct mvl_opts *opts);
int cmd_host(int argc, char **argv, const struct mvl_opts *opts);
int cmd_plan(int argc, char **argv, const struct mvl_opts *opts);
int cmd_check(int argc, char **argv, const struct mvl_opts *opts);
int cmd_unit(int argc, char **argv, const struct mvl_opts *opts);
int cmd_status(int argc, char **argv, const struct mvl_opts *opts);
int cmd_help(int argc, char **argv, const struct mvl_opts *opts);
int cmd_up(int argc, char **argv, const struct mvl_opts *opts);
int cmd_usb(int argc, char **argv, const struct mvl_opts *opts);
int cmd_version(int argc, char **argv, const struct mvl_opts *opts);

/*
 * Look 'arg' up (NAME or path) and load it into cfg (initialised here),
 * printing its warnings and errors. 0, or -1 after printing; the caller
 * releases cfg either way (load.c).
 */
int load_vm(const char *arg, const struct mvl_opts *opts, struct vm_config *cfg);
/*
 * load_vm() of each of args[0..n-1] into cfgs[] (names[i] = cfgs[i].name),
 * stopping at the first that fails. 0, or -1 after printing; *loaded says
 * how many cfgs to release either way.
 */
int load_vms(char **args, size_t n, const struct mvl_opts *opts, struct vm_config *cfgs, const char **names,
	     size_t *loaded);
/*
 * Lock NAME's runtime directory and attach to its running QEMU (h: QMP
 * when it answers), for commands that act on a running VM. 0, or -1 after
 * printing why (not running: 'why' the command needs it running) with the
 * exit code in *code.
 */
int attach_running(const char *name, const struct mvl_opts *opts, struct vm_handle *h, const char *why, int *code);
/* Whether this user may read RUN_ROOT (status, list); 0, or -1 after printing why. */
int runtime_readable(void);
/* load_vm(), then vm_up(), printing notes and errors: the start 'up' and 'run' share. 0 or -1. */
int load_and_up(const char *arg, const struct mvl_opts *opts, const struct vm_up_opts *up, struct vm_config *cfg,
		struct vm_handle *h);

/*
 * 'up A B C', 'down A B': fn(name, data) for each VM in a worker of its own,
 * all at once (vm_fanout_run()), their outputs in the order named, then one
 * summary: "DONE N of M VMs: ..." and, when some failed, "N of M VMs did
 * not NOT_DONE:" with a line each. settle (may be NULL) is vm_fanout_run()'s,
 * while workers run; after (may be NULL) runs once every worker has ended,
 * also when none could be started, before the summary; it may set the
 * code and reason of a job whose worker never started (it did the job
 * itself). The exit code (128 + a signal the command took).
 */
int run_each(const char *const *names, size_t nr, int (*fn)(const char *name, void *data), void *data,
	     vm_fanout_settle_fn settle, void (*after)(void *data, struct vm_fanout_job *jobs, size_t nr),
	     const char *done, const char *not_done);

/* "30" -> 30000 ms; -1 unless 0..86400 whole seconds. */
int parse_seconds(const char *arg, int *ms);

/* For 'help': the command table, printed in order. */
void commands_list(void);
/* Run 'name --help'; MVL_EXIT_USAGE when there is no such command. */
int commands_help(const char *name, const struct mvl_opts *opts);

struct check_report;
/* 'check's report: "PASS  vm: what  message" lines, the fix under each WARN and FAIL, a summary. */
void check_report_print(const struct check_report *r, FILE *out);
struct host_plan;
struct vm_map;
/* The host map of hp with m's VMs, to fit the terminal (colours on one, unless NO_COLOR). */
void print_host_map(const struct host_plan *hp, const struct vm_map *m);

#endif
