"""Read samen output files (HDF5 / netCDF-4) into xarray, following docs/output.md.

    from samen_analysis import open_output
    ds = open_output("samen-default.h5")
    ds["summary_success_launched"].sel(condition="network_first").mean("replicate")

Uses only Debian's python3-xarray and python3-h5netcdf / python3-netcdf4. The statistics are in
samen_analysis.stats, the plots in samen_analysis.plots, the HTML report in
samen_analysis.report and the CSV export in samen_analysis.export (docs/report.md).
"""
import numpy as np
import pandas as pd
import xarray as xr

__all__ = ["open_output", "open_parameters", "open_provenance", "attr", "varied_parameters", "design_table"]


def _label_conditions(ds):
    """Replace the integer condition coordinate by the condition names."""
    if "condition_name" in ds:
        names = ds["condition_name"].values
        labels = [n.decode() if isinstance(n, bytes) else str(n) for n in names]
        ds = ds.drop_vars("condition_name").assign_coords(condition=labels)
    return ds


def _design_coords(ds):
    """Make the design_<key>(point) variables of a sweep or sampled design coordinates."""
    keys = [v for v in ds.data_vars if v.startswith("design_") and ds[v].dims == ("point",)]
    return ds.set_coords(keys) if keys else ds


def open_output(path, engine="netcdf4"):
    """The root group of a samen output: series (condition, replicate, time), summaries
    (condition, replicate) and the project table (project), with conditions labelled by name.
    A file with design points has a leading `point` dimension on series and summaries and its
    design_<key>(point) variables as coordinates."""
    return _design_coords(_label_conditions(xr.open_dataset(path, engine=engine)))


def open_parameters(path, engine="netcdf4"):
    """The resolved parameters of every condition: one variable per dotted key over condition."""
    params = xr.open_dataset(path, engine=engine, group="parameters")
    names = open_output(path, engine)["condition"].values
    return params.assign_coords(condition=list(names))


def open_provenance(path, engine="netcdf4"):
    """The attributes of /provenance (command line, host, start time, threads, wall time) as a
    dict; empty when the group is missing."""
    try:
        with xr.open_dataset(path, engine=engine, group="provenance") as g:
            return {k: attr(g, k) for k in g.attrs}
    except (OSError, KeyError, ValueError):
        return {}


def attr(ds, name, default=None):
    """A root attribute as a plain Python value: a one-element number array becomes a scalar
    (the netcdf4 and h5netcdf engines differ there), bytes become text."""
    if name not in ds.attrs:
        return default
    v = ds.attrs[name]
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    a = np.asarray(v)
    if a.dtype.kind in "iuf" and a.size == 1:
        return a.ravel()[0].item()
    return v


def varied_parameters(par):
    """The parameter keys whose value differs between conditions, in table order."""
    out = []
    for key in par.data_vars:
        v = par[key].values
        if v.ndim == 1 and v.size > 1 and np.unique(v).size > 1:
            out.append(key)
    return out


def parameter_word(par, key, value):
    """A parameter value as the reader knows it: the word of a choice, else the number."""
    meanings = par[key].attrs.get("flag_meanings") if key in par else None
    if meanings:
        words = str(meanings).split()
        i = int(round(float(value)))
        if 0 <= i < len(words):
            return words[i]
    value = float(value)
    return f"{value:g}"


def design_table(ds, par=None):
    """One row per (point, condition) with the value of every parameter that varies: the
    parameters that differ between conditions (from the parameters group) and the design_<key>
    coordinates of design points. Columns: point, condition, then one per parameter key."""
    points = ds.sizes.get("point", 1)
    keys = varied_parameters(par) if par is not None else []
    dkeys = [c for c in ds.coords if c.startswith("design_")]
    rows = []
    for p in range(points):
        for ci, c in enumerate(ds["condition"].values):
            row = {"point": p, "condition": str(c)}
            for k in keys:
                row[k] = float(par[k].values[ci])
            for d in dkeys:
                row[d[len("design_"):]] = float(ds[d].values[p])
            rows.append(row)
    return pd.DataFrame(rows)
