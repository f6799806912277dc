#!/usr/bin/env bash
# t3002-up-failures.sh - every way 'up' can fail ends with a clear message,
# exit 1, no QEMU left running and no runtime file left behind. Uses TCG and
# the paused demo VM without its kernel (no guest needs to boot here).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

nokernel='/^\[boot\]/,$d'

# QEMU binary missing
demo_config nobin "$nokernel" 's|^\[machine\]|[qemu]\nbinary = "/nonexistent/qemu-system-x86_64"\n[machine]|'
expect_code 1 "$MVLAUNCH" up nobin
expect_err "mvlaunch: error: cannot run '/nonexistent/qemu-system-x86_64': No such file or directory"
expect_err "hint: install QEMU"
no_leftovers nobin

# QEMU exits at start (a bad extra argument): its own message is shown
demo_config badarg "$nokernel" 's|^\[machine\]|[qemu]\nextra_args = ["-no-such-option"]\n[machine]|'
expect_code 1 "$MVLAUNCH" up badarg
expect_err "QEMU exited with status 1 while starting; the end of its log:"
expect_err "-no-such-option: invalid option"
no_leftovers badarg

# QMP never answers: a wrapper stops the real QEMU right after it starts
cat >"$T/stopped-qemu" <<'SH'
#!/bin/sh
kill -STOP $$
exec qemu-system-x86_64 "$@"
SH
chmod +x "$T/stopped-qemu"
demo_config mute "$nokernel" "s|^\\[machine\\]|[qemu]\\nbinary = \"$T/stopped-qemu\"\\n[machine]|"
expect_code 1 "$MVLAUNCH" up --timeout 2 mute
expect_err "QEMU did not answer on QMP ('$T/run/mute/qmp.sock') within 2000 ms"
no_leftovers mute
pgrep -f -- "$T/stopped-qemu" >/dev/null && fail "the stopped QEMU was not killed"

# a pin to a CPU that does not exist: refused before anything starts
demo_config badpin "$nokernel" 's|^vcpus = \["0", "1"\].*|vcpus = ["0", "4000"]|'
expect_code 1 "$MVLAUNCH" up badpin
line=$(grep -n '^vcpus = \["0", "4000"\]' "$T/vms/badpin.toml" | cut -d: -f1)
expect_err "badpin.toml:$line:1: key 'pinning.vcpus[1]': CPU 4000 is not online (online: $(cat /sys/devices/system/cpu/online))"
no_leftovers badpin

# up twice: the second fails and does not disturb the first
demo_config twice "$nokernel"
expect_code 0 "$MVLAUNCH" up twice
pid=$(cat "$T/run/twice/qemu.pid")
expect_code 1 "$MVLAUNCH" up twice && expect_err "VM 'twice' is already running (QEMU pid $pid)"
expect_code 0 "$MVLAUNCH" status twice && expect_out "twice: running, pid $pid"
expect_code 0 "$MVLAUNCH" down --force twice
no_leftovers twice

# two up of one VM at the same moment: exactly one wins
demo_config race "$nokernel"
for i in 1 2 3 4; do
	"$MVLAUNCH" up race >"$T/race$i.out" 2>&1 &
done
wait
wins=$(grep -l "'race' is running" "$T"/race?.out | wc -l)
[ "$wins" = 1 ] || fail "$wins of 4 concurrent 'up' won"
for f in "$T"/race?.out; do
	grep -q "'race' is running\|is busy\|is already running" "$f" || fail "unexpected output: $(cat "$f")"
done
[ "$(pgrep -f -- "$T/run/race/" | wc -l)" = 1 ] || fail "more than one QEMU for 'race'"
expect_code 0 "$MVLAUNCH" down --force race
no_leftovers race

# kill -9 of QEMU: status says crashed, a new up cleans the stale files, down cleans up
demo_config crash "$nokernel"
expect_code 0 "$MVLAUNCH" up crash
pid=$(cat "$T/run/crash/qemu.pid")
kill -9 "$pid"
wait_dead "$pid" || fail "QEMU $pid still runs 10 s after kill -9"
expect_code 3 "$MVLAUNCH" status crash && expect_out "crash: crashed (QEMU pid $pid is gone"
expect_code 0 "$MVLAUNCH" status --json && [ "$(jq -r '.vms[] | select(.name == "crash") | .state' "$T/out")" = crashed ] ||
	fail "status --json does not say crashed"
expect_code 0 "$MVLAUNCH" up crash && expect_err "removed stale runtime files of 'crash' (its QEMU, pid $pid, is gone; its log: $T/log/crash/qemu.log)"
pid=$(cat "$T/run/crash/qemu.pid")
kill -9 "$pid"
wait_dead "$pid" || fail "QEMU $pid still runs 10 s after kill -9"
expect_code 0 "$MVLAUNCH" down crash && expect_out "its QEMU had crashed or been killed; removed its runtime files"
no_leftovers crash
# a start that takes more than a second says what it is doing, on a terminal
cat >"$T/slow-qemu" <<'SH'
#!/bin/sh
sleep 2
exec qemu-system-x86_64 "$@"
SH
chmod +x "$T/slow-qemu"
demo_config slowq "$nokernel" "s|^\\[machine\\]|[qemu]\\nbinary = \"$T/slow-qemu\"\\n[machine]|"
if command -v script >/dev/null; then
	script -qec "$MVLAUNCH up --paused slowq" /dev/null >"$T/tty" 2>&1
	grep -q "mvlaunch: up 'slowq': waiting for QEMU to answer on QMP..." "$T/tty" ||
		fail "no step shown on a terminal: $(cat "$T/tty")"
	grep -q "mvlaunch: up 'slowq': pinning every thread and reading the pins back..." "$T/tty" ||
		fail "the next step is not shown: $(cat "$T/tty")"
	expect_code 0 "$MVLAUNCH" down --force slowq
fi
# and nothing of it without a terminal
expect_code 0 "$MVLAUNCH" up --paused slowq
grep -q "mvlaunch: up 'slowq'" "$T/err" && fail "steps shown without a terminal"
expect_code 0 "$MVLAUNCH" down --force slowq
no_leftovers slowq
done_testing
