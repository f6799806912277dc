/*
 * vm_config.c - the key table and the schema layer for VM configs.
 *
 * Reads the tree from toml.c against vm_keys[] (style rule R11): each row is
 * one dotted key with its type, default, range, the QEMU option it becomes
 * and the seed it comes from. The parser, the defaults and the reference in
 * README.md ('mvlaunch help config') all come from this one table.
 *
 * DESIGN
 * Schema errors do not stop at the first: every bad key in a file is reported
 * at once, one "FILE:LINE:COL: key 'x': reason" line each, because fixing a
 * config one error per run is tedious. Syntax errors stop the TOML parser at
 * once, since nothing after them can be trusted. Settings that QEMU has no
 * equivalent for (libvirt's rtc catchup threshold, say) are accepted and
 * named in a warning, never dropped in silence.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vm_config.h"
#include "toml.h"
#include "../util/size.h"
#include "../util/wrapper.h"
#include "../util/banned.h"

#define MAX_CONFIG_BYTES (1 << 20)

enum key_type {
	KEY_STRING,
	KEY_PATH,	/* string; relative paths are taken from the config's directory */
	KEY_BOOL,	/* int, TRI_UNSET when no default */
	KEY_UINT,	/* unsigned */
	KEY_INT,	/* int, -1 when unset */
	KEY_ENUM,	/* int, index into .values */
	KEY_SIZE,	/* uint64_t bytes */
	KEY_STRLIST,	/* struct strvec */
	KEY_CPUSET,	/* struct cpuset, with int flag at .offset2 */
	KEY_CUSTOM,	/* .parse does it */
	KEY_IGNORED,	/* accepted, warned about, no effect */
	KEY_TABLES,	/* [[array of tables]] with .sub rows */
};

struct load_ctx;
struct config_key;

typedef int (*key_check_fn)(char **value, struct strbuf *why);
typedef int (*key_parse_fn)(struct load_ctx *ctx, const struct config_key *k,
			    void *base, const struct toml_node *n, const char *name);
typedef void *(*key_add_fn)(struct vm_config *cfg);

struct config_key {
	const char *name;
	enum key_type type;
	size_t offset, offset2;
	long long min, max;
	const char *const *values;
	const char *def;
	int required;
	key_check_fn check;
	key_parse_fn parse;
	const struct config_key *sub;	/* KEY_TABLES */
	key_add_fn add;			/* KEY_TABLES: append one item, return it */
	const char *qemu;
	const char *seed;
	const char *doc;
};

struct load_ctx {
	const char *file;
	char *dir;
	struct vm_config *cfg;
	struct strbuf *err;
	struct config_loc *locs;	/* of the current item or of cfg */
	const struct config_key *rows;	/* the table locs is indexed by */
};

#define OFF(f) offsetof(struct vm_config, f)
#define DOFF(f) offsetof(struct vm_disk, f)
#define NOFF(f) offsetof(struct vm_net, f)
#define POFF(f) offsetof(struct vm_passthrough, f)
#define HOFF(f) (offsetof(struct vm_config, hv) + offsetof(struct vm_hyperv, f))

static const char *const accel_names[] = { "kvm", "tcg", NULL };
static const char *const firmware_names[] = { "bios", "uefi", NULL };
static const char *const iommu_names[] = { "none", "intel", NULL };
static const char *const hugepage_names[] = { "none", "2M", "1G", NULL };
static const char *const source_names[] = { "memfd", "file", "anonymous", NULL };
static const char *const access_names[] = { "private", "shared", NULL };
static const char *const policy_names[] = { "bind", "preferred", "interleave", NULL };
static const char *const rtc_names[] = { "", "catchup", "delay", NULL };
static const char *const track_names[] = { "", "guest", "wall", "realtime", NULL };
static const char *const pit_names[] = { "", "delay", "discard", NULL };
static const char *const format_names[] = { "raw", "qcow2", NULL };
static const char *const bus_names[] = { "virtio", "scsi", "sata", NULL };
static const char *const cache_names[] = { "none", "writeback", "writethrough", "directsync", "unsafe", NULL };
static const char *const aio_names[] = { "threads", "native", "io_uring", NULL };
static const char *const net_names[] = { "tap", "bridge", "user", NULL };
static const char *const model_names[] = { "virtio", "e1000e", NULL };

/* ---- value checks (a value can be rewritten, e.g. normalised) ---- */

static int check_name(char **v, struct strbuf *why)
{
	const char *s = *v;
	size_t len = strlen(s);

	if (!len || len > VM_NAME_MAX || !isalnum((unsigned char)s[0])) {
		strbuf_addf(why, "must be 1..%d characters and start with a letter or digit", VM_NAME_MAX);
		return -1;
	}
	for (; *s; s++) {
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.') {
			strbuf_addf(why, "'%c' is not allowed (use letters, digits, '-', '_' and '.')", *s);
			return -1;
		}
	}
	return 0;
}

static int check_machine(char **v, struct strbuf *why)
{
	const char *s = *v;

	if (!strcmp(s, "q35"))
		return 0;
	if (!strncmp(s, "pc-q35-", 7) && s[7]) {
		for (s += 7; *s; s++)
			if (!isdigit((unsigned char)*s) && *s != '.')
				break;
		if (!*s)
			return 0;
	}
	strbuf_addf(why, "'%s' is not a q35 machine type (use \"q35\" or a versioned one such as \"pc-q35-7.2\")", *v);
	return -1;
}

static int check_cpu_model(char **v, struct strbuf *why)
{
	for (const char *s = *v; *s; s++) {
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.') {
			strbuf_addf(why, "'%s' is not a CPU model name", *v);
			return -1;
		}
	}
	if (!**v) {
		strbuf_addstr(why, "must not be empty");
		return -1;
	}
	return 0;
}

static int check_feature(char **v, struct strbuf *why)
{
	const char *s = *v;

	if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s)) {
		strbuf_addf(why, "'%s' is not a CPU feature name (QEMU spelling, e.g. \"avx2\", \"lahf_lm\", \"sse4.2\")", *v);
		return -1;
	}
	for (; *s; s++) {
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) && *s != '_' && *s != '-' && *s != '.') {
			strbuf_addf(why, "'%s' is not a CPU feature name (QEMU spelling, e.g. \"avx2\", \"lahf_lm\", \"sse4.2\")", *v);
			return -1;
		}
	}
	return 0;
}

static int check_vendor_id(char **v, struct strbuf *why)
{
	size_t len = strlen(*v);

	if (!len || len > 12) {
		strbuf_addf(why, "must be 1..12 characters, got %zu (QEMU would cut it)", len);
		return -1;
	}
	for (const char *s = *v; *s; s++) {
		if (*s < 0x20 || *s > 0x7e) {
			strbuf_addstr(why, "must be printable ASCII");
			return -1;
		}
		/*
		 * QEMU 7.2 splits -cpu at every comma (x86_cpu_parse_featurestr
		 * has no ",," escape), so a comma here would inject CPU options.
		 */
		if (*s == ',') {
			strbuf_addstr(why, "must not contain ',' (QEMU's -cpu parser cannot escape it)");
			return -1;
		}
	}
	return 0;
}

static int check_clock_base(char **v, struct strbuf *why)
{
	const char *s = *v;
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";

	if (!strcmp(s, "utc") || !strcmp(s, "localtime"))
		return 0;
	if (strlen(s) == sizeof(shape) - 1) {
		size_t i;

		for (i = 0; shape[i]; i++)
			if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
				break;
		if (!shape[i])
			return 0;
		if (s[i] == ' ' && i == 10) {
			(*v)[10] = 'T';
			return 0;
		}
	}
	strbuf_addf(why, "'%s' is not \"utc\", \"localtime\" or a start time like \"2020-01-01T00:00:00\"", s);
	return -1;
}

static int check_mac(char **v, struct strbuf *why)
{
	const char *s = *v;
	unsigned first;

	if (strlen(s) != 17)
		goto bad;
	for (int i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			goto bad;
	}
	first = (unsigned)strtoul(s, NULL, 16);
	if (first & 1) {
		strbuf_addf(why, "'%s' is a multicast address (the first byte must be even)", s);
		return -1;
	}
	for (char *p = *v; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
bad:
	strbuf_addf(why, "'%s' is not a MAC address like \"52:54:00:12:34:56\"", s);
	return -1;
}

static int check_pci(char **v, struct strbuf *why)
{
	unsigned dom = 0, bus, slot, fn;
	int n = 0;
	const char *s = *v;
	size_t len = strlen(s);

	if (len == 12 && sscanf(s, "%4x:%2x:%2x.%1x%n", &dom, &bus, &slot, &fn, &n) == 4 && n == 12)
		;
	else if (len == 7 && sscanf(s, "%2x:%2x.%1x%n", &bus, &slot, &fn, &n) == 3 && n == 7)
		;
	else
		goto bad;
	for (const char *p = s; *p; p++)
		if (!isxdigit((unsigned char)*p) && *p != ':' && *p != '.')
			goto bad;
	if (slot > 0x1f || fn > 7)
		goto bad;
	free(*v);
	*v = xstrfmt("%04x:%02x:%02x.%x", dom, bus, slot, fn);
	return 0;
bad:
	strbuf_addf(why, "'%s' is not a PCI address like \"0000:01:00.0\" (see lspci -D)", s);
	return -1;
}

static int check_serial(char **v, struct strbuf *why)
{
	size_t len = strlen(*v);

	if (!len || len > 20) {
		strbuf_addstr(why, "must be 1..20 characters (virtio-blk's limit)");
		return -1;
	}
	for (const char *s = *v; *s; s++) {
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.') {
			strbuf_addf(why, "'%c' is not allowed (use letters, digits, '-', '_' and '.')", *s);
			return -1;
		}
	}
	return 0;
}

