#!/usr/bin/env bash
# t3050-up-bridge-tap.sh - a bridge NIC works without the bridge helper: in a
# network namespace of the test's own, with a bridge made there, 'up' makes
# the VM's taps, attaches them to the bridge and hands QEMU their
# descriptors (fd 4, 5, ... after QMP's 3): QEMU's sandbox denies spawn, no
# netdev of type bridge, no child process; an existing persistent tap is
# opened and left as it was; 'down' leaves no tap of the VM's. Failures (no
# such bridge, /dev/vhost-net missing, a tap name taken half-way, a tap
# another process holds) leave no tap, no QEMU and no runtime file.
#
# Host limits worked around: guests under this nested KVM hang, so the VM is
# TCG, without a kernel (no guest needs to boot to show the NICs: QEMU's own
# view of them is read over QMP, and /proc/PID/fdinfo names each tap), and
# 'down --force' stops it (SeaBIOS with nothing to boot ignores the ACPI
# power button). There is no /dev/vhost-net here: vhost is only the failure.
# 'ip netns exec' would mount a /sys of the namespace's own, without the
# cgroup file systems 'up' puts QEMU in, so mvlaunch enters just the network
# namespace (nsenter --net); the test reads the namespace's interfaces with
# 'ip -n' and 'ip netns exec' (its /sys/class/net).
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
command -v ip >/dev/null && command -v nsenter >/dev/null || skip "ip or nsenter is missing (make deps: iproute2, util-linux)"
[ -c /dev/net/tun ] || skip "no /dev/net/tun (modprobe tun)"
[ "$(id -u)" = 0 ] || skip "making a network namespace needs root"

NS=mvl-t3050-$$
ip netns add "$NS" || skip "cannot make a network namespace"
at_exit "ip netns del $NS"
ip -n "$NS" link add br0 type bridge && ip -n "$NS" link set br0 up || fail "cannot make br0 in $NS"
ip -n "$NS" tuntap add ptap0 mode tap || fail "cannot make the persistent tap ptap0 in $NS"
in_ns() { nsenter --net="/run/netns/$NS" "$@"; }
# the namespace's interfaces, one name a line
links() { ip -n "$NS" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }' | sort | tr '\n' ' '; }

# a VM with two bridge NICs (one of two queues), a user NIC between them, and the persistent tap
demo_config web '/^\[boot\]/,$d'
cat >>"$T/vms/web.toml" <<'TOML'

[[net]]
type = "bridge"
bridge = "br0"

[[net]]
type = "user"

[[net]]
type = "bridge"
bridge = "br0"
queues = 2

[[net]]
type = "tap"
ifname = "ptap0"
TOML

# check: the bridge and /dev/net/tun are there
expect_code 0 in_ns "$MVLAUNCH" check web
grep -q "^PASS  web: network  *net\[0\].bridge 'br0' is a bridge: 'up' attaches the VM's tap to it$" "$T/out" || fail "check: no PASS for br0"
grep -q "^PASS  web: network  *'/dev/net/tun' is there: 'up' opens the taps, QEMU gets their descriptors$" "$T/out" ||
	fail "check: no PASS for /dev/net/tun"

# the argv: descriptors after QMP's fd 3, in config order; nothing for QEMU to spawn
expect_code 0 in_ns "$MVLAUNCH" argv --json web
jq -r '.[]' "$T/out" >"$T/argv"
[ "$(grep -c '^{"type":"tap"' "$T/argv")" = 3 ] || fail "not three tap netdevs: $(grep '"type"' "$T/argv")"
for want in '{"type":"tap","id":"net0","fd":"4"}' '{"type":"user","id":"net1"}' '{"type":"tap","id":"net2","fds":"5:6"}' \
	'{"type":"tap","id":"net3","fd":"7"}' 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny'; do
	grep -qxF -- "$want" "$T/argv" || fail "argv lacks $want"
done
grep -q '"bridge"\|"br":\|helper\|ifname\|script' "$T/argv" && fail "argv has a bridge netdev, a helper or a script: $(grep 'bridge\|helper\|ifname' "$T/argv")"

expect_code 0 in_ns "$MVLAUNCH" up web || { cat "$T/log/web/qemu.log"; done_testing; }
pid=$(cat "$T/run/web/qemu.pid")
tr '\0' '\n' <"/proc/$pid/cmdline" | tail -n +2 | diff - <(tail -n +2 "$T/argv") >/dev/null ||
	fail "QEMU runs another argv than 'argv' printed"

# each descriptor QEMU has is the tap the argv says
iff() { awk '/^iff:/ { print $2 }' "/proc/$pid/fdinfo/$1" 2>/dev/null; }
tap0=$(iff 4) tap2=$(iff 5)
[[ $tap0 =~ ^mvl[0-9a-f]{7}-0$ ]] || fail "fd 4 is not net0's tap mvlXXXXXXX-0: '$tap0'"
[ "$tap2" = "${tap0%-0}-2" ] || fail "fd 5 is not net2's tap ${tap0%-0}-2: '$tap2'"
[ "$(iff 6)" = "$tap2" ] || fail "fd 6 is not net2's second queue: '$(iff 6)'"
[ "$(iff 7)" = ptap0 ] || fail "fd 7 is not ptap0: '$(iff 7)'"
[ -z "$(iff 8)" ] || fail "QEMU has a tap on fd 8 too: $(iff 8)"

# in the namespace: on br0, up, not persistent; ptap0 as it was (persistent, on no bridge)
for tap in "$tap0" "$tap2"; do
	[ "$(ip netns exec "$NS" readlink "/sys/class/net/$tap/master")" = ../br0 ] ||
		fail "$tap is not on br0: $(ip -n "$NS" -d link show "$tap")"
	ip -n "$NS" -d link show "$tap" | grep -q "persist off" || fail "$tap is persistent"
	ip -n "$NS" link show "$tap" | grep -q "<.*UP" || fail "$tap is not up"
