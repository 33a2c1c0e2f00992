/* world: organisations, employees (struct of arrays), the initial network, staff turnover.
 * Brief sections 3.5 (initialisation) and S20 (turnover). Everything drawn here is keyed by
 * (seed, replicate, slot or organisation), never by condition: every condition of a replicate
 * starts from the same world. */
#include "common.h"
#include "error.h"
#include "model.h"
#include "rng.h"
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORLD_ORGS_REPLICATE 0xffffffffu /* generated sizes are shared by all replicates */



static double truncated_normal01(gsl_rng *r, double mu, double sd) {
    if (sd <= 0) return clip01(mu);
    for (int i = 0; i < 64; i++) {
        double x = mu + gsl_ran_gaussian(r, sd);
        if (x >= 0 && x <= 1) return x;
    }
    return clip01(mu);
}

static double beta(gsl_rng *r, double a, double b) { return gsl_ran_beta(r, a, b); }

/* Traits of the occupant of `slot` (generation gen[slot]); domain and role are kept by the slot. */
void world_draw_agent(model *m, int slot, int org_index, int dom, int manager) {
    const params *p = m->p;
    agents *ag = &m->ag;
    gsl_rng *r = m->r;
    rng_reset(r, m->seed, m->rep, (uint32_t)slot, (uint32_t)ag->gen[slot], RNG_AGENT, 0);
    ag->org[slot] = org_index;
    ag->dom[slot] = (int8_t)dom;
    ag->manager[slot] = (uint8_t)manager;
    for (int d = 0; d < ag->D; d++)
        ag->skill[(size_t)slot * ag->D + d] =
            d == dom ? beta(r, p->skill_own_a, p->skill_own_b) : beta(r, p->skill_other_a, p->skill_other_b);
    ag->m0[slot] = ag->m[slot] = beta(r, p->m_a, p->m_b);
    ag->theta[slot] = truncated_normal01(r, p->theta_mu, p->theta_sd);
    ag->rho[slot] = gsl_rng_uniform(r);
    ag->fatigue[slot] = 0;
    ag->synced[slot] = m->t;
    ag->load[slot] = 0;
    /* Departure: geometric waiting time with the weekly hazard tau_turn / 52. */
    double h = p->tau_turn / 52.0;
    int32_t leave = INT32_MAX;
    if (h > 0) {
        rng_reset(r, m->seed, m->rep, (uint32_t)slot, (uint32_t)ag->gen[slot], RNG_TURNOVER, 0);
        unsigned k = gsl_ran_geometric(r, h > 1 ? 1 : h);
        if ((double)m->t + k <= m->T) leave = m->t + (int32_t)k;
    }
    ag->leave_at[slot] = leave;
    if (leave <= m->T) {
        ag->next_leaver[slot] = m->leaver_head[leave];
        m->leaver_head[leave] = slot;
    }
}

void world_sync_agent(model *m, int a) {
    agents *ag = &m->ag;
    int dt = m->t - ag->synced[a];
    if (dt <= 0) return;
    if (ag->m[a] == ag->m0[a] && ag->fatigue[a] == 0) { /* at rest: nothing decays */
        ag->synced[a] = m->t;
        return;
    }
    const params *p = m->p;
    ag->m[a] = ag->m0[a] + (ag->m[a] - ag->m0[a]) * pow(1 - p->rho_m, dt);
    double f = ag->fatigue[a] - p->f_down * dt;
    ag->fatigue[a] = f > 0 ? f : 0;
    ag->synced[a] = m->t;
}

/* A random employee of organisation o with domain d (or any domain when d < 0), -1 if none. */
static int pick_in_org(model *m, int o, int d) {
    const org *g = &m->orgs[o];
    if (d < 0) return g->n ? g->first + (int)rng_below(m->r, (unsigned)g->n) : -1;
    int lo = g->dom_first[d], hi = g->dom_first[d + 1];
    return hi > lo ? g->by_dom[lo + (int)rng_below(m->r, (unsigned)(hi - lo))] : -1;
}

