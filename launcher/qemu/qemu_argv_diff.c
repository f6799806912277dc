/*
 * qemu_argv_diff.c - two QEMU command lines compared by meaning (see the header).
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/qemu/qemu_argv_diff.h"
#include "util/wrapper.h"
#include "util/banned.h"

int qemu_argv_split_shell(const char *text, struct strvec *argv, struct strbuf *err)
{
	struct strbuf word = STRBUF_INIT;
	const char *p = text;
	int in_word = 0, program_seen = 0;

	for (;;) {
		char c = *p;

		if (!c || c == ' ' || c == '\t' || c == '\n') {
			if (in_word) {
				const char *eq = strchr(word.buf, '=');
				size_t name = strspn(word.buf, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

				/* VAR=value before the program is the environment */
				if (program_seen || !eq || (size_t)(eq - word.buf) != name || !name) {
					strvec_push(argv, word.buf);
					program_seen = 1;
				}
				strbuf_reset(&word);
				in_word = 0;
			}
			if (!c)
				break;
			p++;
			continue;
		}
		in_word = 1;
		if (c == '\\') {
			if (p[1] == '\n') {	/* continuation */
				p += 2;
				continue;
			}
			if (p[1])
				strbuf_addch(&word, p[1]);
			p += p[1] ? 2 : 1;
		} else if (c == '\'') {
			const char *end = strchr(p + 1, '\'');

			if (!end) {
				strbuf_addstr(err, "unterminated ' quote");
				strbuf_release(&word);
				return -1;
			}
			strbuf_add(&word, p + 1, (size_t)(end - p - 1));
			p = end + 1;
		} else if (c == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && strchr("\"\\$`", p[1]))
					p++;
				strbuf_addch(&word, *p);
			}
			if (!*p) {
				strbuf_addstr(err, "unterminated \" quote");
				strbuf_release(&word);
				return -1;
			}
			p++;
		} else {
			strbuf_addch(&word, c);
			p++;
		}
	}
	strbuf_release(&word);
	return 0;
}

/* Options that take no value */
static const char *const flags[] = {
	"-S", "-no-user-config", "-nodefaults", "-no-hpet", "-no-shutdown", "-no-reboot", "-no-acpi",
	"-enable-kvm", "-nographic", "-daemonize", "-snapshot", NULL,
};

/* Plumbing each launcher does its own way: not a setting of the guest */
static const char *const dropped[] = { "-S", "-pidfile", "-mon", "-qmp", "-msg", "-daemonize", NULL };

/* Keys that only name or place things: ids, references to ids, bus addresses, file descriptors */
static const char *const names[] = {
	"id", "node-name", "bus", "addr", "drive", "netdev", "chardev", "tpmdev", "fd", "vhostfd", "fds",
	"vhostfds", "audiodev", "memdev", "memory-backend", "pflash0", "pflash1", NULL,
};

static int in(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return 1;
	return 0;
}

/* QEMU's defaults, which one side spells out: "aio":"threads", "read-only":false, ... */
static int is_default(const char *key, json_t *val)
{
	if (!strcmp(key, "aio"))
		return !strcmp(json_string_value(val) ?: "", "threads");
	if (!strcmp(key, "read-only") || !strcmp(key, "share"))
		return json_is_false(val);
	if (!strcmp(key, "cache"))	/* writeback: the page cache, flushes passed on */
		return json_is_object(val) && json_object_size(val) == 2 &&
		       json_is_false(json_object_get(val, "direct")) && json_is_false(json_object_get(val, "no-flush"));
	return 0;
}

