/*
 * vm_config.c - the key table of VM configs and their cross-key validation.
 *
 * vm_keys[] (style rule R11): each row is one dotted key with its type,
 * default, range, the QEMU option it becomes and what it is for.
 * schema.c reads a file through it; the defaults and the reference in
 * README.md ('mvlaunch help config') come from the same rows. Settings that
 * QEMU has no equivalent for (libvirt's rtc catchup threshold, say) are
 * accepted and named in a warning, never dropped in silence.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/vm_config.h"
#include "config/qos.h"
#include "config/schema.h"
#include "config/toml.h"
#include "util/size.h"
#include "util/wrapper.h"
#include "util/banned.h"

#define OFF(f) offsetof(struct vm_config, f)
#define DOFF(f) offsetof(struct vm_disk, f)
#define NOFF(f) offsetof(struct vm_net, f)
#define POFF(f) offsetof(struct vm_passthrough, f)
#define IOFF(f) offsetof(struct vm_input, f)
#define SCOFF(f) offsetof(struct vm_sched, f)
#define IOTOFF(f) offsetof(struct vm_iothread, f)
#define UOFF(f) offsetof(struct vm_usb, f)
#define NUOFF(f) offsetof(struct vm_numa, f)
#define HOFF(f) (offsetof(struct vm_config, hv) + offsetof(struct vm_hyperv, f))
#define VOFF(f) (offsetof(struct vm_config, display) + offsetof(struct vm_display, f))
#define LOFF(f) (offsetof(struct vm_config, lg) + offsetof(struct vm_looking_glass, f))
#define SOFF(f) (offsetof(struct vm_config, smbios) + offsetof(struct vm_smbios, f))

static const char *const accel_names[] = { "kvm", "tcg", NULL };
static const char *const firmware_names[] = { "bios", "uefi", NULL };
static const char *const iommu_names[] = { "none", "intel", NULL };
static const char *const hugepage_names[] = { "none", "2M", "1G", NULL };
static const char *const source_names[] = { "", "memfd", "file", "anonymous", NULL };
static const char *const access_names[] = { "", "private", "shared", NULL };
static const char *const policy_names[] = { "bind", "preferred", "interleave", NULL };
static const char *const numa_mode_names[] = { "auto", "off", NULL };
static const char *const cell_hugepage_names[] = { "", "none", "2M", "1G", NULL };
static const char *const rtc_names[] = { "", "catchup", "delay", NULL };
static const char *const track_names[] = { "", "guest", "wall", "realtime", NULL };
static const char *const pit_names[] = { "", "delay", "discard", NULL };
static const char *const format_names[] = { "raw", "qcow2", NULL };
static const char *const bus_names[] = { "virtio", "scsi", "sata", NULL };
static const char *const media_names[] = { "disk", "cdrom", NULL };
static const char *const audio_backend_names[] = { "", "pa", "alsa", "wav", "none", NULL };
static const char *const audio_model_names[] = { "ich9", "usb", NULL };
static const char *const tpm_model_names[] = { "crb", "tis", NULL };
static const char *const display_names[] = { "none", "vnc", "spice", NULL };
static const char *const gpu_names[] = { "", "virtio", "std", "none", NULL };
static const char *const cache_names[] = { "none", "writeback", "writethrough", "directsync", "unsafe", NULL };
static const char *const aio_names[] = { "threads", "native", "io_uring", NULL };
static const char *const net_names[] = { "tap", "bridge", "user", NULL };
static const char *const model_names[] = { "virtio", "e1000e", NULL };
static const char *const pin_policy_names[] = { "dedicated", "shared", NULL };
static const char *const thread_policy_names[] = { "prefer", "isolate", "require", NULL };
const char *const vm_grab_toggle_names[] = { "ctrl-ctrl", "alt-alt", "shift-shift", "meta-meta", "scrolllock",
					     "ctrl-scrolllock", NULL };

/* ---- value checks (a value can be rewritten, e.g. normalised) ---- */

