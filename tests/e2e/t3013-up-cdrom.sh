#!/usr/bin/env bash
# t3013-up-cdrom.sh - install media and boot order, under TCG with SeaBIOS:
# a VM with a disk, a CD-ROM and an empty drive boots what boot_index puts
# first. Both boot images are made here: a few bytes of real-mode code that
# write a marker to the serial port (the CD's as an El Torito no-emulation
# image built with xorriso, the disk's as an MBR), so the serial log says
# which device the firmware booted. Then 'mvlaunch eject' and 'insert'
# change the media live, read back with QMP query-block.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v xorriso >/dev/null || skip "xorriso is not installed (make deps)"

# boot_code TEXT: mov dx,0x3f8; (mov al,C; out dx,al)...; cli; hlt; jmp hlt
boot_code() {
	local s=$1 i
	printf '\xba\xf8\x03'
	for ((i = 0; i < ${#s}; i++)); do printf "\\xb0$(printf '\\x%02x' "'${s:i:1}")\\xee"; done
	printf '\r\n' | od -An -tx1 | tr -s ' ' '\n' | sed '/^$/d' | while read -r b; do printf "\\xb0\\x$b\\xee"; done
	printf '\xfa\xf4\xeb\xfd'
}
mkdir -p "$T/cd" "$T/cd2"
{ boot_code MVL-CD-BOOT; head -c 2048 /dev/zero; } | head -c 2048 >"$T/cd/boot.bin"
echo second >"$T/cd2/README"
xorriso -as mkisofs -quiet -V MVLCD -b boot.bin -no-emul-boot -boot-load-size 4 -o "$T/cd.iso" "$T/cd" 2>"$T/xorriso.err" ||
	{ fail "xorriso: $(cat "$T/xorriso.err")"; done_testing; }
xorriso -as mkisofs -quiet -V MVLCD2 -o "$T/second.iso" "$T/cd2" 2>/dev/null || fail "xorriso (second ISO) failed"
{ boot_code MVL-DISK-BOOT; head -c 510 /dev/zero; } | head -c 510 >"$T/disk.img"
printf '\x55\xaa' >>"$T/disk.img"
truncate -s 16M "$T/disk.img"

# config DISK_INDEX CD_INDEX
config() {
	demo_config cd '/^\[boot\]/,$d'
	cat >>"$T/vms/cd.toml" <<-EOT
	[boot]
	menu = true
	[[disk]]
	path = "$T/disk.img"
	format = "raw"
	boot_index = $1
	[[disk]]
	media = "cdrom"
	path = "$T/cd.iso"
	boot_index = $2
	[[disk]]
	media = "cdrom"
	path = ""
	bus = "scsi"
	EOT
}
serial=$MVLAUNCH_LOGDIR/cd/serial.log
media() { "$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/cd/qmp.sock" query-block |
	jq -r '[.[] | select(.removable) | "\(.qdev)=\(.inserted.file // "empty")"] | join(" ")'; }

# the CD first: SeaBIOS runs the El Torito image
config 2 1
expect_code 0 "$MVLAUNCH" argv --json cd
jq -e 'index("-boot") as $i | .[$i + 1] == "menu=on,strict=on"' "$T/out" >/dev/null || fail "argv lacks -boot menu=on,strict=on"
expect_code 0 "$MVLAUNCH" up cd
wait_for "$serial" MVL-CD-BOOT 60 || fail "the VM did not boot from the CD: serial log: $(cat "$serial" 2>/dev/null)"
grep -q MVL-DISK-BOOT "$serial" && fail "the disk booted although the CD has boot_index 1"
[ "$(media)" = "disk1-dev=$T/cd.iso disk2-dev=empty" ] || fail "media at start: $(media)"

# the drive names: eject without DISK refuses with two drives, and lists them
expect_code 1 "$MVLAUNCH" eject cd
expect_err "error: the VM has several cdrom drives: disk1 ($T/cd.iso), disk2 (empty)"
expect_err "hint: name one, e.g. 'disk1'"
expect_code 1 "$MVLAUNCH" eject cd disk0
expect_err "error: no cdrom drive 'disk0'; the VM has disk1 ($T/cd.iso), disk2 (empty)"
# eject by file name, insert into the empty drive by number, then swap live
expect_code 0 "$MVLAUNCH" eject cd cd.iso
[ "$(cat "$T/out")" = "disk1: empty" ] || fail "eject said: $(cat "$T/out")"
[ "$(media)" = "disk1-dev=empty disk2-dev=empty" ] || fail "media after eject: $(media)"
(cd "$T" && "$MVLAUNCH" insert cd 2 second.iso >"$T/out" 2>"$T/err") || fail "insert failed: $(cat "$T/err")"
[ "$(cat "$T/out")" = "disk2: $T/second.iso" ] || fail "insert said: $(cat "$T/out")"
expect_code 0 "$MVLAUNCH" insert cd disk1 "$T/cd.iso"
expect_code 0 "$MVLAUNCH" insert cd disk1 "$T/second.iso"
[ "$(media)" = "disk1-dev=$T/second.iso disk2-dev=$T/second.iso" ] || fail "media after inserts: $(media)"
# bad input changes nothing
expect_code 1 "$MVLAUNCH" insert cd disk1 "$T/no-such.iso"
expect_err "error: cannot read '$T/no-such.iso': No such file or directory"
expect_code 1 "$MVLAUNCH" insert cd disk1 "$T"
expect_err "error: '$T' is not an image file or a block device"
expect_code 2 "$MVLAUNCH" insert cd disk1 "$T/cd.iso" --format vmdk
expect_err "error: --format 'vmdk': use raw or qcow2"
[ "$(media)" = "disk1-dev=$T/second.iso disk2-dev=$T/second.iso" ] || fail "bad inserts changed media: $(media)"
expect_code 0 "$MVLAUNCH" down --force cd
no_leftovers cd
expect_code 1 "$MVLAUNCH" eject cd disk1
expect_err "error: 'cd' is not running"

# the disk first: the MBR runs, the CD is not touched
config 1 2
rm -f "$serial"
expect_code 0 "$MVLAUNCH" up cd
wait_for "$serial" MVL-DISK-BOOT 60 || fail "the VM did not boot from the disk: serial log: $(cat "$serial" 2>/dev/null)"
grep -q MVL-CD-BOOT "$serial" && fail "the CD booted although the disk has boot_index 1"
expect_code 0 "$MVLAUNCH" down --force cd
no_leftovers cd
done_testing
