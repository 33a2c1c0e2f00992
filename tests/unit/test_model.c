/* The model: reproducible runs, common random numbers across conditions, network invariants,
 * the collaboration state machine, and concordance between the series and the project table. */
#include "error.h"
#include "model.h"
#include "rng.h"
#include "testhelp.h"
#include <math.h>
#include <stdlib.h>

static scenario make_scenario(int horizon) {
    scenario sc;
    memset(&sc, 0, sizeof sc);
    sc.horizon = horizon;
    sc.replicates = 2;
    sc.seed = 4242;
    sc.n_orgs = 2;
    sc.orgs = xcalloc(2, sizeof(org_spec));
    strcpy(sc.orgs[0].name, "A");
    sc.orgs[0].employees = sc.orgs[0].power = 550;
    sc.orgs[0].failure_tolerance = -1;
    sc.orgs[0].province = sc.orgs[1].province = -1;
    strcpy(sc.orgs[1].name, "B");
    sc.orgs[1].employees = sc.orgs[1].power = 800;
    sc.orgs[1].failure_tolerance = -1;
    sc.n_conditions = 2;
    sc.conditions = xcalloc(2, sizeof(condition));
    for (int c = 0; c < 2; c++) {
        params_defaults(&sc.conditions[c].p);
        sc.conditions[c].p.formation = c;
        snprintf(sc.conditions[c].name, sizeof sc.conditions[c].name, "%s", c ? "structure_first" : "network_first");
    }
    return sc;
}

static void test_reproducible(scenario *sc) {
    run_result a, b;
    run_simulate(sc, 0, 1, 1, &a);
    run_simulate(sc, 0, 1, 1, &b);
    CHECK(a.n_projects == b.n_projects && a.n_projects > 0);
    CHECK(memcmp(a.ts, b.ts, sizeof(double) * N_TS * (sc->horizon + 1)) == 0);
    CHECK(memcmp(a.projects, b.projects, sizeof(project_record) * a.n_projects) == 0);
    run_result c;
    run_simulate(sc, 0, 0, 1, &c);
    CHECK(c.n_projects != a.n_projects || memcmp(c.ts, a.ts, sizeof(double) * N_TS * (sc->horizon + 1)) != 0);
    run_result_free(&a), run_result_free(&b), run_result_free(&c);
}

/* Both conditions of a replicate meet the same opportunities. */
static void test_common_random_numbers(scenario *sc) {
    run_result nf, sf;
    run_simulate(sc, 0, 0, 1, &nf);
    run_simulate(sc, 1, 0, 1, &sf);
    CHECK(nf.n_projects == sf.n_projects);
    int same = 1;
    for (int i = 0; i < nf.n_projects && i < sf.n_projects; i++) {
        const project_record *x = &nf.projects[i], *y = &sf.projects[i];
        same &= x->arrival == y->arrival && x->work == y->work && x->potential == y->potential &&
                x->partners == y->partners && x->domains == y->domains;
    }
    CHECK(same);
    run_result_free(&nf), run_result_free(&sf);
}

/* A per-milestone overhead (opportunity.milestone_overhead o) is work without value: the same
 * opportunities arrive with work W (1 + K o) and the same potential value. */
static void test_milestone_overhead(scenario *sc) {
    run_result base, over;
    run_simulate(sc, 0, 0, 1, &base);
    params keep = sc->conditions[0].p;
    sc->conditions[0].p.ms_overhead = 0.025;
    run_simulate(sc, 0, 0, 1, &over);
    sc->conditions[0].p = keep;
    CHECK(base.n_projects == over.n_projects && base.n_projects > 0);
    double grow = 1 + 0.025 * keep.K;
    int same = 1;
    for (int i = 0; i < base.n_projects && i < over.n_projects; i++) {
        const project_record *x = &base.projects[i], *y = &over.projects[i];
        same &= x->arrival == y->arrival && x->potential == y->potential && fabs(y->work - grow * x->work) < 1e-9 * y->work;
    }
    CHECK(same);
    run_result_free(&base), run_result_free(&over);
}

