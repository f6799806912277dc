/*
 * libvirt_import.c - a libvirt domain as a mvlaunch config (see the header).
 *
 * Three passes over the libxml2 tree:
 *  1. map: the functions below read what they understand and write keys
 *     into tables (struct tbl, one per [section] or [[item]]). Reading an
 *     element or an attribute marks it (node->_private = &used).
 *  2. sweep: every element or attribute left unmarked is reported as not
 *     imported, with a reason from reasons[] or "not supported yet".
 *  3. render and check: the tables become TOML in the examples' order,
 *     which vm_config_parse() must accept; its errors are given back at
 *     the XML line the offending key came from.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "config/libvirt_import.h"
#include "config/qos.h"
#include "config/vm_config.h"
#include "util/cpuset.h"
#include "util/dl.h"
#include "util/size.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"
#define LIBOSINFO_NS "http://libosinfo.org/xmlns/libvirt/domain/1.0"

static char used;		/* node->_private of whatever the importer read */

/*
 * libxml2, with the ICU, libstdc++, liblzma and zlib it links, cost every
 * mvlaunch command about 1 ms to load, and every worker of 'up A B' or
 * 'down --all' more to fork and exit, for what only 'import' reads. So it is
 * loaded with dlopen() on the first import (as notify.c loads libsystemd),
 * and these are the only calls made of it: the headers give their types.
 */
static struct {
	__typeof__(&xmlReadMemory) read_memory;
	__typeof__(&xmlFreeDoc) free_doc;
	__typeof__(&xmlDocGetRootElement) root_element;
	__typeof__(&xmlGetLineNo) line_no;
	__typeof__(&xmlNodeListGetString) list_string;
	__typeof__(&xmlNodeGetContent) content;
	__typeof__(&xmlSetStructuredErrorFunc) set_error_func;
	xmlFreeFunc *free;	/* the variable xmlFree: the deallocator libxml2 was set up with */
} libxml;

static int load_libxml2(struct strbuf *err)
{
	static const char *const names[] = {
		"xmlReadMemory", "xmlFreeDoc", "xmlDocGetRootElement", "xmlGetLineNo",
		"xmlNodeListGetString", "xmlNodeGetContent", "xmlSetStructuredErrorFunc", "xmlFree",
	};
	void **const slots[] = {
		(void **)&libxml.read_memory, (void **)&libxml.free_doc, (void **)&libxml.root_element, (void **)&libxml.line_no,
		(void **)&libxml.list_string, (void **)&libxml.content, (void **)&libxml.set_error_func, (void **)&libxml.free,
	};

	if (libxml.read_memory)
		return 0;
	return dl_symbols("libxml2.so.2", "read libvirt XML", names, slots, ARRAY_SIZE(names), err);
}

/* Reasons for what is not imported (the sweep's, by element name) */
#define R_TODO "not supported yet"
#define R_QOS "not supported: mvlaunch limits the whole VM ([limits]) and each disk ([[disk]] iops_*, bps_*)"
#define R_LIBVIRT "libvirt-only, no effect on QEMU"

struct kv {
	char *key, *val, *comment;
	long line;		/* the XML line it came from */
};

struct tbl {
	const char *name;	/* "machine", "cpu.hyperv", "disk" (an [[item]]) */
	int aot;
	long line;
	struct kv *kv;
	size_t nr, alloc;
};

struct imp {
	const char *file;
	xmlNodePtr root;
	struct strbuf *err;
	int failed;
	struct tbl **tbls;
	size_t nr_tbls, alloc_tbls;
	struct strvec pool;	/* strings handed out by attr() and text() */
	struct strvec header;	/* comment lines under the title */
	struct libvirt_import *out;

	unsigned vcpus;
	int tcg, boot_per_device, spice, has_display, i440fx;
	struct tbl *first_disk, *first_cdrom, *first_net;
	size_t nr_disks;
	unsigned serials;
	xmlNodePtr ioapic_qemu;	/* <ioapic driver='qemu'/>: fine with an intel IOMMU (split irqchip) */
	struct strvec disk_iothreads;	/* per [[disk]]: libvirt's iothread id, "" for none */
	unsigned addresses;
	long first_address_line;
};

/* Output order: the shipped examples' */
static const char *const sections[] = {
	"machine", "cpu", "cpu.hyperv", "pinning", "memory", "numa", "clock", "tpm", "display", "looking_glass",
	"audio", "smbios", "boot", "iothread", "disk", "net", "passthrough", "input", "usb", "sched", "qemu", "service", "limits",
};

/* ---- the tables ---------------------------------------------------------- */

static struct tbl *tbl_add(struct imp *m, const char *name, int aot, long line)
{
	struct tbl *t = xcalloc(1, sizeof(*t));

	t->name = name;
	t->aot = aot;
	t->line = line;
	if (m->nr_tbls == m->alloc_tbls) {
		m->alloc_tbls = m->alloc_tbls ? 2 * m->alloc_tbls : 16;
		m->tbls = xrealloc(m->tbls, m->alloc_tbls * sizeof(*m->tbls));
	}
	m->tbls[m->nr_tbls++] = t;
	return t;
}

/* The [name] table, made on first use. */
static struct tbl *sect(struct imp *m, const char *name)
{
	for (size_t i = 0; i < m->nr_tbls; i++)
		if (!m->tbls[i]->aot && !strcmp(m->tbls[i]->name, name))
			return m->tbls[i];
	return tbl_add(m, name, 0, 0);
}

static struct kv *find_kv(struct tbl *t, const char *key)
{
	for (size_t i = 0; i < t->nr; i++)
		if (!strcmp(t->kv[i].key, key))
			return &t->kv[i];
	return NULL;
}

/* key = val (val taken), replacing an earlier value of key. */
static void put(struct tbl *t, const char *key, char *val, long line, const char *comment)
{
	struct kv *kv = find_kv(t, key);

	if (kv) {
		free(kv->val);
		free(kv->comment);
	} else {
		if (t->nr == t->alloc) {
			t->alloc = t->alloc ? 2 * t->alloc : 8;
			t->kv = xrealloc(t->kv, t->alloc * sizeof(*t->kv));
		}
		kv = &t->kv[t->nr++];
		kv->key = xstrdup(key);
	}
	kv->val = val;
	kv->line = line;
	kv->comment = comment ? xstrdup(comment) : NULL;
}

static void unput(struct tbl *t, const char *key)
{
	struct kv *kv = find_kv(t, key);

	if (!kv)
		return;
	free(kv->key);
	free(kv->val);
	free(kv->comment);
	memmove(kv, kv + 1, (t->nr - (size_t)(kv - t->kv) - 1) * sizeof(*kv));
	t->nr--;
}

/* A TOML basic string. */
static char *toml_quote(const char *s)
{
	struct strbuf sb = STRBUF_INIT;

	strbuf_addch(&sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			strbuf_addf(&sb, "\\%c", *p);
		else if (*p == '\n')
			strbuf_addstr(&sb, "\\n");
		else if (*p == '\t')
			strbuf_addstr(&sb, "\\t");
		else if (*p < 0x20 || *p == 0x7f)
			strbuf_addf(&sb, "\\u%04x", *p);
		else
			strbuf_addch(&sb, *p);
	}
	strbuf_addch(&sb, '"');
	return strbuf_detach(&sb);
}

static void put_str(struct tbl *t, const char *key, const char *s, long line, const char *comment)
{
	put(t, key, toml_quote(s), line, comment);
}

static void put_bool(struct tbl *t, const char *key, int b, long line, const char *comment)
{
	put(t, key, xstrdup(b ? "true" : "false"), line, comment);
}

static void put_uint(struct tbl *t, const char *key, uint64_t v, long line, const char *comment)
{
	put(t, key, xstrfmt("%" PRIu64, v), line, comment);
}

static void put_size(struct tbl *t, const char *key, uint64_t bytes, long line, const char *comment)
{
	struct strbuf sb = STRBUF_INIT;

	size_format(bytes, &sb);
	put_str(t, key, sb.buf, line, comment);
	strbuf_release(&sb);
}

/* ---- reading the tree ---------------------------------------------------- */

static long lineno(xmlNodePtr n)
{
	return n ? libxml.line_no(n) : 0;
}

static int is_elem(xmlNodePtr n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && !n->ns && (!name || !strcmp((const char *)n->name, name));
}

/* The first child element 'name' (libvirt's own, without a namespace). */
static xmlNodePtr child(xmlNodePtr n, const char *name)
{
	for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
		if (is_elem(c, name))
			return c;
	return NULL;
}

static xmlNodePtr next_elem(xmlNodePtr c, const char *name)
{
	for (c = c->next; c; c = c->next)
		if (is_elem(c, name))
			return c;
	return NULL;
}

#define for_each_child(c, n, name) for (xmlNodePtr c = child(n, name); c; c = next_elem(c, name))

static void use(xmlNodePtr n)
{
	if (n)
		n->_private = &used;
}

static int is_used(const void *p)
{
	return ((const xmlNode *)p)->_private == &used;
}

/* Mark n, its attributes and everything below it. */
static void use_all(xmlNodePtr n)
{
	if (!n || n->type != XML_ELEMENT_NODE)
		return;
	use(n);
	for (xmlAttrPtr a = n->properties; a; a = a->next)
		a->_private = &used;
	for (xmlNodePtr c = n->children; c; c = c->next)
		use_all(c);
}

static const char *keep(struct imp *m, xmlChar *s)
{
	const char *ret;

	if (!s)
		return NULL;
	ret = strvec_push(&m->pool, (const char *)s);
	(*libxml.free)(s);
	return ret;
}

static xmlAttrPtr find_attr(xmlNodePtr n, const char *name)
{
	for (xmlAttrPtr a = n ? n->properties : NULL; a; a = a->next)
		if (!a->ns && !strcmp((const char *)a->name, name))
			return a;
	return NULL;
}

/* Attribute 'name' of n (marked as read), or NULL. */
static const char *attr(struct imp *m, xmlNodePtr n, const char *name)
{
	xmlAttrPtr a = find_attr(n, name);

	if (!a)
		return NULL;
	a->_private = &used;
	return keep(m, libxml.list_string(n->doc, a->children, 1));
}

/* The text of n without surrounding white space (n marked), or NULL for no n. */
static const char *text(struct imp *m, xmlNodePtr n)
{
	const char *s, *e;

	if (!n)
		return NULL;
	use(n);
	s = keep(m, libxml.content(n));
	if (!s)
		return "";
	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	return strvec_push_nodup(&m->pool, xstrndup(s, (size_t)(e - s)));
}

static int yes(const char *v)
{
	return v && (!strcmp(v, "yes") || !strcmp(v, "on"));
}

static int no(const char *v)
{
	return v && (!strcmp(v, "no") || !strcmp(v, "off"));
}

/* "<name a='1' b='2'>" for messages, at most about 100 characters. */
static void describe(xmlNodePtr n, const char *only_attr, struct strbuf *sb)
{
	strbuf_addch(sb, '<');
	if (n->ns && n->ns->prefix)
		strbuf_addf(sb, "%s:", (const char *)n->ns->prefix);
	strbuf_addstr(sb, (const char *)n->name);
	for (xmlAttrPtr a = n->properties; a; a = a->next) {
		xmlChar *v;

		if (only_attr && strcmp((const char *)a->name, only_attr))
			continue;
		if (sb->len > 100) {
			strbuf_addstr(sb, " ...");
			break;
		}
		v = libxml.list_string(n->doc, a->children, 1);
		strbuf_addf(sb, " %s='%s'", (const char *)a->name, v ? (const char *)v : "");
		(*libxml.free)(v);
	}
	if (!only_attr && !n->properties && n->children && n->children->type == XML_TEXT_NODE &&
	    !n->children->next) {
		xmlChar *v = libxml.content(n);
		size_t len = strlen((const char *)v);

		strbuf_addf(sb, ">%.*s%s</%s", (int)(len > 60 ? 60 : len), (const char *)v, len > 60 ? "..." : "",
			    (const char *)n->name);
		(*libxml.free)(v);
	}
	strbuf_addch(sb, '>');
}

/* One line of text for a terminal or a TOML comment: every control character becomes a space. */
static char *one_line(struct strbuf *sb)
{
	for (size_t i = 0; i < sb->len; i++)
		if ((unsigned char)sb->buf[i] < 0x20 || sb->buf[i] == 0x7f)
			sb->buf[i] = ' ';
	return strbuf_detach(sb);
}

__attribute__((format(printf, 4, 5)))
static void lost_why(struct imp *m, xmlNodePtr n, const char *only_attr, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	strbuf_addf(&sb, "%ld: ", lineno(n));
	if (only_attr && n->parent && n->parent->type == XML_ELEMENT_NODE && !strcmp((const char *)n->name, "driver"))
		strbuf_addf(&sb, "<%s>", (const char *)n->parent->name);
	describe(n, only_attr, &sb);
	strbuf_addstr(&sb, ": ");
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strvec_push_nodup(&m->out->lost, one_line(&sb));
	if (only_attr) {
		xmlAttrPtr a = find_attr(n, only_attr);

		if (a)
			a->_private = &used;
	} else {
		use_all(n);
	}
}

/* The whole element n (and what is in it) is not imported. */
#define lost(m, n, ...) lost_why(m, n, NULL, __VA_ARGS__)
/* Attribute a of n is not imported. */
#define lost_attr(m, n, a, ...) lost_why(m, n, a, __VA_ARGS__)

__attribute__((format(printf, 3, 4)))
static void note(struct imp *m, xmlNodePtr n, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	strbuf_addf(&sb, "%ld: ", lineno(n));
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	strvec_push_nodup(&m->out->notes, one_line(&sb));
}

__attribute__((format(printf, 3, 4)))
static int fail(struct imp *m, xmlNodePtr n, const char *fmt, ...)
{
	va_list ap;

	struct strbuf sb = STRBUF_INIT;
	char *msg;

	if (m->err->len)
		strbuf_addch(m->err, '\n');
	strbuf_addf(&sb, "%s:%ld: ", m->file, lineno(n));
	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	msg = one_line(&sb);
	strbuf_addstr(m->err, msg);
	free(msg);
	m->failed = 1;
	return -1;
}

/* An unsigned decimal (or 0x hex, as libvirt's PCI and USB ids) text or attribute. */
static int parse_uint(struct imp *m, xmlNodePtr n, const char *what, const char *s, uint64_t max, uint64_t *v)
{
	char *end;
	unsigned long long x;

	if (!s || !*s || *s == '-' || *s == '+' || isspace((unsigned char)*s))
		return fail(m, n, "%s: '%s' is not a number", what, s ? s : "");
	errno = 0;
	/* decimal, as libvirt reads them; 0x for the PCI and USB ids it writes in hex */
	x = !strncmp(s, "0x", 2) || !strncmp(s, "0X", 2) ? strtoull(s + 2, &end, 16) : strtoull(s, &end, 10);
	if ((s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) && (!s[2] || !isxdigit((unsigned char)s[2])))
		return fail(m, n, "%s: '%s' is not a number", what, s);
	if (*end)
		return fail(m, n, "%s: '%s' is not a number", what, s);
	if (errno || x > max)
		return fail(m, n, "%s: %s is out of range (0 to %" PRIu64 ")", what, s, max);
	*v = x;
	return 0;
}

/* libvirt's scaled integers: VALUE in UNIT (default unit: 'dflt'). */
static int parse_scaled(struct imp *m, xmlNodePtr n, const char *what, const char *value, const char *unit,
			const char *dflt, uint64_t *bytes)
{
	static const struct { const char *u; uint64_t mul; } units[] = {
		{ "b", 1 }, { "bytes", 1 },
		{ "KB", 1000ULL }, { "k", 1ULL << 10 }, { "K", 1ULL << 10 }, { "KiB", 1ULL << 10 },
		{ "MB", 1000000ULL }, { "M", 1ULL << 20 }, { "m", 1ULL << 20 }, { "MiB", 1ULL << 20 },
		{ "GB", 1000000000ULL }, { "G", 1ULL << 30 }, { "g", 1ULL << 30 }, { "GiB", 1ULL << 30 },
		{ "TB", 1000000000000ULL }, { "T", 1ULL << 40 }, { "t", 1ULL << 40 }, { "TiB", 1ULL << 40 },
		{ "PB", 1000000000000000ULL }, { "P", 1ULL << 50 }, { "PiB", 1ULL << 50 },
	};
	uint64_t v, mul = 0;

	if (!unit)
		unit = dflt;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && !mul; i++)	/* libvirt: any case */
		if (!strcasecmp(units[i].u, unit))
			mul = units[i].mul;
	if (!mul)
		return fail(m, n, "%s: unknown unit '%s' (libvirt's are b, KiB, MiB, GiB, TiB, KB, MB, GB, TB)",
			    what, unit);
	if (parse_uint(m, n, what, value, UINT64_MAX, &v) < 0)
		return -1;
	if (v > UINT64_MAX / mul)
		return fail(m, n, "%s: %s %s is too large", what, value, unit);
	*bytes = v * mul;
	return 0;
}

