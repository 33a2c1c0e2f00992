"""The HDF5 output opens cleanly in every reader analysts use (docs/output.md)."""
import shutil
import subprocess
from pathlib import Path

import h5py
import numpy as np
import pytest
import xarray as xr

ENGINES = ["netcdf4", "h5netcdf"]
# Attributes the HDF5 dimension-scale API maintains itself.
DS_ATTRS = {"CLASS", "NAME", "DIMENSION_LIST", "REFERENCE_LIST", "_Netcdf4Dimid", "_Netcdf4Coordinates"}


def open_ds(path, engine, group=None):
    return xr.open_dataset(path, engine=engine, group=group)


@pytest.mark.parametrize("engine", ENGINES)
def test_opens_with_xarray(h5file, engine):
    with open_ds(h5file, engine) as ds:
        for dim in ("condition", "replicate", "time", "project"):
            assert dim in ds.dims, f"dimension {dim} missing"
            assert dim in ds.coords, f"coordinate {dim} missing"
        assert ds.sizes["time"] == int(np.asarray(ds.attrs["horizon"]).ravel()[0]) + 1
        np.testing.assert_array_equal(ds["time"].values, np.arange(ds.sizes["time"]))
        np.testing.assert_array_equal(ds["replicate"].values, np.arange(ds.sizes["replicate"]))
        np.testing.assert_array_equal(ds["condition"].values, np.arange(ds.sizes["condition"]))
        assert ds["time"].attrs["units"] == "week"
        assert ds["active"].dims == ("condition", "replicate", "time")
        assert ds["summary_value"].dims == ("condition", "replicate")
        assert ds["project_outcome"].dims == ("project",)
        assert ds["active"].dtype == np.float64
        assert ds["project_launch"].dtype == np.int32


@pytest.mark.parametrize("engine", ENGINES)
def test_every_variable_has_units_and_long_name(h5file, engine):
    with open_ds(h5file, engine) as ds:
        assert len(ds.data_vars) > 0
        for name, var in ds.data_vars.items():
            assert "units" in var.attrs, f"{name} has no units"
            assert "long_name" in var.attrs, f"{name} has no long_name"
        for name, var in ds.coords.items():
            assert "long_name" in var.attrs, f"coordinate {name} has no long_name"


@pytest.mark.parametrize("engine", ENGINES)
def test_condition_names(h5file, engine):
    with open_ds(h5file, engine) as ds, open_ds(h5file, engine, "parameters") as par:
        names = [str(n) for n in ds["condition_name"].values]
        assert len(names) == ds.sizes["condition"]
        assert all(names) and len(set(names)) == len(names)
        assert [str(n) for n in par["condition_name"].values] == names
        # The documented way to select by name.
        byname = ds.swap_dims(condition="condition_name")
        assert byname["active"].sel(condition_name=names[-1]).dims == ("replicate", "time")
        if h5file.name == "synthetic.h5":
            assert names == ["baseline", "mandate"]


@pytest.mark.parametrize("engine", ENGINES)
def test_parameters_group(h5file, engine, param_keys):
    with open_ds(h5file, engine, "parameters") as par:
        assert list(par.data_vars) == param_keys
        assert par.sizes["condition"] >= 1
        for key in param_keys:
            var = par[key]
            assert var.dims == ("condition",)
            for attr in ("units", "long_name", "default", "valid_min", "valid_max"):
                assert attr in var.attrs, f"{key}: no {attr}"
            assert np.all(var.values >= var.attrs["valid_min"]) and np.all(var.values <= var.attrs["valid_max"])
        form = par["formation"]
        assert form.attrs["flag_meanings"].split() == ["network_first", "structure_first"]
        np.testing.assert_array_equal(form.attrs["flag_values"], [0.0, 1.0])
        if h5file.name == "synthetic.h5":
            np.testing.assert_array_equal(form.values, [0, 1])
            np.testing.assert_array_equal(par["structure.team_target"].values, [8, 12])


def test_provenance_group(h5file):
    with open_ds(h5file, "netcdf4", "provenance") as prov:
        for attr in ("command_line", "host", "started", "wall_seconds", "threads"):
            assert attr in prov.attrs, f"/provenance has no {attr}"
        assert prov.attrs["started"].endswith("Z")


