/* compare: each condition against a baseline, per outcome and design point, from an output file.
 * The statistics and the output formats are documented in docs/report.md. */
#include "compare.h"
#include "compare_internal.h"
#include "error.h"
#include "sobol.h"
#include "stats.h"
#include <errno.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const compare_metric compare_metrics[] = {
    {"success", "summary_success_launched", "success per launched collaboration (share completed)", 0, 1},
    {"success_opportunity", "summary_success_opportunity", "success per opportunity (share completed)", 0, 1},
    {"value", "summary_value", "value delivered over the horizon", 0, 1},
    {"value_per_hour", "summary_value_per_hour", "value per hour spent", 0, 1},
    {"hours_lost", "summary_hours_wasted", "hours lost in collaborations that dissolved or stalled", 1, 1},
    {"overhead", "summary_hours_overhead", "hours of negotiation and hour accounting", 1, 0},
    {"trust", "summary_trust_participants_104", "cross-organisation trust among participants, week 104", 0, 1},
    {"trust_end", "summary_trust_cross_org_end", "cross-organisation trust at the horizon", 0, 0},
    {"first_win", "summary_first_win_weeks", "weeks from launch to the first win (median)", 1, 1},
    {"completion", "summary_completion_weeks", "weeks from launch to completion (median)", 1, 0},
};
const int compare_n_metrics = (int)(sizeof compare_metrics / sizeof compare_metrics[0]);

/* ---- statistics ---------------------------------------------------------------------------- */

static double sd_finite(const double *x, int n) {
    double *v = xmalloc(sizeof(double) * (size_t)(n + 1));
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(x[i])) v[k++] = x[i];
    double s = k >= 2 ? gsl_stats_sd(v, 1, (size_t)k) : NAN;
    free(v);
    return s;
}

static double mean_finite(const double *x, int n) {
    double s = 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(x[i])) s += x[i], k++;
    return k ? s / k : NAN;
}

compare_row compare_pair(const double *cond, const double *base, int R, int lower_is_better, double width,
                         uint32_t seed) {
    compare_row r;
    memset(&r, 0, sizeof r);
    double p_higher;
    interval d = stats_paired(cond, base, R, seed, &p_higher);
    r.n = d.n;
    r.mean = mean_finite(cond, R);
    r.mean_base = mean_finite(base, R);
    r.diff = d.est, r.lo = d.lo, r.hi = d.hi;
    r.p_better = lower_is_better ? 1 - p_higher : p_higher;
    r.halfwidth = (d.hi - d.lo) / 2;
    if (width > 0)
        r.wanted = width;
    else {
        /* Useful: the difference known to within a small standardised effect (0.2 of the pooled
         * standard deviation across replicates) or to within a tenth of itself. */
        double sa = sd_finite(cond, R), sb = sd_finite(base, R);
        double pooled = isfinite(sa) && isfinite(sb) ? sqrt((sa * sa + sb * sb) / 2) : isfinite(sa) ? sa : sb;
        double w = isfinite(pooled) ? 0.2 * pooled : NAN;
        if (isfinite(d.est) && (!(w >= 0.1 * fabs(d.est)))) w = 0.1 * fabs(d.est);
        r.wanted = w > 0 ? w : NAN;
    }
    if (r.n < 2 || !isfinite(r.halfwidth)) {
        r.enough = 0;
        r.needed = COMPARE_MIN_REPLICATES;
    } else if (!isfinite(r.wanted)) { /* no spread at all: the interval is a point */
        r.enough = r.n >= COMPARE_MIN_REPLICATES;
        r.needed = r.n > COMPARE_MIN_REPLICATES ? r.n : COMPARE_MIN_REPLICATES;
    } else {
        r.enough = r.n >= COMPARE_MIN_REPLICATES && r.halfwidth <= r.wanted;
        double q = r.halfwidth / r.wanted;
        double need = ceil(r.n * q * q);
        if (need < COMPARE_MIN_REPLICATES) need = COMPARE_MIN_REPLICATES;
        r.needed = need > 1e9 ? 1000000000L : (long)need;
    }
    return r;
}