/* A libvirt CPU list ("0-3,^2,8") in the kernel's syntax; NULL after fail(). */
static char *cpulist(struct imp *m, xmlNodePtr n, const char *what, const char *s)
{
	struct cpuset set, one, excl;
	struct strbuf sb = STRBUF_INIT, why = STRBUF_INIT;
	char *copy, *p, *tok;

	cpuset_zero(&set);
	cpuset_zero(&excl);
	if (!s || !*s) {
		fail(m, n, "%s: an empty CPU list", what);
		return NULL;
	}
	copy = xstrdup(s);
	for (p = copy; (tok = strsep(&p, ",")); ) {
		int neg = *tok == '^';

		while (isspace((unsigned char)*tok))
			tok++;
		strbuf_reset(&why);
		if (cpuset_parse(&one, tok + neg, &why) < 0) {
			fail(m, n, "%s: '%s': %s", what, s, why.buf);
			free(copy);
			strbuf_release(&why);
			return NULL;
		}
		cpuset_or(neg ? &excl : &set, &one);
	}
	free(copy);
	strbuf_release(&why);
	cpuset_andnot(&set, &excl);
	if (cpuset_empty(&set)) {
		fail(m, n, "%s: '%s' leaves no CPU", what, s);
		return NULL;
	}
	cpuset_format(&set, &sb);
	return strbuf_detach(&sb);
}

/* ---- <name>, <uuid>, <title>, <description>, <metadata> ------------------ */

static void map_identity(struct imp *m, const char *want_name)
{
	xmlNodePtr n = child(m->root, "name"), u = child(m->root, "uuid");
	const char *name = text(m, n), *s;
	struct strbuf why = STRBUF_INIT;

	if (!name && !want_name) {
		fail(m, m->root, "<domain> has no <name> (give --name NAME)");
		return;
	}
	if (!want_name && vm_name_check(name, &why) < 0) {
		fail(m, n, "<name>: '%s' cannot name a mvlaunch VM: %s (give --name NAME)", name, why.buf);
	}
	m->out->name = xstrdup(want_name ? want_name : name);
	if (u) {
		char *uuid = xstrdup(text(m, u));

		strbuf_reset(&why);
		if (vm_uuid_check(uuid, &why) < 0) {
			fail(m, u, "<uuid>: %s", why.buf);
			free(uuid);
		} else {
			m->out->uuid = uuid;
			put_str(sect(m, "smbios"), "uuid", uuid, lineno(u),
				"libvirt's: Windows activation and licences see the same machine");
		}
	}
	strbuf_release(&why);

	if (name && want_name && strcmp(name, want_name))
		strvec_pushf(&m->header, "libvirt called it '%s'.", name);
	if ((s = text(m, child(m->root, "title"))) && *s)
		strvec_pushf(&m->header, "Title: %s", s);
	if ((s = text(m, child(m->root, "description"))) && *s) {
		char *copy = xstrdup(s), *p = copy, *line;

		while ((line = strsep(&p, "\n")))
			strvec_pushf(&m->header, "%s %s", line == copy ? "Description:" : "            ", line);
		free(copy);
	}
	for_each_child(md, m->root, "metadata") {
		use(md);
		for (xmlNodePtr c = md->children; c; c = c->next) {
			xmlNodePtr os;

			if (c->type != XML_ELEMENT_NODE)
				continue;
			if (!c->ns || strcmp((const char *)c->ns->href, LIBOSINFO_NS)) {
				lost(m, c, R_LIBVIRT ": data of the tools that made the domain");
			} else {
				use(c);
				for (os = c->children; os; os = os->next) {
					xmlAttrPtr id;

					if (os->type != XML_ELEMENT_NODE || strcmp((const char *)os->name, "os") ||
					    !(id = find_attr(os, "id")))
						continue;
					use(os);
					id->_private = &used;
					strvec_pushf(&m->header, "Guest OS (libosinfo): %s",
						     keep(m, libxml.list_string(os->doc, id->children, 1)));
				}
			}
		}
	}
}

/* ---- <memory>, <currentMemory>, <memoryBacking>, <numatune> -------------- */

/* How many <cell>s <cpu><numa> has: two or more are [[numa]] tables (map_numa()) */
static size_t guest_cells(struct imp *m)
{
	xmlNodePtr numa = child(child(m->root, "cpu"), "numa");
	size_t n = 0;

	for_each_child(c, numa, "cell")
		n++;
	return n;
}

/* "2M" or "1G" for a <page>, NULL (reported) for any other size */
static const char *page_size(struct imp *m, xmlNodePtr page)
{
	uint64_t pb;

	if (parse_scaled(m, page, "<page size>", attr(m, page, "size"), attr(m, page, "unit"), "KiB", &pb) < 0)
		return NULL;
	if (pb == (UINT64_C(2) << 20))
		return "2M";
	if (pb == (UINT64_C(1) << 30))
		return "1G";
	lost(m, page, "mvlaunch backs a guest with 2M or 1G pages");
	return NULL;
}

/*
 * <hugepages> of a guest with NUMA cells: a <page> without nodeset is
 * memory.hugepages, one with a nodeset the page size of those cells (done
 * in map_numa(), once the cells are tables).
 */
static void map_cell_pages(struct imp *m, xmlNodePtr h)
{
	struct tbl *t = sect(m, "memory");
	int any = 0;

	use(h);
	for_each_child(page, h, "page") {
		const char *size;

		any = 1;
		if (attr(m, page, "nodeset"))
			continue;
		use(page);
		if ((size = page_size(m, page)))
			put_str(t, "hugepages", size, lineno(page), NULL);
	}
	if (!any)
		put_str(t, "hugepages", "2M", lineno(h), "<hugepages/>: the host's default size, 2M on x86");
}

static uint64_t map_memory(struct imp *m)
{
	xmlNodePtr n = child(m->root, "memory"), cur = child(m->root, "currentMemory"), mb;
	struct tbl *t = sect(m, "memory");
	uint64_t bytes = 0, cur_bytes;

	if (!n) {
		fail(m, m->root, "<domain> has no <memory>");
		return 0;
	}
	if (parse_scaled(m, n, "<memory>", text(m, n), attr(m, n, "unit"), "KiB", &bytes) < 0)
		return 0;
	put_size(t, "size", bytes, lineno(n), NULL);
	if (cur && parse_scaled(m, cur, "<currentMemory>", text(m, cur), attr(m, cur, "unit"), "KiB",
				&cur_bytes) == 0 && cur_bytes != bytes)
		lost(m, cur, "not supported yet: a balloon target below <memory> (the guest gets all %s)",
		     find_kv(t, "size")->val);

	mb = child(m->root, "memoryBacking");
	if (!mb)
		return bytes;
	use(mb);
	if (child(mb, "hugepages") && guest_cells(m) > 1) {
		map_cell_pages(m, child(mb, "hugepages"));
	} else if (child(mb, "hugepages")) {
		xmlNodePtr h = child(mb, "hugepages"), page = child(h, "page");
		const char *size = "2M";

		use(h);
		if (page) {
			const char *nodeset;

			use(page);
			if (!(size = page_size(m, page)))
				return bytes;
			nodeset = attr(m, page, "nodeset");
			if (nodeset && strcmp(nodeset, "0"))
				lost_attr(m, page, "nodeset",
					  "not supported yet: a page size per guest NUMA node (the size applies to all)");
			if (next_elem(page, "page"))
				lost(m, next_elem(page, "page"),
				     "not supported yet: a second page size (one size backs the whole guest)");
		}
		put_str(t, "hugepages", size, lineno(page ? page : h),
			page ? NULL : "<hugepages/>: the host's default size, 2M on x86");
	}
	if (child(mb, "nosharepages")) {
		use(child(mb, "nosharepages"));
		put_bool(t, "merge", 0, lineno(child(mb, "nosharepages")), "<nosharepages/>: KSM stays away");
	}
	if (child(mb, "locked")) {
		use(child(mb, "locked"));
		put_bool(t, "locked", 1, lineno(child(mb, "locked")), NULL);
	}
	if (child(mb, "allocation")) {
		xmlNodePtr a = child(mb, "allocation");
		const char *mode = attr(m, a, "mode"), *threads = attr(m, a, "threads");
		uint64_t nt;

		use(a);
		if (mode && !strcmp(mode, "immediate"))
			put_bool(t, "prealloc", 1, lineno(a), NULL);
		else if (mode && strcmp(mode, "ondemand"))
			lost_attr(m, a, "mode", "unknown allocation mode");
		if (threads && parse_uint(m, a, "<allocation threads>", threads, 1024, &nt) == 0)
			put_uint(t, "prealloc_threads", nt, lineno(a), NULL);
	}
	if (child(mb, "source")) {
		xmlNodePtr s = child(mb, "source");
		const char *type = attr(m, s, "type");

		use(s);
		if (type && (!strcmp(type, "memfd") || !strcmp(type, "file") || !strcmp(type, "anonymous")))
			put_str(t, "source", type, lineno(s), NULL);
		else
			lost_attr(m, s, "type", "mvlaunch's memory sources are memfd, file and anonymous");
	}
	if (child(mb, "access")) {
		xmlNodePtr a = child(mb, "access");
		const char *mode = attr(m, a, "mode");

		use(a);
		if (mode && (!strcmp(mode, "shared") || !strcmp(mode, "private")))
			put_str(t, "access", mode, lineno(a), NULL);
		else
			lost_attr(m, a, "mode", "access is shared or private");
	}
	if (child(mb, "discard")) {
		xmlNodePtr d = child(mb, "discard");
		struct kv *src = find_kv(t, "source");

		if (src && !strcmp(src->val, "\"file\"")) {
			use(d);
			put_bool(t, "discard", 1, lineno(d), NULL);
		} else {
			lost(m, d, R_LIBVIRT " without <source type='file'/> (QEMU drops only a file's pages)");
		}
	}
	return bytes;
}

static void map_numatune(struct imp *m)
{
	xmlNodePtr nt = child(m->root, "numatune"), mem;
	struct tbl *t = sect(m, "memory");
	static const struct { const char *libvirt, *mvl; } modes[] = {
		{ "strict", "bind" }, { "preferred", "preferred" }, { "interleave", "interleave" },
	};
	const char *mode, *nodeset, *placement;

	if (!nt)
		return;
	use(nt);
	if (guest_cells(m) > 1)
		return;	/* the cells' host nodes: map_numa() */
	if (!(mem = child(nt, "memory")))
		return;
	use(mem);
	mode = attr(m, mem, "mode");
	nodeset = attr(m, mem, "nodeset");
	placement = attr(m, mem, "placement");
	if (placement && !strcmp(placement, "auto")) {
		lost(m, mem, "replaced by mvlaunch's planner: pinning.vcpus = \"auto\" takes the memory "
		     "from the node its vCPUs land on");
		return;
	}
	if (!nodeset) {
		if (mode && strcmp(mode, "strict"))
			lost_attr(m, mem, "mode", "not supported yet: a memory policy without a nodeset");
		return;
	}
	if (strspn(nodeset, "0123456789") != strlen(nodeset)) {
		lost(m, mem, "not supported yet: guest memory from several host nodes (memory.numa_node is one)");
		return;
	}
	put(t, "numa_node", xstrdup(nodeset), lineno(mem), NULL);
	if (!mode)
		mode = "strict";
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(mode, modes[i].libvirt)) {
			if (strcmp(modes[i].mvl, "bind"))
				put_str(t, "numa_policy", modes[i].mvl, lineno(mem), NULL);
			return;
		}
	lost_attr(m, mem, "mode", "not supported yet: mvlaunch's policies are strict (bind), preferred, interleave");
}

/* The libvirt policy of a mode= ("strict" when none), or NULL (reported) */
static const char *numa_mode(struct imp *m, xmlNodePtr n)
{
	static const struct { const char *libvirt, *mvl; } modes[] = {
		{ "strict", "bind" }, { "preferred", "preferred" }, { "interleave", "interleave" },
	};
	const char *mode = attr(m, n, "mode");

	if (!mode)
		return "bind";
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (!strcmp(mode, modes[i].libvirt))
			return modes[i].mvl;
	lost_attr(m, n, "mode", "not supported yet: mvlaunch's policies are strict (bind), preferred, interleave");
	return NULL;
}

/* A cell's host nodes and policy: from a <memnode> or <numatune><memory> */
static void put_cell_nodes(struct imp *m, struct tbl *t, xmlNodePtr from)
{
	const char *nodeset = attr(m, from, "nodeset"), *placement = attr(m, from, "placement"), *policy;
	char *list;

	if (placement && !strcmp(placement, "auto")) {
		lost(m, from, "replaced by mvlaunch's planner: a [[numa]] node without host_nodes binds to the nodes its "
		     "vCPUs are pinned to");
		return;
	}
	if (!nodeset)
		return;
	if (!(list = cpulist(m, from, "<numatune> nodeset", nodeset)))
		return;
	put_str(t, "host_nodes", list, lineno(from), NULL);
	free(list);
	if ((policy = numa_mode(m, from)) && strcmp(policy, "bind"))
		put_str(t, "policy", policy, lineno(from), NULL);
}

/*
 * Two or more <cpu><numa><cell>s: one [[numa]] each (vcpus, memory), with
 * the host nodes and policy of its <numatune><memnode> (else of
 * <numatune><memory>) and the page size of a <page nodeset> naming it.
 */
static void map_numa(struct imp *m)
{
	xmlNodePtr numa = child(child(m->root, "cpu"), "numa"), nt = child(m->root, "numatune");
	xmlNodePtr hp = child(child(m->root, "memoryBacking"), "hugepages");
	struct tbl **cells;
	char **ids;
	size_t nr = 0, n = guest_cells(m);
	const char *access = NULL;

	if (n < 2)
		return;
	cells = xcalloc(n, sizeof(*cells));
	ids = xcalloc(n, sizeof(*ids));
	for_each_child(cell, numa, "cell") {
		const char *id = attr(m, cell, "id"), *acc = attr(m, cell, "memAccess"), *s;
		struct tbl *t = tbl_add(m, "numa", 1, lineno(cell));
		uint64_t bytes;
		char *list;

		use(cell);
		ids[nr] = (char *)(id ? id : "");
		cells[nr++] = t;
		if ((list = cpulist(m, cell, "<cell cpus>", attr(m, cell, "cpus")))) {
			char *c = id ? xstrfmt("libvirt's cell %s", id) : NULL;

			put_str(t, "vcpus", list, lineno(cell), c);
			free(c);
		}
		free(list);
		if (parse_scaled(m, cell, "<cell memory>", attr(m, cell, "memory"), attr(m, cell, "unit"), "KiB", &bytes) == 0)
			put_size(t, "memory", bytes, lineno(cell), NULL);
		if (acc && !access)
			access = acc;
		else if (acc && strcmp(acc, access))
			lost_attr(m, cell, "memAccess", "not supported yet: memory.access is one for all nodes");
		if ((s = attr(m, cell, "discard")) && yes(s))
			lost_attr(m, cell, "discard", R_TODO);
		for (xmlNodePtr sub = cell->children; sub; sub = sub->next)
			if (is_elem(sub, NULL) && !is_elem(sub, "distances"))
				lost(m, sub, R_TODO);
	}
	/* <distances><sibling id value/>: the cell's distance to each cell, in the cells' order */
	nr = 0;
	for_each_child(cell, numa, "cell") {
		xmlNodePtr d = child(cell, "distances");
		struct strbuf list = STRBUF_INIT;
		size_t j;

		nr++;
		if (!d)
			continue;
		for (j = 0; j < n; j++) {
			const char *v = NULL;

			for_each_child(sib, d, "sibling") {
				const char *id = attr(m, sib, "id");

				if (id && !strcmp(id, ids[j]))
					v = attr(m, sib, "value");
			}
			if (!v || strspn(v, "0123456789") != strlen(v) || !*v)
				break;
			strbuf_addf(&list, "%s%s", j ? ", " : "", v);
		}
		if (j < n) {
			lost(m, d, "not every cell has a <sibling> with a number (distances list every node)");
		} else {
			use_all(d);
			put(cells[nr - 1], "distances", xstrfmt("[%s]", list.buf), lineno(d), NULL);
		}
		strbuf_release(&list);
	}
	if (access)
		put_str(sect(m, "memory"), "access", access, lineno(numa), NULL);
	for_each_child(mn, nt, "memnode") {
		const char *cellid = attr(m, mn, "cellid");
		size_t j;

		for (j = 0; j < nr && (!cellid || strcmp(ids[j], cellid)); j++)
			;
		if (j == nr) {
			lost(m, mn, "names no <cell> of <cpu><numa>");
			continue;
		}
		use(mn);
		put_cell_nodes(m, cells[j], mn);
	}
	if (child(nt, "memory")) {
		xmlNodePtr mem = child(nt, "memory");

		use(mem);
		for (size_t j = 0; j < nr; j++)
			if (!find_kv(cells[j], "host_nodes"))
				put_cell_nodes(m, cells[j], mem);
	}
	for_each_child(page, hp, "page") {
		const char *nodeset = attr(m, page, "nodeset"), *size;
		struct cpuset set;
		struct strbuf why = STRBUF_INIT;
		char *list;

		if (!nodeset)
			continue;
		use(page);
		if (!(size = page_size(m, page)) || !(list = cpulist(m, page, "<page nodeset>", nodeset)))
			continue;
		cpuset_parse(&set, list, &why);
		for (int c = cpuset_next(&set, 0); c >= 0; c = cpuset_next(&set, (unsigned)c + 1)) {
			size_t j;
			char num[16];

			snprintf(num, sizeof(num), "%d", c);
			for (j = 0; j < nr && strcmp(ids[j], num); j++)
				;
			if (j < nr)
				put_str(cells[j], "hugepages", size, lineno(page), NULL);
			else
				lost_attr(m, page, "nodeset", "cell %d: no such <cell> of <cpu><numa>", c);
		}
		free(list);
		strbuf_release(&why);
	}
	free(cells);
	free(ids);
}

