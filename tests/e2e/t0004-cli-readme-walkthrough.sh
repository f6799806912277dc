#!/usr/bin/env bash
# t0004-cli-readme-walkthrough.sh - README's "On your own host" lines work as
# written: each is run in turn and must exit 0. What a test may not do to
# this machine is redirected, and only that: 'make install' goes to a DESTDIR
# whose bin/ is first in PATH, /etc/ is $T/etc/ (MVLAUNCH_VMS points there, as
# /etc/mvlaunch/vms is the installed default), 'make deps' is left to CI's
# own 'make deps'. Before 'down' the guest is given the time to boot that a
# person typing the next line takes (it must hear the power button).
. "$(dirname "$0")/lib.sh" || exit 1
need_demo_guest
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

block=$(awk '/^\*\*On your own host\*\*/ { want = 1 } want && /^```sh$/ { inb = 1; next }
	inb && /^```$/ { exit } inb { print }' "$TOP/README.md")
[ -n "$block" ] || { fail "README has no 'On your own host' block"; done_testing; }
mkdir -p "$T/etc/systemd/system" "$T/inst"
export MVLAUNCH_VMS=$T/etc/mvlaunch/vms PATH=$T/inst/usr/local/bin:$PATH
n=0
while IFS= read -r line; do
	cmd=$(printf '%s\n' "$line" | sed -e 's/[[:space:]]\{2,\}#.*$//' -e 's/^make deps && //' \
		-e "s|make install|make install DESTDIR=$T/inst|" -e "s|/etc/|$T/etc/|g")
	[ -n "$cmd" ] || continue
	case $cmd in
	*"mvlaunch down "*) wait_for "$MVLAUNCH_LOGDIR/first/serial.log" "MVLAUNCH-DEMO-READY" 120 ||
		fail "the guest did not boot" ;;
	esac
	n=$((n + 1))
	(cd "$TOP" && bash -c "$cmd") >"$T/out" 2>"$T/err" || {
		fail "README line '$line' failed:"
		tail -5 "$T/err"
	}
done <<<"$block"
[ $n -ge 6 ] || fail "only $n commands in the walk-through"
# what it did: the VM is down, its unit is there
no_leftovers first
grep -q "^ExecStart=$T/inst/usr/local/bin/mvlaunch --vms $T/etc/mvlaunch/vms run --stop-timeout 60 first$" \
	"$T/etc/systemd/system/mvlaunch@first.service" || fail "the unit is not first's: $(grep Exec "$T/etc/systemd/system/mvlaunch@first.service")"
done_testing
