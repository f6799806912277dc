#!/usr/bin/env bash
# t5007-host-storm.sh - a host boot: 14 floating VMs (KVM, left paused, 128M)
# started by one 'up' all run, each with its own QEMU, and 'down --all' stops
# them all and leaves nothing. 'up A B C' with one bad config starts the
# others and names the bad one in its summary (exit 1). A VM whose start is
# held in its started hook is listed as 'starting', and meanwhile another
# 'up' starts and finishes: the root lock is not held while a VM starts.
# SIGTERM to 'up A B' reaches both workers, which undo their starts (143).
# 'down A B C' gives back in its parent, once, after the last worker (or,
# from 1 s on, as each ends, so a slow guest holds back no other): a VM
# that does not stop keeps its grants, and one with release hooks gives
# back first in its worker. SIGTERM to 'down' ends only the wait for a
# guest (left running) or for another command's lock; cleanup goes on, and
# the outputs, summary and give-back still come (143). 'down --force A B'
# sends every 'quit' from its parent before the workers start, except to a
# VM another command holds, which its worker stops once it is free, and
# finishes itself one whose worker could not be forked.
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

# --- the give-back of 'down A B C' happens once, in the parent, after the last worker; a VM with a
# release hook gives back in its own worker first (its hook runs after); one that does not stop keeps
# what it holds (a TCG guest with nothing to boot: SeaBIOS does not act on the power button) ---
printf 'name = "busy"\n[machine]\naccel = "tcg"\nfirmware = "bios"\n[cpu]\nmodel = "max"\nvcpus = 1\n[memory]\nsize = "128M"\n' \
	>"$T/vms/busy.toml"
mkdir -p "$T/vms/hooks.d/s3/release.d"
cat >"$T/vms/hooks.d/s3/release.d/10-look" <<EOF
#!/bin/sh
# s3 as a holder's name (a JSON string), not as part of a path
if [ -e "$T/run/host.json" ] && grep -q '"s3"' "$T/run/host.json"; then echo held; else echo given-back; fi >"$T/s3-release"
EOF
chmod 755 "$T/vms/hooks.d/s3/release.d/10-look"
expect_code 0 "$MVLAUNCH" up --paused s1 s2 s3 || cat "$T/err"
expect_code 0 "$MVLAUNCH" up busy || cat "$T/err"
held() { jq -r '[.grants[].holders[]] | unique | join(" ")' "$T/run/host.json" 2>/dev/null; }
[ "$(held)" = "busy s1 s2 s3" ] || fail "host.json's grant holders before down: '$(held)'"
bpid=$(cat "$T/run/busy/qemu.pid")
expect_code 1 "$MVLAUNCH" down --timeout 1 s1 busy s2 s3
expect_out "stopped 3 of 4 VMs: s1, s2, s3"
grep -qx "  'busy': 'busy' is still running 1 s after the ACPI power-down; it was left running" "$T/err" ||
	fail "busy's failure in the summary: $(cat "$T/err")"
[ "$(cat "$T/s3-release" 2>/dev/null)" = given-back ] ||
	fail "s3's release hook ran before s3 gave back its grants: '$(cat "$T/s3-release" 2>/dev/null)'"
[ "$(held)" = busy ] || fail "after down, host.json's grant holders are '$(held)', want only the VM still running"
alive "$bpid" || fail "down stopped busy, which did not shut down"
case " $(acl_of "$T/log/busy") " in
*" user:mvlaunch-qemu:--x "*) ;;
*) fail "busy's log directory lost the ACL its QEMU reaches it by: $(acl_of "$T/log/busy")" ;;
esac
for n in s1 s2 s3; do no_leftovers $n; done

# --- a guest that takes its time does not hold back the others' give-back: from 1 s after the
# start on, what each stopped VM held goes back as its worker ends, while busy's guest is waited for ---
expect_code 0 "$MVLAUNCH" up --paused s1 s2 || cat "$T/err"
"$MVLAUNCH" down --timeout 4 busy s1 s2 >"$T/down.out" 2>"$T/down.err" &
dpid=$!
sleep 2.5
alive $dpid || fail "down busy s1 s2 ended before busy's 4 s: $(cat "$T/down.err")"
[ "$(held)" = busy ] || fail "2.5 s into down busy s1 s2, host.json's grant holders are '$(held)', want busy alone"
wait $dpid
[ $? = 1 ] || fail "down busy s1 s2: busy did not stop, so exit 1"
grep -qx "stopped 2 of 3 VMs: s1, s2" "$T/down.out" || fail "summary: $(cat "$T/down.out")"
[ "$(held)" = busy ] || fail "after down busy s1 s2, host.json's grant holders are '$(held)'"
for n in s1 s2; do no_leftovers $n; done

