/* output: the HDF5 writer. Layout documented in docs/output.md.
 *
 * The file is written to PATH.partial and renamed to PATH only by output_close() after a
 * successful close and fsync, so a file at its final path is always complete. Readable by
 * h5py, xarray (netcdf4 and h5netcdf engines), ncdump and R hdf5r: dimension scales on every
 * axis, CF units/long_name, only int32/float64/fixed-length strings, no compound or enum types. */
#ifndef SAMEN_OUTPUT_H
#define SAMEN_OUTPUT_H
#include "run.h"
#include "scenario.h"

typedef struct output output;

/* Create PATH.partial and write everything known before the runs: dimensions and coordinates
 * (condition names, replicate, time), root attributes, the parameters group, provenance.
 * argc/argv are recorded in /provenance. Dies (exit 1, partial removed) on any HDF5 error. */
output *output_open(const char *path, const scenario *sc, int argc, char **argv, int threads);
/* Store one finished run (any order; each (condition, replicate) exactly once). Not thread-safe:
 * call from one thread. */
void output_write_run(output *o, const run_result *r);
/* Write what remains (project table, summaries, wall time), close, fsync, rename to PATH. */
void output_close(output *o);
/* Remove PATH.partial and free everything (after an error or an interrupt). */
void output_abort(output *o);

#endif
