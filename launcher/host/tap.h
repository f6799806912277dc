/*
 * tap.h - the taps of a VM's tap and bridge NICs, opened by mvlaunch and
 * handed to QEMU as descriptors: QEMU never opens /dev/net/tun, never runs
 * qemu-bridge-helper, and needs no privilege for its network.
 *
 * All of it acts in the network namespace mvlaunch runs in (no sysfs: a
 * process that only entered a namespace still sees the host's /sys/class/net).
 */
#ifndef MVL_TAP_H
#define MVL_TAP_H

#include "config/vm_config.h"
#include "util/err.h"

struct vm_taps {
	int *fds;	/* in qemu_argv_net_fds() order: NIC by NIC, its tap queues, then its vhost-net ones */
	size_t nr, alloc;
};

#define VM_TAPS_INIT { NULL, 0, 0 }

/*
 * Open the descriptors of every tap and bridge NIC of cfg, in the order
 * qemu_argv_build() numbers them (each NIC's qemu_argv_net_fds()):
 * /dev/net/tun with TUNSETIFF IFF_TAP|IFF_NO_PI|IFF_VNET_HDR (and
 * IFF_MULTI_QUEUE, once a queue, when net.queues > 1) on the NIC's tap
 * (qemu_argv_tap_name()), then with net.vhost one /dev/vhost-net a queue.
 * A tap that was not there is made, not persistent, given the bridge's MTU,
 * attached to net.bridge and set up; one that was there must be a
 * persistent tap and is only opened. 0, or -1 with the interface, the
 * reason and a hint in err; on failure nothing stays open (a tap made here
 * goes with its last descriptor). The caller closes t with tap_close().
 */
int tap_open(const struct vm_config *cfg, struct vm_taps *t, struct err *err);

/* Close every descriptor of t and empty it (again: nothing). */
void tap_close(struct vm_taps *t);

/* What a network interface of this namespace is (the ethtool driver of it). */
enum tap_kind { TAP_KIND_NONE, TAP_KIND_BRIDGE, TAP_KIND_TAP, TAP_KIND_TUN, TAP_KIND_OTHER };
enum tap_kind tap_kind(const char *ifname);

#endif
