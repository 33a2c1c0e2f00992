#!/usr/bin/python3
"""Rewrite the variable tables of docs/output.md from sim/metrics.def (the one list of observables).

    scripts/metrics-doc.py           rewrite docs/output.md in place
    scripts/metrics-doc.py --check   exit 1 when docs/output.md is not current

The tables sit between <!-- metrics:ts -->, <!-- metrics:sum -->, <!-- metrics:proj --> and
<!-- /metrics --> markers.
"""
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEF = (ROOT / "sim" / "metrics.def").read_text()
DOC = ROOT / "docs" / "output.md"


def entries(kind):
    # SAMEN_TS(id, "name", "units", "long") / SAMEN_PROJ(id, type, "name", "units", "long" "long")
    pat = re.compile(r"SAMEN_%s\(\s*(\w+),\s*(?:(\w+),\s*)?((?:\"[^\"]*\"\s*)+),\s*((?:\"[^\"]*\"\s*)+),\s*((?:\"[^\"]*\"\s*)+)\)" % kind)
    out = []
    for m in pat.finditer(DEF):
        join = lambda s: "".join(re.findall(r"\"([^\"]*)\"", s))
        out.append((m.group(2), join(m.group(3)), join(m.group(4)), join(m.group(5))))
    return out


def table(kind):
    rows = []
    if kind == "PROJ":
        rows.append("| variable | type | units | meaning |\n|---|---|---|---|")
        for ctype, name, units, long in entries(kind):
            rows.append(f"| `project_{name}` | {ctype} | {units} | {long} |")
    else:
        prefix = "summary_" if kind == "SUM" else ""
        rows.append("| variable | units | meaning |\n|---|---|---|")
        for _, name, units, long in entries(kind):
            rows.append(f"| `{prefix}{name}` | {units} | {long} |")
    return "\n".join(rows)


def render(doc):
    for tag, kind in (("ts", "TS"), ("sum", "SUM"), ("proj", "PROJ")):
        doc = re.sub(r"(<!-- metrics:%s -->\n).*?(\n<!-- /metrics -->)" % tag,
                     lambda m: m.group(1) + table(kind) + m.group(2), doc, flags=re.S)
    return doc


if __name__ == "__main__":
    old = DOC.read_text()
    new = render(old)
    if "--check" in sys.argv:
        sys.exit(0 if new == old else 1)
    DOC.write_text(new)
