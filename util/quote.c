/*
 * quote.c - shell quoting for display (see quote.h).
 */
#include <string.h>

#include "util/quote.h"
#include "util/banned.h"

static int safe(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=,+@%-", *s))
			return 0;
	return 1;
}

void sq_quote(struct strbuf *sb, const char *s)
{
	if (safe(s)) {
		strbuf_addstr(sb, s);
		return;
	}
	strbuf_addch(sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			strbuf_addstr(sb, "'\\''");
		else
			strbuf_addch(sb, *s);
	}
	strbuf_addch(sb, '\'');
}
