/*
 * test_qemu_argv_diff.c - unit tests for launcher/qemu/qemu_argv_diff.c:
 * reading a command line printed for a shell, normalising libvirt's and
 * mvlaunch's spellings of the same settings, and the diff of the two.
 */
#include "tests/unit/unit.h"
#include "launcher/qemu/qemu_argv_diff.h"

static void test_split_shell(void **state)
{
	struct strvec argv = STRVEC_INIT;
	struct strbuf err = STRBUF_INIT;

	(void)state;
	assert_int_equal(qemu_argv_split_shell("LC_ALL=C PATH=/usr/bin HOME=/x \\\n/usr/bin/qemu-system-x86_64 -name "
					       "guest=a,debug-threads=on \\\n-blockdev '{\"driver\":\"file\",\"filename\":\"/a b\"}' "
					       "-append \"console=ttyS0 x=\\\"y\\\"\" -cpu host\\,x A=1 ''\n",
					       &argv, &err), 0);
	check_argv(&argv, "/usr/bin/qemu-system-x86_64", "-name", "guest=a,debug-threads=on", "-blockdev",
		   "{\"driver\":\"file\",\"filename\":\"/a b\"}", "-append", "console=ttyS0 x=\"y\"", "-cpu", "host,x",
		   "A=1", "");
	strvec_clear(&argv);
	assert_int_equal(qemu_argv_split_shell("qemu -name 'unterminated", &argv, &err), -1);
	assert_string_equal(err.buf, "unterminated ' quote");
	strvec_clear(&argv);
	strbuf_release(&err);
}

static void normalise(struct strvec *lines, ...)
{
	struct strvec argv = STRVEC_INIT;
	va_list ap;
	const char *a;

	strvec_push(&argv, "qemu-system-x86_64");
	va_start(ap, lines);
	while ((a = va_arg(ap, const char *)))
		strvec_push(&argv, a);
	va_end(ap);
	qemu_argv_normalise(&argv, lines);
	strvec_clear(&argv);
}

/* libvirt's spelling and mvlaunch's of the same machine come out the same */
static void test_normalise_same(void **state)
{
	struct strvec lv = STRVEC_INIT, mv = STRVEC_INIT;

	(void)state;
	normalise(&lv, "-S", "-object", "{\"qom-type\":\"secret\",\"id\":\"masterKey0\",\"format\":\"raw\",\"file\":\"/k\"}",
		  "-blockdev", "{\"driver\":\"file\",\"filename\":\"/d.qcow2\",\"node-name\":\"libvirt-1-storage\",\"aio\":\"threads\"}",
		  "-blockdev", "{\"node-name\":\"libvirt-1-format\",\"read-only\":false,\"driver\":\"qcow2\",\"file\":\"libvirt-1-storage\"}",
		  "-machine", "q35,usb=off,memory-backend=pc.ram", "-no-hpet",
		  "-global", "driver=cfi.pflash01,property=secure,value=on",
		  "-chardev", "socket,id=charmonitor,path=/m.sock,server=on,wait=off", "-mon", "chardev=charmonitor,id=monitor,mode=control",
		  "-device", "{\"driver\":\"virtio-blk-pci\",\"bus\":\"pci.4\",\"addr\":\"0x0\",\"drive\":\"libvirt-1-format\",\"id\":\"virtio-disk0\"}",
		  "-smp", "4,sockets=1,dies=1,cores=4,threads=1", "-msg", "timestamp=on", NULL);
	normalise(&mv, "-machine", "q35,hpet=off,usb=off,memory-backend=pc.ram", "-global", "cfi.pflash01.secure=on",
		  "-chardev", "socket,id=qmp,fd=3,server=on,wait=off", "-mon", "chardev=qmp,mode=control",
		  "-smp", "4,sockets=1,cores=4,threads=1",
		  "-blockdev", "{\"driver\":\"file\",\"filename\":\"/d.qcow2\",\"node-name\":\"disk0-file\",\"cache\":{\"direct\":false,\"no-flush\":false}}",
		  "-blockdev", "{\"driver\":\"qcow2\",\"file\":\"disk0-file\",\"node-name\":\"disk0\"}",
		  "-device", "{\"driver\":\"virtio-blk-pci\",\"drive\":\"disk0\",\"id\":\"disk0-dev\"}", "-pidfile", "/p", NULL);
	check_argv(&lv, "-blockdev {\"driver\":\"qcow2\",\"file\":{\"driver\":\"file\",\"filename\":\"/d.qcow2\"}}",
		   "-machine q35,hpet=off,usb=off", "-global cfi.pflash01.secure=on",
		   "-device {\"driver\":\"virtio-blk-pci\"}", "-smp 4,cores=4,sockets=1,threads=1");
	check_argv(&mv, "-machine q35,hpet=off,usb=off", "-global cfi.pflash01.secure=on", "-smp 4,cores=4,sockets=1,threads=1",
		   "-blockdev {\"driver\":\"qcow2\",\"file\":{\"driver\":\"file\",\"filename\":\"/d.qcow2\"}}",
		   "-device {\"driver\":\"virtio-blk-pci\"}");
	strvec_clear(&lv);
	strvec_clear(&mv);
}

/* what differs for real stays: a value, a device one side lacks; ',,' is one literal comma */
static void test_diff(void **state)
{
	struct strvec lv = STRVEC_INIT, mv = STRVEC_INIT;
	struct strbuf out = STRBUF_INIT;
	unsigned counts[3];

	(void)state;
	normalise(&lv, "-machine", "pc-q35-7.2,smm=on", "-m", "4096", "-device", "{\"driver\":\"virtio-balloon-pci\",\"id\":\"balloon0\"}",
		  "-no-shutdown", "-cpu", "host,migratable=on", NULL);
	normalise(&mv, "-cpu", "host,l3-cache=on,migratable=on", "-machine", "pc-q35-7.2,smm=on", "-m", "4096",
		  "-vnc", "unix:/r/a,,b.sock", NULL);
	qemu_argv_diff(&lv, &mv, &out, counts);
	assert_string_equal(out.buf,
			    "- -cpu host,migratable=on\n"
			    "+ -cpu host,l3-cache=on,migratable=on\n"
			    "  -machine pc-q35-7.2,smm=on\n"
			    "  -m 4096\n"
			    "+ -vnc unix:/r/a,,b.sock\n"
			    "- -device {\"driver\":\"virtio-balloon-pci\"}\n"
			    "- -no-shutdown\n");
	assert_int_equal(counts[0], 2);
	assert_int_equal(counts[1], 3);
	assert_int_equal(counts[2], 2);
	strvec_clear(&lv);
	strvec_clear(&mv);
	strbuf_release(&out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_shell),
		cmocka_unit_test(test_normalise_same),
		cmocka_unit_test(test_diff),
	};

	return cmocka_run_group_tests_name("test_qemu_argv_diff", tests, NULL, NULL);
}
