"""Statistics shared by the pattern tests (tests/patterns/patterns.py, tests/python/test_patterns_fast.py).

Everything is computed from the raw per-replicate data of a samen output file (docs/output.md),
independently of the C code that prints comparisons. Replicate r of every condition (and every
design point) meets the same world and opportunities, so differences are paired by replicate and
intervals come from a percentile bootstrap over replicates (10,000 resamples, the brief's
convention), resampling the same replicate indices for every condition.
"""
import math
import subprocess

import h5py
import numpy as np

RESAMPLES = 10000
Z95 = 1.959963984540054


# --- reading ---------------------------------------------------------------------------------------

def condition_names(f):
    raw = f["condition_name"][()]
    if raw.ndim == 2:  # netCDF-style character array (condition, name_strlen)
        return [b"".join(row).decode() for row in raw]
    return [n.decode() if isinstance(n, bytes) else str(n) for n in raw]


def per_condition(path, var):
    """{condition name: array} of a summary (replicate,) or series (replicate, time) variable."""
    with h5py.File(path, "r") as f:
        names = condition_names(f)
        data = f[var][()]
    return {n: data[i] for i, n in enumerate(names)}


def projects(path, fields):
    """The project table as {field: array} (fields without the project_ prefix), plus the
    condition names under '_names'."""
    with h5py.File(path, "r") as f:
        out = {k: f["project_" + k][()] for k in fields}
        out["_names"] = condition_names(f)
    return out


def series_time(path):
    with h5py.File(path, "r") as f:
        return f["time"][()]


# --- bootstrap ---------------------------------------------------------------------------------------

def resample_indices(n, resamples=RESAMPLES, seed=1):
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(resamples, n))


def paired_ci(a, b, seed=1, resamples=RESAMPLES, level=0.95):
    """Mean of a - b over replicates where both are defined, with its percentile-bootstrap interval
    (95% unless `level` says otherwise): (estimate, lo, hi, n)."""
    a = np.asarray(a, float)
    b = np.asarray(b, float)
    ok = np.isfinite(a) & np.isfinite(b)
    return mean_ci((a - b)[ok], seed=seed, resamples=resamples, level=level)


def mean_ci(a, seed=2, resamples=RESAMPLES, level=0.95):
    a = np.asarray(a, float)
    a = a[np.isfinite(a)]
    n = a.size
    if n < 2:
        return (float(a.mean()) if n else math.nan), math.nan, math.nan, n
    idx = resample_indices(n, resamples, seed)
    means = a[idx].mean(axis=1)
    lo, hi = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return float(a.mean()), float(lo), float(hi), n


def bootstrap_stat(stat, n, seed=3, resamples=2000):
    """A statistic of the replicate indices (stat(idx) -> float or array), with its percentile
    interval over resamples of the replicates: (estimate, lo, hi, draws). Used for statistics that
    are not a mean of per-replicate differences (a vertex, a slope, a hazard ratio)."""
    est = np.asarray(stat(np.arange(n)), float)
    rng = np.random.default_rng(seed)
    draws = np.array([np.asarray(stat(rng.integers(0, n, size=n)), float) for _ in range(resamples)])
    lo = np.nanquantile(draws, 0.025, axis=0)
    hi = np.nanquantile(draws, 0.975, axis=0)
    return est, lo, hi, draws


def replicates_needed(sd, halfwidth, minimum=200, maximum=2000):
    """Replicates that give a 95% interval of the mean of paired differences with standard
    deviation sd no wider than +-halfwidth: (z sd / halfwidth)^2, at least the brief's 200."""
    if not (sd > 0) or not (halfwidth > 0):
        return minimum
    need = math.ceil((Z95 * sd / halfwidth) ** 2)
    return int(min(maximum, max(minimum, need)))


# --- fits ------------------------------------------------------------------------------------------------

def quadratic(x, y):
    """Least-squares y = b0 + b1 x + b2 x^2: (b0, b1, b2, vertex)."""
    b2, b1, b0 = np.polyfit(np.asarray(x, float), np.asarray(y, float), 2)
    vertex = -b1 / (2 * b2) if b2 != 0 else math.nan
    return b0, b1, b2, vertex


def two_lines(x, y, brk):
    """Slopes of separate least-squares lines left of and right of the breakpoint (the point at
    the breakpoint belongs to both): (slope_left, slope_right)."""
    x = np.asarray(x, float)
    y = np.asarray(y, float)
    L = x <= brk + 1e-12
    R = x >= brk - 1e-12
    sl = np.polyfit(x[L], y[L], 1)[0] if L.sum() >= 2 else math.nan
    sr = np.polyfit(x[R], y[R], 1)[0] if R.sum() >= 2 else math.nan
    return sl, sr


def logistic_grouped(x, successes, trials, iters=50):
    """Maximum-likelihood logistic regression of success on x from grouped binomial counts:
    (intercept, slope). Newton-Raphson."""
    x = np.asarray(x, float)
    s = np.asarray(successes, float)
    n = np.asarray(trials, float)
    X = np.column_stack([np.ones_like(x), x])
    beta = np.zeros(2)
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(X @ beta)))
        W = n * p * (1 - p)
        g = X.T @ (s - n * p)
        H = X.T @ (X * W[:, None])
        try:
            step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:
            return math.nan, math.nan
        beta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    return float(beta[0]), float(beta[1])


# --- hazards ---------------------------------------------------------------------------------------------