done
ip -n "$NS" -d link show "$tap2" | grep -q "multi_queue" || fail "$tap2 (2 queues) is not multi_queue"
ip -n "$NS" -d link show ptap0 | grep -q "persist on" || fail "ptap0 is no longer persistent"
ip -n "$NS" link show ptap0 | grep -q master && fail "ptap0 was put on a bridge"
# no such tap in the host's namespace
ip link show "$tap0" >/dev/null 2>&1 && fail "$tap0 is in the host's namespace"

# QEMU's own view: each NIC on its descriptor
expect_code 0 "$MVLAUNCH" qmp --compact web human-monitor-command '{"command-line": "info network"}'
for want in 'net0: index=0,type=tap,fd=4' 'net1: index=0,type=user' 'net2: index=0,type=tap,fd=5' 'net2: index=1,type=tap,fd=6' \
	'net3: index=0,type=tap,fd=7'; do
	expect_out "$want"
done
expect_code 0 "$MVLAUNCH" qmp --compact web query-rx-filter
[ "$(jq -r '[.[].name] | join(" ")' "$T/out")" = "net0 net1 net2 net3" ] || fail "query-rx-filter: $(cat "$T/out")"
# nothing spawned: no child of QEMU, no helper anywhere
[ -z "$(pgrep -P "$pid")" ] || fail "QEMU has children: $(pgrep -a -P "$pid")"
pgrep -f qemu-bridge-helper >/dev/null && fail "a qemu-bridge-helper runs"

expect_code 0 "$MVLAUNCH" down --force web
no_leftovers web
for i in $(seq 20); do ip -n "$NS" link show "$tap0" >/dev/null 2>&1 || break; sleep 0.1; done
[ "$(links)" = "br0 lo ptap0 " ] || fail "after down the namespace has: $(links)"
ip -n "$NS" -d link show ptap0 | grep -q "persist on" || fail "down took ptap0 away"

# no such bridge: the check's FAIL with its fix, before anything is made
sed '/^name = /d; s/^bridge = "br0"/bridge = "br9"/' "$T/vms/web.toml" >"$T/vms/nobr.toml"
line=$(grep -n '^bridge = "br9"' "$T/vms/nobr.toml" | head -1 | cut -d: -f1)
expect_code 1 in_ns "$MVLAUNCH" up nobr
expect_err "mvlaunch: error: net[0].bridge 'br9': no such interface in this network namespace"
expect_err "hint: ip link add br9 type bridge && ip link set br9 up, or fix net[0].bridge in $T/vms/nobr.toml:$line"
no_leftovers nobr
[ "$(links)" = "br0 lo ptap0 " ] || fail "the failed up left: $(links)"
expect_code 1 in_ns "$MVLAUNCH" check nobr
grep -q "^FAIL  nobr: network  *net\[0\].bridge 'br9': no such interface in this network namespace$" "$T/out" || fail "check: no FAIL for br9"

# vhost without /dev/vhost-net (none here): named with its fix
if [ ! -e /dev/vhost-net ]; then
	sed '/^name = /d; s/^queues = 2/queues = 2\nvhost = true/' "$T/vms/web.toml" >"$T/vms/novhost.toml"
	expect_code 1 in_ns "$MVLAUNCH" up novhost
	expect_err "mvlaunch: error: net.vhost = true: '/dev/vhost-net': No such file or directory"
	expect_err "hint: modprobe vhost_net, or set vhost = false in the NIC"
	no_leftovers novhost
	[ "$(links)" = "br0 lo ptap0 " ] || fail "the failed up left: $(links)"
fi

# net2's tap name taken (a leftover): net0's tap, made already, goes too
ip -n "$NS" tuntap add "$tap2" mode tap
expect_code 1 in_ns "$MVLAUNCH" up web
expect_err "mvlaunch: error: cannot make the tap '$tap2' for net[2]: an interface of that name exists"
expect_err "hint: is it another VM's (their names hash alike)? see 'ip -d link show $tap2'"
no_leftovers web
[ "$(links)" = "$(printf '%s\n' br0 lo ptap0 "$tap2" | sort | tr '\n' ' ')" ] || fail "the failed up left: $(links)"
ip -n "$NS" link del "$tap2"

# a tap another process holds (not persistent): busy, said with the interface and a hint
nsenter --net="/run/netns/$NS" python3 -c '
import fcntl, os, struct, sys, time
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"busy0", 0x0002 | 0x1000))  # TUNSETIFF, IFF_TAP | IFF_NO_PI
print("held", flush=True)
time.sleep(60)' >"$T/held" &
holder=$!
at_exit "kill $holder 2>/dev/null"
wait_for "$T/held" held 10 || fail "no tap held by a process"
printf '[machine]\naccel = "tcg"\n[cpu]\nmodel = "max"\n[memory]\nsize = "128M"\n[[net]]\ntype = "tap"\nifname = "busy0"\n' >"$T/vms/busy.toml"
expect_code 1 in_ns "$MVLAUNCH" up busy
expect_err "mvlaunch: error: cannot open the tap 'busy0' (net[0]): Device or resource busy"
expect_err "hint: another process (a QEMU?) holds it; see 'ip -d link show busy0'"
no_leftovers busy
kill $holder
wait $holder 2>/dev/null

# outside the namespace (whose host has no br0) the same VM is refused
if ! ip link show br0 >/dev/null 2>&1; then
	expect_code 1 "$MVLAUNCH" up web
	expect_err "net[0].bridge 'br0': no such interface in this network namespace"
	no_leftovers web
fi
done_testing
