/*
 * size.c - parse and format memory sizes (see size.h).
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/size.h"
#include "util/wrapper.h"
#include "util/banned.h"

static const struct {
	const char *unit;
	uint64_t mult;
} units[] = {
	{ "b", 1 }, { "bytes", 1 }, { "B", 1 },
	{ "KB", UINT64_C(1000) }, { "k", UINT64_C(1) << 10 }, { "K", UINT64_C(1) << 10 },
	{ "KiB", UINT64_C(1) << 10 },
	{ "MB", UINT64_C(1000000) }, { "M", UINT64_C(1) << 20 }, { "MiB", UINT64_C(1) << 20 },
	{ "GB", UINT64_C(1000000000) }, { "G", UINT64_C(1) << 30 }, { "GiB", UINT64_C(1) << 30 },
	{ "TB", UINT64_C(1000000000000) }, { "T", UINT64_C(1) << 40 }, { "TiB", UINT64_C(1) << 40 },
};

int size_parse(const char *text, uint64_t *bytes, struct strbuf *err)
{
	const char *p = text;
	unsigned long long v;
	char *end;

	if (!isdigit((unsigned char)*p)) {
		strbuf_addf(err, "'%s' is not a size (expected a number and a unit, e.g. \"16G\")", text);
		return -1;
	}
	errno = 0;
	v = strtoull(p, &end, 10);
	if (errno) {
		strbuf_addf(err, "'%s' is too large", text);
		return -1;
	}
	p = end;
	while (*p == ' ')
		p++;
	if (!*p) {
		strbuf_addf(err, "'%s' has no unit (write e.g. \"%sM\" or \"%sG\")", text, text, text);
		return -1;
	}
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(p, units[i].unit))
			continue;
		if (v > UINT64_MAX / units[i].mult) {
			strbuf_addf(err, "'%s' is too large", text);
			return -1;
		}
		*bytes = v * units[i].mult;
		return 0;
	}
	strbuf_addf(err, "'%s' has an unknown unit '%s' (use K, M, G, T, KiB.. or KB..)", text, p);
	return -1;
}

void size_format(uint64_t bytes, struct strbuf *sb)
{
	static const char suffix[] = "KMGT";
	int i = -1;

	while (i < 3 && bytes && !(bytes & 1023)) {
		bytes >>= 10;
		i++;
	}
	if (i < 0)
		strbuf_addf(sb, "%llub", (unsigned long long)bytes);
	else
		strbuf_addf(sb, "%llu%c", (unsigned long long)bytes, suffix[i]);
}
