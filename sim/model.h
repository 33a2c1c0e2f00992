/* model: the state of one simulation (one condition x one replicate) and the functions of the
 * modules that change it. Knows no YAML, no HDF5, no command line.
 *
 * Time: one tick is one week. Agents are stored as a struct of arrays indexed by slot; an
 * employee who leaves is replaced by a newcomer in the same slot (gen counts the occupants).
 * Ties are an edge table with an adjacency list per agent; trust and strength decay lazily
 * (applied when an edge is touched, from its last-synced week). */
#ifndef SAMEN_MODEL_H
#define SAMEN_MODEL_H
#include "params.h"
#include "rng.h"
#include "run.h"
#include "scenario.h"
#include <gsl/gsl_rng.h>
#include <stdint.h>

/* --- organisations and agents ------------------------------------------------------------------- */
typedef struct org {
    double employees, power;   /* power: pi_o */
    int kind;                  /* enum org_kind */
    int province;              /* index of its province, -1 none */
    double psi;                /* failure tolerance in [0,1] */
    int region;
    int first, n;              /* agents first .. first + n - 1 */
    int *dom_first;            /* [D + 1]: agents of domain d are by_dom[dom_first[d] .. dom_first[d+1]) */
    int *by_dom;               /* agent slots of this org grouped by domain */
    int *managers, n_managers; /* manager slots */
} org;

typedef struct agents {
    int n, D;
    int32_t *org;
    int8_t *dom;               /* primary domain (department) */
    uint8_t *manager;
    double *skill;             /* [n * D], in [0,1] */
    double *m, *m0;            /* intrinsic motivation, its baseline; m is synced lazily */
    double *theta;             /* joining threshold */
    double *rho;               /* risk aversion */
    double *fatigue;           /* in [0,1], synced lazily */
    int32_t *synced;           /* week up to which m and fatigue are current */
    int32_t *gen;              /* occupant number of this slot */
    int32_t *leave_at;         /* week the occupant leaves (INT32_MAX: after the horizon) */
    int32_t *next_leaver;      /* bucket list of leavers per week */
    int8_t *load;              /* active memberships */
    int32_t (*memb)[2];        /* up to SAMEN_LMAX (project index, member index) pairs */
} agents;

#define SAMEN_LMAX 10          /* upper bound of agents.max_projects */
#define SAMEN_MAX_PARTNERS 64  /* partner organisations of one collaboration */
#define SAMEN_KEY_MANDATE 0x40000000u /* random-stream keys of mandated collaborations (+ region) */
#define SAMEN_KEY_CRISIS 0x50000000u  /* random-stream key of the crisis collaboration */
#define SAMEN_ID_MANDATE 1000000      /* record ids of a mandate's regional collaborations (+ region) */
#define SAMEN_ID_CRISIS 2000000       /* record id of the crisis collaboration */

/* --- ties ---------------------------------------------------------------------------------------- */
typedef struct edges {
    int n, cap;
    int32_t *u, *v;            /* endpoints; u < v not required */
    double *w, *w0;            /* strength and its everyday level (0 for work-made ties) */
    double *T;                 /* trust in [0,1] */
    int32_t *last;             /* week up to which w and T are current */
    int16_t *shared;           /* active teams both endpoints are in (no decay while > 0) */
    uint8_t *alive, *cross;    /* cross: endpoints in different organisations */
    int32_t *free_list;        /* recycled edge ids */
    int n_free;
    int32_t *xpos;             /* position of a cross-organisation edge in xlist */
    int32_t *xlist;            /* the live cross-organisation edges (for the weekly trust mean) */
    int nx;
} edges;

typedef struct adjacency {
    int32_t **e;               /* per agent: edge ids */
    int32_t *deg, *cap;
} adjacency;

/* --- collaborations ------------------------------------------------------------------------------- */
enum project_status {
    PS_EXPLORING, PS_STRUCTURING, PS_IMPLEMENTING, /* active */
    PS_STALLED, PS_OPERATING,                      /* not working */
    PS_DONE                                        /* fizzled, dissolved, or operation ended */
};

typedef struct member {
    int32_t agent, gen;
    double c;                  /* formal share: 1 assigned, 0 volunteer, c_cons after consolidation */
    double formal;             /* formal hours per week this membership is paid for */
    double mot;                /* motivation for this membership; < 0: the employee's own m */
    double a;                  /* engagement this week */
    double hours;              /* hours available this week */
    int stream;                /* index into the project's domains, -1 none */
} member;

