#!/usr/bin/env bash
# t1001-config-lookup.sh - a VM named by NAME (--vms, $MVLAUNCH_VMS) or by path.
. "$(dirname "$0")/lib.sh" || exit 1

mkdir -p "$T/a" "$T/b"
printf 'name = "one"\n[cpu]\nmodel = "max"\n[machine]\naccel = "tcg"\n' >"$T/a/one.toml"
printf 'name = "one"\n[cpu]\nmodel = "max"\nvcpus = 2\n[machine]\naccel = "tcg"\n' >"$T/b/one.toml"

expect_code 0 "$MVLAUNCH" --vms "$T/a" argv one && expect_out "guest=one,"
MVLAUNCH_VMS="$T/b" expect_code 0 "$MVLAUNCH" argv one && expect_out "2,sockets=1,dies=1,cores=2"
# --vms wins over the environment
MVLAUNCH_VMS="$T/b" expect_code 0 "$MVLAUNCH" --vms "$T/a" argv one && expect_out "1,sockets=1,dies=1,cores=1"
# a path is used as it is
expect_code 0 "$MVLAUNCH" argv "$T/b/one.toml" && expect_out "2,sockets=1,dies=1,cores=2"
(cd "$T/a" && expect_code 0 "$MVLAUNCH" argv one.toml) && expect_out "guest=one,"
# the runtime files go under $MVLAUNCH_RUNDIR/NAME
expect_code 0 "$MVLAUNCH" --vms "$T/a" argv one && expect_out "path=$T/run/one/serial.sock,server=on"
expect_out "logfile=$T/log/one/serial.log"
expect_code 0 "$MVLAUNCH" --vms "$T/a" argv --bare one
grep -q -- '-S\|qmp.sock\|-pidfile' "$T/out" && fail "--bare still has runtime options"

# a name without a file
expect_code 1 "$MVLAUNCH" --vms "$T/a" argv nope
expect_err "mvlaunch: error: no such VM 'nope': no nope.toml in $T/a, and none by that name runs"
expect_code 1 "$MVLAUNCH" --vms "$T/a" argv onee
expect_err "mvlaunch: error: no such VM 'onee': no onee.toml in $T/a, and none by that name runs (did you mean 'one'?)"
expect_err "hint: VM configs are looked up in --vms DIR"
expect_code 1 "$MVLAUNCH" argv "$T/missing.toml"
expect_err "cannot open config '$T/missing.toml': No such file or directory"
expect_code 1 "$MVLAUNCH" argv "$T/a/"
# the name defaults to the file name
printf '[cpu]\nmodel = "max"\n[machine]\naccel = "tcg"\n' >"$T/a/web-1.toml"
expect_code 0 "$MVLAUNCH" --vms "$T/a" argv web-1 && expect_out "guest=web-1,"
printf '[cpu]\nmodel = "max"\n' >"$T/a/bad name.toml"
expect_code 1 "$MVLAUNCH" argv "$T/a/bad name.toml"
expect_err "the file name gives VM name 'bad name': ' ' is not allowed"
# a NAME that could never be a file name is refused before any path is built
expect_code 1 "$MVLAUNCH" argv "x y"
expect_err "invalid VM name 'x y': ' ' is not allowed"
done_testing
