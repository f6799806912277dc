/*
 * wrapper.h - allocation helpers that never return NULL.
 *
 * Running out of memory while building a command line is not something the
 * caller can repair, so these abort with a message instead of returning NULL
 * (as git's wrapper.c does). Everything else in mvlaunch is checked.
 */
#ifndef MVL_WRAPPER_H
#define MVL_WRAPPER_H

#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* printf into a new string; the caller frees it. */
char *xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* write(2) until all of buf is written (EINTR retried); 0, or -1 with errno (after git's write_in_full). */
int write_in_full(int fd, const void *buf, size_t len);
/*
 * A stream socket (close-on-exec, blocking) connected to the unix socket at
 * path, or -1 with errno: ENAMETOOLONG, or connect(2)'s. The connect never
 * blocks for good: a listener whose queue is full (a QEMU that hangs, or
 * whose one client is served while others wait) is tried again every 5 ms
 * for timeout_ms (0: once), then EAGAIN.
 */
int unix_connect(const char *path, int timeout_ms);

/* Grow array 'x' (with 'nr' used, 'alloc' allocated) so that it holds at least 'n'. */
#define ALLOC_GROW(x, n, alloc)                                              \
	do {                                                                 \
		if ((n) > (alloc)) {                                         \
			(alloc) = (alloc) < 8 ? 8 : (alloc) * 2;             \
			if ((alloc) < (n))                                   \
				(alloc) = (n);                               \
			(x) = xrealloc((x), (alloc) * sizeof(*(x)));         \
		}                                                            \
	} while (0)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#endif
