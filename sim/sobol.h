/* sobol: variance-based sensitivity indices from a Saltelli design (Saltelli et al. 2010).
 *
 * A Saltelli design for k parameters and n base rows has n (k + 2) points in blocks of n rows:
 * A, B, then AB_1 .. AB_k, where AB_i is A with column i taken from B. With y the model output
 * at every point, in that order, and V the variance of the 2n outputs of A and B,
 *   first order  S_i  = mean_j( y_B[j] (y_ABi[j] - y_A[j]) ) / V        (Saltelli 2010, eq. b)
 *   total order  ST_i = mean_j( (y_A[j] - y_ABi[j])^2 ) / (2 V)         (Jansen 1999)
 * Intervals: 95% percentile bootstrap over the n base rows (a resampled row takes its A, B and
 * AB_i outputs together), deterministic for a given seed. */
#ifndef SAMEN_SOBOL_H
#define SAMEN_SOBOL_H
#include <stdint.h>

enum { SOBOL_RESAMPLES = 1000 };

typedef struct sobol_index {
    double first, first_lo, first_hi; /* first-order index and its 95% interval */
    double total, total_lo, total_hi; /* total-order index and its 95% interval */
} sobol_index;

/* Indices of the k parameters from y[0 .. n (k + 2)) laid out as above, into out[0 .. k).
 * n >= 2, k >= 1; every y must be finite. Returns 0, or -1 when the inputs are unusable (then
 * out is NaN): too few rows, a non-finite output, or zero variance. */
int sobol_indices(const double *y, int n, int k, uint32_t seed, int resamples, sobol_index *out);

/* A Saltelli design in the unit cube from GSL's quasi-random Sobol sequence (2k <= 40
 * dimensions): x[p * k + i] is parameter i at point p, p in [0, n (k + 2)), in the block order
 * above. The first point of the sequence (all zeros) is skipped. Returns 0, or -1 when k is out
 * of range (1 .. 20) or n < 2. */
int sobol_design(int n, int k, double *x);

#endif
