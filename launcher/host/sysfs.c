/*
 * sysfs.c - kernel file access behind $MVLAUNCH_SYSROOT (see sysfs.h).
 *
 * The only place that knows a tree may be fake: the stand-ins for what the
 * kernel does on its own (cgroup control files, PCI driver binding, module
 * loading) are here, each used only when $MVLAUNCH_SYSROOT is set, so the
 * rest of mvlaunch runs the same code on a fake tree as on the host.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "launcher/host/sysfs.h"
#include "util/dl.h"
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

static int fake_pci_write(const char *path, const char *value, struct strbuf *err);

static const char *const fake_cgroup_files[] = { "cgroup.procs", "cpuset.cpus", "cpuset.mems" };

/* The stand-in control files: empty regular files DIR/NAME (dir as a real path). */
static void fake_files(const char *dir, const char *const *names, size_t n, mode_t mode)
{
	for (size_t i = 0; i < n; i++) {
		char *f = xstrfmt("%s/%s", dir, names[i]);
		int fd = open(f, O_WRONLY | O_CREAT | O_CLOEXEC, mode);

		if (fd >= 0)
			close(fd);
		free(f);
	}
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
	if (getenv("MVLAUNCH_SYSROOT") && fake_pci_write(path, value, NULL) < 0) {
		fail(err, "cannot write '%s' to '%s': %s", value, p, strerror(errno));
		free(p);
		return -1;
	}
	free(p);
	return 0;
}

char *sysfs_link_name(const char *path)
{
	char *p = sysfs_path(path), buf[PATH_MAX], *slash;
	ssize_t n = readlink(p, buf, sizeof(buf) - 1);

	free(p);
	if (n < 0)
		return NULL;
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	return xstrdup(slash ? slash + 1 : buf);
}

/* ---- stand-ins for the kernel in a fake tree ---- */

/* ROOT/sys/bus/pci/devices/ADDR/driver now points to driver X (NULL: to none). 0, or -1 with errno. */
static int fake_set_driver(const char *addr, const char *driver)
{
	char *link = xstrfmt("/sys/bus/pci/devices/%s/driver", addr), *p = sysfs_path(link);
	int ret = 0;

	if (unlink(p) < 0 && errno != ENOENT)
		ret = -1;
	if (ret == 0 && driver) {
		char *target = xstrfmt("../../../bus/pci/drivers/%s", driver);

		ret = symlink(target, p);
		free(target);
	}
	free(p);
	free(link);
	return ret;
}

/* See sysfs.h: the kernel's answer to a write of the PCI driver files. 0, or -1 with errno. */
static int fake_pci_write(const char *path, const char *value, struct strbuf *err)
{
	static const char drivers[] = "/sys/bus/pci/drivers/", devices[] = "/sys/bus/pci/devices/";
	char *addr = xstrndup(value, strcspn(value, "\n")), *cur = NULL, *drv = NULL, *p;
	struct strbuf o = STRBUF_INIT;
	const char *slash;
	int ret = 0, e = 0;

	if (!strncmp(path, devices, strlen(devices)) && (slash = strchr(path + strlen(devices), '/')) &&
	    !strcmp(slash, "/driver_override")) {
		if (!*addr)
			ret = sysfs_write(path, "(null)\n", err);	/* what the kernel shows for none */
		goto out;
	}
	if (!strcmp(path, "/sys/bus/pci/drivers_probe")) {
		p = xstrfmt("%s%s/driver_override", devices, addr);
		sysfs_read(p, &o, NULL);
		free(p);
		p = xstrfmt("%s%s/driver", devices, addr);
		cur = sysfs_link_name(p);
		free(p);
		p = xstrfmt("%s%s", drivers, o.buf);
		if (!cur && o.len && strcmp(o.buf, "(null)") && sysfs_exists(p))
			ret = fake_set_driver(addr, o.buf);
		free(p);
		goto out;
	}
	if (strncmp(path, drivers, strlen(drivers)) || !(slash = strchr(path + strlen(drivers), '/')) ||
	    (strcmp(slash, "/bind") && strcmp(slash, "/unbind")))
		goto out;	/* not a driver file: a plain file it stays */
	drv = xstrndup(path + strlen(drivers), (size_t)(slash - path - strlen(drivers)));
	p = xstrfmt("%s%s/driver", devices, addr);
	cur = sysfs_link_name(p);
	free(p);
	p = xstrfmt("%s%s/driver_override", devices, addr);
	sysfs_read(p, &o, NULL);
	free(p);
	if (!strcmp(slash, "/unbind")) {
		if (!cur || strcmp(cur, drv))
			e = ENODEV;
		else
			ret = fake_set_driver(addr, NULL);
	} else if (cur) {
		e = EBUSY;
	} else if (o.len && strcmp(o.buf, "(null)") && strcmp(o.buf, drv)) {
		e = ENODEV;
	} else {
		ret = fake_set_driver(addr, drv);
	}
out:
	if (e) {
		errno = e;
		ret = -1;
	}
	free(addr);
	free(cur);
	free(drv);
	strbuf_release(&o);
	return ret;
}

