/* intervention: the seed's interventions as mechanisms (brief S12-S19). Each is off unless its
 * parameters switch it on (a scenario's `events:` set them); each acts only where and when it
 * should, and draws from its own random streams so switching one on leaves the draws of
 * everything else unchanged.
 *
 *   champion         a designated champion ('trekker') in every collaboration launched in the window
 *   celebrate        wins give extra momentum in the window
 *   review           calibration moments: re-anchor the plan, recognise progress, kill or rescope
 *   job bank         postings that anyone in scope can answer ('klussenbank', Oss)
 *   cross-domain     a manager from outside the domains leads ('another pair of glasses', Zeist MT)
 *   culture          a failure-tolerant culture; its slow drift
 *   crisis           urgency, fast new ties, mobilisation, a crisis network (MSD/Organon, Oss)
 *   handover         the line organisation takes over ('energy leaks', Zeist budget)
 *   mandate          the state imposes regional collaboration (RUD), or only what, not how; or
 *                    its voluntary counterpart (the same regional opportunity, network-first)
 *   nudge            the champion personally invites candidates ('een duwtje')
 *   revival          colleagues restart a stalled collaboration from the work floor (Zeist IT) */
#include "error.h"
#include "model.h"
#include "rng.h"
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double clip01(double x) { return x < 0 ? 0 : x > 1 ? 1 : x; }
static double sigm(double x) { return 1 / (1 + exp(-x)); }

static void rng_for(model *m, const project *pj, enum rng_stream s, uint32_t sub) {
    rng_reset(m->r, m->seed, m->rep, pj->key, (uint32_t)m->t, s, sub);
}

/* The week an event at week w acts: the first simulated week is 1, so `at: 0` means week 1. */
static int event_week(double w) { return w < 1 ? 1 : (int)w; }

int intervention_celebrating(const model *m) {
    const params *p = m->p;
    return p->celebrate && project_window(m->t, p->cel_from, p->cel_until);
}

/* --- at launch: a cross-domain leader, a designated champion ------------------------------------------ */

/* MT_CROSS_DOMAIN: a manager of a partner organisation whose domain the collaboration does not
 * need joins and leads as its designated champion; the novelty of their view raises the value by
 * nu (1 - their skill). leadership.leader = inside is the comparison arm: the same appointment of
 * a manager whose domain the collaboration needs. */
static void cross_domain_leader(model *m, project *pj) {
    const params *p = m->p;
    rng_for(m, pj, RNG_LEADERSHIP, 0);
    if (!rng_bernoulli(m->r, p->p_xmgr)) return;
    int want_inside = (int)p->x_leader == 1;
    int n = 0, pick = -1;
    for (int i = 0; i < pj->n_part; i++) {
        const org *g = &m->orgs[pj->part[i]];
        for (int j = 0; j < g->n_managers; j++) {
            int a = g->managers[j];
            int inside = 0;
            for (int d = 0; d < pj->n_dom; d++) inside |= m->ag.dom[a] == pj->dom[d];
            if (inside != want_inside || m->ag.load[a] >= (int)p->L_max || project_in_team(m, pj, a)) continue;
            if (rng_below(m->r, (unsigned)++n) == 0) pick = a; /* reservoir sampling */
        }
    }
    if (pick < 0) return;
    project_add_member(m, pj, pick, 0, 0);
    if (!want_inside) {
        double s = 0;
        for (int d = 0; d < pj->n_dom; d++) s += m->ag.skill[(size_t)pick * m->ag.D + pj->dom[d]] / pj->n_dom;
        pj->V *= 1 + p->nu_x * (1 - s);
        pj->rec.potential = pj->V;
        pj->cross_domain = 1;
    }
    pj->designated = 1; /* the leader is the champion, appointed */
    pj->champion = pj->n_mem - 1;
    pj->rec.champion = 1;
}

/* Mean fit of the team (each member's best skill in a required domain). */
static double team_fit(const model *m, const project *pj) {
    double f = 0;
    for (int k = 0; k < pj->n_mem; k++) f += project_fit(m, pj, pj->mem[k].agent);
    return pj->n_mem ? f / pj->n_mem : NAN;
}

