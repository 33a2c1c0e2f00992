/* scenario_design: the experiment design of a scenario (`sweep:` a grid, `sample:` a Latin
 * hypercube, Sobol or Saltelli design over parameter ranges) and, once the scenario is resolved,
 * its points with every one checked against the parameter table (design.c draws them). */
#include "scenario.h"
#include "scenario_internal.h"
#include "error.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const sample_keys[] = {"method", "points", "ranges", NULL};
static const char *const method_words[] = {"latin_hypercube", "sobol", "saltelli", NULL};

/* The parameter a design key names, with did-you-mean. */
static const param_info *design_param(ctx *c, const sfile *f, const node *k, const char *what, const design *d) {
    const param_info *pi = params_find(k->str);
    if (!pi) {
        const param_info *s = params_suggest(k->str);
        char mean[128];
        mean_text(mean, sizeof mean, s ? s->key : NULL);
        err_node(c, f, k, "%s: unknown parameter '%.80s'%s", what, k->str, mean);
        return NULL;
    }
    for (int i = 0; i < d->n_factors; i++)
        if (d->factor[i].pi == pi) {
            err_node(c, f, k, "%s: '%s' given twice", what, pi->key);
            return NULL;
        }
    if (d->n_factors == DESIGN_MAX_FACTORS) {
        err_node(c, f, k, "%s: more than %d parameters", what, DESIGN_MAX_FACTORS);
        return NULL;
    }
    return pi;
}

/* sweep: { KEY: [value, ...], ... }: the full factorial of the listed values. */
int parse_sweep(ctx *c, const sfile *f, const node *v, design *d) {
    if (expect_map(c, f, v, "sweep", " of parameter keys to lists of values")) return -1;
    if (npairs(v) == 0) return err_node(c, f, v, "'sweep': expected at least one parameter");
    d->method = DESIGN_GRID;
    double points = 1;
    for (int i = 0; i < npairs(v); i++) {
        const node *k = pkey(v, i), *vals = pval(v, i);
        const param_info *pi = design_param(c, f, k, "sweep", d);
        if (!pi) return -1;
        char got[128], msg[512];
        if (vals->kind != N_SEQ || vals->n == 0)
            return err_node(c, f, vals, "sweep '%s': expected a list of values such as [0.25, 1], got %s", pi->key,
                            got_text(vals, got, sizeof got));
        if (vals->n > 1000) return err_node(c, f, vals, "sweep '%s': more than 1000 values", pi->key);
        design_factor *df = &d->factor[d->n_factors];
        df->pi = pi;
        df->values = xmalloc(sizeof(double) * (size_t)vals->n);
        df->n_values = 0;
        d->n_factors++;
        for (int j = 0; j < vals->n; j++) {
            double x;
            if (param_value(pi, vals->kid[j], &x, msg, sizeof msg)) return err_node(c, f, vals->kid[j], "sweep: %s", msg);
            for (int q = 0; q < df->n_values; q++)
                if (df->values[q] == x) return err_node(c, f, vals->kid[j], "sweep '%s': value listed twice", pi->key);
            df->values[df->n_values++] = x;
        }
        points *= df->n_values;
    }
    if (points > 1e6) return err_node(c, f, v, "'sweep': %.0f points; at most 1000000", points);
    return 0;
}

