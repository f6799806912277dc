/*
 * test_check.c - the host checks on a fake sysfs/procfs/dev tree
 * ($MVLAUNCH_SYSROOT): PASS and FAIL (or WARN) of each check, the kernel
 * command line parser, the cpu-pm dedication rule, and the JSON report.
 * The QEMU probe is exercised with a missing binary here; with a real QEMU
 * in the end-to-end tests (t6002).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tests/unit/unit.h"
#include "launcher/check/check.h"
#include "util/wrapper.h"

static char root[64];

static void put(const char *path, const char *text)
{
	tree_put(root, path, text);
}

/* A symlink at path (in the tree) to target. */
static void link_to(const char *path, const char *target)
{
	char *p = xstrfmt("%s%s", root, path);

	unlink(p);
	assert_int_equal(symlink(target, p), 0);
	free(p);
}

static void make_tree(void)
{
	tree_make(root, "mvl-check");
}

static void remove_tree(void)
{
	tree_remove(root);
	unsetenv("MVLAUNCH_SYSROOT");
}

/* The one item named check (of vm, NULL: the host) at 'level'; fails when there is none. */
static const struct check_item *item(const struct check_report *r, const char *vm, const char *check, int level)
{
	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->items[i].check, check) && r->items[i].level == level &&
		    (vm ? r->items[i].vm && !strcmp(r->items[i].vm, vm) : !r->items[i].vm))
			return &r->items[i];
	for (size_t i = 0; i < r->nr; i++)
		print_error("%d %s %s: %s\n", r->items[i].level, r->items[i].check, r->items[i].message,
			    r->items[i].fix ? r->items[i].fix : "");
	fail_msg("no %s check '%s' at level %d", vm ? vm : "host", check, level);
	return NULL;
}

static void test_cmdline_cpus(void **state)
{
	struct cpuset s;
	struct strbuf out = STRBUF_INIT;

	(void)state;
	assert_int_equal(check_host_cmdline_cpus("ro isolcpus=managed_irq,domain,2-5,7 quiet", "isolcpus", &s), 1);
	cpuset_format(&s, &out);
	assert_string_equal(out.buf, "2-5,7");
	assert_int_equal(check_host_cmdline_cpus("nohz_full=1,3 nohz=off", "nohz_full", &s), 1);
	strbuf_reset(&out);
	cpuset_format(&s, &out);
	assert_string_equal(out.buf, "1,3");
	assert_int_equal(check_host_cmdline_cpus("rcu_nocbs quiet", "rcu_nocbs", &s), 1);
	assert_true(cpuset_has(&s, 4095));
	assert_int_equal(check_host_cmdline_cpus("isolcpus2=3 xisolcpus=4", "isolcpus", &s), 0);
	assert_int_equal(check_host_cmdline_cpus("quiet -- isolcpus=3", "isolcpus", &s), 0);	/* init's, not the kernel's */
	assert_int_equal(check_host_cmdline_cpus("isolcpus=1 isolcpus=2", "isolcpus", &s), 1);	/* the last one counts */
	strbuf_reset(&out);
	cpuset_format(&s, &out);
	assert_string_equal(out.buf, "2");
	strbuf_release(&out);
}