void intervention_launch(model *m, project *pj) {
    const params *p = m->p;
    if (p->ch_designated && project_window(m->t, p->ch_from, p->ch_until)) pj->designated = 1;
    if (p->p_xmgr > 0 && (pj->formation == FORM_NETWORK_FIRST || pj->formation == FORM_MANDATED_WHAT_NOT_HOW))
        cross_domain_leader(m, pj);
    pj->rec.fit_launch = team_fit(m, pj);
}

/* --- before the launch check: job bank, nudge ------------------------------------------------------------ */

static int jobbank_open(const model *m) {
    const params *p = m->p;
    return p->jb_on && project_window(m->t, p->jb_from, p->jb_until);
}

/* Sign-up needs hours to give: the job-bank hours plus the employee's free slack, shared with the
 * collaborations they are already in, must reach jobbank.min_hours a week. */
static int jobbank_can_give(const model *m, int a) {
    const params *p = m->p;
    double slack = p->f_free * p->week_hours / (1 + m->ag.load[a]);
    return p->jb_hours + slack >= p->jb_min_hours;
}

/* A posting: employees in scope see it with probability jobbank.visibility and sign up when their
 * utility (no social pull, trust = prototrust to the poster) is positive; the manager takes the
 * best fits, for `domain` only when >= 0, until the team has `want` members. */
static void jobbank_post(model *m, project *pj, int domain, int want, uint32_t sub) {
    const params *p = m->p;
    if (pj->n_mem == 0 || pj->n_mem >= want) return;
    rng_for(m, pj, RNG_JOBBANK, sub);
    int poster = pj->mem[0].agent;
    int cap = 64, n = 0;
    int *cand = xmalloc(sizeof(int) * (size_t)cap);
    double *fit = xmalloc(sizeof(double) * (size_t)cap);
    for (int i = 0; i < pj->n_part; i++) {
        int o = pj->part[i];
        if ((int)p->jb_scope == 0 && o != m->ag.org[poster]) continue;
        const org *g = &m->orgs[o];
        for (int a = g->first; a < g->first + g->n; a++) {
            if (!rng_bernoulli(m->r, p->jb_vis)) continue;
            if (m->ag.load[a] >= (int)p->L_max || project_in_team(m, pj, a)) continue;
            if (domain >= 0 && m->ag.dom[a] != domain) continue;
            if (!jobbank_can_give(m, a)) continue;
            world_sync_agent(m, a);
            if (!recruit_joins(project_utility(m, pj, a, net_prototrust(m, poster, a), 0), 0)) continue;
            if (n == cap) {
                cap *= 2;
                cand = xrealloc(cand, sizeof(int) * (size_t)cap);
                fit = xrealloc(fit, sizeof(double) * (size_t)cap);
            }
            cand[n] = a;
            fit[n++] = domain >= 0 ? m->ag.skill[(size_t)a * m->ag.D + domain] : project_fit(m, pj, a);
        }
    }
    double c = p->jb_hours > 0 ? p->jb_share : 0; /* no formal hours, no formal commitment */
    while (pj->n_mem < want && n > 0) {
        int best = 0;
        for (int i = 1; i < n; i++)
            if (fit[i] > fit[best]) best = i;
        project_add_member(m, pj, cand[best], c, p->jb_hours);
        cand[best] = cand[--n];
        fit[best] = fit[n];
    }
    free(cand);
    free(fit);
}

void intervention_recruit(model *m, project *pj) {
    const params *p = m->p;
    if (p->nudge_n > 0 && pj->n_mem > 0) project_recruit_round(m, pj, 0, p->nudge_dtheta, (int)p->nudge_n);
    if (jobbank_open(m)) jobbank_post(m, pj, -1, (int)p->n_target, 0);
}

void intervention_top_up(model *m, project *pj) {
    if (!jobbank_open(m)) return;
    for (int d = 0; d < pj->n_dom; d++) {
        int covered = 0;
        for (int k = 0; k < pj->n_mem && !covered; k++) covered = m->ag.dom[pj->mem[k].agent] == pj->dom[d];
        if (!covered) jobbank_post(m, pj, pj->dom[d], pj->n_mem + 1, 1 + (uint32_t)d);
    }
}

/* --- after a working week: calibration moment, handover --------------------------------------------------- */

/* Whether a working collaboration holds a calibration moment this week: every Q weeks of its life,
 * inside the review window. Its hours are paid before the week's work; its decisions after it. */
