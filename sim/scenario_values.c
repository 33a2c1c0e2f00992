/* scenario_values: the values of a scenario file: numbers, booleans, words and identifiers, each
 * checked against the parameter table with a did-you-mean for misspellings, and the parameter
 * overrides (`parameters:` and condition maps) they make. */
#include "scenario.h"
#include "scenario_internal.h"
#include "error.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Helpers for interpretation */


/* How far a misspelling may be from a word to be suggested. */
static int near_enough(const char *typed, int d) {
    int len = (int)strlen(typed);
    return d <= (len < 6 ? 1 : len / 3);
}

/* The closest of a NULL-terminated list of words, or NULL. */
const char *suggest_word(const char *typed, const char *const *words) {
    const char *best = NULL;
    int bestd = 1 << 30;
    for (int i = 0; words[i]; i++) {
        int d = params_edit_distance(typed, words[i]);
        if (d < bestd) bestd = d, best = words[i];
    }
    return best && near_enough(typed, bestd) ? best : NULL;
}

/* Write " (did you mean 'X'?)" or nothing. */
void mean_text(char *buf, size_t n, const char *s) {
    if (s) snprintf(buf, n, " (did you mean '%s'?)", s);
    else if (n) buf[0] = '\0';
}

/* Does some parameter key start with `prefix` followed by a dot? */
int scenario_is_group(const char *prefix) {
    size_t len = strlen(prefix);
    if (!len) return 0;
    for (int i = 0; i < PARAMS_COUNT; i++)
        if (strncmp(params_table[i].key, prefix, len) == 0 && params_table[i].key[len] == '.') return 1;
    return 0;
}

/* The group (a proper dotted prefix of some key) closest to `typed`, copied into buf. */
static const char *suggest_group(const char *typed, char *buf, size_t n) {
    int bestd = 1 << 30;
    for (int i = 0; i < PARAMS_COUNT; i++) {
        const char *k = params_table[i].key;
        for (const char *dot = strchr(k, '.'); dot; dot = strchr(dot + 1, '.')) {
            char g[KEY_MAX];
            snprintf(g, sizeof g, "%.*s", (int)(dot - k), k);
            int d = params_edit_distance(typed, g);
            if (d < bestd) {
                bestd = d;
                snprintf(buf, n, "%s", g);
            }
        }
    }
    return bestd < (1 << 30) && near_enough(typed, bestd) ? buf : NULL;
}

/* "got ..." text for a value node. */
const char *got_text(const node *v, char *buf, size_t n) {
    if (v->kind == N_MAP) return "a mapping";
    if (v->kind == N_SEQ) return "a sequence";
    if (is_null(v)) return "nothing";
    const char *ell = v->len > 40 ? "..." : "";
    if (!v->plain) {
        snprintf(buf, n, "string \"%.40s%s\"", v->str, ell);
        return buf;
    }
    char *end;
    strtod(v->str, &end);
    if (end == v->str + v->len && v->len > 0) snprintf(buf, n, "%.40s%s", v->str, ell);
    else snprintf(buf, n, "\"%.40s%s\"", v->str, ell);
    return buf;
}

/* A plain scalar that is a number in full ("0.5x", "high" and quoted "0.5" are not). */
int scalar_number(const node *v, double *x) {
    if (v->kind != N_SCALAR || !v->plain || v->len == 0) return 0;
    if (v->str[0] == ' ' || v->str[0] == '\t') return 0;
    char *end;
    errno = 0;
    double d = strtod(v->str, &end);
    if (end != v->str + v->len) return 0;
    *x = d;
    return 1;
}

int scalar_bool(const node *v, double *x) {
    static const char *const t[] = {"true", "True", "TRUE"}, *const fl[] = {"false", "False", "FALSE"};
    if (v->kind != N_SCALAR || !v->plain) return 0;
    for (int i = 0; i < 3; i++) {
        if (strcmp(v->str, t[i]) == 0) return *x = 1, 1;
        if (strcmp(v->str, fl[i]) == 0) return *x = 0, 1;
    }
    return 0;
}

