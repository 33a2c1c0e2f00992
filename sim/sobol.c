#include "sobol.h"
#include "error.h"
#include "rng.h"
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>

/* Estimates over the rows idx[0 .. n) (with repetition) into s[i], st[i]; 0 when the variance
 * of the A and B outputs over those rows is positive. */
static int estimate(const double *y, int n, int k, const int *idx, double *s, double *st) {
    const double *ya = y, *yb = y + n;
    double mean = 0;
    for (int j = 0; j < n; j++)
        mean += ya[idx[j]] + yb[idx[j]];
    mean /= 2.0 * n;
    double var = 0;
    for (int j = 0; j < n; j++) {
        double da = ya[idx[j]] - mean, db = yb[idx[j]] - mean;
        var += da * da + db * db;
    }
    var /= 2.0 * n - 1;
    if (!(var > 0)) return -1;
    for (int i = 0; i < k; i++) {
        const double *yab = y + (size_t)(2 + i) * n;
        double f = 0, t = 0;
        for (int j = 0; j < n; j++) {
            int r = idx[j];
            f += yb[r] * (yab[r] - ya[r]);
            t += (ya[r] - yab[r]) * (ya[r] - yab[r]);
        }
        s[i] = f / n / var;
        st[i] = t / (2.0 * n) / var;
    }
    return 0;
}

static void fill_nan(sobol_index *out, int k) {
    for (int i = 0; i < k; i++)
        out[i] = (sobol_index){NAN, NAN, NAN, NAN, NAN, NAN};
}

int sobol_indices(const double *y, int n, int k, uint32_t seed, int resamples, sobol_index *out) {
    if (k < 1) return -1;
    fill_nan(out, k);
    if (n < 2) return -1;
    size_t total = (size_t)n * (size_t)(k + 2);
    for (size_t p = 0; p < total; p++)
        if (!isfinite(y[p])) return -1;
    int *idx = xmalloc(sizeof(int) * (size_t)n);
    double *s = xmalloc(sizeof(double) * (size_t)k), *st = xmalloc(sizeof(double) * (size_t)k);
    for (int j = 0; j < n; j++)
        idx[j] = j;
    int rc = estimate(y, n, k, idx, s, st);
    if (rc == 0) {
        for (int i = 0; i < k; i++)
            out[i].first = s[i], out[i].total = st[i];
        if (resamples >= 2) {
            double *bs = xmalloc(sizeof(double) * (size_t)resamples * (size_t)k);
            double *bt = xmalloc(sizeof(double) * (size_t)resamples * (size_t)k);
            int used = 0;
            gsl_rng *g = rng_alloc();
            for (int b = 0; b < resamples; b++) {
                rng_reset(g, seed, 0, (uint32_t)b, 0, RNG_STATS, 1);
                for (int j = 0; j < n; j++)
                    idx[j] = (int)rng_below(g, (unsigned)n);
                if (estimate(y, n, k, idx, s, st)) continue; /* a resample without variance */
                for (int i = 0; i < k; i++) {
                    bs[(size_t)i * resamples + used] = s[i];
                    bt[(size_t)i * resamples + used] = st[i];
                }
                used++;
            }
            rng_free(g);
            if (used >= 2)
                for (int i = 0; i < k; i++) {
                    double *a = bs + (size_t)i * resamples, *t = bt + (size_t)i * resamples;
                    gsl_sort(a, 1, (size_t)used);
                    gsl_sort(t, 1, (size_t)used);
                    out[i].first_lo = gsl_stats_quantile_from_sorted_data(a, 1, (size_t)used, 0.025);
                    out[i].first_hi = gsl_stats_quantile_from_sorted_data(a, 1, (size_t)used, 0.975);
                    out[i].total_lo = gsl_stats_quantile_from_sorted_data(t, 1, (size_t)used, 0.025);
                    out[i].total_hi = gsl_stats_quantile_from_sorted_data(t, 1, (size_t)used, 0.975);
                }
            free(bs);
            free(bt);
        }
    }
    free(idx);
    free(s);
    free(st);
    return rc;
}

int sobol_design(int n, int k, double *x) {
    if (k < 1 || k > 20 || n < 2) return -1;
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)(2 * k));
    if (!q) die("cannot allocate a quasi-random generator");
    double *v = xmalloc(sizeof(double) * (size_t)(2 * k));
    gsl_qrng_get(q, v); /* the first point is the origin: skip it */
    for (int j = 0; j < n; j++) {
        gsl_qrng_get(q, v);
        for (int i = 0; i < k; i++) {
            double a = v[i], b = v[k + i];
            x[(size_t)j * k + i] = a;         /* A */
            x[((size_t)n + j) * k + i] = b;   /* B */
            for (int blk = 0; blk < k; blk++) /* AB_blk: A with column blk from B */
                x[((size_t)(2 + blk) * n + j) * k + i] = i == blk ? b : a;
        }
    }
    free(v);
    gsl_qrng_free(q);
    return 0;
}