int intervention_review_due(const model *m, const project *pj) {
    const params *p = m->p;
    return p->Q_rev > 0 && project_window(m->t, p->rev_from, p->rev_until) && m->t > pj->rec.launch &&
           (m->t - pj->rec.launch) % (int)p->Q_rev == 0;
}

/* S13 review, after the week's work (its hours were taken from the week's effort before work, in
 * project_act): re-anchors the plan; recognises milestones since the last review; a collaboration
 * behind a realistic plan is killed when its momentum is low, else rescoped once. */
static void review(model *m, project *pj) {
    const params *p = m->p;
    int age = m->t - pj->rec.launch;
    pj->rec.reviews++;
    pj->g += p->dg_cal * (1 - pj->g);
    if (pj->k > pj->k_rev) pj->E = clip01(pj->E + p->dE_rev);
    /* Behind plan: the bottleneck domain's projected remaining weeks at the last interval's pace. */
    double projected = 0;
    for (int d = 0; d < pj->n_dom; d++) {
        double pace = (pj->P[d] - pj->P_rev[d]) / p->Q_rev;
        double left = pj->W[d] - pj->P[d];
        double weeks = left <= 0 ? 0 : pace > 0 ? left / pace : INFINITY;
        if (weeks > projected) projected = weeks;
    }
    double H_ref = p->H_fte > 0 ? p->H_fte : p->f_free * p->week_hours;
    double plan = pj->rec.work / (p->n_target * H_ref * p->rev_eff);
    double planned_left = plan - age > p->Q_rev ? plan - age : p->Q_rev;
    if (projected > p->kappa_kill * planned_left) {
        if (pj->E < p->E_kill) {
            project_end(m, pj, OUTCOME_KILLED);
            return;
        }
        if (!pj->rec.rescoped) {
            for (int d = 0; d < pj->n_dom; d++) pj->W[d] = pj->P[d] + (pj->W[d] - pj->P[d]) * (1 - p->rs);
            pj->V *= 1 - p->rs / 2;
            pj->rec.rescoped = 1;
        }
    }
    for (int d = 0; d < pj->n_dom; d++) pj->P_rev[d] = pj->P[d];
    pj->k_rev = pj->k;
}

/* Mean effective motivation of the team, m (1 - kappa S crowd) with crowd = kappa_vol +
 * (1 - kappa_vol) c: the motivation term of the engagement rule (S5) at the team's structure. */
static double team_motivation(const model *m, const project *pj) {
    const params *p = m->p;
    if (pj->n_mem == 0) return 0;
    double s = 0;
    for (int k = 0; k < pj->n_mem; k++) {
        const member *mb = &pj->mem[k];
        double crowd = p->kappa_vol + (1 - p->kappa_vol) * mb->c;
        s += (mb->mot >= 0 ? mb->mot : m->ag.m[mb->agent]) * (1 - p->kappa * pj->S * crowd);
    }
    return s / pj->n_mem;
}

/* S18 handover: a share of the team is replaced by line staff of the required departments (assigned
 * with share handover.line_assigned, motivation ~ Beta(a, b)), or, with handover.line_like_replaced,
 * by colleagues of the member replaced (same organisation and department, same motivation);
 * structure rises to the line's; the champion goes unless retained. Momentum is carried by the
 * people: it scales with the team's mean effective motivation after over before the handover
 * (weight handover.momentum_carried), then loses the champion's share if the champion goes. A
 * handover that raises structure puts the work back on the sandy stretch (stretch friction until
 * the next win, handover.back_on_stretch). */
