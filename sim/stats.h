/* stats: interval estimates over replicates (percentile bootstrap, GSL), deterministic. */
#ifndef SAMEN_STATS_H
#define SAMEN_STATS_H
#include <stdint.h>

typedef struct interval {
    double est;       /* the mean (or mean difference) */
    double lo, hi;    /* 95% percentile-bootstrap interval */
    int n;            /* values used (NaN values are skipped) */
} interval;

enum { STATS_RESAMPLES = 10000 };

/* Mean of the finite values of x[0..n) with a bootstrap interval. `seed` keys the resampling. */
interval stats_mean(const double *x, int n, uint32_t seed);
/* Mean of the paired differences a[i] - b[i] over the pairs where both are finite, with a
 * bootstrap interval; *p_better (if not NULL) is the share of pairs with a[i] > b[i] (ties
 * count half). */
interval stats_paired(const double *a, const double *b, int n, uint32_t seed, double *p_better);

#endif
