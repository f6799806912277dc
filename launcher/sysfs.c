/*
 * sysfs.c - kernel file access behind $MVLAUNCH_SYSROOT (see sysfs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sysfs.h"
#include "../util/wrapper.h"
#include "../util/banned.h"

char *sysfs_path(const char *path)
{
	const char *root = getenv("MVLAUNCH_SYSROOT");

	return xstrfmt("%s%s", root ? root : "", path);
}

int sysfs_exists(const char *path)
{
	char *p = sysfs_path(path);
	int r = access(p, F_OK) == 0;

	free(p);
	return r;
}

int sysfs_read(const char *path, struct strbuf *value, struct strbuf *err)
{
	char *p = sysfs_path(path);
	char buf[4096];
	ssize_t n;
	int fd = open(p, O_RDONLY | O_CLOEXEC);

	strbuf_reset(value);
	if (fd < 0) {
		strbuf_addf(err, "cannot read '%s': %s", p, strerror(errno));
		free(p);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(value, buf, (size_t)n);
	close(fd);
	if (n < 0) {
		strbuf_addf(err, "cannot read '%s': %s", p, strerror(errno));
		free(p);
		return -1;
	}
	while (value->len && (value->buf[value->len - 1] == '\n' || value->buf[value->len - 1] == ' '))
		strbuf_setlen(value, value->len - 1);
	free(p);
	return 0;
}

int sysfs_write(const char *path, const char *value, struct strbuf *err)
{
	char *p = sysfs_path(path);
	size_t len = strlen(value);
	int fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);	/* as a shell's ">" does */
	ssize_t n;

	if (fd < 0) {
		strbuf_addf(err, "cannot write '%s' to '%s': %s", value, p, strerror(errno));
		free(p);
		return -1;
	}
	n = write(fd, value, len);
	if (n != (ssize_t)len) {
		strbuf_addf(err, "cannot write '%s' to '%s': %s", value, p, n < 0 ? strerror(errno) : "short write");
		close(fd);
		free(p);
		return -1;
	}
	if (close(fd) < 0) {
		strbuf_addf(err, "cannot write '%s' to '%s': %s", value, p, strerror(errno));
		free(p);
		return -1;
	}
	free(p);
	return 0;
}
