#!/usr/bin/env bash
# t3017-up-windows11-example.sh - vms/windows11-gaming.toml starts as a user
# would start it (mvlaunch up, paused: no Windows ISO here), with only what
# this host cannot provide swapped (example_here says which: no GPU to pass
# through, no Hyper-V emulation so TCG, 2 CPUs so 1 vCPU, test images for the
# disk and the ISO). QEMU then reports each part of the install setup: Secure
# Boot's SMM, S3 and S4 off, the TPM on swtpm, the ISO first in the boot order, the empty
# drive for virtio-win (filled with 'mvlaunch insert'), the VNC screen.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v swtpm >/dev/null || skip "swtpm is not installed (make deps)"

example_here windows11-gaming
f=$T/vms/windows11-gaming.toml
grep -c '^media = "cdrom"' "$f" | grep -qx 2 || fail "the example has no two cdrom drives"

expect_code 0 "$MVLAUNCH" up --paused windows11-gaming
q() { "$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/windows11-gaming/qmp.sock" "$@"; }
q query-tpm | jq -e '.[0].model == "tpm-crb" and .[0].options.type == "emulator"' >/dev/null || fail "no TPM: $(q query-tpm)"
[ "$(q qom-get '{"path":"/machine","property":"smm"}')" = '"on"' ] || fail "SMM (Secure Boot) is not on"
# s3 = false, s4 = false: the chipset offers no sleep states a passed-through GPU would not survive
lpc=/machine/unattached/$(q qom-list '{"path":"/machine/unattached"}' | jq -r '.[] | select(.type == "child<ICH9-LPC>") | .name')
[ "$(q qom-get "{\"path\":\"$lpc\",\"property\":\"disable_s3\"}")" = 1 ] || fail "S3 is not disabled ($lpc)"
[ "$(q qom-get "{\"path\":\"$lpc\",\"property\":\"disable_s4\"}")" = 1 ] || fail "S4 is not disabled ($lpc)"
[ "$(q qom-get '{"path":"/machine/peripheral/disk1-dev","property":"bootindex"}')" = 1 ] || fail "the ISO does not boot first"
[ "$(q qom-get '{"path":"/machine/peripheral/disk0-dev","property":"bootindex"}')" = 2 ] || fail "the disk is not second"
[ "$(q query-block | jq -r '[.[] | select(.removable) | "\(.qdev)=\(.inserted.file // "empty")"] | join(" ")')" = \
  "disk1-dev=$T/windows11-gaming-2.img disk2-dev=empty" ] || fail "drives: $(q query-block | jq -c '[.[] | {qdev, f: .inserted.file}]')"
q query-vnc | jq -e '.enabled and .family == "unix"' >/dev/null || fail "no VNC on a unix socket: $(q query-vnc)"
expect_code 0 "$MVLAUNCH" display windows11-gaming
expect_out "'windows11-gaming' shows its screen over VNC on the unix socket $MVLAUNCH_RUNDIR/windows11-gaming/vnc.sock"
truncate -s 1M "$T/virtio-win.iso"
expect_code 0 "$MVLAUNCH" insert windows11-gaming disk2 "$T/virtio-win.iso"
[ "$(cat "$T/out")" = "disk2: $T/virtio-win.iso" ] || fail "insert said: $(cat "$T/out")"
expect_code 0 "$MVLAUNCH" down --force windows11-gaming
no_leftovers windows11-gaming
[ -s "$MVLAUNCH_STATEDIR/windows11-gaming/tpm2/tpm2-00.permall" ] || fail "the TPM's state was not kept"
[ -s "$MVLAUNCH_STATEDIR/windows11-gaming/OVMF_VARS.fd" ] || fail "the VM's UEFI vars were not kept"

# check under KVM: Secure Boot needs KVM's SMM (KVM_CAP_X86_SMM, asked here with the ioctl itself)
if [ -w /dev/kvm ]; then
	smm=$(python3 -c 'import fcntl, os; fd = os.open("/dev/kvm", os.O_RDWR); print(fcntl.ioctl(fd, 0xAE03, 117) > 0)')
	cp "$TOP/vms/windows11-gaming.toml" "$T/vms/w11kvm.toml"
	sed -i '/^\[\[passthrough\]\]/,/^$/d; /^host = /d' "$T/vms/w11kvm.toml"
	"$MVLAUNCH" check w11kvm >"$T/out" 2>"$T/err"
	if [ "$smm" = True ]; then
		grep -Eq "^PASS  w11kvm: secure-boot +KVM_CAP_X86_SMM: Secure Boot OVMF gets its SMM$" "$T/out" ||
			fail "check does not pass Secure Boot's SMM: $(grep secure-boot "$T/out")"
	else
		grep -Eq "^FAIL  w11kvm: secure-boot +machine.secure_boot = true needs SMM, which this host's KVM lacks" "$T/out" ||
			fail "check does not FAIL Secure Boot without SMM: $(grep secure-boot "$T/out")"
	fi
fi
done_testing
