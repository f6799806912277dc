#!/usr/bin/env bash
# t3009-down-graceful.sh - 'down' never powers off a guest that is still
# shutting down unless asked: the demo guest (TCG) is told to ignore the
# power button, like a Windows guest installing updates; 'down --timeout 2'
# then exits 1 and leaves it running with the way to force it; on a terminal
# it shows how long it has waited. --kill-after gives the old wait-then-stop,
# --force stops at once, and the config's service.stop_timeout is the wait.
. "$(dirname "$0")/lib.sh" || exit 1
need_demo_guest
command -v script >/dev/null || skip "no 'script' (util-linux) to give down a terminal"

demo_config slow 's|^\[machine\]|[service]\nstop_timeout = 2\n[machine]|'
expect_code 0 "$MVLAUNCH" up slow || done_testing
pid=$(cat "$MVLAUNCH_RUNDIR/slow/qemu.pid")
wait_for "$MVLAUNCH_LOGDIR/slow/serial.log" "MVLAUNCH-DEMO-READY" 120 || fail "the guest did not boot"
# the guest stops listening to its power button
printf 'p=$(pidof head); kill -9 $(cut -d" " -f4 /proc/$p/stat) $p; echo ignoring-$((6 * 7))\n' |
	"$MVLAUNCH" console --wait 2 slow >"$T/console" 2>&1
grep -q "ignoring-42" "$T/console" || fail "the guest did not answer: $(tail -3 "$T/console")"

# the wait comes from service.stop_timeout (2 s); then down gives up and leaves the guest alone
start=$(date +%s)
expect_code 1 "$MVLAUNCH" down slow
took=$(($(date +%s) - start))
[ $took -ge 2 ] && [ $took -lt 10 ] || fail "down waited $took s, not the config's 2"
expect_err "mvlaunch: error: 'slow' is still running 2 s after the ACPI power-down; it was left running"
expect_err "hint: wait longer with 'mvlaunch down --timeout SECONDS slow', or stop it at once with 'mvlaunch down --force slow'"
alive "$pid" || fail "down killed the guest"
expect_code 0 "$MVLAUNCH" status slow && expect_out "slow: running"

# on a terminal, down says how long it has waited
script -qec "$MVLAUNCH down --timeout 2 slow" /dev/null >"$T/tty" 2>&1
grep -q "waiting for 'slow' to shut down: 1 s of 2" "$T/tty" || fail "no progress on a terminal: $(tr '\r' '\n' <"$T/tty" | head -5)"
alive "$pid" || fail "down on a terminal killed the guest"

# QMP taken by another client: the power button cannot be pressed, and down does not pull the plug instead
python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.recv(4096); time.sleep(30)' \
	"$MVLAUNCH_RUNDIR/slow/qmp.sock" &
holder=$!
sleep 0.5
expect_code 1 "$MVLAUNCH" down slow
expect_err "mvlaunch: error: cannot reach 'slow' on its QMP socket to press the power button"
alive "$pid" || fail "down without QMP killed the guest"
kill $holder 2>/dev/null
wait $holder 2>/dev/null

# --kill-after: wait, then stop it (what systemd's ExecStop does)
expect_code 0 "$MVLAUNCH" down --timeout 1 --kill-after slow &&
	expect_out "'slow' did not shut down within 1 s of the ACPI power-down: stopped with QMP quit"
alive "$pid" && fail "QEMU still runs after --kill-after"
no_leftovers slow

# --force: at once, whatever the guest does
expect_code 0 "$MVLAUNCH" up --paused slow
expect_code 0 "$MVLAUNCH" down --force slow && expect_out "'slow' stopped with QMP quit"
no_leftovers slow
expect_code 2 "$MVLAUNCH" down --force --kill-after slow && expect_err "--force and --kill-after contradict each other"
done_testing
