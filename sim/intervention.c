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
 *   crisis           urgency, fast new ties, mobilisation, a crisis network (MSD/Organon, Oss): crisis.c
 *   handover         the line organisation takes over ('energy leaks', Zeist budget)
 *   mandate          the state imposes regional collaboration (RUD), or only what, not how; or
 *                    its voluntary counterpart (the same regional opportunity, network-first): mandate.c
 *   nudge            the champion personally invites candidates ('een duwtje')
 *   revival          colleagues restart a stalled collaboration from the work floor (Zeist IT) */
#include "common.h"
#include "error.h"
#include "model.h"
#include "rng.h"
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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
    project_rng(m, pj, RNG_LEADERSHIP, 0);
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
    pj->ch_appointed = 1;
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
    project_rng(m, pj, RNG_JOBBANK, sub);
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
    if (jobbank_open(m)) jobbank_post(m, pj, -1, (int)lround(project_team_aim(m, pj)), 0);
}

void intervention_top_up(model *m, project *pj) {
    if (!jobbank_open(m)) return;
    for (int d = 0; d < pj->n_dom && pj->n_mem < (int)m->p->n_max; d++) { /* never beyond the largest team */
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

/* What the next review compares with: progress, wins and the week, as they are now. */
static void review_mark(const model *m, project *pj) {
    for (int d = 0; d < pj->n_dom; d++) pj->P_rev[d] = pj->P[d];
    pj->k_rev = pj->k;
    pj->t_rev = m->t;
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
    /* Behind plan: the bottleneck domain's projected remaining weeks at the pace since the last
     * review (or the launch or restart: a review due while negotiating is not held). Weeks worked:
     * after the week of the last review or restart, or from the launch week on (it works too). */
    int since = pj->t_rev > pj->rec.launch ? m->t - pj->t_rev : m->t - pj->rec.launch + 1;
    if (since < 1) since = 1;
    double projected = 0;
    for (int d = 0; d < pj->n_dom; d++) {
        double pace = (pj->P[d] - pj->P_rev[d]) / since;
        double left = pj->W[d] - pj->P[d];
        double weeks = left <= 0 ? 0 : pace > 0 ? left / pace : INFINITY;
        if (weeks > projected) projected = weeks;
    }
    double plan = project_plan_weeks(m, pj, p->rev_eff);
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
    review_mark(m, pj);
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
    if (!project_is_active(pj)) return; /* it stalled or ended in the same week: nothing to hand over */
    project_rng(m, pj, RNG_HANDOVER, 0);
    pj->handed_over = 1;
    pj->rec.handover = m->t;
    pj->rec.momentum_handover = pj->E;
    double M_before = team_motivation(m, pj);
    /* A share chi_h of the team, distinct initiators drawn at random (a retained champion excepted),
     * is replaced by line staff; a champion who is not retained leaves in any case. */
    int ch_agent = pj->champion >= 0 ? pj->mem[pj->champion].agent : -1;
    int n = 0, *pool = xmalloc(sizeof(int) * (size_t)(pj->n_mem + 1));
    for (int k = 0; k < pj->n_mem; k++)
        if (!(k == pj->champion && p->retain_ch)) pool[n++] = pj->mem[k].agent;
    int replace = (int)lround(p->chi_h * pj->n_mem);
    for (int r = 0; r < replace && r < n; r++) {
        int j = r + (int)rng_below(m->r, (unsigned)(n - r));
        int a = pool[j];
        pool[j] = pool[r], pool[r] = a;
        int k = 0;
        while (pj->mem[k].agent != a) k++;
        double mot = pj->mem[k].mot >= 0 ? pj->mem[k].mot : m->ag.m[a];
        int o = m->ag.org[a], d = pj->dom[rng_below(m->r, (unsigned)pj->n_dom)];
        if (p->line_same) d = m->ag.dom[a];
        project_remove_member(m, pj, k, 2);
        const org *g = &m->orgs[o];
        int lo = g->dom_first[d], hi = g->dom_first[d + 1];
        for (int tries = 0; tries < 20 && hi > lo; tries++) {
            int b = g->by_dom[lo + (int)rng_below(m->r, (unsigned)(hi - lo))];
            int initiator = b == ch_agent;
            for (int i = 0; i < n && !initiator; i++) initiator = pool[i] == b;
            if (initiator || m->ag.load[b] >= (int)p->L_max || project_in_team(m, pj, b)) continue;
            project_add_member(m, pj, b, p->c_line, p->c_line * p->H_fte);
            double drawn = gsl_ran_beta(m->r, p->m_line_a, p->m_line_b); /* drawn either way: same stream */
            pj->mem[pj->n_mem - 1].mot = p->line_same ? mot : drawn;
            break;
        }
    }
    free(pool);
    int champion_lost = ch_agent >= 0 && !p->retain_ch;
    if (champion_lost && pj->champion >= 0) project_remove_member(m, pj, pj->champion, 2);
    if (!p->retain_ch) pj->designated = 0; /* the line appoints no champion; a retained one stays */
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
 * organisation who wants to (utility > 0; drawn among all who want to) restarts the stalled
 * collaboration network-first, keeping its ratcheted progress. */
void intervention_stalled(model *m, project *pj) {
    const params *p = m->p;
    if (p->p_rv <= 0 || pj->n_former == 0 || m->t == pj->stall_week) return;
    project_rng(m, pj, RNG_REVIVAL, 0);
    if (!rng_bernoulli(m->r, p->p_rv)) return;
    /* The restarting colleague: drawn uniformly among the willing ties of former members (one
     * entry per tie, so a colleague tied to several former members is likelier). */
    int n = 0, cap = 16, *willing = xmalloc(sizeof(int) * (size_t)cap);
    for (int f = 0; f < pj->n_former; f++) {
        int a = pj->former[f];
        if (m->ag.gen[a] != pj->former_gen[f]) continue;
        for (int i = 0; i < m->adj.deg[a]; i++) {
            int e = m->adj.e[a][i];
            int j = m->ed.u[e] == a ? m->ed.v[e] : m->ed.u[e];
            int partner = 0;
            for (int k = 0; k < pj->n_part; k++) partner |= m->ag.org[j] == pj->part[k];
            if (!partner || m->ag.load[j] >= (int)p->L_max) continue;
            world_sync_agent(m, j);
            net_sync(m, e);
            if (!recruit_joins(project_utility(m, pj, j, m->ed.T[e], 0), 0)) continue;
            if (n == cap) willing = xrealloc(willing, sizeof(int) * (size_t)(cap *= 2));
            willing[n++] = j;
        }
    }
    int seed = n > 0 ? willing[rng_below(m->r, (unsigned)n)] : -1;
    free(willing);
    if (seed < 0) return;
    /* Restart: a new network-first team from the seed; locked progress only. */
    for (int d = 0; d < pj->n_dom; d++) pj->P[d] = pj->b[pj->k] * pj->W[d];
    pj->formation = FORM_NETWORK_FIRST;
    pj->designated = 0;
    pj->champion = -1;
    pj->consolidating = 0;
    pj->deadline = -1;
    pj->net_share = 0; /* no longer a mandate */
    pj->ch_vacant_until = 0;
    int peak = pj->rec.team_peak;
    project_add_member(m, pj, seed, 0, 0);
    for (uint32_t round = 0; round < (uint32_t)p->tau_rec && pj->n_mem < (int)p->n_max; round++)
        project_recruit_round(m, pj, 100 + round, 0, 0);
    if (pj->n_mem < (int)p->n_min) { /* too few: no restart, and no team that counts */
        project_release_all(m, pj);
        pj->rec.team_peak = peak;
        return;
    }
    pj->rec.revived = m->t;
    review_mark(m, pj); /* reviews judge the pace since the restart */
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

void intervention_week(model *m) {
    crisis_week(m);
    mandate_week(m);
}
