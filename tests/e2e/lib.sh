# lib.sh - shared helpers for the end-to-end tests; sourced by each tNNNN-*.sh.
#
# Each test gets its own temporary directory $T (removed on exit), runs the
# real mvlaunch ($MVLAUNCH) and, where it needs one, the real QEMU. A test
# exits 0 (pass), 1 (fail) or 77 (skip, with the reason on stdout).
set -u

MVLAUNCH=${MVLAUNCH:-$(cd "$(dirname "$0")/../.." && pwd)/build/mvlaunch}
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/mvl-e2e.XXXXXX")
export MVLAUNCH_RUNDIR="$T/run" MVLAUNCH_STATEDIR="$T/state" MVLAUNCH_VMS="$T/vms" MVLAUNCH_LOGDIR="$T/log"
mkdir -p "$T/vms"
# QEMU runs as mvlaunch-qemu (security.user): it must search $T to reach its run, log and state directories
chmod 0711 "$T"
# that user is made once a machine, as 'make install' does ('host setup' is idempotent and locked)
getent passwd mvlaunch-qemu >/dev/null || "$MVLAUNCH" host setup >/dev/null
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
# acl_of PATH: its access ACL on one line ("user::rw- user:mvlaunch-qemu:rw- group::--- mask::rw- other::---")
acl_of() { getfacl -cp -- "$1" 2>/dev/null | sed '/^$/d' | tr '\n' ' ' | sed 's/ $//'; }
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
	local argvfile=$1 i
	shift
	argv_array "$argvfile"
	# 'up' hands QEMU its QMP socket as fd 3; here QEMU binds a socket of its own
	for i in "${!ARGV_ARR[@]}"; do
		[ "${ARGV_ARR[i]}" = "socket,id=qmp,fd=3,server=on,wait=off" ] &&
			ARGV_ARR[i]="socket,id=qmp,path=$T/qemu_qmp.sock,server=on,wait=off"
	done
	# and it makes the events monitor's files (runtime_events_prepare()): a printed argv needs them too
	for i in "${!ARGV_ARR[@]}"; do
		case ${ARGV_ARR[i]} in
		pipe,id=events,path=*)
			local ev=${ARGV_ARR[i]#pipe,id=events,path=}
			ev=${ev//,,/,}
			echo '{"execute": "qmp_capabilities"}' >"$ev.in"
			: >"$ev.out" ;;
		esac
	done
	{
		printf '%s\n' '{"execute":"qmp_capabilities"}'
		sleep 1
		printf '%s\n' "$@" '{"execute":"query-status"}' '{"execute":"quit"}'
	} | timeout 60 "${ARGV_ARR[@]}" -qmp stdio >"$T/qmp.out" 2>"$T/qemu.err"
}

# example_here NAME: $T/vms/NAME.toml from vms/NAME.toml, with only what
# this machine cannot provide swapped, each swap said on stdout:
# - no vfio devices: [[passthrough]] sections are dropped;
# - no tap devices and no /dev/vhost-net: a tap [[net]] becomes user networking;
# - disks point at images made for the test (a CD-ROM at one of its own,
#   an empty tray stays empty); memory is 256M;
# - 2 CPUs: a dedicated "auto" VM gets 1 vCPU (the host keeps CPU 0);
# - no Hyper-V emulation in this nested KVM (hv-vapic aborts), so a VM with
#   Hyper-V enlightenments runs under TCG with model "max", without the VP
#   index and the enlightenments that need it (TCG cannot provide it);
# - where /dev/kvm works, -cpu host needs arch-capabilities=off here (added
#   to cpu.disable); without KVM, TCG with model "max".
example_here() {
	local name=$1 f=$T/vms/$1.toml img
	cp "$TOP/vms/$name.toml" "$f"
	if grep -q '^\[\[passthrough\]\]' "$f"; then
		toml_drop "$f" "[[passthrough]]"
		echo "$name: no vfio devices here: [[passthrough]] dropped"
	fi
	if grep -q '^type = "tap"' "$f"; then
		sed -i 's/^type = "tap".*/type = "user"/; /^ifname = /d; /^vhost = /d' "$f"
		echo "$name: no tap device here: user networking"
	fi
	if grep -q '^\[\[disk\]\]' "$f"; then
		img=$T/$name.img
		if grep -q '^format = "qcow2"' "$f"; then qemu-img create -q -f qcow2 "$img" 64M; else truncate -s 64M "$img"; fi
		# the first disk on $img, each further one (a CD-ROM's ISO) on an image of its own; an empty tray stays empty
		awk -v img="$img" -v base="$T/$name" '/^path = / && $3 != "\"\"" { n++; p = n == 1 ? img : base "-" n ".img"
			if (n > 1) system("truncate -s 16M \"" p "\""); print "path = \"" p "\""; next } { print }' "$f" >"$f.new" &&
			mv "$f.new" "$f"
		echo "$name: disk on a test image"
	fi
	toml_set "$f" "[memory]" size '"256M"'
	if grep -q '^vcpus = "auto"' "$f" && ! grep -q '^policy = "shared"' "$f" && [ "$(nproc)" -le 4 ]; then
		toml_set "$f" "[cpu]" vcpus 1
		echo "$name: $(nproc) CPUs here: 1 dedicated vCPU"
	fi
	if grep -q '^accel = "kvm"' "$f"; then
		if grep -q '^hyperv = \|^\[cpu.hyperv\]' "$f" || ! [ -w /dev/kvm ]; then
			toml_set "$f" "[machine]" accel '"tcg"'
			toml_set "$f" "[cpu]" model '"max"'
			sed -i '/^cpu_pm = /d' "$f"
			echo "$name: TCG with model max (no Hyper-V emulation or no KVM here)"
			if grep -q '^vpindex = true' "$f"; then
				sed -i '/^\(vpindex\|synic\|stimer\|tlbflush\|ipi\) = true$/d' "$f"
				echo "$name: TCG has no Hyper-V VP index: vpindex and what needs it (synic, stimer, tlbflush, ipi) dropped"
			fi
		elif grep -q '^disable = ' "$f"; then
			sed -i 's/^disable = \[/disable = ["arch-capabilities", /' "$f"
		else
			sed -i '/^\[cpu\]/a disable = ["arch-capabilities"]' "$f"
		fi
	fi
	# locked memory as QEMU's user needs RLIMIT_MEMLOCK raised, which needs CAP_SYS_RESOURCE: this
	# machine's root lacks it (a container), so such a VM's QEMU stays root here (a host limit, not the product's)
	if grep -q '^locked = true' "$f" && ! has_cap 24; then
		printf '\n[security]\nuser = "root"\n' >>"$f"
		echo "$name: no CAP_SYS_RESOURCE here (RLIMIT_MEMLOCK cannot be raised): QEMU runs as root"
	fi
}

