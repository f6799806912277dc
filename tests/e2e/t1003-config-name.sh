#!/usr/bin/env bash
# t1003-config-name.sh - a VM is known by its file name. A config copied to
# win.toml that still says name = "gaming" is refused at that line (up would
# start "gaming" and 'down win' would leave it running); without the line it
# is "win" everywhere. down, status and console of a name nobody knows say
# "no such VM" (with the nearest name) and exit 1; a name that is a path
# (../x, ., "") is refused before any path is built, and nothing is touched.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

demo_config gaming '/^\[boot\]/,$d'
cp "$T/vms/gaming.toml" "$T/vms/win.toml"
line=$(grep -n '^name = ' "$T/vms/win.toml" | cut -d: -f1)
expect_code 1 "$MVLAUNCH" up win
expect_err "mvlaunch: error: $T/vms/win.toml:$line:1: key 'name': 'gaming' differs from the file name 'win.toml': a VM is known by its file name (the commands find 'win' as win.toml); delete this line, or rename the file to gaming.toml"
[ ! -e "$MVLAUNCH_RUNDIR/gaming" ] && [ ! -e "$MVLAUNCH_RUNDIR/win" ] || fail "a refused up left a runtime directory"

sed -i '/^name = /d' "$T/vms/win.toml"
expect_code 0 "$MVLAUNCH" up --paused win && expect_out "'win' is paused"
expect_code 0 "$MVLAUNCH" status win && expect_out "win: prelaunch"
expect_code 0 "$MVLAUNCH" down win
no_leftovers win
expect_code 3 "$MVLAUNCH" status win && expect_out "win: not running"

# names nobody knows
for cmd in down status console; do
	expect_code 1 "$MVLAUNCH" $cmd wni
	expect_err "mvlaunch: error: no such VM 'wni': no wni.toml in $T/vms, and none by that name runs (did you mean 'win'?)"
done

# names that are paths: refused, and the directory they point at is left alone
mkdir -p "$T/victim" && echo keep >"$T/victim/qemu.log" && chmod 755 "$T/victim"
for name in ../victim . .. "" "a/b" ".hidden"; do
	for cmd in down status console; do
		expect_code 2 "$MVLAUNCH" $cmd "$name"
		expect_err "mvlaunch: error: invalid VM name '$name': "
	done
done
[ "$(stat -c %a "$T/victim")" = 755 ] && [ -f "$T/victim/qemu.log" ] || fail "a path-like name touched $T/victim"
done_testing
