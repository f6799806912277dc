#!/usr/bin/env bash
# qos.sh - does limits.cpu_weight hold a busy neighbour off? Two TCG VMs
# (the demo guest, one vCPU each) share one host CPU: both pinned to the
# last CPU, every thread of them (pinning.policy "shared": no VM owns it; the
# host keeps the others, reserved_cpus). Each guest runs a CPU-bound shell loop for SECONDS of its own
# clock and reports its rate on the serial port ("QOS-RATE n"). Measured in
# one run, each phase from a fresh start:
#   solo      A alone;
#   equal     A beside B, both cpu_weight 100;
#   weighted  A with cpu_weight 800 beside B with 100 (8 to 1).
# Prints each rate and A's share of its solo rate; the target is A >= 80 %
# of solo in the weighted case (8/9 = 89 % is the cgroup arithmetic).
# Asserts nothing; the VMs' cgroups go under a root of the run's own.
#
# usage: bench/qos.sh [SECONDS]     (after 'make' and 'make demo-guest'; as root: it makes cgroups)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}
bin=$PWD/build/mvlaunch
# QEMU runs as mvlaunch-qemu (security.user): made once a machine, as 'make install' does
getent passwd mvlaunch-qemu >/dev/null || "$bin" host setup >/dev/null
guest=${MVLAUNCH_DEMO_GUEST:-/var/cache/mvlaunch/demo-guest}
[ -x "$bin" ] || { echo "qos.sh: build first ('make')" >&2; exit 1; }
[ -s "$guest/vmlinuz" ] || { echo "qos.sh: no demo guest in $guest ('make demo-guest')" >&2; exit 1; }
command -v python3 >/dev/null || { echo "qos.sh: needs python3 (make deps)" >&2; exit 1; }
work=$(mktemp -d)
chmod 0711 "$work"	# QEMU runs as mvlaunch-qemu: it passes through to its run, log and state directories
export MVLAUNCH_RUNDIR=$work/run MVLAUNCH_STATEDIR=$work/state MVLAUNCH_VMS=$work/vms MVLAUNCH_LOGDIR=$work/log
export MVLAUNCH_CGROUP_ROOT=/mvl_qos_$$.slice
cleanup() {
	"$bin" down --force a >/dev/null 2>&1 || true
	"$bin" down --force b >/dev/null 2>&1 || true
	pkill -KILL -f -- "$work/" 2>/dev/null || true
	for d in /sys/fs/cgroup/*"$MVLAUNCH_CGROUP_ROOT" /sys/fs/cgroup"$MVLAUNCH_CGROUP_ROOT"; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null || true
	done
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/vms"
last=$(($(nproc --all) - 1))
[ "$last" -ge 1 ] || { echo "qos.sh: needs two CPUs (one for the host)" >&2; exit 1; }
printf 'reserved_cpus = "0-%d"\n' $((last - 1)) >"$work/vms/host.toml"	# the pool: CPU $last alone
for vm in a b; do
	# both on CPU $last: the vCPU and QEMU's other threads (shared: no VM owns it)
	sed -e "s|/var/cache/mvlaunch/demo-guest|$guest|" -e 's/^vcpus = 2/vcpus = 1/' \
		-e 's/^topology = .*/topology = { sockets = 1, cores = 1, threads = 1 }/' \
		-e "s/^vcpus = \"auto\".*/vcpus = [\"$last\"]\nemulator = \"$last\"/" vms/demo.toml >"$work/$vm.base"
done

# phase NAME WEIGHT-A [WEIGHT-B]: start the VMs, run the loop in each at once, print A's (and B's) rate
phase() {
	local name=$1 vms=a vm i
	cp "$work/a.base" "$work/vms/a.toml"
	printf '[limits]\ncpu_weight = %d\n' "$2" >>"$work/vms/a.toml"
	if [ $# -gt 2 ]; then
		vms="a b"
		cp "$work/b.base" "$work/vms/b.toml"
		printf '[limits]\ncpu_weight = %d\n' "$3" >>"$work/vms/b.toml"
	fi
	for vm in $vms; do
		"$bin" up "$vm" >/dev/null 2>"$work/up.err" || { cat "$work/up.err" >&2; exit 1; }
	done
	for vm in $vms; do
		for ((i = 0; i < 600; i++)); do
			grep -q MVLAUNCH-DEMO-READY "$work/log/$vm/serial.log" 2>/dev/null && break
			sleep 0.1
		done
	done
	sleep 1	# the shells are at their prompt
	# every 2000 iterations the guest's clock is read: the loop is the guest's CPU, not date's
	# shellcheck disable=SC2016
	loop='i=0; e=$(( $(date +%s) + '"$secs"' )); while [ $(date +%s) -lt $e ]; do j=0; while [ $j -lt 2000 ]; do j=$((j+1)); done; i=$((i+1)); done; echo QOS-RATE $((i * 2000 / '"$secs"'))'
	python3 - "$loop" $(for vm in $vms; do echo "$work/run/$vm/serial.sock"; done) <<'PY'
import socket, sys, time
socks = []
for path in sys.argv[2:]:
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    socks.append(s)
for s in socks:  # as close together as the host allows
    s.sendall((sys.argv[1] + "\n").encode())
time.sleep(1)  # QEMU reads it before the connection goes
for s in socks:
    s.close()
PY
	for vm in $vms; do
		for ((i = 0; i < (secs + 120) * 10; i++)); do
			grep -aq '^QOS-RATE [0-9]' "$work/log/$vm/serial.log" 2>/dev/null && break
			sleep 0.1
		done
		rate=$(grep -a '^QOS-RATE [0-9]' "$work/log/$vm/serial.log" | tr -d '\r' | awk '{ print $2 }')
		[ -n "$rate" ] || { echo "qos.sh: $vm reported no rate" >&2; exit 1; }
		printf -v "rate_${name}_$vm" '%s' "$rate"
	done
	for vm in $vms; do
		"$bin" down --force "$vm" >/dev/null 2>&1
	done
}

phase solo 100
phase equal 100 100
phase weighted 800 100
ratio() { awk -v a="$1" -v b="$2" -v m="$3" 'BEGIN { printf "%.*f", m == 100 ? 1 : 2, a * m / b }'; }
echo "qos: two 1-vCPU TCG VMs on host CPU $last, a CPU-bound loop of ${secs} s each ($(date +%Y-%m-%d), $(uname -r))"
printf '  %-28s A %9s/s\n' "A alone" "$rate_solo_a"
printf '  %-28s A %9s/s  B %9s/s  A = %s%% of solo, A/B = %s\n' "equal weights (100, 100)" "$rate_equal_a" \
	"$rate_equal_b" "$(ratio "$rate_equal_a" "$rate_solo_a" 100)" "$(ratio "$rate_equal_a" "$rate_equal_b" 1)"
printf '  %-28s A %9s/s  B %9s/s  A = %s%% of solo, A/B = %s\n' "A weighted 8x (800, 100)" "$rate_weighted_a" \
	"$rate_weighted_b" "$(ratio "$rate_weighted_a" "$rate_solo_a" 100)" "$(ratio "$rate_weighted_a" "$rate_weighted_b" 1)"
if [ $((rate_weighted_a * 100)) -ge $((rate_solo_a * 80)) ]; then
	echo "  target met: A >= 80% of solo with 8x the weight"
else
	echo "  target missed: A < 80% of solo with 8x the weight"
fi
