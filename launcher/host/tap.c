/*
 * tap.c - open a VM's taps for QEMU, make and attach them to their bridge
 * (see tap.h).
 *
 * Does not start QEMU or pass the descriptors (launcher/vm/vm_up.c does, as
 * fds 4, 5, ... after QMP's 3), and keeps no record: nothing needs undoing.
 *
 * DESIGN
 * ioctl, not netlink: making a tap is an ioctl on /dev/net/tun anyway
 * (TUNSETIFF; netlink cannot hand back the descriptor), and the rest is
 * three more ioctls on a socket, SIOCGIFMTU/SIOCSIFMTU, SIOCBRADDIF and
 * SIOCGIFFLAGS/SIOCSIFFLAGS, each with an errno that says what went wrong.
 * libnl-route would add a library (and its allocation and error
 * conventions) for those three calls. The interface's kind comes from
 * SIOCETHTOOL's driver name ("bridge"; "tun" with bus "tap" or "tun"), not
 * /sys/class/net: sysfs shows the namespace of whoever mounted it, so a
 * process that entered a network namespace (nsenter --net) would read the
 * host's interfaces.
 *
 * Lifetime. A tap this file makes is not persistent: it lives while a
 * descriptor of it is open. vm_up.c closes ours right after QEMU has its
 * copies, so the tap goes when QEMU ends, however it ends (a crash, a
 * kill, 'down'), and a failed 'up' leaves none: no host state to record in
 * host.json or to clean after a crash. A tap that was there before
 * (net.ifname naming a persistent tap the user made, say with 'ip tuntap
 * add', maybe on a bridge of their own) is only opened: its flags, MTU,
 * bridge and owner stay as they are, and it stays when QEMU ends. A tap
 * that exists but is not persistent belongs to a running process (another
 * QEMU): refused, since a multi_queue one would let two VMs share it.
 * A bridge NIC's tap never exists beforehand: its name is the VM's
 * (qemu_argv_tap_name()), and one of that name means another VM whose
 * name hashes the same, or someone else's interface.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/ethtool.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "launcher/host/tap.h"
#include "launcher/qemu/qemu_argv.h"
#include "config/schema.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define TUN_DEV "/dev/net/tun"
#define VHOST_DEV "/dev/vhost-net"

static int ifreq_name(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	if (strlen(name) >= IFNAMSIZ)
		return -1;
	memcpy(ifr->ifr_name, name, strlen(name) + 1);
	return 0;
}

/* A socket for the interface ioctls, in our network namespace. */
static int if_socket(void)
{
	return socket(AF_LOCAL, SOCK_DGRAM | SOCK_CLOEXEC, 0);
}

enum tap_kind tap_kind(const char *ifname)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr;
	enum tap_kind kind = TAP_KIND_OTHER;
	int s;

	if (ifreq_name(&ifr, ifname) < 0 || !if_nametoindex(ifname))
		return TAP_KIND_NONE;
	s = if_socket();
	if (s < 0)
		return TAP_KIND_OTHER;
	ifr.ifr_data = (void *)&info;
	if (ioctl(s, SIOCETHTOOL, &ifr) == 0) {
		if (!strcmp(info.driver, "bridge"))
			kind = TAP_KIND_BRIDGE;
		else if (!strcmp(info.driver, "tun"))
			kind = !strcmp(info.bus_info, "tap") ? TAP_KIND_TAP : TAP_KIND_TUN;
	} else if (errno == ENODEV) {
		kind = TAP_KIND_NONE;	/* gone in between */
	}
	close(s);
	return kind;
}

/* "vms/web.toml:12" for key net[i].KEY (where the NIC starts when the key is a default). */
static char *where(const struct vm_config *cfg, size_t i, const char *key)
{
	struct config_loc loc = vm_config_item_loc(cfg, "net", i, key);

	return loc.line ? xstrfmt("%s:%u", cfg->file, loc.line) : xstrdup(cfg->file);
}

static void push_fd(struct vm_taps *t, int fd)
{
	ALLOC_GROW(t->fds, t->nr + 1, t->alloc);
	t->fds[t->nr++] = fd;
}

