/* design: the points of an experiment in parameter space.
 *
 *   grid      `sweep:` in a scenario: the full factorial of listed values (first factor slowest)
 *   lhs       Latin hypercube: n points, each factor's range cut into n strata, one point each
 *   sobol     n points of GSL's Sobol sequence, digitally shifted by a seed-keyed random vector
 *   saltelli  the n (k + 2) points for Sobol sensitivity indices (sobol.h: blocks A, B, AB_1..AB_k)
 *
 * A design is a pure function of its specification and the scenario seed. Every point is run
 * with every condition and replicate; replicates use the same random numbers at every point
 * (common random numbers across the design). */
#ifndef SAMEN_DESIGN_H
#define SAMEN_DESIGN_H
#include "params.h"
#include <stdint.h>

enum design_method { DESIGN_NONE, DESIGN_GRID, DESIGN_LHS, DESIGN_SOBOL, DESIGN_SALTELLI, N_DESIGN_METHODS };
enum { DESIGN_MAX_FACTORS = 20 };

typedef struct design_factor {
    const param_info *pi;      /* the parameter varied */
    double lo, hi;             /* sampled designs: the range */
    int n_values;              /* grid: the listed values */
    double *values;
} design_factor;

typedef struct design {
    int method;                /* enum design_method */
    int n_factors;
    design_factor factor[DESIGN_MAX_FACTORS];
    int n;                     /* lhs/sobol: points; saltelli: base rows */
    int n_points;              /* after design_build: points (1 for DESIGN_NONE) */
    double *x;                 /* x[point * n_factors + f], owned */
} design;

extern const char *const design_method_names[N_DESIGN_METHODS];

/* Compute the points. Whole-number parameters are rounded, choices take the nearest word.
 * Returns 0, or -1 with a message in err. */
int design_build(design *d, uint32_t seed, char *err, size_t n);
/* Apply point p's values to a condition's parameters. */
void design_apply(const design *d, int point, params *p);
void design_free(design *d);

#endif
