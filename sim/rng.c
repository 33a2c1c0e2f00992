#include "rng.h"
#include "error.h"
#include <Random123/philox.h>
#include <Random123/gsl_microrng.h>

GSL_MICRORNG(samen_philox, philox4x32);

gsl_rng *rng_alloc(void) {
    gsl_rng *r = gsl_rng_alloc(gsl_rng_samen_philox);
    if (!r) die("cannot allocate a random number generator");
    return r;
}

void rng_free(gsl_rng *r) { gsl_rng_free(r); }

void rng_reset(gsl_rng *r, uint32_t seed, uint32_t replicate, uint32_t entity, uint32_t tick,
               enum rng_stream stream, uint32_t sub) {
    philox4x32_ctr_t c = {{entity, tick, ((uint32_t)stream << 24) | (sub & 0xffffffu), 0}};
    philox4x32_key_t k = {{seed, replicate}};
    samen_philox_reset(r, c, k);
}

double rng_uniform(gsl_rng *r) { return gsl_rng_uniform(r); }
double rng_uniform_pos(gsl_rng *r) { return gsl_rng_uniform_pos(r); }
int rng_bernoulli(gsl_rng *r, double p) {
    if (p <= 0) return 0;
    if (p >= 1) return 1;
    return gsl_rng_uniform(r) < p;
}
unsigned rng_below(gsl_rng *r, unsigned n) { return n ? (unsigned)gsl_rng_uniform_int(r, n) : 0; }
