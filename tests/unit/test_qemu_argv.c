/*
 * test_qemu_argv.c - unit tests for launcher/qemu/qemu_argv.c: whole-argv
 * comparisons (check_argv) and the escaping that keeps config values from
 * injecting QEMU options.
 */
#include "tests/unit/unit.h"
#include "util/wrapper.h"
#include "config/vm_config.h"
#include "launcher/qemu/qemu_argv.h"

static void build(const char *text, const struct qemu_runtime *rt, struct strvec *argv)
{
	char file[128];
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;

	vm_config_init(&cfg);
	if (vm_config_parse(unit_config_file("/etc/mvlaunch/vms/", "t", text, file), text, strlen(text), &cfg, &err) < 0 ||
	    qemu_argv_build(&cfg, NULL, rt, argv, NULL, &err) < 0) {
		print_error("%s\n", err.buf);
		fail();
	}
	strbuf_release(&err);
	vm_config_release(&cfg);
}

static const char *find_after(const struct strvec *sv, const char *opt, int nth)
{
	for (size_t i = 0; i + 1 < sv->nr; i++)
		if (!strcmp(sv->v[i], opt) && nth-- == 0)
			return sv->v[i + 1];
	return NULL;
}

static void test_qemu_argv_minimal(void **state)
{
	struct strvec argv = STRVEC_INIT;

	(void)state;
	build("[machine]\naccel = \"tcg\"\n[cpu]\nmodel = \"max\"\n", NULL, &argv);
	check_argv(&argv, "qemu-system-x86_64",
		   "-name", "guest=t,debug-threads=on",
		   "-no-user-config", "-nodefaults", "-display", "none", "-msg", "timestamp=on",
		   "-machine", "q35,memory-backend=pc.ram",
		   "-accel", "tcg,thread=multi",
		   "-cpu", "max,l3-cache=on",
		   "-m", "1024",
		   "-object", "{\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\",\"size\":1073741824,\"share\":false}",
		   "-smp", "1,sockets=1,dies=1,cores=1,threads=1",
		   "-rtc", "base=utc",
		   "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	strvec_clear(&argv);
}

/* libvirt's <vmport state='off'/> and <pm>: -machine vmport= and the ICH9 sleep states, only when set */
static void test_qemu_argv_vmport_sleep(void **state)
{
	struct strvec argv = STRVEC_INIT;

	(void)state;
	build("[machine]\naccel = \"tcg\"\nvmport = false\ns3 = false\ns4 = true\n[cpu]\nmodel = \"max\"\n", NULL, &argv);
	check_argv(&argv, "qemu-system-x86_64",
		   "-name", "guest=t,debug-threads=on",
		   "-no-user-config", "-nodefaults", "-display", "none", "-msg", "timestamp=on",
		   "-machine", "q35,vmport=off,memory-backend=pc.ram",
		   "-global", "ICH9-LPC.disable_s3=1",
		   "-global", "ICH9-LPC.disable_s4=0",
		   "-accel", "tcg,thread=multi",
		   "-cpu", "max,l3-cache=on",
		   "-m", "1024",
		   "-object", "{\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\",\"size\":1073741824,\"share\":false}",
		   "-smp", "1,sockets=1,dies=1,cores=1,threads=1",
		   "-rtc", "base=utc",
		   "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	strvec_clear(&argv);
	build("[machine]\naccel = \"tcg\"\nvmport = true\n[cpu]\nmodel = \"max\"\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-machine", 0), "q35,vmport=on,memory-backend=pc.ram");
	assert_null(find_after(&argv, "-global", 0));
	strvec_clear(&argv);
}

static void test_qemu_argv_runtime(void **state)
{
	struct strvec argv = STRVEC_INIT;
	struct qemu_runtime rt = { .run_dir = "/run/m,x/t", .state_dir = "/var/lib/mvlaunch", .log_dir = "/var/log/m,y/t" };

	(void)state;
	build("[cpu]\nmodel = \"host\"\nvcpus = 2\n[memory]\nsize = \"256M\"\n[qemu]\nsandbox = false\n", &rt, &argv);
	check_argv(&argv, "qemu-system-x86_64",
		   "-name", "guest=t,debug-threads=on", "-S",
		   "-no-user-config", "-nodefaults", "-display", "none", "-msg", "timestamp=on",
		   "-chardev", "socket,id=qmp,path=/run/m,,x/t/qmp.sock,server=on,wait=off",
		   "-mon", "chardev=qmp,mode=control",
		   "-pidfile", "/run/m,x/t/qemu.pid",
		   "-chardev", "socket,id=serial0,path=/run/m,,x/t/serial.sock,server=on,wait=off,logfile=/var/log/m,,y/t/serial.log",
		   "-serial", "chardev:serial0",
		   "-chardev", "pipe,id=events,path=/run/m,,x/t/events",
		   "-mon", "chardev=events,mode=control",
		   "-machine", "q35,memory-backend=pc.ram",
		   "-accel", "kvm",
		   "-cpu", "host,l3-cache=on",
		   "-m", "256",
		   "-object", "{\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\",\"size\":268435456,\"share\":false}",
		   "-smp", "2,sockets=1,dies=1,cores=2,threads=1",
		   "-rtc", "base=utc");
	strvec_clear(&argv);
}

static void test_qemu_argv_gaming(void **state)
{
	struct strvec argv = STRVEC_INIT;
	struct qemu_runtime rt = { .state_dir = "/var/lib/mvlaunch" };

	(void)state;
	build("name = \"g\"\n"
	      "[machine]\nfirmware = \"uefi\"\nhidden = true\niommu = \"intel\"\n"
	      "[cpu]\nvcpus = 8\ntopology = { sockets = 1, cores = 4, threads = 2 }\n"
	      "require = [\"avx2\"]\ndisable = [\"lahf_lm\", \"arch-capabilities\"]\npmu = false\n"
	      "hyperv = { relaxed = true, vapic = true, spinlocks = 8191, vendor_id = \"whatever\", time = true }\n"
	      "[memory]\nsize = \"16G\"\nhugepages = \"2M\"\nlocked = true\nmerge = false\nprealloc = true\n"
	      "[clock]\nbase = \"localtime\"\nrtc = \"catchup\"\ntrack = \"guest\"\npit = \"discard\"\nhpet = false\n"
	      "[[disk]]\npath = \"/var/lib/g.qcow2\"\nformat = \"qcow2\"\niothread = true\n"
	      "[[net]]\ntype = \"tap\"\nifname = \"tap0\"\nvhost = true\nmac = \"52:54:00:12:34:56\"\n"
	      "[[passthrough]]\nhost = \"0000:01:00.0\"\nmultifunction = true\nvga = true\n"
	      "[[passthrough]]\nhost = \"0000:01:00.1\"\n"
	      "[[passthrough]]\nhost = \"0000:02:00.0\"\n", &rt, &argv);
	check_argv(&argv, "qemu-system-x86_64",
		   "-name", "guest=g,debug-threads=on",
		   "-no-user-config", "-nodefaults", "-display", "none", "-msg", "timestamp=on",
		   "-blockdev", "{\"driver\":\"file\",\"filename\":\"/usr/share/OVMF/OVMF_CODE_4M.fd\",\"node-name\":\"fw-code-file\",\"read-only\":true}",
		   "-blockdev", "{\"driver\":\"raw\",\"file\":\"fw-code-file\",\"node-name\":\"fw-code\",\"read-only\":true}",
		   "-blockdev", "{\"driver\":\"file\",\"filename\":\"/var/lib/mvlaunch/g/OVMF_VARS.fd\",\"node-name\":\"fw-vars-file\"}",
		   "-blockdev", "{\"driver\":\"raw\",\"file\":\"fw-vars-file\",\"node-name\":\"fw-vars\"}",
		   "-machine", "q35,kernel-irqchip=split,hpet=off,mem-merge=off,memory-backend=pc.ram,pflash0=fw-code,pflash1=fw-vars",
		   "-accel", "kvm",
		   "-cpu", "host,kvm=off,avx2=on,lahf_lm=off,arch-capabilities=off,pmu=off,l3-cache=on,"
			   "hv-relaxed=on,hv-vapic=on,hv-spinlocks=0x1fff,hv-vendor-id=whatever,hv-time=on",
		   "-m", "16384",
		   "-object", "{\"qom-type\":\"memory-backend-memfd\",\"id\":\"pc.ram\",\"size\":17179869184,\"hugetlb\":true,"
			      "\"hugetlbsize\":2097152,\"share\":true,\"merge\":false,\"prealloc\":true}",
		   "-overcommit", "mem-lock=on",
		   "-smp", "8,sockets=1,dies=1,cores=4,threads=2",
		   "-rtc", "base=localtime,clock=vm,driftfix=slew",
		   "-global", "kvm-pit.lost_tick_policy=discard",
		   "-device", "{\"driver\":\"intel-iommu\",\"id\":\"iommu0\",\"intremap\":\"on\",\"caching-mode\":true,\"device-iotlb\":true}",
		   "-object", "{\"qom-type\":\"iothread\",\"id\":\"io0\"}",
		   "-blockdev", "{\"driver\":\"file\",\"filename\":\"/var/lib/g.qcow2\",\"node-name\":\"disk0-file\",\"aio\":\"native\","
				"\"cache\":{\"direct\":true,\"no-flush\":false}}",
		   "-blockdev", "{\"driver\":\"qcow2\",\"file\":\"disk0-file\",\"node-name\":\"disk0\",\"cache\":{\"direct\":true,\"no-flush\":false}}",
		   "-device", "{\"driver\":\"virtio-blk-pci\",\"iothread\":\"io0\",\"drive\":\"disk0\",\"id\":\"disk0-dev\",\"write-cache\":\"on\",\"bootindex\":1}",
		   "-netdev", "{\"type\":\"tap\",\"id\":\"net0\",\"fd\":\"3\",\"vhost\":true,\"vhostfd\":\"4\"}",
		   "-device", "{\"driver\":\"virtio-net-pci\",\"netdev\":\"net0\",\"id\":\"net0\",\"mac\":\"52:54:00:12:34:56\"}",
		   "-device", "{\"driver\":\"pcie-root-port\",\"id\":\"rp0\",\"bus\":\"pcie.0\",\"chassis\":1,\"port\":16}",
		   "-device", "{\"driver\":\"vfio-pci\",\"host\":\"0000:01:00.0\",\"id\":\"hostdev0\",\"bus\":\"rp0\",\"addr\":\"0x0\",\"multifunction\":true,\"x-vga\":true}",
		   "-device", "{\"driver\":\"vfio-pci\",\"host\":\"0000:01:00.1\",\"id\":\"hostdev1\",\"bus\":\"rp0\",\"addr\":\"0x0.0x1\"}",
		   "-device", "{\"driver\":\"pcie-root-port\",\"id\":\"rp1\",\"bus\":\"pcie.0\",\"chassis\":2,\"port\":17}",
		   "-device", "{\"driver\":\"vfio-pci\",\"host\":\"0000:02:00.0\",\"id\":\"hostdev2\",\"bus\":\"rp1\",\"addr\":\"0x0\"}",
		   "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	strvec_clear(&argv);
}

/* The -device arguments that mention 'what', in order. */
static void devices_with(const struct strvec *argv, const char *what, struct strvec *out)
{
	for (size_t i = 0; i + 1 < argv->nr; i++)
		if (!strcmp(argv->v[i], "-device") && strstr(argv->v[i + 1], what))
			strvec_push(out, argv->v[i + 1]);
}

/* Functions of one host slot share a guest slot, function 0 first, wherever they are listed. */
static void test_qemu_argv_multifunction(void **state)
{
	struct strvec argv = STRVEC_INIT, dev = STRVEC_INIT;

	(void)state;
	/* the audio function listed first, the GPU not adjacent to it */
	build("[[passthrough]]\nhost = \"0000:01:00.1\"\nmultifunction = true\n"
	      "[[passthrough]]\nhost = \"0000:02:00.0\"\n"
	      "[[passthrough]]\nhost = \"0000:01:00.0\"\nvga = true\n", NULL, &argv);
	devices_with(&argv, "\"bus\":\"", &dev);
	check_argv(&dev,
		   "{\"driver\":\"pcie-root-port\",\"id\":\"rp0\",\"bus\":\"pcie.0\",\"chassis\":1,\"port\":16}",
		   "{\"driver\":\"vfio-pci\",\"host\":\"0000:01:00.0\",\"id\":\"hostdev2\",\"bus\":\"rp0\",\"addr\":\"0x0\",\"multifunction\":true,\"x-vga\":true}",
		   "{\"driver\":\"vfio-pci\",\"host\":\"0000:01:00.1\",\"id\":\"hostdev0\",\"bus\":\"rp0\",\"addr\":\"0x0.0x1\"}",
		   "{\"driver\":\"pcie-root-port\",\"id\":\"rp1\",\"bus\":\"pcie.0\",\"chassis\":2,\"port\":17}",
		   "{\"driver\":\"vfio-pci\",\"host\":\"0000:02:00.0\",\"id\":\"hostdev1\",\"bus\":\"rp1\",\"addr\":\"0x0\"}");
	strvec_clear(&dev);
	strvec_clear(&argv);

	/* without multifunction each function keeps a slot of its own */
	build("[[passthrough]]\nhost = \"0000:01:00.1\"\n[[passthrough]]\nhost = \"0000:01:00.0\"\n", NULL, &argv);
	devices_with(&argv, "vfio-pci", &dev);
	check_argv(&dev,
		   "{\"driver\":\"vfio-pci\",\"host\":\"0000:01:00.1\",\"id\":\"hostdev0\",\"bus\":\"rp0\",\"addr\":\"0x0\"}",
		   "{\"driver\":\"vfio-pci\",\"host\":\"0000:01:00.0\",\"id\":\"hostdev1\",\"bus\":\"rp1\",\"addr\":\"0x0\"}");
	strvec_clear(&dev);
	strvec_clear(&argv);
}

/* A block device gets host_device, an optical drive host_cdrom ("file" refuses both). */
static void test_qemu_argv_block_device(void **state)
{
	struct vm_config cfg;
	struct strvec argv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	const char *text = "[[disk]]\npath = \"/dev/disk/by-id/ata-SSD\"\n[[disk]]\npath = \"/dev/sr0\"\nreadonly = true\n";

	(void)state;
	vm_config_init(&cfg);
	assert_int_equal(vm_config_parse("t.toml", text, strlen(text), &cfg, &err), 0);
	cfg.disks[0].node = DISK_NODE_HOST_DEVICE;
	cfg.disks[1].node = DISK_NODE_HOST_CDROM;
	assert_int_equal(qemu_argv_build(&cfg, NULL, NULL, &argv, NULL, &err), 0);
	assert_string_equal(find_after(&argv, "-blockdev", 0),
			    "{\"driver\":\"host_device\",\"filename\":\"/dev/disk/by-id/ata-SSD\",\"node-name\":\"disk0-file\","
			    "\"aio\":\"native\",\"cache\":{\"direct\":true,\"no-flush\":false}}");
	assert_string_equal(find_after(&argv, "-blockdev", 2),
			    "{\"driver\":\"host_cdrom\",\"filename\":\"/dev/sr0\",\"node-name\":\"disk1-file\",\"aio\":\"native\","
			    "\"cache\":{\"direct\":true,\"no-flush\":false},\"read-only\":true}");
	strvec_clear(&argv);
	strbuf_release(&err);
	vm_config_release(&cfg);
}

/* per-disk I/O limits: a throttle group, a throttle node over the format node, the device reads through it */
static void test_qemu_argv_disk_limits(void **state)
{
	struct strvec argv = STRVEC_INIT;

	(void)state;
	build("[[disk]]\npath = \"/a.img\"\niops_rd = 100\niops_wr = 200\nbps_rd = \"1M\"\nbps_wr = \"2M\"\n"
	      "[[disk]]\npath = \"/b.img\"\niops_total = 50\nbps_total = \"10M\"\n[[disk]]\npath = \"/c.img\"\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-object", 1),
			    "{\"qom-type\":\"throttle-group\",\"id\":\"tg-disk0\",\"limits\":{\"iops-read\":100,"
			    "\"iops-write\":200,\"bps-read\":1048576,\"bps-write\":2097152}}");
	assert_string_equal(find_after(&argv, "-blockdev", 2),
			    "{\"driver\":\"throttle\",\"throttle-group\":\"tg-disk0\",\"file\":\"disk0\",\"node-name\":\"disk0-throttle\"}");
	assert_string_equal(find_after(&argv, "-device", 0),
			    "{\"driver\":\"virtio-blk-pci\",\"drive\":\"disk0-throttle\",\"id\":\"disk0-dev\",\"write-cache\":\"on\",\"bootindex\":1}");
	assert_string_equal(find_after(&argv, "-object", 2),
			    "{\"qom-type\":\"throttle-group\",\"id\":\"tg-disk1\",\"limits\":{\"iops-total\":50,\"bps-total\":10485760}}");
	strvec_clear(&argv);
	/* the device reads through the throttle node: read-only and discards as below it */
	build("[[disk]]\npath = \"/a.img\"\nreadonly = true\ndiscard = true\niops_rd = 1\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-blockdev", 2),
			    "{\"driver\":\"throttle\",\"throttle-group\":\"tg-disk0\",\"file\":\"disk0\",\"node-name\":\"disk0-throttle\","
			    "\"read-only\":true,\"discard\":\"unmap\"}");
	strvec_clear(&argv);
	build("[[disk]]\npath = \"/a.img\"\niops_rd = 100\niops_wr = 200\nbps_rd = \"1M\"\nbps_wr = \"2M\"\n"
	      "[[disk]]\npath = \"/b.img\"\niops_total = 50\nbps_total = \"10M\"\n[[disk]]\npath = \"/c.img\"\n", NULL, &argv);
	/* no limits, no throttle node */
	assert_string_equal(find_after(&argv, "-device", 2),
			    "{\"driver\":\"virtio-blk-pci\",\"drive\":\"disk2\",\"id\":\"disk2-dev\",\"write-cache\":\"on\",\"bootindex\":3}");
	assert_null(find_after(&argv, "-object", 3));
	strvec_clear(&argv);
}

