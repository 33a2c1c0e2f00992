/* crisis: a crisis strikes one organisation (S17, MSD/Organon in Oss). Urgency U(t) decays from
 * the crisis week; connectors (managers and the best-connected tenth) lay new ties across
 * organisations at a rate proportional to U; mobilisation is a Granovetter threshold cascade from
 * the struck organisation's connectors; and the crisis network's own collaboration starts with a
 * little structure (crisis.structure). Draws come from RNG_CRISIS, keyed by employee and week. */
#include "common.h"
#include "error.h"
#include "model.h"
#include "rng.h"
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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


/* This week of a crisis (S17): urgency, and in the crisis week the connectors and the crisis
 * network's own collaboration; while urgency lasts, new ties and mobilisation. */
void crisis_week(model *m) {
    const params *p = m->p;
    m->U = 0;
    int t_c = event_week(p->t_crisis);
    if (p->t_crisis < 0 || m->t < t_c) return;
    m->U = p->U_c * exp(-(m->t - t_c) / p->tau_U);
    if (m->t == t_c) {
        m->mobilised = xcalloc((size_t)m->ag.n, 1);
        m->connector = xcalloc((size_t)m->ag.n, 1);
        mark_connectors(m);
    }
    /* The crisis network's own collaboration, of all organisations, with a little structure. */
    if (m->t == t_c && p->crisis_proj && m->n_orgs >= 2) {
        project *cp = project_new(m, SAMEN_KEY_CRISIS, SAMEN_ID_CRISIS);
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
