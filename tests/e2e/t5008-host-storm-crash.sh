#!/usr/bin/env bash
# t5008-host-storm-crash.sh - the crash sweep with concurrent starts: three
# VMs with 2M hugepages, two host knobs and (c2) a root-only disk granted to
# QEMU's user are started by three 'up' processes at once, and c2's is
# killed (SIGKILL: nothing to catch) after a delay spread over its whole
# start. The other two start all the same; then 'status c2' and 'down c2',
# as a user would, leave nothing of c2 (no QEMU, no runtime directory, its
# disk root's 0600 without ACL again) while c1's and c3's pages and the
# knobs stay held; 'down --all' then puts the host back exactly as it was.
# Real hugepages, THP and vm.stat_interval here; an exit trap restores them.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
host_knobs_test || skip "needs root for host knobs"
for n in c1 c2 c3; do
	demo_config $n '/^\[boot\]/,$d' 's|^size = .*|size = "16M"\nhugepages = "2M"|' '/^\[pinning\]/,/^$/d'
done
mkdir -m 0755 "$T/images"
truncate -s 16M "$T/images/c2.img"
chmod 0600 "$T/images/c2.img"
printf '\n[[disk]]\npath = "%s"\n' "$T/images/c2.img" >>"$T/vms/c2.toml"
knobs() { echo "$(cat /proc/sys/vm/stat_interval) $(sed 's/.*\[\(.*\)\].*/\1/' "$thp_file")"; }

killed_before=0 killed_after=0
for d in 0 0.005 0.01 0.02 0.03 0.04 0.05 0.06 0.08 0.1 0.12 0.15 0.2 0.3; do
	"$MVLAUNCH" up --paused c1 >"$T/up.c1" 2>&1 &
	p1=$!
	"$MVLAUNCH" up --paused c2 >"$T/up.c2" 2>&1 &
	p2=$!
	"$MVLAUNCH" up --paused c3 >"$T/up.c3" 2>&1 &
	p3=$!
	sleep "$d"
	kill -KILL $p2 2>/dev/null
	wait $p1 || fail "delay $d: up c1 failed: $(tail -3 "$T/up.c1")"
	wait $p3 || fail "delay $d: up c3 failed: $(tail -3 "$T/up.c3")"
	wait $p2 2>/dev/null
	if grep -q "'c2' is paused" "$T/up.c2"; then killed_after=$((killed_after + 1)); else killed_before=$((killed_before + 1)); fi
	# as a user would: look, then stop it (the sweep of a killed start)
	"$MVLAUNCH" status c2 >/dev/null 2>&1
	"$MVLAUNCH" down c2 >"$T/down.c2" 2>&1 || fail "delay $d: down c2: $(tail -3 "$T/down.c2")"
	no_leftovers c2
	[ "$(stat -c %u:%g:%a "$T/images/c2.img")" = "0:0:600" ] && [ "$(acl_of "$T/images/c2.img")" = "user::rw- group::--- other::---" ] ||
		fail "delay $d: c2's disk is $(stat -c %u:%g:%a "$T/images/c2.img") with ACL '$(acl_of "$T/images/c2.img")'"
	# c1's and c3's holds stay: their pages, the knobs
	[ "$(cat "$nodefile")" = $((hp0 + 16)) ] || fail "delay $d: with c1 and c3 up the pool is $(cat "$nodefile"), want $((hp0 + 16))"
	[ "$(knobs)" = "$((si0 + 7)) $thp_want" ] || fail "delay $d: knobs are $(knobs) with c1 and c3 up"
	expect_code 0 "$MVLAUNCH" down --all || fail "delay $d: down --all: $(cat "$T/err")"
	[ "$(cat "$nodefile")" = "$hp0" ] || fail "delay $d: after down --all the pool is $(cat "$nodefile"), was $hp0"
	[ "$(knobs)" = "$si0 $thp0" ] || fail "delay $d: knobs are $(knobs), were $si0 $thp0"
	[ ! -e "$MVLAUNCH_RUNDIR/host.json" ] || fail "delay $d: host.json left: $(cat "$MVLAUNCH_RUNDIR/host.json")"
	for n in c1 c2 c3; do no_leftovers $n; done
	[ $_failed = 0 ] || break
done
echo "c2's up killed mid-start $killed_before times, after it was up $killed_after times"
[ $killed_before -ge 3 ] || fail "only $killed_before kills came before c2's start ended: the delays miss the start"
done_testing