/* ---- <vcpu>, <cputune>, <iothreads> -------------------------------------- */

static void put_pins(struct imp *m, char **pins, unsigned n, long line)
{
	struct tbl *t = sect(m, "pinning");
	struct strbuf sb = STRBUF_INIT;
	unsigned i;

	for (i = 1; i < n && !strcmp(pins[i], pins[0]); i++)
		;
	if (i == n) {
		put_str(t, "vcpus", pins[0], line, n > 1 ? "every vCPU floats over these" : NULL);
		return;
	}
	strbuf_addstr(&sb, "[");
	for (i = 0; i < n; i++) {
		if (n > 8 && i % 8 == 0)
			strbuf_addstr(&sb, "\n    ");
		else if (i)
			strbuf_addch(&sb, ' ');
		strbuf_addf(&sb, "\"%s\"%s", pins[i], i + 1 < n ? "," : "");
	}
	strbuf_addstr(&sb, n > 8 ? ",\n]" : "]");
	put(t, "vcpus", strbuf_detach(&sb), line, n > 8 ? NULL : "vCPU 0, 1, ... on these host CPUs");
}

/*
 * <vcpusched vcpus>, <iothreadsched iothreads>, <emulatorsched> as a [[sched]]
 * table; 'ids' names the attribute with the threads (NULL: the emulator).
 * Returns the table, or NULL when reported as not imported.
 */
static struct tbl *sched_table(struct imp *m, xmlNodePtr s, const char *ids)
{
	const char *sched = attr(m, s, "scheduler"), *prio = attr(m, s, "priority");
	int rt = sched && (!strcmp(sched, "fifo") || !strcmp(sched, "rr"));
	uint64_t p = 0;
	struct tbl *t;

	use(s);
	if (!sched || (!rt && strcmp(sched, "other") && strcmp(sched, "batch") && strcmp(sched, "idle"))) {
		lost(m, s, "unknown scheduler '%s'", sched ? sched : "");
		return NULL;
	}
	if (rt && parse_uint(m, s, "<... priority>", prio ? prio : "", 99, &p) < 0)
		return NULL;
	t = tbl_add(m, "sched", 1, lineno(s));
	if (ids && !strcmp(ids, "vcpus")) {
		const char *v = attr(m, s, "vcpus");
		char *list = v ? cpulist(m, s, "<vcpusched vcpus>", v) :
			     xstrfmt(m->vcpus > 1 ? "0-%u" : "%u", m->vcpus - 1);

		if (list)
			put_str(t, "vcpus", list, lineno(s), NULL);
		free(list);
	} else if (!ids) {
		put_bool(t, "emulator", 1, lineno(s), NULL);
	}
	put_str(t, "policy", sched, lineno(s), NULL);
	if (rt)
		put_uint(t, "priority", p, lineno(s), NULL);
	return t;
}

static void map_vcpus(struct imp *m)
{
	xmlNodePtr v = child(m->root, "vcpu"), ct = child(m->root, "cputune"), vs = child(m->root, "vcpus");
	const char *placement, *cpuset = NULL, *current;
	char *all = NULL, **pins = NULL;
	uint64_t n = 1;
	unsigned nr_pinned = 0;

	if (v) {
		if (parse_uint(m, v, "<vcpu>", text(m, v), UINT32_MAX, &n) < 0)
			return;
		put_uint(sect(m, "cpu"), "vcpus", n, lineno(v), NULL);
		placement = attr(m, v, "placement");
		cpuset = attr(m, v, "cpuset");
		current = attr(m, v, "current");
		if (placement && !strcmp(placement, "auto"))
			lost_attr(m, v, "placement", "replaced by mvlaunch's planner: pinning.vcpus = \"auto\"");
		if (current && strcmp(current, text(m, v)))
			lost_attr(m, v, "current", "not supported yet: vCPU hotplug (all %" PRIu64 " vCPUs are on)", n);
		if (cpuset && !(all = cpulist(m, v, "<vcpu cpuset>", cpuset)))
			return;
	}
	if (n == 0 || n > VM_MAX_VCPUS) {
		fail(m, v, "<vcpu>: %" PRIu64 " vCPUs (mvlaunch runs 1 to %d)", n, VM_MAX_VCPUS);
		free(all);
		return;
	}
	m->vcpus = (unsigned)n;
	if (vs) {
		int all_on = 1;

		for_each_child(c, vs, "vcpu") {
			const char *en = attr(m, c, "enabled");

			if (no(en))
				all_on = 0;
		}
		if (all_on)
			use_all(vs);
		else
			lost(m, vs, "not supported yet: vCPU hotplug (all %u vCPUs are on)", m->vcpus);
	}

	pins = xcalloc(m->vcpus, sizeof(*pins));
	if (ct) {
		use(ct);
		for_each_child(p, ct, "vcpupin") {
			uint64_t id;
			char *list;

			use(p);
			if (parse_uint(m, p, "<vcpupin vcpu>", attr(m, p, "vcpu"), UINT32_MAX, &id) < 0)
				continue;
			if (id >= m->vcpus) {
				fail(m, p, "<vcpupin vcpu='%" PRIu64 "'>: the domain has %u vCPUs (0 to %u)", id,
				     m->vcpus, m->vcpus - 1);
				continue;
			}
			if (!(list = cpulist(m, p, "<vcpupin cpuset>", attr(m, p, "cpuset"))))
				continue;
			if (!pins[id])
				nr_pinned++;
			free(pins[id]);
			pins[id] = list;
		}
	}
	if (nr_pinned || all) {
		xmlNodePtr where = nr_pinned ? child(ct, "vcpupin") : v;

		if (nr_pinned < m->vcpus && !all) {
			struct cpuset u, one;
			struct strbuf sb = STRBUF_INIT, why = STRBUF_INIT, ids = STRBUF_INIT;

			cpuset_zero(&u);
			for (unsigned i = 0; i < m->vcpus; i++)
				if (pins[i] && cpuset_parse(&one, pins[i], &why) == 0)
					cpuset_or(&u, &one);
			cpuset_format(&u, &sb);
			for (unsigned i = 0; i < m->vcpus; i++)
				if (!pins[i])
					strbuf_addf(&ids, "%s%u", ids.len ? "," : "", i);
			note(m, where, "vCPU %s had no <vcpupin> and floated over every host CPU; mvlaunch pins every vCPU "
			     "or none, so they float over the other vCPUs' CPUs (%s)", ids.buf, sb.buf);
			all = strbuf_detach(&sb);
			strbuf_release(&why);
			strbuf_release(&ids);
		}
		for (unsigned i = 0; i < m->vcpus; i++)
			if (!pins[i])
				pins[i] = xstrdup(all);
		put_pins(m, pins, m->vcpus, lineno(where));
	}
	for (unsigned i = 0; i < m->vcpus; i++)
		free(pins[i]);
	free(pins);
	/* libvirt runs the emulator threads on <vcpu cpuset> too, unless <emulatorpin> says otherwise */
	if (cpuset && !child(ct, "emulatorpin")) {
		char *list = cpulist(m, v, "<vcpu cpuset>", cpuset);

		if (list)
			put_str(sect(m, "pinning"), "emulator", list, lineno(v), "<vcpu cpuset>, as libvirt runs them");
		free(list);
	}
	free(all);
	if (!ct)
		return;

	if (child(ct, "emulatorpin")) {
		xmlNodePtr e = child(ct, "emulatorpin");
		char *list;

		use(e);
		if ((list = cpulist(m, e, "<emulatorpin cpuset>", attr(m, e, "cpuset")))) {
			put_str(sect(m, "pinning"), "emulator", list, lineno(e), NULL);
			free(list);
		}
	}
	{
		xmlNodePtr sch = child(ct, "vcpusched");
		const char *ids = sch ? attr(m, sch, "vcpus") : NULL, *sched = sch ? attr(m, sch, "scheduler") : NULL;
		const char *prio = sch ? attr(m, sch, "priority") : NULL;
		char *every = xstrfmt(m->vcpus > 1 ? "0-%u" : "%u", m->vcpus - 1);
		char *norm = ids ? cpulist(m, sch, "<vcpusched vcpus>", ids) : NULL;

		/* one <vcpusched> making every vCPU fifo 1 is mvlaunch's pinning.realtime */
		if (sch && !next_elem(sch, "vcpusched") && sched && !strcmp(sched, "fifo") && (!prio || !strcmp(prio, "1")) &&
		    (!ids || (norm && !strcmp(norm, every)))) {
			use(sch);
			put_bool(sect(m, "pinning"), "realtime", 1, lineno(sch), "SCHED_FIFO priority 1 on every vCPU");
		} else {
			for_each_child(one, ct, "vcpusched")
				sched_table(m, one, "vcpus");
		}
		free(every);
		free(norm);
	}
	for_each_child(e, ct, "emulatorsched")
		sched_table(m, e, NULL);
	for (xmlNodePtr c = ct->children; c; c = c->next) {
		static const char *const qos[] = { "emulator_period", "emulator_quota", "iothread_period", "iothread_quota" };

		for (size_t i = 0; is_elem(c, NULL) && !is_used(c) && i < sizeof(qos) / sizeof(qos[0]); i++)
			if (!strcmp((const char *)c->name, qos[i]))
				lost(m, c, R_QOS);
	}
}

/* ---- <cputune> QoS, <memtune>, <blkiotune>: [limits] ----------------------- */

/* A <cputune> or <memtune> number child; 0 and used, or -1 (absent or reported). */
static int qos_num(struct imp *m, xmlNodePtr parent, const char *name, uint64_t *v, xmlNodePtr *at)
{
	xmlNodePtr n = child(parent, name);
	char what[48];
	const char *t;

	*at = n;
	if (!n)
		return -1;
	snprintf(what, sizeof(what), "<%s>", name);
	t = text(m, n);
	use(n);
	if (t && !strcmp(t, "-1"))	/* libvirt's "no limit" */
		return -1;
	return parse_uint(m, n, what, t, UINT64_MAX, v);
}

/*
 * libvirt's <shares> (1024 = weight 100) become limits.cpu_weight; its CPU
 * bandwidth limits.cpu_max: <global_quota> over <global_period> is the
 * whole VM's, <quota> over <period> each vCPU's (so times the vCPUs);
 * <memtune> hard_limit and soft_limit (libvirt's memory.high on cgroup v2)
 * limits.memory_max and memory_high, raised to what the VM needs at least
 * (config/qos.h) with a note. <blkiotune> has no key: reported.
 */
static void map_qos(struct imp *m, uint64_t mem_bytes)
{
	xmlNodePtr ct = child(m->root, "cputune"), mt = child(m->root, "memtune"), vc = child(m->root, "vcpu");
	xmlNodePtr at, at2;
	uint64_t v, per, vcpus = 1;
	struct tbl *t;

	if (vc && text(m, vc))
		vcpus = strtoull(text(m, vc), NULL, 10) ? strtoull(text(m, vc), NULL, 10) : 1;
	if (ct && qos_num(m, ct, "shares", &v, &at) == 0)
		put_uint(sect(m, "limits"), "cpu_weight", qos_shares_to_weight(v), lineno(at),
			 "<shares>: weight = shares * 100 / 1024");
	if (ct && qos_num(m, ct, "global_quota", &v, &at) == 0) {
		if (qos_num(m, ct, "global_period", &per, &at2) < 0 || !per)
			per = 100000;
		t = sect(m, "limits");
		put(t, "cpu_max", xstrfmt("\"%u%%\"", qos_cpu_max_pct((long long)v, (long long)per)), lineno(at),
		    "<global_quota> over <global_period>");
		if (qos_num(m, ct, "quota", &v, &at) == 0 || at)
			lost(m, at, "the whole VM's <global_quota> is limits.cpu_max already");
		if (child(ct, "period"))
			use(child(ct, "period"));
	} else if (ct && qos_num(m, ct, "quota", &v, &at) == 0) {
		if (qos_num(m, ct, "period", &per, &at2) < 0 || !per)
			per = 100000;
		put(sect(m, "limits"), "cpu_max",
		    xstrfmt("\"%u%%\"", qos_cpu_max_pct((long long)(v * vcpus), (long long)per)), lineno(at),
		    "<quota> over <period> is each vCPU's: times the vCPUs");
		if (child(ct, "global_period"))
			use(child(ct, "global_period"));
	} else if (ct) {
		if (child(ct, "period"))
			use(child(ct, "period"));
		if (child(ct, "global_period"))
			use(child(ct, "global_period"));
	}
	if (mt) {
		static const char *const keys[][2] = { { "hard_limit", "memory_max" }, { "soft_limit", "memory_high" } };
		/* the least memory limit the VM takes (video memory counted: the import does not know its GPU yet) */
		uint64_t floor = mem_bytes + (UINT64_C(256) << 20) + mem_bytes / 50 + (UINT64_C(16) << 20);

		floor = (floor + (1 << 20) - 1) >> 20 << 20;
		use(mt);
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
			xmlNodePtr n = child(mt, keys[i][0]);
			struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

			if (!n)
				continue;
			use(n);
			if (!text(m, n) || !strcmp(text(m, n), "-1") ||
			    parse_scaled(m, n, keys[i][0], text(m, n), attr(m, n, "unit"), "KiB", &v) < 0)
				continue;
			if (v < floor) {
				size_format(v, &a);
				size_format(floor, &b);
				note(m, n, "<%s> %s is below what the VM needs under mvlaunch (its RAM + 256M + 2%% + 16M of "
				     "video memory): limits.%s = %s", keys[i][0], a.buf, keys[i][1], b.buf);
				v = floor;
			}
			put_size(sect(m, "limits"), keys[i][1], v, lineno(n), NULL);
			strbuf_release(&a);
			strbuf_release(&b);
		}
		for (xmlNodePtr c = mt->children; c; c = c->next)
			if (is_elem(c, NULL) && !is_used(c))
				lost(m, c, "not supported: mvlaunch limits memory by [limits] memory_max and memory_high");
	}
	if (child(m->root, "blkiotune"))
		lost(m, child(m->root, "blkiotune"), "not supported: no per-VM block I/O weight; per-disk I/O limits are "
		     "[[disk]] iops_* and bps_*");
}

/* ---- <os> ------------------------------------------------------------------ */

