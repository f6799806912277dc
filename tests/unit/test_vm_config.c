/*
 * test_vm_config.c - unit tests for config/vm_config.c: defaults, every key
 * kind, cross-key validation and the exact "FILE:LINE:COL: key ..." messages.
 */
#include "tests/unit/unit.h"
#include "config/vm_config.h"

static int parse(const char *text, struct vm_config *cfg, struct strbuf *err)
{
	char file[128];

	vm_config_init(cfg);
	return vm_config_parse(unit_config_file("vms/", "t", text, file), text, strlen(text), cfg, err);
}

static void expect_error(const char *text, const char *msg)
{
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(text, &cfg, &err), -1);
	assert_string_equal(err.buf, msg);
	strbuf_release(&err);
	vm_config_release(&cfg);
}

static void expect_warning(const char *text, const char *msg)
{
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;

	assert_int_equal(parse(text, &cfg, &err), 0);
	assert_int_equal(cfg.warnings.nr, 1);
	assert_string_equal(cfg.warnings.v[0], msg);
	strbuf_release(&err);
	vm_config_release(&cfg);
}

static void test_vm_config_defaults(void **state)
{
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(parse("", &cfg, &err), 0);
	assert_string_equal(cfg.name, "t");	/* from the file name */
	assert_string_equal(cfg.machine_type, "q35");
	assert_int_equal(cfg.accel, ACCEL_KVM);
	assert_string_equal(cfg.cpu_model, "host");
	assert_int_equal(cfg.vcpus, 1);
	assert_int_equal(cfg.l3_cache, 1);
	assert_int_equal(cfg.pmu, TRI_UNSET);
	assert_int_equal(cfg.hpet, TRI_UNSET);
	assert_true(cfg.mem_bytes == (1ULL << 30));
	assert_int_equal(cfg.numa_node, -1);
	assert_int_equal(cfg.sandbox, 1);
	assert_string_equal(cfg.qemu_binary, "qemu-system-x86_64");
	assert_null(cfg.vcpu_pins);
	assert_int_equal(cfg.warnings.nr, 0);
	strbuf_release(&err);
	vm_config_release(&cfg);
}

static void test_vm_config_full(void **state)
{
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(parse(
		"name = \"g\"\n"
		"[machine]\nfirmware = \"uefi\"\nsecure_boot = true\n"
		"[cpu]\nvcpus = 4\ntopology = { sockets = 1, cores = 2, threads = 2 }\n"
		"require = [\"avx2\", \"sse4.2\"]\ndisable = [\"lahf_lm\"]\n"
		"hyperv = { relaxed = true, spinlocks = 8191, vendor_id = \"a b\" }\n"
		"[pinning]\nvcpus = [\"1\", \"5\", \"2\", \"6\"]\nemulator = \"0,4\"\n"
		"[memory]\nsize = \"4GiB\"\nhugepages = \"1G\"\n"
		"[[disk]]\npath = \"img/root.qcow2\"\nformat = \"qcow2\"\n"
		"[[passthrough]]\nhost = \"01:00.0\"\n"
		"[[net]]\nmac = \"52:54:00:AB:CD:EF\"\n", &cfg, &err), 0);
	assert_string_equal(err.buf, "");
	assert_string_equal(cfg.name, "g");
	assert_int_equal(cfg.firmware, FW_UEFI);
	assert_string_equal(cfg.ovmf_code, "/usr/share/OVMF/OVMF_CODE_4M.ms.fd");
	assert_string_equal(cfg.ovmf_vars, "/usr/share/OVMF/OVMF_VARS_4M.ms.fd");
	assert_int_equal(cfg.sockets * cfg.cores * cfg.threads * cfg.dies, 4);
	assert_int_equal(cfg.cpu_require.nr, 2);
	assert_string_equal(cfg.hv.vendor_id, "a b");
	assert_int_equal(cfg.hv.spinlocks, 8191);
	assert_int_equal(cfg.nr_vcpu_pins, 4);
	assert_true(cpuset_has(&cfg.vcpu_pins[1], 5));
	assert_true(cfg.emulator_place == PLACE_CPUS && cpuset_count(&cfg.emulator_pin) == 2);
	assert_true(cfg.mem_bytes == (4ULL << 30));
	assert_string_equal(cfg.disks[0].path, "vms/img/root.qcow2");	/* relative to the config */
	assert_int_equal(cfg.disks[0].aio, AIO_NATIVE);			/* item defaults */
	assert_int_equal(cfg.disks[0].cache, CACHE_NONE);
	assert_string_equal(cfg.pci[0].host, "0000:01:00.0");		/* normalised */
	assert_int_equal(cfg.pci[0].rombar, TRI_UNSET);
	assert_string_equal(cfg.nets[0].mac, "52:54:00:ab:cd:ef");
	assert_int_equal(cfg.nets[0].type, NET_USER);
	assert_int_equal(vm_config_loc(&cfg, "cpu.vcpus").line, 6);
	strbuf_release(&err);
	vm_config_release(&cfg);
}

static void test_vm_config_one_list_for_all(void **state)
{
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(parse("[cpu]\nvcpus = 3\n[pinning]\nvcpus = \"2-3\"\n", &cfg, &err), 0);
	assert_int_equal(cfg.nr_vcpu_pins, 3);
	assert_int_equal(cpuset_count(&cfg.vcpu_pins[2]), 2);
	vm_config_release(&cfg);
	assert_int_equal(parse("[pinning]\nvcpus = \"auto\"\n", &cfg, &err), 0);
	assert_int_equal(cfg.pin_auto, 1);
	assert_null(cfg.vcpu_pins);
	vm_config_release(&cfg);
	/* an [[iothread]] no disk uses still runs in QEMU: a [[sched]] may name it (a warning says it idles) */
	assert_int_equal(parse("[[iothread]]\nid = \"db\"\n[[sched]]\niothreads = [\"db\"]\npolicy = \"batch\"\n", &cfg, &err), 0);
	assert_int_equal(cfg.warnings.nr, 1);
	vm_config_release(&cfg);
	strbuf_release(&err);
}

