#!/usr/bin/env bash
# t5009-host-storm-dedicated.sh - "auto" dedicated VMs started at once never
# share a CPU: each 'up' plans against the CPUs running VMs own and those
# that VMs still starting have claimed (RUN/NAME/claim.json), so on this host
# (the host keeping no CPU) as many as leave one CPU for the emulator
# threads start, each on a CPU of its own, and the others fail with the
# planner's usual "does not fit". Ten rounds, alternating one 'up A B C ...'
# with separate 'up' processes started together. TCG, paused.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"
ncpu=$(nproc)
[ "$ncpu" -ge 2 ] || skip "needs 2 CPUs"
fit=$((ncpu - 1))	# one vCPU each, and the shared pool keeps one CPU for every emulator
nvm=$((ncpu + 1))

printf 'reserved_cpus = ""\n' >"$T/vms/host.toml"
vms=()
for ((i = 1; i <= nvm; i++)); do
	demo_config "d$i" '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = "auto"|' 's|^emulator = .*|emulator = "share"|' \
		's|^vcpus = 2|vcpus = 1|' 's|^topology = .*|topology = "auto"|'
	vms+=("d$i")
done

for ((r = 1; r <= 10; r++)); do
	if ((r % 2)); then
		"$MVLAUNCH" up --paused "${vms[@]}" >"$T/up" 2>"$T/up.err"
	else
		for n in "${vms[@]}"; do "$MVLAUNCH" up --paused "$n" >"$T/up.$n" 2>&1 & done
		wait
		cat "$T"/up.d* >"$T/up"
		cp "$T/up" "$T/up.err"
	fi
	started=$(grep -c "^'d[0-9]*' is paused" "$T/up")
	[ "$started" = "$fit" ] || fail "round $r: $started of $nvm started, $fit fit: $(cat "$T/up" "$T/up.err" | head -20)"
	[ "$(grep -c "does not fit" "$T/up.err")" -ge $((nvm - fit)) ] ||
		fail "round $r: the ones that did not start do not say they do not fit: $(head -20 "$T/up.err")"
	expect_code 0 "$MVLAUNCH" status --json
	# every vCPU on its own CPU, and no emulator thread of any VM on a dedicated CPU
	vcpus=$(jq -r '[.vms[] | .threads[] | select(.role == "vcpu") | .cpus[]] | map(tostring) | join(" ")' "$T/out")
	[ "$(tr ' ' '\n' <<<"$vcpus" | sort | uniq -d)" = "" ] || fail "round $r: two vCPUs share a CPU: $vcpus"
	[ "$(wc -w <<<"$vcpus")" = "$fit" ] || fail "round $r: vCPUs on '$vcpus', want $fit single CPUs"
	for c in $vcpus; do
		jq -e --argjson c "$c" '[.vms[] | .threads[] | select(.role != "vcpu") | .cpus[] | select(. == $c)] | length == 0' \
			"$T/out" >/dev/null || fail "round $r: a helper thread runs on dedicated CPU $c"
	done
	expect_code 0 "$MVLAUNCH" down --all --force
	for n in "${vms[@]}"; do no_leftovers "$n"; done
	[ $_failed = 0 ] || break
done
echo "$((r - 1)) rounds of $nvm dedicated VMs at once, $fit fit"
done_testing
