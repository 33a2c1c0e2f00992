"""Organisations and partners in the output (docs/output.md, "Organisations and partners") and the
network picture drawn from them (samen_analysis.plots.network_plot, analysis/plots.py network), on
a file of scenarios/region.yaml (eight generated organisations) written by build/samen."""
import collections
import itertools
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "analysis"))
from samen_analysis import open_output, plots, report  # noqa: E402

SAMEN = os.environ.get("SAMEN", os.path.join(ROOT, "build", "samen"))
PYTHON = "/usr/bin/python3"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def region_out(tmp_path_factory):
    if not os.path.exists(SAMEN):
        pytest.skip(f"{SAMEN} not built")
    out = tmp_path_factory.mktemp("network") / "region.h5"
    subprocess.run([SAMEN, "run", os.path.join(ROOT, "scenarios", "region.yaml"), "-o", str(out), "--replicates",
                    "2", "--quiet"], check=True, capture_output=True)
    return out


def read(path):
    with h5py.File(path, "r") as f:
        return {k: f[k][()] for k in f if isinstance(f[k], h5py.Dataset)}


def test_organisations(region_out):
    v = read(region_out)
    names = [b"".join(r).rstrip(b"\0").decode() for r in v["organisation_name"]]
    assert names == [f"generated_{k}" for k in range(8)]
    np.testing.assert_array_equal(v["organisation"], np.arange(8))
    assert v["organisation_employees"].dtype == np.int32 and np.all(v["organisation_employees"] >= 1)
    assert len(set(v["organisation_employees"])) > 1  # sizes drawn, not all the median
    np.testing.assert_array_equal(v["organisation_kind"], 0)  # generated ones are municipalities
    np.testing.assert_array_equal(v["organisation_region"], 0)
    with h5py.File(region_out, "r") as f:
        assert f["organisation_kind"].attrs["flag_meanings"].decode().split() == ["municipality", "province", "other"]


def test_organisations_do_not_depend_on_replicates_or_conditions(region_out, tmp_path):
    """Generated sizes come from the scenario seed alone: another replicate count, a single
    condition or another formation give the same organisations; another seed does not."""
    other = tmp_path / "other.h5"
    subprocess.run([SAMEN, "run", os.path.join(ROOT, "scenarios", "region.yaml"), "-o", str(other), "--replicates",
                    "1", "--set", "formation=structure_first", "--set", "horizon=20", "--quiet"],
                   check=True, capture_output=True)
    reseeded = tmp_path / "reseeded.h5"
    subprocess.run([SAMEN, "run", os.path.join(ROOT, "scenarios", "region.yaml"), "-o", str(reseeded),
                    "--replicates", "1", "--set", "seed=99", "--set", "horizon=20", "--quiet"],
                   check=True, capture_output=True)
    a, b, c = read(region_out), read(other), read(reseeded)
    for k in ("organisation_name", "organisation_employees", "organisation_region", "organisation_kind"):
        np.testing.assert_array_equal(a[k], b[k])
    assert not np.array_equal(a["organisation_employees"], c["organisation_employees"])


def test_partner_table_agrees_with_project_partners(region_out):
    v = read(region_out)
    n = v["project_partners"].astype(np.int64)
    rows = len(v["project_id"])
    assert rows > 0 and v["partner"].shape == (n.sum(),)
    np.testing.assert_array_equal(v["partner"], np.arange(n.sum()))
    # CSR: each project's rows start where the previous ones end
    np.testing.assert_array_equal(v["project_partner_first"], np.r_[0, np.cumsum(n)[:-1]])
    np.testing.assert_array_equal(v["partner_project"], np.repeat(np.arange(rows), n))
    org = v["partner_organisation"]
    assert org.dtype == np.int32 and np.all((org >= 0) & (org < len(v["organisation"])))
    assert np.all(n >= 2)  # region.yaml: 2-4 partners
    for i in range(rows):
        p = org[v["project_partner_first"][i]:v["project_partner_first"][i] + n[i]]
        assert len(set(p)) == len(p), f"project row {i} lists a partner twice"
    # an opportunity's partners are drawn before its formation acts: the same in both conditions
    c, r, pid = v["project_condition"], v["project_replicate"], v["project_id"]
    for rep in range(2):
        lists = [{int(pid[i]): tuple(org[v["project_partner_first"][i]:v["project_partner_first"][i] + n[i]])
                  for i in np.flatnonzero((c == cond) & (r == rep))} for cond in range(2)]
        assert lists[0] == lists[1]


def independent_pairs(path, cond, rep, week, field="project_formation"):
    """Pairs of organisations joined by collaborations running in `week`, from the raw file."""
    v = read(path)
    sel = ((v["project_condition"] == cond) & (v["project_replicate"] == rep) & (v["project_launch"] >= 0)
           & (v["project_launch"] <= week) & ((v["project_end"] < 0) | (v["project_end"] > week)))
    out = collections.Counter()
    for i in np.flatnonzero(sel):
        start = v["project_partner_first"][i]
        orgs = sorted(v["partner_organisation"][start:start + v["project_partners"][i]])
        for a, b in itertools.combinations(orgs, 2):
            out[(int(a), int(b), int(v[field][i]))] += 1
    return out, int(sel.sum())