static int check_ifname(char **v, struct strbuf *why)
{
	size_t len = strlen(*v);

	if (!len || len > 15) {
		strbuf_addstr(why, "must be 1..15 characters (the kernel's IFNAMSIZ)");
		return -1;
	}
	for (const char *s = *v; *s; s++) {
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s) || *s < 0x21 || *s > 0x7e) {
			strbuf_addf(why, "'%s' is not a network interface name", *v);
			return -1;
		}
	}
	return 0;
}

static int check_hostfwd(char **v, struct strbuf *why)
{
	if (strncmp(*v, "tcp:", 4) && strncmp(*v, "udp:", 4)) {
		strbuf_addf(why, "'%s' must look like \"tcp:127.0.0.1:2222-:22\"", *v);
		return -1;
	}
	if (!strchr(*v, '-')) {
		strbuf_addf(why, "'%s' has no '-' between host and guest side", *v);
		return -1;
	}
	return 0;
}

static int check_nonempty(char **v, struct strbuf *why)
{
	if (!**v) {
		strbuf_addstr(why, "must not be empty");
		return -1;
	}
	return 0;
}

/* ---- custom parsers ---- */

static int parse_topology(struct load_ctx *ctx, const struct config_key *k, void *base,
			  const struct toml_node *n, const char *name);
static int parse_vcpu_pins(struct load_ctx *ctx, const struct config_key *k, void *base,
			   const struct toml_node *n, const char *name);
static void *add_disk(struct vm_config *cfg);
static void *add_net(struct vm_config *cfg);
static void *add_pci(struct vm_config *cfg);

static const struct config_key disk_keys[] = {
	{ .name = "path", .type = KEY_PATH, .offset = DOFF(path), .required = 1, .check = check_nonempty,
	  .qemu = "-blockdev {\"driver\":\"file\",\"filename\":PATH}", .seed = "001",
	  .doc = "disk image; relative paths are taken from the config's directory" },
	{ .name = "format", .type = KEY_ENUM, .offset = DOFF(format), .values = format_names, .def = "raw",
	  .qemu = "-blockdev {\"driver\":FORMAT}", .doc = "image format; never probed, so a raw image cannot pose as qcow2" },
	{ .name = "bus", .type = KEY_ENUM, .offset = DOFF(bus), .values = bus_names, .def = "virtio",
	  .qemu = "virtio-blk-pci | virtio-scsi-pci + scsi-hd | ide-hd on the q35 AHCI", .doc = "how the guest sees the disk" },
	{ .name = "iothread", .type = KEY_BOOL, .offset = DOFF(iothread), .def = "false",
	  .qemu = "-object iothread,id=ioN + iothread=ioN", .seed = "001",
	  .doc = "give the disk its own I/O thread (pinned to pinning.iothreads)" },
	{ .name = "cache", .type = KEY_ENUM, .offset = DOFF(cache), .values = cache_names, .def = "none",
	  .qemu = "\"cache\":{\"direct\",\"no-flush\"} + write-cache", .doc = "host page cache use; none = O_DIRECT" },
	{ .name = "aio", .type = KEY_ENUM, .offset = DOFF(aio), .values = aio_names, .def = "native",
	  .qemu = "\"aio\"", .doc = "native needs cache none or directsync" },
	{ .name = "readonly", .type = KEY_BOOL, .offset = DOFF(readonly), .def = "false",
	  .qemu = "\"read-only\":true", .doc = "attach read-only" },
	{ .name = "discard", .type = KEY_BOOL, .offset = DOFF(discard), .def = "false",
	  .qemu = "\"discard\":\"unmap\"", .doc = "pass guest TRIM/discard to the image" },
	{ .name = "serial", .type = KEY_STRING, .offset = DOFF(serial), .check = check_serial,
	  .qemu = "serial=", .doc = "serial number the guest sees" },
	{ .name = NULL },
};

static const struct config_key net_keys[] = {
	{ .name = "type", .type = KEY_ENUM, .offset = NOFF(type), .values = net_names, .def = "user",
	  .qemu = "-netdev {\"type\":TYPE}", .doc = "tap (an existing or new tap device), bridge (qemu-bridge-helper), user (slirp)" },
	{ .name = "ifname", .type = KEY_STRING, .offset = NOFF(ifname), .check = check_ifname,
	  .qemu = "\"ifname\"", .doc = "tap device name (type tap)" },
	{ .name = "bridge", .type = KEY_STRING, .offset = NOFF(bridge), .check = check_ifname,
	  .qemu = "\"br\"", .doc = "bridge to join (type bridge; required there)" },
	{ .name = "vhost", .type = KEY_BOOL, .offset = NOFF(vhost), .def = "false",
	  .qemu = "\"vhost\":true,\"vhostforce\":true", .seed = "001",
	  .doc = "in-kernel virtio-net data path (tap only); vhostforce makes a missing /dev/vhost-net a clean error instead of QEMU 7.2's abort" },
	{ .name = "mac", .type = KEY_STRING, .offset = NOFF(mac), .check = check_mac,
	  .qemu = "\"mac\"", .doc = "default: 52:54:00 plus three bytes derived from the VM name and the NIC's index" },
	{ .name = "model", .type = KEY_ENUM, .offset = NOFF(model), .values = model_names, .def = "virtio",
	  .qemu = "-device virtio-net-pci | e1000e", .doc = "NIC model" },
	{ .name = "queues", .type = KEY_UINT, .offset = NOFF(queues), .min = 1, .max = 64, .def = "1",
	  .qemu = "\"queues\" + mq=on,vectors=2N+2", .doc = "multiqueue virtio-net (tap only)" },
	{ .name = "hostfwd", .type = KEY_STRLIST, .offset = NOFF(hostfwd), .check = check_hostfwd,
	  .qemu = "\"hostfwd\":[{\"str\":...}]", .doc = "port forwards for type user, e.g. [\"tcp:127.0.0.1:2222-:22\"]" },
	{ .name = NULL },
};

static const struct config_key pci_keys[] = {
	{ .name = "host", .type = KEY_STRING, .offset = POFF(host), .required = 1, .check = check_pci,
	  .qemu = "-device {\"driver\":\"vfio-pci\",\"host\":ADDR}", .seed = "002",
	  .doc = "host PCI address to pass through (bound to vfio-pci)" },
	{ .name = "multifunction", .type = KEY_BOOL, .offset = POFF(multifunction), .def = "false",
	  .qemu = "\"multifunction\":true", .seed = "002",
	  .doc = "later entries on the same host bus:slot (e.g. the GPU's audio function) become functions of this guest slot" },
	{ .name = "vga", .type = KEY_BOOL, .offset = POFF(vga), .def = "false",
	  .qemu = "\"x-vga\":true", .seed = "002", .doc = "primary VGA device (GPU passthrough)" },
	{ .name = "rombar", .type = KEY_BOOL, .offset = POFF(rombar),
	  .qemu = "\"rombar\":0|1", .doc = "expose the device ROM BAR (unset: QEMU's default)" },
	{ .name = "romfile", .type = KEY_PATH, .offset = POFF(romfile), .check = check_nonempty,
	  .qemu = "\"romfile\"", .doc = "ROM image to expose instead of the device's own" },
	{ .name = NULL },
};

