#!/usr/bin/env bash
# t3041-up-confined.sh - QEMU never runs as root (security.user): its
# /proc status shows mvlaunch-qemu's ids, no capability at all and no new
# privileges; the demo guest boots; a disk owned by root 0600 is granted to
# QEMU's user by an ACL entry for the run and is root 0600 without ACL again
# after 'down', after a failed 'up', when a directory on the way blocks the
# user, and when two VMs share a file (it stays granted until the last
# stops). QEMU cannot open /etc/shadow (QMP blockdev-add: "Permission
# denied"). On a filesystem without ACLs (ramfs) the user owns the disk for
# the run; where neither works (that ramfs read-only) 'up' says so. security.user = "root" still works, with check's warning.
# The kill -9 sweep over a whole up and down is t5004's (it checks grants).
. "$(dirname "$0")/lib.sh" || exit 1
need_demo_guest
[ "$(id -u)" = 0 ] || skip "needs root (QEMU's user is switched to by root)"
command -v getfacl >/dev/null || skip "getfacl is not installed (make deps: acl)"
quid=$(id -u mvlaunch-qemu) || { fail "no user mvlaunch-qemu after 'host setup'"; done_testing; }
qgid=$(id -g mvlaunch-qemu)

mkdir -m 0755 "$T/images"
disk=$T/images/disk.img
truncate -s 16M "$disk"
chmod 0600 "$disk"
plain="user::rw- group::--- other::---"
[ "$(acl_of "$disk")" = "$plain" ] || fail "the test disk starts with an ACL: $(acl_of "$disk")"

# disk_config NAME PATH [readonly]: the demo VM (floating: several run at once) with PATH as its disk
disk_config() {
	demo_config "$1" '/^\[pinning\]/,/^$/d'
	printf '\n[[disk]]\npath = "%s"\n' "$2" >>"$T/vms/$1.toml"
	[ -z "${3:-}" ] || printf 'readonly = true\n' >>"$T/vms/$1.toml"
}
# restored PATH WHAT: root's, 0600, no ACL, and nothing left in host.json
restored() {
	[ "$(stat -c %u:%g:%a "$1")" = "0:0:600" ] || fail "$2: $1 is $(stat -c %u:%g:%a "$1"), not 0:0:600"
	[ "$(acl_of "$1")" = "$plain" ] || fail "$2: $1 keeps an ACL: $(acl_of "$1")"
	[ ! -e "$MVLAUNCH_RUNDIR/host.json" ] || fail "$2: host.json is left: $(cat "$MVLAUNCH_RUNDIR/host.json")"
}

disk_config conf "$disk"
printf '\n[[disk]]\nmedia = "cdrom"\npath = ""\n' >>"$T/vms/conf.toml"	# an empty tray, for 'insert'
truncate -s 1M "$T/images/drivers.iso"
chmod 0600 "$T/images/drivers.iso"
expect_code 0 "$MVLAUNCH" check conf
grep -q "confinement.*QEMU runs as mvlaunch-qemu (uid $quid, gid $qgid): no capabilities, no new privileges" "$T/out" ||
	fail "check does not show the confinement: $(grep -i confine "$T/out")"
expect_code 0 "$MVLAUNCH" up conf || { cat "$T/err"; done_testing; }
pid=$(cat "$T/run/conf/qemu.pid")
st=/proc/$pid/status
[ "$(awk '/^Uid:/ { print $2, $3, $4, $5 }' "$st")" = "$quid $quid $quid $quid" ] || fail "QEMU's uids: $(grep ^Uid: "$st")"
[ "$(awk '/^Gid:/ { print $2, $3, $4, $5 }' "$st")" = "$qgid $qgid $qgid $qgid" ] || fail "QEMU's gids: $(grep ^Gid: "$st")"
for c in CapInh CapPrm CapEff CapBnd CapAmb; do
	[ "$(awk -v c="$c:" '$1 == c { print $2 }' "$st")" = 0000000000000000 ] || fail "QEMU's $(grep "^$c:" "$st")"
