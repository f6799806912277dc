/*
 * toml.h - a strict parser for the TOML subset mvlaunch configs use.
 *
 * Supported: comments, bare/quoted/dotted keys, [tables], [[arrays of
 * tables]], basic and literal strings (single- and multi-line, all escapes),
 * integers (decimal with '_', 0x, 0o, 0b), booleans, arrays and inline
 * tables. Floats and dates are refused with a message saying so: no mvlaunch
 * key takes one. Every node remembers the line and column it came from, so
 * the schema layer (vm_config.c) can point at the exact spot of a bad value.
 *
 * The parser never prints; it returns -1 and writes "FILE:LINE:COL: reason"
 * into err.
 */
#ifndef MVL_TOML_H
#define MVL_TOML_H

#include <stddef.h>
#include <stdint.h>

#include "util/strbuf.h"

enum toml_type {
	TOML_STRING,
	TOML_INT,
	TOML_BOOL,
	TOML_ARRAY,
	TOML_TABLE,
};

enum toml_flags {
	TOML_HEADER = (1 << 0),		/* table opened by a [header] */
	TOML_IMPLICIT = (1 << 1),	/* table only named on the way to a header */
	TOML_INLINE = (1 << 2),		/* { inline table } or [ static array ]: closed */
	TOML_AOT = (1 << 3),		/* array created by [[header]] */
	TOML_DOTTED = (1 << 4),		/* table created by a dotted key */
};

struct toml_node {
	enum toml_type type;
	unsigned flags;
	char *key;		/* NULL for array elements */
	int line, col;		/* where the key (or the element) is written */
	char *str;		/* TOML_STRING */
	int64_t num;		/* TOML_INT; TOML_BOOL is 0 or 1 */
	struct toml_node **kids;	/* TOML_ARRAY and TOML_TABLE, in file order */
	size_t nr, alloc;
	/*
	 * TOML_TABLE: an open-addressing index of kids by key (slot = kid index
	 * + 1, 0 = empty), so that a table of 90,000 keys parses in linear time.
	 */
	size_t *slots, nslots;
};

/*
 * Parse text (len bytes, need not be NUL-terminated) from 'file'. On success
 * *root is a TOML_TABLE the caller frees with toml_free(). On error returns -1,
 * *root is NULL and err holds "file:line:col: reason".
 */
int toml_parse(const char *file, const char *text, size_t len,
	       struct toml_node **root, struct strbuf *err);
void toml_free(struct toml_node *node);
/* The child of a table with that key, or NULL. */
struct toml_node *toml_get(const struct toml_node *table, const char *key);
/* "string", "integer", "boolean", "array", "table". */
const char *toml_type_name(enum toml_type type);

#endif
