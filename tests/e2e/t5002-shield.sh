#!/usr/bin/env bash
# t5002-shield.sh - CPU shielding on this machine's cgroup v1 cpuset
# hierarchy. A VM with a dedicated vCPU on CPU 1 (TCG: this host's KVM cannot
# run a guest; CPU 0 stays reserved for the host) and [shield] enable = true:
# up makes /sys/fs/cgroup/cpuset/mvlaunch.host with CPU 0, moves this shell
# (and every movable task) into it, keeps QEMU outside with its pins, and new
# processes start on CPU 0 only; the unbound workqueue cpumask follows. down
# undoes all of it, also while a task in the shield keeps forking; kill -9
# of QEMU followed by status does too. An exit trap
# moves every task back and removes the cgroup if the test itself fails.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
need_demo_guest
cg=/sys/fs/cgroup/cpuset
[ -w "$cg/cgroup.procs" ] && [ -r "$cg/cpuset.cpus" ] || skip "no writable cgroup v1 cpuset hierarchy at $cg"
[ ! -e "$cg/mvlaunch.host" ] || skip "$cg/mvlaunch.host exists: a shield of another mvlaunch stands"
[ "$(nproc --all)" -ge 2 ] || skip "needs two CPUs"
wq=/sys/devices/virtual/workqueue/cpumask
wq0=$(cat "$wq")
root_cpus=$(cat "$cg/cpuset.cpus")
at_exit "if [ -d $cg/mvlaunch.host ]; then for p in \$(cat $cg/mvlaunch.host/cgroup.procs); do echo \$p > $cg/cgroup.procs; done 2>/dev/null; rmdir $cg/mvlaunch.host; fi; echo $wq0 > $wq"

printf 'reserved_cpus = "0"\n[shield]\nenable = true\n' >"$T/vms/host.toml"
demo_config sh 's|^vcpus = \["0", "1"\].*|vcpus = ["1"]|' 's|^vcpus = 2|vcpus = 1|' \
	's|^topology = .*|topology = { sockets = 1, cores = 1, threads = 1 }|' 's|^emulator = .*|emulator = "0"|'

check_original() {
	[ ! -e "$cg/mvlaunch.host" ] || fail "$1: $cg/mvlaunch.host left behind"
	[ "$(cat /proc/$$/cpuset)" = / ] || fail "$1: this shell is in cpuset $(cat /proc/$$/cpuset), not /"
	[ "$(cat "$wq")" = "$wq0" ] || fail "$1: workqueue cpumask is $(cat "$wq"), was $wq0"
	[ "$(cat "$cg/cpuset.cpus")" = "$root_cpus" ] || fail "$1: root cpuset changed"
	[ ! -e "$T/run/host.json" ] || fail "$1: host.json left behind"
	local c
	c=$(bash -c 'cpus() { awk "/^Cpus_allowed_list/ { print \$2 }" /proc/self/status; }; cpus')
	[ "$c" = "$(cpus_of 1)" ] || fail "$1: a new process runs on $c, PID 1 on $(cpus_of 1)"
}

expect_code 0 "$MVLAUNCH" up --dry-run sh
expect_out "mkdir $cg/mvlaunch.host"
expect_out "$cg/mvlaunch.host/cpuset.cpus: (none) -> 0"
expect_out "tasks from $cg to $cg/mvlaunch.host"
check_original "up --dry-run"

shielded() {
	[ "$(cat "$cg/mvlaunch.host/cpuset.cpus" 2>/dev/null)" = 0 ] || fail "shield cpuset.cpus is not 0"
	[ "$(cat /proc/$$/cpuset)" = /mvlaunch.host ] || fail "this shell was not moved into the shield"
	[ "$(bash -c 'awk "/^Cpus_allowed_list/ { print \$2 }" /proc/self/status')" = 0 ] ||
		fail "a new process may run on the VM's CPU"
	[ "$(cat "$wq")" = 1 ] || fail "workqueue cpumask is $(cat "$wq"), want 1"
	local pid tid
	pid=$(cat "$T/run/sh/qemu.pid")
	[ "$(cat /proc/$pid/cpuset)" = / ] || fail "QEMU is in cpuset $(cat /proc/$pid/cpuset), not outside the shield"
	tid=$(jq -r '.threads[] | select(.role == "vcpu") | .tid' "$T/run/sh/state.json")
	[ "$(cpus_of "$tid")" = 1 ] || fail "vCPU thread runs on $(cpus_of "$tid"), want 1"
}

# a task that forks all the time (a build, a test run): its children land in
# the shield while it is emptied, and the shield must still go at down
(while :; do /bin/true; done) &
forker=$!
at_exit "kill $forker 2>/dev/null"
expect_code 0 "$MVLAUNCH" up sh || { cat "$T/err"; done_testing; }
shielded
[ "$(cat /proc/$forker/cpuset)" = /mvlaunch.host ] || fail "the forking task was not moved into the shield"
expect_code 0 "$MVLAUNCH" host status --json
jq -e '.shield.backend == "cgroup1" and .shield.holders == ["sh"] and .shield.vm_cpus == "1"' "$T/out" >/dev/null ||
	fail "host status does not show the shield: $(jq -c .shield "$T/out")"
expect_code 0 "$MVLAUNCH" host status
expect_out "shield (cgroup1): CPUs 1 kept for VMs, held by sh"
expect_code 0 "$MVLAUNCH" down --force sh
check_original "after down (a task forking all along)"
kill "$forker"

# kill -9 of QEMU, then status puts everything back
expect_code 0 "$MVLAUNCH" up sh || { cat "$T/err"; done_testing; }
shielded
pid=$(cat "$T/run/sh/qemu.pid")
kill -9 "$pid"
wait_dead "$pid" || fail "QEMU $pid still runs 10 s after kill -9"
expect_code 3 "$MVLAUNCH" status sh && expect_err "released what 'sh' held: its QEMU is gone"
check_original "after kill -9 and status"
expect_code 0 "$MVLAUNCH" down --force sh
no_leftovers sh
done_testing
