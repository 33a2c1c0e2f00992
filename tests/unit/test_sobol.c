/* sobol: the Saltelli/Jansen estimators recover the known indices of the Ishigami function
 * (Ishigami & Homma 1990; a = 7, b = 0.1, inputs uniform on [-pi, pi]^3). */
#include "sobol.h"
#include "testhelp.h"
#include <math.h>
#include <stdlib.h>

static const double A = 7, B = 0.1;
static const double PI = 3.14159265358979323846;

static double ishigami(const double *x) { return sin(x[0]) + A * sin(x[1]) * sin(x[1]) + B * pow(x[2], 4) * sin(x[0]); }

int main(void) {
    const double pi4 = pow(PI, 4), pi8 = pow(PI, 8);
    const double v1 = 0.5 * (1 + B * pi4 / 5) * (1 + B * pi4 / 5);
    const double v2 = A * A / 8;
    const double v13 = B * B * pi8 * (1.0 / 18 - 1.0 / 50);
    const double v = v1 + v2 + v13;
    const double first[3] = {v1 / v, v2 / v, 0};
    const double total[3] = {(v1 + v13) / v, v2 / v, v13 / v};

    enum { K = 3, N = 8192 };
    size_t points = (size_t)N * (K + 2);
    double *x = malloc(sizeof(double) * points * K), *y = malloc(sizeof(double) * points);
    CHECK(sobol_design(N, K, x) == 0);
    /* The design's blocks: AB_i equals A except column i, which equals B. */
    int layout = 1;
    for (int j = 0; j < N; j++)
        for (int blk = 0; blk < K; blk++)
            for (int i = 0; i < K; i++) {
                double ab = x[((size_t)(2 + blk) * N + j) * K + i];
                double want = i == blk ? x[((size_t)N + j) * K + i] : x[(size_t)j * K + i];
                if (ab != want) layout = 0;
            }
    CHECK(layout);
    for (size_t p = 0; p < points; p++) {
        double u[K];
        for (int i = 0; i < K; i++)
            u[i] = -PI + 2 * PI * x[p * K + i];
        y[p] = ishigami(u);
    }
    sobol_index s[K];
    CHECK(sobol_indices(y, N, K, 1, SOBOL_RESAMPLES, s) == 0);
    for (int i = 0; i < K; i++) {
        CHECK_NEAR(s[i].first, first[i], 0.02);
        CHECK_NEAR(s[i].total, total[i], 0.02);
        CHECK_MSG(s[i].first_lo <= s[i].first && s[i].first <= s[i].first_hi, "S%d interval", i + 1);
        CHECK_MSG(s[i].total_lo <= s[i].total && s[i].total <= s[i].total_hi, "ST%d interval", i + 1);
        CHECK_MSG(s[i].first_hi - s[i].first_lo < 0.1, "S%d interval width %g", i + 1, s[i].first_hi - s[i].first_lo);
        /* The intervals cover the true value (with a margin for the bootstrap's own noise). */
        CHECK_MSG(s[i].first_lo - 0.01 <= first[i] && first[i] <= s[i].first_hi + 0.01, "S%d covers", i + 1);
        CHECK_MSG(s[i].total_lo - 0.01 <= total[i] && total[i] <= s[i].total_hi + 0.01, "ST%d covers", i + 1);
    }
    /* Deterministic for a seed. */
    sobol_index again[K];
    sobol_indices(y, N, K, 1, SOBOL_RESAMPLES, again);
    CHECK(again[0].first_lo == s[0].first_lo && again[2].total_hi == s[2].total_hi);

    /* Unusable inputs: a constant output, a NaN, too few rows. */
    for (size_t p = 0; p < points; p++)
        y[p] = 3;
    CHECK(sobol_indices(y, N, K, 1, 10, s) == -1 && isnan(s[0].first));
    y[0] = NAN;
    CHECK(sobol_indices(y, N, K, 1, 10, s) == -1);
    CHECK(sobol_indices(y, 1, K, 1, 10, s) == -1);
    CHECK(sobol_design(N, 0, x) == -1 && sobol_design(N, 21, x) == -1);
    free(x);
    free(y);
    return TEST_REPORT("sobol");
}
