#!/usr/bin/env bash
# t1005-cli-non-root.sh - read-only commands run by a normal user tell the
# truth: without access to the runtime directory they say "permission
# denied ... run as root, or add yourself to group ..." and exit 1, never
# "not running" or "no VMs"; a member of the status group (the runtime
# directories are then 0750 and state.json 0640 for it; QMP stays root's)
# sees the VMs, and 'down' of root's VM says it needs root. 'nobody' plays
# the user and its group 'nogroup' the status group ($MVLAUNCH_GROUP), so
# the test changes no group on this machine.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v setpriv >/dev/null || skip "no setpriv (util-linux)"
[ "$(id -u)" = 0 ] || skip "needs root to start VMs as another user"
id nobody >/dev/null 2>&1 && getent group nogroup >/dev/null || skip "no user nobody or group nogroup"
chmod 0711 "$T"	# nobody may pass through the test's directory, and no further
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }

# no status group: the runtime directory is root's alone
export MVLAUNCH_GROUP=no-such-group-here
demo_config priv '/^\[boot\]/,$d'
expect_code 0 "$MVLAUNCH" up --paused priv
# root's alone; QEMU's user may pass through to its VM's directory (an ACL entry: the mode's group bits show its mask)
[ "$(acl_of "$MVLAUNCH_RUNDIR")" = "user::rwx user:mvlaunch-qemu:--x group::--- mask::--x other::---" ] ||
	fail "runtime root's ACL without a status group: $(acl_of "$MVLAUNCH_RUNDIR")"
for cmd in "status" "status priv" "list" "down priv"; do
	expect_code 1 as_nobody "$MVLAUNCH" $cmd
	expect_err "mvlaunch: error: permission denied reading '$MVLAUNCH_RUNDIR': run as root, or add yourself to group no-such-group-here"
	grep -q "not running\|no VMs" "$T/out" && fail "'$cmd' as nobody claims: $(cat "$T/out")"
done
expect_code 0 "$MVLAUNCH" down --force priv

# with the status group: its members see the VMs, and cannot stop them
export MVLAUNCH_GROUP=nogroup
rm -rf "$MVLAUNCH_RUNDIR"
expect_code 0 "$MVLAUNCH" up --paused priv
pid=$(cat "$MVLAUNCH_RUNDIR/priv/qemu.pid")
[ "$(stat -c %G "$MVLAUNCH_RUNDIR/priv")" = nogroup ] || fail "VM dir's group: $(stat -c %G "$MVLAUNCH_RUNDIR/priv")"
[ "$(acl_of "$MVLAUNCH_RUNDIR/priv")" = "user::rwx user:mvlaunch-qemu:rwx group::r-x mask::rwx other::---" ] ||
	fail "VM dir's ACL: $(acl_of "$MVLAUNCH_RUNDIR/priv")"
[ "$(stat -c '%a %G' "$MVLAUNCH_RUNDIR/priv/state.json")" = "640 nogroup" ] || fail "state.json: $(stat -c '%a %G' "$MVLAUNCH_RUNDIR/priv/state.json")"
[ "$(stat -c %a "$MVLAUNCH_RUNDIR/priv/qmp.sock")" = 600 ] || fail "qmp.sock is not root's alone"
expect_code 0 as_nobody "$MVLAUNCH" status priv && expect_out "priv: alive, pid $pid"
expect_code 0 as_nobody "$MVLAUNCH" status --json
[ "$(jq -r '.vms[0].state' "$T/out")" = alive ] || fail "status --json as a group member: $(jq -c '.vms[0]' "$T/out")"
expect_code 0 as_nobody "$MVLAUNCH" list && expect_out "priv"
expect_code 1 as_nobody "$MVLAUNCH" down priv
expect_err "'priv' was started by uid 0: stopping or changing it needs that user (run as root)"
alive "$pid" || fail "a group member stopped root's VM"
expect_code 0 "$MVLAUNCH" down --force priv
no_leftovers priv
done_testing