def drawn_pairs(fig):
    """The edges a network figure drew: (a, b, category) -> line width, nodes matched by position."""
    ax = fig.axes[0]
    nodes = [c for c in ax.collections if c.get_gid() == "organisations"]
    assert len(nodes) == 1
    pos = nodes[0].get_offsets()
    out = {}
    for lc in ax.collections:
        gid = lc.get_gid() or ""
        if not gid.startswith("edges:"):
            continue
        k = int(gid.split("=")[1])
        widths = np.broadcast_to(lc.get_linewidths(), (len(lc.get_segments()),))
        for seg, w in zip(lc.get_segments(), widths):
            ends = [int(np.argmin(np.hypot(*(pos - p).T))) for p in seg]
            assert min(np.hypot(*(pos[e] - p)) for e, p in zip(ends, seg)) < 0.05
            key = (min(ends), max(ends), k)
            assert key not in out
            out[key] = float(w)
    return out


@pytest.mark.parametrize("colour", ["formation", "outcome"])
def test_network_plot_draws_the_pairs_of_the_partner_table(region_out, colour, tmp_path):
    ds = open_output(region_out)
    seen = 0
    for cond, name in enumerate(["network_first", "structure_first"]):
        for rep in range(2):
            for week in (52, 104, 200):
                want, running = independent_pairs(region_out, cond, rep, week, "project_" + colour)
                fig = plots.network_plot(ds, week, condition=name, replicate=rep, colour=colour)
                got = drawn_pairs(fig)
                assert set(got) == set(want), (name, rep, week)
                if got:  # width proportional to the number of collaborations
                    ratio = {round(got[k] / want[k], 9) for k in want}
                    assert len(ratio) == 1
                assert f": {running} collaborations running" in fig.axes[0].get_title()
                sizes = [c for c in fig.axes[0].collections if c.get_gid() == "organisations"][0].get_sizes()
                emp = ds["organisation_employees"].values
                np.testing.assert_allclose(sizes / sizes.max(), emp / emp.max())  # area proportional
                seen += len(got)
                plots.plt.close(fig)
    assert seen > 0  # some run had collaborations between organisations
    edges = plots.network_edges(ds, 104, "structure_first", 1, colour=colour)
    want, running = independent_pairs(region_out, 1, 1, 104, "project_" + colour)
    assert {(a, b, k): n for a, b, k, n in edges.itertuples(index=False)} == dict(want)
    assert edges.attrs["running"] == running


def test_network_plot_options(region_out, tmp_path):
    ds = open_output(region_out)
    fig = plots.network_plot(ds, 104, layout="split")
    assert [c for c in fig.axes[0].collections if c.get_gid() == "organisations"]
    plots.save(fig, tmp_path / "split.png")
    fig, ax = plots.plt.subplots()
    assert plots.network_plot(ds, 0, "structure_first", ax=ax) is fig  # week 0: nothing running yet
    assert not [c for c in ax.collections if (c.get_gid() or "").startswith("edges:")]
    plots.plt.close(fig)
    with pytest.raises(ValueError, match="outside"):
        plots.network_plot(ds, 261)
    with pytest.raises(ValueError, match="no condition"):
        plots.network_plot(ds, 10, condition="nope")


def test_network_script(region_out, tmp_path):
    out = tmp_path / "net.png"
    p = subprocess.run([PYTHON, os.path.join(ROOT, "analysis", "plots.py"), "network", str(region_out), "--week",
                        "104", "--condition", "structure_first", "-o", str(out)], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    data = out.read_bytes()
    assert data.startswith(PNG) and len(data) > 5000
    p = subprocess.run([PYTHON, os.path.join(ROOT, "analysis", "plots.py"), "network", str(region_out), "--week",
                        "999", "-o", str(tmp_path / "x.png")], capture_output=True, text=True)
    assert p.returncode == 2 and "outside" in p.stderr


def test_report_has_the_network(region_out):
    for lang, words in (("en", "Who worked with whom in week 104"), ("nl", "Wie met wie samenwerkte in week 104")):
        page = report.build(str(region_out), lang)
        assert 'alt="network of organisations"' in page and words in page


def test_documented_example(region_out):
    """The snippet of docs/output.md computes the pairs network_edges finds."""
    doc = open(os.path.join(ROOT, "docs", "output.md"), encoding="utf-8").read()
    code = doc.split("Who worked with whom in week w")[1].split("```python")[1].split("```")[0]
    env = {}
    exec(code.replace('"out.h5"', repr(str(region_out))).replace("c == 0", "c == 1"), env)
    ds = open_output(region_out)
    edges = plots.network_edges(ds, 104, "structure_first", 0)
    names = [str(x) for x in ds["organisation_name"].values]
    want = collections.Counter()
    for a, b, _, n in edges.itertuples(index=False):
        want[names[a], names[b]] += n
    assert env["pairs"] == want and sum(want.values()) > 0
