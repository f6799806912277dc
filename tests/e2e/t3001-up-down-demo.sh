#!/usr/bin/env bash
# t3001-up-down-demo.sh - the whole lifecycle on the real demo guest under TCG
# (this host's nested KVM cannot run a guest past protected mode): up pins
# every thread before the guest runs, the guest boots and reports its CPUs on
# the serial port, status --json shows the live pins, console reaches the
# guest's shell (one console at a time; one killed on a terminal puts the
# terminal back), down powers it off over ACPI and leaves nothing behind.
. "$(dirname "$0")/lib.sh" || exit 1
need_demo_guest

# vms/demo.toml as shipped (only the guest's directory may differ)
sed "s|/var/cache/mvlaunch/demo-guest|$DEMO_GUEST|" "$TOP/vms/demo.toml" >"$T/vms/demo1.toml"
expect_code 0 "$MVLAUNCH" plan --json demo1 || done_testing
vcpu0=$(jq -r '.vms[0].vcpus[0].cpus | map(tostring) | join(",")' "$T/out")
vcpu1=$(jq -r '.vms[0].vcpus[1].cpus | map(tostring) | join(",")' "$T/out")
emu=$(jq -r '.vms[0].emulator | map(tostring) | join(",")' "$T/out")
expect_code 0 "$MVLAUNCH" up demo1 || { cat "$T/err"; done_testing; }
expect_out "'demo1' is running"
[ ! -s "$T/err" ] || fail "the shipped demo prints warnings: $(cat "$T/err")"
pid=$(cat "$T/run/demo1/qemu.pid")

# runtime files: private directory (readable by the status group when the host has one; QEMU's user
# binds its sockets there: an ACL entry, so the mode's group bits show the ACL mask), private sockets
if getent group "${MVLAUNCH_GROUP:-mvlaunch}" >/dev/null; then
	[ "$(stat -c %G "$T/run/demo1")" = "${MVLAUNCH_GROUP:-mvlaunch}" ] ||
		fail "runtime dir is of group $(stat -c %G "$T/run/demo1"), not ${MVLAUNCH_GROUP:-mvlaunch}"
	[ "$(acl_of "$T/run/demo1")" = "user::rwx user:mvlaunch-qemu:rwx group::r-x mask::rwx other::---" ] ||
		fail "runtime dir's ACL: $(acl_of "$T/run/demo1")"
	[ "$(stat -c %a "$T/run/demo1/state.json")" = 640 ] || fail "state.json is not 0640"
else
	[ "$(acl_of "$T/run/demo1")" = "user::rwx user:mvlaunch-qemu:rwx group::--- mask::rwx other::---" ] ||
		fail "runtime dir's ACL: $(acl_of "$T/run/demo1") (no status group here)"
fi
[ "$(stat -c %a "$T/run/demo1/qmp.sock")" = 600 ] || fail "qmp.sock is not 0600"

# list form of a comma list ("0,1" -> "0-1") as the kernel prints it
ranges() { python3 -c '
import sys
c = [int(x) for x in sys.argv[1].split(",")]
out, s = [], c[0]
for a, b in zip(c, c[1:] + [None]):
    if b != a + 1:
        out.append(str(s) if s == a else "%d-%d" % (s, a)); s = b
print(",".join(out))' "$1"; }
# every vCPU thread where the plan put it (the shared pool), every other thread on the host's CPUs
for tdir in /proc/$pid/task/*; do
	tid=${tdir##*/}
	comm=$(cat "$tdir/comm")
	case $comm in
	"CPU 0/TCG") want=$(ranges "$vcpu0") ;;
	"CPU 1/TCG") want=$(ranges "$vcpu1") ;;
	*) want=$(ranges "$emu") ;;
	esac
	[ "$(cpus_of "$tid")" = "$want" ] || fail "thread $tid ($comm) has CPUs $(cpus_of "$tid"), planned $want"
done

# status --json shows the same, read from the kernel
expect_code 0 "$MVLAUNCH" status --json demo1
[ "$(jq -r '.vms[0].state' "$T/out")" = running ] || fail "status is not running: $(jq -c '.vms[0].state' "$T/out")"
[ "$(jq -r '.vms[0].pid' "$T/out")" = "$pid" ] || fail "status pid differs"
[ "$(jq -r '.vms[0].threads[] | select(.role == "vcpu" and .vcpu == 1) | .cpus | map(tostring) | join(",")' "$T/out")" = "$vcpu1" ] ||
	fail "status shows vcpu1 elsewhere"
[ "$(jq -r '.vms[0].drift' "$T/out")" = false ] || fail "status reports drift"
expect_code 0 "$MVLAUNCH" list && expect_out "demo1"