/* ---- options -------------------------------------------------------------------------------- */


static const char COMPARE_USAGE[] =
    "usage: samen compare OUT.h5 [--baseline NAME] [--metric NAME[,NAME...]]... [--width W]\n"
    "                            [--csv | --json] [--sobol] [--seed N]\n"
    "metrics: success success_opportunity value value_per_hour hours_lost overhead trust trust_end\n"
    "         first_win completion, or all (default: success success_opportunity value\n"
    "         value_per_hour hours_lost trust first_win)\n";

/* A wrong option: one line on stderr, exit 2. */
static noreturn void cmp_usage(const char *fmt, const char *arg) {
    fprintf(stderr, "samen: compare: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (samen --help lists the options)\n");
    exit(SAMEN_EXIT_INPUT);
}

static void add_metrics(compare_opts *o, const char *list) {
    char buf[512];
    snprintf(buf, sizeof buf, "%s", list);
    for (char *save, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        int found = -1;
        if (!strcmp(tok, "all")) {
            for (int m = 0; m < compare_n_metrics; m++)
                add_metrics(o, compare_metrics[m].name);
            continue;
        }
        for (int m = 0; m < compare_n_metrics; m++)
            if (!strcmp(tok, compare_metrics[m].name)) found = m;
        if (found < 0) cmp_usage("unknown metric '%s'", tok);
        int dup = 0;
        for (int i = 0; i < o->n_metric; i++)
            dup |= o->metric[i] == found;
        if (!dup && o->n_metric < 32) o->metric[o->n_metric++] = found;
    }
}

static void parse(int argc, char **argv, compare_opts *o) {
    memset(o, 0, sizeof *o);
    o->seed = -1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            fputs(COMPARE_USAGE, stdout);
            exit(0);
        } else if (!strcmp(a, "--baseline")) {
            if (!v) cmp_usage("%s needs a value", a);
            o->baseline = v, i++;
        } else if (!strcmp(a, "--metric")) {
            if (!v) cmp_usage("%s needs a value", a);
            add_metrics(o, v), i++;
        } else if (!strcmp(a, "--width")) {
            char *end;
            if (!v) cmp_usage("%s needs a value", a);
            errno = 0;
            o->width = strtod(v, &end);
            if (!*v || *end || errno || !(o->width > 0) || !isfinite(o->width))
                cmp_usage("--width: expected a positive number, got \"%s\"", v);
            i++;
        } else if (!strcmp(a, "--seed")) {
            char *end;
            if (!v) cmp_usage("%s needs a value", a);
            errno = 0;
            o->seed = strtoll(v, &end, 10);
            if (!*v || *end || errno || o->seed < 0 || o->seed > 4294967295LL)
                cmp_usage("--seed: expected a whole number in [0, 4294967295], got \"%s\"", v);
            i++;
        } else if (!strcmp(a, "--csv"))
            o->format = FMT_CSV;
        else if (!strcmp(a, "--json"))
            o->format = FMT_JSON;
        else if (!strcmp(a, "--sobol"))
            o->sobol_only = 1;
        else if (a[0] == '-' && a[1])
            cmp_usage("unknown option '%s'", a);
        else if (o->path)
            cmp_usage("more than one file given ('%s')", a);
        else
            o->path = a;
    }
    if (!o->path) cmp_usage("%s", "no output file given");
    if (o->n_metric == 0)
        for (int m = 0; m < compare_n_metrics; m++)
            if (compare_metrics[m].is_default) o->metric[o->n_metric++] = m;
    if (o->width > 0 && o->n_metric != 1)
        cmp_usage("%s", "--width is in the units of one metric: give exactly one --metric");
}

/* ---- the Saltelli design -------------------------------------------------------------------- */