done
[ "$(awk '/^NoNewPrivs:/ { print $2 }' "$st")" = 1 ] || fail "QEMU's $(grep ^NoNewPrivs: "$st")"
[ "$(awk '/^Seccomp:/ { print $2 }' "$st")" = 2 ] || fail "QEMU runs without its seccomp filter: $(grep ^Seccomp: "$st")"
wait_for "$T/log/conf/serial.log" "MVLAUNCH-DEMO-READY" 120 || fail "the guest did not boot as an unprivileged QEMU"
# its own /dev: the standard nodes, the host's mounts under /dev, and nothing else (TCG: no /dev/kvm)
devs=$(ls "/proc/$pid/root/dev" | tr '\n' ' ')
for want in null zero full random urandom fd stdin stdout stderr; do
	case " $devs" in *" $want "*) ;; *) fail "QEMU's /dev lacks $want: $devs" ;; esac
done
for host_only in kvm mem kmsg loop-control sda vda tty; do
	case " $devs" in *" $host_only "*) fail "QEMU's /dev has the host's $host_only: $devs" ;; esac
done
grep -q ' /sys ro[, ]' "/proc/$pid/mountinfo" || fail "/sys is not read-only for QEMU: $(grep ' /sys ' "/proc/$pid/mountinfo")"
# the disk: granted to QEMU's user for the run, and opened by QEMU
[ "$(acl_of "$disk")" = "user::rw- user:mvlaunch-qemu:rw- group::--- mask::rw- other::---" ] ||
	fail "the disk's ACL during the run: $(acl_of "$disk")"
expect_code 0 "$MVLAUNCH" qmp conf query-named-block-nodes
jq -e --arg p "$disk" '[.[] | select(.file == $p)] | length > 0' "$T/out" >/dev/null || fail "QEMU has not opened $disk"
expect_code 0 "$MVLAUNCH" host status --json
jq -e --arg p "$disk" '.grants[$p] | .holders == ["conf"] and .mode == "0600" and .acl == null and .how == "acl"' \
	"$T/out" >/dev/null || fail "host status does not show the disk's grant: $(jq -c .grants "$T/out")"
# a medium inserted while it runs (root's, 0600): granted read-only to QEMU's user, taken back at down
expect_code 0 "$MVLAUNCH" insert conf 1 "$T/images/drivers.iso"
[ "$(acl_of "$T/images/drivers.iso")" = "user::rw- user:mvlaunch-qemu:r-- group::--- mask::r-- other::---" ] ||
	fail "the inserted ISO's ACL: $(acl_of "$T/images/drivers.iso")"
expect_code 0 "$MVLAUNCH" qmp conf query-block
jq -e --arg p "$T/images/drivers.iso" '[.[] | select(.inserted.file == $p)] | length == 1' "$T/out" >/dev/null ||
	fail "QEMU did not open the inserted ISO"
expect_code 0 "$MVLAUNCH" host status
expect_out "  $disk: rw- for uid $quid (an ACL entry); before: owner 0:0, mode 0600; used by conf"
# what QEMU cannot open: a file no grant names
expect_code 1 "$MVLAUNCH" qmp conf blockdev-add '{"driver":"file","node-name":"shadow","filename":"/etc/shadow","read-only":true}'
grep -q "Permission denied" "$T/err" || fail "blockdev-add of /etc/shadow: $(cat "$T/err")"
expect_code 0 "$MVLAUNCH" down --force conf
no_leftovers conf
restored "$disk" "after down"
restored "$T/images/drivers.iso" "after down (the inserted ISO)"

