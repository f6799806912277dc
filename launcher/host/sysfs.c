/*
 * sysfs.c - kernel file access behind $MVLAUNCH_SYSROOT (see sysfs.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher/host/sysfs.h"
#include "util/wrapper.h"
#include "util/banned.h"

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

/* The reason, when the caller wants it (err may be NULL). */
static void fail(struct strbuf *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct strbuf *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	va_start(ap, fmt);
	strbuf_vaddf(err, fmt, ap);
	va_end(ap);
}

int sysfs_read(const char *path, struct strbuf *value, struct strbuf *err)
{
	char *p = sysfs_path(path);
	char buf[4096];
	ssize_t n;
	int fd = open(p, O_RDONLY | O_CLOEXEC);

	strbuf_reset(value);
	if (fd < 0) {
		fail(err, "cannot read '%s': %s", p, strerror(errno));
		free(p);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		strbuf_add(value, buf, (size_t)n);
	close(fd);
	if (n < 0) {
		fail(err, "cannot read '%s': %s", p, strerror(errno));
		free(p);
		return -1;
	}
	while (value->len && (value->buf[value->len - 1] == '\n' || value->buf[value->len - 1] == ' '))
		strbuf_setlen(value, value->len - 1);
	free(p);
	return 0;
}

int sysfs_read_long(const char *path, long *n, struct strbuf *err)
{
	struct strbuf v = STRBUF_INIT;
	int ret = sysfs_read(path, &v, err);

	if (ret == 0)
		*n = strtol(v.buf, NULL, 10);
	strbuf_release(&v);
	return ret;
}

int sysfs_write(const char *path, const char *value, struct strbuf *err)
{
	char *p = sysfs_path(path);
	size_t len = strlen(value);
	int fd = open(p, O_WRONLY | O_TRUNC | O_CLOEXEC);	/* as a shell's ">" does */
	ssize_t n;

	if (fd < 0) {
		fail(err, "cannot write '%s' to '%s': %s", value, p, strerror(errno));
		free(p);
		return -1;
	}
	n = write(fd, value, len);
	if (n != (ssize_t)len) {
		fail(err, "cannot write '%s' to '%s': %s", value, p, n < 0 ? strerror(errno) : "short write");
		close(fd);
		free(p);
		return -1;
	}
	if (close(fd) < 0) {
		fail(err, "cannot write '%s' to '%s': %s", value, p, strerror(errno));
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

static const char *const fake_cgroup_files[] = { "cgroup.procs", "cpuset.cpus", "cpuset.mems" };

int sysfs_mkdir(const char *path, struct strbuf *err)
{
	char *p = sysfs_path(path);
	int ret = 0;

	if (mkdir(p, 0755) < 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot create '%s': %s", p, strerror(errno));
		ret = -1;
	} else if (getenv("MVLAUNCH_SYSROOT")) {
		for (size_t i = 0; i < sizeof(fake_cgroup_files) / sizeof(fake_cgroup_files[0]); i++) {
			char *f = xstrfmt("%s/%s", p, fake_cgroup_files[i]);
			int fd = open(f, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

			if (fd >= 0)
				close(fd);
			free(f);
		}
	}
	free(p);
	return ret;
}

int sysfs_rmdir(const char *path, struct strbuf *err)
{
	char *p = sysfs_path(path);
	int ret = 0;

	if (getenv("MVLAUNCH_SYSROOT")) {
		for (size_t i = 0; i < sizeof(fake_cgroup_files) / sizeof(fake_cgroup_files[0]); i++) {
			char *f = xstrfmt("%s/%s", p, fake_cgroup_files[i]);

			unlink(f);
			free(f);
		}
	}
	if (rmdir(p) < 0 && errno != ENOENT) {
		strbuf_addf(err, "cannot remove '%s': %s", p, strerror(errno));
		ret = -1;
	}
	free(p);
	return ret;
}