void intervention_handover(model *m, project *pj) {
    const params *p = m->p;
    pj->handover_due = 0;
    rng_for(m, pj, RNG_HANDOVER, 0);
    pj->handed_over = 1;
    pj->rec.handover = m->t;
    pj->rec.momentum_handover = pj->E;
    double M_before = team_motivation(m, pj);
    int replace = (int)lround(p->chi_h * pj->n_mem);
    for (int r = 0; r < replace && pj->n_mem > 0; r++) {
        int k = (int)rng_below(m->r, (unsigned)pj->n_mem);
        if (k == pj->champion && p->retain_ch) continue;
        int a = pj->mem[k].agent;
        double mot = pj->mem[k].mot >= 0 ? pj->mem[k].mot : m->ag.m[a];
        int o = m->ag.org[a], d = pj->dom[rng_below(m->r, (unsigned)pj->n_dom)];
        if (p->line_same) d = m->ag.dom[a];
        project_remove_member(m, pj, k, 2);
        const org *g = &m->orgs[o];
        int lo = g->dom_first[d], hi = g->dom_first[d + 1];
        for (int tries = 0; tries < 20 && hi > lo; tries++) {
            int b = g->by_dom[lo + (int)rng_below(m->r, (unsigned)(hi - lo))];
            if (b == a || m->ag.load[b] >= (int)p->L_max || project_in_team(m, pj, b)) continue;
            project_add_member(m, pj, b, p->c_line, p->c_line * p->H_fte);
            double drawn = gsl_ran_beta(m->r, p->m_line_a, p->m_line_b); /* drawn either way: same stream */
            pj->mem[pj->n_mem - 1].mot = p->line_same ? mot : drawn;
            break;
        }
    }
    int champion_lost = pj->champion >= 0 && !p->retain_ch;
    if (champion_lost) project_remove_member(m, pj, pj->champion, 2);
    pj->designated = 0;
    if (pj->S < p->S_line) {
        pj->S = p->S_line;
        if (p->bog_h) pj->won_since_explore = 0; /* "verzanden": the sandy stretch again (S9) */
    }
    if (pj->S_goal < p->S_line) pj->S_goal = p->S_line;
    double M_after = team_motivation(m, pj);
    if (M_before > 0) pj->E = clip01(pj->E * (1 - p->carry_h + p->carry_h * M_after / M_before));
    if (champion_lost) pj->E = clip01(pj->E - p->dE_chloss);
}

void intervention_after_work(model *m, project *pj) {
    const params *p = m->p;
    if (intervention_review_due(m, pj)) review(m, pj);
    if (!project_is_active(pj)) return;
    if (p->k_h > 0 && !pj->handed_over && pj->k >= (int)p->k_h) pj->handover_due = 1; /* brings in line staff: serial */
    if (pj->handed_over && isnan(pj->rec.momentum_after_handover) && m->t - pj->rec.handover >= 8)
        pj->rec.momentum_after_handover = pj->E;
}

/* --- culture ---------------------------------------------------------------------------------------------------- */

/* S16: failure tolerance drifts toward the experienced outcome of risky work (risk >= 0.3). */
void intervention_culture(model *m, project *pj, int won) {
    const params *p = m->p;
    if (p->rho_psi <= 0 || pj->risk < 0.3) return;
    for (int i = 0; i < pj->n_part; i++) {
        org *g = &m->orgs[pj->part[i]];
        g->psi += p->rho_psi * ((won ? 1 : 0) - g->psi);
    }
}

/* --- revival ------------------------------------------------------------------------------------------------------ */

/* S10 revival: with probability revival.rate a week, a colleague of a former member in a partner
 * organisation who wants to (utility > 0) restarts the stalled collaboration network-first,
 * keeping its ratcheted progress. */
void intervention_stalled(model *m, project *pj) {
    const params *p = m->p;
    if (p->p_rv <= 0 || pj->n_former == 0 || m->t == pj->stall_week) return;
    rng_for(m, pj, RNG_REVIVAL, 0);
    if (!rng_bernoulli(m->r, p->p_rv)) return;
    int seed = -1;
    for (int f = 0; f < pj->n_former && seed < 0; f++) {
        int a = pj->former[f];
        if (m->ag.gen[a] != pj->former_gen[f]) continue;
        for (int i = 0; i < m->adj.deg[a] && seed < 0; i++) {
            int e = m->adj.e[a][i];
            int j = m->ed.u[e] == a ? m->ed.v[e] : m->ed.u[e];
            int partner = 0;
            for (int k = 0; k < pj->n_part; k++) partner |= m->ag.org[j] == pj->part[k];
            if (!partner || m->ag.load[j] >= (int)p->L_max) continue;
            world_sync_agent(m, j);
            net_sync(m, e);
            if (recruit_joins(project_utility(m, pj, j, m->ed.T[e], 0), 0)) seed = j;
        }
    }
    if (seed < 0) return;
    /* Restart: a new network-first team from the seed; locked progress only. */
    for (int d = 0; d < pj->n_dom; d++) pj->P[d] = pj->b[pj->k] * pj->W[d];
    pj->formation = FORM_NETWORK_FIRST;
    pj->designated = 0;
    pj->champion = -1;
    pj->consolidating = 0;
    pj->deadline = -1;
    project_add_member(m, pj, seed, 0, 0);
    for (uint32_t round = 0; round < (uint32_t)p->tau_rec && pj->n_mem < (int)p->n_max; round++)
        project_recruit_round(m, pj, 100 + round, 0, 0);
    if (pj->n_mem < (int)p->n_min) {
        project_release_all(m, pj);
        return;
    }
    pj->rec.revived = m->t;
    pj->status = PS_EXPLORING;
    pj->explored = project_progress(pj) >= p->P_expl;
    if (pj->explored) pj->status = PS_IMPLEMENTING;
    pj->won_since_explore = 0;
    pj->omega = p->omega_NF;
    pj->S = pj->S_goal = p->S_NF0;
    pj->low_weeks = 0;
    pj->novelty = 0;
    project_seek_champion(m, pj);
    pj->E = project_initial_momentum(m, pj);
}

