#!/usr/bin/env bash
# t1004-config-trust.sh - as root, mvlaunch relies on nothing another user
# could have put in its way (like sshd's StrictModes): a runtime directory
# that is a symlink or another user's is not used (root's up once truncated
# a root-only file through such a link); a config, host.toml or QEMU binary
# that another user owns or anyone may write is refused, with the fix; and
# nothing is started or changed. Each error text is checked.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
[ "$(id -u)" = 0 ] || skip "the checks are root's"

demo_config t '/^\[boot\]/,$d'

# a runtime directory planted as a link to a root-only file's directory
mkdir -p "$MVLAUNCH_RUNDIR" "$T/secret"
echo keep >"$T/secret/qemu.log" && chmod 600 "$T/secret/qemu.log"
ln -s "$T/secret" "$MVLAUNCH_RUNDIR/t"
expect_code 1 "$MVLAUNCH" up --paused t
expect_err "runtime directory '$MVLAUNCH_RUNDIR/t' is a symbolic link: not used"
[ "$(cat "$T/secret/qemu.log")" = keep ] || fail "the link was followed"
rm "$MVLAUNCH_RUNDIR/t"
# one that belongs to another user
mkdir "$MVLAUNCH_RUNDIR/t" && chown nobody "$MVLAUNCH_RUNDIR/t"
expect_code 1 "$MVLAUNCH" up --paused t
expect_err "runtime directory '$MVLAUNCH_RUNDIR/t' belongs to uid $(id -u nobody), not to this user (uid 0): not used"
rmdir "$MVLAUNCH_RUNDIR/t"
# a log directory anyone may write
mkdir -p "$MVLAUNCH_LOGDIR/t" && chmod 777 "$MVLAUNCH_LOGDIR/t"
expect_code 1 "$MVLAUNCH" up --paused t
expect_err "log directory '$MVLAUNCH_LOGDIR/t' may be written by group or others (mode 0777): not used"
expect_err "hint: chmod go-w '$MVLAUNCH_LOGDIR/t'"
chmod 700 "$MVLAUNCH_LOGDIR/t"
no_leftovers t

# configs: anyone may write it; another user owns it
chmod 666 "$T/vms/t.toml"
expect_code 1 "$MVLAUNCH" up --paused t
expect_err "config '$T/vms/t.toml' may be changed by group or others (mode 0666), and mvlaunch runs what it says as root: not used"
expect_err "hint: chmod go-w '$T/vms/t.toml'"
chmod 644 "$T/vms/t.toml" && chown nobody "$T/vms/t.toml"
expect_code 1 "$MVLAUNCH" argv t
expect_err "config '$T/vms/t.toml' belongs to uid $(id -u nobody), who could change what mvlaunch runs as root: not used"
chown root "$T/vms/t.toml"
printf 'stat_interval = 5\n' >"$T/vms/host.toml" && chmod 666 "$T/vms/host.toml"
expect_code 1 "$MVLAUNCH" up --paused t
expect_err "host config '$T/vms/host.toml' may be changed by group or others (mode 0666)"
rm "$T/vms/host.toml"
# the QEMU a config names: another user's program
mkdir -p "$T/bin" && printf '#!/bin/sh\nexec qemu-system-x86_64 "$@"\n' >"$T/bin/qemu" && chmod 755 "$T/bin/qemu"
chown nobody "$T/bin/qemu"
sed -i "s|^\\[machine\\]|[qemu]\\nbinary = \"$T/bin/qemu\"\\n[machine]|" "$T/vms/t.toml"
expect_code 1 "$MVLAUNCH" up --paused t
expect_err "QEMU binary '$T/bin/qemu' belongs to uid $(id -u nobody), who could change what mvlaunch runs as root: not used"
chown root "$T/bin/qemu"
expect_code 0 "$MVLAUNCH" up --paused t	# all of it root's now
expect_code 0 "$MVLAUNCH" down t
no_leftovers t
done_testing
