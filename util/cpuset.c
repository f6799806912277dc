/*
 * cpuset.c - CPU list parsing and formatting (see cpuset.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/cpuset.h"
#include "util/banned.h"

void cpuset_zero(struct cpuset *s)
{
	memset(s, 0, sizeof(*s));
}

void cpuset_set(struct cpuset *s, unsigned cpu)
{
	if (cpu < CPUSET_MAX)
		s->w[cpu / 64] |= UINT64_C(1) << (cpu % 64);
}

int cpuset_has(const struct cpuset *s, unsigned cpu)
{
	return cpu < CPUSET_MAX && (s->w[cpu / 64] >> (cpu % 64)) & 1;
}

unsigned cpuset_count(const struct cpuset *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < CPUSET_MAX / 64; i++)
		n += (unsigned)__builtin_popcountll(s->w[i]);
	return n;
}

int cpuset_empty(const struct cpuset *s)
{
	return cpuset_next(s, 0) < 0;
}

int cpuset_next(const struct cpuset *s, unsigned from)
{
	for (unsigned i = from / 64; i < CPUSET_MAX / 64; i++) {
		uint64_t w = s->w[i];

		if (i == from / 64)
			w &= ~UINT64_C(0) << (from % 64);
		if (w)
			return (int)(i * 64 + (unsigned)__builtin_ctzll(w));
	}
	return -1;
}

int cpuset_equal(const struct cpuset *a, const struct cpuset *b)
{
	return !memcmp(a->w, b->w, sizeof(a->w));
}

int cpuset_intersects(const struct cpuset *a, const struct cpuset *b)
{
	for (unsigned i = 0; i < CPUSET_MAX / 64; i++)
		if (a->w[i] & b->w[i])
			return 1;
	return 0;
}

void cpuset_or(struct cpuset *dst, const struct cpuset *src)
{
	for (unsigned i = 0; i < CPUSET_MAX / 64; i++)
		dst->w[i] |= src->w[i];
}

void cpuset_and(struct cpuset *dst, const struct cpuset *src)
{
	for (unsigned i = 0; i < CPUSET_MAX / 64; i++)
		dst->w[i] &= src->w[i];
}

void cpuset_andnot(struct cpuset *dst, const struct cpuset *src)
{
	for (unsigned i = 0; i < CPUSET_MAX / 64; i++)
		dst->w[i] &= ~src->w[i];
}

void cpuset_clear(struct cpuset *s, unsigned cpu)
{
	if (cpu < CPUSET_MAX)
		s->w[cpu / 64] &= ~(UINT64_C(1) << (cpu % 64));
}

static int parse_cpu(const char **p, unsigned *out, struct strbuf *err)
{
	unsigned long v;
	char *end;

	if (!isdigit((unsigned char)**p)) {
		if (**p)
			strbuf_addf(err, "unexpected '%c' (expected a CPU number)", **p);
		else
			strbuf_addstr(err, "expected a CPU number at the end");
		return -1;
	}
	errno = 0;
	v = strtoul(*p, &end, 10);
	if (errno || v >= CPUSET_MAX) {
		strbuf_addf(err, "CPU %.*s is out of range (0..%d)", (int)(end - *p), *p, CPUSET_MAX - 1);
		return -1;
	}
	*p = end;
	*out = (unsigned)v;
	return 0;
}

int cpuset_parse(struct cpuset *s, const char *text, struct strbuf *err)
{
	const char *p = text;

	cpuset_zero(s);
	if (!*p) {
		strbuf_addstr(err, "empty CPU list");
		return -1;
	}
	for (;;) {
		unsigned lo, hi;

		if (parse_cpu(&p, &lo, err) < 0)
			return -1;
		hi = lo;
		if (*p == '-') {
			p++;
			if (parse_cpu(&p, &hi, err) < 0)
				return -1;
			if (hi < lo) {
				strbuf_addf(err, "range '%u-%u' runs backwards", lo, hi);
				return -1;
			}
		}
		for (unsigned c = lo; c <= hi; c++)
			cpuset_set(s, c);
		if (!*p)
			return 0;
		if (*p != ',') {
			strbuf_addf(err, "unexpected '%c' (expected ',' or '-')", *p);
			return -1;
		}
		p++;
	}
}

void cpuset_format(const struct cpuset *s, struct strbuf *sb)
{
	int c = cpuset_next(s, 0);
	int first = 1;

	while (c >= 0) {
		int end = c;

		while (end + 1 < CPUSET_MAX && cpuset_has(s, (unsigned)end + 1))
			end++;
		if (!first)
			strbuf_addch(sb, ',');
		first = 0;
		if (end == c)
			strbuf_addf(sb, "%d", c);
		else
			strbuf_addf(sb, "%d-%d", c, end);
		c = end + 1 < CPUSET_MAX ? cpuset_next(s, (unsigned)end + 1) : -1;
	}
}

void cpuset_format_label(const struct cpuset *s, struct strbuf *sb)
{
	unsigned n = cpuset_count(s);

	if (!n) {
		strbuf_addstr(sb, "no CPU");
		return;
	}
	strbuf_addstr(sb, n == 1 ? "CPU " : "CPUs ");
	cpuset_format(s, sb);
}

json_t *cpuset_to_json(const struct cpuset *set)
{
	json_t *a = json_array();

	for (int c = cpuset_next(set, 0); c >= 0; c = cpuset_next(set, (unsigned)c + 1))
		json_array_append_new(a, json_integer(c));
	return a;
}
