/* rng: streams are reproducible, distinct per (key, counter) and statistically uniform. */
#include "rng.h"
#include "testhelp.h"
#include <gsl/gsl_randist.h>

static void draw(gsl_rng *r, uint32_t seed, uint32_t rep, uint32_t ent, uint32_t tick, enum rng_stream s, uint32_t sub,
                 double *out, int n) {
    rng_reset(r, seed, rep, ent, tick, s, sub);
    for (int i = 0; i < n; i++) out[i] = gsl_rng_uniform(r);
}

static int same(const double *a, const double *b, int n) {
    for (int i = 0; i < n; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

int main(void) {
    gsl_rng *r = rng_alloc(), *q = rng_alloc();
    enum { N = 64 };
    double a[N], b[N];

    /* Reproducible: the same event gives the same numbers, whatever happened in between. */
    draw(r, 7, 3, 11, 42, RNG_EXIT, 5, a, N);
    draw(q, 1, 1, 1, 1, RNG_RECRUIT, 0, b, 10); /* another generator, another event */
    draw(q, 7, 3, 11, 42, RNG_EXIT, 5, b, N);
    CHECK(same(a, b, N));

    /* Every coordinate of the key and counter changes the stream. */
    draw(q, 8, 3, 11, 42, RNG_EXIT, 5, b, N);
    CHECK(!same(a, b, N));
    draw(q, 7, 4, 11, 42, RNG_EXIT, 5, b, N);
    CHECK(!same(a, b, N));
    draw(q, 7, 3, 12, 42, RNG_EXIT, 5, b, N);
    CHECK(!same(a, b, N));
    draw(q, 7, 3, 11, 43, RNG_EXIT, 5, b, N);
    CHECK(!same(a, b, N));
    draw(q, 7, 3, 11, 42, RNG_DRIFT, 5, b, N);
    CHECK(!same(a, b, N));
    draw(q, 7, 3, 11, 42, RNG_EXIT, 6, b, N);
    CHECK(!same(a, b, N));

    /* Uniform: mean and variance within 5 standard errors over 10^6 draws from many events. */
    double s = 0, s2 = 0, cross = 0;
    int n = 0;
    for (uint32_t e = 0; e < 10000; e++) {
        rng_reset(r, 1, 0, e, 0, RNG_AGENT, 0);
        rng_reset(q, 1, 0, e, 0, RNG_TIES_WITHIN, 0);
        for (int i = 0; i < 100; i++, n++) {
            double x = gsl_rng_uniform(r), y = gsl_rng_uniform(q);
            s += x, s2 += x * x, cross += (x - 0.5) * (y - 0.5);
        }
    }
    double mean = s / n, var = s2 / n - mean * mean;
    CHECK_NEAR(mean, 0.5, 5 * sqrt(1.0 / 12 / n));
    CHECK_NEAR(var, 1.0 / 12, 5 * sqrt(1.0 / 180 / n));
    /* Two streams of the same events are uncorrelated. */
    CHECK_NEAR(cross / n / (1.0 / 12), 0, 5 / sqrt((double)n));

    /* GSL samplers work on the stream: a Poisson mean within 5 SE. */
    double ps = 0;
    for (uint32_t e = 0; e < 20000; e++) {
        rng_reset(r, 2, 0, e, 0, RNG_OPP_ARRIVALS, 0);
        ps += gsl_ran_poisson(r, 3.0);
    }
    CHECK_NEAR(ps / 20000, 3.0, 5 * sqrt(3.0 / 20000));

    /* Helpers clip probabilities. */
    rng_reset(r, 1, 1, 1, 1, RNG_EXIT, 0);
    CHECK(rng_bernoulli(r, 1.5) == 1);
    CHECK(rng_bernoulli(r, -0.5) == 0);
    CHECK(rng_below(r, 0) == 0);
    unsigned hits[5] = {0};
    for (int i = 0; i < 5000; i++) hits[rng_below(r, 5)]++;
    for (int i = 0; i < 5; i++) CHECK(hits[i] > 850 && hits[i] < 1150);
    rng_free(r);
    rng_free(q);
    return TEST_REPORT("rng");
}
