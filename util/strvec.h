/*
 * strvec.h - a NULL-terminated vector of owned strings (after git's strvec).
 *
 * Used for the QEMU argv: v is always NULL-terminated, so it goes straight to
 * execv(). Every pushed string is copied; strvec_clear() frees them all.
 */
#ifndef MVL_STRVEC_H
#define MVL_STRVEC_H

#include <stddef.h>

struct strvec {
	char **v;
	size_t nr;
	size_t alloc;
};

extern const char *strvec_empty[];
#define STRVEC_INIT { (char **)strvec_empty, 0, 0 }

void strvec_init(struct strvec *sv);
const char *strvec_push(struct strvec *sv, const char *s);
/* Take ownership of s (which must come from malloc). */
const char *strvec_push_nodup(struct strvec *sv, char *s);
const char *strvec_pushf(struct strvec *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Push every argument up to a terminating NULL. */
void strvec_pushl(struct strvec *sv, ...) __attribute__((sentinel));
void strvec_pushv(struct strvec *sv, const char **items);
void strvec_clear(struct strvec *sv);
/* Remove (and free) item i, keeping the order of the others. */
void strvec_remove(struct strvec *sv, size_t i);

#endif
