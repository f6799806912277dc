#!/usr/bin/env bash
# t6002-check.sh - 'mvlaunch check' on this host, with the real QEMU probe:
# the host alone passes here (KVM usable, no KSM); --json has the documented
# shape; a VM's FAILs (missing disk, unknown machine type, a CPU feature the
# model lacks, a missing QEMU binary, a passthrough device that does not
# exist) each come with their fix and exit 1, and 'up' refuses a missing disk
# before it starts QEMU. Then a fake sysfs/proc/dev tree ($MVLAUNCH_SYSROOT):
# no /dev/kvm fails, KSM and THP 'always' warn. The demo VM uses TCG (this
# host's KVM cannot run a guest), so its CPU model is TCG's "max".
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v jq >/dev/null || skip "jq is not installed (make deps)"

# the host alone
if [ -w /dev/kvm ]; then
	expect_code 0 "$MVLAUNCH" check
	expect_out "PASS  host: kvm"
	expect_out "PASS  host: kvm.disable-exits"
	expect_out "passed, "
fi
expect_code "$([ -w /dev/kvm ] && echo 0 || echo 1)" "$MVLAUNCH" check --json
jq -e '(.checks | length) > 3 and (.checks[0] | has("vm") and has("check") and has("status") and has("message") and has("fix"))
	and (.pass | type) == "number" and (.warn | type) == "number" and (.fail | type) == "number"' "$T/out" >/dev/null ||
	fail "check --json has the wrong shape: $(cat "$T/out")"

# a good VM: every FAIL-level check passes
demo_config good '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = "auto"|' 's|^vcpus = 2|vcpus = 1|' \
	's|^topology = .*|topology = "auto"|' 's|^model = .*|model = "max"\nrequire = ["sse2", "lm"]\ndisable = ["vmx"]|' \
	's|^firmware = .*|firmware = "uefi"|'
printf 'reserved_cpus = "0"\n' >"$T/vms/host.toml"
expect_code 0 "$MVLAUNCH" check good
expect_out "PASS  good: qemu "
expect_out "is QEMU "
expect_out "PASS  good: qemu.machine"
expect_out "PASS  good: qemu.options"
expect_out "PASS  good: cpu.require"
expect_out "PASS  good: cpu.disable"
expect_out "hidden from the guest: vmx"
expect_out "PASS  good: ovmf"
expect_out "PASS  good: pins"

# a bad one: each problem a FAIL with its fix
demo_config bad '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = "auto"|' 's|^vcpus = 2|vcpus = 1|' \
	's|^topology = .*|topology = "auto"|' 's|^model = .*|model = "max"\nrequire = ["sse2", "avx512-vp2intersect"]|' \
	's|^firmware = .*|firmware = "bios"\ntype = "pc-q35-1.0"|'
cat >>"$T/vms/bad.toml" <<TOML
[qemu]
extra_args = ["-overcommit", "no-such-param=on"]

[[disk]]
path = "$T/missing.qcow2"
format = "qcow2"

[[passthrough]]
host = "0000:7f:1f.7"
TOML
expect_code 1 "$MVLAUNCH" check bad
expect_out "FAIL  bad: qemu.machine"
expect_out "this QEMU has no machine type 'pc-q35-1.0'"
expect_out "FAIL  bad: cpu.require"
expect_out "lacks: avx512-vp2intersect"
expect_out "FAIL  bad: disks"
expect_out "fix: create it (qemu-img create -f qcow2 $T/missing.qcow2 SIZE)"
expect_out "FAIL  bad: passthrough"
expect_out "PCI device 0000:7f:1f.7 does not exist"
expect_out "FAIL  bad: qemu.options"
expect_out "this QEMU does not know: -overcommit no-such-param"
expect_code 1 "$MVLAUNCH" check --json bad
jq -e '[.checks[] | select(.vm == "bad" and .status == "FAIL") | .fix | type == "string"] | all' "$T/out" >/dev/null ||
	fail "a FAIL without a fix: $(cat "$T/out")"

