"""Plots of a samen output, each a function that returns a matplotlib Figure (Agg backend, no
display needed) and a subcommand of analysis/plots.py:

    fan_chart(ds)                  weekly series per condition: median and replicate bands
    forest_plot(comparison)        paired differences from the baseline with 95% intervals
    survival_plot(ds)              collaborations not stalled or dissolved, and completed, by age
    heatmap(ds, par, var, x, y)    mean outcome over two varied parameters
    response_plot(ds, par, var, x) mean outcome (95% interval) against one parameter
    sobol_plot(indices)            first- and total-order Sobol indices with intervals
    tornado_plot(table)            outcome at the lowest and highest value of each parameter
    collaborations_plot(ds)        every collaboration of one replicate over time
    network_plot(ds, week)         organisations joined by the collaborations running in one week

`ds` comes from samen_analysis.open_output, `par` from open_parameters, `comparison` from
stats.paired_comparison, `indices` from stats.sobol_from_output or stats.sobol_indices.
Labels are English unless a `text` mapping (report.TEXT[lang]) is given.
"""
import collections
import itertools

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402

from . import stats  # noqa: E402

FAN_SERIES = ("completed", "value", "active", "trust_participants")
OUTCOME_COLOURS = {0: "#bbbbbb", 1: "#2b8a3e", 2: "#c92a2a", 3: "#e67700", 4: "#1971c2", 5: "#862e9c"}
OUTCOME_WORDS = {0: "fizzled", 1: "completed", 2: "dissolved", 3: "stalled at the horizon", 4: "active at the horizon",
                 5: "killed by a review"}
FORMATION_COLOURS = {0: "#1971c2", 1: "#e67700", 2: "#7048e8", 3: "#ae3ec9", 4: "#c92a2a"}
FORMATION_WORDS = {0: "network-first", 1: "structure-first", 2: "mandated", 3: "mandated (what, not how)",
                   4: "crisis network"}


def _colour(i):
    return plt.get_cmap("tab10")(i % 10)


def _t(text, key, default):
    return (text or {}).get(key, default)


def _conditions(ds, conditions=None):
    names = [str(c) for c in ds["condition"].values]
    return names if conditions is None else [c for c in names if c in conditions]


def fan_chart(ds, variables=FAN_SERIES, conditions=None, point=0, text=None):
    """One panel per weekly series: per condition the median over replicates and bands holding
    the middle 50% and 90% of replicates."""
    variables = [v for v in variables if v in ds]
    cols = 2 if len(variables) > 1 else 1
    rows = (len(variables) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(5.2 * cols, 3.2 * rows), squeeze=False)
    t = ds["time"].values
    for ax, var in zip(axes.flat, variables):
        da = ds[var]
        if "point" in da.dims:
            da = da.isel(point=point)
        for i, c in enumerate(_conditions(ds, conditions)):
            x = da.sel(condition=c).values  # replicate x time
            with np.errstate(all="ignore"), _quiet():
                q = np.nanquantile(x, [0.05, 0.25, 0.5, 0.75, 0.95], axis=0)
            col = _colour(list(ds["condition"].values).index(c))
            ax.fill_between(t, q[0], q[4], color=col, alpha=0.12, lw=0)
            ax.fill_between(t, q[1], q[3], color=col, alpha=0.25, lw=0)
            ax.plot(t, q[2], color=col, lw=1.8, label=c)
        ax.set_title(_t(text, "series_" + var, short_name(da.attrs.get("long_name", var))), fontsize=9)
        ax.set_xlabel(_t(text, "week", "week"))
        unit = da.attrs.get("units", "")
        if unit and unit != "1":
            ax.set_ylabel(unit)
        ax.grid(alpha=0.3)
    for ax in list(axes.flat)[len(variables):]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=8, loc="upper left")
    fig.suptitle(_t(text, "fan_title", "Median over replicates, middle 50% and 90% of replicates shaded"), fontsize=10)
    fig.tight_layout()
    return fig