# --- SIGTERM to 'down A B C': the wait for busy's guest ends (left running), s2's cleanup (held in
# its stopped hook) is not cut short; every output, the summary and the give-back still come (143) ---
rm -f "$T/go" "$T/in-hook"
mkdir -p "$T/vms/hooks.d/s2/stopped.d"
printf '#!/bin/sh
touch "%s/in-hook"
while [ ! -e "%s/go" ]; do sleep 0.05; done
' "$T" "$T" >"$T/vms/hooks.d/s2/stopped.d/10-wait"
chmod 755 "$T/vms/hooks.d/s2/stopped.d/10-wait"
expect_code 0 "$MVLAUNCH" up --paused s1 s2 || cat "$T/err"
start=$(date +%s)
"$MVLAUNCH" down --timeout 60 busy s1 s2 >"$T/down.out" 2>"$T/down.err" &
dpid=$!
for ((i = 0; i < 200; i++)); do [ -e "$T/in-hook" ] && break; sleep 0.05; done
[ -e "$T/in-hook" ] || fail "s2's stopped hook did not run: $(cat "$T/down.err")"
kill -TERM $dpid
sleep 0.5
alive $dpid || fail "down exited before s2's stopped hook was let go (its cleanup cut short?)"
touch "$T/go"
wait $dpid
rc=$?
[ $rc = 143 ] || fail "down busy s1 s2 after SIGTERM exited $rc, want 143: $(cat "$T/down.err")"
[ $(($(date +%s) - start)) -lt 30 ] || fail "SIGTERM did not end the wait for busy's guest (--timeout 60)"
grep -qx "stopped 2 of 3 VMs: s1, s2" "$T/down.out" || fail "summary after SIGTERM: $(cat "$T/down.out")"
grep -qx "'s2' was never started (a guest that does not run cannot act on the power button): stopped with QMP quit" \
	"$T/down.out" || fail "s2's output was lost: $(cat "$T/down.out")"
grep -qx "  'busy': 'busy' was asked to shut down (ACPI power-down), and SIGTERM came before its guest powered off; it was left running" \
	"$T/down.err" || fail "busy's line in the summary: $(cat "$T/down.err")"
alive "$bpid" || fail "SIGTERM to down stopped busy"
[ "$(held)" = busy ] || fail "after the interrupted down, host.json's grant holders are '$(held)', want busy"
for n in s1 s2; do no_leftovers $n; done
rm -r "$T/vms/hooks.d/s2" "$T/go" "$T/in-hook"
# 'down NAME' alone the same way
"$MVLAUNCH" down --timeout 60 busy >"$T/down.out" 2>"$T/down.err" &
dpid=$!
sleep 1
kill -TERM $dpid
wait $dpid
rc=$?
[ $rc = 143 ] || fail "down busy after SIGTERM exited $rc, want 143"
[ "$(head -1 "$T/down.err")" = "mvlaunch: error: 'busy' was asked to shut down (ACPI power-down), and SIGTERM came before its guest powered off; it was left running" ] ||
	fail "down busy after SIGTERM: $(cat "$T/down.err")"
alive "$bpid" || fail "SIGTERM to down stopped busy"
expect_code 0 "$MVLAUNCH" down --force busy
no_leftovers busy
[ ! -e "$T/run/host.json" ] || fail "host.json left after the last VM: $(cat "$T/run/host.json")"
rm -r "$T/vms/hooks.d/s3" "$T/vms/busy.toml" "$T/s3-release"

# --- the give-back of grants alone reads no topology (on a big host, thousands of sysfs files):
# with hwloc pointed at a broken XML file, 'down' of the last floating VMs still gives everything back (with floating VMs left,
# they follow the freed CPUs, and that needs the topology) ---
echo "not hwloc XML" >"$T/bad-topology.xml"
expect_code 0 "$MVLAUNCH" up --paused s1 s2 || cat "$T/err"
expect_code 0 env HWLOC_XMLFILE="$T/bad-topology.xml" "$MVLAUNCH" down s1 s2
expect_out "stopped 2 of 2 VMs: s1, s2"
[ ! -s "$T/err" ] || fail "down s1 s2 without a topology: $(cat "$T/err")"
[ ! -e "$T/run/host.json" ] || fail "without a topology, host.json is left: $(cat "$T/run/host.json")"
expect_code 0 "$MVLAUNCH" up --paused s3 || cat "$T/err"
expect_code 0 env HWLOC_XMLFILE="$T/bad-topology.xml" "$MVLAUNCH" down s3
[ ! -s "$T/err" ] || fail "down s3 without a topology: $(cat "$T/err")"
[ ! -e "$T/run/host.json" ] || fail "without a topology, host.json is left: $(cat "$T/run/host.json")"
for n in s1 s2 s3; do no_leftovers $n; done