static const struct config_key vm_keys[] = {
	{ .name = "name", .type = KEY_STRING, .offset = OFF(name), .check = check_name,
	  .qemu = "-name guest=NAME,debug-threads=on", .doc = "VM name; default: the file name without .toml" },

	{ .name = "machine.type", .type = KEY_STRING, .offset = OFF(machine_type), .def = "q35", .check = check_machine,
	  .qemu = "-machine TYPE", .seed = "001", .doc = "q35, or a versioned pc-q35-X.Y for a stable guest ABI" },
	{ .name = "machine.accel", .type = KEY_ENUM, .offset = OFF(accel), .values = accel_names, .def = "kvm",
	  .qemu = "-accel kvm|tcg", .doc = "tcg emulates (slow) where KVM cannot run a guest" },
	{ .name = "machine.firmware", .type = KEY_ENUM, .offset = OFF(firmware), .values = firmware_names, .def = "bios",
	  .qemu = "-blockdev (OVMF) + -machine pflash0=,pflash1=", .seed = "002",
	  .doc = "uefi: OVMF code read-only plus a per-VM copy of the vars template" },
	{ .name = "machine.secure_boot", .type = KEY_BOOL, .offset = OFF(secure_boot), .def = "false",
	  .qemu = "-machine smm=on + -global cfi.pflash01.secure=on", .doc = "Secure Boot OVMF with Microsoft keys; needs uefi and SMM" },
	{ .name = "machine.ovmf_code", .type = KEY_PATH, .offset = OFF(ovmf_code), .check = check_nonempty,
	  .qemu = "pflash0", .doc = "default: /usr/share/OVMF/OVMF_CODE_4M.fd (.ms.fd with secure_boot)" },
	{ .name = "machine.ovmf_vars", .type = KEY_PATH, .offset = OFF(ovmf_vars), .check = check_nonempty,
	  .qemu = "template of pflash1", .doc = "default: /usr/share/OVMF/OVMF_VARS_4M.fd (.ms.fd with secure_boot)" },
	{ .name = "machine.nvram", .type = KEY_PATH, .offset = OFF(nvram), .check = check_nonempty,
	  .qemu = "pflash1", .doc = "the VM's own vars file; default: $MVLAUNCH_STATEDIR (/var/lib/mvlaunch)/NAME/OVMF_VARS.fd" },
	{ .name = "machine.iommu", .type = KEY_ENUM, .offset = OFF(iommu), .values = iommu_names, .def = "none",
	  .qemu = "-device intel-iommu,intremap=on,caching-mode=on,device-iotlb=on + kernel-irqchip=split", .seed = "001",
	  .doc = "virtual IOMMU for nested passthrough" },
	{ .name = "machine.hidden", .type = KEY_BOOL, .offset = OFF(hidden), .def = "false",
	  .qemu = "-cpu ...,kvm=off", .seed = "002",
	  .doc = "hide KVM from the guest; also turns off kvmclock and every KVM PV feature" },
	{ .name = "machine.acpi", .type = KEY_BOOL, .offset = OFF(acpi), .def = "true",
	  .qemu = "-machine acpi=off when false", .seed = "002", .doc = "ACPI tables (needed for ACPI shutdown)" },

	{ .name = "cpu.model", .type = KEY_STRING, .offset = OFF(cpu_model), .def = "host", .check = check_cpu_model,
	  .qemu = "-cpu MODEL", .seed = "000", .doc = "host (= libvirt host-passthrough, KVM only) or a QEMU model (max for TCG)" },
	{ .name = "cpu.vcpus", .type = KEY_UINT, .offset = OFF(vcpus), .min = 1, .max = VM_MAX_VCPUS, .def = "1",
	  .qemu = "-smp N", .seed = "000", .doc = "number of vCPUs" },
	{ .name = "cpu.topology", .type = KEY_CUSTOM, .parse = parse_topology,
	  .qemu = "-smp N,sockets=,dies=,cores=,threads=", .seed = "000",
	  .doc = "{ sockets, cores, threads } (dies optional) or \"auto\"; default: 1 socket, N cores, 1 thread" },
	{ .name = "cpu.topology.sockets", .type = KEY_UINT, .offset = OFF(sockets), .min = 1, .max = VM_MAX_VCPUS,
	  .qemu = "sockets=", .doc = "guest sockets" },
	{ .name = "cpu.topology.dies", .type = KEY_UINT, .offset = OFF(dies), .min = 1, .max = VM_MAX_VCPUS,
	  .qemu = "dies=", .doc = "guest dies per socket (default 1)" },
	{ .name = "cpu.topology.cores", .type = KEY_UINT, .offset = OFF(cores), .min = 1, .max = VM_MAX_VCPUS,
	  .qemu = "cores=", .doc = "guest cores per die" },
	{ .name = "cpu.topology.threads", .type = KEY_UINT, .offset = OFF(threads), .min = 1, .max = 8,
	  .qemu = "threads=", .doc = "guest threads per core; 2 pairs vCPU 2k and 2k+1 as siblings" },
	{ .name = "cpu.require", .type = KEY_STRLIST, .offset = OFF(cpu_require), .check = check_feature,
	  .qemu = "-cpu ...,FEATURE=on", .seed = "000", .doc = "features the guest must see (libvirt policy='require')" },
	{ .name = "cpu.disable", .type = KEY_STRLIST, .offset = OFF(cpu_disable), .check = check_feature,
	  .qemu = "-cpu ...,FEATURE=off", .seed = "000", .doc = "features hidden from the guest (policy='disable')" },
	{ .name = "cpu.enforce", .type = KEY_BOOL, .offset = OFF(enforce), .def = "false",
	  .qemu = "-cpu ...,enforce=on", .doc = "refuse to start when a required feature is missing (QEMU otherwise only warns)" },
	{ .name = "cpu.migratable", .type = KEY_BOOL, .offset = OFF(migratable),
	  .qemu = "-cpu host,migratable=on|off", .doc = "hide host features that block migration (model host)" },
	{ .name = "cpu.l3_cache", .type = KEY_BOOL, .offset = OFF(l3_cache), .def = "true",
	  .qemu = "-cpu ...,l3-cache=on|off", .seed = "000, 001", .doc = "report a virtual L3 cache to the guest" },
	{ .name = "cpu.host_cache_info", .type = KEY_BOOL, .offset = OFF(host_cache_info), .def = "false",
	  .qemu = "-cpu ...,host-cache-info=on", .doc = "pass the host's cache layout instead (excludes l3_cache)" },
	{ .name = "cpu.pmu", .type = KEY_BOOL, .offset = OFF(pmu),
	  .qemu = "-cpu ...,pmu=on|off", .seed = "000", .doc = "virtual performance counters" },
	{ .name = "cpu.cpu_pm", .type = KEY_BOOL, .offset = OFF(cpu_pm), .def = "false",
	  .qemu = "-overcommit cpu-pm=on", .seed = "004",
	  .doc = "guest HLT/PAUSE/C-states without exits: only for dedicated, isolated vCPUs" },
	{ .name = "cpu.hint_dedicated", .type = KEY_BOOL, .offset = OFF(hint_dedicated),
	  .qemu = "-cpu ...,kvm-hint-dedicated=on", .seed = "004", .doc = "tell the guest its vCPUs are dedicated" },
	{ .name = "cpu.hyperv.relaxed", .type = KEY_BOOL, .offset = HOFF(relaxed), .qemu = "hv-relaxed=on", .seed = "002",
	  .doc = "Hyper-V: no watchdog timeouts in Windows" },
	{ .name = "cpu.hyperv.vapic", .type = KEY_BOOL, .offset = HOFF(vapic), .qemu = "hv-vapic=on", .seed = "002",
	  .doc = "Hyper-V: virtual APIC assist" },
	{ .name = "cpu.hyperv.spinlocks", .type = KEY_UINT, .offset = HOFF(spinlocks), .min = 0xfff, .max = 0xffffffffLL,
	  .qemu = "hv-spinlocks=0xN", .seed = "002", .doc = "Hyper-V: spinlock retries (8191 in the seed)" },
	{ .name = "cpu.hyperv.vendor_id", .type = KEY_STRING, .offset = HOFF(vendor_id), .check = check_vendor_id,
	  .qemu = "hv-vendor-id=", .seed = "002", .doc = "Hyper-V vendor id, at most 12 characters" },
	{ .name = "cpu.hyperv.time", .type = KEY_BOOL, .offset = HOFF(time), .qemu = "hv-time=on", .seed = "002",
	  .doc = "Hyper-V reference clock (same as clock.hypervclock)" },
	{ .name = "cpu.hyperv.vpindex", .type = KEY_BOOL, .offset = HOFF(vpindex), .qemu = "hv-vpindex=on", .doc = "Hyper-V VP index" },
	{ .name = "cpu.hyperv.synic", .type = KEY_BOOL, .offset = HOFF(synic), .qemu = "hv-synic=on", .doc = "Hyper-V SynIC (needs vpindex)" },
	{ .name = "cpu.hyperv.stimer", .type = KEY_BOOL, .offset = HOFF(stimer), .qemu = "hv-stimer=on",
	  .doc = "Hyper-V synthetic timers (needs synic and time)" },
	{ .name = "cpu.hyperv.reset", .type = KEY_BOOL, .offset = HOFF(reset), .qemu = "hv-reset=on", .doc = "Hyper-V reset MSR" },
	{ .name = "cpu.hyperv.frequencies", .type = KEY_BOOL, .offset = HOFF(frequencies), .qemu = "hv-frequencies=on",
	  .doc = "Hyper-V TSC/APIC frequency MSRs" },
	{ .name = "cpu.hyperv.runtime", .type = KEY_BOOL, .offset = HOFF(runtime), .qemu = "hv-runtime=on", .doc = "Hyper-V VP runtime" },
	{ .name = "cpu.hyperv.tlbflush", .type = KEY_BOOL, .offset = HOFF(tlbflush), .qemu = "hv-tlbflush=on",
	  .doc = "Hyper-V PV TLB flush (needs vpindex)" },
	{ .name = "cpu.hyperv.ipi", .type = KEY_BOOL, .offset = HOFF(ipi), .qemu = "hv-ipi=on", .doc = "Hyper-V PV IPI (needs vpindex)" },
	{ .name = "cpu.hyperv.passthrough", .type = KEY_BOOL, .offset = HOFF(passthrough), .qemu = "hv-passthrough=on",
	  .doc = "every enlightenment the host supports" },

	{ .name = "pinning.vcpus", .type = KEY_CUSTOM, .parse = parse_vcpu_pins,
	  .qemu = "(sched_setaffinity on each vCPU thread)", .seed = "000, 002, 004",
	  .doc = "one CPU list per vCPU, one list for all, or \"auto\" (planner)" },
	{ .name = "pinning.emulator", .type = KEY_CPUSET, .offset = OFF(emulator_pin), .offset2 = OFF(has_emulator_pin),
	  .qemu = "(affinity of QEMU's other threads)", .seed = "002", .doc = "CPUs for QEMU's main and helper threads" },
	{ .name = "pinning.iothreads", .type = KEY_CPUSET, .offset = OFF(iothread_pin), .offset2 = OFF(has_iothread_pin),
	  .qemu = "(affinity of the iothreads)", .seed = "001", .doc = "CPUs for the disk I/O threads" },
	{ .name = "pinning.realtime", .type = KEY_BOOL, .offset = OFF(realtime), .def = "false",
	  .qemu = "(SCHED_FIFO on vCPU threads)", .doc = "real-time vCPUs; only sane on isolated CPUs" },

	{ .name = "memory.size", .type = KEY_SIZE, .offset = OFF(mem_bytes), .def = "1G",
	  .qemu = "-m MiB + memory backend size", .seed = "002", .doc = "guest RAM: \"16G\", \"512M\", \"16GiB\", \"16GB\" (10^9)" },
	{ .name = "memory.hugepages", .type = KEY_ENUM, .offset = OFF(hugepages), .values = hugepage_names, .def = "none",
	  .qemu = "\"hugetlb\":true,\"hugetlbsize\" (memfd) or mem-path on hugetlbfs", .seed = "001, 002",
	  .doc = "back guest RAM with huge pages" },
	{ .name = "memory.locked", .type = KEY_BOOL, .offset = OFF(locked), .def = "false",
	  .qemu = "-overcommit mem-lock=on", .seed = "001", .doc = "lock guest RAM (and QEMU) in host RAM" },
	{ .name = "memory.merge", .type = KEY_BOOL, .offset = OFF(merge),
	  .qemu = "-machine mem-merge=off + \"merge\":false", .seed = "001",
	  .doc = "KSM may merge guest pages; false = libvirt <nosharepages/>" },
	{ .name = "memory.prealloc", .type = KEY_BOOL, .offset = OFF(prealloc), .def = "false",
	  .qemu = "\"prealloc\":true", .seed = "001", .doc = "allocate all guest RAM at start (allocation immediate)" },
	{ .name = "memory.prealloc_threads", .type = KEY_UINT, .offset = OFF(prealloc_threads), .min = 1, .max = 1024,
	  .qemu = "\"prealloc-threads\"", .doc = "threads that preallocate (with prealloc)" },
	{ .name = "memory.source", .type = KEY_ENUM, .offset = OFF(source), .values = source_names, .def = "memfd",
	  .qemu = "memory-backend-memfd|file|ram", .seed = "001", .doc = "memory backend type" },
	{ .name = "memory.path", .type = KEY_PATH, .offset = OFF(mem_path), .check = check_nonempty,
	  .qemu = "\"mem-path\"", .doc = "directory for source file; default /dev/hugepages (2M), /dev/hugepages1G (1G), /dev/shm" },
	{ .name = "memory.access", .type = KEY_ENUM, .offset = OFF(access), .values = access_names, .def = "private",
	  .qemu = "\"share\":false|true", .seed = "001", .doc = "shared is needed for vhost-user" },
	{ .name = "memory.discard", .type = KEY_BOOL, .offset = OFF(discard), .def = "false",
	  .qemu = "\"discard-data\":true", .seed = "001", .doc = "drop the file's pages at exit (source file only)" },
	{ .name = "memory.dump_core", .type = KEY_BOOL, .offset = OFF(dump_core),
	  .qemu = "-machine dump-guest-core=on|off", .doc = "include guest RAM in QEMU core dumps" },
	{ .name = "memory.numa_node", .type = KEY_INT, .offset = OFF(numa_node), .min = 0, .max = 1023,
	  .qemu = "\"host-nodes\":[N],\"policy\"", .seed = "001", .doc = "host NUMA node to take guest RAM from" },
	{ .name = "memory.numa_policy", .type = KEY_ENUM, .offset = OFF(numa_policy), .values = policy_names, .def = "bind",
	  .qemu = "\"policy\"", .seed = "001", .doc = "how strictly (with numa_node)" },

	{ .name = "clock.base", .type = KEY_STRING, .offset = OFF(clock_base), .def = "utc", .check = check_clock_base,
	  .qemu = "-rtc base=", .seed = "000, 002", .doc = "utc, localtime (Windows) or a start time" },
	{ .name = "clock.rtc", .type = KEY_ENUM, .offset = OFF(rtc), .values = rtc_names,
	  .qemu = "-rtc ...,driftfix=slew (catchup)", .seed = "000, 002", .doc = "RTC lost-tick policy: catchup or delay" },
	{ .name = "clock.track", .type = KEY_ENUM, .offset = OFF(track), .values = track_names,
	  .qemu = "-rtc ...,clock=vm|host|rt", .seed = "000", .doc = "what the RTC follows: guest, wall, realtime" },
	{ .name = "clock.catchup.threshold", .type = KEY_IGNORED, .seed = "000", .qemu = "none",
	  .doc = "libvirt-only; QEMU has no equivalent (ignored with a warning)" },
	{ .name = "clock.catchup.slew", .type = KEY_IGNORED, .seed = "000", .qemu = "none",
	  .doc = "libvirt-only; QEMU has no equivalent (ignored with a warning)" },
	{ .name = "clock.catchup.limit", .type = KEY_IGNORED, .seed = "000", .qemu = "none",
	  .doc = "libvirt-only; QEMU has no equivalent (ignored with a warning)" },
	{ .name = "clock.pit", .type = KEY_ENUM, .offset = OFF(pit), .values = pit_names,
	  .qemu = "-global kvm-pit.lost_tick_policy=", .seed = "000, 002", .doc = "PIT lost-tick policy: delay or discard (KVM only)" },
	{ .name = "clock.hpet", .type = KEY_BOOL, .offset = OFF(hpet),
	  .qemu = "-machine hpet=off", .seed = "000, 002", .doc = "HPET timer (false in the seeds)" },
	{ .name = "clock.kvmclock", .type = KEY_BOOL, .offset = OFF(kvmclock),
	  .qemu = "-cpu ...,kvmclock=on|off", .seed = "002", .doc = "KVM paravirtual clock" },
	{ .name = "clock.hypervclock", .type = KEY_BOOL, .offset = OFF(hypervclock),
	  .qemu = "-cpu ...,hv-time=on", .seed = "000, 002", .doc = "Hyper-V reference clock (same as cpu.hyperv.time)" },

	{ .name = "disk", .type = KEY_TABLES, .sub = disk_keys, .add = add_disk, .doc = "[[disk]] tables" },
	{ .name = "net", .type = KEY_TABLES, .sub = net_keys, .add = add_net, .doc = "[[net]] tables" },
	{ .name = "passthrough", .type = KEY_TABLES, .sub = pci_keys, .add = add_pci, .doc = "[[passthrough]] tables" },

	{ .name = "boot.kernel", .type = KEY_PATH, .offset = OFF(kernel), .check = check_nonempty,
	  .qemu = "-kernel", .doc = "direct kernel boot" },
	{ .name = "boot.initrd", .type = KEY_PATH, .offset = OFF(initrd), .check = check_nonempty,
	  .qemu = "-initrd", .doc = "initramfs (with kernel)" },
	{ .name = "boot.append", .type = KEY_STRING, .offset = OFF(append),
	  .qemu = "-append", .doc = "kernel command line (with kernel)" },

	{ .name = "qemu.binary", .type = KEY_STRING, .offset = OFF(qemu_binary), .def = "qemu-system-x86_64", .check = check_nonempty,
	  .qemu = "argv[0]", .doc = "QEMU to run (looked up in PATH without a '/')" },
	{ .name = "qemu.extra_args", .type = KEY_STRLIST, .offset = OFF(extra_args),
	  .qemu = "appended as they are", .seed = "000, 001",
	  .doc = "escape hatch like <qemu:commandline>: passed unescaped, at the end" },
	{ .name = "qemu.sandbox", .type = KEY_BOOL, .offset = OFF(sandbox), .def = "true",
	  .qemu = "-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
	  .doc = "seccomp filter as libvirt uses it (spawn allowed for bridge NICs)" },
	{ .name = NULL },
};