def short_name(long_name):
    """A long name without its parenthesised remarks, for a panel title."""
    return long_name.split(" (")[0]


def var_label(ds, var, text=None):
    """The label of a summary variable: the metric's label when it is one, else its long name."""
    for m in stats.METRICS:
        if m[1] == var:
            return _t(text, "metric_" + m[0], m[2])
    return short_name(ds[var].attrs.get("long_name", var)) if var in ds else var


class _quiet:
    """Silence numpy's all-NaN warnings inside a with block."""

    def __enter__(self):
        import warnings
        self._w = warnings.catch_warnings()
        self._w.__enter__()
        warnings.simplefilter("ignore", RuntimeWarning)

    def __exit__(self, *exc):
        return self._w.__exit__(*exc)


def forest_plot(comparison, point=0, text=None):
    """One panel per metric: each condition's paired difference from the baseline with its 95%
    interval; the arrow under each panel says which direction is better."""
    df = comparison[(comparison["point"] == point) & (comparison["condition"] != comparison["baseline"])]
    metrics = list(dict.fromkeys(df["metric"]))
    conds = list(dict.fromkeys(df["condition"]))
    all_conds = list(dict.fromkeys(comparison["condition"]))
    fig, axes = plt.subplots(len(metrics), 1, figsize=(8, (0.4 * len(conds) + 0.95) * len(metrics) + 0.5),
                             squeeze=False)
    for ax, m in zip(axes[:, 0], metrics):
        sub = df[df["metric"] == m].set_index("condition").reindex(conds)
        y = np.arange(len(conds))[::-1]
        for yi, c in zip(y, conds):
            r = sub.loc[c]
            col = _colour(all_conds.index(c))
            if np.isfinite(r["lo"]):
                ax.plot([r["lo"], r["hi"]], [yi, yi], color=col, lw=2.5)
            ax.plot([r["difference"]], [yi], "o", color=col, ms=7)
        ax.axvline(0, color="k", lw=0.8)
        ax.set_yticks(y)
        ax.set_yticklabels(conds, fontsize=8)
        ax.set_ylim(-0.7, len(conds) - 0.3)
        lower = stats.METRIC[m]["lower_is_better"]
        ax.set_title(_t(text, "metric_" + m, stats.METRIC[m]["label"]), fontsize=9, loc="left")
        ax.set_xlabel(_t(text, "better_lower" if lower else "better_higher",
                         "<- better (lower)" if lower else "better (higher) ->"), fontsize=8)
        ax.grid(axis="x", alpha=0.3)
        lo = np.nanmin(np.r_[sub["lo"].values, sub["difference"].values, 0.0])
        hi = np.nanmax(np.r_[sub["hi"].values, sub["difference"].values, 0.0])
        pad = 0.08 * (hi - lo if hi > lo else 1)
        ax.set_xlim(lo - pad, hi + pad)
    base = comparison["baseline"].iloc[0]
    fig.suptitle(_t(text, "forest_title", "Difference from {base} (paired), with 95% interval").format(base=base),
                 fontsize=10)
    fig.tight_layout()
    return fig


def survival_plot(ds, conditions=None, point=None, text=None):
    """Left: the share of launched collaborations not (yet) stalled or dissolved, by age, with
    completed ones counting as survivors (1 - cumulative incidence of failure). Right: the
    cumulative share completed. Aalen-Johansen estimates, censored at the horizon."""
    s = stats.survival(ds, point)
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10.4, 3.6))
    names = [str(c) for c in ds["condition"].values]
    for c in _conditions(ds, conditions):
        g = s[s["condition"] == c]
        col = _colour(names.index(c))
        a1.step(g["age"], g["alive"], where="post", color=col, lw=1.8, label=c)
        a2.step(g["age"], g["completed"], where="post", color=col, lw=1.8, label=c)
    a1.set_title(_t(text, "surv_alive", "Not stalled or dissolved (completed count as survivors)"), fontsize=9)
    a2.set_title(_t(text, "surv_completed", "Completed"), fontsize=9)
    for a in (a1, a2):
        a.set_xlabel(_t(text, "age", "weeks since launch"))
        a.set_ylim(0, 1.02)
        a.grid(alpha=0.3)
    a1.set_ylabel(_t(text, "share", "share of launched collaborations"))
    a1.legend(fontsize=8, loc="lower left")
    fig.tight_layout()
    return fig


