#!/usr/bin/env bash
# t0002-cli-readme-ci.sh - README.md opens with the two commands, .ci/run runs
# exactly the README's test command, and scripts/update-readme-reference keeps
# the key table as it is when it is current.
. "$(dirname "$0")/lib.sh" || exit 1

blocks=$(awk 'BEGIN { n = 0 } /^```sh$/ { inb = 1; next } /^```$/ { if (inb) n++; inb = 0; next } inb && n < 2 { print n ": " $0 }' "$TOP/README.md")
install_cmd=$(printf '%s\n' "$blocks" | sed -n 's/^0: //p')
test_cmd=$(printf '%s\n' "$blocks" | sed -n 's/^1: //p')
case $install_cmd in
make\ deps*) ;;
*) fail "README's first command does not start with 'make deps': $install_cmd" ;;
esac
[ -n "$test_cmd" ] || fail "README has no second (test) command"
grep -qxF "$test_cmd" "$TOP/.ci/run" || fail ".ci/run does not run the README's test command: $test_cmd"

cp -r "$TOP/README.md" "$TOP/scripts" "$T/"
mkdir -p "$T/build" && ln -s "$MVLAUNCH" "$T/build/mvlaunch"
(cd "$T" && scripts/update-readme-reference) || fail "update-readme-reference failed"
cmp -s "$T/README.md" "$TOP/README.md" || fail "update-readme-reference changed a current README"
done_testing
