"""One self-contained HTML report of a samen output, for readers who are not programmers:

    /usr/bin/python3 analysis/report.py OUT.h5 -o report.html [--lang nl] [--baseline NAME]

The question, the conditions in words, the headline comparison, the plots (PNG embedded as data
URIs), a plain-language summary of what is and is not certain, and a provenance appendix. The
page loads nothing from anywhere; a small inline script only records, in data- attributes of
<body>, whether every image decoded and whether any script failed (tests read them).
"""
import argparse
import base64
import hashlib
import html
import io
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

from . import attr, open_output, open_parameters, open_provenance, parameter_word, plots, stats, varied_parameters
from . import text
from .text import TEXT, value

CSS = """
body{font-family:"DejaVu Sans",Verdana,Arial,sans-serif;max-width:980px;margin:2em auto;padding:0 1.2em;
color:#1d1d1f;line-height:1.5;font-size:15px;background:#fff}
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:2em;border-bottom:2px solid #dee2e6;
padding-bottom:.2em}h3{font-size:1.05em;margin-top:1.4em}.sub{color:#555;margin-top:0}
table{border-collapse:collapse;margin:.6em 0 1em;font-size:.9em;width:100%}
th,td{border-bottom:1px solid #dee2e6;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f1f3f5}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.better{color:#2b8a3e;font-weight:bold}.worse{color:#c92a2a;font-weight:bold}.unclear{color:#666}
figure{margin:1.2em 0}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{font-size:.9em;color:#444;margin-top:.3em}
pre{background:#f8f9fa;border:1px solid #dee2e6;padding:.8em;overflow-x:auto;font-size:.8em;white-space:pre-wrap}
.box{background:#f8f9fa;border-left:4px solid #1971c2;padding:.6em 1em;margin:1em 0}
dl.prov{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;font-size:.85em}
dl.prov dt{font-weight:bold}dl.prov dd{margin:0;word-break:break-all}
"""

# Records in <body data-...> whether every image decoded and whether a script error happened.
CHECK_SCRIPT = """
(function () {
  var scriptErrors = 0, brokenResources = 0;
  window.addEventListener('error', function (e) {
    if (e.target && e.target !== window && e.target.tagName) brokenResources++; else scriptErrors++;
    mark();
  }, true);
  function mark() {
    var imgs = document.images, ok = 0;
    for (var i = 0; i < imgs.length; i++) if (imgs[i].complete && imgs[i].naturalWidth > 0) ok++;
    var b = document.body.dataset;
    b.images = imgs.length; b.imagesLoaded = ok; b.brokenResources = brokenResources;
    b.scriptErrors = scriptErrors;
    b.pageHeight = Math.ceil(document.documentElement.scrollHeight);
    b.imagesOk = (imgs.length > 0 && ok === imgs.length && brokenResources === 0) ? 'true' : 'false';
  }
  window.addEventListener('load', mark);
})();
"""

E = html.escape


def _png(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=96)
    plots.plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _figure(fig, caption, alt):
    return (f'<figure><img alt="{E(alt)}" src="data:image/png;base64,{_png(fig)}">'
            f"<figcaption>{caption}</figcaption></figure>")


def _sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _verdict(r, lower):
    """'better', 'worse' or 'unclear' for a comparison row."""
    if not (math.isfinite(r["lo"]) and math.isfinite(r["hi"])) or (r["lo"] <= 0 <= r["hi"]):
        return "unclear"
    return "better" if (r["difference"] < 0) == lower else "worse"


def _pct(p, lang):
    return "–" if p is None or not math.isfinite(p) else f"{100 * p:.0f}%"


def _typical(r):
    """The size that sets a row's decimals: the difference for shares, else the baseline mean."""
    if text.METRIC_FORMAT.get(r["metric"], ("number",))[0] == "share":
        return r["difference"]
    return r["mean_baseline"]


def _sentence(r, t, lang):
    m = r["metric"]
    lower = stats.METRIC[m]["lower_is_better"]
    v = _verdict(r, lower)
    typ = _typical(r)
    fields = dict(label=t["metric_" + m], c=E(r["condition"]), b=E(r["baseline"]),
                  vc=value(m, r["mean"], lang, r["mean_baseline"]), vb=value(m, r["mean_baseline"], lang),
                  d=value(m, r["difference"], lang, typ, diff=True),
                  lo=value(m, r["lo"], lang, typ, diff=True, unit=False),
                  hi=value(m, r["hi"], lang, typ, diff=True, unit=False), p=_pct(r["p_better"], lang), n=r["n"])
    if v == "unclear":
        s = t["sent_unclear"].format(**fields)
    else:
        s = t["sent_clear"].format(dir=t["dir_lower"] if r["difference"] < 0 else t["dir_higher"],
                                   bw=t["bw_" + v], **fields)
    if r["enough"] is False and math.isfinite(r["wanted_halfwidth"]):
        s += t["sent_wide"].format(need=r["replicates_needed"], n=r["n"],
                                   w=value(m, r["wanted_halfwidth"], lang, r["wanted_halfwidth"], diff=True).lstrip("+"))
    return s


