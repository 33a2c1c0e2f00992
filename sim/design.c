#include "design.h"
#include "error.h"
#include "rng.h"
#include "sobol.h"
#include <gsl/gsl_qrng.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

const char *const design_method_names[N_DESIGN_METHODS] = {"none", "grid", "latin_hypercube", "sobol", "saltelli"};

#define DESIGN_REPLICATE 0xfffffffeu /* designs are shared by all replicates */

/* Whole numbers and choices take the nearest admissible value. */
static double admissible(const param_info *pi, double v) {
    if (pi->type != PARAM_REAL) v = floor(v + 0.5);
    if (v < pi->lo) v = pi->lo;
    if (v > pi->hi) v = pi->hi;
    return v;
}

static void grid(design *d) {
    int k = d->n_factors, n = 1;
    for (int f = 0; f < k; f++) n *= d->factor[f].n_values;
    d->n_points = n;
    d->x = xmalloc(sizeof(double) * (size_t)n * (size_t)(k ? k : 1));
    for (int p = 0; p < n; p++) {
        int rest = p;
        for (int f = k - 1; f >= 0; f--) { /* the last factor varies fastest */
            int nv = d->factor[f].n_values;
            d->x[(size_t)p * k + f] = d->factor[f].values[rest % nv];
            rest /= nv;
        }
    }
}

static void latin_hypercube(design *d, uint32_t seed) {
    int k = d->n_factors, n = d->n;
    d->n_points = n;
    d->x = xmalloc(sizeof(double) * (size_t)n * (size_t)k);
    gsl_rng *r = rng_alloc();
    int *perm = xmalloc(sizeof(int) * (size_t)n);
    for (int f = 0; f < k; f++) {
        rng_reset(r, seed, DESIGN_REPLICATE, (uint32_t)f, 0, RNG_DESIGN, 0);
        for (int i = 0; i < n; i++) perm[i] = i;
        gsl_ran_shuffle(r, perm, (size_t)n, sizeof(int));
        for (int i = 0; i < n; i++) {
            double u = (perm[i] + gsl_rng_uniform(r)) / n;
            d->x[(size_t)i * k + f] = u;
        }
    }
    free(perm);
    rng_free(r);
}

/* Sobol points 1..n (the all-zero first point skipped), shifted modulo 1 by a random vector
 * keyed by the seed (Cranley-Patterson rotation), so the design is a function of the seed. */
static int sobol_points(design *d, uint32_t seed, char *err, size_t en) {
    int k = d->n_factors, n = d->n;
    if (k > 40) {
        snprintf(err, en, "a Sobol design takes at most 40 parameters, got %d", k);
        return -1;
    }
    d->n_points = n;
    d->x = xmalloc(sizeof(double) * (size_t)n * (size_t)k);
    gsl_qrng *q = gsl_qrng_alloc(gsl_qrng_sobol, (unsigned)k);
    double v[40], shift[40];
    gsl_rng *r = rng_alloc();
    rng_reset(r, seed, DESIGN_REPLICATE, 0, 0, RNG_DESIGN, 1);
    for (int f = 0; f < k; f++) shift[f] = gsl_rng_uniform(r);
    rng_free(r);
    gsl_qrng_get(q, v);
    for (int i = 0; i < n; i++) {
        gsl_qrng_get(q, v);
        for (int f = 0; f < k; f++) d->x[(size_t)i * k + f] = fmod(v[f] + shift[f], 1.0);
    }
    gsl_qrng_free(q);
    return 0;
}

int design_build(design *d, uint32_t seed, char *err, size_t en) {
    free(d->x);
    d->x = NULL;
    int k = d->n_factors;
    switch (d->method) {
    case DESIGN_NONE:
        d->n_points = 1;
        return 0;
    case DESIGN_GRID:
        grid(d);
        return 0;
    case DESIGN_LHS:
        latin_hypercube(d, seed);
        break;
    case DESIGN_SOBOL:
        if (sobol_points(d, seed, err, en)) return -1;
        break;
    case DESIGN_SALTELLI:
        d->n_points = d->n * (k + 2);
        d->x = xmalloc(sizeof(double) * (size_t)d->n_points * (size_t)k);
        if (sobol_design(d->n, k, d->x)) {
            snprintf(err, en, "a Saltelli design takes 1 to 20 parameters and at least 2 base rows");
            return -1;
        }
        break;
    default:
        snprintf(err, en, "unknown design method %d", d->method);
        return -1;
    }
    /* Sampled designs come out in the unit cube: scale to the ranges. */
    for (int p = 0; p < d->n_points; p++)
        for (int f = 0; f < k; f++) {
            const design_factor *df = &d->factor[f];
            double *x = &d->x[(size_t)p * k + f];
            *x = admissible(df->pi, df->lo + (df->hi - df->lo) * *x);
        }
    return 0;
}

void design_apply(const design *d, int point, params *p) {
    if (d->method == DESIGN_NONE) return;
    for (int f = 0; f < d->n_factors; f++) params_set(p, d->factor[f].pi, d->x[(size_t)point * d->n_factors + f]);
}

void design_free(design *d) {
    for (int f = 0; f < d->n_factors; f++) free(d->factor[f].values);
    free(d->x);
    d->x = NULL;
    d->n_factors = 0;
}
