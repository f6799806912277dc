/*
 * check_vm.c - the checks of one VM against this host: files it opens,
 * passthrough devices and their IOMMU groups, hugepages, the kernel command
 * line its dedicated CPUs want, its pins, cpu-pm, and what 'up' needs to
 * open the NICs' taps (see check.h).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "launcher/check/check.h"
#include "launcher/host/qemu_user.h"
#include "launcher/host/sysfs.h"
#include "launcher/host/tap.h"
#include "launcher/qemu/qemu_argv.h"
#include "launcher/host/usb_host.h"
#include "launcher/host/vfio.h"
#include "util/size.h"
#include "util/trust.h"
#include "util/wrapper.h"
#include "util/banned.h"

/* "FILE:LINE" of key, or just FILE when the key was not set (a default). */
static char *where(const struct vm_config *cfg, const char *key)
{
	struct config_loc loc = vm_config_loc(cfg, key);

	return loc.line ? xstrfmt("%s:%u", cfg->file, loc.line) : xstrdup(cfg->file);
}

/* ---- files ---- */

static void check_file(struct check_report *r, const struct vm_config *cfg, const char *check, const char *key,
		       const char *path, int writable, const char *fix)
{
	char *at = where(cfg, key), *f;

	if (access(path, writable ? R_OK | W_OK : R_OK) == 0) {
		check_add(r, check, CHECK_PASS, NULL, "%s '%s' is there and %s", key, path,
			  writable ? "writable" : "readable");
	} else {
		int e = errno;

		f = xstrfmt("%s, or fix %s in %s", fix, key, at);
		check_add(r, check, CHECK_FAIL, f, "%s '%s': %s", key, path, strerror(e));
		free(f);
	}
	free(at);
}

static void check_files(struct check_report *r, const struct vm_config *cfg)
{
	if (cfg->firmware == FW_UEFI) {
		check_file(r, cfg, "ovmf", "machine.ovmf_code", cfg->ovmf_code, 0, "apt-get install ovmf");
		check_file(r, cfg, "ovmf", "machine.ovmf_vars", cfg->ovmf_vars, 0, "apt-get install ovmf");
	}
	for (size_t i = 0; i < cfg->nr_disks; i++) {
		char *fix;

		if (!*cfg->disks[i].path)
			continue;	/* an empty cdrom tray opens nothing */
		fix = cfg->disks[i].media == MEDIA_CDROM ? xstrfmt("download or copy the image to %s", cfg->disks[i].path) :
		      xstrfmt("create it (qemu-img create -f %s %s SIZE) or give mvlaunch access to it",
				    cfg->disks[i].format == FORMAT_QCOW2 ? "qcow2" : "raw", cfg->disks[i].path);

		check_file(r, cfg, "disks", "disk.path", cfg->disks[i].path, !cfg->disks[i].readonly, fix);
		free(fix);
	}
	for (size_t i = 0; i < cfg->nr_inputs; i++)	/* QEMU opens an evdev device read-write */
		check_file(r, cfg, "input", "input.evdev", cfg->inputs[i].evdev, 1,
			   "plug the device in, or pick another with 'mvlaunch input list'");
	if (cfg->kernel)
		check_file(r, cfg, "boot", "boot.kernel", cfg->kernel, 0, "build the guest kernel (make demo-guest)");
	if (cfg->initrd)
		check_file(r, cfg, "boot", "boot.initrd", cfg->initrd, 0, "build the initramfs (make demo-guest)");
}

/* ---- passthrough ---- */

static const char iommu_fix[] = "add intel_iommu=on iommu=pt (Intel) or amd_iommu=on (AMD) to GRUB_CMDLINE_LINUX in "
	"/etc/default/grub, update-grub, turn on VT-d/AMD-Vi in the firmware, reboot";

/* Whether the VM passes addr through itself (another [[passthrough]] entry). */
static int vm_has_pci(const struct vm_config *cfg, const char *addr)
{
	for (size_t i = 0; i < cfg->nr_pci; i++)
		if (!strcmp(cfg->pci[i].host, addr))
			return 1;
	return 0;
}

/* "fb0" when a framebuffer of the host's console is on addr, else NULL. */
static char *framebuffer_of(const char *addr)
{
	char *dir = sysfs_path("/sys/class/graphics"), *fb = NULL;
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d && !fb && (de = readdir(d))) {
		char *p = xstrfmt("/sys/class/graphics/%s/device", de->d_name), *dev;

		if (strncmp(de->d_name, "fb", 2)) {
			free(p);
			continue;
		}
		dev = sysfs_link_name(p);
		if (dev && !strcmp(dev, addr))
			fb = xstrdup(de->d_name);
		free(dev);
		free(p);
	}
	if (d)
		closedir(d);
	free(dir);
	return fb;
}

/*
 * managed = true: 'up' takes the group from the host, so say what the host
 * loses: its boot VGA or console framebuffer (the screen goes dark), and
 * functions the host uses that the VM does not name.
 */
