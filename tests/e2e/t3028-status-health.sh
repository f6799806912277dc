#!/usr/bin/env bash
# t3028-status-health.sh - 'status' measures each thread over a window: a
# busy demo guest (TCG; a shell loop on one vCPU) shows that vCPU's thread
# above 50 % CPU use, its run-queue delay as a number, and the CPU it last
# ran on is its pin; '--window 0' measures nothing; a config edited after
# 'up' is reported as changed (text and JSON), and not before.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
need_demo_guest

demo_config busy
expect_code 0 "$MVLAUNCH" up busy || done_testing
wait_for "$MVLAUNCH_LOGDIR/busy/serial.log" "MVLAUNCH-DEMO-READY" 120 || fail "the guest did not boot"
expect_code 0 "$MVLAUNCH" status --json busy
[ "$(jq -r '.vms[0].config_changed' "$T/out")" = false ] || fail "config_changed before any edit: $(jq .vms[0].config_changed "$T/out")"

# a CPU-bound loop in the guest, on vCPU 1
printf 'taskset 2 sh -c "while :; do :; done" &\necho looping-$((6 * 7))\n' | "$MVLAUNCH" console --wait 2 busy >"$T/console" 2>&1
grep -q "looping-42" "$T/console" || fail "the guest did not start the loop: $(tail -3 "$T/console")"
sleep 1
expect_code 0 "$MVLAUNCH" status --json --window 2 busy
jq -e '[.vms[0].threads[] | select(.role == "vcpu") | .use_pct] | max > 50' "$T/out" >/dev/null ||
	fail "no vCPU above 50 %: $(jq -c '[.vms[0].threads[] | select(.role == "vcpu") | {vcpu, use_pct, wait_pct}]' "$T/out")"
jq -e 'all(.vms[0].threads[]; (.use_pct | type) == "number" and (.wait_pct | type) == "number" and .wait_pct >= 0)' "$T/out" \
	>/dev/null || fail "a thread without use_pct/wait_pct"
jq -e 'all(.vms[0].threads[] | select(.role == "vcpu"); .last_cpu == .cpus[0])' "$T/out" >/dev/null ||
	fail "a vCPU last ran off its pin: $(jq -c '[.vms[0].threads[] | select(.role == "vcpu") | {vcpu, cpus, last_cpu}]' "$T/out")"
expect_code 0 "$MVLAUNCH" status busy
expect_out "USE% WAIT%   ON  CPUS"
grep -qE '^  vcpu1 +[0-9]+ +CPU 1/TCG +([5-9][0-9]|1[0-9][0-9])\.[0-9] +[0-9]+\.[0-9] +1  1$' "$T/out" ||
	fail "vcpu1's line: $(grep vcpu1 "$T/out")"
expect_code 0 "$MVLAUNCH" status --window 0 --json busy
jq -e 'all(.vms[0].threads[]; has("use_pct") | not)' "$T/out" >/dev/null || fail "--window 0 still measured"

# the config changes under the running VM
echo "# edited" >>"$T/vms/busy.toml"
expect_code 0 "$MVLAUNCH" status --window 0 busy
expect_out "CONFIG CHANGED since start ('mvlaunch down' and 'up' to apply it)"
expect_code 0 "$MVLAUNCH" status --window 0 --json busy
[ "$(jq -r '.vms[0].config_changed' "$T/out")" = true ] || fail "config_changed after an edit"
expect_code 0 "$MVLAUNCH" down --force busy
no_leftovers busy
done_testing
