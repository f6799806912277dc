#!/usr/bin/env bash
# t0006-cli-options.sh - one option table per command parses and prints its
# help: options before or after operands, --opt=value, short names, '--'
# ending options; an unknown option (with the nearest name), a missing or
# extra value, a bad number of operands are errors with exit 2; and every
# option a command's --help lists is one its parser takes. No QEMU needed.
. "$(dirname "$0")/lib.sh" || exit 1
TOPO=$TOP/tests/unit/data/seed-2s-36c72t.xml
cp "$TOP/vms/dedicated-4vcpu.toml" "$TOP/vms/demo.toml" "$T/vms/"

# after the operands, as before them: the same answer
expect_code 0 "$MVLAUNCH" plan --json --topology "$TOPO" dedicated-4vcpu
cp "$T/out" "$T/before"
expect_code 0 "$MVLAUNCH" plan dedicated-4vcpu --json --topology "$TOPO"
cmp -s "$T/before" "$T/out" || fail "plan with options after the VM differs"
expect_code 0 "$MVLAUNCH" plan dedicated-4vcpu --topology="$TOPO" --json
cmp -s "$T/before" "$T/out" || fail "plan with --topology=FILE differs"
expect_code 0 "$MVLAUNCH" argv demo --bare --json
[ "$(jq -r '.[0]' "$T/out")" = qemu-system-x86_64 ] || fail "argv demo --bare --json is not JSON: $(head -c 200 "$T/out")"
expect_code 0 "$MVLAUNCH" status --json
expect_code 1 "$MVLAUNCH" down nosuchvm --force
expect_err "mvlaunch: error: no such VM 'nosuchvm'"
expect_code 1 "$MVLAUNCH" down -f nosuchvm
expect_err "mvlaunch: error: no such VM 'nosuchvm'"
expect_code 2 "$MVLAUNCH" host --dry-run status
expect_err "mvlaunch: error: 'mvlaunch host status' takes no --dry-run (status changes nothing)"

# '--' ends the options: what follows is an operand even if it starts with '-'
expect_code 2 "$MVLAUNCH" status -- --json
expect_err "mvlaunch: error: invalid VM name '--json'"

# errors: what is wrong, the synopsis, where the help is; exit 2
expect_code 2 "$MVLAUNCH" plan demo --josn
expect_err "mvlaunch: error: unknown option '--josn' for 'mvlaunch plan'"
expect_err "hint: did you mean '--json'?"
expect_err "usage: mvlaunch plan [--json] [--topology FILE.xml] [--host-config FILE] <vm>..."
expect_err "see 'mvlaunch plan --help'"
expect_code 2 "$MVLAUNCH" up -x demo
expect_err "mvlaunch: error: unknown option '-x' for 'mvlaunch up'"
expect_code 2 "$MVLAUNCH" up demo --timeout
expect_err "mvlaunch: error: option '--timeout' needs a value (S)"
expect_code 2 "$MVLAUNCH" up --timeout=soon demo
expect_err "mvlaunch: error: invalid --timeout 'soon': expected seconds (0..86400)"
expect_code 2 "$MVLAUNCH" status --json=yes
expect_err "mvlaunch: error: option '--json' takes no value (got 'yes')"
expect_code 2 "$MVLAUNCH" argv
expect_err "mvlaunch: error: 'mvlaunch argv' needs <vm>"
expect_code 2 "$MVLAUNCH" argv demo other
expect_err "mvlaunch: error: unexpected argument 'other' for 'mvlaunch argv'"
expect_code 2 "$MVLAUNCH" unit --template demo
expect_err "mvlaunch: error: 'mvlaunch unit --template' takes no <vm>: the template serves every VM"
# --help anywhere wins, as with git
expect_code 0 "$MVLAUNCH" plan demo --json --help
expect_out "usage: mvlaunch plan"

# what --help lists is what parses: each option, with a value where it takes one, then --help
for cmd in $("$MVLAUNCH" help | awk '/^Commands:/ { on = 1; next } on && /^   [a-z]/ { print $1 }'); do
	"$MVLAUNCH" "$cmd" --help >"$T/help"
	n=0
	while read -r opt arg; do
		n=$((n + 1))
		case $arg in
		S) val=5 ;;
		'') val= ;;
		*) val=$T/x ;;
		esac
		# shellcheck disable=SC2086
		"$MVLAUNCH" "$cmd" "$opt" $val --help >"$T/o" 2>"$T/e" ||
			fail "'mvlaunch $cmd --help' lists '$opt${arg:+ $arg}', which its parser refuses: $(head -1 "$T/e")"
		grep -q "^usage: mvlaunch $cmd" "$T/o" || fail "'mvlaunch $cmd $opt ... --help' printed no usage"
	done < <(sed -n 's/^    \(-[a-z], \)\{0,1\}\(--[a-z-]*\)\( [A-Za-z.]*\)\{0,1\}  .*/\2\3/p' "$T/help")
	# and the synopsis names the same options as the list
	syn=$(grep -m1 '^usage:' "$T/help" | grep -o -- '--[a-z-]*' | sort -u | tr '\n' ' ')
	lst=$(sed -n 's/^    \(-[a-z], \)\{0,1\}\(--[a-z-]*\).*/\2/p' "$T/help" | sort -u | tr '\n' ' ')
	[ "$cmd" = host ] || [ "$cmd" = unit ] || [ "$syn" = "$lst" ] ||
		fail "'mvlaunch $cmd --help': the synopsis has '$syn', the option list '$lst'"
done
done_testing
