#!/usr/bin/env bash
# t3023-up-iothreads.sh - [[iothread]]s: named iothreads with CPUs of their
# own, shared by disks, with their polling time. QEMU reports exactly the
# iothreads the config names (query-iothreads, with poll-max-ns), each disk's
# device runs in the one it names (QOM), and each iothread thread is pinned
# to its own CPUs (read back with taskset), while a disk's own "ioN" follows
# pinning.iothreads. Under TCG, paused (this host's nested KVM runs no guest).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

truncate -s 64M "$T/a.img" "$T/b.img" "$T/c.img"
demo_config iot '/^\[boot\]/,$d' 's/^emulator = .*/emulator = "0-1"\niothreads = "0"/'
cat >>"$T/vms/iot.toml" <<TOML
[[iothread]]
id = "db"
cpus = "1"
poll_max_ns = 0

[[disk]]
path = "$T/a.img"
iothread = "db"

[[disk]]
path = "$T/b.img"
iothread = "db"

[[disk]]
path = "$T/c.img"
iothread = true
TOML
expect_code 0 "$MVLAUNCH" plan iot
expect_out "iothread db -> 1"
expect_code 0 "$MVLAUNCH" up --paused iot
q() { "$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/iot/qmp.sock" "$@"; }
q query-iothreads >"$T/io.json" || fail "query-iothreads failed"
[ "$(jq -r '[.[] | .id] | sort | join(" ")' "$T/io.json")" = "db io2" ] || fail "iothreads: $(jq -c . "$T/io.json")"
jq -e '.[] | select(.id == "db") | ."poll-max-ns" == 0' "$T/io.json" >/dev/null || fail "db's poll-max-ns: $(jq -c . "$T/io.json")"
for i in 0 1; do
	[ "$(q qom-get "{\"path\":\"/machine/peripheral/disk$i-dev\",\"property\":\"iothread\"}")" = '"/objects/db"' ] ||
		fail "disk$i does not run in iothread db"
done
[ "$(q qom-get '{"path":"/machine/peripheral/disk2-dev","property":"iothread"}')" = '"/objects/io2"' ] || fail "disk2 is not in its own io2"
for row in "db|1" "io2|0"; do
	id=${row%|*} want=${row#*|}
	tid=$(jq -r ".[] | select(.id == \"$id\") | .\"thread-id\"" "$T/io.json")
	taskset -pc "$tid" | grep -qE "list: $want\$" || fail "iothread $id (tid $tid): $(taskset -pc "$tid"), want CPUs $want"
done
expect_code 0 "$MVLAUNCH" status iot
expect_out "iothread db"
expect_code 0 "$MVLAUNCH" down --force iot
no_leftovers iot
done_testing
