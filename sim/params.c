#include "params.h"
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

const param_info params_table[PARAMS_COUNT] = {
#define SAMEN_PARAM(id_, key_, type_, def_, lo_, hi_, unit_, doc_, source_) \
    {key_, #id_, PARAM_##type_, def_, lo_, hi_, unit_, doc_, source_, offsetof(params, id_)},
#include "params.def"
#undef SAMEN_PARAM
};

void params_defaults(params *p) {
    for (int i = 0; i < PARAMS_COUNT; i++) params_set(p, &params_table[i], params_table[i].def);
}

const param_info *params_find(const char *key) {
    for (int i = 0; i < PARAMS_COUNT; i++)
        if (strcmp(params_table[i].key, key) == 0) return &params_table[i];
    return NULL;
}

int params_edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 99;
    int d[64][64];
    for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

const param_info *params_suggest(const char *key) {
    const param_info *best = NULL;
    int bestd = 1 << 30;
    const char *dot = strrchr(key, '.');
    for (int i = 0; i < PARAMS_COUNT; i++) {
        int d = params_edit_distance(key, params_table[i].key);
        /* Also match the last component alone ("cross_org_degree" -> "network.cross_org_degree"). */
        const char *pd = strrchr(params_table[i].key, '.');
        if (pd) {
            int d2 = params_edit_distance(dot ? dot + 1 : key, pd + 1) + 1;
            if (d2 < d) d = d2;
        }
        if (d < bestd) bestd = d, best = &params_table[i];
    }
    size_t len = strlen(key);
    return bestd <= 3 + (int)(len / 8) ? best : NULL;
}

double params_get(const params *p, const param_info *pi) {
    return *(const double *)((const char *)p + pi->offset);
}

void params_set(params *p, const param_info *pi, double v) { *(double *)((char *)p + pi->offset) = v; }

const char *params_check(const param_info *pi, double v) {
    static _Thread_local char msg[160];
    if (!isfinite(v)) return "expected a finite number";
    if (pi->type != PARAM_REAL && v != floor(v)) {
        snprintf(msg, sizeof msg, "expected a whole number in [%g, %g]", pi->lo, pi->hi);
        return msg;
    }
    if (v < pi->lo || v > pi->hi) {
        snprintf(msg, sizeof msg, "expected %s in [%g, %g]", pi->type == PARAM_REAL ? "a number" : "a whole number",
                 pi->lo, pi->hi);
        return msg;
    }
    return NULL;
}

const char *params_choice_word(const param_info *pi, int i, char *buf, size_t n) {
    const char *s = pi->unit;
    for (int k = 0; k < i && s; k++) {
        s = strchr(s, '|');
        if (s) s++;
    }
    if (!s) {
        snprintf(buf, n, "?");
        return buf;
    }
    size_t len = strcspn(s, "|");
    snprintf(buf, n, "%.*s", (int)len, s);
    return buf;
}

int params_choice_index(const param_info *pi, const char *word) {
    char buf[64];
    for (int i = 0; i <= (int)pi->hi; i++)
        if (strcmp(params_choice_word(pi, i, buf, sizeof buf), word) == 0) return i;
    return -1;
}

void params_format(const param_info *pi, double v, char *buf, size_t n) {
    if (pi->type == PARAM_CHOICE)
        params_choice_word(pi, (int)v, buf, n);
    else if (pi->type == PARAM_INT)
        snprintf(buf, n, "%.0f", v);
    else
    {
        snprintf(buf, n, "%.6g", v);
        if (strtod(buf, NULL) != v) snprintf(buf, n, "%.17g", v);
    }
}

const char *params_check_all(const params *p) {
    static _Thread_local char msg[200];
#define PAIR(lo, hi, klo, khi)                                                                   \
    if (p->lo > p->hi) {                                                                         \
        snprintf(msg, sizeof msg, "'%s' (%g) must not exceed '%s' (%g)", klo, p->lo, khi, p->hi); \
        return msg;                                                                              \
    }
    PAIR(w_lo, w_hi, "network.strength_min", "network.strength_max")
    PAIR(g0_lo, g0_hi, "opportunity.alignment_min", "opportunity.alignment_max")
    PAIR(dom_min, dom_max, "opportunity.domains_min", "opportunity.domains_max")
    PAIR(part_min, part_max, "opportunity.partners_min", "opportunity.partners_max")
    PAIR(drift_lo, drift_hi, "alignment.drift_min", "alignment.drift_max")
    PAIR(n_min, n_max, "recruit.team_min", "recruit.team_max")
    PAIR(dom_max, n_domains, "opportunity.domains_max", "agents.domains")
#undef PAIR
    return NULL;
}

static const char *type_name(enum param_type t) {
    return t == PARAM_REAL ? "real" : t == PARAM_INT ? "integer" : "choice";
}

/* Text for a Markdown table cell: '|' escaped. */
static void md_cell(FILE *f, const char *s) {
    for (; *s; s++) {
        if (*s == '|') fputc('\\', f);
        fputc(*s, f);
    }
}

/* One row per parameter: | `key` | [`id` |] type | default | range | unit | meaning | source | */
static void markdown_rows(FILE *f, int with_id) {
    for (int i = 0; i < PARAMS_COUNT; i++) {
        const param_info *pi = &params_table[i];
        char def[64];
        params_format(pi, pi->def, def, sizeof def);
        fprintf(f, "| `%s` | ", pi->key);
        if (with_id) fprintf(f, "`%s` | ", pi->id);
        if (pi->type == PARAM_CHOICE) {
            char words[256];
            snprintf(words, sizeof words, "%s", pi->unit);
            for (char *c = words; *c; c++)
                if (*c == '|') *c = ',';
            fprintf(f, "choice | %s | %s | – | ", def, words);
        } else {
            fprintf(f, "%s | %s | [%g, %g] | %s | ", type_name(pi->type), def, pi->lo, pi->hi, pi->unit);
        }
        md_cell(f, pi->doc);
        fputs(" | ", f);
        md_cell(f, pi->source);
        fputs(" |\n", f);
    }
}

void params_write_markdown(FILE *f) {
    fprintf(f, "# Parameter dictionary\n\n"
               "Generated by `build/samen params --markdown` from `sim/params.def`; do not edit by hand.\n"
               "Every key can be set in a scenario file (`parameters:` or a condition) or with `--set KEY=VALUE`.\n"
               "The source says where a default comes from; \"assumption\" marks a modelling default.\n\n"
               "| key | type | default | range | unit | meaning | source |\n|---|---|---|---|---|---|---|\n");
    markdown_rows(f, 0);
}

void params_write_odd(FILE *f) {
    fprintf(f, "\n<!-- generated by `build/samen params --odd` from sim/params.def (make docs); do not edit -->\n\n"
               "| key | symbol | type | default | range | unit | meaning | source |\n"
               "|---|---|---|---|---|---|---|---|\n");
    markdown_rows(f, 1);
    fputc('\n', f);
}

static void json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', f);
        fputc(*s, f);
    }
    fputc('"', f);
}

