/*
 * vm_config.h - one VM's configuration, read from NAME.toml.
 *
 * vm_config_parse() turns TOML text into a struct vm_config through the key
 * table in vm_config.c (every key: type, default, range, the QEMU option it
 * becomes and what it is for). vm_config_validate() then checks the
 * keys against each other. Neither touches the host: paths are not opened,
 * CPUs are not checked against the machine. Errors and warnings carry
 * "FILE:LINE:COL: key 'a.b': ..." so an editor can jump to them.
 */
#ifndef MVL_VM_CONFIG_H
#define MVL_VM_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config/schema.h"
#include "util/cpuset.h"
#include "util/strbuf.h"
#include "util/strvec.h"

#define VM_NAME_MAX 64
#define VM_MAX_VCPUS 1024
#define VM_MAX_KEYS 128
#define VM_MAX_ITEM_KEYS SCHEMA_MAX_ITEM_KEYS
#define VM_NUMA_MAX 128		/* QEMU's MAX_NODES */

enum vm_accel { ACCEL_KVM, ACCEL_TCG };
enum vm_firmware { FW_BIOS, FW_UEFI };
enum vm_iommu { IOMMU_NONE, IOMMU_INTEL };
enum vm_hugepages { HUGEPAGES_NONE, HUGEPAGES_2M, HUGEPAGES_1G };
/* MEM_UNSET and ACCESS_UNSET only before validation, which picks them (see validate_memory()) */
enum vm_mem_source { MEM_UNSET, MEM_MEMFD, MEM_FILE, MEM_ANONYMOUS };
enum vm_mem_access { ACCESS_UNSET, ACCESS_PRIVATE, ACCESS_SHARED };
enum vm_numa_policy { NUMA_BIND, NUMA_PREFERRED, NUMA_INTERLEAVE };
/* memory.numa: guest NUMA nodes from the plan (one per host node the vCPUs land on), or one flat node */
enum vm_numa_mode { NUMA_AUTO, NUMA_OFF };
enum vm_rtc { RTC_UNSET, RTC_CATCHUP, RTC_DELAY };
enum vm_track { TRACK_UNSET, TRACK_GUEST, TRACK_WALL, TRACK_REALTIME };
enum vm_pit { PIT_UNSET, PIT_DELAY, PIT_DISCARD };
enum vm_pin_policy { POLICY_DEDICATED, POLICY_SHARED };
enum vm_thread_policy { THREADS_PREFER, THREADS_ISOLATE, THREADS_REQUIRE };
/* Where emulator threads or iothreads go. */
enum vm_place { PLACE_DEFAULT, PLACE_HOST, PLACE_SHARE, PLACE_ISOLATE, PLACE_CPUS };
enum vm_disk_format { FORMAT_RAW, FORMAT_QCOW2 };
enum vm_disk_bus { BUS_VIRTIO, BUS_SCSI, BUS_SATA };
enum vm_disk_media { MEDIA_DISK, MEDIA_CDROM };
enum vm_disk_cache { CACHE_NONE, CACHE_WRITEBACK, CACHE_WRITETHROUGH, CACHE_DIRECTSYNC, CACHE_UNSAFE };
enum vm_disk_aio { AIO_THREADS, AIO_NATIVE, AIO_IO_URING };
enum vm_net_type { NET_TAP, NET_BRIDGE, NET_USER };
enum vm_net_model { NIC_VIRTIO, NIC_E1000E };
enum vm_tpm_model { TPM_CRB, TPM_TIS };
enum vm_audio_backend { AUDIO_UNSET, AUDIO_PA, AUDIO_ALSA, AUDIO_WAV, AUDIO_NONE };
enum vm_audio_model { AUDIO_ICH9, AUDIO_USB };
enum vm_display_type { DISPLAY_NONE, DISPLAY_VNC, DISPLAY_SPICE };
/* GPU_UNSET only before validation: std with a display, none without */
enum vm_gpu { GPU_UNSET, GPU_VIRTIO, GPU_STD, GPU_NONE };

/* [display]: a remote screen for install and rescue, apart from any passed-through GPU */
struct vm_display {
	int type;		/* enum vm_display_type */
	char *listen;		/* "unix", or a TCP "HOST:PORT" (IPv6 as "[::1]:PORT") */
	char *password;		/* TCP only; set over QMP, never on the command line */
	int gpu;		/* enum vm_gpu */
};

struct vm_hyperv {
	int relaxed, vapic, vpindex, synic, stimer, reset, frequencies;
	int runtime, tlbflush, ipi, time, passthrough;
	unsigned spinlocks;	/* 0: unset */
	char *vendor_id;
};