/* Parameter i of block AB_(b+1) is the only one in which it differs from A, taking B's value. */
static int block_varies(const compare_file *f, int N, int b, int i) {
    int P = f->n_point, k = f->n_design;
    for (int j = 0; j < N; j++)
        for (int l = 0; l < k; l++) {
            double ab = f->design[(size_t)l * P + (size_t)(2 + b) * N + j];
            double want = f->design[(size_t)l * P + (size_t)(l == i ? N : 0) + j];
            if (ab != want) return 0;
        }
    return 1;
}

/* For a file whose design_method is "saltelli": check the points are in the blocks A, B,
 * AB_1 .. AB_k of sobol.h (AB_b equal to A except one parameter, taken from B) and find which
 * parameter each AB block varies: order[b] = parameter of block AB_(b+1). The writer puts them
 * in the order of the design_ variables; a file that does not is read by matching the values.
 * 0, or -1 with a reason. */
static int saltelli_layout(const compare_file *f, int *order, char *err, size_t n) {
    int k = f->n_design, P = f->n_point;
    if (k < 1 || P % (k + 2) || P / (k + 2) < 2 || (f->design_base_rows && f->design_base_rows * (k + 2) != P)) {
        snprintf(err, n, "design 'saltelli' needs (k + 2) x N points for k = %d design_ variables and N >= 2, got %d",
                 k, P);
        return -1;
    }
    int N = P / (k + 2);
    int *used = xcalloc((size_t)k, sizeof(int));
    for (int b = 0; b < k; b++) {
        int which = -1;
        if (!used[b] && block_varies(f, N, b, b)) which = b;
        for (int i = 0; i < k && which < 0; i++)
            if (!used[i] && block_varies(f, N, b, i)) which = i;
        if (which < 0) {
            snprintf(err, n, "design 'saltelli': block %d of the points is not A with one parameter from B", b + 3);
            free(used);
            return -1;
        }
        used[which] = 1;
        order[b] = which;
    }
    free(used);
    return 0;
}

/* ---- the command ---------------------------------------------------------------------------- */

/* Ranks within one block (one metric at one point): by difference in the better direction,
 * the baseline at 0, undefined differences last, ties by condition order. */
static void rank_block(compare_row *rows, int C, int base, int lower) {
    for (int c = 0; c < C; c++) {
        double dc = c == base ? 0 : rows[c].diff;
        int rank = 1;
        for (int o = 0; o < C; o++) {
            if (o == c) continue;
            double d = o == base ? 0 : rows[o].diff;
            if (!isfinite(d)) continue;
            double better = lower ? dc - d : d - dc; /* > 0: o is better than c */
            if (!isfinite(dc) || better > 0 || (better == 0 && o < c)) rank++;
        }
        rows[c].rank = rank;
    }
}