static void map_os(struct imp *m)
{
	xmlNodePtr os = child(m->root, "os"), type, loader, nvram, fw;
	struct tbl *mt = sect(m, "machine"), *bt;
	const char *arch, *machine, *s;

	if (!os) {
		fail(m, m->root, "<domain> has no <os>");
		return;
	}
	use(os);
	type = child(os, "type");
	if (!type || strcmp(text(m, type), "hvm")) {
		fail(m, type ? type : os, "<os><type>: '%s': mvlaunch runs full (hvm) virtual machines",
		     type ? text(m, type) : "");
		return;
	}
	arch = attr(m, type, "arch");
	if (arch && strcmp(arch, "x86_64")) {
		fail(m, type, "<type arch='%s'>: mvlaunch runs x86_64 guests (qemu-system-x86_64)", arch);
		return;
	}
	machine = attr(m, type, "machine");
	if (!machine || !strcmp(machine, "pc") || !strncmp(machine, "pc-i440fx-", 10) ||
	    !strncmp(machine, "pc-0.", 5) || !strncmp(machine, "pc-1.", 5)) {
		m->i440fx = 1;
		put_str(mt, "type", "q35", lineno(type), machine ? "libvirt's was i440fx: see the note above" : NULL);
		note(m, type, "machine type '%s' (i440fx) is imported as q35: the guest gets a new chipset (PCIe, "
		     "SATA instead of PIIX IDE, so IDE disks become SATA); Windows re-detects its devices and may ask "
		     "to be activated again%s", machine ? machine : "pc",
		     machine ? "" : " (no machine given: libvirt's default is pc)");
	} else if (!strcmp(machine, "q35") || !strncmp(machine, "pc-q35-", 7)) {
		put_str(mt, "type", machine, lineno(type), NULL);
	} else {
		fail(m, type, "<type machine='%s'>: mvlaunch runs q35 machines (pc and pc-i440fx-* import as q35)",
		     machine);
		return;
	}
	if (m->tcg)
		put_str(mt, "accel", "tcg", lineno(m->root), "<domain type='qemu'>: emulated, no KVM");

	fw = child(os, "firmware");
	s = attr(m, os, "firmware");
	if (s && !strcmp(s, "efi")) {
		put_str(mt, "firmware", "uefi", lineno(os), NULL);
		if (!fw || !child(fw, "feature"))
			note(m, os, "<os firmware='efi'> without <firmware> features: libvirt ran the first UEFI firmware "
			     "its descriptors (/usr/share/qemu/firmware) list, on Debian OVMF with Secure Boot and "
			     "Microsoft's keys; imported with Secure Boot off: set machine.secure_boot = true if the "
			     "guest booted with it (Windows 11 does)");
	}
	else if (s && strcmp(s, "bios"))
		lost_attr(m, os, "firmware", "mvlaunch's firmware is bios or efi (uefi)");
	if (fw) {
		int secure = -1, keys = -1;

		use(fw);
		for_each_child(f, fw, "feature") {
			const char *name = attr(m, f, "name"), *en = attr(m, f, "enabled");

			use(f);
			if (name && !strcmp(name, "secure-boot"))
				secure = yes(en);
			else if (name && !strcmp(name, "enrolled-keys"))
				keys = yes(en);
			else
				lost(m, f, "unknown firmware feature");
		}
		if (secure == 1 && keys == 0)
			lost(m, fw, "not supported yet: Secure Boot without Microsoft's keys enrolled");
		else if (secure == 1)
			put_bool(mt, "secure_boot", 1, lineno(fw), NULL);
	}
	loader = child(os, "loader");
	if (loader) {
		const char *path = text(m, loader), *ltype = attr(m, loader, "type"), *ro = attr(m, loader, "readonly");
		const char *secure = attr(m, loader, "secure"), *lfmt = attr(m, loader, "format");

		if (lfmt && strcmp(lfmt, "raw")) {	/* mvlaunch opens OVMF as raw: a qcow2 build would not boot */
			put_str(mt, "firmware", "uefi", lineno(loader), NULL);
			lost(m, loader, "not supported yet: OVMF as a %s image (mvlaunch opens raw OVMF builds; "
			     "imported with Debian's OVMF instead)", lfmt);
		} else if (ltype && strcmp(ltype, "pflash")) {
			lost(m, loader, "not supported yet: firmware as a ROM (mvlaunch's UEFI is OVMF in pflash)");
		} else {
			put_str(mt, "firmware", "uefi", lineno(loader), NULL);
			if (*path)
				put_str(mt, "ovmf_code", path, lineno(loader), NULL);
			if (no(ro))
				lost_attr(m, loader, "readonly", "mvlaunch maps the OVMF code read-only");
			if (yes(secure))
				put_bool(mt, "secure_boot", 1, lineno(loader), NULL);
		}
		s = attr(m, loader, "stateless");
		if (yes(s))
			lost_attr(m, loader, "stateless", R_TODO);
	}
	nvram = child(os, "nvram");
	if (nvram) {
		const char *path = text(m, nvram), *tmpl = attr(m, nvram, "template"), *nfmt = attr(m, nvram, "format");
		struct kv *code = find_kv(mt, "ovmf_code");

		if (nfmt && strcmp(nfmt, "raw")) {
			lost(m, nvram, "not supported yet: UEFI variables in a %s image (mvlaunch keeps raw vars; a new vars "
			     "file is made from Debian's template: boot entries and enrolled keys start afresh)", nfmt);
		} else if (*path)
			put_str(mt, "nvram", path, lineno(nvram), "the VM's own vars: boot entries and keys kept");
		if (tmpl && !(nfmt && strcmp(nfmt, "raw"))) {
			put_str(mt, "ovmf_vars", tmpl, lineno(nvram), NULL);
			if (code) {
				char *q = toml_quote(tmpl);

				if (!strcmp(q, code->val))
					note(m, nvram, "the nvram template '%s' is the OVMF code image itself, not a vars "
					     "template: it only matters while the vars file does not exist; use "
					     "/usr/share/OVMF/OVMF_VARS_4M.fd (or .ms.fd with Secure Boot)", tmpl);
				free(q);
			}
		}
	}

	bt = NULL;
	for_each_child(b, os, "boot") {
		use(b);
		attr(m, b, "dev");	/* applied to the devices in map_boot_devs() */
	}
	if ((s = attr(m, child(os, "bootmenu"), "enable"))) {
		xmlNodePtr bm = child(os, "bootmenu");

		use(bm);
		bt = sect(m, "boot");
		put_bool(bt, "menu", yes(s), lineno(bm), NULL);
		if (attr(m, bm, "timeout"))
			lost_attr(m, bm, "timeout", "not supported yet: the boot menu waits QEMU's default time");
	}
	if (child(os, "kernel")) {
		bt = sect(m, "boot");
		put_str(bt, "kernel", text(m, child(os, "kernel")), lineno(child(os, "kernel")), NULL);
		if (child(os, "initrd"))
			put_str(bt, "initrd", text(m, child(os, "initrd")), lineno(child(os, "initrd")), NULL);
		if (child(os, "cmdline"))
			put_str(bt, "append", text(m, child(os, "cmdline")), lineno(child(os, "cmdline")), NULL);
	}
	if (child(os, "smbios")) {
		xmlNodePtr sm = child(os, "smbios");
		const char *mode = attr(m, sm, "mode");

		use(sm);
		if (mode && !strcmp(mode, "host"))
			put_bool(sect(m, "smbios"), "copy_host", 1, lineno(sm), NULL);
		else if (mode && !strcmp(mode, "sysinfo"))
			;	/* map_sysinfo() */
		else if (mode && strcmp(mode, "emulate"))
			lost_attr(m, sm, "mode", "unknown SMBIOS mode");
	}
}

/* <sysinfo type='smbios'>: only with <smbios mode='sysinfo'/>, as in libvirt */
static void map_sysinfo(struct imp *m)
{
	static const struct { const char *block, *entry, *key; } map[] = {
		{ "bios", "vendor", "bios_vendor" }, { "bios", "version", "bios_version" },
		{ "bios", "date", "bios_date" },
		{ "system", "manufacturer", "manufacturer" }, { "system", "product", "product" },
		{ "system", "version", "version" }, { "system", "serial", "serial" }, { "system", "sku", "sku" },
		{ "system", "family", "family" }, { "system", "uuid", NULL },
	};
	xmlNodePtr si = child(m->root, "sysinfo"), os = child(m->root, "os");
	const char *mode = attr(m, child(os, "smbios"), "mode");

	if (!si)
		return;
	if (!mode || strcmp(mode, "sysinfo")) {
		lost(m, si, R_LIBVIRT ": without <os><smbios mode='sysinfo'/> libvirt does not give it to the guest");
		return;
	}
	use(si);
	if (strcmp(attr(m, si, "type") ? attr(m, si, "type") : "smbios", "smbios")) {
		lost(m, si, R_TODO);
		return;
	}
	for (xmlNodePtr blk = si->children; blk; blk = blk->next) {
		if (!is_elem(blk, "bios") && !is_elem(blk, "system"))
			continue;
		use(blk);
		for_each_child(e, blk, "entry") {
			const char *name = attr(m, e, "name");
			size_t i;

			for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
				if (name && !strcmp((const char *)blk->name, map[i].block) && !strcmp(name, map[i].entry))
					break;
			if (i == sizeof(map) / sizeof(map[0])) {
				lost(m, e, R_TODO);
				continue;
			}
			if (!map[i].key) {	/* libvirt requires the domain's <uuid> */
				use(e);
				continue;
			}
			put_str(sect(m, "smbios"), map[i].key, text(m, e), lineno(e), NULL);
		}
	}
}

/* ---- <features>, <cpu>, <clock>, <pm>, on_* -------------------------------- */

static int state_of(struct imp *m, xmlNodePtr n)
{
	const char *s = attr(m, n, "state");

	use(n);
	return s ? yes(s) : 1;
}

static void map_hyperv(struct imp *m, xmlNodePtr hv)
{
	static const struct { const char *el, *key; } bools[] = {
		{ "relaxed", "relaxed" }, { "vapic", "vapic" }, { "vpindex", "vpindex" }, { "runtime", "runtime" },
		{ "synic", "synic" }, { "stimer", "stimer" }, { "reset", "reset" }, { "frequencies", "frequencies" },
		{ "tlbflush", "tlbflush" }, { "ipi", "ipi" },
	};
	struct tbl *t = sect(m, "cpu.hyperv");
	const char *mode = attr(m, hv, "mode");

	use(hv);
	if (mode && !strcmp(mode, "passthrough"))
		put_bool(t, "passthrough", 1, lineno(hv), "every enlightenment the host has");
	else if (mode && strcmp(mode, "custom"))
		lost_attr(m, hv, "mode", "unknown Hyper-V mode");
	for (xmlNodePtr c = hv->children; c; c = c->next) {
		size_t i;

		if (!is_elem(c, NULL))
			continue;
		for (i = 0; i < sizeof(bools) / sizeof(bools[0]); i++)
			if (!strcmp((const char *)c->name, bools[i].el))
				break;
		if (i < sizeof(bools) / sizeof(bools[0])) {
			put_bool(t, bools[i].key, state_of(m, c), lineno(c), NULL);
			for (xmlNodePtr sub = c->children; sub; sub = sub->next)
				if (is_elem(sub, NULL) && !no(attr(m, sub, "state")))
					lost(m, sub, R_TODO);
				else if (is_elem(sub, NULL))
					use_all(sub);
		} else if (!strcmp((const char *)c->name, "spinlocks")) {
			uint64_t r;

			if (!state_of(m, c))
				continue;	/* QEMU's default */
			if (parse_uint(m, c, "<spinlocks retries>", attr(m, c, "retries") ? attr(m, c, "retries") : "4095",
				       UINT32_MAX, &r) == 0)
				put_uint(t, "spinlocks", r, lineno(c), NULL);
		} else if (!strcmp((const char *)c->name, "vendor_id")) {
			if (state_of(m, c))
				put_str(t, "vendor_id", attr(m, c, "value") ? attr(m, c, "value") : "", lineno(c), NULL);
		}
	}
}

static void map_features(struct imp *m)
{
	xmlNodePtr f = child(m->root, "features"), c;
	struct tbl *mt = sect(m, "machine"), *ct = sect(m, "cpu");

	if (!f || !child(f, "acpi")) {
		put_bool(mt, "acpi", 0, lineno(f ? f : m->root), "no <acpi/> in <features>");
		note(m, f ? f : m->root, "no <acpi/>: libvirt ran this guest without ACPI, so it cannot be shut down "
		     "gracefully ('mvlaunch down' powers it off after its timeout); add acpi = true if it has ACPI");
	}
	if (!f)
		return;
	use(f);
	for (c = f->children; c; c = c->next) {
		const char *name = (const char *)c->name;

		if (!is_elem(c, NULL))
			continue;
		if (!strcmp(name, "acpi") || !strcmp(name, "pae")) {
			use(c);
		} else if (!strcmp(name, "apic")) {
			use(c);
			if (attr(m, c, "eoi"))
				lost_attr(m, c, "eoi", R_TODO);
		} else if (!strcmp(name, "hap") || !strcmp(name, "smm")) {
			if (!state_of(m, c))
				lost(m, c, "not supported yet: QEMU's default (on) stays");
			else
				for (xmlNodePtr s = c->children; s; s = s->next)
					if (is_elem(s, NULL))
						lost(m, s, R_TODO);
		} else if (!strcmp(name, "vmport")) {
			put_bool(mt, "vmport", state_of(m, c), lineno(c), NULL);
		} else if (!strcmp(name, "pmu")) {
			put_bool(ct, "pmu", state_of(m, c), lineno(c), NULL);
		} else if (!strcmp(name, "hyperv")) {
			map_hyperv(m, c);
		} else if (!strcmp(name, "kvm")) {
			use(c);
			for (xmlNodePtr k = c->children; k; k = k->next) {
				if (is_elem(k, "hidden"))
					put_bool(mt, "hidden", state_of(m, k), lineno(k), NULL);
				else if (is_elem(k, "hint-dedicated"))
					put_bool(ct, "hint_dedicated", state_of(m, k), lineno(k), NULL);
			}
		} else if (!strcmp(name, "ioapic")) {
			const char *drv = attr(m, c, "driver");

			use(c);
			if (drv && !strcmp(drv, "qemu"))
				m->ioapic_qemu = c;	/* decided once the devices are read: map_devices() */
			else if (drv && strcmp(drv, "kvm"))
				lost_attr(m, c, "driver", "unknown IOAPIC driver");
		}
	}
}

static void map_cpu(struct imp *m)
{
	xmlNodePtr cpu = child(m->root, "cpu"), c;
	struct tbl *t = sect(m, "cpu");
	const char *mode, *s;
	struct strbuf req = STRBUF_INIT, dis = STRBUF_INIT;

	if (!cpu) {
		put_str(t, "model", "qemu64", lineno(m->root),
			"no <cpu>: libvirt's default model");
		return;
	}
	use(cpu);
	mode = attr(m, cpu, "mode");
	if (!mode || !strcmp(mode, "custom")) {
		xmlNodePtr model = child(cpu, "model");
		const char *match = attr(m, cpu, "match");

		if (model) {
			put_str(t, "model", text(m, model), lineno(model), NULL);
			if ((s = attr(m, model, "fallback")) && strcmp(s, "allow"))
				lost_attr(m, model, "fallback", R_LIBVIRT);
			attr(m, model, "vendor_id") ? lost_attr(m, model, "vendor_id", R_TODO) : (void)0;
		} else {
			put_str(t, "model", "qemu64", lineno(cpu), "no <model>: libvirt's default");
		}
		if (match && strcmp(match, "exact"))
			lost_attr(m, cpu, "match", R_LIBVIRT ": libvirt's comparison with the host before start");
		if (child(cpu, "vendor"))
			lost(m, child(cpu, "vendor"), R_LIBVIRT ": libvirt's comparison with the host before start");
	} else if (!strcmp(mode, "host-passthrough")) {
		put_str(t, "model", "host", lineno(cpu), NULL);
		if (!find_attr(cpu, "migratable"))
			put_bool(t, "migratable", 1, lineno(cpu), "libvirt's default for host-passthrough");
	} else if (!strcmp(mode, "host-model")) {
		put_str(t, "model", "host", lineno(cpu), "libvirt's host-model: see the note above");
		note(m, cpu, "mode='host-model' (libvirt names the CPU model nearest the host's) is imported as "
		     "model = \"host\" (host-passthrough): the guest sees every host feature, which is faster "
		     "but ties it to CPUs like this one");
		if (child(cpu, "model"))
			use_all(child(cpu, "model"));
	} else if (!strcmp(mode, "maximum")) {
		put_str(t, "model", "max", lineno(cpu), NULL);
	} else {
		lost_attr(m, cpu, "mode", "unknown CPU mode");
	}
	if ((s = attr(m, cpu, "check"))) {
		if (!strcmp(s, "full"))
			put_bool(t, "enforce", 1, lineno(cpu), "check='full'");
		else if (strcmp(s, "none"))
			lost_attr(m, cpu, "check", R_LIBVIRT ": libvirt's comparison with the host before start");
	}
	if ((s = attr(m, cpu, "migratable"))) {
		struct kv *model = find_kv(t, "model");

		if (model && !strcmp(model->val, "\"host\""))
			put_bool(t, "migratable", yes(s), lineno(cpu), NULL);
		else
			lost_attr(m, cpu, "migratable", "not supported yet: cpu.migratable applies to model host");
	}

	if ((c = child(cpu, "topology"))) {
		static const char *const parts[] = { "sockets", "dies", "cores", "threads" };
		struct strbuf sb = STRBUF_INIT;

		use(c);
		strbuf_addstr(&sb, "{ ");
		for (size_t i = 0; i < 4; i++) {
			uint64_t v;

			if (!(s = attr(m, c, parts[i])))
				continue;
			if (parse_uint(m, c, "<topology>", s, 1024, &v) < 0)
				break;
			if (!strcmp(parts[i], "dies") && v == 1)
				continue;
			strbuf_addf(&sb, "%s%s = %" PRIu64, sb.len > 2 ? ", " : "", parts[i], v);
		}
		strbuf_addstr(&sb, " }");
		put(t, "topology", strbuf_detach(&sb), lineno(c), NULL);
		if ((s = attr(m, c, "clusters")) && strcmp(s, "1"))
			lost_attr(m, c, "clusters", R_TODO);
	}
	if ((c = child(cpu, "cache"))) {
		const char *cm = attr(m, c, "mode"), *lvl = attr(m, c, "level");

		use(c);
		if (cm && !strcmp(cm, "passthrough") && !lvl) {
			put_bool(t, "host_cache_info", 1, lineno(c), NULL);
			put_bool(t, "l3_cache", 0, lineno(c), NULL);
		} else if (cm && !strcmp(cm, "emulate") && lvl && !strcmp(lvl, "3")) {
			put_bool(t, "l3_cache", 1, lineno(c), NULL);
		} else if (cm && !strcmp(cm, "disable") && !lvl) {
			put_bool(t, "l3_cache", 0, lineno(c), NULL);
		} else {
			lost(m, c, "mvlaunch has mode='passthrough', level='3' mode='emulate' and mode='disable'");
		}
	}
	for_each_child(fe, cpu, "feature") {
		const char *pol = attr(m, fe, "policy"), *name = attr(m, fe, "name");

		use(fe);
		if (!name) {
			lost(m, fe, "a <feature> without a name");
		} else if (!pol || !strcmp(pol, "require") || !strcmp(pol, "force")) {
			char *q = toml_quote(name);

			strbuf_addf(&req, "%s%s", req.len ? ", " : "", q);
			free(q);
		} else if (!strcmp(pol, "disable") || !strcmp(pol, "forbid")) {
			char *q = toml_quote(name);

			strbuf_addf(&dis, "%s%s", dis.len ? ", " : "", q);
			free(q);
		} else if (!strcmp(pol, "optional")) {
			struct kv *model = find_kv(t, "model");

			if (!model || strcmp(model->val, "\"host\""))
				lost(m, fe, "not supported yet: QEMU has no 'if the host has it' for a named model");
		} else {
			lost_attr(m, fe, "policy", "unknown feature policy");
		}
	}
	if (req.len)
		put(t, "require", xstrfmt("[%s]", req.buf), lineno(child(cpu, "feature")), NULL);
	if (dis.len)
		put(t, "disable", xstrfmt("[%s]", dis.buf), lineno(child(cpu, "feature")), NULL);
	strbuf_release(&req);
	strbuf_release(&dis);

	if ((c = child(cpu, "numa"))) {
		xmlNodePtr cell = child(c, "cell");

		use(c);
		if (cell && !next_elem(cell, "cell")) {
			const char *acc = attr(m, cell, "memAccess");

			use(cell);
			attr(m, cell, "id");
			attr(m, cell, "cpus");
			attr(m, cell, "memory");
			attr(m, cell, "unit");
			if (acc)
				put_str(sect(m, "memory"), "access", acc, lineno(cell), NULL);
			if ((s = attr(m, cell, "discard")) && yes(s))
				lost_attr(m, cell, "discard", R_TODO);
			for (xmlNodePtr sub = cell->children; sub; sub = sub->next)
				if (is_elem(sub, NULL))
					lost(m, sub, R_TODO);
		}	/* two or more cells: map_numa() */
	}
}

