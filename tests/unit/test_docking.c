/* docking: the recruitment kernel of S2, reduced to threshold contagion on a complete graph, reproduces
 * Granovetter (1978) and the brief's computed values (brief section 5). Every check runs the model's own
 * recruit_utility and recruit_joins; the last block shows that a wrong weighting fails them. */
#include "docking.h"
#include "model.h"
#include "testhelp.h"

enum { N = 100, M = 1000000 };

/* Granovetter's first example: thresholds 0, 1, ..., 99; then the person with threshold 1 moved to 2. */
static void example1(double *t, int moved) {
    for (int i = 0; i < N; i++) t[i] = i;
    if (moved) t[1] = 2;
}

/* Wilson 95% interval of k successes in n. */
static void wilson(int k, int n, double *lo, double *hi) {
    double z = 1.959964, ph = (double)k / n, d = 1 + z * z / n;
    double c = (ph + z * z / (2.0 * n)) / d, h = z * sqrt(ph * (1 - ph) / n + z * z / (4.0 * n * n)) / d;
    *lo = c - h, *hi = c + h;
}

int main(void) {
    params p;
    docking_params(&p);
    double t[N];

    /* The reduction: u = phi - theta exactly, and the docking joins on ties, the model does not. */
    CHECK(recruit_utility(&p, 0.7, 0.8, 0.6, 0.25, 0.5, 0.3, 0.4, 0.2, 0.25, 0) == 0);
    CHECK(recruit_utility(&p, 0.7, 0.8, 0.6, 0.37, 0.5, 0.3, 0.4, 0.2, 0.25, 0) == 0.37 - 0.25);
    CHECK(recruit_joins(0, 1) && !recruit_joins(0, 0));
    CHECK(docking_joins(&p, 0, 0) && docking_joins(&p, 0.01, 1) && !docking_joins(&p, 0.01, 2));

    /* (a) Example 1: all 100 join; move one person from threshold 1 to 2 and only the instigator does. */
    example1(t, 0);
    CHECK(docking_cascade(&p, t, N) == 100);
    example1(t, 1);
    CHECK(docking_cascade(&p, t, N) == 1);
    /* Under the model's strict rule (u > 0) nobody would start: "≥" is what the docking needs. */
    example1(t, 0);
    int strict = 0;
    for (int i = 0; i < N; i++)
        strict += recruit_joins(recruit_utility(&p, 0.7, 0.8, 0.6, 0, 0.5, 0.3, 0.4, 0.2, t[i] / 100, 0), 0);
    CHECK(strict == 0);

    /* (b) Thresholds at the normal quantiles of N(25, sd), clipped at 0, integer counting. The brief gives
     * 12.5 -> 5 and 13 -> 100; 12.0 -> 3 and 12.9 -> 100 were computed independently the same way. */
    const double qsd[] = {12.0, 12.5, 12.9, 13.0};
    const int qr[] = {3, 5, 100, 100};
    for (int k = 0; k < 4; k++) {
        docking_quantiles(t, N, 25, qsd[k]);
        int r = docking_cascade(&p, t, N);
        CHECK_MSG(r == qr[k], "quantile population, sd %g: %d joined, expected %d", qsd[k], r, qr[k]);
    }

    /* (c) The continuous limit r_{t+1} = 100 Phi((r_t - 25)/sd), through the kernel. */
    docking_limit L;
    docking_limit_init(&L, M);
    double below, above;
    double sc = docking_limit_critical(&L, &p, 25, N, 10, 15, 1e-7, &below, &above);
    double r12 = docking_limit_equilibrium(&L, &p, 25, 12.0, N);
    double r122 = docking_limit_equilibrium(&L, &p, 25, 12.2, N);
    printf("docking: sigma_c = %.5f (brief 12.2221); r* = %.3f at 12.0 (4.02), %.3f at 12.2 (5.48), "
           "%.3f just below sigma_c (6.20), %.3f just above (100.0)\n", sc, r12, r122, below, above);
    CHECK_NEAR(sc, 12.2221, 0.01);
    CHECK_NEAR(r12, 4.02, 0.05);
    CHECK_NEAR(r122, 5.48, 0.05);
    CHECK_NEAR(below, 6.20, 0.05);
    CHECK_NEAR(above, 100.0, 0.05);
    /* The sweep's equilibria are fixed points of the full count over all M people. */
    const double fsd[] = {12.0, 12.2, sc - 1e-7, sc};
    for (int k = 0; k < 4; k++) {
        double r = docking_limit_equilibrium(&L, &p, 25, fsd[k], N);
        CHECK_NEAR(N * docking_limit_share(&L, &p, 25, fsd[k], r / N), r, 1e-9);
    }

    /* Random populations: thresholds round(N(25, sd)) clipped at 0, N = 100, 2000 draws. P(all join) must
     * rise from about 0 at sd = 5 to high at sd = 20 (no step significantly down, 12 -> 16 significantly up). */
    enum { DRAWS = 2000, NS = 8 };
    const double rsd[NS] = {5, 8, 10, 12, 14, 16, 18, 20};
    double P[NS], lo[NS], hi[NS];
    printf("docking: P(all join), random thresholds round(N(25, sd)), N = 100, %d draws:", DRAWS);
    for (int k = 0; k < NS; k++) {
        int all = docking_all_join(&p, 1, N, 25, rsd[k], DRAWS);
        P[k] = (double)all / DRAWS;
        wilson(all, DRAWS, &lo[k], &hi[k]);
        printf(" sd %g: %.3f [%.3f, %.3f]%s", rsd[k], P[k], lo[k], hi[k], k + 1 < NS ? ";" : "\n");
    }
    CHECK_MSG(hi[0] < 0.02, "sd 5: P(all) %.3f [%.3f, %.3f]", P[0], lo[0], hi[0]);
    CHECK_MSG(lo[NS - 1] > 0.9, "sd 20: P(all) %.3f [%.3f, %.3f]", P[NS - 1], lo[NS - 1], hi[NS - 1]);
    for (int k = 0; k + 1 < NS; k++) {
        double se = sqrt((P[k] * (1 - P[k]) + P[k + 1] * (1 - P[k + 1])) / DRAWS);
        CHECK_MSG(P[k + 1] >= P[k] - 1.96 * se, "P(all) falls from sd %g (%.3f) to %g (%.3f)", rsd[k], P[k],
                  rsd[k + 1], P[k + 1]);
    }
    CHECK_MSG(lo[5] > hi[3], "P(all) at sd 16 [%.3f, %.3f] not above sd 12 [%.3f, %.3f]", lo[5], hi[5], lo[3], hi[3]);

    /* The checks can fail: a kernel that weighted the social term wrongly (by 1%, or the model's default
     * weight 2 left in), or let another term through (a motivation term worth about one person), misses them. */
    params bad = p;
    bad.beta_soc = 0.99;
    example1(t, 0);
    CHECK(docking_cascade(&bad, t, N) != 100);
    CHECK(fabs(docking_limit_critical(&L, &bad, 25, N, 10, 15, 1e-6, NULL, NULL) - 12.2221) > 0.01);
    CHECK(fabs(docking_limit_equilibrium(&L, &bad, 25, 12.2, N) - 5.48) > 0.05);
    bad.beta_soc = 2;
    example1(t, 1);
    CHECK(docking_cascade(&bad, t, N) != 1);
    docking_quantiles(t, N, 25, 12.5);
    CHECK(docking_cascade(&bad, t, N) != 5);
    CHECK(docking_all_join(&bad, 1, N, 25, 12, DRAWS) > hi[3] * DRAWS);
    bad = p;
    bad.beta_m = 0.015;
    example1(t, 1);
    CHECK(docking_cascade(&bad, t, N) != 1);
    CHECK(fabs(docking_limit_critical(&L, &bad, 25, N, 10, 15, 1e-6, NULL, NULL) - 12.2221) > 0.01);
    CHECK(fabs(docking_limit_equilibrium(&L, &bad, 25, 12.0, N) - 4.02) > 0.05);

    docking_limit_free(&L);
    return TEST_REPORT("docking");
}
