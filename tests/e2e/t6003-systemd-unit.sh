#!/usr/bin/env bash
# t6003-systemd-unit.sh - the systemd side: 'unit --template' is exactly
# scripts/mvlaunch@.service; 'make install' puts the template (with the
# installed binary's path), man page and bash completion in place and
# 'systemd-analyze verify' accepts the installed template and a per-VM unit
# from 'mvlaunch unit' ([service] after and stop_timeout applied); the man
# page covers every command and config key; the completion completes
# commands, options and VM names. (No systemd runs here as PID 1: units are
# verified, not started; t3004 runs 'mvlaunch run' under a fake NOTIFY_SOCKET.)
. "$(dirname "$0")/lib.sh" || exit 1
command -v make >/dev/null || skip "make is not installed"
command -v systemd-analyze >/dev/null || skip "systemd-analyze is not installed (make deps)"

expect_code 0 "$MVLAUNCH" unit --template
cmp -s "$T/out" "$TOP/scripts/mvlaunch@.service" ||
	fail "scripts/mvlaunch@.service differs from 'mvlaunch unit --template': $(diff "$T/out" "$TOP/scripts/mvlaunch@.service")"
grep -qx "Type=notify" "$T/out" || fail "the template is not Type=notify"
grep -qx "Restart=on-failure" "$T/out" || fail "the template does not restart on failure"
grep -q "^After=network-online.target local-fs.target" "$T/out" || fail "the template is not ordered after network and local filesystems"

# install for real under $T (no DESTDIR), so ExecStart's path exists for verify
bdir=$(cd "$(dirname "$MVLAUNCH")" && pwd)
make -s -C "$TOP" install PREFIX="$T/inst" BUILD="$bdir" -o "$bdir/mvlaunch" >"$T/out" 2>&1 ||
	fail "make install failed: $(cat "$T/out")"
unitdir=$T/inst/lib/systemd/system
[ -f "$unitdir/mvlaunch@.service" ] || fail "no template unit installed"
grep -qx "ExecStart=$T/inst/bin/mvlaunch run --stop-timeout 60 %i" "$unitdir/mvlaunch@.service" ||
	fail "the installed unit does not run the installed binary: $(grep Exec "$unitdir/mvlaunch@.service")"
export MANPATH=$T/inst/share/man	# verify checks Documentation=man:mvlaunch(1)
systemd-analyze verify "$unitdir/mvlaunch@.service" >"$T/out" 2>&1 || fail "systemd-analyze verify: $(cat "$T/out")"

# one VM's own unit: after another VM, its own stop timeout
demo_config web '/^\[boot\]/,$d'
printf '[service]\nafter = ["router"]\nstop_timeout = 20\n' >>"$T/vms/web.toml"
expect_code 0 "$MVLAUNCH" unit web
cp "$T/out" "$T/mvlaunch@web.service"
for want in "After=mvlaunch@router.service" "Wants=mvlaunch@router.service" "Type=notify" \
	"ExecStart=$MVLAUNCH --vms $T/vms run --stop-timeout 20 web" "ExecStop=$MVLAUNCH --vms $T/vms down --timeout 20 --kill-after web" \
	"TimeoutStopSec=50"; do
	grep -qxF -- "$want" "$T/mvlaunch@web.service" || fail "the unit of web lacks '$want'"
done
mkdir "$T/units" && cp "$T/mvlaunch@web.service" "$unitdir/mvlaunch@.service" "$T/units/"
systemd-analyze verify "$T/units/mvlaunch@web.service" >"$T/out" 2>&1 || fail "systemd-analyze verify web: $(cat "$T/out")"
# the verify reads that file: one with a binary that does not exist fails
sed -i "s|^ExecStart=$MVLAUNCH|ExecStart=/nonexistent/mvlaunch|" "$T/units/mvlaunch@web.service"
systemd-analyze verify "$T/units/mvlaunch@web.service" >"$T/out" 2>&1 && fail "verify passed a broken unit"
# a VM cannot start after itself
printf '[service]\nafter = ["self"]\n' >"$T/vms/self.toml"
expect_code 1 "$MVLAUNCH" unit self && expect_err "key 'service.after': 'self' is this VM itself"

# the man page: every command, every key
man=$T/inst/share/man/man1/mvlaunch.1
[ -s "$man" ] || fail "no man page installed"
for cmd in $("$MVLAUNCH" help | awk '/^Commands:/ { on = 1; next } on && NF > 1 { print $1 } on && !NF { exit }'); do
	grep -qx ".SS $cmd" "$man" || fail "the man page lacks command $cmd"
done
for key in $("$MVLAUNCH" help config | awk -F'`' 'NR > 2 { print $2 }') $("$MVLAUNCH" help host-config | awk -F'`' 'NR > 2 { print $2 }'); do
	grep -qxF ".B $key" "$man" || fail "the man page lacks key $key"
done
grep -qi "seed" "$man" && fail "the man page mentions a seed: $(grep -i seed "$man" | head -2)"
grep -q "MVLAUNCH_LOGDIR" "$man" || fail "the man page lacks MVLAUNCH_LOGDIR"
if command -v man >/dev/null; then
	MANWIDTH=200 man -l "$man" 2>&1 | tr -s ' ' | grep -q "mvlaunch - start tuned QEMU/KVM virtual machines" ||
		fail "man cannot render the page"
fi

# bash completion
comp() {
	PATH=$T/inst/bin:$PATH bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mvlaunch; printf "%s\n" "${COMPREPLY[@]}"' \
		_ "$T/inst/share/bash-completion/completions/mvlaunch" "$@"
}
[ "$(comp mvlaunch u | tr '\n' ' ')" = "up usb unit " ] || fail "commands: $(comp mvlaunch u)"
[ "$(comp mvlaunch check --j | tr '\n' ' ')" = "--json " ] || fail "options: $(comp mvlaunch check --j)"
[ "$(comp mvlaunch up --f | tr '\n' ' ')" = "--force " ] || fail "up options: $(comp mvlaunch up --f)"
[ "$(comp mvlaunch --vms "$T/vms" up w | tr '\n' ' ')" = "web " ] || fail "VM names: $(comp mvlaunch --vms "$T/vms" up w)"
[ "$(comp mvlaunch host p | tr '\n' ' ')" = "prepare " ] || fail "host: $(comp mvlaunch host p)"
# import: its options, and libvirt XML files (not every file) for the domain
[ "$(comp mvlaunch import --st | tr '\n' ' ')" = "--strict " ] || fail "import options: $(comp mvlaunch import --st)"
touch "$T/win10.xml" "$T/win10.toml"
[ "$(comp mvlaunch import "$T/win10" | tr '\n' ' ')" = "$T/win10.xml " ] || fail "import files: $(comp mvlaunch import "$T/win10")"
done_testing
