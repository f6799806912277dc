#!/usr/bin/env bash
# run.sh - run every tests/e2e/tNNNN-*.sh (or those given); end with
# "N passed, N failed, N skipped". A test exits 0, 1, or 77 for skip.
set -u
cd "$(dirname "$0")"
passed=0 failed=0 skipped=0
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(t[0-9]*.sh)
for t in "${tests[@]}"; do
	start=$(date +%s)
	out=$(bash "$t" 2>&1)
	rc=$?
	secs=$(( $(date +%s) - start ))
	case $rc in
	0) passed=$((passed + 1)); echo "ok   $t (${secs}s)" ;;
	77) skipped=$((skipped + 1)); echo "skip $t: $(printf '%s\n' "$out" | grep '^SKIP' | head -1)" ;;
	*) failed=$((failed + 1)); echo "FAIL $t (exit $rc)"; printf '%s\n' "$out" | sed 's/^/    /' ;;
	esac
done
echo "e2e: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