/* sample: { method: latin_hypercube | sobol | saltelli, points: N, ranges: { KEY: [lo, hi] } } */
int parse_sample(ctx *c, const sfile *f, const node *v, design *d) {
    if (expect_map(c, f, v, "sample", " with method, points and ranges")) return -1;
    const node *method = NULL, *points = NULL, *ranges = NULL;
    for (int i = 0; i < npairs(v); i++) {
        const node *k = pkey(v, i);
        if (strcmp(k->str, "method") == 0) method = pval(v, i);
        else if (strcmp(k->str, "points") == 0) points = pval(v, i);
        else if (strcmp(k->str, "ranges") == 0) ranges = pval(v, i);
        else {
            char mean[128];
            mean_text(mean, sizeof mean, suggest_word(k->str, sample_keys));
            return err_node(c, f, k, "unknown key '%.80s' in sample%s", k->str, mean);
        }
    }
    if (!method) return err_node(c, f, v, "'sample': 'method' is required (latin_hypercube, sobol or saltelli)");
    if (!points) return err_node(c, f, v, "'sample': 'points' is required");
    if (!ranges) return err_node(c, f, v, "'sample': 'ranges' is required");
    char got[128];
    int m = -1;
    for (int i = 0; method->kind == N_SCALAR && method_words[i]; i++)
        if (strcmp(method->str, method_words[i]) == 0) m = i;
    if (m < 0) {
        char mean[128];
        mean_text(mean, sizeof mean, method->kind == N_SCALAR ? suggest_word(method->str, method_words) : NULL);
        return err_node(c, f, method, "sample 'method': expected latin_hypercube, sobol or saltelli, got %s%s",
                        got_text(method, got, sizeof got), mean);
    }
    d->method = m == 0 ? DESIGN_LHS : m == 1 ? DESIGN_SOBOL : DESIGN_SALTELLI;
    double n;
    if (get_number(c, f, points, "sample 'points'",
                   d->method == DESIGN_SALTELLI ? "a whole number of base rows in [2, 100000]"
                                                : "a whole number of points in [2, 1000000]",
                   2, d->method == DESIGN_SALTELLI ? 1e5 : 1e6, 0, 1, &n))
        return -1;
    d->n = (int)n;
    if (expect_map(c, f, ranges, "ranges", " of parameter keys to [min, max]")) return -1;
    if (npairs(ranges) == 0) return err_node(c, f, ranges, "'ranges': expected at least one parameter");
    for (int i = 0; i < npairs(ranges); i++) {
        const node *k = pkey(ranges, i), *r = pval(ranges, i);
        const param_info *pi = design_param(c, f, k, "ranges", d);
        if (!pi) return -1;
        if (pi->type == PARAM_CHOICE)
            return err_node(c, f, k, "ranges: '%s' is a choice; vary it with sweep", pi->key);
        double lo, hi;
        if (r->kind != N_SEQ || r->n != 2)
            return err_node(c, f, r, "ranges '%s': expected [min, max], got %s", pi->key, got_text(r, got, sizeof got));
        char msg[512];
        if (param_value(pi, r->kid[0], &lo, msg, sizeof msg)) return err_node(c, f, r->kid[0], "ranges: %s", msg);
        if (param_value(pi, r->kid[1], &hi, msg, sizeof msg)) return err_node(c, f, r->kid[1], "ranges: %s", msg);
        if (!(lo < hi)) return err_node(c, f, r, "ranges '%s': min (%g) must be below max (%g)", pi->key, lo, hi);
        design_factor *df = &d->factor[d->n_factors++];
        df->pi = pi;
        df->lo = lo;
        df->hi = hi;
    }
    if (d->method == DESIGN_SOBOL && d->n_factors > 40)
        return err_node(c, f, ranges, "a Sobol design takes at most 40 parameters");
    if (d->method == DESIGN_SALTELLI && d->n_factors > 20)
        return err_node(c, f, ranges, "a Saltelli design takes at most 20 parameters");
    double total = d->method == DESIGN_SALTELLI ? (double)d->n * (d->n_factors + 2) : (double)d->n;
    if (total > 1e6) return err_node(c, f, points, "sample: %.0f points; at most 1000000", total);
    return 0;
}

int scenario_build_design(scenario *sc, char *err, size_t n) {
    design *d = &sc->design;
    if (d->method == DESIGN_NONE) {
        d->n_points = 1;
        return 0;
    }
    if (design_build(d, sc->seed, err, n)) return -1;
    for (int p = 0; p < d->n_points; p++)
        for (int c = 0; c < sc->n_conditions; c++) {
            params q = sc->conditions[c].p;
            design_apply(d, p, &q);
            const char *m = params_check_all(&q);
            if (m) {
                size_t k = (size_t)snprintf(err, n, "design point %d (", p);
                for (int f = 0; f < d->n_factors && k < n; f++) {
                    char v[64];
                    params_format(d->factor[f].pi, d->x[(size_t)p * d->n_factors + f], v, sizeof v);
                    k += (size_t)snprintf(err + k, n - k, "%s%s = %s", f ? ", " : "", d->factor[f].pi->key, v);
                }
                if (k < n) snprintf(err + k, n - k, "), condition '%s': %s", sc->conditions[c].name, m);
                return -1;
            }
        }
    return 0;
}
