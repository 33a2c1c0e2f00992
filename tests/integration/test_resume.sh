# Durability: kill -9 at random moments never leaves a corrupt file at the final path, --resume
# finishes the experiment, and the result equals an uninterrupted run's. Also SIGTERM, a failing
# run that does not stop the rest, and a resume that refuses a changed experiment.
. tests/integration/lib.sh

args="--replicates 60 --threads 1 --quiet"
$SAMEN run -o "$TMP/ref.h5" $args 2>/dev/null || notok "reference run" "exit $?"

kills=0; bad=0
for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
    rm -rf "$TMP/k.h5" "$TMP/k.h5.partial" "$TMP/k.h5.partial.d"
    $SAMEN run -o "$TMP/k.h5" $args 2>/dev/null &
    pid=$!
    # a pseudo-random moment between 0.02 and 0.8 s
    sleep "0.$(( (i * 37 + $$) % 78 + 2 ))"
    kill -9 $pid 2>/dev/null && kills=$((kills + 1))
    wait $pid 2>/dev/null
    if [ -e "$TMP/k.h5" ]; then
        # whatever is at the final path must be the complete result
        h5diff --exclude-path /provenance "$TMP/ref.h5" "$TMP/k.h5" >/dev/null 2>&1 || bad=$((bad + 1))
    fi
    if [ -d "$TMP/k.h5.partial.d" ]; then
        $SAMEN run --resume "$TMP/k.h5" --threads 2 --quiet 2>"$TMP/err" || { bad=$((bad + 1)); cat "$TMP/err"; }
    fi
    [ -e "$TMP/k.h5" ] && [ ! -e "$TMP/k.h5.partial.d" ] || bad=$((bad + 1))
    h5diff --exclude-path /provenance "$TMP/ref.h5" "$TMP/k.h5" >/dev/null 2>&1 || bad=$((bad + 1))
done
[ $kills -ge 10 ] && [ $bad -eq 0 ] && ok "kill -9 at random moments ($kills times): never corrupt, resume equals an uninterrupted run" \
    || notok "kill -9 and resume" "$kills kills, $bad problems"

# SIGTERM: exit 143, the finished runs kept, resumable.
rm -rf "$TMP/t.h5" "$TMP/t.h5.partial.d"
$SAMEN run -o "$TMP/t.h5" --replicates 2000 --threads 1 --quiet 2>/dev/null &
pid=$!
sleep 1
kill -TERM $pid
wait $pid; rc=$?
n=$(ls "$TMP/t.h5.partial.d" 2>/dev/null | grep -c "^log-")
if [ $rc -eq 143 ] && [ ! -e "$TMP/t.h5" ] && [ "$n" -gt 0 ] && [ -s "$(ls -d "$TMP"/t.h5.partial.d/log-* | head -1)" ]; then ok "SIGTERM: exit 143, the finished runs kept in $n log(s)"
else notok "SIGTERM" "exit $rc, $n shards"; fi

# A new run refuses to start over an interrupted one; a changed experiment cannot be resumed.
$SAMEN run -o "$TMP/t.h5" --replicates 2000 --quiet 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q -- "--resume" "$TMP/err" && ok "a new run does not overwrite an interrupted one" \
    || notok "a new run does not overwrite an interrupted one" "exit $rc"
sed -i 's/^arg --replicates$/arg --replicates/; s/^arg 2000$/arg 1999/' "$TMP/t.h5.partial.d/manifest"
$SAMEN run --resume "$TMP/t.h5" --quiet 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q "changed" "$TMP/err" && ok "a changed experiment is not resumed" \
    || notok "a changed experiment is not resumed" "exit $rc: $(cat "$TMP/err")"

# One failing run is recorded and the others complete.
SAMEN_TEST_FAIL_RUN=0,1,2 $SAMEN run -o "$TMP/f.h5" --replicates 4 --quiet 2>"$TMP/err"; rc=$?
st=$($PYTHON -c "
import h5py; f = h5py.File('$TMP/f.h5', 'r'); s = f['run_status'][()]
print(int(s.sum()), int(s[1, 2]), 'injected' in f['run_status'].attrs['run_errors'].decode() if isinstance(f['run_status'].attrs['run_errors'], bytes) else 'injected' in f['run_status'].attrs['run_errors'])" 2>&1)
[ $rc -eq 0 ] && [ "$st" = "1 1 True" ] && grep -q "failed" "$TMP/err" && ok "a failing run is recorded; the rest complete" \
    || notok "a failing run is recorded" "exit $rc, status: $st"
