/* project: the life of a launched collaboration, one week at a time (brief S4-S14).
 *
 *   exploring / structuring (S4) / implementing -> milestones (S8) -> completed and operating (S14)
 *                                               -> stalled (S10) -> dissolved (or revived)
 *
 * How collaborations form is formation.c; who is in a team is team.c; the interventions hook in
 * through intervention.c.
 * Every random draw is keyed by (project key, week, stream, sub), so what happens to one
 * collaboration does not shift the draws of any other. Units: hours per week, value in
 * hour-equivalents, probabilities per week. */
#include "common.h"
#include "error.h"
#include "model.h"
#include "rng.h"
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double skill(const model *m, int a, int d) { return m->ag.skill[(size_t)a * m->ag.D + d]; }

int project_is_active(const project *pj) { return pj->status <= PS_IMPLEMENTING; }
int project_window(int t, double from, double until) { return t >= from && (until <= 0 || t < until); }

void project_rng(model *m, const project *pj, enum rng_stream s, uint32_t sub) {
    rng_reset(m->r, m->seed, m->rep, pj->key, (uint32_t)m->t, s, sub);
}


/* --- S5 engagement ---------------------------------------------------------------------------------- */

/* Mean trust of member k to its team-mates. */
static double team_trust(model *m, const project *pj, int k) {
    if (pj->n_mem < 2) return m->p->T_in;
    double s = 0;
    for (int j = 0; j < pj->n_mem; j++)
        if (j != k) s += m->ed.T[project_pair(m, pj, k, j)];
    return s / (pj->n_mem - 1);
}

/* S5: engagement of a member with team trust Tbar; crowding-out scales with the formal share.
 * A controlling chair (S12) crowds out the other members' motivation by kappa times its control,
 * felt in full by volunteers and assigned members alike (it is personal, not formal). */
static double engagement(model *m, const project *pj, const member *mb, double Tbar) {
    const params *p = m->p;
    int a = mb->agent;
    double crowd = p->kappa_vol + (1 - p->kappa_vol) * mb->c;
    double ctl = pj->champion >= 0 && mb != &pj->mem[pj->champion] ? project_chair_control(m, pj) : 0;
    double meff = (mb->mot >= 0 ? mb->mot : m->ag.m[a]) * (1 - p->kappa * (pj->S * crowd + ctl));
    if (meff < 0) meff = 0;
    double x = p->k0 + p->k_m * (meff - 0.5) + p->k_T * (Tbar - 0.5) + p->k_E * (pj->E - 0.5) + p->k_U * m->U -
               p->k_F * m->ag.fatigue[a];
    double e = sigm(x);
    double floor = p->a_floor * pj->S * mb->c;
    return e > floor ? e : floor;
}

double project_engagement(model *m, project *pj, int k) {
    return engagement(m, pj, &pj->mem[k], team_trust(m, pj, k));
}

double project_progress(const project *pj) {
    double pr = 1;
    for (int d = 0; d < pj->n_dom; d++) {
        double f = pj->P[d] / pj->W[d];
        if (f < pr) pr = f;
    }
    return pr;
}

/* --- S12 champion ------------------------------------------------------------------------------------- */

/* 1 while the collaboration's champion is designated: it has one (CHAMPION, or a cross-domain
 * leader) and the phase is the one champion.phase names (exploring: until exploration ends;
 * implementing: from then on). Outside that phase champions only emerge. */
int project_designated_now(const model *m, const project *pj) {
    if (!pj->designated) return 0;
    int phase = (int)m->p->ch_phase;
    return phase == 0 || (phase == 1 ? !pj->explored : pj->explored);
}

/* Control of a designated champion with m_c below champion.control_motivation (m_ctl): a
 * controlling chair, 1 - m_c / m_ctl; 0 otherwise. It scales the champion's retention by
 * (1 - control) and crowds out the other members' motivation by kappa control (brief issue 52). */
