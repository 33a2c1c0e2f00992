/* scenario_world: the `world:` section of a scenario (named organisations with their kind, power,
 * region and province; or a generated population), and the checks of parameters that name an
 * organisation against the world. */
#include "scenario.h"
#include "scenario_internal.h"
#include "error.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const world_keys[] = {"organisations", "generate", NULL};
static const char *const org_keys[] = {"name",   "employees", "power", "failure_tolerance",
                                       "region", "kind",      "province", NULL};
const char *const scenario_org_kind_words[] = {"municipality", "province", "other", NULL};
static const char *const gen_keys[] = {"count", "median_employees", "sigma_ln", "regions", NULL};


static int parse_org(ctx *c, const sfile *f, const node *m, int idx, org_spec *o) {
    char what[96], where[96];
    snprintf(where, sizeof where, "organisation %d", idx + 1);
    if (expect_map(c, f, m, where, " such as { name: Zeist, employees: 550 }")) return -1;
    const node *name = map_get(m, "name"), *emp = map_get(m, "employees");
    if (!name) return err_node(c, f, m, "organisation %d: missing 'name'", idx + 1);
    if (!emp) return err_node(c, f, m, "organisation %d: missing 'employees'", idx + 1);
    memset(o, 0, sizeof *o);
    o->failure_tolerance = -1;
    o->power = -1;
    o->kind = ORG_MUNICIPALITY;
    o->province = -1; /* resolved by name once the whole list is read */
    for (int i = 0; i < npairs(m); i++) {
        const node *k = pkey(m, i), *v = pval(m, i);
        double x;
        if (strcmp(k->str, "name") == 0) {
            if (get_string(c, f, v, "name", SCENARIO_NAME_MAX - 1, o->name, sizeof o->name)) return -1;
            if (!o->name[0]) return err_node(c, f, v, "organisation %d: 'name' must not be empty", idx + 1);
            continue;
        }
        snprintf(what, sizeof what, "organisation %d: '%.40s'", idx + 1, k->str);
        if (strcmp(k->str, "employees") == 0) {
            if (get_number(c, f, v, what, "a number in (0, 10000000]", 0, 1e7, 1, 0, &o->employees)) return -1;
        } else if (strcmp(k->str, "power") == 0) {
            if (get_number(c, f, v, what, "a number > 0", 0, HUGE_VAL, 1, 0, &o->power)) return -1;
        } else if (strcmp(k->str, "failure_tolerance") == 0) {
            if (get_number(c, f, v, what, "a number in [0, 1]", 0, 1, 0, 0, &o->failure_tolerance)) return -1;
        } else if (strcmp(k->str, "region") == 0) {
            if (get_number(c, f, v, what, "a whole number in [0, 1000000]", 0, 1e6, 0, 1, &x)) return -1;
            o->region = (int)x;
        } else if (strcmp(k->str, "kind") == 0) {
            int kind = -1;
            char got[128], mean[96];
            for (int w = 0; scenario_org_kind_words[w]; w++)
                if (v->kind == N_SCALAR && strcmp(v->str, scenario_org_kind_words[w]) == 0) kind = w;
            if (kind < 0) {
                mean_text(mean, sizeof mean, v->kind == N_SCALAR ? suggest_word(v->str, scenario_org_kind_words) : NULL);
                return err_node(c, f, v, "%s: expected one of municipality, province, other, got %s%s", what,
                                got_text(v, got, sizeof got), mean);
            }
            o->kind = kind;
        } else if (strcmp(k->str, "province") == 0) {
            char pname[SCENARIO_NAME_MAX];
            if (get_string(c, f, v, "province", SCENARIO_NAME_MAX - 1, pname, sizeof pname)) return -1;
        } else {
            return unknown_key(c, f, k, where, org_keys);
        }
    }
    if (o->power < 0) o->power = o->employees;
    return 0;
}

typedef struct name_ix {
    const char *name;
    int i;
} name_ix;

static int name_ix_cmp(const void *a, const void *b) {
    return strcmp(((const name_ix *)a)->name, ((const name_ix *)b)->name);
}

/* `province: NAME` names another organisation of the same list, of kind province. */
static int resolve_provinces(ctx *c, const sfile *f, const node *list, org_spec *orgs, int n) {
    name_ix *ix = NULL;
    int rc = 0;
    for (int j = 0; j < n && !rc; j++) {
        const node *pv = map_get(list->kid[j], "province");
        if (!pv) continue;
        if (!ix) {
            ix = xmalloc((size_t)n * sizeof *ix);
            for (int i = 0; i < n; i++) ix[i] = (name_ix){orgs[i].name, i};
            qsort(ix, (size_t)n, sizeof *ix, name_ix_cmp);
        }
        name_ix key = {pv->str, 0};
        const name_ix *hit = bsearch(&key, ix, (size_t)n, sizeof *ix, name_ix_cmp);
        if (!hit) {
            const char **prov = xmalloc((size_t)(n + 1) * sizeof *prov);
            int np = 0;
            for (int i = 0; i < n; i++)
                if (orgs[i].kind == ORG_PROVINCE) prov[np++] = orgs[i].name;
            prov[np] = NULL;
            char mean[128];
            mean_text(mean, sizeof mean, suggest_word(pv->str, prov));
            rc = err_node(c, f, pv, "organisation %d: 'province': no organisation named '%.63s'%s", j + 1, pv->str,
                          mean);
            free(prov);
        } else if (orgs[hit->i].kind != ORG_PROVINCE) {
            rc = err_node(c, f, pv, "organisation %d: 'province': '%s' is of kind %s, not a province", j + 1,
                          orgs[hit->i].name, scenario_org_kind_words[orgs[hit->i].kind]);
        } else if (orgs[j].kind == ORG_PROVINCE) {
            rc = err_node(c, f, pv, "organisation %d: 'province': a province does not lie in another province", j + 1);
        } else {
            orgs[j].province = hit->i;
        }
    }
    free(ix);
    return rc;
}

