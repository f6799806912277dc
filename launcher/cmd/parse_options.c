/*
 * parse_options.c - a command's option table: parsing and --help (see parse_options.h).
 */
#include <stdio.h>
#include <string.h>

#include "launcher/cmd/commands.h"
#include "launcher/cmd/parse_options.h"
#include "util/strbuf.h"
#include "util/strvec.h"
#include "util/suggest.h"
#include "util/usage.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* "    -f, --force", "    --timeout S": the left column of the option list. */
static void option_left(const struct opt *o, struct strbuf *sb)
{
	strbuf_addstr(sb, "    ");
	if (o->short_name)
		strbuf_addf(sb, "-%c, ", o->short_name);
	strbuf_addf(sb, "--%s", o->long_name);
	if (o->argh)
		strbuf_addf(sb, " %s", o->argh);
}

static void synopsis(const struct cmd_usage *u, FILE *out)
{
	struct strbuf sb = STRBUF_INIT;

	if (u->synopsis) {
		for (size_t i = 0; u->synopsis[i]; i++)
			fprintf(out, "%s%s\n", i ? "   or: " : "usage: ", u->synopsis[i]);
		return;
	}
	strbuf_addf(&sb, "usage: mvlaunch %s", u->name);
	for (const struct opt *o = u->opts; o && o->kind != OPT_KIND_END; o++) {
		int alt_next = o[1].kind != OPT_KIND_END && (o[1].flags & OPT_ALT);

		strbuf_addstr(&sb, o->flags & OPT_ALT ? " | " : " [");
		strbuf_addf(&sb, "--%s", o->long_name);
		if (o->argh)
			strbuf_addf(&sb, " %s", o->argh);
		if (!alt_next)
			strbuf_addch(&sb, ']');
		if (o->kind == OPT_KIND_LIST)
			strbuf_addstr(&sb, "...");
	}
	if (u->operands)
		strbuf_addf(&sb, " %s", u->operands);
	fprintf(out, "%s\n", sb.buf);
	strbuf_release(&sb);
}

/* The whole usage, as --help prints it. */
static void usage_full(const struct cmd_usage *u, FILE *out)
{
	size_t width = 0;

	synopsis(u, out);
	if (u->text)
		fprintf(out, "\n%s\n", u->text);
	for (const struct opt *o = u->opts; o && o->kind != OPT_KIND_END; o++) {
		struct strbuf left = STRBUF_INIT;

		option_left(o, &left);
		if (left.len > width)
			width = left.len;
		strbuf_release(&left);
	}
	width += 3;
	if (u->opts && u->opts->kind != OPT_KIND_END)
		fputc('\n', out);
	for (const struct opt *o = u->opts; o && o->kind != OPT_KIND_END; o++) {
		struct strbuf left = STRBUF_INIT;
		const char *h = o->help, *nl;

		option_left(o, &left);
		fprintf(out, "%-*s", (int)width, left.buf);
		while ((nl = strchr(h, '\n'))) {
			fprintf(out, "%.*s\n%*s", (int)(nl - h), h, (int)width, "");
			h = nl + 1;
		}
		fprintf(out, "%s\n", h);
		strbuf_release(&left);
	}
	if (u->epilogue)
		fprintf(out, "\n%s\n", u->epilogue);
}

/* After an error: the synopsis and where the rest is, on stderr. */
static int usage_fail(const struct cmd_usage *u)
{
	synopsis(u, stderr);
	fprintf(stderr, "see 'mvlaunch %s --help'\n", u->name);
	return PARSE_OPT_ERROR;
}

static const struct opt *find_long(const struct cmd_usage *u, const char *name, size_t len)
{
	for (const struct opt *o = u->opts; o && o->kind != OPT_KIND_END; o++)
		if (strlen(o->long_name) == len && !strncmp(o->long_name, name, len))
			return o;
	return NULL;
}

static const struct opt *find_short(const struct cmd_usage *u, int c)
{
	for (const struct opt *o = u->opts; o && o->kind != OPT_KIND_END; o++)
		if (o->short_name == c)
			return o;
	return NULL;
}

/* "unknown option '--josn' for 'mvlaunch plan'", with the nearest option's name. */
static int unknown_option(const struct cmd_usage *u, const char *arg, size_t len)
{
	const char *names[32], *near;
	size_t n = 0;
	char *word = xstrndup(arg, len);

	for (const struct opt *o = u->opts; o && o->kind != OPT_KIND_END && n < ARRAY_SIZE(names); o++)
		names[n++] = o->long_name;
	error("unknown option '%s' for 'mvlaunch %s'", word, u->name);
	near = word[0] == '-' && word[1] == '-' ? suggest_nearest(word + 2, names, n) : NULL;
	if (near)
		hint("did you mean '--%s'?", near);
	free(word);
	return usage_fail(u);
}

static int set_value(const struct cmd_usage *u, const struct opt *o, const char *value)
{
	switch (o->kind) {
	case OPT_KIND_BOOL:
		*(int *)o->value = 1;
		return 0;
	case OPT_KIND_STRING:
		*(const char **)o->value = value;
		return 0;
	case OPT_KIND_LIST:
		strvec_push((struct strvec *)o->value, value);
		return 0;
	case OPT_KIND_SECONDS:
		if (parse_seconds(value, (int *)o->value) < 0) {
			error("invalid --%s '%s': expected seconds (0..86400)", o->long_name, value);
			return usage_fail(u);
		}
		return 0;
	case OPT_KIND_END:
		break;
	}
	return 0;
}

int parse_options(int argc, char **argv, const struct cmd_usage *u)
{
	int n = 0, only_operands = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *value = NULL;
		const struct opt *o;

		if (only_operands || a[0] != '-' || !a[1]) {	/* "-" alone is an operand (stdin) */
			argv[n++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_operands = 1;
			continue;
		}
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			usage_full(u, stdout);
			return PARSE_OPT_HELP;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a + 2, '=');
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			o = find_long(u, a + 2, len);
			if (!o)
				return unknown_option(u, a, eq ? (size_t)(eq - a) : strlen(a));
			if (eq) {
				if (o->kind == OPT_KIND_BOOL) {
					error("option '--%s' takes no value (got '%s')", o->long_name, eq + 1);
					return usage_fail(u);
				}
				value = eq + 1;
			}
		} else {
			o = find_short(u, (unsigned char)a[1]);
			if (!o)
				return unknown_option(u, a, 2);
			if (a[2]) {
				if (o->kind == OPT_KIND_BOOL) {
					error("option '-%c' takes no value (got '%s')", a[1], a + 2);
					return usage_fail(u);
				}
				value = a + 2;
			}
		}
		if (o->kind != OPT_KIND_BOOL && !value) {
			if (i + 1 >= argc) {
				error("option '--%s' needs a value (%s)", o->long_name, o->argh);
				return usage_fail(u);
			}
			value = argv[++i];
		}
		if (set_value(u, o, value) < 0)
			return PARSE_OPT_ERROR;
	}
	argv[n] = NULL;
	if (n < u->min) {
		error("'mvlaunch %s' needs %s", u->name, u->operands ? u->operands : "an argument");
		return usage_fail(u);
	}
	if (u->max >= 0 && n > u->max) {
		error("unexpected argument '%s' for 'mvlaunch %s'", argv[u->max], u->name);
		return usage_fail(u);
	}
	return n;
}

int parse_options_exit(int parsed)
{
	return parsed == PARSE_OPT_HELP ? MVL_EXIT_OK : MVL_EXIT_USAGE;
}