/* A random employee of organisation o outside domain d. */
static int pick_other_dept(model *m, int o, int d) {
    const org *g = &m->orgs[o];
    int inside = g->dom_first[d + 1] - g->dom_first[d];
    int outside = g->n - inside;
    if (outside <= 0) return -1;
    int k = (int)rng_below(m->r, (unsigned)outside);
    if (k >= g->dom_first[d]) k += inside;
    return g->by_dom[k];
}

/* An everyday tie a-b, unless b is missing, a itself or already tied to a; returns whether made. */
static int add_everyday_tie(model *m, int a, int b) {
    if (b < 0 || a == b || net_find(m, a, b) >= 0) return 0;
    const params *p = m->p;
    double w = p->w_lo + (p->w_hi - p->w_lo) * gsl_rng_uniform(m->r);
    double T = clip01(world_base_trust(m, a, b) + gsl_ran_gaussian(m->r, p->T_noise));
    net_add(m, a, b, w, w, T);
    return 1;
}

/* Within-organisation ties: each employee starts Poisson(deg/2) ties, a share same_dept inside
 * the own department (stochastic block model), so the mean degree is deg. A pick of oneself or of
 * a colleague already tied is drawn again (up to 20 times), so that small organisations and
 * departments keep their degree. */
static void within_ties(model *m, int a, double mean_stubs) {
    const params *p = m->p;
    rng_reset(m->r, m->seed, m->rep, (uint32_t)a, (uint32_t)m->ag.gen[a], RNG_TIES_WITHIN, 0);
    unsigned k = mean_stubs > 0 ? gsl_ran_poisson(m->r, mean_stubs) : 0;
    int o = m->ag.org[a], d = m->ag.dom[a];
    for (unsigned i = 0; i < k; i++) {
        int inside = rng_bernoulli(m->r, p->same_dept);
        for (int tries = 0; tries < 20; tries++)
            if (add_everyday_tie(m, a, inside ? pick_in_org(m, o, d) : pick_other_dept(m, o, d))) break;
    }
}

/* Organisation index drawn in proportion to size, excluding `self`; cum[] is cumulative size. */
static int pick_other_org(model *m, const double *cum, int self) {
    double total = cum[m->n_orgs - 1] - (cum[self] - (self ? cum[self - 1] : 0));
    double x = gsl_rng_uniform(m->r) * total;
    double own_lo = self ? cum[self - 1] : 0;
    if (x >= own_lo) x += cum[self] - own_lo;
    int lo = 0, hi = m->n_orgs - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cum[mid] > x) hi = mid;
        else lo = mid + 1;
    }
    return lo == self ? (self + 1) % m->n_orgs : lo;
}

/* The organisations of each region with their cumulative sizes, for regional ties. */
typedef struct region_index {
    int n_regions;
    int *first;     /* [n_regions + 1]: region r's organisations are orgs[first[r] .. first[r+1]) */
    int *orgs;      /* organisation indices grouped by region */
    double *cum;    /* cumulative size within the region */
} region_index;

static void region_index_build(const model *m, region_index *ri) {
    int R = 0;
    for (int o = 0; o < m->n_orgs; o++)
        if (m->orgs[o].region + 1 > R) R = m->orgs[o].region + 1;
    ri->n_regions = R;
    ri->first = xcalloc((size_t)R + 1, sizeof(int));
    ri->orgs = xmalloc(sizeof(int) * (size_t)m->n_orgs);
    ri->cum = xmalloc(sizeof(double) * (size_t)m->n_orgs);
    for (int o = 0; o < m->n_orgs; o++) ri->first[m->orgs[o].region + 1]++;
    for (int r = 0; r < R; r++) ri->first[r + 1] += ri->first[r];
    int *fill = xcalloc((size_t)R, sizeof(int));
    for (int o = 0; o < m->n_orgs; o++) {
        int r = m->orgs[o].region;
        ri->orgs[ri->first[r] + fill[r]++] = o;
    }
    for (int r = 0; r < R; r++) {
        double c = 0;
        for (int i = ri->first[r]; i < ri->first[r + 1]; i++) ri->cum[i] = c += m->orgs[ri->orgs[i]].n;
    }
    free(fill);
}

static void region_index_free(region_index *ri) {
    free(ri->first), free(ri->orgs), free(ri->cum);
}

