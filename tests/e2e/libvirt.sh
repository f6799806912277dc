# libvirt.sh - the real libvirt QEMU driver (embedded, in-process) for the
# import tests: virt-install --print-xml, virsh define/dumpxml and
# domxml-to-native, with no daemon, no system user and nothing left behind.
#
# Source it from bash, run as root:
#   . libvirt.sh
#   lv_setup DIR                       # prepare DIR/.lv, probe QEMU (4-15 s)
#   lv_virt_install DIR ARGS...        # virt-install against it (add --print-xml yourself)
#   lv_virsh DIR ARGS...               # virsh against it
#   lv_teardown DIR                    # kill leftovers, verify none, remove DIR/.lv
#
# How it works
#  * URI qemu:///embed?root=DIR/.lv/root : the QEMU driver runs inside the
#    virsh / python process itself; no libvirtd/virtqemud, no socket, no daemon.
#    All driver state (config, caps cache, nvram, logs) lives under that root.
#  * Running as root makes the driver "privileged", and its constructor
#    resolves the compiled-in user/group 'libvirt-qemu' with getpwnam()
#    BEFORE reading qemu.conf ("Failed to parse user 'libvirt-qemu'").
#    Instead of creating a system user we run every command in a private
#    mount namespace (unshare -m) where copies of /etc/passwd and /etc/group
#    with a libvirt-qemu entry are bind-mounted over the real ones.  The same
#    namespace bind-mounts DIR/.lv/run over /run, because the privileged
#    driver also writes /run/libvirt/hostdevmgr and /run/libvirt/common
#    outside the embed root.  The namespace dies with the command.
#  * The same unshare also creates a private network namespace: domxml-to-native
#    really opens /dev/net/tun and creates a transient tap "vnet0" per NIC
#    (gone when virsh exits); in the private netns no host interface ever
#    appears.  Set LV_HOSTNET=1 to stay in the host netns (e.g. to reach the
#    VNC port of a guest started with 'lv_virsh DIR start').
#  * DIR/.lv/root/etc/qemu.conf sets user/group = root, so the QEMU
#    capability probe runs as root and can open /dev/kvm (0600 root here);
#    otherwise the cache is judged stale on every call ("KVM was enabled ...
#    but it is not available now") and each command re-probes QEMU (~4 s).
#  * virt-install needs an event loop for the embed URI and hits a virtinst
#    4.1 bug without a storage driver; DIR/.lv/virt-install.py wraps it.
#  * HOME / XDG_* point into DIR/.lv (virt-install would otherwise append to
#    ~/.cache/virt-manager/virt-install.log); the environment is reset so the
#    argv printed by domxml-to-native does not carry the caller's PATH.
#
# Concurrency: the embed driver allows one instance per root at a time
# (DIR/.lv/root/run/qemu/driver.pid); lv_* calls on the same DIR are
# serialised with flock(1) on DIR/.lv/lock.  Different DIRs run in parallel.
# Requires CAP_SYS_ADMIN (unshare -m); fine as root on a VM.

_lv_dir() {  # absolute path of DIR/.lv
    local d=${1:?DIR required}
    [ -d "$d" ] || { echo "lv: directory $d does not exist" >&2; return 1; }
    d=$(cd "$d" && pwd -P) || return 1
    case "$d" in *[!A-Za-z0-9._/+-]*)
        echo "lv: '$d' has characters that would need URI escaping; use e.g. mktemp -d" >&2
        return 1;; esac
    printf '%s/.lv\n' "$d"
}

_lv_uri() { printf 'qemu:///embed?root=%s/root\n' "$1"; }

