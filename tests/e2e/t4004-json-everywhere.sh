#!/usr/bin/env bash
# t4004-json-everywhere.sh - every command's --json, over every example and
# every topology in tests/unit/data (the seeds' shapes and generated ones),
# plus a shared VM and an unpinned one (whose memory is bound to no node:
# 'plan --json' crashed on those): each run exits 0 with one valid JSON
# document on stdout, or 1 with the reason on stderr and nothing on stdout;
# never a crash. On the seeds' host shapes the examples plan without a warning.
. "$(dirname "$0")/lib.sh" || exit 1
command -v jq >/dev/null || skip "jq is not installed (make deps)"

cp "$TOP"/vms/*.toml "$T/vms/"
printf '[cpu]\nvcpus = 4\n[pinning]\nvcpus = "auto"\npolicy = "shared"\n' >"$T/vms/shared.toml"
printf '[cpu]\nvcpus = 2\n[memory]\nsize = "2G"\n' >"$T/vms/unpinned.toml"
vms=$(cd "$T/vms" && ls *.toml | sed 's/\.toml$//')

# json CODE-OK DESCRIPTION CMD...: exit 0 with valid JSON, or 1 with stderr and no stdout
json() {
	local what=$1 rc
	shift
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	case $rc in
	0) jq -e . "$T/out" >/dev/null 2>&1 || fail "$what: exit 0 but not JSON: $(head -c 200 "$T/out")" ;;
	1)	# check reports its FAILs as JSON; the others say why on stderr
		case $what in
		check*) jq -e '.fail > 0' "$T/out" >/dev/null 2>&1 || fail "$what: exit 1 without a FAIL in its JSON" ;;
		*) [ -s "$T/err" ] && [ ! -s "$T/out" ] || fail "$what: exit 1 without a reason, or with output" ;;
		esac ;;
	*) fail "$what: exit $rc: $(head -3 "$T/err")" ;;
	esac
	return $rc
}

runs=0
for topo in "$TOP"/tests/unit/data/*.xml; do
	shape=$(basename "$topo" .xml)
	for vm in $vms; do
		runs=$((runs + 2))
		if json "plan --json $vm on $shape" "$MVLAUNCH" plan --json --topology "$topo" "$vm"; then
			jq -e '.vms[0].numa[0] | has("host_nodes") and has("vcpus") and has("memory")' "$T/out" >/dev/null ||
				fail "plan --json $vm on $shape: numa without host_nodes: $(jq -c '.vms[0].numa' "$T/out")"
			case $shape in seed-*)
				# this host has no DMI tables at all: copy_host's one warning about it is the host's, not the example's
				grep -v "key 'smbios.copy_host': this host has no /sys/class/dmi/id" "$T/err" >"$T/err.own"
				[ ! -s "$T/err.own" ] || fail "example $vm warns on $shape: $(cat "$T/err.own")" ;;
			esac
		fi
		json "argv --json $vm on $shape" "$MVLAUNCH" argv --json --topology "$topo" "$vm"
	done
	# all of them together: each fits or the whole plan says why
	runs=$((runs + 1))
	json "plan --json of every VM on $shape" "$MVLAUNCH" plan --json --topology "$topo" $vms
done
# the seeds' shapes fit each example
for topo in "$TOP"/tests/unit/data/seed-*.xml; do
	for vm in dedicated-4vcpu gaming-controller demo; do
		"$MVLAUNCH" plan --topology "$topo" "$vm" >/dev/null 2>&1 || fail "example $vm does not fit $(basename "$topo")"
	done
done
# the host-wide ones
for cmd in "check --json" "status --json" "host status --json"; do
	runs=$((runs + 1))
	json "$cmd" "$MVLAUNCH" $cmd
done
for vm in $vms; do
	runs=$((runs + 1))
	json "check --json $vm" "$MVLAUNCH" check --json "$vm"
done
echo "$runs runs of --json"
done_testing