int vm_name_check(const char *s, struct strbuf *why)
{
	size_t len = strlen(s);

	if (!len || len > VM_NAME_MAX) {
		strbuf_addf(why, "must be 1..%d characters", VM_NAME_MAX);
		return -1;
	}
	if (!isalnum((unsigned char)s[0])) {
		strbuf_addstr(why, "must start with a letter or digit");
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

static int check_name(char **v, struct strbuf *why)
{
	return vm_name_check(*v, why);
}

/* A user name as useradd takes it: letters, digits, '_', '-', '.', not starting with '-'; at most 32. */
static int check_user(char **v, struct strbuf *why)
{
	const char *s = *v;

	if (!*s || *s == '-' || strlen(s) > 32 || s[strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")]) {
		strbuf_addstr(why, "must be a user name (letters, digits, '_', '.', '-'; not starting with '-'; 32 at most)");
		return -1;
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

/*
 * An SMBIOS string: printable ASCII (the table stores bytes; a guest shows
 * them raw), at most 64 characters. Commas are fine: qemu_argv.c escapes
 * them in -smbios.
 */
int vm_config_check_smbios(char **v, struct strbuf *why)
{
	size_t len = strlen(*v);

	if (!len || len > 64) {
		strbuf_addf(why, "must be 1..64 characters, got %zu", len);
		return -1;
	}
	for (const char *s = *v; *s; s++) {
		if (*s < 0x20 || *s > 0x7e) {
			strbuf_addstr(why, "must be printable ASCII (what firmware tables and Windows show)");
			return -1;
		}
	}
	return 0;
}

/* The SMBIOS date format: MM/DD/YYYY (what Windows' msinfo32 parses). */
static int check_bios_date(char **v, struct strbuf *why)
{
	const char *s = *v;
	static const char shape[] = "dd/dd/dddd";
	size_t i;

	for (i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			break;
	if (shape[i] || s[i] || atoi(s) < 1 || atoi(s) > 12 || atoi(s + 3) < 1 || atoi(s + 3) > 31) {
		strbuf_addf(why, "'%s' is not a date like \"03/15/2024\" (MM/DD/YYYY, as SMBIOS stores it)", s);
		return -1;
	}
	return 0;
}

int vm_uuid_check(char *s, struct strbuf *why)
{
	static const char shape[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	size_t i;

	for (i = 0; shape[i]; i++)
		if (shape[i] == 'x' ? !isxdigit((unsigned char)s[i]) : s[i] != '-')
			break;
	if (shape[i] || s[i]) {
		strbuf_addf(why, "'%s' is not a UUID like \"9b2e6f1c-3d4a-4b5c-8d7e-0f1a2b3c4d5e\"", s);
		return -1;
	}
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
	return 0;
}

static int check_uuid(char **v, struct strbuf *why)
{
	return vm_uuid_check(*v, why);
}

int vm_config_listen_tcp(const char *listen, char **host, unsigned *port)
{
	const char *colon = strrchr(listen, ':');
	const char *h = listen, *end;
	char *stop;
	unsigned long p;

	*host = NULL;
	if (!colon || colon == listen)
		return -1;
	end = colon;
	if (*h == '[') {	/* [v6]:port */
		if (colon[-1] != ']')
			return -1;
		h++;
		end--;
	} else if (memchr(listen, ':', (size_t)(colon - listen))) {
		return -1;	/* a bare IPv6 address: needs brackets */
	}
	if (end == h || !isdigit((unsigned char)colon[1]))
		return -1;
	errno = 0;
	p = strtoul(colon + 1, &stop, 10);
	if (*stop || errno || p == 0 || p > 65535)
		return -1;
	for (const char *c = h; c < end; c++)
		if (!isalnum((unsigned char)*c) && *c != '.' && *c != '-' && *c != ':' && *c != '%')
			return -1;
	*host = xstrndup(h, (size_t)(end - h));
	*port = (unsigned)p;
	return 0;
}

int vm_config_listen_loopback(const char *listen)
{
	char *host;
	unsigned port;
	int lo;

	if (vm_config_listen_tcp(listen, &host, &port) < 0)
		return 0;
	lo = !strncmp(host, "127.", 4) || !strcmp(host, "::1") || !strcmp(host, "localhost");
	free(host);
	return lo;
}

static int check_listen(char **v, struct strbuf *why)
{
	char *host;
	unsigned port;

	if (!strcmp(*v, "unix"))
		return 0;
	if (vm_config_listen_tcp(*v, &host, &port) == 0) {
		free(host);
		return 0;
	}
	strbuf_addf(why, "'%s' is not \"unix\" or an address like \"127.0.0.1:5901\" (IPv6: \"[::1]:5901\")", *v);
	return -1;
}

static int check_display_password(char **v, struct strbuf *why)
{
	size_t len = strlen(*v);

	if (!len || len > 64) {
		strbuf_addstr(why, "must be 1..64 characters");
		return -1;
	}
	for (const char *s = *v; *s; s++) {
		if (*s < 0x20 || *s > 0x7e) {
			strbuf_addstr(why, "must be printable ASCII");
			return -1;
		}
	}
	return 0;
}

const char *vm_config_audio_driver(int backend)
{
	return audio_backend_names[backend];
}

uint64_t vm_config_lg_size(unsigned width, unsigned height)
{
	uint64_t need = (uint64_t)width * height * 4 * 2 + (UINT64_C(10) << 20), size = 1;

	while (size < need)
		size <<= 1;
	return size;
}

/* "2560x1440": width and height of the guest's largest mode */
static int parse_resolution(const char *s, unsigned *w, unsigned *h)
{
	char *end;
	unsigned long a, b;

	if (!isdigit((unsigned char)*s))
		return -1;
	a = strtoul(s, &end, 10);
	if (*end != 'x' || !isdigit((unsigned char)end[1]))
		return -1;
	b = strtoul(end + 1, &end, 10);
	if (*end || a < 320 || b < 200 || a > 16384 || b > 16384)
		return -1;
	*w = (unsigned)a;
	*h = (unsigned)b;
	return 0;
}

static int check_resolution(char **v, struct strbuf *why)
{
	unsigned w, h;

	if (parse_resolution(*v, &w, &h) < 0) {
		strbuf_addf(why, "'%s' is not a resolution like \"2560x1440\" (320x200 to 16384x16384)", *v);
		return -1;
	}
	return 0;
}

static int check_owner(char **v, struct strbuf *why)
{
	const char *s = *v;

	if (!*s || strlen(s) > 32 || *s == '-' ||
	    strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != strlen(s)) {
		strbuf_addf(why, "'%s' is not a user name", s);
		return -1;
	}
	return 0;
}

/* A USB vendor or product id: 4 hex digits ("046d"), kept lower-case. */
static int check_usb_id(char **v, struct strbuf *why)
{
	if (strlen(*v) != 4 || strspn(*v, "0123456789abcdefABCDEF") != 4) {
		strbuf_addf(why, "'%s' is not 4 hex digits like \"046d\" (see lsusb or 'mvlaunch usb')", *v);
		return -1;
	}
	for (char *p = *v; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return 0;
}

/* A USB port path as sysfs names it: "2" or "2.1" (hub ports, digits and dots). */
static int check_usb_port(char **v, struct strbuf *why)
{
	const char *s = *v;

	for (size_t i = 0; s[i]; i++)
		if (!(isdigit((unsigned char)s[i]) || (s[i] == '.' && i && s[i + 1] && s[i + 1] != '.')))
			goto bad;
	if (*s && strlen(s) <= 32)
		return 0;
bad:
	strbuf_addf(why, "'%s' is not a port like \"2\" or \"2.1\" (see 'mvlaunch usb')", s);
	return -1;
}

/* ---- custom parsers ---- */

static int parse_topology(struct schema_ctx *ctx, const struct config_key *k, void *base,
			  const struct toml_node *n, const char *name);
static int parse_vcpu_pins(struct schema_ctx *ctx, const struct config_key *k, void *base,
			   const struct toml_node *n, const char *name);
static int parse_place(struct schema_ctx *ctx, const struct config_key *k, void *base,
		       const struct toml_node *n, const char *name);
static void *add_disk(void *root);
static void *add_net(void *root);
static void *add_pci(void *root);
static void *add_input(void *root);
static void *add_usb(void *root);
static void *add_sched(void *root);
static void *add_iothread(void *root);
static void *add_numa(void *root);
static int parse_disk_iothread(struct schema_ctx *ctx, const struct config_key *k, void *base,
			       const struct toml_node *n, const char *name);
static int parse_numa_distances(struct schema_ctx *ctx, const struct config_key *k, void *base,
				const struct toml_node *n, const char *name);
static int check_iothread_id(char **v, struct strbuf *why);
static int iothread_id_ok(const char *v, struct strbuf *why);

const char *const vm_sched_policy_names[] = { "other", "fifo", "rr", "batch", "idle", NULL };

static const struct config_key disk_keys[] = {
	{ .name = "path", .type = KEY_PATH, .offset = DOFF(path), .required = 1,
	  .qemu = "-blockdev {\"driver\":\"file\",\"filename\":PATH}",
	  .doc = "disk image, block device or ISO; relative paths are taken from the config's directory; "
		 "\"\" only for a cdrom: an empty tray" },
	{ .name = "media", .type = KEY_ENUM, .offset = DOFF(media), .values = media_names, .def = "disk",
	  .qemu = "ide-hd | ide-cd (sata), scsi-hd | scsi-cd (scsi)",
	  .doc = "cdrom: a read-only CD/DVD drive on bus sata (default for it) or scsi; "
		 "'mvlaunch insert' and 'eject' change its medium live" },
	{ .name = "boot_index", .type = KEY_INT, .offset = DOFF(boot_index), .min = 0, .max = 9999,
	  .qemu = "\"bootindex\":N",
	  .doc = "boot order, lowest first; once any device has one, only devices with one are tried "
		 "(default: the disks in the order listed)" },
	{ .name = "format", .type = KEY_ENUM, .offset = DOFF(format), .values = format_names, .def = "raw",
	  .qemu = "-blockdev {\"driver\":FORMAT}", .doc = "image format; never probed, so a raw image cannot pose as qcow2" },
	{ .name = "bus", .type = KEY_ENUM, .offset = DOFF(bus), .values = bus_names, .def = "virtio",
	  .qemu = "virtio-blk-pci | virtio-scsi-pci + scsi-hd | ide-hd on the q35 AHCI", .doc = "how the guest sees the disk" },
	{ .name = "iothread", .type = KEY_CUSTOM, .parse = parse_disk_iothread, .offset = DOFF(iothread),
	  .qemu = "-object iothread,id=ioN + iothread=ioN",
	  .doc = "true: the disk gets an I/O thread of its own, \"ioN\" (pinned to pinning.iothreads); \"ID\": the "
		 "[[iothread]] of that id, which disks may share" },
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
	{ .name = "iops_rd", .type = KEY_INT, .offset = DOFF(iops_rd), .min = 1, .max = 1000000000,
	  .qemu = "-object {\"qom-type\":\"throttle-group\",\"limits\":{\"iops-read\":N}} + a throttle node",
	  .doc = "at most N reads a second (a QEMU throttle group, the same with or without cgroups; 'mvlaunch limits' "
		 "changes it live)" },
	{ .name = "iops_wr", .type = KEY_INT, .offset = DOFF(iops_wr), .min = 1, .max = 1000000000,
	  .qemu = "\"iops-write\":N", .doc = "at most N writes a second" },
	{ .name = "iops_total", .type = KEY_INT, .offset = DOFF(iops_total), .min = 1, .max = 1000000000,
	  .qemu = "\"iops-total\":N", .doc = "at most N reads and writes a second together (not with iops_rd/iops_wr)" },
	{ .name = "bps_rd", .type = KEY_SIZE, .offset = DOFF(bps_rd),
	  .qemu = "\"bps-read\":BYTES", .doc = "at most this much read a second, e.g. \"200M\"" },
	{ .name = "bps_wr", .type = KEY_SIZE, .offset = DOFF(bps_wr),
	  .qemu = "\"bps-write\":BYTES", .doc = "at most this much written a second" },
	{ .name = "bps_total", .type = KEY_SIZE, .offset = DOFF(bps_total),
	  .qemu = "\"bps-total\":BYTES", .doc = "at most this much read and written a second (not with bps_rd/bps_wr)" },
	{ .name = NULL },
};

static const struct config_key net_keys[] = {
	{ .name = "type", .type = KEY_ENUM, .offset = NOFF(type), .values = net_names, .def = "user",
	  .qemu = "-netdev {\"type\":\"tap\"|\"user\"}",
	  .doc = "tap (an existing or new tap device), bridge (a new tap on a bridge), user (slirp); 'up' opens the taps and QEMU gets their descriptors" },
	{ .name = "ifname", .type = KEY_STRING, .offset = NOFF(ifname), .check = check_ifname,
	  .qemu = "(opened by up) \"fd\":\"N\"",
	  .doc = "tap device (type tap): an existing persistent tap, or a new one 'up' makes; default mvl + 7 hex digits of the VM name + -INDEX" },
	{ .name = "bridge", .type = KEY_STRING, .offset = NOFF(bridge), .check = check_ifname,
	  .qemu = "(a tap up attaches) \"fd\":\"N\"",
	  .doc = "bridge to join (type bridge; required there): 'up' makes the VM's tap and attaches it; the tap goes with QEMU" },
	{ .name = "vhost", .type = KEY_BOOL, .offset = NOFF(vhost), .def = "false",
	  .qemu = "\"vhost\":true,\"vhostfd\":\"N\"",
	  .doc = "in-kernel virtio-net data path (tap and bridge): 'up' opens /dev/vhost-net, one a queue" },
	{ .name = "mac", .type = KEY_STRING, .offset = NOFF(mac), .check = check_mac,
	  .qemu = "\"mac\"", .doc = "default: 52:54:00 plus three bytes derived from the VM name and the NIC's index" },
	{ .name = "model", .type = KEY_ENUM, .offset = NOFF(model), .values = model_names, .def = "virtio",
	  .qemu = "-device virtio-net-pci | e1000e", .doc = "NIC model" },
	{ .name = "queues", .type = KEY_UINT, .offset = NOFF(queues), .min = 1, .max = 64, .def = "1",
	  .qemu = "\"fds\":\"N:M\" + mq=on,vectors=2N+2", .doc = "multiqueue virtio-net (tap and bridge): a multi_queue tap, a descriptor a queue" },
	{ .name = "hostfwd", .type = KEY_STRLIST, .offset = NOFF(hostfwd), .check = check_hostfwd,
	  .qemu = "\"hostfwd\":[{\"str\":...}]", .doc = "port forwards for type user, e.g. [\"tcp:127.0.0.1:2222-:22\"]" },
	{ .name = "boot_index", .type = KEY_INT, .offset = NOFF(boot_index), .min = 0, .max = 9999,
	  .qemu = "\"bootindex\":N", .doc = "boot from the network (PXE), in this place of the boot order" },
	{ .name = NULL },
};

static const struct config_key pci_keys[] = {
	{ .name = "host", .type = KEY_STRING, .offset = POFF(host), .required = 1, .check = check_pci,
	  .qemu = "-device {\"driver\":\"vfio-pci\",\"host\":ADDR}",
	  .doc = "host PCI address to pass through (bound to vfio-pci)" },
	{ .name = "multifunction", .type = KEY_BOOL, .offset = POFF(multifunction), .def = "false",
	  .qemu = "\"multifunction\":true",
	  .doc = "later entries on the same host bus:slot (e.g. the GPU's audio function) become functions of this guest slot" },
	{ .name = "vga", .type = KEY_BOOL, .offset = POFF(vga), .def = "false",
	  .qemu = "\"x-vga\":true", .doc = "primary VGA device (GPU passthrough)" },
	{ .name = "rombar", .type = KEY_BOOL, .offset = POFF(rombar),
	  .qemu = "\"rombar\":0|1", .doc = "expose the device ROM BAR (unset: QEMU's default)" },
	{ .name = "romfile", .type = KEY_PATH, .offset = POFF(romfile), .check = schema_check_nonempty,
	  .qemu = "\"romfile\"", .doc = "ROM image to expose instead of the device's own" },
	{ .name = "boot_index", .type = KEY_INT, .offset = POFF(boot_index), .min = 0, .max = 9999,
	  .qemu = "\"bootindex\":N", .doc = "boot from the device's option ROM (an NVMe or HBA), in this place of the boot order" },
	{ .name = "managed", .type = KEY_BOOL, .offset = POFF(managed), .def = "true",
	  .qemu = "(host) driver_override + bind",
	  .doc = "up binds every function of the IOMMU group (bridges excepted) to vfio-pci, down gives each its driver back; false: bound by the user" },
	{ .name = NULL },
};

static const struct config_key input_keys[] = {
	{ .name = "evdev", .type = KEY_PATH, .offset = IOFF(evdev), .required = 1, .check = schema_check_nonempty,
	  .qemu = "-object {\"qom-type\":\"input-linux\",\"evdev\":PATH}",
	  .doc = "host keyboard or mouse QEMU reads and grabs, e.g. /dev/input/by-id/...-event-kbd "
		 "('mvlaunch input list'); it must exist when the config is loaded" },
	{ .name = "grab_all", .type = KEY_BOOL, .offset = IOFF(grab_all), .def = "false",
	  .qemu = "\"grab_all\":true", .doc = "the grab toggle of this device switches every input device with it (set it on the keyboard)" },
	{ .name = "repeat", .type = KEY_BOOL, .offset = IOFF(repeat), .def = "false",
	  .qemu = "\"repeat\":true", .doc = "pass the host's key-repeat events on (else the guest repeats keys itself)" },
	{ .name = "grab_toggle", .type = KEY_ENUM, .offset = IOFF(grab_toggle), .values = vm_grab_toggle_names,
	  .def = "ctrl-ctrl", .qemu = "\"grab-toggle\"",
	  .doc = "keys that switch the device between host and guest (ctrl-ctrl: both Ctrl keys)" },
	{ .name = "virtio", .type = KEY_BOOL, .offset = IOFF(virtio), .def = "false",
	  .qemu = "-device virtio-keyboard-pci + virtio-mouse-pci (once)",
	  .doc = "give the guest virtio keyboard and mouse (Linux guests; Windows needs the virtio-input driver) instead of PS/2" },
	{ .name = NULL },
};

static const struct config_key sched_keys[] = {
	{ .name = "vcpus", .type = KEY_CPUSET, .offset = SCOFF(vcpus), .offset2 = SCOFF(has_vcpus),
	  .qemu = "(sched_setscheduler on each vCPU thread)", .doc = "the vCPUs (indexes, as \"0-3\") this policy is for" },
	{ .name = "iothreads", .type = KEY_STRLIST, .offset = SCOFF(iothreads),
	  .qemu = "(sched_setscheduler on each iothread)", .doc = "the iothreads it is for, by id: an [[iothread]]'s, or \"ioN\" for disk N's own" },
	{ .name = "emulator", .type = KEY_BOOL, .offset = SCOFF(emulator), .def = "false",
	  .qemu = "(sched_setscheduler on QEMU's other threads)", .doc = "it is for QEMU's emulator threads (and swtpm's)" },
	{ .name = "policy", .type = KEY_ENUM, .offset = SCOFF(policy), .values = vm_sched_policy_names, .required = 1,
	  .qemu = "SCHED_OTHER|FIFO|RR|BATCH|IDLE",
	  .doc = "fifo and rr: real-time (only sane on isolated CPUs); other: the kernel's normal scheduler; batch, idle" },
	{ .name = "priority", .type = KEY_INT, .offset = SCOFF(priority), .min = 1, .max = 99,
	  .qemu = "sched_priority", .doc = "the real-time priority for fifo and rr (1 lowest); none for the others" },
	{ .name = NULL },
};

static const struct config_key iothread_keys[] = {
	{ .name = "id", .type = KEY_STRING, .offset = IOTOFF(id), .required = 1, .check = check_iothread_id,
	  .qemu = "-object {\"qom-type\":\"iothread\",\"id\":ID}",
	  .doc = "its name: disks use it with iothread = \"ID\"; query-iothreads and 'status' show it" },
	{ .name = "cpus", .type = KEY_CPUSET, .offset = IOTOFF(cpus), .offset2 = IOTOFF(has_cpus),
	  .qemu = "(sched_setaffinity of the iothread)", .doc = "host CPUs it runs on; default: pinning.iothreads" },
	{ .name = "poll_max_ns", .type = KEY_INT, .offset = IOTOFF(poll_max_ns), .min = 0, .max = 1000000000,
	  .qemu = "\"poll-max-ns\"", .doc = "how long it busy-polls for I/O before it sleeps (0: never; QEMU's default 32768)" },
	{ .name = NULL },
};

static const struct config_key numa_keys[] = {
	{ .name = "vcpus", .type = KEY_CPUSET, .offset = NUOFF(vcpus), .offset2 = NUOFF(has_vcpus), .required = 1,
	  .qemu = "-numa cpu,node-id=N,socket-id=S (whole sockets) or ,core-id,thread-id",
	  .doc = "the guest vCPUs (indexes, as \"0-19\") in this node; every vCPU is in exactly one node" },
	{ .name = "memory", .type = KEY_SIZE, .offset = NUOFF(mem_bytes), .required = 1,
	  .qemu = "-object memory-backend-...,id=ram-nodeN,size= + -numa node,nodeid=N,memdev=ram-nodeN",
	  .doc = "the node's RAM; the nodes' sizes add up to memory.size (which may then be left out)" },
	{ .name = "host_nodes", .type = KEY_CPUSET, .offset = NUOFF(host_nodes), .offset2 = NUOFF(has_host_nodes),
	  .qemu = "\"host-nodes\":[N,...] + \"policy\" (+ a thread-context there for prealloc)",
	  .doc = "host NUMA nodes its RAM comes from (\"0\", \"0-1\"); default: the nodes its vCPUs are pinned to, "
		 "none when they float" },
	{ .name = "policy", .type = KEY_ENUM, .offset = NUOFF(policy), .values = policy_names, .def = "bind",
	  .qemu = "\"policy\"", .doc = "how strictly the RAM stays on host_nodes" },
	{ .name = "hugepages", .type = KEY_ENUM, .offset = NUOFF(hugepages_key), .values = cell_hugepage_names,
	  .qemu = "\"hugetlb\":true,\"hugetlbsize\" (memfd)",
	  .doc = "the node's page size (none, 2M, 1G); default: memory.hugepages" },
	{ .name = "distances", .type = KEY_CUSTOM, .parse = parse_numa_distances,
	  .qemu = "-numa dist,src=N,dst=M,val=D",
	  .doc = "distances to node 0, 1, ... as the guest's ACPI SLIT shows them, e.g. [10, 21] (10 to itself, "
		 "11..255 to the others; every node then lists one per node); default: 10 and 20" },
	{ .name = NULL },
};

static const struct config_key usb_keys[] = {
	{ .name = "vendor", .type = KEY_STRING, .offset = UOFF(vendor), .check = check_usb_id,
	  .qemu = "-device {\"driver\":\"usb-host\",\"vendorid\":N}", .doc = "the device's vendor id (with product)" },
	{ .name = "product", .type = KEY_STRING, .offset = UOFF(product), .check = check_usb_id,
	  .qemu = "\"productid\":N", .doc = "the device's product id (with vendor)" },
	{ .name = "bus", .type = KEY_UINT, .offset = UOFF(bus), .min = 1, .max = 255,
	  .qemu = "\"hostbus\":N", .doc = "the host USB bus of one physical port (with port; instead of vendor and product)" },
	{ .name = "port", .type = KEY_STRING, .offset = UOFF(port), .check = check_usb_port,
	  .qemu = "\"hostport\"", .doc = "the port on that bus, e.g. \"2.1\" (port 1 of the hub on port 2)" },
	{ .name = "serial", .type = KEY_STRING, .offset = UOFF(serial), .check = schema_check_nonempty,
	  .qemu = "(host) hostbus + hostport", .doc = "which of several vendor:product devices: up finds its bus and port in sysfs" },
	{ .name = NULL },
};

static int parse_cpu_max(struct schema_ctx *ctx, const struct config_key *k, void *base,
			 const struct toml_node *n, const char *name)
{
	struct strbuf why = STRBUF_INIT;
	unsigned *pct = (unsigned *)((char *)base + k->offset);
	int ret = 0;

	if (n->type != TOML_STRING)
		return schema_type_error(ctx, n, name, "a string \"N%\"");
	if (qos_cpu_max_parse(n->str, pct, &why) < 0)
		ret = schema_error(ctx->err, ctx->file, schema_node_loc(n), name, "%s", why.buf);
	strbuf_release(&why);
	return ret;
}

static const struct config_key vm_keys[] = {
	{ .name = "name", .type = KEY_STRING, .offset = OFF(name), .check = check_name,
	  .qemu = "-name guest=NAME,debug-threads=on", .doc = "VM name: the file name without .toml; if given, it must be that" },

	{ .name = "machine.type", .type = KEY_STRING, .offset = OFF(machine_type), .def = "q35", .check = check_machine,
	  .qemu = "-machine TYPE", .doc = "q35, or a versioned pc-q35-X.Y for a stable guest ABI" },
	{ .name = "machine.accel", .type = KEY_ENUM, .offset = OFF(accel), .values = accel_names, .def = "kvm",
	  .qemu = "-accel kvm|tcg", .doc = "tcg emulates (slow) where KVM cannot run a guest" },
	{ .name = "machine.firmware", .type = KEY_ENUM, .offset = OFF(firmware), .values = firmware_names, .def = "bios",
	  .qemu = "-blockdev (OVMF) + -machine pflash0=,pflash1=",
	  .doc = "uefi: OVMF code read-only plus a per-VM copy of the vars template" },
	{ .name = "machine.secure_boot", .type = KEY_BOOL, .offset = OFF(secure_boot), .def = "false",
	  .qemu = "-machine smm=on + -global cfi.pflash01.secure=on", .doc = "Secure Boot OVMF with Microsoft keys; needs uefi and SMM" },
	{ .name = "machine.ovmf_code", .type = KEY_PATH, .offset = OFF(ovmf_code), .check = schema_check_nonempty,
	  .qemu = "pflash0", .doc = "default: /usr/share/OVMF/OVMF_CODE_4M.fd (.ms.fd with secure_boot)" },
	{ .name = "machine.ovmf_vars", .type = KEY_PATH, .offset = OFF(ovmf_vars), .check = schema_check_nonempty,
	  .qemu = "template of pflash1", .doc = "default: /usr/share/OVMF/OVMF_VARS_4M.fd (.ms.fd with secure_boot)" },
	{ .name = "machine.nvram", .type = KEY_PATH, .offset = OFF(nvram), .check = schema_check_nonempty,
	  .qemu = "pflash1", .doc = "the VM's own vars file; default: $MVLAUNCH_STATEDIR (/var/lib/mvlaunch)/NAME/OVMF_VARS.fd" },
	{ .name = "machine.iommu", .type = KEY_ENUM, .offset = OFF(iommu), .values = iommu_names, .def = "none",
	  .qemu = "-device intel-iommu,intremap=on,caching-mode=on,device-iotlb=on + kernel-irqchip=split",
	  .doc = "virtual IOMMU for nested passthrough" },
	{ .name = "machine.hidden", .type = KEY_BOOL, .offset = OFF(hidden), .def = "false",
	  .qemu = "-cpu ...,kvm=off",
	  .doc = "hide KVM from the guest; also turns off kvmclock and every KVM PV feature" },
	{ .name = "machine.acpi", .type = KEY_BOOL, .offset = OFF(acpi), .def = "true",
	  .qemu = "-machine acpi=off when false", .doc = "ACPI tables (needed for ACPI shutdown)" },
	{ .name = "machine.vmport", .type = KEY_BOOL, .offset = OFF(vmport),
	  .qemu = "-machine vmport=on|off", .doc = "VMware's I/O port (unset: QEMU's default, on); libvirt's <vmport state='off'/>" },
	{ .name = "machine.s3", .type = KEY_BOOL, .offset = OFF(s3),
	  .qemu = "-global ICH9-LPC.disable_s3=0|1", .doc = "the guest may suspend to RAM (false = libvirt's <suspend-to-mem enabled='no'/>; a passed-through GPU rarely survives it)" },
	{ .name = "machine.s4", .type = KEY_BOOL, .offset = OFF(s4),
	  .qemu = "-global ICH9-LPC.disable_s4=0|1", .doc = "the guest may suspend to disk (false = libvirt's <suspend-to-disk enabled='no'/>)" },

	{ .name = "cpu.model", .type = KEY_STRING, .offset = OFF(cpu_model), .def = "host", .check = check_cpu_model,
	  .qemu = "-cpu MODEL", .doc = "host (= libvirt host-passthrough, KVM only) or a QEMU model (max for TCG)" },
	{ .name = "cpu.vcpus", .type = KEY_UINT, .offset = OFF(vcpus), .min = 1, .max = VM_MAX_VCPUS, .def = "1",
	  .qemu = "-smp N", .doc = "number of vCPUs" },
	{ .name = "cpu.topology", .type = KEY_CUSTOM, .parse = parse_topology,
	  .qemu = "-smp N,sockets=,dies=,cores=,threads=",
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
	  .qemu = "-cpu ...,FEATURE=on", .doc = "features the guest must see (libvirt policy='require')" },
	{ .name = "cpu.disable", .type = KEY_STRLIST, .offset = OFF(cpu_disable), .check = check_feature,
	  .qemu = "-cpu ...,FEATURE=off", .doc = "features hidden from the guest (policy='disable')" },
	{ .name = "cpu.enforce", .type = KEY_BOOL, .offset = OFF(enforce), .def = "false",
	  .qemu = "-cpu ...,enforce=on", .doc = "refuse to start when a required feature is missing (QEMU otherwise only warns)" },
	{ .name = "cpu.migratable", .type = KEY_BOOL, .offset = OFF(migratable),
	  .qemu = "-cpu host,migratable=on|off", .doc = "hide host features that block migration (model host)" },
	{ .name = "cpu.l3_cache", .type = KEY_BOOL, .offset = OFF(l3_cache), .def = "true",
	  .qemu = "-cpu ...,l3-cache=on|off", .doc = "report a virtual L3 cache to the guest" },
	{ .name = "cpu.host_cache_info", .type = KEY_BOOL, .offset = OFF(host_cache_info), .def = "false",
	  .qemu = "-cpu ...,host-cache-info=on", .doc = "pass the host's cache layout instead (excludes l3_cache)" },
	{ .name = "cpu.pmu", .type = KEY_BOOL, .offset = OFF(pmu),
	  .qemu = "-cpu ...,pmu=on|off", .doc = "virtual performance counters" },
	{ .name = "cpu.cpu_pm", .type = KEY_BOOL, .offset = OFF(cpu_pm), .def = "false",
	  .qemu = "-overcommit cpu-pm=on",
	  .doc = "guest HLT/PAUSE/C-states without exits: only for dedicated, isolated vCPUs" },
	{ .name = "cpu.hint_dedicated", .type = KEY_BOOL, .offset = OFF(hint_dedicated),
	  .qemu = "-cpu ...,kvm-hint-dedicated=on", .doc = "tell the guest its vCPUs are dedicated" },
	{ .name = "cpu.hyperv.relaxed", .type = KEY_BOOL, .offset = HOFF(relaxed), .qemu = "hv-relaxed=on",
	  .doc = "Hyper-V: no watchdog timeouts in Windows" },
	{ .name = "cpu.hyperv.vapic", .type = KEY_BOOL, .offset = HOFF(vapic), .qemu = "hv-vapic=on",
	  .doc = "Hyper-V: virtual APIC assist" },
	{ .name = "cpu.hyperv.spinlocks", .type = KEY_UINT, .offset = HOFF(spinlocks), .min = 0xfff, .max = 0xffffffffLL,
	  .qemu = "hv-spinlocks=0xN", .doc = "Hyper-V: spinlock retries before a guest notifies the host (8191 is common)" },
	{ .name = "cpu.hyperv.vendor_id", .type = KEY_STRING, .offset = HOFF(vendor_id), .check = check_vendor_id,
	  .qemu = "hv-vendor-id=", .doc = "Hyper-V vendor id, at most 12 characters" },
	{ .name = "cpu.hyperv.time", .type = KEY_BOOL, .offset = HOFF(time), .qemu = "hv-time=on",
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
	  .qemu = "(sched_setaffinity on each vCPU thread)",
	  .doc = "one CPU list per vCPU, one list for all, or \"auto\" (planner)" },
	{ .name = "pinning.policy", .type = KEY_ENUM, .offset = OFF(pin_policy), .values = pin_policy_names,
	  .def = "dedicated", .qemu = "(planner)",
	  .doc = "dedicated: each vCPU owns host threads no other VM or the host gets; shared: vCPUs float over the CPUs nobody owns" },
	{ .name = "pinning.thread_policy", .type = KEY_ENUM, .offset = OFF(thread_policy), .values = thread_policy_names,
	  .def = "prefer", .qemu = "(planner)",
	  .doc = "prefer: guest thread pairs on host sibling pairs; isolate: one thread per core, sibling idle; require: fail without SMT" },
	{ .name = "pinning.emulator", .type = KEY_CUSTOM, .parse = parse_place, .offset = OFF(emulator_pin),
	  .offset2 = OFF(emulator_place), .qemu = "(affinity of QEMU's other threads)",
	  .doc = "host (the reserved CPUs, default), share (CPUs no VM owns), isolate (one more dedicated CPU) or a CPU list" },
	{ .name = "pinning.iothreads", .type = KEY_CUSTOM, .parse = parse_place, .offset = OFF(iothread_pin),
	  .offset2 = OFF(iothread_place), .qemu = "(affinity of the iothreads)",
	  .doc = "as pinning.emulator; default: where the emulator threads go" },
	{ .name = "pinning.realtime", .type = KEY_BOOL, .offset = OFF(realtime), .def = "false",
	  .qemu = "(SCHED_FIFO on vCPU threads)", .doc = "real-time vCPUs; only sane on isolated CPUs" },

	{ .name = "memory.size", .type = KEY_SIZE, .offset = OFF(mem_bytes), .def = "1G",
	  .qemu = "-m MiB + memory backend size", .doc = "guest RAM: \"16G\", \"512M\", \"16GiB\", \"16GB\" (10^9)" },
	{ .name = "memory.hugepages", .type = KEY_ENUM, .offset = OFF(hugepages), .values = hugepage_names, .def = "none",
	  .qemu = "\"hugetlb\":true,\"hugetlbsize\" (memfd) or mem-path on hugetlbfs",
	  .doc = "back guest RAM with huge pages" },
	{ .name = "memory.locked", .type = KEY_BOOL, .offset = OFF(locked), .def = "false",
	  .qemu = "-overcommit mem-lock=on", .doc = "lock guest RAM (and QEMU) in host RAM" },
	{ .name = "memory.merge", .type = KEY_BOOL, .offset = OFF(merge),
	  .qemu = "-machine mem-merge=off + \"merge\":false",
	  .doc = "KSM may merge guest pages; false = libvirt <nosharepages/>" },
	{ .name = "memory.prealloc", .type = KEY_BOOL, .offset = OFF(prealloc), .def = "false",
	  .qemu = "\"prealloc\":true", .doc = "allocate all guest RAM at start (allocation immediate)" },
	{ .name = "memory.prealloc_threads", .type = KEY_UINT, .offset = OFF(prealloc_threads), .min = 1, .max = 1024,
	  .qemu = "\"prealloc-threads\"", .doc = "threads that preallocate (with prealloc)" },
	{ .name = "memory.source", .type = KEY_ENUM, .offset = OFF(source), .values = source_names,
	  .qemu = "memory-backend-ram|memfd|file",
	  .doc = "memory backend; default: anonymous (memory-backend-ram, as libvirt), memfd with hugepages or access = \"shared\"" },
	{ .name = "memory.path", .type = KEY_PATH, .offset = OFF(mem_path), .check = schema_check_nonempty,
	  .qemu = "\"mem-path\"", .doc = "directory for source file; default /dev/hugepages (2M), /dev/hugepages1G (1G), /dev/shm" },
	{ .name = "memory.access", .type = KEY_ENUM, .offset = OFF(access), .values = access_names,
	  .qemu = "\"share\":false|true",
	  .doc = "default: shared for memfd and file (a private mapping of them holds each page twice), private for anonymous; shared is needed for vhost-user" },
	{ .name = "memory.discard", .type = KEY_BOOL, .offset = OFF(discard), .def = "false",
	  .qemu = "\"discard-data\":true", .doc = "drop the file's pages at exit (source file only)" },
	{ .name = "memory.dump_core", .type = KEY_BOOL, .offset = OFF(dump_core),
	  .qemu = "-machine dump-guest-core=on|off", .doc = "include guest RAM in QEMU core dumps" },
	{ .name = "memory.numa_node", .type = KEY_INT, .offset = OFF(numa_node), .min = 0, .max = 1023,
	  .qemu = "\"host-nodes\":[N],\"policy\"", .doc = "host NUMA node to take guest RAM from" },
	{ .name = "memory.numa_policy", .type = KEY_ENUM, .offset = OFF(numa_policy), .values = policy_names, .def = "bind",
	  .qemu = "\"policy\"", .doc = "how strictly (with numa_node)" },
	{ .name = "memory.numa", .type = KEY_ENUM, .offset = OFF(numa_mode), .values = numa_mode_names, .def = "auto",
	  .qemu = "-numa node + one memory backend per node",
	  .doc = "auto: a VM whose pinned vCPUs land on several host nodes gets one guest node per host node (memory "
		 "split in proportion, each bound to its node, guest sockets = nodes); off: one flat guest node. "
		 "[[numa]] tables declare the nodes instead" },

	{ .name = "smbios.manufacturer", .type = KEY_STRING, .offset = SOFF(manufacturer), .check = vm_config_check_smbios,
	  .qemu = "-smbios type=1,manufacturer=", .doc = "system manufacturer (SMBIOS type 1), e.g. \"ASUSTeK COMPUTER INC.\"" },
	{ .name = "smbios.product", .type = KEY_STRING, .offset = SOFF(product), .check = vm_config_check_smbios,
	  .qemu = "-smbios type=1,product=", .doc = "system product name (the guest's /sys/class/dmi/id/product_name)" },
	{ .name = "smbios.version", .type = KEY_STRING, .offset = SOFF(version), .check = vm_config_check_smbios,
	  .qemu = "-smbios type=1,version=", .doc = "system version" },
	{ .name = "smbios.serial", .type = KEY_STRING, .offset = SOFF(serial), .check = vm_config_check_smbios,
	  .qemu = "-smbios type=1,serial=", .doc = "system serial number" },
	{ .name = "smbios.sku", .type = KEY_STRING, .offset = SOFF(sku), .check = vm_config_check_smbios,
	  .qemu = "-smbios type=1,sku=", .doc = "system SKU number" },
	{ .name = "smbios.family", .type = KEY_STRING, .offset = SOFF(family), .check = vm_config_check_smbios,
	  .qemu = "-smbios type=1,family=", .doc = "system family" },
	{ .name = "smbios.bios_vendor", .type = KEY_STRING, .offset = SOFF(bios_vendor), .check = vm_config_check_smbios,
	  .qemu = "-smbios type=0,vendor=", .doc = "BIOS vendor (SMBIOS type 0)" },
	{ .name = "smbios.bios_version", .type = KEY_STRING, .offset = SOFF(bios_version), .check = vm_config_check_smbios,
	  .qemu = "-smbios type=0,version=", .doc = "BIOS version" },
	{ .name = "smbios.bios_date", .type = KEY_STRING, .offset = SOFF(bios_date), .check = check_bios_date,
	  .qemu = "-smbios type=0,date=", .doc = "BIOS release date, MM/DD/YYYY" },
	{ .name = "smbios.uuid", .type = KEY_STRING, .offset = SOFF(uuid), .check = check_uuid,
	  .qemu = "-uuid", .doc = "the system UUID; default: made once per VM and kept in $MVLAUNCH_STATEDIR/NAME/uuid, "
		 "so Windows activation and licences keep seeing the same machine" },
	{ .name = "smbios.copy_host", .type = KEY_BOOL, .offset = SOFF(copy_host), .def = "false",
	  .qemu = "-smbios type=0,... type=1,... from /sys/class/dmi/id",
	  .doc = "copy the host's SMBIOS strings (keys set here win; the UUID stays the VM's own)" },

	{ .name = "tpm.enable", .type = KEY_BOOL, .offset = OFF(tpm), .def = "false",
	  .qemu = "-chardev socket + -tpmdev emulator + -device tpm-crb|tpm-tis",
	  .doc = "a TPM 2.0 (Windows 11 needs one): mvlaunch runs swtpm beside QEMU, its state in "
		 "$MVLAUNCH_STATEDIR/NAME/tpm2 (kept across restarts)" },
	{ .name = "tpm.model", .type = KEY_ENUM, .offset = OFF(tpm_model), .values = tpm_model_names, .def = "crb",
	  .qemu = "-device tpm-crb | tpm-tis", .doc = "crb (TPM 2.0's own interface) or tis (for guests that want it)" },

	{ .name = "looking_glass.enable", .type = KEY_BOOL, .offset = LOFF(enable), .def = "false",
	  .qemu = "-object memory-backend-file,share=on + -device ivshmem-plain",
	  .doc = "Looking Glass: the guest's frames in shared memory, shown on the host by looking-glass-client" },
	{ .name = "looking_glass.size", .type = KEY_SIZE, .offset = LOFF(size),
	  .qemu = "\"size\"", .doc = "the shared memory, a power of two; default: from resolution" },
	{ .name = "looking_glass.resolution", .type = KEY_STRING, .offset = LOFF(resolution), .check = check_resolution,
	  .qemu = "(size = W x H x 4 x 2 + 10M, to a power of two)",
	  .doc = "the guest's largest mode, default \"1920x1080\" (32M); \"2560x1440\" gives 64M, \"3840x2160\" 128M" },
	{ .name = "looking_glass.owner", .type = KEY_STRING, .offset = LOFF(owner), .check = check_owner,
	  .qemu = "(chown of the file)",
	  .doc = "the desktop user who runs the client: the file is theirs (and their group's), mode 0660" },
	{ .name = "looking_glass.path", .type = KEY_PATH, .offset = LOFF(path), .check = schema_check_nonempty,
	  .qemu = "\"mem-path\"", .doc = "the shared-memory file, made at up and removed at down; default /dev/shm/looking-glass" },
	{ .name = "looking_glass.device", .type = KEY_PATH, .offset = LOFF(device), .check = schema_check_nonempty,
	  .qemu = "\"mem-path\"", .doc = "the kvmfr module's device instead of a file, e.g. \"/dev/kvmfr0\" (neither made nor removed)" },

	{ .name = "audio.backend", .type = KEY_ENUM, .offset = OFF(audio_backend), .values = audio_backend_names,
	  .qemu = "-audiodev {\"driver\":BACKEND}",
	  .doc = "where the guest's sound goes: pa (PulseAudio or PipeWire's pulse server), alsa, wav (a file), none (a "
		 "sound device whose output is dropped); unset: no sound device" },
	{ .name = "audio.path", .type = KEY_PATH, .offset = OFF(audio_path), .check = schema_check_nonempty,
	  .qemu = "\"path\"", .doc = "the wav backend's file (for tests and recording)" },
	{ .name = "audio.server", .type = KEY_STRING, .offset = OFF(audio_server), .check = schema_check_nonempty,
	  .qemu = "\"server\"", .doc = "the pa backend's server; default: looking_glass.owner's /run/user/UID/pulse/native" },
	{ .name = "audio.model", .type = KEY_ENUM, .offset = OFF(audio_model), .values = audio_model_names, .def = "ich9",
	  .qemu = "-device ich9-intel-hda + hda-duplex | usb-audio", .doc = "the guest's sound card: ich9 (HDA) or usb" },

	{ .name = "display.type", .type = KEY_ENUM, .offset = VOFF(type), .values = display_names, .def = "none",
	  .qemu = "-vnc | -spice", .doc = "a remote screen for installing and rescuing the guest (before its GPU driver is in)" },
	{ .name = "display.listen", .type = KEY_STRING, .offset = VOFF(listen), .def = "unix", .check = check_listen,
	  .qemu = "-vnc unix:RUN/vnc.sock | -vnc HOST:N; -spice unix=on,addr=RUN/spice.sock | port=,addr=",
	  .doc = "unix: a 0600 socket in the runtime directory ('mvlaunch display' says how to reach it); "
		 "or a TCP address \"127.0.0.1:5901\" (VNC ports 5900..65535)" },
	{ .name = "display.password", .type = KEY_STRING, .offset = VOFF(password), .check = check_display_password,
	  .qemu = "password=on + QMP set_password (never in argv)",
	  .doc = "TCP only (VNC uses its first 8 characters); without one beyond loopback anyone on the network gets the screen" },
	{ .name = "display.gpu", .type = KEY_ENUM, .offset = VOFF(gpu), .values = gpu_names,
	  .qemu = "-device virtio-vga | VGA", .doc = "the emulated graphics card, apart from a passed-through GPU: "
		 "std (default with a display; every installer drives it), virtio (needs the virtio-win driver), none" },

	{ .name = "clock.base", .type = KEY_STRING, .offset = OFF(clock_base), .def = "utc", .check = check_clock_base,
	  .qemu = "-rtc base=", .doc = "utc, localtime (Windows) or a start time" },
	{ .name = "clock.rtc", .type = KEY_ENUM, .offset = OFF(rtc), .values = rtc_names,
	  .qemu = "-rtc ...,driftfix=slew (catchup)", .doc = "RTC lost-tick policy: catchup or delay" },
	{ .name = "clock.track", .type = KEY_ENUM, .offset = OFF(track), .values = track_names,
	  .qemu = "-rtc ...,clock=vm|host|rt", .doc = "what the RTC follows: guest, wall, realtime" },
	{ .name = "clock.catchup.threshold", .type = KEY_IGNORED, .qemu = "none",
	  .doc = "libvirt-only; QEMU has no equivalent (ignored with a warning)" },
	{ .name = "clock.catchup.slew", .type = KEY_IGNORED, .qemu = "none",
	  .doc = "libvirt-only; QEMU has no equivalent (ignored with a warning)" },
	{ .name = "clock.catchup.limit", .type = KEY_IGNORED, .qemu = "none",
	  .doc = "libvirt-only; QEMU has no equivalent (ignored with a warning)" },
	{ .name = "clock.pit", .type = KEY_ENUM, .offset = OFF(pit), .values = pit_names,
	  .qemu = "-global kvm-pit.lost_tick_policy=", .doc = "PIT lost-tick policy: delay or discard (KVM only)" },
	{ .name = "clock.hpet", .type = KEY_BOOL, .offset = OFF(hpet),
	  .qemu = "-machine hpet=off", .doc = "HPET timer (false: Windows guests then use cheaper timers)" },
	{ .name = "clock.kvmclock", .type = KEY_BOOL, .offset = OFF(kvmclock),
	  .qemu = "-cpu ...,kvmclock=on|off", .doc = "KVM paravirtual clock" },
	{ .name = "clock.hypervclock", .type = KEY_BOOL, .offset = OFF(hypervclock),
	  .qemu = "-cpu ...,hv-time=on", .doc = "Hyper-V reference clock (same as cpu.hyperv.time)" },

	{ .name = "disk", .type = KEY_TABLES, .sub = disk_keys, .add = add_disk, .offset2 = DOFF(loc),
	  .doc = "[[disk]] tables" },
	{ .name = "net", .type = KEY_TABLES, .sub = net_keys, .add = add_net, .offset2 = NOFF(loc),
	  .doc = "[[net]] tables" },
	{ .name = "passthrough", .type = KEY_TABLES, .sub = pci_keys, .add = add_pci, .offset2 = POFF(loc),
	  .doc = "[[passthrough]] tables" },
	{ .name = "input", .type = KEY_TABLES, .sub = input_keys, .add = add_input, .offset2 = IOFF(loc),
	  .doc = "[[input]] tables" },
	{ .name = "usb", .type = KEY_TABLES, .sub = usb_keys, .add = add_usb, .offset2 = UOFF(loc), .doc = "[[usb]] tables" },
	{ .name = "sched", .type = KEY_TABLES, .sub = sched_keys, .add = add_sched, .offset2 = SCOFF(loc),
	  .doc = "[[sched]] tables" },
	{ .name = "iothread", .type = KEY_TABLES, .sub = iothread_keys, .add = add_iothread, .offset2 = IOTOFF(loc),
	  .doc = "[[iothread]] tables" },
	{ .name = "numa", .type = KEY_TABLES, .sub = numa_keys, .add = add_numa, .offset2 = NUOFF(loc),
	  .doc = "[[numa]] tables" },

	{ .name = "boot.kernel", .type = KEY_PATH, .offset = OFF(kernel), .check = schema_check_nonempty,
	  .qemu = "-kernel", .doc = "direct kernel boot" },
	{ .name = "boot.initrd", .type = KEY_PATH, .offset = OFF(initrd), .check = schema_check_nonempty,
	  .qemu = "-initrd", .doc = "initramfs (with kernel)" },
	{ .name = "boot.append", .type = KEY_STRING, .offset = OFF(append),
	  .qemu = "-append", .doc = "kernel command line (with kernel)" },
	{ .name = "boot.menu", .type = KEY_BOOL, .offset = OFF(boot_menu),
	  .qemu = "-boot menu=on|off", .doc = "the firmware's boot menu (Esc in SeaBIOS and OVMF)" },

	{ .name = "qemu.binary", .type = KEY_STRING, .offset = OFF(qemu_binary), .def = "qemu-system-x86_64", .check = schema_check_nonempty,
	  .qemu = "argv[0]", .doc = "QEMU to run (looked up in PATH without a '/')" },
	{ .name = "qemu.extra_args", .type = KEY_STRLIST, .offset = OFF(extra_args),
	  .qemu = "appended as they are",
	  .doc = "escape hatch like <qemu:commandline>: passed unescaped, at the end" },
	{ .name = "service.after", .type = KEY_STRLIST, .offset = OFF(service_after), .check = check_name,
	  .qemu = "(systemd) After= and Wants=mvlaunch@NAME.service",
	  .doc = "VMs this one starts after, in 'mvlaunch unit' (a router VM before its clients)" },
	{ .name = "service.stop_timeout", .type = KEY_UINT, .offset = OFF(stop_timeout), .def = "60", .min = 1, .max = 3600,
	  .qemu = "(systemd) ExecStop=mvlaunch down --timeout S; TimeoutStopSec=S+30",
	  .doc = "seconds the guest gets to shut down on 'systemctl stop' before QEMU is stopped" },
	{ .name = "limits.cpu_weight", .type = KEY_UINT, .offset = OFF(cpu_weight), .min = 1, .max = 10000,
	  .qemu = "(cgroup) v2 cpu.weight; v1 cpu.shares = N*1024/100; systemd CPUWeight",
	  .doc = "the VM's share of busy CPUs against other cgroups (100: the default share; 800 gets 8 times "
		 "a VM of 100); 'mvlaunch limits --cpu-weight' changes it live" },
	{ .name = "limits.cpu_max", .type = KEY_CUSTOM, .parse = parse_cpu_max, .offset = OFF(cpu_max_pct),
	  .qemu = "(cgroup) v2 cpu.max \"Q 100000\"; v1 cpu.cfs_quota_us; systemd CPUQuota",
	  .doc = "\"N%\": at most N% of one CPU for all of QEMU's threads together (\"250%\": two and a half "
		 "CPUs), over periods of 100 ms" },
	{ .name = "limits.memory_max", .type = KEY_SIZE, .offset = OFF(memory_max),
	  .qemu = "(cgroup) v2 memory.max; v1 memory.limit_in_bytes; systemd MemoryMax",
	  .doc = "hard limit of the memory QEMU and swtpm use together; at least the guest's RAM + 256M + 2% of "
		 "it + video memory (16M with an emulated GPU) + the Looking Glass buffer" },
	{ .name = "limits.memory_high", .type = KEY_SIZE, .offset = OFF(memory_high),
	  .qemu = "(cgroup) v2 memory.high; v1 memory.soft_limit_in_bytes; systemd MemoryHigh",
	  .doc = "above it the kernel reclaims QEMU's memory first (v1: a soft limit, acted on only when the "
		 "host runs short); the same least value as memory_max" },
	{ .name = "qemu.sandbox", .type = KEY_BOOL, .offset = OFF(sandbox), .def = "true",
	  .qemu = "-sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
	  .doc = "seccomp filter as libvirt uses it (QEMU spawns nothing: 'up' opens the taps)" },
	{ .name = "security.user", .type = KEY_STRING, .offset = OFF(security_user), .def = "mvlaunch-qemu",
	  .check = check_user,
	  .qemu = "(spawn) setgroups/setgid/setuid, no capabilities, no new privileges; files granted by ACL",
	  .doc = "the user QEMU and swtpm run as; 'mvlaunch host setup' makes mvlaunch-qemu; \"root\" keeps them "
		 "root with every capability ('check' warns)" },
	{ .name = "security.private_dev", .type = KEY_BOOL, .offset = OFF(private_dev), .def = "true",
	  .qemu = "(spawn) a mount namespace: tmpfs /dev with the VM's nodes, /sys read-only",
	  .doc = "QEMU (not root) gets a /dev of its own holding only the devices the VM uses, each a node "
		 "owned by QEMU's user (the host's nodes stay as they are), and /sys read-only" },
	{ .name = NULL },
};

_Static_assert(ARRAY_SIZE(vm_keys) <= VM_MAX_KEYS, "raise VM_MAX_KEYS");
_Static_assert(ARRAY_SIZE(disk_keys) < SCHEMA_MAX_ITEM_KEYS, "raise SCHEMA_MAX_ITEM_KEYS");
_Static_assert(ARRAY_SIZE(net_keys) < SCHEMA_MAX_ITEM_KEYS, "raise SCHEMA_MAX_ITEM_KEYS");
_Static_assert(ARRAY_SIZE(pci_keys) < SCHEMA_MAX_ITEM_KEYS, "raise SCHEMA_MAX_ITEM_KEYS");
_Static_assert(ARRAY_SIZE(input_keys) < SCHEMA_MAX_ITEM_KEYS, "raise SCHEMA_MAX_ITEM_KEYS");
_Static_assert(ARRAY_SIZE(usb_keys) < SCHEMA_MAX_ITEM_KEYS, "raise SCHEMA_MAX_ITEM_KEYS");

static int parse_topology(struct schema_ctx *ctx, const struct config_key *k, void *base,
			  const struct toml_node *n, const char *name)
{
	struct vm_config *cfg = base;

	(void)k;
	if (n->type == TOML_STRING && !strcmp(n->str, "auto")) {
		cfg->topology_auto = 1;
		return 0;
	}
	if (n->type == TOML_STRING)
		return schema_error(ctx->err, ctx->file, schema_node_loc(n), name,
				 "must be \"auto\" or a table like { sockets = 1, cores = 4, threads = 2 } (got '%s')", n->str);
	return schema_type_error(ctx, n, name, "\"auto\" or { sockets, cores, threads }");
}

static int parse_place(struct schema_ctx *ctx, const struct config_key *k, void *base,
		       const struct toml_node *n, const char *name)
{
	static const char *const words[] = { [PLACE_HOST] = "host", [PLACE_SHARE] = "share", [PLACE_ISOLATE] = "isolate" };
	struct cpuset *set = (struct cpuset *)((char *)base + k->offset);
	int *place = (int *)((char *)base + k->offset2);
	struct strbuf why = STRBUF_INIT;

	if (n->type != TOML_STRING)
		return schema_type_error(ctx, n, name, "\"host\", \"share\", \"isolate\" or a CPU list");
	for (int i = PLACE_HOST; i <= PLACE_ISOLATE; i++) {
		if (!strcmp(n->str, words[i])) {
			*place = i;
			return 0;
		}
	}
	if (cpuset_parse(set, n->str, &why) < 0) {
		schema_error(ctx->err, ctx->file, schema_node_loc(n), name,
			     "'%s' is not host, share, isolate or a CPU list (%s)", n->str, why.buf);
		strbuf_release(&why);
		return -1;
	}
	*place = PLACE_CPUS;
	return 0;
}

static int parse_vcpu_pins(struct schema_ctx *ctx, const struct config_key *k, void *base,
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
			ret = schema_error(ctx->err, ctx->file, schema_node_loc(n), name, "'%s': %s", n->str, why.buf);
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
		return schema_type_error(ctx, n, name, "\"auto\", a CPU list, or an array of CPU lists");
	}
	if (n->nr > VM_MAX_VCPUS) {
		strbuf_release(&why);
		return schema_error(ctx->err, ctx->file, schema_node_loc(n), name, "has %zu entries (at most %d)", n->nr, VM_MAX_VCPUS);
	}
	cfg->vcpu_pins = xcalloc(n->nr ? n->nr : 1, sizeof(*cfg->vcpu_pins));
	for (size_t i = 0; i < n->nr; i++) {
		const struct toml_node *it = n->kids[i];
		char *item = xstrfmt("%s[%zu]", name, i);

		strbuf_reset(&why);
		if (it->type != TOML_STRING)
			ret = schema_type_error(ctx, it, item, "a CPU list string like \"3\" or \"1-3,5-7\"");
		else if (cpuset_parse(&cfg->vcpu_pins[i], it->str, &why) < 0)
			ret = schema_error(ctx->err, ctx->file, schema_node_loc(it), item, "'%s': %s", it->str, why.buf);
		free(item);
	}
	cfg->nr_vcpu_pins = n->nr;
	strbuf_release(&why);
	return ret;
}

static void *add_disk(void *root)
{
	struct vm_config *cfg = root;
	struct vm_disk *d;

	ALLOC_GROW(cfg->disks, cfg->nr_disks + 1, cfg->alloc_disks);
	d = &cfg->disks[cfg->nr_disks++];
	memset(d, 0, sizeof(*d));
	return d;
}

static void *add_net(void *root)
{
	struct vm_config *cfg = root;
	struct vm_net *nt;

	ALLOC_GROW(cfg->nets, cfg->nr_nets + 1, cfg->alloc_nets);
	nt = &cfg->nets[cfg->nr_nets++];
	memset(nt, 0, sizeof(*nt));
	strvec_init(&nt->hostfwd);
	return nt;
}

static void *add_pci(void *root)
{
	struct vm_config *cfg = root;
	struct vm_passthrough *p;

	ALLOC_GROW(cfg->pci, cfg->nr_pci + 1, cfg->alloc_pci);
	p = &cfg->pci[cfg->nr_pci++];
	memset(p, 0, sizeof(*p));
	return p;
}

static void *add_input(void *root)
{
	struct vm_config *cfg = root;
	struct vm_input *in;

	ALLOC_GROW(cfg->inputs, cfg->nr_inputs + 1, cfg->alloc_inputs);
	in = &cfg->inputs[cfg->nr_inputs++];
	memset(in, 0, sizeof(*in));
	return in;
}

static void *add_sched(void *root)
{
	struct vm_config *cfg = root;
	struct vm_sched *sc;

	ALLOC_GROW(cfg->sched, cfg->nr_sched + 1, cfg->alloc_sched);
	sc = &cfg->sched[cfg->nr_sched++];
	memset(sc, 0, sizeof(*sc));
	return sc;
}

static void *add_iothread(void *root)
{
	struct vm_config *cfg = root;
	struct vm_iothread *io;

	ALLOC_GROW(cfg->iothreads, cfg->nr_iothreads + 1, cfg->alloc_iothreads);
	io = &cfg->iothreads[cfg->nr_iothreads++];
	memset(io, 0, sizeof(*io));
	return io;
}

static void *add_numa(void *root)
{
	struct vm_config *cfg = root;
	struct vm_numa *n;

	ALLOC_GROW(cfg->numa, cfg->nr_numa + 1, cfg->alloc_numa);
	n = &cfg->numa[cfg->nr_numa++];
	memset(n, 0, sizeof(*n));
	return n;
}

static int check_iothread_id(char **v, struct strbuf *why)
{
	return iothread_id_ok(*v, why);
}

/* QEMU names the thread "IO ID" and the kernel keeps 15 bytes: an id of 12 stays whole */
static int iothread_id_ok(const char *v, struct strbuf *why)
{
	size_t len = strlen(v);

	if (!len || len > 12 || !isalpha((unsigned char)v[0]) ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != len) {
		strbuf_addf(why, "'%s': 1 to 12 letters, digits, '-' and '_', starting with a letter", v);
		return -1;
	}
	return 0;
}

/* disk.iothread: true / false, or the id of an [[iothread]] */
static int parse_disk_iothread(struct schema_ctx *ctx, const struct config_key *k, void *base,
			       const struct toml_node *n, const char *name)
{
	struct vm_disk *d = base;
	struct strbuf why = STRBUF_INIT;
	int ret = 0;

	(void)k;
	free(d->iothread_id);
	d->iothread_id = NULL;
	if (n->type == TOML_BOOL) {
		d->iothread = (int)n->num;
		return 0;
	}
	if (n->type != TOML_STRING)
		return schema_type_error(ctx, n, name, "true, false, or the id of an [[iothread]]");
	if (iothread_id_ok(n->str, &why) < 0) {
		ret = schema_error(ctx->err, ctx->file, schema_node_loc(n), name, "%s", why.buf);
	} else {
		d->iothread = 1;
		d->iothread_id = xstrdup(n->str);
	}
	strbuf_release(&why);
	return ret;
}

static int parse_numa_distances(struct schema_ctx *ctx, const struct config_key *k, void *base,
				const struct toml_node *n, const char *name)
{
	struct vm_numa *c = base;

	(void)k;
	if (n->type != TOML_ARRAY)
		return schema_type_error(ctx, n, name, "an array of distances, e.g. [10, 21]");
	if (n->nr > VM_NUMA_MAX)
		return schema_error(ctx->err, ctx->file, schema_node_loc(n), name, "has %zu distances; QEMU has at most %d nodes",
				    n->nr, VM_NUMA_MAX);
	c->nr_distances = 0;
	for (size_t i = 0; i < n->nr; i++) {
		const struct toml_node *e = n->kids[i];

		if (e->type != TOML_INT)
			return schema_type_error(ctx, e, name, "an integer distance");
		if (e->num < 10 || e->num > 255)
			return schema_error(ctx->err, ctx->file, schema_node_loc(e), name,
					    "distance %lld: must be 10..255 (10 is a node to itself)", (long long)e->num);
		c->distances[c->nr_distances++] = (unsigned char)e->num;
	}
	return 0;
}

char *vm_disk_iothread(const struct vm_config *cfg, size_t i)
{
	const struct vm_disk *d = &cfg->disks[i];

	if (d->iothread != 1)
		return NULL;
	return d->iothread_id ? xstrdup(d->iothread_id) : xstrfmt("io%zu", i);
}

static void *add_usb(void *root)
{
	struct vm_config *cfg = root;
	struct vm_usb *u;

	ALLOC_GROW(cfg->usb, cfg->nr_usb + 1, cfg->alloc_usb);
	u = &cfg->usb[cfg->nr_usb++];
	memset(u, 0, sizeof(*u));
	return u;
}

void vm_config_init(struct vm_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	schema_defaults(vm_keys, cfg);
	strvec_init(&cfg->warnings);
}

void vm_config_release(struct vm_config *cfg)
{
	schema_release(vm_keys, cfg);
	for (size_t i = 0; i < cfg->nr_disks; i++) {
		schema_release(disk_keys, &cfg->disks[i]);
		free(cfg->disks[i].iothread_id);
	}
	for (size_t i = 0; i < cfg->nr_iothreads; i++)
		schema_release(iothread_keys, &cfg->iothreads[i]);
	free(cfg->iothreads);
	for (size_t i = 0; i < cfg->nr_numa; i++)
		schema_release(numa_keys, &cfg->numa[i]);
	free(cfg->numa);
	for (size_t i = 0; i < cfg->nr_nets; i++)
		schema_release(net_keys, &cfg->nets[i]);
	for (size_t i = 0; i < cfg->nr_pci; i++)
		schema_release(pci_keys, &cfg->pci[i]);
	for (size_t i = 0; i < cfg->nr_inputs; i++)
		schema_release(input_keys, &cfg->inputs[i]);
	free(cfg->inputs);
	free(cfg->disks);
	free(cfg->nets);
	for (size_t i = 0; i < cfg->nr_usb; i++) {
		schema_release(usb_keys, &cfg->usb[i]);
		free(cfg->usb[i].found_port);
	}
	free(cfg->pci);
	free(cfg->usb);
	for (size_t i = 0; i < cfg->nr_sched; i++)
		schema_release(sched_keys, &cfg->sched[i]);
	free(cfg->sched);
	free(cfg->vcpu_pins);
	free(cfg->file);
	strvec_clear(&cfg->warnings);
	memset(cfg, 0, sizeof(*cfg));
	strvec_init(&cfg->warnings);
	strvec_init(&cfg->cpu_require);
	strvec_init(&cfg->cpu_disable);
	strvec_init(&cfg->extra_args);
	strvec_init(&cfg->service_after);
}

struct config_loc vm_config_loc(const struct vm_config *cfg, const char *name)
{
	struct config_loc none = { 0, 0 };
	int i = schema_row_index(vm_keys, name);

	return i < 0 ? none : cfg->loc[i];
}

static struct config_loc item_loc(const struct config_loc *locs, const struct config_key *rows, const char *name)
{
	int i = schema_row_index(rows, name);
	struct config_loc l = i < 0 ? locs[SCHEMA_MAX_ITEM_KEYS - 1] : locs[i];

	return l.line ? l : locs[SCHEMA_MAX_ITEM_KEYS - 1];
}

struct config_loc vm_config_item_loc(const struct vm_config *cfg, const char *table, size_t i, const char *key)
{
	struct config_loc none = { 0, 0 };

	if (!strcmp(table, "input") && i < cfg->nr_inputs)
		return item_loc(cfg->inputs[i].loc, input_keys, key);
	if (!strcmp(table, "disk") && i < cfg->nr_disks)
		return item_loc(cfg->disks[i].loc, disk_keys, key);
	if (!strcmp(table, "net") && i < cfg->nr_nets)
		return item_loc(cfg->nets[i].loc, net_keys, key);
	if (!strcmp(table, "passthrough") && i < cfg->nr_pci)
		return item_loc(cfg->pci[i].loc, pci_keys, key);
	if (!strcmp(table, "iothread") && i < cfg->nr_iothreads)
		return item_loc(cfg->iothreads[i].loc, iothread_keys, key);
	if (!strcmp(table, "numa") && i < cfg->nr_numa)
		return item_loc(cfg->numa[i].loc, numa_keys, key);
	return none;
}

/* ---- cross-key validation ---- */

static void cfg_warn(struct vm_config *cfg, struct config_loc loc, const char *key,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void cfg_warn(struct vm_config *cfg, struct config_loc loc, const char *key, const char *fmt, ...)
{
	struct strbuf sb = STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	schema_warn(&cfg->warnings, cfg->file, loc, key, "%s", sb.buf);
	strbuf_release(&sb);
}

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

/*
 * A VM is known by its file name: 'mvlaunch down win' finds win.toml's VM
 * only if that VM is called "win". So name, when given, must be the stem.
 */
static void validate_name(struct vm_config *cfg, struct strbuf *err)
{
	struct strbuf why = STRBUF_INIT;
	char *stem = file_stem(cfg->file);
	const char *base = strrchr(cfg->file, '/');

	base = base ? base + 1 : cfg->file;
	if (!cfg->name) {
		cfg->name = xstrdup(stem);
		if (check_name(&cfg->name, &why) < 0)
			schema_error(err, cfg->file, LOC("name"), NULL,
				  "the file name gives VM name '%s': %s; rename the file", cfg->name, why.buf);
	} else if (strcmp(cfg->name, stem)) {
		schema_error(err, cfg->file, LOC("name"), "name",
			  "'%s' differs from the file name '%s': a VM is known by its file name (the commands find "
			  "'%s' as %s); delete this line, or rename the file to %s.toml", cfg->name, base, stem, base,
			  cfg->name);
	}
	free(stem);
	for (size_t i = 0; i < cfg->service_after.nr; i++)
		if (!strcmp(cfg->service_after.v[i], cfg->name))
			schema_error(err, cfg->file, LOC("service.after"), "service.after",
				     "'%s' is this VM itself: a VM cannot start after itself", cfg->name);
	strbuf_release(&why);
}

static void validate_cpu(struct vm_config *cfg, struct strbuf *err)
{
	unsigned s, d, c, t;

	if (!strcmp(cfg->cpu_model, "host") && cfg->accel == ACCEL_TCG)
		schema_error(err, cfg->file, SET("cpu.model") ? LOC("cpu.model") : LOC("machine.accel"), "cpu.model",
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
			schema_error(err, cfg->file, l, "cpu.topology",
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
				schema_error(err, cfg->file, LOC("cpu.disable"), "cpu.disable",
					  "feature '%s' is also in cpu.require", cfg->cpu_disable.v[i]);
		}
	}
	if (cfg->l3_cache == 1 && cfg->host_cache_info == 1) {
		if (SET("cpu.l3_cache"))
			schema_error(err, cfg->file, LOC("cpu.host_cache_info"), "cpu.host_cache_info",
				  "cannot be combined with cpu.l3_cache = true (pick one)");
		else
			cfg->l3_cache = 0;	/* the default yields to an explicit host_cache_info */
	}
	if (cfg->cpu_pm == 1 && cfg->accel == ACCEL_TCG)
		cfg_warn(cfg, LOC("cpu.cpu_pm"), "cpu.cpu_pm", "has no effect under TCG");
	if (cfg->migratable != TRI_UNSET && strcmp(cfg->cpu_model, "host"))
		schema_error(err, cfg->file, LOC("cpu.migratable"), "cpu.migratable", "only applies to model \"host\"");
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
		schema_error(err, cfg->file, LOC("clock.hypervclock"), "clock.hypervclock",
			  "contradicts cpu.hyperv.time (both set hv-time; keep one)");
	if (hv->time == TRI_UNSET)
		hv->time = cfg->hypervclock;
	if (hv->vpindex == 1 && cfg->accel == ACCEL_TCG)
		schema_error(err, cfg->file, LOC("cpu.hyperv.vpindex"), "cpu.hyperv.vpindex",
			     "TCG cannot provide the Hyper-V VP index (QEMU 7.2 stops with \"kernel doesn't allow "
			     "setting HyperV VP_INDEX\"): use accel = \"kvm\", or drop vpindex and what needs it "
			     "(synic, stimer, tlbflush, ipi)");
	for (size_t i = 0; i < ARRAY_SIZE(deps); i++) {
		int have = *(int *)((char *)hv + deps[i].off);
		int need = *(int *)((char *)hv + deps[i].noff);

		if (have == 1 && need != 1 && hv->passthrough != 1)
			schema_error(err, cfg->file, LOC(deps[i].key), deps[i].key, "needs %s = true%s", deps[i].needs,
				  !strcmp(deps[i].needs, "cpu.hyperv.time") ? " (or clock.hypervclock = true)" : "");
	}
	if (cfg->hidden == 1 && cfg->kvmclock == 1)
		cfg_warn(cfg, LOC("clock.kvmclock"), "clock.kvmclock",
			 "has no effect with machine.hidden = true: kvm=off turns off kvmclock and every KVM PV feature");
	if (cfg->hidden == 1 && cfg->hint_dedicated == 1)
		cfg_warn(cfg, LOC("cpu.hint_dedicated"), "cpu.hint_dedicated",
			 "has no effect with machine.hidden = true: kvm=off turns off kvm-hint-dedicated with every KVM PV "
			 "feature");
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
		schema_error(err, cfg->file, LOC("pinning.vcpus"), "pinning.vcpus",
			  "has %zu entries, but cpu.vcpus is %u (one CPU list per vCPU)", cfg->nr_vcpu_pins, cfg->vcpus);
	}
	if (cfg->realtime == 1 && !cfg->vcpu_pins && !cfg->pin_auto)
		cfg_warn(cfg, LOC("pinning.realtime"), "pinning.realtime",
			 "SCHED_FIFO vCPUs without pinning can starve host tasks; pin them to isolated CPUs");
}

int vm_config_any_hugepages(const struct vm_config *cfg)
{
	if (cfg->hugepages != HUGEPAGES_NONE)
		return 1;
	for (size_t i = 0; i < cfg->nr_numa; i++)
		if (cfg->numa[i].hugepages != HUGEPAGES_NONE)
			return 1;
	return 0;
}

static const char *const page_words[] = { "1M", "the 2M page size", "the 1G page size" };

/*
 * [[numa]]: every vCPU in exactly one node, each node's RAM whole pages of
 * its page size, the nodes' RAM adding up to memory.size (the sum when
 * memory.size is not given). Runs before validate_memory() picks the source.
 */
static void validate_numa(struct vm_config *cfg, struct strbuf *err)
{
	static const uint64_t page[] = { UINT64_C(1) << 20, UINT64_C(2) << 20, UINT64_C(1) << 30 };
	struct cpuset seen;
	uint64_t sum = 0;
	int any_distances = 0;

	if (!cfg->nr_numa)
		return;
	if (SET("memory.numa"))
		schema_error(err, cfg->file, LOC("memory.numa"), "memory.numa",
			     "[[numa]] tables declare the guest's nodes; leave memory.numa out (it picks them when there are none)");
	if (SET("memory.numa_node"))
		schema_error(err, cfg->file, LOC("memory.numa_node"), "memory.numa_node",
			     "binds all guest RAM to one host node, but [[numa]] tables declare nodes: give each one host_nodes");
	cpuset_zero(&seen);
	for (size_t i = 0; i < cfg->nr_numa; i++) {
		struct vm_numa *n = &cfg->numa[i];
		int last = -1;
		char *key;

#define NUMA_ERR(field, ...) do { key = xstrfmt("numa[%zu].%s", i, field); \
		schema_error(err, cfg->file, item_loc(n->loc, numa_keys, field), key, __VA_ARGS__); free(key); } while (0)
		n->hugepages = n->hugepages_key ? n->hugepages_key - 1 : cfg->hugepages;
		for (int c = cpuset_next(&n->vcpus, 0); c >= 0; c = cpuset_next(&n->vcpus, (unsigned)c + 1))
			last = c;
		if (last < 0)
			NUMA_ERR("vcpus", "is empty: a node needs at least one vCPU");
		else if (last >= (int)cfg->vcpus)
			NUMA_ERR("vcpus", "vCPU %d does not exist (cpu.vcpus is %u: 0 to %u)", last, cfg->vcpus, cfg->vcpus - 1);
		else if (cpuset_intersects(&seen, &n->vcpus)) {
			struct cpuset both = seen;
			struct strbuf l = STRBUF_INIT;

			cpuset_and(&both, &n->vcpus);
			cpuset_format(&both, &l);
			NUMA_ERR("vcpus", "vCPU %s is also in an earlier [[numa]] (a vCPU is in one node)", l.buf);
			strbuf_release(&l);
		}
		cpuset_or(&seen, &n->vcpus);
		if (n->mem_bytes > (UINT64_C(16) << 40)) {
			NUMA_ERR("memory", "must be at most 16T");
			n->mem_bytes = 0;
		} else if (n->mem_bytes < page[n->hugepages] || n->mem_bytes % page[n->hugepages]) {
			struct strbuf a = STRBUF_INIT;

			size_format(n->mem_bytes, &a);
			NUMA_ERR("memory", "%s is not a whole multiple of %s (at least one)", a.buf, page_words[n->hugepages]);
			strbuf_release(&a);
		}
		sum += n->mem_bytes;
		if (n->hugepages != cfg->hugepages && cfg->source == MEM_FILE)
			NUMA_ERR("hugepages", "memory.source = \"file\" has one mount (memory.path) for one page size; "
				 "per-node page sizes need source = \"memfd\" (the default with hugepages)");
		if (n->hugepages != HUGEPAGES_NONE && cfg->source == MEM_ANONYMOUS)
			NUMA_ERR("hugepages", "memory.source = \"anonymous\" cannot use hugepages (use \"memfd\")");
		if (n->loc[schema_row_index(numa_keys, "policy")].line && !n->has_host_nodes && !cfg->vcpu_pins &&
		    !cfg->pin_auto)
			cfg_warn(cfg, item_loc(n->loc, numa_keys, "policy"), "numa.policy",
				 "has no effect: the node has no host_nodes and its vCPUs are not pinned");
#undef NUMA_ERR
	}
	/* distances: all nodes or none, one per node, 10 to itself and more to the others */
	for (size_t i = 0; i < cfg->nr_numa; i++)
		any_distances |= cfg->numa[i].nr_distances > 0;
	for (size_t i = 0; i < cfg->nr_numa; i++) {
		const struct vm_numa *n = &cfg->numa[i];
		char *key = xstrfmt("numa[%zu].distances", i);
		struct config_loc at = item_loc(n->loc, numa_keys, "distances");

		if (any_distances && !n->nr_distances)
			schema_error(err, cfg->file, at, key, "is missing: once a node lists distances, every node does");
		else if (n->nr_distances && n->nr_distances != cfg->nr_numa)
			schema_error(err, cfg->file, at, key, "has %zu distances, but there are %zu nodes (one per node)",
				     n->nr_distances, cfg->nr_numa);
		else if (n->nr_distances && n->distances[i] != 10)
			schema_error(err, cfg->file, at, key, "its distance to itself (entry %zu) is %u; it must be 10", i,
				     n->distances[i]);
		else
			for (size_t j = 0; j < n->nr_distances; j++)
				if (j != i && n->distances[j] == 10) {
					schema_error(err, cfg->file, at, key, "distance %u to node %zu: another node is "
						     "farther than the node itself (11..255)", n->distances[j], j);
					break;
				}
		free(key);
	}
	if (cpuset_count(&seen) != cfg->vcpus && !err->len) {
		struct cpuset missing;
		struct strbuf l = STRBUF_INIT;

		cpuset_zero(&missing);
		for (unsigned v = 0; v < cfg->vcpus; v++)
			if (!cpuset_has(&seen, v))
				cpuset_set(&missing, v);
		cpuset_format(&missing, &l);
		schema_error(err, cfg->file, item_loc(cfg->numa[0].loc, numa_keys, "vcpus"), "numa.vcpus",
			     "vCPU %s is in no [[numa]] node (cpu.vcpus is %u; every vCPU is in exactly one)", l.buf, cfg->vcpus);
		strbuf_release(&l);
	}
	if (!SET("memory.size")) {
		cfg->mem_bytes = sum;
	} else if (sum != cfg->mem_bytes) {
		struct strbuf a = STRBUF_INIT, b = STRBUF_INIT;

		size_format(sum, &a);
		size_format(cfg->mem_bytes, &b);
		schema_error(err, cfg->file, LOC("memory.size"), "memory.size",
			     "is %s, but the [[numa]] nodes' memory adds up to %s (leave memory.size out, or make them agree)",
			     b.buf, a.buf);
		strbuf_release(&a);
		strbuf_release(&b);
	}
}

static void validate_memory(struct vm_config *cfg, struct strbuf *err)
{
	static const uint64_t page[] = { UINT64_C(1) << 20, UINT64_C(2) << 20, UINT64_C(1) << 30 };
	uint64_t align = page[cfg->hugepages];
	uint64_t size;

	validate_numa(cfg, err);
	size = cfg->mem_bytes;
	if (size < (UINT64_C(16) << 20))
		schema_error(err, cfg->file, LOC("memory.size"), "memory.size", "must be at least 16M");
	else if (size > (UINT64_C(16) << 40))
		schema_error(err, cfg->file, LOC("memory.size"), "memory.size", "must be at most 16T");
	else if (size % align && !cfg->nr_numa) {	/* [[numa]] nodes are whole pages each (validate_numa()) */
		struct strbuf b = STRBUF_INIT;

		cfg->mem_bytes = (size + align - 1) / align * align;
		size_format(cfg->mem_bytes, &b);
		cfg_warn(cfg, LOC("memory.size"), "memory.size", "%llu bytes is not a multiple of %s; rounded up to %s",
			 (unsigned long long)size, page_words[cfg->hugepages], b.buf);
		strbuf_release(&b);
	}
	if (cfg->hugepages != HUGEPAGES_NONE && cfg->source == MEM_ANONYMOUS)
		schema_error(err, cfg->file, LOC("memory.source"), "memory.source",
			  "\"anonymous\" cannot use hugepages (use \"memfd\" or \"file\")");
	/*
	 * Guest RAM must exist once on the host. A memfd or a shm file mapped
	 * private holds every page twice: the read fault fills the memfd, the
	 * write makes the guest's private copy (measured: 1032 MiB on the host
	 * for a 512 MiB guest). So anonymous RAM is the default, and memfd and
	 * file are mapped shared. Private hugetlb pages are anonymous ones (the
	 * kernel never adds them to the file), so there private is harmless.
	 */
	if (cfg->source == MEM_UNSET)
		cfg->source = vm_config_any_hugepages(cfg) || cfg->access == ACCESS_SHARED ? MEM_MEMFD : MEM_ANONYMOUS;
	if (cfg->access == ACCESS_UNSET)
		cfg->access = cfg->source == MEM_ANONYMOUS ? ACCESS_PRIVATE : ACCESS_SHARED;
	else if (cfg->access == ACCESS_PRIVATE && cfg->source != MEM_ANONYMOUS && cfg->hugepages == HUGEPAGES_NONE)
		schema_error(err, cfg->file, LOC("memory.access"), "memory.access",
			  "\"private\" with source = \"%s\" holds every guest page twice on the host (once in the %s, "
			  "once as the guest's private copy); leave access unset (%s is then shared) or use source = "
			  "\"anonymous\" (the default)", source_names[cfg->source],
			  cfg->source == MEM_MEMFD ? "memfd" : "file", source_names[cfg->source]);
	if (cfg->mem_path && cfg->source != MEM_FILE)
		schema_error(err, cfg->file, LOC("memory.path"), "memory.path", "only applies to source = \"file\"");
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

/*
 * A cdrom is read-only, on the AHCI (sata, its default) or virtio-scsi, and
 * its path may be "" for an empty tray; a disk needs a path.
 */
static void validate_cdrom(struct vm_config *cfg, struct vm_disk *d, size_t i, struct strbuf *err)
{
	char *key;

#define DISK_ERR(field, ...) do { key = xstrfmt("disk[%zu].%s", i, field); \
		schema_error(err, cfg->file, item_loc(d->loc, disk_keys, field), key, __VA_ARGS__); free(key); } while (0)
	if (d->media == MEDIA_DISK) {
		if (!*d->path)
			DISK_ERR("path", "must not be empty (only a media = \"cdrom\" drive can be empty)");
		return;
	}
	if (!d->loc[schema_row_index(disk_keys, "bus")].line)
		d->bus = BUS_SATA;	/* the default bus of a cdrom: ide-cd on the q35 AHCI, as Windows installs from */
	else if (d->bus == BUS_VIRTIO)
		DISK_ERR("bus", "a cdrom needs bus \"sata\" or \"scsi\" (virtio-blk has no removable media)");
	if (d->readonly == 0 && d->loc[schema_row_index(disk_keys, "readonly")].line)
		DISK_ERR("readonly", "a cdrom is always read-only");
	d->readonly = 1;
	if (d->discard == 1)
		DISK_ERR("discard", "does not apply to a cdrom");
	if (vm_disk_throttled(d))
		DISK_ERR(d->iops_rd > 0 ? "iops_rd" : d->iops_wr > 0 ? "iops_wr" : d->iops_total > 0 ? "iops_total" :
			 d->bps_rd ? "bps_rd" : d->bps_wr ? "bps_wr" : "bps_total",
			 "I/O limits apply to a disk, not a cdrom (its medium changes live)");
	if (!*d->path && d->format == FORMAT_QCOW2)
		DISK_ERR("format", "an empty tray has no format (insert sets it)");
#undef DISK_ERR
}

/*
 * [[sched]]: every table names threads; a real-time policy has a priority
 * and the others none; each vCPU, iothread and the emulator threads get one
 * policy at most; pinning.realtime (vCPUs FIFO 1) is the short form.
 */
static void validate_sched(struct vm_config *cfg, struct strbuf *err)
{
	struct cpuset seen;
	int emulator = -1;

	cpuset_zero(&seen);
	for (size_t i = 0; i < cfg->nr_sched; i++) {
		struct vm_sched *sc = &cfg->sched[i];
		int rt = sc->policy == SCHED_FIFO_ || sc->policy == SCHED_RR_;
		char *key;

#define SCHED_ERR(field, ...) do { key = xstrfmt("sched[%zu].%s", i, field); \
		schema_error(err, cfg->file, item_loc(sc->loc, sched_keys, field), key, __VA_ARGS__); free(key); } while (0)
		if (!sc->has_vcpus && !sc->iothreads.nr && sc->emulator != 1)
			SCHED_ERR("policy", "names no threads: give vcpus, iothreads or emulator = true");
		if (rt && sc->priority < 0)
			SCHED_ERR("policy", "\"%s\" needs a priority (1..99)", vm_sched_policy_names[sc->policy]);
		if (!rt && sc->priority >= 0)
			SCHED_ERR("priority", "only fifo and rr have a priority (\"%s\" has none)",
				  vm_sched_policy_names[sc->policy]);
		if (sc->has_vcpus) {
			int last = -1;

			for (int c = cpuset_next(&sc->vcpus, 0); c >= 0; c = cpuset_next(&sc->vcpus, (unsigned)c + 1))
				last = c;
			if (last >= (int)cfg->vcpus)
				SCHED_ERR("vcpus", "vCPU %d does not exist (cpu.vcpus is %u: 0 to %u)", last, cfg->vcpus,
					  cfg->vcpus - 1);
			else if (cpuset_intersects(&seen, &sc->vcpus))
				SCHED_ERR("vcpus", "a vCPU is also in an earlier [[sched]] (one policy per thread)");
			else if (cfg->realtime == 1)
				SCHED_ERR("vcpus", "pinning.realtime already makes every vCPU fifo 1; use one or the other");
			cpuset_or(&seen, &sc->vcpus);
		}
		for (size_t k = 0; k < sc->iothreads.nr; k++) {
			const char *id = sc->iothreads.v[k];
			int found = 0;

			/* every [[iothread]] is started, used or not; a disk's own "ioN" only with iothread = true */
			for (size_t j = 0; j < cfg->nr_iothreads && !found; j++)
				found = cfg->iothreads[j].id && !strcmp(cfg->iothreads[j].id, id);
			for (size_t d = 0; d < cfg->nr_disks && !found; d++) {
				char *io = vm_disk_iothread(cfg, d);

				found = io && !strcmp(io, id);
				free(io);
			}
			if (!found)
				SCHED_ERR("iothreads", "'%s' is no iothread of this VM: an [[iothread]]'s id, or \"ioN\" for disk "
					  "N's own (with disk.iothread = true)", id);
			for (size_t j = 0; j < i; j++)
				for (size_t l = 0; l < cfg->sched[j].iothreads.nr; l++)
					if (!strcmp(cfg->sched[j].iothreads.v[l], id))
						SCHED_ERR("iothreads", "'%s' is also in sched[%zu] (one policy per thread)", id, j);
		}
		if (sc->emulator == 1) {
			if (emulator >= 0)
				SCHED_ERR("emulator", "the emulator threads are also in sched[%d] (one policy per thread)",
					  emulator);
			emulator = (int)i;
		}
		if (rt && !cfg->vcpu_pins && !cfg->pin_auto)
			cfg_warn(cfg, item_loc(sc->loc, sched_keys, "policy"), "sched.policy",
				 "real-time threads without pinning can starve host tasks; pin them to isolated CPUs");
#undef SCHED_ERR
	}
}

/* [[iothread]]: unique ids, none an automatic "ioN"; every disk names one that exists; none unused */
static void validate_iothreads(struct vm_config *cfg, struct strbuf *err)
{
	for (size_t i = 0; i < cfg->nr_iothreads; i++) {
		struct vm_iothread *io = &cfg->iothreads[i];
		char *key = xstrfmt("iothread[%zu].id", i);
		size_t n, users = 0;

		if (!io->id) {
			free(key);
			continue;
		}
		for (size_t j = 0; j < i; j++)
			if (cfg->iothreads[j].id && !strcmp(cfg->iothreads[j].id, io->id))
				schema_error(err, cfg->file, item_loc(io->loc, iothread_keys, "id"), key,
					     "'%s' is also iothread[%zu]'s id", io->id, j);
		if (sscanf(io->id, "io%zu", &n) == 1 && !strcmp(io->id + 2 + strspn(io->id + 2, "0123456789"), ""))
			schema_error(err, cfg->file, item_loc(io->loc, iothread_keys, "id"), key,
				     "'%s' is the name of disk %zu's own iothread (iothread = true): pick another id", io->id, n);
		for (size_t d = 0; d < cfg->nr_disks; d++)
			users += cfg->disks[d].iothread_id && !strcmp(cfg->disks[d].iothread_id, io->id);
		if (!users)
			cfg_warn(cfg, item_loc(io->loc, iothread_keys, "id"), key,
				 "no disk uses iothread '%s' (disk.iothread = \"%s\"): it would only poll", io->id, io->id);
		free(key);
	}
	for (size_t d = 0; d < cfg->nr_disks; d++) {
		const char *id = cfg->disks[d].iothread_id;
		size_t i;

		for (i = 0; id && i < cfg->nr_iothreads; i++)
			if (cfg->iothreads[i].id && !strcmp(cfg->iothreads[i].id, id))
				break;
		if (id && i == cfg->nr_iothreads) {
			char *key = xstrfmt("disk[%zu].iothread", d);

			schema_error(err, cfg->file, item_loc(cfg->disks[d].loc, disk_keys, "iothread"), key,
				     "'%s' is no [[iothread]] of this config (add one with id = \"%s\")", id, id);
			free(key);
		}
	}
}

static void validate_devices(struct vm_config *cfg, struct strbuf *err)
{
	for (size_t i = 0; i < cfg->nr_disks; i++) {
		struct vm_disk *d = &cfg->disks[i];
		char *key;

		validate_cdrom(cfg, d, i, err);
		key = xstrfmt("disk[%zu].aio", i);

		if (d->aio == AIO_NATIVE && d->cache != CACHE_NONE && d->cache != CACHE_DIRECTSYNC)
			schema_error(err, cfg->file, item_loc(d->loc, disk_keys, "aio"), key,
				  "\"native\" needs cache = \"none\" or \"directsync\" (got \"%s\"); use aio = \"threads\"",
				  cache_names[d->cache]);
		free(key);
		if (d->readonly == 1 && d->bus == BUS_SATA && d->media == MEDIA_DISK) {
			key = xstrfmt("disk[%zu].readonly", i);
			schema_error(err, cfg->file, item_loc(d->loc, disk_keys, "readonly"), key,
				  "a read-only disk cannot be on bus \"sata\" (QEMU's ide-hd refuses it: \"Block node is "
				  "read-only\"); use bus = \"scsi\" or \"virtio\"");
			free(key);
		}
		for (size_t j = 0; j < i && *d->path; j++) {
			if (!strcmp(cfg->disks[j].path, d->path) && (d->readonly != 1 || cfg->disks[j].readonly != 1)) {
				key = xstrfmt("disk[%zu].path", i);
				schema_error(err, cfg->file, item_loc(d->loc, disk_keys, "path"), key,
					     "'%s' is also disk[%zu]'s path: QEMU locks an image it writes, so it can be "
					     "attached twice only read-only", d->path, j);
				free(key);
			}
		}
		if (d->iops_total > 0 && (d->iops_rd > 0 || d->iops_wr > 0)) {
			key = xstrfmt("disk[%zu].iops_total", i);
			schema_error(err, cfg->file, item_loc(d->loc, disk_keys, "iops_total"), key,
				     "give iops_total or iops_rd/iops_wr, not both (QEMU refuses the mix)");
			free(key);
		}
		{	/* QEMU's throttle limit (THROTTLE_VALUE_MAX) */
			static const char *const keys[] = { "bps_rd", "bps_wr", "bps_total" };
			const uint64_t v[] = { d->bps_rd, d->bps_wr, d->bps_total };

			for (int k = 0; k < 3; k++)
				if (v[k] > VM_THROTTLE_MAX) {
					key = xstrfmt("disk[%zu].%s", i, keys[k]);
					schema_error(err, cfg->file, item_loc(d->loc, disk_keys, keys[k]), key,
						     "at most 1000000000000000 bytes a second (QEMU's limit)");
					free(key);
				}
		}
		if (d->bps_total && (d->bps_rd || d->bps_wr)) {
			key = xstrfmt("disk[%zu].bps_total", i);
			schema_error(err, cfg->file, item_loc(d->loc, disk_keys, "bps_total"), key,
				     "give bps_total or bps_rd/bps_wr, not both (QEMU refuses the mix)");
			free(key);
		}
		if (d->iothread == 1 && d->bus == BUS_SATA) {
			key = xstrfmt("disk[%zu].iothread", i);
			schema_error(err, cfg->file, item_loc(d->loc, disk_keys, "iothread"), key,
				  "needs bus \"virtio\" or \"scsi\"");
			free(key);
		}
	}
	for (size_t i = 0; i < cfg->nr_nets; i++) {
		struct vm_net *n = &cfg->nets[i];
		char *pfx = xstrfmt("net[%zu]", i);
		char *key;

#define NET_ERR(field, ...) do { key = xstrfmt("%s.%s", pfx, field); \
		schema_error(err, cfg->file, item_loc(n->loc, net_keys, field), key, __VA_ARGS__); free(key); } while (0)
		if (n->vhost == 1 && n->type == NET_USER)
			NET_ERR("vhost", "only works with type \"tap\" or \"bridge\"");
		if (n->queues > 1 && n->type == NET_USER)
			NET_ERR("queues", "multiqueue needs type \"tap\" or \"bridge\"");
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
		free(pfx);
	}
	for (size_t i = 0; i < cfg->nr_pci; i++) {
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(cfg->pci[i].host, cfg->pci[j].host)) {
				char *key = xstrfmt("passthrough[%zu].host", i);

				schema_error(err, cfg->file, item_loc(cfg->pci[i].loc, pci_keys, "host"), key,
					  "'%s' is already passed through by passthrough[%zu]", cfg->pci[i].host, j);
				free(key);
			}
		}
	}
	for (size_t i = 0; i < cfg->nr_inputs; i++) {
		for (size_t j = 0; j < i; j++) {
			if (!strcmp(cfg->inputs[i].evdev, cfg->inputs[j].evdev)) {
				char *key = xstrfmt("input[%zu].evdev", i);

				schema_error(err, cfg->file, item_loc(cfg->inputs[i].loc, input_keys, "evdev"), key,
					     "'%s' is also input[%zu]'s evdev (QEMU can grab a device once)",
					     cfg->inputs[i].evdev, j);
				free(key);
			}
		}
	}
}

/* [[usb]]: vendor and product, or bus and port (never both, never neither); serial only with vendor. */
static void validate_usb(struct vm_config *cfg, struct strbuf *err)
{
	for (size_t i = 0; i < cfg->nr_usb; i++) {
		struct vm_usb *u = &cfg->usb[i];
		const char *field = NULL, *why = NULL;
		char *key;

		if (!u->vendor != !u->product)
			field = u->vendor ? "vendor" : "product", why = u->vendor ? "needs product = \"c52b\" too"
										  : "needs vendor = \"046d\" too";
		else if (!u->bus != !u->port)
			field = u->bus ? "bus" : "port", why = u->bus ? "needs port = \"2.1\" too" : "needs bus = N too";
		else if (u->vendor && u->bus)
			field = "bus", why = "names a port, vendor and product a device: use one or the other";
		else if (!u->vendor && !u->bus)
			field = NULL, why = "names no device: set vendor and product (e.g. \"046d\", \"c52b\"), or bus and port";
		else if (u->serial && !u->vendor)
			field = "serial", why = "tells apart devices of one vendor and product: set those instead of bus and port";
		if (!why)
			continue;
		key = field ? xstrfmt("usb[%zu].%s", i, field) : xstrfmt("usb[%zu]", i);
		schema_error(err, cfg->file, item_loc(u->loc, usb_keys, field ? field : ""), key, "%s", why);
		free(key);
	}
}

/* One device in the boot order: its key ("disk[0]") and where its boot_index was set. */
struct boot_entry {
	char *key;
	int index;
	struct config_loc loc;
};

static void add_boot_entry(struct boot_entry **v, size_t *nr, size_t *alloc, const char *kind, size_t i,
			   int index, const struct config_loc *locs, const struct config_key *rows)
{
	if (index < 0)
		return;
	ALLOC_GROW(*v, *nr + 1, *alloc);
	(*v)[*nr].key = xstrfmt("%s[%zu]", kind, i);
	(*v)[*nr].index = index;
	(*v)[*nr].loc = item_loc(locs, rows, "boot_index");
	(*nr)++;
}

/*
 * boot_index values must differ (QEMU: "bootindex N has already been
 * used"); with a direct kernel boot they do nothing, and say so.
 */
static void validate_boot_order(struct vm_config *cfg, struct strbuf *err)
{
	struct boot_entry *v = NULL;
	size_t nr = 0, alloc = 0;

	for (size_t i = 0; i < cfg->nr_disks; i++)
		add_boot_entry(&v, &nr, &alloc, "disk", i, cfg->disks[i].boot_index, cfg->disks[i].loc, disk_keys);
	for (size_t i = 0; i < cfg->nr_nets; i++)
		add_boot_entry(&v, &nr, &alloc, "net", i, cfg->nets[i].boot_index, cfg->nets[i].loc, net_keys);
	for (size_t i = 0; i < cfg->nr_pci; i++)
		add_boot_entry(&v, &nr, &alloc, "passthrough", i, cfg->pci[i].boot_index, cfg->pci[i].loc, pci_keys);
	cfg->boot_explicit = nr > 0;
	for (size_t i = 0; i < nr; i++) {
		char *key = xstrfmt("%s.boot_index", v[i].key);

		for (size_t j = 0; j < i; j++)
			if (v[j].index == v[i].index)
				schema_error(err, cfg->file, v[i].loc, key, "%d is also %s's boot_index (each device needs "
					     "its own place in the boot order)", v[i].index, v[j].key);
		if (cfg->kernel && i == 0)
			cfg_warn(cfg, v[i].loc, key, "has no effect with boot.kernel (the kernel boots directly)");
		free(key);
	}
	if (cfg->kernel && cfg->boot_menu == 1)
		cfg_warn(cfg, LOC("boot.menu"), "boot.menu", "has no effect with boot.kernel (the kernel boots directly)");
	for (size_t i = 0; i < nr; i++)
		free(v[i].key);
	free(v);
}

static void validate_looking_glass(struct vm_config *cfg, struct strbuf *err)
{
	struct vm_looking_glass *lg = &cfg->lg;
	static const char *const keys[] = { "looking_glass.size", "looking_glass.resolution", "looking_glass.owner",
					    "looking_glass.path", "looking_glass.device" };
	unsigned w = 1920, h = 1080;

	if (lg->enable != 1) {
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (SET(keys[i]))
				cfg_warn(cfg, LOC(keys[i]), keys[i], "has no effect without looking_glass.enable = true");
		return;
	}
	if (lg->resolution)
		parse_resolution(lg->resolution, &w, &h);	/* checked */
	if (SET("looking_glass.size") && lg->resolution)
		schema_error(err, cfg->file, LOC("looking_glass.size"), "looking_glass.size",
			     "give size or resolution, not both");
	else if (!SET("looking_glass.size"))
		lg->size = vm_config_lg_size(w, h);
	else if (lg->size < (UINT64_C(1) << 20) || (lg->size & (lg->size - 1)))
		schema_error(err, cfg->file, LOC("looking_glass.size"), "looking_glass.size",
			     "must be a power of two of at least 1M (IVSHMEM's BAR), e.g. \"32M\", \"64M\", \"128M\"");
	if (lg->path && lg->device)
		schema_error(err, cfg->file, LOC("looking_glass.device"), "looking_glass.device",
			     "give path (a shared-memory file) or device (kvmfr), not both");
	if (!lg->path && !lg->device)
		lg->path = xstrdup("/dev/shm/looking-glass");
	if (!lg->owner && !lg->device)
		cfg_warn(cfg, LOC("looking_glass.enable"), "looking_glass.enable",
			 "no looking_glass.owner: the file stays root's, and a client run by a desktop user cannot open it");
}

static void validate_audio(struct vm_config *cfg, struct strbuf *err)
{
	static const char *const keys[] = { "audio.path", "audio.server", "audio.model" };

	if (cfg->audio_backend == AUDIO_UNSET) {
		for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
			if (SET(keys[i]))
				cfg_warn(cfg, LOC(keys[i]), keys[i], "has no effect without audio.backend");
		return;
	}
	if (cfg->audio_backend == AUDIO_WAV && !cfg->audio_path)
		schema_error(err, cfg->file, LOC("audio.backend"), "audio.backend", "\"wav\" needs audio.path (the file it writes)");
	if (cfg->audio_path && cfg->audio_backend != AUDIO_WAV)
		schema_error(err, cfg->file, LOC("audio.path"), "audio.path", "only applies to backend = \"wav\"");
	if (cfg->audio_server && cfg->audio_backend != AUDIO_PA)
		schema_error(err, cfg->file, LOC("audio.server"), "audio.server", "only applies to backend = \"pa\"");
	if (cfg->audio_backend == AUDIO_PA && !cfg->audio_server && !cfg->lg.owner)
		schema_error(err, cfg->file, LOC("audio.backend"), "audio.backend",
			     "\"pa\" needs audio.server, or looking_glass.owner (the desktop user whose sound server it is)");
}

static void validate_tpm(struct vm_config *cfg)
{
	if (cfg->tpm != 1 && SET("tpm.model"))
		cfg_warn(cfg, LOC("tpm.model"), "tpm.model", "has no effect without tpm.enable = true");
}

static void validate_display(struct vm_config *cfg, struct strbuf *err)
{
	struct vm_display *d = &cfg->display;
	int tcp = strcmp(d->listen, "unix") != 0;

	if (d->gpu == GPU_UNSET)
		d->gpu = d->type == DISPLAY_NONE ? GPU_NONE : GPU_STD;
	if (d->type == DISPLAY_NONE) {
		if (SET("display.listen") || SET("display.password"))
			cfg_warn(cfg, LOC(SET("display.listen") ? "display.listen" : "display.password"),
				 SET("display.listen") ? "display.listen" : "display.password",
				 "has no effect without display.type = \"vnc\" or \"spice\"");
		return;
	}
	if (d->password && !tcp)
		schema_error(err, cfg->file, LOC("display.password"), "display.password",
			     "only applies to a TCP display.listen (the unix socket is guarded by its 0600 mode)");
	if (tcp && d->type == DISPLAY_VNC) {
		char *host;
		unsigned port;

		if (vm_config_listen_tcp(d->listen, &host, &port) == 0 && port < 5900)
			schema_error(err, cfg->file, LOC("display.listen"), "display.listen",
				     "VNC listens on 5900 + N (QEMU's display number N): use a port from 5900 up");
		free(host);
		if (d->password && strlen(d->password) > 8)
			cfg_warn(cfg, LOC("display.password"), "display.password",
				 "VNC passwords are 8 characters at most: only the first 8 count");
	}
	if (tcp && !d->password && !vm_config_listen_loopback(d->listen))
		cfg_warn(cfg, LOC("display.listen"), "display.listen",
			 "'%s' is reachable beyond this host and there is no display.password: anyone who can reach it "
			 "gets the guest's screen and keyboard; set a password, or listen on 127.0.0.1 and use an SSH tunnel",
			 d->listen);
	for (size_t i = 0; i < cfg->nr_pci; i++)
		if (cfg->pci[i].vga == 1 && d->gpu != GPU_NONE)
			cfg_warn(cfg, LOC(SET("display.gpu") ? "display.gpu" : "display.type"), "display.gpu",
				 "an emulated card beside passthrough[%zu] with vga = true: the guest has two VGA devices and "
				 "the firmware may show its screen on the emulated one; set gpu = \"none\" once the GPU "
				 "driver is installed", i);
}

static void validate_boot(struct vm_config *cfg, struct strbuf *err)
{
	if (cfg->secure_boot == 1 && cfg->firmware != FW_UEFI)
		schema_error(err, cfg->file, LOC("machine.secure_boot"), "machine.secure_boot", "needs firmware = \"uefi\"");
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
				schema_error(err, cfg->file, LOC(keys[i]), keys[i], "only applies to firmware = \"uefi\"");
	}
	validate_boot_order(cfg, err);
	if (!cfg->kernel && cfg->initrd)
		schema_error(err, cfg->file, LOC("boot.initrd"), "boot.initrd", "needs boot.kernel");
	if (!cfg->kernel && cfg->append)
		schema_error(err, cfg->file, LOC("boot.append"), "boot.append", "needs boot.kernel");
}

/* A memory limit below what the VM needs: QEMU would be OOM-killed as the guest fills its RAM. */
static void validate_limits(struct vm_config *cfg, struct strbuf *err)
{
	static const char *const keys[] = { "limits.memory_max", "limits.memory_high" };
	const uint64_t v[] = { cfg->memory_max, cfg->memory_high };
	uint64_t floor = qos_memory_floor(cfg);

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		struct strbuf why = STRBUF_INIT;

		if (!v[i] || v[i] >= floor)
			continue;
		vm_config_memory_floor_why(cfg, v[i], &why);
		schema_error(err, cfg->file, LOC(keys[i]), keys[i], "%s", why.buf);
		strbuf_release(&why);
	}
	if (cfg->memory_max && cfg->memory_high > cfg->memory_max)
		cfg_warn(cfg, LOC("limits.memory_high"), "limits.memory_high",
			 "is above limits.memory_max, which is reached first: it has no effect");
}

