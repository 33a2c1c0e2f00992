#include "experiment.h"
#include "error.h"
#include "output.h"
#include "stats.h"
#include <math.h>
#include <omp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig) { stop_signal = sig; }

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void progress(int done, int total, double t0, int final) {
    double el = now() - t0;
    double rate = el > 0 ? done / el : 0;
    double left = rate > 0 ? (total - done) / rate : 0;
    fprintf(stderr, "\rsamen: %d/%d runs, %.1f runs/s, %.0f s left   %s", done, total, rate, left, final ? "\n" : "");
    fflush(stderr);
}

int experiment_run(const scenario *sc, const experiment_options *opt, experiment_summary *res) {
    int C = sc->n_conditions, R = sc->replicates, total = C * R;
    res->n_conditions = C;
    res->replicates = R;
    res->sum = xmalloc(sizeof(double) * (size_t)total * N_SUM);
    output *o = output_open(opt->out_path, sc, opt->argc, opt->argv, opt->threads);

    stop_signal = 0;
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    int show = !opt->quiet && isatty(STDERR_FILENO);
    double t0 = now();
    int done = 0;
    /* The split of the threads: over runs while there are more runs than threads, the rest
     * inside each run (large worlds with few replicates). Results are the same either way. */
    int outer = total < opt->threads ? total : opt->threads;
    int inner = opt->threads / (outer > 0 ? outer : 1);
    if (inner < 1) inner = 1;
    omp_set_max_active_levels(outer > 1 && inner > 1 ? 2 : 1);
    /* Runs are ordered replicate-major so that the conditions of one replicate finish together. */
#pragma omp parallel for schedule(dynamic, 1) num_threads(outer) if (outer > 1)
    for (int i = 0; i < total; i++) {
        if (stop_signal) continue;
        int c = i % C, r = i / C;
        run_result rr;
        run_simulate(sc, c, r, inner, &rr);
#pragma omp critical(samen_output)
        {
            output_write_run(o, &rr);
            memcpy(&res->sum[((size_t)c * R + r) * N_SUM], rr.summary, sizeof rr.summary);
            done++;
            if (show && (done % 8 == 0 || done == total)) progress(done, total, t0, 0);
        }
        run_result_free(&rr);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (show) progress(done, total, t0, 1);
    if (stop_signal) {
        output_abort(o);
        fprintf(stderr, "samen: interrupted; no output written\n");
        return stop_signal == SIGTERM ? 143 : 130;
    }
    output_close(o);
    return 0;
}

void experiment_summary_free(experiment_summary *s) {
    free(s->sum);
    s->sum = NULL;
}

static void column(const experiment_summary *s, int c, int k, double *v) {
    for (int r = 0; r < s->replicates; r++) v[r] = s->sum[((size_t)c * s->replicates + r) * N_SUM + k];
}

typedef struct shown { int sum; const char *head, *fmt, *diff_fmt; } shown;
static const shown SHOWN[] = {
    {SUM_success_launched, "success/launched", "%.3f", "%+.3f"},
    {SUM_success_opportunity, "success/opportunity", "%.3f", "%+.3f"},
    {SUM_value, "value", "%.0f", "%+.0f"},
    {SUM_hours_overhead, "negotiation+accounting h", "%.0f", "%+.0f"},
    {SUM_trust_participants_104, "trust (week 104)", "%.3f", "%+.3f"},
};
enum { N_SHOWN = sizeof SHOWN / sizeof SHOWN[0] };

static void cell(FILE *f, const char *fmt, interval x) {
    char a[32], b[32], c[32], buf[112];
    snprintf(a, sizeof a, fmt, x.est);
    snprintf(b, sizeof b, fmt, x.lo);
    snprintf(c, sizeof c, fmt, x.hi);
    snprintf(buf, sizeof buf, "%s [%s, %s]", a, b, c);
    fprintf(f, "  %-26s", buf);
}

void experiment_print_comparison(FILE *f, const scenario *sc, const experiment_summary *s) {
    int R = s->replicates;
    double *a = xmalloc(sizeof(double) * (size_t)R), *b = xmalloc(sizeof(double) * (size_t)R);
    int width = 10;
    for (int c = 0; c < s->n_conditions; c++) {
        int l = (int)strlen(sc->conditions[c].name);
        if (l > width) width = l;
    }
    fprintf(f, "\n%s\n%d replicates per condition; cohort: opportunities before week %d; mean [95%% bootstrap interval]\n\n",
            sc->title[0] ? sc->title : sc->name, R, run_cohort_cutoff(sc->horizon));
    fprintf(f, "%-*s", width, "condition");
    for (int k = 0; k < N_SHOWN; k++) fprintf(f, "  %-26s", SHOWN[k].head);
    fputc('\n', f);
    for (int c = 0; c < s->n_conditions; c++) {
        fprintf(f, "%-*s", width, sc->conditions[c].name);
        for (int k = 0; k < N_SHOWN; k++) {
            column(s, c, SHOWN[k].sum, a);
            cell(f, SHOWN[k].fmt, stats_mean(a, R, sc->seed));
        }
        fputc('\n', f);
    }
    if (s->n_conditions > 1) {
        fprintf(f, "\nDifference from %s (paired over replicates: same worlds, same opportunities)\n\n",
                sc->conditions[0].name);
        for (int c = 1; c < s->n_conditions; c++) {
            fprintf(f, "%-*s", width, sc->conditions[c].name);
            for (int k = 0; k < N_SHOWN; k++) {
                column(s, c, SHOWN[k].sum, a);
                column(s, 0, SHOWN[k].sum, b);
                cell(f, SHOWN[k].diff_fmt, stats_paired(a, b, R, sc->seed, NULL));
            }
            fputc('\n', f);
        }
    }
    fputc('\n', f);
    free(a), free(b);
}