static void test_vm_config_unknown_key(void **state)
{
	(void)state;
	expect_error("[cpu]\nvcpu = 4\n", "vms/t.toml:2:1: unknown key 'cpu.vcpu' (did you mean 'cpu.vcpus'?)");
	expect_error("[cpu]\nmodle = \"max\"\n", "vms/t.toml:2:1: unknown key 'cpu.modle' (did you mean 'cpu.model'?)");
	expect_error("[memroy]\nsize = \"1G\"\n", "vms/t.toml:1:1: unknown table '[memroy]' (did you mean '[memory]'?)");
	expect_error("[[disk]]\npath = \"/x\"\nformt = \"raw\"\n",
		     "vms/t.toml:3:1: unknown key 'disk[0].formt' (did you mean 'disk[0].format'?)");
	expect_error("frobnicate = 1\n", "vms/t.toml:1:1: unknown key 'frobnicate'");
}

static void test_vm_config_types_and_ranges(void **state)
{
	(void)state;
	expect_error("[cpu]\nvcpus = 0\n", "vms/t.toml:2:1: key 'cpu.vcpus': must be 1..1024");
	expect_error("[cpu]\nvcpus = 2000\n", "vms/t.toml:2:1: key 'cpu.vcpus': must be 1..1024");
	expect_error("[cpu]\nvcpus = \"4\"\n", "vms/t.toml:2:1: key 'cpu.vcpus': expected an integer, got a string");
	expect_error("[cpu]\npmu = 1\n", "vms/t.toml:2:1: key 'cpu.pmu': expected true or false, got an integer");
	expect_error("[machine]\naccel = \"xen\"\n", "vms/t.toml:2:1: key 'machine.accel': must be one of kvm, tcg (got 'xen')");
	expect_error("[machine]\ntype = \"pc\"\n",
		     "vms/t.toml:2:1: key 'machine.type': 'pc' is not a q35 machine type (use \"q35\" or a versioned one such as \"pc-q35-7.2\")");
	expect_error("[memory]\nsize = 1024\n", "vms/t.toml:2:1: key 'memory.size': give a unit, as a string: \"1024M\" or \"1024G\"");
	expect_error("[memory]\nsize = \"1024\"\n", "vms/t.toml:2:1: key 'memory.size': '1024' has no unit (write e.g. \"1024M\" or \"1024G\")");
	expect_error("[memory]\nsize = \"8M\"\n", "vms/t.toml:2:1: key 'memory.size': must be at least 16M");
	expect_error("[[disk]]\npath = \"/x\"\niops_rd = 0\n", "vms/t.toml:3:1: key 'disk[0].iops_rd': must be 1..1000000000");
	expect_error("[[disk]]\npath = \"/x\"\nbps_wr = 100\n",
		     "vms/t.toml:3:1: key 'disk[0].bps_wr': give a unit, as a string: \"100M\" or \"100G\"");
	expect_error("[[disk]]\npath = \"/x\"\nbps_rd = \"2000T\"\n",
		     "vms/t.toml:3:1: key 'disk[0].bps_rd': at most 1000000000000000 bytes a second (QEMU's limit)");
	expect_error("[[disk]]\npath = \"/x\"\niops_total = 10\niops_rd = 5\n",
		     "vms/t.toml:3:1: key 'disk[0].iops_total': give iops_total or iops_rd/iops_wr, not both (QEMU refuses the mix)");
	expect_error("[[disk]]\npath = \"/x\"\nbps_rd = \"1M\"\nbps_total = \"2M\"\n",
		     "vms/t.toml:4:1: key 'disk[0].bps_total': give bps_total or bps_rd/bps_wr, not both (QEMU refuses the mix)");
	expect_error("[[disk]]\npath = \"/x\"\niothread = \"db\"\n",
		     "vms/t.toml:3:1: key 'disk[0].iothread': 'db' is no [[iothread]] of this config (add one with id = \"db\")");
	expect_error("[[disk]]\npath = \"/x\"\niothread = 3\n",
		     "vms/t.toml:3:1: key 'disk[0].iothread': expected true, false, or the id of an [[iothread]], got an integer");
	expect_error("[[iothread]]\nid = \"io0\"\n[[disk]]\npath = \"/x\"\niothread = \"io0\"\n",
		     "vms/t.toml:2:1: key 'iothread[0].id': 'io0' is the name of disk 0's own iothread (iothread = true): pick another id");
	expect_error("[[iothread]]\nid = \"a\"\n[[iothread]]\nid = \"a\"\n[[disk]]\npath = \"/x\"\niothread = \"a\"\n",
		     "vms/t.toml:4:1: key 'iothread[1].id': 'a' is also iothread[0]'s id");
	expect_error("[[iothread]]\nid = \"1db\"\n",
		     "vms/t.toml:2:1: key 'iothread[0].id': '1db': 1 to 12 letters, digits, '-' and '_', starting with a letter");
	expect_error("[[sched]]\npolicy = \"other\"\n",
		     "vms/t.toml:2:1: key 'sched[0].policy': names no threads: give vcpus, iothreads or emulator = true");
	expect_error("[[sched]]\nemulator = true\npolicy = \"batch\"\npriority = 3\n",
		     "vms/t.toml:4:1: key 'sched[0].priority': only fifo and rr have a priority (\"batch\" has none)");
	expect_error("[cpu]\nvcpus = 4\n[[sched]]\nvcpus = \"0-1\"\npolicy = \"idle\"\n[[sched]]\nvcpus = \"1-3\"\npolicy = \"batch\"\n",
		     "vms/t.toml:7:1: key 'sched[1].vcpus': a vCPU is also in an earlier [[sched]] (one policy per thread)");
	expect_error("[pinning]\nrealtime = true\nvcpus = \"0\"\n[[sched]]\nvcpus = \"0\"\npolicy = \"rr\"\npriority = 9\n",
		     "vms/t.toml:5:1: key 'sched[0].vcpus': pinning.realtime already makes every vCPU fifo 1; use one or the other");
	expect_error("[[sched]]\nemulator = true\npolicy = \"idle\"\n[[sched]]\nemulator = true\npolicy = \"batch\"\n",
		     "vms/t.toml:5:1: key 'sched[1].emulator': the emulator threads are also in sched[0] (one policy per thread)");
	expect_error("[[disk]]\nmedia = \"cdrom\"\npath = \"/x.iso\"\niops_rd = 5\n",
		     "vms/t.toml:4:1: key 'disk[0].iops_rd': I/O limits apply to a disk, not a cdrom (its medium changes live)");
	/* [[numa]]: every vCPU in one node, whole pages, the sizes add up */
	expect_error("[cpu]\nvcpus = 4\n[[numa]]\nvcpus = \"0-2\"\nmemory = \"1G\"\n[[numa]]\nvcpus = \"2-3\"\nmemory = \"1G\"\n",
		     "vms/t.toml:7:1: key 'numa[1].vcpus': vCPU 2 is also in an earlier [[numa]] (a vCPU is in one node)");
	expect_error("[cpu]\nvcpus = 4\n[[numa]]\nvcpus = \"0-1\"\nmemory = \"1G\"\n",
		     "vms/t.toml:4:1: key 'numa.vcpus': vCPU 2-3 is in no [[numa]] node (cpu.vcpus is 4; every vCPU is in exactly one)");
	expect_error("[cpu]\nvcpus = 2\n[[numa]]\nvcpus = \"0-2\"\nmemory = \"1G\"\n",
		     "vms/t.toml:4:1: key 'numa[0].vcpus': vCPU 2 does not exist (cpu.vcpus is 2: 0 to 1)");
	expect_error("[memory]\nhugepages = \"2M\"\n[[numa]]\nvcpus = \"0\"\nmemory = \"1G\"\nhugepages = \"1G\"\n"
		     "[[numa]]\nvcpus = \"0\"\nmemory = \"3M\"\n",
		     "vms/t.toml:8:1: key 'numa[1].vcpus': vCPU 0 is also in an earlier [[numa]] (a vCPU is in one node)\n"
		     "vms/t.toml:9:1: key 'numa[1].memory': 3M is not a whole multiple of the 2M page size (at least one)");
	expect_error("[memory]\nsize = \"3G\"\n[[numa]]\nvcpus = \"0\"\nmemory = \"1G\"\n",
		     "vms/t.toml:2:1: key 'memory.size': is 3G, but the [[numa]] nodes' memory adds up to 1G (leave memory.size "
		     "out, or make them agree)");
	expect_error("[memory]\nnuma = \"off\"\nnuma_node = 0\n[[numa]]\nvcpus = \"0\"\nmemory = \"1G\"\n",
		     "vms/t.toml:2:1: key 'memory.numa': [[numa]] tables declare the guest's nodes; leave memory.numa out (it "
		     "picks them when there are none)\n"
		     "vms/t.toml:3:1: key 'memory.numa_node': binds all guest RAM to one host node, but [[numa]] tables declare "
		     "nodes: give each one host_nodes");
	expect_error("[memory]\nsource = \"file\"\n[[numa]]\nvcpus = \"0\"\nmemory = \"1G\"\nhugepages = \"2M\"\n",
		     "vms/t.toml:6:1: key 'numa[0].hugepages': memory.source = \"file\" has one mount (memory.path) for one page "
		     "size; per-node page sizes need source = \"memfd\" (the default with hugepages)");
	expect_error("[cpu]\nvcpus = 2\n[[numa]]\nvcpus = \"0\"\nmemory = \"1G\"\ndistances = [10, 20]\n"
		     "[[numa]]\nvcpus = \"1\"\nmemory = \"1G\"\n",
		     "vms/t.toml:7:1: key 'numa[1].distances': is missing: once a node lists distances, every node does");
	expect_error("[cpu]\nvcpus = 2\n[[numa]]\nvcpus = \"0\"\nmemory = \"1G\"\ndistances = [12, 20]\n"
		     "[[numa]]\nvcpus = \"1\"\nmemory = \"1G\"\ndistances = [20]\n",
		     "vms/t.toml:6:1: key 'numa[0].distances': its distance to itself (entry 0) is 12; it must be 10\n"
		     "vms/t.toml:10:1: key 'numa[1].distances': has 1 distances, but there are 2 nodes (one per node)");
	expect_error("[[numa]]\nvcpus = \"0\"\nmemory = \"1G\"\ndistances = [10, 300]\n",
		     "vms/t.toml:4:18: key 'numa[0].distances': distance 300: must be 10..255 (10 is a node to itself)");
	expect_error("[[numa]]\nvcpus = \"0\"\n", "vms/t.toml:1:1: [[numa]] number 1 has no 'memory' (required)");
	expect_error("[cpu]\nrequire = [\"avx2\", 3]\n", "vms/t.toml:2:20: key 'cpu.require': expected a string in the array, got an integer");
	expect_error("[cpu]\nrequire = [\"avx2,kvm=on\"]\n",
		     "vms/t.toml:2:12: key 'cpu.require': 'avx2,kvm=on' is not a CPU feature name (QEMU spelling, e.g. \"avx2\", \"lahf_lm\", \"sse4.2\")");
	expect_error("[cpu]\nhyperv = true\n", "vms/t.toml:2:1: key 'cpu.hyperv': expected a table, got a boolean");
	expect_error("[cpu]\ntopology = \"big\"\n",
		     "vms/t.toml:2:1: key 'cpu.topology': must be \"auto\" or a table like { sockets = 1, cores = 4, threads = 2 } (got 'big')");
	expect_error("[pinning]\nvcpus = [\"1-\"]\n", "vms/t.toml:2:10: key 'pinning.vcpus[0]': '1-': expected a CPU number at the end");
	expect_error("[pinning]\nemulator = \"0-1,6-\"\n", "vms/t.toml:2:1: key 'pinning.emulator': '0-1,6-' is not host, share, isolate or a CPU list (expected a CPU number at the end)");
	expect_error("[cpu]\nhyperv = { vendor_id = \"0123456789abc\" }\n",
		     "vms/t.toml:2:12: key 'cpu.hyperv.vendor_id': must be 1..12 characters, got 13 (QEMU would cut it)");
	expect_error("[cpu]\nhyperv = { vendor_id = \"a,kvm=off\" }\n",
		     "vms/t.toml:2:12: key 'cpu.hyperv.vendor_id': must not contain ',' (QEMU's -cpu parser cannot escape it)");
	expect_error("[cpu]\nhyperv = { spinlocks = 100 }\n", "vms/t.toml:2:12: key 'cpu.hyperv.spinlocks': must be 4095..4294967295");
	expect_error("name = \"a b\"\n", "vms/a b.toml:1:1: key 'name': ' ' is not allowed (use letters, digits, '-', '_' and '.')");
	{
		/* copied from gaming.toml to win.toml: 'down win' must find what 'up win' started */
		static const char text[] = "# copied\nname = \"gaming\"\n";
		struct vm_config cfg;
		struct strbuf err = STRBUF_INIT;

		vm_config_init(&cfg);
		assert_int_equal(vm_config_parse("vms/win.toml", text, strlen(text), &cfg, &err), -1);
		assert_string_equal(err.buf, "vms/win.toml:2:1: key 'name': 'gaming' differs from the file name 'win.toml': "
				    "a VM is known by its file name (the commands find 'win' as win.toml); delete this line, "
				    "or rename the file to gaming.toml");
		strbuf_release(&err);
		vm_config_release(&cfg);
	}
	expect_error("[[net]]\nmac = \"53:54:00:00:00:01\"\n",
		     "vms/t.toml:2:1: key 'net[0].mac': '53:54:00:00:00:01' is a multicast address (the first byte must be even)");
	expect_error("[[passthrough]]\nhost = \"1:0.0\"\n",
		     "vms/t.toml:2:1: key 'passthrough[0].host': '1:0.0' is not a PCI address like \"0000:01:00.0\" (see lspci -D)");
	expect_error("[[disk]]\nformat = \"raw\"\n", "vms/t.toml:1:1: [[disk]] number 1 has no 'path' (required)");
	expect_error("[disk]\npath = \"/x\"\n", "vms/t.toml:1:1: key 'disk': expected [[disk]] tables, got a table");
	expect_error("[clock]\nbase = \"yesterday\"\n",
		     "vms/t.toml:2:1: key 'clock.base': 'yesterday' is not \"utc\", \"localtime\" or a start time like \"2020-01-01T00:00:00\"");
}

