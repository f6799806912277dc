#!/usr/bin/env bash
# t3011-status-reasons.sh - a state that is not a live QMP answer comes with
# its reason: a runtime directory whose state.json is corrupt ("stale", why:
# the parse error), one with nothing in it, and a QEMU that does not answer
# QMP (stopped with SIGSTOP: "unresponsive", why: the QMP error); in text
# and in status --json's "reason" (null when the state is live). state.json
# is read in a few read(2) calls, not one per byte.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v jq >/dev/null || skip "jq is not installed (make deps)"

mkdir -p "$MVLAUNCH_RUNDIR/ghost" "$MVLAUNCH_RUNDIR/empty"
chmod 700 "$MVLAUNCH_RUNDIR" "$MVLAUNCH_RUNDIR/ghost" "$MVLAUNCH_RUNDIR/empty"
printf '{"name": "ghost", "pid": ' >"$MVLAUNCH_RUNDIR/ghost/state.json"
expect_code 3 "$MVLAUNCH" status ghost
expect_out "ghost: stale"
expect_out "  why: state file '$MVLAUNCH_RUNDIR/ghost/state.json': corrupt (unexpected token near end of file at line 1)"
expect_code 3 "$MVLAUNCH" status empty
expect_out "empty: stale"
expect_out "  why: '$MVLAUNCH_RUNDIR/empty' has no state.json and no QEMU"
expect_code 0 "$MVLAUNCH" status --json
[ "$(jq -r '.vms[] | select(.name == "empty") | .reason' "$T/out")" = "'$MVLAUNCH_RUNDIR/empty' has no state.json and no QEMU" ] ||
	fail "status --json: empty's reason is $(jq -c '.vms[] | select(.name == "empty") | .reason' "$T/out")"
rm -rf "$MVLAUNCH_RUNDIR/ghost" "$MVLAUNCH_RUNDIR/empty"

demo_config quiet '/^\[boot\]/,$d'
expect_code 0 "$MVLAUNCH" up --paused quiet
pid=$(cat "$MVLAUNCH_RUNDIR/quiet/qemu.pid")
expect_code 0 "$MVLAUNCH" status --json quiet
# up --paused before the guest ever ran: QMP says prelaunch
[ "$(jq -r '.vms[0].state + " " + (.vms[0].reason | tostring)' "$T/out")" = "prelaunch null" ] ||
	fail "a live state has no reason: $(jq -c '.vms[0] | {state, reason}' "$T/out")"
# state.json is read whole, not a byte per read(2) as jansson's json_loadfd() does (963 reads then)
if command -v strace >/dev/null; then
	strace -qq -y -e trace=openat,read -o "$T/reads" "$MVLAUNCH" status quiet >/dev/null 2>&1
	# status reads it for itself, and the crash sweep of host.json's grants asks whether the VM is alive
	opens=$(grep -c 'openat(.*state.json"' "$T/reads")
	n=$(grep -c '^read(.*state.json>' "$T/reads")
	[ "$opens" -ge 1 ] && [ "$n" -le $((2 * opens)) ] ||
		fail "status read state.json in $n read(2) calls over $opens opens"
fi
kill -STOP "$pid"
at_exit "kill -CONT $pid 2>/dev/null"
expect_code 0 "$MVLAUNCH" status quiet
expect_out "quiet: unresponsive, pid $pid"
expect_out "  why: QMP: "
kill -CONT "$pid"
expect_code 0 "$MVLAUNCH" down quiet
done_testing