static void test_check_kvm_and_knobs(void **state)
{
	struct check_report r;
	struct kvm_caps caps;
	struct cpuset cpus;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	make_tree();
	check_report_init(&r);
	check_kvm(&r, 1, &caps);	/* no /dev/kvm in the tree */
	assert_non_null(strstr(item(&r, NULL, "kvm", CHECK_FAIL)->fix, "modprobe kvm_intel"));
	assert_int_equal(caps.usable, 0);
	check_kvm(&r, 0, &caps);	/* not needed (only TCG VMs): a warning */
	item(&r, NULL, "kvm", CHECK_WARN);
	put("/dev/kvm", "");		/* a file, not the device */
	check_report_release(&r);
	check_kvm(&r, 1, &caps);
	assert_non_null(strstr(item(&r, NULL, "kvm", CHECK_FAIL)->message, "is not a usable KVM device"));
	/* its fix is the device's, told by check_host_kvm_caps()'s answer, not by its message */
	assert_string_equal(item(&r, NULL, "kvm", CHECK_FAIL)->fix, "check that /dev/kvm is the KVM device (char 10:232)");
	check_report_release(&r);
	{
		struct strbuf e = STRBUF_INIT;

		assert_int_equal(check_host_kvm_caps(&caps, &e), KVM_NOT_KVM);
		strbuf_release(&e);
	}

	put("/sys/kernel/mm/ksm/run", "1\n");
	put("/sys/kernel/mm/transparent_hugepage/enabled", "[always] madvise never\n");
	put("/sys/devices/system/cpu/online", "0-3\n");
	for (int c = 0; c < 4; c++) {
		char *p = xstrfmt("/sys/devices/system/cpu/cpu%d/cpufreq/scaling_governor", c);

		put(p, c == 2 ? "powersave\n" : "performance\n");
		free(p);
	}
	check_host_knobs(&r, NULL);
	assert_non_null(strstr(item(&r, NULL, "ksm", CHECK_WARN)->fix, "ksm = false in host.toml"));
	assert_non_null(strstr(item(&r, NULL, "thp", CHECK_WARN)->fix, "thp = \"never\""));
	assert_non_null(strstr(item(&r, NULL, "governor", CHECK_WARN)->message, "performance governor: 2 (powersave)"));
	check_report_release(&r);
	/* only the VMs' CPUs count for the governor */
	assert_int_equal(cpuset_parse(&cpus, "1,3", &err), 0);
	put("/sys/kernel/mm/ksm/run", "0\n");
	put("/sys/kernel/mm/transparent_hugepage/enabled", "always madvise [never]\n");
	check_host_knobs(&r, &cpus);
	item(&r, NULL, "ksm", CHECK_PASS);
	assert_string_equal(item(&r, NULL, "thp", CHECK_PASS)->message, "transparent hugepages are 'never'");
	item(&r, NULL, "governor", CHECK_PASS);
	assert_int_equal(check_count(&r, CHECK_WARN) + check_count(&r, CHECK_FAIL), 0);
	check_report_release(&r);
	strbuf_release(&err);
	remove_tree();
}

/* A VM from TOML text, and a plan of its vCPUs on 'pins' (one CPU each). */
static void vm(struct vm_config *cfg, struct pin_plan *plan, const char *toml, const char *pins)
{
	char file[128];
	struct strbuf err = STRBUF_INIT;
	char *list = xstrdup(pins), *save = NULL;
	size_t n = 0;

	vm_config_init(cfg);
	if (vm_config_parse(unit_config_file("vms/", "t", toml, file), toml, strlen(toml), cfg, &err) < 0)
		fail_msg("%s", err.buf);
	memset(plan, 0, sizeof(*plan));
	plan->memory_node = 0;
	plan->dedicated = 1;
	plan->vcpu = xcalloc(8, sizeof(*plan->vcpu));
	for (char *t = strtok_r(list, " ", &save); t; t = strtok_r(NULL, " ", &save))
		assert_int_equal(cpuset_parse(&plan->vcpu[n++], t, &err), 0);
	plan->nr_vcpus = n;
	for (size_t i = 0; i < n; i++)
		cpuset_or(&plan->owned, &plan->vcpu[i]);
	assert_int_equal(cpuset_parse(&plan->emulator, "0", &err), 0);
	plan->iothread = plan->emulator;
	free(list);
	strbuf_release(&err);
}

