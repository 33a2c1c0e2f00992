/* formation: how a collaboration comes about (brief S1-S3).
 *
 *   S1 an opportunity arrives: partners, domains, work, value, plan
 *   S2 network-first: a seed recruits along ties; launch only with a team spanning the partners
 *   S3 structure-first: quota assignment by organisation size, then negotiation (S4, project.c)
 *
 * Ordinary opportunities are numbered in order of arrival; that number keys all their random
 * draws, so every condition of a replicate meets the same opportunities. */
#include "error.h"
#include "model.h"
#include "rng.h"
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double org_psi(const model *m, int a) { return m->orgs[m->ag.org[a]].psi; }

/* --- S1 ---------------------------------------------------------------------------------------------- */

static void choose_partners(model *m, project *pj) {
    const params *p = m->p;
    int n = m->n_orgs;
    if (n <= 2) {
        pj->n_part = n;
        for (int i = 0; i < n; i++) pj->part[i] = i;
        return;
    }
    int hi = (int)p->part_max;
    if (hi > n) hi = n;
    if (hi > SAMEN_MAX_PARTNERS) hi = SAMEN_MAX_PARTNERS;
    int lo = (int)p->part_min;
    if (lo > hi) lo = hi;
    int k = lo + (int)rng_below(m->r, (unsigned)(hi - lo + 1));
    /* The first partner in proportion to size, the others from its region where it is big enough. */
    double total = 0;
    for (int o = 0; o < n; o++) total += m->orgs[o].n;
    double x = gsl_rng_uniform(m->r) * total;
    int first = 0;
    for (double c = m->orgs[0].n; c <= x && first < n - 1;) c += m->orgs[++first].n;
    int *cand = xmalloc(sizeof(int) * (size_t)n);
    int nc = 0;
    for (int o = 0; o < n; o++)
        if (o != first && m->orgs[o].region == m->orgs[first].region) cand[nc++] = o;
    if (nc < k - 1) {
        nc = 0;
        for (int o = 0; o < n; o++)
            if (o != first) cand[nc++] = o;
    }
    pj->part[0] = first;
    for (int i = 1; i < k; i++) {
        int j = i - 1 + (int)rng_below(m->r, (unsigned)(nc - (i - 1)));
        int t = cand[i - 1];
        cand[i - 1] = cand[j];
        cand[j] = t;
        pj->part[i] = cand[i - 1];
    }
    pj->n_part = k;
    free(cand);
}

void project_draw(model *m, project *pj) {
    const params *p = m->p;
    gsl_rng *r = m->r;
    /* Three sub-streams, so that conditions differing in the partner or domain ranges still meet
     * the same work, value, risk and alignment: 0 the scalars, 1 the partners, 2 the domains. */
    rng_reset(r, m->seed, m->rep, pj->key, 0, RNG_OPP_DRAW, 0);
    double W = p->W_med * exp(gsl_ran_gaussian(r, p->W_sd));
    pj->V = W * p->v_ratio * exp(gsl_ran_gaussian(r, p->V_sd));
    W *= 1 + p->ms_overhead * p->K; /* each milestone's overhead is work that adds no value */
    pj->risk = gsl_ran_beta(r, p->risk_a, p->risk_b);
    pj->g = p->g0_lo + (p->g0_hi - p->g0_lo) * gsl_rng_uniform(r);
    rng_reset(r, m->seed, m->rep, pj->key, 0, RNG_OPP_DRAW, 1);
    if (pj->n_part == 0) choose_partners(m, pj);
    rng_reset(r, m->seed, m->rep, pj->key, 0, RNG_OPP_DRAW, 2);
    int D = m->ag.D;
    int lo = (int)p->dom_min, hi = (int)p->dom_max;
    if (hi > D) hi = D; /* at most 8 by the parameter table (the project's arrays) */
    if (lo > hi) lo = hi;
    pj->n_dom = lo + (int)rng_below(r, (unsigned)(hi - lo + 1));
    int all[64];
    for (int d = 0; d < D; d++) all[d] = d;
    gsl_ran_choose(r, pj->dom, (size_t)pj->n_dom, all, (size_t)D, sizeof(int));
    double alpha[8] = {2, 2, 2, 2, 2, 2, 2, 2};
    gsl_ran_dirichlet(r, (size_t)pj->n_dom, alpha, pj->q);
    for (int i = 0; i < pj->n_dom; i++) {
        pj->W[i] = W * pj->q[i];
        if (pj->W[i] < 1e-9) pj->W[i] = 1e-9;
        pj->P[i] = 0;
    }
    pj->K = (int)p->K;
    /* Milestone boundaries: the first one qw times a regular step, the rest evenly spaced. */
    pj->b[0] = 0;
    double first = p->qw / pj->K;
    for (int k = 1; k <= pj->K; k++) pj->b[k] = first + (1 - first) * (k - 1) / (pj->K > 1 ? pj->K - 1 : 1);
    pj->b[pj->K] = 1;
    pj->rec.work = W;
    project_plan_team(m, pj, p->n_target);
    pj->rec.potential = pj->V;
    pj->rec.partners = pj->n_part;
    pj->rec.domains = pj->n_dom;
}

