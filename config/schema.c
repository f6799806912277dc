/*
 * schema.c - the key-table machinery behind every config file (see schema.h).
 *
 * DESIGN
 * Schema errors do not stop at the first: every bad key in a file is reported
 * at once, one line each, because fixing a config one error per run is
 * tedious. Syntax errors stop the TOML parser at once, since nothing after
 * them can be trusted. Unknown keys are errors with the nearest known key
 * suggested. Defaults, parsing and the printed reference all read the same
 * rows, so they cannot disagree.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/schema.h"
#include "util/cpuset.h"
#include "util/size.h"
#include "util/suggest.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define MAX_CONFIG_BYTES (1 << 20)

int schema_check_nonempty(char **v, struct strbuf *why)
{
	if (!**v) {
		strbuf_addstr(why, "must not be empty");
		return -1;
	}
	return 0;
}


int schema_row_index(const struct config_key *rows, const char *name)
{
	for (int i = 0; rows[i].name; i++)
		if (!strcmp(rows[i].name, name))
			return i;
	return -1;
}

static int has_prefix_rows(const struct config_key *rows, const char *prefix)
{
	size_t len = strlen(prefix);

	for (int i = 0; rows[i].name; i++)
		if (!strncmp(rows[i].name, prefix, len) && rows[i].name[len] == '.')
			return 1;
	return 0;
}

static void add_line(struct strbuf *sb, const char *file, struct config_loc loc,
		     const char *key, const char *fmt, va_list ap)
{
	if (sb->len && sb->buf[sb->len - 1] != '\n')
		strbuf_addch(sb, '\n');
	if (loc.line)
		strbuf_addf(sb, "%s:%d:%d: ", file, loc.line, loc.col);
	else
		strbuf_addf(sb, "%s: ", file);
	if (key)
		strbuf_addf(sb, "key '%s': ", key);
	strbuf_vaddf(sb, fmt, ap);
}

int schema_error(struct strbuf *err, const char *file, struct config_loc loc, const char *key,
		 const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(err, file, loc, key, fmt, ap);
	va_end(ap);
	return -1;
}

void schema_warn(struct strvec *warnings, const char *file, struct config_loc loc, const char *key,
		 const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	add_line(&sb, file, loc, key, fmt, ap);
	va_end(ap);
	strvec_push_nodup(warnings, strbuf_detach(&sb));
}

struct config_loc schema_node_loc(const struct toml_node *n)
{
	struct config_loc l = { n->line, n->col };

	return l;
}

int schema_type_error(struct schema_ctx *ctx, const struct toml_node *n, const char *name, const char *want)
{
	return schema_error(ctx->err, ctx->file, schema_node_loc(n), name, "expected %s, got %s %s",
			 want, n->type == TOML_INT || n->type == TOML_ARRAY ? "an" : "a", toml_type_name(n->type));
}

static const char *suggest(const struct config_key *rows, const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	size_t limit = strlen(name) / 3 + 1;

	if (limit > 3)
		limit = 3;
	for (int i = 0; rows[i].name; i++) {
		size_t d = edit_distance(name, rows[i].name);
		const char *dot = strrchr(rows[i].name, '.');

		/* 'vcpu' under [cpu] should find cpu.vcpus; so should 'cpu.vcpu' */
		if (dot) {
			const char *nd = strrchr(name, '.');
			size_t tail = edit_distance(nd ? nd + 1 : name, dot + 1);

			if (tail < d && !strncmp(name, rows[i].name, (size_t)(dot - rows[i].name)))
				d = tail;
		}
		if (d < best_d) {
			best_d = d;
			best = rows[i].name;
		}
	}
	return best_d <= limit ? best : NULL;
}

static int unknown_key(struct schema_ctx *ctx, const struct config_key *rows, const struct toml_node *n,
		       const char *name, const char *local)
{
	const char *s = suggest(rows, local);

	if (s) {
		const char *dot = strrchr(name, '.');
		int item = rows != ctx->top;

		/* for [[disk]] items show "disk[0].format" */
		if (item && dot)
			return schema_error(ctx->err, ctx->file, schema_node_loc(n), NULL,
					 "unknown key '%s' (did you mean '%.*s.%s'?)", name, (int)(dot - name), name, s);
		return schema_error(ctx->err, ctx->file, schema_node_loc(n), NULL, "unknown key '%s' (did you mean '%s'?)", name, s);
	}
	return schema_error(ctx->err, ctx->file, schema_node_loc(n), NULL, "unknown key '%s'", name);
}

