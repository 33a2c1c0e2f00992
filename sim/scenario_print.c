/* scenario_print: a resolved scenario written back as YAML (what `samen check` prints): header
 * keys, world, design, record, and for each condition the parameters that differ from the
 * defaults, with its events as comments. The output loads back to the same scenario. */
#include "scenario.h"
#include "scenario_internal.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_quoted(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') fprintf(f, "\\%c", ch);
        else if (ch < 0x20 || ch == 0x7f) fprintf(f, "\\x%02x", ch);
        else fputc(ch, f);
    }
    fputc('"', f);
}

/* A string as a YAML scalar: plain when it is a simple word that no YAML reader takes for
 * something else, otherwise double-quoted. */
static void print_str(FILE *f, const char *s) {
    static const char *const special[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", NULL};
    int plain = ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_') && scenario_valid_ident(s);
    for (int i = 0; plain && special[i]; i++) {
        size_t k = 0;
        while (special[i][k] && s[k] && (s[k] | 0x20) == special[i][k]) k++;
        if (!special[i][k] && !s[k]) plain = 0;
    }
    if (plain) fputs(s, f);
    else print_quoted(f, s);
}

static void print_num(FILE *f, double v) {
    char buf[64];
    if (v == floor(v) && fabs(v) < 1e15) snprintf(buf, sizeof buf, "%.0f", v);
    else {
        snprintf(buf, sizeof buf, "%.6g", v);
        if (strtod(buf, NULL) != v) snprintf(buf, sizeof buf, "%.17g", v);
    }
    fputs(buf, f);
}

void scenario_print(FILE *f, const scenario *sc) {
    fputs("name: ", f);
    print_str(f, sc->name);
    fputc('\n', f);
    if (sc->title[0]) {
        fputs("title: ", f);
        print_quoted(f, sc->title);
        fputc('\n', f);
    }
    fprintf(f, "horizon: %d\nseed: %lu\nreplicates: %d\n", sc->horizon, (unsigned long)sc->seed, sc->replicates);
    fputs("world:\n", f);
    if (sc->n_orgs > 0) fputs("  organisations:\n", f);
    for (int i = 0; i < sc->n_orgs; i++) {
        const org_spec *o = &sc->orgs[i];
        fputs("    - { name: ", f);
        print_str(f, o->name);
        fputs(", employees: ", f);
        print_num(f, o->employees);
        if (o->power != o->employees) {
            fputs(", power: ", f);
            print_num(f, o->power);
        }
        if (o->failure_tolerance >= 0) {
            fputs(", failure_tolerance: ", f);
            print_num(f, o->failure_tolerance);
        }
        if (o->region) fprintf(f, ", region: %d", o->region);
        if (o->kind != ORG_MUNICIPALITY && o->kind >= 0 && o->kind < N_ORG_KINDS)
            fprintf(f, ", kind: %s", scenario_org_kind_words[o->kind]);
        if (o->province >= 0 && o->province < sc->n_orgs) {
            fputs(", province: ", f);
            print_str(f, sc->orgs[o->province].name);
        }
        fputs(" }\n", f);
    }
    if (sc->gen.count > 0) {
        fprintf(f, "  generate: { count: %d, median_employees: ", sc->gen.count);
        print_num(f, sc->gen.median_employees);
        fputs(", sigma_ln: ", f);
        print_num(f, sc->gen.sigma_ln);
        fprintf(f, ", regions: %d }\n", sc->gen.regions);
    }
    const design *d = &sc->design;
    if (d->method == DESIGN_GRID) {
        fputs("sweep:\n", f);
        for (int k = 0; k < d->n_factors; k++) {
            fprintf(f, "  %s: [", d->factor[k].pi->key);
            for (int j = 0; j < d->factor[k].n_values; j++) {
                char v[64];
                params_format(d->factor[k].pi, d->factor[k].values[j], v, sizeof v);
                fprintf(f, "%s%s", j ? ", " : "", v);
            }
            fputs("]\n", f);
        }
    } else if (d->method != DESIGN_NONE) {
        fprintf(f, "sample:\n  method: %s\n  points: %d  # %d design points\n  ranges:\n", design_method_names[d->method],
                d->n, d->n_points);
        for (int k = 0; k < d->n_factors; k++) {
            char lo[64], hi[64];
            params_format(d->factor[k].pi, d->factor[k].lo, lo, sizeof lo);
            params_format(d->factor[k].pi, d->factor[k].hi, hi, sizeof hi);
            fprintf(f, "    %s: [%s, %s]\n", d->factor[k].pi->key, lo, hi);
        }
    }
    if (sc->record_every != 1 || !sc->record_projects) {
        fputs("record: {", f);
        if (sc->record_every > 0) fprintf(f, " every: %d,", sc->record_every);
        fprintf(f, " series: %s, projects: %s }\n", sc->record_every > 0 ? "true" : "false",
                sc->record_projects ? "true" : "false");
    }
    fputs("conditions:\n", f);
    for (int i = 0; i < sc->n_conditions; i++) {
        const condition *cd = &sc->conditions[i];
        /* Events are already in the parameters below; the comments say where they came from. */
        for (int k = 0; k < cd->n_events; k++) fprintf(f, "  # event: %s\n", cd->events[k].text);
        fputs("  ", f);
        print_str(f, cd->name);
        fputc(':', f);
        int any = 0;
        for (int k = 0; k < PARAMS_COUNT; k++) {
            const param_info *pi = &params_table[k];
            double v = params_get(&cd->p, pi);
            if (v == pi->def) continue;
            char buf[64];
            params_format(pi, v, buf, sizeof buf);
            fprintf(f, "\n    %s: %s", pi->key, buf);
            any = 1;
        }
        fputs(any ? "\n" : " {}\n", f);
    }
}

