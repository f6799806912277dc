#!/usr/bin/env bash
# run-unit.sh - run each cmocka test binary given; end with "N passed, N failed".
set -u
passed=0 failed=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[  (FAILED|ERROR)|^\[  PASSED|failed|Assert|ERROR' | sed "s|^|$(basename "$t"): |"
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
	passed=$((passed + ${p:-0}))
	if [ "$rc" -ne 0 ]; then
		failed=$((failed + ${f:-1}))
		printf '%s\n' "$out" | tail -20
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
