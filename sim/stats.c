#include "stats.h"
#include "error.h"
#include "rng.h"
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

static interval bootstrap(const double *v, int n, uint32_t seed) {
    interval r = {NAN, NAN, NAN, n};
    if (n == 0) return r;
    double s = 0;
    for (int i = 0; i < n; i++) s += v[i];
    r.est = s / n;
    if (n < 2) return r;
    double *means = xmalloc(sizeof(double) * STATS_RESAMPLES);
    gsl_rng *g = rng_alloc();
    for (int b = 0; b < STATS_RESAMPLES; b++) {
        rng_reset(g, seed, 0, (uint32_t)b, 0, RNG_STATS, 0);
        double t = 0;
        for (int i = 0; i < n; i++) t += v[gsl_rng_uniform_int(g, (unsigned long)n)];
        means[b] = t / n;
    }
    gsl_sort(means, 1, STATS_RESAMPLES);
    r.lo = gsl_stats_quantile_from_sorted_data(means, 1, STATS_RESAMPLES, 0.025);
    r.hi = gsl_stats_quantile_from_sorted_data(means, 1, STATS_RESAMPLES, 0.975);
    rng_free(g);
    free(means);
    return r;
}

interval stats_mean(const double *x, int n, uint32_t seed) {
    double *v = xmalloc(sizeof(double) * (size_t)(n + 1));
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(x[i])) v[k++] = x[i];
    interval r = bootstrap(v, k, seed);
    free(v);
    return r;
}

interval stats_paired(const double *a, const double *b, int n, uint32_t seed, double *p_better) {
    double *v = xmalloc(sizeof(double) * (size_t)(n + 1));
    int k = 0;
    double wins = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(a[i]) && isfinite(b[i])) {
            v[k++] = a[i] - b[i];
            wins += a[i] > b[i] ? 1 : a[i] == b[i] ? 0.5 : 0;
        }
    if (p_better) *p_better = k ? wins / k : NAN;
    interval r = bootstrap(v, k, seed);
    free(v);
    return r;
}
