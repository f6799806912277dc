#!/usr/bin/env bash
# t3030-repin.sh - 'repin' on a running VM (TCG, paused: its threads exist,
# no guest needed): a drift planted with taskset put back; a vCPU moved to
# another CPU, read back and recorded in state.json and host.json (the VM
# holds a host knob, so host.json has its CPUs); refused onto a CPU another
# running VM owns, a CPU that is not online, a vCPU that does not exist;
# --plan from an edited config; --dry-run moves nothing; and mvlaunch
# killed (SIGKILL, strace's fault injection) at the pins, the state file's
# rename and file opens, leaving state.json whole with the old or the new
# pin, host.json holding at least its CPUs, and a plain 'repin' fixing any
# thread left behind. Two CPUs here: CPU 0 is the host's (reserved).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
[ -w /proc/sys/vm/stat_interval ] || skip "needs root for a host knob"
si0=$(cat /proc/sys/vm/stat_interval)
at_exit "echo $si0 > /proc/sys/vm/stat_interval"
printf 'stat_interval = %s\n' $((si0 + 3)) >"$T/vms/host.toml"

one_vcpu() {	# one_vcpu NAME CPU
	demo_config "$1" 's/^vcpus = 2$/vcpus = 1/' 's/^topology = .*/topology = { sockets = 1, cores = 1, threads = 1 }/' \
		"s/^vcpus = \\[\"0\", \"1\"\\].*/vcpus = [\"$2\"]/" 's/^emulator = .*/emulator = "0"/'
}
one_vcpu a 1
one_vcpu b 1
expect_code 0 "$MVLAUNCH" up --paused a || done_testing
vtid() { "$MVLAUNCH" status --window 0 --json "$1" | jq -r '.vms[0].threads[] | select(.role == "vcpu") | .tid'; }
planned() { jq -c '[.threads[] | select(.role == "vcpu") | .cpus]' "$MVLAUNCH_RUNDIR/$1/state.json"; }
held() { jq -c ".holders.$1.cpus" "$MVLAUNCH_RUNDIR/host.json"; }
tid=$(vtid a)
[ "$(held a)" = "[1]" ] || fail "host.json holds $(held a) for a"

# drift, put back
taskset -pc 0 "$tid" >/dev/null
expect_code 0 "$MVLAUNCH" status a && expect_out "PINS DRIFTED"
expect_code 0 "$MVLAUNCH" repin a
expect_out "vcpu0 (tid $tid): 0 -> 1 (back on its pin)"
expect_out "a: 1 thread moved, every pin read back and recorded"
[ "$(cpus_of "$tid")" = 1 ] || fail "vcpu0 is on $(cpus_of "$tid") after repin"
expect_code 0 "$MVLAUNCH" repin a && expect_out "a: every thread is on its pin"

# a new pin: moved, read back, recorded
expect_code 0 "$MVLAUNCH" repin --dry-run a --vcpu 0=0 && expect_out "would move vcpu0 (tid $tid): 1 -> 0"
[ "$(cpus_of "$tid")" = 1 ] || fail "--dry-run moved vcpu0"
expect_code 0 "$MVLAUNCH" repin a --vcpu 0=0
expect_err "CPU 0 kept for the host (reserved_cpus): vCPUs there share it with host tasks"
[ "$(cpus_of "$tid")" = 0 ] || fail "vcpu0 is on $(cpus_of "$tid"), not 0"
[ "$(planned a)" = "[[0]]" ] || fail "state.json: $(planned a)"
[ "$(jq -c .owned_cpus "$MVLAUNCH_RUNDIR/a/state.json")" = "[0]" ] || fail "a owns $(jq -c .owned_cpus "$MVLAUNCH_RUNDIR/a/state.json")"
[ "$(held a)" = "[0]" ] || fail "host.json holds $(held a) for a"
expect_code 0 "$MVLAUNCH" status --json a
[ "$(jq -r '.vms[0].drift' "$T/out")" = false ] || fail "drift after repin"

