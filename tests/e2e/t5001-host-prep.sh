#!/usr/bin/env bash
# t5001-host-prep.sh - host preparation on this machine, with the knobs that
# are safe here: 2M hugepages, THP and vm.stat_interval. up (TCG, paused)
# changes them and QEMU uses the hugepages; down gives them back exactly;
# kill -9 then status (or down) does too; with two VMs the first down keeps
# the knobs and the second restores them; a hugepage shortfall aborts up with
# the numbers and changes nothing; 'host prepare/release/status' and the dry
# runs. An exit trap puts the recorded values back if the test itself fails.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
[ -w /proc/sys/vm/stat_interval ] || skip "needs root for host knobs"
host_knobs_test
si_want=$((si0 + 7))

printf 'reserved_cpus = ""\nthp = "%s"\nstat_interval = %s\n' "$thp_want" "$si_want" >"$T/vms/host.toml"
for n in h1 h2; do
	demo_config "$n" '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = "auto"|' 's|^vcpus = 2|vcpus = 1|' \
		's|^topology = .*|topology = "auto"|' 's|^size = .*|size = "64M"\nhugepages = "2M"|'
done
thp_now() { sed 's/.*\[\(.*\)\].*/\1/' "$thp_file"; }
check_original() {
	[ "$(cat "$nodefile")" = "$hp0" ] || fail "$1: nr_hugepages is $(cat "$nodefile"), was $hp0"
	[ "$(thp_now)" = "$thp0" ] || fail "$1: THP is $(thp_now), was $thp0"
	[ "$(cat /proc/sys/vm/stat_interval)" = "$si0" ] || fail "$1: stat_interval is $(cat /proc/sys/vm/stat_interval), was $si0"
	[ ! -e "$T/run/host.json" ] || fail "$1: host.json left behind"
}

# up --dry-run lists the changes and makes none
expect_code 0 "$MVLAUNCH" up --dry-run h1
expect_out "$nodefile: $hp0 -> $((hp0 + 32))"
expect_out "/proc/sys/vm/stat_interval: $si0 -> $si_want"
check_original "up --dry-run"
no_leftovers h1

# one VM: knobs changed, 32 hugepages reserved and used by QEMU
expect_code 0 "$MVLAUNCH" up --paused h1 || { cat "$T/err"; done_testing; }
[ "$(cat "$nodefile")" = $((hp0 + 32)) ] || fail "nr_hugepages is $(cat "$nodefile"), want $((hp0 + 32))"
[ "$(thp_now)" = "$thp_want" ] || fail "THP is $(thp_now), want $thp_want"
[ "$(cat /proc/sys/vm/stat_interval)" = "$si_want" ] || fail "stat_interval not applied"
rsvd=$(awk '/HugePages_Rsvd/ { print $2 }' /proc/meminfo)
[ "$rsvd" -ge 32 ] || fail "QEMU does not use the hugepages (HugePages_Rsvd $rsvd)"
expect_code 0 "$MVLAUNCH" host status --json
jq -e '.holders.h1.hugepages | to_entries[0].value == 32' "$T/out" >/dev/null || fail "host status lacks h1's pages"
jq -e --arg v "$si0" '.knobs["/proc/sys/vm/stat_interval"].original == $v' "$T/out" >/dev/null || fail "original not recorded"

# a second VM; the first down keeps the knobs, the second restores everything
expect_code 0 "$MVLAUNCH" up --paused h2 || cat "$T/err"
[ "$(cat "$nodefile")" = $((hp0 + 64)) ] || fail "nr_hugepages is $(cat "$nodefile") with two VMs"
expect_code 0 "$MVLAUNCH" down --force h1
[ "$(cat "$nodefile")" = $((hp0 + 32)) ] || fail "h1's pages not given back"
[ "$(cat /proc/sys/vm/stat_interval)" = "$si_want" ] || fail "knobs restored while h2 runs"
expect_code 0 "$MVLAUNCH" down --force h2
check_original "after two downs"

# kill -9 of QEMU, then status gives everything back (down would too)
expect_code 0 "$MVLAUNCH" up --paused h1
pid=$(cat "$T/run/h1/qemu.pid")
kill -9 "$pid"
wait_dead "$pid" || fail "QEMU $pid still runs 10 s after kill -9"
expect_code 3 "$MVLAUNCH" status h1 && expect_err "released what 'h1' held: its QEMU is gone"
check_original "after kill -9 and status"
expect_code 0 "$MVLAUNCH" down h1
no_leftovers h1

# a shortfall: far more hugepages than this machine has
demo_config big '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = "auto"|' 's|^vcpus = 2|vcpus = 1|' \
	's|^topology = .*|topology = "auto"|' 's|^size = .*|size = "4T"\nhugepages = "2M"|'
expect_code 1 "$MVLAUNCH" up big
expect_err "$nodefile: asked for 2097152 more hugepages ($((hp0 + 2097152)) in all), the kernel gave"
expect_err "gave them back"
check_original "after a shortfall"
no_leftovers big

# by hand
expect_code 0 "$MVLAUNCH" host prepare --dry-run && expect_out "/proc/sys/vm/stat_interval: $si0 -> $si_want"
check_original "host prepare --dry-run"
expect_code 0 "$MVLAUNCH" host prepare
[ "$(cat /proc/sys/vm/stat_interval)" = "$si_want" ] || fail "host prepare did not apply"
expect_code 0 "$MVLAUNCH" host status && expect_out "(manual): CPUs none"
expect_code 0 "$MVLAUNCH" host release --dry-run && expect_out "/proc/sys/vm/stat_interval: $si_want -> $si0"
expect_code 0 "$MVLAUNCH" host release
check_original "host release"
expect_code 0 "$MVLAUNCH" host status && expect_out "the host is not prepared"
expect_code 2 "$MVLAUNCH" host frobnicate
done_testing