static void test_vm_config_cross_checks(void **state)
{
	(void)state;
	expect_error("[machine]\naccel = \"tcg\"\n",
		     "vms/t.toml:2:1: key 'cpu.model': 'host' needs machine.accel = \"kvm\" (with tcg use model = \"max\")");
	expect_error("[cpu]\nvcpus = 8\ntopology = { sockets = 1, cores = 4, threads = 1 }\n",
		     "vms/t.toml:3:14: key 'cpu.topology': sockets (1) x dies (1) x cores (4) x threads (1) = 4, but cpu.vcpus is 8");
	expect_error("[cpu]\nvcpus = 2\n[pinning]\nvcpus = [\"1\"]\n",
		     "vms/t.toml:4:1: key 'pinning.vcpus': has 1 entries, but cpu.vcpus is 2 (one CPU list per vCPU)");
	expect_error("[cpu]\nrequire = [\"avx\"]\ndisable = [\"avx\"]\n",
		     "vms/t.toml:3:1: key 'cpu.disable': feature 'avx' is also in cpu.require");
	expect_error("[cpu]\nl3_cache = true\nhost_cache_info = true\n",
		     "vms/t.toml:3:1: key 'cpu.host_cache_info': cannot be combined with cpu.l3_cache = true (pick one)");
	expect_error("[cpu]\nhyperv = { synic = true }\n", "vms/t.toml:2:12: key 'cpu.hyperv.synic': needs cpu.hyperv.vpindex = true");
	expect_error("[cpu]\nhyperv = { stimer = true, synic = true, vpindex = true }\n",
		     "vms/t.toml:2:12: key 'cpu.hyperv.stimer': needs cpu.hyperv.time = true (or clock.hypervclock = true)");
	expect_error("[cpu]\nhyperv = { time = true }\n[clock]\nhypervclock = false\n",
		     "vms/t.toml:4:1: key 'clock.hypervclock': contradicts cpu.hyperv.time (both set hv-time; keep one)");
	expect_error("[memory]\nhugepages = \"2M\"\nsource = \"anonymous\"\n",
		     "vms/t.toml:3:1: key 'memory.source': \"anonymous\" cannot use hugepages (use \"memfd\" or \"file\")");
	expect_error("[memory]\nsource = \"memfd\"\naccess = \"private\"\n",
		     "vms/t.toml:3:1: key 'memory.access': \"private\" with source = \"memfd\" holds every guest page twice "
		     "on the host (once in the memfd, once as the guest's private copy); leave access unset (memfd is then "
		     "shared) or use source = \"anonymous\" (the default)");
	expect_error("[machine]\nsecure_boot = true\n", "vms/t.toml:2:1: key 'machine.secure_boot': needs firmware = \"uefi\"");
	expect_error("[machine]\nnvram = \"/x\"\n", "vms/t.toml:2:1: key 'machine.nvram': only applies to firmware = \"uefi\"");
	expect_error("[boot]\ninitrd = \"/i\"\n", "vms/t.toml:2:1: key 'boot.initrd': needs boot.kernel");
	expect_error("[[disk]]\npath = \"/x\"\ncache = \"writeback\"\n",
		     "vms/t.toml:1:1: key 'disk[0].aio': \"native\" needs cache = \"none\" or \"directsync\" (got \"writeback\"); use aio = \"threads\"");
	expect_error("[[disk]]\npath = \"/x\"\nbus = \"sata\"\niothread = true\n",
		     "vms/t.toml:4:1: key 'disk[0].iothread': needs bus \"virtio\" or \"scsi\"");
	expect_error("[[disk]]\npath = \"/x\"\nbus = \"sata\"\nreadonly = true\n",
		     "vms/t.toml:4:1: key 'disk[0].readonly': a read-only disk cannot be on bus \"sata\" (QEMU's ide-hd "
		     "refuses it: \"Block node is read-only\"); use bus = \"scsi\" or \"virtio\"");
	expect_error("[[net]]\ntype = \"user\"\nvhost = true\n", "vms/t.toml:3:1: key 'net[0].vhost': only works with type \"tap\" or \"bridge\"");
	expect_error("[[net]]\ntype = \"bridge\"\n",
		     "vms/t.toml:2:1: key 'net[0].type': \"bridge\" needs bridge = \"br0\" (the bridge to join)");
	expect_error("[[passthrough]]\nhost = \"0000:01:00.0\"\n[[passthrough]]\nhost = \"01:00.0\"\n",
		     "vms/t.toml:4:1: key 'passthrough[1].host': '0000:01:00.0' is already passed through by passthrough[0]");
}

