#!/usr/bin/env bash
# t3040-up-cgroup-systemd.sh - a VM's cgroup on a systemd host: the transient
# scope mvlaunch-NAME.scope in machine.slice, through sd-bus. This machine's
# PID 1 is not systemd and its cgroups are v1, so the test stands up what
# mvlaunch talks to: a private D-Bus bus (dbus-daemon) with fake-systemd1.py
# answering as org.freedesktop.systemd1 (StartTransientUnit, StopUnit,
# SetUnitProperties, AttachProcessesToUnit) and org.freedesktop.machine1
# (RegisterMachine), making the scope's cgroup with the v2 files systemd
# writes in a fake tree ($MVLAUNCH_SYSROOT: cgroup v2, /run/systemd/system).
# The fake tree has no kernel: /proc/PID/cgroup cannot say where QEMU is, so
# the scope's cgroup.procs is checked instead. Checked: the properties
# StartTransientUnit received (Slice, PIDs = the first process: swtpm when
# [tpm] is on, else QEMU; CPUWeight, CPUQuotaPerSecUSec, MemoryMax,
# MemoryHigh), the limits read back from the scope's files, RegisterMachine
# (leader QEMU, class vm, the VM's UUID), 'limits --cpu-weight' as
# SetUnitProperties read back, StopUnit at down; without machined on the bus
# the VM starts with a note; three VMs started by one 'up' and stopped by
# 'down --all' at once (a host shutdown) each get and lose their scope.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v jq >/dev/null || skip "jq is not installed (make deps)"

private_bus
root=$T/root
# fake: start the fake systemd (ARGS... after the sysroot) and wait for it
fake() {
	: >"$T/calls"
	/usr/bin/python3 "$TOP/tests/e2e/fake-systemd1.py" "unix:path=$T/bus.sock" "$T/calls" 3 "$root" "$@" \
		>"$T/fake.log" 2>&1 &
	fakepid=$!
	at_exit "kill $fakepid 2>/dev/null"
	wait_for "$T/calls" '"ready"' 10 || { fail "the fake systemd did not start: $(cat "$T/fake.log" "$T/busd.log")"; done_testing; }
}
mkdir -p "$root/sys/fs/cgroup/machine.slice" "$root/run/systemd/system"
echo "cpuset cpu io memory pids" >"$root/sys/fs/cgroup/cgroup.controllers"
: >"$root/sys/fs/cgroup/cgroup.procs"
export MVLAUNCH_SYSROOT=$root DBUS_SYSTEM_BUS_ADDRESS=unix:path=$T/bus.sock MVLAUNCH_CGROUP_ROOT=/machine.slice
scope=$root/sys/fs/cgroup/machine.slice/mvlaunch-sd.scope

demo_config sd '/^\[boot\]/,$d'
cat >>"$T/vms/sd.toml" <<TOML
[smbios]
uuid = "6f1a2b3c-4d5e-4f60-8172-8394a5b6c7d8"

[limits]
cpu_weight = 800
cpu_max = "250%"
memory_max = "1G"
memory_high = "900M"
TOML
call() { jq -c -s --arg c "$1" '[.[] | select(.call == $c)]' "$T/calls"; }

fake
expect_code 0 "$MVLAUNCH" up --paused sd || { cat "$T/fake.log"; done_testing; }
pid=$(cat "$T/run/sd/qemu.pid")
call start | jq -e --argjson pid "$pid" '. == [{"call": "start", "unit": "mvlaunch-sd.scope", "mode": "fail",
	"props": {"Description": "mvlaunch VM sd", "Slice": "machine.slice", "CollectMode": "inactive-or-failed",
	"PIDs": [$pid], "CPUWeight": 800, "CPUQuotaPerSecUSec": 2500000, "MemoryMax": 1073741824,
	"MemoryHigh": 943718400}, "aux": 0}]' >/dev/null || fail "StartTransientUnit got $(call start)"
call register | jq -e --argjson pid "$pid" '. == [{"call": "register", "name": "sd",
	"id": "6f1a2b3c4d5e4f6081728394a5b6c7d8", "service": "mvlaunch", "class": "vm", "leader": $pid, "root": ""}]' \
	>/dev/null || fail "RegisterMachine got $(call register)"
grep -qx "$pid" "$scope/cgroup.procs" || fail "QEMU is not in the scope's cgroup.procs: $(cat "$scope/cgroup.procs")"
expect_code 0 "$MVLAUNCH" status --json sd
jq -e '.vms[0].cgroup == {"path": "/machine.slice/mvlaunch-sd.scope", "backend": "systemd", "cpu_weight": 800,
	"cpu_max": "250%", "memory_max": 1073741824, "memory_high": 943718400}' "$T/out" >/dev/null ||
	fail "status --json cgroup: $(jq -c '.vms[0].cgroup' "$T/out")"
expect_code 0 "$MVLAUNCH" limits sd --cpu-weight 50 --cpu-max 75%
call set-limits | jq -e '. == [{"call": "set-limits", "unit": "mvlaunch-sd.scope", "runtime": true,
	"props": {"CPUWeight": 50, "CPUQuotaPerSecUSec": 750000}}]' >/dev/null || fail "SetUnitProperties got $(call set-limits)"
