#!/usr/bin/env bash
# t3025-up-numa.sh - [[numa]]: a guest with two NUMA nodes as declared. The
# booted demo guest reports two nodes with the right vCPUs and memory; QEMU
# reports one backend per node (query-memdev: size, host-nodes, policy) and
# each vCPU in its node (query-cpus-fast node-id); 'plan' and 'argv' show the
# nodes. This host has one NUMA node, so both guest nodes bind to host node
# 0 (the guest cannot tell); a guest needs TCG here (nested KVM hangs one).
# A VM with 2M pages on one node only takes real hugepages from this host
# and gives them back.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
need_demo_guest

demo_config numa 's/^vcpus = 2$/vcpus = 4/' 's/^topology = .*/topology = { sockets = 2, cores = 2, threads = 1 }/' \
	's/^vcpus = \["0", "1"\].*/vcpus = ["0", "0", "1", "1"]/' '/^size = "256M"/d'
cat >>"$T/vms/numa.toml" <<'TOML'

[[numa]]
vcpus = "0-1"
memory = "192M"
host_nodes = "0"
distances = [10, 21]

[[numa]]
vcpus = "2-3"
memory = "64M"
host_nodes = "0"
policy = "preferred"
distances = [21, 10]
TOML
sed -i 's/^\[memory\]$/[memory]\nprealloc = true/' "$T/vms/numa.toml"

expect_code 0 "$MVLAUNCH" plan numa
expect_out "guest node 0: 192M on host node 0, vCPUs 0-1"
expect_out "guest node 1: 64M on host node 0 (preferred), vCPUs 2-3"
expect_code 0 "$MVLAUNCH" plan --json numa
[ "$(jq -c '.vms[0].numa | map([.guest_node, .host_nodes, .vcpus, .memory, .policy])' "$T/out")" = \
	'[[0,[0],[0,1],"192M","bind"],[1,[0],[2,3],"64M","preferred"]]' ] || fail "plan --json numa: $(jq -c '.vms[0].numa' "$T/out")"
expect_code 0 "$MVLAUNCH" argv numa
expect_out '"id":"ram-node0","size":201326592'
expect_out '"prealloc-context":"tc-ram-node0","host-nodes":[0],"policy":"bind"'
expect_out 'node,nodeid=1,memdev=ram-node1'
expect_out 'cpu,node-id=1,socket-id=1'
expect_out 'dist,src=0,dst=1,val=21'

expect_code 0 "$MVLAUNCH" up numa
q() { "$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/numa/qmp.sock" "$@"; }
q query-memdev >"$T/memdev.json" || fail "query-memdev failed"
[ "$(jq -c 'sort_by(.id) | map([.id, .size, ."host-nodes", .policy, .prealloc])' "$T/memdev.json")" = \
	'[["ram-node0",201326592,[0],"bind",true],["ram-node1",67108864,[0],"preferred",true]]' ] ||
	fail "query-memdev: $(jq -c . "$T/memdev.json")"
q query-cpus-fast >"$T/cpus.json" || fail "query-cpus-fast failed"
[ "$(jq -c 'sort_by(."cpu-index") | map(.props."node-id")' "$T/cpus.json")" = '[0,0,1,1]' ] ||
	fail "vCPU nodes: $(jq -c 'map(.props)' "$T/cpus.json")"

wait_for "$T/log/numa/serial.log" "MVLAUNCH-DEMO-READY" 120 || fail "no marker line in serial.log"
grep -a "MVLAUNCH-DEMO: numa" "$T/log/numa/serial.log" >"$T/nodes"
[ "$(wc -l <"$T/nodes")" = 2 ] || fail "the guest does not see 2 NUMA nodes: $(cat "$T/nodes")"
grep -q "numa node0: cpus 0-1 memory" "$T/nodes" || fail "guest node 0 lacks vCPUs 0-1: $(cat "$T/nodes")"
grep -q "numa node1: cpus 2-3 memory" "$T/nodes" || fail "guest node 1 lacks vCPUs 2-3: $(cat "$T/nodes")"
grep -q "numa node0: .* kB distance 10 21[[:space:]]*$" "$T/nodes" || fail "guest node 0's distances: $(cat "$T/nodes")"
grep -q "numa node1: .* kB distance 21 10[[:space:]]*$" "$T/nodes" || fail "guest node 1's distances: $(cat "$T/nodes")"
# the guest's MemTotal is its node's RAM less what the kernel keeps (node 0 also holds the kernel and initramfs)
mem0=$(sed -n 's/.*node0: .* memory \([0-9]*\) kB.*/\1/p' "$T/nodes")
mem1=$(sed -n 's/.*node1: .* memory \([0-9]*\) kB.*/\1/p' "$T/nodes")
[ "${mem0:-0}" -gt $((100 * 1024)) ] && [ "$mem0" -le $((192 * 1024)) ] || fail "guest node 0 has $mem0 kB, want ~192M"
[ "${mem1:-0}" -gt $((16 * 1024)) ] && [ "$mem1" -le $((64 * 1024)) ] || fail "guest node 1 has $mem1 kB, want ~64M"
expect_code 0 "$MVLAUNCH" down --force numa
no_leftovers numa

# a page size per node: node 0 on 2M pages (up takes them from the kernel, down gives them back), node 1 not
total0=$(awk '/^HugePages_Total/ { print $2 }' /proc/meminfo)
demo_config hp '/^\[boot\]/,$d' '/^size = "256M"/d'
cat >>"$T/vms/hp.toml" <<'TOML'

[[numa]]
vcpus = "0"
memory = "64M"
hugepages = "2M"

[[numa]]
vcpus = "1"
memory = "64M"
TOML
expect_code 0 "$MVLAUNCH" up --paused hp
q2() { "$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/hp/qmp.sock" "$@"; }
[ "$(q2 qom-get '{"path": "/objects/ram-node0", "property": "hugetlbsize"}')" = 2097152 ] || fail "node 0 is not on 2M pages"
[ "$(q2 qom-get '{"path": "/objects/ram-node1", "property": "hugetlb"}')" = false ] || fail "node 1 is on hugepages"
[ "$(awk '/^HugePages_Total/ { print $2 }' /proc/meminfo)" -ge $((total0 + 32)) ] || fail "up did not take 32 hugepages for node 0"
expect_code 0 "$MVLAUNCH" down --force hp
[ "$(awk '/^HugePages_Total/ { print $2 }' /proc/meminfo)" = "$total0" ] || fail "down did not give node 0's hugepages back"
no_leftovers hp
done_testing
