"""Statistics on a samen output: paired comparisons, Sobol indices, survival of collaborations.

The paired comparison follows `samen compare` (sim/compare.c, docs/report.md): the same
metrics, the same difference, P(better), ranking and "too few replicates" rule. The means,
differences, P(better) and ranks are identical; the interval ends come from numpy's resampling
rather than the engine's, so they differ slightly from the CLI's (in the last digit with many
replicates, more with a handful).
"""
import math

import numpy as np
import pandas as pd

RESAMPLES = 10000
SOBOL_RESAMPLES = 1000
MIN_REPLICATES = 10

# name, variable, label, lower is better, shown by default (the table of sim/compare.c)
METRICS = [
    ("success", "summary_success_launched", "success per launched collaboration (share completed)", False, True),
    ("success_opportunity", "summary_success_opportunity", "success per opportunity (share completed)", False, True),
    ("value", "summary_value", "value delivered over the horizon", False, True),
    ("value_per_hour", "summary_value_per_hour", "value per hour spent", False, True),
    ("hours_lost", "summary_hours_wasted", "hours lost in collaborations that dissolved or stalled", True, True),
    ("overhead", "summary_hours_overhead", "hours of negotiation and hour accounting", True, False),
    ("trust", "summary_trust_participants_104", "cross-organisation trust among participants, week 104", False, True),
    ("trust_end", "summary_trust_cross_org_end", "cross-organisation trust at the horizon", False, False),
    ("first_win", "summary_first_win_weeks", "weeks from launch to the first win (median)", True, True),
    ("completion", "summary_completion_weeks", "weeks from launch to completion (median)", True, False),
]
METRIC = {m[0]: dict(name=m[0], var=m[1], label=m[2], lower_is_better=m[3], default=m[4]) for m in METRICS}
DEFAULT_METRICS = [m[0] for m in METRICS if m[4]]