/* Weeks the planned team needs for the work drawn at `efficiency`: W_p / (team_plan H_ref efficiency),
 * H_ref = structure.formal_hours, or the slack hours when that is 0 (S1; the review's plan, S13). */
double project_plan_weeks(const model *m, const project *pj, double efficiency) {
    const params *p = m->p;
    double H_ref = p->H_fte > 0 ? p->H_fte : p->f_free * p->week_hours;
    return pj->rec.work / (pj->team_plan * H_ref * efficiency);
}

/* The plan: a team of `team` persons sets each stream's weekly pace rate_d = W_pd / T_target,
 * T_target the weeks it needs at the planned efficiency (S1). */
void project_plan_team(model *m, project *pj, double team) {
    pj->team_plan = team;
    double T_target = project_plan_weeks(m, pj, m->p->plan_eff);
    for (int i = 0; i < pj->n_dom; i++) pj->rate[i] = pj->W[i] / T_target;
}

project *project_new(model *m, uint32_t key, int id) {
    if (m->n_proj == m->cap_proj) {
        m->cap_proj = m->cap_proj ? 2 * m->cap_proj : 64;
        m->proj = xrealloc(m->proj, sizeof(project) * (size_t)m->cap_proj);
    }
    project *pj = &m->proj[m->n_proj++];
    memset(pj, 0, sizeof *pj);
    pj->key = key;
    pj->rec.condition = m->out->condition;
    pj->rec.replicate = m->out->replicate;
    pj->rec.id = id;
    pj->rec.arrival = m->t;
    pj->rec.launch = pj->rec.agreement = pj->rec.first_win = pj->rec.end = -1;
    pj->rec.stall = pj->rec.operation_end = pj->rec.revived = pj->rec.handover = pj->rec.explored = -1;
    pj->rec.momentum_handover = pj->rec.momentum_after_handover = NAN;
    pj->rec.fit_launch = NAN;
    pj->rec.outcome = OUTCOME_ACTIVE;
    pj->champion = -1;
    pj->deadline = -1;
    return pj;
}

void project_arrive(model *m) {
    const params *p = m->p;
    rng_reset(m->r, m->seed, m->rep, 0, (uint32_t)m->t, RNG_OPP_ARRIVALS, 0);
    double lambda = p->opp_rate * m->ag.n / 1000.0;
    unsigned n = lambda > 0 ? gsl_ran_poisson(m->r, lambda) : 0;
    for (unsigned i = 0; i < n; i++) {
        int id = m->n_opp++;
        project *pj = project_new(m, (uint32_t)id, id);
        pj->formation = (int)p->formation;
        pj->rec.formation = pj->formation;
        project_draw(m, pj);
        if (pj->formation == FORM_NETWORK_FIRST) project_form_network_first(m, pj, (int)p->need_all_partners);
        else project_form_structure_first(m, pj);
    }
}

/* --- S2 network-first ----------------------------------------------------------------------------------- */

double project_team_aim(const model *m, const project *pj) {
    return pj->team_plan < m->p->n_max ? pj->team_plan : m->p->n_max;
}

