/* Interventions: each acts where and when it should and nowhere else.
 *
 * The sharpest check for a timed intervention: until its week the run is identical to the
 * baseline, bit for bit (every series, every week); from its week on it differs. Switching an
 * intervention on leaves the opportunities (the draws conditions share) unchanged. */
#include "error.h"
#include "model.h"
#include "rng.h"
#include "testhelp.h"
#include <stdlib.h>

static scenario load(const char *text) {
    scenario sc;
    char err[1024];
    if (scenario_load_text("<test>", text, &sc, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        exit(2);
    }
    return sc;
}

/* Largest week t such that every series agrees with the baseline up to t (-1: differ at 0). */
static int agree_until(const run_result *a, const run_result *b) {
    int T1 = a->horizon + 1;
    for (int t = 0; t < T1; t++)
        for (int v = 0; v < N_TS; v++) {
            double x = a->ts[(size_t)v * T1 + t], y = b->ts[(size_t)v * T1 + t];
            if (!(x == y || (isnan(x) && isnan(y)))) return t - 1;
        }
    return a->horizon;
}

static const project_record *find(const run_result *r, int id) {
    for (int i = 0; i < r->n_projects; i++)
        if (r->projects[i].id == id) return &r->projects[i];
    return NULL;
}

#define BASE "horizon: 200\nseed: 77\nreplicates: 1\n"

/* Timed interventions change nothing before their week, in any replicate, and something from it
 * on. "Something" is judged over the replicates: in a replicate where nothing for the intervention
 * to act on happens after its week (no win to celebrate, say) it rightly changes nothing. */
static void test_nothing_before_the_week(void) {
    const char *conds[] = {
        "crisis: { formation: network_first, crisis.week: 60 }",
        "mandate: { formation: network_first, mandate.week: 60 }",
        "champion: { formation: network_first, champion.designated: 1, champion.from: 60 }",
        "celebrate: { formation: network_first, momentum.celebrate: 1, momentum.celebrate_from: 60 }",
        "review: { formation: network_first, review.interval: 13, review.from: 60 }",
        "jobbank: { formation: network_first, jobbank.on: 1, jobbank.from: 60 }",
    };
    for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, BASE "conditions:\n  base: { formation: network_first }\n  %s\n", conds[i]);
        scenario sc = load(text);
        int before = 1, after = 0;
        for (int r = 0; r < 3; r++) {
            run_result a, b;
            run_simulate(&sc, 0, r, 1, &a);
            run_simulate(&sc, 1, r, 1, &b);
            int same = agree_until(&a, &b);
            before &= same >= 59;
            after |= same < sc.horizon;
            run_result_free(&a), run_result_free(&b);
        }
        CHECK_MSG(before, "%s changed something before week 60", sc.conditions[1].name);
        CHECK_MSG(after, "%s changed nothing", sc.conditions[1].name);
        scenario_free(&sc);
    }
}

/* The conditions of a replicate meet the same opportunities whatever is switched on. */
static void test_shared_draws(void) {
    scenario sc = load(BASE "conditions:\n  base: {}\n"
                            "  all: { crisis.week: 30, review.interval: 13, jobbank.on: 1, champion.designated: 1,"
                            " handover.after_wins: 2, revival.rate: 0.05, nudge.invitees: 5, momentum.celebrate: 1 }\n");
    run_result a, b;
    run_simulate(&sc, 0, 0, 1, &a);
    run_simulate(&sc, 1, 0, 1, &b);
    int shared = 0, same = 1;
    for (int i = 0; i < a.n_projects; i++) {
        const project_record *x = &a.projects[i], *y = find(&b, x->id);
        if (!y) {
            same = 0;
            continue;
        }
        shared++;
        same &= x->arrival == y->arrival && x->work == y->work && x->potential == y->potential &&
                x->partners == y->partners && x->domains == y->domains;
    }
    CHECK(shared == a.n_projects && shared > 10);
    CHECK(same);
    CHECK(find(&b, 2000000) != NULL); /* the crisis network's collaboration */
    CHECK(find(&a, 2000000) == NULL);
    run_result_free(&a), run_result_free(&b);
    scenario_free(&sc);
}