/* The words of a CHOICE row as "a, b, c". */
static void choice_list(const param_info *pi, char *buf, size_t n) {
    size_t k = 0;
    buf[0] = '\0';
    for (const char *s = pi->unit; *s && k + 1 < n; s++) {
        if (*s == '|') {
            if (k + 2 >= n) break;
            buf[k++] = ',';
            buf[k++] = ' ';
        } else {
            buf[k++] = *s;
        }
    }
    buf[k] = '\0';
}

/* Convert a value node for parameter pi. On failure writes "'key': expected ..., got ..." into msg. */
int param_value(const param_info *pi, const node *v, double *out, char *msg, size_t mn) {
    char got[128];
    if (pi->type == PARAM_CHOICE) {
        char words[256];
        choice_list(pi, words, sizeof words);
        if (v->kind == N_SCALAR && !is_null(v)) {
            int idx = params_choice_index(pi, v->str);
            if (idx >= 0) {
                *out = idx;
                return 0;
            }
            const char *list[65];
            char wb[64][64];
            int nw = 0;
            for (; nw <= (int)pi->hi && nw < 64; nw++) list[nw] = params_choice_word(pi, nw, wb[nw], sizeof wb[nw]);
            list[nw] = NULL;
            char mean[96];
            mean_text(mean, sizeof mean, suggest_word(v->str, list));
            snprintf(msg, mn, "'%s': expected one of %s, got %s%s", pi->key, words, got_text(v, got, sizeof got),
                     mean);
            return -1;
        }
        snprintf(msg, mn, "'%s': expected one of %s, got %s", pi->key, words, got_text(v, got, sizeof got));
        return -1;
    }
    int is_bool = pi->type == PARAM_INT && strcmp(pi->unit, "bool") == 0;
    double x;
    if (scalar_number(v, &x) || (is_bool && scalar_bool(v, &x))) {
        const char *m = params_check(pi, x);
        if (!m) {
            *out = x;
            return 0;
        }
        snprintf(msg, mn, "'%s': %s, got %s", pi->key, m, got_text(v, got, sizeof got));
        return -1;
    }
    if (is_bool)
        snprintf(msg, mn, "'%s': expected true or false (or 0 or 1), got %s", pi->key, got_text(v, got, sizeof got));
    else
        snprintf(msg, mn, "'%s': expected %s in [%g, %g], got %s", pi->key,
                 pi->type == PARAM_REAL ? "a number" : "a whole number", pi->lo, pi->hi, got_text(v, got, sizeof got));
    return -1;
}

/* A number within [lo, hi] (or (lo, hi] when lo_open), whole if asked. `expect` describes it. */
int get_number(ctx *c, const sfile *f, const node *v, const char *what, const char *expect, double lo,
                      double hi, int lo_open, int whole, double *out) {
    double x;
    char got[128];
    if (!scalar_number(v, &x) || !isfinite(x) || (whole && x != floor(x)) || (lo_open ? x <= lo : x < lo) || x > hi)
        return err_node(c, f, v, "%s: expected %s, got %s", what, expect, got_text(v, got, sizeof got));
    *out = x;
    return 0;
}

int get_string(ctx *c, const sfile *f, const node *v, const char *what, size_t maxlen, char *out,
                      size_t on) {
    char got[128];
    if (v->kind != N_SCALAR || is_null(v))
        return err_node(c, f, v, "'%s': expected a string, got %s", what, got_text(v, got, sizeof got));
    if (v->len > maxlen) return err_node(c, f, v, "'%s': longer than %zu characters", what, maxlen);
    for (size_t i = 0; i < v->len; i++)
        if ((unsigned char)v->str[i] < 0x20 && v->str[i] != '\t')
            return err_node(c, f, v, "'%s': control characters are not allowed", what);
    snprintf(out, on, "%s", v->str);
    return 0;
}

int scenario_valid_ident(const char *s) {
    if (!*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '.' || *s == '-'))
            return 0;
    return 1;
}

