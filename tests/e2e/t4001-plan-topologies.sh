#!/usr/bin/env bash
# t4001-plan-topologies.sh - 'mvlaunch plan' on the seeds' machine shapes
# (hwloc XML): the JSON contract, seed 004's fourteen 4-vCPU VMs on a
# 72-thread host with its reservation, the fifteenth refused, host.toml
# errors, and that plan changes nothing.
. "$(dirname "$0")/lib.sh" || exit 1
DATA=$TOP/tests/unit/data

auto() {	# auto NAME VCPUS [more [cpu] lines] [more sections]
	printf 'name = "%s"\n[cpu]\nvcpus = %s\ntopology = "auto"\n%b[pinning]\nvcpus = "auto"\n%b' \
		"$1" "$2" "${3:-}" "${4:-}" >"$T/vms/$1.toml"
}

# the JSON contract on the i5 of seed 000 (siblings n/n+4; default reservation: core 0 = CPUs 0,4)
auto x 2 '' '[memory]\nsize = "4G"\n'
expect_code 0 "$MVLAUNCH" plan --json --topology "$DATA/seed-i5-4c8t.xml" x
jq -e '.host.reserved_cpus == [0, 4]' "$T/out" >/dev/null || fail "reserved_cpus: $(jq -c .host "$T/out")"
jq -e '.host.kernel_cmdline == "isolcpus=1,5 nohz_full=1,5 rcu_nocbs=1,5"' "$T/out" >/dev/null || fail "kernel_cmdline: $(jq -c .host "$T/out")"
jq -e '.vms[0].name == "x" and .vms[0].vcpus == [{"vcpu": 0, "cpus": [1]}, {"vcpu": 1, "cpus": [5]}]' "$T/out" >/dev/null ||
	fail "vcpus: $(jq -c .vms[0].vcpus "$T/out")"
jq -e '.vms[0].emulator == [0, 4] and .vms[0].iothreads == [0, 4]' "$T/out" >/dev/null || fail "emulator/iothreads"
jq -e '.vms[0].topology == {"sockets": 1, "cores": 1, "threads": 2}' "$T/out" >/dev/null || fail "topology: $(jq -c .vms[0].topology "$T/out")"
jq -e '.vms[0].numa == [{"guest_node": 0, "host_nodes": [0], "vcpus": [0, 1], "memory": "4G"}]' "$T/out" >/dev/null ||
	fail "numa: $(jq -c .vms[0].numa "$T/out")"

# seed 004: 72 threads, siblings n/n+36, host keeps 0-3,18-21,36-39,54-57
printf 'reserved_cpus = "0-3,18-21,36-39,54-57"\n' >"$T/vms/host.toml"
names=()
for i in $(seq 1 15); do
	auto "vm$i" 4 'cpu_pm = true\n' '[memory]\nsize = "8G"\nhugepages = "2M"\n'
	names+=("vm$i")
done
expect_code 0 "$MVLAUNCH" plan --json --topology "$DATA/seed-2s-36c72t.xml" "${names[@]:0:14}"
[ "$(jq '.vms | length' "$T/out")" = 14 ] || fail "not 14 VMs planned"
[ "$(jq '[.vms[].vcpus[].cpus[0]] | unique | length' "$T/out")" = 56 ] || fail "vCPUs overlap"
# each VM: two whole sibling pairs (n, n+36) of one socket, memory on that socket's node
jq -e 'all(.vms[]; [.vcpus[].cpus[0]] as $c | $c[1] == $c[0] + 36 and $c[3] == $c[2] + 36
	and ([$c[] | (. % 36) / 18 | floor] | unique | length) == 1
	and .numa[0].host_nodes == [([$c[0] % 36 / 18 | floor][0])])' "$T/out" >/dev/null || fail "a VM is not on sibling pairs of one socket"
jq -e '.host.kernel_cmdline | startswith("isolcpus=4-17,22-35,40-53,58-71 ")' "$T/out" >/dev/null || fail "isolcpus: $(jq .host.kernel_cmdline "$T/out")"
expect_code 1 "$MVLAUNCH" plan --topology "$DATA/seed-2s-36c72t.xml" "${names[@]}"
expect_err "mvlaunch: error: VM 'vm15' does not fit: it needs 2 whole cores with two free threads for 4 dedicated vCPUs"
expect_err "mvlaunch: error:   free: no CPU"
expect_err "mvlaunch: error:   kept for the host (reserved_cpus): CPUs 0-3,18-21,36-39,54-57"
expect_err "mvlaunch: error:   owned by 'vm1': CPUs 4-5,40-41"
[ ! -e "$T/run" ] || fail "plan created the runtime root"

