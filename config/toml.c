/*
 * toml.c - strict recursive-descent TOML parser (see toml.h).
 *
 * DESIGN
 * One pass over the bytes with a cursor that tracks line and column. The
 * document is a tree of struct toml_node; [a.b] headers and dotted keys walk
 * or create tables on the way. The TOML rules that keep a document
 * unambiguous are enforced: no key defined twice, no table opened twice, no
 * inline table or static array extended later. Nesting is bounded so hostile
 * input cannot exhaust the stack.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/toml.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define TOML_MAX_DEPTH 32

struct parser {
	const char *file;
	const char *p, *end;
	int line, col;
	struct strbuf *err;
	int depth;
};

const char *toml_type_name(enum toml_type type)
{
	switch (type) {
	case TOML_STRING: return "string";
	case TOML_INT: return "integer";
	case TOML_BOOL: return "boolean";
	case TOML_ARRAY: return "array";
	case TOML_TABLE: return "table";
	}
	return "value";
}

static int perr_at(struct parser *ps, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int perr_at(struct parser *ps, int line, int col, const char *fmt, ...)
{
	va_list ap;

	if (ps->err->len)
		return -1;	/* keep the first, most precise message */
	strbuf_addf(ps->err, "%s:%d:%d: ", ps->file, line, col);
	va_start(ap, fmt);
	strbuf_vaddf(ps->err, fmt, ap);
	va_end(ap);
	return -1;
}

#define perr(ps, ...) perr_at((ps), (ps)->line, (ps)->col, __VA_ARGS__)

static struct toml_node *node_new(enum toml_type type, int line, int col)
{
	struct toml_node *n = xcalloc(1, sizeof(*n));

	n->type = type;
	n->line = line;
	n->col = col;
	return n;
}

void toml_free(struct toml_node *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->nr; i++)
		toml_free(n->kids[i]);
	free(n->kids);
	free(n->slots);
	free(n->key);
	free(n->str);
	free(n);
}

static size_t key_hash(const char *key)
{
	uint64_t h = UINT64_C(14695981039346656037);	/* FNV-1a */

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * UINT64_C(1099511628211);
	return (size_t)h;
}

/* Put kid number i into t's index; the index doubles when half full. */
static void index_put(struct toml_node *t, size_t i)
{
	size_t s;

	if (2 * (t->nr + 1) > t->nslots) {
		free(t->slots);
		t->nslots = t->nslots ? 2 * t->nslots : 16;
		t->slots = xcalloc(t->nslots, sizeof(*t->slots));
		for (size_t k = 0; k < t->nr; k++)
			if (k != i && t->kids[k]->key)
				index_put(t, k);
	}
	for (s = key_hash(t->kids[i]->key) & (t->nslots - 1); t->slots[s]; s = (s + 1) & (t->nslots - 1))
		;
	t->slots[s] = i + 1;
}

static void node_add(struct toml_node *parent, struct toml_node *kid)
{
	ALLOC_GROW(parent->kids, parent->nr + 1, parent->alloc);
	parent->kids[parent->nr++] = kid;
	if (parent->type == TOML_TABLE && kid->key)
		index_put(parent, parent->nr - 1);
}

struct toml_node *toml_get(const struct toml_node *t, const char *key)
{
	if (!t || t->type != TOML_TABLE || !t->nslots)
		return NULL;
	for (size_t s = key_hash(key) & (t->nslots - 1); t->slots[s]; s = (s + 1) & (t->nslots - 1))
		if (!strcmp(t->kids[t->slots[s] - 1]->key, key))
			return t->kids[t->slots[s] - 1];
	return NULL;
}

static int at_end(struct parser *ps)
{
	return ps->p >= ps->end;
}

static int peek(struct parser *ps)
{
	return at_end(ps) ? -1 : (unsigned char)*ps->p;
}

static int peek_at(struct parser *ps, size_t off)
{
	return ps->p + off >= ps->end ? -1 : (unsigned char)ps->p[off];
}

static void advance(struct parser *ps)
{
	if (at_end(ps))
		return;
	if (*ps->p == '\n') {
		ps->line++;
		ps->col = 1;
	} else {
		ps->col++;
	}
	ps->p++;
}

static int starts(struct parser *ps, const char *s)
{
	size_t n = strlen(s);

	return (size_t)(ps->end - ps->p) >= n && !memcmp(ps->p, s, n);
}

