/* experiment: every (condition, replicate) of a scenario as a run, in parallel over runs,
 * into one output file. Results do not depend on the number of threads. */
#ifndef SAMEN_EXPERIMENT_H
#define SAMEN_EXPERIMENT_H
#include "run.h"
#include "scenario.h"
#include <stdio.h>

typedef struct experiment_options {
    const char *out_path;    /* HDF5 file to write */
    int threads;             /* >= 1 */
    int quiet;               /* no progress line */
    int argc;                /* the command line, for provenance */
    char **argv;
} experiment_options;

/* Summaries of all runs, kept for the comparison table: sum[(c * R + r) * N_SUM + k]. */
typedef struct experiment_summary {
    int n_conditions, replicates;
    double *sum;
} experiment_summary;

/* Run the experiment and write the file. Returns 0, or 130/143 when interrupted by
 * SIGINT/SIGTERM (no output file is left). Dies on runtime errors (exit 1). */
int experiment_run(const scenario *sc, const experiment_options *opt, experiment_summary *out);
void experiment_summary_free(experiment_summary *s);
/* The comparison table of the default experiment: per condition the main outcomes with 95%
 * intervals, then each condition against the first (paired over replicates). */
void experiment_print_comparison(FILE *f, const scenario *sc, const experiment_summary *s);

#endif
