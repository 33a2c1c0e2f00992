"""opportunity.milestone_pause (ODD S8): after each milestone reached before completion, the team spends
that many working weeks reporting instead of producing. With one milestone there is nothing to report
before completion, so the run is the same as without; with four, the reporting weeks show as hour-accounting
hours and as later completions, on the same worlds and opportunities."""
import os
import subprocess

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMEN = os.environ.get("SAMEN", os.path.join(ROOT, "build", "samen"))


def _run(tmp_path, name, milestones, pause):
    out = tmp_path / f"{name}.h5"
    subprocess.run([SAMEN, "run", "scenarios/default.yaml", "--condition", "network_first", "--replicates", "20",
                    "--set", f"opportunity.milestones={milestones}", "--set", f"opportunity.milestone_pause={pause}",
                    "-o", str(out), "--quiet"], check=True, cwd=ROOT, capture_output=True)
    with h5py.File(out, "r") as f:
        return {k: f[k][()] for k in f if k.startswith("project_") or k.startswith("hours_")}


def test_one_milestone_has_nothing_to_report(tmp_path):
    a, b = _run(tmp_path, "k1", 1, 0), _run(tmp_path, "k1-pause", 1, 4)
    assert a.keys() == b.keys()
    for k in a:
        assert np.array_equal(a[k], b[k], equal_nan=True), k


def test_reporting_weeks_replace_work(tmp_path):
    a, b = _run(tmp_path, "k4", 4, 0), _run(tmp_path, "k4-pause", 4, 4)
    # The same opportunities arrive (common random numbers), so the collaborations pair up by id.
    assert np.array_equal(a["project_id"], b["project_id"]) and np.array_equal(a["project_arrival"], b["project_arrival"])
    assert b["hours_accounting"].sum() > a["hours_accounting"].sum() * 1.2
    assert b["hours_work"].sum() < a["hours_work"].sum()

    def weeks_to_completion(p):
        done = (p["project_wins"] == 4) & (p["project_launch"] >= 0)
        return (p["project_end"][done] - p["project_launch"][done]).mean()
    # Three reporting pauses of four weeks lie between the first and the last of four wins: 12 weeks more for
    # a collaboration that completes in both runs (measured: 82 and 92 weeks; the completers differ a little).
    assert weeks_to_completion(b) > weeks_to_completion(a) + 4
