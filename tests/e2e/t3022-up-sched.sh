#!/usr/bin/env bash
# t3022-up-sched.sh - [[sched]] gives QEMU's threads their scheduling policy
# with the pins: vCPU 0 SCHED_FIFO 5, vCPU 1 SCHED_RR 3, the disk's iothread
# SCHED_BATCH, the emulator threads and swtpm SCHED_IDLE. The kernel's view
# (/proc/TID/sched, sched_getscheduler via chrt) is what the config says, and
# 'status' shows it (text and JSON). A bad [[sched]] is refused at its line.
# Under TCG, paused (this host's nested KVM runs no guest).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v chrt >/dev/null || skip "chrt is not installed (make deps: util-linux)"
command -v swtpm >/dev/null || skip "swtpm is not installed (make deps)"

truncate -s 64M "$T/a.img"
demo_config sch '/^\[boot\]/,$d'
cat >>"$T/vms/sch.toml" <<TOML
[tpm]
enable = true

[[disk]]
path = "$T/a.img"
iothread = true

[[sched]]
vcpus = "0"
policy = "fifo"
priority = 5

[[sched]]
vcpus = "1"
policy = "rr"
priority = 3

[[sched]]
iothreads = ["io0"]
policy = "batch"

[[sched]]
emulator = true
policy = "idle"
TOML
expect_code 0 "$MVLAUNCH" up --paused sch
expect_out "(fifo 5)"
pid=$(cat "$MVLAUNCH_RUNDIR/sch/qemu.pid")
expect_code 0 "$MVLAUNCH" status --json sch
cp "$T/out" "$T/st.json"
policy_of() {	# policy_of TID: "SCHED_FIFO 5" as chrt reads it from the kernel
	chrt -p "$1" | awk -F': ' '/policy/ { p = $2 } /priority/ { print p, $2 }' | sed 's/ *$//'
}
for role in "vcpu 0|SCHED_FIFO 5" "vcpu 1|SCHED_RR 3" "iothread io0|SCHED_BATCH 0" "emulator|SCHED_IDLE 0"; do
	what=${role%|*} want=${role#*|}
	case $what in
	vcpu*) sel=".role == \"vcpu\" and .vcpu == ${what#vcpu }" ;;
	iothread*) sel=".role == \"iothread\"" ;;
	*) sel=".role == \"emulator\"" ;;
	esac
	tids=$(jq -r ".vms[0].threads[] | select($sel) | .tid" "$T/st.json")
	[ -n "$tids" ] || { fail "status --json has no $what thread: $(head -c 300 "$T/st.json")"; continue; }
	for tid in $tids; do
		got=$(policy_of "$tid")
		[ "$got" = "$want" ] || fail "$what (tid $tid): the kernel says '$got', want '$want'"
	done
	jq -e ".vms[0].threads[] | select($sel) | .policy == \"$(echo "${want% *}" | sed 's/SCHED_//' | tr A-Z a-z)\"" \
		"$T/st.json" >/dev/null || fail "status --json: no policy for $what"
done
# swtpm runs beside the emulator threads, with their policy
if [ -s "$MVLAUNCH_RUNDIR/sch/swtpm.id" ]; then
	swtpm_pid=$(awk '{ print $1 }' "$MVLAUNCH_RUNDIR/sch/swtpm.id")
	[ "$(policy_of "$swtpm_pid")" = "SCHED_IDLE 0" ] || fail "swtpm: $(policy_of "$swtpm_pid")"
else
	fail "no swtpm.id"
fi
# every thread of QEMU is one of them: none was left out
[ "$(jq '.vms[0].threads | length' "$T/st.json")" = "$(ls "/proc/$pid/task" | wc -l)" ] || fail "status lists other threads than QEMU has"
expect_code 0 "$MVLAUNCH" down --force sch
no_leftovers sch

# bad tables, each at its line
demo_config bad '/^\[boot\]/,$d'
printf '[[sched]]\nvcpus = "0"\npolicy = "fifo"\n' >>"$T/vms/bad.toml"
expect_code 1 "$MVLAUNCH" argv bad && expect_err "key 'sched[0].policy': \"fifo\" needs a priority (1..99)"
demo_config bad2 '/^\[boot\]/,$d'
printf '[[sched]]\nvcpus = "0-2"\npolicy = "rr"\npriority = 2\n[[sched]]\niothreads = ["io3"]\npolicy = "other"\n' >>"$T/vms/bad2.toml"
expect_code 1 "$MVLAUNCH" argv bad2
expect_err "key 'sched[0].vcpus': vCPU 2 does not exist (cpu.vcpus is 2: 0 to 1)"
expect_err "key 'sched[1].iothreads': 'io3' is no iothread of this VM: an [[iothread]]'s id, or \"ioN\" for disk N's own (with disk.iothread = true)"
done_testing