# --- 'down --force A B C D': every 'quit' goes from the parent, one after the other, before its first
# worker is forked; a VM another command holds (flock(1) on its runtime directory, as mvlaunch locks
# it) is left to its worker, which waits for it and stops it; one whose QEMU was killed is cleaned up
# by its worker (strace shows who connected to which QMP socket, and when) ---
command -v strace >/dev/null || fail "strace is not installed (make deps)"
expect_code 0 "$MVLAUNCH" up --paused s1 s2 s3 s4 || cat "$T/err"
k=$(cat "$T/run/s4/qemu.pid")
kill -KILL "$k"
wait_dead "$k" || fail "QEMU of s4 (pid $k) outlived SIGKILL"
flock "$T/run/s2" sleep 1.5 &
fpid=$!
for ((i = 0; i < 100; i++)); do flock -n "$T/run/s2" true || break; sleep 0.02; done
# (LeakSanitizer, under make check-asan, cannot work under a tracer: off for this command alone)
expect_code 0 env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	strace -f -qq -o "$T/quits" -e trace=connect,sendto,clone,clone3,fork,vfork "$MVLAUNCH" down --force s1 s2 s3 s4
wait $fpid
expect_out "stopped 4 of 4 VMs: s1, s2, s3, s4"
for n in s1 s2 s3; do grep -qx "'$n' stopped with QMP quit" "$T/out" || fail "$n: $(cat "$T/out")"; done
grep -q "^'s4' was not running: its QEMU had crashed or been killed; removed its runtime files" "$T/out" ||
	fail "s4: $(cat "$T/out")"
parent=$(awk 'NR == 1 { print $1 }' "$T/quits")
# what the parent did before its first fork: connected to s1's and s3's QMP and sent each 'quit'
before=$(awk -v p="$parent" '$1 == p && $2 ~ /^(clone|clone3|fork|vfork)\(/ { exit } $1 == p { print }' "$T/quits")
[ "$(printf '%s\n' "$before" | grep -o '/s[0-9]*/qmp.sock' | tr '\n' ' ')" = "/s1/qmp.sock /s3/qmp.sock " ] ||
	fail "before its first fork, the parent connected to: $(printf '%s\n' "$before" | grep -o '/s[0-9]*/qmp.sock' | tr '\n' ' ')"
[ "$(printf '%s\n' "$before" | grep -c 'execute\\":\\"quit')" = 2 ] ||
	fail "the parent sent $(printf '%s\n' "$before" | grep -c 'execute\\":\\"quit') quits before its first fork, want 2"
# s2's QMP: reached by its worker only, once flock(1) let go
grep "/s2/qmp.sock" "$T/quits" | awk -v p="$parent" '$1 == p { bad = 1 } END { exit bad }' ||
	fail "the parent connected to busy s2's QMP: $(grep /s2/qmp.sock "$T/quits")"
[ "$(grep -c "/s2/qmp.sock" "$T/quits")" = 1 ] || fail "s2's QMP: $(grep /s2/qmp.sock "$T/quits")"
for n in s1 s2 s3 s4; do no_leftovers $n; done
[ ! -e "$T/run/host.json" ] || fail "host.json left after down --force s1 s2 s3 s4: $(cat "$T/run/host.json")"

# a worker that cannot be forked (strace makes the parent's second clone fail with EAGAIN): s2's QEMU
# already had its 'quit', so the command stops it itself after the workers, and nothing of it is left
expect_code 0 "$MVLAUNCH" up --paused s1 s2 s3 || cat "$T/err"
expect_code 0 env ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
	strace -qq -o /dev/null -e trace=clone -e inject=clone:error=EAGAIN:when=2 "$MVLAUNCH" down --force s1 s2 s3
expect_out "stopped 3 of 3 VMs: s1, s2, s3"
for n in s1 s2 s3; do grep -qx "'$n' stopped with QMP quit" "$T/out" || fail "$n: $(cat "$T/out")"; done
for n in s1 s2 s3; do no_leftovers $n; done
[ ! -e "$T/run/host.json" ] || fail "host.json left after a worker could not be forked: $(cat "$T/run/host.json")"


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
# a 'down s4' waits for that start; SIGTERM ends its wait with a message, and s4's start goes on
"$MVLAUNCH" down s4 >"$T/down.out" 2>"$T/down.err" &
dpid=$!
sleep 0.5
alive $dpid || fail "down s4 did not wait for s4's start: $(cat "$T/down.err")"
kill -TERM $dpid
wait $dpid
rc=$?
[ $rc = 143 ] || fail "down s4 after SIGTERM exited $rc, want 143"
[ "$(cat "$T/down.err")" = "mvlaunch: error: cannot stop VM 's4'
mvlaunch: error: interrupted by SIGTERM while waiting for another mvlaunch command to finish with this VM" ] ||
	fail "down s4 after SIGTERM: $(cat "$T/down.err")"
alive "$upid" || fail "the SIGTERM to down s4 ended s4's up"
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