def build(path, lang="en", baseline=None, metrics=None):
    """The report of the output file at path as one HTML string."""
    t = TEXT[lang]
    ds = open_output(path)
    par = open_parameters(path)
    prov = open_provenance(path)
    comp = stats.paired_comparison(ds, baseline, metrics)
    conds = [str(c) for c in ds["condition"].values]
    base = comp["baseline"].iloc[0]
    R = ds.sizes["replicate"]
    title = attr(ds, "title", "") or attr(ds, "scenario_name", "") or os.path.basename(path)
    seed = attr(ds, "seed", 0)
    has_point = "point" in ds.dims
    c0 = comp[comp["point"] == 0]
    out = [f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{E(t['title_prefix'])}: {E(title)}</title><style>{CSS}</style>",
           f"<script>{CHECK_SCRIPT}</script></head><body>",
           f"<h1>{E(title)}</h1>",
           f'<p class="sub">{E(t["title_prefix"])} · {E(os.path.basename(path))} · '
           f'{E(str(attr(ds, "source", "")))}</p>']

    # the question
    out.append(f"<h2>{t['question']}</h2><p>{t['question_text'].format(C=len(conds), R=R, base=E(base))}</p>")
    failed = int((ds["run_status"].values != 0).sum()) if "run_status" in ds else 0
    if has_point:
        out.append(f"<p>{t['points_text'].format(P=ds.sizes['point'], method=E(str(attr(ds, 'design_method', ''))))}</p>")
    if failed:
        out.append(f"<p>{t['failed_text'].format(k=failed)}</p>")

    # the conditions in words
    keys = varied_parameters(par)
    bi = conds.index(base)
    items = []
    for ci, c in enumerate(conds):
        if ci == bi:
            items.append(f"<li><strong>{E(c)}</strong>: {t['cond_baseline']}</li>")
            continue
        diffs = []
        for k in keys:
            v, bv = par[k].values[ci], par[k].values[bi]
            if v != bv:
                diffs.append(t["cond_param"].format(name=E(str(par[k].attrs.get("long_name", k))), key=E(k),
                                                    value=E(parameter_word(par, k, v)),
                                                    base_value=E(parameter_word(par, k, bv))))
        body = (t["cond_diff"] + ": " + "; ".join(diffs) + ".") if diffs else t["cond_same"]
        items.append(f"<li><strong>{E(c)}</strong>: {body}</li>")
    out.append(f"<h2>{t['conditions']}</h2><ul>{''.join(items)}</ul><p class=\"sub\">{t['param_note']}</p>")

    # the headline
    out.append(f"<h2>{t['headline']}</h2>")
    for c in conds:
        if c == base:
            continue
        rows = c0[c0["condition"] == c]
        groups = {"better": [], "worse": [], "unclear": []}
        for _, r in rows.iterrows():
            groups[_verdict(r, stats.METRIC[r["metric"]]["lower_is_better"])].append(t["metric_" + r["metric"]])

        def lst(g):
            return f" ({'; '.join(g)})" if g else ""
        out.append('<p class="box">' + t["headline_cond"].format(
            c=E(c), b=E(base), nb=len(groups["better"]), nm=len(rows), lb=lst(groups["better"]),
            nw=len(groups["worse"]), lw=lst(groups["worse"]), nu=len(groups["unclear"]),
            lu=lst(groups["unclear"])) + "</p>")
        out.append(f"<h3>{t['table_title'].format(c=E(c), b=E(base))}</h3><table><tr><th>{t['col_outcome']}</th>"
                   f"<th>{t['col_better']}</th><th>{E(base)}</th><th>{E(c)}</th><th>{t['col_diff']}</th>"
                   f"<th>{t['col_p']}</th><th>{t['col_verdict']}</th></tr>")
        for _, r in rows.iterrows():
            m = r["metric"]
            lower = stats.METRIC[m]["lower_is_better"]
            v = _verdict(r, lower)
            typ = _typical(r)
            short = t["pp_short"] if text.METRIC_FORMAT.get(m, ("number",))[0] == "share" else ""
            d = (f"{value(m, r['difference'], lang, typ, True, unit=False)}{' ' + short if short else ''} "
                 f"({value(m, r['lo'], lang, typ, True, unit=False)} … "
                 f"{value(m, r['hi'], lang, typ, True, unit=False)})")
            out.append(f"<tr><td>{t['metric_' + m]}</td><td>{t['lower' if lower else 'higher']}</td>"
                       f"<td class=num>{value(m, r['mean_baseline'], lang)}</td>"
                       f"<td class=num>{value(m, r['mean'], lang, r['mean_baseline'])}</td>"
                       f"<td class=num>{d}</td><td class=num>{_pct(r['p_better'], lang)}</td>"
                       f"<td class={v}>{t['v_' + v]}</td></tr>")
        out.append("</table>")
    if len(conds) > 2:
        out.append(f"<h3>{t['ranking']}</h3><p>{t['ranking_text']}</p><table><tr><th>{t['col_outcome']}</th>"
                   f"<th>{t['col_rank']}</th></tr>")
        for m in dict.fromkeys(c0["metric"]):
            g = c0[c0["metric"] == m].sort_values("rank")
            out.append(f"<tr><td>{t['metric_' + m]}</td><td>{' &gt; '.join(E(x) for x in g['condition'])}</td></tr>")
        out.append("</table>")

    # plain language
    out.append(f"<h2>{t['summary']}</h2>")
    for c in conds:
        if c == base:
            continue
        out.append("<ul>" + "".join(f"<li>{_sentence(r, t, lang)}</li>"
                                     for _, r in c0[c0["condition"] == c].iterrows()) + "</ul>")
    nb = c0[c0["condition"] != base]
    bad = nb[nb["enough"] == False]  # noqa: E712 (a column of True/False/None)
    out.append(f"<h3>{t['few_title']}</h3><p>{t['few_text'].format(m=stats.MIN_REPLICATES)} ")
    out.append((t["few_ok"] if bad.empty else t["few_bad"].format(
        k=len(bad), t=len(nb), need=int(bad["replicates_needed"].max()), n=R)) + "</p>")
    out.append(f"<h3>{t['certain_title']}</h3>" + "".join(f"<p>{p}</p>" for p in t["certain"]))
    out.append(f"<h3>{t['notshown_title']}</h3>" + "".join(f"<p>{p}</p>" for p in t["notshown"]))

    # plots
    out.append(f"<h2>{t['plots']}</h2>")
    if "time" in ds.dims and any(v in ds for v in plots.FAN_SERIES):
        out.append(_figure(plots.fan_chart(ds, text=t), t["fig_fan"], "fan chart"))
    out.append(_figure(plots.forest_plot(comp, text=t), t["fig_forest"], "forest plot"))
    if "project_launch" in ds and ds.sizes.get("project", 0):
        p0 = 0 if has_point else None
        out.append(_figure(plots.survival_plot(ds, point=p0, text=t), t["fig_survival"], "survival curves"))
        out.append(_figure(plots.collaborations_plot(ds, 0, text=t), t["fig_collab"], "collaborations"))
        if "partner_organisation" in ds and "organisation_name" in ds:
            week = min(104, int(attr(ds, "horizon", 104)))
            out.append(_figure(plots.network_plot(ds, week, base, 0, text=t),
                               t["fig_network"].format(w=week, c=E(base)), "network of organisations"))
    out.extend(_design_figures(ds, par, t, lang))

    # provenance
    out.append(f"<h2>{t['provenance']}</h2><p>{t['prov_text']}</p>")
    out.append(f"<p>{t['prov_stats'].format(B=stats.RESAMPLES, seed=E(str(seed)))}</p><dl class=prov>")
    facts = [(t["prov_file"], str(path)), (t["prov_sha"], _sha256(path))]
    for k in ("source", "samen_version", "git_revision", "compiler", "hdf5_version", "gsl_version", "yaml_version",
              "scenario_name", "seed", "horizon", "replicates", "cohort_cutoff"):
        if k in ds.attrs:
            facts.append((k, attr(ds, k)))
    for k in ("command_line", "scenario_path", "started", "threads", "wall_seconds", "host"):
        if k in prov:
            facts.append((k, prov[k]))
    out.extend(f"<dt>{E(str(k))}</dt><dd>{E(str(v))}</dd>" for k, v in facts if str(v) != "")
    out.append(f"</dl><h3>{t['prov_scenario']}</h3><pre>{E(str(attr(ds, 'scenario_text', '')))}</pre>")
    out.append(f'<p class="sub">{t["generated"].format(file=E(os.path.basename(path)), version=E(str(attr(ds, "samen_version", "?"))))}</p>')
    out.append("</body></html>\n")
    return "\n".join(out)


