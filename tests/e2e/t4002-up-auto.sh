#!/usr/bin/env bash
# t4002-up-auto.sh - 'up' of pinning.vcpus = "auto" VMs on this machine pins
# exactly as 'plan' said; a running VM's CPUs are not handed out again, and
# 'plan' sees them too. TCG, paused (see t3003 for why nothing runs here).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
ncpu=$(nproc)
[ "$ncpu" -ge 2 ] || skip "needs 2 CPUs"

printf '# the host keeps nothing: this machine is small\nreserved_cpus = ""\n' >"$T/vms/host.toml"
for n in a1 a2; do
	demo_config "$n" '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = "auto"|' 's|^emulator = .*|emulator = "share"|' \
		's|^vcpus = 2|vcpus = 1|' 's|^topology = .*|topology = "auto"|'
done
expect_code 0 "$MVLAUNCH" plan --json a1
want=$(jq -c '.vms[0].vcpus[0].cpus' "$T/out")
expect_code 0 "$MVLAUNCH" up --paused a1 || { cat "$T/err"; done_testing; }
expect_code 0 "$MVLAUNCH" status --json a1
got=$(jq -c '[.vms[0].threads[] | select(.role == "vcpu") | .cpus][0]' "$T/out")
[ "$got" = "$want" ] || fail "up pinned vcpu0 to $got, plan said $want"
own=$(jq -r '.[0]' <<<"$want")

# the next VM gets another CPU; plan knows a1 holds its CPU
expect_code 0 "$MVLAUNCH" plan a2 && expect_out "running VM 'a1' owns CPUs $own"
expect_code 0 "$MVLAUNCH" up --paused a2
expect_code 0 "$MVLAUNCH" status --json a2
got2=$(jq -c '[.vms[0].threads[] | select(.role == "vcpu") | .cpus][0][0]' "$T/out")
[ "$got2" != "$own" ] || fail "a2 got a1's CPU $own"

# a third dedicated VM finds no free CPU on a 2-CPU host
if [ "$ncpu" = 2 ]; then
	demo_config a3 '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = "auto"|' 's|^vcpus = 2|vcpus = 1|' \
		's|^topology = .*|topology = "auto"|'
	expect_code 1 "$MVLAUNCH" up a3 && expect_err "VM 'a3' does not fit"
	expect_err "'a1' owns $own"
	no_leftovers a3
fi
expect_code 0 "$MVLAUNCH" down --force a1
expect_code 0 "$MVLAUNCH" down --force a2
no_leftovers a1
no_leftovers a2
done_testing
