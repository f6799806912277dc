#!/usr/bin/env bash
# t3018-up-usb.sh - [[usb]]: host USB devices for a VM, without real ones.
# QEMU's usb-host with a vendor:product that is not plugged in still creates
# the device (it takes the device when it appears), so: the xHCI controller
# in query-pci (1b36:000d), the usb-host in qom-list, 'check' and 'up'
# saying it is not plugged in, 'usb attach'/'usb detach' round-tripping over
# QMP, QEMU's extra threads only on the emulator CPU, the listing of a fake
# /sys/bus/usb tree ($MVLAUNCH_SYSROOT), and a bad config's error.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
need_demo_guest

# one vCPU on CPU 1, everything else (the emulator, libusb's threads) on CPU 0
demo_config us 's/^vcpus = 2/vcpus = 1/' 's/cores = 2/cores = 1/' 's/^vcpus = \["0", "1"\].*/vcpus = ["1"]/' \
	's/^emulator = .*/emulator = "0"/'
printf '[[usb]]\nvendor = "F00D"\nproduct = "beef"\n' >>"$T/vms/us.toml"

expect_code 0 "$MVLAUNCH" argv us
expect_out "'{\"driver\":\"qemu-xhci\",\"id\":\"xhci\"}'"
expect_out "'{\"driver\":\"usb-host\",\"id\":\"usb0\",\"bus\":\"xhci.0\",\"vendorid\":61453,\"productid\":48879}'"
[ "$(grep -c qemu-xhci "$T/out")" = 1 ] || fail "not exactly one xHCI: $(grep qemu-xhci "$T/out")"

"$MVLAUNCH" check us >"$T/out" 2>&1
grep -q "WARN.*usb\[0\] f00d:beef is not plugged in: QEMU picks it up when it appears" "$T/out" ||
	fail "check: no WARN for the absent device: $(grep -i usb "$T/out")"

expect_code 0 "$MVLAUNCH" up --paused us
expect_err "warning: usb[0] f00d:beef is not plugged in: QEMU picks it up when it appears"
qmp() { "$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/us/qmp.sock" "$@"; }
usb_ids() { qmp qom-list '{"path":"/machine/peripheral"}' |
	jq -r '[.[] | select(.type == "child<usb-host>") | .name] | sort | join(" ")'; }
qmp query-pci >"$T/pci.json" || fail "query-pci failed"
[ "$(jq '[.[0].devices[] | select(.id.vendor == 6966 and .id.device == 13)] | length' "$T/pci.json")" = 1 ] ||
	fail "query-pci has no xHCI (1b36:000d)"
[ "$(usb_ids)" = usb0 ] || fail "usb-host devices: '$(usb_ids)', expected usb0"