/* Off by default: no reviews, handovers, revivals, urgency, mobilisation, mandated collaborations. */
static void test_off_by_default(void) {
    scenario sc = load(BASE "conditions:\n  nf: {formation: network_first}\n  sf: {formation: structure_first}\n");
    for (int c = 0; c < 2; c++) {
        run_result a;
        run_simulate(&sc, c, 0, 1, &a);
        int ok = 1, T1 = a.horizon + 1;
        for (int i = 0; i < a.n_projects; i++) {
            const project_record *x = &a.projects[i];
            ok &= x->reviews == 0 && x->hours_review == 0 && x->handover == -1 && x->revived == -1 && x->imposed == 0 &&
                  x->holdback == 0 && x->outcome != OUTCOME_KILLED && x->id < 1000000;
        }
        for (int t = 0; t < T1; t++)
            ok &= a.ts[(size_t)TS_urgency * T1 + t] == 0 && a.ts[(size_t)TS_mobilised * T1 + t] == 0 &&
                  a.ts[(size_t)TS_hours_review * T1 + t] == 0;
        CHECK_MSG(ok, "condition %d", c);
        run_result_free(&a);
    }
    scenario_free(&sc);
}

static void test_champion_and_cross_domain(void) {
    scenario sc = load(BASE "conditions:\n  base: {}\n  champion: {champion.designated: 1}\n"
                            "  cross: {leadership.cross_domain: 1}\n");
    int all_champion = 1, base_without = 0, higher_value = 0, lower_value = 0;
    for (int r = 0; r < 3; r++) {
        run_result a, b, c;
        run_simulate(&sc, 0, r, 1, &a);
        run_simulate(&sc, 1, r, 1, &b);
        run_simulate(&sc, 2, r, 1, &c);
        for (int i = 0; i < b.n_projects; i++)
            if (b.projects[i].launch >= 0) all_champion &= b.projects[i].champion == 1;
        for (int i = 0; i < a.n_projects; i++) base_without += a.projects[i].launch >= 0 && !a.projects[i].champion;
        /* A leader from outside the domains adds value where a collaboration launched, never lowers it. */
        for (int i = 0; i < c.n_projects; i++) {
            const project_record *x = &c.projects[i], *y = find(&a, x->id);
            if (x->launch >= 0 && x->champion) higher_value += x->potential > y->potential;
            lower_value += x->potential < y->potential;
        }
        run_result_free(&a), run_result_free(&b), run_result_free(&c);
    }
    CHECK(all_champion);
    CHECK(base_without > 0);
    CHECK(higher_value > 0);
    CHECK(lower_value == 0);
    scenario_free(&sc);
}

/* A champion designated only while implementing (champion.phase) leaves a structure-first team its
 * chair until then (S3): the run is the baseline's, bit for bit, until the first collaboration ends
 * its exploration. */
static void test_designated_later_keeps_the_chair(void) {
    scenario sc = load(BASE "parameters: {formation: structure_first}\n"
                            "conditions:\n  base: {}\n  later: {champion.designated: 1, champion.phase: implementing}\n");
    int ok = 1, first_launch = 1 << 30;
    for (int r = 0; r < 5; r++) {
        run_result a, b;
        run_simulate(&sc, 0, r, 1, &a);
        run_simulate(&sc, 1, r, 1, &b);
        int first = b.horizon + 1;
        for (int i = 0; i < b.n_projects; i++) {
            if (b.projects[i].explored >= 0 && b.projects[i].explored < first) first = b.projects[i].explored;
            if (b.projects[i].launch >= 0 && b.projects[i].launch < first_launch) first_launch = b.projects[i].launch;
        }
        ok &= agree_until(&a, &b) >= first - 1;
        run_result_free(&a), run_result_free(&b);
    }
    CHECK_MSG(ok && first_launch < 1 << 30, "identical until the first exploration ends: %d", ok);
    scenario_free(&sc);
}

static void test_review_handover_revival(void) {
    scenario sc = load(BASE "conditions:\n  review: {review.interval: 13}\n  handover: {handover.after_wins: 2}\n"
                            "  revival: {formation: structure_first, revival.rate: 0.2}\n");
    int reviews_ok = 1, reviewed = 0, handovers = 0, handover_ok = 1, revived = 0, revival_ok = 1;
    for (int r = 0; r < 3; r++) {
        run_result a, b, c;
        run_simulate(&sc, 0, r, 1, &a);
        run_simulate(&sc, 1, r, 1, &b);
        run_simulate(&sc, 2, r, 1, &c);
        for (int i = 0; i < a.n_projects; i++) {
            const project_record *x = &a.projects[i];
            if (x->launch < 0) continue;
            int end = x->end >= 0 && x->outcome != OUTCOME_COMPLETED ? x->end : x->end >= 0 ? x->end : sc.horizon;
            if (x->stall >= 0) end = x->stall;
            /* one review every 13 weeks of working life, each costing hours */
            reviews_ok &= x->reviews <= (end - x->launch) / 13 + 1;
            reviewed += x->reviews > 0;
            reviews_ok &= (x->reviews > 0) == (x->hours_review > 0);
        }
        for (int i = 0; i < b.n_projects; i++) {
            const project_record *x = &b.projects[i];
            if (x->handover < 0) continue;
            handovers++;
            handover_ok &= x->wins >= 2 && x->first_win >= 0 && x->handover >= x->first_win && !isnan(x->momentum_handover);
        }
        for (int i = 0; i < c.n_projects; i++) {
            const project_record *x = &c.projects[i];
            if (x->revived < 0) continue;
            revived++;
            revival_ok &= x->stall >= 0 && x->revived > x->stall;
        }
        run_result_free(&a), run_result_free(&b), run_result_free(&c);
    }
    CHECK(reviews_ok && reviewed > 0);
    CHECK(handovers > 0 && handover_ok);
    CHECK(revived > 0 && revival_ok);
    scenario_free(&sc);
}

