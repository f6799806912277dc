#!/usr/bin/env bash
# t5006-host-vfio.sh - managed passthrough end to end, on a fake sysfs tree
# ($MVLAUNCH_SYSROOT; no real device is ever unbound here): IOMMU group 7
# holds a GPU (amdgpu, the boot VGA), its audio function (snd_hda_intel), a
# USB controller with no driver and a bridge (pcieport); vfio-pci is not
# loaded. sysfs.c's stand-ins move the driver links as the kernel would.
# - check warns that the GPU is the boot VGA; up --dry-run lists the three
#   swaps and changes nothing;
# - up binds the group and fails at QEMU (the device is fake): every
#   function is back on exactly its driver, driver_override "(null)", no
#   host.json, and the files the stand-ins wrote show the swap happened;
# - an up killed (SIGKILL) when it forks QEMU leaves the group on vfio-pci
#   with the originals in host.json; the next status gives it all back.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
need_demo_guest
command -v jq >/dev/null || skip "jq is not installed (make deps)"
command -v strace >/dev/null || skip "strace is not installed (make deps)"

root=$T/root
pci=$root/sys/bus/pci
mkdir -p "$pci/devices" "$pci/drivers" "$root/sys/kernel/iommu_groups/7/devices"
: >"$pci/drivers_probe"
# dev ADDR CLASS DRIVER|-
dev() {
	local d=$pci/devices/$1
	mkdir -p "$d"
	echo "$2" >"$d/class"
	echo "(null)" >"$d/driver_override"
	ln -s "../../../../kernel/iommu_groups/7" "$d/iommu_group"
	ln -s "../../../../bus/pci/devices/$1" "$root/sys/kernel/iommu_groups/7/devices/$1"
	if [ "$3" != - ]; then
		mkdir -p "$pci/drivers/$3"
		: >"$pci/drivers/$3/bind"
		: >"$pci/drivers/$3/unbind"
		ln -s "../../../bus/pci/drivers/$3" "$d/driver"
	fi
}
dev 0000:01:00.0 0x030000 amdgpu
dev 0000:01:00.1 0x040300 snd_hda_intel
dev 0000:01:00.2 0x0c0330 -
dev 0000:00:01.0 0x060400 pcieport
echo 1 >"$pci/devices/0000:01:00.0/boot_vga"
fake_root_cgroups "$root"
export MVLAUNCH_SYSROOT=$root

driver() { readlink "$pci/devices/$1/driver"; }
# original WHAT: the tree as it was before any up
original() {
	[ "$(driver 0000:01:00.0)" = ../../../bus/pci/drivers/amdgpu ] || fail "$1: 01:00.0 is on '$(driver 0000:01:00.0)'"
	[ "$(driver 0000:01:00.1)" = ../../../bus/pci/drivers/snd_hda_intel ] || fail "$1: 01:00.1 is on '$(driver 0000:01:00.1)'"
	[ ! -e "$pci/devices/0000:01:00.2/driver" ] || fail "$1: 01:00.2 is on '$(driver 0000:01:00.2)', had no driver"
	[ "$(driver 0000:00:01.0)" = ../../../bus/pci/drivers/pcieport ] || fail "$1: the bridge is on '$(driver 0000:00:01.0)'"
	local a
	for a in 0000:01:00.0 0000:01:00.1 0000:01:00.2 0000:00:01.0; do
		[ "$(cat "$pci/devices/$a/driver_override")" = "(null)" ] ||
			fail "$1: $a driver_override is '$(cat "$pci/devices/$a/driver_override")'"
	done
	[ ! -e "$T/run/host.json" ] || fail "$1: host.json left: $(cat "$T/run/host.json")"
}

demo_config gpu '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = "auto"|' 's|^vcpus = 2|vcpus = 1|' \
	's|^topology = .*|topology = "auto"|'
printf '[[passthrough]]\nhost = "01:00.0"\nmultifunction = true\n[[passthrough]]\nhost = "01:00.1"\n' >>"$T/vms/gpu.toml"
# VFIO needs RLIMIT_MEMLOCK raised for QEMU's user, which needs CAP_SYS_RESOURCE: this machine's root
# lacks it (a container), so QEMU stays root here (a host limit; elsewhere it runs as mvlaunch-qemu)
has_cap 24 || printf '[security]\nuser = "root"\n' >>"$T/vms/gpu.toml"

# check: the boot VGA warning, the group's functions
"$MVLAUNCH" check gpu >"$T/out" 2>"$T/err"
expect_out "WARN  gpu: passthrough"
expect_out "0000:01:00.0: 0000:01:00.0 is the host's boot VGA device: 'up' unbinds it from amdgpu, which blanks the host's console and desktop"
expect_out "PASS  gpu: passthrough"
expect_out "IOMMU group 7, 3 functions (bridges excepted): 'up' binds them to vfio-pci, 'down' gives each its driver back (managed)"