static void strip_names(json_t *v)
{
	const char *key;
	json_t *val;
	void *tmp;
	size_t i;

	if (json_is_object(v)) {
		json_object_foreach_safe(v, tmp, key, val) {
			if ((in(names, key) && !json_is_object(val)) || is_default(key, val))
				json_object_del(v, key);
			else
				strip_names(val);
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, val)
			strip_names(val);
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Options whose first item is positional: the machine type, the CPU model, a backend, a count */
static const char *const positional[] = {
	"-machine", "-cpu", "-smp", "-vnc", "-chardev", "-tpmdev", "-sandbox", "-accel", "-netdev", "-m", "-spice", NULL,
};

/* "a=1,b=2" with ',,' for a literal ','; names and defaults dropped, the rest sorted */
static char *normalise_list(const char *opt, const char *val, const struct strvec *extra)
{
	struct strvec items = STRVEC_INIT;
	struct strbuf item = STRBUF_INIT, out = STRBUF_INIT;
	size_t first = 0;

	for (const char *p = val;; p++) {
		if (*p == ',' && p[1] == ',') {
			strbuf_addstr(&item, ",,");
			p++;
			continue;
		}
		if (*p && *p != ',') {
			strbuf_addch(&item, *p);
			continue;
		}
		strvec_push(&items, item.buf);
		strbuf_reset(&item);
		if (!*p)
			break;
	}
	for (size_t i = 0; extra && i < extra->nr; i++)
		strvec_push(&items, extra->v[i]);
	if (in(positional, opt) && items.nr && !strchr(items.v[0], '='))
		first = 1;
	qsort(items.v + first, items.nr - first, sizeof(*items.v), cmp_str);
	for (size_t i = 0; i < items.nr; i++) {
		const char *eq = strchr(items.v[i], '=');
		char *key = eq ? xstrndup(items.v[i], (size_t)(eq - items.v[i])) : xstrdup(items.v[i]);
		int skip = i >= first && (in(names, key) || !strcmp(items.v[i], "dies=1") || !*items.v[i]);

		free(key);
		if (skip)
			continue;
		strbuf_addf(&out, "%s%s", out.len ? "," : "", items.v[i]);
	}
	strvec_clear(&items);
	strbuf_release(&item);
	return strbuf_detach(&out);
}

/* -global driver=X,property=Y,value=Z and X.Y=Z are one thing */
static char *normalise_global(const char *val)
{
	const char *d = strstr(val, "driver="), *p = strstr(val, "property="), *v = strstr(val, "value=");

	if (d == val && p && v) {
		size_t dl = strcspn(d + 7, ","), pl = strcspn(p + 9, ",");

		return xstrfmt("%.*s.%.*s=%s", (int)dl, d + 7, (int)pl, p + 9, v + 6);
	}
	return xstrdup(val);
}

struct opt {
	const char *name;
	char *value;		/* NULL: a flag */
	json_t *json;		/* the value, when it is a JSON object */
	int gone;
};

void qemu_argv_normalise(const struct strvec *argv, struct strvec *lines)
{
	struct opt *o = xcalloc(argv->nr + 1, sizeof(*o));
	struct strvec machine_extra = STRVEC_INIT;
	struct strvec monitors = STRVEC_INIT;
	size_t n = 0;

	for (size_t i = 1; i < argv->nr; i++) {
		const char *a = argv->v[i];

		o[n].name = a;
		if (a[0] == '-' && !in(flags, a) && i + 1 < argv->nr)
			o[n].value = xstrdup(argv->v[++i]);
		if (o[n].value && o[n].value[0] == '{')
			o[n].json = json_loads(o[n].value, 0, NULL);
		n++;
	}
	/* the monitor's chardev, -no-hpet and friends into -machine, -enable-kvm as -accel kvm */
	for (size_t i = 0; i < n; i++) {
		const char *c;

		if (!strcmp(o[i].name, "-mon") && o[i].value && (c = strstr(o[i].value, "chardev=")))
			strvec_push_nodup(&monitors, xstrndup(c + 8, strcspn(c + 8, ",")));
		if (!strcmp(o[i].name, "-no-hpet")) {
			strvec_push(&machine_extra, "hpet=off");
			o[i].gone = 1;
		} else if (!strcmp(o[i].name, "-no-acpi")) {
			strvec_push(&machine_extra, "acpi=off");
			o[i].gone = 1;
		} else if (!strcmp(o[i].name, "-enable-kvm")) {
			o[i].name = "-accel";
			o[i].value = xstrdup("kvm");
		}
	}
	for (size_t i = 0; i < n; i++) {
		const char *id = NULL;

		if (in(dropped, o[i].name))
			o[i].gone = 1;
		if (!strcmp(o[i].name, "-chardev") && o[i].value && (id = strstr(o[i].value, "id=")))
			for (size_t k = 0; k < monitors.nr; k++)
				if (!strncmp(id + 3, monitors.v[k], strlen(monitors.v[k])) &&
				    strchr(",", id[3 + strlen(monitors.v[k])]))
					o[i].gone = 1;
		if (!strcmp(o[i].name, "-object") && o[i].json &&
		    !strcmp(json_string_value(json_object_get(o[i].json, "qom-type")) ?: "", "secret"))
			o[i].gone = 1;
	}
	/* a format node whose "file" names a protocol node: one object, as -drive would say it */
	for (size_t i = 0; i < n; i++) {
		const char *ref;

		if (strcmp(o[i].name, "-blockdev") || !o[i].json ||
		    !(ref = json_string_value(json_object_get(o[i].json, "file"))))
			continue;
		for (size_t k = 0; k < n; k++)
			if (k != i && !strcmp(o[k].name, "-blockdev") && o[k].json &&
			    !strcmp(json_string_value(json_object_get(o[k].json, "node-name")) ?: "", ref)) {
				json_object_set(o[i].json, "file", o[k].json);
				o[k].gone = 1;
				break;
			}
	}
	for (size_t i = 0; i < n; i++) {
		char *v;

		if (o[i].gone)
			continue;
		if (o[i].json) {
			strip_names(o[i].json);
			v = json_dumps(o[i].json, JSON_COMPACT | JSON_SORT_KEYS);
		} else if (!o[i].value) {
			v = NULL;
		} else if (!strcmp(o[i].name, "-global")) {
			v = normalise_global(o[i].value);
		} else if (o[i].name[0] == '-' && strcmp(o[i].name, "-append") && strcmp(o[i].name, "-kernel") &&
			   strcmp(o[i].name, "-initrd") && strcmp(o[i].name, "-uuid")) {
			v = normalise_list(o[i].name, o[i].value, !strcmp(o[i].name, "-machine") ? &machine_extra : NULL);
		} else {
			v = xstrdup(o[i].value);
		}
		strvec_push_nodup(lines, v ? xstrfmt("%s %s", o[i].name, v) : xstrdup(o[i].name));
		free(v);
	}
	for (size_t i = 0; i < n; i++) {
		free(o[i].value);
		json_decref(o[i].json);
	}
	free(o);
	strvec_clear(&machine_extra);
	strvec_clear(&monitors);
}

static size_t opt_len(const char *line)
{
	return strcspn(line, " ");
}

void qemu_argv_diff(const struct strvec *a, const struct strvec *b, struct strbuf *out, unsigned counts[3])
{
	char *used_a = xcalloc(a->nr + 1, 1), *used_b = xcalloc(b->nr + 1, 1);
	struct strvec order = STRVEC_INIT;

	counts[0] = counts[1] = counts[2] = 0;
	/* options in b's order, then those only a has */
	for (int side = 0; side < 2; side++) {
		const struct strvec *s = side ? a : b;

		for (size_t i = 0; i < s->nr; i++) {
			char *name = xstrndup(s->v[i], opt_len(s->v[i]));
			size_t k;

			for (k = 0; k < order.nr && strcmp(order.v[k], name); k++)
				;
			if (k == order.nr)
				strvec_push(&order, name);
			free(name);
		}
	}
	for (size_t g = 0; g < order.nr; g++) {
		const char *name = order.v[g];
		size_t len = strlen(name);

#define SAME_OPT(line) (opt_len(line) == len && !strncmp((line), name, len))
		for (size_t j = 0; j < b->nr; j++) {
			if (!SAME_OPT(b->v[j]))
				continue;
			for (size_t i = 0; i < a->nr; i++)
				if (!used_a[i] && !strcmp(a->v[i], b->v[j])) {
					used_a[i] = used_b[j] = 1;
					strbuf_addf(out, "  %s\n", b->v[j]);
					counts[0]++;
					break;
				}
		}
		for (size_t i = 0; i < a->nr; i++)
			if (SAME_OPT(a->v[i]) && !used_a[i]) {
				strbuf_addf(out, "- %s\n", a->v[i]);
				counts[1]++;
			}
		for (size_t j = 0; j < b->nr; j++)
			if (SAME_OPT(b->v[j]) && !used_b[j]) {
				strbuf_addf(out, "+ %s\n", b->v[j]);
				counts[2]++;
			}
#undef SAME_OPT
	}
	free(used_a);
	free(used_b);
	strvec_clear(&order);
}