def bootstrap_mean(values, resamples=RESAMPLES, seed=0):
    """Mean of the finite values with a 95% percentile-bootstrap interval: (mean, lo, hi, n)."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    n = v.size
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    if n < 2:
        return float(v.mean()), math.nan, math.nan, n
    rng = np.random.default_rng(seed)
    means = np.empty(resamples)
    step = max(1, 4_000_000 // n)
    for s in range(0, resamples, step):
        k = min(step, resamples - s)
        means[s:s + k] = v[rng.integers(0, n, size=(k, n))].mean(axis=1)
    lo, hi = np.quantile(means, [0.025, 0.975])
    return float(v.mean()), float(lo), float(hi), n


def _sd(v):
    v = v[np.isfinite(v)]
    return float(np.std(v, ddof=1)) if v.size >= 2 else math.nan


def compare_pair(cond, base, lower_is_better=False, width=None, resamples=RESAMPLES, seed=0):
    """One condition against the baseline from their values over the same replicates (NaN =
    undefined): a dict with n, mean, mean_baseline, difference, lo, hi, p_better, halfwidth,
    wanted_halfwidth, enough and replicates_needed (the rule of docs/report.md)."""
    a = np.asarray(cond, dtype=float)
    b = np.asarray(base, dtype=float)
    both = np.isfinite(a) & np.isfinite(b)
    d = a[both] - b[both]
    diff, lo, hi, n = bootstrap_mean(d, resamples, seed)
    higher = float(np.mean(np.where(a[both] > b[both], 1.0, np.where(a[both] == b[both], 0.5, 0.0)))) if n else math.nan
    p_better = 1 - higher if lower_is_better else higher
    halfwidth = (hi - lo) / 2
    if width:
        wanted = float(width)
    else:
        sa, sb = _sd(a), _sd(b)
        pooled = math.sqrt((sa * sa + sb * sb) / 2) if math.isfinite(sa) and math.isfinite(sb) else (
            sa if math.isfinite(sa) else sb)
        wanted = 0.2 * pooled if math.isfinite(pooled) else math.nan
        if math.isfinite(diff) and not wanted >= 0.1 * abs(diff):
            wanted = 0.1 * abs(diff)
        if not wanted > 0:
            wanted = math.nan
    if n < 2 or not math.isfinite(halfwidth):
        enough, needed = False, MIN_REPLICATES
    elif not math.isfinite(wanted):
        enough, needed = n >= MIN_REPLICATES, max(n, MIN_REPLICATES)
    else:
        enough = n >= MIN_REPLICATES and halfwidth <= wanted
        needed = max(MIN_REPLICATES, math.ceil(n * (halfwidth / wanted) ** 2))
    mean = float(np.nanmean(a)) if np.isfinite(a).any() else math.nan
    mean_b = float(np.nanmean(b)) if np.isfinite(b).any() else math.nan
    return dict(n=n, mean=mean, mean_baseline=mean_b, difference=diff, lo=lo, hi=hi, p_better=p_better,
                halfwidth=halfwidth, wanted_halfwidth=wanted, enough=enough, replicates_needed=needed)


def _rank(diffs, lower):
    """Ranks (1 = best) by difference in the better direction; NaN last; ties by order."""
    ranks = []
    for c, dc in enumerate(diffs):
        r = 1
        for o, d in enumerate(diffs):
            if o == c or not math.isfinite(d):
                continue
            better = dc - d if lower else d - dc
            if not math.isfinite(dc) or better > 0 or (better == 0 and o < c):
                r += 1
        ranks.append(r)
    return ranks


def paired_comparison(ds, baseline=None, metrics=None, width=None, resamples=RESAMPLES, seed=None):
    """Each condition against the baseline, per metric (and design point): a DataFrame with one
    row per (point, metric, condition), the columns of `samen compare --csv`. baseline: a
    condition name (default the first); metrics: names from METRIC (default DEFAULT_METRICS,
    those missing from the file skipped); seed: default the file's seed."""
    conds = [str(c) for c in ds["condition"].values]
    base = conds[0] if baseline is None else baseline
    if base not in conds:
        raise ValueError(f"no condition {base!r}; the conditions are {', '.join(conds)}")
    bi = conds.index(base)
    names = list(metrics) if metrics else [m for m in DEFAULT_METRICS if METRIC[m]["var"] in ds]
    if seed is None:
        s = np.asarray(ds.attrs.get("seed", 0)).ravel()
        seed = int(s[0]) if s.size else 0
    points = ds.sizes.get("point", 1)
    rows = []
    for p in range(points):
        for m in names:
            meta = METRIC[m]
            x = np.asarray(ds[meta["var"]].values, dtype=float)
            x = x[p] if "point" in ds[meta["var"]].dims else x
            block = []
            for ci, c in enumerate(conds):
                r = compare_pair(x[ci], x[bi], meta["lower_is_better"], width, resamples, seed)
                if ci == bi:
                    r.update(difference=0.0, lo=math.nan, hi=math.nan, p_better=math.nan, halfwidth=math.nan,
                             wanted_halfwidth=math.nan, enough=None, replicates_needed=None)
                block.append(dict(point=p, metric=m, variable=meta["var"],
                                  better="lower" if meta["lower_is_better"] else "higher",
                                  condition=c, baseline=base, **r))
            ranks = _rank([b["difference"] for b in block], meta["lower_is_better"])
            for b, r in zip(block, ranks):
                b["rank"] = r
            rows.extend(block)
    cols = ["point", "metric", "variable", "better", "condition", "baseline", "rank", "n", "mean", "mean_baseline",
            "difference", "lo", "hi", "p_better", "halfwidth", "wanted_halfwidth", "enough", "replicates_needed"]
    df = pd.DataFrame(rows, columns=cols)
    df["replicates_needed"] = df["replicates_needed"].astype("Int64")
    # then one column per design parameter when the file has design points, as samen compare --csv
    for v in ds.variables:
        if v.startswith("design_") and ds[v].dims == ("point",):
            df[v[len("design_"):]] = np.asarray(ds[v].values, dtype=float)[df["point"].values]
    return df


# ---- Sobol indices (Saltelli 2010 first order, Jansen 1999 total order) -------------------------

