/* docking: the recruitment kernel of S2 reduced to Granovetter's (1978) threshold model (brief section 5).
 *
 * The reduction: a complete graph; beta_soc = 1 and every other weight 0; no noise (s_eps = 0);
 * theta_i = threshold_i / 100 with thresholds in percent; phi = the share of the population that has
 * joined; and joining on u >= 0, i.e. phi >= theta (recruit_joins with tie_joins = 1), so that people
 * with threshold 0 start the cascade. Every decision below is made by recruit_utility and
 * recruit_joins, the functions the model's recruitment calls. */
#ifndef SAMEN_DOCKING_H
#define SAMEN_DOCKING_H
#include "params.h"
#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The defaults with the reduction applied. */
void docking_params(params *p);
/* The kernel's decision for one person with the given threshold (percent) when a share phi has joined. */
int docking_joins(const params *p, double phi, double threshold);

/* --- finite populations on a complete graph ---------------------------------------------------------- */
/* How many of the n people (thresholds in percent) decide to join when r of n have joined. */
int docking_count(const params *p, const double *threshold, int n, int r);
/* The cascade r_{t+1} = docking_count(r_t) from r_0 = 0, to its fixed point: the number who join. */
int docking_cascade(const params *p, const double *threshold, int n);
/* Thresholds at the normal quantiles (i + 0.5)/n of N(mean, sd), clipped at 0, ascending. */
void docking_quantiles(double *threshold, int n, double mean, double sd);
/* n thresholds round(N(mean, sd)) clipped at 0, drawn from r. */
void docking_sample(gsl_rng *r, double *threshold, int n, double mean, double sd);
/* Among `draws` random populations of n (docking_sample; population k drawn from stream RNG_DOCKING,
 * entity k, so every sd sees the same normal deviates), how many join to the last person. */
int docking_all_join(const params *p, uint32_t seed, int n, double mean, double sd, int draws);

/* --- the continuous limit: r_{t+1} = N Phi((r_t - mean) / sd) ------------------------------------------ */
/* A population of M people standing for the normal distribution: person i has threshold
 * mean + sd * z_i, z_i the standard normal quantile (i + 0.5)/M, so the share with a threshold at or
 * below x differs from Phi((x - mean)/sd) by at most 0.5/M. */
typedef struct docking_limit {
    int M;
    double *z; /* ascending */
} docking_limit;

void docking_limit_init(docking_limit *L, int M);
void docking_limit_free(docking_limit *L);
/* The share of the M people whose kernel decision is "join" at phi, counting every person. */
double docking_limit_share(const docking_limit *L, const params *p, double mean, double sd, double phi);
/* The equilibrium r* of the map r_{t+1} = N * share(r_t / N) from r_0 = 0. Iterates with a sweep over
 * the ascending thresholds: people below the current count joined at a smaller phi, and the kernel is
 * monotone in phi and theta, so only the next ones need a decision (docking_limit_share checks this). */
double docking_limit_equilibrium(const docking_limit *L, const params *p, double mean, double sd, int N);
/* The critical sd: by bisection on [lo, hi] down to width tol, the smallest sd whose equilibrium is
 * above N/2 (it jumps from a few people to nearly all). NAN when [lo, hi] does not bracket the jump.
 * below and above (either may be NULL) receive the equilibria at the ends of the last interval, just
 * below and at the critical sd. */
double docking_limit_critical(const docking_limit *L, const params *p, double mean, int N, double lo, double hi,
                              double tol, double *below, double *above);

#endif
