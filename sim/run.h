/* run: what one simulation (one condition x one replicate) hands back. Plain arrays, no I/O.
 * The fields come from metrics.def. */
#ifndef SAMEN_RUN_H
#define SAMEN_RUN_H
#include "scenario.h"
#include <stdint.h>

enum ts_var {
#define SAMEN_TS(id, name, units, long_name) TS_##id,
#include "metrics.def"
#undef SAMEN_TS
    N_TS
};

enum sum_var {
#define SAMEN_SUM(id, name, units, long_name) SUM_##id,
#include "metrics.def"
#undef SAMEN_SUM
    N_SUM
};

#define SAMEN_CTYPE_int32 int32_t
#define SAMEN_CTYPE_float64 double
typedef struct project_record {
#define SAMEN_PROJ(id, ctype, name, units, long_name) SAMEN_CTYPE_##ctype id;
#include "metrics.def"
#undef SAMEN_PROJ
} project_record;

enum proj_field {
#define SAMEN_PROJ(id, ctype, name, units, long_name) PROJ_##id,
#include "metrics.def"
#undef SAMEN_PROJ
    N_PROJ
};

/* Outcome codes of project_record.outcome. */
enum project_outcome { OUTCOME_FIZZLED, OUTCOME_COMPLETED, OUTCOME_DISSOLVED, OUTCOME_STALLED, OUTCOME_ACTIVE, OUTCOME_KILLED, N_OUTCOMES };
/* Formation codes of project_record.formation. */
enum project_formation { FORM_NETWORK_FIRST, FORM_STRUCTURE_FIRST, FORM_MANDATED, FORM_MANDATED_WHAT_NOT_HOW, FORM_CRISIS, N_FORMATIONS };

typedef struct run_result {
    int condition, replicate;
    int horizon;                 /* T; series have T + 1 points */
    int agents;                  /* employees in the world */
    double *ts;                  /* ts[v * (T + 1) + t], owned */
    project_record *projects;    /* one per opportunity, in id order, owned */
    int n_projects;
    /* The partner organisations of every project (indices into world_organisations), row by
     * row: those of projects[i] are partners[partner_first[i] .. partner_first[i + 1]), as many
     * as projects[i].partners. Both owned; partner_first NULL: no project lists any. */
    int32_t *partner_first;      /* [n_projects + 1] */
    int32_t *partners;
    double summary[N_SUM];
} run_result;

/* Partner rows of a run (the sum of its projects' partner counts). */
static inline int run_n_partners(const run_result *r) {
    return r->partner_first && r->n_projects >= 0 ? r->partner_first[r->n_projects] : 0;
}

/* Metadata tables for writers and docs (same order as the enums). */
typedef struct metric_info {
    const char *name, *units, *long_name;
    int is_int;                  /* project fields: int32 (1) or float64 (0) */
    size_t offset;               /* project fields: offset in project_record */
} metric_info;
extern const metric_info ts_info[N_TS];
extern const metric_info sum_info[N_SUM];
extern const metric_info proj_info[N_PROJ];

/* The organisations of a scenario's world as every run builds them, named ones first, then the
 * generated ones (whose sizes come from the scenario seed alone): the same in every condition and
 * replicate. */
typedef struct org_summary {
    char name[SCENARIO_NAME_MAX];  /* a generated organisation: "generated_K", K = 0, 1, ... */
    int employees;                 /* employees simulated (the size rounded, at least 1) */
    int region;
    int kind;                      /* enum org_kind */
} org_summary;
/* Fill out[0 .. n - 1] (out may be NULL) and return n, the number of organisations. world.c */
int world_organisations(const scenario *sc, org_summary *out);

/* Run one simulation. Deterministic in (scenario, condition, replicate); thread-safe.
 * `threads` > 1 lets a large world use that many threads inside the run (same results). */
void run_simulate(const scenario *sc, int cond, int replicate, int threads, run_result *out);
void run_result_free(run_result *r);
/* Week before which an opportunity must arrive to count in the cohort summaries:
 * horizon - 104 when the horizon is longer than 208 weeks, else half the horizon. */
int run_cohort_cutoff(int horizon);
/* Fill out->summary from the series and project table (called by run_simulate). */
void run_summarise(const scenario *sc, run_result *out);

#endif
