#!/usr/bin/env bash
# t3026-up-control.sh - acting on a running VM without a restart: pause and
# resume (QMP query-status, and the guest's clock stands still), 'qmp' round
# trips and its refusals, reset (the guest boots again in the same QEMU),
# reboot through the ACPI power button (the demo guest shuts down, QEMU
# resets and resumes it: same pid, pins still held, shutdown action back to
# poweroff so a later 'down' ends QEMU), and a guest that ignores the button:
# left running after --timeout, reset with --reset-after. Under TCG (this
# host's nested KVM runs no guest).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
need_demo_guest

demo_config ctl
log=$MVLAUNCH_LOGDIR/ctl/serial.log
boots() { grep -ac "MVLAUNCH-DEMO-READY" "$log"; }
status_of() { "$MVLAUNCH" qmp --compact ctl query-status | jq -r .status; }

expect_code 0 "$MVLAUNCH" up ctl || done_testing
pid=$(cat "$MVLAUNCH_RUNDIR/ctl/qemu.pid")
wait_for "$log" "MVLAUNCH-DEMO-READY" 120 || fail "the guest did not boot"

# pause / resume, read back from QEMU
expect_code 0 "$MVLAUNCH" pause ctl && expect_out "ctl: paused"
[ "$(status_of)" = paused ] || fail "query-status after pause: $(status_of)"
expect_code 0 "$MVLAUNCH" pause ctl && expect_out "ctl: already paused"
expect_code 0 "$MVLAUNCH" status ctl && expect_out "ctl: paused"
expect_code 0 "$MVLAUNCH" resume ctl && expect_out "ctl: running"
[ "$(status_of)" = running ] || fail "query-status after resume: $(status_of)"
expect_code 0 "$MVLAUNCH" resume ctl && expect_out "ctl: already running"

# qmp: a reply, arguments, QEMU's own errors, and what it refuses
expect_code 0 "$MVLAUNCH" qmp ctl qom-get '{"path": "/machine", "property": "type"}'
[ "$(jq -r . "$T/out")" = "pc-q35-7.2-machine" ] || fail "qom-get /machine type: $(cat "$T/out")"
expect_code 0 "$MVLAUNCH" qmp ctl query-status
[ "$(jq -r .running "$T/out")" = true ] || fail "query-status: $(cat "$T/out")"
[ "$(wc -l <"$T/out")" -gt 1 ] || fail "the reply is not indented"
expect_code 1 "$MVLAUNCH" qmp ctl query-nothing
expect_err "QMP 'query-nothing' failed: The command query-nothing has not been found (CommandNotFound)"
expect_code 1 "$MVLAUNCH" qmp ctl qom-get '{"path": '
expect_err "mvlaunch: error: the arguments are not JSON: "
expect_code 1 "$MVLAUNCH" qmp ctl qom-get '[1]'
expect_err "the arguments must be a JSON object"
expect_code 1 "$MVLAUNCH" qmp ctl quit
expect_err "'quit' stops QEMU behind mvlaunch's back"
expect_err "hint: 'mvlaunch down --force ctl' stops it and cleans up after it"
expect_code 2 "$MVLAUNCH" qmp ctl
alive "$pid" || fail "QEMU died"

# reset: the guest boots again in the same QEMU
expect_code 0 "$MVLAUNCH" reset ctl && expect_out "ctl: reset, now running"
wait_for_count() { local i; for ((i = 0; i < $2 * 10; i++)); do [ "$(boots)" -ge "$1" ] && return 0; sleep 0.1; done; return 1; }
wait_for_count 2 120 || fail "no second boot after reset: $(boots)"

# reboot: the power button, the guest's clean shutdown, then reset and resumed by mvlaunch
expect_code 0 "$MVLAUNCH" reboot ctl && expect_out "ctl: the guest shut down; reset and resumed"
grep -aq "MVLAUNCH-DEMO: power button, shutting down" "$log" || fail "the guest did not hear the power button"
wait_for_count 3 120 || fail "no third boot after reboot: $(boots)"
[ "$(cat "$MVLAUNCH_RUNDIR/ctl/qemu.pid")" = "$pid" ] && alive "$pid" || fail "reboot started another QEMU"
expect_code 0 "$MVLAUNCH" status --json ctl
[ "$(jq -r '.vms[0].drift' "$T/out")" = false ] || fail "pins drifted across the reboot"

# a guest that ignores the power button is left running, or reset with --reset-after
printf 'p=$(pidof head); kill -9 $(cut -d" " -f4 /proc/$p/stat) $p; echo ignoring-$((6 * 7))\n' |
	"$MVLAUNCH" console --wait 2 ctl >"$T/console" 2>&1
grep -q "ignoring-42" "$T/console" || fail "the guest did not answer: $(tail -3 "$T/console")"
expect_code 1 "$MVLAUNCH" reboot --timeout 2 ctl
expect_err "mvlaunch: error: 'ctl' did not shut down in 2 s: it ignores the power button or is still shutting down; it is left running"
expect_err "hint: 'mvlaunch reboot --reset-after ctl' resets it after the wait, 'mvlaunch reset ctl' at once"
[ "$(status_of)" = running ] || fail "after a timed-out reboot: $(status_of)"
expect_code 0 "$MVLAUNCH" reboot --timeout 1 --reset-after ctl
expect_out "ctl: the guest did not shut down in time; reset"
wait_for_count 4 120 || fail "no fourth boot after reboot --reset-after: $(boots)"

# the shutdown action is poweroff again: the guest's power button ends QEMU, as 'down' expects;
# and 'down' sets it so itself, as after a 'reboot' killed while it waited (planted here)
expect_code 0 "$MVLAUNCH" qmp ctl set-action '{"shutdown": "pause"}'
expect_code 0 "$MVLAUNCH" down --timeout 60 ctl
wait_dead "$pid" || fail "QEMU still runs after down"
no_leftovers ctl
expect_code 1 "$MVLAUNCH" pause ctl && expect_err "'ctl' is not running"
done_testing
