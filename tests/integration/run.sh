#!/bin/sh
# Run every tests/integration/test_*.sh. Each script prints "ok - NAME" or "not ok - NAME: why"
# per check. Ends with "integration: N passed, N failed".
cd "$(dirname "$0")/../.." || exit 1
export SAMEN="${SAMEN:-build/samen}"
export PYTHON="${PYTHON:-/usr/bin/python3}"
passed=0; failed=0
for t in tests/integration/test_*.sh; do
    out=$(sh "$t" 2>&1); rc=$?
    printf '%s\n' "$out"
    p=$(printf '%s\n' "$out" | grep -c '^ok - ')
    f=$(printf '%s\n' "$out" | grep -c '^not ok - ')
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "not ok - $t exited $rc"; fi
    passed=$((passed + p)); failed=$((failed + f))
done
echo "integration: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
