#!/usr/bin/env bash
# t3024-up-cgroup.sh - every VM's QEMU in a cgroup of its own, with the
# [limits] of its config read back from the kernel's files. This machine has
# cgroup v1 (separate cpu, cpuacct, memory, blkio mounts; no systemd as PID
# 1), so the cgroup is ROOT/mvlaunch-NAME in each of those hierarchies (never
# cpuset, the shield's); on a cgroup v2 host the test reads the v2 files of
# the one directory instead. ROOT is this test's own subtree
# ($MVLAUNCH_CGROUP_ROOT from lib.sh), removed at exit. Under TCG, paused
# (this host's nested KVM runs no guest). Checked:
# - up makes the cgroup, QEMU's /proc/PID/cgroup names it, the limits read
#   back (v1: cpu.shares = weight * 1024 / 100, cfs quota, limit_in_bytes,
#   soft_limit_in_bytes), and status (text, --json "cgroup") shows them;
# - 'limits --cpu-weight/--cpu-max/--memory-max' changes them live (the
#   kernel's files read back), 'limits --memory-max' below the VM's need is
#   refused with the numbers and changes nothing;
# - down removes the cgroup; so does down after kill -9 of QEMU, and after
#   kill -9 of 'up' itself while QEMU starts (cgroup.json was written first);
# - an up that fails after the cgroup was made (QEMU cannot start) removes it;
# - swtpm ([tpm]) is in the cgroup beside QEMU.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v jq >/dev/null || skip "jq is not installed (make deps)"
[ "$(id -u)" = 0 ] || skip "makes cgroups: needs root"
root=$MVLAUNCH_CGROUP_ROOT
if [ -e /sys/fs/cgroup/cgroup.controllers ]; then
	[ -e /run/systemd/system ] && skip "systemd host: the cgroup is a scope (t3040 tests that against a fake systemd)"
	v2=1
	cpudir=/sys/fs/cgroup$root/mvlaunch-cg
	memdir=$cpudir
	dirs=$cpudir
else
	[ -w /sys/fs/cgroup/cpu/cgroup.procs ] && [ -w /sys/fs/cgroup/memory/cgroup.procs ] ||
		skip "no writable cgroup v1 cpu and memory hierarchies"
	v2=0
	cpudir=/sys/fs/cgroup/cpu$root/mvlaunch-cg
	memdir=/sys/fs/cgroup/memory$root/mvlaunch-cg
	dirs="$cpudir $memdir /sys/fs/cgroup/cpuacct$root/mvlaunch-cg /sys/fs/cgroup/blkio$root/mvlaunch-cg"
fi

demo_config cg '/^\[boot\]/,$d'
cat >>"$T/vms/cg.toml" <<TOML
[limits]
cpu_weight = 800
cpu_max = "150%"
memory_max = "600M"
memory_high = "560M"
TOML

gone() {
	local d
	for d in $dirs; do [ ! -e "$d" ] || fail "$1: $d left behind"; done
}
# in_cgroup PID: each of the VM's hierarchies in /proc/PID/cgroup names the VM's cgroup
in_cgroup() {
	local want=$root/mvlaunch-cg n
	if [ $v2 = 1 ]; then
		grep -qx "0::$want" "/proc/$1/cgroup" || fail "pid $1 is not in $want: $(cat "/proc/$1/cgroup")"
		return
	fi
	for n in cpu cpuacct memory blkio; do
		grep -Eq "^[0-9]+:([a-z_]+,)*$n(,[a-z_]+)*:$want\$" "/proc/$1/cgroup" ||
			fail "pid $1: its $n cgroup is not $want: $(grep -E ":([a-z_]+,)*$n(,|:)" "/proc/$1/cgroup")"
	done
	grep -q "cpuset:/\$" "/proc/$1/cgroup" || fail "pid $1 left the root cpuset (the shield's hierarchy)"
}
# readback WEIGHT PCT MAXBYTES HIGHBYTES: the kernel's own files
readback() {
	if [ $v2 = 1 ]; then
		[ "$(cat "$cpudir/cpu.weight")" = "$1" ] || fail "cpu.weight is $(cat "$cpudir/cpu.weight"), want $1"
		[ "$(cat "$cpudir/cpu.max")" = "$(($2 * 1000)) 100000" ] || fail "cpu.max is $(cat "$cpudir/cpu.max")"
		[ "$(cat "$memdir/memory.max")" = "$3" ] || fail "memory.max is $(cat "$memdir/memory.max"), want $3"
		[ "$(cat "$memdir/memory.high")" = "$4" ] || fail "memory.high is $(cat "$memdir/memory.high"), want $4"
	else
		[ "$(cat "$cpudir/cpu.shares")" = $(($1 * 1024 / 100)) ] || fail "cpu.shares is $(cat "$cpudir/cpu.shares"), want $(($1 * 1024 / 100))"
		[ "$(cat "$cpudir/cpu.cfs_period_us")" = 100000 ] || fail "cpu.cfs_period_us is $(cat "$cpudir/cpu.cfs_period_us")"
		[ "$(cat "$cpudir/cpu.cfs_quota_us")" = $(($2 * 1000)) ] || fail "cpu.cfs_quota_us is $(cat "$cpudir/cpu.cfs_quota_us"), want $(($2 * 1000))"
		[ "$(cat "$memdir/memory.limit_in_bytes")" = "$3" ] || fail "memory.limit_in_bytes is $(cat "$memdir/memory.limit_in_bytes"), want $3"
		[ "$(cat "$memdir/memory.soft_limit_in_bytes")" = "$4" ] || fail "memory.soft_limit_in_bytes is $(cat "$memdir/memory.soft_limit_in_bytes"), want $4"
	fi
}

