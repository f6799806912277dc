#!/usr/bin/env bash
# t2003-argv-is-up.sh - 'mvlaunch argv' prints exactly what 'up' runs: for
# every example in vms/, 'argv --json' (before) equals the QEMU process's
# /proc/PID/cmdline (after 'up'), element by element. Planned VMs are where
# the two used to differ (memory binding, guest topology). TCG or KVM, paused;
# what this machine lacks is swapped as example_here in lib.sh says.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

# and a VM with explicit pins, whose memory 'up' binds to the pins' node
demo_config pinned '/^\[boot\]/,$d' 's|^vcpus = \["0", "1"\].*|vcpus = ["1"]|' 's|^vcpus = 2|vcpus = 1|' \
	's|^topology = .*|topology = { sockets = 1, cores = 1, threads = 1 }|'
for name in $(cd "$TOP/vms" && ls *.toml | sed 's/\.toml$//') pinned; do
	[ "$name" = pinned ] || example_here "$name"
	[ "$name" != demo ] || sed -i "s|/var/cache/mvlaunch/demo-guest|$DEMO_GUEST|" "$T/vms/demo.toml"
	expect_code 0 "$MVLAUNCH" argv --json "$name" || continue
	jq -j '.[] | (., "\u0000")' "$T/out" >"$T/$name.argv"
	expect_code 0 "$MVLAUNCH" up --paused "$name" || continue
	pid=$(cat "$MVLAUNCH_RUNDIR/$name/qemu.pid")
	cp "/proc/$pid/cmdline" "$T/$name.cmdline"
	if ! cmp -s "$T/$name.argv" "$T/$name.cmdline"; then
		fail "$name: 'argv --json' differs from what 'up' ran:"
		diff <(tr '\0' '\n' <"$T/$name.argv") <(tr '\0' '\n' <"$T/$name.cmdline") | head -10
	fi
	expect_code 0 "$MVLAUNCH" down --force "$name"
	no_leftovers "$name"
done
done_testing