/* Another organisation of self's region in proportion to size, -1 when the region has no other. */
static int pick_regional_org(model *m, const region_index *ri, int self) {
    int r = m->orgs[self].region, lo = ri->first[r], hi = ri->first[r + 1];
    if (hi - lo < 2) return -1;
    double total = ri->cum[hi - 1];
    for (int tries = 0; tries < 64; tries++) {
        double x = gsl_rng_uniform(m->r) * total;
        int a = lo, b = hi - 1;
        while (a < b) {
            int mid = (a + b) / 2;
            if (ri->cum[mid] > x) b = mid;
            else a = mid + 1;
        }
        if (ri->orgs[a] != self) return ri->orgs[a];
    }
    return -1;
}

static void cross_ties(model *m, int a, const double *cum, const region_index *ri) {
    const params *p = m->p;
    rng_reset(m->r, m->seed, m->rep, (uint32_t)a, 0, RNG_TIES_CROSS, 0);
    unsigned k = p->k_x > 0 ? gsl_ran_poisson(m->r, p->k_x / 2) : 0;
    for (unsigned i = 0; i < k; i++) {
        int o = -1;
        /* Professional communities are mostly regional (only drawn in worlds with regions). */
        if (ri && rng_bernoulli(m->r, p->x_regional)) o = pick_regional_org(m, ri, m->ag.org[a]);
        if (o < 0) o = pick_other_org(m, cum, m->ag.org[a]);
        int b = rng_bernoulli(m->r, p->x_homophily) ? pick_in_org(m, o, m->ag.dom[a]) : pick_in_org(m, o, -1);
        add_everyday_tie(m, a, b);
    }
}

/* The size of generated organisation i: drawn from the scenario seed alone, so the same in every
 * replicate and condition. */
static double generated_size(gsl_rng *r, const scenario *sc, int i) {
    rng_reset(r, sc->seed, WORLD_ORGS_REPLICATE, (uint32_t)i, 0, RNG_WORLD_ORGS, 0);
    return sc->gen.median_employees * exp(gsl_ran_gaussian(r, sc->gen.sigma_ln));
}

static int generated_region(const scenario *sc, int i) { return sc->gen.regions > 0 ? i % sc->gen.regions : 0; }

/* Employees simulated for an organisation of this size. */
static int org_agents(double employees) {
    int n = (int)lround(employees);
    return n < 1 ? 1 : n;
}

int world_organisations(const scenario *sc, org_summary *out) {
    int n = sc->n_orgs + sc->gen.count;
    if (!out) return n;
    for (int i = 0; i < sc->n_orgs; i++) {
        const org_spec *s = &sc->orgs[i];
        org_summary *o = &out[i];
        memset(o, 0, sizeof *o);
        snprintf(o->name, sizeof o->name, "%s", s->name);
        o->employees = org_agents(s->employees);
        o->region = s->region;
        o->kind = s->kind;
    }
    gsl_rng *r = sc->gen.count > 0 ? rng_alloc() : NULL;
    for (int i = 0; i < sc->gen.count; i++) {
        org_summary *o = &out[sc->n_orgs + i];
        memset(o, 0, sizeof *o);
        snprintf(o->name, sizeof o->name, "generated_%d", i);
        o->employees = org_agents(generated_size(r, sc, i));
        o->region = generated_region(sc, i);
        o->kind = ORG_MUNICIPALITY;
    }
    if (r) rng_free(r);
    return n;
}

