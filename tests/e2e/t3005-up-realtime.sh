#!/usr/bin/env bash
# t3005-up-realtime.sh - pinning.realtime = true makes every vCPU thread
# SCHED_FIFO (priority 1) and nothing else; status still reads the pins.
# The VM stays paused (--paused): SCHED_FIFO TCG vCPUs spinning on both CPUs
# of this 2-CPU host would starve it.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

demo_config rt1 '/^\[boot\]/,$d' 's|^emulator = .*|emulator = "0-1"\nrealtime = true|'
grep -q '^realtime = true' "$T/vms/rt1.toml" || fail "test config lacks realtime"
expect_code 0 "$MVLAUNCH" up --paused rt1 || { cat "$T/err"; done_testing; }
pid=$(cat "$T/run/rt1/qemu.pid")
for tdir in /proc/$pid/task/*; do
	comm=$(cat "$tdir/comm")
	# fields after "(comm) ": $38 = rt_priority (field 40), $39 = policy (41; 1 = SCHED_FIFO)
	prio=$(sed 's/.*) //' "$tdir/stat" | awk '{ print $38 }')
	policy=$(sed 's/.*) //' "$tdir/stat" | awk '{ print $39 }')
	case $comm in
	CPU*) [ "$policy" = 1 ] && [ "$prio" = 1 ] || fail "$comm is not SCHED_FIFO 1 (policy $policy, prio $prio)" ;;
	*) [ "$policy" = 0 ] || fail "$comm should stay SCHED_OTHER (policy $policy)" ;;
	esac
done
expect_code 0 "$MVLAUNCH" status rt1 && expect_out "rt1: prelaunch"
expect_code 0 "$MVLAUNCH" down --force rt1
no_leftovers rt1
done_testing