static void test_check_vm(void **state)
{
	static const char toml[] =
		"name = \"t\"\n"
		"[machine]\nfirmware = \"uefi\"\novmf_code = \"/nonexistent/OVMF_CODE.fd\"\novmf_vars = \"/dev/null\"\n"
		"[cpu]\nvcpus = 2\n"
		"[memory]\nsize = \"1G\"\nhugepages = \"1G\"\n"
		"[[disk]]\npath = \"/nonexistent/root.qcow2\"\nformat = \"qcow2\"\n"
		"[[passthrough]]\nhost = \"01:00.0\"\nmanaged = false\n"
		"[[passthrough]]\nhost = \"02:00.0\"\nmanaged = false\n"
		"[qemu]\nbinary = \"/nonexistent/qemu-system-x86_64\"\n";
	struct check_report r;
	struct vm_config cfg;
	struct pin_plan plan;
	struct plan_host host;
	struct kvm_caps kvm = { 1, 14, 1, 1 };
	struct strvec warnings = STRVEC_INIT;
	struct vm_check_ctx ctx = { .cfg = &cfg, .host = &host, .plan = &plan, .kvm = &kvm,
				    .plan_warnings = &warnings };
	const struct check_item *it;

	(void)state;
	make_tree();
	memset(&host, 0, sizeof(host));
	vm(&cfg, &plan, toml, "2 3");
	put("/proc/cmdline", "ro quiet isolcpus=domain,2-3 nohz_full=2\n");
	put("/proc/cpuinfo", "flags\t\t: fpu vme pse\n");
	put("/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/free_hugepages", "0\n");
	put("/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/nr_hugepages", "0\n");
	/* group 7: the GPU (vfio-pci), its audio function (snd_hda_intel) and a bridge */
	put("/sys/bus/pci/devices/0000:01:00.0/class", "0x030000\n");
	put("/sys/bus/pci/devices/0000:01:00.1/class", "0x040300\n");
	put("/sys/bus/pci/devices/0000:00:01.0/class", "0x060400\n");
	put("/sys/kernel/iommu_groups/7/devices/.keep", "");
	put("/sys/bus/pci/drivers/vfio-pci/.keep", "");
	put("/sys/bus/pci/drivers/snd_hda_intel/.keep", "");
	link_to("/sys/bus/pci/devices/0000:01:00.0/iommu_group", "../../../../kernel/iommu_groups/7");
	link_to("/sys/bus/pci/devices/0000:01:00.0/driver", "../../../bus/pci/drivers/vfio-pci");
	link_to("/sys/bus/pci/devices/0000:01:00.1/driver", "../../../bus/pci/drivers/snd_hda_intel");
	link_to("/sys/kernel/iommu_groups/7/devices/0000:01:00.0", "../../../../bus/pci/devices/0000:01:00.0");
	link_to("/sys/kernel/iommu_groups/7/devices/0000:01:00.1", "../../../../bus/pci/devices/0000:01:00.1");
	link_to("/sys/kernel/iommu_groups/7/devices/0000:00:01.0", "../../../../bus/pci/devices/0000:00:01.0");

	check_report_init(&r);
	check_vm(&r, &ctx);
	assert_non_null(strstr(item(&r, "t", "qemu", CHECK_FAIL)->message, "cannot run '/nonexistent/qemu-system-x86_64'"));
	it = item(&r, "t", "ovmf", CHECK_FAIL);
	assert_non_null(strstr(it->message, "machine.ovmf_code '/nonexistent/OVMF_CODE.fd': No such file"));
	assert_non_null(strstr(it->fix, "apt-get install ovmf, or fix machine.ovmf_code in vms/t.toml:4"));
	assert_non_null(strstr(item(&r, "t", "disks", CHECK_FAIL)->fix, "qemu-img create -f qcow2 /nonexistent/root.qcow2"));
	it = item(&r, "t", "passthrough", CHECK_FAIL);
	assert_string_equal(it->message, "0000:01:00.0: IOMMU group 7 has devices not bound to vfio-pci: "
			    "0000:01:00.1 (snd_hda_intel)");
	assert_non_null(strstr(it->fix, "echo vfio-pci > /sys/bus/pci/devices/0000:01:00.1/driver_override\n"
				"echo 0000:01:00.1 > /sys/bus/pci/devices/0000:01:00.1/driver/unbind"));
	assert_non_null(strstr(item(&r, "t", "passthrough", CHECK_FAIL + 0)->message, "01:00.0"));
	assert_int_equal(check_count(&r, CHECK_FAIL), 6);	/* qemu, ovmf, disks, 2x passthrough, 1G */
	item(&r, "t", "iommu", CHECK_PASS);
	item(&r, "t", "isolcpus", CHECK_PASS);
	assert_string_equal(item(&r, "t", "isolcpus", CHECK_PASS)->message, "covers CPUs 2-3, which the VM owns");
	assert_string_equal(item(&r, "t", "nohz_full", CHECK_WARN)->message,
			    "the VM owns CPUs 2-3; CPU 3 is not in nohz_full= (the kernel still runs the scheduler tick "
			    "there, which interrupts the vCPUs)");
	assert_non_null(strstr(item(&r, "t", "rcu_nocbs", CHECK_WARN)->fix, "add rcu_nocbs=2-3 to GRUB_CMDLINE_LINUX"));
	assert_non_null(strstr(item(&r, "t", "hugepages.1g", CHECK_FAIL)->message, "no pdpe1gb flag"));
	assert_non_null(strstr(item(&r, "t", "hugepages", CHECK_WARN)->fix,
			       "default_hugepagesz=1G hugepagesz=1G hugepages=1 on the kernel command line"));
	item(&r, "t", "pins", CHECK_PASS);
	check_report_release(&r);

	/* bound, with 1G support and free pages; the second device's group bound too */
	link_to("/sys/bus/pci/devices/0000:01:00.1/driver", "../../../bus/pci/drivers/vfio-pci");
	put("/sys/bus/pci/devices/0000:02:00.0/class", "0x010802\n");
	put("/sys/kernel/iommu_groups/9/devices/.keep", "");
	link_to("/sys/bus/pci/devices/0000:02:00.0/iommu_group", "../../../../kernel/iommu_groups/9");
	link_to("/sys/bus/pci/devices/0000:02:00.0/driver", "../../../bus/pci/drivers/vfio-pci");
	link_to("/sys/kernel/iommu_groups/9/devices/0000:02:00.0", "../../../../bus/pci/devices/0000:02:00.0");
	put("/proc/cpuinfo", "flags\t\t: fpu pdpe1gb vme\n");
	put("/sys/devices/system/node/node0/hugepages/hugepages-1048576kB/free_hugepages", "4\n");
	check_report_init(&r);
	check_vm_for_up(&r, &ctx, 0);
	assert_string_equal(item(&r, "t", "passthrough", CHECK_PASS)->message,
			    "0000:01:00.0: IOMMU group 7, all 3 devices bound to vfio-pci");
	item(&r, "t", "hugepages.1g", CHECK_PASS);
	assert_string_equal(item(&r, "t", "hugepages", CHECK_PASS)->message, "node 0: 4 free 1G pages, the VM needs 1");
	assert_int_equal(check_count(&r, CHECK_FAIL), 2);	/* the missing OVMF code and disk remain */
	check_report_release(&r);

	/* the probe's directory goes where TMPDIR says */
	setenv("TMPDIR", "/nonexistent", 1);
	check_report_init(&r);
	check_qemu(&r, &ctx);
	unsetenv("TMPDIR");
	assert_string_equal(item(&r, NULL, "qemu", CHECK_FAIL)->message,
			    "cannot make a directory in /nonexistent: No such file or directory");
	check_report_release(&r);

	/* no IOMMU groups at all */
	remove_tree();
	make_tree();
	check_report_init(&r);
	check_vm(&r, &ctx);
	assert_non_null(strstr(item(&r, "t", "iommu", CHECK_FAIL)->fix, "intel_iommu=on iommu=pt"));
	assert_string_equal(item(&r, "t", "passthrough", CHECK_FAIL)->message, "PCI device 0000:01:00.0 does not exist");
	check_report_release(&r);

	/* a CPU kept for the host is never asked to be isolated, even under a pin */
	put("/proc/cmdline", "ro isolcpus=2\n");
	cpuset_set(&host.reserved, 3);
	check_report_init(&r);
	check_vm(&r, &ctx);
	assert_string_equal(item(&r, "t", "isolcpus", CHECK_PASS)->message, "covers CPU 2, which the VM owns");
	assert_non_null(strstr(item(&r, "t", "nohz_full", CHECK_WARN)->fix, "add nohz_full=2 to"));
	check_report_release(&r);
	pin_plan_release(&plan);
	vm_config_release(&cfg);
	remove_tree();
}