/* An unknown [section]: suggest the nearest known one. */
static int unknown_table(struct schema_ctx *ctx, const struct config_key *rows, const struct toml_node *n,
			 const char *name, const char *full)
{
	char *best = NULL;
	size_t best_d = (size_t)-1;
	size_t limit = strlen(full) / 3 + 1;

	for (int i = 0; rows[i].name; i++) {
		const char *dot = rows[i].name;

		while ((dot = strchr(dot, '.'))) {
			char *sec = xstrndup(rows[i].name, (size_t)(dot - rows[i].name));
			size_t d = edit_distance(full, sec);

			if (d < best_d) {
				free(best);
				best = sec;
				best_d = d;
			} else {
				free(sec);
			}
			dot++;
		}
	}
	if (best && best_d <= limit && best_d <= 3)
		schema_error(ctx->err, ctx->file, schema_node_loc(n), NULL, "unknown table '[%s]' (did you mean '[%s]'?)", name, best);
	else
		schema_error(ctx->err, ctx->file, schema_node_loc(n), NULL, "unknown table '[%s]'", name);
	free(best);
	return -1;
}

static char *resolve_path(struct schema_ctx *ctx, const char *value)
{
	if (value[0] == '/' || !ctx->dir)
		return xstrdup(value);
	return xstrfmt("%s/%s", ctx->dir, value);
}

static int parse_leaf(struct schema_ctx *ctx, const struct config_key *k, void *base,
		      const struct toml_node *n, const char *name)
{
	char *field = (char *)base + k->offset;
	struct strbuf why = STRBUF_INIT;
	int ret = -1;

	switch (k->type) {
	case KEY_STRING:
	case KEY_PATH: {
		char *v;

		if (n->type != TOML_STRING)
			return schema_type_error(ctx, n, name, "a string");
		v = k->type == KEY_PATH && n->str[0] ? resolve_path(ctx, n->str) : xstrdup(n->str);
		if (k->check && k->check(&v, &why) < 0) {
			free(v);
			ret = schema_error(ctx->err, ctx->file, schema_node_loc(n), name, "%s", why.buf);
			break;
		}
		free(*(char **)field);
		*(char **)field = v;
		ret = 0;
		break;
	}
	case KEY_BOOL:
		if (n->type != TOML_BOOL)
			return schema_type_error(ctx, n, name, "true or false");
		*(int *)field = (int)n->num;
		ret = 0;
		break;
	case KEY_UINT:
	case KEY_INT:
		if (n->type != TOML_INT)
			return schema_type_error(ctx, n, name, "an integer");
		if (n->num < k->min || n->num > k->max)
			return schema_error(ctx->err, ctx->file, schema_node_loc(n), name, "must be %lld..%lld", k->min, k->max);
		if (k->type == KEY_UINT)
			*(unsigned *)field = (unsigned)n->num;
		else
			*(int *)field = (int)n->num;
		ret = 0;
		break;
	case KEY_ENUM: {
		struct strbuf list = STRBUF_INIT;

		if (n->type != TOML_STRING)
			return schema_type_error(ctx, n, name, "a string");
		for (int i = 0; k->values[i] && ret < 0; i++) {
			if (!k->values[i][0])
				continue;	/* the "unset" slot cannot be written */
			if (!strcmp(k->values[i], n->str)) {
				*(int *)field = i;
				ret = 0;
			}
			if (list.len)
				strbuf_addstr(&list, ", ");
			strbuf_addstr(&list, k->values[i]);
		}
		if (ret < 0)
			schema_error(ctx->err, ctx->file, schema_node_loc(n), name, "must be one of %s (got '%s')", list.buf, n->str);
		strbuf_release(&list);
		break;
	}
	case KEY_SIZE:
		if (n->type == TOML_INT)
			return schema_error(ctx->err, ctx->file, schema_node_loc(n), name,
					 "give a unit, as a string: \"%lldM\" or \"%lldG\"", (long long)n->num, (long long)n->num);
		if (n->type != TOML_STRING)
			return schema_type_error(ctx, n, name, "a size string like \"16G\"");
		if (size_parse(n->str, (uint64_t *)field, &why) < 0)
			ret = schema_error(ctx->err, ctx->file, schema_node_loc(n), name, "%s", why.buf);
		else
			ret = 0;
		break;
	case KEY_STRLIST: {
		struct strvec *sv = (struct strvec *)field;

		if (n->type != TOML_ARRAY)
			return schema_type_error(ctx, n, name, "an array of strings");
		strvec_clear(sv);
		ret = 0;
		for (size_t i = 0; i < n->nr; i++) {
			const struct toml_node *it = n->kids[i];
			char *v;

			if (it->type != TOML_STRING) {
				ret = schema_type_error(ctx, it, name, "a string in the array");
				continue;
			}
			v = xstrdup(it->str);
			strbuf_reset(&why);
			if (k->check && k->check(&v, &why) < 0) {
				free(v);
				ret = schema_error(ctx->err, ctx->file, schema_node_loc(it), name, "%s", why.buf);
				continue;
			}
			strvec_push_nodup(sv, v);
		}
		break;
	}
	case KEY_CPUSET:
		if (n->type != TOML_STRING)
			return schema_type_error(ctx, n, name, "a CPU list string like \"0-1,6-7\"");
		if (k->allow_empty && !*n->str) {
			cpuset_zero((struct cpuset *)field);
		} else if (cpuset_parse((struct cpuset *)field, n->str, &why) < 0) {
			ret = schema_error(ctx->err, ctx->file, schema_node_loc(n), name, "'%s': %s", n->str, why.buf);
			break;
		}
		*(int *)((char *)base + k->offset2) = 1;
		ret = 0;
		break;
	case KEY_CUSTOM:
		ret = k->parse(ctx, k, base, n, name);
		break;
	case KEY_IGNORED:
		schema_warn(ctx->warnings, ctx->file, schema_node_loc(n), name, "has no QEMU equivalent (libvirt-only); ignored");
		ret = 0;
		break;
	case KEY_TABLES:
		break;	/* handled by walk_table() */
	}
	strbuf_release(&why);
	return ret;
}