_Static_assert(ARRAY_SIZE(vm_keys) <= VM_MAX_KEYS, "raise VM_MAX_KEYS");

/* ---- generic machinery ---- */

static int row_index(const struct config_key *rows, const char *name)
{
	for (int i = 0; rows[i].name; i++)
		if (!strcmp(rows[i].name, name))
			return i;
	return -1;
}

static const struct config_key *find_row(const struct config_key *rows, const char *name)
{
	int i = row_index(rows, name);

	return i < 0 ? NULL : &rows[i];
}

static int has_prefix_rows(const struct config_key *rows, const char *prefix)
{
	size_t len = strlen(prefix);

	for (int i = 0; rows[i].name; i++)
		if (!strncmp(rows[i].name, prefix, len) && rows[i].name[len] == '.')
			return 1;
	return 0;
}

static void add_line(struct strbuf *sb, const char *file, struct config_loc loc,
		     const char *key, const char *fmt, va_list ap)
{
	if (sb->len && sb->buf[sb->len - 1] != '\n')
		strbuf_addch(sb, '\n');
	if (loc.line)
		strbuf_addf(sb, "%s:%d:%d: ", file, loc.line, loc.col);
	else
		strbuf_addf(sb, "%s: ", file);
	if (key)
		strbuf_addf(sb, "key '%s': ", key);
	strbuf_vaddf(sb, fmt, ap);
}

static int cfg_error(struct strbuf *err, const char *file, struct config_loc loc, const char *key,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static int cfg_error(struct strbuf *err, const char *file, struct config_loc loc, const char *key,
		     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_line(err, file, loc, key, fmt, ap);
	va_end(ap);
	return -1;
}

static void cfg_warn(struct vm_config *cfg, struct config_loc loc, const char *key,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void cfg_warn(struct vm_config *cfg, struct config_loc loc, const char *key,
		     const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	add_line(&sb, cfg->file, loc, key, fmt, ap);
	va_end(ap);
	strvec_push_nodup(&cfg->warnings, strbuf_detach(&sb));
}

static struct config_loc node_loc(const struct toml_node *n)
{
	struct config_loc l = { n->line, n->col };

	return l;
}

static int type_error(struct load_ctx *ctx, const struct toml_node *n, const char *name, const char *want)
{
	return cfg_error(ctx->err, ctx->file, node_loc(n), name, "expected %s, got %s %s",
			 want, n->type == TOML_INT || n->type == TOML_ARRAY ? "an" : "a", toml_type_name(n->type));
}

static size_t levenshtein(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t *row = xcalloc(lb + 1, sizeof(*row));
	size_t res;

	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);

			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	res = row[lb];
	free(row);
	return res;
}

static const char *suggest(const struct config_key *rows, const char *name)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1;
	size_t limit = strlen(name) / 3 + 1;

	if (limit > 3)
		limit = 3;
	for (int i = 0; rows[i].name; i++) {
		size_t d = levenshtein(name, rows[i].name);
		const char *dot = strrchr(rows[i].name, '.');

		/* 'vcpu' under [cpu] should find cpu.vcpus; so should 'cpu.vcpu' */
		if (dot) {
			const char *nd = strrchr(name, '.');
			size_t tail = levenshtein(nd ? nd + 1 : name, dot + 1);

			if (tail < d && !strncmp(name, rows[i].name, (size_t)(dot - rows[i].name)))
				d = tail;
		}
		if (d < best_d) {
			best_d = d;
			best = rows[i].name;
		}
	}
	return best_d <= limit ? best : NULL;
}