def test_root_attributes(h5file):
    with open_ds(h5file, "h5netcdf") as ds:
        a = ds.attrs
        assert a["Conventions"] == "CF-1.8"
        assert a["source"].startswith("samen ")
        for key in ("title", "samen_version", "git_revision", "compiler", "cflags", "hdf5_version",
                    "gsl_version", "yaml_version", "scenario_name", "scenario_text", "seed", "horizon",
                    "replicates", "cohort_cutoff"):
            assert key in a, f"root attribute {key} missing"
        horizon = int(np.asarray(a["horizon"]).ravel()[0])
        cutoff = int(np.asarray(a["cohort_cutoff"]).ravel()[0])
        assert cutoff == (horizon - 104 if horizon > 208 else horizon // 2)
        assert int(np.asarray(a["replicates"]).ravel()[0]) == ds.sizes["replicate"]


def test_hdf5_types_and_attributes(h5file):
    """Only netCDF-model types: no compound, enum or variable-length datasets; text attributes are
    scalar fixed-length strings, numeric attributes 1-D arrays."""
    problems = []

    def check_attrs(name, obj):
        for key in obj.attrs:
            if key in DS_ATTRS:
                continue
            aid = obj.attrs.get_id(key)
            dt = aid.dtype
            if dt.kind == "S":
                if aid.shape != ():
                    problems.append(f"{name}@{key}: text attribute of shape {aid.shape}")
                if aid.get_type().get_strpad() != h5py.h5t.STR_NULLTERM:
                    problems.append(f"{name}@{key}: text attribute not null-terminated")
            elif dt.kind in "if":
                if len(aid.shape) != 1 or aid.shape[0] < 1:
                    problems.append(f"{name}@{key}: numeric attribute of shape {aid.shape}")
            else:
                problems.append(f"{name}@{key}: attribute type {dt}")

    def visit(name, obj):
        check_attrs(name, obj)
        if not isinstance(obj, h5py.Dataset):
            return
        dt = obj.dtype
        if dt.names is not None:
            problems.append(f"{name}: compound type")
        if h5py.check_enum_dtype(dt) is not None:
            problems.append(f"{name}: enum type")
        if h5py.check_vlen_dtype(dt) is not None or (h5py.check_string_dtype(dt) and h5py.check_string_dtype(dt).length is None):
            problems.append(f"{name}: variable-length type")
        if dt.kind == "S" and dt.itemsize != 1:
            problems.append(f"{name}: fixed-length strings of {dt.itemsize} bytes (netCDF-C misreads them)")
        if dt.kind not in "ifS" or (dt.kind in "if" and dt.itemsize not in (4, 8)):
            problems.append(f"{name}: type {dt}")
        if obj.attrs.get("CLASS") == b"DIMENSION_SCALE":
            return
        if obj.dims:
            for i, dim in enumerate(obj.dims):
                if len(dim) != 1:
                    problems.append(f"{name}: axis {i} has {len(dim)} dimension scales")

    with h5py.File(h5file, "r") as f:
        check_attrs("/", f)
        f.visititems(visit)
    assert not problems, "\n".join(problems)


def test_chunks_and_filters(h5file):
    with h5py.File(h5file, "r") as f:
        for name in ("active", "momentum", "summary_value", "project_value"):
            d = f[name]
            if d.size == 0:
                continue
            assert d.chunks is not None, f"{name} is not chunked"
            assert all(c <= s for c, s in zip(d.chunks, d.shape)), f"{name}: chunk {d.chunks} > shape {d.shape}"
            nbytes = int(np.prod(d.chunks)) * d.dtype.itemsize
            assert nbytes <= 1 << 20, f"{name}: chunk of {nbytes} bytes"
            assert nbytes >= 10 * 1024 or d.chunks == d.shape, f"{name}: chunk of {nbytes} bytes"
            assert d.compression == "gzip" and d.shuffle and d.fletcher32, f"{name}: filters"


def test_project_table_order(h5file):
    with h5py.File(h5file, "r") as f:
        c, r, i = (f[k][()].astype(np.int64) for k in ("project_condition", "project_replicate", "project_id"))
        key = (c * 1_000_000 + r) * 10_000_000 + i
        assert np.all(np.diff(key) > 0), "project rows are not ordered by (condition, replicate, id)"
        assert np.all((c >= 0) & (c < f["condition"].shape[0]))
        assert np.all((r >= 0) & (r < f["replicate"].shape[0]))
        assert set(np.unique(f["project_outcome"][()])) <= set(f["project_outcome"].attrs["flag_values"])


def test_synthetic_values(synthetic_output):
    with open_ds(synthetic_output, "netcdf4") as ds:
        t = np.arange(11)
        for c in range(2):
            for r in range(3):
                np.testing.assert_array_equal(ds["opportunities"].values[c, r], c * 10000 + r * 1000 + t * 0.5)
        assert np.all(np.isnan(ds["momentum"].values[:, :, 0]))
        assert np.all(np.isnan(ds["momentum"].values[0, 1]))
        assert np.isnan(ds["summary_success_launched"].values[1, 2])
        assert ds.sizes["project"] == 14
        assert len(ds.attrs["scenario_text"]) > 65536


@pytest.mark.skipif(shutil.which("ncdump") is None, reason="ncdump not installed")
def test_ncdump_header(h5file):
    proc = subprocess.run(["ncdump", "-h", str(h5file)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "phony_dim" not in proc.stdout
    for line in ("condition = ", "replicate = ", "time = ", "project = ", "group: parameters", "group: provenance"):
        assert line in proc.stdout, f"ncdump -h shows no '{line}'"


@pytest.mark.skipif(shutil.which("ncdump") is None, reason="ncdump not installed")
def test_ncdump_data(synthetic_output):
    proc = subprocess.run(["ncdump", "-v", "condition_name,project_outcome", str(synthetic_output)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert '"baseline"' in proc.stdout and '"mandate"' in proc.stdout


@pytest.mark.skipif(shutil.which("h5diff") is None, reason="h5diff not installed")
def test_reproducible_outside_provenance(synthetic_output, synthetic_output_again):
    proc = subprocess.run(["h5diff", "--exclude-path", "/provenance", str(synthetic_output),
                           str(synthetic_output_again)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "not comparable" not in proc.stdout
    # /provenance does differ (start time), so the exclusion is what makes them equal.
    assert subprocess.run(["h5diff", str(synthetic_output), str(synthetic_output_again)],
                          capture_output=True).returncode == 1


@pytest.mark.skipif(shutil.which("h5diff") is None, reason="h5diff not installed")
def test_threads_do_not_change_the_file(samen_bin, tmp_path):
    """Runs finish, and are written, in a different order with more threads."""
    files = []
    for threads in (1, 4):
        out = tmp_path / f"t{threads}.h5"
        subprocess.run([str(samen_bin), "run", "-o", str(out), "--replicates", "4", "--threads", str(threads),
                        "--quiet"], check=True, capture_output=True)
        files.append(str(out))
    proc = subprocess.run(["h5diff", "--exclude-path", "/provenance", *files], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_no_partial_left(h5file):
    assert h5file.exists()
    assert not h5file.with_name(h5file.name + ".partial").exists()


def test_write_failure_leaves_nothing(samen_bin, tmp_path):
    """A write that fails (here: the file size limit, as on a full disk) ends with exit status 1,
    a message naming the object, and neither the output nor its partial file. Finished runs stay
    in OUT.partial.d, the resumable state (see docs/output.md), and nothing else is left."""
    out = tmp_path / "out.h5"
    script = f"trap '' XFSZ; ulimit -f 64; exec '{samen_bin}' run -o '{out}' --replicates 50 --quiet"
    proc = subprocess.run(["sh", "-c", script], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "cannot write" in proc.stderr and "File too large" in proc.stderr, proc.stderr
    assert [p.name for p in tmp_path.iterdir()] in ([], ["out.h5.partial.d"])
    assert not (tmp_path / "out.h5").exists() and not (tmp_path / "out.h5.partial").exists()


def test_documented(synthetic_output):
    """Every variable and attribute of the file is in docs/output.md."""
    doc = (Path(__file__).resolve().parents[2] / "docs" / "output.md").read_text()
    missing = []
    with h5py.File(synthetic_output, "r") as f:
        names = list(f.keys()) + list(f.attrs) + list(f["provenance"].attrs)
        names += [a for a in f["parameters/formation"].attrs if a not in DS_ATTRS]
        names += [a for a in f["active"].attrs if a not in DS_ATTRS]
    for name in names:
        if name in ("parameters", "provenance"):
            continue
        if f"`{name}`" not in doc:
            missing.append(name)
    assert not missing, f"not in docs/output.md: {missing}"
