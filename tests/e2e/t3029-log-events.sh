#!/usr/bin/env bash
# t3029-log-events.sh - 'log': QEMU logs its own QMP events (a monitor on a
# pipe chardev, whoever is attached): the demo guest (TCG) paused, resumed,
# reset and powered down shows each event with its time in 'log --events',
# its serial output in 'log --serial'; the logs stay after 'down', after a
# kill -9 of QEMU, and rotate: five boots kept, the sixth drops the oldest.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
need_demo_guest

demo_config ev
expect_code 0 "$MVLAUNCH" up ev || done_testing
wait_for "$MVLAUNCH_LOGDIR/ev/serial.log" "MVLAUNCH-DEMO-READY" 120 || { fail "the guest did not boot"; done_testing; }
expect_code 0 "$MVLAUNCH" pause ev
expect_code 0 "$MVLAUNCH" resume ev
expect_code 0 "$MVLAUNCH" reset ev
# the reset boots it again: a second READY line (the first stays in the log), within 120 s
for i in $(seq 240); do
	[ "$(grep -ac MVLAUNCH-DEMO-READY "$MVLAUNCH_LOGDIR/ev/serial.log")" -ge 2 ] && break
	sleep 0.5
done
[ "$(grep -ac MVLAUNCH-DEMO-READY "$MVLAUNCH_LOGDIR/ev/serial.log")" -ge 2 ] ||
	{ fail "the guest did not boot again within 120 s of the reset; its events: $(tail -5 "$MVLAUNCH_LOGDIR/ev/events.log")"; done_testing; }
sleep 1
expect_code 0 "$MVLAUNCH" down ev
expect_code 0 "$MVLAUNCH" log --events ev
# up resumes (RESUME), pause (STOP), resume (RESUME), reset (RESET; then the firmware resets once
# more, guest=true), down's power button (POWERDOWN), the guest's power-off
for e in "STOP" "RESUME" "RESET  guest=false  reason=host-qmp-system-reset" "POWERDOWN" "SHUTDOWN  guest=true  reason=guest-shutdown"; do
	grep -qE "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}\.[0-9]{3}  $e" "$T/out" || fail "no '$e' event: $(cat "$T/out")"
done
[ "$(awk '{ print $3 }' "$T/out" | uniq | tr '\n' ' ')" = "RESUME STOP RESUME RESET POWERDOWN SHUTDOWN " ] ||
	fail "events out of order: $(awk '{ print $3 }' "$T/out" | tr '\n' ' ')"
expect_code 0 "$MVLAUNCH" log --serial ev && expect_out "MVLAUNCH-DEMO: power button, shutting down"
expect_code 0 "$MVLAUNCH" log ev

# a QEMU killed: its events so far stay
expect_code 0 "$MVLAUNCH" up --paused ev
expect_code 0 "$MVLAUNCH" qmp ev system_reset
kill -9 "$(cat "$MVLAUNCH_RUNDIR/ev/qemu.pid")"
expect_code 0 "$MVLAUNCH" down ev
expect_code 0 "$MVLAUNCH" log --events ev && expect_out "RESET  guest=false  reason=host-qmp-system-reset"
expect_code 0 "$MVLAUNCH" log --events --boot 1 ev && expect_out "POWERDOWN"

# five boots kept
for i in 1 2 3 4; do expect_code 0 "$MVLAUNCH" up --paused ev && expect_code 0 "$MVLAUNCH" down --force ev; done
expect_code 0 "$MVLAUNCH" log --events --boot 4 ev
grep -q POWERDOWN "$T/out" && fail "the first boot's events were kept a sixth boot later"
[ ! -e "$MVLAUNCH_LOGDIR/ev/events.log.5" ] || fail "events.log.5 exists"
expect_code 2 "$MVLAUNCH" log --boot 5 ev && expect_err "--boot '5': give 0 (the last boot) to 4"
expect_code 2 "$MVLAUNCH" log --serial --events ev
expect_code 1 "$MVLAUNCH" log nosuch && expect_err "no qemu.log for 'nosuch': "
expect_code 2 "$MVLAUNCH" log ../x
done_testing
