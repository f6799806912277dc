#!/usr/bin/env bash
# t4003-up-floating-pool.sh - a VM without pins floats over the shared pool
# (every CPU no VM owns), never over a dedicated VM's CPUs: 'up' of a
# dedicated VM moves the floating VM's threads off its CPUs (read back from
# the kernel), 'down' gives them back, and 'check' warns when something else
# put a floating VM on a dedicated CPU. TCG, guests paused (no guest runs).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
online=$(cat /sys/devices/system/cpu/online)
[ "$online" != 0 ] || skip "one CPU: nothing to dedicate"
last=${online##*[-,]}	# the highest CPU: not the host's default reserved CPU 0

# every thread of a QEMU has exactly these CPUs
all_threads_on() {
	local pid=$1 want=$2 tid
	for tid in $(ls "/proc/$pid/task"); do
		[ "$(cpus_of "$tid")" = "$want" ] || { fail "thread $tid of $3 is on $(cpus_of "$tid"), expected $want"; return; }
	done
}

demo_config float '/^\[boot\]/,$d' '/^\[pinning\]/,/^$/d' 's|^vcpus = 2|vcpus = 1|' 's|^topology = .*|topology = { sockets = 1, cores = 1, threads = 1 }|'
demo_config dedicated '/^\[boot\]/,$d' "s|^vcpus = \\[\"0\", \"1\"\\].*|vcpus = [\"$last\"]|" 's|^emulator = .*||' \
	's|^vcpus = 2|vcpus = 1|' 's|^topology = .*|topology = { sockets = 1, cores = 1, threads = 1 }|'

expect_code 0 "$MVLAUNCH" up --paused float || done_testing
fpid=$(cat "$MVLAUNCH_RUNDIR/float/qemu.pid")
all_threads_on "$fpid" "$online" float

# a dedicated VM takes CPU $last: the floating VM leaves it before the new VM starts
expect_code 0 "$MVLAUNCH" up --paused dedicated
expect_err "floating VM 'float' moved from CPUs $online to"
pool=$(jq -r '.threads[] | select(.role == "vcpu") | .cpus | map(tostring) | join(",")' "$MVLAUNCH_RUNDIR/float/state.json")
case ",$pool," in *",$last,"*) fail "the pool still has the dedicated CPU $last: $pool" ;; esac
# the kernel's list form of the pool: "0,2-5"
ranges=$(python3 -c '
import sys
c = [int(x) for x in sys.argv[1].split(",")]
out, s = [], c[0]
for a, b in zip(c, c[1:] + [None]):
    if b != a + 1:
        out.append(str(s) if s == a else "%d-%d" % (s, a)); s = b
print(",".join(out))' "$pool")
all_threads_on "$fpid" "$ranges" float
expect_code 0 "$MVLAUNCH" status --json float
[ "$(jq -r '.vms[0].drift' "$T/out")" = false ] || fail "status sees drift after the move: $(jq -c '.vms[0].threads' "$T/out")"
"$MVLAUNCH" check >"$T/check" 2>&1
grep -q "PASS  host: floating .*1 floating VM, none on a dedicated VM's CPUs" "$T/check" ||
	fail "check does not pass the floating VM: $(grep floating "$T/check")"

# something else moves it back onto the dedicated CPU: check says so, with the fix
taskset -a -p -c "$online" "$fpid" >/dev/null
"$MVLAUNCH" check >"$T/check" 2>&1
grep -q "WARN  host: floating .*'float' floats over CPUs $online, and CPU $last is owned by the dedicated VM 'dedicated'" "$T/check" ||
	fail "check does not warn: $(grep -A1 floating "$T/check")"
grep -q "fix: taskset -a -p -c .* $fpid" "$T/check" || fail "no taskset fix: $(grep -A1 floating "$T/check")"

# the dedicated VM stops: its CPU is in the pool again
expect_code 0 "$MVLAUNCH" down --force dedicated
all_threads_on "$fpid" "$online" float
expect_code 0 "$MVLAUNCH" down --force float
no_leftovers float
no_leftovers dedicated
done_testing
