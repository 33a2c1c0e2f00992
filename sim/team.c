/* team: who is in a collaboration. Membership entries of each employee (m->ag.memb), the team's
 * cache of pair-tie ids (pj->pair, n x n, so team loops need no tie lookup), joining, leaving with
 * its knowledge loss, and the release of everyone when a collaboration ends. */
#include "error.h"
#include "model.h"
#include <stdlib.h>

static int proj_index(const model *m, const project *pj) { return (int)(pj - m->proj); }

int project_in_team(const model *m, const project *pj, int a) {
    int pi = proj_index(m, pj);
    for (int i = 0; i < m->ag.load[a]; i++)
        if (m->ag.memb[(size_t)a * SAMEN_LMAX + i][0] == pi) return 1;
    return 0;
}

/* Best skill among the required domains (fit, round-1 change: the mean dilutes specialists). */
double project_fit(const model *m, const project *pj, int a) {
    double f = 0;
    for (int i = 0; i < pj->n_dom; i++) {
        double s = m->ag.skill[(size_t)a * m->ag.D + pj->dom[i]];
        if (s > f) f = s;
    }
    return f;
}

int project_pair(model *m, const project *pj, int i, int j) {
    int e = pj->pair[i * pj->cap_mem + j];
    net_sync(m, e);
    return e;
}

void project_add_member(model *m, project *pj, int a, double c, double formal) {
    if (pj->n_mem == pj->cap_mem) {
        int cap = pj->cap_mem ? 2 * pj->cap_mem : 16;
        pj->mem = xrealloc(pj->mem, sizeof(member) * (size_t)cap);
        int32_t *pair = xmalloc(sizeof(int32_t) * (size_t)cap * cap);
        for (int i = 0; i < pj->n_mem; i++)
            for (int j = 0; j < pj->n_mem; j++) pair[i * cap + j] = pj->pair[i * pj->cap_mem + j];
        free(pj->pair);
        pj->pair = pair;
        pj->cap_mem = cap;
    }
    world_sync_agent(m, a);
    int n = pj->n_mem, cap = pj->cap_mem;
    for (int j = 0; j < n; j++) pj->pair[n * cap + j] = pj->pair[j * cap + n] = net_share(m, a, pj->mem[j].agent, +1);
    pj->pair[n * cap + n] = -1;
    member *mb = &pj->mem[pj->n_mem];
    mb->agent = a;
    mb->gen = m->ag.gen[a];
    mb->c = c;
    mb->formal = formal;
    mb->mot = -1;
    mb->a = 0.5;
    mb->hours = 0;
    mb->stream = -1;
    int slot = m->ag.load[a]++;
    m->ag.memb[(size_t)a * SAMEN_LMAX + slot][0] = proj_index(m, pj);
    m->ag.memb[(size_t)a * SAMEN_LMAX + slot][1] = pj->n_mem;
    pj->n_mem++;
    if (pj->n_mem > pj->rec.team_peak) pj->rec.team_peak = pj->n_mem;
}

/* Point agent a's membership entry for this project at member index `to`. */
static void relink(model *m, project *pj, int a, int from, int to) {
    int pi = proj_index(m, pj);
    for (int i = 0; i < m->ag.load[a]; i++) {
        int32_t *e = m->ag.memb[(size_t)a * SAMEN_LMAX + i];
        if (e[0] == pi && e[1] == from) {
            e[1] = to;
            return;
        }
    }
}

/* Remove member k. reason: 0 exit, 1 the employee left the organisation, 2 released (the
 * collaboration ended, a handover, a hold-back: no knowledge loss, not counted as an exit). */
void project_remove_member(model *m, project *pj, int k, int reason) {
    const params *p = m->p;
    int a = pj->mem[k].agent;
    for (int j = 0; j < pj->n_mem; j++)
        if (j != k) net_share(m, a, pj->mem[j].agent, -1);
    int pi = proj_index(m, pj);
    int32_t(*l)[2] = &m->ag.memb[(size_t)a * SAMEN_LMAX];
    for (int i = 0; i < m->ag.load[a]; i++)
        if (l[i][0] == pi) {
            int last = --m->ag.load[a];
            l[i][0] = l[last][0];
            l[i][1] = l[last][1];
            break;
        }
    if (reason != 2 && project_is_active(pj)) {
        pj->rec.exits++;
        /* Knowledge loss: the only specialist of a required domain takes unratcheted work along. */
        int d = m->ag.dom[a];
        for (int i = 0; i < pj->n_dom; i++) {
            if (pj->dom[i] != d) continue;
            int others = 0;
            for (int j = 0; j < pj->n_mem; j++) others += j != k && m->ag.dom[pj->mem[j].agent] == d;
            if (!others) {
                double floor = pj->b[pj->k] * pj->W[i];
                if (pj->P[i] > floor) pj->P[i] -= p->ell * (1 - pj->S) * (pj->P[i] - floor);
            }
        }
    }
    if (pj->champion == k) pj->champion = -1;
    int last = pj->n_mem - 1, cap = pj->cap_mem;
    if (k != last) {
        for (int j = 0; j < last; j++)
            if (j != k) pj->pair[k * cap + j] = pj->pair[j * cap + k] = pj->pair[last * cap + j];
        pj->mem[k] = pj->mem[last];
        relink(m, pj, pj->mem[k].agent, last, k);
        if (pj->champion == last) pj->champion = k;
    }
    pj->n_mem--;
}

void project_release_all(model *m, project *pj) {
    while (pj->n_mem > 0) project_remove_member(m, pj, pj->n_mem - 1, 2);
    free(pj->mem);
    free(pj->pair);
    pj->mem = NULL;
    pj->pair = NULL;
    pj->cap_mem = 0;
}

void project_end(model *m, project *pj, int outcome) {
    pj->status = PS_DONE;
    pj->rec.outcome = outcome;
    pj->rec.end = m->t;
    project_release_all(m, pj);
}