def _design_figures(ds, par, t, lang):
    """Heatmap, response, tornado and Sobol figures where the design allows them."""
    from . import design_table
    figs = []
    table = design_table(ds, par)
    keys = [k for k in table.columns if k not in ("point", "condition") and table[k].nunique() > 1]
    var = "summary_success_launched" if "summary_success_launched" in ds else None
    if var is None:
        return figs
    label = plots.var_label(ds, var, t)
    numeric = [k for k in keys if not (k in par and par[k].attrs.get("flag_meanings"))]
    if len(keys) >= 2:
        x, y = keys[0], keys[1]
        figs.append(_figure(plots.heatmap(ds, par, var, x, y, text=t), t["fig_heatmap"].format(var=E(label)),
                            "heatmap"))
    if numeric:
        x = numeric[0]
        g = next((k for k in keys if k != x), None)
        figs.append(_figure(plots.response_plot(ds, par, var, x, g, text=t),
                            t["fig_response"].format(var=E(label), x=E(x), g=E(g or "-")), "response"))
    if len(keys) >= 2:
        figs.append(_figure(plots.tornado_plot(stats.tornado(ds, var, par), text=t),
                            t["fig_tornado"].format(var=E(label)), "tornado"))
    idx = stats.sobol_from_output(ds, ["success"] if "summary_success_launched" in ds else None)
    if len(idx):
        for c in dict.fromkeys(idx["condition"]):
            sub = idx[idx["condition"] == c]
            figs.append(_figure(plots.sobol_plot(sub, f"{label}, {c}", text=t),
                                t["fig_sobol"].format(var=E(label), c=E(c)), "sobol"))
    return figs