/* [[iothread]]: objects first, with poll-max-ns; disks name theirs, share it, or have their own "ioN" */
static void test_qemu_argv_iothreads(void **state)
{
	struct strvec argv = STRVEC_INIT;

	(void)state;
	build("[[iothread]]\nid = \"db\"\ncpus = \"1\"\npoll_max_ns = 0\n[[iothread]]\nid = \"logs\"\n"
	      "[[disk]]\npath = \"/a.img\"\niothread = \"db\"\n[[disk]]\npath = \"/b.img\"\niothread = \"db\"\nbus = \"scsi\"\n"
	      "[[disk]]\npath = \"/c.img\"\niothread = true\n[[disk]]\npath = \"/d.img\"\niothread = \"logs\"\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-object", 1), "{\"qom-type\":\"iothread\",\"id\":\"db\",\"poll-max-ns\":0}");
	assert_string_equal(find_after(&argv, "-object", 2), "{\"qom-type\":\"iothread\",\"id\":\"logs\"}");
	assert_string_equal(find_after(&argv, "-object", 3), "{\"qom-type\":\"iothread\",\"id\":\"io2\"}");
	assert_null(find_after(&argv, "-object", 4));
	assert_string_equal(find_after(&argv, "-device", 0),
			    "{\"driver\":\"virtio-blk-pci\",\"iothread\":\"db\",\"drive\":\"disk0\",\"id\":\"disk0-dev\","
			    "\"write-cache\":\"on\",\"bootindex\":1}");
	assert_string_equal(find_after(&argv, "-device", 1),
			    "{\"driver\":\"virtio-scsi-pci\",\"id\":\"scsi1\",\"iothread\":\"db\"}");
	assert_string_equal(find_after(&argv, "-device", 3),
			    "{\"driver\":\"virtio-blk-pci\",\"iothread\":\"io2\",\"drive\":\"disk2\",\"id\":\"disk2-dev\","
			    "\"write-cache\":\"on\",\"bootindex\":3}");
	strvec_clear(&argv);
}

