/*
 * usage.c - error, warning and hint printers for the launcher (see usage.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "usage.h"
#include "banned.h"

static void vreport(const char *prefix, const char *fmt, va_list ap)
{
	fflush(stdout);
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

static void report_lines(const char *prefix, const char *msg)
{
	const char *p = msg;

	fflush(stdout);
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		/* a "hint:" line from a module keeps its own prefix */
		if (!strncmp(p, "hint: ", 6))
			fprintf(stderr, "%.*s\n", (int)len, p);
		else
			fprintf(stderr, "%s%.*s\n", prefix, (int)len, p);
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

int error_lines(const char *msg)
{
	report_lines("mvlaunch: error: ", msg);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("mvlaunch: warning: ", fmt, ap);
	va_end(ap);
}

void warning_lines(const char *msg)
{
	report_lines("mvlaunch: warning: ", msg);
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
