#!/usr/bin/env bash
# t3021-up-disk-limits.sh - per-disk I/O limits (disk.iops_rd, iops_wr,
# bps_rd, bps_wr; iops_total, bps_total) reach QEMU: the disk's device reads
# through a throttle node (query-block) of a throttle group whose limits QOM
# reads back as the config says; a disk without limits has no throttle node.
# The limits are QEMU's own, so they hold with or without cgroups. 'mvlaunch
# limits' shows them and changes one disk's live; QEMU reads the change back.
# Under TCG, paused (this host's nested KVM runs no guest).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

truncate -s 64M "$T/a.img" "$T/b.img" "$T/c.img" "$T/d.img"
demo_config lim '/^\[boot\]/,$d'
cat >>"$T/vms/lim.toml" <<TOML
[[disk]]
path = "$T/a.img"
cache = "writeback"
aio = "threads"
iops_rd = 100
iops_wr = 200
bps_rd = "1M"
bps_wr = "2M"

[[disk]]
path = "$T/b.img"
iops_total = 50
bps_total = "10M"

[[disk]]
path = "$T/c.img"

[[disk]]
path = "$T/d.img"
readonly = true
discard = true
iops_rd = 10
TOML
expect_code 0 "$MVLAUNCH" up --paused lim
q() { "$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/lim/qmp.sock" "$@"; }
q query-block >"$T/block.json" || fail "query-block failed"
[ "$(jq -r '[.[] | "\(.qdev | split("/")[3])=\(.inserted."node-name")/\(.inserted.drv)"] | join(" ")' "$T/block.json")" = \
  "disk0-dev=disk0-throttle/throttle disk1-dev=disk1-throttle/throttle disk2-dev=disk2/raw disk3-dev=disk3-throttle/throttle" ] ||
	fail "devices: $(jq -c '[.[] | {qdev, n: .inserted."node-name", d: .inserted.drv}]' "$T/block.json")"
# a read-only throttled disk is read-only all the way up (else the device would want to write)
jq -e '.[] | select(.qdev | test("disk3-dev")) | .inserted.ro == true' "$T/block.json" >/dev/null || fail "disk3 is not read-only"
q qom-get '{"path":"/objects/tg-disk0","property":"limits"}' >"$T/l0" || fail "no throttle group for disk0"
jq -e '."iops-read" == 100 and ."iops-write" == 200 and ."bps-read" == 1048576 and ."bps-write" == 2097152 and ."iops-total" == 0' \
	"$T/l0" >/dev/null || fail "disk0 limits: $(cat "$T/l0")"
q qom-get '{"path":"/objects/tg-disk1","property":"limits"}' >"$T/l1" || fail "no throttle group for disk1"
jq -e '."iops-total" == 50 and ."bps-total" == 10485760 and ."iops-read" == 0' "$T/l1" >/dev/null || fail "disk1 limits: $(cat "$T/l1")"
q qom-get '{"path":"/objects/tg-disk2","property":"limits"}' >/dev/null 2>&1 && fail "disk2 has a throttle group it did not ask for"

# mvlaunch limits: what QEMU enforces now, and a live change of one disk
expect_code 0 "$MVLAUNCH" limits lim
[ "$(grep -v '^cgroup ' "$T/out")" = "disk0: iops_rd 100, iops_wr 200, bps_rd 1M/s, bps_wr 2M/s
disk1: iops_total 50, bps_total 10M/s
disk3: iops_rd 10" ] || fail "limits: $(cat "$T/out")"
grep -q "^cgroup .*/mvlaunch-lim (cgroup[12]): cpu_weight 100, cpu_max none" "$T/out" || fail "limits: no cgroup line: $(cat "$T/out")"
expect_code 0 "$MVLAUNCH" limits lim --disk disk0 --iops-rd 50 --bps-wr 0 --bps-rd 4M
[ "$(head -1 "$T/out")" = "disk0: iops_rd 50, iops_wr 200, bps_rd 4M/s" ] || fail "after the change: $(head -1 "$T/out")"
q qom-get '{"path":"/objects/tg-disk0","property":"limits"}' >"$T/l0" || fail "no throttle group for disk0"
jq -e '."iops-read" == 50 and ."iops-write" == 200 and ."bps-read" == 4194304 and ."bps-write" == 0' "$T/l0" >/dev/null ||
	fail "QEMU after the change: $(cat "$T/l0")"
expect_code 0 "$MVLAUNCH" limits --json lim
jq -e '.disks[1] == {"disk":"disk1","iops_rd":0,"iops_wr":0,"iops_total":50,"bps_rd":0,"bps_wr":0,"bps_total":10485760}' \
	"$T/out" >/dev/null || fail "limits --json: $(cat "$T/out")"
expect_code 1 "$MVLAUNCH" limits lim --disk 2 --iops-rd 5 && expect_err "disk2 of 'lim' has no I/O limits to change"
# a read limit on a disk with a total lifts the total (QEMU takes one or the other)
expect_code 0 "$MVLAUNCH" limits lim --disk disk1 --iops-rd 5
[ "$(sed -n 2p "$T/out")" = "disk1: iops_rd 5, bps_total 10M/s" ] || fail "rd over total: $(sed -n 2p "$T/out")"
expect_code 2 "$MVLAUNCH" limits lim --iops-rd 5 && expect_err "which disk? give --disk diskN"
expect_code 2 "$MVLAUNCH" limits lim --disk 0 --bps-rd 5 && expect_err "--bps-rd '5'"
expect_code 0 "$MVLAUNCH" down --force lim
no_leftovers lim
done_testing
