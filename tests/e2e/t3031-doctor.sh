#!/usr/bin/env bash
# t3031-doctor.sh - 'doctor' watches a running VM: a dedicated 1-vCPU VM
# (TCG, paused: its vCPU thread exists) pinned to CPU 1; its vCPU stays on
# its pin (PASS); a busy process this test pins onto CPU 1 is named as a
# FAIL with its pid and the taskset fix, and 'doctor' exits 1; a vCPU moved
# off its pin by taskset is a FAIL naming 'repin'; 4K guest RAM is a WARN
# (no hugepages asked); --json is check's shape. This host has no cpufreq
# (the governor finding says so) and two CPUs (CPU 0 is the host's).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

demo_config doc 's/^vcpus = 2$/vcpus = 1/' 's/^topology = .*/topology = { sockets = 1, cores = 1, threads = 1 }/' \
	's/^vcpus = \["0", "1"\].*/vcpus = ["1"]/' 's/^emulator = .*/emulator = "0"/'
expect_code 0 "$MVLAUNCH" up --paused doc || done_testing
vtid=$("$MVLAUNCH" status --window 0 --json doc | jq -r '.vms[0].threads[] | select(.role == "vcpu") | .tid')

# other tasks of this busy test host may run on CPU 1 too: only the pins and what does not depend on them are asserted here
"$MVLAUNCH" doctor --seconds 1 --json doc >"$T/out"
jq -e '.checks[] | select(.check == "pins") | .status == "PASS"' "$T/out" >/dev/null || fail "pins: $(jq -c '.checks' "$T/out")"
jq -e '.checks[] | select(.check == "hugepages") | .status == "WARN"' "$T/out" >/dev/null || fail "hugepages: $(jq -c '.checks' "$T/out")"
jq -e '.checks[] | select(.check == "governor") | .status == "PASS"' "$T/out" >/dev/null || fail "governor: $(jq -c '.checks' "$T/out")"
jq -e '.checks | map(.check) | index("irqs") != null' "$T/out" >/dev/null || fail "no irqs finding"

# a busy process on the VM's dedicated CPU
cp /bin/bash "$T/mvlhog"
taskset -c 1 "$T/mvlhog" -c 'while :; do :; done' &
hog=$!
at_exit "kill $hog 2>/dev/null"
sleep 0.3
expect_code 1 "$MVLAUNCH" doctor --seconds 2 doc
grep -qE "^FAIL  doc: dedicated +other tasks ran on the dedicated CPUs 1: mvlhog \(pid $hog, tid $hog\) [0-9.]+ ms on CPU 1" "$T/out" ||
	fail "the hog is not named: $(grep dedicated "$T/out")"
expect_out "fix: taskset -a -p -c 0 $hog (and find what put it there)"
kill $hog
wait $hog 2>/dev/null

# the vCPU moved off its pin
taskset -pc 0 "$vtid" >/dev/null
expect_code 1 "$MVLAUNCH" doctor --seconds 1 doc
expect_out "FAIL  doc: pins"
expect_out "vCPUs left their pins: vcpu0 on 0"
expect_out "fix: 'mvlaunch repin doc' puts them back"
expect_code 1 "$MVLAUNCH" doctor --seconds 1 nosuch
expect_code 2 "$MVLAUNCH" doctor --seconds 0 doc
expect_code 0 "$MVLAUNCH" down --force doc
expect_code 1 "$MVLAUNCH" doctor doc && expect_err "'doc' is not running"
done_testing