double project_chair_control(const model *m, const project *pj) {
    const params *p = m->p;
    if (pj->champion < 0 || !pj->ch_appointed || !project_designated_now(m, pj) || p->ch_designated_m >= p->ch_control_m)
        return 0;
    return 1 - p->ch_designated_m / p->ch_control_m;
}

/* The champion: the member with the highest m * (ties in the team). Emergent champions need
 * m > m_ch; in a structure-first team only managers (the formal leads) are candidates.
 * Designated champions (the CHAMPION intervention) are appointed whatever their motivation. */
void project_seek_champion(model *m, project *pj) {
    const params *p = m->p;
    double best = -1;
    int who = -1;
    int designated = project_designated_now(m, pj);
    for (int k = 0; k < pj->n_mem; k++) {
        int a = pj->mem[k].agent;
        if (!designated && (m->ag.m[a] <= p->m_ch || (pj->formation == FORM_STRUCTURE_FIRST && !m->ag.manager[a])))
            continue;
        double score = m->ag.m[a] * (pj->n_mem - 1); /* working together ties every pair of the team */
        if (score > best) best = score, who = k;
    }
    pj->champion = who;
    pj->ch_appointed = who >= 0 && designated;
    if (who >= 0) pj->rec.champion = 1;
}

/* Motivation the champion brings to the champion terms. */
static double champion_m(const model *m, const project *pj) {
    return pj->ch_appointed && project_designated_now(m, pj) ? m->p->ch_designated_m
                                                              : m->ag.m[pj->mem[pj->champion].agent];
}

/* --- S4 negotiation --------------------------------------------------------------------------------------- */

void project_start_negotiation(model *m, project *pj, int full_scope) {
    pj->status = PS_STRUCTURING;
    pj->full_scope = full_scope;
    pj->consolidating = pj->formation == FORM_NETWORK_FIRST || pj->formation == FORM_MANDATED_WHAT_NOT_HOW;
    pj->neg_weeks = 0;
}

/* The partner organisations at the table (S4): those with a member in the team. One whose people
 * have all left, that withheld its task package, or that never joined a voluntary regional
 * collaboration does not negotiate. Writes their power into power[] and returns how many. */
static int at_table(const model *m, const project *pj, double *power) {
    int n = 0;
    for (int i = 0; i < pj->n_part; i++) {
        int o = pj->part[i], present = 0;
        for (int k = 0; k < pj->n_mem && !present; k++) present = m->ag.org[pj->mem[k].agent] == o;
        if (present) power[n++] = m->orgs[o].power;
    }
    return n;
}

/* Power asymmetry Pi = 1 - 1 / (n * HHI) over the power shares of the n organisations at the table. */
static double power_asymmetry(const double *power, int n) {
    double s = 0, hhi = 0;
    for (int i = 0; i < n; i++) s += power[i];
    for (int i = 0; i < n; i++) hhi += (power[i] / s) * (power[i] / s);
    return n > 1 ? 1 - 1 / (n * hhi) : 0;
}

static void stall(model *m, project *pj, int reason) {
    pj->status = PS_STALLED;
    if (pj->rec.stall < 0) pj->rec.stall = m->t, pj->rec.stall_reason = reason;
    pj->stall_week = m->t;
    /* Remember who was in it: their colleagues may restart it (revival). */
    free(pj->former), free(pj->former_gen);
    pj->n_former = pj->n_mem;
    pj->former = xmalloc(sizeof(int) * (size_t)(pj->n_mem + 1));
    pj->former_gen = xmalloc(sizeof(int) * (size_t)(pj->n_mem + 1));
    for (int k = 0; k < pj->n_mem; k++) pj->former[k] = pj->mem[k].agent, pj->former_gen[k] = pj->mem[k].gen;
    project_release_all(m, pj);
}

/* Trust of every tie between team-mates: T += gain (1 - T), then T *= 1 - loss; cross_only
 * limits it to pairs of different organisations. */
