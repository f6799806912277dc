#!/usr/bin/env bash
# t3016-up-tpm.sh - [tpm]: 'up' runs a real swtpm beside QEMU, pinned where
# the emulator threads go, and QEMU reports the emulator backend (QMP
# query-tpm). The TPM's state stays in STATE/NAME/tpm2 across down/up;
# swtpm is gone after 'down', after an 'up' that fails once swtpm runs,
# and after QEMU is killed with SIGKILL (even a swtpm that could not end on
# its own: stopped with SIGSTOP here). 'check' and 'up' say when swtpm is
# missing. The guest is the demo guest under TCG (this host's nested KVM
# hangs a booting kernel).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v swtpm >/dev/null || skip "swtpm is not installed (make deps)"
need_demo_guest

tpm_pid() { awk '{ print $1 }' "$MVLAUNCH_RUNDIR/tp/swtpm.id" 2>/dev/null; }
cpus_of() { awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$1/status"; }

demo_config tp 's/^emulator = .*/emulator = "1"/'
printf '[tpm]\nenable = true\n' >>"$T/vms/tp.toml"
expect_code 0 "$MVLAUNCH" up tp
pid=$(tpm_pid)
[ -n "$pid" ] && alive "$pid" || fail "no swtpm runs (swtpm.id: $(cat "$MVLAUNCH_RUNDIR/tp/swtpm.id" 2>&1))"
[ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "$(command -v swtpm) socket --tpm2 --terminate --ctrl type=unixio,fd=3 --tpmstate dir=$MVLAUNCH_STATEDIR/tp/tpm2,mode=0600 " ] ||
	fail "swtpm's command line: $(tr '\0' ' ' <"/proc/$pid/cmdline")"
[ "$(cpus_of "$pid")" = 1 ] || fail "swtpm runs on CPUs $(cpus_of "$pid"), not the emulator CPU 1"
[ "$(stat -c %a "$MVLAUNCH_RUNDIR/tp/swtpm.sock")" = 600 ] || fail "swtpm.sock is not 0600"
"$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/tp/qmp.sock" query-tpm >"$T/tpm.json" || fail "query-tpm failed"
[ "$(jq -r '.[0] | "\(.model) \(.options.type) \(.id)"' "$T/tpm.json")" = "tpm-crb emulator tpm0" ] ||
	fail "query-tpm: $(cat "$T/tpm.json")"
wait_for "$MVLAUNCH_LOGDIR/tp/serial.log" MVLAUNCH-DEMO-READY 120 || fail "the guest did not boot with its TPM"
expect_code 0 "$MVLAUNCH" down tp
wait_dead "$pid" || fail "swtpm (pid $pid) still runs after 'down'"
[ ! -e "$MVLAUNCH_RUNDIR/tp" ] || fail "runtime files left: $(ls "$MVLAUNCH_RUNDIR/tp")"
state=$MVLAUNCH_STATEDIR/tp/tpm2/tpm2-00.permall
[ -s "$state" ] || fail "no TPM state in $MVLAUNCH_STATEDIR/tp/tpm2: $(ls -la "$MVLAUNCH_STATEDIR/tp/tpm2" 2>&1)"
[ "$(stat -c %a "$MVLAUNCH_STATEDIR/tp/tpm2")" = 700 ] || fail "the TPM state directory is not 0700"
sum=$(md5sum <"$state")

# the state persists: the next start uses it (the TPM's seeds, its keys, stay)
sed -i 's/^enable = true$/enable = true\nmodel = "tis"/' "$T/vms/tp.toml"
expect_code 0 "$MVLAUNCH" up --paused tp
[ "$(md5sum <"$state")" = "$sum" ] || fail "'up' replaced the TPM's state"
"$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/tp/qmp.sock" query-tpm >"$T/tpm.json" || fail "query-tpm failed"
[ "$(jq -r '.[0].model' "$T/tpm.json")" = tpm-tis ] || fail "model tis: $(cat "$T/tpm.json")"

# QEMU killed: swtpm ends (--terminate); one that cannot end on its own is stopped by the
# next 'status' that finds the QEMU crashed, or by 'down'
pid=$(tpm_pid)
kill -STOP "$pid"
kill -KILL "$(cat "$MVLAUNCH_RUNDIR/tp/qemu.pid")"
wait_dead "$(cat "$MVLAUNCH_RUNDIR/tp/qemu.pid")"
expect_code 3 "$MVLAUNCH" status tp
expect_out "crashed"
wait_dead "$pid" || fail "swtpm (pid $pid) still runs after 'status' found its QEMU crashed"
expect_code 0 "$MVLAUNCH" down tp
[ ! -e "$MVLAUNCH_RUNDIR/tp" ] || fail "runtime files left: $(ls "$MVLAUNCH_RUNDIR/tp")"
expect_code 0 "$MVLAUNCH" up --paused tp
pid=$(tpm_pid)
kill -STOP "$pid"
kill -KILL "$(cat "$MVLAUNCH_RUNDIR/tp/qemu.pid")"
expect_code 0 "$MVLAUNCH" down tp
grep -Eq "^'tp' (was not running: its QEMU had crashed or been killed|had already stopped)" "$T/out" ||
	fail "down after QEMU was killed said: $(cat "$T/out")"
wait_dead "$pid" || fail "swtpm (pid $pid) still runs after QEMU was killed and 'down' cleaned up"
[ ! -e "$MVLAUNCH_RUNDIR/tp" ] || fail "runtime files left: $(ls "$MVLAUNCH_RUNDIR/tp")"

# an 'up' that fails after swtpm started leaves no swtpm and no files
printf '[qemu]\nextra_args = ["-device", "no-such-device"]\n' >>"$T/vms/tp.toml"
expect_code 1 "$MVLAUNCH" up tp
expect_err "QEMU exited with status 1 while starting"
[ -z "$(pgrep -f "dir=$MVLAUNCH_STATEDIR/tp/tpm2")" ] || fail "swtpm left running after a failed up: $(pgrep -af "dir=$MVLAUNCH_STATEDIR/tp/tpm2")"
no_leftovers tp
sed -i '/^\[qemu\]/,$d' "$T/vms/tp.toml"

# no swtpm: check says it with the fix; up refuses before changing anything
mkdir -p "$T/bin"
ln -s "$(command -v qemu-system-x86_64)" "$T/bin/qemu-system-x86_64"
PATH=$T/bin expect_code 1 "$MVLAUNCH" check tp
expect_out "FAIL  tp: tpm"
expect_out "tpm.enable = true needs swtpm, which is not installed"
expect_out "apt-get install swtpm (or 'make deps')"
PATH=$T/bin expect_code 1 "$MVLAUNCH" up tp
expect_err "tpm.enable = true needs swtpm, which is not installed"
no_leftovers tp
done_testing