static int walk_table(struct schema_ctx *ctx, const struct config_key *rows, void *base,
		      const struct toml_node *t, const char *prefix, const char *shown);

static int walk_items(struct schema_ctx *ctx, const struct config_key *k, const struct toml_node *n,
		      const char *name)
{
	int ret = 0;

	if (n->type != TOML_ARRAY)
		return schema_error(ctx->err, ctx->file, schema_node_loc(n), name,
				 "expected [[%s]] tables, got a %s", name, toml_type_name(n->type));
	for (size_t i = 0; i < n->nr; i++) {
		const struct toml_node *it = n->kids[i];
		struct config_loc *saved_locs = ctx->locs;
		const struct config_key *saved_rows = ctx->rows;
		char *shown = xstrfmt("%s[%zu]", name, i);
		void *item;

		if (it->type != TOML_TABLE) {
			ret = schema_type_error(ctx, it, shown, "a table");
			free(shown);
			continue;
		}
		item = k->add(ctx->root);
		schema_defaults(k->sub, item);
		ctx->locs = (struct config_loc *)((char *)item + k->offset2);
		ctx->rows = k->sub;
		ctx->locs[SCHEMA_MAX_ITEM_KEYS - 1] = schema_node_loc(it);	/* where the item starts */
		if (walk_table(ctx, k->sub, item, it, "", shown) < 0)
			ret = -1;
		for (int r = 0; k->sub[r].name; r++) {
			if (k->sub[r].required && !ctx->locs[r].line) {
				ret = schema_error(ctx->err, ctx->file, schema_node_loc(it), NULL,
						"[[%s]] number %zu has no '%s' (required)", name, i + 1, k->sub[r].name);
			}
		}
		ctx->locs = saved_locs;
		ctx->rows = saved_rows;
		free(shown);
	}
	return ret;
}

