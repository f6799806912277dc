#!/usr/bin/env bash
# valgrind.sh - the main paths of mvlaunch under valgrind memcheck: argv,
# import of libvirt domains (good and bad), plan (XML and live), up --paused (a floating VM, then a dedicated one that
# moves it), status, list, check, down, a bad config, and a Windows-style VM
# (TPM, CD-ROM drives, VNC, SMBIOS): display, insert, eject. Any
# invalid access or definite/possible leak fails. ("Still reachable" blocks
# are left to hwloc's plugin loader and libc, not counted.) Under valgrind
# pidfd_open is unknown, so this also runs the no-pidfd fallback.
set -u
cd "$(dirname "$0")/.."
bin=${MVLAUNCH:-build/mvlaunch}
# QEMU runs as mvlaunch-qemu (security.user): made once a machine, as 'make install' does
getent passwd mvlaunch-qemu >/dev/null || "$bin" host setup >/dev/null
T=$(mktemp -d)
chmod 0711 "$T"	# QEMU runs as mvlaunch-qemu: it passes through to its run, log and state directories
trap 'pkill -KILL -f -- "$T/" 2>/dev/null; rm -rf "$T"' EXIT
export MVLAUNCH_RUNDIR=$T/run MVLAUNCH_STATEDIR=$T/state MVLAUNCH_VMS=$T/vms MVLAUNCH_LOGDIR=$T/log
mkdir -p "$T/vms"
sed -e '/^\[boot\]/,$d' vms/demo.toml >"$T/vms/demo.toml"
printf 'name = "auto1"\n[cpu]\nvcpus = 4\ntopology = "auto"\n[pinning]\nvcpus = "auto"\n' >"$T/vms/auto1.toml"
# one dedicated vCPU: its up moves the floating demo VM off its CPU, its down gives it back
printf '[machine]\naccel = "tcg"\n[cpu]\nmodel = "max"\n[pinning]\nvcpus = "auto"\n[memory]\nsize = "64M"\n' >"$T/vms/ded1.toml"
printf '[cpu]\nvcpus = 0\nmodle = 1\n' >"$T/vms/bad.toml"
truncate -s 1M "$T/a.iso" "$T/b.iso"
printf '[machine]\naccel = "tcg"\n[cpu]\nmodel = "max"\n[memory]\nsize = "64M"\n[display]\ntype = "vnc"\n[smbios]\nproduct = "P,x"\n' >"$T/vms/win.toml"
printf '[[disk]]\nmedia = "cdrom"\npath = "%s"\nboot_index = 1\n[[disk]]\nmedia = "cdrom"\npath = ""\n' "$T/a.iso" >>"$T/vms/win.toml"
command -v swtpm >/dev/null && printf '[tpm]\nenable = true\n' >>"$T/vms/win.toml"
vg() { valgrind -q --leak-check=full --errors-for-leak-kinds=definite,possible --error-exitcode=99 "$@"; }
passed=0 failed=0
run() {	# run EXPECTED-EXIT ARGS...
	local want=$1 rc
	shift
	vg "$bin" "$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" = "$want" ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		echo "FAIL: mvlaunch $* exited $rc (want $want)"
		grep -v "^--" "$T/err" | head -20
	fi
}
run 0 argv --json --topology tests/unit/data/seed-i5-4c8t.xml vms/gaming-controller.toml
run 0 plan --topology tests/unit/data/seed-2s-36c72t.xml auto1
run 1 plan --json --host-config /dev/null auto1
run 1 argv bad
run 0 import tests/import/37-win11-gaming-dumpxml.xml
run 0 import --name x tests/import/24-seed002-full.xml
run 1 import --strict tests/import/18-features-hyperv-all.xml
run 1 import tests/import/bad/not-xml.xml
run 1 import tests/import/bad/tiny-memory.xml
run 0 up --paused demo
run 0 up --paused ded1
run 0 status --json
run 0 list
run 0 check --json
run 0 down ded1
run 0 down --force demo
run 0 down demo
run 0 check --json demo
run 0 unit demo
run 0 up --paused win
run 0 display --json win
run 0 insert win disk1 "$T/b.iso"
run 0 eject win a.iso
run 1 eject win disk7
run 0 down --force win
echo "valgrind: $passed passed, $failed failed"
[ "$failed" = 0 ]
