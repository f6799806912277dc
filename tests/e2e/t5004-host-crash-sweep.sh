#!/usr/bin/env bash
# t5004-host-crash-sweep.sh - kill mvlaunch (SIGKILL: nothing to catch) at
# system calls spread over a whole 'up' and a whole 'down' of a UEFI VM with
# 2M hugepages, two host knobs, a TPM and a root-only disk (granted to QEMU's user), then run 'status' and 'down' as a
# user would: no orphan QEMU or swtpm, no runtime or lock left, the VM's OVMF vars whole,
# and every knob and the node's hugepage pool back at its original. Then the
# same with a second VM running all along, whose hold must stay. strace's
# fault injection (-e inject=CALL:signal=KILL:when=K) picks the system calls.
# Real hugepages, THP and vm.stat_interval here; an exit trap restores them.
# make test samples ~120 points per sweep (SWEEP_POINTS; make check-asan: 40, its run is for the
# sanitizers); SWEEP_EVERY=1 tries every system call.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v strace >/dev/null || skip "strace is not installed (make deps)"
[ -w /proc/sys/vm/stat_interval ] || skip "needs root for host knobs"
[ -r /usr/share/OVMF/OVMF_VARS_4M.fd ] || skip "no OVMF (make deps)"
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0	# LeakSanitizer cannot run traced
host_knobs_test
for n in sw other; do
	demo_config $n '/^\[boot\]/,$d' 's|^size = .*|size = "64M"\nhugepages = "2M"|' 's|^firmware = .*|firmware = "uefi"|' \
		'/^\[pinning\]/,/^$/d'
done
vars_size=$(stat -c %s /usr/share/OVMF/OVMF_VARS_4M.fd)
# sw's disk: root's, 0600, no ACL; QEMU's user is granted it for each run (an ACL entry in host.json first)
mkdir -m 0755 "$T/images"
truncate -s 16M "$T/images/sw.img"
chmod 0600 "$T/images/sw.img"
printf '\n[[disk]]\npath = "%s"\n' "$T/images/sw.img" >>"$T/vms/sw.toml"
# sw has a TPM: a kill between swtpm's start and QEMU's leaves a swtpm nobody connected to
tpm=0
if command -v swtpm >/dev/null; then
	printf '[tpm]\nenable = true\n' >>"$T/vms/sw.toml"
	tpm=1
fi

# check WHAT HP SI THP: the host as wanted, nothing of 'sw' left, its vars whole
check() {
	local what=$1
	[ -z "$(pgrep -f -- "$MVLAUNCH_RUNDIR/sw/")" ] || fail "$what: an orphan QEMU of sw"
	[ $tpm = 0 ] || [ -z "$(pgrep -f -- "dir=$MVLAUNCH_STATEDIR/sw/tpm2")" ] || fail "$what: an orphan swtpm of sw"
	[ ! -e "$MVLAUNCH_RUNDIR/sw" ] || fail "$what: sw's runtime directory is left: $(ls -a "$MVLAUNCH_RUNDIR/sw")"
	[ "$(cat "$nodefile")" = "$2" ] || fail "$what: nr_hugepages is $(cat "$nodefile"), want $2"
	[ "$(cat /proc/sys/vm/stat_interval)" = "$3" ] || fail "$what: stat_interval is $(cat /proc/sys/vm/stat_interval), want $3"
	[ "$(sed 's/.*\[\(.*\)\].*/\1/' "$thp_file")" = "$4" ] || fail "$what: THP is not $4"
	[ "$(stat -c %u:%g:%a "$T/images/sw.img")" = "0:0:600" ] && [ "$(acl_of "$T/images/sw.img")" = "user::rw- group::--- other::---" ] ||
		fail "$what: sw's disk is $(stat -c %u:%g:%a "$T/images/sw.img") with ACL '$(acl_of "$T/images/sw.img")'"
	local vars=$MVLAUNCH_STATEDIR/sw/OVMF_VARS.fd
	[ ! -e "$vars" ] || [ "$(stat -c %s "$vars")" = "$vars_size" ] || fail "$what: a cut OVMF vars file ($(stat -c %s "$vars") bytes)"
}