/* A name of [A-Za-z0-9_.-], at most 63 characters. */
int get_ident(ctx *c, const sfile *f, const node *v, const char *what, char *out) {
    char got[128];
    if (v->kind != N_SCALAR || is_null(v) || v->len == 0)
        return err_node(c, f, v, "%s: expected a name, got %s", what, got_text(v, got, sizeof got));
    if (v->len >= SCENARIO_NAME_MAX)
        return err_node(c, f, v, "%s: '%.40s...' is longer than %d characters", what, v->str, SCENARIO_NAME_MAX - 1);
    if (!scenario_valid_ident(v->str))
        return err_node(c, f, v, "%s: '%s' may contain only letters, digits, '_', '.' and '-'", what, v->str);
    snprintf(out, SCENARIO_NAME_MAX, "%s", v->str);
    return 0;
}

int expect_map(ctx *c, const sfile *f, const node *v, const char *what, const char *hint) {
    char got[128];
    if (v->kind == N_MAP) return 0;
    return err_node(c, f, v, "'%s': expected a mapping%s, got %s", what, hint, got_text(v, got, sizeof got));
}

/* ---------------------------------------------------------------------------------------------
 * Parameter overrides */



void ov_apply(const ovlist *l, params *p) {
    for (int i = 0; i < l->n; i++) params_set(p, l->o[i].pi, l->o[i].v);
}

int param_map(ctx *c, const sfile *f, const node *m, const char *prefix, const char *where, ovlist *ol);

/* One key: value of a parameters block (or of a condition), under `prefix` ("" or "group."). */
int param_pair(ctx *c, const sfile *f, const node *k, const node *v, const char *prefix, const char *where,
                      ovlist *ol) {
    char full[KEY_MAX], mean[KEY_MAX + 32], gbuf[KEY_MAX], got[128];
    if (strlen(prefix) + k->len >= sizeof full)
        return err_node(c, f, k, "unknown key '%.60s...' in %s", k->str, where);
    snprintf(full, sizeof full, "%s%s", prefix, k->str);
    const param_info *pi = params_find(full);
    if (v->kind == N_MAP) {
        if (scenario_is_group(full)) {
            char sub[KEY_MAX + 1];
            snprintf(sub, sizeof sub, "%s.", full);
            return param_map(c, f, v, sub, where, ol);
        }
        if (pi) return err_node(c, f, v, "'%s': expected a single value, got a mapping", full);
        mean_text(mean, sizeof mean, suggest_group(full, gbuf, sizeof gbuf));
        return err_node(c, f, k, "unknown key '%s' in %s%s", full, where, mean);
    }
    if (!pi) {
        if (scenario_is_group(full))
            return err_node(c, f, v, "'%s' is a group of parameters: expected a mapping such as { key: value }, got %s",
                            full, got_text(v, got, sizeof got));
        const param_info *s = params_suggest(full);
        mean_text(mean, sizeof mean, s ? s->key : NULL);
        return err_node(c, f, k, "unknown key '%s' in %s%s", full, where, mean);
    }
    char msg[512];
    double x;
    if (param_value(pi, v, &x, msg, sizeof msg)) return err_node(c, f, v, "%s", msg);
    for (int i = 0; i < ol->n; i++)
        if (ol->o[i].pi == pi)
            return err_node(c, f, k, "duplicate key '%s' (first at %d:%d)", full, ol->o[i].line, ol->o[i].col);
    if (ol->n == ol->cap) {
        ol->cap = ol->cap ? 2 * ol->cap : 16;
        ol->o = xrealloc(ol->o, (size_t)ol->cap * sizeof *ol->o);
    }
    ol->o[ol->n++] = (ovr){pi, x, k->line, k->col};
    return 0;
}

int param_map(ctx *c, const sfile *f, const node *m, const char *prefix, const char *where, ovlist *ol) {
    for (int i = 0; i < npairs(m); i++)
        if (param_pair(c, f, pkey(m, i), pval(m, i), prefix, where, ol)) return -1;
    return 0;
}

int unknown_key(ctx *c, const sfile *f, const node *k, const char *where, const char *const *allowed) {
    char mean[128];
    mean_text(mean, sizeof mean, suggest_word(k->str, allowed));
    return err_node(c, f, k, "unknown key '%.80s' in %s%s", k->str, where, mean);
}