void project_trust_update(model *m, project *pj, int cross_only, double gain, double loss) {
    for (int i = 0; i < pj->n_mem; i++)
        for (int j = i + 1; j < pj->n_mem; j++) {
            int a = pj->mem[i].agent, b = pj->mem[j].agent;
            if (cross_only && m->ag.org[a] == m->ag.org[b]) continue;
            int e = project_pair(m, pj, i, j);
            double T = m->ed.T[e];
            T += gain * (1 - T);
            T *= 1 - loss;
            m->ed.T[e] = clip01(T);
        }
}

static void negotiate(model *m, project *pj, double Tx) {
    const params *p = m->p;
    if (pj->deadline >= 0 && m->t >= pj->deadline && mandate_deadline(m, pj)) return;
    project_rng(m, pj, RNG_NEGOTIATE, 0);
    double power[SAMEN_MAX_PARTNERS];
    int n_table = at_table(m, pj, power);
    double Pi = power_asymmetry(power, n_table);
    double scope = pj->full_scope ? 0 : p->a_scope;
    /* A mandate over an existing network saves part of the per-partner coordination cost (S19). */
    double a_n = p->a_n * (1 - pj->net_share);
    double extra = n_table > 2 ? n_table - 2 : 0; /* partners beyond a pair */
    double agree = sigm(p->a0 + scope + p->a_T_neg * (Tx - 0.5) - p->a_Pi * Pi - a_n * extra + p->a_U * m->U);
    double conflict = clip01(p->c0 * pj->omega * (Pi + p->eps0) * (1 - Tx));
    if (rng_bernoulli(m->r, conflict)) {
        pj->rec.conflicts++;
        project_trust_update(m, pj, 1, 0, p->alpha_minus);
        pj->E = clip01(pj->E - p->dE_conf);
    }
    if (rng_bernoulli(m->r, agree)) {
        if (pj->rec.agreement < 0) pj->rec.agreement = m->t;
        pj->status = PS_IMPLEMENTING;
        if (pj->consolidating) {
            /* Consolidation formalises membership: part of each member's hours become formal
             * (formal hours already held, such as a job-bank member's, are kept). */
            for (int k = 0; k < pj->n_mem; k++) {
                member *mb = &pj->mem[k];
                if (mb->c >= p->c_cons) continue;
                mb->c = p->c_cons;
                if (mb->formal < p->c_cons * p->H_fte) mb->formal = p->c_cons * p->H_fte;
            }
            if (pj->S_goal < p->S_cons) pj->S_goal = p->S_cons; /* a handover's line structure stays */
            pj->consolidating = 2;
        }
        if (pj->formation == FORM_MANDATED) mandate_holdback(m, pj);
        return;
    }
    if (pj->deadline < 0 && ++pj->neg_weeks >= (int)p->tau_neg) stall(m, pj, 1); /* tau_neg rounds, the first at launch */
}

/* --- S6 workstreams, S7 production, S8 milestones ----------------------------------------------------- */