# a block device: a node of QEMU's own in its /dev (the user's, 0600), the host's node as it was;
# without the private /dev (security.private_dev = false) the host's node is granted for the run instead
if loop=$(losetup -f --show "$disk" 2>/dev/null); then
	at_exit "losetup -d $loop"
	ln -s "$loop" "$T/images/by-id"
	host_node=$(stat -c %u:%g:%a "$loop")
	disk_config blk "$T/images/by-id"
	printf 'cache = "none"\n\n[[disk]]\nmedia = "cdrom"\npath = ""\n' >>"$T/vms/blk.toml"
	expect_code 0 "$MVLAUNCH" up --paused blk
	bpid=$(cat "$T/run/blk/qemu.pid")
	[ "$(stat -c %u:%a:%t:%T "/proc/$bpid/root$loop")" = "$quid:600:$(stat -c %t:%T "$loop")" ] ||
		fail "QEMU's $loop is $(stat -c %u:%a:%t:%T "/proc/$bpid/root$loop" 2>&1)"
	[ "$(stat -c %u:%g:%a "$loop"):$(acl_of "$loop")" = "$host_node:$(acl_of "$loop")" ] && ! acl_of "$loop" | grep -q mvlaunch ||
		fail "the host's $loop changed: $(stat -c %u:%g:%a "$loop") $(acl_of "$loop")"
	expect_code 0 "$MVLAUNCH" qmp blk query-named-block-nodes
	jq -e --arg p "$T/images/by-id" '[.[] | select(.file == $p)] | length > 0' "$T/out" >/dev/null ||
		fail "QEMU has not opened the block device through its link"
	# a block device inserted while it runs: made in QEMU's /dev then (the host's node untouched)
	truncate -s 1M "$T/images/cd.img"
	if loop2=$(losetup -f --show -r "$T/images/cd.img" 2>/dev/null); then
		at_exit "losetup -d $loop2"
		expect_code 0 "$MVLAUNCH" insert blk 1 "$loop2"
		[ "$(stat -c %u:%a:%t:%T "/proc/$bpid/root$loop2")" = "$quid:400:$(stat -c %t:%T "$loop2")" ] ||
			fail "QEMU's $loop2 after insert is $(stat -c %u:%a:%t:%T "/proc/$bpid/root$loop2" 2>&1)"
		acl_of "$loop2" | grep -q mvlaunch && fail "the host's $loop2 was granted: $(acl_of "$loop2")"
		expect_code 0 "$MVLAUNCH" qmp blk query-block
		jq -e --arg p "$loop2" '[.[] | select(.inserted.file == $p)] | length == 1' "$T/out" >/dev/null ||
			fail "QEMU did not open the inserted $loop2"
	fi
	expect_code 0 "$MVLAUNCH" down --force blk
	printf '[security]\nprivate_dev = false\n' >>"$T/vms/blk.toml"
	expect_code 0 "$MVLAUNCH" up --paused blk
	acl_of "$loop" | grep -q "user:mvlaunch-qemu:rw-" || fail "no private /dev, yet $loop is not granted: $(acl_of "$loop")"
	expect_code 0 "$MVLAUNCH" down --force blk
	acl_of "$loop" | grep -q mvlaunch && fail "$loop keeps its grant after down: $(acl_of "$loop")"
	[ "$(stat -c %u:%g:%a "$loop")" = "$host_node" ] || fail "$loop is $(stat -c %u:%g:%a "$loop") after down, was $host_node"
	no_leftovers blk
else
	echo "note: no loop device here (losetup -f failed): the block device case is not run"
fi

# a failed up (QEMU refuses an option after the grants): everything back
disk_config bad "$disk"
printf '[qemu]\nextra_args = ["-no-such-option"]\n' >>"$T/vms/bad.toml"
expect_code 1 "$MVLAUNCH" up bad
no_leftovers bad
restored "$disk" "after a failed up"