/* --- mandate (RUD) ------------------------------------------------------------------------------------------------- */

/* The regional task shrinks to the share s = kept / total of the municipalities' power that takes
 * part: its work by s, its value by s^(1 + scale_economies) (S19: V_p ∝ (Σ π_o)^(1 + ε_scale)). */
static void regional_share(project *pj, double kept, double total, double eps) {
    if (total <= 0) return;
    double s = kept / total;
    for (int d = 0; d < pj->n_dom; d++) {
        pj->W[d] *= s;
        if (pj->W[d] < 1e-9) pj->W[d] = 1e-9;
        if (pj->P[d] > pj->W[d]) pj->P[d] = pj->W[d];
    }
    if (s > 0) pj->T_target *= s;
    pj->rec.work *= s;
    pj->V *= pow(s, 1 + eps);
}

/* Hold-back: each partner municipality withholds its basic task package with probability
 * sigma(-(a_h0 + a_hT (T - 0.5) + a_hG (g - 0.5))), T its members' mean trust in the other
 * organisations' members. Its members leave and its task package with them: the regional task
 * shrinks to the power share transferred (regional_share). */
void intervention_holdback(model *m, project *pj) {
    const params *p = m->p;
    rng_for(m, pj, RNG_MANDATE, 1);
    double total = 0, kept = 0;
    for (int i = 0; i < pj->n_part; i++) {
        int o = pj->part[i];
        const org *g = &m->orgs[o];
        if (g->kind != ORG_MUNICIPALITY) continue;
        double T = 0;
        int n = 0;
        for (int a = 0; a < pj->n_mem; a++) {
            if (m->ag.org[pj->mem[a].agent] != o) continue;
            for (int b = 0; b < pj->n_mem; b++)
                if (m->ag.org[pj->mem[b].agent] != o) T += m->ed.T[project_pair(m, pj, a, b)], n++;
        }
        T = n ? T / n : m->base_x;
        double hold = sigm(-(p->a_h0 + p->a_hT * (T - 0.5) + p->a_hG * (pj->g - 0.5)));
        total += g->power;
        if (rng_bernoulli(m->r, hold)) {
            pj->rec.holdback++;
            for (int k = pj->n_mem - 1; k >= 0; k--)
                if (m->ag.org[pj->mem[k].agent] == o) project_remove_member(m, pj, k, 2);
        } else {
            kept += g->power;
        }
    }
    regional_share(pj, kept, total, p->eps_scale);
}

/* The voluntary counterpart: a municipality takes part when at least one of its people was
 * recruited into the team at launch; the regional task shrinks to their power share. A team
 * without any municipality is no regional service: it ends as fizzled. */
static void voluntary_share(model *m, project *pj) {
    double total = 0, kept = 0;
    for (int i = 0; i < pj->n_part; i++) {
        int o = pj->part[i], present = 0;
        if (m->orgs[o].kind != ORG_MUNICIPALITY) continue;
        for (int k = 0; k < pj->n_mem && !present; k++) present = m->ag.org[pj->mem[k].agent] == o;
        total += m->orgs[o].power;
        if (present) kept += m->orgs[o].power;
    }
    if (kept <= 0) {
        project_end(m, pj, OUTCOME_FIZZLED);
        return;
    }
    regional_share(pj, kept, total, m->p->eps_scale);
}

