#!/usr/bin/env bash
# t0001-cli-help.sh - usage, help, version and exit codes; no QEMU needed.
. "$(dirname "$0")/lib.sh" || exit 1

expect_code 0 "$MVLAUNCH" --help && expect_out "usage: mvlaunch"
expect_code 0 "$MVLAUNCH" help && expect_out "Commands:"
cmds=$(sed -n 's/^   \([a-z]*\)  .*/\1/p' "$T/out")
[ -n "$cmds" ] || fail "help lists no commands"
# every command in the table answers --help and 'help CMD' on stdout with exit 0
for c in $cmds; do
	expect_code 0 "$MVLAUNCH" "$c" --help && expect_out "usage: mvlaunch $c"
	expect_code 0 "$MVLAUNCH" help "$c" && expect_out "usage: mvlaunch $c"
	grep -q "mvlaunch $c" "$TOP/README.md" || fail "README.md never shows 'mvlaunch $c'"
done

expect_code 0 "$MVLAUNCH" --version && expect_out "mvlaunch "
expect_code 0 "$MVLAUNCH" version && expect_out "mvlaunch "

expect_code 2 "$MVLAUNCH" && expect_err "usage: mvlaunch"
expect_code 2 "$MVLAUNCH" frobnicate && expect_err "mvlaunch: error: unknown command 'frobnicate'"
expect_err "hint: see 'mvlaunch help'"
expect_code 2 "$MVLAUNCH" help frobnicate && expect_err "unknown command 'frobnicate'"
# the words of virsh, qm and docker, and typos, get the command meant
for pair in start:up stop:down shutdown:down "destroy:down --force" ls:list stauts:status plna:plan; do
	expect_code 2 "$MVLAUNCH" "${pair%%:*}" && expect_err "hint: did you mean 'mvlaunch ${pair#*:}'?"
done
expect_code 2 "$MVLAUNCH" --no-such-option
expect_code 2 "$MVLAUNCH" argv && expect_err "usage: mvlaunch argv"
expect_code 2 "$MVLAUNCH" argv --no-such-option demo
expect_code 2 "$MVLAUNCH" argv a b
expect_code 2 "$MVLAUNCH" version extra

# the key references in README.md are the ones the key tables print
expect_code 0 "$MVLAUNCH" help config
grep -qF '| `cpu.vcpus` |' "$T/out" || fail "help config lacks cpu.vcpus"
expect_code 0 "$MVLAUNCH" help host-config
grep -qF '| `reserved_cpus` |' "$T/out" || fail "help host-config lacks reserved_cpus"
for topic in config host-config hooks; do
	"$MVLAUNCH" help "$topic" >"$T/ref"
	while IFS= read -r line; do
		grep -qxF -- "$line" "$TOP/README.md" || { fail "README.md $topic reference is out of date: $line"; break; }
	done <"$T/ref"
done
# what a user reads says the reason itself, never "seed NNN" (users have no seeds)
for cmd in $("$MVLAUNCH" help | awk '/^Commands:/ { on = 1; next } on && /^   [a-z]/ { print $1 }'); do
	"$MVLAUNCH" "$cmd" --help 2>&1 | grep -qi "seed" && fail "'mvlaunch $cmd --help' mentions a seed"
done
for ref in config host-config hooks; do
	"$MVLAUNCH" help "$ref" | grep -qi "seed" && fail "'mvlaunch help $ref' mentions a seed"
done
# what could not be written is an error, not a silent success (a full disk: /dev/full)
if [ -w /dev/full ]; then
	for args in "--help" "--version" "help" "help config" "version" "unit --template" "argv --bare $TOP/vms/demo.toml" \
		"plan --topology $TOP/tests/unit/data/nosmt-2c.xml $TOP/vms/demo.toml"; do
		# shellcheck disable=SC2086
		"$MVLAUNCH" $args >/dev/full 2>"$T/err"
		rc=$?
		[ $rc = 1 ] || fail "'mvlaunch $args >/dev/full' exited $rc, expected 1"
		grep -qxF "mvlaunch: error: cannot write to standard output: No space left on device" "$T/err" ||
			fail "'mvlaunch $args >/dev/full' did not say it could not write: $(cat "$T/err")"
	done
fi
done_testing
