"""An output file read from R with hdf5r gives the same numbers as h5py (docs/output.md, "R:
hdf5r"). Skipped only where Rscript is missing; `make deps` installs r-cran-hdf5r."""
import os
import shutil
import subprocess

import h5py
import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMEN = os.environ.get("SAMEN", os.path.join(ROOT, "build", "samen"))

R_SCRIPT = r"""
suppressMessages(library(hdf5r))
args <- commandArgs(trailingOnly = TRUE)
f <- H5File$new(args[1], mode = "r")
out <- args[2]
w <- function(name, x) write(paste(name, paste(format(x, digits = 17, scientific = TRUE), collapse = " ")),
                             file = out, append = TRUE)
# (condition, replicate) comes back as replicate x condition
v <- f[["summary_value"]]$read()
w("summary_value_dim", dim(v))
w("summary_value", as.vector(v))
a <- f[["active"]]$read()                      # time x replicate x condition
w("active_dim", dim(a))
w("active_sum_by_condition", apply(a, 3, sum))
w("active_r1_t10", a[11, 2, ])
o <- f[["project_outcome"]]$read()
w("project_outcome", o)
cn <- f[["condition_name"]]$read()
conds <- if (is.matrix(cn)) apply(cn, 2, paste, collapse = "") else cn
write(paste("condition_name", paste(conds, collapse = " ")), file = out, append = TRUE)
w("horizon", h5attr(f, "horizon"))
write(paste("scenario_name", h5attr(f, "scenario_name")), file = out, append = TRUE)
p <- f[["parameters"]]
w("formation", p[["formation"]]$read())
f$close_all()
"""


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript not installed (make deps)")
def test_r_reads_the_same_numbers(tmp_path):
    out = tmp_path / "r.h5"
    subprocess.run([SAMEN, "run", "-o", str(out), "--replicates", "3", "--set", "horizon=60", "--quiet"],
                   check=True, capture_output=True)
    script = tmp_path / "read.R"
    script.write_text(R_SCRIPT)
    res = tmp_path / "r.txt"
    p = subprocess.run(["Rscript", str(script), str(out), str(res)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    got = {}
    for line in res.read_text().splitlines():
        key, _, rest = line.partition(" ")
        got[key] = rest.split()
    num = {k: np.array([float(x) for x in v]) for k, v in got.items() if k not in ("condition_name", "scenario_name")}
    with h5py.File(out, "r") as f:
        v = f["summary_value"][()]
        active = f["active"][()]
        outcome = f["project_outcome"][()]
        names = [b"".join(r).rstrip(b"\0").decode() for r in f["condition_name"][()]]
        horizon = f.attrs["horizon"][0]
        formation = f["parameters"]["formation"][()]
    assert list(num["summary_value_dim"]) == [3, 2]            # reversed dimensions
    # R's column-major vector of the reversed array is h5py's C-order vector
    np.testing.assert_array_equal(num["summary_value"], v.ravel())
    assert list(num["active_dim"]) == [61, 3, 2]
    np.testing.assert_allclose(num["active_sum_by_condition"], active.sum(axis=(1, 2)), rtol=1e-15)
    np.testing.assert_array_equal(num["active_r1_t10"], active[:, 1, 10])
    np.testing.assert_array_equal(num["project_outcome"], outcome)
    assert got["condition_name"] == names
    assert num["horizon"][0] == horizon == 60
    assert got["scenario_name"] == ["default"]
    np.testing.assert_array_equal(num["formation"], formation)