static void check_managed_member(struct check_report *r, const struct vm_config *cfg, const char *bdf,
				 const char *group, const char *member, const char *drv)
{
	char *p = xstrfmt("/sys/bus/pci/devices/%s/boot_vga", member), *fb = framebuffer_of(member), *fix;
	struct strbuf v = STRBUF_INIT;

	if ((sysfs_read(p, &v, NULL) == 0 && !strcmp(v.buf, "1")) || fb) {
		fix = xstrfmt("give the host another GPU for its console (firmware setting: primary display), or bind "
			      "%s yourself and set managed = false in %s", member, cfg->file);
		check_add(r, "passthrough", CHECK_WARN, fix, "%s: %s is the host's %s%s%s: 'up' unbinds it from %s, which "
			  "blanks the host's console and desktop", bdf, member, fb ? "console framebuffer (" : "boot VGA device",
			  fb ? fb : "", fb ? ")" : "", drv ? drv : "no driver");
		free(fix);
	}
	if (drv && strcmp(drv, VFIO_DRIVER) && strcmp(drv, "pcieport") && !vm_has_pci(cfg, member)) {
		fix = xstrfmt("pass %s through too ([[passthrough]] host = \"%s\"), or move the device to a slot with "
			      "its own IOMMU group", member, member);
		check_add(r, "passthrough", CHECK_WARN, fix, "%s: IOMMU group %s also holds %s, in use by the host "
			  "(%s): 'up' takes it from the host with the group", bdf, group, member, drv);
		free(fix);
	}
	strbuf_release(&v);
	free(fb);
	free(p);
}

/* Whether a managed device listed before entry i is in IOMMU group 'group'. */
static int group_seen(const struct vm_config *cfg, size_t i, const char *group)
{
	int seen = 0;

	for (size_t j = 0; j < i && !seen; j++) {
		char *g = cfg->pci[j].managed == 1 ? vfio_group(cfg->pci[j].host) : NULL;

		seen = g && !strcmp(g, group);
		free(g);
	}
	return seen;
}

static void check_passthrough(struct check_report *r, const struct vm_config *cfg)
{
	char *at;

	if (!cfg->nr_pci)
		return;
	at = where(cfg, "passthrough");
	for (size_t i = 0; i < cfg->nr_pci; i++) {
		const char *bdf = cfg->pci[i].host;
		int managed = cfg->pci[i].managed == 1;
		char *dev = xstrfmt("/sys/bus/pci/devices/%s", bdf), *group, *gdir, *gpath, *fix;
		struct strbuf wrong = STRBUF_INIT, cmds = STRBUF_INIT;
		struct dirent **names = NULL;
		size_t members = 0, functions = 0;
		int n;

		if (!sysfs_exists(dev)) {
			fix = xstrfmt("'lspci -D' lists this host's devices: fix passthrough.host in %s", at);
			check_add(r, "passthrough", CHECK_FAIL, fix, "PCI device %s does not exist", bdf);
			free(fix);
			free(dev);
			continue;
		}
		free(dev);
		group = vfio_group(bdf);
		if (!group) {
			check_add(r, "passthrough", CHECK_FAIL, iommu_fix, "PCI device %s has no IOMMU group (the IOMMU is off)",
				  bdf);
			continue;
		}
		if (managed && group_seen(cfg, i, group)) {
			free(group);
			continue;	/* an earlier device of the VM took this group: said there */
		}
		gdir = xstrfmt("/sys/kernel/iommu_groups/%s/devices", group);
		gpath = sysfs_path(gdir);
		n = scandir(gpath, &names, NULL, alphasort);	/* in address order */
		for (int k = 0; k < n; k++) {
			const char *fn = names[k]->d_name;
			char *drv;

			if (fn[0] == '.' || vfio_is_bridge(fn)) {
				members += fn[0] != '.';
				continue;	/* a PCI bridge stays with its host driver */
			}
			members++;
			functions++;
			drv = vfio_driver(fn);
			if (managed) {
				check_managed_member(r, cfg, bdf, group, fn, drv);
			} else if (!drv || strcmp(drv, VFIO_DRIVER)) {
				strbuf_addf(&wrong, "%s%s (%s)", wrong.len ? ", " : "", fn, drv ? drv : "no driver");
				strbuf_addf(&cmds, "%secho vfio-pci > /sys/bus/pci/devices/%s/driver_override", cmds.len ? "\n" : "",
					    fn);
				if (drv)
					strbuf_addf(&cmds, "\necho %s > /sys/bus/pci/devices/%s/driver/unbind", fn, fn);
				strbuf_addf(&cmds, "\necho %s > /sys/bus/pci/drivers_probe", fn);
			}
			free(drv);
		}
		for (int k = 0; k < n; k++)
			free(names[k]);
		free(names);
		if (managed) {
			check_add(r, "passthrough", CHECK_PASS, NULL, "%s: IOMMU group %s, %zu function%s (bridges excepted): "
				  "'up' binds them to vfio-pci, 'down' gives each its driver back (managed)", bdf, group,
				  functions, functions == 1 ? "" : "s");
		} else if (wrong.len) {
			strbuf_addstr(&cmds, "\n(or vfio-pci.ids=VENDOR:DEVICE on the kernel command line, for every device "
				      "of the group; or managed = true, and 'up' does it)");
			check_add(r, "passthrough", CHECK_FAIL, cmds.buf,
				  "%s: IOMMU group %s has devices not bound to vfio-pci: %s", bdf, group, wrong.buf);
		} else {
			check_add(r, "passthrough", CHECK_PASS, NULL, "%s: IOMMU group %s, all %zu device%s bound to vfio-pci",
				  bdf, group, members, members == 1 ? "" : "s");
		}
		strbuf_release(&wrong);
		strbuf_release(&cmds);
		free(gpath);
		free(gdir);
		free(group);
	}
	free(at);
}