static void choose_streams(model *m, project *pj, const double *effort) {
    const params *p = m->p;
    project_rng(m, pj, RNG_STREAM_CHOICE, 0);
    double pull[8], load[8], plan[8], count[8] = {0}, seen[8];
    /* In a crisis network the shared urgent goal makes each stream's remaining need visible to
     * self-organised members too (S17); elsewhere they see only skill and the crowd. */
    double see = pj->formation == FORM_CRISIS ? p->need_pull_crisis : 0;
    for (int d = 0; d < pj->n_dom; d++) {
        double need = (pj->W[d] - pj->P[d]) / pj->W[d];
        pull[d] = p->w_need == 1 ? need : p->w_need == 0 ? 1 : pow(need, p->w_need);
        seen[d] = see * need;
        plan[d] = pj->rate[d];
        load[d] = 0;
    }
    for (int k = 0; k < pj->n_mem; k++) {
        int a = pj->mem[k].agent;
        int pick = 0;
        if (rng_bernoulli(m->r, pj->S)) {
            /* Direction: greedy, to the stream whose remaining need (net of who is already sent
             * there this week) times own skill is largest. */
            double best = -1;
            for (int d = 0; d < pj->n_dom; d++) {
                double s = skill(m, a, pj->dom[d]) * pull[d] / (1 + load[d] / plan[d]);
                if (s > best) best = s, pick = d;
            }
        } else {
            /* Self-organised: logit in own skill and last week's crowd (herding). */
            double w[8], tot = 0;
            for (int d = 0; d < pj->n_dom; d++)
                tot += w[d] = exp(p->beta_fit * skill(m, a, pj->dom[d]) + p->h_herd * pj->x_prev[d] + seen[d]);
            double x = gsl_rng_uniform(m->r) * tot;
            for (pick = 0; pick < pj->n_dom - 1 && (x -= w[pick]) >= 0; pick++) {
            }
        }
        pj->mem[k].stream = pick;
        load[pick] += effort[k] * skill(m, a, pj->dom[pick]);
        count[pick]++;
    }
    double hhi = 0;
    for (int d = 0; d < pj->n_dom; d++) {
        pj->x_prev[d] = pj->n_mem ? count[d] / pj->n_mem : 0;
        hhi += pj->x_prev[d] * pj->x_prev[d];
    }
    m->herd_sum += hhi;
    m->herd_n++;
}

static double mean_psi(const model *m, const project *pj) {
    double s = 0;
    for (int k = 0; k < pj->n_mem; k++) s += m->orgs[m->ag.org[pj->mem[k].agent]].psi;
    return pj->n_mem ? s / pj->n_mem : 0;
}

static void add_value(model *m, project *pj, double v) {
    pj->rec.value += v;
    m->value_total += v;
}

/* Completion: the rest of the value, then operation; team trust is kept for the operation hazard. */
static void complete(model *m, project *pj) {
    const params *p = m->p;
    add_value(m, pj, (1 - p->v_part) * pj->V * pj->g);
    double s = 0, base = 0;
    int n = 0;
    for (int i = 0; i < pj->n_mem; i++)
        for (int j = i + 1; j < pj->n_mem; j++) {
            s += m->ed.T[project_pair(m, pj, i, j)];
            base += world_base_trust(m, pj->mem[i].agent, pj->mem[j].agent);
            n++;
        }
    pj->op_T = n ? s / n : p->T_in;
    pj->op_Torg = n ? base / n : p->T_in;
    pj->op_n = pj->n_mem;
    pj->op_agents = xmalloc(sizeof(int) * (size_t)(pj->n_mem + 1));
    pj->op_gens = xmalloc(sizeof(int) * (size_t)(pj->n_mem + 1));
    for (int k = 0; k < pj->n_mem; k++) pj->op_agents[k] = pj->mem[k].agent, pj->op_gens[k] = pj->mem[k].gen;
    pj->rec.outcome = OUTCOME_COMPLETED;
    pj->rec.end = m->t;
    pj->status = PS_OPERATING;
    project_release_all(m, pj);
}