static void skip_ws(struct parser *ps)
{
	while (peek(ps) == ' ' || peek(ps) == '\t')
		advance(ps);
}

static int skip_comment(struct parser *ps)
{
	if (peek(ps) != '#')
		return 0;
	while (!at_end(ps) && peek(ps) != '\n') {
		int c = peek(ps);

		if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
			return perr(ps, "control character 0x%02x in a comment", c);
		advance(ps);
	}
	return 0;
}

/* Whitespace, newlines and comments, as allowed inside arrays. */
static int skip_ws_nl(struct parser *ps)
{
	for (;;) {
		skip_ws(ps);
		if (skip_comment(ps) < 0)
			return -1;
		if (peek(ps) == '\n') {
			advance(ps);
		} else if (peek(ps) == '\r' && peek_at(ps, 1) == '\n') {
			advance(ps);
			advance(ps);
		} else {
			return 0;
		}
	}
}

/* After a value or header: optional comment, then end of line or file. */
static int expect_eol(struct parser *ps)
{
	skip_ws(ps);
	if (skip_comment(ps) < 0)
		return -1;
	if (at_end(ps))
		return 0;
	if (peek(ps) == '\r' && peek_at(ps, 1) == '\n')
		advance(ps);
	if (peek(ps) == '\n') {
		advance(ps);
		return 0;
	}
	return perr(ps, "unexpected '%c' after the value (expected a new line)", peek(ps));
}

