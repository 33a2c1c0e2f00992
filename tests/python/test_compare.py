"""`samen compare` (sim/compare.c) against statistics computed here from the raw per-replicate
data, its Sobol indices on a Saltelli design of the Ishigami function, and its refusal of files
it did not write (docs/report.md)."""
import csv
import io
import json
import math
import os
import random
import subprocess
import sys

import h5py
import numpy as np
import pytest
import xarray as xr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "analysis"))
from samen_analysis import open_output, stats  # noqa: E402

SAMEN = os.environ.get("SAMEN", os.path.join(ROOT, "build", "samen"))
# The metrics of compare.c and the summaries they read, with the direction of "better".
METRICS = {m[0]: (m[1], m[3]) for m in stats.METRICS}
ISHIGAMI_A, ISHIGAMI_B = 7.0, 0.1


def compare(*args, check=True, env=None):
    p = subprocess.run([SAMEN, "compare", *map(str, args)], capture_output=True, text=True, timeout=120, env=env)
    if check and p.returncode != 0:
        pytest.fail(f"samen compare {' '.join(map(str, args))} exited {p.returncode}: {p.stderr}")
    return p


@pytest.fixture(scope="module")
def default20(tmp_path_factory):
    """The default experiment, 20 replicates over three years."""
    out = tmp_path_factory.mktemp("compare") / "default.h5"
    subprocess.run([SAMEN, "run", "-o", str(out), "--replicates", "20", "--set", "horizon=156", "--quiet"],
                   check=True, capture_output=True)
    return out


def raw(path, var):
    """(condition names, values condition x replicate) read with h5py."""
    with h5py.File(path, "r") as f:
        names = [b"".join(r).rstrip(b"\0").decode() for r in f["condition_name"][()]]
        return names, f[var][()]


# ---- the comparison reproduces the raw data ----------------------------------------------------

def test_compare_reproduces_paired_differences(default20):
    out = json.loads(compare(default20, "--json", "--metric", "all").stdout)
    assert out["baseline"] == "network_first" and out["replicates"] == 20 and out["points"] == 1
    assert out["conditions"] == ["network_first", "structure_first"]
    rows = {(r["metric"], r["condition"]): r for r in out["comparisons"]}
    assert len(rows) == 2 * len(METRICS)
    for metric, (var, lower) in METRICS.items():
        names, x = raw(default20, var)
        base, cond = x[0], x[1]
        both = np.isfinite(base) & np.isfinite(cond)
        d = cond[both] - base[both]
        r = rows[(metric, "structure_first")]
        assert r["variable"] == var and r["better"] == ("lower" if lower else "higher")
        assert r["n"] == both.sum()
        if r["n"] == 0:
            continue
        # the same difference, computed independently, lies within compare's interval
        assert r["difference"] == pytest.approx(d.mean(), rel=1e-9, abs=1e-12), metric
        assert r["mean"] == pytest.approx(np.nanmean(cond), rel=1e-9), metric
        assert r["mean_baseline"] == pytest.approx(np.nanmean(base), rel=1e-9), metric
        if r["n"] >= 2:
            assert r["lo"] <= d.mean() <= r["hi"], metric
            # a percentile bootstrap of the mean is close to the normal interval
            se = d.std(ddof=1) / math.sqrt(d.size)
            if se > 0:
                assert abs((r["hi"] - r["lo"]) / (2 * 1.96 * se) - 1) < 0.25, metric
        wins = np.where(cond[both] < base[both], 1.0, np.where(cond[both] == base[both], 0.5, 0.0)) if lower else \
            np.where(cond[both] > base[both], 1.0, np.where(cond[both] == base[both], 0.5, 0.0))
        assert r["p_better"] == pytest.approx(wins.mean()), metric
        better = (d.mean() < 0) if lower else (d.mean() > 0)
        assert r["rank"] == (1 if better else 2) and rows[(metric, "network_first")]["rank"] == (2 if better else 1)
        assert rows[(metric, "network_first")]["is_baseline"] and rows[(metric, "network_first")]["lo"] is None


