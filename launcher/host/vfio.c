/*
 * vfio.c - bind PCI functions to vfio-pci and give them back (see vfio.h).
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/host/vfio.h"
#include "launcher/host/sysfs.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define DEVICES "/sys/bus/pci/devices/"
#define DRIVERS "/sys/bus/pci/drivers/"

static int hex_run(const char **s, size_t n)
{
	for (size_t i = 0; i < n; i++, (*s)++)
		if (!((**s >= '0' && **s <= '9') || (**s >= 'a' && **s <= 'f')))
			return 0;
	return 1;
}

int vfio_addr_ok(const char *s)
{
	return s && strlen(s) == 12 && hex_run(&s, 4) && *s++ == ':' && hex_run(&s, 2) && *s++ == ':' &&
	       hex_run(&s, 2) && *s++ == '.' && *s >= '0' && *s <= '7';
}

int vfio_driver_ok(const char *s)
{
	size_t n = s ? strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") : 0;

	return n && n <= 64 && !s[n] && strcmp(s, ".") && strcmp(s, "..");
}

/* DEVICES ADDR/WHAT; caller frees. */
static char *dev_file(const char *addr, const char *what)
{
	return xstrfmt(DEVICES "%s/%s", addr, what);
}

char *vfio_group(const char *addr)
{
	char *p = dev_file(addr, "iommu_group"), *g = sysfs_link_name(p);

	free(p);
	return g;
}

int vfio_is_bridge(const char *addr)
{
	struct strbuf cls = STRBUF_INIT;
	char *p = dev_file(addr, "class");
	int bridge = sysfs_read(p, &cls, NULL) == 0 && !strncmp(cls.buf, "0x0604", 6);

	free(p);
	strbuf_release(&cls);
	return bridge;
}

char *vfio_driver(const char *addr)
{
	char *p = dev_file(addr, "driver"), *d = sysfs_link_name(p);

	free(p);
	return d;
}

char *vfio_override(const char *addr)
{
	struct strbuf v = STRBUF_INIT;
	char *p = dev_file(addr, "driver_override");

	if (sysfs_read(p, &v, NULL) < 0 || !strcmp(v.buf, "(null)"))
		strbuf_reset(&v);
	free(p);
	return strbuf_detach(&v);
}

static int has(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

int vfio_group_functions(const char *addr, struct strvec *out, struct strbuf *err)
{
	char *group, *dir, *p;
	struct dirent **names = NULL;
	int n;

	p = xstrfmt(DEVICES "%s", addr);
	if (!sysfs_exists(p)) {
		strbuf_addf(err, "PCI device %s does not exist", addr);
		free(p);
		return -1;
	}
	free(p);
	if (!(group = vfio_group(addr))) {
		strbuf_addf(err, "PCI device %s has no IOMMU group (the IOMMU is off)", addr);
		return -1;
	}
	p = xstrfmt("/sys/kernel/iommu_groups/%s/devices", group);
	dir = sysfs_path(p);
	n = scandir(dir, &names, NULL, alphasort);
	if (n < 0) {
		strbuf_addf(err, "cannot list IOMMU group %s of %s ('%s')", group, addr, dir);
	} else {
		for (int i = 0; i < n; i++) {
			if (vfio_addr_ok(names[i]->d_name) && !vfio_is_bridge(names[i]->d_name) && !has(out, names[i]->d_name))
				strvec_push(out, names[i]->d_name);
			free(names[i]);
		}
		free(names);
	}
	free(dir);
	free(p);
	free(group);
	return n < 0 ? -1 : 0;
}

/* Write addr to DRIVERS DRIVER/WHAT ("bind", "unbind"). */
static int driver_write(const char *driver, const char *what, const char *addr, struct strbuf *err)
{
	char *p = xstrfmt(DRIVERS "%s/%s", driver, what);
	int ret = sysfs_write(p, addr, err);

	free(p);
	return ret;
}

static int set_override(const char *addr, const char *value, struct strbuf *err)
{
	char *p = dev_file(addr, "driver_override");
	int ret = sysfs_write(p, *value ? value : "\n", err);	/* "\n" clears it */

	free(p);
	return ret;
}

/* Bind addr to driver: drivers/X/bind, else drivers_probe (which follows driver_override); then read back. */
static int bind_to(const char *addr, const char *driver, struct strbuf *err)
{
	struct strbuf e = STRBUF_INIT;
	char *now;
	int ret = 0;

	if (driver_write(driver, "bind", addr, &e) < 0)
		sysfs_write("/sys/bus/pci/drivers_probe", addr, NULL);
	now = vfio_driver(addr);
	if (!now || strcmp(now, driver)) {
		strbuf_addf(err, "cannot bind PCI device %s to %s%s%s", addr, driver, e.len ? ": " : " (it is on ",
			    e.len ? e.buf : now ? now : "no driver");
		if (!e.len)
			strbuf_addch(err, ')');
		ret = -1;
	}
	free(now);
	strbuf_release(&e);
	return ret;
}

int vfio_bind(const char *addr, struct strbuf *err)
{
	char *cur = vfio_driver(addr);
	int ret = -1;

	if (cur && !strcmp(cur, VFIO_DRIVER)) {
		free(cur);
		return 0;
	}
	if (sysfs_load_module("vfio_pci", DRIVERS VFIO_DRIVER, err) < 0 || set_override(addr, VFIO_DRIVER, err) < 0)
		goto out;
	if (cur && driver_write(cur, "unbind", addr, err) < 0)
		goto out;
	ret = bind_to(addr, VFIO_DRIVER, err);
out:
	free(cur);
	return ret;
}

int vfio_restore(const char *addr, const char *driver, const char *override, struct strbuf *err)
{
	char *cur = vfio_driver(addr), *ovr = vfio_override(addr);
	int ret = -1;

	if (cur && strcmp(cur, VFIO_DRIVER) && (!driver || strcmp(cur, driver))) {
		ret = 0;	/* someone bound it to a third driver: theirs now */
		goto out;
	}
	if (cur && !strcmp(cur, VFIO_DRIVER) && (!driver || strcmp(driver, VFIO_DRIVER)) &&
	    driver_write(VFIO_DRIVER, "unbind", addr, err) < 0)
		goto out;
	if (strcmp(ovr, override) && set_override(addr, override, err) < 0)
		goto out;
	free(cur);
	cur = vfio_driver(addr);
	if (driver && !cur && bind_to(addr, driver, err) < 0)
		goto out;
	ret = 0;
out:
	free(cur);
	free(ovr);
	return ret;
}
