#!/usr/bin/env bash
# storm.sh - a host boot: N VMs started at once, then stopped at once.
#
# Side by side in one run, ROUNDS rounds each (default 10), medians:
#   bare QEMU   N fork+execs at once of the argv 'mvlaunch argv --bare'
#               prints for each VM, plus -S and a QMP socket, until every
#               QMP answers qmp_capabilities (the physical limit here);
#               then 'quit' to all at once, until every QEMU has exited;
#   mvlaunch    'up --paused V1 ... VN' (one command, a worker per VM: plan,
#               claim, QEMU, QMP, pins read back) until it exits; then
#               'down --force V1 ... VN' until it exits (runtime files gone,
#               the host given back).
# One VM alone the same way, for the scale. The VMs are 1 vCPU, 128 MiB,
# floating (no pins), KVM left paused (-S): nested KVM on the development
# machine hangs a guest that runs, and a paused start is what is measured.
# Prints each median and the ratios (of the medians, and the median of each
# round's ratio), and the CPU time mvlaunch's own processes used (user+sys,
# QEMU's not counted), the steadiest figure on a noisy machine; asserts nothing.
#
# usage: bench/storm.sh [N] [ROUNDS]     (after 'make'; root, /dev/kvm)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-14}
rounds=${2:-10}
bin=$PWD/build/mvlaunch
[ -x "$bin" ] || { echo "storm.sh: build first ('make')" >&2; exit 1; }
[ -w /dev/kvm ] || { echo "storm.sh: needs /dev/kvm" >&2; exit 1; }
command -v python3 >/dev/null || { echo "storm.sh: needs python3 (make deps)" >&2; exit 1; }
work=$(mktemp -d)
# the runtime root on a tmpfs, as /run is on a host (host.json and the claims are written there under
# the host's lock; where /run is a disk, as in some containers, each of their fsyncs is a disk flush)
# (not under /dev: QEMU's private /dev would hide it)
run=$work/run
mkdir "$run"
mount -t tmpfs -o mode=0711,size=64m mvl-storm "$run"
chmod 0711 "$work"	# QEMU's user reaches its run, log and state directories
trap 'pkill -KILL -f -- "$work/" 2>/dev/null || true; umount "$run" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/vms"
export MVLAUNCH_RUNDIR=$run/root MVLAUNCH_STATEDIR=$work/state MVLAUNCH_VMS=$work/vms MVLAUNCH_LOGDIR=$work/log
for i in $(seq 1 "$n"); do
	printf 'name = "s%d"\n[machine]\naccel = "kvm"\nfirmware = "bios"\n[cpu]\nmodel = "host"\ndisable = ["arch-capabilities"]\nvcpus = 1\n[memory]\nsize = "128M"\n' \
		"$i" >"$work/vms/s$i.toml"
	"$bin" argv --json --bare "s$i" >"$work/s$i.json"
done

python3 - "$bin" "$work" "$n" "$rounds" <<'PY'
import json, os, resource, shutil, socket, statistics, subprocess, sys, time

mvl, work, n, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
names = ["s%d" % i for i in range(1, n + 1)]
argvs = {v: json.load(open(os.path.join(work, v + ".json"))) for v in names}
bare = os.path.join(work, "bare")

def connect(path, deadline):
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                raise RuntimeError("QMP of %s did not come up" % path)
            time.sleep(0.001)

def bare_round(vms):
    os.makedirs(bare, exist_ok=True)
    t0 = time.monotonic()
    procs, files = [], []
    for v in vms:
        sock = os.path.join(bare, v + ".sock")
        argv = argvs[v] + ["-S", "-qmp", "unix:%s,server=on,wait=off" % sock]
        procs.append(subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                      stderr=open(os.path.join(bare, v + ".log"), "ab")))
    for v in vms:                                  # every QMP, in any order: each waits for its own
        s = connect(os.path.join(bare, v + ".sock"), t0 + 60)
        f = s.makefile("rwb", buffering=0)
        f.readline()
        f.write(b'{"execute":"qmp_capabilities"}\n')
        f.readline()
        files.append((s, f))
    t1 = time.monotonic()
    for s, f in files:
        f.write(b'{"execute":"quit"}\n')
    for p in procs:
        p.wait()
    t2 = time.monotonic()
    for s, f in files:
        s.close()
    shutil.rmtree(bare, ignore_errors=True)
    return t1 - t0, t2 - t1

