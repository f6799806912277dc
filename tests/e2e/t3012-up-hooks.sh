#!/usr/bin/env bash
# t3012-up-hooks.sh - hooks.d beside the VM configs with the real QEMU (TCG,
# the paused demo VM without its kernel): prepare and started around 'up',
# stopped and release after 'down' and after a crash, in name order, with
# their argv and environment, and what run-parts skips left alone; 'check'
# lists them; --dry-run runs none. A failing prepare hook starts no QEMU and
# leaves no runtime file; a failing started hook stops QEMU and runs stopped
# and release; a failing stopped hook does not stop 'down'; a hook that hangs
# is stopped with its process group after MVLAUNCH_HOOK_TIMEOUT; a hook
# others may write is refused.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

nokernel='/^\[boot\]/,$d'
H=$T/vms/hooks.d
# a hook that records what it was given, one line into $CALLS: DIR/FILE ARGV... VARS, and whether QEMU
# runs (a zombie QEMU is gone: this sandbox's PID 1 may reap late)
record='#!/bin/sh
d=$(dirname "$0")
alive=none
[ -n "${MVLAUNCH_PID:-}" ] && [ -d "/proc/$MVLAUNCH_PID" ] &&
	[ "$(awk '"'"'{ print $3 }'"'"' "/proc/$MVLAUNCH_PID/stat" 2>/dev/null)" != Z ] && alive=alive
echo "$(basename "$(dirname "$d")")/$(basename "$d")/$(basename "$0") $1 $2 vm=$MVLAUNCH_VM phase=$MVLAUNCH_PHASE pid=${MVLAUNCH_PID-absent} config=$MVLAUNCH_CONFIG qemu=$alive" >>"$CALLS"
echo "said by $(basename "$0") in $2"'
# mkhook REL [TEXT] [MODE]: $H/REL with TEXT (default: the recorder)
mkhook() {
	mkdir -p "$(dirname "$H/$1")"
	printf '%s\n' "${2:-$record}" >"$H/$1"
	chmod "${3:-755}" "$H/$1"
}
# expect_calls VM LINE...: $CALLS holds exactly these lines ("@" stands for "vm=VM", "%" for "config=CONFIG")
expect_calls() {
	local vm=$1 cfg want
	shift
	cfg=$(realpath "$T/vms/$vm.toml")
	want=$(printf '%s\n' "$@" | sed -e "s|@|vm=$vm|" -e "s|%|config=$cfg|")
	[ "$(cat "$CALLS" 2>/dev/null)" = "$want" ] ||
		{ fail "hooks of '$vm' ran as"; sed 's/^/  got:  /' "$CALLS"; printf '%s\n' "$want" | sed 's/^/  want: /'; }
}

# --- a whole cycle: order, argv, environment, skips, the log, check, dry run ---
demo_config h1 "$nokernel"
mkhook h1/prepare.d/10-own
mkhook all/prepare.d/20-all
mkhook all/prepare.d/30-shared "$(printf '#!/bin/sh\necho replaced-by-own >>"$CALLS"')"
mkhook h1/prepare.d/30-shared
mkhook all/prepare.d/.hidden
mkhook all/prepare.d/20-all~
mkhook all/prepare.d/20-all.dpkg-old
mkhook all/prepare.d/40-not-executable "" 644
mkhook all/started.d/10-started
mkhook h1/stopped.d/10-stopped
mkhook all/release.d/10-release
mkhook h2/prepare.d/10-other-vm
export CALLS=$T/calls-h1
expect_code 0 "$MVLAUNCH" up --dry-run h1
[ -e "$CALLS" ] && fail "up --dry-run ran hooks: $(cat "$CALLS")"
[ -e "$T/log/h1/hooks.log" ] && fail "up --dry-run wrote hooks.log"
expect_code 0 "$MVLAUNCH" up h1
pid=$(cat "$T/run/h1/qemu.pid")
expect_calls h1 \
	"h1/prepare.d/10-own h1 prepare @ phase=prepare pid=absent % qemu=none" \
	"all/prepare.d/20-all h1 prepare @ phase=prepare pid=absent % qemu=none" \
	"h1/prepare.d/30-shared h1 prepare @ phase=prepare pid=absent % qemu=none" \
	"all/started.d/10-started h1 started @ phase=started pid=$pid % qemu=alive"
