/* experiment: every (condition, replicate) of a scenario as a run, in parallel over runs,
 * into one output file. Results do not depend on the number of threads. */
#ifndef SAMEN_EXPERIMENT_H
#define SAMEN_EXPERIMENT_H
#include "design.h"
#include "run.h"
#include "scenario.h"
#include <stdio.h>

typedef struct experiment_options {
    const char *out_path;    /* HDF5 file to write */
    int threads;             /* >= 1 */
    int quiet;               /* no progress line, no summary line */
    int argc;                /* the command line, for provenance and the resume manifest */
    char **argv;
    const design *design;    /* NULL: one point */
    int record_every;        /* series every k weeks; 0: none */
    int projects;            /* write the project table */
    int resume;              /* finish the interrupted experiment in OUT.partial.d */
} experiment_options;

/* Summaries of all runs, kept for the comparison table: sum[((p * C + c) * R + r) * N_SUM + k]. */
typedef struct experiment_summary {
    int n_points, n_conditions, replicates;
    double *sum;             /* NaN for failed runs */
    int failed;              /* runs that failed */
} experiment_summary;

/* Run the experiment and write the file. Returns 0, or 130/143 when interrupted by SIGINT or
 * SIGTERM: runs in flight finish, the finished ones stay in OUT.partial.d, no file appears at
 * OUT. Dies on runtime errors (exit 1); a failing run is recorded, not fatal. */
int experiment_run(const scenario *sc, const experiment_options *opt, experiment_summary *out);
void experiment_summary_free(experiment_summary *s);
/* OUT.partial.d (allocated). */
char *experiment_shard_dir(const char *out_path);
/* The command line an interrupted experiment was started with (for --resume). */
int experiment_read_manifest(const char *out_path, int *argc, char ***argv, char *err, size_t n);
/* The comparison table of the default experiment: per condition the main outcomes with 95%
 * intervals, then each condition against the first (paired over replicates). */
void experiment_print_comparison(FILE *f, const scenario *sc, const experiment_summary *s);

#endif