static void test_vm_config_all_errors_at_once(void **state)
{
	(void)state;
	expect_error("[cpu]\nvcpus = 0\nmodle = 1\n[memory]\nhugepages = \"4M\"\n",
		     "vms/t.toml:2:1: key 'cpu.vcpus': must be 1..1024\n"
		     "vms/t.toml:3:1: unknown key 'cpu.modle' (did you mean 'cpu.model'?)\n"
		     "vms/t.toml:5:1: key 'memory.hugepages': must be one of none, 2M, 1G (got '4M')");
}

/* A file of 90,000 unknown keys: the first problems with their suggestions, then one line for the rest. */
static void test_vm_config_too_many_errors(void **state)
{
	struct strbuf text = STRBUF_INIT, err = STRBUF_INIT;
	struct vm_config cfg;

	(void)state;
	strbuf_addstr(&text, "[cpu]\n");
	for (int i = 0; i < 90000; i++)
		strbuf_addf(&text, "k%d=1\n", i);
	vm_config_init(&cfg);
	assert_int_equal(vm_config_parse("vms/t.toml", text.buf, text.len, &cfg, &err), -1);
	assert_non_null(strstr(err.buf, "vms/t.toml:2:1: unknown key 'cpu.k0'"));
	assert_true(err.len < 10000);
	assert_non_null(strstr(err.buf, "\nvms/t.toml: more problems follow; fix these first"));
	vm_config_release(&cfg);
	strbuf_release(&text);
	strbuf_release(&err);
}