static void map_clock(struct imp *m)
{
	xmlNodePtr cl = child(m->root, "clock");
	struct tbl *t = sect(m, "clock");
	const char *off, *s;

	if (!cl)
		return;
	use(cl);
	off = attr(m, cl, "offset");
	if (!off || !strcmp(off, "utc")) {
		if (off)
			put_str(t, "base", "utc", lineno(cl), NULL);
	} else if (!strcmp(off, "localtime")) {
		put_str(t, "base", "localtime", lineno(cl), NULL);
	} else if (!strcmp(off, "absolute") && (s = attr(m, cl, "start"))) {
		uint64_t start;
		time_t tt;
		struct tm tm;
		char buf[32];

		if (parse_uint(m, cl, "<clock start>", s, INT32_MAX, &start) == 0) {
			tt = (time_t)start;
			gmtime_r(&tt, &tm);
			strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
			put_str(t, "base", buf, lineno(cl), "offset='absolute'");
		}
	} else {
		lost(m, cl, "not supported yet: a clock offset that changes with the host's (utc, localtime and "
		     "absolute are imported)");
		return;
	}
	for_each_child(tm, cl, "timer") {
		const char *name = attr(m, tm, "name"), *tick = attr(m, tm, "tickpolicy"), *present = attr(m, tm, "present");
		const char *track = attr(m, tm, "track");

		use(tm);
		if (!name) {
			lost(m, tm, "a <timer> without a name");
			continue;
		}
		if (!strcmp(name, "rtc")) {
			if (no(present)) {
				lost_attr(m, tm, "present", "not supported yet: the RTC stays");
			}
			if (tick && (!strcmp(tick, "catchup") || !strcmp(tick, "delay")))
				put_str(t, "rtc", tick, lineno(tm), NULL);
			else if (tick)
				lost_attr(m, tm, "tickpolicy", "the RTC's policies are catchup and delay");
			if (track && (!strcmp(track, "guest") || !strcmp(track, "wall") || !strcmp(track, "realtime")))
				put_str(t, "track", track, lineno(tm), NULL);
			else if (track)
				lost_attr(m, tm, "track", "not supported yet: the RTC tracks guest, wall or realtime");
		} else if (!strcmp(name, "pit")) {
			if (no(present))
				lost_attr(m, tm, "present", "not supported yet: the PIT stays");
			if (tick && (!strcmp(tick, "delay") || !strcmp(tick, "discard")))
				put_str(t, "pit", tick, lineno(tm), NULL);
			else if (tick)
				lost_attr(m, tm, "tickpolicy", "the PIT's policies are delay and discard");
		} else if (!strcmp(name, "hpet") || !strcmp(name, "kvmclock") || !strcmp(name, "hypervclock")) {
			if (present)
				put_bool(t, name, yes(present), lineno(tm), NULL);
			if (tick)
				lost_attr(m, tm, "tickpolicy", R_TODO);
		} else {
			lost(m, tm, R_TODO);
			continue;
		}
		if (track && strcmp(name, "rtc"))
			lost_attr(m, tm, "track", R_TODO);
		for (xmlNodePtr cu = child(tm, "catchup"); cu; cu = NULL)
			lost(m, cu, R_LIBVIRT " (QEMU has no catch-up tuning; mvlaunch's clock.catchup.* keys "
			     "only warn)");
	}
}

static void map_lifecycle(struct imp *m)
{
	static const struct { const char *el, *dflt; } ev[] = {
		{ "on_poweroff", "destroy" }, { "on_reboot", "restart" }, { "on_crash", "destroy" },
	};

	for (size_t i = 0; i < 3; i++) {
		xmlNodePtr n = child(m->root, ev[i].el);
		const char *v = text(m, n);

		if (v && strcmp(v, ev[i].dflt) && !(i == 2 && !strcmp(v, "coredump-destroy")))
			lost(m, n, "not supported yet: mvlaunch does what libvirt does by default (%s)", ev[i].dflt);
	}
	if (child(m->root, "pm")) {
		xmlNodePtr pm = child(m->root, "pm");

		use(pm);
		for (xmlNodePtr c = pm->children; c; c = c->next) {
			const char *en;

			if (!is_elem(c, "suspend-to-mem") && !is_elem(c, "suspend-to-disk"))
				continue;	/* the sweep reports it */
			use(c);
			if ((en = attr(m, c, "enabled")))
				put_bool(sect(m, "machine"), is_elem(c, "suspend-to-mem") ? "s3" : "s4", yes(en), lineno(c),
					 NULL);
		}
	}
}

/* ---- <devices> ------------------------------------------------------------- */

static void boot_order(struct imp *m, xmlNodePtr dev, struct tbl *t)
{
	xmlNodePtr b = child(dev, "boot");
	const char *o;

	if (!b)
		return;
	use(b);
	m->boot_per_device = 1;
	if ((o = attr(m, b, "order"))) {
		uint64_t v;

		if (parse_uint(m, b, "<boot order>", o, 9999, &v) == 0)
			put_uint(t, "boot_index", v, lineno(b), NULL);
	}
	if (attr(m, b, "loadparm"))
		lost_attr(m, b, "loadparm", R_TODO);
}

static void map_disk(struct imp *m, xmlNodePtr d)
{
	const char *type = attr(m, d, "type"), *device = attr(m, d, "device"), *path = NULL, *s;
	xmlNodePtr src = child(d, "source"), drv = child(d, "driver"), tgt = child(d, "target");
	const char *bus = tgt ? attr(m, tgt, "bus") : NULL;
	int cdrom;
	struct tbl *t;

	if (!device)
		device = "disk";
	if (strcmp(device, "disk") && strcmp(device, "cdrom")) {
		lost(m, d, "not supported yet: mvlaunch's drives are disks and CD-ROMs");
		return;
	}
	cdrom = !strcmp(device, "cdrom");
	if (!type)
		type = "file";
	if (strcmp(type, "file") && strcmp(type, "block")) {
		lost(m, d, "not supported yet: %s", !strcmp(type, "volume") ?
		     "a libvirt storage pool volume (give its path: type='file' or 'block')" :
		     "disks that are not a file or a block device");
		return;
	}
	if (bus && strcmp(bus, "virtio") && strcmp(bus, "scsi") && strcmp(bus, "sata") && strcmp(bus, "ide")) {
		lost(m, d, "not supported yet: bus '%s' (mvlaunch's are virtio, scsi and sata)", bus);
		return;
	}
	if (src)
		path = attr(m, src, !strcmp(type, "file") ? "file" : "dev");
	if (!path && !cdrom) {
		lost(m, d, "a disk without a <source>");
		return;
	}
	if (drv) {
		const char *f = attr(m, drv, "type");

		if (f && strcmp(f, "raw") && strcmp(f, "qcow2")) {
			lost(m, d, "not supported yet: a %s image (mvlaunch's are raw and qcow2: 'qemu-img convert -O qcow2')", f);
			return;
		}
	}
	use(d);
	t = tbl_add(m, "disk", 1, lineno(d));
	m->nr_disks++;
	strvec_push(&m->disk_iothreads, drv && find_attr(drv, "iothread") && !cdrom ?
		    keep(m, libxml.list_string(drv->doc, find_attr(drv, "iothread")->children, 1)) : "");
	if (cdrom) {
		put_str(t, "media", "cdrom", lineno(d), NULL);
		if (!m->first_cdrom)
			m->first_cdrom = t;
	} else if (!m->first_disk) {
		m->first_disk = t;
	}
	put_str(t, "path", path ? path : "", lineno(src ? src : d), path ? NULL : "an empty tray");
	if (src) {
		use(src);
		attr(m, src, "index");
		if ((s = attr(m, src, "startupPolicy")) && strcmp(s, "mandatory"))
			lost_attr(m, src, "startupPolicy", "not supported yet: a missing image is an error at 'up'");
	}
	if (tgt) {
		const char *dev = attr(m, tgt, "dev");

		use(tgt);
		if (!bus && dev)	/* libvirt's default: from the name */
			bus = !strncmp(dev, "vd", 2) ? "virtio" : !strncmp(dev, "hd", 2) ? "ide" :
			      !strncmp(dev, "sd", 2) ? "scsi" : NULL;
		if (!bus)
			;
		else if (!strcmp(bus, "ide"))
			put_str(t, "bus", "sata", lineno(tgt), "was IDE: q35 has SATA (AHCI)");
		else if (cdrom && !strcmp(bus, "virtio"))
			lost_attr(m, tgt, "bus", "a CD-ROM cannot be virtio");
		else if (!cdrom || strcmp(bus, "sata"))
			put_str(t, "bus", bus, lineno(tgt), NULL);
		if (attr(m, tgt, "removable"))
			lost_attr(m, tgt, "removable", R_TODO);
		if (attr(m, tgt, "rotation_rate"))
			lost_attr(m, tgt, "rotation_rate", R_TODO);
	}
	if (drv) {
		const char *fmt = attr(m, drv, "type"), *cache = attr(m, drv, "cache"), *io = attr(m, drv, "io");
		const char *disc = attr(m, drv, "discard"), *iot = attr(m, drv, "iothread"), *nm = attr(m, drv, "name");

		use(drv);
		if (nm && strcmp(nm, "qemu"))
			lost_attr(m, drv, "name", "unknown driver");
		if (fmt && !strcmp(fmt, "qcow2"))
			put_str(t, "format", "qcow2", lineno(drv), NULL);
		else if (fmt && strcmp(fmt, "raw"))
			lost_attr(m, drv, "type", "not supported yet: images are raw or qcow2 ('qemu-img convert')");
		if (cache)
			put_str(t, "cache", !strcmp(cache, "default") ? "writeback" : cache, lineno(drv), NULL);
		if (io && (!strcmp(io, "native") || !strcmp(io, "threads") || !strcmp(io, "io_uring")))
			put_str(t, "aio", io, lineno(drv), NULL);
		else if (io && strcmp(io, "default"))
			lost_attr(m, drv, "io", "unknown I/O mode");
		if (disc && !strcmp(disc, "unmap"))
			put_bool(t, "discard", 1, lineno(drv), NULL);
		if (iot) {	/* libvirt's iothread K: the [[iothread]] "iothreadK" (map_iothreads()) */
			uint64_t k;

			if (parse_uint(m, drv, "<driver iothread>", iot, 9999, &k) == 0) {
				char *id = xstrfmt("iothread%" PRIu64, k);

				put_str(t, "iothread", id, lineno(drv), NULL);
				free(id);
			}
		}
		if (!cdrom && !cache)
			put_str(t, "cache", "writeback", lineno(drv), "libvirt's default; mvlaunch's is none");
		if (!cdrom && !io)
			put_str(t, "aio", "threads", lineno(drv), "libvirt's default");
	} else if (!cdrom) {
		put_str(t, "cache", "writeback", lineno(d), "libvirt's default; mvlaunch's is none");
		put_str(t, "aio", "threads", lineno(d), "libvirt's default");
	}
	if (child(d, "readonly")) {
		use(child(d, "readonly"));
		if (!cdrom)
			put_bool(t, "readonly", 1, lineno(child(d, "readonly")), NULL);
	}
	if ((s = text(m, child(d, "serial"))))
		put_str(t, "serial", s, lineno(child(d, "serial")), NULL);
	boot_order(m, d, t);
	if (child(d, "backingStore"))	/* libvirt's view of the chain QEMU reads from the image */
		use_all(child(d, "backingStore"));
	if (child(d, "iotune") && !cdrom) {
		static const struct { const char *el, *key; int bytes; } io[] = {
			{ "read_iops_sec", "iops_rd", 0 }, { "write_iops_sec", "iops_wr", 0 },
			{ "total_iops_sec", "iops_total", 0 }, { "read_bytes_sec", "bps_rd", 1 },
			{ "write_bytes_sec", "bps_wr", 1 }, { "total_bytes_sec", "bps_total", 1 },
		};
		xmlNodePtr it = child(d, "iotune");

		use(it);
		for (size_t i = 0; i < sizeof(io) / sizeof(io[0]); i++) {
			xmlNodePtr e = child(it, io[i].el);
			uint64_t v;

			if (!e || parse_uint(m, e, io[i].el, text(m, e), io[i].bytes ? UINT64_MAX / 2 : 1000000000, &v) < 0)
				continue;
			if (!v)		/* libvirt's 0: no limit */
				continue;
			if (io[i].bytes)
				put_size(t, io[i].key, v, lineno(e), NULL);
			else
				put_uint(t, io[i].key, v, lineno(e), NULL);
		}
		for (xmlNodePtr c = it->children; c; c = c->next) {
			if (!is_elem(c, NULL) || is_used(c))
				continue;
			if (strstr((const char *)c->name, "_max"))
				lost(m, c, "not supported yet: bursts above the limit (the limit holds every second)");
			else if (is_elem(c, "group_name"))
				lost(m, c, "not supported yet: one throttle group for several disks (each disk has its own)");
		}
	}
}

static void map_interface(struct imp *m, xmlNodePtr n)
{
	const char *type = attr(m, n, "type"), *s;
	xmlNodePtr src = child(n, "source"), model = child(n, "model"), drv = child(n, "driver");
	struct tbl *t;

	if (!type || (strcmp(type, "bridge") && strcmp(type, "network") && strcmp(type, "user") &&
		      strcmp(type, "ethernet"))) {
		lost(m, n, "not supported yet: %s NICs (mvlaunch's are bridge, tap (ethernet) and user)",
		     type ? type : "untyped");
		return;
	}
	use(n);
	t = tbl_add(m, "net", 1, lineno(n));
	if (!m->first_net)
		m->first_net = t;
	if (!strcmp(type, "bridge")) {
		put_str(t, "type", "bridge", lineno(n), NULL);
		if (src && (s = attr(m, src, "bridge"))) {
			use(src);
			put_str(t, "bridge", s, lineno(src), NULL);
		}
	} else if (!strcmp(type, "network")) {
		put_str(t, "type", "user", lineno(n), "libvirt's network: see the note above");
		if (src)
			use(src);
		lost_attr(m, src ? src : n, src ? "network" : "type",
			  "replaced by QEMU's user-mode NAT (type = \"user\"): the guest gets 10.0.2.x instead of "
			  "libvirt's network; for the same LAN use type = \"bridge\" with libvirt's bridge (virbr0) "
			  "while libvirt's network runs");
		if (src && attr(m, src, "portgroup"))
			lost_attr(m, src, "portgroup", R_LIBVIRT);
	} else if (!strcmp(type, "user")) {
		put_str(t, "type", "user", lineno(n), NULL);
	} else {
		xmlNodePtr tg = child(n, "target");

		put_str(t, "type", "tap", lineno(n), NULL);
		if (tg && (s = attr(m, tg, "dev")))
			put_str(t, "ifname", s, lineno(tg), NULL);
		if (tg)
			use(tg);
	}
	if (child(n, "target")) {	/* libvirt's name for the tap it makes */
		use(child(n, "target"));
		attr(m, child(n, "target"), "dev");
		attr(m, child(n, "target"), "managed");
	}
	if (child(n, "mac")) {
		use(child(n, "mac"));
		if ((s = attr(m, child(n, "mac"), "address")))
			put_str(t, "mac", s, lineno(child(n, "mac")), NULL);
	}
	s = model ? attr(m, model, "type") : NULL;
	use(model);
	if (s && (!strcmp(s, "virtio") || !strcmp(s, "e1000e"))) {
		put_str(t, "model", s, lineno(model), NULL);
	} else {
		put_str(t, "model", "e1000e", lineno(model ? model : n), s ? "see the note above" : "libvirt's default "
			"is an emulated NIC");
		note(m, model ? model : n, "NIC model '%s' is imported as e1000e: the guest sees a new network card "
		     "(Windows and Linux drive it without extra drivers; it keeps its MAC)", s ? s : "(none given)");
	}
	if (drv) {
		const char *name = attr(m, drv, "name"), *queues = attr(m, drv, "queues");
		/* mvlaunch opens a bridge NIC's tap as a tap NIC's: vhost and queues on both */
		int tap = !strcmp(type, "ethernet") || !strcmp(type, "bridge");

		use(drv);
		if (name && !strcmp(name, "vhost")) {
			if (tap)
				put_bool(t, "vhost", 1, lineno(drv), NULL);
			else
				lost_attr(m, drv, "name", "not supported yet: vhost-net on a %s NIC (tap and bridge only)", type);
		}
		if (queues && strcmp(queues, "1")) {
			uint64_t q;

			if (tap && parse_uint(m, drv, "<driver queues>", queues, 64, &q) == 0)
				put_uint(t, "queues", q, lineno(drv), NULL);
			else
				lost_attr(m, drv, "queues", "not supported yet: multiqueue on a %s NIC (tap and bridge only)", type);
		}
		for (xmlNodePtr sub = drv->children; sub; sub = sub->next)
			if (is_elem(sub, NULL))
				lost(m, sub, R_TODO);
	}
	boot_order(m, n, t);
	if (child(n, "link")) {
		xmlNodePtr l = child(n, "link");

		if (no(attr(m, l, "state")))
			lost(m, l, "not supported yet: a NIC that starts unplugged");
		else
			use(l);
	}
	if (child(n, "bandwidth"))
		lost(m, child(n, "bandwidth"), R_QOS);
}

