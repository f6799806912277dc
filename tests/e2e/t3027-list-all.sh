#!/usr/bin/env bash
# t3027-list-all.sh - 'list' and 'list --all [--json]': a running VM (TCG),
# a paused one, one whose QEMU was killed (crashed), a stopped one whose
# systemd unit is enabled (a mvlaunch@NAME.service link in a .wants
# directory of a fake /etc/systemd/system: no systemd runs here), and a
# config that does not load (its error named, the others still listed).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
need_demo_guest

demo_config run1 's/^\[pinning\]/[pinning]\npolicy = "shared"/'
# run1 is pinned (shared: it owns no CPU, so the others may float there too), the others float
unpin='/^vcpus = \["0", "1"\]/d'
demo_config held 's/^vcpus = 2$/vcpus = 1/' 's/^topology = .*/topology = { sockets = 1, cores = 1, threads = 1 }/' "$unpin" \
	's/^size = "256M"/size = "128M"/'
demo_config gone "$unpin"
demo_config off "$unpin" 's/^size = "256M"/size = "512M"/'
printf 'name = "bad"\n[cpu]\nvcpus = 0\n' >"$T/vms/bad.toml"
mkdir -p "$T/sys/etc/systemd/system/multi-user.target.wants"
ln -s /lib/systemd/system/mvlaunch@.service "$T/sys/etc/systemd/system/multi-user.target.wants/mvlaunch@off.service"
sysls() { MVLAUNCH_SYSROOT=$T/sys "$MVLAUNCH" list "$@"; }

expect_code 0 "$MVLAUNCH" up run1 || done_testing
expect_code 0 "$MVLAUNCH" up --paused held || done_testing
expect_code 0 "$MVLAUNCH" up --paused gone || done_testing
gpid=$(cat "$MVLAUNCH_RUNDIR/gone/qemu.pid")
kill -9 "$gpid"
wait_dead "$gpid" || fail "QEMU of gone did not die"
pid=$(cat "$MVLAUNCH_RUNDIR/run1/qemu.pid")

# the running ones only
expect_code 0 sysls
expect_out "NAME                 STATE      VCPUS  MEMORY  PINS                   AUTOSTART      PID  UPTIME"
grep -qE "^run1 +running +2 +256M  0-1 +no +$pid  [0-9]+s$" "$T/out" || fail "run1's line: $(grep ^run1 "$T/out")"
grep -qE "^held +paused +1 +128M  [0-9,-]+ +no " "$T/out" || fail "held's line: $(grep ^held "$T/out")"
grep -qE "^gone +crashed " "$T/out" || fail "gone's line: $(grep ^gone "$T/out")"
grep -q "^off " "$T/out" && fail "list without --all shows a stopped VM"

# --all: the stopped ones too, the bad config's error on stderr
expect_code 0 sysls --all
grep -qE "^off +stopped +2 +512M  floating +yes +-  -$" "$T/out" || fail "off's line: $(grep ^off "$T/out")"
grep -qE "^bad +stopped +- +-  - +no " "$T/out" || fail "bad's line: $(grep ^bad "$T/out")"
expect_err "mvlaunch: warning: $T/vms/bad.toml:3:1: key 'cpu.vcpus': must be 1..1024"
[ "$(awk 'NR > 1 { print $1 }' "$T/out" | tr '\n' ' ')" = "bad gone held off run1 " ] || fail "not sorted by name: $(cat "$T/out")"

# the JSON contract
expect_code 0 sysls --all --json
[ "$(jq -c '.vms | map([.name, .state, .vcpus, .memory_bytes, .autostart])' "$T/out")" = \
'[["bad","stopped",null,null,false],["gone","crashed",2,268435456,false],["held","paused",1,134217728,false],["off","stopped",2,536870912,true],["run1","running",2,268435456,false]]' ] ||
	fail "list --json: $(jq -c '.vms' "$T/out")"
jq -e --argjson p "$pid" '.vms[] | select(.name == "run1") | .pid == $p and .uptime_s >= 0' "$T/out" >/dev/null || fail "run1's pid/uptime"
jq -e '.vms[] | select(.name == "off") | .pid == null and .uptime_s == null' "$T/out" >/dev/null || fail "off's pid/uptime not null"
jq -e '.vms[] | select(.name == "bad") | .error | contains("must be 1..1024")' "$T/out" >/dev/null || fail "bad's error"
jq -e '[.vms[] | keys] | all(. as $k | ["autostart", "memory_bytes", "name", "pid", "state", "uptime_s", "vcpus"] | all(. as $w | $k | index($w)))' \
	"$T/out" >/dev/null || fail "a key of the contract is missing"

for n in run1 held gone; do expect_code 0 "$MVLAUNCH" down --force $n; done
expect_code 0 "$MVLAUNCH" list
[ "$(wc -l <"$T/out")" = 1 ] || fail "list after down: $(cat "$T/out")"
done_testing