/* ---- kernel command line ---- */

/* A VM with passthrough needs the IOMMU on: its groups in sysfs. */
static void check_iommu(struct check_report *r, const struct vm_config *cfg)
{
	char *dir;
	DIR *d;
	struct dirent *de;
	int groups = 0;

	if (!cfg->nr_pci)
		return;
	dir = sysfs_path("/sys/kernel/iommu_groups");
	d = opendir(dir);
	while (d && (de = readdir(d)))
		groups += de->d_name[0] != '.';
	if (d)
		closedir(d);
	free(dir);
	if (groups)
		check_add(r, "iommu", CHECK_PASS, NULL, "the IOMMU is on (%d groups)", groups);
	else
		check_add(r, "iommu", CHECK_FAIL, iommu_fix,
			  "the VM passes a device through, but the IOMMU is off (no /sys/kernel/iommu_groups)");
}

/*
 * The CPUs a VM owns want isolcpus, nohz_full and rcu_nocbs, as 'plan'
 * prints them: not the ones kept for the host (a pin there is the pins
 * check's warning; isolating a reserved CPU would take it from the host).
 */
static void check_cmdline(struct check_report *r, const struct vm_check_ctx *ctx)
{
	static const char *const params[] = { "isolcpus", "nohz_full", "rcu_nocbs" };
	const struct pin_plan *plan = ctx->plan;
	struct strbuf cmdline = STRBUF_INIT, want = STRBUF_INIT, label = STRBUF_INIT, fix = STRBUF_INIT;
	struct cpuset owned;

	if (!plan || !plan->dedicated) {
		check_add(r, "cmdline", CHECK_PASS, NULL, "its vCPUs float over the shared pool: no CPU of its own to "
			  "isolate on the kernel command line");
		return;
	}
	owned = plan->owned;
	cpuset_andnot(&owned, &ctx->host->reserved);
	if (cpuset_empty(&owned)) {
		check_add(r, "cmdline", CHECK_PASS, NULL, "every CPU it is pinned to is kept for the host: none to isolate");
		return;
	}
	sysfs_read("/proc/cmdline", &cmdline, NULL);
	cpuset_format(&owned, &want);
	cpuset_format_label(&owned, &label);
	for (size_t i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		struct cpuset have, missing = owned;

		check_host_cmdline_cpus(cmdline.buf, params[i], &have);
		cpuset_andnot(&missing, &have);
		if (cpuset_empty(&missing)) {
			check_add(r, params[i], CHECK_PASS, NULL, "covers %s, which the VM owns", label.buf);
		} else {
			struct strbuf m = STRBUF_INIT;
			unsigned nr = cpuset_count(&missing);

			cpuset_format_label(&missing, &m);
			strbuf_reset(&fix);
			strbuf_addf(&fix, "add %s=%s%s to GRUB_CMDLINE_LINUX in /etc/default/grub, update-grub, reboot "
				    "('mvlaunch plan %s' prints the whole line)", params[i],
				    !strcmp(params[i], "isolcpus") ? "managed_irq,domain," : "", want.buf, ctx->cfg->name);
			check_add(r, params[i], CHECK_WARN, fix.buf, "the VM owns %s; %s %s not in %s= (the kernel still "
				  "runs %s there, which interrupts the vCPUs)", label.buf, m.buf, nr == 1 ? "is" : "are",
				  params[i], !strcmp(params[i], "isolcpus") ? "other tasks and load balancing" :
				  !strcmp(params[i], "nohz_full") ? "the scheduler tick" : "RCU callbacks");
			strbuf_release(&m);
		}
	}
	strbuf_release(&cmdline);
	strbuf_release(&want);
	strbuf_release(&label);
	strbuf_release(&fix);
}

/* ---- hugepages ---- */

