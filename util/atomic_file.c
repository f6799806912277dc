/*
 * atomic_file.c - write-temp-then-rename (see atomic_file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "wrapper.h"
#include "banned.h"

int atomic_write_file(const char *path, const char *data, size_t len, unsigned flags, struct strbuf *err)
{
	char *tmp = xstrfmt("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	int ret = -1;

	if (fd < 0 || write(fd, data, len) != (ssize_t)len || ((flags & ATOMIC_FSYNC) && fsync(fd) < 0) ||
	    close(fd) < 0 || (fd = -1, rename(tmp, path) < 0)) {
		strbuf_addf(err, "cannot write '%s': %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		goto out;
	}
	ret = 0;
out:
	free(tmp);
	return ret;
}