def test_python_comparison_agrees_with_compare(default20):
    """The analysis package's comparison (used by the report) matches the CLI: the same
    differences, P(better), ranks and verdicts on "too few"; interval ends within resampling noise."""
    out = json.loads(compare(default20, "--json").stdout)
    py = stats.paired_comparison(open_output(default20))
    assert len(py) == len(out["comparisons"])
    for r, (_, q) in zip(out["comparisons"], py.iterrows()):
        assert (r["metric"], r["condition"]) == (q["metric"], q["condition"])
        assert r["rank"] == q["rank"] and r["n"] == q["n"]
        if r["is_baseline"]:
            continue
        assert r["difference"] == pytest.approx(q["difference"], rel=1e-9, abs=1e-12)
        assert r["p_better"] == pytest.approx(q["p_better"])
        width = r["hi"] - r["lo"]
        assert abs(r["lo"] - q["lo"]) < 0.1 * width and abs(r["hi"] - q["hi"]) < 0.1 * width
        assert r["wanted_halfwidth"] == pytest.approx(q["wanted_halfwidth"], rel=1e-9)


def test_csv_and_table_agree_with_json(default20):
    js = json.loads(compare(default20, "--json").stdout)["comparisons"]
    rows = list(csv.DictReader(io.StringIO(compare(default20, "--csv").stdout)))
    assert len(rows) == len(js)
    for c, j in zip(rows, js):
        assert c["metric"] == j["metric"] and c["condition"] == j["condition"]
        assert float(c["mean"]) == pytest.approx(j["mean"], rel=1e-9)
        if not j["is_baseline"]:
            assert float(c["difference"]) == pytest.approx(j["difference"], rel=1e-9)
            assert c["enough"] == ("true" if j["enough"] else "false")
            assert int(c["replicates_needed"]) == j["replicates_needed"]
    table = compare(default20).stdout
    assert "baseline: network_first" in table and "(baseline)" in table and "structure_first" in table
    assert "success per launched collaboration" in table


def test_baseline_and_metric_options(default20):
    a = json.loads(compare(default20, "--json", "--metric", "value").stdout)["comparisons"]
    b = json.loads(compare(default20, "--json", "--metric", "value", "--baseline", "structure_first").stdout)
    assert b["baseline"] == "structure_first"
    b = b["comparisons"]
    assert [r["metric"] for r in a] == ["value", "value"]
    assert b[0]["difference"] == pytest.approx(-a[1]["difference"])
    assert b[0]["p_better"] == pytest.approx(1 - a[1]["p_better"])
    # the same seed gives the same intervals; another seed other ones
    again = json.loads(compare(default20, "--json", "--metric", "value").stdout)["comparisons"]
    assert again == a
    other = json.loads(compare(default20, "--json", "--metric", "value", "--seed", "5").stdout)["comparisons"]
    assert other[1]["lo"] != a[1]["lo"] and other[1]["difference"] == a[1]["difference"]


def test_too_few_replicates(default20):
    """With a tiny wanted width every interval is too wide, and the replicates needed follow
    n (halfwidth / width)^2."""
    r = json.loads(compare(default20, "--json", "--metric", "value", "--width", "1").stdout)["comparisons"][1]
    assert r["enough"] is False and r["wanted_halfwidth"] == 1
    assert r["replicates_needed"] == max(10, math.ceil(r["n"] * r["halfwidth"] ** 2))
    t = compare(default20, "--metric", "value", "--width", "1").stdout
    assert "wider than useful" in t and "replicates would do" in t
    p = compare(default20, "--width", "1", check=False)
    assert p.returncode == 2 and "exactly one --metric" in p.stderr


# ---- design points and the Saltelli design -------------------------------------------------------

def ishigami(x):
    return (np.sin(x[0]) + ISHIGAMI_A * np.sin(x[1]) ** 2 + ISHIGAMI_B * x[2] ** 4 * np.sin(x[0]))