/* The passthrough items at 'level', as "message | fix" lines. */
static char *passthrough_items(const struct check_report *r, int level)
{
	struct strbuf sb = STRBUF_INIT;

	for (size_t i = 0; i < r->nr; i++)
		if (!strcmp(r->items[i].check, "passthrough") && r->items[i].level == level)
			strbuf_addf(&sb, "%s | %s\n", r->items[i].message, r->items[i].fix ? r->items[i].fix : "");
	return strbuf_detach(&sb);
}

/*
 * managed = true: nothing needs to be on vfio-pci yet ('up' binds the
 * group); WARN when the group holds the host's boot VGA or console
 * framebuffer, or a function the host uses and the VM does not name; FAIL
 * with the kernel parameter when the device has no IOMMU group.
 */
static void test_check_vm_managed(void **state)
{
	static const char toml[] =
		"name = \"t\"\n"
		"[[passthrough]]\nhost = \"01:00.0\"\nmultifunction = true\n"
		"[[passthrough]]\nhost = \"01:00.1\"\n"
		"[[passthrough]]\nhost = \"02:00.0\"\n";
	struct check_report r;
	struct vm_config cfg;
	struct pin_plan plan;
	struct plan_host host;
	struct vm_check_ctx ctx = { .cfg = &cfg, .host = &host, .plan = &plan };
	char *text;

	(void)state;
	make_tree();
	memset(&host, 0, sizeof(host));
	vm(&cfg, &plan, toml, "2 3");
	/* group 7: the GPU (amdgpu, boot VGA, fb0 on it), its audio, a USB controller (xhci_hcd), a bridge */
	put("/sys/bus/pci/devices/0000:01:00.0/class", "0x030000\n");
	put("/sys/bus/pci/devices/0000:01:00.0/boot_vga", "1\n");
	put("/sys/bus/pci/devices/0000:01:00.1/class", "0x040300\n");
	put("/sys/bus/pci/devices/0000:01:00.2/class", "0x0c0330\n");
	put("/sys/bus/pci/devices/0000:00:01.0/class", "0x060400\n");
	put("/sys/bus/pci/devices/0000:02:00.0/class", "0x010802\n");
	put("/sys/kernel/iommu_groups/7/devices/.keep", "");
	put("/sys/class/graphics/fb0/.keep", "");
	put("/sys/class/graphics/fbcon/.keep", "");
	for (const char *const *d = (const char *const[]){ "amdgpu", "snd_hda_intel", "xhci_hcd", "pcieport", NULL }; *d; d++) {
		char *p = xstrfmt("/sys/bus/pci/drivers/%s/.keep", *d);

		put(p, "");
		free(p);
	}
	link_to("/sys/class/graphics/fb0/device", "../../../0000:01:00.0");
	link_to("/sys/bus/pci/devices/0000:01:00.0/iommu_group", "../../../../kernel/iommu_groups/7");
	link_to("/sys/bus/pci/devices/0000:01:00.1/iommu_group", "../../../../kernel/iommu_groups/7");
	link_to("/sys/bus/pci/devices/0000:01:00.0/driver", "../../../bus/pci/drivers/amdgpu");
	link_to("/sys/bus/pci/devices/0000:01:00.1/driver", "../../../bus/pci/drivers/snd_hda_intel");
	link_to("/sys/bus/pci/devices/0000:01:00.2/driver", "../../../bus/pci/drivers/xhci_hcd");
	link_to("/sys/bus/pci/devices/0000:00:01.0/driver", "../../../bus/pci/drivers/pcieport");
	for (const char *const *d = (const char *const[]){ "0000:01:00.0", "0000:01:00.1", "0000:01:00.2", "0000:00:01.0",
							      NULL }; *d; d++) {
		char *p = xstrfmt("/sys/kernel/iommu_groups/7/devices/%s", *d), *t = xstrfmt("../../../../bus/pci/devices/%s", *d);

		link_to(p, t);
		free(p);
		free(t);
	}

	check_report_init(&r);
	check_vm_for_up(&r, &ctx, 0);
	text = passthrough_items(&r, CHECK_WARN);
	assert_string_equal(text,
		"0000:01:00.0: 0000:01:00.0 is the host's console framebuffer (fb0): 'up' unbinds it from amdgpu, which "
		"blanks the host's console and desktop | give the host another GPU for its console (firmware setting: "
		"primary display), or bind 0000:01:00.0 yourself and set managed = false in vms/t.toml\n"
		"0000:01:00.0: IOMMU group 7 also holds 0000:01:00.2, in use by the host (xhci_hcd): 'up' takes it from "
		"the host with the group | pass 0000:01:00.2 through too ([[passthrough]] host = \"0000:01:00.2\"), or "
		"move the device to a slot with its own IOMMU group\n");
	free(text);
	text = passthrough_items(&r, CHECK_PASS);
	assert_string_equal(text, "0000:01:00.0: IOMMU group 7, 3 functions (bridges excepted): 'up' binds them to "
			    "vfio-pci, 'down' gives each its driver back (managed) | \n");	/* 01:00.1: the same group, said once */
	free(text);
	text = passthrough_items(&r, CHECK_FAIL);
	assert_string_equal(text, "PCI device 0000:02:00.0 has no IOMMU group (the IOMMU is off) | add intel_iommu=on "
			    "iommu=pt (Intel) or amd_iommu=on (AMD) to GRUB_CMDLINE_LINUX in /etc/default/grub, update-grub, "
			    "turn on VT-d/AMD-Vi in the firmware, reboot\n");
	free(text);
	check_report_release(&r);

	/* without the framebuffer, the boot VGA flag alone says so */
	link_to("/sys/class/graphics/fb0/device", "../../../platform/efi-framebuffer.0");
	check_report_init(&r);
	check_vm_for_up(&r, &ctx, 0);
	text = passthrough_items(&r, CHECK_WARN);
	assert_non_null(strstr(text, "0000:01:00.0: 0000:01:00.0 is the host's boot VGA device: 'up' unbinds it from amdgpu"));
	free(text);
	check_report_release(&r);
	pin_plan_release(&plan);
	vm_config_release(&cfg);
	remove_tree();
}

