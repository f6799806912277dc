#!/usr/bin/env bash
# t3007-up-block-device.sh - a disk on a block device (a whole SSD, an LVM
# volume, a zvol, /dev/disk/by-id/...) starts: QEMU's "file" driver refuses
# anything but a regular file, so mvlaunch uses "host_device". A loop device
# stands in for the disk; QEMU's own query-block says which driver opened it.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v losetup >/dev/null || skip "losetup is not installed (make deps: util-linux)"

truncate -s 64M "$T/disk.img"
loop=$(losetup -f --show "$T/disk.img" 2>/dev/null) || skip "no loop device here (losetup -f failed)"
at_exit "losetup -d $loop"
ln -s "$loop" "$T/by-id-disk"	# like /dev/disk/by-id/ata-...: a symlink to the device

for path in "$loop" "$T/by-id-disk"; do
	demo_config blk '/^\[boot\]/,$d'
	printf '[[disk]]\npath = "%s"\ncache = "none"\n' "$path" >>"$T/vms/blk.toml"
	expect_code 0 "$MVLAUNCH" argv --json blk
	jq -e --arg p "$path" '[.[] | select(startswith("{\"driver\":\"host_device\",\"filename\":\"" + $p + "\""))] | length == 1' \
		"$T/out" >/dev/null || fail "argv has no host_device blockdev for $path: $(grep -o '{"driver":"[a-z_]*","filename[^}]*' "$T/out")"
	expect_code 0 "$MVLAUNCH" up --paused blk || continue
	"$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/blk/qmp.sock" query-named-block-nodes >"$T/nodes.json" ||
		fail "query-named-block-nodes failed"
	drv=$(jq -r '.[] | select(."node-name" == "disk0-file") | "\(.drv) \(.file)"' "$T/nodes.json")
	[ "$drv" = "host_device $path" ] || fail "QEMU opened the disk as '$drv', expected 'host_device $path'"
	expect_code 0 "$MVLAUNCH" down --force blk
	no_leftovers blk
done
done_testing
