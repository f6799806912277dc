#!/usr/bin/env bash
# t3006-up-memory-once.sh - guest RAM exists once on the host: a 512M guest
# with memory.prealloc costs 512M plus QEMU's own few MiB, whatever the
# backend (the default anonymous RAM, a memfd, a file in /dev/shm). A private
# mapping of a memfd or shm file would hold every page twice (the memfd's
# page plus the guest's private copy, ~1044 MiB); that is what this catches.
# Cost = QEMU's RssAnon + RssShmem + the shmem the host gained that QEMU does
# not map (pages held by a memfd behind a private mapping). TCG, paused.
. "$(dirname "$0")/lib.sh" || exit 1
command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86_64 is not installed (make deps)"

kib() { awk -v k="$1:" '$1 == k { print $2 }' "$2"; }

for src in default memfd file; do
	line=
	[ $src = default ] || line="source = \"$src\""
	demo_config "m$src" '/^\[boot\]/,$d' "s|^size = .*|size = \"512M\"\\nprealloc = true\\n$line|"
	shmem0=$(kib Shmem /proc/meminfo)
	expect_code 0 "$MVLAUNCH" up --paused "m$src" || continue
	pid=$(cat "$MVLAUNCH_RUNDIR/m$src/qemu.pid")
	shmem1=$(kib Shmem /proc/meminfo)
	anon=$(kib RssAnon "/proc/$pid/status")
	shm=$(kib RssShmem "/proc/$pid/status")
	extra=$((shmem1 - shmem0 - shm))
	[ $extra -gt 0 ] || extra=0
	cost=$(((anon + shm + extra) / 1024))
	echo "$src: RssAnon $((anon / 1024)) MiB, RssShmem $((shm / 1024)) MiB, unmapped shmem $((extra / 1024)) MiB: $cost MiB"
	[ $cost -ge 512 ] || fail "$src: $cost MiB on the host for a preallocated 512M guest: prealloc did not happen?"
	[ $cost -le $((512 + 96)) ] || fail "$src: $cost MiB on the host for a 512M guest (guest RAM held twice?)"
	expect_code 0 "$MVLAUNCH" down --force "m$src"
	no_leftovers "m$src"
done
done_testing
