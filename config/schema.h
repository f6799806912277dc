/*
 * schema.h - typed config keys from a table, on top of the TOML parser.
 *
 * A config file is described by an array of struct config_key rows (style
 * rule R11): dotted name, type, offset in the target struct, range or
 * values, default, and the documentation the reference is printed from.
 * schema_parse() reads a TOML text into a struct through such a table and
 * reports every bad key, not just the first, as "FILE:LINE:COL: key 'x': why".
 * vm_config.c (NAME.toml) and host_config.c (host.toml) are its users.
 */
#ifndef MVL_SCHEMA_H
#define MVL_SCHEMA_H

#include <stddef.h>
#include <stdio.h>

#include "config/toml.h"
#include "util/strbuf.h"
#include "util/strvec.h"

/* Booleans are tri-state: QEMU's own default is kept while a key is unset. */
#define TRI_UNSET (-1)

struct config_loc {
	int line, col;		/* 0 when the value came from a default */
};

enum key_type {
	KEY_STRING,
	KEY_PATH,	/* string; relative paths are taken from the config's directory */
	KEY_BOOL,	/* int, TRI_UNSET when no default */
	KEY_UINT,	/* unsigned */
	KEY_INT,	/* int, -1 when unset */
	KEY_ENUM,	/* int, index into .values */
	KEY_SIZE,	/* uint64_t bytes */
	KEY_STRLIST,	/* struct strvec */
	KEY_CPUSET,	/* struct cpuset, with int flag at .offset2 */
	KEY_CUSTOM,	/* .parse does it */
	KEY_IGNORED,	/* accepted, warned about, no effect */
	KEY_TABLES,	/* [[array of tables]] with .sub rows */
};

struct schema_ctx;
struct config_key;

typedef int (*key_check_fn)(char **value, struct strbuf *why);
typedef int (*key_parse_fn)(struct schema_ctx *ctx, const struct config_key *k,
			    void *base, const struct toml_node *n, const char *name);
typedef void *(*key_add_fn)(void *root);

struct config_key {
	const char *name;
	enum key_type type;
	size_t offset, offset2;
	long long min, max;
	const char *const *values;
	const char *def;
	int required;
	int allow_empty;		/* KEY_CPUSET: "" means the empty set */
	key_check_fn check;
	key_parse_fn parse;
	const struct config_key *sub;	/* KEY_TABLES; .offset2 = offsetof(item, loc) */
	key_add_fn add;			/* KEY_TABLES: append one item to root, return it */
	const char *qemu;
	const char *doc;
};

struct schema_ctx {
	const char *file;
	char *dir;			/* of file, for relative paths; NULL: cwd */
	void *root;			/* the struct the top rows fill */
	struct strbuf *err;
	struct strvec *warnings;
	const struct config_key *top;	/* the top rows */
	struct config_loc *locs;	/* of the current item, or of root */
	const struct config_key *rows;	/* the table locs is indexed by */
};


/* Rows of an item table keep where the item itself starts in this slot of its loc[]. */
#define SCHEMA_MAX_ITEM_KEYS 24

/*
 * Parse 'text' from 'file' into 'base' through 'rows' (base must hold the
 * defaults already: schema_defaults()). locs[] (indexed like rows) gets
 * where each key was set. Returns 0, or -1 with one line per problem in err.
 * Settings that are accepted without effect add a line to 'warnings'.
 */
int schema_parse(const char *file, const char *text, size_t len, const struct config_key *rows, void *base,
		 struct config_loc *locs, struct strvec *warnings, struct strbuf *err);
/* Fill base with the defaults of rows; strings are allocated. */
void schema_defaults(const struct config_key *rows, void *base);
/* Free the strings and lists of base (not base itself). */
void schema_release(const struct config_key *rows, void *base);
/* Index of the row called name, or -1. */
int schema_row_index(const struct config_key *rows, const char *name);
/* The Markdown key table of rows (and of their item tables); 'label' heads the key column. */
void schema_write_reference(FILE *out, const struct config_key *rows, const char *label);

/* "FILE:LINE:COL: key 'key': ..." as a new line of err (key may be NULL). Returns -1. */
int schema_error(struct strbuf *err, const char *file, struct config_loc loc, const char *key,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The same as a new entry of 'warnings'. */
void schema_warn(struct strvec *warnings, const char *file, struct config_loc loc, const char *key,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* For custom parsers: where node n is, and "expected WANT, got a TYPE". */
struct config_loc schema_node_loc(const struct toml_node *n);
int schema_type_error(struct schema_ctx *ctx, const struct toml_node *n, const char *name, const char *want);
/* A key_check_fn: the string must not be empty. */
int schema_check_nonempty(char **v, struct strbuf *why);
/* Read a config file of at most 1 MiB into text. 0, or -1 with the reason. */
int schema_read_file(const char *file, struct strbuf *text, struct strbuf *err);

#endif
