#!/usr/bin/env bash
# t3020-up-looking-glass-audio.sh - [looking_glass] and [audio] with the
# demo guest under TCG. Looking Glass: the guest sees the IVSHMEM device
# (1af4:1110) with a BAR of the size the resolution gives (2560x1440: 64M);
# the host file is made before QEMU, owned by looking_glass.owner with mode
# 0660, refused to a second VM while the first runs, and gone after down, a
# failed up and a QEMU killed with SIGKILL. Audio: with backend "wav" the
# guest has the ICH9 HD Audio controller (8086:293e) and QEMU writes the wav
# file; "usb" puts a USB sound card on the xHCI; check says whether this
# QEMU has the PulseAudio driver (Debian: the qemu-system-gui package).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
need_demo_guest
zcat "$DEMO_GUEST/initrd.img" | grep -aq "pci: " ||
	skip "the demo guest in $DEMO_GUEST predates its PCI lines (make demo-guest rebuilds it)"

shm=/dev/shm/mvl-e2e-$$-lg
at_exit "rm -f $shm"
serial=$MVLAUNCH_LOGDIR/lg/serial.log
demo_config lg '/^\[pinning\]/,/^$/d'
cat >>"$T/vms/lg.toml" <<EOT
[looking_glass]
enable = true
resolution = "2560x1440"
owner = "nobody"
path = "$shm"
[audio]
backend = "wav"
path = "$T/guest.wav"
EOT
expect_code 0 "$MVLAUNCH" argv --json lg
jq -e --arg p "$shm" '.[] | select(. == "{\"qom-type\":\"memory-backend-file\",\"id\":\"looking-glass\",\"mem-path\":\"" + $p + "\",\"size\":67108864,\"share\":true}")' \
	"$T/out" >/dev/null || fail "argv lacks the 64M shared memory backend"
[ ! -e "$shm" ] || fail "'argv' made $shm"
expect_code 0 "$MVLAUNCH" up lg
[ "$(stat -c '%U %G %a %s' "$shm" 2>&1)" = "nobody $(id -gn nobody) 660 67108864" ] ||
	fail "$shm is $(stat -c '%U %G %a %s' "$shm" 2>&1), want nobody $(id -gn nobody) 660 67108864"
wait_for "$serial" MVLAUNCH-DEMO-READY 120 || fail "the guest did not boot: $(tail -3 "$serial")"
read -r start end < <(awk '/pci: .* 1af4:1110 / { print $(NF-1), $NF }' "$serial" | tr -d '\r')
[ -n "$start" ] && [ $((end - start + 1)) = 67108864 ] || fail "the guest's IVSHMEM: $(grep 'pci: ' "$serial")"
grep -q "pci: .* 8086:293e class 0x040300" "$serial" || fail "the guest has no ICH9 HD Audio: $(grep 'pci: ' "$serial")"

# one frame buffer, one VM
demo_config lg2 '/^\[boot\]/,$d' '/^\[pinning\]/,/^$/d'
printf '[looking_glass]\nenable = true\npath = "%s"\n' "$shm" >>"$T/vms/lg2.toml"
expect_code 1 "$MVLAUNCH" up lg2
expect_err "error: looking_glass.path '$shm' is the frame buffer of VM 'lg', which runs"
no_leftovers lg2
[ -e "$shm" ] || fail "the refused up removed lg's file"

expect_code 0 "$MVLAUNCH" down lg
[ ! -e "$shm" ] || fail "$shm left after down"
[ "$(head -c 4 "$T/guest.wav")" = RIFF ] || fail "QEMU wrote no wav file: $(ls -l "$T/guest.wav" 2>&1)"

# a failed up and a killed QEMU leave no file either
printf '[qemu]\nextra_args = ["-device", "no-such-device"]\n' >>"$T/vms/lg.toml"
expect_code 1 "$MVLAUNCH" up lg
[ ! -e "$shm" ] || fail "$shm left after a failed up"
sed -i '/^\[qemu\]/,$d' "$T/vms/lg.toml"
expect_code 0 "$MVLAUNCH" up --paused lg
kill -KILL "$(cat "$MVLAUNCH_RUNDIR/lg/qemu.pid")"
expect_code 0 "$MVLAUNCH" down lg
[ ! -e "$shm" ] || fail "$shm left after QEMU was killed and down cleaned up"

