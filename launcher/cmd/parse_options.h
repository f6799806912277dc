/*
 * parse_options.h - one table per command drives its option parsing and its
 * --help text (git's parse-options idea, small).
 *
 * A command describes itself once:
 *
 *	static int json, force, timeout_ms = 30000;
 *	static const struct opt up_opts[] = {
 *		OPT_SECONDS(0, "timeout", &timeout_ms, "how long QEMU may take ..."),
 *		OPT_BOOL('f', "force", &force, "start it even if ..."),
 *		OPT_END(),
 *	};
 *	static const struct cmd_usage up_usage = {
 *		.name = "up", .operands = "<vm>", .min = 1, .max = 1,
 *		.opts = up_opts, .text = "Start <vm> paused, ...",
 *	};
 *	argc = parse_options(argc, argv, &up_usage);
 *	if (argc < 0)
 *		return parse_options_exit(argc);
 *
 * and gets: options before, between or after operands (as git, virsh and
 * systemctl take them: 'mvlaunch down vm --force'), "--opt value" and
 * "--opt=value", "-f" for options with a short name, "--" ending options,
 * -h/--help printing the usage made from the table on stdout, and a clear
 * error plus the usage on stderr for an unknown option, a missing or bad
 * value or a wrong number of operands. The operands are left in
 * argv[0..argc-1], in order.
 */
#ifndef MVL_PARSE_OPTIONS_H
#define MVL_PARSE_OPTIONS_H

#include <stdio.h>

enum opt_kind {
	OPT_KIND_END,
	OPT_KIND_BOOL,		/* int *: set to 1 */
	OPT_KIND_STRING,	/* const char **: the argument */
	OPT_KIND_SECONDS,	/* int *: milliseconds, from 0..86400 whole seconds */
	OPT_KIND_LIST,		/* struct strvec *: each time it is given, its argument appended */
};

/* Shown as "[--a | --b]" in the synopsis, with the option before it. */
#define OPT_ALT 1

struct opt {
	enum opt_kind kind;
	int short_name;		/* 'f', or 0 */
	const char *long_name;
	void *value;
	const char *argh;	/* the argument's name in the usage: "S", "FILE" */
	const char *help;	/* '\n' starts a continuation line */
	int flags;		/* OPT_ALT */
};

#define OPT_BOOL(s, l, v, h)		{ OPT_KIND_BOOL, (s), (l), (v), NULL, (h), 0 }
#define OPT_STRING(s, l, v, a, h)	{ OPT_KIND_STRING, (s), (l), (v), (a), (h), 0 }
#define OPT_SECONDS(s, l, v, h)		{ OPT_KIND_SECONDS, (s), (l), (v), "S", (h), 0 }
#define OPT_LIST(s, l, v, a, h)		{ OPT_KIND_LIST, (s), (l), (v), (a), (h), 0 }
#define OPT_ALT_BOOL(s, l, v, h)	{ OPT_KIND_BOOL, (s), (l), (v), NULL, (h), OPT_ALT }
#define OPT_END()			{ OPT_KIND_END, 0, NULL, NULL, NULL, NULL, 0 }

struct cmd_usage {
	const char *name;	/* "up": the synopsis is "usage: mvlaunch up [options...] OPERANDS" */
	const char *operands;	/* "<vm>", "[<name>]", "<vm>...", or NULL */
	const char *const *synopsis;	/* NULL-terminated lines instead of the made one ("host") */
	int min, max;		/* how many operands; max -1: any number */
	const struct opt *opts;	/* ends with OPT_END() */
	const char *text;	/* what it does: the paragraph(s) after the synopsis */
	const char *epilogue;	/* after the options, or NULL */
};

#define PARSE_OPT_HELP (-1)	/* --help was printed: exit 0 */
#define PARSE_OPT_ERROR (-2)	/* an error and the usage were printed: exit 2 */

/*
 * Parse argv (argv[0] is the command's name) against u's table; store each
 * option's value. Returns the number of operands, now argv[0..n-1], or
 * PARSE_OPT_HELP / PARSE_OPT_ERROR after printing.
 */
int parse_options(int argc, char **argv, const struct cmd_usage *u);

/* The exit code for parse_options()'s negative answers. */
int parse_options_exit(int parsed);


#endif