# _lv_ns LV CMD... : run CMD in private mount+net namespaces with the fake
# passwd/group and a private /run, with a clean environment.
_lv_ns() {
    local lv=$1 netns=--net; shift
    [ -z "${LV_HOSTNET:-}" ] || netns=
    # serialise: one embed driver instance per root at a time (else "Failed
    # to acquire pid file .../driver.pid"); -o: a started qemu must not
    # inherit the lock
    flock -o "$lv/lock" \
    unshare --mount --propagation private $netns -- \
        env -i \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
            HOME="$lv/home" XDG_CACHE_HOME="$lv/cache" \
            XDG_CONFIG_HOME="$lv/config" XDG_DATA_HOME="$lv/data" \
            XDG_RUNTIME_DIR="$lv/run/user" \
            LIBVIRT_LOG_OUTPUTS="${LV_LOG_OUTPUTS:-3:file:$lv/log/libvirt.log}" \
            LC_ALL=C.UTF-8 TERM=dumb LV="$lv" \
        /bin/sh -ec '
            mount -n --bind "$LV/passwd" /etc/passwd
            mount -n --bind "$LV/group" /etc/group
            mount -n --bind "$LV/run" /run
            exec "$@"' lv-ns "$@"
}

lv_setup() {
    local lv t0 t1
    lv=$(_lv_dir "$1") || return 1
    [ "$(id -u)" = 0 ] || { echo "lv_setup: must run as root" >&2; return 1; }
    command -v virsh >/dev/null || { echo "lv_setup: virsh missing (libvirt-clients)" >&2; return 1; }
    /usr/bin/python3 -c 'import libvirt' 2>/dev/null ||
        { echo "lv_setup: /usr/bin/python3 lacks libvirt (python3-libvirt)" >&2; return 1; }
    [ -r /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/libvirt_driver_qemu.so ] ||
        { echo "lv_setup: libvirt-daemon-driver-qemu missing" >&2; return 1; }

    mkdir -p "$lv"/root/etc "$lv"/run/user "$lv"/home "$lv"/cache "$lv"/config \
             "$lv"/data "$lv"/log
    chmod 700 "$lv"/run/user

    # passwd/group copies with the compiled-in QEMU user/group (Debian: libvirt-qemu)
    cp /etc/passwd "$lv/passwd"; cp /etc/group "$lv/group"
    getent passwd libvirt-qemu >/dev/null ||
        echo 'libvirt-qemu:x:64055:64055:Libvirt Qemu (fake, lv recipe):/nonexistent:/usr/sbin/nologin' >> "$lv/passwd"
    getent group libvirt-qemu >/dev/null || echo 'libvirt-qemu:x:64055:' >> "$lv/group"

    # embed mode reads ROOT/etc/qemu.conf (configBaseDir = ROOT/etc)
    cat > "$lv/root/etc/qemu.conf" <<'EOF'
# lv recipe: run QEMU (and the capability probe) as root, so /dev/kvm
# (root:root 0600 on this host) is usable and the caps cache stays valid.
user = "root"
group = "root"
swtpm_user = "root"
swtpm_group = "root"
# no virtlogd daemon: QEMU writes its log file directly (only matters for
# 'virsh start', which is not needed for print-xml/define/domxml-to-native)
stdio_handler = "file"
# never create /sys/fs/cgroup/*/machine/... (a failed 'virsh start' leaks them)
cgroup_controllers = [ ]
EOF

    cat > "$lv/virt-install.py" <<'EOF'
# virt-install for the embedded QEMU driver (qemu:///embed?root=...)
import os, sys
sys.path.insert(0, "/usr/share/virt-manager")
import libvirt
# the embedded driver runs in this process and needs an event loop
# (else: "An event loop implementation must be registered")
libvirt.virEventRegisterDefaultImpl()
from virtinst import diskbackend, virtinstall

# virtinst 4.1 bug: manage_path() returns (None, None, None) when the
# connection has no storage driver (embed mode has none), losing the path:
# "--disk path=X: Device type 'disk' requires a path".
_orig_manage_path = diskbackend.manage_path
def _manage_path(conn, path):
    if path and not conn.support.conn_storage():
        if not diskbackend.path_is_url(path):
            path = os.path.abspath(path)
        return path, None, None
    return _orig_manage_path(conn, path)
diskbackend.manage_path = _manage_path

# Without a storage pool virtinst cannot learn an existing image's format
# (against libvirtd it reads it from an auto-created dir pool's volume XML),
# and would omit <driver type=...> (libvirt then assumes raw).  Emulate the
# pool: qcow2 magic -> "qcow2", any other existing regular file -> "raw".
_orig_get_driver_type = diskbackend.StorageBackend.get_driver_type
def _get_driver_type(self):
    ret = _orig_get_driver_type(self)
    path = self.get_path()
    if (ret is None and not self._vol_object and path and
            not self._conn.support.conn_storage() and os.path.isfile(path)):
        with open(path, "rb") as f:
            ret = "qcow2" if f.read(4) == b"QFI\xfb" else "raw"
    return ret
diskbackend.StorageBackend.get_driver_type = _get_driver_type

sys.argv[0] = "virt-install"
virtinstall.runcli()
EOF

    # warm the QEMU capabilities cache: 'capabilities' probes every
    # emulator (qemu-system-x86_64 and -i386), as virt-install will
    t0=$(date +%s.%N)
    _lv_ns "$lv" virsh -q -c "$(_lv_uri "$lv")" capabilities >/dev/null 2>"$lv/log/setup.err" ||
        { echo "lv_setup: embedded driver failed:" >&2; cat "$lv/log/setup.err" >&2; return 1; }
    t1=$(date +%s.%N)
    [ -n "${LV_QUIET:-}" ] || awk -v a="$t0" -v b="$t1" -v u="$(_lv_uri "$lv")" 'BEGIN{printf "lv_setup: ready in %.1fs (%s)\n", b-a, u}' >&2
}

