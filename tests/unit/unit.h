/*
 * unit.h - shared includes and helpers for the cmocka unit tests.
 */
#ifndef MVL_UNIT_H
#define MVL_UNIT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../util/strbuf.h"
#include "../../util/strvec.h"

#define UNIT_DATA "tests/unit/data/"

/*
 * Compare a whole vector with the NULL-terminated list of expected strings,
 * after git's check_strvec: on a mismatch print both sides and fail.
 */
static inline void check_strvec_list(const struct strvec *sv, const char **want, const char *file, int line)
{
	size_t i;

	for (i = 0; want[i] && i < sv->nr; i++) {
		if (strcmp(want[i], sv->v[i])) {
			print_error("%s:%d: argv[%zu] is '%s', expected '%s'\n", file, line, i, sv->v[i], want[i]);
			fail();
		}
	}
	if (want[i] || i != sv->nr) {
		print_error("%s:%d: argv has %zu entries, expected %zu\n", file, line, sv->nr, i + (want[i] ? 1 : 0));
		for (size_t j = 0; j < sv->nr; j++)
			print_error("  [%zu] %s\n", j, sv->v[j]);
		fail();
	}
}

#define check_argv(sv, ...) do { \
	const char *want_[] = { __VA_ARGS__, NULL }; \
	check_strvec_list((sv), want_, __FILE__, __LINE__); \
} while (0)

#endif