def heatmap(ds, par, var, x, y, condition=None, text=None):
    """Mean of the summary `var` over replicates (and everything else) for each combination of
    the values of parameters x and y, as a coloured grid with the numbers written in."""
    df = stats.outcome_long(ds, var, par)
    if condition is not None:
        df = df[df["condition"] == condition]
    tab = df.groupby([y, x])["value"].mean().unstack(x)
    fig, ax = plt.subplots(figsize=(1.3 * tab.shape[1] + 3, 0.8 * tab.shape[0] + 2))
    im = ax.imshow(tab.values, origin="lower", aspect="auto", cmap="viridis")
    ax.set_xticks(range(tab.shape[1]))
    ax.set_xticklabels([stats_word(par, x, v) for v in tab.columns], fontsize=8)
    ax.set_yticks(range(tab.shape[0]))
    ax.set_yticklabels([stats_word(par, y, v) for v in tab.index], fontsize=8)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    vals = tab.values
    finite = vals[np.isfinite(vals)]
    mid = (finite.min() + finite.max()) / 2 if finite.size else 0
    for i in range(tab.shape[0]):
        for j in range(tab.shape[1]):
            v = vals[i, j]
            if np.isfinite(v):
                ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=8, color="white" if v < mid else "black")
    fig.colorbar(im, ax=ax)
    ax.set_title(_t(text, "heatmap_title", "Mean of {var}").format(var=var_label(ds, var, text)), fontsize=9)
    fig.tight_layout()
    return fig


def stats_word(par, key, value):
    from . import parameter_word
    return parameter_word(par, key, value) if par is not None and key in par else f"{value:g}"


def response_plot(ds, par, var, x, group=None, text=None):
    """Mean of the summary `var` (with a 95% bootstrap interval over replicates) against the
    values of parameter x, one line per value of parameter `group` (or one line): the place to
    see an optimum (an inverted U)."""
    df = stats.outcome_long(ds, var, par)
    groups = [None] if group is None else sorted(df[group].unique())
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for gi, g in enumerate(groups):
        sub = df if g is None else df[df[group] == g]
        xs, m, lo, hi = [], [], [], []
        for xv, part in sub.groupby(x):
            mean, l, h, _ = stats.bootstrap_mean(part["value"].values, resamples=2000, seed=1)
            xs.append(xv), m.append(mean), lo.append(l), hi.append(h)
        label = None if g is None else f"{group} = {stats_word(par, group, g)}"
        ax.plot(xs, m, "o-", color=_colour(gi), label=label)
        ax.fill_between(xs, lo, hi, color=_colour(gi), alpha=0.2, lw=0)
    ax.set_xlabel(x)
    ax.set_ylabel(var_label(ds, var, text), fontsize=8)
    ax.grid(alpha=0.3)
    if group is not None:
        ax.legend(fontsize=8)
    ax.set_title(_t(text, "response_title", "Mean of {var} with 95% interval").format(var=var_label(ds, var, text)),
                 fontsize=9)
    fig.tight_layout()
    return fig