/* More RAM bound to a node than it has free: a memory warning whose fix is about memory, not pins. */
static void test_check_memory(void **state)
{
	static const char toml[] = "name = \"big\"\n[cpu]\nvcpus = 1\n[memory]\nsize = \"8G\"\n";
	struct host_group node = { .os_index = 0, .mem_free = UINT64_C(6) << 30 };
	struct host_topo topo = { .nodes = &node, .nr_nodes = 1 };
	struct plan_host host = { .topo = &topo };
	struct vm_config cfg;
	struct pin_plan plan;
	struct check_report r;
	struct vm_check_ctx ctx = { .cfg = &cfg, .host = &host, .plan = &plan };
	const struct check_item *it;

	(void)state;
	make_tree();
	vm(&cfg, &plan, toml, "1");
	check_report_init(&r);
	check_vm(&r, &ctx);
	it = item(&r, "big", "memory", CHECK_WARN);
	assert_string_equal(it->message, "VM 'big' binds 8G of RAM to host node 0, which has 6G free now: the kernel will "
			    "take the rest from swap or reclaim, and QEMU may be killed when it runs out");
	assert_string_equal(it->fix, "free memory on host node 0, or give the VM less (memory.size in vms/big.toml:5), or "
			    "bind it to another node (memory.numa_node)");
	check_report_release(&r);
	node.mem_free = UINT64_C(16) << 30;
	check_report_init(&r);
	check_vm(&r, &ctx);
	assert_string_equal(item(&r, "big", "memory", CHECK_PASS)->message,
			    "VM 'big' binds 8G of RAM to host node 0, which has 16G free now");
	check_report_release(&r);
	pin_plan_release(&plan);
	vm_config_release(&cfg);
	remove_tree();
}

