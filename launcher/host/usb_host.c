/*
 * usb_host.c - the host's USB devices from sysfs (see usb_host.h).
 *
 * A device is a directory of /sys/bus/usb/devices named BUS-PORT ("1-2.1");
 * its interfaces ("1-2.1:1.0") and the root hubs ("usb1") are skipped.
 * idVendor, idProduct, busnum and devpath are always there; serial,
 * manufacturer and product only when the device reports them.
 */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/host/usb_host.h"
#include "launcher/host/sysfs.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define USB_DEVICES "/sys/bus/usb/devices"

/* DIR/FILE of device 'dev' without its newline; "" when absent. Caller frees. */
static char *attr(const char *dev, const char *file)
{
	struct strbuf v = STRBUF_INIT;
	char *path = xstrfmt(USB_DEVICES "/%s/%s", dev, file);

	if (sysfs_read(path, &v, NULL) < 0)
		strbuf_reset(&v);
	free(path);
	return strbuf_detach(&v);
}

static int read_dev(const char *dev, struct usb_host_dev *d)
{
	char *vendor = attr(dev, "idVendor"), *product = attr(dev, "idProduct"), *bus = attr(dev, "busnum");
	char *end;
	int ok = strlen(vendor) == 4 && strlen(product) == 4 && *bus;

	memset(d, 0, sizeof(*d));
	if (ok) {
		memcpy(d->vendor, vendor, 5);
		memcpy(d->product, product, 5);
		d->bus = (unsigned)strtoul(bus, &end, 10);
		d->port = attr(dev, "devpath");
		{
			char *num = attr(dev, "devnum");

			d->devnum = (unsigned)strtoul(num, NULL, 10);
			free(num);
		}
		d->serial = attr(dev, "serial");
		d->manufacturer = attr(dev, "manufacturer");
		d->name = attr(dev, "product");
	}
	free(vendor);
	free(product);
	free(bus);
	return ok ? 0 : -1;
}

static int port_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		unsigned long x = strtoul(a, (char **)&a, 10), y = strtoul(b, (char **)&b, 10);

		if (x != y)
			return x < y ? -1 : 1;
		a += *a == '.';
		b += *b == '.';
	}
	return !!*a - !!*b;
}

static int dev_cmp(const void *pa, const void *pb)
{
	const struct usb_host_dev *a = pa, *b = pb;

	if (a->bus != b->bus)
		return a->bus < b->bus ? -1 : 1;
	return port_cmp(a->port, b->port);
}

int usb_host_list(struct usb_host_dev **out, size_t *nr, struct strbuf *err)
{
	char *path = sysfs_path(USB_DEVICES);
	DIR *dir = opendir(path);
	struct dirent *de;
	size_t alloc = 0;

	*out = NULL;
	*nr = 0;
	if (!dir) {
		free(path);
		(void)err;	/* no USB on this host: nothing to list */
		return 0;
	}
	while ((de = readdir(dir))) {
		if (de->d_name[0] == '.' || strchr(de->d_name, ':') || !strncmp(de->d_name, "usb", 3))
			continue;
		ALLOC_GROW(*out, *nr + 1, alloc);
		if (read_dev(de->d_name, &(*out)[*nr]) == 0)
			++*nr;
	}
	closedir(dir);
	free(path);
	if (*nr)
		qsort(*out, *nr, sizeof(**out), dev_cmp);
	return 0;
}

void usb_host_free(struct usb_host_dev *d, size_t nr)
{
	for (size_t i = 0; i < nr; i++) {
		free(d[i].port);
		free(d[i].serial);
		free(d[i].manufacturer);
		free(d[i].name);
	}
	free(d);
}

int usb_host_match(const struct usb_host_dev *d, const struct vm_usb *u)
{
	if (u->vendor)
		return !strcmp(d->vendor, u->vendor) && !strcmp(d->product, u->product) &&
		       (!u->serial || !strcmp(d->serial, u->serial));
	return d->bus == u->bus && u->port && !strcmp(d->port, u->port);
}

const struct usb_host_dev *usb_host_find(const struct usb_host_dev *d, size_t nr, const struct vm_usb *u)
{
	for (size_t i = 0; i < nr; i++)
		if (usb_host_match(&d[i], u))
			return &d[i];
	return NULL;
}

char *usb_host_describe(const struct vm_usb *u)
{
	if (!u->vendor)
		return xstrfmt("bus %u port %s", u->bus, u->port);
	if (u->serial)
		return xstrfmt("%s:%s (serial %s)", u->vendor, u->product, u->serial);
	return xstrfmt("%s:%s", u->vendor, u->product);
}

size_t usb_host_missing(const struct vm_config *cfg, struct strvec *out)
{
	struct usb_host_dev *d = NULL;
	size_t nr = 0, missing = 0;

	if (!cfg->nr_usb || usb_host_list(&d, &nr, NULL) < 0)
		return 0;
	for (size_t i = 0; i < cfg->nr_usb; i++) {
		char *what;

		if (usb_host_find(d, nr, &cfg->usb[i]))
			continue;
		what = usb_host_describe(&cfg->usb[i]);
		strvec_pushf(out, "usb[%zu] %s is not plugged in: QEMU picks it up when it appears", i, what);
		free(what);
		missing++;
	}
	usb_host_free(d, nr);
	return missing;
}