[ "$(jq -r .hooks_dir "$T/run/h1/state.json")" = "$H" ] || fail "state.json does not record the hooks directory"
log=$T/log/h1/hooks.log
grep -q "\] prepare: running $H/h1/prepare.d/10-own$" "$log" || fail "hooks.log lacks the running line: $(cat "$log")"
grep -qx "said by 10-own in prepare" "$log" || fail "hooks.log lacks the hook's output"
grep -q "\] prepare: $H/h1/prepare.d/10-own exited with status 0 (" "$log" || fail "hooks.log lacks how it ended"
grep -q "\] prepare: skipped $H/all/prepare.d/40-not-executable: not executable$" "$log" || fail "hooks.log lacks the skip"
expect_code 0 "$MVLAUNCH" check h1
grep -qE "^PASS +h1: hooks.prepare +runs, in this order \(in $H\): h1/prepare.d/10-own, all/prepare.d/20-all, h1/prepare.d/30-shared$" "$T/out" ||
	fail "check does not list the prepare hooks: $(grep hooks "$T/out")"
grep -qE "^WARN +h1: hooks.prepare +'$H/all/prepare.d/40-not-executable' is not executable: skipped$" "$T/out" ||
	fail "check does not flag the non-executable file: $(grep hooks "$T/out")"
grep -qE "^PASS +h1: hooks.release +runs, in this order \(in $H\): all/release.d/10-release$" "$T/out" ||
	fail "check does not list the release hooks"
expect_code 0 "$MVLAUNCH" down --force h1
wait_dead "$pid" || fail "QEMU $pid of h1 still runs"
expect_calls h1 \
	"h1/prepare.d/10-own h1 prepare @ phase=prepare pid=absent % qemu=none" \
	"all/prepare.d/20-all h1 prepare @ phase=prepare pid=absent % qemu=none" \
	"h1/prepare.d/30-shared h1 prepare @ phase=prepare pid=absent % qemu=none" \
	"all/started.d/10-started h1 started @ phase=started pid=$pid % qemu=alive" \
	"h1/stopped.d/10-stopped h1 stopped @ phase=stopped pid=$pid % qemu=none" \
	"all/release.d/10-release h1 release @ phase=release pid=absent % qemu=none"