# "CALL K" for each system call of one run of the command, K-th call of CALL
points() {
	awk -F'(' '/^[a-z_0-9]+\(/ { n[$1]++; print $1, n[$1] }' "$1"
}

# sweep CMD HP SI THP: kill 'mvlaunch CMD sw' at ~120 points spread over all its system calls
# (SWEEP_EVERY=1: at every one of them; the README's figures); after each, status and down
sweep() {
	local cmd=$1 hp=$2 si=$3 thp=$4 total p call k rc tried=0 killed=0 args step
	args="down sw"
	[ "$cmd" = up ] && args="up --paused sw"
	[ "$cmd" = down ] && "$MVLAUNCH" up --paused sw >/dev/null 2>&1
	strace -qq -o "$T/calls" "$MVLAUNCH" $args >/dev/null 2>&1 || fail "$cmd under strace failed"
	[ "$cmd" = up ] && "$MVLAUNCH" down sw >/dev/null 2>&1
	points "$T/calls" >"$T/points"
	total=$(wc -l <"$T/points")
	step=${SWEEP_EVERY:-$((total / ${SWEEP_POINTS:-120} + 1))}
	for ((p = 1; p <= total; p += step)); do
		read -r call k < <(sed -n "${p}p" "$T/points")
		[ "$cmd" = down ] && { "$MVLAUNCH" up --paused sw >/dev/null 2>&1 || fail "up before the down sweep failed"; }
		(strace -qq -o /dev/null -e trace="$call" -e "inject=$call:signal=KILL:when=$k" \
			"$MVLAUNCH" $args >/dev/null 2>"$T/err") 2>/dev/null
		rc=$?
		tried=$((tried + 1))
		[ $rc = 137 ] && killed=$((killed + 1))
		"$MVLAUNCH" status sw >/dev/null 2>"$T/status.err"
		case $? in 0 | 3) ;; *) fail "$cmd killed at $call #$k: status failed: $(head -2 "$T/status.err")" ;; esac
		"$MVLAUNCH" down --force sw >/dev/null 2>"$T/down.err" || fail "$cmd killed at $call #$k: down failed: $(head -2 "$T/down.err")"
		check "$cmd killed at system call $p of $total ($call #$k, exit $rc)" "$hp" "$si" "$thp"
	done
	echo "$cmd: killed at $killed of $tried points ($total system calls)"
	[ $killed -ge $((tried / 2)) ] || fail "$cmd: only $killed of $tried trials were killed"
}
exec 3>&2 2>/dev/null	# bash reports each strace that dies of its tracee's SIGKILL
sweep up "$hp0" "$si0" "$thp0"
sweep down "$hp0" "$si0" "$thp0"
exec 2>&3
check "after the sweeps" "$hp0" "$si0" "$thp0"
[ ! -e "$MVLAUNCH_RUNDIR/host.json" ] || fail "host.json left after the sweeps: $(cat "$MVLAUNCH_RUNDIR/host.json")"

# with 'other' running all along: whatever happens to sw, other keeps its 32 pages and the knobs
expect_code 0 "$MVLAUNCH" up --paused other
opid=$(cat "$MVLAUNCH_RUNDIR/other/qemu.pid")
exec 3>&2 2>/dev/null
sweep up $((hp0 + 32)) $((si0 + 7)) "$thp_want"
sweep down $((hp0 + 32)) $((si0 + 7)) "$thp_want"
exec 2>&3
alive "$opid" || fail "other's QEMU died during the sweeps"
jq -e '.holders | has("other")' "$MVLAUNCH_RUNDIR/host.json" >/dev/null || fail "other's hold is gone"
expect_code 0 "$MVLAUNCH" down other
check "after the last VM" "$hp0" "$si0" "$thp0"
[ ! -e "$MVLAUNCH_RUNDIR/host.json" ] || fail "host.json left after the last VM"
done_testing