static int understaffed(const model *m, const project *pj, int d) {
    for (int i = 0; i < pj->n_dom; i++) {
        if (pj->dom[i] != d) continue;
        int want = (int)lround(project_team_aim(m, pj) * pj->q[i]);
        if (want < 1) want = 1;
        int have = 0;
        for (int j = 0; j < pj->n_mem; j++) have += m->ag.dom[pj->mem[j].agent] == d;
        return have < want;
    }
    return 0;
}

double project_social_share(const model *m, const project *pj, int j) {
    int ties = m->adj.deg[j], in = 0;
    for (int i = 0; i < ties; i++) {
        int e = m->adj.e[j][i];
        int k = m->ed.u[e] == j ? m->ed.v[e] : m->ed.u[e];
        in += project_in_team(m, pj, k);
    }
    return ties ? (double)in / ties : 0;
}

/* The joining kernel of S2, pure: the noise eps is drawn by the caller. The docking test
 * (sim/docking.c) runs this same function. */
double recruit_utility(const params *p, double m, double fit, double T, double phi, double U, double risk,
                       double rho, double psi, double theta, double eps) {
    return p->beta_m * m + p->beta_f * fit + p->beta_T * T + p->beta_soc * phi + p->beta_U * U -
           p->beta_r * risk * rho * (1 - psi) - theta + eps;
}

int recruit_joins(double u, int tie_joins) { return tie_joins ? u >= 0 : u > 0; }

/* The joining utility of j (S2), invited with trust T, phi the share of j's ties in the team.
 * Draws the logistic noise from m->r. */
double project_utility(model *m, const project *pj, int j, double T, double phi) {
    const params *p = m->p;
    double eps = p->s_eps > 0 ? gsl_ran_logistic(m->r, p->s_eps) : 0;
    return recruit_utility(p, m->ag.m[j], project_fit(m, pj, j), T, phi, m->U, pj->risk, m->ag.rho[j],
                           org_psi(m, j), m->ag.theta[j], eps);
}

/* One round of invitations: every member invites each eligible tie with probability
 * p_inv * w * (1 if the invitee's domain is needed and under-staffed, else off_need).
 * A nudge (max_invites > 0): only the most motivated member invites, personally and for sure, its
 * first max_invites eligible ties, whose thresholds are lowered by threshold_drop. */
void project_recruit_round(model *m, project *pj, uint32_t round, double threshold_drop, int max_invites) {
    const params *p = m->p;
    project_rng(m, pj, max_invites > 0 ? RNG_NUDGE : RNG_RECRUIT, round);
    int n0 = pj->n_mem, invited = 0;
    int32_t *ties = NULL;
    int cap = 0;
    /* Personal invitations come from the most motivated member, the champion-to-be. */
    int lead = 0;
    if (max_invites > 0)
        for (int k = 1; k < n0; k++)
            if (m->ag.m[pj->mem[k].agent] > m->ag.m[pj->mem[lead].agent]) lead = k;
    for (int i = 0; i < n0 && pj->n_mem < (int)p->n_max; i++) {
        if (max_invites > 0 && i != lead) continue;
        int a = pj->mem[i].agent;
        int deg = m->adj.deg[a];
        if (deg > cap) ties = xrealloc(ties, sizeof(int32_t) * (size_t)(cap = deg));
        memcpy(ties, m->adj.e[a], sizeof(int32_t) * (size_t)deg); /* joining adds ties to a */
        for (int t = 0; t < deg && pj->n_mem < (int)p->n_max; t++) {
            int e = ties[t];
            if (!m->ed.alive[e]) continue;
            net_sync(m, e);
            int j = m->ed.u[e] == a ? m->ed.v[e] : m->ed.u[e];
            if (m->ed.w[e] < p->w_min || m->ag.load[j] >= (int)p->L_max || project_in_team(m, pj, j)) continue;
            if (max_invites > 0) {
                if (invited >= max_invites) break;
                invited++;
            } else {
                double pi = p->p_inv * m->ed.w[e] * (understaffed(m, pj, m->ag.dom[j]) ? 1 : p->inv_offneed);
                if (!rng_bernoulli(m->r, pi)) continue;
            }
            world_sync_agent(m, j);
            double u = project_utility(m, pj, j, m->ed.T[e], project_social_share(m, pj, j)) + threshold_drop;
            if (recruit_joins(u, 0)) project_add_member(m, pj, j, 0, 0);
        }
    }
    free(ties);
}