static void put_utf8(struct strbuf *sb, unsigned long cp)
{
	if (cp < 0x80) {
		strbuf_addch(sb, (int)cp);
	} else if (cp < 0x800) {
		strbuf_addch(sb, (int)(0xc0 | (cp >> 6)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		strbuf_addch(sb, (int)(0xe0 | (cp >> 12)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else {
		strbuf_addch(sb, (int)(0xf0 | (cp >> 18)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 12) & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	}
}

static int parse_escape(struct parser *ps, struct strbuf *out)
{
	int c;
	int digits = 0;
	unsigned long cp = 0;
	int line = ps->line, col = ps->col;

	advance(ps);	/* the backslash */
	c = peek(ps);
	switch (c) {
	case 'b': strbuf_addch(out, '\b'); break;
	case 't': strbuf_addch(out, '\t'); break;
	case 'n': strbuf_addch(out, '\n'); break;
	case 'f': strbuf_addch(out, '\f'); break;
	case 'r': strbuf_addch(out, '\r'); break;
	case '"': strbuf_addch(out, '"'); break;
	case '\\': strbuf_addch(out, '\\'); break;
	case 'u': digits = 4; break;
	case 'U': digits = 8; break;
	default:
		if (c < 0)
			return perr(ps, "unterminated string");
		return perr(ps, "invalid escape '\\%c' (valid: \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX \\UXXXXXXXX)", c);
	}
	advance(ps);
	for (int i = 0; i < digits; i++) {
		int h = peek(ps);

		if (h < 0 || !isxdigit(h))
			return perr(ps, "\\%c needs %d hex digits", digits == 4 ? 'u' : 'U', digits);
		cp = cp * 16 + (unsigned long)(isdigit(h) ? h - '0' : tolower(h) - 'a' + 10);
		advance(ps);
	}
	if (digits) {
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0)
			return perr_at(ps, line, col, "escape names an invalid character U+%04lX", cp);
		put_utf8(out, cp);
	}
	return 0;
}

static int bad_string_char(int c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

static int parse_string(struct parser *ps, char **out)
{
	struct strbuf sb = STRBUF_INIT;
	int quote = peek(ps);
	int multi = quote == '"' ? starts(ps, "\"\"\"") : starts(ps, "'''");
	int line = ps->line, col = ps->col;

	for (int i = 0; i < (multi ? 3 : 1); i++)
		advance(ps);
	if (multi) {
		/* a newline right after the opening quotes is trimmed */
		if (peek(ps) == '\r' && peek_at(ps, 1) == '\n')
			advance(ps);
		if (peek(ps) == '\n')
			advance(ps);
	}
	for (;;) {
		int c = peek(ps);

		if (c < 0) {
			strbuf_release(&sb);
			return perr_at(ps, line, col, "unterminated string");
		}
		if (multi && c == quote && peek_at(ps, 1) == quote && peek_at(ps, 2) == quote) {
			/* up to two quotes may sit right before the closing three */
			int extra = 0;

			while (extra < 2 && peek_at(ps, 3 + (size_t)extra) == quote)
				extra++;
			for (int i = 0; i < extra; i++) {
				strbuf_addch(&sb, quote);
				advance(ps);
			}
			advance(ps);
			advance(ps);
			advance(ps);
			break;
		}
		if (!multi && c == quote) {
			advance(ps);
			break;
		}
		if (c == '\n' || (c == '\r' && peek_at(ps, 1) == '\n')) {
			if (!multi) {
				strbuf_release(&sb);
				return perr(ps, "new line inside a string (use \"\"\" for multi-line strings)");
			}
			if (c == '\r')
				advance(ps);
			strbuf_addch(&sb, '\n');
			advance(ps);
			continue;
		}
		if (quote == '"' && c == '\\') {
			if (multi) {
				/* line-ending backslash: drop it and the following whitespace */
				size_t k = 1;

				while (peek_at(ps, k) == ' ' || peek_at(ps, k) == '\t')
					k++;
				if (peek_at(ps, k) == '\n' || (peek_at(ps, k) == '\r' && peek_at(ps, k + 1) == '\n')) {
					advance(ps);
					while (peek(ps) == ' ' || peek(ps) == '\t' || peek(ps) == '\n' || peek(ps) == '\r')
						advance(ps);
					continue;
				}
			}
			if (parse_escape(ps, &sb) < 0) {
				strbuf_release(&sb);
				return -1;
			}
			continue;
		}
		if (bad_string_char(c)) {
			strbuf_release(&sb);
			return perr(ps, "control character 0x%02x in a string (write it as an escape)", c);
		}
		strbuf_addch(&sb, c);
		advance(ps);
	}
	*out = strbuf_detach(&sb);
	return 0;
}

static int is_bare(int c)
{
	return c >= 0 && (isalnum(c) || c == '_' || c == '-');
}

/* One key part: bare or quoted. */
static int parse_simple_key(struct parser *ps, char **out)
{
	const char *start = ps->p;

	if (peek(ps) == '"' || peek(ps) == '\'') {
		if (starts(ps, "\"\"\"") || starts(ps, "'''"))
			return perr(ps, "a key cannot be a multi-line string");
		return parse_string(ps, out);
	}
	if (!is_bare(peek(ps))) {
		if (peek(ps) < 0 || peek(ps) == '\n')
			return perr(ps, "expected a key");
		return perr(ps, "unexpected '%c' (expected a key)", peek(ps));
	}
	while (is_bare(peek(ps)))
		advance(ps);
	*out = xstrndup(start, (size_t)(ps->p - start));
	return 0;
}

struct key_path {
	char **parts;
	int *cols;
	size_t nr, alloc, cols_alloc;
};

static void key_path_clear(struct key_path *kp)
{
	for (size_t i = 0; i < kp->nr; i++)
		free(kp->parts[i]);
	free(kp->parts);
	free(kp->cols);
	memset(kp, 0, sizeof(*kp));
}

/* Dotted key: a.b."c d" */
static int parse_key(struct parser *ps, struct key_path *kp)
{
	for (;;) {
		char *part = NULL;
		int col = ps->col;

		skip_ws(ps);
		col = ps->col;
		if (parse_simple_key(ps, &part) < 0)
			return -1;
		ALLOC_GROW(kp->parts, kp->nr + 1, kp->alloc);
		ALLOC_GROW(kp->cols, kp->nr + 1, kp->cols_alloc);
		kp->cols[kp->nr] = col;
		kp->parts[kp->nr++] = part;
		skip_ws(ps);
		if (peek(ps) != '.')
			return 0;
		advance(ps);
	}
}

/* Dotted name of the first n parts, for messages. */
static char *key_name(const struct key_path *kp, size_t n, const char *prefix)
{
	struct strbuf sb = STRBUF_INIT;

	if (prefix && *prefix)
		strbuf_addstr(&sb, prefix);
	for (size_t i = 0; i < n; i++) {
		if (sb.len)
			strbuf_addch(&sb, '.');
		strbuf_addstr(&sb, kp->parts[i]);
	}
	return strbuf_detach(&sb);
}

static int parse_value(struct parser *ps, struct toml_node *n, const char *path);

static int parse_int(struct parser *ps, struct toml_node *n)
{
	const char *start = ps->p;
	int base = 10, neg = 0, ndig = 0, last_us = 1;
	uint64_t v = 0, limit;

	if (peek(ps) == '+' || peek(ps) == '-') {
		neg = peek(ps) == '-';
		advance(ps);
	}
	if (peek(ps) == '0' && (peek_at(ps, 1) == 'x' || peek_at(ps, 1) == 'o' || peek_at(ps, 1) == 'b')) {
		if (ps->p != start)
			return perr(ps, "a sign is not allowed before 0%c", peek_at(ps, 1));
		base = peek_at(ps, 1) == 'x' ? 16 : peek_at(ps, 1) == 'o' ? 8 : 2;
		advance(ps);
		advance(ps);
	} else if (peek(ps) == '0' && isdigit(peek_at(ps, 1))) {
		return perr(ps, "leading zeros are not allowed in integers");
	}
	limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (;;) {
		int c = peek(ps), d;

		if (c == '_') {
			if (last_us)
				return perr(ps, "'_' must sit between two digits");
			last_us = 1;
			advance(ps);
			continue;
		}
		if (c < 0 || !isxdigit(c))
			break;
		d = isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
		if (d >= base)
			break;
		if (v > (limit - (uint64_t)d) / (uint64_t)base)
			return perr(ps, "integer is too large");
		v = v * (uint64_t)base + (uint64_t)d;
		ndig++;
		last_us = 0;
		advance(ps);
	}
	if (!ndig || last_us)
		return perr(ps, "malformed integer");
	if (peek(ps) == '.' || peek(ps) == 'e' || peek(ps) == 'E')
		return perr(ps, "floating-point numbers are not used by any mvlaunch key");
	if (peek(ps) == '-' || peek(ps) == ':')
		return perr(ps, "dates and times are not used by any mvlaunch key (quote the value)");
	if (is_bare(peek(ps)))
		return perr(ps, "unexpected '%c' in a number", peek(ps));
	n->type = TOML_INT;
	n->num = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int parse_array(struct parser *ps, struct toml_node *n, const char *path)
{
	n->type = TOML_ARRAY;
	n->flags |= TOML_INLINE;
	advance(ps);	/* [ */
	for (;;) {
		struct toml_node *item;

		if (skip_ws_nl(ps) < 0)
			return -1;
		if (peek(ps) == ']') {
			advance(ps);
			return 0;
		}
		item = node_new(TOML_STRING, ps->line, ps->col);
		node_add(n, item);
		if (parse_value(ps, item, path) < 0)
			return -1;
		if (skip_ws_nl(ps) < 0)
			return -1;
		if (peek(ps) == ',') {
			advance(ps);
			continue;
		}
		if (peek(ps) == ']') {
			advance(ps);
			return 0;
		}
		if (peek(ps) < 0)
			return perr(ps, "unterminated array (missing ']')");
		return perr(ps, "unexpected '%c' in an array (expected ',' or ']')", peek(ps));
	}
}

/*
 * Walk 'kp' below 'table' for a key/value line: the leading parts become
 * (or reuse) dotted tables. Returns the table that holds the last part.
 */
static struct toml_node *walk_dotted(struct parser *ps, struct toml_node *table,
				     const struct key_path *kp, int line, const char *prefix)
{
	for (size_t i = 0; i + 1 < kp->nr; i++) {
		struct toml_node *next = toml_get(table, kp->parts[i]);

		if (!next) {
			next = node_new(TOML_TABLE, line, kp->cols[i]);
			next->key = xstrdup(kp->parts[i]);
			next->flags |= TOML_DOTTED;
			node_add(table, next);
		} else if (next->type != TOML_TABLE || (next->flags & TOML_INLINE)) {
			char *name = key_name(kp, i + 1, prefix);

			perr_at(ps, line, kp->cols[i], "key '%s': already set at line %d and cannot be extended",
				name, next->line);
			free(name);
			return NULL;
		}
		table = next;
	}
	return table;
}

/* key = value, into 'table' whose dotted name is 'prefix' ("" at the top). */
static int parse_keyval(struct parser *ps, struct toml_node *table, const char *prefix)
{
	struct key_path kp = { 0 };
	struct toml_node *holder, *n;
	char *name = NULL;
	int line = ps->line;
	int ret = -1;

	if (parse_key(ps, &kp) < 0)
		goto out;
	if (peek(ps) != '=') {
		if (peek(ps) < 0 || peek(ps) == '\n' || peek(ps) == '\r')
			perr(ps, "expected '=' after key '%s'", kp.parts[kp.nr - 1]);
		else
			perr(ps, "unexpected '%c' after key '%s' (expected '=')", peek(ps), kp.parts[kp.nr - 1]);
		goto out;
	}
	advance(ps);
	skip_ws(ps);
	holder = walk_dotted(ps, table, &kp, line, prefix);
	if (!holder)
		goto out;
	name = key_name(&kp, kp.nr, prefix);
	n = toml_get(holder, kp.parts[kp.nr - 1]);
	if (n) {
		perr_at(ps, line, kp.cols[kp.nr - 1], "key '%s': set twice (first at line %d)", name, n->line);
		goto out;
	}
	n = node_new(TOML_STRING, line, kp.cols[kp.nr - 1]);
	n->key = xstrdup(kp.parts[kp.nr - 1]);
	node_add(holder, n);
	ret = parse_value(ps, n, name);
out:
	free(name);
	key_path_clear(&kp);
	return ret;
}

static int parse_inline_table(struct parser *ps, struct toml_node *n, const char *path)
{
	n->type = TOML_TABLE;
	n->flags |= TOML_INLINE;
	advance(ps);	/* { */
	skip_ws(ps);
	if (peek(ps) == '}') {
		advance(ps);
		return 0;
	}
	for (;;) {
		if (parse_keyval(ps, n, path) < 0)
			return -1;
		skip_ws(ps);
		if (peek(ps) == ',') {
			advance(ps);
			skip_ws(ps);
			if (peek(ps) == '}')
				return perr(ps, "trailing ',' is not allowed in an inline table");
			continue;
		}
		if (peek(ps) == '}') {
			advance(ps);
			/* keys set through dots inside the braces are closed too */
			for (size_t i = 0; i < n->nr; i++)
				if (n->kids[i]->type == TOML_TABLE)
					n->kids[i]->flags |= TOML_INLINE;
			return 0;
		}
		if (peek(ps) < 0 || peek(ps) == '\n')
			return perr(ps, "unterminated inline table (missing '}'; inline tables fit on one line)");
		return perr(ps, "unexpected '%c' in an inline table (expected ',' or '}')", peek(ps));
	}
}

static int parse_value(struct parser *ps, struct toml_node *n, const char *path)
{
	int c = peek(ps);
	int ret;

	if (++ps->depth > TOML_MAX_DEPTH) {
		ps->depth--;
		return perr(ps, "values nested more than %d deep", TOML_MAX_DEPTH);
	}
	if (c == '"' || c == '\'') {
		n->type = TOML_STRING;
		ret = parse_string(ps, &n->str);
	} else if (c == '[') {
		ret = parse_array(ps, n, path);
	} else if (c == '{') {
		ret = parse_inline_table(ps, n, path);
	} else if (starts(ps, "true") && !is_bare(peek_at(ps, 4))) {
		n->type = TOML_BOOL;
		n->num = 1;
		for (int i = 0; i < 4; i++)
			advance(ps);
		ret = 0;
	} else if (starts(ps, "false") && !is_bare(peek_at(ps, 5))) {
		n->type = TOML_BOOL;
		n->num = 0;
		for (int i = 0; i < 5; i++)
			advance(ps);
		ret = 0;
	} else if (c >= 0 && (isdigit(c) || c == '+' || c == '-')) {
		if (starts(ps, "+inf") || starts(ps, "-inf") || starts(ps, "+nan") || starts(ps, "-nan"))
			ret = perr(ps, "floating-point numbers are not used by any mvlaunch key");
		else
			ret = parse_int(ps, n);
	} else if (starts(ps, "inf") || starts(ps, "nan")) {
		ret = perr(ps, "floating-point numbers are not used by any mvlaunch key");
	} else if (c < 0 || c == '\n' || c == '\r' || c == '#') {
		ret = perr(ps, "missing value after '='");
	} else {
		const char *s = ps->p;
		int len = 0;

		while (s + len < ps->end && is_bare((unsigned char)s[len]) && len < 40)
			len++;
		if (len)
			ret = perr(ps, "invalid value '%.*s' (strings need quotes: \"%.*s\")", len, s, len, s);
		else
			ret = perr(ps, "unexpected '%c' (expected a value)", c);
	}
	ps->depth--;
	return ret;
}

/* [a.b] or [[a.b]]: returns the table that following keys go into. */
static struct toml_node *parse_header(struct parser *ps, struct toml_node *root, char **path)
{
	struct key_path kp = { 0 };
	int aot = starts(ps, "[[");
	int line = ps->line, col = ps->col;
	struct toml_node *t = root, *res = NULL;
	char *name = NULL;

	advance(ps);
	if (aot)
		advance(ps);
	if (parse_key(ps, &kp) < 0)
		goto out;
	if (aot ? !starts(ps, "]]") : peek(ps) != ']') {
		perr(ps, "expected '%s' to close the table header", aot ? "]]" : "]");
		goto out;
	}
	advance(ps);
	if (aot)
		advance(ps);
	if (expect_eol(ps) < 0)
		goto out;
	name = key_name(&kp, kp.nr, NULL);
	free(*path);
	*path = xstrdup(name);

	for (size_t i = 0; i < kp.nr; i++) {
		struct toml_node *next = toml_get(t, kp.parts[i]);
		int last = i + 1 == kp.nr;

		if (last && aot) {
			struct toml_node *elem;

			if (!next) {
				next = node_new(TOML_ARRAY, line, col);
				next->key = xstrdup(kp.parts[i]);
				next->flags |= TOML_AOT;
				node_add(t, next);
			} else if (next->type != TOML_ARRAY || !(next->flags & TOML_AOT)) {
				perr_at(ps, line, col, "'[[%s]]' conflicts with key '%s' set at line %d",
					name, name, next->line);
				goto out;
			}
			elem = node_new(TOML_TABLE, line, col);
			elem->flags |= TOML_HEADER;
			node_add(next, elem);
			res = elem;
			break;
		}
		if (!next) {
			next = node_new(TOML_TABLE, line, col);
			next->key = xstrdup(kp.parts[i]);
			next->flags |= last ? TOML_HEADER : TOML_IMPLICIT;
			node_add(t, next);
		} else if (next->type == TOML_ARRAY && (next->flags & TOML_AOT) && !last) {
			next = next->kids[next->nr - 1];	/* [[a]] then [a.b]: the last a */
		} else if (next->type != TOML_TABLE || (next->flags & TOML_INLINE)) {
			char *part = key_name(&kp, i + 1, NULL);

			perr_at(ps, line, col, "table '[%s]' conflicts with key '%s' set at line %d",
				name, part, next->line);
			free(part);
			goto out;
		} else if (last) {
			if (next->flags & (TOML_HEADER | TOML_DOTTED)) {
				perr_at(ps, line, col, "table '[%s]' is defined twice (first at line %d)",
					name, next->line);
				goto out;
			}
			next->flags = (next->flags & ~(unsigned)TOML_IMPLICIT) | TOML_HEADER;
			next->line = line;
			next->col = col;
		}
		t = next;
		if (last)
			res = t;
	}
out:
	free(name);
	key_path_clear(&kp);
	return res;
}

int toml_parse(const char *file, const char *text, size_t len,
	       struct toml_node **root, struct strbuf *err)
{
	struct parser ps = { .file = file, .p = text, .end = text + len, .line = 1, .col = 1, .err = err };
	struct toml_node *doc = node_new(TOML_TABLE, 1, 1);
	struct toml_node *cur = doc;
	char *path = xstrdup("");

	*root = NULL;
	if (memchr(text, '\0', len)) {
		free(path);
		toml_free(doc);
		strbuf_addf(err, "%s: contains a NUL byte (not a text file?)", file);
		return -1;
	}
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		ps.p += 3;	/* UTF-8 byte order mark */
	for (;;) {
		if (skip_ws_nl(&ps) < 0)
			goto fail;
		if (at_end(&ps))
			break;
		if (peek(&ps) == '[') {
			cur = parse_header(&ps, doc, &path);
			if (!cur)
				goto fail;
			continue;
		}
		if (parse_keyval(&ps, cur, path) < 0 || expect_eol(&ps) < 0)
			goto fail;
	}
	free(path);
	*root = doc;
	return 0;
fail:
	free(path);
	toml_free(doc);
	return -1;
}