static void test_state_machine(scenario *sc) {
    for (int c = 0; c < 2; c++)
        for (int r = 0; r < 2; r++) {
            run_result rr;
            run_simulate(sc, c, r, 1, &rr);
            int T = sc->horizon, T1 = T + 1;
            int counts[N_OUTCOMES] = {0}, launched = 0, ok = 1;
            for (int i = 0; i < rr.n_projects; i++) {
                const project_record *p = &rr.projects[i];
                counts[p->outcome]++;
                launched += p->launch >= 0;
                ok &= p->id == i && p->condition == c && p->replicate == r;
                ok &= p->arrival >= 1 && p->arrival <= T;
                if (p->outcome == OUTCOME_FIZZLED) ok &= p->launch == -1 && c == 0;
                else ok &= p->launch == p->arrival; /* recruitment rounds run in the week of arrival */
                if (p->outcome == OUTCOME_COMPLETED) ok &= p->wins == (int)sc->conditions[c].p.K && p->end >= p->launch;
                if (p->first_win >= 0) ok &= p->first_win >= p->launch;
                if (c == 1 && p->launch >= 0) ok &= p->team_launch >= 2;
                if (c == 0 && p->launch >= 0) ok &= p->team_launch >= (int)sc->conditions[c].p.n_min;
                if (c == 0) ok &= p->hours_negotiation == 0; /* no consolidation by default */
                if (p->outcome == OUTCOME_DISSOLVED) ok &= p->stall >= 0 && p->end - p->stall == 26;
                ok &= p->value >= 0 && p->value <= p->potential * (1 + 0.004 * T) + 1e-9;
                ok &= p->alignment >= 0 && p->alignment <= 1 && p->momentum >= 0 && p->momentum <= 1;
            }
            CHECK_MSG(ok, "condition %d replicate %d", c, r);
            /* Concordance: the series at the horizon count what the table holds. */
#define AT(v) rr.ts[(size_t)TS_##v * T1 + T]
            CHECK(AT(opportunities) == rr.n_projects);
            CHECK(AT(launched) == launched);
            CHECK(AT(fizzled) == counts[OUTCOME_FIZZLED]);
            CHECK(AT(completed) == counts[OUTCOME_COMPLETED]);
            CHECK(AT(dissolved) == counts[OUTCOME_DISSOLVED]);
            CHECK(AT(stalled) == counts[OUTCOME_STALLED]);
            CHECK(AT(active) == counts[OUTCOME_ACTIVE]);
            double v = 0;
            for (int i = 0; i < rr.n_projects; i++) v += rr.projects[i].value;
            CHECK_NEAR(AT(value), v, 1e-6 * (1 + v));
#undef AT
            /* Series invariants: trust in [0, 1], no NaN in counts, cumulative counts never fall. */
            int inv = 1;
            for (int t = 0; t <= T; t++) {
                double tx = rr.ts[(size_t)TS_trust_cross_org * T1 + t];
                double tp = rr.ts[(size_t)TS_trust_participants * T1 + t];
                double E = rr.ts[(size_t)TS_momentum * T1 + t];
                inv &= tx >= 0 && tx <= 1;
                inv &= isnan(tp) || (tp >= 0 && tp <= 1);
                inv &= isnan(E) || (E >= 0 && E <= 1);
                for (int k = TS_opportunities; k <= TS_members; k++) inv &= !isnan(rr.ts[(size_t)k * T1 + t]);
                if (t) inv &= rr.ts[(size_t)TS_completed * T1 + t] >= rr.ts[(size_t)TS_completed * T1 + t - 1];
                for (int k = TS_hours_work; k <= TS_hours_idle; k++) inv &= rr.ts[(size_t)k * T1 + t] >= 0;
            }
            CHECK_MSG(inv, "series invariants, condition %d", c);
            run_result_free(&rr);
        }
}

/* The initial network: symmetric adjacency, no self-loops or duplicates, trust in [0, 1],
 * degrees and silo share near their parameters. */
