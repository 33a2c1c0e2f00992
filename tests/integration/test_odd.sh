# docs/ODD.md section 10 lists every parameter of sim/params.def, as the binary generates it.
. tests/integration/lib.sh

b='<!-- params:begin -->'
e='<!-- params:end -->'
if [ "$(grep -cxF "$b" docs/ODD.md)" = 1 ] && [ "$(grep -cxF "$e" docs/ODD.md)" = 1 ]; then
    ok "docs/ODD.md has one parameter section"
else notok "docs/ODD.md has one parameter section" "needs one '$b' and one '$e' line"; fi
awk -v b="$b" -v e="$e" '$0 == e { on = 0 } on { print } $0 == b { on = 1 }' docs/ODD.md > "$TMP/section"

# The section is what `samen params --odd` writes from the table.
$SAMEN params --odd > "$TMP/odd" 2>"$TMP/err" || notok "params --odd" "exit $?: $(cat "$TMP/err")"
cmp -s "$TMP/odd" "$TMP/section" && ok "docs/ODD.md parameter section is current" \
    || notok "docs/ODD.md parameter section is current" "run 'make docs'"

# Every key of params.def appears exactly once in the section, and nothing else does.
sed -n 's/^SAMEN_PARAM( *[A-Za-z0-9_]* *, *"\([^"]*\)".*/\1/p' sim/params.def | sort > "$TMP/keys.def"
sed -n 's/^| `\([^`]*\)` |.*/\1/p' "$TMP/section" | sort > "$TMP/keys.odd"
n=$(wc -l < "$TMP/keys.def")
if [ "$n" -gt 0 ] && [ "$n" = "$(grep -c '^SAMEN_PARAM(' sim/params.def)" ] && cmp -s "$TMP/keys.def" "$TMP/keys.odd"; then
    ok "docs/ODD.md lists each of the $n parameters once"
else
    notok "docs/ODD.md lists each parameter once" \
        "$(diff "$TMP/keys.def" "$TMP/keys.odd" | grep '^[<>]' | head -5 | tr '\n' ' ')"
fi
dup=$(uniq -d "$TMP/keys.odd" | head -3 | tr '\n' ' ')
[ -z "$dup" ] && ok "no parameter listed twice" || notok "no parameter listed twice" "$dup"

# Every row gives a source (a reference or the word 'assumption').
empty=$(grep '^| `' "$TMP/section" | awk -F ' [|] ' '{ s = $NF; sub(/ *[|]$/, "", s); if (s == "") print $1 }' | head -3)
[ -z "$empty" ] && ok "every parameter has a source" || notok "every parameter has a source" "none for $empty"
