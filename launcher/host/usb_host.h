/*
 * usb_host.h - the host's USB devices, read from /sys/bus/usb/devices
 * (through sysfs.c, so $MVLAUNCH_SYSROOT gives tests a fake tree), and
 * which [[usb]] table names which of them.
 */
#ifndef MVL_USB_HOST_H
#define MVL_USB_HOST_H

#include "config/vm_config.h"
#include "util/strbuf.h"
#include "util/strvec.h"

struct usb_host_dev {
	char vendor[5], product[5];	/* "046d", "c52b" */
	unsigned bus;			/* busnum */
	unsigned devnum;		/* its node: /dev/bus/usb/BUS/DEVNUM (0: unknown) */
	char *port;			/* devpath: "2.1" */
	char *serial, *manufacturer, *name;	/* "" when the device has none */
};

/*
 * Every device on the host's USB buses but the root hubs, by bus then port.
 * No /sys/bus/usb (no USB, or not mounted) is an empty list. 0, or -1 with
 * the reason in err; free with usb_host_free().
 */
int usb_host_list(struct usb_host_dev **out, size_t *nr, struct strbuf *err);
void usb_host_free(struct usb_host_dev *d, size_t nr);

/* Whether device d is the one [[usb]] table u names (vendor:product and serial, or bus and port). */
int usb_host_match(const struct usb_host_dev *d, const struct vm_usb *u);

/* The first of d[0..nr-1] that u names, or NULL. */
const struct usb_host_dev *usb_host_find(const struct usb_host_dev *d, size_t nr, const struct vm_usb *u);

/* "046d:c52b (serial 123)" or "bus 1 port 2.1": how a message names u. Caller frees. */
char *usb_host_describe(const struct vm_usb *u);

/*
 * One line per [[usb]] of cfg that is not plugged in now, into 'out':
 * "usb[0] 046d:c52b is not plugged in: QEMU picks it up when it appears"
 * ('check' WARNs, 'up' notes; neither fails). Returns how many.
 */
size_t usb_host_missing(const struct vm_config *cfg, struct strvec *out);

#endif
