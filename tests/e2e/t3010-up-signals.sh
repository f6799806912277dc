#!/usr/bin/env bash
# t3010-up-signals.sh - Ctrl-C, SIGTERM or SIGHUP at any moment of 'up' ends
# it like any other failure: QEMU stopped, runtime files removed, hugepages
# and host knobs given back, exit 130, 143 or 129 - or, once the VM is
# recorded as running, the VM keeps running and is a normal running VM.
# The signals are delivered at chosen system calls with strace's fault
# injection (strace -e inject=all:signal=SIG:when=N) across the whole of
# 'up', and for real while 'up' waits for QMP and for another command's lock.
# Uses real 2M hugepages and vm.stat_interval (an exit trap restores them).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v strace >/dev/null || skip "strace is not installed (make deps)"
[ -w /proc/sys/vm/stat_interval ] || skip "needs root for host knobs"
nodefile=/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages
[ -w "$nodefile" ] || nodefile=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
hp0=$(cat "$nodefile")
si0=$(cat /proc/sys/vm/stat_interval)
at_exit "echo $hp0 > $nodefile; echo $si0 > /proc/sys/vm/stat_interval"
printf 'stat_interval = %s\n' $((si0 + 7)) >"$T/vms/host.toml"
demo_config sig '/^\[boot\]/,$d' 's|^size = .*|size = "64M"\nhugepages = "2M"|'

# nothing of 'sig' is left and the host is as it was
clean() {
	local what=$1
	[ -z "$(pgrep -f -- "$MVLAUNCH_RUNDIR/sig/")" ] || fail "$what: QEMU left running"
	[ ! -e "$MVLAUNCH_RUNDIR/sig" ] || fail "$what: runtime directory left: $(ls "$MVLAUNCH_RUNDIR/sig")"
	[ ! -e "$MVLAUNCH_RUNDIR/host.json" ] || fail "$what: host.json left"
	[ "$(cat "$nodefile")" = "$hp0" ] || fail "$what: nr_hugepages is $(cat "$nodefile"), was $hp0"
	[ "$(cat /proc/sys/vm/stat_interval)" = "$si0" ] || fail "$what: stat_interval is $(cat /proc/sys/vm/stat_interval), was $si0"
}

# LeakSanitizer (make check-asan) cannot work under a tracer: it traces the process itself
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# every system call of a whole 'up', as "NAME K" (the K-th call of NAME): strace
# counts 'when=' per system call, so that pair hits exactly one point of 'up'
strace -qq -o "$T/calls" "$MVLAUNCH" up --paused sig >/dev/null 2>&1 || fail "up under strace failed"
awk -F'(' '/^[a-z_0-9]+\(/ { n[$1]++; print $1, n[$1] }' "$T/calls" >"$T/points"
total=$(wc -l <"$T/points")
"$MVLAUNCH" down --force sig >/dev/null 2>&1
clean "a plain up and down"
[ "$total" -gt 100 ] || fail "only $total system calls counted"

sigs=(INT TERM HUP)
codes=(130 143 129)
tried=0 undone=0 kept=0
exec 3>&2 2>/dev/null	# bash reports each strace that dies of its tracee's signal
for ((p = 1; p <= total; p += total / 30 + 1)); do
	read -r call k < <(sed -n "${p}p" "$T/points")
	i=$((tried % 3))
	(strace -qq -o /dev/null -e trace="$call" -e "inject=$call:signal=${sigs[i]}:when=$k" \
		"$MVLAUNCH" up --paused sig >"$T/out" 2>"$T/err") 2>/dev/null
	rc=$?
	tried=$((tried + 1))
	if [ -e "$MVLAUNCH_RUNDIR/sig/state.json" ] && "$MVLAUNCH" status sig >/dev/null 2>&1; then
		# the signal came once the VM was recorded: it runs, and is a normal running VM
		kept=$((kept + 1))
		expect_code 0 "$MVLAUNCH" down --force sig
	elif [ $rc = "${codes[i]}" ]; then
		undone=$((undone + 1))
	else
		fail "SIG${sigs[i]} at system call $p ($call #$k): exit $rc, expected ${codes[i]}: $(head -3 "$T/err")"
		"$MVLAUNCH" down --force sig >/dev/null 2>&1
	fi
	clean "SIG${sigs[i]} at system call $p of $total ($call #$k, exit $rc)"
done
exec 2>&3 3>&-
echo "signals at $tried points of $total system calls: $undone undone, $kept after the VM ran"
[ $undone -ge $((tried * 2 / 3)) ] || fail "only $undone of $tried trials interrupted up before the VM ran"

# for real: Ctrl-C while up waits for a QEMU that does not answer
cat >"$T/stopped-qemu" <<'SH'
#!/bin/sh
kill -STOP $$
exec qemu-system-x86_64 "$@"
SH
chmod +x "$T/stopped-qemu"
demo_config mute '/^\[boot\]/,$d' "s|^\\[machine\\]|[qemu]\\nbinary = \"$T/stopped-qemu\"\\n[machine]|" \
	's|^size = .*|size = "64M"\nhugepages = "2M"|'
"$MVLAUNCH" up --timeout 60 mute >"$T/out" 2>"$T/err" &
up=$!
for i in $(seq 50); do pgrep -f -- "$T/stopped-qemu" >/dev/null && break; sleep 0.1; done
sleep 0.3
kill -INT $up
wait $up
rc=$?
[ $rc = 130 ] || fail "Ctrl-C while waiting for QMP: exit $rc, expected 130"
grep -q "interrupted by SIGINT while waiting for QMP" "$T/err" || fail "no reason given: $(cat "$T/err")"
pgrep -f -- "$T/stopped-qemu" >/dev/null && fail "the QEMU up started is still there"
no_leftovers mute
clean "Ctrl-C while waiting for QMP"

# for real: SIGTERM while up waits for the lock another command holds
mkdir -p "$MVLAUNCH_RUNDIR"
flock "$MVLAUNCH_RUNDIR" sleep 30 &
holder=$!
sleep 0.3
"$MVLAUNCH" up --paused sig >"$T/out" 2>"$T/err" &
up=$!
sleep 0.5
kill -TERM $up
wait $up
rc=$?
kill $holder 2>/dev/null
wait $holder 2>/dev/null || true
[ $rc = 143 ] || fail "SIGTERM while waiting for the lock: exit $rc, expected 143"
grep -q "interrupted by SIGTERM while waiting for another mvlaunch command" "$T/err" || fail "no reason given: $(cat "$T/err")"
clean "SIGTERM while waiting for the lock"
done_testing