static void check_hugepages(struct check_report *r, const struct vm_config *cfg, const struct pin_plan *plan)
{
	struct plan_numa *parts;
	size_t nr;

	if (!vm_config_any_hugepages(cfg))
		return;
	nr = pin_plan_ram_parts(cfg, plan, &parts);
	for (size_t i = 0; i < nr; i++) {
		if (parts[i].hugepages == HUGEPAGES_1G) {
			struct strbuf info = STRBUF_INIT;
			char *at = where(cfg, cfg->hugepages == HUGEPAGES_1G ? "memory.hugepages" : "numa.hugepages");

			sysfs_read("/proc/cpuinfo", &info, NULL);
			if (strstr(info.buf, " pdpe1gb")) {
				check_add(r, "hugepages.1g", CHECK_PASS, NULL, "the CPU supports 1G pages (pdpe1gb)");
			} else {
				char *fix = xstrfmt("hugepages = \"2M\" in %s", at);

				check_add(r, "hugepages.1g", CHECK_FAIL, fix, "hugepages = \"1G\", but the CPU has no pdpe1gb flag");
				free(fix);
			}
			strbuf_release(&info);
			free(at);
			break;
		}
	}
	for (size_t i = 0; i < nr; i++) {
		unsigned long kb = parts[i].hugepages == HUGEPAGES_1G ? 1048576 : 2048;
		uint64_t page = (uint64_t)kb << 10;
		const char *size = parts[i].hugepages == HUGEPAGES_1G ? "1G" : "2M";
		int node = plan ? parts[i].host_node : -1;
		long need = (long)((parts[i].mem_bytes + page - 1) / page), free_pages, total;
		char *dir, *fp, *tp, *label;

		if (parts[i].hugepages == HUGEPAGES_NONE)
			continue;
		dir = node >= 0 ? xstrfmt("/sys/devices/system/node/node%d/hugepages/hugepages-%lukB", node, kb)
				: xstrfmt("/sys/kernel/mm/hugepages/hugepages-%lukB", kb);
		fp = xstrfmt("%s/free_hugepages", dir);
		tp = xstrfmt("%s/nr_hugepages", dir);
		label = node >= 0 ? xstrfmt("node %d", node) : xstrdup("the host");
		if (sysfs_read_long(fp, &free_pages, NULL) < 0 || sysfs_read_long(tp, &total, NULL) < 0) {
			check_add(r, "hugepages", CHECK_FAIL, "a kernel with hugetlbfs (CONFIG_HUGETLBFS)",
				  "%s: no %s hugepage pool (%s)", label, size, dir);
		} else if (free_pages >= need) {
			check_add(r, "hugepages", CHECK_PASS, NULL, "%s: %ld free %s pages, the VM needs %ld", label, free_pages,
				  size, need);
		} else {
			char *fix = xstrfmt("reserve them at boot: %shugepages=%ld on the kernel command line (per node: "
					    "%s/nr_hugepages early in boot)", kb == 2048 ? "" : "default_hugepagesz=1G hugepagesz=1G ",
					    total + need - free_pages, dir);

			check_add(r, "hugepages", CHECK_WARN, fix, "%s: %ld free %s pages, the VM needs %ld; 'up' asks the "
				  "kernel for %ld more, which fails when memory is fragmented%s", label, free_pages, size, need,
				  need - free_pages, kb == 2048 ? "" : " (1G pages rarely succeed after boot)");
			free(fix);
		}
		free(label);
		free(fp);
		free(tp);
		free(dir);
	}
	free(parts);
	if (cfg->source == MEM_FILE)
		check_add(r, "hugetlbfs", CHECK_PASS, NULL, "'up' mounts hugetlbfs (pagesize=%s) on %s if it is not",
			  cfg->hugepages == HUGEPAGES_1G ? "1G" : "2M", cfg->mem_path);
}

/* ---- pins and cpu-pm ---- */

/* A VM bound to one host node (no hugepages) against the node's free memory now. */
static void check_memory(struct check_report *r, const struct vm_check_ctx *ctx)
{
	struct strbuf msg = STRBUF_INIT;
	char *at, *fix;

	if (!ctx->plan || !ctx->host || !ctx->host->topo)
		return;
	if (!pin_plan_memory_check(ctx->host->topo, ctx->cfg, ctx->plan, &msg)) {
		if (msg.len)
			check_add(r, "memory", CHECK_PASS, NULL, "%s", msg.buf);
		strbuf_release(&msg);
		return;
	}
	at = where(ctx->cfg, "memory.size");
	fix = xstrfmt("free memory on host node %d, or give the VM less (memory.size in %s), or bind it to another "
		      "node (memory.numa_node)", ctx->plan->memory_node, at);
	check_add(r, "memory", CHECK_WARN, fix, "%s: the kernel will take the rest from swap or reclaim, and QEMU may "
		  "be killed when it runs out", msg.buf);
	free(fix);
	free(at);
	strbuf_release(&msg);
}

static void check_pins(struct check_report *r, const struct vm_check_ctx *ctx)
{
	if (!ctx->plan) {
		check_add(r, "pins", CHECK_FAIL, "change pinning.vcpus, or stop the VM that holds those CPUs",
			  "%s", ctx->plan_error ? ctx->plan_error : "the VM cannot be planned");
		return;
	}
	for (size_t i = 0; ctx->plan_warnings && i < ctx->plan_warnings->nr; i++)
		check_add(r, "pins", CHECK_WARN, "change pinning.vcpus (or use \"auto\")", "%s", ctx->plan_warnings->v[i]);
	if (!ctx->plan_warnings || !ctx->plan_warnings->nr)
		check_add(r, "pins", CHECK_PASS, NULL, "%zu vCPU%s planned: no split guest core, no host-reserved CPU, "
			  "no CPU of another VM", ctx->plan->nr_vcpus, ctx->plan->nr_vcpus == 1 ? "" : "s");
}