/* One queue of tap 'name': a descriptor, or -1 with the reason in err. */
static int open_queue(const struct vm_config *cfg, size_t i, const char *name, int existed, struct err *err)
{
	const struct vm_net *n = &cfg->nets[i];
	struct ifreq ifr;
	int fd, e;

	fd = open(TUN_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		e = errno;
		strbuf_addf(&err->msg, "cannot open '%s' for the tap '%s' of net[%zu]: %s", TUN_DEV, name, i, strerror(e));
		if (e == ENOENT || e == ENODEV)
			err_hintf(err, "load the tun module ('modprobe tun')");
		return -1;
	}
	ifreq_name(&ifr, name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | (n->queues > 1 ? IFF_MULTI_QUEUE : 0);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		strbuf_addf(&err->msg, "cannot %s tap '%s' (net[%zu]): %s", existed ? "open the" : "make the", name, i,
			    strerror(e));
		if (e == EBUSY)
			err_hintf(err, "another process (a QEMU?) holds it; see 'ip -d link show %s'", name);
		else if (e == EPERM)
			err_hintf(err, "making or opening a tap needs CAP_NET_ADMIN (run mvlaunch as root), "
				  "or a persistent tap owned by this user");
		else if (e == EINVAL && existed)
			err_hintf(err, "'%s' was made %s multi_queue, and net[%zu].queues = %u wants it %s: make it again "
				  "(ip tuntap del %s mode tap; ip tuntap add %s mode tap%s)", name,
				  n->queues > 1 ? "without" : "with", i, n->queues, n->queues > 1 ? "with" : "without",
				  name, name, n->queues > 1 ? " multi_queue" : "");
		close(fd);
		return -1;
	}
	if (existed) {
		/* someone's live tap (not persistent): never share it */
		if (ioctl(fd, TUNGETIFF, &ifr) == 0 && !(ifr.ifr_flags & IFF_PERSIST)) {
			strbuf_addf(&err->msg, "cannot open the tap '%s' (net[%zu]): it is not persistent, so another "
				    "process (a QEMU?) made it and holds it", name, i);
			err_hintf(err, "stop what holds it, or make a tap of its own for the VM "
				  "('ip tuntap add NAME mode tap%s') and set net[%zu].ifname in %s",
				  n->queues > 1 ? " multi_queue" : "", i, cfg->file);
			close(fd);
			return -1;
		}
	}
	return fd;
}

