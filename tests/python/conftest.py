"""Fixtures for the tests of the HDF5 output (layout: docs/output.md).

Two files are checked:
  synthetic  written by the unit test binary (build/tests/test_output KEEP_PATH): known values,
             NaNs, an empty run, a scenario text larger than 64 KiB;
  default    written by `samen run -o OUT --replicates 4 --quiet` (the built-in experiment).

SAMEN names the samen binary (default build/samen); SAMEN_TEST_OUTPUT the unit test binary
(default: tests/test_output next to the samen binary's build directory).
"""
import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _samen():
    return Path(os.environ.get("SAMEN", ROOT / "build" / "samen"))


def _test_output_bin():
    env = os.environ.get("SAMEN_TEST_OUTPUT")
    return Path(env) if env else _samen().parent / "tests" / "test_output"


def _run(cmd):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def param_keys():
    """The parameter keys of sim/params.def, in table order."""
    text = (ROOT / "sim" / "params.def").read_text()
    return re.findall(r'^SAMEN_PARAM\(\s*\w+\s*,\s*"([^"]+)"', text, flags=re.M)


@pytest.fixture(scope="session")
def samen_bin():
    path = _samen()
    if not path.exists():
        pytest.skip(f"{path} not built")
    return path


@pytest.fixture(scope="session")
def default_output(samen_bin, tmp_path_factory):
    out = tmp_path_factory.mktemp("default") / "out.h5"
    _run([samen_bin, "run", "-o", out, "--replicates", "4", "--quiet"])
    return out


@pytest.fixture(scope="session")
def synthetic_bin():
    path = _test_output_bin()
    if not path.exists():
        pytest.skip(f"{path} not built")
    return path


def _synthetic(synthetic_bin, tmp_path_factory, name):
    out = tmp_path_factory.mktemp(name) / "synthetic.h5"
    _run([synthetic_bin, out])
    return out


@pytest.fixture(scope="session")
def synthetic_output(synthetic_bin, tmp_path_factory):
    return _synthetic(synthetic_bin, tmp_path_factory, "synthetic")


@pytest.fixture(scope="session")
def synthetic_output_again(synthetic_bin, tmp_path_factory):
    """A second synthetic file written the same way, for the reproducibility check."""
    return _synthetic(synthetic_bin, tmp_path_factory, "synthetic-again")


@pytest.fixture(params=["synthetic", "default"])
def h5file(request):
    """Each output file in turn."""
    return request.getfixturevalue(f"{request.param}_output")
