#!/usr/bin/env bash
# plan.sh - how long the planner takes for a big host: 100 VMs of 4 dedicated
# vCPUs in one 'mvlaunch plan' on a generated 1024-CPU topology (4 packages,
# 8 NUMA nodes, 32 L3 domains, 512 cores with 2 threads). Prints the median
# of ROUNDS runs (default 5) of the whole command; asserts nothing.
#
# usage: bench/plan.sh [ROUNDS]     (after 'make'; needs lstopo-no-graphics from hwloc)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
bin=$PWD/build/mvlaunch
[ -x "$bin" ] || { echo "plan.sh: build first ('make')" >&2; exit 1; }
command -v lstopo-no-graphics >/dev/null || { echo "plan.sh: needs lstopo-no-graphics (make deps)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lstopo-no-graphics --input "pack:4 numa:2 l3:4 core:16 pu:2" --of xml "$work/big.xml"
names=()
for i in $(seq 1 100); do
	printf 'name = "vm%d"\n[cpu]\nvcpus = 4\ntopology = "auto"\n[pinning]\nvcpus = "auto"\n[memory]\nsize = "4G"\n' \
		"$i" >"$work/vm$i.toml"
	names+=("vm$i")
done
times=()
for _ in $(seq "$rounds"); do
	start=$(date +%s%N)
	"$bin" --vms "$work" plan --json --topology "$work/big.xml" "${names[@]}" >"$work/plan.json"
	end=$(date +%s%N)
	times+=($(( (end - start) / 1000 )))
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
planned=$(grep -c '"name": "vm' "$work/plan.json")
printf 'plan: %d VMs x 4 vCPUs on 1024 CPUs (%s), median of %d runs: %d.%03d ms for the whole command\n' \
	"$planned" "$(date +%Y-%m-%d)" "$rounds" $((median / 1000)) $((median % 1000))