def cpu():                                         # user+sys of the mvlaunch commands waited for (not QEMU's)
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime

def mvl_round(vms):
    c0, t0 = cpu(), time.monotonic()
    subprocess.run([mvl, "up", "--paused"] + vms, check=True, stdout=subprocess.DEVNULL)
    c1, t1 = cpu(), time.monotonic()
    subprocess.run([mvl, "down", "--force"] + vms, check=True, stdout=subprocess.DEVNULL)
    c2, t2 = cpu(), time.monotonic()
    if len(vms) > 1:
        r["cpuNu"].append(c1 - c0); r["cpuNd"].append(c2 - c1)
    return t1 - t0, t2 - t1

r = {k: [] for k in ("bare1u", "bare1d", "mvl1u", "mvl1d", "bareNu", "bareNd", "mvlNu", "mvlNd", "cpuNu", "cpuNd")}
bare_round(names[:1]); mvl_round(names[:1])        # warm the page cache
for _ in range(rounds):                            # interleaved, so load hits both alike
    u, d = bare_round(names[:1]); r["bare1u"].append(u); r["bare1d"].append(d)
    u, d = mvl_round(names[:1]); r["mvl1u"].append(u); r["mvl1d"].append(d)
    u, d = bare_round(names); r["bareNu"].append(u); r["bareNd"].append(d)
    u, d = mvl_round(names); r["mvlNu"].append(u); r["mvlNd"].append(d)
ms = {k: statistics.median(v) * 1000 for k, v in r.items()}
print("storm: %d VMs at once (KVM paused, 1 vCPU, 128M, floating), median of %d rounds, %d CPUs, %s"
      % (n, rounds, os.cpu_count(), time.strftime("%Y-%m-%d")))
print("                                  1 VM   %3d at once   %d / 1" % (n, n))
print("  bare QEMU start -> QMP      %7.1f ms  %7.1f ms   %5.1f" % (ms["bare1u"], ms["bareNu"], ms["bareNu"] / ms["bare1u"]))
print("  mvlaunch up --paused        %7.1f ms  %7.1f ms   %5.1f" % (ms["mvl1u"], ms["mvlNu"], ms["mvlNu"] / ms["mvl1u"]))
print("  bare QMP quit -> exit       %7.1f ms  %7.1f ms   %5.1f" % (ms["bare1d"], ms["bareNd"], ms["bareNd"] / ms["bare1d"]))
print("  mvlaunch down --force       %7.1f ms  %7.1f ms   %5.1f" % (ms["mvl1d"], ms["mvlNd"], ms["mvlNd"] / ms["mvl1d"]))
print("  mvlaunch / bare: start %.2f, stop %.2f (%d at once)" % (ms["mvlNu"] / ms["bareNu"], ms["mvlNd"] / ms["bareNd"], n))
# each round's mvlaunch against the bare QEMUs of the same round, then the median: what the machine
# does to both in one round (another tenant, the hypervisor) cancels out
pu = statistics.median(m / b for m, b in zip(r["mvlNu"], r["bareNu"]))
pd = statistics.median(m / b for m, b in zip(r["mvlNd"], r["bareNd"]))
print("  round by round, median: start %.2f, stop %.2f" % (pu, pd))
print("  mvlaunch's own CPU (its processes, not QEMU's): up %.1f ms, down %.1f ms for %d VMs"
      % (ms["cpuNu"], ms["cpuNd"], n))
PY
