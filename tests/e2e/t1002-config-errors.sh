#!/usr/bin/env bash
# t1002-config-errors.sh - bad configs through the CLI: every kind of error is
# reported as "mvlaunch: error: FILE:LINE:COL: ..." with exit 1 and nothing
# on stdout; several schema errors come out together; warnings do not fail.
. "$(dirname "$0")/lib.sh" || exit 1

# check_bad TOML MESSAGE: the config fails with exactly that message line.
check_bad() {
	printf '%b' "$1" >"$T/vms/bad.toml"
	expect_code 1 "$MVLAUNCH" argv bad || return
	expect_err "mvlaunch: error: $T/vms/bad.toml:$2"
	[ ! -s "$T/out" ] || fail "stdout not empty for a bad config"
}

check_bad '[cpu]\nvcpu = 4\n' "2:1: unknown key 'cpu.vcpu' (did you mean 'cpu.vcpus'?)"
check_bad '[cpu]\nvcpus = 0\n' "2:1: key 'cpu.vcpus': must be 1..1024"
check_bad '[cpu]\nvcpus = "8"\n' "2:1: key 'cpu.vcpus': expected an integer, got a string"
check_bad '[cpu]\nvcpus = 4\nvcpus = 5\n' "3:1: key 'cpu.vcpus': set twice (first at line 2)"
check_bad '[memory]\nsize = "16X"\n' "2:1: key 'memory.size': '16X' has an unknown unit 'X' (use K, M, G, T, KiB.. or KB..)"
check_bad '[clock]\nhpet = no\n' "2:8: invalid value 'no' (strings need quotes: \"no\")"
check_bad '[cpu]\nvcpus = 8\ntopology = { sockets = 1, cores = 3, threads = 2 }\n' \
	"3:14: key 'cpu.topology': sockets (1) x dies (1) x cores (3) x threads (2) = 6, but cpu.vcpus is 8"
check_bad '[machine]\naccel = "tcg"\n' "2:1: key 'cpu.model': 'host' needs machine.accel = \"kvm\" (with tcg use model = \"max\")"

# all schema errors at once, one line each
printf '[cpu]\nvcpus = 0\nmodle = "max"\n[memory]\nhugepages = "4M"\n' >"$T/vms/bad.toml"
expect_code 1 "$MVLAUNCH" argv bad
[ "$(grep -c '^mvlaunch: error: ' "$T/err")" = 3 ] || fail "expected 3 error lines"

# warnings are printed, the argv still comes out
printf '[clock]\ncatchup = { threshold = 123, slew = 120, limit = 10000 }\n' >"$T/vms/warn.toml"
expect_code 0 "$MVLAUNCH" argv warn
expect_err "mvlaunch: warning: $T/vms/warn.toml:2:13: key 'clock.catchup.threshold': has no QEMU equivalent (libvirt-only); ignored"
expect_out "qemu-system-x86_64"

# not a text file, too large
printf 'a = 1\0' >"$T/vms/nul.toml"
expect_code 1 "$MVLAUNCH" argv nul && expect_err "nul.toml: contains a NUL byte (not a text file?)"
head -c 1100000 /dev/zero | tr '\0' '#' >"$T/vms/big.toml"
expect_code 1 "$MVLAUNCH" argv big && expect_err "is larger than 1 MiB"
done_testing