# ---- headless Chromium -------------------------------------------------------------------------

def chromium():
    """The headless browser (Debian's chromium), or None."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


def _chromium_run(args, timeout=120):
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed (Debian package 'chromium')")
    with tempfile.TemporaryDirectory() as profile:
        cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               "--hide-scrollbars", f"--user-data-dir={profile}"] + args
        return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


def page_check(html_path, width=1100):
    """Load the report in headless Chromium and return what its inline check recorded: images,
    imagesLoaded, brokenResources, scriptErrors, pageHeight (ints at that window width) and
    imagesOk (bool); {} when the check did not run (a script error before it, or no DOM)."""
    import re
    p = _chromium_run([f"--window-size={width},1000", "--virtual-time-budget=10000", "--dump-dom",
                       "file://" + os.path.abspath(html_path)])
    m = re.search(r"<body([^>]*)>", p.stdout)
    if not m:
        return {}
    attrs = dict(re.findall(r'data-([a-z-]+)="([^"]*)"', m.group(1)))
    out = {}
    for k, v in attrs.items():
        key = re.sub(r"-([a-z])", lambda x: x.group(1).upper(), k)
        out[key] = v == "true" if key == "imagesOk" else int(v) if v.isdigit() else v
    return out


def screenshot(html_path, png_path, width=1100, height=None, crop=True):
    """A PNG of the whole rendered report (headless Chromium), cropped below the last content."""
    if height is None:
        height = min(int(page_check(html_path, width).get("pageHeight", 9000)) + 40, 30000)
    p = _chromium_run([f"--screenshot={os.path.abspath(png_path)}", f"--window-size={width},{height}",
                       "--virtual-time-budget=10000", "file://" + os.path.abspath(html_path)])
    if not os.path.exists(png_path):
        raise RuntimeError(f"chromium wrote no screenshot: {p.stderr[-500:]}")
    if crop:
        from PIL import Image
        im = Image.open(png_path).convert("RGB")
        a = np.asarray(im)
        rows = np.where((a < 250).any(axis=(1, 2)))[0]
        if rows.size:
            im.crop((0, 0, im.width, min(im.height, rows[-1] + 40))).save(png_path, optimize=True)
    return png_path


def main(argv=None):
    a = argparse.ArgumentParser(prog="report.py", description="Write a self-contained HTML report of a samen output.")
    a.add_argument("file", help="the output file (samen run -o FILE)")
    a.add_argument("-o", "--output", required=True, help="the HTML file to write")
    a.add_argument("--lang", choices=sorted(TEXT), default="en", help="language of the report (en, nl)")
    a.add_argument("--baseline", help="the condition to compare with (default: the first)")
    a.add_argument("--metric", action="append", help="an outcome to report (repeatable; default: the main ones); "
                   "one of " + ", ".join(stats.METRIC))
    a.add_argument("--screenshot", metavar="PNG", help="also render the report with headless Chromium into PNG")
    args = a.parse_args(argv)
    metrics = None
    if args.metric:
        metrics = [m for x in args.metric for m in x.split(",")]
        bad = [m for m in metrics if m not in stats.METRIC]
        if bad:
            a.error(f"unknown metric {bad[0]!r}; choose from {', '.join(stats.METRIC)}")
    try:
        page = build(args.file, args.lang, args.baseline, metrics)
    except (OSError, KeyError, ValueError) as e:
        print(f"report.py: {args.file}: cannot read it as a samen output ({e})", file=sys.stderr)
        return 2
    tmp = args.output + ".partial"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(page)
    os.replace(tmp, args.output)
    if args.screenshot:
        screenshot(args.output, args.screenshot)
    print(f"report.py: wrote {args.output}", file=sys.stderr)
    return 0
