/*
 * usage.h - exit codes and the messages the launcher prints.
 *
 * Only launcher/ prints (style rule R5); config/, qmp/ and util/ describe
 * errors into a struct strbuf. error() prints and returns -1 so a failure and
 * its report fit on one line; die() is for main and argument parsing only.
 */
#ifndef MVL_USAGE_H
#define MVL_USAGE_H

#include <stddef.h>

enum mvl_exit {
	MVL_EXIT_OK = 0,
	MVL_EXIT_FAILURE = 1,
	MVL_EXIT_USAGE = 2,
	MVL_EXIT_NOT_RUNNING = 3,
};

/* "mvlaunch: error: ..." on stderr; returns -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * An error with its hints apart (util/err.h): each line of the message as
 * "mvlaunch: error: ", then each hint line as "hint: ". Returns -1.
 */
struct err;
int err_print(const struct err *e);
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * PREFIX and TEXT (len bytes, one line) into out as lines of at most 'width'
 * columns, broken at spaces, later lines indented by 4. On a terminal, the
 * messages above are wrapped to its width this way; elsewhere (logs, tests,
 * the journal) a message stays one line.
 */
struct strbuf;
void usage_wrap(const char *prefix, const char *text, size_t len, size_t width, struct strbuf *out);

/* Print the usage string to stderr and return MVL_EXIT_USAGE. */
int usage_error(const char *usage);

#endif
