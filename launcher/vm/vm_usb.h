/*
 * vm_usb.h - host USB devices in a running VM, over QMP ('mvlaunch usb
 * attach', 'usb detach', and what 'mvlaunch usb NAME' reads back).
 *
 * The config's [[usb]] tables are the usb-host devices "usb0", "usb1", ...
 * (qemu_argv.c); one attached live is "usb-VVVV-PPPP" (its vendor and
 * product), so detach and the listing find it from its id alone. Both
 * hang on the "xhci" controller a [display] or a [[usb]] gives the VM.
 * Attachments are live only: the next 'up' starts with the config's.
 */
#ifndef MVL_VM_USB_H
#define MVL_VM_USB_H

#include "launcher/vm/vm_handle.h"
#include "util/err.h"
#include "util/strvec.h"

/* "046d:c52b" -> vendor "046d", product "c52b" (lower-case). 0, or -1 with the reason in err. */
int vm_usb_parse_id(const char *arg, char vendor[5], char product[5], struct err *err);

/* The live attachment's device id: "usb-046d-c52b". Caller frees. */
char *vm_usb_id(const char *vendor, const char *product);

/* The usb-host devices of h's QEMU by id ("usb0", "usb-046d-c52b"). 0, or -1 with err. */
int vm_usb_devices(struct vm_handle *h, struct strvec *ids, struct err *err);

/* device_add a usb-host for vendor:product on bus xhci.0. 0, or -1 with the reason (and a hint). */
int vm_usb_attach(struct vm_handle *h, const char *vendor, const char *product, struct err *err);

/* device_del what vm_usb_attach() added, waiting for DEVICE_DELETED. 0, or -1 with the reason. */
int vm_usb_detach(struct vm_handle *h, const char *vendor, const char *product, struct err *err);

#endif
