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
