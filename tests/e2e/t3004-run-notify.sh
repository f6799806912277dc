#!/usr/bin/env bash
# t3004-run-notify.sh - 'mvlaunch run' under a fake systemd NOTIFY_SOCKET:
# READY=1 comes only once every pin holds; SIGTERM shuts the guest down over
# ACPI (exit 0); the guest powering itself off ends run with 0; a crashed
# QEMU ends it with 1. The demo guest runs under TCG (see t3001).
. "$(dirname "$0")/lib.sh" || exit 1
need_demo_guest
command -v python3 >/dev/null || skip "python3 is not installed (make deps)"

# a notify listener: on READY=1 it records the vCPU pins at that very moment
cat >"$T/listen.py" <<'PY'
import glob, os, socket, sys
path, out, rundir = sys.argv[1], sys.argv[2], sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
with open(out, "w") as f:
    while True:
        msg = s.recv(4096).decode()
        f.write(msg.replace("\n", " ") + "\n")
        if "READY=1" in msg:
            pid = open(os.path.join(rundir, "qemu.pid")).read().strip()
            for comm in glob.glob("/proc/%s/task/*/comm" % pid):
                name = open(comm).read().strip()
                if name.startswith("CPU "):
                    st = open(comm.replace("comm", "status")).read()
                    cpus = [l.split()[1] for l in st.splitlines() if l.startswith("Cpus_allowed_list")][0]
                    f.write("PIN %s %s\n" % (name, cpus))
        f.flush()
        if "STOPPING=1" in msg:
            break
PY

start_run() {
	rm -f "$T/notify.sock" "$T/notify.log"
	python3 "$T/listen.py" "$T/notify.sock" "$T/notify.log" "$T/run/$1" &
	listener=$!
	for i in $(seq 50); do [ -S "$T/notify.sock" ] && break; sleep 0.1; done
	NOTIFY_SOCKET="$T/notify.sock" "$MVLAUNCH" run "$1" >"$T/run.out" 2>"$T/run.err" &
	runner=$!
	wait_for "$T/notify.log" "READY=1" 60 || fail "no READY=1 from run"
}

demo_config svc
start_run svc
grep -q "^PIN CPU 0/TCG 0$" "$T/notify.log" || fail "vcpu0 was not pinned when READY=1 came: $(cat "$T/notify.log")"
grep -q "^PIN CPU 1/TCG 1$" "$T/notify.log" || fail "vcpu1 was not pinned when READY=1 came"
wait_for "$T/log/svc/serial.log" "MVLAUNCH-DEMO-READY" 120 || fail "guest did not boot"
# QMP is free for others while run waits: status gets a live answer (not "unresponsive")
expect_code 0 "$MVLAUNCH" status --json svc
[ "$(jq -r '.vms[0].state + " " + (.vms[0].reason | tostring)' "$T/out")" = "running null" ] ||
	fail "status while run waits: $(jq -c '.vms[0] | {state, reason}' "$T/out")"
kill -TERM "$runner"
wait "$runner"
rc=$?
[ "$rc" = 0 ] || fail "run exited $rc after SIGTERM: $(cat "$T/run.err")"
grep -q "shut down (ACPI power-down)" "$T/run.out" || fail "run did not shut the guest down: $(cat "$T/run.out")"
grep -q "STOPPING=1" "$T/notify.log" || fail "no STOPPING=1"
wait "$listener" 2>/dev/null
no_leftovers svc

# the guest powers itself off: run ends with 0
start_run svc
wait_for "$T/log/svc/serial.log" "MVLAUNCH-DEMO-READY" 120 || fail "guest did not boot"
printf 'poweroff -f\n' | "$MVLAUNCH" console --wait 1 svc >/dev/null 2>&1
wait "$runner"
rc=$?
[ "$rc" = 0 ] || fail "run exited $rc after the guest powered off: $(cat "$T/run.err")"
grep -q "the guest powered off" "$T/run.out" || fail "run did not report the power-off"
kill "$listener" 2>/dev/null
no_leftovers svc

# QEMU crashes: run ends with 1 and cleans up
start_run svc
kill -9 "$(cat "$T/run/svc/qemu.pid")"
wait "$runner"
rc=$?
[ "$rc" = 1 ] || fail "run exited $rc after QEMU was killed"
grep -q "QEMU of 'svc' was killed by signal 9" "$T/run.err" || fail "no crash message: $(cat "$T/run.err")"
kill "$listener" 2>/dev/null
no_leftovers svc
done_testing
