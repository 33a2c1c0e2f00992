/* run: one simulation from world to summary; observes the model each week (metrics.def). */
#include "error.h"
#include "model.h"
#include "rng.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>


/* --- job bank (F8): cross-department tie density --------------------------------------------------- */

/* Live ties between employees of the same organisation in different departments, over all such
 * pairs. Read-only: a work-made tie counts while its lazily decayed strength is >= w_del. */
static double cross_department_density(const model *m) {
    const edges *E = &m->ed;
    const params *p = m->p;
    double pairs = 0;
    for (int o = 0; o < m->n_orgs; o++) {
        const org *g = &m->orgs[o];
        double same = 0;
        for (int d = 0; d < m->ag.D; d++) {
            double nd = g->dom_first[d + 1] - g->dom_first[d];
            same += nd * nd;
        }
        pairs += ((double)g->n * g->n - same) / 2;
    }
    long ties = 0;
    for (int e = 0; e < E->n; e++) {
        if (!E->alive[e] || E->cross[e] || m->ag.dom[E->u[e]] == m->ag.dom[E->v[e]]) continue;
        double w = E->w[e];
        if (E->shared[e] == 0 && w > E->w0[e]) {
            w -= p->delta_w * (m->t - E->last[e]);
            if (w < E->w0[e]) w = E->w0[e];
        }
        ties += E->shared[e] > 0 || E->w0[e] > 0 || w >= p->w_del;
    }
    return pairs > 0 ? ties / pairs : NAN;
}

static void observe(model *m) {
    run_result *out = m->out;
    int T1 = out->horizon + 1, t = m->t;
    double *ts = out->ts;
#define SET(var, value) ts[(size_t)TS_##var * T1 + t] = (value)
    int launched = 0, fizzled = 0, completed = 0, dissolved = 0, active = 0, stalled = 0, operating = 0, members = 0;
    double E = 0, S = 0;
    for (int i = 0; i < m->n_proj; i++) {
        const project *pj = &m->proj[i];
        launched += pj->rec.launch >= 0;
        fizzled += pj->rec.outcome == OUTCOME_FIZZLED;
        completed += pj->rec.outcome == OUTCOME_COMPLETED;
        dissolved += pj->rec.outcome == OUTCOME_DISSOLVED;
        stalled += pj->status == PS_STALLED;
        operating += pj->status == PS_OPERATING;
        if (project_is_active(pj)) {
            active++;
            members += pj->n_mem;
            E += pj->E;
            S += pj->S;
        }
    }
    SET(opportunities, m->n_proj);
    SET(launched, launched);
    SET(fizzled, fizzled);
    SET(completed, completed);
    SET(dissolved, dissolved);
    SET(active, active);
    SET(stalled, stalled);
    SET(operating, operating);
    SET(members, members);
    SET(value, m->value_total);
    SET(hours_work, m->week_hours[0]);
    SET(hours_negotiation, m->week_hours[1]);
    SET(hours_accounting, m->week_hours[2]);
    SET(hours_idle, m->week_hours[3]);
    SET(hours_review, m->week_review);
    SET(urgency, m->U);
    SET(mobilised, m->n_mobilised);
    SET(momentum, active ? E / active : NAN);
    SET(structure, active ? S / active : NAN);
    SET(herding, m->herd_n ? m->herd_sum / m->herd_n : NAN);
    double Tx;
    int nx;
    net_cross_trust(m, &Tx, &nx);
    SET(trust_cross_org, Tx);
    SET(ties_cross_org, nx);
    SET(trust_participants, m->part_T_n ? m->part_T_sum / (double)m->part_T_n : NAN);
#undef SET
    m->week_hours[0] = m->week_hours[1] = m->week_hours[2] = m->week_hours[3] = 0;
    m->week_review = 0;
    m->herd_sum = 0, m->herd_n = 0;
    m->part_T_sum = 0, m->part_T_n = 0;
}

/* Records in id order: ordinary opportunities first (by arrival), then mandated and crisis ones. */
typedef struct record_order {
    int32_t id;
    int index;                 /* in m->proj */
} record_order;

static int cmp_record_id(const void *a, const void *b) {
    const record_order *x = a, *y = b;
    if (x->id != y->id) return (x->id > y->id) - (x->id < y->id);
    return (x->index > y->index) - (x->index < y->index);
}

