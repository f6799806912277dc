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

# a1's emulator threads float over the shared pool: never on its own dedicated CPU
emu=$(jq -r '[.vms[0].threads[] | select(.role == "emulator") | .cpus | map(tostring) | join(",")] | unique | join(" ")' "$T/out")
case ",$emu," in *",$own,"*) fail "a1's emulator threads run on its dedicated CPU $own: $emu" ;; esac

if [ "$ncpu" -ge 3 ]; then
	# the next VM gets another CPU, and its emulator threads stay off a1's; plan knows a1 holds its CPU
	expect_code 0 "$MVLAUNCH" plan a2 && expect_out "running VM 'a1' owns CPU $own"
	expect_code 0 "$MVLAUNCH" up --paused a2
	expect_code 0 "$MVLAUNCH" status --json a2
	got2=$(jq -c '[.vms[0].threads[] | select(.role == "vcpu") | .cpus][0][0]' "$T/out")
	[ "$got2" != "$own" ] || fail "a2 got a1's CPU $own"
	jq -e --argjson own "$own" '[.vms[0].threads[] | select(.role == "emulator") | .cpus[] | select(. == $own)] | length == 0' \
		"$T/out" >/dev/null || fail "a2's emulator threads run on a1's dedicated CPU $own"
	expect_code 0 "$MVLAUNCH" down --force a2
else
	# two CPUs, the host keeps none, a1 owns one: a2's vCPU would take the other, and its emulator
	# threads would have nowhere but a1's CPU (or its own vCPU's): refused, saying so
	expect_code 1 "$MVLAUNCH" up --paused a2
	expect_err "VM 'a2' does not fit: no CPU is left for its emulator threads (dedicated VMs own every CPU, and the host keeps none)"
	expect_err "owned by 'a1': CPU $own"
	no_leftovers a2
fi
expect_code 0 "$MVLAUNCH" down --force a1
no_leftovers a1
no_leftovers a2
done_testing