static void test_qemu_argv_injection(void **state)
{
	struct strvec argv = STRVEC_INIT;

	(void)state;
	build("[cpu]\nhyperv = { vendor_id = \"KVM=Kvm Kvm\" }\n"
	      "[memory]\nsource = \"file\"\nhugepages = \"2M\"\naccess = \"private\"\npath = \"/x,share=on\"\n"
	      "[[disk]]\npath = \"/srv/a,readonly=off.img\"\n"
	      "[[net]]\ntype = \"user\"\nhostfwd = [\"tcp::2222-:22,restrict=off\"]\n", NULL, &argv);
	/* -cpu cannot escape commas (vm_config.c refuses them); '=' and ' ' are harmless */
	assert_string_equal(find_after(&argv, "-cpu", 0), "host,l3-cache=on,hv-vendor-id=KVM=Kvm Kvm");
	/* JSON options: values stay whole strings */
	assert_string_equal(find_after(&argv, "-object", 0),
			    "{\"qom-type\":\"memory-backend-file\",\"id\":\"pc.ram\",\"size\":1073741824,"
			    "\"mem-path\":\"/x,share=on\",\"share\":false}");	/* private hugetlb: allowed */
	assert_string_equal(find_after(&argv, "-blockdev", 0),
			    "{\"driver\":\"file\",\"filename\":\"/srv/a,readonly=off.img\",\"node-name\":\"disk0-file\","
			    "\"aio\":\"native\",\"cache\":{\"direct\":true,\"no-flush\":false}}");
	assert_string_equal(find_after(&argv, "-netdev", 0),
			    "{\"type\":\"user\",\"id\":\"net0\",\"hostfwd\":[{\"str\":\"tcp::2222-:22,restrict=off\"}]}");
	strvec_clear(&argv);
}

