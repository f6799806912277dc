/*
 * vm_usb.c - host USB devices in a running VM over QMP (see vm_usb.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "launcher/vm/vm_usb.h"
#include "launcher/vm/vm_confine.h"
#include "launcher/host/usb_host.h"
#include "qmp/qmp_cmds.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* How long QEMU gets to report a device_del done (USB unplugs at once). */
#define DETACH_WAIT_MS 5000

int vm_usb_parse_id(const char *arg, char vendor[5], char product[5], struct err *err)
{
	if (strlen(arg) != 9 || arg[4] != ':' || strspn(arg, "0123456789abcdefABCDEF") != 4 ||
	    strspn(arg + 5, "0123456789abcdefABCDEF") != 4) {
		strbuf_addf(&err->msg, "'%s' is not a USB device's vendor:product like 046d:c52b", arg);
		err_hintf(err, "'mvlaunch usb' lists the host's devices with theirs");
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		vendor[i] = (char)tolower((unsigned char)arg[i]);
		product[i] = (char)tolower((unsigned char)arg[5 + i]);
	}
	vendor[4] = product[4] = '\0';
	return 0;
}

char *vm_usb_id(const char *vendor, const char *product)
{
	return xstrfmt("usb-%s-%s", vendor, product);
}

static int has(const struct strvec *sv, const char *s)
{
	for (size_t i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

int vm_usb_devices(struct vm_handle *h, struct strvec *ids, struct err *err)
{
	if (vm_handle_need_qmp(h, err) < 0)
		return -1;
	return qmp_qom_children(h->qmp, "/machine/peripheral", "usb-host", ids, &err->msg);
}

int vm_usb_attach(struct vm_handle *h, const char *vendor, const char *product, struct err *err)
{
	struct strvec xhci = STRVEC_INIT, ids = STRVEC_INIT;
	char *id = vm_usb_id(vendor, product);
	int ret = -1;

	if (vm_handle_need_qmp(h, err) < 0 ||
	    qmp_qom_children(h->qmp, "/machine/peripheral", "qemu-xhci", &xhci, &err->msg) < 0 ||
	    vm_usb_devices(h, &ids, err) < 0)
		goto out;
	if (!has(&xhci, "xhci")) {
		strbuf_addf(&err->msg, "'%s' has no USB controller to attach to", h->rt.name);
		err_hintf(err, "a [[usb]] table or a [display] gives it one (qemu-xhci); add either and restart the VM");
		goto out;
	}
	if (has(&ids, id)) {
		strbuf_addf(&err->msg, "%s:%s is already attached to '%s' (device '%s')", vendor, product, h->rt.name, id);
		goto out;
	}
	{
		/* QEMU (not root) opens the device's node: each matching one, in its /dev or granted */
		struct usb_host_dev *devs = NULL;
		size_t nr = 0;
		int bad = 0;

		if (usb_host_list(&devs, &nr, &err->msg) < 0)
			goto out;
		for (size_t i = 0; i < nr && !bad; i++) {
			char *node;

			if (strcmp(devs[i].vendor, vendor) || strcmp(devs[i].product, product) || !devs[i].devnum)
				continue;
			node = xstrfmt("/dev/bus/usb/%03u/%03u", devs[i].bus, devs[i].devnum);
			bad = vm_confine_hot(h->rt.name, h->state.pid, node, GRANT_R | GRANT_W, "usb device", err) < 0;
			free(node);
		}
		usb_host_free(devs, nr);
		if (bad)
			goto out;
	}
	ret = qmp_execute(h->qmp, "device_add",
			  json_pack("{s:s,s:s,s:s,s:i,s:i}", "driver", "usb-host", "id", id, "bus", "xhci.0",
				    "vendorid", (int)strtol(vendor, NULL, 16), "productid", (int)strtol(product, NULL, 16)),
			  NULL, &err->msg);
out:
	strvec_clear(&xhci);
	strvec_clear(&ids);
	free(id);
	return ret;
}

int vm_usb_detach(struct vm_handle *h, const char *vendor, const char *product, struct err *err)
{
	struct strvec ids = STRVEC_INIT;
	char *id = vm_usb_id(vendor, product);
	int ret = -1;

	if (vm_usb_devices(h, &ids, err) < 0)
		goto out;
	if (!has(&ids, id)) {
		strbuf_addf(&err->msg, "%s:%s is not attached to '%s' live", vendor, product, h->rt.name);
		err_hintf(err, "'mvlaunch usb %s' lists what it has; a [[usb]] table's device leaves with the config's "
			  "table and a restart", h->rt.name);
		goto out;
	}
	ret = qmp_device_del(h->qmp, id, DETACH_WAIT_MS, &err->msg);
out:
	strvec_clear(&ids);
	free(id);
	return ret;
}