/*
 * The Windows 11 parts: Secure Boot under KVM needs KVM's SMM (FAIL without:
 * QEMU refuses smm=on; under TCG it is emulated), a TPM needs swtpm (FAIL
 * with the package that has it when PATH has none).
 */
static void test_check_secure_boot_and_tpm(void **state)
{
	static const char toml[] = "name = \"w\"\n[machine]\nfirmware = \"uefi\"\nsecure_boot = true\n"
				   "[cpu]\nvcpus = 1\n[tpm]\nenable = true\n";
	struct host_group node = { .os_index = 0, .mem_free = UINT64_C(64) << 30 };
	struct host_topo topo = { .nodes = &node, .nr_nodes = 1 };
	struct plan_host host = { .topo = &topo };
	struct kvm_caps kvm = { 1, 0, 1, 0 };
	struct vm_config cfg;
	struct pin_plan plan;
	struct check_report r;
	struct vm_check_ctx ctx = { .cfg = &cfg, .host = &host, .plan = &plan, .kvm = &kvm };
	const struct check_item *it;
	char *path = getenv("PATH") ? xstrdup(getenv("PATH")) : NULL;

	(void)state;
	make_tree();
	vm(&cfg, &plan, toml, "1");
	setenv("PATH", "/nonexistent", 1);
	check_report_init(&r);
	check_vm_for_up(&r, &ctx, 0);
	it = item(&r, "w", "secure-boot", CHECK_FAIL);
	assert_string_equal(it->message, "machine.secure_boot = true needs SMM, which this host's KVM lacks "
			    "(KVM_CAP_X86_SMM): QEMU would refuse smm=on");
	it = item(&r, "w", "tpm", CHECK_FAIL);
	assert_string_equal(it->message, "tpm.enable = true needs swtpm, which is not installed");
	assert_string_equal(it->fix, "apt-get install swtpm (or 'make deps')");
	check_report_release(&r);
	kvm.smm = 1;
	check_report_init(&r);
	check_vm_for_up(&r, &ctx, 0);
	item(&r, "w", "secure-boot", CHECK_PASS);
	check_report_release(&r);
	/* TCG emulates SMM: nothing to ask KVM */
	cfg.accel = ACCEL_TCG;
	kvm.smm = 0;
	check_report_init(&r);
	check_vm_for_up(&r, &ctx, 0);
	for (size_t i = 0; i < r.nr; i++)
		assert_string_not_equal(r.items[i].check, "secure-boot");
	check_report_release(&r);
	if (path)
		setenv("PATH", path, 1);
	free(path);
	pin_plan_release(&plan);
	vm_config_release(&cfg);
	remove_tree();
}