static void test_qemu_argv_memory_variants(void **state)
{
	struct strvec argv = STRVEC_INIT;

	(void)state;
	build("[memory]\nsize = \"2G\"\nhugepages = \"1G\"\nprealloc = true\nprealloc_threads = 4\nnuma_node = 1\n"
	      "numa_policy = \"preferred\"\naccess = \"shared\"\ndump_core = false\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-machine", 0), "q35,dump-guest-core=off,memory-backend=pc.ram");
	assert_string_equal(find_after(&argv, "-object", 0), "{\"qom-type\":\"thread-context\",\"id\":\"tc-pc.ram\",\"node-affinity\":[1]}");
	assert_string_equal(find_after(&argv, "-object", 1),
			    "{\"qom-type\":\"memory-backend-memfd\",\"id\":\"pc.ram\",\"size\":2147483648,\"hugetlb\":true,"
			    "\"hugetlbsize\":1073741824,\"share\":true,\"dump\":false,\"prealloc\":true,\"prealloc-threads\":4,"
			    "\"prealloc-context\":\"tc-pc.ram\",\"host-nodes\":[1],\"policy\":\"preferred\"}");
	strvec_clear(&argv);
	build("[memory]\nsize = \"64M\"\nhugepages = \"2M\"\nsource = \"file\"\ndiscard = true\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-object", 0),
			    "{\"qom-type\":\"memory-backend-file\",\"id\":\"pc.ram\",\"size\":67108864,"
			    "\"mem-path\":\"/dev/hugepages\",\"share\":true,\"discard-data\":true}");
	strvec_clear(&argv);
	build("[memory]\nsource = \"anonymous\"\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-object", 0),
			    "{\"qom-type\":\"memory-backend-ram\",\"id\":\"pc.ram\",\"size\":1073741824,\"share\":false}");
	strvec_clear(&argv);
	/* a memfd or a shm file is mapped shared: a private mapping of it would hold each page twice */
	build("[memory]\nsource = \"memfd\"\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-object", 0),
			    "{\"qom-type\":\"memory-backend-memfd\",\"id\":\"pc.ram\",\"size\":1073741824,\"share\":true}");
	strvec_clear(&argv);
	build("[memory]\nsource = \"file\"\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-object", 0),
			    "{\"qom-type\":\"memory-backend-file\",\"id\":\"pc.ram\",\"size\":1073741824,"
			    "\"mem-path\":\"/dev/shm\",\"share\":true}");
	strvec_clear(&argv);
	/* shared access without a source: a memfd */
	build("[memory]\naccess = \"shared\"\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-object", 0),
			    "{\"qom-type\":\"memory-backend-memfd\",\"id\":\"pc.ram\",\"size\":1073741824,\"share\":true}");
	strvec_clear(&argv);
}

static void test_qemu_argv_devices(void **state)
{
	struct strvec argv = STRVEC_INIT;

	(void)state;
	build("[[disk]]\npath = \"/a\"\nbus = \"scsi\"\niothread = true\ncache = \"directsync\"\nserial = \"S1\"\nreadonly = true\n"
	      "[[disk]]\npath = \"/b\"\nbus = \"sata\"\ncache = \"unsafe\"\naio = \"threads\"\n"
	      "[[net]]\ntype = \"tap\"\nqueues = 2\n"
	      "[[net]]\ntype = \"bridge\"\nbridge = \"br0\"\nmodel = \"e1000e\"\n"
	      "[boot]\nkernel = \"vmlinuz\"\nappend = \"console=ttyS0 a,b\"\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-device", 0), "{\"driver\":\"virtio-scsi-pci\",\"id\":\"scsi0\",\"iothread\":\"io0\"}");
	assert_string_equal(find_after(&argv, "-device", 1),
			    "{\"driver\":\"scsi-hd\",\"bus\":\"scsi0.0\",\"drive\":\"disk0\",\"id\":\"disk0-dev\",\"write-cache\":\"off\",\"serial\":\"S1\"}");
	assert_string_equal(find_after(&argv, "-blockdev", 2),
			    "{\"driver\":\"file\",\"filename\":\"/b\",\"node-name\":\"disk1-file\",\"aio\":\"threads\","
			    "\"cache\":{\"direct\":false,\"no-flush\":true}}");
	assert_string_equal(find_after(&argv, "-device", 2),
			    "{\"driver\":\"ide-hd\",\"bus\":\"ide.0\",\"drive\":\"disk1\",\"id\":\"disk1-dev\",\"write-cache\":\"on\"}");
	assert_string_equal(find_after(&argv, "-netdev", 0),
			    "{\"type\":\"tap\",\"id\":\"net0\",\"fds\":\"3:4\"}");
	assert_non_null(strstr(find_after(&argv, "-device", 3), "\"mq\":true,\"vectors\":6"));
	assert_string_equal(find_after(&argv, "-netdev", 1), "{\"type\":\"tap\",\"id\":\"net1\",\"fd\":\"5\"}");
	assert_non_null(strstr(find_after(&argv, "-device", 4), "\"driver\":\"e1000e\""));
	/* relative kernel path taken from the config's directory; -append is one raw argument */
	assert_string_equal(find_after(&argv, "-kernel", 0), "/etc/mvlaunch/vms/vmlinuz");
	assert_string_equal(find_after(&argv, "-append", 0), "console=ttyS0 a,b");
	/* a bridge NIC's tap is opened by 'up': nothing for QEMU to spawn */
	assert_string_equal(find_after(&argv, "-sandbox", 0), "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	strvec_clear(&argv);
}

static void test_qemu_argv_cdrom_and_boot_order(void **state)
{
	struct strvec argv = STRVEC_INIT;

	(void)state;
	build("[[disk]]\npath = \"/d.img\"\nboot_index = 2\n"
	      "[[disk]]\nmedia = \"cdrom\"\npath = \"/w,x.iso\"\nboot_index = 1\naio = \"threads\"\ncache = \"writeback\"\n"
	      "[[disk]]\nmedia = \"cdrom\"\npath = \"\"\nbus = \"scsi\"\n"
	      "[[net]]\nboot_index = 3\n[boot]\nmenu = true\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-boot", 0), "menu=on,strict=on");
	assert_string_equal(find_after(&argv, "-device", 0),
			    "{\"driver\":\"virtio-blk-pci\",\"drive\":\"disk0\",\"id\":\"disk0-dev\",\"write-cache\":\"on\",\"bootindex\":2}");
	assert_string_equal(find_after(&argv, "-blockdev", 2),
			    "{\"driver\":\"file\",\"filename\":\"/w,x.iso\",\"node-name\":\"disk1-file\",\"aio\":\"threads\","
			    "\"cache\":{\"direct\":false,\"no-flush\":false},\"read-only\":true}");
	assert_string_equal(find_after(&argv, "-device", 1),
			    "{\"driver\":\"ide-cd\",\"bus\":\"ide.0\",\"drive\":\"disk1\",\"id\":\"disk1-dev\",\"bootindex\":1}");
	/* the empty scsi drive: no -blockdev, no drive, no bootindex (others have one) */
	assert_null(find_after(&argv, "-blockdev", 4));
	assert_string_equal(find_after(&argv, "-device", 2), "{\"driver\":\"virtio-scsi-pci\",\"id\":\"scsi2\"}");
	assert_string_equal(find_after(&argv, "-device", 3), "{\"driver\":\"scsi-cd\",\"bus\":\"scsi2.0\",\"id\":\"disk2-dev\"}");
	assert_non_null(strstr(find_after(&argv, "-device", 4), "\"bootindex\":3"));
	strvec_clear(&argv);

	/* no boot_index anywhere: the disks in the order listed, no strict, no -boot */
	build("[[disk]]\nmedia = \"cdrom\"\npath = \"/w.iso\"\n[[disk]]\npath = \"/d.img\"\n", NULL, &argv);
	assert_null(find_after(&argv, "-boot", 0));
	assert_non_null(strstr(find_after(&argv, "-device", 0), "\"driver\":\"ide-cd\""));
	assert_non_null(strstr(find_after(&argv, "-device", 0), "\"bootindex\":1"));
	assert_non_null(strstr(find_after(&argv, "-device", 1), "\"bootindex\":2"));
	strvec_clear(&argv);
}

