"""Read samen output files (HDF5 / netCDF-4) into xarray, following docs/output.md.

    from samen_analysis import open_output
    ds = open_output("samen-default.h5")
    ds["summary_success_launched"].sel(condition="network_first").mean("replicate")

Uses only Debian's python3-xarray and python3-h5netcdf / python3-netcdf4.
"""
import xarray as xr

__all__ = ["open_output", "open_parameters"]


def _label_conditions(ds):
    """Replace the integer condition coordinate by the condition names."""
    if "condition_name" in ds:
        names = ds["condition_name"].values
        labels = [n.decode() if isinstance(n, bytes) else str(n) for n in names]
        ds = ds.drop_vars("condition_name").assign_coords(condition=labels)
    return ds


def open_output(path, engine="netcdf4"):
    """The root group of a samen output: series (condition, replicate, time), summaries
    (condition, replicate) and the project table (project), with conditions labelled by name."""
    return _label_conditions(xr.open_dataset(path, engine=engine))


def open_parameters(path, engine="netcdf4"):
    """The resolved parameters of every condition: one variable per dotted key over condition."""
    params = xr.open_dataset(path, engine=engine, group="parameters")
    names = open_output(path, engine)["condition"].values
    return params.assign_coords(condition=list(names))