static void test_crisis(void) {
    scenario sc = load(BASE "conditions:\n  crisis: {crisis.week: 40, crisis.urgency: 1, crisis.decay_weeks: 26}\n");
    run_result a;
    run_simulate(&sc, 0, 0, 1, &a);
    int T1 = a.horizon + 1;
    const double *U = &a.ts[(size_t)TS_urgency * T1];
    CHECK(U[39] == 0 && U[40] == 1);
    CHECK_NEAR(U[66], exp(-1), 1e-12);
    CHECK(a.ts[(size_t)TS_mobilised * T1 + 39] == 0 && a.ts[(size_t)TS_mobilised * T1 + 48] > 0);
    const project_record *cp = find(&a, 2000000);
    CHECK(cp && cp->arrival == 40 && cp->formation == FORM_CRISIS && cp->partners == 2);
    run_result_free(&a);
    scenario_free(&sc);
}

/* A mandate over a region of municipalities: a regional collaboration is formed by construction,
 * its structure is imposed at the deadline unless agreed before, some municipalities hold back. */
static void test_mandate(void) {
    scenario sc = load(BASE "world: {generate: {count: 12, median_employees: 300, sigma_ln: 0.8, regions: 1}}\n"
                            "conditions:\n  mandate: {mandate.week: 10, mandate.deadline_weeks: 52}\n");
    int n = 0, ok = 1, imposed = 0, held = 0, partners = 0;
    for (int r = 0; r < 10; r++) {
        run_result a;
        run_simulate(&sc, 0, r, 1, &a);
        const project_record *x = find(&a, 1000000);
        if (x) {
            n++;
            ok &= x->formation == FORM_MANDATED && x->launch == 10 && x->partners == 12;
            ok &= x->agreement >= 10 && x->agreement <= 62;
            if (x->imposed) ok &= x->agreement == 62;
            imposed += x->imposed;
            held += x->holdback;
            partners += x->partners;
        }
        run_result_free(&a);
    }
    CHECK(n == 10 && ok);
    CHECK(imposed > 0);
    CHECK(held > 0 && held < partners / 2);
    scenario_free(&sc);
}

/* A what-not-how mandate cannot fizzle or dissolve before its deadline, however few people its
 * network-first start reaches (sparse ties between the municipalities): formation by the deadline
 * is 100% by construction (S19). */
static void test_what_not_how_reaches_its_deadline(void) {
    scenario sc = load(BASE "world: {generate: {count: 12, median_employees: 300, sigma_ln: 0.8, regions: 1}}\n"
                            "parameters: {network.cross_org_degree: 0.05, exit.base: 0.5, exit.engagement: 0.9}\n"
                            "conditions:\n  what: {mandate.week: 10, mandate.deadline_weeks: 52, "
                            "mandate.prescribe_structure: 0}\n");
    int n = 0, ok = 1, small = 0;
    for (int r = 0; r < 30; r++) {
        run_result a;
        run_simulate(&sc, 0, r, 1, &a);
        const project_record *x = find(&a, 1000000);
        if (x) {
            n++;
            ok &= x->formation == FORM_MANDATED_WHAT_NOT_HOW && x->launch == 10;
            ok &= (x->stall < 0 || x->stall >= 62) && (x->end < 0 || x->end >= 62);
            small += x->team_launch < 3;
        }
        run_result_free(&a);
    }
    CHECK_MSG(n == 30 && ok, "%d regions, all launched and present at the deadline: %d", n, ok);
    CHECK_MSG(small > 0, "regions that started with fewer than 3 members: %d (the case under test)", small);
    scenario_free(&sc);
}