static void usb_id(struct imp *m, struct tbl *t, xmlNodePtr n, const char *key)
{
	const char *id = attr(m, n, "id");
	uint64_t v;

	use(n);
	if (parse_uint(m, n, key, id, 0xffff, &v) == 0)
		put(t, key, xstrfmt("\"%04" PRIx64 "\"", v), lineno(n), NULL);
}

static void map_hostdev(struct imp *m, xmlNodePtr h)
{
	const char *mode = attr(m, h, "mode"), *type = attr(m, h, "type"), *s;
	xmlNodePtr src = child(h, "source");
	struct tbl *t;

	if ((mode && strcmp(mode, "subsystem")) || !type || (strcmp(type, "pci") && strcmp(type, "usb")) || !src) {
		lost(m, h, "not supported yet: mvlaunch passes PCI devices and USB devices");
		return;
	}
	use(h);
	use(src);
	if (!strcmp(type, "usb")) {
		xmlNodePtr v = child(src, "vendor"), p = child(src, "product"), a = child(src, "address");

		if (!v || !p) {
			lost(m, h, "not supported yet: a USB device by bus and device number, which changes at every "
			     "plug (give vendor and product, or bus and port)");
			return;
		}
		t = tbl_add(m, "usb", 1, lineno(h));
		usb_id(m, t, v, "vendor");
		usb_id(m, t, p, "product");
		if (a)		/* where libvirt found it this time */
			use_all(a);
		if ((s = attr(m, src, "startupPolicy")) && strcmp(s, "optional"))
			lost_attr(m, src, "startupPolicy", "not supported yet: a device that is not plugged in is a "
				  "warning (as 'optional')");
		attr(m, h, "managed");
		boot_order(m, h, t);
		return;
	}
	{
		xmlNodePtr a = child(src, "address"), rom = child(h, "rom"), ga = child(h, "address");
		uint64_t dom = 0, bus, slot, fn;

		if (!a || parse_uint(m, a, "<address domain>", attr(m, a, "domain") ? attr(m, a, "domain") : "0",
				     0xffff, &dom) < 0 ||
		    parse_uint(m, a, "<address bus>", attr(m, a, "bus"), 0xff, &bus) < 0 ||
		    parse_uint(m, a, "<address slot>", attr(m, a, "slot"), 0x1f, &slot) < 0 ||
		    parse_uint(m, a, "<address function>", attr(m, a, "function"), 7, &fn) < 0) {
			if (!a)
				fail(m, src, "<hostdev type='pci'> without a source <address>");
			return;
		}
		use(a);
		t = tbl_add(m, "passthrough", 1, lineno(h));
		put(t, "host", xstrfmt("\"%04" PRIx64 ":%02" PRIx64 ":%02" PRIx64 ".%" PRIx64 "\"", dom, bus, slot, fn),
		    lineno(a), NULL);
		s = attr(m, h, "managed");
		if (!yes(s))	/* libvirt's default is no */
			put_bool(t, "managed", 0, lineno(h), "bound to vfio-pci by the user");
		if (ga && yes(attr(m, ga, "multifunction")))
			put_bool(t, "multifunction", 1, lineno(ga), NULL);
		if (child(h, "driver")) {
			const char *dn = attr(m, child(h, "driver"), "name");

			use(child(h, "driver"));
			if (dn && strcmp(dn, "vfio"))
				lost_attr(m, child(h, "driver"), "name", "mvlaunch passes devices with VFIO");
		}
		if (rom) {
			const char *bar = attr(m, rom, "bar"), *file = attr(m, rom, "file"), *en = attr(m, rom, "enabled");

			use(rom);
			if (bar)
				put_bool(t, "rombar", yes(bar), lineno(rom), NULL);
			if (file)
				put_str(t, "romfile", file, lineno(rom), NULL);
			if (no(en))
				lost_attr(m, rom, "enabled", R_TODO);
		}
		boot_order(m, h, t);
	}
}

static void map_input(struct imp *m, xmlNodePtr in)
{
	const char *type = attr(m, in, "type"), *bus = attr(m, in, "bus");
	xmlNodePtr src = child(in, "source");
	struct tbl *t;
	const char *s;

	if (type && strcmp(type, "evdev")) {
		if ((!strcmp(type, "tablet") || !strcmp(type, "mouse") || !strcmp(type, "keyboard")) &&
		    (!bus || !strcmp(bus, "usb") || !strcmp(bus, "ps2")))
			use_all(in);	/* libvirt's implicit PS/2 pair and the tablet a display comes with */
		else if (bus && !strcmp(bus, "virtio"))
			lost(m, in, "not supported yet: virtio input without an evdev device (input.virtio = true "
			     "on an [[input]])");
		else
			lost(m, in, R_TODO);
		return;
	}
	if (!src || !(s = attr(m, src, "dev"))) {
		lost(m, in, "an evdev input without <source dev>");
		return;
	}
	use(in);
	use(src);
	t = tbl_add(m, "input", 1, lineno(in));
	put_str(t, "evdev", s, lineno(src), NULL);
	if ((s = attr(m, src, "grab")) && !strcmp(s, "all"))
		put_bool(t, "grab_all", 1, lineno(src), NULL);
	if ((s = attr(m, src, "repeat")))
		put_bool(t, "repeat", yes(s), lineno(src), NULL);
	if ((s = attr(m, src, "grabToggle"))) {
		size_t i;

		for (i = 0; vm_grab_toggle_names[i]; i++)
			if (!strcmp(vm_grab_toggle_names[i], s))
				break;
		if (vm_grab_toggle_names[i])
			put_str(t, "grab_toggle", s, lineno(src), NULL);
		else
			lost_attr(m, src, "grabToggle", "unknown grab toggle");
	}
}

static void map_graphics(struct imp *m, xmlNodePtr g)
{
	const char *type = attr(m, g, "type"), *port, *autoport, *listen, *pw;
	xmlNodePtr ln = child(g, "listen");
	struct tbl *t;

	if (m->has_display) {
		lost(m, g, "not supported yet: a second display");
		return;
	}
	if (!type || (strcmp(type, "vnc") && strcmp(type, "spice"))) {
		lost(m, g, "not supported yet: a %s display (mvlaunch has vnc and spice)", type ? type : "");
		return;
	}
	use(g);
	m->has_display = 1;
	m->spice = !strcmp(type, "spice");
	t = sect(m, "display");
	put_str(t, "type", type, lineno(g), NULL);
	port = attr(m, g, "port");
	autoport = attr(m, g, "autoport");
	listen = attr(m, g, "listen");
	pw = attr(m, g, "passwd");
	if (attr(m, g, "tlsPort") && strcmp(attr(m, g, "tlsPort"), "-1"))
		lost_attr(m, g, "tlsPort", "not supported yet: SPICE over TLS");
	if (ln) {
		const char *lt = attr(m, ln, "type");

		use(ln);
		if (lt && !strcmp(lt, "address")) {
			listen = attr(m, ln, "address");
		} else if (lt && (!strcmp(lt, "socket") || !strcmp(lt, "none"))) {
			listen = "unix";
			attr(m, ln, "socket");
		} else if (lt) {
			lost(m, ln, R_TODO);
		}
		for (xmlNodePtr l2 = next_elem(ln, "listen"); l2; l2 = next_elem(l2, "listen"))
			lost(m, l2, "not supported yet: a second listen address");
		attr(m, ln, "network");
	}
	if ((listen && !strcmp(listen, "unix")) || !port || !strcmp(port, "-1") || yes(autoport)) {
		put_str(t, "listen", "unix", lineno(g), NULL);
		if (!(listen && !strcmp(listen, "unix")))
			note(m, g, "%s on a TCP port libvirt picked: imported as a unix socket ('mvlaunch display %s' "
			     "says how to connect); for TCP give display.listen = \"%s:5901\"", type, m->out->name,
			     listen && *listen ? listen : "127.0.0.1");
	} else {
		char *l = xstrfmt(strchr(listen ? listen : "", ':') ? "[%s]:%s" : "%s:%s",
				  listen && *listen ? listen : "127.0.0.1", port);

		put_str(t, "listen", l, lineno(g), listen ? NULL : "libvirt's default listen address");
		free(l);
	}
	if (pw) {
		struct kv *l = find_kv(t, "listen");

		if (l && strcmp(l->val, "\"unix\""))
			put_str(t, "password", pw, lineno(g), NULL);
		else
			lost_attr(m, g, "passwd", "a unix socket has no password (its 0600 mode guards it)");
	}
	if (attr(m, g, "keymap"))
		lost_attr(m, g, "keymap", "not supported yet: the client's keymap applies");
	if (attr(m, g, "sharePolicy"))
		lost_attr(m, g, "sharePolicy", R_TODO);
	if (attr(m, g, "websocket"))
		lost_attr(m, g, "websocket", R_TODO);
	if (attr(m, g, "defaultMode"))
		lost_attr(m, g, "defaultMode", R_TODO);
}

static void map_video(struct imp *m, xmlNodePtr v)
{
	xmlNodePtr model = child(v, "model");
	const char *type = model ? attr(m, model, "type") : NULL, *s;
	struct tbl *t = sect(m, "display");

	if (find_kv(t, "gpu")) {
		lost(m, v, "not supported yet: a second emulated graphics card");
		return;
	}
	use(v);
	use(model);
	if (!type || !strcmp(type, "vga")) {
		put_str(t, "gpu", "std", lineno(model ? model : v), NULL);
	} else if (!strcmp(type, "virtio")) {
		put_str(t, "gpu", "virtio", lineno(model), NULL);
	} else if (!strcmp(type, "none")) {
		put_str(t, "gpu", "none", lineno(model), NULL);
	} else {
		put_str(t, "gpu", "std", lineno(model), "see the note above");
		note(m, model, "video model '%s' is imported as std (VGA): the guest sees a new graphics card", type);
	}
	if (model) {
		const char *vram = attr(m, model, "vram");

		if (vram && (!type || !strcmp(type, "vga")) && strcmp(vram, "16384"))
			lost_attr(m, model, "vram", "not supported yet: VGA memory other than QEMU's 16 MiB");
		attr(m, model, "ram");
		attr(m, model, "vgamem");
		attr(m, model, "primary");
		if ((s = attr(m, model, "heads")) && strcmp(s, "1"))
			lost_attr(m, model, "heads", R_TODO);
		for (xmlNodePtr c = model->children; c; c = c->next)
			if (is_elem(c, NULL))
				lost(m, c, R_TODO);
	}
	if (child(v, "driver"))
		lost(m, child(v, "driver"), R_TODO);
}

static void map_sound(struct imp *m, xmlNodePtr snd)
{
	const char *model = attr(m, snd, "model");
	struct tbl *t = sect(m, "audio");
	xmlNodePtr au = NULL;
	const char *id;

	if (find_kv(t, "model")) {
		lost(m, snd, "not supported yet: a second sound card");
		return;
	}
	if (!model || (strcmp(model, "ich9") && strcmp(model, "ich6") && strcmp(model, "ich7") && strcmp(model, "usb"))) {
		lost(m, snd, "not supported yet: sound card '%s' (mvlaunch's are ich9 (HDA) and usb)", model ? model : "");
		return;
	}
	use(snd);
	put_str(t, "model", !strcmp(model, "usb") ? "usb" : "ich9", lineno(snd),
		strcmp(model, "usb") && strcmp(model, "ich9") ? "an HDA card like libvirt's" : NULL);
	for_each_child(c, snd, "codec") {
		const char *ct = attr(m, c, "type");

		if (!ct || !strcmp(ct, "duplex"))
			use_all(c);
		else
			lost(m, c, "not supported yet: the %s codec (mvlaunch's HDA card has the duplex codec: line out "
			     "and line in)", ct);
	}
	id = attr(m, child(snd, "audio"), "id");
	use(child(snd, "audio"));
	for_each_child(a, child(m->root, "devices"), "audio") {
		const char *aid = attr(m, a, "id");

		if (!id || !strcmp(aid ? aid : "", id)) {
			au = a;
			break;
		}
	}
	if (!au) {
		put_str(t, "backend", "none", lineno(snd), "see the note above");
		note(m, snd, "no <audio> backend: libvirt played the sound through its display or nowhere; imported "
		     "as backend = \"none\" (set \"pa\" for the desktop's PulseAudio or PipeWire)");
		return;
	}
	{
		const char *type = attr(m, au, "type"), *server = attr(m, au, "serverName"), *path = attr(m, au, "path");

		use(au);
		if (type && !strcmp(type, "pulseaudio") && !server && !find_kv(sect(m, "looking_glass"), "owner")) {
			put_str(t, "backend", "none", lineno(au), "see above");
			lost_attr(m, au, "type", "not supported yet: PulseAudio without serverName (mvlaunch needs "
				  "audio.server, or looking_glass.owner, to find the user's server): imported as none");
		} else if (type && !strcmp(type, "pulseaudio")) {
			put_str(t, "backend", "pa", lineno(au), NULL);
			if (server)
				put_str(t, "server", server, lineno(au), NULL);
		} else if (type && (!strcmp(type, "alsa") || !strcmp(type, "none"))) {
			put_str(t, "backend", type, lineno(au), NULL);
		} else if (type && !strcmp(type, "file") && path) {
			put_str(t, "backend", "wav", lineno(au), NULL);
			put_str(t, "path", path, lineno(au), NULL);
		} else {
			put_str(t, "backend", "none", lineno(au), NULL);
			lost(m, au, "not supported yet: audio through '%s' (mvlaunch has pulseaudio, alsa, file, none)",
			     type ? type : "");
		}
		for (xmlNodePtr c = au->children; c; c = c->next)
			if (is_elem(c, NULL) && !is_used(c))
				lost(m, c, R_TODO);
	}
}

static void map_shmem(struct imp *m, xmlNodePtr sh)
{
	const char *name = attr(m, sh, "name"), *mt;
	xmlNodePtr model = child(sh, "model"), size = child(sh, "size");
	struct tbl *t;
	uint64_t bytes;

	mt = model ? attr(m, model, "type") : NULL;
	if (find_kv(sect(m, "looking_glass"), "enable") || !name || (mt && strcmp(mt, "ivshmem-plain")) ||
	    child(sh, "server")) {
		lost(m, sh, "not supported yet: shared memory other than one Looking Glass file (ivshmem-plain)");
		return;
	}
	use(sh);
	use(model);
	t = sect(m, "looking_glass");
	put_bool(t, "enable", 1, lineno(sh), NULL);
	if (size && parse_scaled(m, size, "<shmem><size>", text(m, size), attr(m, size, "unit"), "b", &bytes) == 0)
		put_size(t, "size", bytes, lineno(size), NULL);
	if (strcmp(name, "looking-glass")) {
		char *p = xstrfmt("/dev/shm/%s", name);

		put_str(t, "path", p, lineno(sh), NULL);
		free(p);
	}
	note(m, sh, "Looking Glass: set looking_glass.owner to the desktop user who runs looking-glass-client "
	     "(the shared-memory file becomes theirs)");
}