/* At the deadline: a prescribing mandate imposes its structure (trust pays); a what-not-how
 * mandate assigns a member for every partner still missing. Returns 1 when the negotiation is
 * over. */
int intervention_mandate_deadline(model *m, project *pj) {
    const params *p = m->p;
    pj->deadline = -1;
    if (pj->formation == FORM_MANDATED) {
        pj->S = pj->S_goal = p->S_imp;
        pj->rec.imposed = 1;
        project_trust_update(m, pj, 1, 0, p->D_imp);
        pj->status = PS_IMPLEMENTING;
        if (pj->rec.agreement < 0) pj->rec.agreement = m->t;
        intervention_holdback(m, pj);
        return 1;
    }
    return 0;
}

/* What, not how: at the deadline every partner without a member gets one assigned (formation by
 * the deadline), then hold-back is decided. */
static void what_not_how_deadline(model *m, project *pj) {
    const params *p = m->p;
    rng_for(m, pj, RNG_MANDATE, 2);
    for (int i = 0; i < pj->n_part; i++) {
        int o = pj->part[i], present = 0;
        for (int k = 0; k < pj->n_mem && !present; k++) present = m->ag.org[pj->mem[k].agent] == o;
        if (present) continue;
        const org *g = &m->orgs[o];
        for (int tries = 0; tries < 50; tries++) {
            int d = pj->dom[rng_below(m->r, (unsigned)pj->n_dom)];
            int lo = g->dom_first[d], hi = g->dom_first[d + 1];
            if (hi <= lo) continue;
            int b = g->by_dom[lo + (int)rng_below(m->r, (unsigned)(hi - lo))];
            if (m->ag.load[b] >= (int)p->L_max || project_in_team(m, pj, b)) continue;
            project_add_member(m, pj, b, 1, p->H_fte + p->R_mand);
            break;
        }
    }
    pj->rec.imposed = 0;
    intervention_holdback(m, pj);
}

/* The existing network a mandated team formalises (S19): the share of its members with an everyday
 * (prior, not work-made) tie to someone in another partner organisation, times how far the history
 * between the organisations lifts cross-organisation trust toward the trust between colleagues,
 * min(1, (base_x - T_x) / (T_in - T_x)), 0 when the history is neutral or hostile. */
static double existing_network(model *m, const project *pj) {
    const params *p = m->p;
    double lift = m->base_x - p->T_x, gap = p->T_in - p->T_x;
    if (lift <= 0 || pj->n_mem == 0) return 0;
    double near = gap > lift ? lift / gap : 1;
    int tied = 0;
    for (int k = 0; k < pj->n_mem; k++) {
        int a = pj->mem[k].agent, found = 0;
        for (int i = 0; i < m->adj.deg[a] && !found; i++) {
            int e = m->adj.e[a][i];
            int b = m->ed.u[e] == a ? m->ed.v[e] : m->ed.u[e];
            if (m->ed.w0[e] <= 0 || m->ag.org[b] == m->ag.org[a]) continue;
            for (int j = 0; j < pj->n_part && !found; j++) found = m->ag.org[b] == pj->part[j];
        }
        tied += found;
    }
    return near * tied / pj->n_mem;
}

/* The regional collaborations of a mandate: one per region of municipalities, with the region's
 * province; work and value grow with the number of partners. Under mandate.voluntary the same
 * opportunity (same key, same draws) arrives without a mandate and forms network-first. */
