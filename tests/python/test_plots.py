"""The analysis package: loader, survival estimates, every plot function and script, the CSV
export (analysis/, docs/report.md), on outputs generated here with build/samen."""
import csv
import io
import os
import subprocess
import sys

import h5py
import numpy as np
import pandas as pd
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "analysis"))
from samen_analysis import design_table, open_output, open_parameters, plots, stats  # noqa: E402
from samen_analysis.export import export  # noqa: E402

from test_compare import ishigami, saltelli_points, write_design_file  # noqa: E402

SAMEN = os.environ.get("SAMEN", os.path.join(ROOT, "build", "samen"))
PYTHON = "/usr/bin/python3"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def default_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("plots") / "default.h5"
    subprocess.run([SAMEN, "run", "-o", str(out), "--replicates", "12", "--set", "horizon=156", "--quiet"],
                   check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def reach_out(tmp_path_factory):
    """Four conditions varying formation x network.cross_org_degree."""
    out = tmp_path_factory.mktemp("plots") / "reach.h5"
    subprocess.run([SAMEN, "run", os.path.join(ROOT, "scenarios", "reach.yaml"), "-o", str(out), "--replicates", "6",
                    "--set", "horizon=156", "--quiet"], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def grid_out(tmp_path_factory):
    """A design over two parameters (5 x 3 points) whose outcome is an inverted U in x."""
    xs, ys = np.linspace(0, 1, 5), np.array([0.0, 1.0, 2.0])
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    gx, gy = gx.ravel(), gy.ravel()
    rep = np.arange(8) * 0.01
    peak = 1 - 4 * (gx - 0.5) ** 2 + 0.1 * gy
    val = np.stack([peak[:, None] + rep, peak[:, None] + rep + 0.5], axis=1)  # point, condition, replicate
    path = tmp_path_factory.mktemp("plots") / "grid.h5"
    return write_design_file(path, {"x": gx, "y": gy}, {"summary_success_launched": val}, replicates=8, kind="grid")


def is_png(fig, tmp_path, name):
    p = tmp_path / name
    plots.save(fig, p)
    data = p.read_bytes()
    assert data.startswith(PNG) and len(data) > 5000
    return p


def test_loader_labels_points_and_designs(default_out, grid_out):
    ds = open_output(default_out)
    assert list(ds["condition"].values) == ["network_first", "structure_first"]
    g = open_output(grid_out)
    assert g["summary_success_launched"].dims == ("point", "condition", "replicate")
    assert "design_x" in g.coords and g.sizes["point"] == 15
    t = design_table(g)
    assert list(t.columns) == ["point", "condition", "x", "y"] and len(t) == 30
    par = open_parameters(default_out)
    t = design_table(ds, par)
    assert list(t["formation"]) == [0.0, 1.0]


def test_survival_estimates(default_out):
    ds = open_output(default_out)
    s = stats.survival(ds)
    ages = stats.collaboration_ages(ds)
    launched = (ds["project_launch"].values >= 0).sum()
    assert len(ages) == launched
    for c, g in s.groupby("condition"):
        assert g["age"].is_monotonic_increasing
        assert np.all(np.diff(g["alive"]) <= 1e-12) and np.all(np.diff(g["completed"]) >= -1e-12)
        total = g["running"] + g["completed"] + g["failed"]
        np.testing.assert_allclose(total, 1.0, atol=1e-9)
        a = ages[ages["condition"] == c]
        if (a["end"] == "censored").sum() == 0:  # without censoring: the plain shares
            assert g["failed"].iloc[-1] == pytest.approx((a["end"] == "failed").mean())
        # completion never exceeds the share that completed plus the censored ones
        assert g["completed"].iloc[-1] <= ((a["end"] != "failed").mean()) + 1e-9
    # an exact small case: ages 1 (completed), 2 (failed), 3 (censored), 4 (failed)
    fake = pd.DataFrame(dict(condition="c", replicate=0, age=[1, 2, 3, 4],
                             end=["completed", "failed", "censored", "failed"]))
    one = stats.survival_from_ages(fake, ["c"])
    last = one.iloc[-1]
    # S: 1 -> 3/4 -> 1/2 -> (censor) -> 0; failures 1/4 at age 2 and 1/2 * 1 at age 4
    assert last["running"] == pytest.approx(0) and last["completed"] == pytest.approx(0.25)
    assert last["failed"] == pytest.approx(0.75)


def test_plot_functions(default_out, reach_out, grid_out, tmp_path):
    ds = open_output(default_out)
    comp = stats.paired_comparison(ds)
    is_png(plots.fan_chart(ds), tmp_path, "fan.png")
    f = plots.forest_plot(comp)
    assert len(f.axes) == comp["metric"].nunique()
    is_png(f, tmp_path, "forest.png")
    is_png(plots.survival_plot(ds), tmp_path, "survival.png")
    f = plots.collaborations_plot(ds, replicate=1)
    assert len(f.axes) == 2 and all(len(a.lines) > 0 for a in f.axes)
    is_png(f, tmp_path, "collab.png")
    r = open_output(reach_out)
    rp = open_parameters(reach_out)
    f = plots.heatmap(r, rp, "summary_value", "formation", "network.cross_org_degree")
    assert [t.get_text() for t in f.axes[0].get_xticklabels()] == ["network_first", "structure_first"]
    is_png(f, tmp_path, "heat.png")
    is_png(plots.response_plot(r, rp, "summary_value", "network.cross_org_degree", "formation"), tmp_path, "r.png")
    t = stats.tornado(r, "summary_value", rp)
    assert set(t["parameter"]) == {"formation", "network.cross_org_degree"}
    is_png(plots.tornado_plot(t), tmp_path, "tornado.png")
    # the inverted U: the heatmap's numbers are the means, the response peaks in the middle
    g = open_output(grid_out)
    f = plots.heatmap(g, None, "summary_success_launched", "x", "y", condition="a")
    texts = sorted(float(t.get_text()) for t in f.axes[0].texts)
    assert len(texts) == 15 and max(texts) == pytest.approx(1 + 0.2 + 0.035, abs=0.01)
    is_png(f, tmp_path, "grid-heat.png")
    f = plots.response_plot(g, None, "summary_success_launched", "x", "y")
    line = f.axes[0].lines[0]
    assert np.argmax(line.get_ydata()) == 2
    is_png(f, tmp_path, "grid-response.png")


def test_sobol_plot_from_ishigami_indices(tmp_path):
    n, k = 1024, 3
    idx = stats.sobol_indices(ishigami(saltelli_points(n, k)), n, k, resamples=100)
    idx.insert(0, "parameter", ["x1", "x2", "x3"])
    f = plots.sobol_plot(idx, "Ishigami")
    labels = [t.get_text() for t in f.axes[0].get_yticklabels()]
    assert labels[-1] == "x1" and labels[0] == "x3"  # sorted by total order, largest on top
    is_png(f, tmp_path, "sobol.png")


def test_plot_scripts(default_out, reach_out, tmp_path):
    for kind, f in (("survival", default_out), ("heatmap", reach_out)):
        out = tmp_path / f"{kind}.png"
        p = subprocess.run([PYTHON, os.path.join(ROOT, "analysis", "plots.py"), kind, str(f), "-o", str(out)],
                           capture_output=True, text=True)
        assert p.returncode == 0, p.stderr
        assert out.read_bytes().startswith(PNG)
    p = subprocess.run([PYTHON, os.path.join(ROOT, "analysis", "plots.py"), "heatmap", str(default_out), "-o",
                        str(tmp_path / "x.png")], capture_output=True, text=True)
    assert p.returncode == 2 and "two parameters" in p.stderr


def test_export_csv(default_out, tmp_path):
    files = export(default_out, tmp_path / "csv")
    names = sorted(os.path.basename(f) for f in files)
    assert names == ["comparison.csv", "parameters.csv", "projects.csv", "runs.csv", "series.csv", "variables.csv"]
    runs = pd.read_csv(tmp_path / "csv" / "runs.csv", float_precision="round_trip")
    with h5py.File(default_out, "r") as f:
        v = f["summary_value"][()]
        active = f["active"][()]
        outcome = f["project_outcome"][()]
    assert len(runs) == v.size
    np.testing.assert_array_equal(runs["summary_value"].values, v.ravel())
    assert list(runs["condition"].unique()) == ["network_first", "structure_first"]
    ser = pd.read_csv(tmp_path / "csv" / "series.csv", float_precision="round_trip")
    np.testing.assert_array_equal(ser["active"].values, active.ravel())
    proj = pd.read_csv(tmp_path / "csv" / "projects.csv")
    np.testing.assert_array_equal(proj["project_outcome"].values, outcome)
    assert set(proj["condition_name"]) == {"network_first", "structure_first"}
    meta = pd.read_csv(tmp_path / "csv" / "variables.csv")
    assert meta.loc[meta["column"] == "summary_value", "units"].iloc[0] == "value"
    # the Dutch Excel flavour
    export(default_out, tmp_path / "nl", excel_nl=True)
    with open(tmp_path / "nl" / "runs.csv", newline="") as f:
        head, first = next(csv.reader(f, delimiter=";")), None
    assert head[:2] == ["condition", "replicate"]
    nl = pd.read_csv(tmp_path / "nl" / "runs.csv", sep=";", decimal=",")
    np.testing.assert_allclose(nl["summary_value"].values, v.ravel(), rtol=1e-12)
    p = subprocess.run([PYTHON, os.path.join(ROOT, "analysis", "export.py"), str(default_out), "-o",
                        str(tmp_path / "cli")], capture_output=True, text=True)
    assert p.returncode == 0 and (tmp_path / "cli" / "runs.csv").exists()


def test_export_without_series_or_projects_and_with_design_points(tmp_path):
    """A file written with --no-series --no-projects exports its runs and comparison (no series.csv,
    no projects.csv); a sweep's comparison.csv ends with one column per design parameter, as
    samen compare --csv, and writes enough as true/false like it."""
    bare = tmp_path / "bare.h5"
    subprocess.run([SAMEN, "run", "-o", str(bare), "--replicates", "4", "--set", "horizon=60", "--no-series",
                    "--no-projects", "--quiet"], check=True)
    names = sorted(os.path.basename(f) for f in export(bare, tmp_path / "bare"))
    assert names == ["comparison.csv", "parameters.csv", "runs.csv", "variables.csv"]
    sweep = tmp_path / "sweep.h5"
    subprocess.run([SAMEN, "run", os.path.join(ROOT, "scenarios", "sweep-reach-slack.yaml"), "-o", str(sweep),
                    "--replicates", "3", "--set", "horizon=60", "--no-series", "--quiet"], check=True)
    export(sweep, tmp_path / "sweep")
    with open(tmp_path / "sweep" / "comparison.csv", newline="") as f:
        ours = list(csv.reader(f))
    cli = subprocess.run([SAMEN, "compare", str(sweep), "--csv"], capture_output=True, text=True, check=True)
    theirs = list(csv.reader(io.StringIO(cli.stdout)))
    assert ours[0] == theirs[0] and ours[0][-2:] == ["network.cross_org_degree", "agents.slack_share"]
    col = ours[0].index("enough")
    assert {r[col] for r in ours[1:]} <= {"true", "false", ""} and {r[col] for r in ours[1:]} & {"true", "false"}
    # the same rows and design values (interval ends come from different resamples)
    assert [r[:col - 9] for r in ours[1:]] == [r[:col - 9] for r in theirs[1:]]
    assert [[float(x) for x in r[-2:]] for r in ours[1:]] == [[float(x) for x in r[-2:]] for r in theirs[1:]]
