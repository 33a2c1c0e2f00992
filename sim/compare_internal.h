/* compare_internal: what compare.c (options, statistics, the command) and compare_print.c (the
 * table, CSV and JSON outputs) share. */
#ifndef SAMEN_COMPARE_INTERNAL_H
#define SAMEN_COMPARE_INTERNAL_H
#include "compare.h"
#include "sobol.h"
#include <stdio.h>

enum compare_format { FMT_TABLE, FMT_CSV, FMT_JSON };

typedef struct compare_opts {
    const char *path, *baseline;
    int metric[32], n_metric;
    double width;
    enum compare_format format;
    int sobol_only;
    long long seed; /* -1: the file's seed */
} compare_opts;

typedef struct sobol_row {
    int metric, cond, param;
    sobol_index s;
} sobol_row;

typedef struct compare_result {
    compare_row *rows;
    int n_rows;
    sobol_row *sob;
    int n_sob;
    int sobol_n;          /* base rows of the Saltelli design (0: none) */
    char sobol_note[512]; /* why there are no indices, when a design asked for them */
} compare_result;

/* The results for each format, on OUT (docs/report.md). */
void compare_print_table(FILE *out, const compare_file *f, const compare_opts *o, int base, const compare_result *res);
void compare_print_csv(FILE *out, const compare_file *f, const compare_opts *o, int base, const compare_result *res);
void compare_print_json(FILE *out, const compare_file *f, const compare_opts *o, int base, const compare_result *res);

#endif
