#!/bin/sh
# Rewrite the parameter table of docs/ODD.md (between <!-- params:begin --> and <!-- params:end -->)
# from the parameter table, as `samen params --odd` writes it.
#   scripts/odd-params.sh [SAMEN [ODD]]     defaults: build/samen docs/ODD.md
samen=${1:-build/samen}
odd=${2:-docs/ODD.md}
begin='<!-- params:begin -->'
end='<!-- params:end -->'
if [ "$(grep -cxF "$begin" "$odd")" != 1 ] || [ "$(grep -cxF "$end" "$odd")" != 1 ]; then
    echo "odd-params: $odd needs exactly one '$begin' line and one '$end' line" >&2
    exit 1
fi
gen=$(mktemp) && out=$(mktemp) || exit 1
trap 'rm -f "$gen" "$out"' EXIT
"$samen" params --odd > "$gen" || exit 1
awk -v gen="$gen" -v b="$begin" -v e="$end" '
    $0 == b { print; while ((getline line < gen) > 0) print line; skip = 1; next }
    $0 == e { skip = 0 }
    !skip' "$odd" > "$out" || exit 1
cmp -s "$out" "$odd" || cat "$out" > "$odd"
