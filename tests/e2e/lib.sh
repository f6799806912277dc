# lib.sh - shared helpers for the end-to-end tests; sourced by each tNNNN-*.sh.
#
# Each test gets its own temporary directory $T (removed on exit), runs the
# real mvlaunch ($MVLAUNCH) and, where it needs one, the real QEMU. A test
# exits 0 (pass), 1 (fail) or 77 (skip, with the reason on stdout).
set -u

MVLAUNCH=${MVLAUNCH:-$(cd "$(dirname "$0")/../.." && pwd)/build/mvlaunch}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/mvl-e2e.XXXXXX")
export MVLAUNCH_RUNDIR="$T/run" MVLAUNCH_STATEDIR="$T/state" MVLAUNCH_VMS="$T/vms"
mkdir -p "$T/vms"
_cleanups=()
_failed=0

cleanup() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_cleanups[i]}" || true
	done
	rm -rf "$T"
}
trap cleanup EXIT
# Run "$@" (a command string) when the test ends, last registered first.
at_exit() { _cleanups+=("$*"); }

fail() { echo "FAIL: $*"; _failed=1; }
skip() { echo "SKIP: $*"; exit 77; }
done_testing() { exit $_failed; }

# expect_code CODE CMD... : run, keep stdout/stderr in $T/out and $T/err.
expect_code() {
	local want=$1 rc
	shift
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "'$*' exited $rc, expected $want"
		sed 's/^/  stderr: /' "$T/err" | head -20
		return 1
	fi
	return 0
}

# expect_err TEXT: $T/err contains TEXT (fixed string).
expect_err() {
	grep -qF -- "$1" "$T/err" || { fail "stderr lacks: $1"; sed 's/^/  stderr: /' "$T/err" | head -20; }
}
expect_out() {
	grep -qF -- "$1" "$T/out" || { fail "stdout lacks: $1"; sed 's/^/  stdout: /' "$T/out" | head -20; }
}

# toml_set FILE HEADER KEY VALUE: in the section whose header line is HEADER
# ("[cpu]", "[[disk]]"), replace the line "KEY = ..." with "KEY = VALUE".
toml_set() {
	local file=$1 header=$2 key=$3 value=$4
	awk -v h="$header" -v k="$key" -v v="$value" '
		/^\[/ { insec = ($0 == h) }
		insec && $0 ~ "^" k " *=" { print k " = " v; done = 1; next }
		{ print }
		END { if (!done) exit 1 }' "$file" >"$file.new" && mv "$file.new" "$file" ||
		{ rm -f "$file.new"; fail "toml_set: no '$key' under $header in $file"; }
}

# toml_drop FILE HEADER: delete every section with that header line.
toml_drop() {
	awk -v h="$2" '/^\[/ { skip = ($0 == h) } !skip { print }' "$1" >"$1.new" && mv "$1.new" "$1"
}

# argv_array FILE: the shell-quoted lines of 'mvlaunch argv' into ARGV_ARR.
argv_array() {
	local joined
	joined=$(sed 's/ \\$//' "$1" | tr '\n' ' ')
	eval "ARGV_ARR=( $joined )"
}

# qemu_qmp ARGVFILE QMP-COMMAND... : start QEMU with the argv in ARGVFILE plus
# a QMP monitor on stdio, send qmp_capabilities, wait a second (QEMU must stay
# up), send the commands, then quit. Replies in $T/qmp.out, stderr in
# $T/qemu.err; returns QEMU's exit code.
qemu_qmp() {
	local argvfile=$1
	shift
	argv_array "$argvfile"
	{
		printf '%s\n' '{"execute":"qmp_capabilities"}'
		sleep 1
		printf '%s\n' "$@" '{"execute":"query-status"}' '{"execute":"quit"}'
	} | timeout 60 "${ARGV_ARR[@]}" -qmp stdio >"$T/qmp.out" 2>"$T/qemu.err"
}

# Reserve N more 2M hugepages for this test and give them back at exit.
hugepages_reserve() {
	local want=$1 before now
	before=$(cat /proc/sys/vm/nr_hugepages)
	at_exit "echo $before > /proc/sys/vm/nr_hugepages"
	echo $((before + want)) >/proc/sys/vm/nr_hugepages 2>/dev/null || return 1
	now=$(cat /proc/sys/vm/nr_hugepages)
	[ "$now" -ge $((before + want)) ]
}

# Every test's QEMU has $T in its command line: none may outlive the test.
at_exit "pkill -KILL -f -- '$T/' 2>/dev/null; sleep 0.1"

DEMO_GUEST=${MVLAUNCH_DEMO_GUEST:-/var/cache/mvlaunch/demo-guest}

# need_demo_guest: skip unless scripts/make-demo-guest has built the guest.
need_demo_guest() {
	[ -s "$DEMO_GUEST/vmlinuz" ] && [ -s "$DEMO_GUEST/initrd.img" ] ||
		skip "no demo guest in $DEMO_GUEST (make demo-guest)"
}

# demo_config NAME [SED-EXPR...]: $T/vms/NAME.toml from vms/demo.toml, booting
# the demo guest, with any sed expressions applied.
demo_config() {
	local name=$1 f=$T/vms/$1.toml
	shift
	sed -e "s|^name = .*|name = \"$name\"|" -e "s|/var/cache/mvlaunch/demo-guest|$DEMO_GUEST|" \
		"$TOP/vms/demo.toml" >"$f"
	local e
	for e in "$@"; do
		sed -i -e "$e" "$f"
	done
}

# wait_for FILE TEXT SECONDS: until FILE contains TEXT; 1 on timeout.
wait_for() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -qF -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# cpus_of TID: the kernel's Cpus_allowed_list of a thread.
cpus_of() { awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# no_leftovers NAME: no runtime directory and no QEMU of this test remain.
no_leftovers() {
	[ ! -e "$MVLAUNCH_RUNDIR/$1" ] || fail "runtime directory of '$1' left behind: $(ls "$MVLAUNCH_RUNDIR/$1")"
	local left
	left=$(pgrep -f -- "$MVLAUNCH_RUNDIR/$1/" | tr '\n' ' ')
	[ -z "$left" ] || fail "QEMU of '$1' left running: pids $left"
}