/*
 * prefix: dotted path used to look rows up ("cpu.hyperv");
 * shown:  the same path as messages show it ("disk[0]").
 */
/*
 * Problems of one file are all reported, up to this much text: a file of
 * 90,000 unknown keys is not worth 90,000 suggestions (or the time to find
 * them); the rest are summed up in one line.
 */
#define SCHEMA_ERR_MAX 8192

/* Whether err is full; the first time, say so. */
static int errors_full(struct schema_ctx *ctx)
{
	static const char more[] = "more problems follow; fix these first";

	if (ctx->err->len < SCHEMA_ERR_MAX)
		return 0;
	if (ctx->err->len < sizeof(more) || strcmp(ctx->err->buf + ctx->err->len - (sizeof(more) - 1), more))
		strbuf_addf(ctx->err, "\n%s: %s", ctx->file, more);
	return 1;
}

static int walk_table(struct schema_ctx *ctx, const struct config_key *rows, void *base,
		      const struct toml_node *t, const char *prefix, const char *shown)
{
	int ret = 0;

	for (size_t i = 0; i < t->nr; i++) {
		const struct toml_node *n = t->kids[i];

		if (errors_full(ctx))
			return -1;
		char *full = *prefix ? xstrfmt("%s.%s", prefix, n->key) : xstrdup(n->key);
		char *name = *shown ? xstrfmt("%s.%s", shown, n->key) : xstrdup(n->key);
		int idx = schema_row_index(rows, full);
		const struct config_key *k = idx >= 0 ? &rows[idx] : NULL;

		if (n->type == TOML_TABLE && has_prefix_rows(rows, full)) {
			if (walk_table(ctx, rows, base, n, full, name) < 0)
				ret = -1;
		} else if (k && k->type == KEY_TABLES) {
			if (walk_items(ctx, k, n, name) < 0)
				ret = -1;
		} else if (k) {
			ctx->locs[idx] = schema_node_loc(n);	/* present, even when bad */
			if (parse_leaf(ctx, k, base, n, name) < 0)
				ret = -1;
		} else if (has_prefix_rows(rows, full)) {
			ret = schema_type_error(ctx, n, name, "a table");
		} else if (n->type == TOML_TABLE) {
			ret = unknown_table(ctx, rows, n, name, full);
		} else {
			ret = unknown_key(ctx, rows, n, name, full);
		}
		free(full);
		free(name);
	}
	return ret;
}

void schema_defaults(const struct config_key *rows, void *base)
{
	for (int i = 0; rows[i].name; i++) {
		const struct config_key *k = &rows[i];
		char *field = (char *)base + k->offset;

		switch (k->type) {
		case KEY_STRING:
		case KEY_PATH:
			*(char **)field = k->def ? xstrdup(k->def) : NULL;
			break;
		case KEY_BOOL:
			*(int *)field = k->def ? !strcmp(k->def, "true") : TRI_UNSET;
			break;
		case KEY_UINT:
			*(unsigned *)field = k->def ? (unsigned)strtoul(k->def, NULL, 10) : 0;
			break;
		case KEY_INT:
			*(int *)field = k->def ? atoi(k->def) : -1;
			break;
		case KEY_ENUM:
			*(int *)field = 0;
			for (int v = 0; k->def && k->values[v]; v++)
				if (!strcmp(k->values[v], k->def))
					*(int *)field = v;
			break;
		case KEY_SIZE: {
			struct strbuf ignore = STRBUF_INIT;

			*(uint64_t *)field = 0;
			if (k->def)
				size_parse(k->def, (uint64_t *)field, &ignore);
			strbuf_release(&ignore);
			break;
		}
		case KEY_STRLIST:
			strvec_init((struct strvec *)field);
			break;
		case KEY_CPUSET:
			cpuset_zero((struct cpuset *)field);
			*(int *)((char *)base + k->offset2) = 0;
			break;
		case KEY_CUSTOM:
		case KEY_IGNORED:
		case KEY_TABLES:
			break;
		}
	}
}