static int unknown_key(struct load_ctx *ctx, const struct config_key *rows, const struct toml_node *n,
		       const char *name, const char *local)
{
	const char *s = suggest(rows, local);

	if (s) {
		const char *dot = strrchr(name, '.');
		int item = rows != vm_keys;

		/* for [[disk]] items show "disk[0].format" */
		if (item && dot)
			return cfg_error(ctx->err, ctx->file, node_loc(n), NULL,
					 "unknown key '%s' (did you mean '%.*s.%s'?)", name, (int)(dot - name), name, s);
		return cfg_error(ctx->err, ctx->file, node_loc(n), NULL, "unknown key '%s' (did you mean '%s'?)", name, s);
	}
	return cfg_error(ctx->err, ctx->file, node_loc(n), NULL, "unknown key '%s'", name);
}

/* An unknown [section]: suggest the nearest known one. */
static int unknown_table(struct load_ctx *ctx, const struct config_key *rows, const struct toml_node *n,
			 const char *name, const char *full)
{
	char *best = NULL;
	size_t best_d = (size_t)-1;
	size_t limit = strlen(full) / 3 + 1;

	for (int i = 0; rows[i].name; i++) {
		const char *dot = rows[i].name;

		while ((dot = strchr(dot, '.'))) {
			char *sec = xstrndup(rows[i].name, (size_t)(dot - rows[i].name));
			size_t d = levenshtein(full, sec);

			if (d < best_d) {
				free(best);
				best = sec;
				best_d = d;
			} else {
				free(sec);
			}
			dot++;
		}
	}
	if (best && best_d <= limit && best_d <= 3)
		cfg_error(ctx->err, ctx->file, node_loc(n), NULL, "unknown table '[%s]' (did you mean '[%s]'?)", name, best);
	else
		cfg_error(ctx->err, ctx->file, node_loc(n), NULL, "unknown table '[%s]'", name);
	free(best);
	return -1;
}

static char *resolve_path(struct load_ctx *ctx, const char *value)
{
	if (value[0] == '/' || !ctx->dir)
		return xstrdup(value);
	return xstrfmt("%s/%s", ctx->dir, value);
}

static int parse_leaf(struct load_ctx *ctx, const struct config_key *k, void *base,
		      const struct toml_node *n, const char *name)
{
	char *field = (char *)base + k->offset;
	struct strbuf why = STRBUF_INIT;
	int ret = -1;

	switch (k->type) {
	case KEY_STRING:
	case KEY_PATH: {
		char *v;

		if (n->type != TOML_STRING)
			return type_error(ctx, n, name, "a string");
		v = k->type == KEY_PATH && n->str[0] ? resolve_path(ctx, n->str) : xstrdup(n->str);
		if (k->check && k->check(&v, &why) < 0) {
			free(v);
			ret = cfg_error(ctx->err, ctx->file, node_loc(n), name, "%s", why.buf);
			break;
		}
		free(*(char **)field);
		*(char **)field = v;
		ret = 0;
		break;
	}
	case KEY_BOOL:
		if (n->type != TOML_BOOL)
			return type_error(ctx, n, name, "true or false");
		*(int *)field = (int)n->num;
		ret = 0;
		break;
	case KEY_UINT:
	case KEY_INT:
		if (n->type != TOML_INT)
			return type_error(ctx, n, name, "an integer");
		if (n->num < k->min || n->num > k->max)
			return cfg_error(ctx->err, ctx->file, node_loc(n), name, "must be %lld..%lld", k->min, k->max);
		if (k->type == KEY_UINT)
			*(unsigned *)field = (unsigned)n->num;
		else
			*(int *)field = (int)n->num;
		ret = 0;
		break;
	case KEY_ENUM: {
		struct strbuf list = STRBUF_INIT;

		if (n->type != TOML_STRING)
			return type_error(ctx, n, name, "a string");
		for (int i = 0; k->values[i] && ret < 0; i++) {
			if (!k->values[i][0])
				continue;	/* the "unset" slot cannot be written */
			if (!strcmp(k->values[i], n->str)) {
				*(int *)field = i;
				ret = 0;
			}
			if (list.len)
				strbuf_addstr(&list, ", ");
			strbuf_addstr(&list, k->values[i]);
		}
		if (ret < 0)
			cfg_error(ctx->err, ctx->file, node_loc(n), name, "must be one of %s (got '%s')", list.buf, n->str);
		strbuf_release(&list);
		break;
	}
	case KEY_SIZE:
		if (n->type == TOML_INT)
			return cfg_error(ctx->err, ctx->file, node_loc(n), name,
					 "give a unit, as a string: \"%lldM\" or \"%lldG\"", (long long)n->num, (long long)n->num);
		if (n->type != TOML_STRING)
			return type_error(ctx, n, name, "a size string like \"16G\"");
		if (size_parse(n->str, (uint64_t *)field, &why) < 0)
			ret = cfg_error(ctx->err, ctx->file, node_loc(n), name, "%s", why.buf);
		else
			ret = 0;
		break;
	case KEY_STRLIST: {
		struct strvec *sv = (struct strvec *)field;

		if (n->type != TOML_ARRAY)
			return type_error(ctx, n, name, "an array of strings");
		strvec_clear(sv);
		ret = 0;
		for (size_t i = 0; i < n->nr; i++) {
			const struct toml_node *it = n->kids[i];
			char *v;

			if (it->type != TOML_STRING) {
				ret = type_error(ctx, it, name, "a string in the array");
				continue;
			}
			v = xstrdup(it->str);
			strbuf_reset(&why);
			if (k->check && k->check(&v, &why) < 0) {
				free(v);
				ret = cfg_error(ctx->err, ctx->file, node_loc(it), name, "%s", why.buf);
				continue;
			}
			strvec_push_nodup(sv, v);
		}
		break;
	}
	case KEY_CPUSET:
		if (n->type != TOML_STRING)
			return type_error(ctx, n, name, "a CPU list string like \"0-1,6-7\"");
		if (cpuset_parse((struct cpuset *)field, n->str, &why) < 0) {
			ret = cfg_error(ctx->err, ctx->file, node_loc(n), name, "'%s': %s", n->str, why.buf);
			break;
		}
		*(int *)((char *)base + k->offset2) = 1;
		ret = 0;
		break;
	case KEY_CUSTOM:
		ret = k->parse(ctx, k, base, n, name);
		break;
	case KEY_IGNORED:
		cfg_warn(ctx->cfg, node_loc(n), name, "has no QEMU equivalent (libvirt-only); ignored");
		ret = 0;
		break;
	case KEY_TABLES:
		break;	/* handled by walk_table() */
	}
	strbuf_release(&why);
	return ret;
}

static int walk_table(struct load_ctx *ctx, const struct config_key *rows, void *base,
		      const struct toml_node *t, const char *prefix, const char *shown);
static void apply_defaults(const struct config_key *rows, void *base);

static int walk_items(struct load_ctx *ctx, const struct config_key *k, const struct toml_node *n,
		      const char *name)
{
	int ret = 0;

	if (n->type != TOML_ARRAY)
		return cfg_error(ctx->err, ctx->file, node_loc(n), name,
				 "expected [[%s]] tables, got a %s", name, toml_type_name(n->type));
	for (size_t i = 0; i < n->nr; i++) {
		const struct toml_node *it = n->kids[i];
		struct config_loc *saved_locs = ctx->locs;
		const struct config_key *saved_rows = ctx->rows;
		char *shown = xstrfmt("%s[%zu]", name, i);
		void *item;

		if (it->type != TOML_TABLE) {
			ret = type_error(ctx, it, shown, "a table");
			free(shown);
			continue;
		}
		item = k->add(ctx->cfg);
		apply_defaults(k->sub, item);
		/* every item struct starts its loc[] at the same place in its layout */
		if (k->sub == disk_keys)
			ctx->locs = ((struct vm_disk *)item)->loc;
		else if (k->sub == net_keys)
			ctx->locs = ((struct vm_net *)item)->loc;
		else
			ctx->locs = ((struct vm_passthrough *)item)->loc;
		ctx->rows = k->sub;
		ctx->locs[VM_MAX_ITEM_KEYS - 1] = node_loc(it);	/* where the item starts */
		if (walk_table(ctx, k->sub, item, it, "", shown) < 0)
			ret = -1;
		for (int r = 0; k->sub[r].name; r++) {
			if (k->sub[r].required && !ctx->locs[r].line) {
				ret = cfg_error(ctx->err, ctx->file, node_loc(it), NULL,
						"[[%s]] number %zu has no '%s' (required)", name, i + 1, k->sub[r].name);
			}
		}
		ctx->locs = saved_locs;
		ctx->rows = saved_rows;
		free(shown);
	}
	return ret;
}

/*
 * prefix: dotted path used to look rows up ("cpu.hyperv");
 * shown:  the same path as messages show it ("disk[0]").
 */