def ishigami_indices():
    v1 = 0.5 * (1 + ISHIGAMI_B * math.pi ** 4 / 5) ** 2
    v2 = ISHIGAMI_A ** 2 / 8
    v13 = ISHIGAMI_B ** 2 * math.pi ** 8 * (1 / 18 - 1 / 50)
    v = v1 + v2 + v13
    return [v1 / v, v2 / v, 0.0], [(v1 + v13) / v, v2 / v, v13 / v]


def saltelli_points(n, k, seed=3):
    """A Saltelli design (blocks A, B, AB_1..AB_k) on [-pi, pi]^k: array k x n(k+2)."""
    from scipy.stats import qmc
    u = qmc.Sobol(2 * k, scramble=True, seed=seed).random(n)
    a, b = u[:, :k].T, u[:, k:].T
    blocks = [a, b]
    for i in range(k):
        ab = a.copy()
        ab[i] = b[i]
        blocks.append(ab)
    return -math.pi + 2 * math.pi * np.concatenate(blocks, axis=1)


def write_design_file(path, design, summaries, conditions=("a", "b"), replicates=2, kind="saltelli", seed=11,
                      run_status=None):
    """A file in the documented layout with a leading point dimension: design = {key: values over
    point}, summaries = {summary variable: array (point, condition, replicate)}. Written with
    xarray's netCDF-4 writer, so both the engine's reader and the Python loader read it."""
    names = np.array([c.encode() for c in conditions], dtype=f"S{max(len(c) for c in conditions)}")
    n_points = len(next(iter(design.values())))
    ds = xr.Dataset(
        {"condition_name": ("condition", names),
         **{f"design_{k}": ("point", np.asarray(v, dtype=float)) for k, v in design.items()},
         **{k: (("point", "condition", "replicate"), np.asarray(v, dtype=float)) for k, v in summaries.items()}},
        coords={"point": np.arange(n_points, dtype=np.int32),
                "condition": np.arange(len(conditions), dtype=np.int32),
                "replicate": np.arange(replicates, dtype=np.int32)},
        attrs={"source": "samen test", "title": "synthetic design", "design_method": kind, "seed": np.int64(seed),
               "design_base_rows": np.int32(n_points // (len(design) + 2) if kind == "saltelli" else 0),
               "horizon": np.int32(10)})
    if run_status is not None:
        ds["run_status"] = (("point", "condition", "replicate"), np.asarray(run_status, dtype=np.int32))
    ds.to_netcdf(path, engine="netcdf4", encoding={"condition_name": {"char_dim_name": "name_strlen"}})
    return path


@pytest.fixture(scope="module")
def ishigami_file(tmp_path_factory):
    n, k = 512, 3
    x = saltelli_points(n, k)
    y = ishigami(x)
    rng = np.random.default_rng(1)
    # condition a: Ishigami plus replicate noise that averages out; condition b: twice the output
    val = np.stack([y[:, None] + rng.normal(0, 0.01, (y.size, 2)), 2 * y[:, None] + np.zeros((y.size, 2))], axis=1)
    path = tmp_path_factory.mktemp("sobol") / "ishigami.h5"
    return write_design_file(path, {"x1": x[0], "x2": x[1], "x3": x[2]}, {"summary_value": val})


def test_python_sobol_on_ishigami():
    first, total = ishigami_indices()
    n, k = 4096, 3
    t = stats.sobol_indices(ishigami(saltelli_points(n, k)), n, k, resamples=200)
    for i in range(k):
        assert t["first"][i] == pytest.approx(first[i], abs=0.03)
        assert t["total"][i] == pytest.approx(total[i], abs=0.03)
        assert t["first_lo"][i] <= t["first"][i] <= t["first_hi"][i]


def test_compare_sobol_on_a_saltelli_file(ishigami_file):
    first, total = ishigami_indices()
    out = json.loads(compare(ishigami_file, "--json", "--metric", "value").stdout)
    assert out["points"] == 5 * 512 and out["design"]["kind"] == "saltelli"
    assert out["design"]["parameters"] == ["x1", "x2", "x3"] and out["sobol_base_rows"] == 512
    sob = {(s["condition"], s["parameter"]): s for s in out["sobol"]}
    assert len(sob) == 6
    for c in ("a", "b"):  # indices do not change when the output is scaled
        for i, p in enumerate(("x1", "x2", "x3")):
            s = sob[(c, p)]
            assert s["first"] == pytest.approx(first[i], abs=0.06), (c, p)
            assert s["total"] == pytest.approx(total[i], abs=0.06), (c, p)
            assert s["first_lo"] <= s["first"] <= s["first_hi"] and s["total_lo"] <= s["total"] <= s["total_hi"]
    # the engine and the analysis package use the same estimator
    py = stats.sobol_from_output(open_output(ishigami_file), ["value"], resamples=50)
    for _, r in py.iterrows():
        s = sob[(r["condition"], r["parameter"])]
        assert s["first"] == pytest.approx(r["first"], rel=1e-9) and s["total"] == pytest.approx(r["total"], rel=1e-9)
    # per-point comparisons are there too, each point with its design values
    assert len(out["comparisons"]) == 5 * 512 * 2
    assert out["design"]["values"][7] == pytest.approx([float(open_output(ishigami_file)[f"design_x{i}"][7])
                                                        for i in (1, 2, 3)])
    only = json.loads(compare(ishigami_file, "--json", "--sobol", "--metric", "value").stdout)
    assert only["comparisons"] == [] and len(only["sobol"]) == 6  # --sobol: only the indices
    rows = list(csv.DictReader(io.StringIO(compare(ishigami_file, "--csv", "--sobol", "--metric", "value").stdout)))
    assert len(rows) == 6 and set(rows[0]) >= {"parameter", "first", "total_hi"}
    table = compare(ishigami_file, "--sobol", "--metric", "value").stdout
    assert "Sobol indices over 512 base rows" in table and "x2" in table


def test_compare_loops_over_design_points(tmp_path):
    """A sweep (no Saltelli design): one table per point, no Sobol indices."""
    pts = np.array([0.5, 1.0, 2.0])
    val = np.stack([np.stack([p + np.arange(12.0), 2 * p + np.arange(12.0)]) for p in pts])  # point, cond, rep
    status = np.zeros(val.shape, dtype=np.int32)
    status[1, 1, 3] = 1  # a failed run: NaN summaries, left out of its pair
    val[1, 1, 3] = np.nan
    path = write_design_file(tmp_path / "sweep.h5", {"network.cross_org_degree": pts}, {"summary_value": val},
                             replicates=12, kind="grid", run_status=status)
    out = json.loads(compare(path, "--json", "--metric", "value").stdout)
    assert out["points"] == 3 and out["sobol"] == [] and "Saltelli" in out["sobol_note"]
    assert out["failed_runs"] == 1
    assert [r["n"] for r in out["comparisons"] if r["condition"] == "b"] == [12, 11, 12]
    diffs = [r["difference"] for r in out["comparisons"] if r["condition"] == "b"]
    assert diffs == pytest.approx(list(pts))
    assert all(r["p_better"] == 1 for r in out["comparisons"] if r["condition"] == "b")
    table = compare(path, "--metric", "value").stdout
    assert table.count("== design point") == 3 and "network.cross_org_degree = 0.5" in table
    assert "failed runs (run_status): 1" in table


def test_malformed_saltelli_design_is_refused(tmp_path):
    x = saltelli_points(4, 2)
    x[1, -1] += 1  # the last AB block is no longer A with one column from B
    val = np.zeros((x.shape[1], 2, 2))
    path = write_design_file(tmp_path / "bad.h5", {"u": x[0], "v": x[1]}, {"summary_value": val})
    p = compare(path, "--metric", "value", check=False)
    assert p.returncode == 2 and "not a samen output" in p.stderr and "saltelli" in p.stderr


# ---- files compare must refuse -----------------------------------------------------------------------

def refused(path, *args, why=None):
    p = compare(path, *args, check=False)
    assert p.returncode == 2, (p.returncode, p.stderr)
    assert p.stdout == ""
    assert f"samen: {path}: " in p.stderr
    if why:
        assert why in p.stderr, p.stderr
    return p.stderr


def doctored(src, dst, edit):
    dst.write_bytes(src.read_bytes())
    with h5py.File(dst, "r+") as f:
        edit(f)
    return dst


def test_refuses_doctored_samen_files(default20, tmp_path):
    def no_source(f):
        del f.attrs["source"]

    def other_source(f):
        f.attrs["source"] = np.bytes_("netCDF library")

    def missing_var(f):
        del f["summary_value"]

    def int_var(f):
        del f["summary_value"]
        f["summary_value"] = np.zeros((2, 20), dtype=np.int32)

    def wrong_shape(f):
        del f["summary_value"]
        f["summary_value"] = np.zeros((2, 19))

    def external(f):
        del f["summary_value"]
        f["summary_value"] = h5py.ExternalLink("elsewhere.h5", "/summary_value")

    def soft(f):
        f["x"] = np.zeros((2, 20))
        del f["summary_value"]
        f["summary_value"] = h5py.SoftLink("/x")

    def bad_names(f):
        del f["condition_name"]
        f["condition_name"] = np.zeros((2, 4), dtype="S1")

    cases = [(no_source, "no 'source' attribute"), (other_source, "not by samen"),
             (missing_var, "no variable 'summary_value'"), (int_var, "wrong type"), (wrong_shape, "shape 2x19"),
             (external, "external link"), (soft, "soft or external link"), (bad_names, "empty name")]
    for i, (edit, why) in enumerate(cases):
        refused(doctored(default20, tmp_path / f"d{i}.h5", edit), "--metric", "value", why=why)


def test_refuses_empty_truncated_and_foreign_files(default20, tmp_path):
    (tmp_path / "empty.h5").write_bytes(b"")
    refused(tmp_path / "empty.h5", why="not a samen output (empty file)")
    (tmp_path / "text.h5").write_text("condition,value\n")
    refused(tmp_path / "text.h5", why="not an HDF5 file")
    data = default20.read_bytes()
    for frac in (0.0001, 0.01, 0.3, 0.9, 0.999):
        (tmp_path / "cut.h5").write_bytes(data[:max(9, int(len(data) * frac))])
        refused(tmp_path / "cut.h5", why="not a samen output")
    with h5py.File(tmp_path / "foreign.h5", "w") as f:
        f["x"] = np.arange(3)
    refused(tmp_path / "foreign.h5", why="no 'source' attribute")


def test_damaged_files_never_crash(default20, tmp_path):
    """Random bit flips, zeroed blocks and cuts: compare answers 0 (damage it did not read) or 2,
    never a crash. (Under AddressSanitizer, leak reports are off here: HDF5 itself leaks a few
    hundred bytes on some damaged files.)"""
    env = dict(os.environ, ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") + ":detect_leaks=0")
    data = bytearray(default20.read_bytes())
    rnd = random.Random(20131)
    path = tmp_path / "damaged.h5"
    for trial in range(40):
        b = bytearray(data)
        mode = trial % 3
        if mode == 0:
            for _ in range(rnd.randint(1, 6)):
                i = rnd.randrange(min(len(b), 16384))
                b[i] ^= 1 << rnd.randrange(8)
        elif mode == 1:
            i = rnd.randrange(len(b))
            b[i:i + 256] = bytes(len(b[i:i + 256]))
        else:
            b = b[:rnd.randrange(len(b))]
        path.write_bytes(bytes(b))
        p = compare(path, "--metric", "success", check=False, env=env)
        assert p.returncode in (0, 2), f"trial {trial}: exit {p.returncode}: {p.stderr[-300:]}"