static int spans_partners(const model *m, const project *pj) {
    for (int i = 0; i < pj->n_part; i++) {
        int found = 0;
        for (int j = 0; j < pj->n_mem && !found; j++) found = m->ag.org[pj->mem[j].agent] == pj->part[i];
        if (!found) return 0;
    }
    return 1;
}

double project_initial_momentum(model *m, project *pj) {
    double s = 0;
    double keep = pj->E;
    pj->E = 0.5;
    for (int k = 0; k < pj->n_mem; k++) s += pj->mem[k].a = project_engagement(m, pj, k);
    pj->E = keep;
    return pj->n_mem ? s / pj->n_mem : 0;
}

/* The seed: an employee of a partner organisation with free capacity, drawn with weight
 * m * fit * exp(lambda_psi * psi). -1 when nobody qualifies. */
static int pick_seed(model *m, project *pj) {
    const params *p = m->p;
    project_rng(m, pj, RNG_SEED_PICK, 0);
    double total = 0, culture[SAMEN_MAX_PARTNERS];
    for (int i = 0; i < pj->n_part; i++) {
        const org *g = &m->orgs[pj->part[i]];
        culture[i] = exp(p->lambda_psi * g->psi);
        double s = 0;
        for (int a = g->first; a < g->first + g->n; a++) {
            if (m->ag.load[a] >= (int)p->L_max) continue;
            world_sync_agent(m, a);
            s += m->ag.m[a] * project_fit(m, pj, a);
        }
        total += s * culture[i];
    }
    if (total <= 0) return -1;
    double x = gsl_rng_uniform(m->r) * total;
    for (int i = 0; i < pj->n_part; i++) {
        const org *g = &m->orgs[pj->part[i]];
        for (int a = g->first; a < g->first + g->n; a++) {
            if (m->ag.load[a] >= (int)p->L_max) continue;
            x -= m->ag.m[a] * project_fit(m, pj, a) * culture[i];
            if (x < 0) return a;
        }
    }
    return -1;
}

/* Whether the seed takes the opportunity up at all (S2 initiation rate): with probability
 * exp(-kappa_take * r * (1 - psi)), psi the seed organisation's failure tolerance. A risky
 * opportunity is left alone more often where failing is judged harshly. Only ordinary network-first
 * opportunities; the draw is keyed by the opportunity, so conditions share it. */
static int takes_up(model *m, project *pj, int seed) {
    const params *p = m->p;
    /* ordinary opportunities only: a mandate's voluntary counterpart is no one's choice */
    if (pj->formation != FORM_NETWORK_FIRST || pj->rec.id >= SAMEN_ID_MANDATE || p->kappa_take <= 0) return 1;
    project_rng(m, pj, RNG_SEED_PICK, 2);
    return gsl_rng_uniform(m->r) < exp(-p->kappa_take * pj->risk * (1 - org_psi(m, seed)));
}

/* Recruitment from a seed (brief S2); need_span: launch only with every partner in the team. */
void project_form_network_first(model *m, project *pj, int need_span) {
    const params *p = m->p;
    int seed = pick_seed(m, pj);
    if (seed >= 0 && !takes_up(m, pj, seed)) seed = -1; /* left alone: recorded as fizzled */
    if (seed < 0) {
        project_end(m, pj, OUTCOME_FIZZLED);
        return;
    }
    project_add_member(m, pj, seed, 0, 0);
    for (uint32_t round = 0; round < (uint32_t)p->tau_rec && pj->n_mem < (int)p->n_max; round++)
        project_recruit_round(m, pj, round, 0, 0);
    intervention_recruit(m, pj);
    /* A mandated region cannot fizzle: it starts with whoever joined, and the state assigns the
     * missing partners at the deadline (S19). */
    int obliged = pj->formation == FORM_MANDATED_WHAT_NOT_HOW;
    if ((pj->n_mem < (int)p->n_min && !obliged) || (need_span && !spans_partners(m, pj))) {
        project_end(m, pj, OUTCOME_FIZZLED);
        return;
    }
    pj->rec.launch = m->t;
    pj->omega = p->omega_NF;
    pj->S = pj->S_goal = pj->formation == FORM_CRISIS ? p->S_min : p->S_NF0;
    int from_start = (int)p->cons_timing == 1 && pj->formation == FORM_NETWORK_FIRST;
    if (from_start) pj->S = pj->S_goal = p->S_cons; /* structure from the start, no exploration */
    pj->status = PS_EXPLORING;
    intervention_launch(m, pj);
    pj->rec.team_launch = pj->n_mem; /* with an appointed leader */
    if (pj->champion < 0) project_seek_champion(m, pj); /* an appointed leader stays the champion */
    pj->E = project_initial_momentum(m, pj);
    if (from_start) {
        /* full-scope negotiation, no exploration */
        pj->explored = 1;
        pj->rec.explored = m->t;
        project_start_negotiation(m, pj, 1);
    }
}