# placement: the threads these devices add (audio, IVSHMEM) run on the emulator CPU, none on the vCPU's
demo_config pl 's|^vcpus = \["0", "1"\].*|vcpus = ["1"]|' 's|^vcpus = 2|vcpus = 1|' \
	's|^topology = .*|topology = { sockets = 1, cores = 1, threads = 1 }|' 's|^emulator = .*|emulator = "0"|'
printf 'reserved_cpus = ""\n' >"$T/vms/host.toml"
printf '[looking_glass]\nenable = true\nowner = "nobody"\npath = "%s"\n[audio]\nbackend = "wav"\npath = "%s"\n' \
	"$shm" "$T/pl.wav" >>"$T/vms/pl.toml"
expect_code 0 "$MVLAUNCH" up pl
wait_for "$MVLAUNCH_LOGDIR/pl/serial.log" MVLAUNCH-DEMO-READY 120 || fail "pl did not boot"
expect_code 0 "$MVLAUNCH" status --json pl
jq -e '.vms[0].drift == false and ([.vms[0].threads[] | select(.role != "vcpu") | .cpus] | all(. == [0]))
	and ([.vms[0].threads[] | select(.role == "vcpu") | .cpus] == [[1]])' "$T/out" >/dev/null ||
	fail "a device's thread is off the emulator CPU: $(jq -c '[.vms[0].threads[] | {role, name, cpus}]' "$T/out")"
expect_code 0 "$MVLAUNCH" down --force pl
rm -f "$T/vms/host.toml"

# a USB sound card on the xHCI
demo_config usb '/^\[boot\]/,$d'
printf '[audio]\nbackend = "none"\nmodel = "usb"\n' >>"$T/vms/usb.toml"
expect_code 0 "$MVLAUNCH" up --paused usb
"$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/usb/qmp.sock" qom-get '{"path":"/machine/peripheral/sound0","property":"type"}' \
	>"$T/type" || fail "no sound0 device"
[ "$(cat "$T/type")" = '"usb-audio"' ] || fail "sound0 is $(cat "$T/type")"
expect_code 0 "$MVLAUNCH" down --force usb

# check knows whether QEMU has the pa driver; config errors name their line
printf '[audio]\nbackend = "pa"\nserver = "unix:/nonexistent"\n' >>"$T/vms/lg2.toml"
sed -i '/^\[looking_glass\]/,/^path/d' "$T/vms/lg2.toml"
"$MVLAUNCH" check lg2 >"$T/out" 2>&1
if qemu-system-x86_64 -audiodev help 2>/dev/null | grep -qx pa; then
	grep -q "PASS  lg2: audio .*this QEMU has the 'pa' audio driver" "$T/out" || fail "check: $(grep audio "$T/out")"
else
	grep -q "FAIL  lg2: audio .*this QEMU has no 'pa' audio driver" "$T/out" || fail "check: $(grep -A1 audio "$T/out")"
	expect_out "fix: apt-get install qemu-system-gui (Debian puts QEMU's PulseAudio driver there)"
fi
# check: the client's user must exist, a kvmfr device must be there
demo_config ck '/^\[boot\]/,$d'
printf '[looking_glass]\nenable = true\nowner = "no-such-user-mvl"\n' >>"$T/vms/ck.toml"
"$MVLAUNCH" check ck >"$T/out" 2>&1
grep -q "FAIL  ck: looking-glass .*looking_glass.owner 'no-such-user-mvl' is not a user of this host" "$T/out" ||
	fail "check: $(grep -A1 looking-glass "$T/out")"
if [ ! -e /dev/kvmfr0 ]; then	# no kvmfr module here
	sed -i 's|^owner = .*|device = "/dev/kvmfr0"|' "$T/vms/ck.toml"
	"$MVLAUNCH" check ck >"$T/out" 2>&1
	grep -q "FAIL  ck: looking-glass .*looking_glass.device '/dev/kvmfr0': No such file or directory" "$T/out" ||
		fail "check: $(grep -A1 looking-glass "$T/out")"
fi
demo_config bad '/^\[boot\]/,$d'
printf '[audio]\nbackend = "wav"\n[looking_glass]\nenable = true\nsize = "48M"\n' >>"$T/vms/bad.toml"
expect_code 1 "$MVLAUNCH" argv bad
expect_err "bad.toml:$(grep -n '^backend' "$T/vms/bad.toml" | cut -d: -f1):1: key 'audio.backend': \"wav\" needs audio.path (the file it writes)"
expect_err "key 'looking_glass.size': must be a power of two of at least 1M (IVSHMEM's BAR), e.g. \"32M\", \"64M\", \"128M\""
done_testing