static void map_tpm(struct imp *m, xmlNodePtr tp)
{
	const char *model = attr(m, tp, "model");
	xmlNodePtr be = child(tp, "backend");
	const char *bt = be ? attr(m, be, "type") : NULL, *ver = be ? attr(m, be, "version") : NULL;
	struct tbl *t;

	if (!be || !bt || strcmp(bt, "emulator") || (ver && strcmp(ver, "2.0")) ||
	    (model && strcmp(model, "tpm-crb") && strcmp(model, "tpm-tis"))) {
		lost(m, tp, "not supported yet: mvlaunch's TPM is a TPM 2.0 emulated by swtpm (crb or tis)");
		return;
	}
	use(tp);
	use(be);
	t = sect(m, "tpm");
	put_bool(t, "enable", 1, lineno(tp), NULL);
	if (model && !strcmp(model, "tpm-tis"))
		put_str(t, "model", "tis", lineno(tp), NULL);
	if (!ver && model && !strcmp(model, "tpm-tis"))
		note(m, be, "no TPM version: libvirt may have run TPM 1.2 for a tpm-tis; mvlaunch runs TPM 2.0");
	note(m, tp, "the TPM's state (keys, BitLocker): libvirt keeps it in /var/lib/libvirt/swtpm/%s/tpm2; copy "
	     "that directory to /var/lib/mvlaunch/%s/tpm2 before the first 'mvlaunch up', or the guest sees a "
	     "new, empty TPM", m->out->uuid ? m->out->uuid : "UUID", m->out->name);
	for (xmlNodePtr c = be->children; c; c = c->next)
		if (is_elem(c, NULL))
			lost(m, c, R_TODO);
	attr(m, be, "persistent_state");
}

static void map_iommu(struct imp *m, xmlNodePtr io)
{
	const char *model = attr(m, io, "model");
	xmlNodePtr drv = child(io, "driver");

	if (!model || strcmp(model, "intel")) {
		lost(m, io, "not supported yet: mvlaunch's virtual IOMMU is intel");
		return;
	}
	use(io);
	put_str(sect(m, "machine"), "iommu", "intel", lineno(io),
		"with interrupt remapping, caching mode and device IOTLB");
	if (!drv)
		note(m, io, "<iommu model='intel'/> without <driver>: mvlaunch turns on interrupt remapping, caching "
		     "mode and the device IOTLB, which libvirt left off");
	if (drv) {
		static const char *const on[] = { "intremap", "caching_mode", "iotlb" };

		use(drv);
		for (size_t i = 0; i < 3; i++)
			if (no(attr(m, drv, on[i])))
				lost_attr(m, drv, on[i], "not supported yet: mvlaunch turns it on");
	}
}

static void map_chardev(struct imp *m, xmlNodePtr c)
{
	const char *type = attr(m, c, "type");

	if (is_elem(c, "channel")) {
		xmlNodePtr tg = child(c, "target");
		const char *name = tg ? attr(m, tg, "name") : NULL;

		if (type && !strcmp(type, "spicevmc") && m->spice)	/* the agent a SPICE display comes with */
			use_all(c);
		else if (name && !strcmp(name, "org.qemu.guest_agent.0"))
			lost(m, c, "not supported yet: the QEMU guest agent channel");
		else
			lost(m, c, R_TODO);
		return;
	}
	/* serial and console: 'mvlaunch console' is the guest's first serial port */
	if (type && strcmp(type, "pty")) {
		lost(m, c, "not supported yet: a serial port to a %s (mvlaunch's is a socket that 'mvlaunch console' "
		     "attaches to, logged to serial.log)", type);
		return;
	}
	if (is_elem(c, "console")) {
		xmlNodePtr tg = child(c, "target");
		const char *tt = tg ? attr(m, tg, "type") : NULL, *port = tg ? attr(m, tg, "port") : NULL;

		/* libvirt's <console> for the first serial port is that port again */
		if ((!tt || !strcmp(tt, "serial")) && (!port || !strcmp(port, "0")))
			use_all(c);
		else
			lost(m, c, "not supported yet: a %s console (mvlaunch's console is the first serial port)",
			     tt ? tt : "second");
		return;
	}
	if (m->serials++)
		lost(m, c, "not supported yet: a second serial port (mvlaunch gives the guest one: ttyS0)");
	else
		use_all(c);
}

static void map_controller(struct imp *m, xmlNodePtr c)
{
	const char *type = attr(m, c, "type"), *model = attr(m, c, "model");

	if (type && !strcmp(type, "scsi") && model && strcmp(model, "virtio-scsi")) {
		lost(m, c, "not supported yet: a %s SCSI controller (mvlaunch's is virtio-scsi)", model);
		return;
	}
	if (child(c, "driver") && (attr(m, child(c, "driver"), "queues") || attr(m, child(c, "driver"), "iothread"))) {
		lost(m, child(c, "driver"), "not supported yet: controller queues and iothreads (disk.iothread gives "
		     "a disk its own)");
		use(c);
		for (xmlAttrPtr a = c->properties; a; a = a->next)
			a->_private = &used;
		for (xmlNodePtr s = c->children; s; s = s->next)
			if (!is_used(s))
				use_all(s);
		return;
	}
	use_all(c);	/* libvirt's own, mvlaunch adds what the devices need */
}

static void map_boot_devs(struct imp *m)
{
	xmlNodePtr os = child(m->root, "os");
	unsigned idx = 1;

	if (m->boot_per_device) {
		for_each_child(b, os, "boot")
			lost(m, b, "libvirt ignores <os><boot> when devices have <boot order>");
		return;
	}
	for_each_child(b, os, "boot") {
		const char *dev = attr(m, b, "dev");
		struct tbl *t = NULL;

		if (dev && !strcmp(dev, "hd"))
			t = m->first_disk;
		else if (dev && !strcmp(dev, "cdrom"))
			t = m->first_cdrom;
		else if (dev && !strcmp(dev, "network"))
			t = m->first_net;
		else {
			lost(m, b, "not supported yet: booting from '%s'", dev ? dev : "");
			continue;
		}
		if (!t) {
			note(m, b, "<boot dev='%s'/>: the domain has no such device", dev);
			continue;
		}
		if (!find_kv(t, "boot_index"))
			put_uint(t, "boot_index", idx++, lineno(b), NULL);
	}
	/* one <boot dev='hd'/> alone is mvlaunch's default: the disks in order */
	{
		xmlNodePtr b = child(os, "boot");
		const char *dev = b ? attr(m, b, "dev") : NULL;

		if (b && !next_elem(b, "boot") && dev && !strcmp(dev, "hd") && m->first_disk)
			unput(m->first_disk, "boot_index");
	}
}

/* <iothreadsched iothreads='1,2'>: libvirt's iothread N is the iothread of the disks with iothread='N' */
/*
 * libvirt's iothreads the disks use, as [[iothread]] "iothreadK": their
 * <iothreadpin> cpuset and <iothreadids> poll, and their <iothreadsched>.
 */
static int iothread_used(struct imp *m, const char *k)
{
	for (size_t d = 0; d < m->disk_iothreads.nr; d++)
		if (!strcmp(m->disk_iothreads.v[d], k))
			return 1;
	return 0;
}

static void map_iothreads(struct imp *m)
{
	xmlNodePtr ct = child(m->root, "cputune"), ids = child(m->root, "iothreadids");
	struct strvec done = STRVEC_INIT;

	if (m->disk_iothreads.nr) {	/* how many: the disks say */
		use_all(child(m->root, "iothreads"));
		use(ids);
	}
	for (size_t d = 0; d < m->disk_iothreads.nr; d++) {
		const char *k = m->disk_iothreads.v[d];
		char *id;
		struct tbl *t;
		size_t j;

		for (j = 0; j < done.nr && strcmp(done.v[j], k); j++)
			;
		if (!*k || j < done.nr)
			continue;
		strvec_push(&done, k);
		id = xstrfmt("iothread%s", k);
		t = tbl_add(m, "iothread", 1, lineno(child(m->root, "iothreads") ? child(m->root, "iothreads") : m->root));
		{
			char *c = xstrfmt("libvirt's iothread %s", k);

			put_str(t, "id", id, t->line, c);
			free(c);
		}
		free(id);
		for_each_child(p, ct, "iothreadpin") {
			const char *which = attr(m, p, "iothread");
			char *list;

			if (!which || strcmp(which, k))
				continue;
			use(p);
			if ((list = cpulist(m, p, "<iothreadpin cpuset>", attr(m, p, "cpuset"))))
				put_str(t, "cpus", list, lineno(p), NULL);
			free(list);
		}
		for_each_child(it, ids, "iothread") {
			const char *which = attr(m, it, "id");
			xmlNodePtr poll = child(it, "poll");
			uint64_t ns;

			if (!which || strcmp(which, k))
				continue;
			use(it);
			if (poll) {
				use(poll);
				if (attr(m, poll, "max") && parse_uint(m, poll, "<poll max>", attr(m, poll, "max"), 1000000000, &ns) == 0)
					put_uint(t, "poll_max_ns", ns, lineno(poll), NULL);
				if (attr(m, poll, "grow"))
					lost_attr(m, poll, "grow", R_TODO);
				if (attr(m, poll, "shrink"))
					lost_attr(m, poll, "shrink", R_TODO);
			}
		}
	}
	for_each_child(p, ct, "iothreadpin")
		if (!is_used(p))
			lost(m, p, "no disk uses iothread %s (an iothread without disks does no work)",
			     attr(m, p, "iothread") ? attr(m, p, "iothread") : "");
	for_each_child(it, ids, "iothread")
		if (!is_used(it) && !iothread_used(m, attr(m, it, "id") ? attr(m, it, "id") : ""))
			use_all(it);	/* an idle iothread: nothing to carry over */
	for_each_child(s, ct, "iothreadsched") {
		const char *list = attr(m, s, "iothreads");
		struct strbuf names = STRBUF_INIT;
		struct tbl *t;
		char *copy = xstrdup(list ? list : ""), *p = copy, *tok;

		while ((tok = strsep(&p, ",")))
			if (*tok && iothread_used(m, tok))
				strbuf_addf(&names, "%s\"iothread%s\"", names.len ? ", " : "", tok);
		free(copy);
		if (!names.len) {
			lost(m, s, "no disk uses iothread %s (an iothread without disks does no work)", list ? list : "");
		} else if ((t = sched_table(m, s, "iothreads"))) {
			char *v = xstrfmt("[%s]", names.buf);

			put(t, "iothreads", v, lineno(s), NULL);
		}
		strbuf_release(&names);
	}
	strvec_clear(&done);
}

static void map_devices(struct imp *m)
{
	xmlNodePtr devs = child(m->root, "devices");

	if (!devs)
		return;
	use(devs);
	for (xmlNodePtr d = devs->children; d; d = d->next) {
		const char *n = (const char *)d->name;

		if (!is_elem(d, NULL))
			continue;
		if (!strcmp(n, "emulator")) {
			const char *e = text(m, d), *base = strrchr(e, '/');

			if (strcmp(base ? base + 1 : e, "qemu-system-x86_64"))
				put_str(sect(m, "qemu"), "binary", e, lineno(d), NULL);
		} else if (!strcmp(n, "disk")) {
			map_disk(m, d);
		} else if (!strcmp(n, "interface")) {
			map_interface(m, d);
		} else if (!strcmp(n, "hostdev")) {
			map_hostdev(m, d);
		} else if (!strcmp(n, "input")) {
			map_input(m, d);
		} else if (!strcmp(n, "graphics")) {
			map_graphics(m, d);
		} else if (!strcmp(n, "video")) {
			map_video(m, d);
		} else if (!strcmp(n, "sound")) {
			map_sound(m, d);
		} else if (!strcmp(n, "shmem")) {
			map_shmem(m, d);
		} else if (!strcmp(n, "tpm")) {
			map_tpm(m, d);
		} else if (!strcmp(n, "iommu")) {
			map_iommu(m, d);
		} else if (!strcmp(n, "serial") || !strcmp(n, "console")) {
			map_chardev(m, d);
		} else if (!strcmp(n, "controller")) {
			map_controller(m, d);
		} else if (!strcmp(n, "audio")) {
			const char *type = attr(m, d, "type");

			/* libvirt gives every domain a silent one; a sound card's is read by map_sound() */
			if (type && !strcmp(type, "none"))
				use_all(d);
		} else if (!strcmp(n, "memballoon")) {
			use_all(d);	/* libvirt adds one to every domain; mvlaunch's guests own their RAM */
		}
	}
	/* channels once the display is known: SPICE's agent channel comes with a SPICE display */
	for_each_child(ch, devs, "channel")
		map_chardev(m, ch);
	if (m->ioapic_qemu) {
		struct kv *io = find_kv(sect(m, "machine"), "iommu");

		if (!io)
			lost_attr(m, m->ioapic_qemu, "driver", "not supported yet: the IOAPIC in QEMU without a virtual "
				  "IOMMU (mvlaunch splits the irqchip for machine.iommu only)");
	}
	/* where libvirt put each device on the guest's buses: mvlaunch places them itself */
	for (xmlNodePtr d = devs->children; d; d = d->next) {
		if (!is_elem(d, NULL) || !is_used(d))
			continue;
		for (xmlNodePtr a = d->children; a; a = a->next) {
			if (is_elem(a, "address")) {
				if (!m->addresses++)
					m->first_address_line = lineno(a);
				use_all(a);
			} else if (is_elem(a, "alias")) {
				use_all(a);
			}
		}
	}
	map_boot_devs(m);
	map_iothreads(m);
}

/* ---- <qemu:commandline> ---------------------------------------------------- */

static int cpu_flag(struct imp *m, const char *opt, long line)
{
	struct tbl *t = sect(m, "cpu");
	static const struct { const char *name; const char *sect, *key; } flags[] = {
		{ "l3-cache", "cpu", "l3_cache" }, { "host-cache-info", "cpu", "host_cache_info" },
		{ "migratable", "cpu", "migratable" }, { "pmu", "cpu", "pmu" },
		{ "kvm-hint-dedicated", "cpu", "hint_dedicated" },
	};
	const char *eq = strchr(opt, '=');
	char *name = eq ? xstrndup(opt, (size_t)(eq - opt)) : xstrdup(opt);
	const char *v = eq ? eq + 1 : "on";
	int on = !strcmp(v, "on") || !strcmp(v, "true") || !strcmp(v, "yes");
	int off = !strcmp(v, "off") || !strcmp(v, "false") || !strcmp(v, "no");

	if (*opt == '+' || *opt == '-') {
		on = *opt == '+';
		off = !on;
		memmove(name, name + 1, strlen(name));
	}
	if (!on && !off) {
		free(name);
		return -1;
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(name, flags[i].name)) {
			put_bool(sect(m, flags[i].sect), flags[i].key, on, line, "from <qemu:commandline>");
			free(name);
			return 0;
		}
	if (!strcmp(name, "kvm") && off) {
		put_bool(sect(m, "machine"), "hidden", 1, line, "from <qemu:commandline>");
	} else {
		const char *key = on ? "require" : "disable";
		struct kv *kv = find_kv(t, key);
		char *q = toml_quote(name);
		char *val = kv ? xstrfmt("%.*s, %s]", (int)strlen(kv->val) - 1, kv->val, q) : xstrfmt("[%s]", q);

		free(q);

		put(t, key, val, kv ? kv->line : line, NULL);
	}
	free(name);
	return 0;
}

static void map_qemu_commandline(struct imp *m)
{
	struct strvec args = STRVEC_INIT;
	xmlNodePtr *nodes = NULL;
	size_t i;
	struct strbuf extra = STRBUF_INIT;
	xmlNodePtr extra_at = NULL;

	for (xmlNodePtr c = m->root->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !c->ns || strcmp((const char *)c->ns->href, QEMU_NS) ||
		    strcmp((const char *)c->name, "commandline"))
			continue;
		use(c);
		for (xmlNodePtr a = c->children; a; a = a->next) {
			xmlAttrPtr v;

			/* <qemu:env> is left to the sweep */
			if (a->type != XML_ELEMENT_NODE || strcmp((const char *)a->name, "arg") ||
			    !(v = find_attr(a, "value")))
				continue;
			use(a);
			v->_private = &used;
			strvec_push(&args, keep(m, libxml.list_string(a->doc, v->children, 1)));
			nodes = xrealloc(nodes, args.nr * sizeof(*nodes));
			nodes[args.nr - 1] = a;
		}
	}
	for (i = 0; i < args.nr; i++) {
		const char *a = args.v[i], *v = i + 1 < args.nr ? args.v[i + 1] : NULL;

		if (v && !strcmp(a, "-cpu")) {
			char *copy = xstrdup(v), *p = copy, *tok;
			int first = 1;

			/* mvlaunch builds the one -cpu: its options become keys */
			while ((tok = strsep(&p, ","))) {
				if (first) {
					struct kv *model = find_kv(sect(m, "cpu"), "model");
					char *q = toml_quote(tok);

					if (model && strcmp(model->val, q))
						note(m, nodes[i + 1], "-cpu %s in <qemu:commandline>, but <cpu> gives model %s: "
						     "mvlaunch keeps <cpu>'s (there is one -cpu)", tok, model->val);
					free(q);
					first = 0;
				} else if (cpu_flag(m, tok, lineno(nodes[i + 1])) < 0) {
					lost_attr(m, nodes[i + 1], "value", "not supported yet: -cpu option '%s' (mvlaunch "
						  "builds -cpu from [cpu]; on/off features go to cpu.require and cpu.disable)",
						  tok);
				}
			}
			free(copy);
			i++;
			continue;
		}
		if (v && !strcmp(a, "-overcommit") && (!strcmp(v, "cpu-pm=on") || !strcmp(v, "mem-lock=on"))) {
			if (!strcmp(v, "cpu-pm=on"))
				put_bool(sect(m, "cpu"), "cpu_pm", 1, lineno(nodes[i + 1]), "from <qemu:commandline>");
			else
				put_bool(sect(m, "memory"), "locked", 1, lineno(nodes[i + 1]), "from <qemu:commandline>");
			i++;
			continue;
		}
		{
			char *q = toml_quote(a);

			strbuf_addf(&extra, "%s%s", extra.len ? ", " : "", q);
			free(q);
			if (!extra_at)
				extra_at = nodes[i];
		}
	}
	if (extra.len) {
		put(sect(m, "qemu"), "extra_args", xstrfmt("[%s]", extra.buf), lineno(extra_at),
		    "from <qemu:commandline>, as they are");
		note(m, extra_at, "<qemu:commandline> arguments mvlaunch has no key for go to qemu.extra_args, "
		     "unescaped, at the end of the command line: check that they do not repeat what mvlaunch sets");
	}
	strbuf_release(&extra);
	strvec_clear(&args);
	free(nodes);
}

