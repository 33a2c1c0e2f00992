# samen compare end to end: the table on the default experiment, machine formats, and a clear
# error with exit status 2 for files it did not write (empty, truncated, foreign, not HDF5).
. tests/integration/lib.sh

$SAMEN run -o "$TMP/d.h5" --replicates 12 --set horizon=156 --quiet 2>/dev/null || notok "run for compare" "exit $?"
$SAMEN compare "$TMP/d.h5" >"$TMP/table" 2>"$TMP/err"; rc=$?
if [ $rc -eq 0 ] && grep -q "baseline: network_first" "$TMP/table" && grep -q "structure_first" "$TMP/table" \
    && grep -q "95% interval" "$TMP/table"; then ok "compare prints the table"
else notok "compare prints the table" "exit $rc: $(head -3 "$TMP/err")"; fi
$SAMEN compare "$TMP/d.h5" --json | $PYTHON -c 'import json,sys; d=json.load(sys.stdin); assert d["comparisons"]' \
    && ok "compare --json is JSON" || notok "compare --json is JSON" "invalid"
$SAMEN compare "$TMP/d.h5" --csv --metric value,hours_lost >"$TMP/csv"
[ "$(wc -l <"$TMP/csv")" -eq 5 ] && head -1 "$TMP/csv" | grep -q '^point,metric,variable,better,condition' \
    && ok "compare --csv: header and one row per metric and condition" || notok "compare --csv" "$(head -2 "$TMP/csv")"

# refuse: exit 2, one line on stderr naming the file, nothing on stdout
refuse() { # NAME FILE EXPECTED-TEXT [ARGS...]
    name=$1 f=$2 want=$3; shift 3
    $SAMEN compare "$f" "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?
    if [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q "^samen: $f: .*$want" "$TMP/err"; then ok "$name"
    else notok "$name" "exit $rc: $(head -2 "$TMP/err")"; fi
}
: >"$TMP/empty.h5"
refuse "empty file: exit 2" "$TMP/empty.h5" "not a samen output (empty file)"
size=$(wc -c <"$TMP/d.h5")
head -c $((size / 2)) "$TMP/d.h5" >"$TMP/half.h5"
refuse "truncated file: exit 2" "$TMP/half.h5" "not a samen output (truncated file"
head -c 100 "$TMP/d.h5" >"$TMP/head.h5"
refuse "file cut in its header: exit 2" "$TMP/head.h5" "not a samen output"
printf 'condition,value\nnetwork_first,3\n' >"$TMP/text.h5"
refuse "text file: exit 2" "$TMP/text.h5" "not a samen output (not an HDF5 file)"
$PYTHON -c 'import h5py,sys; f=h5py.File(sys.argv[1],"w"); f["x"]=[1,2]; f.attrs["source"]="other"' "$TMP/foreign.h5" \
    && refuse "foreign HDF5 file: exit 2" "$TMP/foreign.h5" "not a samen output (written by 'other', not by samen)"
refuse "missing file: exit 2" "$TMP/nothing.h5" "No such file"
refuse "directory: exit 2" "$TMP" "not a regular file"
$SAMEN compare "$TMP/d.h5" --baseline nope >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "no condition 'nope'" "$TMP/err" && ok "unknown baseline: exit 2" || notok "unknown baseline" "exit $rc"
$SAMEN compare "$TMP/d.h5" --metric speed >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "unknown metric 'speed'" "$TMP/err" && [ "$(wc -l <"$TMP/err")" -eq 1 ] \
    && ok "unknown metric: exit 2, one line on stderr" || notok "unknown metric" "exit $rc, $(wc -l <"$TMP/err") lines"
$SAMEN compare >/dev/null 2>&1; [ $? -eq 2 ] && ok "compare without a file: exit 2" || notok "compare without a file" "exit $?"
