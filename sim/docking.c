/* docking: the recruitment kernel reduced to threshold contagion (Granovetter 1978). See docking.h. */
#include "docking.h"
#include "error.h"
#include "model.h"
#include "rng.h"
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>

void docking_params(params *p) {
    params_defaults(p);
    p->beta_m = p->beta_f = p->beta_T = p->beta_U = p->beta_r = 0;
    p->beta_soc = 1;
    p->s_eps = 0;
}

int docking_joins(const params *p, double phi, double threshold) {
    /* The other inputs are arbitrary and nonzero: under the reduction their weights remove them. */
    double u = recruit_utility(p, 0.7, 0.8, 0.6, phi, 0.5, 0.3, 0.4, 0.2, threshold / 100, 0);
    return recruit_joins(u, 1);
}

int docking_count(const params *p, const double *threshold, int n, int r) {
    double phi = (double)r / n;
    int c = 0;
    for (int i = 0; i < n; i++) c += docking_joins(p, phi, threshold[i]);
    return c;
}

int docking_cascade(const params *p, const double *threshold, int n) {
    int r = 0;
    /* The count is monotone in r, so from 0 the sequence rises to its first fixed point; the cap only
     * guards against a kernel that is not monotone. */
    for (int t = 0; t <= n; t++) {
        int next = docking_count(p, threshold, n, r);
        if (next == r) break;
        r = next;
    }
    return r;
}

void docking_quantiles(double *threshold, int n, double mean, double sd) {
    for (int i = 0; i < n; i++) {
        double t = mean + sd * gsl_cdf_ugaussian_Pinv((i + 0.5) / n);
        threshold[i] = t > 0 ? t : 0;
    }
}

void docking_sample(gsl_rng *r, double *threshold, int n, double mean, double sd) {
    for (int i = 0; i < n; i++) {
        double t = round(mean + gsl_ran_gaussian(r, sd));
        threshold[i] = t > 0 ? t : 0;
    }
}

int docking_all_join(const params *p, uint32_t seed, int n, double mean, double sd, int draws) {
    gsl_rng *r = rng_alloc();
    double *t = xmalloc(sizeof(double) * (size_t)n);
    int all = 0;
    for (int k = 0; k < draws; k++) {
        rng_reset(r, seed, 0, (uint32_t)k, 0, RNG_DOCKING, 0);
        docking_sample(r, t, n, mean, sd);
        all += docking_cascade(p, t, n) == n;
    }
    free(t);
    rng_free(r);
    return all;
}

void docking_limit_init(docking_limit *L, int M) {
    L->M = M;
    L->z = xmalloc(sizeof(double) * (size_t)M);
    for (int i = 0; i < M; i++) L->z[i] = gsl_cdf_ugaussian_Pinv((i + 0.5) / M);
}

void docking_limit_free(docking_limit *L) {
    free(L->z);
    L->z = NULL;
    L->M = 0;
}

double docking_limit_share(const docking_limit *L, const params *p, double mean, double sd, double phi) {
    long c = 0;
    for (int i = 0; i < L->M; i++) c += docking_joins(p, phi, mean + sd * L->z[i]);
    return (double)c / L->M;
}

double docking_limit_equilibrium(const docking_limit *L, const params *p, double mean, double sd, int N) {
    int k = 0; /* people joined: those with the k lowest thresholds */
    for (;;) {
        double phi = (double)k / L->M;
        int next = k;
        while (next < L->M && docking_joins(p, phi, mean + sd * L->z[next])) next++;
        if (next == k) break;
        k = next;
    }
    return (double)N * k / L->M;
}

double docking_limit_critical(const docking_limit *L, const params *p, double mean, int N, double lo, double hi,
                              double tol, double *below, double *above) {
    double r_lo = docking_limit_equilibrium(L, p, mean, lo, N), r_hi = docking_limit_equilibrium(L, p, mean, hi, N);
    if (r_lo > N / 2.0 || r_hi <= N / 2.0) return NAN;
    while (hi - lo > tol) {
        double mid = 0.5 * (lo + hi), r = docking_limit_equilibrium(L, p, mean, mid, N);
        if (r > N / 2.0) hi = mid, r_hi = r;
        else lo = mid, r_lo = r;
    }
    if (below) *below = r_lo;
    if (above) *above = r_hi;
    return hi;
}
