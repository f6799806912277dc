#!/usr/bin/env bash
# t3008-up-logs-kept.sh - QEMU's and the serial port's logs outlive the VM:
# they live in $MVLAUNCH_LOGDIR/NAME (default /var/log/mvlaunch/NAME, 0700),
# 'down' keeps them, a crash is reported with where its log is, and the last
# 5 boots are kept (qemu.log, qemu.log.1 .. qemu.log.4). TCG, paused.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
log=$MVLAUNCH_LOGDIR/keep

# a QEMU that refuses to start: its complaint stays in the log after up gives up
demo_config keep '/^\[boot\]/,$d' 's|^\[machine\]|[qemu]\nextra_args = ["-no-such-option"]\n[machine]|'
expect_code 1 "$MVLAUNCH" up keep
grep -q -- "-no-such-option: invalid option" "$log/qemu.log" || fail "the failed boot's log is gone: $(ls -la "$log" 2>&1)"
[ "$(stat -c %a "$log")" = 700 ] || fail "log directory is $(stat -c %a "$log"), not 0700"
[ "$(stat -c %a "$log/qemu.log")" = 600 ] || fail "qemu.log is $(stat -c %a "$log/qemu.log"), not 0600"

# boots 2..7: each up starts a new log; down keeps it; at most 5 boots stay
demo_config keep '/^\[boot\]/,$d'
for i in 2 3 4 5 6 7; do
	expect_code 0 "$MVLAUNCH" up --paused keep || break
	printf 'boot %s\n' "$i" >>"$log/qemu.log"	# mark which boot a file belongs to
	expect_code 0 "$MVLAUNCH" down --force keep
done
[ -f "$log/qemu.log" ] && [ -f "$log/serial.log" ] || fail "down removed this boot's logs: $(ls "$log")"
for n in "" .1 .2 .3 .4; do
	[ -f "$log/qemu.log$n" ] || fail "qemu.log$n is missing: $(ls "$log")"
done
[ ! -e "$log/qemu.log.5" ] || fail "more than 5 boots kept: $(ls "$log")"
grep -q "boot 7" "$log/qemu.log" && grep -q "boot 3" "$log/qemu.log.4" || fail "logs are not in boot order"

# a crash: status and down say where the evidence is
expect_code 0 "$MVLAUNCH" up --paused keep
pid=$(cat "$MVLAUNCH_RUNDIR/keep/qemu.pid")
kill -9 "$pid"
wait_dead "$pid" || fail "QEMU $pid still runs 10 s after kill -9"
expect_code 3 "$MVLAUNCH" status keep && expect_out "keep: crashed (QEMU pid $pid is gone; its log: $log/qemu.log;"
expect_code 0 "$MVLAUNCH" status --json
[ "$(jq -r '.vms[] | select(.name == "keep") | .log' "$T/out")" = "$log/qemu.log" ] || fail "status --json has no log path"
expect_code 0 "$MVLAUNCH" down keep && expect_out "(its log: $log/qemu.log)"
[ -f "$log/qemu.log" ] || fail "down after a crash removed the log"
no_leftovers keep
done_testing