[ "$(cat "$scope/cpu.weight")" = 50 ] && [ "$(cat "$scope/cpu.max")" = "75000 100000" ] ||
	fail "scope files after limits: $(cat "$scope/cpu.weight") / $(cat "$scope/cpu.max")"
expect_out "cgroup /machine.slice/mvlaunch-sd.scope (systemd): cpu_weight 50, cpu_max 75%, memory_max 1G, memory_high 900M"
expect_code 0 "$MVLAUNCH" down --force sd
[ "$(call stop)" = '[{"call":"stop","unit":"mvlaunch-sd.scope","mode":"replace"}]' ] || fail "down: StopUnit $(call stop)"
[ ! -e "$scope" ] || fail "the scope's cgroup is left"
no_leftovers sd

# a failed start (QEMU cannot run) stops the scope it started
printf '[qemu]\nbinary = "%s"\n' "$T/no-such-qemu" >>"$T/vms/sd.toml"
: >"$T/calls"
expect_code 1 "$MVLAUNCH" up --paused sd
[ ! -e "$scope" ] || fail "a failed up left the scope"
no_leftovers sd
sed -i '/^\[qemu\]/,$d' "$T/vms/sd.toml"

# with [tpm], swtpm starts first: the scope is started with its pid, QEMU attached, QEMU the machine's leader
if command -v swtpm >/dev/null; then
	printf '[tpm]\nenable = true\n' >>"$T/vms/sd.toml"
	: >"$T/calls"
	expect_code 0 "$MVLAUNCH" up --paused sd || { cat "$T/fake.log"; done_testing; }
	pid=$(cat "$T/run/sd/qemu.pid") tpm=$(cut -d' ' -f1 "$T/run/sd/swtpm.id")
	call start | jq -e --argjson tpm "$tpm" '.[0].props.PIDs == [$tpm]' >/dev/null || fail "start: $(call start)"
	[ "$(call attach)" = "[{\"call\":\"attach\",\"unit\":\"mvlaunch-sd.scope\",\"pids\":[$pid]}]" ] ||
		fail "attach: $(call attach)"
	call register | jq -e --argjson pid "$pid" '.[0].leader == $pid' >/dev/null || fail "register: $(call register)"
	# (sort -u: the fake's plain file keeps each write, systemd's and the process's own; the kernel lists a pid once)
	[ "$(sort -nu "$scope/cgroup.procs" | tr '\n' ' ')" = "$(printf '%s\n' "$tpm" "$pid" | sort -n | tr '\n' ' ')" ] ||
		fail "scope procs: $(cat "$scope/cgroup.procs")"
	expect_code 0 "$MVLAUNCH" down --force sd
	[ ! -e "$scope" ] || fail "the scope's cgroup is left"
	no_leftovers sd
	sed -i '/^\[tpm\]/,$d' "$T/vms/sd.toml"
fi

# no machined on the bus: the VM starts, with a note
kill "$fakepid"
fake --no-machined
expect_code 0 "$MVLAUNCH" up --paused sd || { cat "$T/fake.log"; done_testing; }
expect_err "systemd-machined is not on the bus: 'sd' is not registered as a machine"
[ "$(call register)" = "[]" ] || fail "registered without machined: $(call register)"
expect_code 0 "$MVLAUNCH" down --force sd
[ ! -e "$scope" ] || fail "the scope's cgroup is left"
no_leftovers sd

# a host shutdown: three floating VMs started by one 'up' and stopped together by 'down --all', their
# workers on the bus at once: a scope each, each stopped, none left
kill "$fakepid"
fake
for v in sa sb sc; do demo_config "$v" '/^\[boot\]/,$d' '/^\[pinning\]/,/^$/d'; done
expect_code 0 "$MVLAUNCH" up --paused sa sb sc || { cat "$T/err" "$T/fake.log"; done_testing; }
expect_out "started 3 of 3 VMs: sa, sb, sc"
units='["mvlaunch-sa.scope","mvlaunch-sb.scope","mvlaunch-sc.scope"]'
[ "$(call start | jq -c '[.[].unit] | sort')" = "$units" ] || fail "up sa sb sc: StartTransientUnit $(call start)"
[ "$(call register | jq -c '[.[].name] | sort')" = '["sa","sb","sc"]' ] || fail "up sa sb sc: RegisterMachine $(call register)"
for v in sa sb sc; do
	grep -qx "$(cat "$T/run/$v/qemu.pid")" "$root/sys/fs/cgroup/machine.slice/mvlaunch-$v.scope/cgroup.procs" ||
		fail "QEMU of $v is not in its scope"
done
expect_code 0 "$MVLAUNCH" down --all
expect_out "stopped 3 of 3 VMs: sa, sb, sc"
[ "$(call stop | jq -c '[.[].unit] | sort')" = "$units" ] || fail "down --all: StopUnit $(call stop)"
for v in sa sb sc; do
	[ ! -e "$root/sys/fs/cgroup/machine.slice/mvlaunch-$v.scope" ] || fail "the scope of $v is left"
	no_leftovers "$v"
done
[ ! -e "$T/run/host.json" ] || fail "host.json left behind: $(cat "$T/run/host.json")"
done_testing
