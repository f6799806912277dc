/*
 * check_report.c - the list of check verdicts and its two printed forms (see check.h).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/check/check.h"
#include "util/wrapper.h"
#include "util/banned.h"

static const char *const level_names[] = { "PASS", "WARN", "FAIL" };

void check_report_init(struct check_report *r)
{
	memset(r, 0, sizeof(*r));
}

void check_report_release(struct check_report *r)
{
	for (size_t i = 0; i < r->nr; i++) {
		free(r->items[i].vm);
		free(r->items[i].check);
		free(r->items[i].message);
		free(r->items[i].fix);
	}
	free(r->items);
	memset(r, 0, sizeof(*r));
}

void check_add(struct check_report *r, const char *check, int level, const char *fix, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	struct check_item *it;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	ALLOC_GROW(r->items, r->nr + 1, r->alloc);
	it = &r->items[r->nr++];
	it->vm = r->vm ? xstrdup(r->vm) : NULL;
	it->check = xstrdup(check);
	it->level = level;
	it->message = strbuf_detach(&sb);
	it->fix = fix && level != CHECK_PASS ? xstrdup(fix) : NULL;
}

size_t check_count(const struct check_report *r, int level)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nr; i++)
		n += r->items[i].level == level;
	return n;
}

const char *check_level_name(int level)
{
	return level_names[level];
}

json_t *check_report_json(const struct check_report *r)
{
	json_t *checks = json_array();

	for (size_t i = 0; i < r->nr; i++) {
		const struct check_item *it = &r->items[i];

		json_array_append_new(checks, json_pack("{s:s?,s:s,s:s,s:s,s:s?}", "vm", it->vm, "check", it->check,
							"status", level_names[it->level], "message", it->message,
							"fix", it->fix));
	}
	return json_pack("{s:o,s:I,s:I,s:I}", "checks", checks, "pass", (json_int_t)check_count(r, CHECK_PASS),
			 "warn", (json_int_t)check_count(r, CHECK_WARN), "fail", (json_int_t)check_count(r, CHECK_FAIL));
}