/* A TCP display: its port must be free and its address this host's, or QEMU would exit at start. */
static void test_check_display_port(void **state)
{
	struct host_group node = { .os_index = 0, .mem_free = UINT64_C(64) << 30 };
	struct host_topo topo = { .nodes = &node, .nr_nodes = 1 };
	struct plan_host host = { .topo = &topo };
	struct vm_config cfg;
	struct pin_plan plan;
	struct check_report r;
	struct vm_check_ctx ctx = { .cfg = &cfg, .host = &host, .plan = &plan };
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;
	char toml[256], *want;

	(void)state;
	make_tree();
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 1), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	port = ntohs(sa.sin_port);
	if (port < 5900) {	/* an ephemeral port is above 32768: a VNC port all the same */
		close(fd);
		skip();
	}
	snprintf(toml, sizeof(toml), "name = \"d\"\n[cpu]\nvcpus = 1\n[display]\ntype = \"vnc\"\nlisten = \"127.0.0.1:%d\"\n", port);
	vm(&cfg, &plan, toml, "1");
	check_report_init(&r);
	check_vm_for_up(&r, &ctx, 0);
	want = xstrfmt("display.listen '127.0.0.1:%d': QEMU could not listen there: Address already in use", port);
	assert_string_equal(item(&r, "d", "display", CHECK_FAIL)->message, want);
	assert_string_equal(item(&r, "d", "display", CHECK_FAIL)->fix,
			    "stop what listens there (ss -ltnp), or pick another display.listen in vms/d.toml:6");
	free(want);
	check_report_release(&r);
	close(fd);
	check_report_init(&r);
	check_vm_for_up(&r, &ctx, 0);
	item(&r, "d", "display", CHECK_PASS);
	check_report_release(&r);
	pin_plan_release(&plan);
	vm_config_release(&cfg);
	/* an address that is not this host's */
	vm(&cfg, &plan, "name = \"d\"\n[cpu]\nvcpus = 1\n[display]\ntype = \"spice\"\nlisten = \"192.0.2.1:5930\"\n"
	   "password = \"x\"\n", "1");
	check_report_init(&r);
	check_vm_for_up(&r, &ctx, 0);
	assert_string_equal(item(&r, "d", "display", CHECK_FAIL)->message,
			    "display.listen '192.0.2.1:5930': QEMU could not listen there: Cannot assign requested address");
	check_report_release(&r);
	pin_plan_release(&plan);
	vm_config_release(&cfg);
	remove_tree();
}

/* A floating VM on a dedicated VM's CPU: WARN with the taskset that moves it back to the pool. */
static void test_check_floating(void **state)
{
	struct check_running vms[2] = { { .name = (char *)"f", .pid = 4242 }, { .name = (char *)"d", .pid = 4343 } };
	struct strbuf err = STRBUF_INIT;
	struct check_report r;
	const struct check_item *it;

	(void)state;
	cpuset_parse(&vms[0].floating, "0-3", &err);
	cpuset_parse(&vms[1].owned, "2-3", &err);
	check_report_init(&r);
	check_floating(&r, vms, 2);
	it = item(&r, NULL, "floating", CHECK_WARN);
	assert_string_equal(it->message, "'f' floats over CPUs 0-3, and CPUs 2-3 are owned by the dedicated VM 'd': its "
			    "threads compete with that VM's vCPUs");
	assert_string_equal(it->fix, "taskset -a -p -c 0-1 4242 ('mvlaunch up' and 'down' move floating VMs off "
			    "dedicated CPUs; something else moved this one)");
	check_report_release(&r);
	cpuset_parse(&vms[0].floating, "0-1", &err);
	check_report_init(&r);
	check_floating(&r, vms, 2);
	assert_string_equal(item(&r, NULL, "floating", CHECK_PASS)->message, "1 floating VM, none on a dedicated VM's CPUs");
	check_report_release(&r);
	cpuset_zero(&vms[0].floating);	/* nobody floats: nothing to say */
	check_report_init(&r);
	check_floating(&r, vms, 2);
	assert_int_equal(r.nr, 0);
	check_report_release(&r);
	strbuf_release(&err);
}

