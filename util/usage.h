/*
 * usage.h - exit codes and the messages the launcher prints.
 *
 * Only launcher/ prints (style rule R5); config/, qmp/ and util/ describe
 * errors into a struct strbuf. error() prints and returns -1 so a failure and
 * its report fit on one line; die() is for main and argument parsing only.
 */
#ifndef MVL_USAGE_H
#define MVL_USAGE_H

enum mvl_exit {
	MVL_EXIT_OK = 0,
	MVL_EXIT_FAILURE = 1,
	MVL_EXIT_USAGE = 2,
	MVL_EXIT_NOT_RUNNING = 3,
};

/* "mvlaunch: error: ..." on stderr; returns -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Each line of a multi-line message gets its own "mvlaunch: error: " prefix. */
int error_lines(const char *msg);
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void warning_lines(const char *msg);
void hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print the usage string to stderr and return MVL_EXIT_USAGE. */
int usage_error(const char *usage);

#endif