static void milestone(model *m, project *pj) {
    const params *p = m->p;
    if (pj->k >= pj->K || project_progress(pj) < pj->b[pj->k + 1] - 1e-12) return;
    project_rng(m, pj, RNG_MILESTONE, 0);
    double best[8] = {0}, sbar = 0;
    for (int k = 0; k < pj->n_mem; k++) {
        int d = pj->mem[k].stream;
        if (d < 0) continue;
        double s = skill(m, pj->mem[k].agent, pj->dom[d]);
        if (s > best[d]) best[d] = s;
    }
    for (int d = 0; d < pj->n_dom; d++) sbar += best[d] / pj->n_dom;
    double psi = mean_psi(m, pj);
    int won = rng_bernoulli(m->r, 1 - pj->risk * (1 - sbar));
    intervention_culture(m, pj, won);
    if (won) {
        pj->k++;
        pj->rec.wins++;
        if (pj->rec.first_win < 0) pj->rec.first_win = m->t;
        if (pj->explored) pj->won_since_explore = 1;
        pj->E = clip01(pj->E + p->dE_win * (1 + p->c_cel * intervention_celebrating(m)));
        project_trust_update(m, pj, 0, p->alpha_plus * (1 + m->U), 0);
        for (int k = 0; k < pj->n_mem; k++) {
            int a = pj->mem[k].agent;
            m->ag.m[a] += p->delta_m * (1 - m->ag.m[a]);
        }
        add_value(m, pj, p->v_part * pj->V * pj->g / pj->K);
        if (pj->k == pj->K) complete(m, pj);
        else pj->report_weeks = (int)p->ms_pause;
    } else {
        pj->rec.failures++;
        double step = pj->b[pj->k + 1] - pj->b[pj->k];
        for (int d = 0; d < pj->n_dom; d++) {
            double floor = pj->b[pj->k] * pj->W[d];
            double P = pj->P[d] - p->zeta * step * pj->W[d];
            pj->P[d] = P > floor ? P : floor;
        }
        pj->E = clip01(pj->E - p->dE_fail * (1 - psi));
        project_trust_update(m, pj, 1, 0, p->alpha_minus * (1 - psi) * pj->omega);
        for (int k = 0; k < pj->n_mem; k++) {
            int d = pj->mem[k].stream;
            if (d < 0) continue;
            double *s = &m->ag.skill[(size_t)pj->mem[k].agent * m->ag.D + pj->dom[d]];
            *s += p->eta_L * psi * (1 - *s);
        }
    }
}

/* S14 operation: value accrues while the result is in use; the hazard of it ending falls with
 * structure and with the team's trust, which erodes as the team's members leave. */
void project_operate(model *m, project *pj) {
    const params *p = m->p;
    double v = p->v_op * pj->V * pj->g;
    add_value(m, pj, v);
    pj->rec.value_operation += v;
    int alive = 0;
    for (int k = 0; k < pj->op_n; k++) alive += m->ag.gen[pj->op_agents[k]] == pj->op_gens[k];
    double share = pj->op_n ? (double)alive / pj->op_n : 0;
    double Tbar = pj->op_Torg + (pj->op_T - pj->op_Torg) * share * share;
    double hazard = p->lambda0 * exp(-p->a_S_op * pj->S - p->a_T_op * (Tbar - 0.5)) + p->lambda_min;
    project_rng(m, pj, RNG_OPERATION, 0);
    if (rng_bernoulli(m->r, hazard)) {
        pj->status = PS_DONE;
        pj->rec.operation_end = m->t;
        free(pj->op_agents), free(pj->op_gens);
        pj->op_agents = pj->op_gens = NULL;
    }
}

/* --- one week ------------------------------------------------------------------------------------------- */

static void momentum(model *m, project *pj) {
    const params *p = m->p;
    double phi;
    if (!pj->explored) phi = p->phi_lo;
    else if (p->relief && pj->won_since_explore) phi = p->phi_lo;
    else phi = p->phi_lo + p->stretch * (p->phi_hi - p->phi_lo);
    double E = pj->E;
    double inflow = 0;
    if (pj->champion >= 0) inflow += p->b_ch * champion_m(m, pj) * E * (1 - E);
    inflow += p->b_U * m->U * (1 - E);
    E += -phi * E + inflow;
    if (pj->formation != FORM_STRUCTURE_FIRST && pj->formation != FORM_MANDATED && pj->status == PS_EXPLORING) {
        double nov = p->honeymoon * (1 - E);
        E += nov;
        pj->novelty += nov;
    } else if (pj->novelty > 0) {
        double left = pj->novelty * exp(-1 / p->honeymoon_tau);
        E -= pj->novelty - left;
        pj->novelty = left;
    }
    pj->E = clip01(E);
}