def sobol_indices(y, n, k, resamples=SOBOL_RESAMPLES, seed=0):
    """First- and total-order indices from outputs y over a Saltelli design laid out in blocks of
    n rows: A, B, AB_1 .. AB_k (AB_i = A with column i from B). A DataFrame with one row per
    parameter index 0..k-1: first, first_lo, first_hi, total, total_lo, total_hi (95% bootstrap
    over the base rows)."""
    y = np.asarray(y, dtype=float).reshape(k + 2, n)
    if n < 2 or not np.all(np.isfinite(y)):
        raise ValueError("Sobol indices need n >= 2 base rows and finite outputs")

    def estimate(idx):
        ya, yb, yab = y[0, idx], y[1, idx], y[2:, idx]
        var = np.var(np.concatenate([ya, yb]), ddof=1)
        if not var > 0:
            return None
        first = np.mean(yb * (yab - ya), axis=1) / var
        total = np.mean((ya - yab) ** 2, axis=1) / (2 * var)
        return first, total

    est = estimate(np.arange(n))
    if est is None:
        raise ValueError("the output does not vary: no Sobol indices")
    rng = np.random.default_rng(seed)
    boot_f, boot_t = [], []
    for _ in range(resamples):
        e = estimate(rng.integers(0, n, size=n))
        if e is not None:
            boot_f.append(e[0])
            boot_t.append(e[1])
    bf, bt = np.array(boot_f), np.array(boot_t)
    fq = np.quantile(bf, [0.025, 0.975], axis=0)
    tq = np.quantile(bt, [0.025, 0.975], axis=0)
    return pd.DataFrame(dict(first=est[0], first_lo=fq[0], first_hi=fq[1], total=est[1], total_lo=tq[0],
                             total_hi=tq[1]))


def saltelli_layout(design):
    """For design values of shape (k, P) in the blocks A, B, AB_1.. of a Saltelli design, the
    parameter each AB block varies (a list of k indices: the writer's order, block i varying
    parameter i, or else found from the values), or None when the points are not laid out that
    way."""
    x = np.asarray(design, dtype=float)
    k, P = x.shape
    if k < 1 or P % (k + 2) or P // (k + 2) < 2:
        return None
    n = P // (k + 2)
    A, B = x[:, :n], x[:, n:2 * n]

    def varies(b, i):
        want = A.copy()
        want[i] = B[i]
        return np.array_equal(x[:, (2 + b) * n:(3 + b) * n], want)

    order = []
    for b in range(k):
        cand = [b] if b not in order and varies(b, b) else [i for i in range(k) if i not in order and varies(b, i)]
        if not cand:
            return None
        order.append(cand[0])
    return order


def sobol_from_output(ds, metrics=None, resamples=SOBOL_RESAMPLES, seed=None):
    """Sobol indices of a file with a Saltelli design (root attribute design_method = "saltelli"
    and design_<key>(point) coordinates), per metric and condition, from the mean over replicates
    at each point. A DataFrame (metric, condition, parameter, first, ..., total_hi); empty when
    the file has no Saltelli design."""
    cols = ["metric", "condition", "parameter", "first", "first_lo", "first_hi", "total", "total_lo", "total_hi"]
    kind = ds.attrs.get("design_method", "")
    kind = kind.decode() if isinstance(kind, bytes) else str(kind)
    keys = [c for c in ds.coords if c.startswith("design_")]
    if kind != "saltelli" or "point" not in ds.dims or not keys:
        return pd.DataFrame(columns=cols)
    x = np.array([ds[c].values for c in keys])
    order = saltelli_layout(x)
    if order is None:
        raise ValueError("design 'saltelli': the points are not in the blocks A, B, AB_1 .. AB_k")
    k = len(keys)
    n = x.shape[1] // (k + 2)
    # the AB blocks in parameter order
    perm = list(range(2 * n)) + [p for i in range(k) for p in range((2 + order.index(i)) * n, (3 + order.index(i)) * n)]
    if seed is None:
        s = np.asarray(ds.attrs.get("seed", 0)).ravel()
        seed = int(s[0]) if s.size else 0
    names = list(metrics) if metrics else [m for m in DEFAULT_METRICS if METRIC[m]["var"] in ds]
    rows = []
    for m in names:
        v = ds[METRIC[m]["var"]]
        for c in ds["condition"].values:
            with np.errstate(all="ignore"):
                y = np.nanmean(v.sel(condition=c).values, axis=-1)[perm]
            try:
                t = sobol_indices(y, n, k, resamples, seed)
            except ValueError:
                continue
            for i in range(k):
                rows.append(dict(metric=m, condition=str(c), parameter=keys[i][len("design_"):], **t.iloc[i].to_dict()))
    return pd.DataFrame(rows, columns=cols)


# ---- survival of collaborations -----------------------------------------------------------------

OUTCOME_COMPLETED, OUTCOME_DISSOLVED, OUTCOME_STALLED, OUTCOME_ACTIVE = 1, 2, 3, 4