# the guest boots and reports what it sees
wait_for "$T/log/demo1/serial.log" "MVLAUNCH-DEMO-READY" 120 || fail "no marker line in serial.log"
grep -q "MVLAUNCH-DEMO: cpus online: 0-1 (count 2)" "$T/log/demo1/serial.log" || fail "guest does not see 2 CPUs"
grep -q "MVLAUNCH-DEMO: L3 cache: " "$T/log/demo1/serial.log" || fail "guest reports no L3 line"

# a drifted pin is flagged
"$MVLAUNCH" status --json demo1 >"$T/status.json"
vtid=$(jq -r '.vms[0].threads[] | select(.role == "vcpu" and .vcpu == 0) | .tid' "$T/status.json")
taskset -p -c "${vcpu0%%,*}" "$vtid" >/dev/null
expect_code 0 "$MVLAUNCH" status demo1 && expect_out "DRIFT"
taskset -p -c "$(ranges "$vcpu0")" "$vtid" >/dev/null

# the console reaches the guest's shell
printf 'echo console-$((6 * 7))\n' | "$MVLAUNCH" console --wait 2 demo1 >"$T/console" 2>&1
grep -q "console-42" "$T/console" || fail "no answer on the console: $(tail -3 "$T/console")"
# one console at a time: a second is refused at once, not left waiting in QEMU's queue
lock=$MVLAUNCH_RUNDIR/demo1/console.lock
( sleep 4 | "$MVLAUNCH" console --wait 1 demo1 >/dev/null 2>"$T/held.err" ) &
held=$!
# (looked for in /proc/locks: a probe with flock(1) would take the lock itself for a moment)
held_lock() { grep -q "FLOCK .* $(printf '%02x:%02x:%d' $(stat -c '%Hd %Ld %i' "$lock")) " /proc/locks; }
for _ in $(seq 100); do held_lock && break; sleep 0.05; done
held_lock || fail "the first console never took $lock"
expect_code 1 timeout 10 "$MVLAUNCH" console --wait 1 demo1 </dev/null
expect_err "error: the serial console of 'demo1' is in use: another 'mvlaunch console demo1' is attached"
wait "$held" || fail "the first console ended with $?: $(cat "$T/held.err")"
# ... and a client that is not mvlaunch (QEMU's query-chardev names it connected) refuses it too
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); time.sleep(20)' "$MVLAUNCH_RUNDIR/demo1/serial.sock" &
other=$!
connected() { "$MVLAUNCH" qmp --compact demo1 query-chardev | grep -q '"filename":"unix:[^"]*serial.sock'; }
for _ in $(seq 100); do connected && break; sleep 0.05; done
connected || fail "QEMU never saw the other client on serial.sock"
expect_code 1 timeout 10 "$MVLAUNCH" console --wait 1 demo1 </dev/null
expect_err "error: the serial console of 'demo1' is in use: another client is connected to '$MVLAUNCH_RUNDIR/demo1/serial.sock'"
kill "$other"
wait "$other" 2>/dev/null
# a console on a terminal (a pty from script(1)) killed by SIGTERM puts the terminal back as it was
cat >"$T/tty.sh" <<EOF
stty -g >"$T/tty.before"
"$MVLAUNCH" console demo1 </dev/tty >/dev/null 2>&1 &
for _ in \$(seq 100); do stty -g >"$T/tty.raw"; cmp -s "$T/tty.before" "$T/tty.raw" || break; sleep 0.05; done
kill -TERM \$!
wait \$!
echo "exit \$?" >"$T/tty.exit"
stty -g >"$T/tty.after"
EOF
timeout 20 script -qec "sh $T/tty.sh" /dev/null >/dev/null 2>&1 </dev/null
[ "$(cat "$T/tty.exit" 2>/dev/null)" = "exit 143" ] || fail "console on SIGTERM: $(cat "$T/tty.exit" 2>/dev/null)"
[ -s "$T/tty.before" ] && ! cmp -s "$T/tty.before" "$T/tty.raw" || fail "the console did not make the terminal raw"
cmp -s "$T/tty.before" "$T/tty.after" || fail "SIGTERM left the terminal raw: $(cat "$T/tty.after" 2>/dev/null)"

# down: ACPI power-down, the guest powers off
expect_code 0 "$MVLAUNCH" down --timeout 60 demo1 && expect_out "'demo1' shut down (ACPI power-down)"
no_leftovers demo1
expect_code 3 "$MVLAUNCH" status demo1 && expect_out "demo1: not running"
expect_code 0 "$MVLAUNCH" down demo1 && expect_out "'demo1' is not running"
done_testing
