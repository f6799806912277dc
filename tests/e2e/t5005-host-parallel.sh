#!/usr/bin/env bash
# t5005-host-parallel.sh - what a host shutdown and boot do: 6 VMs with 2M
# hugepages started at once, then stopped at once, 20 times over (odd rounds
# six 'up' and six 'down' processes, even rounds one 'up p1 ... p6' and one
# 'down --all'). Each VM
# takes its pages at 'up' and gives them back at 'down', all under the root
# lock with pools sized absolutely, so after every round the node's pool,
# THP and vm.stat_interval are exactly what they were (relative adjustments
# used to drift: 64/64/49/64 pages left instead of 3). Real hugepages; an
# exit trap restores them.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
host_knobs_test || skip "needs root for host knobs"
vms="p1 p2 p3 p4 p5 p6"
for n in $vms; do
	demo_config $n '/^\[boot\]/,$d' 's|^size = .*|size = "16M"\nhugepages = "2M"|' '/^\[pinning\]/,/^$/d'
done

rounds=20
for ((r = 1; r <= rounds; r++)); do
	if ((r % 2)); then
		for n in $vms; do "$MVLAUNCH" up --paused $n >"$T/up.$n" 2>&1 & done
		wait
	else
		# even rounds: one 'up' of all six, a worker each
		"$MVLAUNCH" up --paused $vms >"$T/up.all" 2>&1 || fail "round $r: up $vms: $(tail -3 "$T/up.all")"
		for n in $vms; do cp "$T/up.all" "$T/up.$n"; done
	fi
	for n in $vms; do grep -q "'$n' is paused" "$T/up.$n" || fail "round $r: up $n: $(tail -2 "$T/up.$n")"; done
	[ "$(cat "$nodefile")" = $((hp0 + 6 * 8)) ] || fail "round $r: with 6 VMs up the pool is $(cat "$nodefile"), want $((hp0 + 48))"
	if ((r % 2)); then
		for n in $vms; do ("$MVLAUNCH" down $n >"$T/down.$n" 2>&1; echo "exit $?" >>"$T/down.$n") & done
		wait
	else
		# even rounds: 'down --all', each VM in a worker; the host goes back with the last
		"$MVLAUNCH" down --all >"$T/down.all" 2>&1
		echo "exit $?" >>"$T/down.all"
		grep -qx "stopped 6 of 6 VMs: p1, p2, p3, p4, p5, p6" "$T/down.all" || fail "round $r: down --all: $(tail -3 "$T/down.all")"
		for n in $vms; do cp "$T/down.all" "$T/down.$n"; done
	fi
	for n in $vms; do
		grep -q "^'$n' .*stopped with QMP quit$" "$T/down.$n" && grep -qx "exit 0" "$T/down.$n" ||
			fail "round $r: down $n: $(tail -3 "$T/down.$n")"
	done
	[ "$(cat "$nodefile")" = "$hp0" ] || fail "round $r: after 6 parallel downs the pool is $(cat "$nodefile"), was $hp0"
	[ "$(cat /proc/sys/vm/stat_interval)" = "$si0" ] || fail "round $r: stat_interval is $(cat /proc/sys/vm/stat_interval)"
	[ "$(sed 's/.*\[\(.*\)\].*/\1/' "$thp_file")" = "$thp0" ] || fail "round $r: THP not restored"
	[ ! -e "$MVLAUNCH_RUNDIR/host.json" ] || fail "round $r: host.json left"
	[ $_failed = 0 ] || break
done
for n in $vms; do no_leftovers $n; done
echo "$((r - 1)) rounds of 6 parallel up and 6 parallel down"
done_testing