int check_vm_cpu_pm_dedicated(const struct plan_host *host, const struct vm_config *cfg, const struct pin_plan *plan,
		     struct strbuf *why)
{
	struct cpuset seen, others;

	if (!plan->dedicated) {
		strbuf_addstr(why, cfg->pin_auto || cfg->vcpu_pins ? "its vCPUs are not dedicated (pinning.policy = \"shared\")"
				   : "its vCPUs are not pinned: they float over the shared pool");
		return 0;
	}
	cpuset_zero(&seen);
	cpuset_zero(&others);
	for (size_t i = 0; i < host->nr_holders; i++)
		if (strcmp(host->holders[i].name, cfg->name))
			cpuset_or(&others, &host->holders[i].cpus);
	for (size_t i = 0; i < plan->nr_vcpus; i++) {
		struct strbuf s = STRBUF_INIT;
		int c = cpuset_next(&plan->vcpu[i], 0);
		const char *clash = NULL;

		cpuset_format(&plan->vcpu[i], &s);
		if (cpuset_count(&plan->vcpu[i]) != 1)
			strbuf_addf(why, "vCPU %zu floats over CPUs %s instead of one of its own", i, s.buf);
		else if (cpuset_has(&seen, (unsigned)c))
			clash = "another vCPU of this VM";
		else if (cpuset_has(&host->reserved, (unsigned)c))
			clash = "the host (reserved_cpus)";
		else if (cpuset_has(&others, (unsigned)c))
			clash = "another VM";
		else if (cpuset_has(&plan->emulator, (unsigned)c))
			clash = "the emulator threads";
		else if (cpuset_has(&plan->iothread, (unsigned)c))
			clash = "the I/O threads";
		for (size_t k = 0; !clash && k < plan->nr_io_pins; k++)
			if (cpuset_has(&plan->io_pins[k].cpus, (unsigned)c))
				clash = "an [[iothread]]";
		if (clash)
			strbuf_addf(why, "vCPU %zu shares CPU %d with %s", i, c, clash);
		strbuf_release(&s);
		if (why->len)
			return 0;
		cpuset_set(&seen, (unsigned)c);
	}
	return 1;
}

static const char cpu_pm_reason[] =
	"with cpu-pm a halted vCPU keeps its CPU (HLT and MWAIT no longer exit to the host), so whatever shares "
	"that CPU waits: latency goes up and throughput down";

/* Who asks: 'check' (the whole story), or 'up', with or without --force. */
enum pm_asker { PM_CHECK, PM_UP, PM_UP_FORCED };

static void check_cpu_pm(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker asker)
{
	const struct vm_config *cfg = ctx->cfg;
	struct strbuf why = STRBUF_INIT;
	char *at, *fix;

	if (cfg->cpu_pm != 1 || cfg->accel != ACCEL_KVM)
		return;
	at = where(cfg, "cpu.cpu_pm");
	if (ctx->plan && !check_vm_cpu_pm_dedicated(ctx->host, cfg, ctx->plan, &why)) {
		int forced = asker == PM_UP_FORCED;

		fix = xstrfmt("give each vCPU a CPU of its own (pinning.policy = \"dedicated\"), or cpu_pm = false in %s%s",
			      at, forced ? "" : "; 'up --force' starts it anyway");
		check_add(r, "cpu-pm", forced ? CHECK_WARN : CHECK_FAIL, fix, "cpu_pm = true, but %s; %s%s", why.buf,
			  cpu_pm_reason, forced ? " (started anyway: --force)" : "");
		free(fix);
	} else if (ctx->plan) {
		check_add(r, "cpu-pm", CHECK_PASS, NULL, "cpu_pm = true on dedicated vCPUs");
	}
	if (ctx->kvm && ctx->kvm->usable && !ctx->kvm->disable_exits) {
		fix = xstrfmt("cpu_pm = false in %s, or a kernel with KVM_CAP_X86_DISABLE_EXITS", at);
		check_add(r, "cpu-pm", CHECK_FAIL, fix, "cpu_pm = true, but this host's KVM cannot let a guest idle in "
			  "place (KVM_CAP_X86_DISABLE_EXITS is missing); QEMU would only warn 'guest stopping CPU not "
			  "supported' and run without it");
		free(fix);
	} else if (asker == PM_CHECK) {
		check_add(r, "cpu-pm.migration", CHECK_WARN, "keep it on hosts that all have KVM_CAP_X86_DISABLE_EXITS, "
			  "or cpu_pm = false for VMs that must migrate",
			  "a VM with cpu_pm = true cannot migrate to a host without KVM_CAP_X86_DISABLE_EXITS: QEMU there refuses the setting");
	}
	strbuf_release(&why);
	free(at);
}

/* ---- together ---- */