/* [looking_glass]: the guest's frames shared with the host's client over IVSHMEM */
struct vm_looking_glass {
	int enable;
	uint64_t size;		/* bytes, a power of two; from resolution when not given */
	char *resolution;	/* "2560x1440" */
	char *owner;		/* the desktop user who runs the client: the file's owner */
	char *path;		/* the shared-memory file (default /dev/shm/looking-glass) */
	char *device;		/* or the kvmfr module's device, e.g. /dev/kvmfr0 (then no file) */
};

/* "pa", "alsa", "wav", "none": QEMU's -audiodev driver of an audio.backend (also its config spelling). */
const char *vm_config_audio_driver(int backend);

/* Looking Glass's sizing rule: width x height x 4 x 2 + 10 MiB, rounded up to a power of two. */
uint64_t vm_config_lg_size(unsigned width, unsigned height);

/* SMBIOS strings the guest reads (type 0: the BIOS, type 1: the system); NULL: QEMU's default. */
struct vm_smbios {
	char *manufacturer, *product, *version, *serial, *sku, *family;
	char *bios_vendor, *bios_version, *bios_date;
	char *uuid;		/* the config's; else the launcher stores one per VM */
	int copy_host;
};

/*
 * What disk.path is on the host, which picks QEMU's protocol driver: "file"
 * refuses anything but a regular file, so a whole disk, an LVM volume or a
 * zvol needs "host_device" and an optical drive "host_cdrom". Not a key: the
 * launcher fills it in (vm_load()) from stat(), since the config layer does
 * not look at the host.
 */
enum vm_disk_node { DISK_NODE_FILE, DISK_NODE_HOST_DEVICE, DISK_NODE_HOST_CDROM };

struct vm_disk {
	char *path;		/* "" only for a cdrom: an empty tray */
	int format, bus, iothread, cache, aio, readonly, discard;
	char *iothread_id;	/* iothread = "ID": a [[iothread]]; NULL with iothread = true: its own "ioN" */
	/* I/O limits per second (a QEMU throttle group); -1 / 0: none */
	int iops_rd, iops_wr, iops_total;
	uint64_t bps_rd, bps_wr, bps_total;
	char *serial;
	int media;		/* enum vm_disk_media */
	int boot_index;		/* -1: unset */
	int node;		/* enum vm_disk_node */
	struct config_loc loc[VM_MAX_ITEM_KEYS];
};

struct vm_net {
	int type;
	char *ifname, *bridge, *mac;
	int vhost, model;
	unsigned queues;
	struct strvec hostfwd;
	int boot_index;		/* -1: unset */
	struct config_loc loc[VM_MAX_ITEM_KEYS];
};

/* [[input]]: a host evdev device QEMU reads (input-linux) and hands to the guest */
enum vm_grab_toggle { GRAB_CTRL_CTRL, GRAB_ALT_ALT, GRAB_SHIFT_SHIFT, GRAB_META_META, GRAB_SCROLLLOCK,
		      GRAB_CTRL_SCROLLLOCK };
struct vm_input {
	char *evdev;		/* /dev/input/by-id/...-event-kbd */
	int grab_all, repeat, grab_toggle, virtio;
	struct config_loc loc[VM_MAX_ITEM_KEYS];
};

struct vm_passthrough {
	char *host;		/* normalised "0000:01:00.0" */
	int multifunction, vga, rombar;
	char *romfile;
	int boot_index;		/* -1: unset */
	int managed;		/* up binds the IOMMU group to vfio-pci, down gives it back */
	struct config_loc loc[VM_MAX_ITEM_KEYS];
};

/* One [[usb]] table: a host USB device by vendor:product (serial: which of several) or by bus and port. */
struct vm_usb {
	char *vendor, *product;	/* "046d": 4 lower-case hex digits, or NULL */
	unsigned bus;		/* 0: unset */
	char *port, *serial;	/* "2.1" (sysfs devpath) */
	/* not keys: where vm_load() found the device 'serial' names (bus 0: absent) */
	unsigned found_bus;
	char *found_port;
	struct config_loc loc[VM_MAX_ITEM_KEYS];
};

struct vm_config;

/* [[iothread]]: an iothread of its own, with its CPUs; disks name it (disk.iothread = "ID") */
struct vm_iothread {
	char *id;
	struct cpuset cpus;
	int has_cpus;		/* else pinning.iothreads */
	int poll_max_ns;	/* -1: QEMU's default */
	struct config_loc loc[VM_MAX_ITEM_KEYS];
};

/* The iothread disk i runs in: its [[iothread]]'s id, "ioI" for its own, or NULL (the main loop). Caller frees. */
char *vm_disk_iothread(const struct vm_config *cfg, size_t i);

