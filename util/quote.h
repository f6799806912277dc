/*
 * quote.h - quote a string for a POSIX shell, for display only.
 *
 * mvlaunch never runs a shell; this makes printed command lines safe to
 * paste into one ('mvlaunch argv').
 */
#ifndef MVL_QUOTE_H
#define MVL_QUOTE_H

#include "util/strbuf.h"

/* Append s to sb, in single quotes unless it is made only of safe characters. */
void sq_quote(struct strbuf *sb, const char *s);

#endif