static int walk_table(struct load_ctx *ctx, const struct config_key *rows, void *base,
		      const struct toml_node *t, const char *prefix, const char *shown)
{
	int ret = 0;

	for (size_t i = 0; i < t->nr; i++) {
		const struct toml_node *n = t->kids[i];
		char *full = *prefix ? xstrfmt("%s.%s", prefix, n->key) : xstrdup(n->key);
		char *name = *shown ? xstrfmt("%s.%s", shown, n->key) : xstrdup(n->key);
		int idx = row_index(rows, full);
		const struct config_key *k = idx >= 0 ? &rows[idx] : NULL;

		if (n->type == TOML_TABLE && has_prefix_rows(rows, full)) {
			if (walk_table(ctx, rows, base, n, full, name) < 0)
				ret = -1;
		} else if (k && k->type == KEY_TABLES) {
			if (walk_items(ctx, k, n, name) < 0)
				ret = -1;
		} else if (k) {
			ctx->locs[idx] = node_loc(n);	/* present, even when bad */
			if (parse_leaf(ctx, k, base, n, name) < 0)
				ret = -1;
		} else if (has_prefix_rows(rows, full)) {
			ret = type_error(ctx, n, name, "a table");
		} else if (n->type == TOML_TABLE) {
			ret = unknown_table(ctx, rows, n, name, full);
		} else {
			ret = unknown_key(ctx, rows, n, name, full);
		}
		free(full);
		free(name);
	}
	return ret;
}

static int parse_topology(struct load_ctx *ctx, const struct config_key *k, void *base,
			  const struct toml_node *n, const char *name)
{
	struct vm_config *cfg = base;

	(void)k;
	if (n->type == TOML_STRING && !strcmp(n->str, "auto")) {
		cfg->topology_auto = 1;
		return 0;
	}
	if (n->type == TOML_STRING)
		return cfg_error(ctx->err, ctx->file, node_loc(n), name,
				 "must be \"auto\" or a table like { sockets = 1, cores = 4, threads = 2 } (got '%s')", n->str);
	return type_error(ctx, n, name, "\"auto\" or { sockets, cores, threads }");
}

static int parse_vcpu_pins(struct load_ctx *ctx, const struct config_key *k, void *base,
			   const struct toml_node *n, const char *name)
{
	struct vm_config *cfg = base;
	struct strbuf why = STRBUF_INIT;
	int ret = 0;

	(void)k;
	free(cfg->vcpu_pins);
	cfg->vcpu_pins = NULL;
	cfg->nr_vcpu_pins = 0;
	cfg->pin_auto = 0;
	if (n->type == TOML_STRING && !strcmp(n->str, "auto")) {
		cfg->pin_auto = 1;
		return 0;
	}
	if (n->type == TOML_STRING) {
		/* one list for every vCPU: they float over it */
		cfg->vcpu_pins = xcalloc(1, sizeof(*cfg->vcpu_pins));
		if (cpuset_parse(&cfg->vcpu_pins[0], n->str, &why) < 0) {
			ret = cfg_error(ctx->err, ctx->file, node_loc(n), name, "'%s': %s", n->str, why.buf);
			free(cfg->vcpu_pins);
			cfg->vcpu_pins = NULL;
		} else {
			cfg->nr_vcpu_pins = 1;
			cfg->pin_auto = -1;	/* marks "one list for all", expanded in validate */
		}
		strbuf_release(&why);
		return ret;
	}
	if (n->type != TOML_ARRAY) {
		strbuf_release(&why);
		return type_error(ctx, n, name, "\"auto\", a CPU list, or an array of CPU lists");
	}
	if (n->nr > VM_MAX_VCPUS) {
		strbuf_release(&why);
		return cfg_error(ctx->err, ctx->file, node_loc(n), name, "has %zu entries (at most %d)", n->nr, VM_MAX_VCPUS);
	}
	cfg->vcpu_pins = xcalloc(n->nr ? n->nr : 1, sizeof(*cfg->vcpu_pins));
	for (size_t i = 0; i < n->nr; i++) {
		const struct toml_node *it = n->kids[i];
		char *item = xstrfmt("%s[%zu]", name, i);

		strbuf_reset(&why);
		if (it->type != TOML_STRING)
			ret = type_error(ctx, it, item, "a CPU list string like \"3\" or \"1-3,5-7\"");
		else if (cpuset_parse(&cfg->vcpu_pins[i], it->str, &why) < 0)
			ret = cfg_error(ctx->err, ctx->file, node_loc(it), item, "'%s': %s", it->str, why.buf);
		free(item);
	}
	cfg->nr_vcpu_pins = n->nr;
	strbuf_release(&why);
	return ret;
}

static void *add_disk(struct vm_config *cfg)
{
	struct vm_disk *d;

	ALLOC_GROW(cfg->disks, cfg->nr_disks + 1, cfg->alloc_disks);
	d = &cfg->disks[cfg->nr_disks++];
	memset(d, 0, sizeof(*d));
	return d;
}

static void *add_net(struct vm_config *cfg)
{
	struct vm_net *nt;

	ALLOC_GROW(cfg->nets, cfg->nr_nets + 1, cfg->alloc_nets);
	nt = &cfg->nets[cfg->nr_nets++];
	memset(nt, 0, sizeof(*nt));
	strvec_init(&nt->hostfwd);
	return nt;
}

static void *add_pci(struct vm_config *cfg)
{
	struct vm_passthrough *p;

	ALLOC_GROW(cfg->pci, cfg->nr_pci + 1, cfg->alloc_pci);
	p = &cfg->pci[cfg->nr_pci++];
	memset(p, 0, sizeof(*p));
	return p;
}

/* Set every field of 'base' to the defaults in rows[]. */
static void apply_defaults(const struct config_key *rows, void *base)
{
	for (int i = 0; rows[i].name; i++) {
		const struct config_key *k = &rows[i];
		char *field = (char *)base + k->offset;

		switch (k->type) {
		case KEY_STRING:
		case KEY_PATH:
			*(char **)field = k->def ? xstrdup(k->def) : NULL;
			break;
		case KEY_BOOL:
			*(int *)field = k->def ? !strcmp(k->def, "true") : TRI_UNSET;
			break;
		case KEY_UINT:
			*(unsigned *)field = k->def ? (unsigned)strtoul(k->def, NULL, 10) : 0;
			break;
		case KEY_INT:
			*(int *)field = k->def ? atoi(k->def) : -1;
			break;
		case KEY_ENUM:
			*(int *)field = 0;
			for (int v = 0; k->def && k->values[v]; v++)
				if (!strcmp(k->values[v], k->def))
					*(int *)field = v;
			break;
		case KEY_SIZE: {
			struct strbuf ignore = STRBUF_INIT;

			*(uint64_t *)field = 0;
			if (k->def)
				size_parse(k->def, (uint64_t *)field, &ignore);
			strbuf_release(&ignore);
			break;
		}
		case KEY_STRLIST:
			strvec_init((struct strvec *)field);
			break;
		case KEY_CPUSET:
			cpuset_zero((struct cpuset *)field);
			*(int *)((char *)base + k->offset2) = 0;
			break;
		case KEY_CUSTOM:
		case KEY_IGNORED:
		case KEY_TABLES:
			break;
		}
	}
}

static void release_fields(const struct config_key *rows, void *base)
{
	for (int i = 0; rows[i].name; i++) {
		char *field = (char *)base + rows[i].offset;

		if (rows[i].type == KEY_STRING || rows[i].type == KEY_PATH) {
			free(*(char **)field);
			*(char **)field = NULL;
		} else if (rows[i].type == KEY_STRLIST) {
			strvec_clear((struct strvec *)field);
		}
	}
}

void vm_config_init(struct vm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	apply_defaults(vm_keys, cfg);
	strvec_init(&cfg->warnings);
}

void vm_config_release(struct vm_config *cfg)
{
	release_fields(vm_keys, cfg);
	for (size_t i = 0; i < cfg->nr_disks; i++)
		release_fields(disk_keys, &cfg->disks[i]);
	for (size_t i = 0; i < cfg->nr_nets; i++)
		release_fields(net_keys, &cfg->nets[i]);
	for (size_t i = 0; i < cfg->nr_pci; i++)
		release_fields(pci_keys, &cfg->pci[i]);
	free(cfg->disks);
	free(cfg->nets);
	free(cfg->pci);
	free(cfg->vcpu_pins);
	free(cfg->file);
	strvec_clear(&cfg->warnings);
	memset(cfg, 0, sizeof(*cfg));
	strvec_init(&cfg->warnings);
	strvec_init(&cfg->cpu_require);
	strvec_init(&cfg->cpu_disable);
	strvec_init(&cfg->extra_args);
}

struct config_loc vm_config_loc(const struct vm_config *cfg, const char *name)
{
	struct config_loc none = { 0, 0 };
	int i = row_index(vm_keys, name);

	return i < 0 ? none : cfg->loc[i];
}

static struct config_loc item_loc(const struct config_loc *locs, const struct config_key *rows, const char *name)
{
	int i = row_index(rows, name);
	struct config_loc l = i < 0 ? locs[VM_MAX_ITEM_KEYS - 1] : locs[i];

	return l.line ? l : locs[VM_MAX_ITEM_KEYS - 1];
}

const char *vm_enum_name(const char *key, int value)
{
	const struct config_key *k = find_row(vm_keys, key);

	if (!k && !strncmp(key, "disk.", 5))
		k = find_row(disk_keys, key + 5);
	if (!k && !strncmp(key, "net.", 4))
		k = find_row(net_keys, key + 4);
	if (!k || k->type != KEY_ENUM || value < 0)
		return "?";
	for (int i = 0; k->values[i]; i++)
		if (i == value)
			return k->values[i];
	return "?";
}

/* ---- cross-key validation ---- */

#define LOC(name) vm_config_loc(cfg, name)
#define SET(name) (vm_config_loc(cfg, name).line != 0)