static void test_network(scenario *sc) {
    model m;
    memset(&m, 0, sizeof m);
    m.sc = sc;
    m.p = &sc->conditions[0].p;
    m.seed = sc->seed;
    m.T = sc->horizon;
    m.r = rng_alloc();
    m.decay_T = xmalloc(sizeof(double) * (m.T + 2));
    for (int k = 0; k <= m.T + 1; k++) m.decay_T[k] = pow(1 - m.p->delta_T, k);
    world_build(&m);
    long within = 0, cross = 0, same_dept = 0;
    int ok = 1;
    for (int e = 0; e < m.ed.n; e++) {
        if (!m.ed.alive[e]) continue;
        int a = m.ed.u[e], b = m.ed.v[e];
        ok &= a != b && m.ed.T[e] >= 0 && m.ed.T[e] <= 1;
        ok &= net_find(&m, a, b) == e;
        int in_a = 0, in_b = 0;
        for (int i = 0; i < m.adj.deg[a]; i++) in_a += m.adj.e[a][i] == e;
        for (int i = 0; i < m.adj.deg[b]; i++) in_b += m.adj.e[b][i] == e;
        ok &= in_a == 1 && in_b == 1;
        if (m.ag.org[a] == m.ag.org[b]) within++, same_dept += m.ag.dom[a] == m.ag.dom[b];
        else cross++;
    }
    CHECK(ok);
    double n = m.ag.n;
    CHECK_NEAR(2.0 * within / n, m.p->deg_within, 0.05 * m.p->deg_within);
    CHECK_NEAR(2.0 * cross / n, m.p->k_x, 0.15 * m.p->k_x);
    CHECK_NEAR((double)same_dept / within, m.p->same_dept, 0.05);
    CHECK(m.ag.n == 1350);
    /* Prototrust: a stranger reached through a trusted common contact is trusted above baseline. */
    int a = 0, k = -1, b = -1;
    for (int i = 0; i < m.adj.deg[a] && b < 0; i++) {
        int e = m.adj.e[a][i];
        k = m.ed.u[e] == a ? m.ed.v[e] : m.ed.u[e];
        for (int j = 0; j < m.adj.deg[k]; j++) {
            int e2 = m.adj.e[k][j];
            int c = m.ed.u[e2] == k ? m.ed.v[e2] : m.ed.u[e2];
            if (c != a && net_find(&m, a, c) < 0) {
                b = c;
                m.ed.T[e] = m.ed.T[e2] = 1.0;
                break;
            }
        }
    }
    CHECK(b >= 0);
    if (b >= 0) {
        double base = world_base_trust(&m, a, b);
        CHECK_NEAR(net_prototrust(&m, a, b), base + m.p->gamma_sh * (1 - base), 1e-12);
    }
    /* Lazy decay: after 100 weeks without interaction trust is base + (T - base)(1 - delta)^100. */
    int e = m.adj.e[a][0];
    int u = m.ed.u[e], v = m.ed.v[e];
    double T0 = m.ed.T[e], base = world_base_trust(&m, u, v);
    m.t = 100;
    net_sync(&m, e);
    CHECK_NEAR(m.ed.T[e], base + (T0 - base) * pow(1 - m.p->delta_T, 100), 1e-12);
    world_free(&m);
    free(m.decay_T);
    rng_free(m.r);
}

/* Structure-first teams are assigned by quota: 8 members split by size plus a manager each. */
static void test_structure_first_quota(scenario *sc) {
    run_result rr;
    run_simulate(sc, 1, 0, 1, &rr);
    int ok = 1, n = 0;
    for (int i = 0; i < rr.n_projects; i++) {
        const project_record *p = &rr.projects[i];
        if (p->launch < 0) continue;
        n++;
        ok &= p->team_launch <= 10 && p->team_launch >= 2;
        ok &= p->hours_negotiation > 0 || p->agreement == p->launch;
    }
    CHECK(n > 0 && ok);
    run_result_free(&rr);
}

int main(void) {
    scenario sc = make_scenario(156);
    test_reproducible(&sc);
    test_common_random_numbers(&sc);
    test_milestone_overhead(&sc);
    test_state_machine(&sc);
    test_network(&sc);
    test_structure_first_quota(&sc);
    free(sc.orgs);
    free(sc.conditions);
    return TEST_REPORT("model");
}
