#!/usr/bin/env bash
# t3015-up-display.sh - [display] for install and rescue: QEMU really serves
# VNC and SPICE where the config says. Connects as a client would: VNC's
# "RFB 003.008" greeting and the security types it offers (None on the 0600
# unix socket, VNC authentication once a password is set over QMP), and
# SPICE's link reply ("REDQ", protocol 2.2); 'mvlaunch display' says what
# QEMU reports. Debian's QEMU has SPICE; a QEMU without it skips that part.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

# probe.py vnc|spice unix:PATH|tcp:HOST:PORT -> "RFB 003.008 types=1" / "REDQ 2.2"
cat >"$T/probe.py" <<'EOT'
import socket, struct, sys
kind, where = sys.argv[1], sys.argv[2]
if where.startswith("unix:"):
    s = socket.socket(socket.AF_UNIX); s.connect(where[5:])
else:
    _, host, port = where.split(":"); s = socket.create_connection((host, int(port)))
s.settimeout(5)
def recv(n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c: raise SystemExit("closed after %r" % b)
        b += c
    return b
if kind == "vnc":
    greet = recv(12)
    s.sendall(greet)
    n = recv(1)[0]
    print(greet.decode().strip(), "types=" + ",".join(str(t) for t in recv(n)))
else:
    mess = struct.pack("<IBBIII", 0, 1, 0, 0, 0, 18)
    s.sendall(b"REDQ" + struct.pack("<III", 2, 2, len(mess)) + mess)
    r = recv(16)
    print(r[:4].decode(), "%d.%d" % struct.unpack("<II", r[4:12]))
EOT
port=$((6000 + $$ % 2000))

display_vm() {	# display_vm TYPE [KEY = VALUE lines...]
	demo_config dsp '/^\[boot\]/,$d'
	printf '[display]\ntype = "%s"\n' "$1" >>"$T/vms/dsp.toml"
	shift
	local l
	for l in "$@"; do echo "$l" >>"$T/vms/dsp.toml"; done
}

# VNC on the runtime directory's socket: 0600, no password, None offered
display_vm vnc
expect_code 0 "$MVLAUNCH" up --paused dsp
sock=$MVLAUNCH_RUNDIR/dsp/vnc.sock
[ "$(stat -c %a "$sock" 2>/dev/null)" = 600 ] || fail "vnc.sock is $(stat -c %a "$sock" 2>&1), not 0600"
expect_code 0 "$MVLAUNCH" display dsp
cat >"$T/want" <<EOT
'dsp' shows its screen over VNC on the unix socket $sock (only its owner may connect; 0 clients connected)
connect from this host:
  vncviewer $sock
  remote-viewer vnc+unix://$sock
connect from another machine (through SSH; replace THIS-HOST):
  ssh -N -L 5901:$sock root@THIS-HOST
  vncviewer localhost::5901
  remote-viewer vnc://localhost:5901
EOT
diff -u "$T/want" "$T/out" || fail "'mvlaunch display' printed something else"
[ "$(python3 "$T/probe.py" vnc "unix:$sock")" = "RFB 003.008 types=1" ] || fail "VNC on $sock: $(python3 "$T/probe.py" vnc "unix:$sock" 2>&1)"
expect_code 0 "$MVLAUNCH" display --json dsp
[ "$(jq -r '"\(.type) \(.socket) \(.port) \(.password) \(.uri)"' "$T/out")" = "vnc $sock null false vnc+unix://$sock" ] ||
	fail "display --json: $(cat "$T/out")"
expect_code 0 "$MVLAUNCH" down --force dsp
no_leftovers dsp
expect_code 1 "$MVLAUNCH" display dsp
expect_err "error: 'dsp' is not running"

# VNC over TCP with a password: set over QMP (never in argv), VNC authentication (2) is all QEMU offers
display_vm vnc "listen = \"127.0.0.1:$port\"" 'password = "pw-1234"'
expect_code 0 "$MVLAUNCH" argv --json dsp
grep -q pw-1234 "$T/out" && fail "the password is on QEMU's command line"
expect_code 0 "$MVLAUNCH" up --paused dsp
[ "$(python3 "$T/probe.py" vnc "tcp:127.0.0.1:$port")" = "RFB 003.008 types=2" ] ||
	fail "VNC with a password: $(python3 "$T/probe.py" vnc "tcp:127.0.0.1:$port" 2>&1)"
grep -q pw-1234 "/proc/$(cat "$MVLAUNCH_RUNDIR/dsp/qemu.pid")/cmdline" && fail "the password is in QEMU's /proc cmdline"
expect_code 0 "$MVLAUNCH" display dsp
expect_out "'dsp' shows its screen over VNC on 127.0.0.1:$port (password set; 0 clients connected)"
expect_out "  vncviewer 127.0.0.1::$port"
expect_code 0 "$MVLAUNCH" down --force dsp

# a password on the unix socket, a TCP display open to the network: error, warning
display_vm vnc 'password = "x"'
expect_code 1 "$MVLAUNCH" up dsp
expect_err "key 'display.password': only applies to a TCP display.listen (the unix socket is guarded by its 0600 mode)"
no_leftovers dsp
display_vm vnc "listen = \"0.0.0.0:$port\""
expect_code 0 "$MVLAUNCH" argv dsp
expect_err "key 'display.listen': '0.0.0.0:$port' is reachable beyond this host and there is no display.password"

# SPICE
if ! qemu-system-x86_64 -spice help 2>&1 | grep -q "^spice options"; then
	echo "this QEMU has no SPICE: the SPICE part is skipped"
else
	display_vm spice
	expect_code 0 "$MVLAUNCH" up --paused dsp
	sock=$MVLAUNCH_RUNDIR/dsp/spice.sock
	[ "$(stat -c %a "$sock" 2>/dev/null)" = 600 ] || fail "spice.sock is $(stat -c %a "$sock" 2>&1), not 0600"
	[ "$(python3 "$T/probe.py" spice "unix:$sock")" = "REDQ 2.2" ] || fail "SPICE on $sock: $(python3 "$T/probe.py" spice "unix:$sock" 2>&1)"
	expect_code 0 "$MVLAUNCH" display --json dsp
	[ "$(jq -r '"\(.type) \(.socket) \(.uri) \(.clients)"' "$T/out")" = "spice $sock spice+unix://$sock null" ] ||
		fail "display --json: $(cat "$T/out")"
	expect_code 0 "$MVLAUNCH" down --force dsp
	display_vm spice "listen = \"127.0.0.1:$port\"" 'password = "pw-1234"'
	expect_code 0 "$MVLAUNCH" up --paused dsp
	"$TOP/tests/e2e/qmp.py" "$MVLAUNCH_RUNDIR/dsp/qmp.sock" query-spice >"$T/spice.json" || fail "query-spice failed"
	[ "$(jq -r '"\(.auth) \(.host) \(.port)"' "$T/spice.json")" = "spice 127.0.0.1 $port" ] || fail "query-spice: $(cat "$T/spice.json")"
	expect_code 0 "$MVLAUNCH" down --force dsp
	no_leftovers dsp
fi
done_testing