static void align(model *m, project *pj) {
    const params *p = m->p;
    project_rng(m, pj, RNG_DRIFT, 0);
    if (rng_bernoulli(m->r, p->lambda_env)) pj->g *= 1 - (p->drift_lo + (p->drift_hi - p->drift_lo) * gsl_rng_uniform(m->r));
    pj->g += p->r_g * (1 - pj->g) * (1 - p->rig * pj->S);
    if (pj->status == PS_EXPLORING) pj->g += p->r_expl * (1 - pj->g);
    pj->g = clip01(pj->g);
}

static void exits(model *m, project *pj) {
    const params *p = m->p;
    project_rng(m, pj, RNG_EXIT, 0);
    int n = pj->n_mem;
    double *u = xmalloc(sizeof(double) * (size_t)(n + 1));
    for (int k = 0; k < n; k++) u[k] = gsl_rng_uniform(m->r);
    /* Retention by the champion, computed before anyone leaves (indices move on removal). */
    double *ret = xcalloc((size_t)n + 1, sizeof(double));
    double b_ret = p->b_ret * (1 - project_chair_control(m, pj));
    for (int k = 0; k < n; k++)
        if (pj->champion >= 0 && k != pj->champion) {
            int e = project_pair(m, pj, k, pj->champion);
            ret[k] = b_ret * m->ed.w[e] * m->ed.T[e];
        }
    for (int k = n - 1; k >= 0; k--) {
        member *mb = &pj->mem[k];
        double px = p->p_x0 * sigm(p->k_exit * (p->a_x - mb->a)) * (1 - p->lambda_S * pj->S) * (1 - ret[k]) * (1 - p->lock * mb->c);
        if (u[k] < px) project_remove_member(m, pj, k, 0);
    }
    free(u), free(ret);
}

static void act(model *m, project *pj);

/* A collaboration's week (S4-S12), then the handover record: momentum 8 weeks after a handover,
 * or at the collaboration's end if sooner (both after the week's momentum update, as before it). */
void project_act(model *m, project *pj) {
    act(m, pj);
    if (pj->handed_over && isnan(pj->rec.momentum_after_handover) &&
        (m->t - pj->rec.handover >= 8 || !project_is_active(pj)))
        pj->rec.momentum_after_handover = pj->E;
}

/* A mandate's collaboration is held together until its deadline week (S19): it does not stall
 * before, even with too few members or an empty team (the state assigns members then). */
static int held_until_deadline(const model *m, const project *pj) {
    return pj->deadline >= 0 && m->t < pj->deadline;
}