static char *file_stem(const char *file)
{
	const char *base = strrchr(file, '/');
	size_t len;

	base = base ? base + 1 : file;
	len = strlen(base);
	if (len > 5 && !strcmp(base + len - 5, ".toml"))
		len -= 5;
	return xstrndup(base, len);
}

static void validate_name(struct vm_config *cfg, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;

	if (!cfg->name) {
		cfg->name = file_stem(cfg->file);
		if (check_name(&cfg->name, &why) < 0)
			cfg_error(err, cfg->file, LOC("name"), NULL,
				  "the file name gives VM name '%s': %s; set name = \"...\"", cfg->name, why.buf);
	}
	strbuf_release(&why);
}

static void validate_cpu(struct vm_config *cfg, struct strbuf *err)
{
	unsigned s, d, c, t;

	if (!strcmp(cfg->cpu_model, "host") && cfg->accel == ACCEL_TCG)
		cfg_error(err, cfg->file, SET("cpu.model") ? LOC("cpu.model") : LOC("machine.accel"), "cpu.model",
			  "'host' needs machine.accel = \"kvm\" (with tcg use model = \"max\")");
	if (cfg->sockets || cfg->dies || cfg->cores || cfg->threads) {
		s = cfg->sockets ? cfg->sockets : 1;
		d = cfg->dies ? cfg->dies : 1;
		t = cfg->threads ? cfg->threads : 1;
		c = cfg->cores ? cfg->cores : cfg->vcpus / (s * d * t);
		if ((unsigned long long)s * d * c * t != cfg->vcpus) {
			struct config_loc l = LOC("cpu.topology.sockets");

			if (!l.line)
				l = LOC("cpu.topology.cores");
			if (!l.line)
				l = LOC("cpu.topology.threads");
			cfg_error(err, cfg->file, l, "cpu.topology",
				  "sockets (%u) x dies (%u) x cores (%u) x threads (%u) = %llu, but cpu.vcpus is %u",
				  s, d, c, t, (unsigned long long)s * d * c * t, cfg->vcpus);
		}
		cfg->sockets = s;
		cfg->dies = d;
		cfg->cores = c ? c : 1;
		cfg->threads = t;
	}
	for (size_t i = 0; i < cfg->cpu_disable.nr; i++) {
		for (size_t j = 0; j < cfg->cpu_require.nr; j++) {
			if (!strcmp(cfg->cpu_disable.v[i], cfg->cpu_require.v[j]))
				cfg_error(err, cfg->file, LOC("cpu.disable"), "cpu.disable",
					  "feature '%s' is also in cpu.require", cfg->cpu_disable.v[i]);
		}
	}
	if (cfg->l3_cache == 1 && cfg->host_cache_info == 1) {
		if (SET("cpu.l3_cache"))
			cfg_error(err, cfg->file, LOC("cpu.host_cache_info"), "cpu.host_cache_info",
				  "cannot be combined with cpu.l3_cache = true (pick one)");
		else
			cfg->l3_cache = 0;	/* the default yields to an explicit host_cache_info */
	}
	if (cfg->cpu_pm == 1 && cfg->accel == ACCEL_TCG)
		cfg_warn(cfg, LOC("cpu.cpu_pm"), "cpu.cpu_pm", "has no effect under TCG");
	if (cfg->migratable != TRI_UNSET && strcmp(cfg->cpu_model, "host"))
		cfg_error(err, cfg->file, LOC("cpu.migratable"), "cpu.migratable", "only applies to model \"host\"");
}

static void validate_hyperv(struct vm_config *cfg, struct strbuf *err)
{
	struct vm_hyperv *hv = &cfg->hv;
	static const struct { const char *key; size_t off; const char *needs; size_t noff; } deps[] = {
		{ "cpu.hyperv.synic", offsetof(struct vm_hyperv, synic), "cpu.hyperv.vpindex", offsetof(struct vm_hyperv, vpindex) },
		{ "cpu.hyperv.stimer", offsetof(struct vm_hyperv, stimer), "cpu.hyperv.synic", offsetof(struct vm_hyperv, synic) },
		{ "cpu.hyperv.stimer", offsetof(struct vm_hyperv, stimer), "cpu.hyperv.time", offsetof(struct vm_hyperv, time) },
		{ "cpu.hyperv.tlbflush", offsetof(struct vm_hyperv, tlbflush), "cpu.hyperv.vpindex", offsetof(struct vm_hyperv, vpindex) },
		{ "cpu.hyperv.ipi", offsetof(struct vm_hyperv, ipi), "cpu.hyperv.vpindex", offsetof(struct vm_hyperv, vpindex) },
	};

	if (hv->time != TRI_UNSET && cfg->hypervclock != TRI_UNSET && hv->time != cfg->hypervclock)
		cfg_error(err, cfg->file, LOC("clock.hypervclock"), "clock.hypervclock",
			  "contradicts cpu.hyperv.time (both set hv-time; keep one)");
	if (hv->time == TRI_UNSET)
		hv->time = cfg->hypervclock;
	for (size_t i = 0; i < ARRAY_SIZE(deps); i++) {
		int have = *(int *)((char *)hv + deps[i].off);
		int need = *(int *)((char *)hv + deps[i].noff);

		if (have == 1 && need != 1 && hv->passthrough != 1)
			cfg_error(err, cfg->file, LOC(deps[i].key), deps[i].key, "needs %s = true%s", deps[i].needs,
				  !strcmp(deps[i].needs, "cpu.hyperv.time") ? " (or clock.hypervclock = true)" : "");
	}
	if (cfg->hidden == 1 && cfg->kvmclock == 1)
		cfg_warn(cfg, LOC("clock.kvmclock"), "clock.kvmclock",
			 "has no effect with machine.hidden = true: kvm=off turns off kvmclock and every KVM PV feature");
}

static void validate_pinning(struct vm_config *cfg, struct strbuf *err)
{
	if (cfg->pin_auto == -1) {
		/* one list for all vCPUs */
		struct cpuset all = cfg->vcpu_pins[0];

		free(cfg->vcpu_pins);
		cfg->vcpu_pins = xcalloc(cfg->vcpus, sizeof(*cfg->vcpu_pins));
		for (unsigned i = 0; i < cfg->vcpus; i++)
			cfg->vcpu_pins[i] = all;
		cfg->nr_vcpu_pins = cfg->vcpus;
		cfg->pin_auto = 0;
	} else if (cfg->vcpu_pins && cfg->nr_vcpu_pins != cfg->vcpus) {
		cfg_error(err, cfg->file, LOC("pinning.vcpus"), "pinning.vcpus",
			  "has %zu entries, but cpu.vcpus is %u (one CPU list per vCPU)", cfg->nr_vcpu_pins, cfg->vcpus);
	}
	if (cfg->realtime == 1 && !cfg->vcpu_pins && !cfg->pin_auto)
		cfg_warn(cfg, LOC("pinning.realtime"), "pinning.realtime",
			 "SCHED_FIFO vCPUs without pinning can starve host tasks; pin them to isolated CPUs");
}

static void validate_memory(struct vm_config *cfg, struct strbuf *err)
{
	static const uint64_t page[] = { UINT64_C(1) << 20, UINT64_C(2) << 20, UINT64_C(1) << 30 };
	uint64_t align = page[cfg->hugepages];
	uint64_t size = cfg->mem_bytes;

	if (size < (UINT64_C(16) << 20))
		cfg_error(err, cfg->file, LOC("memory.size"), "memory.size", "must be at least 16M");
	else if (size > (UINT64_C(16) << 40))
		cfg_error(err, cfg->file, LOC("memory.size"), "memory.size", "must be at most 16T");
	else if (size % align) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

		cfg->mem_bytes = (size + align - 1) / align * align;
		size_format(cfg->mem_bytes, &b);
		cfg_warn(cfg, LOC("memory.size"), "memory.size", "%llu bytes is not a multiple of %s; rounded up to %s",
			 (unsigned long long)size, cfg->hugepages == HUGEPAGES_1G ? "the 1G page size" :
			 cfg->hugepages == HUGEPAGES_2M ? "the 2M page size" : "1M", b.buf);
		strbuf_release(&a);
		strbuf_release(&b);
	}
	if (cfg->hugepages != HUGEPAGES_NONE && cfg->source == MEM_ANONYMOUS)
		cfg_error(err, cfg->file, LOC("memory.source"), "memory.source",
			  "\"anonymous\" cannot use hugepages (use \"memfd\" or \"file\")");
	if (cfg->mem_path && cfg->source != MEM_FILE)
		cfg_error(err, cfg->file, LOC("memory.path"), "memory.path", "only applies to source = \"file\"");
	if (!cfg->mem_path && cfg->source == MEM_FILE)
		cfg->mem_path = xstrdup(cfg->hugepages == HUGEPAGES_2M ? "/dev/hugepages" :
					cfg->hugepages == HUGEPAGES_1G ? "/dev/hugepages1G" : "/dev/shm");
	if (cfg->discard == 1 && cfg->source != MEM_FILE)
		cfg_warn(cfg, LOC("memory.discard"), "memory.discard",
			 "only applies to source = \"file\"; ignored for %s", source_names[cfg->source]);
	if (cfg->prealloc_threads && cfg->prealloc != 1)
		cfg_warn(cfg, LOC("memory.prealloc_threads"), "memory.prealloc_threads",
			 "has no effect without memory.prealloc = true");
	if (SET("memory.numa_policy") && cfg->numa_node < 0)
		cfg_warn(cfg, LOC("memory.numa_policy"), "memory.numa_policy", "has no effect without memory.numa_node");
}

