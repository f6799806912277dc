/*
 * err.h - an error as a caller receives it: what went wrong, and apart
 * from it, what the user can do about it.
 *
 * Modules that know the fix (trust checks, host state, the VM lifecycle)
 * report into a struct err: the message in 'msg', the hint in 'hint'
 * (err_hintf()), never "hint:" inside the message. Lower modules whose
 * errors have no fix (parsers, QMP, sysfs) keep reporting into a plain
 * struct strbuf; a caller passes them &err->msg. Only launcher/cmd prints
 * one (err_print() in usage.h): each message line as an error, then each
 * hint line as a hint.
 */
#ifndef MVL_ERR_H
#define MVL_ERR_H

#include "util/strbuf.h"

struct err {
	struct strbuf msg;	/* what went wrong: one or more lines */
	struct strbuf hint;	/* what to do about it: one or more lines, or empty */
};

#define ERR_INIT { STRBUF_INIT, STRBUF_INIT }

/* Add a hint line (after those already there). */
void err_hintf(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Append another error: its message lines after ours, its hints after ours. */
void err_add(struct err *e, const struct err *from);

void err_reset(struct err *e);
void err_release(struct err *e);

#endif