typedef struct project {
    project_record rec;        /* the output row, filled as things happen */
    int status;
    uint32_t key;              /* random-stream entity: the opportunity number, or a reserved range */
    int formation;             /* enum project_formation; network-first rules apply to 0 and 3 */
    int n_part, part[SAMEN_MAX_PARTNERS]; /* partner organisations */
    int n_dom, dom[8];         /* required domains */
    double q[8], W[8], P[8];   /* weights, work and progress per domain (hours) */
    double team_plan;          /* the team the plan assumes (persons): structure.team_target, x partners / 2
                                * for a regional task (S19) */
    double rate[8];            /* planned weekly work per domain, W_pd / T_target at the draw (hours); a
                                * rescope or a regional share changes the work, not the pace */
    double V, risk, g;
    int K, k;                  /* milestones, won so far */
    double b[65];              /* milestone boundaries b[0] = 0 .. b[K] = 1 */
    double S, S_goal;          /* structure level and where it ramps to */
    double omega;              /* delegate framing */
    double E, novelty;         /* momentum and its novelty share */
    int champion;              /* member index, -1 none */
    int designated;            /* champions are designated (CHAMPION), not emergent */
    int ch_vacant_until;       /* after a burnout: no champion before this week */
    int ch_appointed;          /* the current champion was appointed (designated), not emergent */
    int cross_domain;          /* led by a manager from outside its domains */
    int consolidating;         /* 1 while a consolidation negotiation runs, 2 after it agreed */
    int full_scope;            /* the running negotiation is over the full scope (no bonus) */
    int explored;              /* exploration ended (pr >= P_expl once) */
    int won_since_explore;     /* a win after exploration ended */
    int report_weeks;          /* working weeks still to spend reporting on the last milestone */
    int neg_weeks, low_weeks, stall_week;
    double x_prev[8];          /* last week's stream shares */
    member *mem;
    int n_mem, cap_mem;
    int32_t *pair;             /* pair[i * cap_mem + j]: the tie between members i and j (kept while both are in) */
    double P_rev[8];           /* progress at the last review (or restart; 0 at launch) */
    int k_rev;                 /* wins at the last review (or restart) */
    int t_rev;                 /* week of the last review or restart (0: none; the launch counts) */
    int handed_over;           /* handed over to the line organisation */
    int handover_due;          /* won its k_h-th milestone this week: hand over at the end of the week */
    int deadline;              /* mandates: week the structure is imposed (-1 none) */
    double net_share;          /* mandates: the existing network it formalises, 0..1 (S19); 0 otherwise */
    int *former, *former_gen, n_former; /* members when it stalled (for revival) */
    double op_T, op_Torg;      /* operation: team trust at completion, its baseline */
    int op_n, *op_agents, *op_gens; /* members at completion, to measure survival */
} project;

/* --- the whole state of a run ----------------------------------------------------------------------- */
typedef struct model {
    const scenario *sc;
    const params *p;
    uint32_t seed, rep;
    int T, t;                  /* horizon and current week */
    int n_orgs;
    org *orgs;
    agents ag;
    edges ed;
    adjacency adj;
    project *proj;
    int n_proj, cap_proj;
    int *leaver_head;          /* [T + 2] */
    double U;                  /* urgency (0 without a crisis) */
    int n_opp;                 /* ordinary opportunities so far (their numbers key their draws) */
    uint8_t *mobilised;        /* crisis: employee slot mobilised (per occupant; cleared on turnover) */
    uint8_t *connector;        /* crisis: managers and the best-connected tenth */
    int n_mobilised;
    double week_review;        /* review hours of the current week */
    double base_in, base_x;    /* baseline trust within and between organisations */
    double *decay_T;           /* decay_T[k] = (1 - delta_T)^k, k = 0 .. T + 1 */
    gsl_rng *r;                /* reset before each logical event */
    int threads;               /* threads inside this run (>= 1); results do not depend on it */
    gsl_rng **rngs;            /* one generator per thread */
    int32_t **marks, *stamps;  /* per-thread scratch for net_prototrust */
    int32_t *level, *level_week; /* scratch per agent: scheduling collaborations into disjoint batches */
    int32_t *mark;             /* scratch, one per agent, stamp-based */
    int32_t stamp;
    double week_hours[4];      /* work, negotiation, accounting, idle of the current week */
    double herd_sum;           /* herding index, summed over working teams this week */
    int herd_n;
    double part_T_sum;         /* cross-organisation trust between team-mates this week */
    long part_T_n;
    double *hours_week;        /* scratch per agent: hours spent this week (fatigue) */
    double *formal_week;       /* scratch per agent: formal hours this week */
    double *slack_weight;      /* scratch per agent: sum of slack weights of its memberships */
    int *touched, cap_touched; /* scratch: agents who worked this week */
    int *order, cap_order;     /* scratch: this week's order of active collaborations */
    double value_total;
    run_result *out;
} model;

/* world.c */
void world_build(model *m);
void world_free(model *m);
/* Baseline trust of a pair: trust.within_org inside an organisation, else the cross-organisation
 * baseline trust.cross_org + history_weight * history (clipped to [0, 1]). */
static inline double world_base_trust(const model *m, int a, int b) {
    return m->ag.org[a] == m->ag.org[b] ? m->base_in : m->base_x;
}
void world_draw_agent(model *m, int slot, int org_index, int dom, int manager);
void world_turnover(model *m);             /* employees leaving this week are replaced */
void world_sync_agent(model *m, int a);    /* bring lazy m and fatigue up to the current week */