/* Mean skill at the horizon over all employees: in their primary domain and in the others (F10). */
static void summarise_skill(const model *m, run_result *out) {
    double own = 0, other = 0;
    int D = m->ag.D, n = m->ag.n;
    for (int a = 0; a < n; a++)
        for (int d = 0; d < D; d++) {
            double s = m->ag.skill[(size_t)a * D + d];
            if (d == m->ag.dom[a]) own += s;
            else other += s;
        }
    out->summary[SUM_skill_own_end] = n > 0 ? own / n : NAN;
    out->summary[SUM_skill_other_end] = n > 0 && D > 1 ? other / ((double)n * (D - 1)) : NAN;
}

void run_simulate(const scenario *sc, int cond, int replicate, int threads, run_result *out) {
    const params *p = &sc->conditions[cond].p;
    model *m = xcalloc(1, sizeof *m);
    m->sc = sc;
    m->p = p;
    m->seed = sc->seed;
    m->rep = (uint32_t)replicate;
    m->T = sc->horizon;
    m->threads = threads > 0 ? threads : 1;
    m->rngs = xmalloc(sizeof(gsl_rng *) * (size_t)m->threads);
    for (int i = 0; i < m->threads; i++) m->rngs[i] = rng_alloc();
    m->r = m->rngs[0];
    m->out = out;
    memset(out, 0, sizeof *out);
    out->condition = cond;
    out->replicate = replicate;
    out->horizon = sc->horizon;
    out->ts = xcalloc((size_t)N_TS * (size_t)(m->T + 1), sizeof(double));
    m->decay_T = xmalloc(sizeof(double) * (size_t)(m->T + 2));
    m->decay_T[0] = 1;
    for (int k = 1; k <= m->T + 1; k++) m->decay_T[k] = m->decay_T[k - 1] * (1 - p->delta_T);

    world_build(m);
    int N = m->ag.n;
    out->agents = N;
    m->marks = xmalloc(sizeof(int32_t *) * (size_t)m->threads);
    m->stamps = xcalloc((size_t)m->threads, sizeof(int32_t));
    m->marks[0] = m->mark;
    for (int i = 1; i < m->threads; i++) m->marks[i] = xcalloc((size_t)N, sizeof(int32_t));
    m->level = xcalloc((size_t)N, sizeof(int32_t));
    m->level_week = xcalloc((size_t)N, sizeof(int32_t));
    m->hours_week = xcalloc((size_t)N, sizeof(double));
    m->formal_week = xcalloc((size_t)N, sizeof(double));
    m->slack_weight = xcalloc((size_t)N, sizeof(double));
    observe(m);
    /* Cross-department tie density scans every tie, so it is measured at weeks 0 and T only (F8). */
    double xdept_0 = cross_department_density(m);
    for (m->t = 1; m->t <= m->T; m->t++) {
        step_week(m);
        observe(m);
    }
    m->t = m->T;
    double xdept_end = cross_department_density(m);

    /* The records in id order, each with its partner organisations. */
    int n = m->n_proj, n_partners = 0;
    record_order *order = xmalloc(sizeof(record_order) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) {
        order[i] = (record_order){m->proj[i].rec.id, i};
        n_partners += m->proj[i].n_part;
    }
    qsort(order, (size_t)n, sizeof *order, cmp_record_id);
    out->n_projects = n;
    out->projects = xmalloc(sizeof(project_record) * (size_t)(n + 1));
    out->partner_first = xmalloc(sizeof(int32_t) * (size_t)(n + 1));
    out->partners = xmalloc(sizeof(int32_t) * (size_t)(n_partners + 1));
    out->partner_first[0] = 0;
    for (int k = 0; k < n; k++) {
        project *pj = &m->proj[order[k].index];
        project_record *r = &pj->rec;
        if (pj->status == PS_STALLED) r->outcome = OUTCOME_STALLED;
        else if (project_is_active(pj)) r->outcome = OUTCOME_ACTIVE;
        r->alignment = pj->g;
        r->structure = pj->S;
        r->momentum = pj->E;
        out->projects[k] = *r;
        int32_t at = out->partner_first[k];
        for (int j = 0; j < pj->n_part; j++) out->partners[at + j] = pj->part[j];
        out->partner_first[k + 1] = at + pj->n_part;
        free(pj->mem);
        free(pj->pair);
        free(pj->op_agents);
        free(pj->op_gens);
        free(pj->former);
        free(pj->former_gen);
    }
    free(order);
    run_summarise(sc, out);
    summarise_skill(m, out);
    out->summary[SUM_ties_cross_department_0] = xdept_0;
    out->summary[SUM_ties_cross_department_end] = xdept_end;

    free(m->proj);
    free(m->hours_week), free(m->formal_week), free(m->slack_weight);
    free(m->touched), free(m->order), free(m->decay_T);
    free(m->mobilised), free(m->connector);
    for (int i = 1; i < m->threads; i++) free(m->marks[i]);
    free(m->marks), free(m->stamps), free(m->level), free(m->level_week);
    world_free(m);
    for (int i = 0; i < m->threads; i++) rng_free(m->rngs[i]);
    free(m->rngs);
    free(m);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, int n) {
    if (n == 0) return NAN;
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* Summaries over the cohort of opportunities that arrived before the cut-off (brief issue 13:
 * collaborations launched late are censored by the horizon). */
void run_summarise(const scenario *sc, run_result *out) {
    int cutoff = run_cohort_cutoff(out->horizon);
    int T1 = out->horizon + 1;
    double *s = out->summary;
    int opp = 0, launched = 0, c_opp = 0, c_launched = 0, c_done = 0, c_open = 0;
    double value = 0, hours = 0, overhead = 0, wasted = 0;
    double *fw = xmalloc(sizeof(double) * (size_t)(out->n_projects + 1));
    double *cw = xmalloc(sizeof(double) * (size_t)(out->n_projects + 1));
    int nfw = 0, ncw = 0;
    for (int i = 0; i < out->n_projects; i++) {
        const project_record *r = &out->projects[i];
        opp++;
        launched += r->launch >= 0;
        double h = r->hours_work + r->hours_negotiation + r->hours_accounting + r->hours_idle + r->hours_review;
        hours += h;
        overhead += r->hours_negotiation + r->hours_accounting;
        value += r->value;
        if (r->outcome == OUTCOME_DISSOLVED || r->outcome == OUTCOME_STALLED || r->outcome == OUTCOME_KILLED) wasted += h;
        if (r->first_win >= 0) fw[nfw++] = r->first_win - r->launch;
        if (r->outcome == OUTCOME_COMPLETED) cw[ncw++] = r->end - r->launch;
        if (r->arrival < cutoff) {
            c_opp++;
            if (r->launch >= 0) {
                c_launched++;
                c_done += r->outcome == OUTCOME_COMPLETED;
                c_open += r->outcome == OUTCOME_ACTIVE || r->outcome == OUTCOME_STALLED;
            }
        }
    }
    s[SUM_opportunities] = opp;
    s[SUM_launched] = launched;
    s[SUM_cohort_opportunities] = c_opp;
    s[SUM_cohort_launched] = c_launched;
    s[SUM_success_launched] = c_launched ? (double)c_done / c_launched : NAN;
    s[SUM_success_opportunity] = c_opp ? (double)c_done / c_opp : NAN;
    s[SUM_censored_launched] = c_launched ? (double)c_open / c_launched : NAN;
    s[SUM_value] = out->ts[(size_t)TS_value * T1 + out->horizon];
    s[SUM_hours] = hours;
    s[SUM_value_per_hour] = hours > 0 ? value / hours : NAN;
    s[SUM_hours_overhead] = overhead;
    s[SUM_hours_wasted] = wasted;
    s[SUM_trust_participants_104] = out->horizon >= 104 ? out->ts[(size_t)TS_trust_participants * T1 + 104] : NAN;
    s[SUM_trust_cross_org_end] = out->ts[(size_t)TS_trust_cross_org * T1 + out->horizon];
    s[SUM_first_win_weeks] = median(fw, nfw);
    s[SUM_completion_weeks] = median(cw, ncw);
    /* job bank (F8) */
    double fit = 0;
    int nfit = 0;
    for (int i = 0; i < out->n_projects; i++)
        if (out->projects[i].launch >= 0 && isfinite(out->projects[i].fit_launch)) fit += out->projects[i].fit_launch, nfit++;
    s[SUM_fit_launch] = nfit ? fit / nfit : NAN;
    free(fw), free(cw);
    (void)sc;
}

void run_result_free(run_result *r) {
    free(r->ts);
    free(r->projects);
    free(r->partner_first);
    free(r->partners);
    r->ts = NULL;
    r->projects = NULL;
    r->partner_first = NULL;
    r->partners = NULL;
}