def sobol_plot(indices, title=None, text=None):
    """Horizontal bars of first-order (solid) and total-order (light) Sobol indices with their
    95% intervals; indices: a DataFrame with parameter, first, first_lo, first_hi, total,
    total_lo, total_hi (one metric and condition)."""
    d = indices.sort_values("total", ascending=True).reset_index(drop=True)
    y = np.arange(len(d))
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(d) + 1.4))
    ax.barh(y + 0.2, d["total"], height=0.38, color="#a5d8ff", label=_t(text, "sobol_total", "total order"),
            xerr=[d["total"] - d["total_lo"], d["total_hi"] - d["total"]], capsize=3)
    ax.barh(y - 0.2, d["first"], height=0.38, color="#1971c2", label=_t(text, "sobol_first", "first order"),
            xerr=[d["first"] - d["first_lo"], d["first_hi"] - d["first"]], capsize=3)
    ax.set_yticks(y)
    ax.set_yticklabels(d["parameter"], fontsize=8)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlabel(_t(text, "sobol_axis", "share of the outcome's variance"))
    ax.legend(fontsize=8, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    ax.set_title(title or _t(text, "sobol_title", "Sobol sensitivity indices (95% intervals)"), fontsize=9)
    fig.tight_layout()
    return fig


def tornado_plot(table, centre=None, title=None, text=None):
    """A tornado diagram: for each parameter a bar from the outcome at its lowest value to the
    outcome at its highest (table from stats.tornado), widest swing on top."""
    d = table.iloc[::-1].reset_index(drop=True)
    c = centre if centre is not None else float(np.mean(np.r_[d["low"], d["high"]]))
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(d) + 1.4))
    for i, r in d.iterrows():
        ax.barh(i, r["low"] - c, left=c, color="#ffa8a8", height=0.6)
        ax.barh(i, r["high"] - c, left=c, color="#74c0fc", height=0.6)
        ax.text(r["low"], i, f" {r['low_value']:g} ", va="center", ha="right" if r["low"] < c else "left", fontsize=7)
        ax.text(r["high"], i, f" {r['high_value']:g} ", va="center", ha="left" if r["high"] >= c else "right",
                fontsize=7)
    ax.axvline(c, color="k", lw=0.8)
    ax.set_yticks(range(len(d)))
    ax.set_yticklabels(d["parameter"], fontsize=8)
    ax.set_title(title or _t(text, "tornado_title", "Outcome at the lowest (red) and highest (blue) value"), fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    return fig


def collaborations_plot(ds, replicate=0, conditions=None, point=0, text=None):
    """Every collaboration of one replicate as a bar from its launch to its end (or the
    horizon), coloured by how it ended, one panel per condition, ordered by launch: when and how
    long; network_plot shows between which organisations."""
    conds = _conditions(ds, conditions)
    horizon = int(np.asarray(ds.attrs["horizon"]).ravel()[0])
    names = [str(c) for c in ds["condition"].values]
    fig, axes = plt.subplots(len(conds), 1, figsize=(9, 2.4 * len(conds) + 0.6), squeeze=False, sharex=True)
    pc, pr = ds["project_condition"].values, ds["project_replicate"].values
    for ax, c in zip(axes[:, 0], conds):
        sel = (pc == names.index(c)) & (pr == replicate) & (ds["project_launch"].values >= 0)
        if "project_point" in ds:
            sel &= ds["project_point"].values == point
        launch = ds["project_launch"].values[sel]
        end = ds["project_end"].values[sel]
        out = ds["project_outcome"].values[sel]
        partners = ds["project_partners"].values[sel]
        order = np.argsort(launch, kind="stable")
        for k, j in enumerate(order):
            e = end[j] if end[j] >= 0 else horizon
            ax.plot([launch[j], e], [k, k], color=OUTCOME_COLOURS.get(int(out[j]), "k"),
                    lw=0.6 + 0.5 * min(int(partners[j]), 6), solid_capstyle="butt")
        ax.set_ylabel(_t(text, "collab_axis", "collaborations"), fontsize=8)
        ax.set_title(f"{c}, {_t(text, 'replicate', 'replicate')} {replicate}", fontsize=9, loc="left")
        ax.set_xlim(0, horizon)
        ax.grid(axis="x", alpha=0.3)
    handles = [plt.Line2D([], [], color=OUTCOME_COLOURS[k], lw=3, label=_t(text, f"outcome_{k}", OUTCOME_WORDS[k]))
               for k in (1, 2, 3, 4)]
    axes[0, 0].legend(handles=handles, fontsize=7, loc="upper left", ncol=4)
    axes[-1, 0].set_xlabel(_t(text, "week", "week"))
    fig.suptitle(_t(text, "collab_title", "Collaborations over time (line width: number of partner organisations)"),
                 fontsize=10)
    fig.tight_layout()
    return fig


def _run_rows(ds, condition, replicate, point):
    """The project rows of one run (a boolean mask) and the condition's name."""
    names = [str(c) for c in ds["condition"].values]
    c = names[0] if condition is None else str(condition)
    if c not in names:
        raise ValueError(f"no condition {c!r}; the file has {', '.join(names)}")
    sel = (ds["project_condition"].values == names.index(c)) & (ds["project_replicate"].values == replicate)
    if "project_point" in ds:
        sel &= ds["project_point"].values == point
    return sel, c


def network_edges(ds, week, condition=None, replicate=0, point=0, colour="formation"):
    """The collaborations running in `week` of one run (launched in or before that week and not
    ended before its end: launch <= week and (end < 0 or end > week)) as pairs of partner
    organisations. One row per (a, b, category) with a < b organisation indices, category the
    project's `colour` field (formation or outcome), and collaborations: how many of them join a
    and b. attrs["running"] holds the number of running collaborations (those with a single
    partner join no pair) and attrs["condition"] the condition's name."""
    if "partner_organisation" not in ds or "project_partner_first" not in ds:
        raise ValueError("the file has no partner table (written without projects, or by a samen before "
                         "partner identities were stored)")
    horizon = int(np.asarray(ds.attrs["horizon"]).ravel()[0])
    if not 0 <= week <= horizon:
        raise ValueError(f"week {week} is outside 0 .. {horizon}")
    sel, c = _run_rows(ds, condition, replicate, point)
    launch, end = ds["project_launch"].values, ds["project_end"].values
    sel &= (launch >= 0) & (launch <= week) & ((end < 0) | (end > week))
    first, n = ds["project_partner_first"].values, ds["project_partners"].values
    org = ds["partner_organisation"].values
    cat = ds["project_" + colour].values
    count = collections.Counter()
    for i in np.flatnonzero(sel):
        partners = np.unique(org[first[i]:first[i] + n[i]])
        for a, b in itertools.combinations(partners.tolist(), 2):
            count[(a, b, int(cat[i]))] += 1
    df = pd.DataFrame([(a, b, k, v) for (a, b, k), v in sorted(count.items())],
                      columns=["a", "b", "category", "collaborations"])
    df.attrs.update(running=int(sel.sum()), condition=c, week=int(week), colour=colour)
    return df


def _circle_layout(region):
    """Positions on the unit circle, starting at the top and going clockwise, organisations of one
    region next to each other (then by index)."""
    order = np.lexsort((np.arange(len(region)), region))
    angle = np.empty(len(region))
    angle[order] = np.pi / 2 - 2 * np.pi * np.arange(len(region)) / max(len(region), 1)
    return np.c_[np.cos(angle), np.sin(angle)]


def network_plot(ds, week, condition=None, replicate=0, point=0, ax=None, colour="formation", layout=None,
                 text=None):
    """Who collaborated with whom in one week of one run: the organisations, each a disc whose
    area is proportional to its employees; a line joins two organisations for the collaborations
    running that week with both among their partners, its width proportional to how many,
    coloured by the collaborations' formation (or, with colour="outcome", by how they ended).
    condition defaults to the first (the baseline). layout "circle" puts the organisations on a
    circle, grouped by region; "split" (the default above 40 organisations) puts those joined to
    another that week on an inner circle and the rest on an outer ring, so that the lines have
    room. Each colour is one LineCollection with gid "edges:<colour>=<code>", the discs one scatter
    with gid "organisations"."""
    if colour not in ("formation", "outcome"):
        raise ValueError("colour is 'formation' or 'outcome'")
    edges = network_edges(ds, week, condition, replicate, point, colour)
    names = [x.decode() if isinstance(x, bytes) else str(x) for x in ds["organisation_name"].values]
    employees = ds["organisation_employees"].values.astype(float)
    region = ds["organisation_region"].values if "organisation_region" in ds else np.zeros(len(names), int)
    region = np.asarray(region)
    if layout is None:
        layout = "circle" if len(names) <= 40 else "split"
    if layout == "circle":
        pos = _circle_layout(region)
    elif layout == "split":
        joined = np.zeros(len(names), bool)
        joined[edges["a"].values.astype(int)] = joined[edges["b"].values.astype(int)] = True
        pos = np.zeros((len(names), 2))
        pos[joined] = 0.8 * _circle_layout(region[joined])
        pos[~joined] = _circle_layout(region[~joined])
    else:
        raise ValueError("layout is 'circle' or 'split'")
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(7.6, 7.2))
    else:
        fig = ax.figure
    colours = FORMATION_COLOURS if colour == "formation" else OUTCOME_COLOURS
    words = FORMATION_WORDS if colour == "formation" else OUTCOME_WORDS
    prefix = "formation_" if colour == "formation" else "outcome_"
    # line width proportional to the number of collaborations; the thickest at most 9 points
    top = int(edges["collaborations"].max()) if len(edges) else 1
    unit = min(2.0, 9.0 / top)
    # a pair joined by collaborations of several colours gets parallel lines, side by side
    kinds = edges.groupby(["a", "b"])["category"].transform("count").values if len(edges) else []
    rank = edges.groupby(["a", "b"]).cumcount().values if len(edges) else []
    gap = 0.022
    handles = []
    for k in sorted(edges["category"].unique()) if len(edges) else []:
        rows = np.flatnonzero(edges["category"].values == k)
        segs = []
        for j in rows:
            p, q = pos[edges["a"].values[j]], pos[edges["b"].values[j]]
            d = q - p
            normal = np.array([-d[1], d[0]]) / (np.hypot(*d) or 1)
            shift = (rank[j] - (kinds[j] - 1) / 2) * gap * normal
            segs.append([p + shift, q + shift])
        col = colours.get(int(k), "#495057")
        lc = LineCollection(segs, linewidths=unit * edges["collaborations"].values[rows], colors=col, alpha=0.75,
                            zorder=1, capstyle="round")
        lc.set_gid(f"edges:{colour}={int(k)}")
        ax.add_collection(lc)
        handles.append(plt.Line2D([], [], color=col, lw=3,
                                  label=_t(text, prefix + str(int(k)), words.get(int(k), str(k)))))
    area = 1600.0 / max(1.0, np.sqrt(len(names)))
    sizes = area * employees / (employees.max() if len(employees) and employees.max() > 0 else 1)
    sc = ax.scatter(pos[:, 0], pos[:, 1], s=sizes, c="#dee2e6", edgecolors="#343a40", linewidths=0.8, zorder=2)
    sc.set_gid("organisations")
    if len(names) <= 40 and layout == "circle":
        for (x, y), nm in zip(pos, names):
            ax.text(1.13 * x, 1.13 * y, nm, ha="center" if abs(x) < 0.3 else ("left" if x > 0 else "right"),
                    va="center", fontsize=7 if len(names) > 16 else 8)
    ax.set_xlim(-1.55, 1.55)
    ax.set_ylim(-1.3, 1.3)
    ax.set_aspect("equal")
    ax.axis("off")
    if handles:
        ax.legend(handles=handles, fontsize=7, loc="lower left", frameon=False,
                  title=_t(text, "network_legend", "line width: collaborations between the two"),
                  title_fontsize=7)
    else:
        ax.text(0, 0, _t(text, "network_none", "no collaboration between organisations runs this week"),
                ha="center", va="center", fontsize=9, color="#495057")
    c = edges.attrs["condition"]
    ax.set_title(_t(text, "network_title", "{c}, {run} {r}, week {w}: {n} collaborations running").format(
        c=c, run=_t(text, "replicate", "replicate"), r=replicate, w=week, n=edges.attrs["running"]), fontsize=9)
    if own:
        fig.tight_layout()
    return fig