def collaboration_ages(ds, point=None):
    """One row per launched collaboration: condition, replicate, age (weeks from launch to its
    end or the horizon) and end = "completed", "failed" (dissolved, or stalled at the horizon:
    then the week it first stalled) or "censored" (still active at the horizon). point: only
    that design point's collaborations (files with project_point); None: all."""
    horizon = int(np.asarray(ds.attrs["horizon"]).ravel()[0])
    launch = ds["project_launch"].values
    keep = launch >= 0
    if point is not None and "project_point" in ds:
        keep &= ds["project_point"].values == point
    launch = launch[keep]
    outcome = ds["project_outcome"].values[keep]
    end = ds["project_end"].values[keep]
    stall = ds["project_stall"].values[keep]
    conds = np.asarray([str(c) for c in ds["condition"].values])
    t = np.where(end >= 0, end, horizon).astype(float)
    t = np.where(outcome == OUTCOME_STALLED, np.where(stall >= 0, stall, horizon), t)
    kind = np.where(outcome == OUTCOME_COMPLETED, "completed",
                    np.where(outcome == OUTCOME_ACTIVE, "censored", "failed"))
    return pd.DataFrame(dict(condition=conds[ds["project_condition"].values[keep]],
                             replicate=ds["project_replicate"].values[keep],
                             age=np.maximum(t - launch, 0), end=kind))


def survival(ds, point=None):
    """Per condition and age (weeks since launch): collaborations at risk, the share still
    running (Kaplan-Meier, any end), and the cumulative incidence of completion and of failure
    (stall or dissolution; Aalen-Johansen, with completion as a competing end and censoring at
    the horizon). `alive` = 1 - failed: the share not (yet) stalled or dissolved, completed
    collaborations counting as survivors."""
    return survival_from_ages(collaboration_ages(ds, point), [str(c) for c in ds["condition"].values])


def survival_from_ages(ages, conditions):
    """survival() from a table of collaboration_ages(), for the given conditions."""
    out = []
    for c in conditions:
        g = ages[ages["condition"] == c]
        s, cc, cf = 1.0, 0.0, 0.0
        out.append(dict(condition=c, age=0.0, at_risk=len(g), running=1.0, completed=0.0, failed=0.0, alive=1.0))
        for t in np.unique(g["age"].values):
            at = int(np.sum(g["age"].values >= t))
            here = g[g["age"] == t]
            d1 = int(np.sum(here["end"] == "completed"))
            d2 = int(np.sum(here["end"] == "failed"))
            if at == 0 or d1 + d2 == 0:
                continue
            cc += s * d1 / at
            cf += s * d2 / at
            s *= 1 - (d1 + d2) / at
            out.append(dict(condition=c, age=float(t), at_risk=at, running=s, completed=cc, failed=cf, alive=1 - cf))
    return pd.DataFrame(out)


# ---- outcomes over parameters -------------------------------------------------------------------

def outcome_long(ds, var, par=None):
    """The summary `var` as a long table: point, condition, replicate, value, plus one column
    per varied parameter (design_table)."""
    from . import design_table
    v = ds[var]
    if "point" not in v.dims:
        v = v.expand_dims(point=[0])
    df = v.to_dataframe(name="value").reset_index()[["point", "condition", "replicate", "value"]]
    index = {p: i for i, p in enumerate(v["point"].values)}
    df["point"] = df["point"].map(index).astype(int)
    design = design_table(ds, par)
    return df.merge(design, on=["point", "condition"], how="left")


def tornado(ds, var, par=None, condition=None):
    """For each varied parameter: the mean outcome at its lowest and at its highest value
    (averaged over everything else). A DataFrame parameter, low_value, high_value, low, high,
    sorted by the size of the swing."""
    df = outcome_long(ds, var, par)
    if condition is not None:
        df = df[df["condition"] == condition]
    keys = [c for c in df.columns if c not in ("point", "condition", "replicate", "value")]
    rows = []
    for k in keys:
        lo_v, hi_v = df[k].min(), df[k].max()
        if lo_v == hi_v:
            continue
        rows.append(dict(parameter=k, low_value=lo_v, high_value=hi_v,
                         low=float(df.loc[df[k] == lo_v, "value"].mean()),
                         high=float(df.loc[df[k] == hi_v, "value"].mean())))
    t = pd.DataFrame(rows, columns=["parameter", "low_value", "high_value", "low", "high"])
    if len(t):
        t = t.reindex((t["high"] - t["low"]).abs().sort_values(ascending=False).index).reset_index(drop=True)
    return t