static void test_qemu_argv_display(void **state)
{
	struct strvec argv = STRVEC_INIT;
	struct qemu_runtime rt = { .run_dir = "/run/m,x/w", .state_dir = "/var/lib/mvlaunch", .log_dir = "/var/log/w" };

	(void)state;
	/* VNC on the runtime dir's socket (comma doubled), the std card, a USB tablet */
	build("[display]\ntype = \"vnc\"\n", &rt, &argv);
	assert_string_equal(find_after(&argv, "-vnc", 0), "unix:/run/m,,x/w/vnc.sock");
	assert_string_equal(find_after(&argv, "-device", 0), "{\"driver\":\"VGA\",\"id\":\"video0\"}");
	assert_string_equal(find_after(&argv, "-device", 1), "{\"driver\":\"qemu-xhci\",\"id\":\"xhci\"}");
	assert_string_equal(find_after(&argv, "-device", 2), "{\"driver\":\"usb-tablet\",\"id\":\"tablet0\",\"bus\":\"xhci.0\"}");
	strvec_clear(&argv);
	/* TCP: the display number, a password only as password=on (the password itself goes over QMP) */
	build("[display]\ntype = \"vnc\"\nlisten = \"127.0.0.1:5901\"\npassword = \"s3cret,x\"\ngpu = \"virtio\"\n", &rt, &argv);
	assert_string_equal(find_after(&argv, "-vnc", 0), "127.0.0.1:1,password=on");
	assert_string_equal(find_after(&argv, "-device", 0), "{\"driver\":\"virtio-vga\",\"id\":\"video0\"}");
	for (size_t i = 0; i < argv.nr; i++)
		assert_null(strstr(argv.v[i], "s3cret"));
	strvec_clear(&argv);
	build("[display]\ntype = \"vnc\"\nlisten = \"[::1]:5999\"\n", &rt, &argv);
	assert_string_equal(find_after(&argv, "-vnc", 0), "[::1]:99");
	strvec_clear(&argv);
	/* SPICE: unix without ticketing; TCP with a password keeps ticketing on; the agent channel */
	build("[display]\ntype = \"spice\"\ngpu = \"none\"\n", &rt, &argv);
	assert_string_equal(find_after(&argv, "-spice", 0), "unix=on,addr=/run/m,,x/w/spice.sock,disable-ticketing=on");
	assert_string_equal(find_after(&argv, "-device", 2), "{\"driver\":\"qemu-xhci\",\"id\":\"xhci\"}");
	assert_string_equal(find_after(&argv, "-chardev", 2), "pipe,id=events,path=/run/m,,x/w/events");
	assert_string_equal(find_after(&argv, "-chardev", 3), "spicevmc,id=vdagent,name=vdagent");
	assert_string_equal(find_after(&argv, "-device", 1),
			    "{\"driver\":\"virtserialport\",\"chardev\":\"vdagent\",\"name\":\"com.redhat.spice.0\",\"bus\":\"vserial0.0\"}");
	strvec_clear(&argv);
	build("[display]\ntype = \"spice\"\nlisten = \"192.168.1.5:5930\"\npassword = \"pw\"\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-spice", 0), "port=5930,addr=192.168.1.5");
	strvec_clear(&argv);
	/* bare: the socket in the current directory */
	build("[display]\ntype = \"vnc\"\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-vnc", 0), "unix:t-vnc.sock");
	strvec_clear(&argv);
	/* no display: no card, no tablet */
	build("[machine]\naccel = \"tcg\"\n[cpu]\nmodel = \"max\"\n", NULL, &argv);
	assert_null(find_after(&argv, "-device", 0));
	assert_null(find_after(&argv, "-vnc", 0));
	strvec_clear(&argv);
}

/* One xHCI for the tablet and every [[usb]]; usb-host by vendor:product (numbers) or bus and port. */
static void test_qemu_argv_usb(void **state)
{
	struct strvec argv = STRVEC_INIT;
	const char *usb = "[[usb]]\nvendor = \"046d\"\nproduct = \"c52b\"\n[[usb]]\nbus = 3\nport = \"2.1\"\n";
	char *text = xstrfmt("[display]\ntype = \"vnc\"\ngpu = \"none\"\n%s", usb);

	(void)state;
	build(text, NULL, &argv);
	assert_string_equal(find_after(&argv, "-device", 0), "{\"driver\":\"qemu-xhci\",\"id\":\"xhci\"}");
	assert_string_equal(find_after(&argv, "-device", 1), "{\"driver\":\"usb-tablet\",\"id\":\"tablet0\",\"bus\":\"xhci.0\"}");
	assert_string_equal(find_after(&argv, "-device", 2),
			    "{\"driver\":\"usb-host\",\"id\":\"usb0\",\"bus\":\"xhci.0\",\"vendorid\":1133,\"productid\":50475}");
	assert_string_equal(find_after(&argv, "-device", 3),
			    "{\"driver\":\"usb-host\",\"id\":\"usb1\",\"bus\":\"xhci.0\",\"hostbus\":3,\"hostport\":\"2.1\"}");
	assert_null(find_after(&argv, "-device", 4));
	strvec_clear(&argv);
	build(usb, NULL, &argv);	/* no display: the controller, no tablet */
	assert_string_equal(find_after(&argv, "-device", 0), "{\"driver\":\"qemu-xhci\",\"id\":\"xhci\"}");
	assert_string_equal(find_after(&argv, "-device", 1),
			    "{\"driver\":\"usb-host\",\"id\":\"usb0\",\"bus\":\"xhci.0\",\"vendorid\":1133,\"productid\":50475}");
	strvec_clear(&argv);
	free(text);
}

