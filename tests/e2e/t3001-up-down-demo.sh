#!/usr/bin/env bash
# t3001-up-down-demo.sh - the whole lifecycle on the real demo guest under TCG
# (this host's nested KVM cannot run a guest past protected mode): up pins
# every thread before the guest runs, the guest boots and reports its CPUs on
# the serial port, status --json shows the live pins, console reaches the
# guest's shell, down powers it off over ACPI and leaves nothing behind.
. "$(dirname "$0")/lib.sh" || exit 1
need_demo_guest

demo_config demo1
expect_code 0 "$MVLAUNCH" up demo1 || { cat "$T/err"; done_testing; }
expect_out "'demo1' is running"
pid=$(cat "$T/run/demo1/qemu.pid")

# runtime files: private directory, private sockets
[ "$(stat -c %a "$T/run/demo1")" = 700 ] || fail "runtime dir is not 0700"
[ "$(stat -c %a "$T/run/demo1/qmp.sock")" = 600 ] || fail "qmp.sock is not 0600"

# every vCPU thread on its planned CPU, every other thread on the emulator set (0-1)
for tdir in /proc/$pid/task/*; do
	tid=${tdir##*/}
	comm=$(cat "$tdir/comm")
	case $comm in
	"CPU 0/TCG") want=0 ;;
	"CPU 1/TCG") want=1 ;;
	*) want=0-1 ;;
	esac
	[ "$(cpus_of "$tid")" = "$want" ] || fail "thread $tid ($comm) has CPUs $(cpus_of "$tid"), planned $want"
done

# status --json shows the same, read from the kernel
expect_code 0 "$MVLAUNCH" status --json demo1
[ "$(jq -r '.vms[0].state' "$T/out")" = running ] || fail "status is not running: $(jq -c '.vms[0].state' "$T/out")"
[ "$(jq -r '.vms[0].pid' "$T/out")" = "$pid" ] || fail "status pid differs"
[ "$(jq -r '.vms[0].threads[] | select(.role == "vcpu" and .vcpu == 1) | .cpus | join(",")' "$T/out")" = 1 ] ||
	fail "status shows vcpu1 elsewhere"
[ "$(jq -r '.vms[0].drift' "$T/out")" = false ] || fail "status reports drift"
expect_code 0 "$MVLAUNCH" list && expect_out "demo1"

# the guest boots and reports what it sees
wait_for "$T/run/demo1/serial.log" "MVLAUNCH-DEMO-READY" 120 || fail "no marker line in serial.log"
grep -q "MVLAUNCH-DEMO: cpus online: 0-1 (count 2)" "$T/run/demo1/serial.log" || fail "guest does not see 2 CPUs"
grep -q "MVLAUNCH-DEMO: L3 cache: " "$T/run/demo1/serial.log" || fail "guest reports no L3 line"

# a drifted pin is flagged
taskset -p -c 0 "$pid" >/dev/null
expect_code 0 "$MVLAUNCH" status demo1 && expect_out "DRIFT"
taskset -p -c 0-1 "$pid" >/dev/null

# the console reaches the guest's shell
printf 'echo console-$((6 * 7))\n' | "$MVLAUNCH" console --wait 2 demo1 >"$T/console" 2>&1
grep -q "console-42" "$T/console" || fail "no answer on the console: $(tail -3 "$T/console")"

# down: ACPI power-down, the guest powers off
expect_code 0 "$MVLAUNCH" down --timeout 60 demo1 && expect_out "'demo1' shut down (ACPI power-down)"
no_leftovers demo1
expect_code 3 "$MVLAUNCH" status demo1 && expect_out "demo1: not running"
expect_code 0 "$MVLAUNCH" down demo1 && expect_out "'demo1' is not running"
done_testing