# the threads QEMU made (libusb's among them) are on the emulator CPU; only the vCPU is on CPU 1
pid=$(cat "$MVLAUNCH_RUNDIR/us/qemu.pid")
for t in /proc/$pid/task/*; do
	comm=$(cat "$t/comm")
	cpus=$(awk '/^Cpus_allowed_list/ { print $2 }' "$t/status")
	case $comm in
	"CPU 0/"*) [ "$cpus" = 1 ] || fail "vCPU thread on $cpus, not 1" ;;
	*) [ "$cpus" = 0 ] || fail "thread '$comm' ($(basename "$t")) on CPUs $cpus, not the emulator's 0" ;;
	esac
done

# live attach and detach, read back from QEMU
expect_code 0 "$MVLAUNCH" usb attach us 0951:1666
[ "$(cat "$T/out")" = "0951:1666 attached to 'us'" ] || fail "attach said: $(cat "$T/out")"
[ "$(usb_ids)" = "usb-0951-1666 usb0" ] || fail "after attach: '$(usb_ids)'"
expect_code 1 "$MVLAUNCH" usb attach us 0951:1666
expect_err "error: 0951:1666 is already attached to 'us' (device 'usb-0951-1666')"

# the listing on a fake tree: the config's device and the live one
mk() {	# mk DIR VENDOR PRODUCT BUS DEVPATH [MANUFACTURER PRODUCT SERIAL]
	local d=$T/root/sys/bus/usb/devices/$1
	mkdir -p "$d"
	echo "$2" >"$d/idVendor"; echo "$3" >"$d/idProduct"; echo "$4" >"$d/busnum"; echo "$5" >"$d/devpath"
	[ -n "${6-}" ] && echo "$6" >"$d/manufacturer"
	[ -n "${7-}" ] && echo "$7" >"$d/product"
	[ -n "${8-}" ] && echo "$8" >"$d/serial"
	:
}
mk usb1 1d6b 0002 1 0 Linux "xHCI Host Controller"
mk 1-2 f00d beef 1 2 Acme "Game Pad"
mk 1-2.1 0951 1666 1 2.1 Kingston DataTraveler 60A44C3FACC9E9B0
mk 1-10 8087 0033 1 10
mkdir -p "$T/root/sys/bus/usb/devices/1-2:1.0"
MVLAUNCH_SYSROOT=$T/root expect_code 0 "$MVLAUNCH" usb us
cat >"$T/want" <<'EOT'
BUS  PORT     ID         SERIAL               VM               DEVICE
1    2        f00d:beef  -                    us               Acme Game Pad
1    2.1      0951:1666  60A44C3FACC9E9B0     us (live)        Kingston DataTraveler
1    10       8087:0033  -                    -                -
EOT
diff -u "$T/want" "$T/out" || fail "'mvlaunch usb us' printed something else"
MVLAUNCH_SYSROOT=$T/root expect_code 0 "$MVLAUNCH" usb --json
[ "$(jq -c '[.devices[] | "\(.bus)-\(.port) \(.vendor):\(.product) \(.vms)"]' "$T/out")" = \
	'["1-2 f00d:beef [\"us\"]","1-2.1 0951:1666 [\"us (live)\"]","1-10 8087:0033 []"]' ] ||
	fail "usb --json: $(cat "$T/out")"

# serial: of two identical sticks, the one with that serial, by the bus and port it is plugged in now
mk 1-2.2 0951 1666 1 2.2 Kingston DataTraveler 0019E06B9C64EF2E
demo_config ser '/^\[boot\]/,$d' '/^\[pinning\]/,/^$/d'
printf '[[usb]]\nvendor = "0951"\nproduct = "1666"\nserial = "0019E06B9C64EF2E"\n' >>"$T/vms/ser.toml"
MVLAUNCH_SYSROOT=$T/root expect_code 0 "$MVLAUNCH" argv --json ser
jq -e '.[] | select(. == "{\"driver\":\"usb-host\",\"id\":\"usb0\",\"bus\":\"xhci.0\",\"hostbus\":1,\"hostport\":\"2.2\"}")' \
	"$T/out" >/dev/null || fail "serial not found at 1-2.2: $(jq -c '[.[] | select(contains("usb-host"))]' "$T/out")"
rm -rf "$T/root/sys/bus/usb/devices/1-2.2"
MVLAUNCH_SYSROOT=$T/root expect_code 0 "$MVLAUNCH" argv --json ser
jq -e '.[] | select(. == "{\"driver\":\"usb-host\",\"id\":\"usb0\",\"bus\":\"xhci.0\",\"vendorid\":2385,\"productid\":5734}")' \
	"$T/out" >/dev/null || fail "an absent serial: $(jq -c '[.[] | select(contains("usb-host"))]' "$T/out")"

expect_code 0 "$MVLAUNCH" usb detach us 0951:1666
[ "$(cat "$T/out")" = "0951:1666 detached from 'us'" ] || fail "detach said: $(cat "$T/out")"
[ "$(usb_ids)" = usb0 ] || fail "after detach: '$(usb_ids)'"
expect_code 1 "$MVLAUNCH" usb detach us 0951:1666
expect_err "error: 0951:1666 is not attached to 'us' live"
expect_code 2 "$MVLAUNCH" usb attach us 951:1666
expect_err "error: '951:1666' is not a USB device's vendor:product like 046d:c52b"

# without the device the fake tree lists it as not plugged in
rm -rf "$T/root/sys/bus/usb/devices/1-2"
MVLAUNCH_SYSROOT=$T/root expect_code 0 "$MVLAUNCH" usb us
expect_out "us: usb[0] f00d:beef is not plugged in (QEMU picks it up when it appears)"
expect_code 0 "$MVLAUNCH" down --force us
no_leftovers us

# a VM without a USB controller: attach says so
demo_config plain
expect_code 0 "$MVLAUNCH" up --paused plain
expect_code 1 "$MVLAUNCH" usb attach plain 046d:c52b
expect_err "error: 'plain' has no USB controller to attach to"
expect_err "hint: a [[usb]] table or a [display] gives it one (qemu-xhci); add either and restart the VM"
expect_code 0 "$MVLAUNCH" down --force plain

# a bad config: the file, line and key
printf '[[usb]]\nvendor = "046d"\nproduct = "c52b"\nbus = 1\nport = "2.1"\n' >>"$T/vms/plain.toml"
expect_code 1 "$MVLAUNCH" argv plain
expect_err "plain.toml:$(($(wc -l <"$T/vms/plain.toml") - 1)):1: key 'usb[0].bus': names a port, vendor and product a device: use one or the other"
done_testing
