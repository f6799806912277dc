#!/usr/bin/env bash
# t5003-shield-systemd.sh - the CPU shield's systemd backend, end to end
# through sd-bus. This machine's PID 1 is not systemd and its cgroups are v1,
# so the test stands up what the backend talks to: a private D-Bus bus
# (dbus-daemon) with fake-systemd1.py answering as org.freedesktop.systemd1
# (SetUnitProperties and AllowedCPUs, as systemd does), and a fake tree
# ($MVLAUNCH_SYSROOT) with a cgroup v2 root offering cpuset and
# /run/systemd/system. 'up' (TCG, paused) must set AllowedCPUs of
# system.slice, user.slice and init.scope to the host CPUs at runtime, put
# QEMU in the root cgroup, and 'down' must set each unit's original back
# (init.scope had CPUs 0-1, the slices no limit). QEMU's own cgroup is a
# scope there (the fake makes it; t3040 tests it).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
need_demo_guest
command -v jq >/dev/null || skip "jq is not installed (make deps)"
[ "$(nproc --all)" -ge 2 ] || skip "needs two CPUs"

private_bus
root=$T/root
/usr/bin/python3 "$TOP/tests/e2e/fake-systemd1.py" "unix:path=$T/bus.sock" "$T/calls" 3 "$root" >"$T/fake.log" 2>&1 &
at_exit "kill $! 2>/dev/null"
wait_for "$T/calls" '"ready"' 10 || { fail "the fake systemd did not start: $(cat "$T/fake.log" "$T/busd.log")"; done_testing; }

mkdir -p "$root/sys/fs/cgroup" "$root/run/systemd/system" "$root/sys/devices/virtual/workqueue"
echo "cpuset cpu io memory pids" >"$root/sys/fs/cgroup/cgroup.controllers"
: >"$root/sys/fs/cgroup/cgroup.procs"
echo 3 >"$root/sys/devices/virtual/workqueue/cpumask"
export MVLAUNCH_SYSROOT=$root DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/bus.sock

printf 'reserved_cpus = "0"\n[shield]\nenable = true\n' >"$T/vms/host.toml"
demo_config sd 's|^vcpus = \["0", "1"\].*|vcpus = ["1"]|' 's|^vcpus = 2|vcpus = 1|' \
	's|^topology = .*|topology = { sockets = 1, cores = 1, threads = 1 }|' 's|^emulator = .*|emulator = "0"|'

sets() { jq -c -s '[.[] | select(.call == "set") | [.unit, .runtime, .bytes]]' "$T/calls"; }
expect_code 0 "$MVLAUNCH" up --paused sd || { cat "$T/err" "$T/fake.log"; done_testing; }
want='[["system.slice",true,[1]],["user.slice",true,[1]],["init.scope",true,[1]]]'
[ "$(sets)" = "$want" ] || fail "up set $(sets), want $want"
expect_err "with systemd, kernel threads stay in the root cgroup"
pid=$(cat "$T/run/sd/qemu.pid")
grep -qx "$pid" "$root/sys/fs/cgroup/cgroup.procs" || fail "QEMU did not put itself into the root cgroup"
[ "$(cat "$root/sys/devices/virtual/workqueue/cpumask")" = 1 ] || fail "the workqueue cpumask did not follow"
expect_code 0 "$MVLAUNCH" host status --json
jq -e '.shield.backend == "systemd" and .shield.units == {"system.slice": "", "user.slice": "", "init.scope": "0-1"}
	and .shield.holders == ["sd"]' "$T/out" >/dev/null || fail "host status: $(jq -c .shield "$T/out")"

: >"$T/calls"
expect_code 0 "$MVLAUNCH" down --force sd
want='[["system.slice",true,[]],["user.slice",true,[]],["init.scope",true,[3]]]'
[ "$(sets)" = "$want" ] || fail "down set $(sets), want $want"
[ "$(cat "$root/sys/devices/virtual/workqueue/cpumask")" = 3 ] || fail "the workqueue cpumask was not restored"
[ ! -e "$T/run/host.json" ] || fail "host.json left behind"
no_leftovers sd

# the bus gone: up fails with the reason and leaves nothing changed
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/nobus.sock
expect_code 1 "$MVLAUNCH" up --paused sd
expect_err "systemd: cannot read AllowedCPUs of system.slice"
[ "$(cat "$root/sys/devices/virtual/workqueue/cpumask")" = 3 ] || fail "a failed up left the workqueue cpumask changed"
[ ! -e "$T/run/host.json" ] || fail "a failed up left host.json"
no_leftovers sd
done_testing
