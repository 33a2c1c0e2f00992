"""Experiments at scale (issue: sweeps, sampled designs, determinism of large runs).

The shipped example scenarios run from the CLI; xarray opens the files with named dimensions;
the designs have the structure they promise; results do not depend on the number of threads,
for an experiment and for one large (10^5 employees) run.
"""
import os
import subprocess

import numpy as np
import pytest
import xarray as xr

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMEN = os.environ.get("SAMEN", os.path.join(ROOT, "build", "samen"))


def run(*args):
    proc = subprocess.run([SAMEN, "run", *args, "--quiet"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc


def h5diff(a, b):
    return subprocess.run(["h5diff", "--exclude-path", "/provenance", str(a), str(b)],
                          capture_output=True, text=True).returncode


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep") / "sweep.h5"
    run("scenarios/sweep-reach-slack.yaml", "-o", str(out), "--replicates", "20")
    return out


def test_sweep_holds_every_run(sweep):
    ds = xr.open_dataset(sweep)
    # 2 parameters x 3 values = 9 points, 3 conditions, 20 replicates, series every 4 weeks
    assert dict(ds["active"].sizes) == {"point": 9, "condition": 3, "replicate": 20, "time": 66}
    assert ds["summary_success_launched"].dims == ("point", "condition", "replicate")
    assert list(ds["time"].values[:3]) == [0, 4, 8] and ds["time"].values[-1] == 260
    assert int(ds.attrs["record_every"]) == 4
    k = ds["design_network.cross_org_degree"].values
    s = ds["design_agents.slack_share"].values
    assert sorted(set(zip(k, s))) == sorted((a, b) for a in (0.25, 1, 2) for b in (0.05, 0.1, 0.2))
    assert np.all(ds["run_status"].values == 0)
    assert np.all(np.isfinite(ds["summary_value"].values))
    # every run's projects are in the table, tagged with their point
    n = ds.sizes["project"]
    opp = ds["summary_opportunities"].values.sum()
    assert n == int(opp)
    assert set(np.unique(ds["project_point"].values)) == set(range(9))


def test_sweep_opens_in_h5netcdf(sweep):
    ds = xr.open_dataset(sweep, engine="h5netcdf")
    assert ds["momentum"].dims == ("point", "condition", "replicate", "time")


def test_latin_hypercube(tmp_path):
    out = tmp_path / "lhs.h5"
    run("scenarios/lhs-uncertainty.yaml", "-o", str(out), "--replicates", "2")
    ds = xr.open_dataset(out)
    assert ds.attrs["design_method"] == "latin_hypercube"
    assert ds.sizes["point"] == 64 and "time" not in ds.dims
    for name in [v for v in ds.data_vars if v.startswith("design_")]:
        x = ds[name].values
        lo, hi = float(ds[name].attrs["range_min"]), float(ds[name].attrs["range_max"])
        strata = np.floor((x - lo) / (hi - lo) * 64).astype(int)
        # one point in each of the 64 strata of every parameter
        assert sorted(strata) == list(range(64)), name


def test_saltelli_blocks(tmp_path):
    out = tmp_path / "saltelli.h5"
    run("scenarios/saltelli-f1.yaml", "-o", str(out), "--replicates", "1", "--set", "horizon=52")
    ds = xr.open_dataset(out)
    n, names = int(ds.attrs["design_base_rows"]), [v for v in ds.data_vars if v.startswith("design_")]
    k = len(names)
    assert ds.sizes["point"] == n * (k + 2) and n == 32
    x = np.stack([ds[v].values for v in names], axis=1)
    A, B = x[:n], x[n:2 * n]
    for i in range(k):
        AB = x[(2 + i) * n:(3 + i) * n]
        expect = A.copy()
        expect[:, i] = B[:, i]
        np.testing.assert_array_equal(AB, expect)
    assert "project" not in ds.dims  # record: projects false


def test_same_data_for_any_thread_count(tmp_path):
    a, b = tmp_path / "t1.h5", tmp_path / "t2.h5"
    for out, t in ((a, "1"), (b, "2")):
        run("scenarios/sweep-reach-slack.yaml", "-o", str(out), "--replicates", "3", "--threads", t)
    assert h5diff(a, b) == 0


def test_large_single_run_same_for_any_thread_count(tmp_path):
    """One run of 10^5 employees: the threads work inside the run."""
    a, b = tmp_path / "l1.h5", tmp_path / "l2.h5"
    for out, t in ((a, "1"), (b, "2")):
        run("bench/world-1e5.yaml", "-o", str(out), "--condition", "structure_first", "--replicates", "1",
            "--set", "horizon=52", "--threads", t)
    ds = xr.open_dataset(a)
    assert ds.sizes["condition"] == 1
    assert h5diff(a, b) == 0
