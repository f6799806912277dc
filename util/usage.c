/*
 * usage.c - error, warning and hint printers for the launcher (see usage.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/err.h"
#include "util/usage.h"
#include "util/strbuf.h"
#include "util/banned.h"

void usage_wrap(const char *prefix, const char *text, size_t len, size_t width, struct strbuf *out)
{
	size_t col = strlen(prefix);

	strbuf_addstr(out, prefix);
	while (len) {
		size_t room = width > col ? width - col : 0, take = len;

		if (take > room && room > 20) {
			/* break at the last space that fits, else at the first one after */
			take = room;
			while (take > 0 && text[take] != ' ')
				take--;
			if (!take) {
				take = room;
				while (take < len && text[take] != ' ')
					take++;
			}
		}
		strbuf_add(out, text, take);
		text += take;
		len -= take;
		while (len && *text == ' ') {
			text++;
			len--;
		}
		if (len) {
			strbuf_addstr(out, "\n    ");
			col = 4;
		}
	}
	strbuf_addch(out, '\n');
}

/* Where long lines wrap: the terminal's width on a terminal, else never. */
static size_t wrap_width(void)
{
	struct winsize ws;

	if (!isatty(2))
		return (size_t)-1;
	if (ioctl(2, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 100;
}

static void emit(const char *prefix, const char *text, size_t len)
{
	struct strbuf sb = STRBUF_INIT;

	usage_wrap(prefix, text, len, wrap_width(), &sb);
	fputs(sb.buf, stderr);
	strbuf_release(&sb);
}

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	struct strbuf sb = STRBUF_INIT;

	fflush(stdout);
	strbuf_vaddf(&sb, fmt, ap);
	emit(prefix, sb.buf, sb.len);
	strbuf_release(&sb);
}

static void report_lines(const char *prefix, const char *msg)
{
	const char *p = msg;

	fflush(stdout);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		emit(prefix, p, len);
		p += len;
		if (*p)
			p++;
	}
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("mvlaunch: error: ", fmt, ap);
	va_end(ap);
	return -1;
}

int err_print(const struct err *e)
{
	report_lines("mvlaunch: error: ", e->msg.buf);
	report_lines("hint: ", e->hint.buf);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("mvlaunch: warning: ", fmt, ap);
	va_end(ap);
}

void hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("hint: ", fmt, ap);
	va_end(ap);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("mvlaunch: fatal: ", fmt, ap);
	va_end(ap);
	exit(MVL_EXIT_FAILURE);
}

int usage_error(const char *usage)
{
	fprintf(stderr, "%s\n", usage);
	return MVL_EXIT_USAGE;
}