# a 40-vCPU VM over both sockets: two guest nodes of 20 vCPUs, one guest socket each, each
# bound to the host node its vCPUs run on (hwloc's nodes: 0 = CPUs 0-17,36-53, 1 = 18-35,54-71)
auto big 40 '' '[memory]\nsize = "32G"\n'
expect_code 0 "$MVLAUNCH" plan --json --topology "$DATA/seed-2s-36c72t.xml" big
jq -e '.vms[0].topology == {"sockets": 2, "cores": 10, "threads": 2} and (.vms[0].numa | length) == 2' "$T/out" >/dev/null ||
	fail "40 vCPUs: $(jq -c '[.vms[0].topology, .vms[0].numa]' "$T/out")"
jq -e '.vms[0] as $v | all($v.numa[]; .memory == "16G" and (.vcpus | length) == 20 and
	([.vcpus[] as $i | $v.vcpus[$i].cpus[0] % 36 / 18 | floor] | unique) == .host_nodes)' "$T/out" >/dev/null ||
	fail "a guest node's vCPUs are not on its host node: $(jq -c .vms[0].numa "$T/out")"
jq -e '[.vms[0].numa[].host_nodes[0]] | sort == [0, 1]' "$T/out" >/dev/null || fail "the two guest nodes share a host node"
expect_code 0 "$MVLAUNCH" plan --topology "$DATA/seed-2s-36c72t.xml" big
expect_out "big: 40 vCPUs (dedicated), guest topology 2 sockets x 10 cores x 2 threads"
expect_out "  guest node 0: 16G on host node "
expect_out "  guest node 1: 16G on host node "

# --host-config wins over VMS_DIR/host.toml; its errors name the file and line
printf '# host\nreserved_cpus = "0-1,99"\n' >"$T/bad-host.toml"
expect_code 1 "$MVLAUNCH" plan --host-config "$T/bad-host.toml" --topology "$DATA/seed-i5-4c8t.xml" x
expect_err "$T/bad-host.toml:2:1: reserved_cpus: CPU 99 is not on $DATA/seed-i5-4c8t.xml (CPUs: 0-7)"
printf 'reserved_cpu = "0"\n' >"$T/bad-host.toml"
expect_code 1 "$MVLAUNCH" plan --host-config "$T/bad-host.toml" --topology "$DATA/seed-i5-4c8t.xml" x
expect_err "$T/bad-host.toml:1:1: unknown key 'reserved_cpu' (did you mean 'reserved_cpus'?)"
expect_code 1 "$MVLAUNCH" plan --host-config "$T/none.toml" x && expect_err "cannot open config '$T/none.toml'"
expect_code 1 "$MVLAUNCH" plan --topology "$T/none.xml" x && expect_err "topology '$T/none.xml'"

# human output
expect_code 0 "$MVLAUNCH" --host-config "$T/vms/host.toml" plan --topology "$DATA/seed-2s-36c72t.xml" vm1
expect_out "vm1: 4 vCPUs (dedicated), guest topology 1 socket x 2 cores x 2 threads"
expect_out "  vcpu0   -> 4"
expect_out "kernel command line to add: isolcpus=4-5,40-41"
# an untrusted topology file: one libhwloc crashes on is an error, not a crash; so is a huge one
expect_code 1 "$MVLAUNCH" plan --topology "$DATA/bad-hwloc-crash.xml" x
expect_err "topology '$DATA/bad-hwloc-crash.xml': bad topology file: hwloc crashed reading it ("
expect_err "; make one with 'lstopo-no-graphics --of xml'"
# the same in an ASan build: the checking child dies of the signal, not of the sanitizer's report
expect_err "hwloc crashed reading it (signal 11, Segmentation fault)"
head -c $((17 << 20)) /dev/zero >"$T/huge.xml"
expect_code 1 "$MVLAUNCH" plan --topology "$T/huge.xml" x
expect_err "topology '$T/huge.xml': too large for a topology file (at most 16 MiB)"
done_testing