/* network.c */
int net_find(model *m, int a, int b);      /* edge id or -1 */
int net_add(model *m, int a, int b, double w, double w0, double T);
void net_remove(model *m, int e);
void net_isolate(model *m, int a);         /* remove every tie of a */
void net_sync(model *m, int e);            /* apply lazy decay up to m->t */
double net_prototrust(model *m, int a, int b);
double net_trust(model *m, int a, int b);  /* tie trust, or prototrust without a tie */
int net_share(model *m, int a, int b, int delta); /* make the tie if needed, count a shared team; its id */
void net_sweep(model *m);                  /* delete decayed work-made ties */
void net_cross_trust(model *m, double *mean, int *count);

/* project.c */
void project_arrive(model *m);             /* this week's opportunities: formation */
project *project_new(model *m, uint32_t key, int id); /* an empty collaboration record */
void project_draw(model *m, project *pj);  /* S1: domains, work, value, plan (partners kept if set) */
void project_plan_team(model *m, project *pj, double team); /* S1: the planned team and pace */
double project_plan_weeks(const model *m, const project *pj, double efficiency); /* S1, S13 */
/* The team recruitment aims for (S2, S15): the planned team, at most the largest team recruit.team_max. */
double project_team_aim(const model *m, const project *pj);
void project_form_network_first(model *m, project *pj, int need_span);
void project_form_structure_first(model *m, project *pj);
void project_add_member(model *m, project *pj, int a, double c, double formal);
void project_recruit_round(model *m, project *pj, uint32_t round, double threshold_drop, int max_invites);
void project_release_all(model *m, project *pj);
void project_end(model *m, project *pj, int outcome);
void project_seek_champion(model *m, project *pj);
int project_designated_now(const model *m, const project *pj); /* designated champion in this phase */
double project_chair_control(const model *m, const project *pj); /* controlling chair: 1 - m_c / m_ctl, else 0 */
void project_start_negotiation(model *m, project *pj, int full_scope);
void project_trust_update(model *m, project *pj, int cross_only, double gain, double loss);
double project_fit(const model *m, const project *pj, int a);
double project_utility(model *m, const project *pj, int j, double T, double phi);
/* The joining kernel of S2 (formation.c): u = beta_m m + beta_f fit + beta_T T + beta_soc phi + beta_U U
 * - beta_r risk rho (1 - psi) - theta + eps, with the logistic noise eps already drawn (0 when s_eps = 0). */
double recruit_utility(const params *p, double m, double fit, double T, double phi, double U, double risk,
                       double rho, double psi, double theta, double eps);
/* The joining decision on u. The model joins on u > 0 (tie_joins = 0): with continuous noise a tie has
 * probability 0. tie_joins = 1 joins on u >= 0, the threshold rule phi >= theta of the deterministic
 * docking (s_eps = 0), where ties are exact. */
int recruit_joins(double u, int tie_joins);
double project_social_share(const model *m, const project *pj, int j);
double project_progress(const project *pj);
double project_initial_momentum(model *m, project *pj); /* mean engagement at E = 0.5 */
double project_engagement(model *m, project *pj, int k); /* S5, member k, with its team trust */
int project_in_team(const model *m, const project *pj, int a);
/* The tie between members i and j (exists while both are in the team), brought up to date. */
int project_pair(model *m, const project *pj, int i, int j);
int project_window(int t, double from, double until); /* t in [from, until), until 0 = open */
/* Reset the model's generator to the stream (s, sub) of collaboration pj in this week. */
void project_rng(model *m, const project *pj, enum rng_stream s, uint32_t sub);
void project_act(model *m, project *pj);   /* one week of one active collaboration */
void project_operate(model *m, project *pj);  /* a delivered result in operation, one week */
void project_idle(model *m, project *pj);     /* a stalled collaboration, one week */
void project_top_up(model *m, project *pj);   /* ongoing recruitment of a small network-first team */
void project_remove_member(model *m, project *pj, int k, int reason);
int project_is_active(const project *pj);

/* intervention.c: the seed's interventions (brief S12-S19) */
void intervention_week(model *m);          /* crisis and mandate events of this week */
void crisis_week(model *m);                /* S17 (crisis.c): urgency, ties, mobilisation, crisis network */
void mandate_week(model *m);               /* S19 (mandate.c): regional collaborations, what-not-how deadlines */
int mandate_deadline(model *m, project *pj); /* negotiation past a mandate's deadline */
void mandate_holdback(model *m, project *pj); /* mandates: who withholds its task package */
void intervention_launch(model *m, project *pj);   /* at launch: cross-domain leader, designated champion */
void intervention_recruit(model *m, project *pj);  /* before the launch check: job bank, nudge */
void intervention_after_work(model *m, project *pj); /* after a working week: review; handover due */
int intervention_review_due(const model *m, const project *pj); /* a calibration moment (S13) this week */
void intervention_handover(model *m, project *pj);   /* S18, at the end of the week it became due */
void intervention_top_up(model *m, project *pj);   /* every top-up week: job bank for a missing domain */
void intervention_stalled(model *m, project *pj);  /* a stalled week: revival */
void intervention_culture(model *m, project *pj, int won); /* slow drift of failure tolerance */
int intervention_celebrating(const model *m);

/* step.c */
void step_week(model *m);

#endif
