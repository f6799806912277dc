/*
 * err.c - errors with their hints apart (see err.h).
 */
#include <stdarg.h>

#include "util/err.h"
#include "util/banned.h"

void err_hintf(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e->hint.len)
		strbuf_addch(&e->hint, '\n');
	va_start(ap, fmt);
	strbuf_vaddf(&e->hint, fmt, ap);
	va_end(ap);
}

void err_add(struct err *e, const struct err *from)
{
	if (from->msg.len) {
		if (e->msg.len)
			strbuf_addch(&e->msg, '\n');
		strbuf_add(&e->msg, from->msg.buf, from->msg.len);
	}
	if (from->hint.len) {
		if (e->hint.len)
			strbuf_addch(&e->hint, '\n');
		strbuf_add(&e->hint, from->hint.buf, from->hint.len);
	}
}

void err_reset(struct err *e)
{
	strbuf_reset(&e->msg);
	strbuf_reset(&e->hint);
}

void err_release(struct err *e)
{
	strbuf_release(&e->msg);
	strbuf_release(&e->hint);
}
