#!/usr/bin/env bash
# t3019-up-evdev.sh - [[input]] evdev devices. Everywhere: the argv (the
# input-linux objects, virtio keyboard and mouse), a missing evdev path as a
# config error at its line, 'input list' on a fake /dev/input/by-id and
# sysfs tree (kinds from capabilities, the VM that uses each), check's WARN
# for a device two VMs name. Where /dev/uinput exists: a virtual keyboard
# (tests/uinput-kbd.c) given to a TCG VM, which QEMU must hold open and
# grabbed (EVIOCGRAB from a second opener fails) with its grab-toggle set.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
DEMO_GUEST=${MVLAUNCH_DEMO_GUEST:-/var/cache/mvlaunch/demo-guest}
UINPUT_KBD=${UINPUT_KBD:-$(dirname "$MVLAUNCH")/tests/uinput-kbd}

# ---- argv ----
touch "$T/kbd" "$T/mouse"
demo_config ev
cat >>"$T/vms/ev.toml" <<EOT

[[input]]
evdev = "$T/kbd"
grab_all = true
repeat = true
grab_toggle = "alt-alt"
virtio = true

[[input]]
evdev = "$T/mouse"
EOT
expect_code 0 "$MVLAUNCH" argv --json ev
jq -r '.[]' "$T/out" >"$T/argv"
grep -qxF "{\"qom-type\":\"input-linux\",\"id\":\"input0\",\"evdev\":\"$T/kbd\",\"grab_all\":true,\"repeat\":true,\"grab-toggle\":\"alt-alt\"}" "$T/argv" ||
	fail "no input0 object: $(grep input-linux "$T/argv")"
grep -qxF "{\"qom-type\":\"input-linux\",\"id\":\"input1\",\"evdev\":\"$T/mouse\",\"grab-toggle\":\"ctrl-ctrl\"}" "$T/argv" ||
	fail "no input1 object: $(grep input-linux "$T/argv")"
[ "$(grep -c '"driver":"virtio-\(keyboard\|mouse\)-pci"' "$T/argv")" = 2 ] || fail "not one virtio keyboard and one mouse"
# QEMU takes the objects as they are (it opens the files: no evdev ioctls on a plain file)
qemu-system-x86_64 -machine none -nodefaults -display none -S \
	-object "$(grep -F '"id":"input0"' "$T/argv")" -qmp stdio </dev/null >"$T/q" 2>&1
grep -q "does not accept\|Invalid parameter\|Property .* not found" "$T/q" && fail "QEMU refuses the object: $(cat "$T/q")"

# ---- config errors, with their lines ----
sed -i "s|^evdev = \"$T/mouse\"|evdev = \"/dev/input/by-id/mvl-gone-event-mouse\"|" "$T/vms/ev.toml"
line=$(grep -n 'mvl-gone-event-mouse' "$T/vms/ev.toml" | cut -d: -f1)
expect_code 1 "$MVLAUNCH" argv ev
expect_err "mvlaunch: error: $T/vms/ev.toml:$line:1: key 'input[1].evdev': '/dev/input/by-id/mvl-gone-event-mouse': No such file or directory"
expect_err "hint: 'mvlaunch input list' shows this host's keyboards and mice"
sed -i 's|^grab_toggle = "alt-alt"|grab_toggle = "ctrl-alt"|' "$T/vms/ev.toml"
line=$(grep -n '^grab_toggle' "$T/vms/ev.toml" | cut -d: -f1)
expect_code 1 "$MVLAUNCH" argv ev
expect_err "$T/vms/ev.toml:$line:1: key 'input[0].grab_toggle': must be one of ctrl-ctrl, alt-alt, shift-shift, meta-meta, scrolllock, ctrl-scrolllock (got 'ctrl-alt')"

# ---- input list on a fake tree ----
R=$T/root
ev() {	# ev EVENT NAME EV KEY REL
	mkdir -p "$R/sys/class/input/$1/device/capabilities"
	echo "$2" >"$R/sys/class/input/$1/device/name"
	echo "$3" >"$R/sys/class/input/$1/device/capabilities/ev"
	echo "$4" >"$R/sys/class/input/$1/device/capabilities/key"
	echo "$5" >"$R/sys/class/input/$1/device/capabilities/rel"
}
mkdir -p "$R/dev/input/by-id"
ev event3 "Cherry USB Keyboard" 120013 "1000000000007 ff9f207ac14057ff febeffdfffefffff fffffffffffffffe" 0
ev event4 "Logitech Optical Mouse" 17 "1f0000 0 0 0 0" 143
ev event5 "Mouse-named Power Button" 3 "10000000000000 0" 0
ln -s ../event3 "$R/dev/input/by-id/usb-Cherry-event-kbd"
ln -s ../event4 "$R/dev/input/by-id/usb-Logitech-event-mouse"
ln -s ../mouse0 "$R/dev/input/by-id/usb-Logitech-mouse"
ln -s ../event5 "$R/dev/input/by-id/platform-fake-event-mouse"
demo_config gamer
printf '\n[[input]]\nevdev = "/dev/input/by-id/usb-Cherry-event-kbd"\n' >>"$T/vms/gamer.toml"
MVLAUNCH_SYSROOT=$R expect_code 0 "$MVLAUNCH" input list
cat >"$T/want" <<EOT
/dev/input/by-id/usb-Cherry-event-kbd
    keyboard (event3), Cherry USB Keyboard; used by: gamer
