/* output: the HDF5 writer. Layout documented in docs/output.md.
 *
 * The file is written to PATH.partial and renamed to PATH only by output_close() after a
 * successful close and fsync, so a file at its final path is always complete. Readable by
 * h5py, xarray (netcdf4 and h5netcdf engines), ncdump and R hdf5r: dimension scales on every
 * axis, CF units/long_name, only int32/float64/fixed-length strings, no compound or enum types. */
#ifndef SAMEN_OUTPUT_H
#define SAMEN_OUTPUT_H
#include "design.h"
#include "run.h"
#include "scenario.h"

typedef struct output output;

/* Create PATH.partial and write everything known before the runs: dimensions and coordinates
 * (condition names, replicate, time), the organisations, root attributes, the parameters group,
 * provenance.
 * argc/argv are recorded in /provenance. Dies (exit 1, partial removed) on any HDF5 error. */
output *output_open(const char *path, const scenario *sc, int argc, char **argv, int threads);
typedef struct output_options {
    const design *design;      /* NULL or DESIGN_NONE: no point dimension */
    int record_every;          /* series every k weeks and at the horizon; 0: no series */
    int projects;              /* write the project table */
    long long project_rows;    /* rows the table will have, if known (then written as runs arrive); -1:
                                  buffered until close; -2: deferred, see output_projects_begin */
    long long partner_rows;    /* rows of the partner table, when project_rows >= 0 */
    int argc;                  /* the command line, for /provenance */
    char **argv;
    int threads;
} output_options;

/* The same with a design (a leading `point` axis on every run variable), a series stride and the
 * project table optional. Project rows are appended as soon as every earlier run (in point,
 * condition, replicate order) is stored, so memory stays flat when runs arrive in order. */
output *output_open_with(const char *path, const scenario *sc, const output_options *opt);
void output_write_run_at(output *o, int point, const run_result *r);
/* Deferred project table (project_rows -2): runs are written without their projects; then, once
 * the number of rows is known (projects, and partners: the sum of their partner counts), the
 * tables are created and each run's projects are added in run order (point, condition,
 * replicate). */
void output_projects_begin(output *o, long long rows, long long partner_rows);
void output_projects_add(output *o, int point, const run_result *r);
/* Record a run that failed, with its reason (run_status 1, listed in run_errors). */
void output_mark_failed(output *o, int point, int cond, int rep, const char *reason);
/* Store one finished run (any order; each (condition, replicate) exactly once). Not thread-safe:
 * call from one thread. */
void output_write_run(output *o, const run_result *r);
/* Write what remains (project table, summaries, wall time), close, fsync, rename to PATH. */
void output_close(output *o);
/* Remove PATH.partial and free everything (after an error or an interrupt). */
void output_abort(output *o);

#endif