static void build_orgs(model *m) {
    const scenario *sc = m->sc;
    const params *p = m->p;
    int n = sc->n_orgs + sc->gen.count;
    m->n_orgs = n;
    m->orgs = xcalloc((size_t)n, sizeof(org));
    for (int i = 0; i < sc->n_orgs; i++) {
        const org_spec *s = &sc->orgs[i];
        m->orgs[i].employees = s->employees;
        m->orgs[i].power = s->power > 0 ? s->power : s->employees;
        m->orgs[i].psi = s->failure_tolerance;
        m->orgs[i].region = s->region;
        m->orgs[i].kind = s->kind;
        m->orgs[i].province = s->province;
    }
    for (int i = 0; i < sc->gen.count; i++) {
        double size = generated_size(m->r, sc, i);
        org *g = &m->orgs[sc->n_orgs + i];
        g->employees = size;
        g->power = size;
        g->psi = -1;
        g->region = generated_region(sc, i);
        g->kind = ORG_MUNICIPALITY;
        g->province = -1;
    }
    for (int i = 0; i < n; i++) {
        org *g = &m->orgs[i];
        if (g->psi < 0) {
            rng_reset(m->r, m->seed, m->rep, (uint32_t)i, 0, RNG_ORG, 0);
            g->psi = beta(m->r, p->psi_a, p->psi_b);
        }
        if (p->psi_all >= 0) g->psi = p->psi_all; /* FAILURE_CULTURE: the same culture everywhere */
    }
}

void world_build(model *m) {
    const params *p = m->p;
    m->base_in = p->T_in;
    m->base_x = clip01(p->T_x + p->h_weight * p->h_hist);
    build_orgs(m);
    int total = 0;
    for (int i = 0; i < m->n_orgs; i++) {
        org *g = &m->orgs[i];
        g->first = total;
        g->n = org_agents(g->employees);
        total += g->n;
    }
    agents *ag = &m->ag;
    int D = (int)p->n_domains;
    ag->n = total;
    ag->D = D;
    ag->org = xcalloc((size_t)total, sizeof *ag->org);
    ag->dom = xcalloc((size_t)total, sizeof *ag->dom);
    ag->manager = xcalloc((size_t)total, sizeof *ag->manager);
    ag->skill = xcalloc((size_t)total * D, sizeof *ag->skill);
    ag->m = xcalloc((size_t)total, sizeof *ag->m);
    ag->m0 = xcalloc((size_t)total, sizeof *ag->m0);
    ag->theta = xcalloc((size_t)total, sizeof *ag->theta);
    ag->rho = xcalloc((size_t)total, sizeof *ag->rho);
    ag->fatigue = xcalloc((size_t)total, sizeof *ag->fatigue);
    ag->synced = xcalloc((size_t)total, sizeof *ag->synced);
    ag->gen = xcalloc((size_t)total, sizeof *ag->gen);
    ag->leave_at = xcalloc((size_t)total, sizeof *ag->leave_at);
    ag->next_leaver = xcalloc((size_t)total, sizeof *ag->next_leaver);
    ag->load = xcalloc((size_t)total, sizeof *ag->load);
    ag->memb = xcalloc((size_t)total * SAMEN_LMAX, sizeof *ag->memb);
    m->leaver_head = xmalloc(sizeof(int) * (size_t)(m->T + 2));
    for (int t = 0; t <= m->T + 1; t++) m->leaver_head[t] = -1;
    m->mark = xcalloc((size_t)total, sizeof *m->mark);
    m->adj.e = xcalloc((size_t)total, sizeof *m->adj.e);
    m->adj.deg = xcalloc((size_t)total, sizeof *m->adj.deg);
    m->adj.cap = xcalloc((size_t)total, sizeof *m->adj.cap);

    /* Domains and roles, then traits, org by org. */
    for (int o = 0; o < m->n_orgs; o++) {
        org *g = &m->orgs[o];
        g->dom_first = xcalloc((size_t)D + 1, sizeof(int));
        g->by_dom = xmalloc(sizeof(int) * (size_t)g->n);
        g->managers = xmalloc(sizeof(int) * (size_t)g->n);
        for (int a = g->first; a < g->first + g->n; a++) {
            rng_reset(m->r, m->seed, m->rep, (uint32_t)a, 0, RNG_AGENT, 1);
            int d = (int)rng_below(m->r, (unsigned)D);
            int mgr = rng_bernoulli(m->r, p->manager_share);
            world_draw_agent(m, a, o, d, mgr);
            g->dom_first[d + 1]++;
            if (mgr) g->managers[g->n_managers++] = a;
        }
        for (int d = 0; d < D; d++) g->dom_first[d + 1] += g->dom_first[d];
        int *fill = xcalloc((size_t)D, sizeof(int));
        for (int a = g->first; a < g->first + g->n; a++) {
            int d = ag->dom[a];
            g->by_dom[g->dom_first[d] + fill[d]++] = a;
        }
        free(fill);
    }
    for (int a = 0; a < total; a++) within_ties(m, a, p->deg_within / 2);
    if (m->n_orgs > 1 && p->k_x > 0) {
        double *cum = xmalloc(sizeof(double) * (size_t)m->n_orgs);
        double s = 0;
        for (int o = 0; o < m->n_orgs; o++) cum[o] = (s += m->orgs[o].n);
        int several_regions = 0;
        for (int o = 1; o < m->n_orgs; o++) several_regions |= m->orgs[o].region != m->orgs[0].region;
        region_index ri = {0};
        if (several_regions) region_index_build(m, &ri);
        for (int a = 0; a < total; a++) cross_ties(m, a, cum, several_regions ? &ri : NULL);
        if (several_regions) region_index_free(&ri);
        free(cum);
    }
}

