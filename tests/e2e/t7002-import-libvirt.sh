#!/usr/bin/env bash
# t7002-import-libvirt.sh - domains made by libvirt's own tools import, and an
# imported domain runs:
# - Debian's virt-install --print-xml writes a Windows 11 gaming VM (UEFI with
#   Secure Boot, TPM 2.0, the ISO, a bridge NIC, VNC) and a Linux server VM;
#   virsh defines the Linux one and dumps it back (the expanded XML libvirt
#   stores: addresses, controllers). Each imports; argv takes the result as it
#   is; the keys that matter are there; --strict passes exactly when nothing
#   is reported. --diff shows libvirt's QEMU command line (virsh
#   domxml-to-native) beside mvlaunch's, normalised. libvirt runs with its real QEMU driver embedded in virsh and
#   virt-install (tests/e2e/libvirt.sh: no daemon, no system user, in a
#   private mount and network namespace, nothing left behind).
# - A domain of type 'qemu' booting the demo guest with its vCPUs pinned
#   is imported from stdin with --name, started with 'mvlaunch up': the guest
#   boots, the pins are the domain's, 'down' stops it. Host limits: this
#   nested KVM cannot run a guest, so the running domain is TCG; there is no
#   br0 (argv does not need it: 'up' would, to attach the tap it opens).
. "$(dirname "$0")/lib.sh" || exit 1
export MVLAUNCH_LIBVIRT_HOOK=$T/no-libvirt-hook	# a hook of this host's libvirt would be reported
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

# --- an imported domain runs -------------------------------------------------
need_demo_guest
cat >"$T/demo.xml" <<XML
<domain type='qemu'>
  <name>old-name</name>
  <uuid>5b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a4b</uuid>
  <memory unit='MiB'>256</memory>
  <vcpu placement='static'>2</vcpu>
  <cputune>
    <vcpupin vcpu='0' cpuset='0'/>
    <vcpupin vcpu='1' cpuset='1'/>
  </cputune>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$DEMO_GUEST/vmlinuz</kernel>
    <initrd>$DEMO_GUEST/initrd.img</initrd>
    <cmdline>console=ttyS0 quiet panic=-1</cmdline>
  </os>
  <features><acpi/><apic/></features>
  <cpu mode='maximum'><topology sockets='1' cores='2' threads='1'/></cpu>
  <clock offset='utc'><timer name='hpet' present='no'/></clock>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <serial type='pty'><target port='0'/></serial>
    <console type='pty'><target type='serial' port='0'/></console>
    <memballoon model='virtio'/>
  </devices>
</domain>
XML
"$MVLAUNCH" import --strict --name demo7 -o "$T/vms/demo7.toml" - <"$T/demo.xml" 2>"$T/err" ||
	{ fail "import from stdin failed"; cat "$T/err"; }
[ "$(tail -1 "$T/err")" = "wrote $T/vms/demo7.toml: 0 settings not imported, 0 notes" ] || fail "import said: $(cat "$T/err")"
head -3 "$T/vms/demo7.toml" | grep -qF "# libvirt called it 'old-name'." || fail "the old name is not in the header"
grep -qx 'vcpus = \["0", "1"\] *# vCPU 0, 1, ... on these host CPUs' "$T/vms/demo7.toml" || fail "pins: $(grep -A1 '^\[pinning' "$T/vms/demo7.toml")"
grep -qx 'accel = "tcg" *# <domain type=.qemu.>: emulated, no KVM' "$T/vms/demo7.toml" || fail "accel: $(grep accel "$T/vms/demo7.toml")"
expect_code 0 "$MVLAUNCH" up demo7
wait_for "$T/log/demo7/serial.log" "MVLAUNCH-DEMO-READY" 120 || fail "the imported guest did not boot"
grep -q "MVLAUNCH-DEMO: cpus online: 0-1 (count 2)" "$T/log/demo7/serial.log" || fail "the guest does not see its 2 vCPUs"
expect_code 0 "$MVLAUNCH" status demo7
"$TOP/tests/e2e/qmp.py" "$T/run/demo7/qmp.sock" query-cpus-fast >"$T/cpus" || fail "no QMP"
for tid in $(jq -r '.[]."thread-id"' "$T/cpus"); do
	taskset -pc "$tid" | grep -qE "list: [01]$" || fail "vCPU thread $tid is not pinned: $(taskset -pc "$tid")"
done
expect_code 0 "$MVLAUNCH" down demo7
[ ! -e "$T/run/demo7/qemu.pid" ] || fail "down left the VM's runtime files"