# refusals: another VM's CPU, an offline CPU, a vCPU that does not exist, bad arguments
expect_code 0 "$MVLAUNCH" up --paused b
expect_code 1 "$MVLAUNCH" repin a --vcpu 0=1
expect_err "mvlaunch: error: CPU 1 is owned by running VM 'b' (dedicated vCPUs)"
[ "$(cpus_of "$tid")" = 0 ] && [ "$(planned a)" = "[[0]]" ] || fail "a refused repin moved something"
expect_code 1 "$MVLAUNCH" repin a --vcpu 0=63 && expect_err "--vcpu 0=...: CPU 63 is not online"
expect_code 1 "$MVLAUNCH" repin a --vcpu 5=0 && expect_err "VM 'a' has no vCPU 5 (it has 1: 0 to 0)"
expect_code 2 "$MVLAUNCH" repin a --vcpu x && expect_err "--vcpu 'x': expected N=CPUS"
expect_code 2 "$MVLAUNCH" repin a --plan --vcpu 0=1
expect_code 0 "$MVLAUNCH" down --force b

# --plan: the config now says auto; the planner puts it on the free CPU 1
sed -i 's/^vcpus = \["1"\]/vcpus = "auto"/' "$T/vms/a.toml"
expect_code 0 "$MVLAUNCH" repin --plan a
expect_out "vcpu0 (tid $tid): 0 -> 1"
[ "$(cpus_of "$tid")" = 1 ] && [ "$(planned a)" = "[[1]]" ] || fail "--plan: vcpu0 on $(cpus_of "$tid"), planned $(planned a)"

# killed at the pins, the rename of state.json, and file opens: old or new, whole; a plain repin mends it
if command -v strace >/dev/null; then
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	to=0
	for point in sched_setaffinity:when=1 sched_setaffinity:when=2 rename:when=1 openat:when=3 openat:when=8 \
		openat:when=15 openat:when=25 write:when=1 write:when=3; do
		before=$(planned a)
		strace -f -o /dev/null -e inject="${point%%:*}:signal=KILL:${point#*:}" \
			"$MVLAUNCH" repin a --vcpu 0=$to >/dev/null 2>&1
		after=$(planned a)
		case $after in "$before" | "[[$to]]") ;; *) fail "$point: state.json has $after (was $before, asked [[$to]])" ;; esac
		owned=$(jq -c .owned_cpus "$MVLAUNCH_RUNDIR/a/state.json")
		jq -e --argjson o "$owned" '.holders.a.cpus as $h | all($o[]; . as $c | $h | index($c))' \
			"$MVLAUNCH_RUNDIR/host.json" >/dev/null || fail "$point: host.json holds $(held a), state owns $owned"
		expect_code 0 "$MVLAUNCH" repin a
		[ "$(cpus_of "$tid")" = "$(jq -r '.[0][0]' <<<"$(planned a)")" ] || fail "$point: repin left vcpu0 on $(cpus_of "$tid")"
		[ -e "$MVLAUNCH_RUNDIR/a/state.json.tmp" ] && rm -f "$MVLAUNCH_RUNDIR/a/state.json.tmp"
		to=$((1 - to))
	done
fi
expect_code 0 "$MVLAUNCH" down --force a
no_leftovers a

# the emulator moved off the CPU it shared with a dedicated vCPU: that CPU stays owned
one_vcpu c 1
sed -i 's/^emulator = "0"/emulator = "1"/' "$T/vms/c.toml"
expect_code 0 "$MVLAUNCH" up --paused c
expect_code 0 "$MVLAUNCH" repin c --emulator 0
[ "$(jq -c .owned_cpus "$MVLAUNCH_RUNDIR/c/state.json")" = "[1]" ] ||
	fail "c owns $(jq -c .owned_cpus "$MVLAUNCH_RUNDIR/c/state.json") after its emulator left CPU 1"
expect_code 0 "$MVLAUNCH" down --force c
[ "$(cat /proc/sys/vm/stat_interval)" = "$si0" ] || fail "stat_interval not restored"
done_testing