void vm_config_memory_floor_why(const struct vm_config *cfg, uint64_t value, struct strbuf *why)
{
	struct strbuf a = STRBUF_INIT, b = STRBUF_INIT, c = STRBUF_INIT;
	uint64_t floor = qos_memory_floor(cfg);

	size_format(value, &a);
	size_format(cfg->mem_bytes, &b);
	/* the floor is rarely a whole unit: in MiB, rounded up */
	strbuf_addf(&c, "%lluM", (unsigned long long)((floor + (1 << 20) - 1) >> 20));
	strbuf_addf(why, "%s (%llu bytes) is below what the VM needs, %s: memory.size %s + 256M + 2%% of it",
		    a.buf, (unsigned long long)value, c.buf, b.buf);
	if (cfg->display.gpu == GPU_STD || cfg->display.gpu == GPU_VIRTIO)
		strbuf_addstr(why, " + 16M of video memory");
	if (cfg->lg.enable == 1) {
		strbuf_reset(&a);
		size_format(cfg->lg.size, &a);
		strbuf_addf(why, " + the Looking Glass buffer %s", a.buf);
	}
	strbuf_addstr(why, " (QEMU would be killed by the kernel as the guest fills its RAM)");
	strbuf_release(&a);
	strbuf_release(&b);
	strbuf_release(&c);
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
	validate_iothreads(cfg, err);
	validate_sched(cfg, err);
	validate_usb(cfg, err);
	validate_boot(cfg, err);
	validate_display(cfg, err);
	validate_tpm(cfg);
	validate_looking_glass(cfg, err);
	validate_audio(cfg, err);
	validate_limits(cfg, err);
	return err->len > before ? -1 : 0;
}