# --- libvirt's own tools ------------------------------------------------------
for c in virt-install virsh; do
	command -v $c >/dev/null || skip "$c is not installed (make deps: virtinst, libvirt-clients)"
done
[ -r /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ] ||
	skip "libvirt's QEMU driver is not installed (make deps: libvirt-daemon-driver-qemu)"
. "$TOP/tests/e2e/libvirt.sh"
mkdir -p "$T/lv"
at_exit "lv_teardown '$T/lv' || echo 'FAIL: libvirt left processes behind'"
LV_QUIET=1 lv_setup "$T/lv" || fail "libvirt's embedded QEMU driver does not start"

qemu-img create -q -f qcow2 "$T/win11.qcow2" 64G
qemu-img create -q -f qcow2 "$T/linux.qcow2" 20G
truncate -s 4M "$T/win11.iso"
lv_virt_install "$T/lv" --print-xml 2 --name win11 --uuid 0e4b5a6c-7d8e-4f90-a1b2-c3d4e5f60718 \
	--os-variant win11 --memory 16384 --vcpus 8 \
	--boot uefi,firmware.feature0.name=secure-boot,firmware.feature0.enabled=yes,firmware.feature1.name=enrolled-keys,firmware.feature1.enabled=yes \
	--tpm emulator,model=tpm-crb,version=2.0 --cdrom "$T/win11.iso" --disk path="$T/win11.qcow2" \
	--network bridge=br0,mac=52:54:00:00:00:11 --graphics vnc >"$T/win11.xml" 2>"$T/vi.err" ||
	{ fail "virt-install (Windows 11) failed"; cat "$T/vi.err"; }
lv_virt_install "$T/lv" --print-xml --name server --uuid 1f5c6b7d-8e9f-4a01-b2c3-d4e5f6071829 \
	--os-variant debian11 --memory 4096 --vcpus 4 --disk path="$T/linux.qcow2",bus=virtio --import \
	--network user,mac=52:54:00:00:00:22 --graphics none --console pty,target_type=serial >"$T/server.xml" 2>"$T/vi.err" ||
	{ fail "virt-install (Linux server) failed"; cat "$T/vi.err"; }
lv_virsh "$T/lv" -q define "$T/server.xml" >/dev/null || fail "virsh define failed"
lv_virsh "$T/lv" dumpxml server >"$T/server-dump.xml" || fail "virsh dumpxml failed"
lv_virsh "$T/lv" -q undefine server >/dev/null
grep -q '<address type=.pci.' "$T/server-dump.xml" || fail "dumpxml has no PCI addresses: not libvirt's expanded form"

# imports: exit 0, argv takes it; then what each must carry
for d in win11 server server-dump; do
	name=$d
	expect_code 0 "$MVLAUNCH" import --name "$name" -o "$T/vms/$name.toml" "$T/$d.xml" || continue
	cp "$T/err" "$T/$d.report"
	expect_code 0 "$MVLAUNCH" argv --bare "$name" || { fail "argv refuses the import of $d"; continue; }
	cp "$T/out" "$T/$d.argv"
	lost=$(grep -c ': not imported: ' "$T/$d.report")
	"$MVLAUNCH" import --strict --name "$name" "$T/$d.xml" >/dev/null 2>&1
	rc=$?
	if [ "$lost" = 0 ]; then [ $rc = 0 ] || fail "$d: --strict exited $rc with nothing reported"
	else [ $rc = 1 ] || fail "$d: --strict exited $rc with $lost settings reported"; fi
done
f=$T/vms/win11.toml
for want in 'firmware = "uefi"' 'secure_boot = true' 'model = "host"' 'vcpus = 8' 'size = "16G"' \
	'relaxed = true' 'spinlocks = 8191' 'base = "localtime"' 'enable = true' 'type = "vnc"' \
	'media = "cdrom"' "path = \"$T/win11.iso\"" 'format = "qcow2"' 'type = "bridge"' 'bridge = "br0"' \
	'mac = "52:54:00:00:00:11"' 's3 = false' 's4 = false' 'uuid = "0e4b5a6c-7d8e-4f90-a1b2-c3d4e5f60718"'; do
	grep -q "^$want" "$f" || fail "win11: no '$want' in the import"