/* The `world:` key: named organisations and/or a generated population. On success replaces *orgs,
 * *n_orgs and *gen (freeing the previous list); on error leaves them as they were and returns -1. */
int parse_world(ctx *c, const sfile *f, const node *key, const node *v, org_spec **orgs_out, int *n_out,
                world_gen *gen_out) {
    if (expect_map(c, f, v, "world", " with 'organisations' and/or 'generate'")) return -1;
    org_spec *orgs = NULL;
    int n = 0;
    world_gen gen = {0, 0, 0.7, 1};
    const node *orgs_node = NULL;
    for (int i = 0; i < npairs(v); i++) {
        const node *k = pkey(v, i), *w = pval(v, i);
        char got[128];
        if (strcmp(k->str, "organisations") == 0) {
            if (w->kind != N_SEQ) {
                free(orgs);
                return err_node(c, f, w, "'organisations': expected a sequence of { name: ..., employees: ... }, got %s",
                                got_text(w, got, sizeof got));
            }
            if (w->n > MAX_ORGS) {
                free(orgs);
                return err_node(c, f, w, "'organisations': more than %d organisations", MAX_ORGS);
            }
            free(orgs);
            orgs_node = w;
            n = w->n;
            orgs = xcalloc((size_t)(n ? n : 1), sizeof *orgs);
            for (int j = 0; j < n; j++)
                if (parse_org(c, f, w->kid[j], j, &orgs[j])) {
                    free(orgs);
                    return -1;
                }
        } else if (strcmp(k->str, "generate") == 0) {
            if (expect_map(c, f, w, "generate", " such as { count: 40, median_employees: 500 }")) {
                free(orgs);
                return -1;
            }
            int have_count = 0, have_median = 0;
            for (int j = 0; j < npairs(w); j++) {
                const node *gk = pkey(w, j), *gv = pval(w, j);
                char what[64];
                double x;
                int bad = 0;
                snprintf(what, sizeof what, "generate: '%.40s'", gk->str);
                if (strcmp(gk->str, "count") == 0) {
                    bad = get_number(c, f, gv, what, "a whole number in [0, 100000]", 0, 1e5, 0, 1, &x);
                    if (!bad) gen.count = (int)x;
                    have_count = 1;
                } else if (strcmp(gk->str, "median_employees") == 0) {
                    bad = get_number(c, f, gv, what, "a number in (0, 10000000]", 0, 1e7, 1, 0, &gen.median_employees);
                    have_median = 1;
                } else if (strcmp(gk->str, "sigma_ln") == 0) {
                    bad = get_number(c, f, gv, what, "a number in [0, 10]", 0, 10, 0, 0, &gen.sigma_ln);
                } else if (strcmp(gk->str, "regions") == 0) {
                    bad = get_number(c, f, gv, what, "a whole number in [1, 100000]", 1, 1e5, 0, 1, &x);
                    if (!bad) gen.regions = (int)x;
                } else {
                    bad = unknown_key(c, f, gk, "generate", gen_keys);
                }
                if (bad) {
                    free(orgs);
                    return -1;
                }
            }
            if (!have_count || (gen.count > 0 && !have_median)) {
                free(orgs);
                return err_node(c, f, w, "generate: missing '%s'", have_count ? "median_employees" : "count");
            }
        } else {
            free(orgs);
            return unknown_key(c, f, k, "world", world_keys);
        }
    }
    if (n > 1) {
        keyref *r = xmalloc((size_t)n * sizeof *r);
        for (int j = 0; j < n; j++) {
            const node *nv = map_get(orgs_node->kid[j], "name");
            r[j] = (keyref){orgs[j].name, j, nv->line, nv->col};
        }
        keyref dup, first;
        int bad = find_dup(r, n, &dup, &first);
        free(r);
        if (bad) {
            err_at(c, f, dup.line, dup.col, "duplicate organisation name '%s' (first at %d:%d)", dup.s, first.line,
                   first.col);
            free(orgs);
            return -1;
        }
    }
    if (n > 0 && resolve_provinces(c, f, orgs_node, orgs, n)) {
        free(orgs);
        return -1;
    }
    if ((long)n + gen.count < 2) {
        free(orgs);
        return err_node(c, f, key, "world: at least 2 organisations are needed (named and generated), got %ld",
                        (long)n + gen.count);
    }
    free(*orgs_out);
    *orgs_out = orgs;
    *n_out = n;
    *gen_out = gen;
    return 0;
}

/* Checks of parameters against the world (NULL when fine): an index of an organisation must name
 * one the world has. */
const char *world_check(const params *p, long n_world, char *buf, size_t n) {
    if (p->crisis_origin >= (double)n_world) {
        snprintf(buf, n, "crisis.origin = %d, but the world has %ld organisations (expected -1 or 0 to %ld)",
                 (int)p->crisis_origin, n_world, n_world - 1);
        return buf;
    }
    return NULL;
}
