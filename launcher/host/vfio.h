/*
 * vfio.h - PCI functions handed to vfio-pci and given back exactly, for
 * managed passthrough ([[passthrough]] managed = true).
 *
 * A device goes to a VM with its whole IOMMU group: every function of the
 * group but PCI bridges (class 0x0604xx, which stay with pcieport) must be
 * on vfio-pci before QEMU opens the group. Binding one: driver_override
 * "vfio-pci" (so no other driver grabs it), unbind from its driver, bind to
 * vfio-pci (loading the module first if /sys/bus/pci/drivers/vfio-pci is
 * missing). Giving it back: unbind from vfio-pci, driver_override as it was
 * ("\n" clears it: sysfs then shows "(null)"), bind to the driver it had
 * (drivers/X/bind, else drivers_probe), or leave it unbound if it had none.
 *
 * Every path goes through sysfs.c ($MVLAUNCH_SYSROOT). This file keeps no
 * record: host_prep.c writes the original driver and driver_override to
 * host.json before it calls vfio_bind().
 */
#ifndef MVL_VFIO_H
#define MVL_VFIO_H

#include "util/strbuf.h"
#include "util/strvec.h"

#define VFIO_DRIVER "vfio-pci"

/* Whether s is a PCI address as sysfs names it: "0000:01:00.0" (hex domain, bus, slot; function 0-7). */
int vfio_addr_ok(const char *s);
/* Whether s may be a driver name: 1-64 of [A-Za-z0-9_.-], not "." or ".." (it becomes a path component). */
int vfio_driver_ok(const char *s);

/* The IOMMU group of addr ("7"), NULL when it has none (IOMMU off) or does not exist. Caller frees. */
char *vfio_group(const char *addr);
/* Whether addr is a PCI bridge (class 0x0604xx). */
int vfio_is_bridge(const char *addr);
/* The driver addr is bound to now ("snd_hda_intel"), NULL when none. Caller frees. */
char *vfio_driver(const char *addr);
/* Its driver_override now: "" when none (sysfs shows "(null)"). Caller frees. */
char *vfio_override(const char *addr);

/*
 * The functions of addr's IOMMU group, bridges excepted, in address order,
 * appended to out where not there yet. 0, or -1 with why in err (no such
 * device, no IOMMU group).
 */
int vfio_group_functions(const char *addr, struct strvec *out, struct strbuf *err);

/* Bind addr to vfio-pci (see above); already there: nothing. 0, or -1 with the reason in err. */
int vfio_bind(const char *addr, struct strbuf *err);

/*
 * Give addr back: off vfio-pci, driver_override set to 'override' ("" for
 * none), bound to 'driver' (NULL: left unbound). A function someone bound
 * to a third driver meanwhile is left on it. 0, or -1 with the reason in err.
 */
int vfio_restore(const char *addr, const char *driver, const char *override, struct strbuf *err);

#endif
