"""The analysis package reads an output written by build/samen, with conditions labelled."""
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "analysis"))
from samen_analysis import open_output, open_parameters  # noqa: E402

SAMEN = os.environ.get("SAMEN", os.path.join(ROOT, "build", "samen"))


@pytest.fixture(scope="module")
def small_output(tmp_path_factory):
    out = tmp_path_factory.mktemp("analysis") / "small.h5"
    subprocess.run([SAMEN, "run", "-o", str(out), "--replicates", "3", "--quiet",
                    "--set", "horizon=60"], check=True, capture_output=True)
    return out


@pytest.mark.parametrize("engine", ["netcdf4", "h5netcdf"])
def test_open_output_labels_conditions(small_output, engine):
    ds = open_output(small_output, engine=engine)
    assert list(ds["condition"].values) == ["network_first", "structure_first"]
    assert ds["momentum"].dims == ("condition", "replicate", "time")
    assert ds.sizes["time"] == 61 and ds.sizes["replicate"] == 3
    sel = ds["summary_value"].sel(condition="structure_first")
    assert sel.dims == ("replicate",)


def test_parameters_by_condition(small_output):
    p = open_parameters(small_output)
    assert list(p["formation"].values) == [0, 1]
    assert np.all(p["network.cross_org_degree"].values == 1.0)