/* The shortest text that reads back as v. */
static void json_number(FILE *f, double v) {
    char buf[64];
    for (int prec = 6; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v) break;
    }
    fputs(buf, f);
}

void params_write_json_schema(FILE *f) {
    /* Indented for its place in the scenario schema (definitions > parameter > properties). */
    fprintf(f, "{");
    for (int i = 0; i < PARAMS_COUNT; i++) {
        const param_info *pi = &params_table[i];
        int is_bool = pi->type == PARAM_INT && strcmp(pi->unit, "bool") == 0;
        fprintf(f, "%s\n        ", i ? "," : "");
        json_string(f, pi->key);
        fprintf(f, ": {\"description\": ");
        if (pi->type == PARAM_CHOICE || is_bool || strcmp(pi->unit, "1") == 0) {
            json_string(f, pi->doc);
        } else {
            char doc[512];
            snprintf(doc, sizeof doc, "%s [%s]", pi->doc, pi->unit);
            json_string(f, doc);
        }
        if (pi->type == PARAM_CHOICE) {
            char buf[64];
            fprintf(f, ", \"enum\": [");
            for (int k = 0; k <= (int)pi->hi; k++) {
                fprintf(f, "%s", k ? ", " : "");
                json_string(f, params_choice_word(pi, k, buf, sizeof buf));
            }
            fprintf(f, "], \"default\": ");
            json_string(f, params_choice_word(pi, (int)pi->def, buf, sizeof buf));
        } else if (is_bool) {
            /* switches take true/false as well as 0/1 */
            fprintf(f, ", \"type\": [\"boolean\", \"integer\"], \"minimum\": 0, \"maximum\": 1, \"default\": %s",
                    pi->def ? "true" : "false");
        } else {
            fprintf(f, ", \"type\": \"%s\", \"minimum\": ", pi->type == PARAM_INT ? "integer" : "number");
            json_number(f, pi->lo);
            fprintf(f, ", \"maximum\": ");
            json_number(f, pi->hi);
            fprintf(f, ", \"default\": ");
            json_number(f, pi->def);
        }
        fprintf(f, "}");
    }
    fprintf(f, "\n      }");
}
