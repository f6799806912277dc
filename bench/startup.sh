#!/usr/bin/env bash
# startup.sh - how much 'mvlaunch up' costs over starting QEMU by hand.
#
# Side by side in one run, N rounds each (default 15), medians:
#   bare QEMU   fork+exec of the exact argv 'up' runs, until QMP answers
#               qmp_capabilities (what any launcher must wait for);
#   mvlaunch up the whole command: config, QEMU start, QMP, every thread
#               pinned and read back, 'cont';
#   mvlaunch down --force, and bare QMP 'quit' to process exit;
#   virsh start / destroy of an equivalent domain, when libvirt is installed.
# The VM is vms/demo.toml without its kernel (SeaBIOS idles), under TCG so
# it runs on any host. Prints each median and the ratios; asserts nothing.
#
# usage: bench/startup.sh [ROUNDS]     (after 'make')
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-15}
bin=$PWD/build/mvlaunch
# QEMU runs as mvlaunch-qemu (security.user): made once a machine, as 'make install' does
getent passwd mvlaunch-qemu >/dev/null || "$bin" host setup >/dev/null
[ -x "$bin" ] || { echo "startup.sh: build first ('make')" >&2; exit 1; }
command -v python3 >/dev/null || { echo "startup.sh: needs python3 (make deps)" >&2; exit 1; }
work=$(mktemp -d)
chmod 0711 "$work"	# QEMU runs as mvlaunch-qemu: it passes through to its run, log and state directories
trap 'pkill -KILL -f -- "$work/" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/vms"
sed -e 's/^name = .*/name = "bench"/' -e '/^\[boot\]/,$d' vms/demo.toml >"$work/vms/bench.toml"
printf 'reserved_cpus = ""\n' >"$work/vms/host.toml"	# the demo pins both CPUs of a 2-CPU host
export MVLAUNCH_RUNDIR=$work/run MVLAUNCH_STATEDIR=$work/state MVLAUNCH_VMS=$work/vms MVLAUNCH_LOGDIR=$work/log
"$bin" argv --json bench >"$work/argv.json"

python3 - "$bin" "$work" "$rounds" <<'PY'
import json, os, shutil, socket, statistics, subprocess, sys, time

mvl, work, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
argv = json.load(open(os.path.join(work, "argv.json")))
run = os.path.join(work, "run", "bench")
sock = os.path.join(run, "qmp.sock")
# 'up' hands QEMU a listening QMP socket as fd 3; started by hand, QEMU binds the path itself
argv = [("socket,id=qmp,path=%s,server=on,wait=off" % sock) if a == "socket,id=qmp,fd=3,server=on,wait=off" else a
        for a in argv]
os.makedirs(os.path.join(work, "log", "bench"), mode=0o700, exist_ok=True)

def qmp_session(path, deadline):
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            break
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise RuntimeError("QMP did not come up")
            time.sleep(0.001)
    f = s.makefile("rwb", buffering=0)
    f.readline()                                   # greeting
    f.write(b'{"execute":"qmp_capabilities"}\n')
    f.readline()
    return s, f

def bare_round():
    os.makedirs(run, mode=0o700, exist_ok=True)
    # the argv's event monitor reads RUN/bench/events.in and writes events.out, as 'up' prepares them
    with open(os.path.join(run, "events.in"), "w") as e:
        e.write('{"execute": "qmp_capabilities"}\n')
    open(os.path.join(run, "events.out"), "w").close()
    log = open(os.path.join(run, "qemu.log"), "ab")
    t0 = time.monotonic()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    s, f = qmp_session(sock, t0 + 30)
    t1 = time.monotonic()
    f.write(b'{"execute":"quit"}\n')
    p.wait()
    t2 = time.monotonic()
    s.close()
    log.close()
    shutil.rmtree(run, ignore_errors=True)
    return t1 - t0, t2 - t1

def mvl_round():
    t0 = time.monotonic()
    subprocess.run([mvl, "up", "bench"], check=True, stdout=subprocess.DEVNULL)
    t1 = time.monotonic()
    subprocess.run([mvl, "down", "--force", "bench"], check=True, stdout=subprocess.DEVNULL)
    t2 = time.monotonic()
    return t1 - t0, t2 - t1

def virsh_rounds():
    if not shutil.which("virsh"):
        return None
    xml = os.path.join(work, "bench.xml")
    with open(xml, "w") as x:
        x.write("""<domain type='qemu'><name>mvlaunch-bench</name><memory unit='MiB'>256</memory>
<vcpu placement='static'>2</vcpu><cputune><vcpupin vcpu='0' cpuset='0'/><vcpupin vcpu='1' cpuset='1'/>
<emulatorpin cpuset='0-1'/></cputune><os><type arch='x86_64' machine='q35'>hvm</type></os>
<cpu mode='custom'><model>max</model><topology sockets='1' cores='2' threads='1'/></cpu>
<devices><emulator>/usr/bin/qemu-system-x86_64</emulator></devices></domain>""")
    if subprocess.run(["virsh", "-q", "define", xml], capture_output=True).returncode != 0:
        return None
    up, down = [], []
    try:
        for _ in range(rounds):
            t0 = time.monotonic()
            subprocess.run(["virsh", "-q", "start", "mvlaunch-bench"], check=True, capture_output=True)
            t1 = time.monotonic()
            subprocess.run(["virsh", "-q", "destroy", "mvlaunch-bench"], check=True, capture_output=True)
            up.append(t1 - t0)
            down.append(time.monotonic() - t1)
    finally:
        subprocess.run(["virsh", "-q", "undefine", "mvlaunch-bench"], capture_output=True)
    return up, down

bare_up, bare_down, mvl_up, mvl_down = [], [], [], []
bare_round(); mvl_round()                          # warm the page cache
for _ in range(rounds):                            # interleaved, so load hits both alike
    u, d = bare_round(); bare_up.append(u); bare_down.append(d)
    u, d = mvl_round(); mvl_up.append(u); mvl_down.append(d)
ms = lambda xs: statistics.median(xs) * 1000
print("startup, median of %d rounds (TCG, 2 vCPUs, 256M; %s)" % (rounds, time.strftime("%Y-%m-%d")))
print("  bare QEMU, exec -> QMP answers      %7.1f ms" % ms(bare_up))
print("  mvlaunch up (pinned and running)    %7.1f ms   ratio %.2f" % (ms(mvl_up), ms(mvl_up) / ms(bare_up)))
print("  bare QMP quit -> exit               %7.1f ms" % ms(bare_down))
print("  mvlaunch down --force               %7.1f ms   ratio %.2f" % (ms(mvl_down), ms(mvl_down) / ms(bare_down)))
v = virsh_rounds()
if v:
    print("  virsh start                         %7.1f ms   ratio %.2f (mvlaunch up / virsh start: %.2f)" %
          (ms(v[0]), ms(v[0]) / ms(bare_up), ms(mvl_up) / ms(v[0])))
    print("  virsh destroy                       %7.1f ms" % ms(v[1]))
else:
    print("  virsh: libvirt not installed (or no qemu:///system), skipped")
PY