/dev/input/by-id/usb-Logitech-event-mouse
    mouse (event4), Logitech Optical Mouse; used by: no VM
EOT
diff -u "$T/want" "$T/out" || fail "input list differs"
MVLAUNCH_SYSROOT=$R expect_code 0 "$MVLAUNCH" input list --json
[ "$(jq -c '[.[] | [.path, .event, .kind, .used_by]]' "$T/out")" = \
  '[["/dev/input/by-id/usb-Cherry-event-kbd","event3","keyboard",["gamer"]],["/dev/input/by-id/usb-Logitech-event-mouse","event4","mouse",[]]]' ] ||
	fail "input list --json: $(cat "$T/out")"
expect_code 2 "$MVLAUNCH" input show
expect_err "unknown action 'show' for 'mvlaunch input': list"

# ---- check: present, and named by two VMs ----
demo_config a
printf '\n[[input]]\nevdev = "%s"\n' "$T/kbd" >>"$T/vms/a.toml"
sed "s|^name = .*|name = \"b\"|" "$T/vms/a.toml" >"$T/vms/b.toml"
"$MVLAUNCH" check a b >"$T/out" 2>"$T/err"
grep -Eq "^PASS  a: input +input.evdev '$T/kbd' is there and writable$" "$T/out" || fail "check: $(grep input "$T/out")"
grep -Eq "^WARN  host: input +'$T/kbd' is an \[\[input\]\] evdev of both 'a' and 'b': only one running VM can grab it$" "$T/out" ||
	fail "check does not WARN of a shared device: $(grep input "$T/out")"

# ---- live, where the kernel has uinput ----
if ! [ -w /dev/uinput ]; then
	echo "NOTE: live part skipped: no writable /dev/uinput on this host (no uinput module: $(uname -r)); argv, config errors, input list and check were tested"
	done_testing
fi
need_demo_guest
[ -x "$UINPUT_KBD" ] || { fail "no $UINPUT_KBD (make $UINPUT_KBD)"; done_testing; }
"$UINPUT_KBD" >"$T/kbd-dev" 2>"$T/kbd-err" &
kpid=$!
at_exit "kill $kpid 2>/dev/null; wait $kpid 2>/dev/null"
wait_for "$T/kbd-dev" /dev/input/event 5 || { fail "uinput-kbd made no device: $(cat "$T/kbd-err")"; done_testing; }
dev=$(head -1 "$T/kbd-dev")
demo_config live
printf '\n[[input]]\nevdev = "%s"\ngrab_toggle = "scrolllock"\n' "$dev" >>"$T/vms/live.toml"
expect_code 0 "$MVLAUNCH" up live
at_exit "\"$MVLAUNCH\" down --force live >/dev/null 2>&1"
pid=$(cat "$MVLAUNCH_RUNDIR/live/qemu.pid")
ls -l "/proc/$pid/fd" 2>/dev/null | grep -qF -- "-> $dev" || fail "QEMU does not hold $dev open"
python3 - "$dev" <<'EOT' || fail "a second opener could grab $dev: QEMU has not grabbed it"
import errno, fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
try:
    fcntl.ioctl(fd, 0x40044590, 1)   # EVIOCGRAB
except OSError as e:
    sys.exit(0 if e.errno == errno.EBUSY else 1)
sys.exit(1)
EOT
q() { "$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/live/qmp.sock" "$@"; }
[ "$(q qom-get '{"path":"/objects/input0","property":"grab-toggle"}')" = '"scrolllock"' ] ||
	fail "grab-toggle: $(q qom-get '{"path":"/objects/input0","property":"grab-toggle"}')"
# placement: input-linux adds no thread; every QEMU thread that is not a vCPU stays on the emulator CPUs
expect_code 0 "$MVLAUNCH" down --force live
no_leftovers live
done_testing
