#!/usr/bin/env bash
# t5007-host-storm.sh - a host boot: 14 floating VMs (KVM, left paused, 128M)
# started by one 'up' all run, each with its own QEMU, and 'down --all' stops
# them all and leaves nothing. 'up A B C' with one bad config starts the
# others and names the bad one in its summary (exit 1). A VM whose start is
# held in its started hook is listed as 'starting', and meanwhile another
# 'up' starts and finishes: the root lock is not held while a VM starts.
# SIGTERM to 'up A B' reaches both workers, which undo their starts (143).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
[ -w /dev/kvm ] || skip "/dev/kvm is not usable here"

storm() {
	local n=$1
	printf 'name = "%s"\n[machine]\naccel = "kvm"\nfirmware = "bios"\n[cpu]\nmodel = "host"\ndisable = ["arch-capabilities"]\nvcpus = 1\n[memory]\nsize = "128M"\n' \
		"$n" >"$T/vms/$n.toml"
}
names=()
for i in $(seq 1 14); do storm "s$i"; names+=("s$i"); done

# --- 14 at once: every one runs, the summary names them in order ---
expect_code 0 "$MVLAUNCH" up --paused "${names[@]}" || { cat "$T/err"; done_testing; }
expect_out "started 14 of 14 VMs: $(printf '%s, ' "${names[@]}" | sed 's/, $//')"
[ "$(grep -c "^'s[0-9]*' is paused: QEMU pid [0-9]*, 1 vCPU pinned and verified$" "$T/out")" = 14 ] ||
	fail "not every VM said it is paused: $(head -c 600 "$T/out")"