static void start_mandate(model *m) {
    const params *p = m->p;
    int max_region = -1;
    for (int o = 0; o < m->n_orgs; o++)
        if (m->orgs[o].kind == ORG_MUNICIPALITY && m->orgs[o].region > max_region) max_region = m->orgs[o].region;
    for (int r = 0; r <= max_region; r++) {
        project *pj = project_new(m, SAMEN_KEY_MANDATE + (uint32_t)r, 1000000 + r);
        int biggest = -1;
        for (int o = 0; o < m->n_orgs && pj->n_part < SAMEN_MAX_PARTNERS - 1; o++) {
            if (m->orgs[o].kind != ORG_MUNICIPALITY || m->orgs[o].region != r) continue;
            pj->part[pj->n_part++] = o;
            if (biggest < 0 || m->orgs[o].n > m->orgs[biggest].n) biggest = o;
        }
        if (pj->n_part < 2) { /* no region to form: drop the record */
            m->n_proj--;
            continue;
        }
        int prov = m->orgs[biggest].province;
        if (prov >= 0 && prov < m->n_orgs && m->orgs[prov].kind == ORG_PROVINCE) pj->part[pj->n_part++] = prov;
        pj->formation = p->mand_vol ? FORM_NETWORK_FIRST : p->prescribe ? FORM_MANDATED : FORM_MANDATED_WHAT_NOT_HOW;
        pj->rec.formation = pj->formation;
        project_draw(m, pj);
        double scale = pj->n_part / 2.0; /* a regional task: the work of all partners */
        for (int d = 0; d < pj->n_dom; d++) pj->W[d] *= scale;
        pj->V *= scale;
        pj->T_target *= scale;
        pj->rec.work *= scale;
        pj->rec.potential = pj->V;
        if (pj->formation == FORM_NETWORK_FIRST) { /* no mandate: no deadline, budget or structure */
            project_form_network_first(m, pj, 0);
            if (pj->status != PS_DONE) voluntary_share(m, pj);
            continue;
        }
        if (pj->formation == FORM_MANDATED) {
            project_form_structure_first(m, pj);
            /* Over an existing network the team frames itself less as delegates (less conflict and blame). */
            pj->rec.existing_network = pj->net_share = p->net_relief * existing_network(m, pj);
            pj->omega -= pj->net_share * (p->omega_SF - p->omega_NF);
        } else {
            project_form_network_first(m, pj, 0);
            if (pj->status == PS_DONE) continue;
        }
        pj->deadline = m->t + (int)p->tau_dl;
    }
}

/* --- crisis (MSD) ------------------------------------------------------------------------------------------------------ */

/* Managers and the best-connected tenth of employees lay lines across organisations fast. */
static void mark_connectors(model *m) {
    int n = m->ag.n;
    int *deg = xmalloc(sizeof(int) * (size_t)n);
    for (int a = 0; a < n; a++) deg[a] = m->adj.deg[a];
    /* the 90th percentile of degree */
    int maxd = 0;
    for (int a = 0; a < n; a++)
        if (deg[a] > maxd) maxd = deg[a];
    int *hist = xcalloc((size_t)maxd + 2, sizeof(int));
    for (int a = 0; a < n; a++) hist[deg[a]]++;
    int cut = maxd, above = 0;
    while (cut > 0 && above + hist[cut] <= n / 10) above += hist[cut--];
    for (int a = 0; a < n; a++) m->connector[a] = m->ag.manager[a] || deg[a] > cut;
    free(hist);
    free(deg);
}

static void crisis_links(model *m) {
    const params *p = m->p;
    if (m->n_orgs < 2) return;
    double rate = p->p_link * m->U;
    for (int a = 0; a < m->ag.n; a++) {
        if (!m->connector[a]) continue;
        rng_reset(m->r, m->seed, m->rep, (uint32_t)a, (uint32_t)m->t, RNG_CRISIS, 0);
        if (!rng_bernoulli(m->r, rate)) continue;
        int o = (int)rng_below(m->r, (unsigned)(m->n_orgs - 1));
        if (o >= m->ag.org[a]) o++;
        const org *g = &m->orgs[o];
        for (int tries = 0; tries < 10; tries++) {
            int b = g->first + (int)rng_below(m->r, (unsigned)g->n);
            if (!m->connector[b] || net_find(m, a, b) >= 0) continue;
            net_add(m, a, b, p->w_new, 0, net_prototrust(m, a, b));
            break;
        }
    }
}

/* 1 when a works in the struck organisation (crisis.origin; -1: every organisation is struck). */
static int struck(const model *m, int a) {
    int o = (int)m->p->crisis_origin;
    return o < 0 || o >= m->n_orgs || m->ag.org[a] == o;
}

/* The crisis mobilisation rule (S17 with a Granovetter threshold; docs/ODD.md): a joins when
 *   u = beta_soc phi + beta_U U_a - theta_a > 0,
 * phi the share of a's ties mobilised, U_a the urgency a feels: U in the struck organisation,
 * felt_outside x U x phi elsewhere (urgency reaches other organisations through the mobilised).
 * Centred: without mobilised ties and without urgency nobody joins; thresholds and urgency decide.
 * No noise: the threshold is each employee's own, as in Granovetter (1978). */