def save(fig, path, dpi=110):
    """Write a figure (format from the extension) and close it."""
    fig.savefig(path, dpi=dpi)
    plt.close(fig)


def main(argv=None):
    """analysis/plots.py KIND OUT.h5 -o FILE.png [options]; see --help."""
    import argparse

    from . import open_output, open_parameters, varied_parameters
    p = argparse.ArgumentParser(prog="plots.py", description="Draw one plot of a samen output file.")
    p.add_argument("kind", choices=["fan", "forest", "survival", "heatmap", "response", "sobol", "tornado",
                                    "collaborations", "network"])
    p.add_argument("file")
    p.add_argument("-o", "--output", required=True, help="image file (.png, .svg, .pdf)")
    p.add_argument("--var", default="summary_success_launched", help="summary variable (heatmap, response, "
                   "tornado) or weekly series, comma-separated (fan)")
    p.add_argument("--metric", default=None, help="metric for sobol (default: the first available)")
    p.add_argument("-x", default=None, help="parameter on the x axis (heatmap, response)")
    p.add_argument("-y", default=None, help="parameter on the y axis (heatmap) or the grouping (response)")
    p.add_argument("--condition", default=None)
    p.add_argument("--baseline", default=None)
    p.add_argument("--replicate", type=int, default=0)
    p.add_argument("--week", type=int, default=None, help="week of the network (default: 104, or the horizon "
                   "when shorter)")
    p.add_argument("--point", type=int, default=0, help="design point (network)")
    p.add_argument("--colour", choices=["formation", "outcome"], default="formation",
                   help="what the network's line colours show")
    a = p.parse_args(argv)
    ds = open_output(a.file)
    par = open_parameters(a.file)
    keys = varied_parameters(par) + [c[len("design_"):] for c in ds.coords if c.startswith("design_")]
    if a.kind == "fan":
        fig = fan_chart(ds, a.var.split(",") if a.var != "summary_success_launched" else FAN_SERIES)
    elif a.kind == "forest":
        fig = forest_plot(stats.paired_comparison(ds, a.baseline))
    elif a.kind == "survival":
        fig = survival_plot(ds)
    elif a.kind in ("heatmap", "response"):
        x = a.x or (keys[0] if keys else None)
        y = a.y or (keys[1] if len(keys) > 1 else None)
        if x is None or (a.kind == "heatmap" and y is None):
            p.error(f"{a.kind} needs {'two parameters' if a.kind == 'heatmap' else 'a parameter'} that vary; "
                    f"this file varies: {', '.join(keys) or 'none'}")
        fig = heatmap(ds, par, a.var, x, y, a.condition) if a.kind == "heatmap" else response_plot(ds, par, a.var, x, y)
    elif a.kind == "tornado":
        t = stats.tornado(ds, a.var, par, a.condition)
        if not len(t):
            p.error("no parameter varies in this file")
        fig = tornado_plot(t)
    elif a.kind == "sobol":
        idx = stats.sobol_from_output(ds, [a.metric] if a.metric else None)
        if not len(idx):
            p.error("the file has no Saltelli design (root attribute design_method = \"saltelli\"); see docs/report.md")
        m = idx["metric"].iloc[0]
        c = a.condition or idx["condition"].iloc[0]
        fig = sobol_plot(idx[(idx["metric"] == m) & (idx["condition"] == c)], f"{m}, {c}")
    elif a.kind == "network":
        horizon = int(np.asarray(ds.attrs["horizon"]).ravel()[0])
        week = a.week if a.week is not None else min(104, horizon)
        try:
            fig = network_plot(ds, week, a.condition, a.replicate, a.point, colour=a.colour)
        except ValueError as e:
            p.error(str(e))
    else:
        fig = collaborations_plot(ds, a.replicate)
    save(fig, a.output)
    return 0
