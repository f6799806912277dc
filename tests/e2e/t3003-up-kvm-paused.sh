#!/usr/bin/env bash
# t3003-up-kvm-paused.sh - start, pin and stop under real KVM, left paused:
# this host's nested KVM hangs a guest once it runs (and needs
# arch-capabilities=off for -cpu host), so the guest is never resumed here.
. "$(dirname "$0")/lib.sh" || exit 1
[ -w /dev/kvm ] || skip "/dev/kvm is not usable here"

demo_config kvm1 '/^\[boot\]/,$d' 's|^accel = .*|accel = "kvm"|' 's|^model = .*|model = "host"\ndisable = ["arch-capabilities"]|'
expect_code 0 "$MVLAUNCH" up --paused kvm1 || { cat "$T/err"; done_testing; }
expect_out "'kvm1' is paused"
pid=$(cat "$T/run/kvm1/qemu.pid")
[ "$(cpus_of "$(awk '/CPU 0\/KVM/ { print FILENAME }' /proc/$pid/task/*/comm | cut -d/ -f5)")" = 0 ] || fail "vcpu0 not on CPU 0"
[ "$(cpus_of "$(awk '/CPU 1\/KVM/ { print FILENAME }' /proc/$pid/task/*/comm | cut -d/ -f5)")" = 1 ] || fail "vcpu1 not on CPU 1"
expect_code 0 "$MVLAUNCH" status --json kvm1
[ "$(jq -r '.vms[0].state' "$T/out")" = prelaunch ] || fail "state is not prelaunch: $(jq -r '.vms[0].state' "$T/out")"
[ "$(jq -r '[.vms[0].threads[] | select(.role == "vcpu")] | length' "$T/out")" = 2 ] || fail "status does not list 2 vCPUs"
[ "$(jq -r '[.vms[0].threads[] | select(.role == "vcpu") | .name] | join(",")' "$T/out")" = "CPU 0/KVM,CPU 1/KVM" ] ||
	fail "vCPU thread names are not the KVM ones"
# a guest that never ran cannot answer ACPI: down stops it at once, without waiting
start=$(date +%s)
expect_code 0 "$MVLAUNCH" down --timeout 30 kvm1 &&
	expect_out "'kvm1' was never started (a guest that does not run cannot act on the power button): stopped with QMP quit"
[ $(($(date +%s) - start)) -lt 10 ] || fail "down waited for a paused guest's ACPI shutdown"
no_leftovers kvm1
done_testing