# the outputs follow in the order named, whole: the first line of each block names its VM
[ "$(grep -o "^'s[0-9]*' is paused" "$T/out" | tr -d "'" | awk '{ print $1 }' | tr '\n' ' ')" = "${names[*]} " ] ||
	fail "outputs not in the order named: $(grep -o "^'s[0-9]*'" "$T/out" | tr '\n' ' ')"
expect_code 0 "$MVLAUNCH" list --json
[ "$(jq -r '[.vms[] | select(.state == "paused")] | length' "$T/out")" = 14 ] ||
	fail "list shows $(jq -r '[.vms[] | .state] | join(",")' "$T/out")"
pids=$(jq -r '[.vms[].pid] | unique | length' "$T/out")
[ "$pids" = 14 ] || fail "14 VMs, $pids distinct QEMU pids"
for n in "${names[@]}"; do
	pid=$(cat "$T/run/$n/qemu.pid" 2>/dev/null)
	alive "$pid" || fail "QEMU of $n (pid '$pid') does not run"
	[ ! -e "$T/run/$n/claim.json" ] || fail "$n: claim.json left once state.json was written"
done
# --all: every VM that has a runtime directory, in name order
expect_code 0 "$MVLAUNCH" down --all || cat "$T/err"
expect_out "stopped 14 of 14 VMs: $(printf '%s\n' "${names[@]}" | sort | tr '\n' ',' | sed -e 's/,$//' -e 's/,/, /g')"
for n in "${names[@]}"; do no_leftovers "$n"; done
[ ! -e "$T/run/host.json" ] || fail "host.json left after down --all"
expect_code 0 "$MVLAUNCH" down --all && expect_out "no VM is running"
expect_code 2 "$MVLAUNCH" down --all s1 && expect_err "mvlaunch: error: --all stops every VM: name none"
expect_code 2 "$MVLAUNCH" down && expect_err "mvlaunch: error: name the VM to stop, or --all"

# --- one bad config among three: the others start, the summary says which and why ---
printf 'name = "bad"\n[cpu]\nvcpus = 0\n' >"$T/vms/bad.toml"
expect_code 1 "$MVLAUNCH" up --paused s1 bad s2
expect_out "started 2 of 3 VMs: s1, s2"
[ "$(tail -2 "$T/err")" = "mvlaunch: error: 1 of 3 VMs did not start:
  'bad': $T/vms/bad.toml:3:1: key 'cpu.vcpus': must be 1..1024" ] || fail "summary: $(cat "$T/err")"
# the bad one's own error comes first, as 'up bad' alone prints it
head -1 "$T/err" | grep -qx "mvlaunch: error: $T/vms/bad.toml:3:1: key 'cpu.vcpus': must be 1..1024" ||
	fail "bad's own error: $(head -1 "$T/err")"
expect_code 0 "$MVLAUNCH" status s1
expect_code 0 "$MVLAUNCH" status s2
no_leftovers bad
# one of several already running: it is the one that fails
expect_code 1 "$MVLAUNCH" up --paused s1 s3
expect_out "started 1 of 2 VMs: s3"
grep -q "^  's1': VM 's1' is already running (QEMU pid [0-9]*)$" "$T/err" || fail "already running: $(cat "$T/err")"
expect_code 0 "$MVLAUNCH" down s1 s2 s3 && expect_out "stopped 3 of 3 VMs: s1, s2, s3"

# --- a VM held in its started hook: 'starting' to list and status; another 'up' runs meanwhile ---
mkdir -p "$T/vms/hooks.d/s4/started.d"
printf '#!/bin/sh\ntouch "%s/in-hook"\nwhile [ ! -e "%s/go" ]; do sleep 0.05; done\n' "$T" "$T" >"$T/vms/hooks.d/s4/started.d/10-wait"
chmod 755 "$T/vms/hooks.d/s4/started.d/10-wait"
"$MVLAUNCH" up --paused s4 >"$T/up.s4" 2>&1 &
upid=$!
for ((i = 0; i < 200; i++)); do [ -e "$T/in-hook" ] && break; sleep 0.05; done
[ -e "$T/in-hook" ] || fail "s4's started hook did not run: $(cat "$T/up.s4")"
expect_code 0 "$MVLAUNCH" list --json
[ "$(jq -r '.vms[] | select(.name == "s4") | .state' "$T/out")" = starting ] ||
	fail "list: s4 is $(jq -r '.vms[] | select(.name == "s4") | .state' "$T/out"), not starting"
expect_code 0 "$MVLAUNCH" status s4
grep -q "starting" "$T/out" || fail "status s4: $(cat "$T/out")"
# s4 owns its claim while it starts, and the root lock is free: s5 starts and is done before s4
[ -e "$T/run/s4/claim.json" ] || fail "s4 has no claim.json while it starts"
expect_code 0 timeout 20 "$MVLAUNCH" up --paused s5 || fail "up s5 waited for s4's start (the root lock held through it?)"
alive "$upid" || fail "s4's up ended before its hook was let go"
touch "$T/go"
wait "$upid" || fail "up s4: $(cat "$T/up.s4")"
grep -q "^'s4' is paused" "$T/up.s4" || fail "up s4: $(cat "$T/up.s4")"
expect_code 0 "$MVLAUNCH" down --all && expect_out "stopped 2 of 2 VMs: s4, s5"
for n in s4 s5; do no_leftovers $n; done

# --- SIGTERM to 'up A B' while both wait in their started hooks: each worker undoes its start ---
rm -f "$T/go" "$T/in-hook"
mkdir -p "$T/vms/hooks.d/s6/started.d"
cp "$T/vms/hooks.d/s4/started.d/10-wait" "$T/vms/hooks.d/s6/started.d/10-wait"
"$MVLAUNCH" up --paused s4 s6 >"$T/up.both" 2>&1 &
upid=$!
for ((i = 0; i < 200; i++)); do
	[ "$(find "$T/run" -name qemu.pid 2>/dev/null | wc -l)" = 2 ] && [ -e "$T/in-hook" ] && break
	sleep 0.05
done
sleep 0.3	# both in their hooks
kill -TERM $upid
for ((i = 0; i < 200; i++)); do alive $upid || break; sleep 0.05; done
alive $upid && { fail "up s4 s6 still runs 10 s after SIGTERM: the workers did not get it"; touch "$T/go"; }
wait $upid
rc=$?
[ $rc = 143 ] || fail "up s4 s6 after SIGTERM exited $rc, want 143: $(cat "$T/up.both")"
for n in s4 s6; do
	grep -qx "  '$n': started hook '$T/vms/hooks.d/$n/started.d/10-wait' of '$n' was cut short by SIGTERM to mvlaunch: its process group was stopped with SIGTERM" \
		"$T/up.both" || fail "$n's worker was not interrupted: $(cat "$T/up.both")"
done
grep -qx "started 0 of 2 VMs" "$T/up.both" || fail "summary after SIGTERM: $(cat "$T/up.both")"
touch "$T/go"
for n in s4 s6; do no_leftovers $n; done
done_testing