# QEMU killed (-9, nothing cleaned): the next up of the VM puts back what the dead run was granted before its
# logs rotate (the grant of the old events.log, now events.log.1, goes with it), then grants anew
disk_config crash "$disk"
expect_code 0 "$MVLAUNCH" up --paused crash
kill -9 "$(cat "$T/run/crash/qemu.pid")"
wait_dead "$(cat "$T/run/crash/qemu.pid")" 2>/dev/null || sleep 1
expect_code 0 "$MVLAUNCH" up --paused crash
acl_of "$T/log/crash/events.log.1" | grep -q mvlaunch && fail "the old run's event log keeps its grant: $(acl_of "$T/log/crash/events.log.1")"
acl_of "$T/log/crash/events.log" | grep -q "user:mvlaunch-qemu:rw-" || fail "the new event log is not granted: $(acl_of "$T/log/crash/events.log")"
expect_code 0 "$MVLAUNCH" down --force crash
no_leftovers crash
restored "$disk" "after a killed QEMU and another run"
for f in "$T/log/crash"/*; do
	acl_of "$f" | grep -q mvlaunch && fail "$f keeps a grant after down"
done

# a directory on the way QEMU's user cannot search: named, with its fix, nothing changed
mkdir -m 0700 "$T/private"
cp "$disk" "$T/private/disk.img"
disk_config priv "$T/private/disk.img"
expect_code 1 "$MVLAUNCH" up priv
expect_err "QEMU's user mvlaunch-qemu (uid $quid) cannot reach '$T/private/disk.img' (disk.path, needs rw-): it cannot search the directory '$T/private' (mode 0700, owner 0:0)"
expect_err "hint: move the file somewhere the user can reach, or let it through that directory: setfacl -m u:mvlaunch-qemu:x '$T/private'"
no_leftovers priv
restored "$T/private/disk.img" "after a blocked up"

# one file, two VMs: granted until the last of them stops
disk_config ro1 "$disk" readonly
disk_config ro2 "$disk" readonly
expect_code 0 "$MVLAUNCH" up --paused ro1
expect_code 0 "$MVLAUNCH" up --paused ro2
[ "$(acl_of "$disk")" = "user::rw- user:mvlaunch-qemu:r-- group::--- mask::r-- other::---" ] ||
	fail "a read-only disk's ACL: $(acl_of "$disk")"
expect_code 0 "$MVLAUNCH" down --force ro1
[ "$(acl_of "$disk")" = "user::rw- user:mvlaunch-qemu:r-- group::--- mask::r-- other::---" ] ||
	fail "the disk lost its grant while ro2 still runs: $(acl_of "$disk")"
expect_code 0 "$MVLAUNCH" down --force ro2
restored "$disk" "after both VMs stopped"

# security.user = "root": QEMU keeps root, and check and up warn
disk_config asroot "$disk"
printf '[security]\nuser = "root"\n' >>"$T/vms/asroot.toml"
expect_code 0 "$MVLAUNCH" check asroot
grep -q 'WARN.*security.user = "root": QEMU runs as root with every capability' "$T/out" ||
	fail "check does not warn about root: $(grep -i confine "$T/out")"
expect_code 0 "$MVLAUNCH" up --paused asroot
grep -q 'security.user = "root"' "$T/err" || fail "up does not warn about root: $(cat "$T/err")"
[ "$(awk '/^Uid:/ { print $2 }' "/proc/$(cat "$T/run/asroot/qemu.pid")/status")" = 0 ] || fail "QEMU is not root with security.user = root"
[ "$(acl_of "$disk")" = "$plain" ] || fail "a root QEMU's disk was granted: $(acl_of "$disk")"
expect_code 0 "$MVLAUNCH" down --force asroot
no_leftovers asroot

# no ACLs on the disk's filesystem (ramfs has none; this kernel's ext4 has no noacl): the user owns it for the run
mkdir -m 0755 "$T/noacl"
if mount -t ramfs -o mode=0755 ramfs "$T/noacl" 2>/dev/null; then
	at_exit "umount -l $T/noacl"
	truncate -s 16M "$T/noacl/disk.img"
	chmod 0600 "$T/noacl/disk.img"
	disk_config noacl "$T/noacl/disk.img"
	printf 'cache = "writeback"\naio = "threads"\n' >>"$T/vms/noacl.toml"	# ramfs has no O_DIRECT
	expect_code 0 "$MVLAUNCH" up --paused noacl
	[ "$(stat -c %u:%a "$T/noacl/disk.img")" = "$quid:600" ] ||
		fail "without ACLs the disk is $(stat -c %u:%a "$T/noacl/disk.img"), not $quid:600"
	expect_code 0 "$MVLAUNCH" host status --json
	jq -e --arg p "$T/noacl/disk.img" '.grants[$p] | .how == "chown" and .uid == 0' "$T/out" >/dev/null ||
		fail "host status does not show the chown: $(jq -c .grants "$T/out")"
	expect_code 0 "$MVLAUNCH" down --force noacl
	restored "$T/noacl/disk.img" "after down (no ACLs)"
	# neither works: the same filesystem read-only (no ACL, no chown), the disk read-only
	mount -o remount,ro "$T/noacl"
	disk_config noacl "$T/noacl/disk.img" readonly
	expect_code 1 "$MVLAUNCH" up --paused noacl
	expect_err "cannot give QEMU's user mvlaunch-qemu access to '$T/noacl/disk.img' (disk.path): its filesystem takes no ACL, and chown failed: Read-only file system"
	no_leftovers noacl
	restored "$T/noacl/disk.img" "after an up that could not grant"
else
	echo "note: cannot mount a ramfs here: the no-ACL cases are not run"
fi
done_testing