static void test_vm_config_warnings(void **state)
{
	(void)state;
	expect_warning("[clock]\ncatchup = { threshold = 123 }\n",
		       "vms/t.toml:2:13: key 'clock.catchup.threshold': has no QEMU equivalent (libvirt-only); ignored");
	expect_warning("[machine]\nhidden = true\n[clock]\nkvmclock = true\n",
		       "vms/t.toml:4:1: key 'clock.kvmclock': has no effect with machine.hidden = true: "
		       "kvm=off turns off kvmclock and every KVM PV feature");
	expect_warning("[machine]\nhidden = true\n[cpu]\nhint_dedicated = true\n",
		       "vms/t.toml:4:1: key 'cpu.hint_dedicated': has no effect with machine.hidden = true: "
		       "kvm=off turns off kvm-hint-dedicated with every KVM PV feature");
	expect_warning("[memory]\nsize = \"16GB\"\nhugepages = \"1G\"\n",
		       "vms/t.toml:2:1: key 'memory.size': 16000000000 bytes is not a multiple of the 1G page size; rounded up to 15G");
	expect_warning("[memory]\ndiscard = true\n",
		       "vms/t.toml:2:1: key 'memory.discard': only applies to source = \"file\"; ignored for anonymous");
	expect_warning("[machine]\naccel = \"tcg\"\n[cpu]\nmodel = \"max\"\ncpu_pm = true\n",
		       "vms/t.toml:5:1: key 'cpu.cpu_pm': has no effect under TCG");
	expect_warning("[machine]\naccel = \"tcg\"\n[cpu]\nmodel = \"max\"\n[clock]\npit = \"delay\"\n",
		       "vms/t.toml:6:1: key 'clock.pit': TCG has no in-kernel PIT, so the policy is not applied");
}