done
grep -q 'ICH9-LPC.disable_s3=1' "$T/win11.argv" || fail "win11: S3 is not off in argv"
grep -q 'tpm-crb' "$T/win11.argv" || fail "win11: no TPM in argv"
# Windows 11 from virt-install: nothing lost, only what the guest notices
grep -q ': not imported: ' "$T/win11.report" && fail "win11: settings not imported: $(grep ': not imported: ' "$T/win11.report")"
f=$T/vms/server-dump.toml
for want in 'vcpus = 4' 'size = "4G"' 'type = "user"' 'mac = "52:54:00:00:00:22"' "path = \"$T/linux.qcow2\"" 'bus = "virtio"'; do
	grep -q "^$want" "$f" || fail "server (dumpxml): no '$want' in the import"
done
grep -q "not imported: <channel type='unix'>: not supported yet: the QEMU guest agent channel" "$T/server.report" ||
	fail "server: the guest agent channel is not reported (so --strict would pass)"
grep -q 'note: the guest.s device addresses' "$T/server-dump.report" || fail "server (dumpxml): the lost PCI addresses are not noted"
grep -qE 'not imported: <(controller|memballoon|input|serial|console)' "$T/server-dump.report" &&
	fail "server (dumpxml): a device libvirt adds itself is reported: $(grep -E 'not imported: <(controller|memballoon|input|serial|console)' "$T/server-dump.report")"
# the defined domain says no more than virt-install's: every report of the dump is one of the original's too
diff <(grep -v '^wrote ' "$T/server.report" | sed 's/^[^:]*:[0-9]*: //' | grep -v 'device addresses' | sort) \
	<(grep -v '^wrote ' "$T/server-dump.report" | sed 's/^[^:]*:[0-9]*: //' | grep -v 'device addresses' | sort) >"$T/d" ||
	fail "server: virt-install's and dumpxml's imports report differently: $(cat "$T/d")"

# --diff: libvirt's command line for the domain beside mvlaunch's, normalised
mkdir -p "$T/bin"
printf '#!/bin/bash\n. "%s/tests/e2e/libvirt.sh"\nlv_virsh "%s/lv" "$@"\n' "$TOP" "$T" >"$T/bin/virsh"
chmod +x "$T/bin/virsh"
PATH=$T/bin:$PATH expect_code 0 "$MVLAUNCH" import --diff "$T/win11.xml" || fail "import --diff failed"
cp "$T/out" "$T/win11.diff"
head -1 "$T/win11.diff" | grep -qx -- "--- libvirt: virsh domxml-to-native qemu-argv $T/win11.xml" || fail "diff header: $(head -1 "$T/win11.diff")"
for same in '  -uuid 0e4b5a6c-7d8e-4f90-a1b2-c3d4e5f60718' '  -global cfi.pflash01.secure=on' '  -global ICH9-LPC.disable_s3=1' \
	'  -accel kvm' '  -m 16384' '  -device {"driver":"tpm-crb"}' '  -device {"driver":"e1000e","mac":"52:54:00:00:00:11"}' \
	'  -rtc base=localtime,driftfix=slew' '  -netdev {"type":"tap"}'; do
	grep -qxF -- "$same" "$T/win11.diff" || fail "diff: not the same in both: $same"
done
# what differs for real: libvirt's balloon and PCIe root ports (the bridge NIC is a tap's fd in both)
grep -qxF -- '- -device {"driver":"virtio-balloon-pci"}' "$T/win11.diff" || fail "diff: libvirt's balloon not shown"
grep -q '"bridge"' "$T/win11.diff" && fail "diff: a bridge netdev: $(grep '"bridge"' "$T/win11.diff")"
grep -q '"node-name"\|"id":\|libvirt-[0-9]-format' "$T/win11.diff" && fail "diff: ids or node names left in: $(grep -m1 '"node-name"\|"id":' "$T/win11.diff")"
[ "$(tail -1 "$T/win11.diff")" = "# $(grep -c '^  ' "$T/win11.diff") the same, $(grep -c '^- ' "$T/win11.diff") only libvirt's, $(grep -c '^+ ' "$T/win11.diff") only mvlaunch's" ] ||
	fail "diff summary: $(tail -1 "$T/win11.diff")"
# without virsh: the fix; with -o: a usage error
PATH=/nonexistent expect_code 1 "$MVLAUNCH" import --diff "$T/win11.xml" && expect_err "hint: apt-get install libvirt-clients"
expect_code 2 "$MVLAUNCH" import --diff -o "$T/vms/x.toml" "$T/win11.xml" && expect_err "--diff prints the two command lines; it writes no config"
expect_code 2 "$MVLAUNCH" import --connect qemu:///system "$T/win11.xml" && expect_err "--connect only applies with --diff"
done_testing
