/* mandate: the state imposes regional collaboration (S19, the Dutch RUDs). At t_m one collaboration
 * per region of municipalities, with the region's province, starts with a deadline: prescribing
 * (structure-first, structure imposed at the deadline) or what-not-how (network-first, a member
 * assigned for every missing partner at the deadline). Each partner municipality then decides
 * whether to withhold its task package (hold-back). Under mandate.voluntary the same regional
 * opportunity arrives without a mandate and forms network-first (the fair counterpart). */
#include "common.h"
#include "error.h"
#include "model.h"
#include "rng.h"
#include <math.h>
#include <stdlib.h>

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
    pj->rec.work *= s;
    pj->V *= pow(s, 1 + eps);
}

/* Hold-back: each partner municipality withholds its basic task package with probability
 * sigma(-(a_h0 + a_hT (T - 0.5) + a_hG (g - 0.5))), T its members' mean trust in the other
 * organisations' members. Its members leave and its task package with them: the regional task
 * shrinks to the power share transferred (regional_share). */
void mandate_holdback(model *m, project *pj) {
    const params *p = m->p;
    project_rng(m, pj, RNG_MANDATE, 1);
    double total = 0, kept = 0;
    /* Every municipality decides on the same team; then those withholding leave. */
    int *leaves = xcalloc((size_t)pj->n_part + 1, sizeof(int));
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
        if (rng_bernoulli(m->r, hold)) leaves[i] = 1, pj->rec.holdback++;
        else kept += g->power;
    }
    for (int i = 0; i < pj->n_part; i++)
        if (leaves[i])
            for (int k = pj->n_mem - 1; k >= 0; k--)
                if (m->ag.org[pj->mem[k].agent] == pj->part[i]) project_remove_member(m, pj, k, 2);
    free(leaves);
    if (kept <= 0 && total > 0) { /* every municipality withheld its package: nothing left to do */
        project_end(m, pj, OUTCOME_DISSOLVED);
        return;
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
    if (kept <= 0) { /* no regional service: it never launched as one */
        pj->rec.launch = pj->rec.explored = -1;
        pj->rec.team_launch = 0;
        pj->rec.fit_launch = NAN;
        project_end(m, pj, OUTCOME_FIZZLED);
        return;
    }
    regional_share(pj, kept, total, m->p->eps_scale);
}

/* At the deadline: a prescribing mandate imposes its structure (trust pays); a what-not-how
 * mandate assigns a member for every partner still missing. Returns 1 when the negotiation is
 * over. */
int mandate_deadline(model *m, project *pj) {
    const params *p = m->p;
    pj->deadline = -1;
    if (pj->formation == FORM_MANDATED) {
        pj->S = pj->S_goal = p->S_imp;
        pj->rec.imposed = 1;
        project_trust_update(m, pj, 1, 0, p->D_imp);
        pj->status = PS_IMPLEMENTING;
        if (pj->rec.agreement < 0) pj->rec.agreement = m->t;
        mandate_holdback(m, pj);
        return 1;
    }
    return 0;
}

/* What, not how: at the deadline every partner without a member gets one assigned (formation by
 * the deadline), then hold-back is decided. */
static void what_not_how_deadline(model *m, project *pj) {
    const params *p = m->p;
    project_rng(m, pj, RNG_MANDATE, 2);
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
    mandate_holdback(m, pj);
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
        project *pj = project_new(m, SAMEN_KEY_MANDATE + (uint32_t)r, SAMEN_ID_MANDATE + r);
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
        double scale = pj->n_part / 2.0; /* a regional task: the work of all partners, and their staff */
        for (int d = 0; d < pj->n_dom; d++) pj->W[d] *= scale;
        pj->V *= scale;
        pj->rec.work *= scale;
        project_plan_team(m, pj, scale * p->n_target);
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


/* This week of a mandate (S19): at t_m the regional collaborations start; what-not-how mandates
 * reach their deadline here (prescribing ones do in their negotiation, mandate_deadline). */
void mandate_week(model *m) {
    const params *p = m->p;
    if (p->t_mand >= 0 && m->t == event_week(p->t_mand)) start_mandate(m);
    for (int i = 0; i < m->n_proj; i++) {
        project *pj = &m->proj[i];
        if (pj->formation == FORM_MANDATED_WHAT_NOT_HOW && pj->deadline >= 0 && m->t >= pj->deadline &&
            project_is_active(pj)) {
            pj->deadline = -1;
            what_not_how_deadline(m, pj);
        }
    }
}
