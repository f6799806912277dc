#!/usr/bin/env bash
# t0003-cli-install.sh - 'make install' honours PREFIX and DESTDIR and
# installs a working binary, the systemd unit, man page, bash completion and
# the example configs. The binary under test
# is installed as it is (make -o: never rebuilt here).
. "$(dirname "$0")/lib.sh" || exit 1
command -v make >/dev/null || skip "make is not installed"

bdir=$(cd "$(dirname "$MVLAUNCH")" && pwd)
make -s -C "$TOP" install DESTDIR="$T/inst" PREFIX=/opt/mvl BUILD="$bdir" -o "$bdir/mvlaunch" >"$T/out" 2>&1 ||
	fail "make install failed: $(cat "$T/out")"
[ -x "$T/inst/opt/mvl/bin/mvlaunch" ] || fail "no binary under DESTDIR/PREFIX/bin"
for f in lib/systemd/system/mvlaunch@.service share/man/man1/mvlaunch.1 share/bash-completion/completions/mvlaunch; do
	[ -s "$T/inst/opt/mvl/$f" ] || fail "$f not installed under DESTDIR/PREFIX"
done
grep -q "^ExecStart=/opt/mvl/bin/mvlaunch run" "$T/inst/opt/mvl/lib/systemd/system/mvlaunch@.service" ||
	fail "the unit does not name PREFIX/bin/mvlaunch (without DESTDIR)"
for f in demo gaming-controller dedicated-4vcpu; do
	[ -f "$T/inst/opt/mvl/share/mvlaunch/vms/$f.toml" ] || fail "example $f.toml not installed"
done
expect_code 0 "$T/inst/opt/mvl/bin/mvlaunch" --vms "$T/inst/opt/mvl/share/mvlaunch/vms" argv --bare demo
expect_out "guest=demo,debug-threads=on"

# a new version rebuilds what prints it, and only that: in a copy of the build directory
if [ -e "$bdir/VERSION-FILE" ]; then
	cp -a "$bdir" "$T/b"
	make -C "$TOP" BUILD="$T/b" VERSION=t0003-1 "$T/b/mvlaunch" >"$T/make1" 2>&1 || fail "make VERSION=t0003-1 failed: $(cat "$T/make1")"
	[ "$("$T/b/mvlaunch" --version)" = "mvlaunch t0003-1" ] || fail "--version after a new version: $("$T/b/mvlaunch" --version)"
	[ "$("$T/b/mvlaunch" version)" = "mvlaunch t0003-1" ] || fail "version after a new version: $("$T/b/mvlaunch" version)"
	[ "$(grep -c '^   CC' "$T/make1")" = 2 ] || fail "a new version rebuilt more than cmd_version.o and main.o: $(grep CC "$T/make1")"
	make -C "$TOP" BUILD="$T/b" VERSION=t0003-1 "$T/b/mvlaunch" >"$T/make2" 2>&1
	! grep -q '^   \(CC\|LD\)' "$T/make2" || fail "the same version rebuilt: $(cat "$T/make2")"
fi
done_testing
