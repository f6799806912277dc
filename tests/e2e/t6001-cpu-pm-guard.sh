#!/usr/bin/env bash
# t6001-cpu-pm-guard.sh - cpu_pm = true is refused by up on vCPUs that are
# not dedicated (with seed 004's reason and the fix), started with --force,
# and accepted on a dedicated vCPU, whose QEMU then runs with
# -overcommit cpu-pm=on. KVM, left paused: this host's nested KVM hangs a
# running guest and needs arch-capabilities=off for -cpu host (see t3003);
# cpu-pm has no effect under TCG, so TCG cannot stand in here.
. "$(dirname "$0")/lib.sh" || exit 1
[ -w /dev/kvm ] || skip "/dev/kvm is not usable here"
[ "$(nproc --all)" -ge 2 ] || skip "needs two CPUs"

printf 'reserved_cpus = "0"\n' >"$T/vms/host.toml"
kvm_vm() {
	demo_config "$1" '/^\[boot\]/,$d' 's|^accel = .*|accel = "kvm"|' \
		's|^model = .*|model = "host"\ndisable = ["arch-capabilities"]\ncpu_pm = true|' \
		's|^vcpus = 2|vcpus = 1|' 's|^topology = .*|topology = { sockets = 1, cores = 1, threads = 1 }|' "${@:2}"
}

# shared: vCPU 0 on CPU 0, which the host keeps
kvm_vm shared 's|^vcpus = \["0", "1"\].*|vcpus = ["0"]|' 's|^emulator = .*|emulator = "0"|'
expect_code 1 "$MVLAUNCH" up --paused shared
expect_err "cpu_pm = true, but vCPU 0 shares CPU 0 with the host (reserved_cpus)"
expect_err "latency goes up and throughput down"
expect_err "hint: give each vCPU a CPU of its own"
expect_err "'up --force' starts it anyway"
no_leftovers shared
# the emulator on the vCPU's CPU is not dedicated either
kvm_vm emu 's|^vcpus = \["0", "1"\].*|vcpus = ["1"]|' 's|^emulator = .*|emulator = "1"|'
expect_code 1 "$MVLAUNCH" up --dry-run emu && expect_err "vCPU 0 shares CPU 1 with the emulator threads"
# a shared policy
kvm_vm pol 's|^vcpus = \["0", "1"\].*|vcpus = "auto"\npolicy = "shared"|' '/^emulator = /d'
expect_code 1 "$MVLAUNCH" up --dry-run pol && expect_err "its vCPUs are not dedicated (pinning.policy = \"shared\")"
expect_code 1 "$MVLAUNCH" check pol && expect_out "FAIL  pol: cpu-pm"

# --force starts it anyway, and says so
expect_code 0 "$MVLAUNCH" up --paused --force shared || cat "$T/err"
expect_err "(started anyway: --force)"
expect_code 0 "$MVLAUNCH" down --timeout 1 shared
no_leftovers shared

# dedicated: vCPU 0 alone on CPU 1, emulator on CPU 0
kvm_vm ded 's|^vcpus = \["0", "1"\].*|vcpus = ["1"]|' 's|^emulator = .*|emulator = "0"|'
expect_code 0 "$MVLAUNCH" up --paused ded || { cat "$T/err"; done_testing; }
pid=$(cat "$T/run/ded/qemu.pid")
tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "-overcommit cpu-pm=on" ||
	fail "QEMU runs without -overcommit cpu-pm=on: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
grep -q "guest stopping CPU not supported" "$T/log/ded/qemu.log" && fail "QEMU fell back silently: $(cat "$T/log/ded/qemu.log")"
expect_code 0 "$MVLAUNCH" down --timeout 1 ded
no_leftovers ded
done_testing