/* A regional task is planned for all its partners (S1, S19): its streams absorb partners / 2 times
 * an ordinary opportunity's hours a week. At an ordinary plan the streams together cannot deliver
 * more than c_sat x 8 x 4 h x 0.6 = 28.8 h of work a week (stream d its share q_d of that) whatever
 * the team gives, so the task could not be done in fewer than work / 28.8 weeks (reviews are off:
 * nothing rescopes it); a regional team of twelve with much slack time does it. */
static void test_regional_task_is_planned_for_its_partners(void) {
    scenario sc = load(BASE "world: {generate: {count: 12, median_employees: 300, sigma_ln: 0.8, regions: 1}}\n"
                            "parameters: {agents.slack_share: 0.6, network.cross_org_degree: 3}\n"
                            "conditions:\n  voluntary: {mandate.week: 10, mandate.voluntary: 1}\n");
    const params *p = &sc.conditions[0].p;
    double ordinary = p->c_sat * p->n_target * p->H_fte * p->plan_eff;
    CHECK(p->H_fte > 0 && p->Q_rev == 0); /* the bound's premises */
    int done = 0, faster = 0;
    for (int r = 0; r < 40; r++) {
        run_result a;
        run_simulate(&sc, 0, r, 1, &a);
        const project_record *x = find(&a, 1000000);
        if (x && x->outcome == OUTCOME_COMPLETED) {
            done++;
            faster += x->end - x->launch + 1 < x->work / ordinary;
        }
        run_result_free(&a);
    }
    CHECK_MSG(faster > 0, "regional tasks done faster than an ordinary plan allows: %d of %d completed", faster, done);
    scenario_free(&sc);
    /* A larger plan does not lift the largest team: the job bank fills a regional team to at most
     * recruit.team_max, and its top-ups stop there. */
    sc = load(BASE "world: {generate: {count: 12, median_employees: 300, sigma_ln: 0.8, regions: 1}}\n"
                   "parameters: {jobbank.on: 1, jobbank.scope: all_partners}\n"
                   "conditions:\n  voluntary: {mandate.week: 10, mandate.voluntary: 1}\n");
    int launched = 0, capped = 1;
    for (int r = 0; r < 10; r++) {
        run_result a;
        run_simulate(&sc, 0, r, 1, &a);
        const project_record *x = find(&a, 1000000);
        if (x && x->launch >= 0) launched++, capped &= x->team_peak <= (int)sc.conditions[0].p.n_max;
        run_result_free(&a);
    }
    CHECK_MSG(launched > 0 && capped, "%d regional teams launched, all within recruit.team_max: %d", launched, capped);
    scenario_free(&sc);
}

/* Formal hours a membership is paid for are worked: the state's budget adds to every mandated
 * member's week (here the negotiation weeks after the mandate, before any outcome differs), and
 * job-bank hours add to a job-bank member's work (same worlds, same draws). */
static void test_funded_hours_are_worked(void) {
    scenario sc = load("horizon: 14\nseed: 77\nreplicates: 1\n"
                       "world: {generate: {count: 6, median_employees: 300, sigma_ln: 0.8, regions: 1}}\n"
                       "conditions:\n  mandate: {mandate.week: 10, mandate.budget_hours: 0}\n"
                       "  funded: {mandate.week: 10, mandate.budget_hours: 4}\n");
    for (int r = 0; r < 3; r++) {
        run_result a, b;
        run_simulate(&sc, 0, r, 1, &a);
        run_simulate(&sc, 1, r, 1, &b);
        const project_record *x = find(&a, 1000000), *y = find(&b, 1000000);
        CHECK(x && y && x->team_launch == y->team_launch);
        CHECK_MSG(x && y && y->hours_negotiation > x->hours_negotiation * 1.5, "negotiation hours %.1f vs %.1f",
                  y ? y->hours_negotiation : 0, x ? x->hours_negotiation : 0);
        run_result_free(&a), run_result_free(&b);
    }
    scenario_free(&sc);
    sc = load("horizon: 60\nseed: 77\nreplicates: 1\nparameters: { formation: network_first }\n"
              "conditions:\n  jobbank: {jobbank.on: 1, jobbank.hours: 4}\n  more: {jobbank.on: 1, jobbank.hours: 8}\n");
    double work[2] = {0};
    for (int r = 0; r < 4; r++)
        for (int c = 0; c < 2; c++) {
            run_result a;
            run_simulate(&sc, c, r, 1, &a);
            for (int i = 0; i < a.n_projects; i++) work[c] += a.projects[i].hours_work;
            run_result_free(&a);
        }
    CHECK_MSG(work[1] > work[0] * 1.05, "work with job-bank hours 8: %.0f h, 4: %.0f h", work[1], work[0]);
    scenario_free(&sc);
}

