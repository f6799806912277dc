#!/usr/bin/env bash
# t2001-argv-qemu-accepts.sh - the argv of every example in vms/ is accepted by
# the real QEMU 7.2: it starts (paused, -S), stays up and answers QMP.
#
# Only what this machine cannot provide is swapped, each swap said below:
# - no vfio devices here: [[passthrough]] sections are dropped;
# - no tap device and no /dev/vhost-net here: [[net]] type tap -> user;
# - disks point at images made for the test; memory is made small;
# - gaming-controller: this host's nested KVM has no Hyper-V emulation
#   (hv-vapic aborts), so it runs under TCG with cpu.model = "max";
# - dedicated-4vcpu runs under KVM (paused) where /dev/kvm exists; this host's
#   KVM needs arch-capabilities=off for -cpu host, added to cpu.disable;
# - demo: until the demo guest is built, its kernel is left out.
. "$(dirname "$0")/lib.sh" || exit 1

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

# start_vm NAME: argv of $T/vms/NAME.toml into QEMU; checks it answers QMP.
start_vm() {
	local name=$1
	shift
	mkdir -p -m 0700 "$T/run/$name"
	expect_code 0 "$MVLAUNCH" argv "$name" || return 1
	cp "$T/out" "$T/$name.argv"
	qemu_qmp "$T/$name.argv" "$@"
	local rc=$?
	if [ $rc -ne 0 ] || ! grep -q '"status": "prelaunch"' "$T/qmp.out"; then
		fail "$name: QEMU exited $rc or did not answer query-status"
		sed 's/^/  qemu: /' "$T/qemu.err" | tail -5
		sed 's/^/  qmp: /' "$T/qmp.out" | tail -5
		return 1
	fi
	if grep -q '"error"' "$T/qmp.out"; then
		fail "$name: a QMP command failed"
		grep '"error"' "$T/qmp.out" | head -3
	fi
	# QEMU cleans its own runtime files on quit
	[ ! -e "$T/run/$name/qemu.pid" ] || fail "$name: pidfile left behind"
	return 0
}

# --- gaming-controller (seeds 000 + 002) ---
cp "$TOP/vms/gaming-controller.toml" "$T/vms/"
f=$T/vms/gaming-controller.toml
toml_drop "$f" "[[passthrough]]"
toml_set "$f" "[[net]]" type '"user"'
sed -i '/^ifname = /d; /^vhost = /d' "$f"
toml_set "$f" "[machine]" accel '"tcg"'
toml_set "$f" "[cpu]" model '"max"'
toml_set "$f" "[memory]" size '"512M"'
qemu-img create -q -f qcow2 "$T/gaming.qcow2" 64M
toml_set "$f" "[[disk]]" path "\"$T/gaming.qcow2\""
mkdir -p "$T/state/gaming-controller"
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$T/state/gaming-controller/OVMF_VARS.fd"
if hugepages_reserve 256; then
	start_vm gaming-controller \
		'{"execute":"query-memdev"}' \
		'{"execute":"qom-get","arguments":{"path":"/machine/unattached/device[0]","property":"hv-spinlocks"}}' \
		'{"execute":"qom-get","arguments":{"path":"/machine/unattached/device[0]","property":"l3-cache"}}' \
		'{"execute":"qom-get","arguments":{"path":"/machine","property":"hpet"}}' \
		'{"execute":"query-block"}'
	grep -q '"hugetlb": true\|"size": 536870912' "$T/qmp.out" || fail "gaming-controller: memdev not as configured"
	grep -q '"return": 8191' "$T/qmp.out" || fail "gaming-controller: hv-spinlocks is not 8191"
	grep -q '"merge": false' "$T/qmp.out" || fail "gaming-controller: memory merge not off"
	grep -q '"prealloc": true' "$T/qmp.out" || fail "gaming-controller: prealloc not on"
	grep -q 'OVMF_CODE_4M.fd' "$T/qmp.out" || fail "gaming-controller: OVMF code not attached"
	grep -q '"ro": true' "$T/qmp.out" || fail "gaming-controller: OVMF code not read-only"
	grep -q 'gaming.qcow2' "$T/qmp.out" || fail "gaming-controller: disk not attached"
else
	echo "note: could not reserve 256 2M hugepages; gaming-controller checked without them"
	toml_set "$f" "[memory]" hugepages '"none"'
	start_vm gaming-controller
fi

# --- dedicated-4vcpu (seed 004) ---
cp "$TOP/vms/dedicated-4vcpu.toml" "$T/vms/"
f=$T/vms/dedicated-4vcpu.toml
toml_set "$f" "[memory]" size '"256M"'
toml_set "$f" "[memory]" hugepages '"none"'
truncate -s 64M "$T/ded.raw"
toml_set "$f" "[[disk]]" path "\"$T/ded.raw\""
if [ -w /dev/kvm ]; then
	toml_set "$f" "[cpu]" cpu_pm 'true'
	sed -i '/^\[cpu\]/a disable = ["arch-capabilities"]' "$f"
	start_vm dedicated-4vcpu '{"execute":"query-kvm"}' '{"execute":"query-memdev"}' '{"execute":"query-iothreads"}'
	grep -q '"enabled": true' "$T/qmp.out" || fail "dedicated-4vcpu: KVM not enabled"
else
	echo "note: /dev/kvm is not usable here; dedicated-4vcpu checked under TCG"
	toml_set "$f" "[machine]" accel '"tcg"'
	toml_set "$f" "[cpu]" model '"max"'
	start_vm dedicated-4vcpu '{"execute":"query-memdev"}' '{"execute":"query-iothreads"}'
fi
grep -q '"host-nodes": \[' "$T/qmp.out" || fail "dedicated-4vcpu: memory not bound to a node"
grep -q '"policy": "bind"' "$T/qmp.out" || fail "dedicated-4vcpu: memory policy not bind"
grep -q '"id": "io0"' "$T/qmp.out" || fail "dedicated-4vcpu: iothread io0 missing"

# --- demo ---
cp "$TOP/vms/demo.toml" "$T/vms/"
f=$T/vms/demo.toml
toml_drop "$f" "[boot]"
start_vm demo '{"execute":"query-cpus-fast"}'
grep -q '"thread-id"' "$T/qmp.out" || fail "demo: no vCPU threads"

done_testing