static void test_qemu_argv_tpm(void **state)
{
	struct strvec argv = STRVEC_INIT, warn = STRVEC_INIT;
	struct qemu_runtime rt = { .run_dir = "/run/m,x/w" };
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;
	char file[128];
	const char *text = "[tpm]\nenable = true\nmodel = \"tis\"\n";

	(void)state;
	build("[tpm]\nenable = true\n", &rt, &argv);
	assert_string_equal(find_after(&argv, "-chardev", 2), "socket,id=chrtpm,path=/run/m,,x/w/swtpm.sock");
	assert_string_equal(find_after(&argv, "-tpmdev", 0), "emulator,id=tpm0,chardev=chrtpm");
	assert_string_equal(find_after(&argv, "-device", 0), "{\"driver\":\"tpm-crb\",\"tpmdev\":\"tpm0\",\"id\":\"tpm0-dev\"}");
	strvec_clear(&argv);
	/* bare: the socket here, and a note on starting swtpm by hand */
	vm_config_init(&cfg);
	assert_int_equal(vm_config_parse(unit_config_file("/etc/mvlaunch/vms/", "t", text, file), text, strlen(text), &cfg, &err), 0);
	assert_int_equal(qemu_argv_build(&cfg, NULL, NULL, &argv, &warn, &err), 0);
	assert_string_equal(find_after(&argv, "-chardev", 0), "socket,id=chrtpm,path=t-swtpm.sock");
	assert_string_equal(find_after(&argv, "-device", 0), "{\"driver\":\"tpm-tis\",\"tpmdev\":\"tpm0\",\"id\":\"tpm0-dev\"}");
	assert_int_equal(warn.nr, 1);
	assert_string_equal(warn.v[0], "/etc/mvlaunch/vms/t.toml: key 'tpm.enable': start swtpm first: swtpm socket --tpm2 --tpmstate dir=DIR "
			    "--ctrl type=unixio,path=t-swtpm.sock --terminate");
	vm_config_release(&cfg);
	strvec_clear(&argv);
	strvec_clear(&warn);
	strbuf_release(&err);
	/* no TPM: none of it */
	build("[cpu]\nvcpus = 1\n", &rt, &argv);
	assert_null(find_after(&argv, "-tpmdev", 0));
	strvec_clear(&argv);
}

static void test_qemu_argv_looking_glass_audio(void **state)
{
	struct strvec argv = STRVEC_INIT;

	(void)state;
	build("[looking_glass]\nenable = true\nowner = \"alice\"\n[audio]\nbackend = \"pa\"\nserver = \"unix:/run/user/1000/pulse/native\"\n",
	      NULL, &argv);
	assert_string_equal(find_after(&argv, "-object", 1),
			    "{\"qom-type\":\"memory-backend-file\",\"id\":\"looking-glass\",\"mem-path\":\"/dev/shm/looking-glass\","
			    "\"size\":33554432,\"share\":true}");
	assert_string_equal(find_after(&argv, "-device", 0), "{\"driver\":\"ivshmem-plain\",\"id\":\"shmem0\",\"memdev\":\"looking-glass\"}");
	assert_string_equal(find_after(&argv, "-audiodev", 0),
			    "{\"driver\":\"pa\",\"id\":\"audio0\",\"server\":\"unix:/run/user/1000/pulse/native\"}");
	assert_string_equal(find_after(&argv, "-device", 1), "{\"driver\":\"ich9-intel-hda\",\"id\":\"sound0\"}");
	assert_string_equal(find_after(&argv, "-device", 2),
			    "{\"driver\":\"hda-duplex\",\"id\":\"sound0-codec0\",\"bus\":\"sound0.0\",\"cad\":0,\"audiodev\":\"audio0\"}");
	strvec_clear(&argv);
	/* kvmfr: the device itself; a USB sound card brings the xHCI */
	build("[looking_glass]\nenable = true\ndevice = \"/dev/kvmfr0\"\nsize = \"128M\"\n[audio]\nbackend = \"none\"\nmodel = \"usb\"\n",
	      NULL, &argv);
	assert_string_equal(find_after(&argv, "-object", 1),
			    "{\"qom-type\":\"memory-backend-file\",\"id\":\"looking-glass\",\"mem-path\":\"/dev/kvmfr0\","
			    "\"size\":134217728,\"share\":true}");
	assert_string_equal(find_after(&argv, "-device", 1), "{\"driver\":\"qemu-xhci\",\"id\":\"xhci\"}");
	assert_string_equal(find_after(&argv, "-device", 2),
			    "{\"driver\":\"usb-audio\",\"id\":\"sound0\",\"bus\":\"xhci.0\",\"audiodev\":\"audio0\"}");
	strvec_clear(&argv);
	/* with a display the xHCI is there once */
	build("[display]\ntype = \"vnc\"\n[audio]\nbackend = \"none\"\nmodel = \"usb\"\n", NULL, &argv);
	{
		int n = 0;

		for (size_t i = 0; i < argv.nr; i++)
			n += strstr(argv.v[i], "qemu-xhci") != NULL;
		assert_int_equal(n, 1);
	}
	strvec_clear(&argv);
}

static void test_qemu_argv_smbios(void **state)
{
	struct strvec argv = STRVEC_INIT;
	struct qemu_runtime rt = { .uuid = "8d0c6c4e-1111-8222-a333-444455556666" };

	(void)state;
	build("[smbios]\nmanufacturer = \"A,product=evil\"\nserial = \"S1\"\nbios_date = \"01/02/2023\"\n", &rt, &argv);
	assert_string_equal(find_after(&argv, "-uuid", 0), "8d0c6c4e-1111-8222-a333-444455556666");
	assert_string_equal(find_after(&argv, "-smbios", 0), "type=0,date=01/02/2023");
	assert_string_equal(find_after(&argv, "-smbios", 1), "type=1,manufacturer=A,,product=evil,serial=S1");
	strvec_clear(&argv);
	/* the config's UUID wins; nothing set, no -smbios */
	build("[smbios]\nuuid = \"9B2E6F1C-3D4A-4B5C-8D7E-0F1A2B3C4D5E\"\n", &rt, &argv);
	assert_string_equal(find_after(&argv, "-uuid", 0), "9b2e6f1c-3d4a-4b5c-8d7e-0f1a2b3c4d5e");
	assert_null(find_after(&argv, "-smbios", 0));
	strvec_clear(&argv);
}

static void test_qemu_argv_extra_and_secure_boot(void **state)
{
	struct strvec argv = STRVEC_INIT;

	(void)state;
	build("[machine]\nfirmware = \"uefi\"\nsecure_boot = true\nnvram = \"/vm/vars.fd\"\n"
	      "[qemu]\nextra_args = [\"-device\", \"virtio-rng-pci\"]\nbinary = \"/opt/qemu/bin/qemu-system-x86_64\"\n", NULL, &argv);
	assert_string_equal(argv.v[0], "/opt/qemu/bin/qemu-system-x86_64");
	assert_string_equal(find_after(&argv, "-machine", 0), "q35,smm=on,memory-backend=pc.ram,pflash0=fw-code,pflash1=fw-vars");
	assert_string_equal(find_after(&argv, "-global", 0), "driver=cfi.pflash01,property=secure,value=on");
	assert_non_null(strstr(find_after(&argv, "-blockdev", 0), "OVMF_CODE_4M.ms.fd"));
	assert_non_null(strstr(find_after(&argv, "-blockdev", 2), "\"/vm/vars.fd\""));
	assert_string_equal(argv.v[argv.nr - 2], "-device");
	assert_string_equal(argv.v[argv.nr - 1], "virtio-rng-pci");
	strvec_clear(&argv);
}