# up --dry-run: the swaps listed, nothing changed
expect_code 0 "$MVLAUNCH" up --dry-run gpu
expect_out "/sys/bus/pci/devices/0000:01:00.0/driver: amdgpu -> vfio-pci"
expect_out "/sys/bus/pci/devices/0000:01:00.1/driver: snd_hda_intel -> vfio-pci"
expect_out "/sys/bus/pci/devices/0000:01:00.2/driver: (none) -> vfio-pci"
grep -q 0000:00:01.0 "$T/out" && fail "up --dry-run would unbind the bridge: $(cat "$T/out")"
original "up --dry-run"
[ ! -e "$pci/drivers/vfio-pci" ] || fail "up --dry-run loaded vfio-pci"

# up: bound, then QEMU refuses the fake device, and every failure path undoes
expect_code 1 "$MVLAUNCH" up --paused gpu
expect_err "vfio"
expect_err "is the host's boot VGA device"	# check's warning, at up
original "a failed up"
[ -d "$pci/drivers/vfio-pci" ] || fail "vfio-pci was not loaded (its stand-in)"
[ "$(cat "$pci/drivers/vfio-pci/bind")" = 0000:01:00.2 ] || fail "nothing was bound to vfio-pci"
[ "$(cat "$pci/drivers/snd_hda_intel/unbind")" = 0000:01:00.1 ] || fail "01:00.1 was never unbound"
[ "$(cat "$pci/drivers/snd_hda_intel/bind")" = 0000:01:00.1 ] || fail "01:00.1 was not bound back to snd_hda_intel"
no_leftovers gpu

# up killed when it forks QEMU: the group stays on vfio-pci, host.json has the originals...
exec 3>&2 2>/dev/null	# bash reports the strace that dies of its tracee's SIGKILL
(strace -qq -o /dev/null -e trace=clone,clone3,fork,vfork -e inject=clone,clone3,fork,vfork:signal=KILL:when=1 \
	"$MVLAUNCH" up --paused gpu >/dev/null 2>"$T/err") 2>/dev/null
rc=$?
exec 2>&3
[ $rc = 137 ] || fail "up under strace was not killed at the fork (exit $rc): $(head -3 "$T/err")"
[ "$(driver 0000:01:00.1)" = ../../../bus/pci/drivers/vfio-pci ] || fail "killed up: 01:00.1 is on '$(driver 0000:01:00.1)'"
[ "$(cat "$pci/devices/0000:01:00.1/driver_override")" = vfio-pci ] || fail "killed up: no driver_override"
jq -e '.vfio["0000:01:00.0"] == {"driver": "amdgpu", "driver_override": ""}
	and .vfio["0000:01:00.2"] == {"driver": null, "driver_override": ""}
	and .holders.gpu.vfio == ["0000:01:00.0", "0000:01:00.1", "0000:01:00.2"]' "$T/run/host.json" >/dev/null ||
	fail "host.json after a killed up: $(cat "$T/run/host.json" 2>&1)"
# ...and the next command gives it back exactly
expect_code 3 "$MVLAUNCH" status gpu
expect_err "released what 'gpu' held: its QEMU is gone"
original "status after a killed up"
expect_code 0 "$MVLAUNCH" host status --json
jq -e '.holders == {} and (has("vfio") | not)' "$T/out" >/dev/null || fail "host status: $(cat "$T/out")"
expect_code 0 "$MVLAUNCH" down gpu
no_leftovers gpu

# managed = false: up binds nothing (and the check wants vfio-pci already)
sed -i 's|^host = "01:00.1"|host = "01:00.1"\nmanaged = false|; s|^multifunction = true|multifunction = true\nmanaged = false|' "$T/vms/gpu.toml"
"$MVLAUNCH" check gpu >"$T/out" 2>"$T/err"
expect_out "IOMMU group 7 has devices not bound to vfio-pci: 0000:01:00.0 (amdgpu), 0000:01:00.1 (snd_hda_intel), 0000:01:00.2 (no driver)"
for f in "$pci"/drivers/*/bind "$pci"/drivers/*/unbind; do : >"$f"; done
expect_code 1 "$MVLAUNCH" up --paused gpu
expect_err "has devices not bound to vfio-pci"
original "up with managed = false"
[ -z "$(cat "$pci"/drivers/*/bind "$pci"/drivers/*/unbind)" ] || fail "managed = false wrote a bind or unbind file"
no_leftovers gpu
done_testing
