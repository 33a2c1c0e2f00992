"""The RUD mandate lands near the brief's hold-back target: about 8% of municipalities keep their
basic task package back (Omgevingsdienst NL, 2021), measured on scenarios/rud-mandate.yaml."""
import os
import subprocess

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMEN = os.environ.get("SAMEN", os.path.join(ROOT, "build", "samen"))


def test_holdback_near_eight_percent(tmp_path):
    out = tmp_path / "rud.h5"
    subprocess.run([SAMEN, "run", "scenarios/rud-mandate.yaml", "--condition", "mandate", "--replicates", "100",
                    "-o", str(out), "--quiet"], check=True, cwd=ROOT, capture_output=True)
    with h5py.File(out, "r") as f:
        mandated = (f["project_id"][()] >= 1000000) & (f["project_formation"][()] == 2)
        held = f["project_holdback"][()][mandated]
        municipalities = f["project_partners"][()][mandated] - 1  # the province never holds back
    assert mandated.sum() == 100  # one regional collaboration per replicate, by construction
    share = held.sum() / municipalities.sum()
    half = 1.96 * np.sqrt(share * (1 - share) / municipalities.sum())
    print(f"hold-back {share:.3f} [{share - half:.3f}, {share + half:.3f}]")
    assert 0.05 <= share - half and share + half <= 0.12


def _regional(path):
    with h5py.File(path, "r") as f:
        reg = f["project_id"][()] >= 1000000
        return {k: f["project_" + k][()][reg] for k in ("replicate", "formation", "imposed", "holdback", "work")}


def test_voluntary_counterpart_is_the_same_opportunity_network_first(tmp_path):
    """The voluntary condition meets the mandate's regional opportunity at week 1 without a mandate: it forms
    network-first (formation 0), nothing is imposed or held back, and its task is the share of the mandated
    one that its municipalities' people bring in (never more work than the mandated opportunity)."""
    runs = {}
    for cond in ("voluntary", "mandate"):
        out = tmp_path / f"{cond}.h5"
        subprocess.run([SAMEN, "run", "scenarios/rud-mandate.yaml", "--condition", cond, "--replicates", "20",
                        "-o", str(out), "--quiet"], check=True, cwd=ROOT, capture_output=True)
        runs[cond] = _regional(out)
    v, m = runs["voluntary"], runs["mandate"]
    assert len(v["formation"]) >= 15  # most regions find a team; those that fizzle leave a record too
    launched = v["work"] > 0
    assert np.all(v["formation"] == 0)
    assert np.all(v["imposed"] == 0) and np.all(v["holdback"] == 0)
    assert len(np.unique(v["replicate"])) == len(v["replicate"])  # one regional opportunity per replicate
    # The same opportunity: voluntary work = the regional work x participating share, so never more than the
    # mandated collaboration's where no municipality held back (and less where some did not take part).
    mw = {int(r): w for r, w, h in zip(m["replicate"], m["work"], m["holdback"]) if h == 0}
    pairs = [(w, mw[int(r)]) for r, w in zip(v["replicate"][launched], v["work"][launched]) if int(r) in mw]
    assert len(pairs) >= 5
    assert all(w <= full * (1 + 1e-9) for w, full in pairs)
    assert any(w < full * 0.99 for w, full in pairs)  # a network-first team rarely reaches all 12 municipalities


def _mandated(tmp_path, name, sets=()):
    out = tmp_path / f"{name}.h5"
    cmd = [SAMEN, "run", "scenarios/rud-mandate.yaml", "--condition", "mandate", "--replicates", "40",
           "-o", str(out), "--quiet"]
    for s in sets:
        cmd += ["--set", s]
    subprocess.run(cmd, check=True, cwd=ROOT, capture_output=True)
    with h5py.File(out, "r") as f:
        reg = (f["project_id"][()] >= 1000000) & (f["project_formation"][()] == 2)
        return {k: f["project_" + k][()][reg] for k in ("existing_network", "imposed", "agreement")}


def test_mandate_formalises_an_existing_network(tmp_path):
    """ODD S19: in a neutral region the mandated team formalises no existing network (rho = 0, the brief's S4
    agreement unchanged) and most mandates are imposed at the deadline; in a region with a good history and
    dense ties (h = +0.8, k_x = 3) most of the team is already tied across the partners, so the per-partner
    coordination cost nearly vanishes and the region agrees well before the deadline. With
    mandate.network_relief = 0 the same region negotiates as a neutral one would."""
    trusting = ["trust.history=0.8", "network.cross_org_degree=3"]
    neutral = _mandated(tmp_path, "neutral")
    dense = _mandated(tmp_path, "dense", trusting)
    off = _mandated(tmp_path, "off", trusting + ["mandate.network_relief=0"])
    assert np.all(neutral["existing_network"] == 0) and np.all(off["existing_network"] == 0)
    assert dense["existing_network"].mean() > 0.8 and dense["existing_network"].max() <= 1
    print(f"imposed: neutral {neutral['imposed'].mean():.2f}, dense {dense['imposed'].mean():.2f}, "
          f"dense without relief {off['imposed'].mean():.2f}")
    assert neutral["imposed"].mean() > 0.5 and off["imposed"].mean() > 0.5
    assert dense["imposed"].mean() < 0.2
    assert np.median(dense["agreement"]) < 52


def test_agreed_mandate_is_held_only_until_its_deadline(tmp_path):
    """A mandated team is held together until the deadline week (mandate week 1 + 104), agreed or not; after
    it, it stalls like any collaboration. With a stall line above every team's momentum, mandates over a
    trusting, dense region (which agree early) stall in the deadline week unless they completed before it."""
    out = tmp_path / "held.h5"
    subprocess.run([SAMEN, "run", "scenarios/rud-mandate.yaml", "--condition", "mandate", "--replicates", "10",
                    "--set", "trust.history=0.8", "--set", "network.cross_org_degree=3", "--set", "stall.momentum=0.99",
                    "-o", str(out), "--quiet"], check=True, cwd=ROOT, capture_output=True)
    with h5py.File(out, "r") as f:
        reg = (f["project_id"][()] >= 1000000) & (f["project_formation"][()] == 2)
        agreed, stall, imposed, end = (f["project_" + k][()][reg] for k in ("agreement", "stall", "imposed", "end"))
    deadline = 1 + 104
    early = (imposed == 0) & (agreed >= 0) & (agreed < deadline)
    assert early.sum() >= 5, "the trusting region should agree before the deadline"
    open_at_deadline = early & ((end < 0) | (end >= deadline))
    assert open_at_deadline.sum() >= 5
    assert np.all(stall[open_at_deadline] == deadline), stall[open_at_deadline]
