/*
 * strbuf.h - a growable, always NUL-terminated string (after git's strbuf).
 *
 * A strbuf initialised with STRBUF_INIT owns no memory until something is
 * added; strbuf_release() frees it and leaves it ready for reuse. Modules
 * below launcher/ describe their errors into a caller's strbuf instead of
 * printing them (style rule R5).
 */
#ifndef MVL_STRBUF_H
#define MVL_STRBUF_H

#include <stdarg.h>
#include <stddef.h>

struct strbuf {
	size_t len;
	size_t alloc;
	char *buf;
};

extern char strbuf_empty[];
#define STRBUF_INIT { 0, 0, strbuf_empty }

void strbuf_grow(struct strbuf *sb, size_t extra);
void strbuf_add(struct strbuf *sb, const void *data, size_t len);
void strbuf_addstr(struct strbuf *sb, const char *s);
void strbuf_addch(struct strbuf *sb, int c);
void strbuf_addf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap);
void strbuf_setlen(struct strbuf *sb, size_t len);
#define strbuf_reset(sb) strbuf_setlen((sb), 0)
/* Hand the buffer to the caller (who frees it) and reset sb. Never NULL. */
char *strbuf_detach(struct strbuf *sb);
void strbuf_release(struct strbuf *sb);

/*
 * Append everything fd gives until end of file, in large reads (after git's
 * strbuf_read). Returns the bytes read, or -1 with errno (EFBIG: more than
 * max bytes; what was read stays in sb).
 */
long strbuf_read(struct strbuf *sb, int fd, size_t max);

/*
 * strbuf_read() of the file at path, opened with O_RDONLY | O_CLOEXEC |
 * oflags (O_NOFOLLOW, say). Returns the bytes read, or -1 with errno (the
 * open's, or EFBIG); the file is closed either way.
 */
long strbuf_read_file(struct strbuf *sb, const char *path, size_t max, int oflags);

#endif