static void test_qemu_argv_invalid_utf8(void **state)
{
	struct vm_config cfg;
	struct strvec argv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	const char *text = "[[disk]]\npath = \"/a\xff.img\"\n";

	(void)state;
	vm_config_init(&cfg);
	assert_int_equal(vm_config_parse("t.toml", text, strlen(text), &cfg, &err), 0);
	assert_int_equal(qemu_argv_build(&cfg, NULL, NULL, &argv, NULL, &err), -1);
	assert_string_equal(err.buf, "disk.path '/a\xff.img' is not valid UTF-8, which QEMU's JSON options cannot carry");
	strvec_clear(&argv);
	strbuf_release(&err);
	vm_config_release(&cfg);
}

static void test_qemu_argv_numa_plan(void **state)
{
	struct vm_config cfg;
	struct strvec argv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	struct plan_numa cells[2] = { { .guest_node = 0, .host_node = 0, .mem_bytes = 1ULL << 30 },
				      { .guest_node = 1, .host_node = 1, .mem_bytes = 1ULL << 30 } };
	struct pin_plan plan = { .nr_vcpus = 4, .sockets = 2, .dies = 1, .cores = 1, .threads = 2,
				 .numa = cells, .nr_numa = 2, .memory_node = -1 };
	const char *text = "[cpu]\nvcpus = 4\ntopology = \"auto\"\n[memory]\nsize = \"2G\"\nprealloc = true\n";

	(void)state;
	cpuset_set(&cells[0].vcpus, 0);
	cpuset_set(&cells[0].vcpus, 1);
	cpuset_set(&cells[1].vcpus, 2);
	cpuset_set(&cells[1].vcpus, 3);
	cpuset_set(&cells[0].host_nodes, 0);
	cpuset_set(&cells[1].host_nodes, 1);
	vm_config_init(&cfg);
	assert_int_equal(vm_config_parse("t.toml", text, strlen(text), &cfg, &err), 0);
	assert_int_equal(qemu_argv_build(&cfg, &plan, NULL, &argv, NULL, &err), 0);
	/* no single machine backend: one per guest node, bound to its host node */
	assert_string_equal(find_after(&argv, "-machine", 0), "q35");
	assert_string_equal(find_after(&argv, "-object", 0), "{\"qom-type\":\"thread-context\",\"id\":\"tc-ram-node0\",\"node-affinity\":[0]}");
	assert_string_equal(find_after(&argv, "-object", 1),
			    "{\"qom-type\":\"memory-backend-ram\",\"id\":\"ram-node0\",\"size\":1073741824,\"share\":false,"
			    "\"prealloc\":true,\"prealloc-context\":\"tc-ram-node0\",\"host-nodes\":[0],\"policy\":\"bind\"}");
	assert_string_equal(find_after(&argv, "-numa", 0), "node,nodeid=0,memdev=ram-node0");
	assert_string_equal(find_after(&argv, "-numa", 1), "node,nodeid=1,memdev=ram-node1");
	/* each guest node is one guest socket */
	assert_string_equal(find_after(&argv, "-numa", 2), "cpu,node-id=0,socket-id=0");
	assert_string_equal(find_after(&argv, "-numa", 3), "cpu,node-id=1,socket-id=1");
	assert_null(find_after(&argv, "-numa", 4));
	assert_string_equal(find_after(&argv, "-smp", 0), "4,sockets=2,dies=1,cores=1,threads=2");
	strvec_clear(&argv);
	strbuf_release(&err);
	vm_config_release(&cfg);
}

/* [[numa]] as written (no plan): a page size and host nodes per node, vCPUs one by one where a socket is split */
static void test_qemu_argv_numa_declared(void **state)
{
	struct vm_config cfg;
	struct strvec argv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;
	const char *text = "[cpu]\nvcpus = 4\ntopology = { sockets = 1, cores = 2, threads = 2 }\n"
			   "[memory]\nhugepages = \"2M\"\n"
			   "[[numa]]\nvcpus = \"0-2\"\nmemory = \"1G\"\nhost_nodes = \"0-1\"\npolicy = \"interleave\"\nhugepages = \"1G\"\n"
			   "distances = [10, 21]\n"
			   "[[numa]]\nvcpus = \"3\"\nmemory = \"512M\"\ndistances = [31, 10]\n";

	(void)state;
	vm_config_init(&cfg);
	assert_int_equal(vm_config_parse("t.toml", text, strlen(text), &cfg, &err), 0);
	assert_int_equal(cfg.mem_bytes, 1536ULL << 20);	/* memory.size left out: the nodes' sum */
	assert_int_equal(qemu_argv_build(&cfg, NULL, NULL, &argv, NULL, &err), 0);
	assert_string_equal(find_after(&argv, "-machine", 0), "q35");
	assert_string_equal(find_after(&argv, "-m", 0), "1536");
	assert_string_equal(find_after(&argv, "-object", 0),
			    "{\"qom-type\":\"memory-backend-memfd\",\"id\":\"ram-node0\",\"size\":1073741824,\"hugetlb\":true,"
			    "\"hugetlbsize\":1073741824,\"share\":true,\"host-nodes\":[0,1],\"policy\":\"interleave\"}");
	assert_string_equal(find_after(&argv, "-object", 1),
			    "{\"qom-type\":\"memory-backend-memfd\",\"id\":\"ram-node1\",\"size\":536870912,\"hugetlb\":true,"
			    "\"hugetlbsize\":2097152,\"share\":true}");
	assert_string_equal(find_after(&argv, "-numa", 0), "node,nodeid=0,memdev=ram-node0");
	assert_string_equal(find_after(&argv, "-numa", 1), "node,nodeid=1,memdev=ram-node1");
	assert_string_equal(find_after(&argv, "-numa", 2), "cpu,node-id=0,socket-id=0,core-id=0,thread-id=0");
	assert_string_equal(find_after(&argv, "-numa", 3), "cpu,node-id=0,socket-id=0,core-id=0,thread-id=1");
	assert_string_equal(find_after(&argv, "-numa", 4), "cpu,node-id=0,socket-id=0,core-id=1,thread-id=0");
	assert_string_equal(find_after(&argv, "-numa", 5), "cpu,node-id=1,socket-id=0,core-id=1,thread-id=1");
	assert_string_equal(find_after(&argv, "-numa", 6), "dist,src=0,dst=1,val=21");
	assert_string_equal(find_after(&argv, "-numa", 7), "dist,src=1,dst=0,val=31");
	assert_null(find_after(&argv, "-numa", 8));
	assert_string_equal(find_after(&argv, "-smp", 0), "4,sockets=1,dies=1,cores=2,threads=2");
	strvec_clear(&argv);
	strbuf_release(&err);
	vm_config_release(&cfg);
}

/*
 * The NICs' descriptors: after QMP's (fd 3, as 'up' passes it), each tap
 * or bridge NIC's queues, then its vhost-net ones, in config order; user
 * NICs take none. 'argv' prints the numbers 'up' passes.
 */