/* [[numa]]: one guest NUMA node, declared: its vCPUs, its RAM and where on the host that RAM comes from */
struct vm_numa {
	struct cpuset vcpus;	/* guest vCPU indexes */
	int has_vcpus;
	uint64_t mem_bytes;
	struct cpuset host_nodes;	/* host NUMA node numbers (os index) */
	int has_host_nodes;	/* else: the nodes its vCPUs are pinned to, or none */
	int policy;		/* enum vm_numa_policy */
	int hugepages_key;	/* index into "", "none", "2M", "1G": "" is memory.hugepages */
	int hugepages;		/* enum vm_hugepages: the node's page size (set by validation) */
	unsigned char distances[VM_NUMA_MAX];	/* to node 0, 1, ...: SLIT distances (10 local) */
	size_t nr_distances;	/* 0: QEMU's defaults (10 local, 20 remote) */
	struct config_loc loc[VM_MAX_ITEM_KEYS];
};

/* Whether any guest RAM of cfg is on huge pages (memory.hugepages, or a [[numa]] node's). */
int vm_config_any_hugepages(const struct vm_config *cfg);

/* [[sched]]: a scheduling policy for some of QEMU's threads, applied with the pins */
enum vm_sched_policy { SCHED_OTHER_, SCHED_FIFO_, SCHED_RR_, SCHED_BATCH_, SCHED_IDLE_ };
struct vm_sched {
	struct cpuset vcpus;	/* vCPU indexes */
	int has_vcpus;
	struct strvec iothreads;	/* iothread ids: "io0" is disk 0's */
	int emulator;		/* QEMU's other threads */
	int policy;		/* enum vm_sched_policy */
	int priority;		/* 1..99 for fifo and rr; -1 unset */
	struct config_loc loc[VM_MAX_ITEM_KEYS];
};
/* "other", "fifo", "rr", "batch", "idle" */
extern const char *const vm_sched_policy_names[];

struct vm_config {
	char *file;		/* as given; messages use it */
	uint64_t digest;	/* FNV-1a 64 of the file's bytes: tells a changed config */
	char *name;

	char *machine_type;
	int accel, firmware, iommu, hidden, secure_boot, acpi;
	int vmport, s3, s4;	/* TRI_UNSET: QEMU's default */
	char *ovmf_code, *ovmf_vars, *nvram;

	char *cpu_model;
	unsigned vcpus;
	int topology_auto;
	unsigned sockets, dies, cores, threads;	/* 0 when unset */
	struct strvec cpu_require, cpu_disable;
	int enforce, l3_cache, host_cache_info, pmu, cpu_pm, hint_dedicated, migratable;
	struct vm_hyperv hv;

	int pin_auto;		/* pinning.vcpus = "auto" */
	struct cpuset *vcpu_pins;	/* vcpus entries, or NULL */
	size_t nr_vcpu_pins;
	int pin_policy, thread_policy;
	int emulator_place, iothread_place;	/* PLACE_CPUS: the sets below */
	struct cpuset emulator_pin, iothread_pin;
	int realtime;

	uint64_t mem_bytes;
	int hugepages, locked, merge, prealloc, source, access, discard, dump_core;
	unsigned prealloc_threads;
	int numa_node;		/* -1: unset */
	int numa_policy;
	int numa_mode;		/* enum vm_numa_mode */
	char *mem_path;

	struct vm_smbios smbios;
	struct vm_display display;
	int tpm, tpm_model;	/* [tpm] enable, model (enum vm_tpm_model) */
	struct vm_looking_glass lg;
	int audio_backend, audio_model;	/* [audio]; AUDIO_UNSET: no sound device */
	char *audio_path, *audio_server;

	char *clock_base;
	int rtc, track, pit, hpet, kvmclock, hypervclock;

	struct vm_disk *disks;
	size_t nr_disks, alloc_disks;
	struct vm_net *nets;
	size_t nr_nets, alloc_nets;
	struct vm_passthrough *pci;
	size_t nr_pci, alloc_pci;
	struct vm_input *inputs;
	size_t nr_inputs, alloc_inputs;
	struct vm_usb *usb;
	size_t nr_usb, alloc_usb;
	struct vm_sched *sched;
	size_t nr_sched, alloc_sched;
	struct vm_iothread *iothreads;
	size_t nr_iothreads, alloc_iothreads;
	struct vm_numa *numa;	/* [[numa]]: the guest's NUMA nodes, declared */
	size_t nr_numa, alloc_numa;

