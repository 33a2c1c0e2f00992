#!/bin/sh
# The whole suite behind `make test`: unit binaries, CLI integration tests, Python tests.
# Ends with one line "N passed, N failed" summing all layers.
PYTHON=${PYTHON:-/usr/bin/python3}
cd "$(dirname "$0")/.." || exit 1
log=$(mktemp -d)
status=0
tests/run-unit.sh "$@" | tee "$log/unit" || status=1
tests/integration/run.sh | tee "$log/integration" || status=1
$PYTHON -m pytest -q tests/python 2>&1 | tee "$log/pytest"
count() { sed -n "s/.*[^0-9]\([0-9][0-9]*\) $2.*/\1/p" "$1" | tail -1; }
up=$(grep '^unit: ' "$log/unit" | sed 's/unit: \([0-9]*\) passed, \([0-9]*\) failed/\1/')
uf=$(grep '^unit: ' "$log/unit" | sed 's/unit: \([0-9]*\) passed, \([0-9]*\) failed/\2/')
ip=$(grep '^integration: ' "$log/integration" | sed 's/integration: \([0-9]*\) passed, \([0-9]*\) failed/\1/')
if_=$(grep '^integration: ' "$log/integration" | sed 's/integration: \([0-9]*\) passed, \([0-9]*\) failed/\2/')
pp=$(tail -1 "$log/pytest" | grep -o '[0-9]* passed' | grep -o '[0-9]*')
pf=$(tail -1 "$log/pytest" | grep -o '[0-9]* failed' | grep -o '[0-9]*')
pe=$(tail -1 "$log/pytest" | grep -o '[0-9]* error' | grep -o '[0-9]*')
[ -z "$pp" ] && [ -z "$pf" ] && pf=1
passed=$(( ${up:-0} + ${ip:-0} + ${pp:-0} ))
failed=$(( ${uf:-1} + ${if_:-1} + ${pf:-0} + ${pe:-0} ))
rm -rf "$log"
[ "$failed" -ne 0 ] && status=1
echo "$passed passed, $failed failed"
exit $status
