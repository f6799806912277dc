/*
 * atomic_file.h - replace a file so that readers see the old or the new
 * contents, never a mix: write PATH.tmp (0600, never through a symlink),
 * optionally fsync it and, after the rename, its directory.
 */
#ifndef MVL_ATOMIC_FILE_H
#define MVL_ATOMIC_FILE_H

#include <stddef.h>

#include "util/strbuf.h"

enum atomic_flags { ATOMIC_FSYNC = (1 << 0) };

/* 0, or -1 with "cannot write 'PATH': reason" in err (the temp file is removed). */
int atomic_write_file(const char *path, const char *data, size_t len, unsigned flags, struct strbuf *err);

#endif
