/* step: one week of the model, in the order of brief section 3.3. Nothing else lives here.
 *
 *   1  exogenous events: staff turnover (S20), a crisis (S17), a mandate (S19)
 *   2  initiation: opportunities arrive and teams form (S1-S3)
 *   3  hour allocation: every member's hours for the week, before any team acts
 *   4  each active collaboration acts, in a random order drawn for the week:
 *      negotiation (S4), engagement (S5), workstreams (S6), production (S7), milestones (S8),
 *      trust and knowledge (S11), momentum (S9), alignment and drift (S13), exits (S10),
 *      champion (S12), consolidation triggers (S14), stall
 *   5  slow variables: fatigue and motivation of everyone who worked
 *   6  stalled collaborations dissolve; delivered results operate (S14); small teams top up
 *   7  every 13 weeks: faded work-made ties are removed */
#include "model.h"
#include "rng.h"
#include "error.h"
#include <gsl/gsl_randist.h>
#include <stdlib.h>

/* Step 3: formal hours first (c * formal_hours), then each member's slack split over its
 * memberships in proportion to (1 - c) * last week's engagement. Returns the members' agents
 * (each once) in *touched. */
static int allocate_hours(model *m, int **touched, int *cap) {
    const params *p = m->p;
    double slack = p->f_free * p->week_hours;
    int n = 0;
    if (++m->stamp == INT32_MAX) {
        for (int i = 0; i < m->ag.n; i++) m->mark[i] = 0;
        m->stamp = 1;
    }
    for (int i = 0; i < m->n_proj; i++) {
        project *pj = &m->proj[i];
        if (!project_is_active(pj)) continue;
        for (int k = 0; k < pj->n_mem; k++) {
            int a = pj->mem[k].agent;
            if (m->mark[a] != m->stamp) {
                m->mark[a] = m->stamp;
                if (n == *cap) *touched = xrealloc(*touched, sizeof(int) * (size_t)(*cap = *cap ? 2 * *cap : 256));
                (*touched)[n++] = a;
                world_sync_agent(m, a);
                m->slack_weight[a] = m->hours_week[a] = m->formal_week[a] = 0;
            }
            m->slack_weight[a] += (1 - pj->mem[k].c) * pj->mem[k].a;
        }
    }
    for (int i = 0; i < m->n_proj; i++) {
        project *pj = &m->proj[i];
        if (!project_is_active(pj)) continue;
        for (int k = 0; k < pj->n_mem; k++) {
            member *mb = &pj->mem[k];
            double w = m->slack_weight[mb->agent];
            mb->hours = mb->c * p->H_fte + (w > 0 ? slack * (1 - mb->c) * mb->a / w : 0);
        }
    }
    return n;
}

/* Step 5: fatigue counts only hours beyond what the employee is paid for plus a margin;
 * motivation relaxes toward its baseline. */
static void slow_variables(model *m, const int *touched, int n) {
    const params *p = m->p;
    agents *ag = &m->ag;
    for (int i = 0; i < n; i++) {
        int a = touched[i];
        if (ag->synced[a] != m->t) continue; /* replaced this week */
        double cap = m->formal_week[a] + p->f_free * p->week_hours + p->f_margin;
        double over = cap > 0 ? m->hours_week[a] / cap - 1 : 0;
        double F = ag->fatigue[a] + p->f_up * (over > 0 ? over : 0) - p->f_down;
        ag->fatigue[a] = F < 0 ? 0 : F > 1 ? 1 : F;
        ag->m[a] = ag->m0[a] + (ag->m[a] - ag->m0[a]) * (1 - p->rho_m);
        ag->synced[a] = m->t + 1;
    }
}

void step_week(model *m) {
    world_turnover(m);
    intervention_week(m);
    project_arrive(m);
    int n_touched = allocate_hours(m, &m->touched, &m->cap_touched);
    int *order = m->order;

    int n = 0;
    for (int i = 0; i < m->n_proj; i++)
        if (project_is_active(&m->proj[i])) {
            if (n == m->cap_order)
                order = m->order = xrealloc(m->order, sizeof(int) * (size_t)(m->cap_order = m->cap_order ? 2 * m->cap_order : 256));
            order[n++] = i;
        }
    rng_reset(m->r, m->seed, m->rep, 0, (uint32_t)m->t, RNG_ORDER, 0);
    if (n > 1) gsl_ran_shuffle(m->r, order, (size_t)n, sizeof(int));
    for (int i = 0; i < n; i++) project_act(m, &m->proj[order[i]]);

    slow_variables(m, m->touched, n_touched);
    for (int i = 0; i < m->n_proj; i++) {
        project *pj = &m->proj[i];
        if (pj->status == PS_STALLED) project_idle(m, pj);
        else if (pj->status == PS_OPERATING) project_operate(m, pj);
        else if (project_is_active(pj)) project_top_up(m, pj);
    }
    if (m->t % 13 == 0) net_sweep(m);
}