def discrete_hazard(event_age, censor_age, width=4, bins=None):
    """Discrete-time hazard in bins of `width` weeks: for each bin, events in it over the
    collaborations at risk at its start. event_age: age at the event (NaN: no event);
    censor_age: age at which observation ends for those without the event. Returns
    (bin starts, hazard, at risk, events)."""
    ev = np.asarray(event_age, float)
    cen = np.asarray(censor_age, float)
    end = np.where(np.isfinite(ev), ev, cen)
    if bins is None:
        bins = int(np.nanmax(end) // width) + 1 if end.size else 1
    starts = np.arange(bins) * width
    risk = np.array([(end >= s).sum() for s in starts], float)
    events = np.array([((ev >= s) & (ev < s + width)).sum() for s in starts], float)
    with np.errstate(invalid="ignore", divide="ignore"):
        h = np.where(risk > 0, events / risk, np.nan)
    return starts, h, risk, events


# --- unimodality -----------------------------------------------------------------------------------------

def dip_test(x):
    """Hartigan & Hartigan's (1985) dip test of unimodality, by R's diptest package (Debian's
    r-cran-diptest, the reference implementation): (dip, p). The p-value interpolates the dip's
    distribution under the uniform, the least favourable unimodal law. Data that are all equal
    are unimodal: (0, 1)."""
    x = np.asarray(x, float)
    x = x[np.isfinite(x)]
    if x.size < 4 or np.ptp(x) == 0:
        return 0.0, 1.0
    script = "suppressMessages(library(diptest)); t <- dip.test(scan(file('stdin'), quiet = TRUE)); " \
             "cat(sprintf('%.17g %.17g', t$statistic, t$p.value))"
    try:
        out = subprocess.run(["Rscript", "-e", script], input=" ".join(repr(float(v)) for v in x), text=True,
                             capture_output=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError) as e:
        raise RuntimeError("the dip test needs R with the diptest package (make deps installs r-cran-diptest): "
                           f"{getattr(e, 'stderr', None) or e}".strip()) from e
    return float(out[0]), float(out[1])


# --- scenario discovery -------------------------------------------------------------------------------------

def prim_box(X, y, names, alpha=0.05, min_support=0.05, target_density=0.8):
    """PRIM peeling (Friedman & Fisher 1999) for the region where y is 1: repeatedly remove the
    alpha-quantile slice of one parameter (its low or high end) that raises the share of y = 1 in
    the box most, until the box would hold fewer than min_support of the points. Returns the
    peeling trajectory [(support, density, {name: (lo, hi)})] and the box chosen from it: the one
    with the largest support whose density reaches target_density (the densest box when none
    does)."""
    X = np.asarray(X, float)
    y = np.asarray(y, float)
    n, k = X.shape
    lo = X.min(axis=0).copy()
    hi = X.max(axis=0).copy()
    inside = np.ones(n, bool)
    traj = [(1.0, float(y.mean()), {names[j]: (lo[j], hi[j]) for j in range(k)})]
    while True:
        best = None
        for j in range(k):
            xj = X[inside, j]
            for side in (0, 1):
                q = np.quantile(xj, alpha if side == 0 else 1 - alpha)
                keep = inside & ((X[:, j] > q) if side == 0 else (X[:, j] < q))
                if keep.sum() == inside.sum() or keep.sum() < min_support * n:
                    continue
                d = y[keep].mean()
                if best is None or d > best[0]:
                    best = (d, j, side, q, keep)
        if best is None:
            break
        d, j, side, q, keep = best
        if side == 0:
            lo[j] = q
        else:
            hi[j] = q
        inside = keep
        traj.append((float(inside.mean()), float(d), {names[jj]: (lo[jj], hi[jj]) for jj in range(k)}))
    for t in traj:
        if t[1] >= target_density:
            return traj, t
    return traj, max(traj, key=lambda t: (t[1], t[0]))


def in_box(X, names, box, full):
    """Points inside a box. A bound that peeling set excludes its own value (peeling removes the
    points at or beyond the quantile); a bound at the edge of the full range includes it."""
    X = np.asarray(X, float)
    keep = np.ones(X.shape[0], bool)
    for j, nm in enumerate(names):
        if nm in box:
            lo, hi = box[nm]
            flo, fhi = full[nm]
            keep &= (X[:, j] > lo) if lo > flo else (X[:, j] >= lo)
            keep &= (X[:, j] < hi) if hi < fhi else (X[:, j] <= hi)
    return keep


def simplify_box(X, y, names, box, full, max_loss=0.03):
    """Drop a box's restrictions one at a time (the one whose removal costs the least density)
    while the density falls by less than max_loss in all from the box's own: the few parameters that
    matter. Returns (box restricted to those parameters, support, density)."""
    y = np.asarray(y, float)
    cur = restricted(box, full)
    base = y[in_box(X, names, cur, full)].mean()
    while len(cur) > 1:
        trials = []
        for nm in cur:
            b = {k: v for k, v in cur.items() if k != nm}
            m = in_box(X, names, b, full)
            trials.append((y[m].mean(), nm))
        d, nm = max(trials)
        if base - d >= max_loss:
            break
        del cur[nm]
    m = in_box(X, names, cur, full)
    return cur, float(m.mean()), float(y[m].mean())


def restricted(box, full):
    """The parameters a box restricts (its range differs from the full range), as {name: (lo, hi)}."""
    out = {}
    for k, (lo, hi) in box.items():
        flo, fhi = full[k]
        if lo > flo + 1e-12 * max(1, abs(flo)) or hi < fhi - 1e-12 * max(1, abs(fhi)):
            out[k] = (lo, hi)
    return out