/* Job-bank members are paid formal hours (so they can sit idle), volunteers are not; personal
 * invitations (nudge) add members; a failure-tolerant culture sets every organisation's tolerance. */
static void test_jobbank_nudge_culture(void) {
    scenario sc = load(BASE "conditions:\n  base: {}\n  jobbank: {jobbank.on: 1}\n"
                            "  nudge: {nudge.invitees: 5, nudge.threshold_drop: 1}\n  culture: {culture.failure_tolerance: 0.8}\n");
    int idle_base = 0, idle_jb = 0;
    double team[3] = {0};
    int launched[3] = {0};
    for (int r = 0; r < 5; r++) {
        run_result res[3];
        for (int c = 0; c < 3; c++) {
            run_simulate(&sc, c, r, 1, &res[c]);
            for (int i = 0; i < res[c].n_projects; i++) {
                const project_record *x = &res[c].projects[i];
                if (x->launch < 0) continue;
                team[c] += x->team_launch;
                launched[c]++;
                if (c == 0) idle_base += x->hours_idle > 0;
                if (c == 1) idle_jb += x->hours_idle > 0;
            }
            run_result_free(&res[c]);
        }
    }
    CHECK(idle_base == 0 && idle_jb > 0);
    CHECK_MSG(team[2] / launched[2] > team[0] / launched[0] + 1, "nudged teams %.2f vs %.2f", team[2] / launched[2],
              team[0] / launched[0]);
    /* culture: every organisation's tolerance is 0.8 (the baseline draws them) */
    for (int c = 0; c < 4; c += 3) {
        model m;
        memset(&m, 0, sizeof m);
        m.sc = &sc;
        m.p = &sc.conditions[c].p;
        m.seed = sc.seed;
        m.T = sc.horizon;
        m.r = rng_alloc();
        m.decay_T = xcalloc((size_t)m.T + 2, sizeof(double));
        world_build(&m);
        int all = 1;
        for (int o = 0; o < m.n_orgs; o++) all &= m.orgs[o].psi == 0.8;
        CHECK(c == 3 ? all : !all);
        world_free(&m);
        free(m.decay_T);
        rng_free(m.r);
    }
    scenario_free(&sc);
}

/* Job-bank sign-up needs hours: with no job-bank hours and 2% slack nobody signs up, and the run
 * is the baseline's. A leader from inside the domains is the champion and adds no novelty. Team
 * fit at launch is recorded for launched collaborations only; the cross-department tie density
 * is a share. */
static void test_signup_leader_fit(void) {
    scenario sc = load(BASE "parameters: { formation: network_first, agents.slack_share: 0.02 }\n"
                            "conditions:\n  base: {}\n  jobbank: {jobbank.on: 1, jobbank.hours: 0}\n"
                            "  inside: {leadership.cross_domain: 1, leadership.leader: inside}\n");
    for (int r = 0; r < 2; r++) {
        run_result a, b, c;
        run_simulate(&sc, 0, r, 1, &a);
        run_simulate(&sc, 1, r, 1, &b);
        run_simulate(&sc, 2, r, 1, &c);
        CHECK(agree_until(&a, &b) == a.horizon);
        int same_potential = 1, led = 0, fit_ok = 1;
        for (int i = 0; i < c.n_projects; i++) {
            const project_record *x = &c.projects[i], *y = find(&a, x->id);
            same_potential &= x->potential == y->potential;
            led += x->launch >= 0 && x->champion;
            fit_ok &= x->launch >= 0 ? x->fit_launch > 0 && x->fit_launch <= 1 : isnan(x->fit_launch);
        }
        CHECK(same_potential);
        CHECK(led > 0);
        CHECK(fit_ok);
        double d0 = a.summary[SUM_ties_cross_department_0], d1 = a.summary[SUM_ties_cross_department_end];
        CHECK(d0 > 0 && d0 < 1 && d1 > 0 && d1 < 1);
        run_result_free(&a), run_result_free(&b), run_result_free(&c);
    }
    scenario_free(&sc);
}

int main(void) {
    test_signup_leader_fit();
    test_jobbank_nudge_culture();
    test_off_by_default();
    test_nothing_before_the_week();
    test_shared_draws();
    test_champion_and_cross_domain();
    test_designated_later_keeps_the_chair();
    test_review_handover_revival();
    test_crisis();
    test_mandate();
    test_what_not_how_reaches_its_deadline();
    test_funded_hours_are_worked();
    test_regional_task_is_planned_for_its_partners();
    return TEST_REPORT("intervention");
}
