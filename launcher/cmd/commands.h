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

/* Options given before the command name. */
struct mvl_opts {
	const char *vms_dir;	/* --vms DIR, or NULL */
	const char *host_config;	/* --host-config FILE, or NULL (VMS_DIR/host.toml) */
};

int cmd_argv(int argc, char **argv, const struct mvl_opts *opts);
int cmd_down(int argc, char **argv, const struct mvl_opts *opts);
int cmd_run(int argc, char **argv, const struct mvl_opts *opts);
int cmd_console(int argc, char **argv, const struct mvl_opts *opts);
int cmd_list(int argc, char **argv, const struct mvl_opts *opts);
int cmd_host(int argc, char **argv, const struct mvl_opts *opts);
int cmd_plan(int argc, char **argv, const struct mvl_opts *opts);
int cmd_check(int argc, char **argv, const struct mvl_opts *opts);
int cmd_unit(int argc, char **argv, const struct mvl_opts *opts);
int cmd_status(int argc, char **argv, const struct mvl_opts *opts);
int cmd_help(int argc, char **argv, const struct mvl_opts *opts);
int cmd_up(int argc, char **argv, const struct mvl_opts *opts);
int cmd_version(int argc, char **argv, const struct mvl_opts *opts);

/* "30" -> 30000 ms; -1 unless 0..86400 whole seconds. */
int parse_seconds(const char *arg, int *ms);

/* For 'help': the command table, printed in order. */
void commands_list(void);
/* Run 'name --help'; MVL_EXIT_USAGE when there is no such command. */
int commands_help(const char *name, const struct mvl_opts *opts);

#endif