expect_code 0 "$MVLAUNCH" up --paused cg || done_testing
pid=$(cat "$T/run/cg/qemu.pid")
in_cgroup "$pid"
readback 800 150 $((600 << 20)) $((560 << 20))
grep -qx "$pid" "$cpudir/cgroup.procs" || fail "QEMU's pid is not in $cpudir/cgroup.procs"
expect_code 0 "$MVLAUNCH" status cg
expect_out "cgroup $root/mvlaunch-cg ($([ $v2 = 1 ] && echo cgroup2 || echo cgroup1)): cpu_weight 800, cpu_max 150%, memory_max 600M, memory_high 560M"
expect_code 0 "$MVLAUNCH" status --json cg
jq -e --arg p "$root/mvlaunch-cg" '.vms[0].cgroup | .path == $p and .cpu_weight == 800 and .cpu_max == "150%"
	and .memory_max == 629145600 and .memory_high == 587202560' "$T/out" >/dev/null ||
	fail "status --json cgroup: $(jq -c '.vms[0].cgroup' "$T/out")"

# live changes, read back from the kernel's files
expect_code 0 "$MVLAUNCH" limits cg --cpu-weight 50 --cpu-max 75% --memory-max 700M --json
readback 50 75 $((700 << 20)) $((560 << 20))
jq -e '.disks == [] and .cgroup.cpu_weight == 50 and .cgroup.cpu_max == "75%" and .cgroup.memory_max == 734003200' \
	"$T/out" >/dev/null || fail "limits --json: $(cat "$T/out")"
expect_code 0 "$MVLAUNCH" limits cg
expect_out "cpu_weight 50, cpu_max 75%, memory_max 700M, memory_high 560M"
# 256M guest: 256M + 256M + 2% = 517.12M, so 518M; nothing changes, the weight neither
expect_code 1 "$MVLAUNCH" limits cg --cpu-weight 60 --memory-max 300M
expect_err "--memory-max: 300M (314572800 bytes) is below what the VM needs, 518M: memory.size 256M + 256M + 2% of it"
readback 50 75 $((700 << 20)) $((560 << 20))
expect_code 2 "$MVLAUNCH" limits cg --cpu-max 75
expect_err "expected a share of one CPU as \"N%\""

expect_code 0 "$MVLAUNCH" down --force cg
gone "down"
no_leftovers cg

# kill -9 of QEMU, then down: the recorded cgroup goes
expect_code 0 "$MVLAUNCH" up --paused cg || done_testing
pid=$(cat "$T/run/cg/qemu.pid")
in_cgroup "$pid"
kill -9 "$pid"
wait_dead "$pid" || fail "QEMU $pid did not die"
expect_code 0 "$MVLAUNCH" down cg
gone "down after kill -9 of QEMU"
no_leftovers cg

# kill -9 of 'up' itself while QEMU starts (a QEMU that takes 30 s to come up):
# cgroup.json was on disk before the cgroup, so down removes it
# (it waits in-process, on a FIFO nobody writes: a child 'sleep' would keep the cgroup busy)
mkfifo "$T/fifo"
cat >"$T/slow-qemu" <<SH
#!/bin/bash
read -t 30 <>"$T/fifo"
exec qemu-system-x86_64 "\$@"
SH
chmod +x "$T/slow-qemu"
cp "$T/vms/cg.toml" "$T/cg.toml.orig"
printf '[qemu]\nbinary = "%s"\n' "$T/slow-qemu" >>"$T/vms/cg.toml"
"$MVLAUNCH" up --paused cg >"$T/up.out" 2>&1 &
up=$!
wait_for "$T/run/cg/cgroup.json" mvlaunch-cg 10 || fail "up wrote no cgroup.json"
for i in $(seq 50); do [ -s "$T/run/cg/qemu.id" ] && break; sleep 0.1; done
kill -9 "$up"
wait "$up" 2>/dev/null
slow=$(cut -d' ' -f1 "$T/run/cg/qemu.id")
in_cgroup "$slow"
expect_code 0 "$MVLAUNCH" down --force cg
gone "down after kill -9 of up"
no_leftovers cg

# QEMU cannot start: the cgroup up made is gone again
printf '[qemu]\nbinary = "%s"\n' "$T/no-such-qemu" >>"$T/cg.toml.orig"
cp "$T/cg.toml.orig" "$T/vms/cg.toml"
expect_code 1 "$MVLAUNCH" up --paused cg
expect_err "cannot run '$T/no-such-qemu'"
gone "a failed up"
no_leftovers cg

# swtpm, QEMU's helper, runs in the VM's cgroup too
if command -v swtpm >/dev/null; then
	sed -i '/^\[qemu\]/,$d' "$T/vms/cg.toml"
	printf '[tpm]\nenable = true\n' >>"$T/vms/cg.toml"
	expect_code 0 "$MVLAUNCH" up --paused cg || done_testing
	tpm=$(cut -d' ' -f1 "$T/run/cg/swtpm.id")
	in_cgroup "$tpm"
	in_cgroup "$(cat "$T/run/cg/qemu.pid")"
	expect_code 0 "$MVLAUNCH" down --force cg
	gone "down of a VM with swtpm"
	no_leftovers cg
else
	echo "swtpm is not installed: its cgroup is not checked"
fi

# the guard: a config asking less than the VM needs starts nothing
demo_config cg '/^\[boot\]/,$d'
printf '[limits]\nmemory_max = "512M"\n' >>"$T/vms/cg.toml"
expect_code 1 "$MVLAUNCH" up --paused cg
expect_err "cg.toml:$(grep -n '^memory_max' "$T/vms/cg.toml" | cut -d: -f1):1: key 'limits.memory_max': 512M (536870912 bytes) is below what the VM needs, 518M"
gone "a refused config"
done_testing
