"""Tidy CSV files of a samen output, for Excel and R users:

    /usr/bin/python3 analysis/export.py OUT.h5 -o DIR [--excel-nl]

DIR/runs.csv         one row per run (point, condition, replicate): every summary_<name>
DIR/series.csv       one row per run and week: every weekly series
DIR/projects.csv     the project table, one row per opportunity, with the condition's name
DIR/parameters.csv   one row per (condition, parameter): value, word (choices), units, meaning
DIR/comparison.csv   each condition against the baseline (the columns of samen compare --csv)
DIR/variables.csv    every column above: file, column, units, long_name

Numbers are written in full precision; an undefined value (NaN) is an empty cell. --excel-nl
writes ';' between fields and ',' as the decimal mark, as a Dutch Excel expects.
"""
import argparse
import os
import sys

import numpy as np
import pandas as pd

from . import open_output, open_parameters, parameter_word, stats


def _frames(ds, par, baseline=None):
    conds = [str(c) for c in ds["condition"].values]
    pre = ["point"] if "point" in ds.dims else []
    sums = [v for v in ds.data_vars if v.startswith("summary_")]
    runs = ds[sums].to_dataframe().reset_index()[pre + ["condition", "replicate"] + sums]
    series = [v for v in ds.data_vars if set(ds[v].dims) == set(pre + ["condition", "replicate", "time"])]
    # a file written without series (--no-series) or projects (--no-projects) has no such table
    ser = ds[series].to_dataframe().reset_index()[pre + ["condition", "replicate", "time"] + series] if series else None
    pvars = [v for v in ds.data_vars if v.startswith("project_")]
    proj = pd.DataFrame({v: ds[v].values for v in pvars}) if pvars else None
    if proj is not None and "project_condition" in proj:
        proj.insert(1, "condition_name", np.asarray(conds)[proj["project_condition"].values]
                    if len(proj) else pd.Series(dtype=str))
    prow = []
    for key in par.data_vars:
        a = par[key].attrs
        for ci, c in enumerate(conds):
            v = float(par[key].values[ci])
            prow.append(dict(condition=c, parameter=key, value=v, word=parameter_word(par, key, v),
                             units=a.get("units", ""), long_name=a.get("long_name", "")))
    params = pd.DataFrame(prow)
    comp = stats.paired_comparison(ds, baseline)
    meta = []
    for name, df in (("runs.csv", runs), ("series.csv", ser), ("projects.csv", proj)):
        if df is None:
            continue
        for col in df.columns:
            a = ds[col].attrs if col in ds.variables else {}
            meta.append(dict(file=name, column=col, units=a.get("units", ""), long_name=a.get("long_name", "")))
    return dict(runs=runs, series=ser, projects=proj, parameters=params, comparison=comp,
                variables=pd.DataFrame(meta))


def export(path, outdir, excel_nl=False, baseline=None):
    """Write the CSV files of the output at path into outdir; returns their paths."""
    ds = open_output(path)
    par = open_parameters(path)
    os.makedirs(outdir, exist_ok=True)
    sep, dec = (";", ",") if excel_nl else (",", ".")
    written = []
    for name, df in _frames(ds, par, baseline).items():
        if df is None:
            continue
        p = os.path.join(outdir, name + ".csv")
        if "enough" in df:  # as samen compare --csv writes it
            df = df.assign(enough=df["enough"].map({True: "true", False: "false"}))
        df.to_csv(p, index=False, sep=sep, decimal=dec, na_rep="")
        written.append(p)
    return written


def main(argv=None):
    a = argparse.ArgumentParser(prog="export.py", description="Write tidy CSV files of a samen output.")
    a.add_argument("file")
    a.add_argument("-o", "--output", required=True, help="directory for the CSV files (created if missing)")
    a.add_argument("--excel-nl", action="store_true", help="';' between fields and ',' as decimal mark")
    a.add_argument("--baseline", help="baseline of comparison.csv (default: the first condition)")
    args = a.parse_args(argv)
    try:
        files = export(args.file, args.output, args.excel_nl, args.baseline)
    except (OSError, KeyError, ValueError) as e:
        print(f"export.py: {args.file}: cannot read it as a samen output ({e})", file=sys.stderr)
        return 2
    for f in files:
        print(f)
    return 0