static void test_qemu_argv_net_fds(void **state)
{
	struct strvec argv = STRVEC_INIT, nets = STRVEC_INIT;
	struct qemu_runtime rt = { .run_dir = "/run/mvlaunch/t", .log_dir = "/var/log/mvlaunch/t", .qmp_fd = 3 };

	(void)state;
	build("[[net]]\ntype = \"bridge\"\nbridge = \"br0\"\n"
	      "[[net]]\ntype = \"user\"\n"
	      "[[net]]\ntype = \"tap\"\nifname = \"tap7\"\nqueues = 2\nvhost = true\n"
	      "[[net]]\ntype = \"bridge\"\nbridge = \"br1\"\nqueues = 3\n"
	      "[[net]]\ntype = \"tap\"\nvhost = true\nmodel = \"e1000e\"\n", &rt, &argv);
	assert_string_equal(find_after(&argv, "-chardev", 0), "socket,id=qmp,fd=3,server=on,wait=off");
	for (size_t i = 0; i + 1 < argv.nr; i++)
		if (!strcmp(argv.v[i], "-netdev"))
			strvec_push(&nets, argv.v[i + 1]);
	check_argv(&nets,
		   "{\"type\":\"tap\",\"id\":\"net0\",\"fd\":\"4\"}",
		   "{\"type\":\"user\",\"id\":\"net1\"}",
		   "{\"type\":\"tap\",\"id\":\"net2\",\"fds\":\"5:6\",\"vhost\":true,\"vhostfds\":\"7:8\"}",
		   "{\"type\":\"tap\",\"id\":\"net3\",\"fds\":\"9:10:11\"}",
		   "{\"type\":\"tap\",\"id\":\"net4\",\"fd\":\"12\",\"vhost\":true,\"vhostfd\":\"13\"}");
	strvec_clear(&nets);
	assert_string_equal(find_after(&argv, "-sandbox", 0), "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
	strvec_clear(&argv);
	/* without the runtime (--bare) there is no QMP descriptor: the taps start at 3 */
	build("[[net]]\ntype = \"tap\"\nqueues = 2\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-netdev", 0), "{\"type\":\"tap\",\"id\":\"net0\",\"fds\":\"3:4\"}");
	strvec_clear(&argv);
}

/* The tap 'up' makes for a NIC without net.ifname: the same each time, per VM and index, IFNAMSIZ long at most. */
static void test_qemu_argv_tap_name(void **state)
{
	const char *text = "name = \"win11\"\n[[net]]\ntype = \"bridge\"\nbridge = \"br0\"\n"
			   "[[net]]\ntype = \"tap\"\nifname = \"tap0\"\n[[net]]\ntype = \"tap\"\n";
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;
	char file[128], *a, *b, *c;

	(void)state;
	vm_config_init(&cfg);
	assert_int_equal(vm_config_parse(unit_config_file("/etc/mvlaunch/vms/", "win11", text, file), text, strlen(text),
					 &cfg, &err), 0);
	a = qemu_argv_tap_name(&cfg, 0);
	b = qemu_argv_tap_name(&cfg, 1);
	c = qemu_argv_tap_name(&cfg, 2);
	/* the top 28 bits of FNV-1a of the name: computed apart from this code */
	assert_string_equal(a, "mvld761b3a-0");
	assert_string_equal(b, "tap0");
	assert_string_equal(c, "mvld761b3a-2");
	free(a);
	free(b);
	free(c);
	free(cfg.name);
	cfg.name = xstrdup("web");
	a = qemu_argv_tap_name(&cfg, 9999);
	assert_string_equal(a, "mvl0fd9bc9-9999");
	assert_true(strlen(a) <= 15);
	free(a);
	strbuf_release(&err);
	vm_config_release(&cfg);
}

static void test_qemu_argv_default_mac(void **state)
{
	char *a = qemu_argv_default_mac("vm", 0), *b = qemu_argv_default_mac("vm", 1), *c = qemu_argv_default_mac("vm", 0);

	(void)state;
	assert_string_equal(a, c);	/* stable across runs */
	assert_string_not_equal(a, b);
	assert_int_equal(strncmp(a, "52:54:00:", 9), 0);
	free(a);
	free(b);
	free(c);
	/*
	 * and the same across mvlaunch versions: a guest's MAC keys its DHCP
	 * lease and Windows' network profile. FNV-1a of the name, then of the
	 * NIC's index; these values were computed apart from this code.
	 */
	a = qemu_argv_default_mac("win11", 0);
	b = qemu_argv_default_mac("win11", 1);
	assert_string_equal(a, "52:54:00:cd:d6:31");
	assert_string_equal(b, "52:54:00:cd:d4:9e");
	free(a);
	free(b);
}

static void test_qemu_argv_input(void **state)
{
	struct strvec argv = STRVEC_INIT;

	(void)state;
	build("[[input]]\nevdev = \"/dev/input/by-id/usb-K-event-kbd\"\ngrab_all = true\nrepeat = true\n"
	      "grab_toggle = \"scrolllock\"\n[[input]]\nevdev = \"/dev/input/by-id/usb-M-event-mouse\"\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-object", 1),
			    "{\"qom-type\":\"input-linux\",\"id\":\"input0\",\"evdev\":\"/dev/input/by-id/usb-K-event-kbd\","
			    "\"grab_all\":true,\"repeat\":true,\"grab-toggle\":\"scrolllock\"}");
	assert_string_equal(find_after(&argv, "-object", 2),
			    "{\"qom-type\":\"input-linux\",\"id\":\"input1\",\"evdev\":\"/dev/input/by-id/usb-M-event-mouse\","
			    "\"grab-toggle\":\"ctrl-ctrl\"}");
	for (size_t i = 0; i < argv.nr; i++)
		assert_null(strstr(argv.v[i], "virtio-keyboard"));
	strvec_clear(&argv);
	/* virtio on one entry: one virtio keyboard and one virtio mouse, whatever the entries are */
	build("[[input]]\nevdev = \"/k\"\nvirtio = true\n[[input]]\nevdev = \"/m\"\nvirtio = true\n", NULL, &argv);
	assert_string_equal(find_after(&argv, "-device", 0), "{\"driver\":\"virtio-keyboard-pci\",\"id\":\"vkbd0\"}");
	assert_string_equal(find_after(&argv, "-device", 1), "{\"driver\":\"virtio-mouse-pci\",\"id\":\"vmouse0\"}");
	assert_null(find_after(&argv, "-device", 2));
	strvec_clear(&argv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_argv_minimal),
		cmocka_unit_test(test_qemu_argv_runtime),
		cmocka_unit_test(test_qemu_argv_vmport_sleep),
		cmocka_unit_test(test_qemu_argv_gaming),
		cmocka_unit_test(test_qemu_argv_multifunction),
		cmocka_unit_test(test_qemu_argv_block_device),
		cmocka_unit_test(test_qemu_argv_disk_limits),
		cmocka_unit_test(test_qemu_argv_iothreads),
		cmocka_unit_test(test_qemu_argv_injection),
		cmocka_unit_test(test_qemu_argv_memory_variants),
		cmocka_unit_test(test_qemu_argv_devices),
		cmocka_unit_test(test_qemu_argv_cdrom_and_boot_order),
		cmocka_unit_test(test_qemu_argv_display),
		cmocka_unit_test(test_qemu_argv_smbios),
		cmocka_unit_test(test_qemu_argv_looking_glass_audio),
		cmocka_unit_test(test_qemu_argv_tpm),
		cmocka_unit_test(test_qemu_argv_extra_and_secure_boot),
		cmocka_unit_test(test_qemu_argv_invalid_utf8),
		cmocka_unit_test(test_qemu_argv_numa_plan),
		cmocka_unit_test(test_qemu_argv_numa_declared),
		cmocka_unit_test(test_qemu_argv_default_mac),
		cmocka_unit_test(test_qemu_argv_net_fds),
		cmocka_unit_test(test_qemu_argv_tap_name),
		cmocka_unit_test(test_qemu_argv_input),
		cmocka_unit_test(test_qemu_argv_usb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
