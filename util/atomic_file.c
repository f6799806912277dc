/*
 * atomic_file.c - write-temp-then-rename (see atomic_file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/atomic_file.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* fsync the directory holding path, so the rename itself survives a crash. */
static int fsync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), ret = 0;

	if (fd < 0 || fsync(fd) < 0)
		ret = -1;
	if (fd >= 0)
		close(fd);
	free(dir);
	return ret;
}

int atomic_write_file(const char *path, const char *data, size_t len, unsigned flags, struct strbuf *err)
{
	char *tmp = xstrfmt("%s.tmp", path);
	/* O_NOFOLLOW: a symlink planted as PATH.tmp is not followed */
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	int ret = -1;

	if (fd < 0 || write_in_full(fd, data, len) < 0 || ((flags & ATOMIC_FSYNC) && fsync(fd) < 0) ||
	    close(fd) < 0 || (fd = -1, rename(tmp, path) < 0) || ((flags & ATOMIC_FSYNC) && fsync_dir(path) < 0)) {
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
