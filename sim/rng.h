/* rng: counter-based random streams (Philox4x32-10, Random123).
 *
 * A draw is a pure function of (seed, replicate; entity, tick, stream, sub, draw index):
 * key = (seed, replicate), counter = (entity, tick, stream << 24 | sub, n). Nothing depends on
 * the thread that asks or on how many draws any other mechanism made, so results are the same
 * for any thread count and conditions of one replicate share every draw they have in common
 * (common random numbers). Every purpose has its own stream id below; never reuse one. */
#ifndef SAMEN_RNG_H
#define SAMEN_RNG_H
#include <gsl/gsl_rng.h>
#include <stdint.h>

enum rng_stream {
    RNG_WORLD_ORGS = 1,   /* generated organisation sizes (replicate-independent) */
    RNG_ORG,              /* per organisation: failure tolerance */
    RNG_AGENT,            /* per agent slot and generation: traits */
    RNG_TIES_WITHIN,      /* per agent: within-organisation tie stubs */
    RNG_TIES_CROSS,       /* per agent: cross-organisation ties */
    RNG_TURNOVER,         /* per agent slot and generation: departure week, newcomer ties */
    RNG_OPP_ARRIVALS,     /* per week: number of opportunities */
    RNG_OPP_DRAW,         /* per opportunity: its properties and partners */
    RNG_SEED_PICK,        /* per opportunity: network-first seed, structure-first members */
    RNG_RECRUIT,          /* per project and week: invitations and acceptances */
    RNG_NEGOTIATE,        /* per project and week: agreement and conflict */
    RNG_STREAM_CHOICE,    /* per project and week: workstream choices */
    RNG_MILESTONE,        /* per project and week: milestone attempts */
    RNG_EXIT,             /* per project and week: exits */
    RNG_DRIFT,            /* per project and week: environment drift */
    RNG_OPERATION,        /* per project and week: end of operation */
    RNG_ORDER,            /* per week: order in which projects act */
    RNG_DESIGN,           /* experiment designs (sampling) */
    RNG_STATS,            /* bootstrap resampling in compare */
    RNG_JOBBANK,          /* per project and week: who sees a posting, who is chosen */
    RNG_LEADERSHIP,       /* per project: a cross-domain leader */
    RNG_CRISIS,           /* per agent and week: crisis ties and mobilisation */
    RNG_HANDOVER,         /* per project: who is replaced, line staff */
    RNG_MANDATE,          /* per mandated project and week: hold-back */
    RNG_REVIVAL,          /* per stalled project and week: restart */
    RNG_NUDGE,            /* per project: personal invitations */
    RNG_DOCKING,          /* docking test: random threshold populations (not used by the model) */
    N_RNG_STREAMS         /* new streams go just above this line; never renumber */
};

/* One generator per thread/task; reset before each logical event. */
gsl_rng *rng_alloc(void);
void rng_free(gsl_rng *r);
/* Point r at the stream for one logical event. entity and tick are free 32-bit numbers;
 * sub < 2^24 distinguishes sub-events (e.g. a member) within (entity, tick, stream). */
void rng_reset(gsl_rng *r, uint32_t seed, uint32_t replicate, uint32_t entity, uint32_t tick,
               enum rng_stream stream, uint32_t sub);

/* Small helpers on top of gsl_rng. */
double rng_uniform(gsl_rng *r);                      /* [0, 1) */
double rng_uniform_pos(gsl_rng *r);                  /* (0, 1) */
int rng_bernoulli(gsl_rng *r, double p);             /* p clipped to [0, 1] */
unsigned rng_below(gsl_rng *r, unsigned n);          /* uniform in [0, n) */

#endif
