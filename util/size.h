/*
 * size.h - memory sizes written with units, as in seed 002's table.
 *
 * Decimal units (KB, MB, GB, TB = 10^3..10^12) and binary ones
 * (K, k, KiB, M, MiB, G, GiB, T, TiB = 2^10..2^40); "b" and "bytes" are 1.
 * A number without a unit is refused, because nobody can tell whether
 * "1024" means bytes or MiB.
 */
#ifndef MVL_SIZE_H
#define MVL_SIZE_H

#include <stdint.h>

#include "util/strbuf.h"

/* Parse "16G", "512 MiB", "1.5G" is refused. 0 or -1 with the reason in err. */
int size_parse(const char *text, uint64_t *bytes, struct strbuf *err);
/* "16G", "512M", "1536M" or "123b": the largest binary unit that divides exactly. */
void size_format(uint64_t bytes, struct strbuf *sb);

#endif