static void check_accel(struct check_report *r, const struct vm_check_ctx *ctx)
{
	char *fix;

	if (ctx->cfg->accel != ACCEL_KVM || !ctx->kvm || ctx->kvm->usable)
		return;
	fix = xstrfmt("make KVM usable ('mvlaunch check' says how), or accel = \"tcg\" in %s (emulation: slow)",
		      ctx->cfg->file);
	check_add(r, "accel", CHECK_FAIL, fix, "machine.accel = \"kvm\", but /dev/kvm is not usable");
	free(fix);
}

/*
 * The VM checks, in report order: which run for 'mvlaunch check' and which
 * for 'up' (the cheap ones that must not FAIL before it changes anything).
 * Each adapter takes the asker, so one table drives both.
 */
static void run_accel(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	(void)a;
	check_accel(r, ctx);
}

static void run_qemu(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	(void)a;
	check_qemu(r, ctx);
}

static void run_files(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	(void)a;
	check_files(r, ctx->cfg);
}

static void run_iommu(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	(void)a;
	check_iommu(r, ctx->cfg);
}

static void run_passthrough(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	(void)a;
	check_passthrough(r, ctx->cfg);
}

/* A [[usb]] device not plugged in: QEMU's usb-host waits for it, so a warning, at 'up' a note. */
static void run_usb(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	struct strvec missing = STRVEC_INIT;

	(void)a;
	if (!ctx->cfg->nr_usb)
		return;
	if (!usb_host_missing(ctx->cfg, &missing))
		check_add(r, "usb", CHECK_PASS, NULL, "every [[usb]] device is plugged in");
	for (size_t i = 0; i < missing.nr; i++)
		check_add(r, "usb", CHECK_WARN, "plug it in, or see 'mvlaunch usb' for the vendor:product of what is",
			  "%s", missing.v[i]);
	strvec_clear(&missing);
}

static void run_cmdline(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	(void)a;
	check_cmdline(r, ctx);
}

static void run_hugepages(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	/* at 'up' only 1G pages: 2M ones are taken from the kernel then, 1G ones must be there already */
	int gig = ctx->cfg->hugepages == HUGEPAGES_1G;

	for (size_t i = 0; i < ctx->cfg->nr_numa; i++)
		gig |= ctx->cfg->numa[i].hugepages == HUGEPAGES_1G;
	if (a == PM_CHECK || gig)
		check_hugepages(r, ctx->cfg, ctx->plan);
}

static void run_memory(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	(void)a;
	check_memory(r, ctx);
}

static void run_pins(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	(void)a;
	check_pins(r, ctx);
}

/*
 * A TCP display.listen: can QEMU bind it? A port another VM's display or a
 * VNC server holds makes QEMU exit at start ("Address already in use"); an
 * address this host does not have ("Cannot assign requested address") too.
 * 0 with *why empty when it binds, else errno's text in why.
 */
static int listen_free(const char *listen, struct strbuf *why)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV }, *res = NULL;
	char *host = NULL, port[16];
	unsigned p;
	int r, fd, one = 1;

	if (vm_config_listen_tcp(listen, &host, &p) < 0)
		return 0;
	snprintf(port, sizeof(port), "%u", p);
	r = getaddrinfo(host, port, &hints, &res);
	free(host);
	if (r) {
		strbuf_addstr(why, gai_strerror(r));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	/* SO_REUSEADDR as QEMU sets it: a port in TIME_WAIT is free */
	r = fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0 ? -1 : 0;
	if (r < 0)
		strbuf_addstr(why, strerror(errno));
	if (fd >= 0)
		close(fd);
	freeaddrinfo(res);
	return r;
}

/*
 * What the Windows 11 parts need from the host: SMM for Secure Boot under
 * KVM, a free TCP port for the display, swtpm for [tpm] (smbios.copy_host's
 * files are read, and warned about, when the config is loaded).
 */