int compare_main(int argc, char **argv) {
    compare_opts o;
    parse(argc, argv, &o);
    compare_file f;
    char err[1024];
    if (compare_file_open(o.path, &f, err, sizeof err)) {
        if (!strncmp(err, "No such", 7) || !strncmp(err, "Permission", 10) || !strncmp(err, "not a regular", 13))
            fprintf(stderr, "samen: %s: %s\n", o.path, err);
        else
            fprintf(stderr, "samen: %s: not a samen output (%s)\n", o.path, err);
        return SAMEN_EXIT_INPUT;
    }
    int base = 0;
    if (o.baseline) {
        base = -1;
        for (int c = 0; c < f.n_cond; c++)
            if (!strcmp(f.cond[c], o.baseline)) base = c;
        if (base < 0) {
            fprintf(stderr, "samen: %s: no condition '%s'; the conditions are:", o.path, o.baseline);
            for (int c = 0; c < f.n_cond; c++)
                fprintf(stderr, " %s", f.cond[c]);
            fputc('\n', stderr);
            compare_file_close(&f);
            return SAMEN_EXIT_INPUT;
        }
    }
    uint32_t seed = o.seed >= 0 ? (uint32_t)o.seed : f.seed;
    int P = f.n_point, C = f.n_cond, R = f.n_rep, M = o.n_metric;
    size_t per = (size_t)P * C * R;
    double *data = xmalloc(sizeof(double) * per * (size_t)M);
    for (int m = 0; m < M; m++)
        if (compare_file_read(&f, compare_metrics[o.metric[m]].var, data + per * m, err, sizeof err)) {
            fprintf(stderr, "samen: %s: not a samen output (%s)\n", o.path, err);
            free(data);
            compare_file_close(&f);
            return SAMEN_EXIT_INPUT;
        }

    compare_result res;
    memset(&res, 0, sizeof res);
    res.n_rows = P * M * C;
    res.rows = xcalloc((size_t)res.n_rows, sizeof(compare_row));
    /* Blocks in the order point, metric; rows within a block in condition order. Each row is
     * independent and keyed by the same seed, so the result does not depend on the threads. */
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < res.n_rows; i++) {
        int c = i % C, m = (i / C) % M, p = i / (C * M);
        const double *blk = data + per * m + (size_t)p * C * R;
        const compare_metric *mt = &compare_metrics[o.metric[m]];
        compare_row r =
            compare_pair(blk + (size_t)c * R, blk + (size_t)base * R, R, mt->lower_is_better, o.width, seed);
        r.point = p, r.metric = o.metric[m], r.cond = c;
        if (c == base) r.wanted = NAN, r.enough = 1, r.needed = 0;
        res.rows[i] = r;
    }
    for (int b = 0; b < P * M; b++)
        rank_block(res.rows + (size_t)b * C, C, base, compare_metrics[res.rows[(size_t)b * C].metric].lower_is_better);

    if (!strcmp(f.design_kind, "saltelli")) {
        int k = f.n_design;
        int *order = xmalloc(sizeof(int) * (size_t)(k + 1));
        if (saltelli_layout(&f, order, err, sizeof err)) {
            fprintf(stderr, "samen: %s: not a samen output (%s)\n", o.path, err);
            free(order), free(data), free(res.rows);
            compare_file_close(&f);
            return SAMEN_EXIT_INPUT;
        }
        int N = P / (k + 2);
        res.sob = xcalloc((size_t)M * C * k, sizeof(sobol_row));
        double *y = xmalloc(sizeof(double) * (size_t)P);
        sobol_index *s = xmalloc(sizeof(sobol_index) * (size_t)k);
        int undefined = 0;
        for (int m = 0; m < M; m++)
            for (int c = 0; c < C; c++) {
                /* The AB blocks in parameter order, as sobol_indices expects. */
                for (int p = 0; p < P; p++) {
                    int blk = p / N, j = p % N, src = p;
                    if (blk >= 2) {
                        int want = blk - 2, b = 0;
                        while (order[b] != want)
                            b++;
                        src = (2 + b) * N + j;
                    }
                    y[p] = mean_finite(data + per * m + ((size_t)src * C + c) * R, R);
                }
                if (sobol_indices(y, N, k, seed, SOBOL_RESAMPLES, s)) {
                    undefined = 1;
                    continue;
                }
                for (int i = 0; i < k; i++)
                    res.sob[res.n_sob++] = (sobol_row){o.metric[m], c, i, s[i]};
            }
        res.sobol_n = N;
        if (undefined)
            snprintf(res.sobol_note, sizeof res.sobol_note,
                     "some outcomes are undefined at a design point or do not vary; their indices are left out");
        free(y), free(s), free(order);
    } else if (*f.design_kind && f.has_point)
        snprintf(res.sobol_note, sizeof res.sobol_note, "the design is '%s'; Sobol indices need a Saltelli design",
                 f.design_kind);

    if (o.format == FMT_CSV)
        compare_print_csv(stdout, &f, &o, base, &res);
    else if (o.format == FMT_JSON)
        compare_print_json(stdout, &f, &o, base, &res);
    else
        compare_print_table(stdout, &f, &o, base, &res);
    int rc = fflush(stdout) || ferror(stdout) ? SAMEN_EXIT_RUNTIME : 0;
    if (rc) fprintf(stderr, "samen: compare: cannot write the output: %s\n", strerror(errno));
    free(res.rows), free(res.sob), free(data);
    compare_file_close(&f);
    return rc;
}