	char *kernel, *initrd, *append;
	int boot_menu;		/* TRI_UNSET: QEMU's default (no menu) */
	/* any boot_index set: only those devices boot, in that order; else disks in order */
	int boot_explicit;

	char *qemu_binary;
	struct strvec extra_args;
	int sandbox;
	char *security_user;	/* security.user: QEMU's user; "root" for none */
	int private_dev;	/* security.private_dev */

	struct strvec service_after;	/* VM names: After=/Wants= in 'mvlaunch unit' */
	unsigned stop_timeout;		/* seconds */

	/* [limits]: the VM's cgroup (config/qos.h); 0: no limit */
	unsigned cpu_weight;		/* 1..10000 */
	unsigned cpu_max_pct;		/* "250%": 250 */
	uint64_t memory_max, memory_high;	/* bytes */

	/* "FILE:LINE:COL: key 'x': ..." lines for settings that have no effect */
	struct strvec warnings;
	struct config_loc loc[VM_MAX_KEYS];
};

/* Fill cfg with the defaults of the key table. cfg owns nothing yet. */
void vm_config_init(struct vm_config *cfg);
void vm_config_release(struct vm_config *cfg);

/*
 * Parse TOML 'text' (from 'file', whose directory relative paths are taken
 * from) into cfg, then validate it. cfg must come from vm_config_init().
 * Returns 0, or -1 with one "FILE:LINE:COL: ..." line per problem in err.
 * Warnings go to cfg->warnings either way.
 */
int vm_config_parse(const char *file, const char *text, size_t len,
		    struct vm_config *cfg, struct strbuf *err);
/* FNV-1a 64 of a config's bytes (cfg->digest): tells a config changed since a VM started. */
uint64_t vm_config_digest(const char *text, size_t len);
/* Read 'file' (at most 1 MiB) and vm_config_parse() it. */
int vm_config_load(const char *file, struct vm_config *cfg, struct strbuf *err);
/* Cross-key checks; run by vm_config_parse(). 0 or -1 with lines in err. */
int vm_config_validate(struct vm_config *cfg, struct strbuf *err);

/*
 * Whether s can name a VM: 1..64 letters, digits, '-', '_', '.', starting
 * with a letter or digit (so never "", ".", ".." or a path). 0, or -1 with
 * the reason in why. Every command checks a NAME before it builds a path.
 */
int vm_name_check(const char *s, struct strbuf *why);

/* Where key 'name' was set ({0,0} when it was not). */
struct config_loc vm_config_loc(const struct vm_config *cfg, const char *name);

/*
 * Where key 'key' of item i of [[table]] ("input", "disk", "net",
 * "passthrough") was set, else where the item starts; {0,0} for no such item.
 * For checks made after parsing (vm_load()) that point at the config line.
 */
struct config_loc vm_config_item_loc(const struct vm_config *cfg, const char *table, size_t i, const char *key);
/* The grab_toggle values, as QEMU spells them (GrabToggleKeys). */
extern const char *const vm_grab_toggle_names[];

/* Whether s is a UUID like "6f1a2b3c-...": 0, or -1 with the reason. Lowercases s. */
int vm_uuid_check(char *s, struct strbuf *why);

/*
 * display.listen "HOST:PORT" split: *host (allocated, without IPv6
 * brackets) and *port. 0, or -1 for "unix" or anything else.
 */
int vm_config_listen_tcp(const char *listen, char **host, unsigned *port);
/* Whether display.listen is TCP on a loopback address (127.0.0.0/8, ::1, localhost). */
int vm_config_listen_loopback(const char *listen);

/* Whether *v can be an SMBIOS string (1..64 printable ASCII): 0, or -1 with the reason. */
int vm_config_check_smbios(char **v, struct strbuf *why);

/* QEMU's largest throttle value (bytes or operations a second) */
#define VM_THROTTLE_MAX UINT64_C(1000000000000000)

/* Whether disk d has an I/O limit (iops_* or bps_*): a throttle group in QEMU. */
int vm_disk_throttled(const struct vm_disk *d);

/*
 * Where key 'key' of [table] (or of a [[table]] item) comes in the key
 * table, which is the examples' order: for writing configs (import). -1:
 * no such key.
 */
int vm_config_key_rank(const char *table, const char *key);

/*
 * Why 'value' is too small a memory limit for cfg (config/qos.h's floor),
 * with the numbers: "9G (N bytes) is below what the VM needs, ...". For the
 * config's check and 'mvlaunch limits --memory-max'.
 */
void vm_config_memory_floor_why(const struct vm_config *cfg, uint64_t value, struct strbuf *why);

/* Write the key reference as a Markdown table (for README and 'help config'). */
void vm_config_write_reference(FILE *out);

#endif