lv_virt_install() {
    local lv; lv=$(_lv_dir "$1") || return 1; shift
    [ -f "$lv/virt-install.py" ] || { echo "lv_virt_install: run lv_setup first" >&2; return 1; }
    _lv_ns "$lv" /usr/bin/python3 "$lv/virt-install.py" --connect "$(_lv_uri "$lv")" "$@"
}

lv_virsh() {
    local lv; lv=$(_lv_dir "$1") || return 1; shift
    [ -f "$lv/root/etc/qemu.conf" ] || { echo "lv_virsh: run lv_setup first" >&2; return 1; }
    _lv_ns "$lv" virsh -c "$(_lv_uri "$lv")" "$@"
}

# PIDs (other than this shell and its ancestors) whose command line, cwd or
# open files refer to $1 (one grep + one find over /proc, no per-pid forks)
_lv_pids() {
    local lv=$1 q anc=" "
    q=$$; while [ -n "$q" ] && [ "$q" != 0 ]; do
        anc="$anc$q "; q=$(awk '/^PPid:/{print $2}' /proc/$q/status 2>/dev/null)
    done
    anc="$anc${BASHPID:-} "
    {
        grep -alF -- "$lv" /proc/[0-9]*/cmdline 2>/dev/null || true
        find /proc/[0-9]*/cwd /proc/[0-9]*/fd -maxdepth 1 -lname "$lv*" 2>/dev/null || true
    } | awk -F/ -v anc="$anc" '{ if (index(anc, " " $3 " ") == 0) print $3 }' | sort -un |
    while read -r q; do
        # drop the transient grep/find/awk of this very pipeline
        if [ -e /proc/$q ]; then echo "$q"; fi
    done
    return 0
}

lv_teardown() {
    local lv d pids p i
    lv=$(_lv_dir "$1") || return 1
    if [ -f "$lv/root/etc/qemu.conf" ]; then
        # stop any guest a test may have started (qemu outlives virsh)
        for d in $(_lv_ns "$lv" virsh -q -c "$(_lv_uri "$lv")" list --name --state-running 2>/dev/null); do
            _lv_ns "$lv" virsh -q -c "$(_lv_uri "$lv")" destroy "$d" >/dev/null 2>&1 || true
        done
    fi
    pids=$(_lv_pids "$lv")
    if [ -n "$pids" ]; then
        for p in $pids; do kill -TERM "$p" 2>/dev/null || true; done
        for i in 1 2 3 4 5 6 7 8 9 10; do
            pids=$(_lv_pids "$lv"); [ -z "$pids" ] && break; sleep 0.5
        done
        for p in $pids; do kill -KILL "$p" 2>/dev/null || true; done
        sleep 0.2
    fi
    pids=$(_lv_pids "$lv")
    if [ -n "$pids" ]; then
        echo "lv_teardown: processes still using $lv: $pids" >&2
        return 1
    fi
    [ -n "${LV_KEEP:-}" ] || rm -rf -- "$lv"
    return 0
}