void schema_release(const struct config_key *rows, void *base)
{
	for (int i = 0; rows[i].name; i++) {
		char *field = (char *)base + rows[i].offset;

		if (rows[i].type == KEY_STRING || rows[i].type == KEY_PATH) {
			free(*(char **)field);
			*(char **)field = NULL;
		} else if (rows[i].type == KEY_STRLIST) {
			strvec_clear((struct strvec *)field);
		}
	}
}


/* A Markdown table cell: '|' would end the cell, so escape it. */
static void md_cell(FILE *out, const char *s)
{
	fputs(" ", out);
	for (; s && *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputs(" |", out);
}

static void write_rows(FILE *out, const struct config_key *rows, const char *prefix)
{
	for (int i = 0; rows[i].name; i++) {
		const struct config_key *k = &rows[i];
		const char *type = "";

		if (k->type == KEY_TABLES) {
			write_rows(out, k->sub, k->name);
			continue;
		}
		switch (k->type) {
		case KEY_STRING: type = "string"; break;
		case KEY_PATH: type = "path"; break;
		case KEY_BOOL: type = "bool"; break;
		case KEY_UINT:
		case KEY_INT: type = "integer"; break;
		case KEY_SIZE: type = "size"; break;
		case KEY_STRLIST: type = "list of strings"; break;
		case KEY_CPUSET: type = "CPU list"; break;
		case KEY_CUSTOM: type = "see text"; break;
		case KEY_IGNORED: type = "integer (ignored)"; break;
		case KEY_ENUM:
		case KEY_TABLES: break;
		}
		fprintf(out, "| `%s%s%s` | ", prefix ? prefix : "", prefix ? "." : "", k->name);
		if (k->type == KEY_ENUM) {
			int first = 1;

			for (int v = 0; k->values[v]; v++) {
				if (!k->values[v][0])
					continue;
				fprintf(out, "%s%s", first ? "" : "\\|", k->values[v]);
				first = 0;
			}
		} else if (k->type == KEY_UINT || k->type == KEY_INT) {
			fprintf(out, "%s %lld..%lld", type, k->min, k->max);
		} else {
			fputs(type, out);
		}
		fputs(" |", out);
		md_cell(out, k->required ? "required" : k->def ? k->def : "unset");
		md_cell(out, k->qemu);
		md_cell(out, k->doc);
		fputc('\n', out);
	}
}

void schema_write_reference(FILE *out, const struct config_key *rows, const char *label)
{
	fprintf(out, "| %s | type | default | QEMU | meaning |\n", label);
	fputs("|---|---|---|---|---|---|\n", out);
	write_rows(out, rows, NULL);
}

int schema_parse(const char *file, const char *text, size_t len, const struct config_key *rows, void *base,
		 struct config_loc *locs, struct strvec *warnings, struct strbuf *err)
{
	struct toml_node *root = NULL;
	const char *slash = strrchr(file, '/');
	struct schema_ctx ctx = {
		.file = file, .root = base, .err = err, .warnings = warnings,
		.top = rows, .locs = locs, .rows = rows,
	};
	int ret = -1;

	ctx.dir = slash ? xstrndup(file, (size_t)(slash - file) + (slash == file)) : NULL;
	if (toml_parse(file, text, len, &root, err) < 0)
		goto out;
	if (walk_table(&ctx, rows, base, root, "", "") < 0 || err->len)
		goto out;
	ret = 0;
out:
	toml_free(root);
	free(ctx.dir);
	return ret;
}

int schema_read_file(const char *file, struct strbuf *text, struct strbuf *err)
{
	struct stat st;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	int ret = -1;

	if (fd < 0) {
		strbuf_addf(err, "cannot open config '%s': %s", file, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		strbuf_addf(err, "config '%s' is not a regular file", file);
		goto out;
	}
	for (;;) {
		ssize_t n;

		strbuf_grow(text, 8192);
		n = read(fd, text->buf + text->len, 8192);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_addf(err, "cannot read config '%s': %s", file, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		strbuf_setlen(text, text->len + (size_t)n);
		if (text->len > MAX_CONFIG_BYTES) {
			strbuf_addf(err, "config '%s' is larger than 1 MiB", file);
			goto out;
		}
	}
	ret = 0;
out:
	close(fd);
	return ret;
}