static double crisis_utility(const model *m, int a, double phi, double risk) {
    const params *p = m->p;
    double felt = struck(m, a) ? m->U : p->felt_out * m->U * phi;
    double psi = m->orgs[m->ag.org[a]].psi;
    return p->beta_soc * phi + p->beta_U * felt - p->beta_r * risk * m->ag.rho[a] * (1 - psi) - m->ag.theta[a];
}

/* The crisis's risk r_c ~ Beta(risk_a, risk_b), the same every week of a run (a sub-key of RNG_CRISIS). */
static double crisis_risk(model *m) {
    rng_reset(m->r, m->seed, m->rep, SAMEN_KEY_CRISIS, (uint32_t)event_week(m->p->t_crisis), RNG_CRISIS, 2);
    return gsl_ran_beta(m->r, m->p->risk_a, m->p->risk_b);
}

/* One round of mobilisation: the struck organisation's connectors at the outbreak, and anyone with a
 * tie mobilised before the round, join when the crisis utility is positive. Returns how many joined. */
static int crisis_round(model *m, uint8_t *was, double risk, int outbreak) {
    int n = m->ag.n, joined = 0;
    memcpy(was, m->mobilised, (size_t)n);
    for (int a = 0; a < n; a++) {
        if (was[a]) continue;
        int seedling = outbreak && m->connector[a] && struck(m, a);
        int ties = m->adj.deg[a], in = 0;
        for (int i = 0; i < ties; i++) {
            int e = m->adj.e[a][i];
            in += was[m->ed.u[e] == a ? m->ed.v[e] : m->ed.u[e]];
        }
        if (!in && !seedling) continue;
        if (crisis_utility(m, a, ties ? (double)in / ties : 0, risk) > 0) m->mobilised[a] = 1, joined++;
    }
    return joined;
}

/* Mobilisation runs to its equilibrium within the week (as Granovetter's does): rounds until nobody
 * more joins at this week's urgency and ties. */
static void crisis_mobilise(model *m) {
    uint8_t *was = xmalloc((size_t)m->ag.n);
    double risk = crisis_risk(m);
    int outbreak = m->t == event_week(m->p->t_crisis);
    while (crisis_round(m, was, risk, outbreak) > 0) outbreak = 0;
    free(was);
}

/* The mobilised employees now (turnover clears a leaver's slot). */
static int count_mobilised(const model *m) {
    int k = 0;
    for (int a = 0; a < m->ag.n; a++) k += m->mobilised[a];
    return k;
}

void intervention_week(model *m) {
    const params *p = m->p;
    m->U = 0;
    int t_c = event_week(p->t_crisis);
    if (p->t_crisis >= 0 && m->t >= t_c) {
        m->U = p->U_c * exp(-(m->t - t_c) / p->tau_U);
        if (m->t == t_c) {
            m->mobilised = xcalloc((size_t)m->ag.n, 1);
            m->connector = xcalloc((size_t)m->ag.n, 1);
            mark_connectors(m);
        }
        /* The crisis network's own collaboration, of all organisations, with a little structure. */
        if (m->t == t_c && p->crisis_proj && m->n_orgs >= 2) {
            project *cp = project_new(m, SAMEN_KEY_CRISIS, 2000000);
            for (int o = 0; o < m->n_orgs && o < SAMEN_MAX_PARTNERS; o++) cp->part[cp->n_part++] = o;
            cp->formation = FORM_CRISIS;
            cp->rec.formation = FORM_CRISIS;
            project_draw(m, cp);
            project_form_network_first(m, cp, 0);
        }
        if (m->U > 0.01) {
            crisis_links(m);
            crisis_mobilise(m);
        }
        m->n_mobilised = count_mobilised(m);
    }
    if (p->t_mand >= 0 && m->t == event_week(p->t_mand)) start_mandate(m);
    /* What-not-how mandates reach their deadline here (prescribing ones in negotiation). */
    for (int i = 0; i < m->n_proj; i++) {
        project *pj = &m->proj[i];
        if (pj->formation == FORM_MANDATED_WHAT_NOT_HOW && pj->deadline >= 0 && m->t >= pj->deadline &&
            project_is_active(pj)) {
            pj->deadline = -1;
            what_not_how_deadline(m, pj);
        }
    }
}