static void test_vm_config_load_file(void **state)
{
	static const char *const examples[] = { "vms/gaming-controller.toml", "vms/dedicated-4vcpu.toml", "vms/demo.toml" };
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
		vm_config_init(&cfg);
		if (vm_config_load(examples[i], &cfg, &err) < 0) {
			print_error("%s: %s\n", examples[i], err.buf);
			fail();
		}
		vm_config_release(&cfg);
	}
	vm_config_init(&cfg);
	assert_int_equal(vm_config_load("tests/unit/data/no-such.toml", &cfg, &err), -1);
	assert_string_equal(err.buf, "cannot open config 'tests/unit/data/no-such.toml': No such file or directory");
	vm_config_release(&cfg);
	strbuf_reset(&err);
	vm_config_init(&cfg);
	assert_int_equal(vm_config_load("tests/unit/data", &cfg, &err), -1);
	assert_string_equal(err.buf, "config 'tests/unit/data' is not a regular file");
	vm_config_release(&cfg);
	strbuf_release(&err);
}

static void test_vm_config_cdrom_and_boot_order(void **state)
{
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	/* a cdrom: read-only, sata unless told, may be empty; boot_index on every kind of device */
	assert_int_equal(parse("[[disk]]\npath = \"/d.img\"\nboot_index = 2\n"
			       "[[disk]]\nmedia = \"cdrom\"\npath = \"/w.iso\"\nboot_index = 1\n"
			       "[[disk]]\nmedia = \"cdrom\"\npath = \"\"\nbus = \"scsi\"\n"
			       "[[net]]\nboot_index = 3\n[boot]\nmenu = true\n", &cfg, &err), 0);
	assert_int_equal(cfg.disks[0].media, MEDIA_DISK);
	assert_int_equal(cfg.disks[0].readonly, 0);
	assert_int_equal(cfg.disks[1].media, MEDIA_CDROM);
	assert_int_equal(cfg.disks[1].bus, BUS_SATA);
	assert_int_equal(cfg.disks[1].readonly, 1);
	assert_int_equal(cfg.disks[1].boot_index, 1);
	assert_string_equal(cfg.disks[2].path, "");
	assert_int_equal(cfg.disks[2].bus, BUS_SCSI);
	assert_int_equal(cfg.disks[2].boot_index, -1);
	assert_int_equal(cfg.nets[0].boot_index, 3);
	assert_int_equal(cfg.boot_menu, 1);
	assert_int_equal(cfg.boot_explicit, 1);
	vm_config_release(&cfg);
	assert_int_equal(parse("[[disk]]\npath = \"/d.img\"\n", &cfg, &err), 0);
	assert_int_equal(cfg.boot_explicit, 0);
	assert_int_equal(cfg.boot_menu, TRI_UNSET);
	vm_config_release(&cfg);
	strbuf_release(&err);

	expect_error("[[disk]]\npath = \"\"\n",
		     "vms/t.toml:2:1: key 'disk[0].path': must not be empty (only a media = \"cdrom\" drive can be empty)");
	expect_error("[[disk]]\nmedia = \"cdrom\"\npath = \"/w.iso\"\nbus = \"virtio\"\n",
		     "vms/t.toml:4:1: key 'disk[0].bus': a cdrom needs bus \"sata\" or \"scsi\" (virtio-blk has no removable media)");
	expect_error("[[disk]]\nmedia = \"cdrom\"\npath = \"/w.iso\"\nreadonly = false\n",
		     "vms/t.toml:4:1: key 'disk[0].readonly': a cdrom is always read-only");
	expect_error("[[disk]]\npath = \"/d.img\"\n[[disk]]\nmedia = \"cdrom\"\npath = \"/d.img\"\n",
		     "vms/t.toml:5:1: key 'disk[1].path': '/d.img' is also disk[0]'s path: QEMU locks an image it writes, "
		     "so it can be attached twice only read-only");
	assert_int_equal(parse("[[disk]]\nmedia = \"cdrom\"\npath = \"/w.iso\"\n[[disk]]\nmedia = \"cdrom\"\n"
			       "path = \"/w.iso\"\n[[disk]]\nmedia = \"cdrom\"\npath = \"\"\n[[disk]]\nmedia = \"cdrom\"\n"
			       "path = \"\"\n", &cfg, &err), 0);
	vm_config_release(&cfg);
	expect_error("[[disk]]\nmedia = \"dvd\"\npath = \"/w.iso\"\n",
		     "vms/t.toml:2:1: key 'disk[0].media': must be one of disk, cdrom (got 'dvd')");
	expect_error("[[disk]]\npath = \"/a\"\nboot_index = 1\n[[passthrough]]\nhost = \"01:00.0\"\nboot_index = 1\n",
		     "vms/t.toml:6:1: key 'passthrough[0].boot_index': 1 is also disk[0]'s boot_index (each device needs "
		     "its own place in the boot order)");
	expect_warning("[[disk]]\npath = \"/a\"\nboot_index = 1\n[boot]\nkernel = \"/k\"\n",
		       "vms/t.toml:3:1: key 'disk[0].boot_index': has no effect with boot.kernel (the kernel boots directly)");
}