/* ---- the sweep ------------------------------------------------------------- */

static const struct { const char *name, *why; } reasons[] = {
	{ "cachetune", R_QOS }, { "memorytune", R_QOS },
	{ "seclabel", "replaced by mvlaunch's confinement: QEMU runs as security.user (mvlaunch-qemu) without "
		      "capabilities, with a private /dev and its seccomp sandbox, but without libvirt's SELinux or "
		      "AppArmor label" },
	{ "resource", R_LIBVIRT ": the cgroup libvirt puts QEMU in" },
	{ "perf", R_LIBVIRT ": performance events libvirt reads" },
	{ "metadata", R_LIBVIRT ": data of the tools that made the domain" },
	{ "iothreads", R_LIBVIRT ": an iothread no disk uses does no work" },
	{ "iothreadids", R_LIBVIRT ": an iothread no disk uses does no work" },
	{ "maxMemory", "not supported yet: memory hotplug" },
	{ "genid", "not supported yet: a VM generation ID" },
	{ "watchdog", "not supported yet: a watchdog device" },
	{ "rng", "not supported yet: a virtio RNG" },
	{ "panic", "not supported yet: a panic notifier" },
	{ "redirdev", "not supported yet: USB redirection over SPICE" },
	{ "filesystem", "not supported yet: virtiofs and 9p shares" },
	{ "vsock", "not supported yet: vsock" },
	{ "env", "not supported yet: environment variables for QEMU" },
	{ "capabilities", R_LIBVIRT ": libvirt's QEMU capability overrides" },
	{ "address", "replaced: mvlaunch places devices on the guest's buses itself" },
	{ "audio", "an audio backend no sound card uses" },
	{ "memnode", "a <memnode> of a guest with fewer than two <cell>s (one node: <numatune><memory> binds it)" },
};

static void sweep(struct imp *m, xmlNodePtr n)
{
	for (xmlNodePtr c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!is_used(c)) {
			const char *why = R_TODO;

			for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
				if (!strcmp(reasons[i].name, (const char *)c->name))
					why = reasons[i].why;
			lost(m, c, "%s", why);
			continue;
		}
		for (xmlAttrPtr a = c->properties; a; a = a->next)
			if (!is_used(a))
				lost_attr(m, c, (const char *)a->name, R_TODO);
		sweep(m, c);
	}
}

/* ---- rendering -------------------------------------------------------------- */

struct line_map {
	long *xml;		/* XML line of each TOML line (1-based; 0: none) */
	size_t nr;
};

static void emit(struct strbuf *sb, struct line_map *lm, long xml_line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void emit(struct strbuf *sb, struct line_map *lm, long xml_line, const char *fmt, ...)
{
	va_list ap;
	size_t start = sb->len;

	va_start(ap, fmt);
	strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	strbuf_addch(sb, '\n');
	for (size_t i = start; i < sb->len; i++)
		if (sb->buf[i] == '\n') {
			lm->xml = xrealloc(lm->xml, (lm->nr + 2) * sizeof(*lm->xml));
			lm->xml[++lm->nr] = xml_line;
		}
}

static void emit_kv(struct strbuf *sb, struct line_map *lm, const struct kv *kv)
{
	size_t w = strlen(kv->key) + 3 + strlen(kv->val);

	if (kv->comment && !strchr(kv->val, '\n'))
		emit(sb, lm, kv->line, "%s = %s%*s# %s", kv->key, kv->val, w < 26 ? (int)(26 - w) : 1, "", kv->comment);
	else
		emit(sb, lm, kv->line, "%s = %s", kv->key, kv->val);
}

static const char *rank_table;

static int by_rank(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;

	return vm_config_key_rank(rank_table, x->key) - vm_config_key_rank(rank_table, y->key);
}

static void render(struct imp *m, const char *base, struct line_map *lm)
{
	struct strbuf *sb = &m->out->toml;

	emit(sb, lm, 0, "# %s.toml - imported from the libvirt domain in %s by 'mvlaunch import'.", m->out->name, base);
	for (size_t i = 0; i < m->header.nr; i++) {
		struct strbuf line = STRBUF_INIT;
		char *clean;

		strbuf_addstr(&line, m->header.v[i]);
		clean = one_line(&line);
		emit(sb, lm, 0, "# %s", clean);
		free(clean);
	}
	emit(sb, lm, 0, "#");
	emit(sb, lm, 0, "# Next: 'mvlaunch check %s' (what this host still lacks, each with its fix),", m->out->name);
	emit(sb, lm, 0, "# then 'mvlaunch up %s'. README \"Coming from libvirt\" says what maps to what.", m->out->name);
	if (m->out->lost.nr || m->out->notes.nr)
		emit(sb, lm, 0, "#");
	for (size_t i = 0; i < m->out->lost.nr; i++)
		emit(sb, lm, 0, "# not imported: line %s", m->out->lost.v[i]);
	for (size_t i = 0; i < m->out->notes.nr; i++)
		emit(sb, lm, 0, "# note: line %s", m->out->notes.v[i]);

	for (size_t s = 0; s < sizeof(sections) / sizeof(sections[0]); s++) {
		unsigned item = 0;

		for (size_t i = 0; i < m->nr_tbls; i++) {
			struct tbl *t = m->tbls[i];

			if (strcmp(t->name, sections[s]) || (!t->nr && !t->aot))
				continue;
			emit(sb, lm, 0, "%s", "");
			if (t->aot) {
				char *c = xstrfmt("%s%u", t->name, item++);
				int w = (int)strlen(t->name) + 4;

				if (strcmp(t->name, "disk") && strcmp(t->name, "net"))
					emit(sb, lm, t->line, "[[%s]]%*s# line %ld", t->name, w < 26 ? 26 - w : 1, "",
					     t->line);
				else
					emit(sb, lm, t->line, "[[%s]]%*s# %s: line %ld", t->name, w < 26 ? 26 - w : 1, "",
					     c, t->line);
				free(c);
			} else {
				emit(sb, lm, t->line, "[%s]", t->name);
			}
			rank_table = t->name;
			qsort(t->kv, t->nr, sizeof(*t->kv), by_rank);
			for (size_t k = 0; k < t->nr; k++)
				emit_kv(sb, lm, &t->kv[k]);
		}
	}
}

/* vm_config_parse()'s "FILE:LINE:COL: msg" lines, at the XML lines they came from */
static void translate(struct imp *m, const char *toml_file, const char *msgs, const struct line_map *lm,
		      struct strbuf *out)
{
	const char *p = msgs;
	size_t flen = strlen(toml_file);

	while (*p) {
		const char *eol = strchrnul(p, '\n'), *rest = p;
		long tl = 0, xl = 0;

		if (!strncmp(p, toml_file, flen) && p[flen] == ':') {
			char *end;

			tl = strtol(p + flen + 1, &end, 10);
			if (*end == ':') {
				rest = end + 1;
				strtol(rest, &end, 10);
				if (*end == ':')
					rest = end + 1;
				while (*rest == ' ')
					rest++;
			}
			if (tl > 0 && (size_t)tl <= lm->nr)
				xl = lm->xml[tl];
		}
		if (out->len)
			strbuf_addch(out, '\n');
		strbuf_addf(out, "%s:%ld: %.*s (in the imported config: %s%s)", m->file, xl, (int)(eol - rest), rest,
			    m->out->name, ".toml");
		p = *eol ? eol + 1 : eol;
	}
}

/* "LINE: ..." entries in XML line order, those of one line as they came */
static void sort_by_line(struct strvec *v)
{
	for (size_t i = 1; i < v->nr; i++) {
		char *x = v->v[i];
		long lx = strtol(x, NULL, 10);
		size_t j = i;

		for (; j > 0 && strtol(v->v[j - 1], NULL, 10) > lx; j--)
			v->v[j] = v->v[j - 1];
		v->v[j] = x;
	}
}

/* ---- the whole ---------------------------------------------------------------- */

/* libxml2's first error, as "LINE: message" (its messages end in a newline) */
static void xml_error(void *ctx, xmlErrorPtr e)
{
	struct strbuf *sb = ctx;
	size_t len;

	if (sb->len || !e || e->level < XML_ERR_ERROR)
		return;
	strbuf_addf(sb, "%d: %s", e->line, e->message ? e->message : "not well-formed XML");
	len = sb->len;
	while (len && (sb->buf[len - 1] == '\n' || sb->buf[len - 1] == ' '))
		len--;
	strbuf_setlen(sb, len);
}

int libvirt_import(const char *file, const char *xml, size_t len, const char *name,
		   struct libvirt_import *out, struct strbuf *err)
{
	struct imp m = { 0 };
	uint64_t mem;
	struct strbuf xerr = STRBUF_INIT, perr = STRBUF_INIT;
	struct line_map lm = { 0 };
	xmlDocPtr doc = NULL;
	const char *type, *base;
	int ret = -1;

	m.file = !strcmp(file, "-") ? "stdin" : file;
	m.err = err;
	m.out = out;
	strvec_init(&m.pool);
	strvec_init(&m.header);
	strvec_init(&m.disk_iothreads);
	if (len > LIBVIRT_XML_MAX) {
		strbuf_addf(err, "%s: %zu bytes is not a libvirt domain (at most %u)", m.file, len, LIBVIRT_XML_MAX);
		return -1;
	}
	if (load_libxml2(&xerr) < 0) {
		strbuf_addf(err, "%s: %s (mvlaunch reads libvirt XML with libxml2: apt-get install libxml2)", m.file,
			    xerr.buf);
		goto out;
	}
	libxml.set_error_func(&xerr, xml_error);
	doc = libxml.read_memory(xml, (int)len, NULL, NULL,
			    XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
	libxml.set_error_func(NULL, NULL);
	if (!doc) {
		strbuf_addf(err, "%s:%s (not XML)", m.file, xerr.len ? xerr.buf : "0: empty");
		goto out;
	}
	if (doc->intSubset) {	/* libvirt writes none; no entity of one is read */
		const char *p = xml, *end = xml + len;
		long line = 1;

		/* its line: the first "<!DOCTYPE" outside a comment */
		for (; p + 9 <= end && memcmp(p, "<!DOCTYPE", 9); p++) {
			if (p + 4 <= end && !memcmp(p, "<!--", 4)) {
				const char *c = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);

				for (const char *q = p; q < (c ? c : end); q++)
					line += *q == '\n';
				p = c ? c + 2 : end - 1;
				continue;
			}
			line += *p == '\n';
		}
		strbuf_addf(err, "%s:%ld: a <!DOCTYPE> is not part of a libvirt domain (virsh dumpxml writes none)", m.file,
			    line);
		goto out;
	}
	m.root = libxml.root_element(doc);
	if (!m.root || !is_elem(m.root, "domain")) {
		strbuf_addf(err, "%s:%ld: <%s> is not a libvirt domain (virsh dumpxml NAME gives one)", m.file,
			    lineno(m.root), m.root ? (const char *)m.root->name : "");
		goto out;
	}
	use(m.root);
	type = attr(&m, m.root, "type");
	attr(&m, m.root, "id");
	if (!type || (strcmp(type, "kvm") && strcmp(type, "qemu"))) {
		strbuf_addf(err, "%s:%ld: <domain type='%s'>: mvlaunch runs kvm and qemu domains", m.file,
			    lineno(m.root), type ? type : "");
		goto out;
	}
	m.tcg = !strcmp(type, "qemu");

	map_identity(&m, name);
	if (m.failed)
		goto out;
	map_os(&m);
	mem = map_memory(&m);
	map_vcpus(&m);
	map_qos(&m, mem);
	map_numatune(&m);
	map_features(&m);
	map_cpu(&m);
	map_numa(&m);
	map_clock(&m);
	map_sysinfo(&m);
	map_lifecycle(&m);
	{	/* libvirt's own cgroup partition, on every domain it has defined */
		xmlNodePtr r = child(m.root, "resource"), p = child(r, "partition");

		if (r && p && !next_elem(p, NULL) && !r->properties && !strcmp(text(&m, p), "/machine")) {
			use(r);
			use(p);
		}
	}
	map_devices(&m);
	map_qemu_commandline(&m);
	if (m.failed)
		goto out;
	for (xmlAttrPtr a = m.root->properties; a; a = a->next)
		if (!is_used(a))
			lost_attr(&m, m.root, (const char *)a->name, R_TODO);
	sweep(&m, m.root);
	if (out->libvirt_hook)
		strvec_pushf(&out->lost, "%ld: <domain>: libvirt's hook script %s runs for every domain it starts: "
			     "replaced by mvlaunch's hooks (hooks.d/NAME/{prepare,started,stopped,release}.d beside the VM "
			     "configs, README \"Hooks\"; hugepages, CPU shielding and vfio-pci binding are mvlaunch's own); "
			     "what it did for this VM is not imported", lineno(m.root), out->libvirt_hook);
	if (m.addresses)
		note(&m, NULL, "line %ld: the guest's device addresses (%u <address> elements) are not kept: mvlaunch "
		     "places devices itself, so Windows may find its disks and NICs anew (a NIC keeps its MAC)",
		     m.first_address_line, m.addresses);
	/* notes with no element of their own carry their line in the text: "0: line N: ..." -> "N: ..." */
	for (size_t i = 0; i < out->notes.nr; i++)
		if (!strncmp(out->notes.v[i], "0: line ", 8)) {
			char *fixed = xstrdup(out->notes.v[i] + 8);

			free((char *)out->notes.v[i]);
			out->notes.v[i] = fixed;
		}

	sort_by_line(&out->lost);
	sort_by_line(&out->notes);
	base = strrchr(m.file, '/') ? strrchr(m.file, '/') + 1 : m.file;
	render(&m, base, &lm);
	{
		struct vm_config cfg;
		char *tf = xstrfmt("%s.toml", out->name);

		vm_config_init(&cfg);
		if (vm_config_parse(tf, out->toml.buf, out->toml.len, &cfg, &perr) < 0) {
			translate(&m, tf, perr.buf, &lm, err);
		} else {
			for (size_t i = 0; i < cfg.warnings.nr; i++) {
				struct strbuf w = STRBUF_INIT;

				translate(&m, tf, cfg.warnings.v[i], &lm, &w);
				/* "FILE:LINE: msg" -> a note "LINE: msg" */
				strvec_push(&out->notes, w.buf + strlen(m.file) + 1);
				strbuf_release(&w);
			}
			if (cfg.warnings.nr) {	/* again, with them in the notes */
				strbuf_reset(&out->toml);
				lm.nr = 0;
				render(&m, base, &lm);
			}
			ret = 0;
		}
		vm_config_release(&cfg);
		free(tf);
	}
out:
	for (size_t i = 0; i < m.nr_tbls; i++) {
		for (size_t k = 0; k < m.tbls[i]->nr; k++) {
			free(m.tbls[i]->kv[k].key);
			free(m.tbls[i]->kv[k].val);
			free(m.tbls[i]->kv[k].comment);
		}
		free(m.tbls[i]->kv);
		free(m.tbls[i]);
	}
	free(m.tbls);
	free(lm.xml);
	strvec_clear(&m.pool);
	strvec_clear(&m.header);
	strvec_clear(&m.disk_iothreads);
	strbuf_release(&xerr);
	strbuf_release(&perr);
	if (doc)
		libxml.free_doc(doc);
	return ret;
}

void libvirt_import_release(struct libvirt_import *out)
{
	free(out->name);
	free(out->uuid);
	strbuf_release(&out->toml);
	strvec_clear(&out->lost);
	strvec_clear(&out->notes);
}