# has_cap N: this shell's effective capabilities include capability number N (24: CAP_SYS_RESOURCE)
has_cap() { (( (0x$(awk '/^CapEff:/ { print $2 }' /proc/self/status) >> $1) & 1 )); }

# private_bus: a D-Bus bus of the test's own at $T/bus.sock (dbus-daemon),
# where fake-systemd1.py plays systemd (t5003, t3040); stopped at exit.
private_bus() {
	local i
	command -v dbus-daemon >/dev/null || skip "dbus-daemon is not installed (make deps)"
	/usr/bin/python3 -c 'import dbus, gi' 2>/dev/null || skip "python3-dbus and python3-gi are not installed (make deps)"
	cat >"$T/bus.conf" <<XML
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$T/bus.sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
XML
	dbus-daemon --config-file="$T/bus.conf" --nofork --nopidfile >"$T/busd.log" 2>&1 &
	at_exit "kill $! 2>/dev/null"
	for i in $(seq 50); do [ -S "$T/bus.sock" ] && break; sleep 0.1; done
}

# Reserve N more 2M hugepages for this test and give them back at exit.
# host_knobs_test: for the tests of host state: $nodefile (node 0's 2M pool), $thp_file, and what
# they and vm.stat_interval hold now ($hp0, $thp0, $si0), put back at exit; host.toml asks for
# THP $thp_want (another than now) and stat_interval $((si0 + 7)). 1 without root's sysctls.
host_knobs_test() {
	[ -w /proc/sys/vm/stat_interval ] || return 1
	nodefile=/sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages
	[ -w "$nodefile" ] || nodefile=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
	thp_file=/sys/kernel/mm/transparent_hugepage/enabled
	hp0=$(cat "$nodefile")
	thp0=$(sed 's/.*\[\(.*\)\].*/\1/' "$thp_file")
	si0=$(cat /proc/sys/vm/stat_interval)
	at_exit "echo $hp0 > $nodefile; echo $thp0 > $thp_file; echo $si0 > /proc/sys/vm/stat_interval"
	thp_want=never
	[ "$thp0" = never ] && thp_want=madvise
	printf 'thp = "%s"\nstat_interval = %s\n' "$thp_want" $((si0 + 7)) >"$T/vms/host.toml"
}