# a FAIL means QEMU would refuse it: kernel-irqchip=split (an accelerator property QEMU takes
# on -machine) and -drive readonly=on (a legacy spelling QEMU takes but does not list) pass;
# a key QEMU refuses fails, named
demo_config opts '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = "auto"|' 's|^vcpus = 2|vcpus = 1|' \
	's|^topology = .*|topology = "auto"|' 's|^accel = .*|accel = "kvm"\niommu = "intel"|' \
	's|^model = .*|model = "host"\ndisable = ["arch-capabilities"]|'
truncate -s 1M "$T/ro.img"
printf '[qemu]\nextra_args = ["-drive", "file=%s,if=none,id=d9,readonly=on,format=raw"]\n' "$T/ro.img" >>"$T/vms/opts.toml"
"$MVLAUNCH" check opts >"$T/out" 2>&1
grep -q "PASS  opts: qemu.options" "$T/out" || fail "valid options FAIL: $(grep -A1 qemu.options "$T/out")"
sed -i 's|readonly=on,|readonly=on,bogus=1,|' "$T/vms/opts.toml"
"$MVLAUNCH" check opts >"$T/out" 2>&1
grep -q "FAIL  opts: qemu.options .*this QEMU does not know: -drive bogus$" "$T/out" ||
	fail "a key QEMU refuses passes: $(grep -A1 qemu.options "$T/out")"
# and every example's options pass (each started for real in t2001)
for ex in "$TOP"/vms/*.toml; do
	name=$(basename "$ex" .toml)
	example_here "$name" >/dev/null
	"$MVLAUNCH" check "$name" >"$T/out" 2>&1
	grep -q "PASS  $name: qemu.options" "$T/out" || fail "$name: qemu.options: $(grep -A1 qemu.options "$T/out")"
done

# up runs the FAIL-level checks first: nothing is started
expect_code 1 "$MVLAUNCH" up bad
expect_err "disk.path '$T/missing.qcow2': No such file or directory"
expect_err "hint: create it (qemu-img create"
expect_err "PCI device 0000:7f:1f.7 does not exist"
no_leftovers bad

# a pin on a CPU that does not exist
demo_config pinbad '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = ["4000"]|' 's|^vcpus = 2|vcpus = 1|' \
	's|^topology = .*|topology = "auto"|'
expect_code 1 "$MVLAUNCH" check pinbad
expect_out "FAIL  pinbad: pins"
expect_out "CPU 4000 is not online"

# two VMs checked together whose pins overlap: the second is told whose CPU it is
demo_config ov1 '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = ["1"]|' 's|^vcpus = 2|vcpus = 1|' \
	's|^topology = .*|topology = "auto"|' 's|^emulator = .*|emulator = "0"|'
sed 's/^name = .*/name = "ov2"/' "$T/vms/ov1.toml" >"$T/vms/ov2.toml"
expect_code 1 "$MVLAUNCH" check ov1 ov2
expect_out "PASS  ov1: pins"
expect_out "FAIL  ov2: pins"
expect_out "CPU 1 is owned by VM 'ov1'"

# no QEMU binary
demo_config nobin '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = "auto"|' 's|^vcpus = 2|vcpus = 1|' \
	's|^topology = .*|topology = "auto"|'
printf '[qemu]\nbinary = "/nonexistent/qemu-system-x86_64"\n' >>"$T/vms/nobin.toml"
expect_code 1 "$MVLAUNCH" check nobin
expect_out "FAIL  nobin: qemu"
expect_out "fix: apt-get install qemu-system-x86 (make deps), or set qemu.binary in"

# a fake tree: no /dev/kvm, KSM merging, THP always
mkdir -p "$T/root/sys/kernel/mm/ksm" "$T/root/sys/kernel/mm/transparent_hugepage"
echo 1 >"$T/root/sys/kernel/mm/ksm/run"
echo '[always] madvise never' >"$T/root/sys/kernel/mm/transparent_hugepage/enabled"
MVLAUNCH_SYSROOT=$T/root expect_code 1 "$MVLAUNCH" check
expect_out "FAIL  host: kvm"
expect_out "cannot open $T/root/dev/kvm"
expect_out "WARN  host: ksm"
expect_out "fix: ksm = false in host.toml"
expect_out "WARN  host: thp"
done_testing