uint64_t vm_config_digest(const char *text, size_t len)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)text[i]) * UINT64_C(1099511628211);
	return h;
}

int vm_config_parse(const char *file, const char *text, size_t len,
		    struct vm_config *cfg, struct strbuf *err)
{
	free(cfg->file);
	cfg->file = xstrdup(file);
	cfg->digest = vm_config_digest(text, len);
	if (schema_parse(file, text, len, vm_keys, cfg, cfg->loc, &cfg->warnings, err) < 0)
		return -1;
	return vm_config_validate(cfg, err);
}

int vm_config_load(const char *file, struct vm_config *cfg, struct strbuf *err)
{
	struct strbuf text = STRBUF_INIT;
	int ret = -1;

	if (schema_read_file(file, &text, err) == 0)
		ret = vm_config_parse(file, text.buf, text.len, cfg, err);
	strbuf_release(&text);
	return ret;
}

int vm_disk_throttled(const struct vm_disk *d)
{
	return d->iops_rd > 0 || d->iops_wr > 0 || d->iops_total > 0 || d->bps_rd || d->bps_wr || d->bps_total;
}

int vm_config_key_rank(const char *table, const char *key)
{
	size_t tlen = strlen(table);

	for (int i = 0; vm_keys[i].name; i++) {
		const struct config_key *k = &vm_keys[i];

		if (k->type == KEY_TABLES && !strcmp(k->name, table)) {
			for (int j = 0; k->sub[j].name; j++)
				if (!strcmp(k->sub[j].name, key))
					return j;
			return -1;
		}
		if (!strncmp(k->name, table, tlen) && k->name[tlen] == '.' && !strcmp(k->name + tlen + 1, key))
			return i;
	}
	return -1;
}

void vm_config_write_reference(FILE *out)
{
	schema_write_reference(out, vm_keys, "key");
}
