# CLI end to end: exit codes, determinism across thread counts, shipped scenarios, no partial files.
. tests/integration/lib.sh

expect "--version exits 0" $SAMEN --version
expect "--help exits 0" $SAMEN --help
$SAMEN >/dev/null 2>&1; [ $? -eq 2 ] && ok "no command exits 2" || notok "no command exits 2" "exit $?"
$SAMEN frobnicate >/dev/null 2>&1; [ $? -eq 2 ] && ok "unknown command exits 2" || notok "unknown command exits 2" "exit $?"
$SAMEN run --bogus >/dev/null 2>&1; [ $? -eq 2 ] && ok "unknown option exits 2" || notok "unknown option exits 2" "exit $?"
$SAMEN run --threads 0 -o "$TMP/t0.h5" >/dev/null 2>&1; rc=$?
[ $rc -eq 2 ] && [ ! -e "$TMP/t0.h5" ] && ok "--threads 0 refused" || notok "--threads 0 refused" "exit $rc"
$SAMEN run --set network.cross_org_degre=2 -o "$TMP/s.h5" 2>"$TMP/err" >/dev/null; rc=$?
if [ $rc -eq 2 ] && grep -q "did you mean 'network.cross_org_degree'" "$TMP/err" && [ ! -e "$TMP/s.h5" ]; then
    ok "--set with a misspelt key: exit 2, suggestion, no file"
else notok "--set with a misspelt key" "exit $rc: $(cat "$TMP/err")"; fi
$SAMEN run --set recruit.team_min=2.5 -o "$TMP/s.h5" 2>"$TMP/err" >/dev/null; rc=$?
[ $rc -eq 2 ] && grep -q "whole number" "$TMP/err" && ok "--set non-integer refused" || notok "--set non-integer refused" "exit $rc"

# The parameter dictionary in docs/ is the one the binary generates.
$SAMEN params --markdown > "$TMP/params.md"
cmp -s "$TMP/params.md" docs/parameters.md && ok "docs/parameters.md is current" \
    || notok "docs/parameters.md is current" "run 'make params-doc'"
$PYTHON scripts/metrics-doc.py --check && ok "docs/output.md tables match sim/metrics.def" \
    || notok "docs/output.md tables match sim/metrics.def" "run 'make docs'"
$SAMEN params --json-schema | $PYTHON -c 'import json,sys; json.load(sys.stdin)' \
    && ok "params --json-schema is JSON" || notok "params --json-schema is JSON" "invalid JSON"

# Determinism: the default experiment at 1, 2 and 4 threads gives identical data.
for t in 1 2 4; do
    $SAMEN run -o "$TMP/d$t.h5" --replicates 12 --threads $t --quiet 2>/dev/null || notok "run --threads $t" "exit $?"
done
[ -e "$TMP/d1.h5" ] && [ ! -e "$TMP/d1.h5.partial" ] && ok "output at final path, no partial" || notok "output at final path" "missing"
for t in 2 4; do
    if h5diff --exclude-path /provenance "$TMP/d1.h5" "$TMP/d$t.h5" >"$TMP/diff" 2>&1; then
        ok "default experiment: 1 and $t threads identical"
    else notok "default experiment: 1 and $t threads identical" "$(head -5 "$TMP/diff")"; fi
done
# A different seed gives different data (the check above can fail).
$SAMEN run -o "$TMP/seed.h5" --replicates 12 --seed 7 --quiet 2>/dev/null
h5diff -q --exclude-path /provenance "$TMP/d1.h5" "$TMP/seed.h5" >/dev/null 2>&1 \
    && notok "another seed changes the data" "identical" || ok "another seed changes the data"

# Every shipped scenario passes check and runs identically at 1 and 2 threads.
for f in scenarios/*.yaml; do
    n=$(basename "$f" .yaml)
    if ! $SAMEN check "$f" >/dev/null 2>"$TMP/err"; then notok "check $f" "$(cat "$TMP/err")"; continue; fi
    ok "check $f"
    # Two replicates over 156 weeks keep this quick for the large files (national, designs) while
    # every mechanism a file switches on still acts (events lie within 156 weeks).
    small="--replicates 2 --set horizon=156"
    $SAMEN run "$f" -o "$TMP/$n-1.h5" $small --threads 1 --quiet 2>"$TMP/err" || { notok "run $f" "$(cat "$TMP/err")"; continue; }
    $SAMEN run "$f" -o "$TMP/$n-2.h5" $small --threads 2 --quiet 2>"$TMP/err" || { notok "run $f" "$(cat "$TMP/err")"; continue; }
    if h5diff --exclude-path /provenance "$TMP/$n-1.h5" "$TMP/$n-2.h5" >/dev/null 2>&1; then ok "$f: 1 and 2 threads identical"
    else notok "$f: 1 and 2 threads identical" "h5diff reports differences"; fi
done

# Interrupted runs leave nothing behind and exit 130.
$SAMEN run -o "$TMP/int.h5" --replicates 5000 --threads 1 --quiet 2>/dev/null &
pid=$!
sleep 1
kill -INT $pid 2>/dev/null
wait $pid; rc=$?
if [ $rc -eq 130 ] && [ ! -e "$TMP/int.h5" ] && [ ! -e "$TMP/int.h5.partial" ]; then ok "SIGINT: exit 130, no output"
else notok "SIGINT: exit 130, no output" "exit $rc; files: $(ls "$TMP" | grep int)"; fi
