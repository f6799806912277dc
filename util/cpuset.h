/*
 * cpuset.h - sets of host CPU numbers, in the kernel's list syntax ("1-3,5-7").
 *
 * A fixed-size bitmap (CPUSET_MAX bits) with no allocation, so sets can be
 * copied by value inside configs and plans. Parsing is strict: no spaces,
 * ranges must ascend, numbers must be below CPUSET_MAX.
 */
#ifndef MVL_CPUSET_H
#define MVL_CPUSET_H

#include <jansson.h>
#include <stdint.h>

#include "util/strbuf.h"

#define CPUSET_MAX 4096

struct cpuset {
	uint64_t w[CPUSET_MAX / 64];
};

void cpuset_zero(struct cpuset *s);
void cpuset_set(struct cpuset *s, unsigned cpu);
int cpuset_has(const struct cpuset *s, unsigned cpu);
unsigned cpuset_count(const struct cpuset *s);
int cpuset_empty(const struct cpuset *s);
/* Lowest CPU in s at or above 'from', or -1. */
int cpuset_next(const struct cpuset *s, unsigned from);
int cpuset_equal(const struct cpuset *a, const struct cpuset *b);
int cpuset_intersects(const struct cpuset *a, const struct cpuset *b);
void cpuset_or(struct cpuset *dst, const struct cpuset *src);
void cpuset_and(struct cpuset *dst, const struct cpuset *src);
/* dst = dst minus src */
void cpuset_andnot(struct cpuset *dst, const struct cpuset *src);
void cpuset_clear(struct cpuset *s, unsigned cpu);
/*
 * Parse "0-3,8,10-11" into s. Returns 0, or -1 with the reason (without the
 * subject) in err, e.g. "range '5-3' runs backwards".
 */
int cpuset_parse(struct cpuset *s, const char *text, struct strbuf *err);
/* Append the canonical list form ("0-3,8") to sb; "" for an empty set. */
void cpuset_format(const struct cpuset *s, struct strbuf *sb);
/*
 * The same with its label, for messages, so a list never reads as a count:
 * "CPU 43", "CPUs 2-5,7", "no CPU".
 */
void cpuset_format_label(const struct cpuset *s, struct strbuf *sb);

/* JSON array of the CPUs in set, as state.json and --json output write them (new reference). */
json_t *cpuset_to_json(const struct cpuset *set);

#endif