no_leftovers h1
rm -rf "${H:?}"/*

# --- a failing prepare hook: no QEMU, no runtime file, stopped and release still run ---
demo_config f1 "$nokernel"
mkhook f1/prepare.d/10-fail "$(printf '#!/bin/sh\necho checking the GPU\necho "no GPU at 0000:01:00.0" >&2\nexit 3')"
mkhook f1/prepare.d/20-never
mkhook f1/stopped.d/10-stopped
mkhook f1/release.d/10-release
export CALLS=$T/calls-f1
expect_code 1 "$MVLAUNCH" up f1
expect_err "mvlaunch: error: prepare hook '$H/f1/prepare.d/10-fail' of 'f1' exited with status 3; its last lines:"
expect_err "mvlaunch: error:   no GPU at 0000:01:00.0"
expect_err "hint: the hooks' output is in '$T/log/f1/hooks.log'"
expect_calls f1 \
	"f1/stopped.d/10-stopped f1 stopped @ phase=stopped pid=absent % qemu=none" \
	"f1/release.d/10-release f1 release @ phase=release pid=absent % qemu=none"
[ -e "$T/log/f1/qemu.log" ] && fail "a failed prepare hook let QEMU start (qemu.log exists)"
no_leftovers f1

# --- a failing started hook: QEMU stopped, stopped and release run ---
demo_config s1 "$nokernel"
mkhook s1/started.d/10-fail "$(printf '#!/bin/sh\necho "$MVLAUNCH_PID" >"%s"\nexit 1' "$T/s1.pid")"
mkhook s1/stopped.d/10-stopped
mkhook s1/release.d/10-release
export CALLS=$T/calls-s1
expect_code 1 "$MVLAUNCH" up s1
expect_err "mvlaunch: error: started hook '$H/s1/started.d/10-fail' of 's1' exited with status 1"
pid=$(cat "$T/s1.pid")
[ -n "$pid" ] || fail "the started hook got no MVLAUNCH_PID"
wait_dead "$pid" || fail "QEMU $pid still runs after a failed started hook"
expect_calls s1 \
	"s1/stopped.d/10-stopped s1 stopped @ phase=stopped pid=$pid % qemu=none" \
	"s1/release.d/10-release s1 release @ phase=release pid=absent % qemu=none"
no_leftovers s1

# --- a failing stopped hook does not stop 'down': the next hooks and the cleanup go on, exit 1 ---
demo_config d1 "$nokernel"
mkhook d1/stopped.d/10-fail "$(printf '#!/bin/sh\necho cannot rebind >&2\nexit 2')"
mkhook d1/stopped.d/20-stopped
mkhook d1/release.d/10-release
export CALLS=$T/calls-d1
expect_code 0 "$MVLAUNCH" up d1
pid=$(cat "$T/run/d1/qemu.pid")
expect_code 1 "$MVLAUNCH" down --force d1
expect_out "'d1' stopped with QMP quit"
expect_err "mvlaunch: error: stopped hook '$H/d1/stopped.d/10-fail' of 'd1' exited with status 2; its last lines:"
expect_err "mvlaunch: error:   cannot rebind"
expect_calls d1 \
	"d1/stopped.d/20-stopped d1 stopped @ phase=stopped pid=$pid % qemu=none" \
	"d1/release.d/10-release d1 release @ phase=release pid=absent % qemu=none"
no_leftovers d1

# --- a crashed QEMU: 'down' cleans up and runs stopped and release with the pid it had ---
demo_config c1 "$nokernel"
mkhook c1/stopped.d/10-stopped
mkhook c1/release.d/10-release
export CALLS=$T/calls-c1
expect_code 0 "$MVLAUNCH" up c1
pid=$(cat "$T/run/c1/qemu.pid")
kill -9 "$pid"
wait_dead "$pid" || fail "QEMU $pid still runs 10 s after kill -9"
expect_code 0 "$MVLAUNCH" down c1 && expect_out "its QEMU had crashed or been killed"
expect_calls c1 \
	"c1/stopped.d/10-stopped c1 stopped @ phase=stopped pid=$pid % qemu=none" \
	"c1/release.d/10-release c1 release @ phase=release pid=absent % qemu=none"
no_leftovers c1

# --- a hook that hangs: stopped with the child it started after MVLAUNCH_HOOK_TIMEOUT ---
demo_config t1 "$nokernel"
mkhook t1/prepare.d/10-hangs "$(printf '#!/bin/sh\nsleep 120 &\necho $! >"%s"\nwait' "$T/t1.bg")"
start=$(date +%s)
expect_code 1 env MVLAUNCH_HOOK_TIMEOUT=1 "$MVLAUNCH" up t1
[ $(($(date +%s) - start)) -lt 10 ] || fail "the hanging hook was not stopped after its 1 s"
expect_err "mvlaunch: error: prepare hook '$H/t1/prepare.d/10-hangs' of 't1' did not end within 1 s: its process group was stopped with SIGTERM"
bg=$(cat "$T/t1.bg")
wait_dead "$bg" || fail "the hook's own child $bg outlived the timeout"
no_leftovers t1

# --- a hook others may write is refused: up fails and runs nothing of it ---
demo_config u1 "$nokernel"
mkhook u1/prepare.d/10-open "" 757
export CALLS=$T/calls-u1
expect_code 1 "$MVLAUNCH" up u1
expect_err "mvlaunch: error: prepare hook of 'u1' refused: hook '$H/u1/prepare.d/10-open' may be changed by group or others (mode 0757)"
expect_err "hint: chmod go-w '$H/u1/prepare.d/10-open'"
[ -e "$CALLS" ] && fail "the refused hook ran"
no_leftovers u1
expect_code 1 "$MVLAUNCH" check u1
grep -qE "^FAIL +u1: hooks.prepare +hook '$H/u1/prepare.d/10-open' may be changed by group or others" "$T/out" ||
	fail "check does not fail the untrusted hook: $(grep hooks "$T/out")"
done_testing