hugepages_reserve() {
	local want=$1 before now
	before=$(cat /proc/sys/vm/nr_hugepages)
	at_exit "echo $before > /proc/sys/vm/nr_hugepages"
	echo $((before + want)) >/proc/sys/vm/nr_hugepages 2>/dev/null || return 1
	now=$(cat /proc/sys/vm/nr_hugepages)
	[ "$now" -ge $((before + want)) ]
}

# VMs' cgroups (launcher/host/vm_cgroup.h) in a subtree of this test's own,
# never /machine.slice: tests and another user's VMs never meet; removed
# last (after QEMU is gone), in every hierarchy (v1) or the one (v2). A
# slice by its name (systemd hosts put VMs' scopes in the slice it names).
# fake_root_cgroups ROOT: a fake kernel tree ($MVLAUNCH_SYSROOT) in which 'up'
# still finds this host's real cgroup file systems (each VM gets a cgroup).
fake_root_cgroups() { mkdir -p "$1/sys/fs" && ln -sfn /sys/fs/cgroup "$1/sys/fs/cgroup"; }
export MVLAUNCH_CGROUP_ROOT=/$(basename "$T" | tr -- '-.' '__').slice
at_exit "for d in /sys/fs/cgroup/*$MVLAUNCH_CGROUP_ROOT /sys/fs/cgroup$MVLAUNCH_CGROUP_ROOT; do [ -d \$d ] && rmdir \$d/mvlaunch-* \$d; done 2>/dev/null"

# Every test's QEMU has $T in its command line: none may outlive the test. Waited for (up to
# 10 s), so the cgroups above come out empty: a QEMU with its guest RAM can take longer than a
# fixed pause to exit on a loaded machine, and its cgroup then keeps the test slice (the likely
# source of the empty mvl_e2e_*.slice seen left behind now and then).
at_exit "pkill -KILL -f -- '$T/' 2>/dev/null; for _i in \$(seq 100); do pgrep -f -- '$T/' >/dev/null || break; sleep 0.1; done"

DEMO_GUEST=${MVLAUNCH_DEMO_GUEST:-/var/cache/mvlaunch/demo-guest}

# need_demo_guest: skip unless scripts/make-demo-guest has built the guest.
need_demo_guest() {
	[ -s "$DEMO_GUEST/vmlinuz" ] && [ -s "$DEMO_GUEST/initrd.img" ] ||
		skip "no demo guest in $DEMO_GUEST (make demo-guest)"
}

# demo_config NAME [SED-EXPR...]: $T/vms/NAME.toml from tests/e2e/test-vm.toml
# (the demo guest, two vCPUs pinned to CPUs 0 and 1), with any sed
# expressions applied; an expression that changes nothing fails the test.
demo_config() {
	local name=$1 f=$T/vms/$1.toml e
	shift
	sed -e "s|^name = .*|name = \"$name\"|" -e "s|/var/cache/mvlaunch/demo-guest|$DEMO_GUEST|" \
		"$TOP/tests/e2e/test-vm.toml" >"$f"
	for e in "$@"; do
		cp "$f" "$f.before"
		sed -i -e "$e" "$f"
		cmp -s "$f" "$f.before" && fail "demo_config $name: '$e' changed nothing"
		rm -f "$f.before"
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

# alive PID: the process exists and is not a zombie (this sandbox's PID 1 may reap late).
alive() { [ -d "/proc/$1" ] && [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" != Z ]; }
# wait_dead PID: up to 10 s until no thread of PID runs (a zombie leader whose
# other threads still exit counts as alive, as it does for mvlaunch); 1 on timeout.
wait_dead() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -d "/proc/$1" ] || return 0
		[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ] &&
			[ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -le 1 ] && return 0
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