static void test_vm_config_display_and_smbios(void **state)
{
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;
	char *host;
	unsigned port;

	(void)state;
	assert_int_equal(parse("[display]\ntype = \"vnc\"\n", &cfg, &err), 0);
	assert_string_equal(cfg.display.listen, "unix");
	assert_int_equal(cfg.display.gpu, GPU_STD);
	vm_config_release(&cfg);
	assert_int_equal(parse("[cpu]\nvcpus = 1\n", &cfg, &err), 0);
	assert_int_equal(cfg.display.gpu, GPU_NONE);
	vm_config_release(&cfg);
	strbuf_release(&err);

	assert_int_equal(vm_config_listen_tcp("[fe80::1%eth0]:5901", &host, &port), 0);
	assert_string_equal(host, "fe80::1%eth0");
	assert_int_equal(port, 5901);
	free(host);
	assert_int_equal(vm_config_listen_tcp("::1:5901", &host, &port), -1);
	assert_int_equal(vm_config_listen_tcp("host:0", &host, &port), -1);
	assert_int_equal(vm_config_listen_tcp("host:65536", &host, &port), -1);
	assert_int_equal(vm_config_listen_tcp(":5901", &host, &port), -1);
	assert_int_equal(vm_config_listen_loopback("127.0.0.1:5901"), 1);
	assert_int_equal(vm_config_listen_loopback("[::1]:5901"), 1);
	assert_int_equal(vm_config_listen_loopback("0.0.0.0:5901"), 0);
	assert_int_equal(vm_config_listen_loopback("unix"), 0);

	expect_error("[display]\ntype = \"vnc\"\npassword = \"x\"\n",
		     "vms/t.toml:3:1: key 'display.password': only applies to a TCP display.listen (the unix socket is "
		     "guarded by its 0600 mode)");
	expect_error("[display]\ntype = \"vnc\"\nlisten = \"127.0.0.1:22\"\n",
		     "vms/t.toml:3:1: key 'display.listen': VNC listens on 5900 + N (QEMU's display number N): use a "
		     "port from 5900 up");
	expect_error("[display]\nlisten = \"localhost\"\n",
		     "vms/t.toml:2:1: key 'display.listen': 'localhost' is not \"unix\" or an address like "
		     "\"127.0.0.1:5901\" (IPv6: \"[::1]:5901\")");
	expect_warning("[display]\ntype = \"spice\"\nlisten = \"0.0.0.0:5930\"\n",
		       "vms/t.toml:3:1: key 'display.listen': '0.0.0.0:5930' is reachable beyond this host and there is "
		       "no display.password: anyone who can reach it gets the guest's screen and keyboard; set a "
		       "password, or listen on 127.0.0.1 and use an SSH tunnel");
	expect_warning("[display]\ntype = \"vnc\"\nlisten = \"127.0.0.1:5901\"\npassword = \"123456789\"\n",
		       "vms/t.toml:4:1: key 'display.password': VNC passwords are 8 characters at most: only the first 8 count");
	expect_warning("[display]\nlisten = \"127.0.0.1:5901\"\n",
		       "vms/t.toml:2:1: key 'display.listen': has no effect without display.type = \"vnc\" or \"spice\"");
	expect_warning("[display]\ntype = \"vnc\"\n[[passthrough]]\nhost = \"01:00.0\"\nvga = true\n",
		       "vms/t.toml:2:1: key 'display.gpu': an emulated card beside passthrough[0] with vga = true: the "
		       "guest has two VGA devices and the firmware may show its screen on the emulated one; set gpu = "
		       "\"none\" once the GPU driver is installed");
	expect_error("[machine]\naccel = \"tcg\"\n[cpu]\nmodel = \"max\"\n[cpu.hyperv]\nvpindex = true\n",
		     "vms/t.toml:6:1: key 'cpu.hyperv.vpindex': TCG cannot provide the Hyper-V VP index (QEMU 7.2 stops "
		     "with \"kernel doesn't allow setting HyperV VP_INDEX\"): use accel = \"kvm\", or drop vpindex and "
		     "what needs it (synic, stimer, tlbflush, ipi)");
	/* Looking Glass's sizing rule, and the keys of [looking_glass] and [audio] */
	assert_int_equal(vm_config_lg_size(1920, 1080), UINT64_C(32) << 20);
	assert_int_equal(vm_config_lg_size(2560, 1440), UINT64_C(64) << 20);
	assert_int_equal(vm_config_lg_size(3840, 2160), UINT64_C(128) << 20);
	expect_error("[looking_glass]\nenable = true\nsize = \"64M\"\nresolution = \"2560x1440\"\n",
		     "vms/t.toml:3:1: key 'looking_glass.size': give size or resolution, not both");
	expect_error("[looking_glass]\nenable = true\nresolution = \"1080p\"\nowner = \"a\"\n",
		     "vms/t.toml:3:1: key 'looking_glass.resolution': '1080p' is not a resolution like \"2560x1440\" "
		     "(320x200 to 16384x16384)");
	expect_error("[looking_glass]\nenable = true\npath = \"/dev/shm/lg\"\ndevice = \"/dev/kvmfr0\"\n",
		     "vms/t.toml:4:1: key 'looking_glass.device': give path (a shared-memory file) or device (kvmfr), not both");
	expect_warning("[looking_glass]\nenable = true\n",
		       "vms/t.toml:2:1: key 'looking_glass.enable': no looking_glass.owner: the file stays root's, and a "
		       "client run by a desktop user cannot open it");
	expect_warning("[looking_glass]\nsize = \"64M\"\n",
		       "vms/t.toml:2:1: key 'looking_glass.size': has no effect without looking_glass.enable = true");
	expect_error("[audio]\nbackend = \"pa\"\n",
		     "vms/t.toml:2:1: key 'audio.backend': \"pa\" needs audio.server, or looking_glass.owner (the desktop "
		     "user whose sound server it is)");
	expect_error("[audio]\nbackend = \"alsa\"\npath = \"/tmp/a.wav\"\n",
		     "vms/t.toml:3:1: key 'audio.path': only applies to backend = \"wav\"");
	expect_warning("[audio]\nmodel = \"usb\"\n", "vms/t.toml:2:1: key 'audio.model': has no effect without audio.backend");
	expect_error("[smbios]\nbios_date = \"13/01/2024\"\n",
		     "vms/t.toml:2:1: key 'smbios.bios_date': '13/01/2024' is not a date like \"03/15/2024\" (MM/DD/YYYY, "
		     "as SMBIOS stores it)");
	expect_error("[smbios]\nuuid = \"9b2e6f1c3d4a4b5c8d7e0f1a2b3c4d5e\"\n",
		     "vms/t.toml:2:1: key 'smbios.uuid': '9b2e6f1c3d4a4b5c8d7e0f1a2b3c4d5e' is not a UUID like "
		     "\"9b2e6f1c-3d4a-4b5c-8d7e-0f1a2b3c4d5e\"");
	expect_error("[smbios]\nproduct = \"tab\\there\"\n",
		     "vms/t.toml:2:1: key 'smbios.product': must be printable ASCII (what firmware tables and Windows show)");
}

