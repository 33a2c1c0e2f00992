/* compare: `samen compare OUT.h5`, each condition against a baseline, from the output file alone.
 *
 * compare_read.c reads an output file as untrusted input: every HDF5 call is checked, external
 * links, external storage and virtual datasets are refused, filter plugins are never loaded,
 * and types and shapes are checked against the layout of docs/output.md before anything is
 * read. A file that is not a complete samen output gives "samen: FILE: not a samen output
 * (REASON)" and exit status 2. compare.c computes, compare_print.c prints; docs/report.md documents both. */
#ifndef SAMEN_COMPARE_H
#define SAMEN_COMPARE_H
#include <stddef.h>
#include <stdint.h>

enum {
    COMPARE_NAME_MAX = 256,     /* longest condition or parameter name accepted */
    COMPARE_TEXT_MAX = 1 << 20, /* longest text attribute read */
    COMPARE_DESIGN_MAX = 64,    /* design_<key> variables accepted */
    COMPARE_MIN_REPLICATES = 10 /* fewer pairs than this: the interval is never "useful" */
};

/* An output file opened for reading. Summaries are over (condition, replicate), or over
 * (point, condition, replicate) when the file has a `point` dimension (design points of a sweep
 * or a sampled design, one float variable design_<key>(point) per varied parameter, the root
 * attributes design_method and design_base_rows; docs/output.md); a file without one is read
 * as a single point. */
typedef struct compare_file {
    char *path;
    int64_t handle;                                     /* the open HDF5 file */
    char *source, *title, *scenario_name, *design_kind; /* attributes; design_method ("" when absent) */
    int design_base_rows;                               /* Saltelli: base rows n (0 when absent) */
    long n_failed;                                      /* runs marked failed in run_status */
    uint32_t seed;                                      /* the root attribute seed (0 when absent) */
    int n_point, n_cond, n_rep;                         /* P (1 without a point dimension), C, R */
    int has_point;                                      /* the file has a point dimension */
    char **cond;                                        /* [C] condition names, printable ASCII */
    int n_design;                                       /* k: design_<key> variables */
    char **design_key;                                  /* [k] the <key> part */
    double *design;                                     /* [k * P]: design[i * P + p] */
} compare_file;

/* Open PATH and check it is a samen output. 0 on success; -1 with a one-line reason in err
 * (for "samen: PATH: not a samen output (REASON)") otherwise, and nothing to close. */
int compare_file_open(const char *path, compare_file *f, char *err, size_t n);
/* 1 if the root holds a variable called name (a hard link), else 0. */
int compare_file_has(const compare_file *f, const char *name);
/* Read the float variable `name` over (point,) condition, replicate into out[(p * C + c) * R + r].
 * 0, or -1 with a reason in err (missing, wrong type or shape, unreadable). */
int compare_file_read(const compare_file *f, const char *name, double *out, char *err, size_t n);
void compare_file_close(compare_file *f);

/* The outcomes compare knows: --metric NAME reads VARIABLE. */
typedef struct compare_metric {
    const char *name, *var, *label;
    int lower_is_better;
    int is_default; /* in the table when no --metric is given */
} compare_metric;
extern const compare_metric compare_metrics[];
extern const int compare_n_metrics;

/* One condition against the baseline, for one metric at one design point. */
typedef struct compare_row {
    int point, metric, cond;
    int n;                  /* pairs where both values are defined */
    double mean, mean_base; /* means over the defined values of each */
    double diff, lo, hi;    /* paired mean difference (condition - baseline), 95% interval */
    double p_better;        /* share of pairs where the condition did better (ties half) */
    int rank;               /* 1 = best, by diff in the better direction; baseline included */
    double halfwidth;       /* (hi - lo) / 2 */
    double wanted;          /* useful half-width: --width, else max(0.2 pooled SD, 0.1 |diff|) */
    int enough;             /* n >= COMPARE_MIN_REPLICATES and halfwidth <= wanted */
    long needed;            /* replicates for the wanted half-width: n (halfwidth / wanted)^2 */
} compare_row;

/* The comparison of `cond` with `base` given their values over R replicates (NaN = undefined),
 * with the bootstrap keyed by seed; width > 0 is the wanted half-width, else the larger of a
 * fifth of the pooled standard deviation of the two and a tenth of the difference. */
compare_row compare_pair(const double *cond, const double *base, int R, int lower_is_better, double width,
                         uint32_t seed);

/* The CLI: argv[1] is "compare". Returns the exit status (0, 1, or 2 for bad input). */
int compare_main(int argc, char **argv);

#endif