/* ---- kernel modules ---- */

/* The few libkmod calls used, declared here: libkmod.so.2 is loaded with dlopen() (see sysfs.h). */
static struct {
	int tried;
	void *(*ctx_new)(const char *dirname, const char *const *config_paths);
	void *(*ctx_unref)(void *ctx);
	int (*module_new_from_name)(void *ctx, const char *name, void **mod);
	int (*probe_insert)(void *mod, unsigned flags, const char *extra_options,
			    int (*run_install)(void *m, const char *cmdline, void *data), const void *data,
			    void (*print_action)(void *m, int install, const char *options));
	void *(*module_unref)(void *mod);
} kmod;

static int kmod_load(struct strbuf *err)
{
	static const char *const names[] = {
		"kmod_new", "kmod_unref", "kmod_module_new_from_name", "kmod_module_probe_insert_module",
		"kmod_module_unref",
	};
	void **const slots[] = {
		(void **)&kmod.ctx_new, (void **)&kmod.ctx_unref, (void **)&kmod.module_new_from_name,
		(void **)&kmod.probe_insert, (void **)&kmod.module_unref,
	};

	if (kmod.tried)
		return kmod.module_unref ? 0 : (strbuf_addstr(err, "libkmod.so.2 could not be loaded"), -1);
	kmod.tried = 1;
	return dl_symbols("libkmod.so.2", "load a kernel module", names, slots, sizeof(names) / sizeof(names[0]), err);
}

int sysfs_load_module(const char *module, const char *dir, struct strbuf *err)
{
	void *ctx = NULL, *mod = NULL;
	int r = 0, ret = -1;

	if (sysfs_exists(dir))
		return 0;
	if (getenv("MVLAUNCH_SYSROOT")) {
		/* the stand-in: the driver's directory with its control files */
		static const char *const files[] = { "bind", "unbind" };
		char *d = sysfs_path(dir);

		if (mkdir(d, 0755) < 0) {
			strbuf_addf(err, "cannot create '%s': %s", d, strerror(errno));
			free(d);
			return -1;
		}
		fake_files(d, files, ARRAY_SIZE(files), 0200);
		free(d);
		return 0;
	}
	if (kmod_load(err) < 0)
		goto out;
	if (!(ctx = kmod.ctx_new(NULL, NULL))) {
		strbuf_addf(err, "cannot load kernel module '%s': libkmod cannot read the module configuration", module);
		goto out;
	}
	if ((r = kmod.module_new_from_name(ctx, module, &mod)) < 0 || (r = kmod.probe_insert(mod, 0, NULL, NULL, NULL, NULL)) < 0) {
		strbuf_addf(err, "cannot load kernel module '%s': %s", module, strerror(-r));
		goto out;
	}
	if (!sysfs_exists(dir)) {
		strbuf_addf(err, "kernel module '%s' is loaded, but '%s' did not appear", module, dir);
		goto out;
	}
	ret = 0;
out:
	if (mod)
		kmod.module_unref(mod);
	if (ctx)
		kmod.ctx_unref(ctx);
	return ret;
}

int sysfs_mkdir(const char *path, struct strbuf *err)
{
	char *p = sysfs_path(path);
	int ret = 0;

	if (mkdir(p, 0755) < 0 && errno != EEXIST) {
		strbuf_addf(err, "cannot create '%s': %s", p, strerror(errno));
		ret = -1;
	} else if (getenv("MVLAUNCH_SYSROOT")) {
		fake_files(p, fake_cgroup_files, ARRAY_SIZE(fake_cgroup_files), 0644);
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