static int cmp_int(const void *x, const void *y) {
    int a = *(const int *)x, b = *(const int *)y;
    return (a > b) - (a < b);
}

/* S20: employees whose departure week is now leave every collaboration and the organisation;
 * a newcomer with the same domain and role, fresh traits and 3 ties in the department takes
 * the slot. */
void world_turnover(model *m) {
    int t = m->t;
    if (t > m->T) return;
    /* Collect this week's leavers in slot order (the bucket holds them in insertion order). */
    int n = 0;
    for (int a = m->leaver_head[t]; a >= 0; a = m->ag.next_leaver[a]) n++;
    if (!n) return;
    int *list = xmalloc(sizeof(int) * (size_t)n);
    n = 0;
    for (int a = m->leaver_head[t]; a >= 0; a = m->ag.next_leaver[a]) list[n++] = a;
    m->leaver_head[t] = -1;
    qsort(list, (size_t)n, sizeof(int), cmp_int);
    agents *ag = &m->ag;
    for (int i = 0; i < n; i++) {
        int a = list[i];
        if (ag->leave_at[a] != t) continue;
        while (ag->load[a] > 0) {
            int pj = ag->memb[(size_t)a * SAMEN_LMAX + ag->load[a] - 1][0];
            int k = ag->memb[(size_t)a * SAMEN_LMAX + ag->load[a] - 1][1];
            project_remove_member(m, &m->proj[pj], k, 1);
        }
        net_isolate(m, a);
        ag->gen[a]++;
        if (m->mobilised) m->mobilised[a] = 0;
        world_draw_agent(m, a, ag->org[a], ag->dom[a], ag->manager[a]);
        rng_reset(m->r, m->seed, m->rep, (uint32_t)a, (uint32_t)ag->gen[a], RNG_TIES_WITHIN, 0);
        if (m->connector) m->connector[a] = 0; /* connectors are marked by degree in the crisis week */
        for (int k = 0; k < 3; k++)
            for (int tries = 0; tries < 20; tries++)
                if (add_everyday_tie(m, a, pick_in_org(m, ag->org[a], ag->dom[a]))) break;
    }
    free(list);
}

void world_free(model *m) {
    for (int o = 0; o < m->n_orgs; o++) {
        free(m->orgs[o].dom_first);
        free(m->orgs[o].by_dom);
        free(m->orgs[o].managers);
    }
    free(m->orgs);
    agents *ag = &m->ag;
    free(ag->org), free(ag->dom), free(ag->manager), free(ag->skill), free(ag->m), free(ag->m0);
    free(ag->theta), free(ag->rho), free(ag->fatigue), free(ag->synced), free(ag->gen);
    free(ag->leave_at), free(ag->next_leaver), free(ag->load), free(ag->memb);
    for (int a = 0; a < ag->n; a++) free(m->adj.e[a]);
    free(m->adj.e), free(m->adj.deg), free(m->adj.cap);
    edges *e = &m->ed;
    free(e->u), free(e->v), free(e->w), free(e->w0), free(e->T), free(e->last), free(e->shared);
    free(e->alive), free(e->cross), free(e->free_list), free(e->xpos), free(e->xlist);
    free(m->leaver_head), free(m->mark);
}
