#!/usr/bin/env bash
# t2002-argv-escaping.sh - config values cannot inject QEMU options: a disk
# path full of ",key=value" and a runtime dir with a comma reach QEMU as
# literal values (checked over QMP), in the shell-quoted and --json output.
# A comma in hyperv.vendor_id is refused: QEMU's -cpu parser cannot escape it.
# Runs under TCG (cpu.model "max") so it does not depend on KVM here.
. "$(dirname "$0")/lib.sh" || exit 1

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

mkdir -p "$T/dir,x" "$T/run/esc"
img="$T/dir,x/a,readonly=off,file=passwd.img"
truncate -s 16M "$img"
cat >"$T/vms/esc.toml" <<TOML
[machine]
accel = "tcg"
[cpu]
model = "max"
hyperv = { vendor_id = "KVM=Kvm Kvm" }
[memory]
size = "64M"
[[disk]]
path = "$img"
format = "raw"
readonly = true
cache = "writeback"
aio = "threads"
TOML

export MVLAUNCH_RUNDIR="$T/run,dir"
mkdir -p "$T/run,dir/esc" "$T/log/esc"
expect_code 0 "$MVLAUNCH" argv esc
cp "$T/out" "$T/esc.argv"
grep -qF "path=$T/run,,dir/esc/serial.sock," "$T/esc.argv" || fail "runtime dir not escaped in -chardev"
grep -qF "pipe,id=events,path=$T/run,,dir/esc/events" "$T/esc.argv" || fail "runtime dir not escaped in the events chardev"
qemu_qmp "$T/esc.argv" \
	'{"execute":"query-block"}' \
	'{"execute":"qom-get","arguments":{"path":"/machine/unattached/device[0]","property":"hv-vendor-id"}}' \
	'{"execute":"qom-get","arguments":{"path":"/machine/unattached/device[0]","property":"kvm"}}'
grep -q '"status": "prelaunch"' "$T/qmp.out" || { fail "QEMU did not start"; cat "$T/qemu.err"; }
grep -qF "\"file\": \"$img\"" "$T/qmp.out" || fail "disk path did not arrive literally"
grep -qF '"ro": true' "$T/qmp.out" || fail "read-only was overridden"
grep -qF '"return": "KVM=Kvm Kvm"' "$T/qmp.out" || fail "vendor id did not arrive literally"
grep -qF '"return": true' "$T/qmp.out" || fail "the kvm property changed"
[ ! -e "$T/run,dir/esc/qemu.pid" ] || fail "pidfile left behind"

# a comma in the vendor id would split -cpu: refused with the reason
sed -i 's/^hyperv = .*/hyperv = { vendor_id = "a,kvm=off" }/' "$T/vms/esc.toml"
expect_code 1 "$MVLAUNCH" argv esc
expect_err "esc.toml:5:12: key 'cpu.hyperv.vendor_id': must not contain ',' (QEMU's -cpu parser cannot escape it)"
sed -i 's/^hyperv = .*/hyperv = { vendor_id = "KVM=Kvm Kvm" }/' "$T/vms/esc.toml"

# the JSON form carries the same vector
expect_code 0 "$MVLAUNCH" argv --json esc
argv_array "$T/esc.argv"
[ "$(jq -r 'length' "$T/out")" = "${#ARGV_ARR[@]}" ] || fail "--json and shell output differ in length"
i=0
while IFS= read -r -d '' a; do
	[ "$a" = "${ARGV_ARR[i]}" ] || { fail "--json element $i differs: $a"; break; }
	i=$((i + 1))
done < <(jq -j '.[] | (., "\u0000")' "$T/out")
done_testing
