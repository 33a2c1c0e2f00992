#!/bin/sh
# `samen check` and bad input to `samen run`: every mistake in a scenario is one line
# FILE:LINE:COL: message on stderr, exit status 2, and no output file.
#
# Each fixture under tests/scenarios/bad/ starts with "# expect: LINE:COL: text": the first line
# on stderr must be "FILE:LINE:COL: " (FILE exactly as given on the command line) followed by a
# message containing text.
. tests/integration/lib.sh

for f in tests/scenarios/bad/*.yaml; do
    name="check rejects $(basename "$f" .yaml)"
    exp=$(sed -n '1s/^# expect: //p' "$f")
    loc=${exp%%: *}
    frag=${exp#*: }
    "$SAMEN" check "$f" >"$TMP/out" 2>"$TMP/err"; rc=$?
    first=$(head -n 1 "$TMP/err")
    if [ "$rc" -ne 2 ]; then
        notok "$name" "exit $rc, expected 2"
    elif [ -s "$TMP/out" ]; then
        notok "$name" "wrote to stdout: $(head -n 1 "$TMP/out")"
    elif [ -z "$exp" ]; then
        notok "$name" "fixture has no '# expect:' line"
    else
        case $first in
        "$f:$loc: "*)
            case $first in
            *"$frag"*) ok "$name" ;;
            *) notok "$name" "message lacks '$frag': $first" ;;
            esac ;;
        *) notok "$name" "stderr does not start with '$f:$loc: ': $first" ;;
        esac
    fi
done

# A completely empty file and a missing file.
: >"$TMP/empty.yaml"
"$SAMEN" check "$TMP/empty.yaml" >/dev/null 2>"$TMP/err"; rc=$?
first=$(head -n 1 "$TMP/err")
case "$rc:$first" in
"2:$TMP/empty.yaml:1:1: empty scenario"*) ok "check rejects an empty file" ;;
*) notok "check rejects an empty file" "exit $rc: $first" ;;
esac
"$SAMEN" check "$TMP/missing.yaml" >/dev/null 2>"$TMP/err"; rc=$?
first=$(head -n 1 "$TMP/err")
case "$rc:$first" in
"2:$TMP/missing.yaml:1:1: cannot read: "*) ok "check rejects a missing file" ;;
*) notok "check rejects a missing file" "exit $rc: $first" ;;
esac

# Valid scenarios: exit 0, the resolved scenario on stdout, and that output is itself a valid
# scenario that prints the same again.
for f in tests/scenarios/*.yaml tests/scenarios/sub/*.yaml scenarios/*.yaml; do
    name="check accepts $f"
    "$SAMEN" check "$f" >"$TMP/resolved.yaml" 2>"$TMP/err"; rc=$?
    if [ "$rc" -ne 0 ]; then
        notok "$name" "exit $rc: $(head -n 1 "$TMP/err")"
        continue
    fi
    if ! grep -q '^conditions:' "$TMP/resolved.yaml" || ! grep -q '^horizon: [0-9]' "$TMP/resolved.yaml"; then
        notok "$name" "stdout is not the resolved scenario: $(head -n 3 "$TMP/resolved.yaml")"
        continue
    fi
    ok "$name"
    # Events print as their parameters plus "# event:" comments; the comments do not load back.
    name="resolved $f checks again to the same text"
    grep -v '^ *#' "$TMP/resolved.yaml" >"$TMP/resolved-plain.yaml"
    if "$SAMEN" check "$TMP/resolved.yaml" >"$TMP/again.yaml" 2>"$TMP/err" &&
        cmp -s "$TMP/resolved-plain.yaml" "$TMP/again.yaml"; then
        ok "$name"
    else
        notok "$name" "$(head -n 1 "$TMP/err")"
    fi
done

# What check prints for an extends chain: the child's own header, the parent's world and
# conditions, and parameters merged in order.
"$SAMEN" check tests/scenarios/child.yaml >"$TMP/child.out" 2>/dev/null
if grep -q '^name: child$' "$TMP/child.out" && grep -q '^horizon: 52$' "$TMP/child.out" &&
    grep -q '^seed: 7$' "$TMP/child.out" && grep -q 'name: Zeist, employees: 550' "$TMP/child.out" &&
    grep -q '^    network.cross_org_degree: 0.25$' "$TMP/child.out" &&
    grep -q '^    network.cross_org_degree: 2$' "$TMP/child.out"; then
    ok "check prints the resolved extends chain"
else
    notok "check prints the resolved extends chain" "$(tr '\n' '|' <"$TMP/child.out")"
fi

# Several files: all are checked; one bad file makes the exit status 2.
"$SAMEN" check tests/scenarios/minimal.yaml tests/scenarios/bad/out_of_range.yaml >/dev/null 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 2 ] && grep -q '^tests/scenarios/bad/out_of_range.yaml:5:34: ' "$TMP/err"; then
    ok "check of several files fails on the bad one"
else
    notok "check of several files fails on the bad one" "exit $rc: $(head -n 1 "$TMP/err")"
fi

# run with a bad scenario: exit 2, the message, and neither the output nor a partial file.
for f in tests/scenarios/bad/out_of_range.yaml tests/scenarios/bad/syntax.yaml tests/scenarios/bad/cycle_a.yaml; do
    name="run rejects $(basename "$f" .yaml) and writes nothing"
    rm -f "$TMP/x.h5" "$TMP/x.h5.partial"
    "$SAMEN" run "$f" -o "$TMP/x.h5" >/dev/null 2>"$TMP/err"; rc=$?
    first=$(head -n 1 "$TMP/err")
    if [ "$rc" -ne 2 ]; then
        notok "$name" "exit $rc, expected 2"
    elif [ -e "$TMP/x.h5" ] || [ -e "$TMP/x.h5.partial" ]; then
        notok "$name" "left $(ls "$TMP"/x.h5*)"
    else
        case $first in
        "$f:"[0-9]*) ok "$name" ;;
        *) notok "$name" "stderr does not start with '$f:': $first" ;;
        esac
    fi
done

# run with a bad --set: exit 2, a message naming the assignment, no output.
rm -f "$TMP/x.h5" "$TMP/x.h5.partial"
"$SAMEN" run tests/scenarios/minimal.yaml -o "$TMP/x.h5" --set network.cros_org_degree=1 >/dev/null 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$TMP/x.h5" ] && [ ! -e "$TMP/x.h5.partial" ] &&
    grep -q "network.cros_org_degree=1: unknown parameter 'network.cros_org_degree' (did you mean 'network.cross_org_degree'?)" "$TMP/err"; then
    ok "run rejects an unknown --set key"
else
    notok "run rejects an unknown --set key" "exit $rc: $(head -n 1 "$TMP/err")"
fi

# --set horizon=N must not leave an event of the file after the horizon.
rm -f "$TMP/x.h5" "$TMP/x.h5.partial"
"$SAMEN" run scenarios/msd-crisis.yaml -o "$TMP/x.h5" --replicates 1 --set horizon=40 >/dev/null 2>"$TMP/err"; rc=$?
if [ "$rc" -eq 2 ] && [ ! -e "$TMP/x.h5" ] && [ ! -e "$TMP/x.h5.partial" ] &&
    grep -q "^samen: --set horizon=40: event 'crisis' at week 52 in condition 'crisis_little_structure' is after the horizon$" "$TMP/err"; then
    ok "run rejects --set horizon before an event"
else
    notok "run rejects --set horizon before an event" "exit $rc: $(head -n 1 "$TMP/err")"
fi

# The JSON Schema shipped for editors is the one the binary writes.
"$SAMEN" params --json-schema >"$TMP/schema.json"
cmp -s "$TMP/schema.json" scenarios/schema.json && ok "scenarios/schema.json is current" \
    || notok "scenarios/schema.json is current" "run: build/samen params --json-schema > scenarios/schema.json"

# Every shipped scenario names the schema on its first line, for the YAML language server.
for f in scenarios/*.yaml; do
    if [ "$(head -n 1 "$f")" = '# yaml-language-server: $schema=schema.json' ]; then ok "$f names the schema"
    else notok "$f names the schema" "first line: $(head -n 1 "$f")"; fi
done

# scenarios/national.yaml is what its generator writes.
if "$PYTHON" scripts/make-national-scenario.py >"$TMP/national.yaml" 2>"$TMP/err" &&
    cmp -s "$TMP/national.yaml" scenarios/national.yaml; then
    ok "scenarios/national.yaml is what scripts/make-national-scenario.py writes"
else
    notok "scenarios/national.yaml is what scripts/make-national-scenario.py writes" "$(head -n 1 "$TMP/err")"
fi