/* --- S3 structure-first ---------------------------------------------------------------------------------- */

void project_form_structure_first(model *m, project *pj) {
    const params *p = m->p;
    int mandated = pj->formation == FORM_MANDATED;
    double formal = p->H_fte + (mandated ? p->R_mand : 0);
    project_rng(m, pj, RNG_SEED_PICK, 1);
    double sum_pi = 0;
    int chair_org = pj->part[0];
    for (int i = 0; i < pj->n_part; i++) {
        sum_pi += m->orgs[pj->part[i]].power;
        if (m->orgs[pj->part[i]].power > m->orgs[chair_org].power) chair_org = pj->part[i];
    }
    int chair = -1;
    int *cand = NULL;
    for (int i = 0; i < pj->n_part; i++) {
        int o = pj->part[i];
        const org *g = &m->orgs[o];
        int quota = (int)lround(p->n_target * g->power / sum_pi);
        if (quota < 1) quota = 1;
        /* Employees of the required domains, uniformly, regardless of motivation ("FTE-verrekening"). */
        int nc = 0;
        cand = xrealloc(cand, sizeof(int) * (size_t)(g->n + 1));
        for (int k = 0; k < pj->n_dom; k++)
            for (int j = g->dom_first[pj->dom[k]]; j < g->dom_first[pj->dom[k] + 1]; j++) {
                int a = g->by_dom[j];
                if (m->ag.load[a] < (int)p->L_max && !m->ag.manager[a]) cand[nc++] = a;
            }
        for (int q = 0; q < quota && nc > 0; q++) {
            int j = (int)rng_below(m->r, (unsigned)nc);
            project_add_member(m, pj, cand[j], 1, formal);
            cand[j] = cand[--nc];
        }
        /* One manager per organisation as steering member; the largest partner's chairs. */
        nc = 0;
        for (int j = 0; j < g->n_managers; j++)
            if (m->ag.load[g->managers[j]] < (int)p->L_max && !project_in_team(m, pj, g->managers[j]))
                cand[nc++] = g->managers[j];
        if (nc > 0) {
            project_add_member(m, pj, cand[rng_below(m->r, (unsigned)nc)], 1, formal);
            if (o == chair_org) chair = pj->n_mem - 1;
        }
    }
    free(cand);
    if (pj->n_mem == 0) {
        project_end(m, pj, OUTCOME_FIZZLED);
        return;
    }
    pj->rec.launch = m->t;
    pj->rec.team_launch = pj->n_mem;
    pj->omega = p->omega_SF;
    pj->S = pj->S_goal = mandated ? p->S_mand : p->S_SF;
    intervention_launch(m, pj);
    /* The chair leads only if motivated enough (brief issue 16), unless a champion is designated
     * now (champion.phase may designate one only later: until then the chair rule holds). */
    if (project_designated_now(m, pj)) {
        if (pj->champion < 0) project_seek_champion(m, pj);
    } else if (chair >= 0 && m->ag.m[pj->mem[chair].agent] > p->m_ch) {
        pj->champion = chair;
        pj->rec.champion = 1;
    }
    pj->E = project_initial_momentum(m, pj);
    project_start_negotiation(m, pj, 1);
}