static void run_devices(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	const struct vm_config *cfg = ctx->cfg;

	(void)a;
	/* Secure Boot OVMF without SMM prints nothing and hangs (qemu-reference: no error from QEMU) */
	if (cfg->secure_boot == 1 && cfg->accel == ACCEL_KVM && ctx->kvm && ctx->kvm->usable) {
		if (ctx->kvm->smm)
			check_add(r, "secure-boot", CHECK_PASS, NULL, "KVM_CAP_X86_SMM: Secure Boot OVMF gets its SMM");
		else
			check_add(r, "secure-boot", CHECK_FAIL, "run the VM on a host whose KVM has SMM (a nested "
				  "hypervisor may lack it), or set machine.secure_boot = false",
				  "machine.secure_boot = true needs SMM, which this host's KVM lacks (KVM_CAP_X86_SMM): "
				  "QEMU would refuse smm=on");
	}
	if (cfg->display.type != DISPLAY_NONE && strcmp(cfg->display.listen, "unix")) {
		struct strbuf why = STRBUF_INIT;
		char *at = where(cfg, "display.listen"), *fix;

		if (listen_free(cfg->display.listen, &why) == 0) {
			check_add(r, "display", CHECK_PASS, NULL, "display.listen '%s' is free", cfg->display.listen);
		} else {
			fix = xstrfmt("stop what listens there (ss -ltnp), or pick another display.listen in %s", at);
			check_add(r, "display", CHECK_FAIL, fix, "display.listen '%s': QEMU could not listen there: %s",
				  cfg->display.listen, why.buf);
			free(fix);
		}
		free(at);
		strbuf_release(&why);
	}
	if (cfg->lg.enable == 1) {
		if (cfg->lg.device && access(cfg->lg.device, R_OK | W_OK) < 0)
			check_add(r, "looking-glass", CHECK_FAIL, "load the kvmfr module (modprobe kvmfr static_size_mb=...), "
				  "or use looking_glass.path (a shared-memory file) instead",
				  "looking_glass.device '%s': %s", cfg->lg.device, strerror(errno));
		else if (cfg->lg.owner && !getpwnam(cfg->lg.owner))
			check_add(r, "looking-glass", CHECK_FAIL, "set looking_glass.owner to the desktop user who runs "
				  "looking-glass-client", "looking_glass.owner '%s' is not a user of this host", cfg->lg.owner);
		else
			check_add(r, "looking-glass", CHECK_PASS, NULL, "Looking Glass: %s of %llu MiB%s%s",
				  cfg->lg.device ? cfg->lg.device : cfg->lg.path,
				  (unsigned long long)(cfg->lg.size >> 20), cfg->lg.owner ? " for " : "",
				  cfg->lg.owner ? cfg->lg.owner : "");
	}
	if (cfg->tpm == 1) {
		char *bin = trust_which("swtpm");

		if (bin)
			check_add(r, "tpm", CHECK_PASS, NULL, "swtpm is %s: 'up' runs it for the VM's TPM 2.0", bin);
		else
			check_add(r, "tpm", CHECK_FAIL, "apt-get install swtpm (or 'make deps')",
				  "tpm.enable = true needs swtpm, which is not installed");
		free(bin);
	}
}

/* Who QEMU runs as and under which filter: the confinement in force. */
static void run_confinement(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	const struct vm_config *cfg = ctx->cfg;
	const char *name = cfg->security_user ? cfg->security_user : QEMU_USER_DEFAULT;
	struct qemu_user u = QEMU_USER_INIT;
	struct err e = ERR_INIT;

	(void)a;
	if (geteuid() != 0) {
		check_add(r, "confinement", CHECK_PASS, NULL, "QEMU runs as you (uid %u), as mvlaunch does: security.user "
			  "applies when root starts the VM", (unsigned)geteuid());
	} else if (qemu_user_is_root(name)) {
		check_add(r, "confinement", CHECK_WARN, "set security.user = \"" QEMU_USER_DEFAULT "\" (made by 'mvlaunch host setup')",
			  "security.user = \"%s\": QEMU%s runs as root with every capability and can open any file; a "
			  "guest that escapes into QEMU owns the host", name, cfg->tpm == 1 ? " (and swtpm)" : "");
	} else if (qemu_user_lookup(name, &u, &e) < 0) {
		check_add(r, "confinement", CHECK_FAIL, "mvlaunch host setup", "security.user '%s' is not a user on this host",
			  name);
	} else {
		unsigned long long ml = (cfg->locked == 1 || cfg->nr_pci);

		check_add(r, "confinement", CHECK_PASS, NULL, "QEMU%s runs as %s (uid %u, gid %u): no capabilities, no new "
			  "privileges%s%s; %s; 'up' grants it the VM's files (ACL entries, recorded) and 'down' "
			  "takes them back", cfg->tpm == 1 ? " and swtpm run" : "", name, (unsigned)u.uid,
			  (unsigned)u.gid, ml ? ", RLIMIT_MEMLOCK " : "", ml ? "raised for VFIO/locked memory" : "",
			  cfg->private_dev == 1 ? "a /dev of its own with only the VM's devices, /sys read-only" :
			  "the host's /dev (security.private_dev = false)");
	}
	if (cfg->sandbox == 1)
		check_add(r, "sandbox", CHECK_PASS, NULL, "seccomp: -sandbox on,obsolete=deny,elevateprivileges=deny,"
			  "spawn=deny,resourcecontrol=deny");
	else
		check_add(r, "sandbox", CHECK_WARN, "set qemu.sandbox = true", "qemu.sandbox = false: QEMU runs without "
			  "its seccomp filter (it may spawn processes, change privileges and scheduling)");
	qemu_user_release(&u);
	err_release(&e);
}

/* ---- network ---- */

/* "FILE:LINE" of net[i].KEY, or where the NIC starts. */
static char *net_where(const struct vm_config *cfg, size_t i, const char *key)
{
	struct config_loc loc = vm_config_item_loc(cfg, "net", i, key);

	return loc.line ? xstrfmt("%s:%u", cfg->file, loc.line) : xstrdup(cfg->file);
}

/*
 * What 'up' needs to open the taps itself (launcher/host/tap.c): /dev/net/tun,
 * each bridge NIC's bridge in this network namespace, /dev/vhost-net for
 * vhost, and a tap (or nothing yet) where net.ifname names one.
 */