static void test_vm_config_input(void **state)
{
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(parse("[[input]]\nevdev = \"/dev/input/by-id/k\"\ngrab_toggle = \"meta-meta\"\n", &cfg, &err), 0);
	assert_int_equal(cfg.nr_inputs, 1);
	assert_string_equal(cfg.inputs[0].evdev, "/dev/input/by-id/k");
	assert_int_equal(cfg.inputs[0].grab_toggle, GRAB_META_META);
	assert_int_equal(cfg.inputs[0].grab_all, 0);
	assert_int_equal(cfg.inputs[0].virtio, 0);
	assert_int_equal(vm_config_item_loc(&cfg, "input", 0, "grab_toggle").line, 3);
	assert_int_equal(vm_config_item_loc(&cfg, "input", 0, "repeat").line, 1);	/* unset: the item's line */
	assert_int_equal(vm_config_item_loc(&cfg, "input", 1, "evdev").line, 0);
	vm_config_release(&cfg);
	strbuf_release(&err);
	expect_error("[[input]]\nevdev = \"/k\"\ngrab_toggle = \"ctrl\"\n",
		     "vms/t.toml:3:1: key 'input[0].grab_toggle': must be one of ctrl-ctrl, alt-alt, shift-shift, meta-meta, "
		     "scrolllock, ctrl-scrolllock (got 'ctrl')");
	expect_error("[[input]]\ngrab_all = true\n", "vms/t.toml:1:1: [[input]] number 1 has no 'evdev' (required)");
	expect_error("[[input]]\nevdev = \"/k\"\n[[input]]\nevdev = \"/k\"\n",
		     "vms/t.toml:4:1: key 'input[1].evdev': '/k' is also input[0]'s evdev (QEMU can grab a device once)");
	expect_error("[[input]]\nevdev = \"/k\"\ngrab = true\n",
		     "vms/t.toml:3:1: unknown key 'input[0].grab'");
}

static void test_vm_config_usb(void **state)
{
	struct vm_config cfg;
	struct strbuf err = STRBUF_INIT;
	const char *ok = "[[usb]]\nvendor = \"046D\"\nproduct = \"c52b\"\nserial = \"A1\"\n[[usb]]\nbus = 1\nport = \"2.1\"\n";

	(void)state;
	assert_int_equal(parse(ok, &cfg, &err), 0);
	assert_int_equal(cfg.nr_usb, 2);
	assert_string_equal(cfg.usb[0].vendor, "046d");	/* lower-cased */
	assert_string_equal(cfg.usb[0].serial, "A1");
	assert_int_equal(cfg.usb[1].bus, 1);
	assert_string_equal(cfg.usb[1].port, "2.1");
	vm_config_release(&cfg);
	strbuf_release(&err);
	expect_error("[[usb]]\nvendor = \"46d\"\nproduct = \"c52b\"\n",
		     "vms/t.toml:2:1: key 'usb[0].vendor': '46d' is not 4 hex digits like \"046d\" (see lsusb or 'mvlaunch usb')");
	expect_error("[[usb]]\nvendor = \"046d\"\nproduct = \"c5zb\"\n",
		     "vms/t.toml:3:1: key 'usb[0].product': 'c5zb' is not 4 hex digits like \"046d\" (see lsusb or 'mvlaunch usb')");
	expect_error("[[usb]]\nbus = 1\nport = \"2..1\"\n",
		     "vms/t.toml:3:1: key 'usb[0].port': '2..1' is not a port like \"2\" or \"2.1\" (see 'mvlaunch usb')");
	expect_error("[[usb]]\nbus = 256\nport = \"2\"\n", "vms/t.toml:2:1: key 'usb[0].bus': must be 1..255");
	expect_error("[[usb]]\nvendor = \"046d\"\n", "vms/t.toml:2:1: key 'usb[0].vendor': needs product = \"c52b\" too");
	expect_error("[[usb]]\nport = \"2\"\n", "vms/t.toml:2:1: key 'usb[0].port': needs bus = N too");
	expect_error("[[usb]]\nvendor = \"046d\"\nproduct = \"c52b\"\nbus = 1\nport = \"2\"\n",
		     "vms/t.toml:4:1: key 'usb[0].bus': names a port, vendor and product a device: use one or the other");
	expect_error("[[usb]]\nserial = \"A1\"\n",
		     "vms/t.toml:1:1: key 'usb[0]': names no device: set vendor and product (e.g. \"046d\", \"c52b\"), "
		     "or bus and port");
	expect_error("[[usb]]\nbus = 1\nport = \"2\"\nserial = \"A1\"\n",
		     "vms/t.toml:4:1: key 'usb[0].serial': tells apart devices of one vendor and product: set those "
		     "instead of bus and port");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vm_config_defaults),
		cmocka_unit_test(test_vm_config_full),
		cmocka_unit_test(test_vm_config_one_list_for_all),
		cmocka_unit_test(test_vm_config_unknown_key),
		cmocka_unit_test(test_vm_config_types_and_ranges),
		cmocka_unit_test(test_vm_config_cross_checks),
		cmocka_unit_test(test_vm_config_all_errors_at_once),
		cmocka_unit_test(test_vm_config_too_many_errors),
		cmocka_unit_test(test_vm_config_warnings),
		cmocka_unit_test(test_vm_config_load_file),
		cmocka_unit_test(test_vm_config_cdrom_and_boot_order),
		cmocka_unit_test(test_vm_config_display_and_smbios),
		cmocka_unit_test(test_vm_config_input),
		cmocka_unit_test(test_vm_config_usb),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
