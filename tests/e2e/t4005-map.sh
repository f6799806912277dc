#!/usr/bin/env bash
# t4005-map.sh - 'map' and the picture after 'plan': the golden picture of
# seed 004's two sockets (siblings n/n+36) with two planned VMs (a dedicated
# 8-vCPU VM with an isolated emulator, an isolate-policy VM with an
# [[iothread]] on the other socket), 'map --json' on every shared topology
# (each CPU once, with its socket, node and user), at most 100 columns at
# 72 CPUs, one line per L3 group at 256, colours on a terminal only, and a
# running VM's pins on this host. UPDATE_GOLDEN=1 rewrites tests/map/.
. "$(dirname "$0")/lib.sh" || exit 1
DATA=$TOP/tests/unit/data
GOLD=$TOP/tests/map

cat >"$T/vms/db.toml" <<'TOML'
name = "db"
[cpu]
vcpus = 8
[pinning]
vcpus = "auto"
emulator = "isolate"
[memory]
size = "16G"
TOML
cat >"$T/vms/web.toml" <<'TOML'
name = "web"
[cpu]
vcpus = 4
[pinning]
vcpus = "auto"
thread_policy = "isolate"
[[iothread]]
id = "io"
cpus = "30"
[[disk]]
path = "/dev/null"
iothread = "io"
TOML
printf 'reserved_cpus = "0,36"\n' >"$T/host.toml"
hc=(--host-config "$T/host.toml")

golden() {	# golden NAME: $T/out against tests/map/NAME
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		sed "s|$DATA/|DATA/|g" "$T/out" >"$GOLD/$1"
	else
		sed "s|$DATA/|DATA/|g" "$T/out" | diff -u "$GOLD/$1" - >"$T/diff" || fail "$1 differs: $(cat "$T/diff")"
	fi
}

expect_code 0 "$MVLAUNCH" plan "${hc[@]}" --topology "$DATA/seed-2s-36c72t.xml" db web
golden plan-seed-2s-36c72t.txt
# the picture says what the table says: db's vCPUs pairs on siblings, web's owned idle siblings, its iothread on socket 1
grep -qE '^ +0 +1 +2 +3 +4 +5 ' "$T/out" || fail "no row of CPU numbers"
grep -q '^  a  db: 8 vCPUs on 1-4,37-40 (dedicated); emulator on 5$' "$T/out" || fail "db's legend: $(grep ' db:' "$T/out")"
grep -q 'b- ' "$T/out" || fail "web's idle siblings are not drawn"
grep -q $'\033' "$T/out" && fail "colours without a terminal"

expect_code 0 "$MVLAUNCH" map "${hc[@]}" --topology "$DATA/seed-2s-36c72t.xml"
golden map-seed-2s-36c72t.txt
[ "$(sed 1d "$T/out" | awk 'length($0) > 100' | wc -l)" = 0 ] || fail "wider than 100 columns: $(awk 'length($0) > 100' "$T/out")"

# 256 CPUs: one line per L3 group
expect_code 0 "$MVLAUNCH" plan --topology "$DATA/gen-2p-4n-16l3-256t.xml" db
[ "$(grep -cE '^  [0-9]+-[0-9]+ +' "$T/out")" = 16 ] || fail "not 16 L3 lines at 256 CPUs: $(grep -cE '^  [0-9]+-[0-9]+ ' "$T/out")"

# more than 26 VMs at 256 CPUs: the 27th and 28th get symbols of their own, not the first VM's
mkdir -p "$T/many"
for i in $(seq -w 1 28); do printf 'name = "vm%s"\n[cpu]\nvcpus = 2\n[pinning]\nvcpus = "auto"\n' "$i" >"$T/many/vm$i.toml"; done
expect_code 0 "$MVLAUNCH" --vms "$T/many" plan --topology "$DATA/gen-2p-4n-16l3-256t.xml" $(seq -f 'vm%02g' 1 28)
grep -qE '^  48-63 +xx yy zz AA BB' "$T/out" || fail "VMs 27 and 28 on the compact map: $(grep '^  48-63' "$T/out")"
expect_out "  aa vm27: 2 vCPUs ('A' on the map)"

# --json: every CPU of each topology once, with its place and users
for topo in seed-i5-4c8t seed-10c20t seed-2s-36c72t nosmt-2c gen-2p-4n-16l3-256t; do
	expect_code 0 "$MVLAUNCH" map --json --topology "$DATA/$topo.xml" || continue
	n=$(grep -o '<object type="PU"' "$DATA/$topo.xml" | wc -l)
	[ "$(jq '.cpus | map(.cpu) | unique | length' "$T/out")" = "$n" ] || fail "$topo: not $n CPUs in map --json"
	[ "$(jq '.cpus | length' "$T/out")" = "$n" ] || fail "$topo: a CPU twice"
	jq -e '[.cpus[] | select(.state == "reserved")] | length >= 1' "$T/out" >/dev/null || fail "$topo: nothing reserved"
done
expect_code 0 "$MVLAUNCH" map --json "${hc[@]}" --topology "$DATA/seed-2s-36c72t.xml"
jq -e '.cpus[] | select(.cpu == 54) | .package == 1 and .node == 1 and .state == "free"' "$T/out" >/dev/null ||
	fail "CPU 54: $(jq -c '.cpus[] | select(.cpu == 54)' "$T/out")"

# colours on a terminal, none with NO_COLOR
if command -v script >/dev/null; then
	script -qec "$MVLAUNCH --vms $T/vms plan --topology $DATA/seed-2s-36c72t.xml db" /dev/null >"$T/tty" 2>&1
	grep -q $'\033\\[' "$T/tty" || fail "no colours on a terminal"
	NO_COLOR=1 script -qec "$MVLAUNCH --vms $T/vms plan --topology $DATA/seed-2s-36c72t.xml db" /dev/null >"$T/tty" 2>&1
	grep -q $'\033\\[' "$T/tty" && fail "colours with NO_COLOR"
fi

# this host, with a running VM (TCG, paused): its vCPUs where status says they are
if command -v qemu-system-x86_64 >/dev/null && [ -s "${MVLAUNCH_DEMO_GUEST:-/var/cache/mvlaunch/demo-guest}/vmlinuz" ]; then
	demo_config live
	expect_code 0 "$MVLAUNCH" up --paused live
	expect_code 0 "$MVLAUNCH" map
	expect_out "  a  live: 2 vCPUs on 0-1 (dedicated)"
	grep -qE '^ +a0 +a1$' "$T/out" || fail "live's vCPUs not on CPUs 0 and 1: $(cat "$T/out")"
	expect_code 0 "$MVLAUNCH" map --json
	[ "$(jq -c '[.cpus[] | .uses[] | select(.role == "vcpu") | .vcpu]' "$T/out")" = "[0,1]" ] || fail "map --json: $(jq -c .cpus "$T/out")"
	expect_code 0 "$MVLAUNCH" down --force live
fi
done_testing