static void validate_clock(struct vm_config *cfg)
{
	if (cfg->pit != PIT_UNSET && cfg->accel == ACCEL_TCG)
		cfg_warn(cfg, LOC("clock.pit"), "clock.pit",
			 "TCG has no in-kernel PIT, so the policy is not applied");
}

static void validate_devices(struct vm_config *cfg, struct strbuf *err)
{
	int bridge = 0;

	for (size_t i = 0; i < cfg->nr_disks; i++) {
		struct vm_disk *d = &cfg->disks[i];
		char *key = xstrfmt("disk[%zu].aio", i);

		if (d->aio == AIO_NATIVE && d->cache != CACHE_NONE && d->cache != CACHE_DIRECTSYNC)
			cfg_error(err, cfg->file, item_loc(d->loc, disk_keys, "aio"), key,
				  "\"native\" needs cache = \"none\" or \"directsync\" (got \"%s\"); use aio = \"threads\"",
				  cache_names[d->cache]);
		free(key);
		if (d->iothread == 1 && d->bus == BUS_SATA) {
			key = xstrfmt("disk[%zu].iothread", i);
			cfg_error(err, cfg->file, item_loc(d->loc, disk_keys, "iothread"), key,
				  "needs bus \"virtio\" or \"scsi\"");
			free(key);
		}
	}
	for (size_t i = 0; i < cfg->nr_nets; i++) {
		struct vm_net *n = &cfg->nets[i];
		char *pfx = xstrfmt("net[%zu]", i);
		char *key;

#define NET_ERR(field, ...) do { key = xstrfmt("%s.%s", pfx, field); \
		cfg_error(err, cfg->file, item_loc(n->loc, net_keys, field), key, __VA_ARGS__); free(key); } while (0)
		if (n->vhost == 1 && n->type != NET_TAP)
			NET_ERR("vhost", "only works with type \"tap\"");
		if (n->queues > 1 && n->type != NET_TAP)
			NET_ERR("queues", "multiqueue needs type \"tap\"");
		if (n->ifname && n->type != NET_TAP)
			NET_ERR("ifname", "only applies to type \"tap\"");
		if (n->type == NET_BRIDGE && !n->bridge)
			NET_ERR("type", "\"bridge\" needs bridge = \"br0\" (the bridge to join)");
		if (n->bridge && n->type != NET_BRIDGE)
			NET_ERR("bridge", "only applies to type \"bridge\"");
		if (n->hostfwd.nr && n->type != NET_USER)
			NET_ERR("hostfwd", "only applies to type \"user\"");
		for (size_t j = 0; j < i && n->mac; j++)
			if (cfg->nets[j].mac && !strcmp(cfg->nets[j].mac, n->mac))
				NET_ERR("mac", "'%s' is also used by net[%zu]", n->mac, j);
#undef NET_ERR
		if (n->type == NET_BRIDGE)
			bridge = 1;
		free(pfx);
	}
	for (size_t i = 0; i < cfg->nr_pci; i++) {
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(cfg->pci[i].host, cfg->pci[j].host)) {
				char *key = xstrfmt("passthrough[%zu].host", i);

				cfg_error(err, cfg->file, item_loc(cfg->pci[i].loc, pci_keys, "host"), key,
					  "'%s' is already passed through by passthrough[%zu]", cfg->pci[i].host, j);
				free(key);
			}
		}
	}
	if (bridge && cfg->sandbox == 1 && !SET("qemu.sandbox"))
		;	/* the argv builder allows spawn for qemu-bridge-helper */
	else if (bridge && cfg->sandbox == 1)
		cfg_warn(cfg, LOC("qemu.sandbox"), "qemu.sandbox",
			 "type \"bridge\" runs qemu-bridge-helper, so the sandbox allows spawning processes");
}

static void validate_boot(struct vm_config *cfg, struct strbuf *err)
{
	if (cfg->secure_boot == 1 && cfg->firmware != FW_UEFI)
		cfg_error(err, cfg->file, LOC("machine.secure_boot"), "machine.secure_boot", "needs firmware = \"uefi\"");
	if (cfg->firmware == FW_UEFI) {
		if (!cfg->ovmf_code)
			cfg->ovmf_code = xstrdup(cfg->secure_boot == 1 ? "/usr/share/OVMF/OVMF_CODE_4M.ms.fd"
							       : "/usr/share/OVMF/OVMF_CODE_4M.fd");
		if (!cfg->ovmf_vars)
			cfg->ovmf_vars = xstrdup(cfg->secure_boot == 1 ? "/usr/share/OVMF/OVMF_VARS_4M.ms.fd"
							       : "/usr/share/OVMF/OVMF_VARS_4M.fd");
	} else {
		static const char *const keys[] = { "machine.ovmf_code", "machine.ovmf_vars", "machine.nvram" };

		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (SET(keys[i]))
				cfg_error(err, cfg->file, LOC(keys[i]), keys[i], "only applies to firmware = \"uefi\"");
	}
	if (!cfg->kernel && cfg->initrd)
		cfg_error(err, cfg->file, LOC("boot.initrd"), "boot.initrd", "needs boot.kernel");
	if (!cfg->kernel && cfg->append)
		cfg_error(err, cfg->file, LOC("boot.append"), "boot.append", "needs boot.kernel");
}

int vm_config_validate(struct vm_config *cfg, struct strbuf *err)
{
	size_t before = err->len;

	validate_name(cfg, err);
	validate_cpu(cfg, err);
	validate_hyperv(cfg, err);
	validate_pinning(cfg, err);
	validate_memory(cfg, err);
	validate_clock(cfg);
	validate_devices(cfg, err);
	validate_boot(cfg, err);
	return err->len > before ? -1 : 0;
}

int vm_config_parse(const char *file, const char *text, size_t len,
		    struct vm_config *cfg, struct strbuf *err)
{
	struct toml_node *root = NULL;
	struct load_ctx ctx = { .file = file, .cfg = cfg, .err = err, .locs = cfg->loc, .rows = vm_keys };
	const char *slash = strrchr(file, '/');
	int ret = -1;

	free(cfg->file);
	cfg->file = xstrdup(file);
	cfg->digest = UINT64_C(14695981039346656037);
	for (size_t i = 0; i < len; i++)
		cfg->digest = (cfg->digest ^ (unsigned char)text[i]) * UINT64_C(1099511628211);
	ctx.dir = slash ? xstrndup(file, (size_t)(slash - file) + (slash == file)) : NULL;
	if (toml_parse(file, text, len, &root, err) < 0)
		goto out;
	if (walk_table(&ctx, vm_keys, cfg, root, "", "") < 0 || err->len)
		goto out;
	ret = vm_config_validate(cfg, err);
out:
	toml_free(root);
	free(ctx.dir);
	return ret;
}

int vm_config_load(const char *file, struct vm_config *cfg, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	struct stat st;
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	int ret = -1;

	if (fd < 0) {
		strbuf_addf(err, "cannot open config '%s': %s", file, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		strbuf_addf(err, "config '%s' is not a regular file", file);
		goto out;
	}
	for (;;) {
		ssize_t n;

		strbuf_grow(&text, 8192);
		n = read(fd, text.buf + text.len, 8192);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			strbuf_addf(err, "cannot read config '%s': %s", file, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		strbuf_setlen(&text, text.len + (size_t)n);
		if (text.len > MAX_CONFIG_BYTES) {
			strbuf_addf(err, "config '%s' is larger than 1 MiB", file);
			goto out;
		}
	}
	ret = vm_config_parse(file, text.buf, text.len, cfg, err);
out:
	close(fd);
	strbuf_release(&text);
	return ret;
}

/* ---- reference ---- */

/* A Markdown table cell: '|' would end the cell, so escape it. */
static void md_cell(FILE *out, const char *s)
{
	fputs(" ", out);
	for (; s && *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputs(" |", out);
}

static void write_rows(FILE *out, const struct config_key *rows, const char *prefix)
{
	for (int i = 0; rows[i].name; i++) {
		const struct config_key *k = &rows[i];
		const char *type = "";

		if (k->type == KEY_TABLES) {
			write_rows(out, k->sub, k->name);
			continue;
		}
		switch (k->type) {
		case KEY_STRING: type = "string"; break;
		case KEY_PATH: type = "path"; break;
		case KEY_BOOL: type = "bool"; break;
		case KEY_UINT:
		case KEY_INT: type = "integer"; break;
		case KEY_SIZE: type = "size"; break;
		case KEY_STRLIST: type = "list of strings"; break;
		case KEY_CPUSET: type = "CPU list"; break;
		case KEY_CUSTOM: type = "see text"; break;
		case KEY_IGNORED: type = "integer (ignored)"; break;
		case KEY_ENUM:
		case KEY_TABLES: break;
		}
		fprintf(out, "| `%s%s%s` | ", prefix ? prefix : "", prefix ? "." : "", k->name);
		if (k->type == KEY_ENUM) {
			int first = 1;

			for (int v = 0; k->values[v]; v++) {
				if (!k->values[v][0])
					continue;
				fprintf(out, "%s%s", first ? "" : "\\|", k->values[v]);
				first = 0;
			}
		} else if (k->type == KEY_UINT || k->type == KEY_INT) {
			fprintf(out, "%s %lld..%lld", type, k->min, k->max);
		} else {
			fputs(type, out);
		}
		fputs(" |", out);
		md_cell(out, k->required ? "required" : k->def ? k->def : "unset");
		md_cell(out, k->qemu);
		md_cell(out, k->seed);
		md_cell(out, k->doc);
		fputc('\n', out);
	}
}

void vm_config_write_reference(FILE *out)
{
	fputs("| key | type | default | QEMU | seed | meaning |\n", out);
	fputs("|---|---|---|---|---|---|\n", out);
	write_rows(out, vm_keys, NULL);
}