static void act(model *m, project *pj) {
    const params *p = m->p;
    int n = pj->n_mem;
    if (n == 0) {
        if (!held_until_deadline(m, pj)) stall(m, pj, 3);
        return;
    }
    double *Tbar = xcalloc((size_t)n, sizeof(double)), *effort = xcalloc((size_t)n, sizeof(double));
    /* Trust: each member to the team, and across organisations for negotiation and output. */
    double Tx = 0;
    int nx = 0;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) {
            int a = pj->mem[i].agent, b = pj->mem[j].agent;
            double T = m->ed.T[project_pair(m, pj, i, j)];
            Tbar[i] += T, Tbar[j] += T;
            if (m->ag.org[a] != m->ag.org[b]) Tx += T, nx++;
        }
    for (int k = 0; k < n; k++) Tbar[k] = n > 1 ? Tbar[k] / (n - 1) : p->T_in;
    Tx = nx ? Tx / nx : m->base_x;
    m->part_T_sum += Tx * nx;
    m->part_T_n += nx;

    for (int k = 0; k < n; k++) pj->mem[k].a = engagement(m, pj, &pj->mem[k], Tbar[k]);

    if (pj->status == PS_STRUCTURING) {
        for (int k = 0; k < n; k++) {
            member *mb = &pj->mem[k];
            double H = mb->hours, neg = p->chi_neg * H, idle = (H - neg) * (H > 0 ? mb->formal / H : 0);
            pj->rec.hours_negotiation += neg, pj->rec.hours_idle += idle;
            m->week_hours[1] += neg, m->week_hours[3] += idle;
            m->hours_week[mb->agent] += k == pj->champion ? H : neg + idle;
            m->formal_week[mb->agent] += mb->formal;
        }
        negotiate(m, pj, Tx);
    } else {
        /* S5 effort after hour accounting; S6 streams; S7 production. A calibration moment (S13)
         * this week takes review.cost_hours of each member first, out of the week's hours (any
         * excess is overtime); its decisions follow the work, in intervention_after_work. */
        double c_rev = intervention_review_due(m, pj) ? p->c_rev : 0;
        /* A reporting week after a milestone (opportunity.milestone_pause): every hour goes to
         * reporting, counted with hour accounting, and nothing is produced. */
        int reporting = pj->report_weeks > 0;
        if (reporting) pj->report_weeks--;
        for (int k = 0; k < n; k++) {
            member *mb = &pj->mem[k];
            double H = mb->hours, formal_share = H > 0 ? mb->formal / H : 0;
            if (c_rev > 0) {
                H = H > c_rev ? H - c_rev : 0;
                pj->rec.hours_review += c_rev, m->week_review += c_rev;
                m->hours_week[mb->agent] += c_rev;
            }
            double acct = reporting ? H : p->chi_acct * pj->S;
            if (acct > H) acct = H;
            double avail = H - acct;
            effort[k] = avail * mb->a;
            double idle = avail * (1 - mb->a) * formal_share;
            pj->rec.hours_work += effort[k], pj->rec.hours_accounting += acct, pj->rec.hours_idle += idle;
            m->week_hours[0] += effort[k], m->week_hours[2] += acct, m->week_hours[3] += idle;
            m->hours_week[mb->agent] += k == pj->champion ? H : acct + effort[k] + idle; /* a champion gives all */
            m->formal_week[mb->agent] += mb->formal;
        }
        choose_streams(m, pj, effort);
        double X[8] = {0};
        for (int k = 0; k < n; k++) X[pj->mem[k].stream] += effort[k] * skill(m, pj->mem[k].agent, pj->dom[pj->mem[k].stream]);
        double eff = (1 - p->o_over * pow(pj->S, p->gamma_over)) * (0.5 + 0.5 * pj->g);
        for (int d = 0; d < pj->n_dom; d++) {
            double C = p->c_sat * pj->rate[d];
            double y = C > 0 ? C * (1 - exp(-X[d] / C)) : 0;
            pj->P[d] += y * eff;
            if (pj->P[d] > pj->W[d]) pj->P[d] = pj->W[d];
        }
        /* S11 dialogue (while exploring, or in a mandated team over an existing network in proportion
         * to that network, S19) and knowledge sharing between stream-mates. */
        double dlg = pj->status == PS_EXPLORING ? p->alpha_dlg : p->alpha_dlg * pj->net_share;
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                if (pj->mem[i].stream != pj->mem[j].stream) continue;
                int a = pj->mem[i].agent, b = pj->mem[j].agent;
                int e = project_pair(m, pj, i, j);
                m->ed.T[e] += dlg * (1 - m->ed.T[e]);
                int d = pj->dom[pj->mem[i].stream];
                double *sa = &m->ag.skill[(size_t)a * m->ag.D + d], *sb = &m->ag.skill[(size_t)b * m->ag.D + d];
                double k = p->eta_K * m->ed.T[e] * m->ed.w[e];
                if (*sa > *sb) *sb += k * (*sa - *sb);
                else *sa += k * (*sb - *sa);
            }
        if (!pj->explored && project_progress(pj) >= p->P_expl) {
            pj->explored = 1;
            if (pj->rec.explored < 0) pj->rec.explored = m->t; /* the first end of exploration */
            if (pj->status == PS_EXPLORING) pj->status = PS_IMPLEMENTING;
        }
        /* Consolidation after exploration: once past it, in the week it ends, or in a revived
         * collaboration's first working week when the restart was already past it (S14, S10). */
        if ((int)p->cons_timing == 2 && pj->formation == FORM_NETWORK_FIRST && pj->explored && !pj->consolidating &&
            pj->status == PS_IMPLEMENTING)
            project_start_negotiation(m, pj, 0);
        milestone(m, pj);
        if (project_is_active(pj)) intervention_after_work(m, pj);
        if (project_is_active(pj) && pj->status == PS_IMPLEMENTING && !pj->consolidating) {
            int k_cons = pj->formation == FORM_MANDATED_WHAT_NOT_HOW ? (int)p->k_cons
                         : (int)p->cons_timing == 3 && pj->formation == FORM_NETWORK_FIRST ? (int)p->k_cons : 0;
            if (k_cons > 0 && pj->k >= k_cons) project_start_negotiation(m, pj, 0);
        }
    }
    free(Tbar), free(effort);
    if (!project_is_active(pj)) return;
    momentum(m, pj);
    align(m, pj);
    if (pj->consolidating == 2) pj->S += p->rho_S * (pj->S_goal - pj->S);
    exits(m, pj);
    /* Champion: their week is every hour they hold here (they do not idle; counted above) plus
     * h_ch leading (brief round 3: a champion at h_free + h_ch). Burnout leaves the team without
     * one for champion.vacancy weeks; then a new one emerges (or is designated). A designated
     * champion outside champion.phase steps back. */
    if (pj->champion >= 0) {
        int a = pj->mem[pj->champion].agent;
        m->hours_week[a] += p->h_ch;
        if (m->ag.fatigue[a] > p->F_max) {
            project_remove_member(m, pj, pj->champion, 0);
            pj->E = clip01(pj->E - p->dE_chloss);
            pj->ch_vacant_until = m->t + (int)p->ch_vacancy;
        }
    }
    /* Out of champion.phase an appointed champion steps back; into it an emergent one makes way. */
    if (pj->champion >= 0 && pj->ch_appointed != project_designated_now(m, pj)) pj->champion = -1;
    if (pj->champion < 0 && m->t >= pj->ch_vacant_until) project_seek_champion(m, pj);
    /* S10 stall (a mandate's team is held together until its deadline week, agreed or not). */
    int held = held_until_deadline(m, pj);
    pj->low_weeks = pj->E < p->E_stall ? pj->low_weeks + 1 : 0;
    if (pj->low_weeks >= (int)p->tau_stall && !held) stall(m, pj, 2);
    else if (pj->n_mem < (int)p->n_min && !held) stall(m, pj, 3);
}

/* A stalled week: revival may restart it; otherwise it dissolves after stall.dissolve_weeks. */
void project_idle(model *m, project *pj) {
    intervention_stalled(m, pj);
    if (pj->status == PS_STALLED && m->t - pj->stall_week >= (int)m->p->tau_diss) {
        pj->status = PS_DONE;
        pj->rec.outcome = OUTCOME_DISSOLVED;
        pj->rec.end = m->t;
    }
}

/* Ongoing recruitment of small network-first teams, and job-bank postings for missing domains. */
void project_top_up(model *m, project *pj) {
    const params *p = m->p;
    if (pj->formation == FORM_STRUCTURE_FIRST || pj->formation == FORM_MANDATED || pj->rec.launch < 0) return;
    if ((m->t - pj->rec.launch) % (int)p->topup_every != 0 || m->t == pj->rec.launch) return;
    if (p->topup_below > 0 && pj->n_mem < (int)p->topup_below)
        project_recruit_round(m, pj, 0, 0, 0); /* keyed by this week: a fresh draw */
    intervention_top_up(m, pj);
}