static void run_nets(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a)
{
	const struct vm_config *cfg = ctx->cfg;
	int taps = 0, vhost = 0;
	char *at, *fix;

	(void)a;
	for (size_t i = 0; i < cfg->nr_nets; i++) {
		const struct vm_net *n = &cfg->nets[i];
		enum tap_kind k;

		if (!qemu_argv_net_fds(n))
			continue;
		taps = 1;
		vhost |= n->vhost == 1;
		if (n->type == NET_BRIDGE) {
			k = tap_kind(n->bridge);
			at = net_where(cfg, i, "bridge");
			if (k == TAP_KIND_BRIDGE) {
				check_add(r, "network", CHECK_PASS, NULL, "net[%zu].bridge '%s' is a bridge: 'up' attaches the "
					  "VM's tap to it", i, n->bridge);
			} else {
				fix = k == TAP_KIND_NONE ?
				      xstrfmt("ip link add %s type bridge && ip link set %s up, or fix net[%zu].bridge in %s",
					      n->bridge, n->bridge, i, at) :
				      xstrfmt("name a bridge ('ip -d link show type bridge' lists them) in net[%zu].bridge in %s",
					      i, at);
				check_add(r, "network", CHECK_FAIL, fix, "net[%zu].bridge '%s': %s", i, n->bridge,
					  k == TAP_KIND_NONE ? "no such interface in this network namespace" : "not a bridge");
				free(fix);
			}
			free(at);
		} else if (n->ifname && (k = tap_kind(n->ifname)) != TAP_KIND_NONE && k != TAP_KIND_TAP) {
			at = net_where(cfg, i, "ifname");
			fix = xstrfmt("name a tap, or a name no interface has yet, in net[%zu].ifname in %s", i, at);
			check_add(r, "network", CHECK_FAIL, fix, "net[%zu].ifname '%s' is %s, not a tap", i, n->ifname,
				  k == TAP_KIND_TUN ? "a tun device" : "another kind of interface");
			free(fix);
			free(at);
		}
	}
	if (taps && access("/dev/net/tun", R_OK | W_OK) < 0)
		check_add(r, "network", CHECK_FAIL, "modprobe tun", "'/dev/net/tun': %s: 'up' cannot open the VM's taps",
			  strerror(errno));
	else if (taps)
		check_add(r, "network", CHECK_PASS, NULL, "'/dev/net/tun' is there: 'up' opens the taps, QEMU gets their "
			  "descriptors");
	if (vhost && access("/dev/vhost-net", R_OK | W_OK) < 0)
		check_add(r, "network", CHECK_FAIL, "modprobe vhost_net, or set vhost = false in the NIC",
			  "net.vhost = true: '/dev/vhost-net': %s", strerror(errno));
}

#define AT_CHECK 1
#define AT_UP 2

static const struct {
	void (*run)(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker a);
	unsigned when;
} vm_checks[] = {
	{ run_accel,       AT_CHECK | AT_UP },
	{ run_qemu,        AT_CHECK },
	{ run_files,       AT_CHECK | AT_UP },
	{ run_iommu,       AT_CHECK },
	{ run_passthrough, AT_CHECK | AT_UP },
	{ run_usb,         AT_CHECK | AT_UP },
	{ run_cmdline,     AT_CHECK },
	{ run_hugepages,   AT_CHECK | AT_UP },
	{ run_memory,      AT_CHECK },
	{ run_pins,        AT_CHECK },
	{ check_cpu_pm,    AT_CHECK | AT_UP },
	{ run_devices,     AT_CHECK | AT_UP },
	{ run_confinement, AT_CHECK | AT_UP },
	{ run_nets,        AT_CHECK | AT_UP },
};

static void run_checks(struct check_report *r, const struct vm_check_ctx *ctx, enum pm_asker asker)
{
	const char *saved = r->vm;
	unsigned when = asker == PM_CHECK ? AT_CHECK : AT_UP;

	r->vm = ctx->cfg->name;
	for (size_t i = 0; i < ARRAY_SIZE(vm_checks); i++)
		if (vm_checks[i].when & when)
			vm_checks[i].run(r, ctx, asker);
	r->vm = saved;
}

void check_inputs_shared(struct check_report *r, const struct vm_config *cfgs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			for (size_t a = 0; a < cfgs[i].nr_inputs; a++)
				for (size_t b = 0; b < cfgs[j].nr_inputs; b++)
					if (!strcmp(cfgs[i].inputs[a].evdev, cfgs[j].inputs[b].evdev))
						check_add(r, "input", CHECK_WARN, "run one of them at a time, or give each its own device",
							  "'%s' is an [[input]] evdev of both '%s' and '%s': only one "
							  "running VM can grab it", cfgs[i].inputs[a].evdev, cfgs[i].name, cfgs[j].name);
}

void check_vm(struct check_report *r, const struct vm_check_ctx *ctx)
{
	run_checks(r, ctx, PM_CHECK);
}

void check_vm_for_up(struct check_report *r, const struct vm_check_ctx *ctx, int force)
{
	run_checks(r, ctx, force ? PM_UP_FORCED : PM_UP);
}