static void test_cpu_pm_dedicated(void **state)
{
	static const char toml[] = "name = \"pm\"\n[cpu]\nvcpus = 2\ncpu_pm = true\n";
	struct vm_config cfg;
	struct pin_plan plan;
	struct plan_host host;
	struct strbuf why = STRBUF_INIT, err = STRBUF_INIT;
	struct cpuset other;
	struct check_report r;
	struct kvm_caps kvm = { 1, 0, 1, 1 };
	struct vm_check_ctx ctx = { .cfg = &cfg, .host = &host, .plan = &plan, .kvm = &kvm };

	(void)state;
	memset(&host, 0, sizeof(host));
	cpuset_set(&host.reserved, 0);
	vm(&cfg, &plan, toml, "2 3");
	assert_int_equal(check_vm_cpu_pm_dedicated(&host, &cfg, &plan, &why), 1);
	pin_plan_host_hold(&host, "pm", &plan.vcpu[0], 1);	/* its own CPUs do not count against it */
	assert_int_equal(check_vm_cpu_pm_dedicated(&host, &cfg, &plan, &why), 1);

	cpuset_set(&plan.vcpu[1], 0);
	cpuset_clear(&plan.vcpu[1], 3);
	assert_int_equal(check_vm_cpu_pm_dedicated(&host, &cfg, &plan, &why), 0);
	assert_string_equal(why.buf, "vCPU 1 shares CPU 0 with the host (reserved_cpus)");
	strbuf_reset(&why);
	plan.vcpu[1] = plan.vcpu[0];
	assert_int_equal(check_vm_cpu_pm_dedicated(&host, &cfg, &plan, &why), 0);
	assert_string_equal(why.buf, "vCPU 1 shares CPU 2 with another vCPU of this VM");
	strbuf_reset(&why);
	assert_int_equal(cpuset_parse(&other, "3", &err), 0);
	pin_plan_host_hold(&host, "other", &other, 1);
	assert_int_equal(cpuset_parse(&plan.vcpu[1], "3", &err), 0);
	assert_int_equal(check_vm_cpu_pm_dedicated(&host, &cfg, &plan, &why), 0);
	assert_string_equal(why.buf, "vCPU 1 shares CPU 3 with another VM");
	strbuf_reset(&why);
	assert_int_equal(cpuset_parse(&plan.vcpu[1], "4-5", &err), 0);
	assert_int_equal(check_vm_cpu_pm_dedicated(&host, &cfg, &plan, &why), 0);
	assert_string_equal(why.buf, "vCPU 1 floats over CPUs 4-5 instead of one of its own");
	strbuf_reset(&why);
	assert_int_equal(cpuset_parse(&plan.vcpu[1], "0", &err), 0);
	plan.iothread = plan.vcpu[0];
	assert_int_equal(check_vm_cpu_pm_dedicated(&host, &cfg, &plan, &why), 0);
	assert_string_equal(why.buf, "vCPU 0 shares CPU 2 with the I/O threads");
	strbuf_reset(&why);
	plan.dedicated = 0;
	assert_int_equal(check_vm_cpu_pm_dedicated(&host, &cfg, &plan, &why), 0);
	assert_string_equal(why.buf, "its vCPUs are not pinned: they float over the shared pool");
	strbuf_reset(&why);
	cfg.pin_auto = 1;	/* pinning.vcpus = "auto", policy = "shared" */
	assert_int_equal(check_vm_cpu_pm_dedicated(&host, &cfg, &plan, &why), 0);
	assert_string_equal(why.buf, "its vCPUs are not dedicated (pinning.policy = \"shared\")");
	cfg.pin_auto = 0;

	/* up: refused, or a warning with --force; and KVM without the capability fails either way */
	check_report_init(&r);
	check_vm_for_up(&r, &ctx, 0);
	assert_non_null(strstr(item(&r, "pm", "cpu-pm", CHECK_FAIL)->fix, "'up --force' starts it anyway"));
	assert_non_null(strstr(r.items[1].message, "KVM_CAP_X86_DISABLE_EXITS is missing"));
	check_report_release(&r);
	kvm.disable_exits = 14;
	check_vm_for_up(&r, &ctx, 1);
	item(&r, "pm", "cpu-pm", CHECK_WARN);
	assert_int_equal(check_count(&r, CHECK_FAIL), 0);
	check_report_release(&r);
	/* a KVM VM on a host without usable KVM */
	kvm.usable = 0;
	check_vm_for_up(&r, &ctx, 1);
	assert_non_null(strstr(item(&r, "pm", "accel", CHECK_FAIL)->fix, "or accel = \"tcg\" in vms/pm.toml"));
	check_report_release(&r);

	/* the JSON report */
	check_add(&r, "x", CHECK_FAIL, "do y", "broken");
	check_add(&r, "z", CHECK_PASS, "ignored", "fine");
	{
		json_t *o = check_report_json(&r);
		char *text = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);

		assert_string_equal(text, "{\"checks\":[{\"check\":\"x\",\"fix\":\"do y\",\"message\":\"broken\",\"status\":"
				    "\"FAIL\",\"vm\":null},{\"check\":\"z\",\"fix\":null,\"message\":\"fine\",\"status\":\"PASS\","
				    "\"vm\":null}],\"fail\":1,\"pass\":1,\"warn\":0}");
		free(text);
		json_decref(o);
	}
	check_report_release(&r);
	pin_plan_host_release(&host);
	pin_plan_release(&plan);
	vm_config_release(&cfg);
	strbuf_release(&why);
	strbuf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cmdline_cpus),
		cmocka_unit_test(test_check_kvm_and_knobs),
		cmocka_unit_test(test_check_vm),
		cmocka_unit_test(test_check_vm_managed),
		cmocka_unit_test(test_check_memory),
		cmocka_unit_test(test_check_secure_boot_and_tpm),
		cmocka_unit_test(test_check_display_port),
		cmocka_unit_test(test_check_floating),
		cmocka_unit_test(test_cpu_pm_dedicated),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
