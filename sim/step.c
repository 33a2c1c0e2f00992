/* step: one week of the model, in the order of brief section 3.3. Nothing else lives here.
 *
 *   1  exogenous events: staff turnover (S20), a crisis (S17), a mandate (S19)
 *   2  initiation: opportunities arrive and teams form (S1-S3)
 *   3  hour allocation: every member's hours for the week, before any team acts
 *   4  each active collaboration acts, in a random order drawn for the week (collaborations
 *      without common members in parallel batches; see act_all):
 *      negotiation (S4), engagement (S5), workstreams (S6), production (S7), milestones (S8),
 *      trust and knowledge (S11), momentum (S9), alignment and drift (S13), exits (S10),
 *      champion (S12), consolidation triggers (S14), stall; then handovers that became due (S18)
 *   5  slow variables: fatigue and motivation of everyone who worked
 *   6  stalled collaborations dissolve; delivered results operate (S14); small teams top up
 *   7  every 13 weeks: faded work-made ties are removed */
#include "model.h"
#include "rng.h"
#include "error.h"
#include <gsl/gsl_randist.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Step 3: formal hours first (the membership's own: c * structure.formal_hours, plus the state's
 * budget for a mandate, or jobbank.hours for a job-bank member), then each member's slack split
 * over its memberships in proportion to (1 - c) * last week's engagement. Returns the members'
 * agents (each once) in *touched. */
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
            mb->hours = mb->formal + (w > 0 ? slack * (1 - mb->c) * mb->a / w : 0);
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

/* What one collaboration's week adds to the week's totals. */
typedef struct week_sums {
    double hours[4], review, herd_sum, part_T_sum, value;
    int herd_n;
    long part_T_n;
} week_sums;

/* One collaboration acts on a private copy of the model header: it shares every array (agents,
 * ties, collaborations) but has its own random generator, scratch and weekly sums. */
static void act_one(const model *m, project *pj, int tid, week_sums *out) {
    model local = *m;
    local.r = m->rngs[tid];
    local.mark = m->marks[tid];
    local.stamp = m->stamps[tid];
    memset(local.week_hours, 0, sizeof local.week_hours);
    local.week_review = local.herd_sum = local.part_T_sum = 0;
    local.herd_n = 0;
    local.part_T_n = 0;
    project_act(&local, pj);
    /* A collaboration's week never creates or deletes ties or collaborations (that would change
     * counters in the copy only): guard the contract. */
    if (local.ed.n != m->ed.n || local.ed.cap != m->ed.cap || local.ed.n_free != m->ed.n_free || local.ed.nx != m->ed.nx ||
        local.n_proj != m->n_proj || local.cap_proj != m->cap_proj)
        die("internal error: collaboration %d changed shared counters in week %d", pj->rec.id, m->t);
    m->stamps[tid] = local.stamp;
    memcpy(out->hours, local.week_hours, sizeof out->hours);
    out->review = local.week_review;
    out->herd_sum = local.herd_sum, out->herd_n = local.herd_n;
    out->part_T_sum = local.part_T_sum, out->part_T_n = local.part_T_n;
    out->value = local.value_total - m->value_total;
}

/* Step 4. Collaborations act in this week's random order. Two collaborations without a common
 * member touch disjoint state (their members, the ties between their members), so they commute:
 * the order is cut into batches of collaborations with disjoint teams (each after every earlier
 * one it shares a member with) and a batch runs in parallel. The result is that of acting one by
 * one in the random order, for any number of threads; the weekly sums are added in that order. */
static void act_all(model *m, const int *order, int n) {
    week_sums *sums = xcalloc((size_t)n + 1, sizeof *sums);
    int *lev = xmalloc(sizeof(int) * (size_t)(n + 1)), n_lev = 0;
    for (int i = 0; i < n; i++) {
        const project *pj = &m->proj[order[i]];
        int L = 0;
        for (int k = 0; k < pj->n_mem; k++) {
            int a = pj->mem[k].agent;
            if (m->level_week[a] == m->t && m->level[a] + 1 > L) L = m->level[a] + 1;
        }
        for (int k = 0; k < pj->n_mem; k++) m->level[pj->mem[k].agent] = L, m->level_week[pj->mem[k].agent] = m->t;
        lev[i] = L;
        if (L + 1 > n_lev) n_lev = L + 1;
    }
    /* Counting sort of positions by batch, keeping the random order inside a batch. */
    int *start = xcalloc((size_t)n_lev + 1, sizeof(int)), *pos = xmalloc(sizeof(int) * (size_t)(n + 1));
    for (int i = 0; i < n; i++) start[lev[i] + 1]++;
    for (int L = 0; L < n_lev; L++) start[L + 1] += start[L];
    int *fill = xcalloc((size_t)n_lev, sizeof(int));
    for (int i = 0; i < n; i++) pos[start[lev[i]] + fill[lev[i]]++] = i;
    int serial = m->threads <= 1 || m->p->rho_psi > 0; /* culture drift shares the organisations' state */
    for (int L = 0; L < n_lev; L++) {
        int lo = start[L], hi = start[L + 1];
        if (serial || hi - lo < 16) { /* small batches are not worth waking threads for */
            for (int j = lo; j < hi; j++) act_one(m, &m->proj[order[pos[j]]], 0, &sums[pos[j]]);
        } else {
#pragma omp parallel for schedule(dynamic, 1) num_threads(m->threads)
            for (int j = lo; j < hi; j++) act_one(m, &m->proj[order[pos[j]]], omp_get_thread_num(), &sums[pos[j]]);
        }
    }
    for (int i = 0; i < n; i++) {
        for (int h = 0; h < 4; h++) m->week_hours[h] += sums[i].hours[h];
        m->week_review += sums[i].review;
        m->herd_sum += sums[i].herd_sum, m->herd_n += sums[i].herd_n;
        m->part_T_sum += sums[i].part_T_sum, m->part_T_n += sums[i].part_T_n;
        m->value_total += sums[i].value;
    }
    free(sums), free(lev), free(start), free(pos), free(fill);
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
    act_all(m, order, n);
    for (int i = 0; i < n; i++)
        if (m->proj[order[i]].handover_due) intervention_handover(m, &m->proj[order[i]]);

    slow_variables(m, m->touched, n_touched);
    for (int i = 0; i < m->n_proj; i++) {
        project *pj = &m->proj[i];
        if (pj->status == PS_STALLED) project_idle(m, pj);
        else if (pj->status == PS_OPERATING) project_operate(m, pj);
        else if (project_is_active(pj)) project_top_up(m, pj);
    }
    if (m->t % 13 == 0) net_sweep(m);
}
