#!/usr/bin/env bash
# t2001-argv-qemu-accepts.sh - the argv of every example in vms/ is accepted by
# the real QEMU 7.2: it starts (paused, -S), stays up and answers QMP, and what
# QEMU reports back is what the config says. Only what this machine cannot
# provide is swapped (example_here in lib.sh says which, for each example).
. "$(dirname "$0")/lib.sh" || exit 1

command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

# start_vm NAME: argv of $T/vms/NAME.toml into QEMU; checks it answers QMP.
start_vm() {
	local name=$1
	shift
	mkdir -p -m 0700 "$T/run/$name" "$T/log/$name"
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

# --- gaming-controller ---
example_here gaming-controller
# its TPM needs the swtpm 'up' starts; QEMU alone would find no socket (t3016, t3017 start it with up)
toml_drop "$T/vms/gaming-controller.toml" "[tpm]"
echo "gaming-controller: [tpm] dropped (swtpm is started by 'up', not by this argv-only test)"
mkdir -p "$T/state/gaming-controller"
cp /usr/share/OVMF/OVMF_VARS_4M.fd "$T/state/gaming-controller/OVMF_VARS.fd"
if hugepages_reserve 128; then
	start_vm gaming-controller \
		'{"execute":"query-memdev"}' \
		'{"execute":"qom-get","arguments":{"path":"/machine/unattached/device[0]","property":"hv-spinlocks"}}' \
		'{"execute":"qom-get","arguments":{"path":"/machine/unattached/device[0]","property":"l3-cache"}}' \
		'{"execute":"qom-get","arguments":{"path":"/machine","property":"hpet"}}' \
		'{"execute":"query-block"}' \
		'{"execute":"qom-get","arguments":{"path":"/objects/pc.ram","property":"hugetlb"}}' \
		'{"execute":"qom-get","arguments":{"path":"/objects/pc.ram","property":"hugetlbsize"}}'
	# the guest RAM: its size, and 2M hugepages (query-memdev does not tell hugetlb; QOM does)
	grep -q '"size": 268435456' "$T/qmp.out" || fail "gaming-controller: guest RAM is not 256M"
	tr -d ' \r\n' <"$T/qmp.out" | grep -qF '{"return":true}{"return":2097152}' ||
		fail "gaming-controller: guest RAM not on 2M hugepages (qom-get hugetlb, hugetlbsize)"
	grep -q '"return": 8191' "$T/qmp.out" || fail "gaming-controller: hv-spinlocks is not 8191"
	grep -q '"merge": false' "$T/qmp.out" || fail "gaming-controller: memory merge not off"
	grep -q '"prealloc": true' "$T/qmp.out" || fail "gaming-controller: prealloc not on"
	grep -q '"share": true' "$T/qmp.out" || fail "gaming-controller: memfd not shared (each page would be held twice)"
	grep -q 'OVMF_CODE_4M.fd' "$T/qmp.out" || fail "gaming-controller: OVMF code not attached"
	grep -q '"ro": true' "$T/qmp.out" || fail "gaming-controller: OVMF code not read-only"
	grep -q 'gaming-controller.img' "$T/qmp.out" || fail "gaming-controller: disk not attached"
else
	echo "note: could not reserve 128 2M hugepages; gaming-controller checked without them"
	toml_set "$T/vms/gaming-controller.toml" "[memory]" hugepages '"none"'
	start_vm gaming-controller
fi

# --- dedicated-4vcpu ---
example_here dedicated-4vcpu
toml_set "$T/vms/dedicated-4vcpu.toml" "[memory]" hugepages '"none"'
start_vm dedicated-4vcpu '{"execute":"query-kvm"}' '{"execute":"query-memdev"}' '{"execute":"query-iothreads"}'
if [ -w /dev/kvm ]; then
	grep -q '"enabled": true' "$T/qmp.out" || fail "dedicated-4vcpu: KVM not enabled"
fi
grep -q '"host-nodes": \[' "$T/qmp.out" || fail "dedicated-4vcpu: memory not bound to a node"
grep -q '"policy": "bind"' "$T/qmp.out" || fail "dedicated-4vcpu: memory policy not bind"
grep -q '"id": "io0"' "$T/qmp.out" || fail "dedicated-4vcpu: iothread io0 missing"

# --- demo ---
example_here demo
toml_drop "$T/vms/demo.toml" "[boot]"
start_vm demo '{"execute":"query-cpus-fast"}'
grep -q '"thread-id"' "$T/qmp.out" || fail "demo: no vCPU threads"

done_testing