/* The new tap 'name': the bridge's MTU, attached to it (a bridge NIC), up. 0 or -1. */
static int setup_new(const struct vm_config *cfg, size_t i, const char *name, struct err *err)
{
	const struct vm_net *n = &cfg->nets[i];
	struct ifreq ifr;
	int s = if_socket(), ret = -1, mtu;

	if (s < 0) {
		strbuf_addf(&err->msg, "cannot set up the tap '%s' (net[%zu]): socket: %s", name, i, strerror(errno));
		return -1;
	}
	if (n->type == NET_BRIDGE) {
		/* the bridge's MTU first (as libvirt): joining with a smaller one would lower the bridge's */
		ifreq_name(&ifr, n->bridge);
		if (ioctl(s, SIOCGIFMTU, &ifr) == 0) {
			mtu = ifr.ifr_mtu;
			ifreq_name(&ifr, name);
			ifr.ifr_mtu = mtu;
			if (ioctl(s, SIOCSIFMTU, &ifr) < 0) {
				strbuf_addf(&err->msg, "cannot give the tap '%s' (net[%zu]) the MTU %d of bridge '%s': %s",
					    name, i, mtu, n->bridge, strerror(errno));
				goto out;
			}
		}
		ifreq_name(&ifr, n->bridge);
		ifr.ifr_ifindex = (int)if_nametoindex(name);
		if (!ifr.ifr_ifindex || ioctl(s, SIOCBRADDIF, &ifr) < 0) {
			int e = errno;

			strbuf_addf(&err->msg, "cannot attach the tap '%s' (net[%zu]) to bridge '%s': %s", name, i, n->bridge,
				    strerror(e));
			if (e == ENODEV || e == EOPNOTSUPP || e == EINVAL) {
				char *at = where(cfg, i, "bridge");

				err_hintf(err, "is '%s' a bridge of this network namespace? see 'ip -d link show %s'; "
					  "or fix net[%zu].bridge at %s", n->bridge, n->bridge, i, at);
				free(at);
			}
			goto out;
		}
	}
	ifreq_name(&ifr, name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0 || (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) < 0)) {
		strbuf_addf(&err->msg, "cannot set the tap '%s' (net[%zu]) up: %s", name, i, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	close(s);
	return ret;
}

/* The bridge of a bridge NIC is there, and a bridge; the tap a tap (when there). 0 or -1. */
static int check_ifs(const struct vm_config *cfg, size_t i, const char *name, int *existed, struct err *err)
{
	const struct vm_net *n = &cfg->nets[i];
	enum tap_kind k;
	char *at;

	if (n->type == NET_BRIDGE) {
		k = tap_kind(n->bridge);
		if (k != TAP_KIND_BRIDGE) {
			at = where(cfg, i, "bridge");
			strbuf_addf(&err->msg, "cannot attach net[%zu] to bridge '%s': %s", i, n->bridge,
				    k == TAP_KIND_NONE ? "no such interface in this network namespace" : "not a bridge");
			if (k == TAP_KIND_NONE)
				err_hintf(err, "make it ('ip link add %s type bridge && ip link set %s up'), or fix "
					  "net[%zu].bridge at %s", n->bridge, n->bridge, i, at);
			else
				err_hintf(err, "name a bridge ('ip -d link show type bridge' lists them) in net[%zu].bridge "
					  "at %s", i, at);
			free(at);
			return -1;
		}
	}
	k = tap_kind(name);
	*existed = k != TAP_KIND_NONE;
	if (*existed && n->type == NET_BRIDGE) {
		strbuf_addf(&err->msg, "cannot make the tap '%s' for net[%zu]: an interface of that name exists", name, i);
		err_hintf(err, "is it another VM's (their names hash alike)? see 'ip -d link show %s'; "
			  "rename this VM's config, or remove a leftover with 'ip link del %s'", name, name);
		return -1;
	}
	if (*existed && k != TAP_KIND_TAP) {
		at = where(cfg, i, "ifname");
		strbuf_addf(&err->msg, "cannot open the tap '%s' (net[%zu]): it is %s, not a tap", name, i,
			    k == TAP_KIND_TUN ? "a tun device" : "another kind of interface");
		err_hintf(err, "name a tap (or a name no interface has yet) in net[%zu].ifname at %s", i, at);
		free(at);
		return -1;
	}
	return 0;
}

static int open_nic(const struct vm_config *cfg, size_t i, struct vm_taps *t, struct err *err)
{
	const struct vm_net *n = &cfg->nets[i];
	char *name = qemu_argv_tap_name(cfg, i);
	size_t first = t->nr;
	int existed = 0, ret = -1, fd;

	if (check_ifs(cfg, i, name, &existed, err) < 0)
		goto out;
	for (unsigned q = 0; q < n->queues; q++) {
		if ((fd = open_queue(cfg, i, name, existed, err)) < 0)
			goto out;
		push_fd(t, fd);
	}
	if (!existed && setup_new(cfg, i, name, err) < 0)
		goto out;
	for (unsigned q = 0; n->vhost == 1 && q < n->queues; q++) {
		if ((fd = open(VHOST_DEV, O_RDWR | O_CLOEXEC)) < 0) {
			int e = errno;
			char *key = xstrfmt("net[%zu].vhost", i);

			schema_error(&err->msg, cfg->file, vm_config_item_loc(cfg, "net", i, "vhost"), key,
				     "cannot open '%s': %s", VHOST_DEV, strerror(e));
			err_hintf(err, "%s, or set vhost = false", e == ENOENT ? "load the vhost_net module ('modprobe "
				  "vhost_net')" : "run mvlaunch as root");
			free(key);
			goto out;
		}
		push_fd(t, fd);
	}
	ret = 0;
out:
	if (ret < 0) {
		/* this NIC's descriptors; a tap made here goes with the last */
		while (t->nr > first)
			close(t->fds[--t->nr]);
	}
	free(name);
	return ret;
}

int tap_open(const struct vm_config *cfg, struct vm_taps *t, struct err *err)
{
	for (size_t i = 0; i < cfg->nr_nets; i++) {
		if (!qemu_argv_net_fds(&cfg->nets[i]))
			continue;
		if (open_nic(cfg, i, t, err) < 0) {
			tap_close(t);
			return -1;
		}
	}
	return 0;
}

void tap_close(struct vm_taps *t)
{
	for (size_t i = 0; i < t->nr; i++)
		close(t->fds[i]);
	free(t->fds);
	t->fds = NULL;
	t->nr = t->alloc = 0;
}
