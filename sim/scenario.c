/* scenario: load a scenario file (YAML) into a resolved `scenario`.
 *
 * Two phases. First every file of the extends chain is read and parsed with libyaml's event API
 * into a small node tree that remembers the line and column of every key and value; YAML syntax
 * errors, aliases, tags, duplicate keys, excessive nesting and oversized values are rejected
 * here. Then the trees are interpreted root first: header keys, world, parameters and conditions
 * are checked against the parameter table (params.def) and merged. Every error is one message
 * "FILE:LINE:COL: message" with 1-based line and column. */
#include "scenario.h"
#include "error.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

enum {
    MAX_FILE_BYTES = 4 << 20, /* larger scenario files are refused */
    MAX_SCALAR = 4096,        /* longest key or value */
    MAX_DEPTH = 32,           /* deepest nesting of mappings and sequences */
    MAX_EXTENDS = 16,         /* longest extends chain (files beyond the main one) */
    MAX_CONDITIONS = 10000,
    MAX_ORGS = 100000,
    KEY_MAX = 256             /* longest dotted parameter key we look up */
};

#define DEFAULT_HORIZON 260
#define DEFAULT_SEED 1
#define DEFAULT_REPLICATES 100

/* ---------------------------------------------------------------------------------------------
 * The node tree */

typedef enum { N_SCALAR, N_MAP, N_SEQ } nkind;

typedef struct node {
    nkind kind;
    int line, col;      /* 1-based */
    int plain;          /* scalar written without quotes (numbers, words, booleans, null) */
    char *str;          /* scalar text, NUL-terminated */
    size_t len;
    struct node **kid;  /* mapping: key, value, key, value, ...; sequence: the items */
    int n, cap;
} node;

static node *node_new(nkind k, yaml_mark_t m) {
    node *n = xcalloc(1, sizeof *n);
    n->kind = k;
    n->line = (int)m.line + 1;
    n->col = (int)m.column + 1;
    return n;
}

static void node_free(node *n) {
    if (!n) return;
    for (int i = 0; i < n->n; i++) node_free(n->kid[i]);
    free(n->kid);
    free(n->str);
    free(n);
}

static void node_add(node *p, node *k) {
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 8;
        p->kid = xrealloc(p->kid, (size_t)p->cap * sizeof *p->kid);
    }
    p->kid[p->n++] = k;
}

static int npairs(const node *m) { return m->n / 2; }
static const node *pkey(const node *m, int i) { return m->kid[2 * i]; }
static const node *pval(const node *m, int i) { return m->kid[2 * i + 1]; }

static const node *map_get(const node *m, const char *key) {
    for (int i = 0; i < npairs(m); i++)
        if (strcmp(pkey(m, i)->str, key) == 0) return pval(m, i);
    return NULL;
}

static int is_null(const node *n) {
    return n->kind == N_SCALAR && n->plain &&
           (n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
            strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}

/* ---------------------------------------------------------------------------------------------
 * Files and errors */

typedef struct sfile {
    char *path;          /* as shown in messages */
    char *text;          /* NUL-terminated */
    size_t len;
    node *root;
    const node *extends; /* value of the `extends` key, or NULL */
    int has_id;          /* dev/ino known (a real file) */
    dev_t dev;
    ino_t ino;
} sfile;

typedef struct ctx {
    char *err;
    size_t n;
} ctx;

static int verr_at(ctx *c, const char *file, int line, int col, const char *fmt, va_list ap) {
    if (c->err && c->n) {
        int k = snprintf(c->err, c->n, "%s:%d:%d: ", file, line, col);
        if (k >= 0 && (size_t)k < c->n) vsnprintf(c->err + k, c->n - (size_t)k, fmt, ap);
    }
    return -1;
}

__attribute__((format(printf, 5, 6))) static int err_at(ctx *c, const sfile *f, int line, int col,
                                                        const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    verr_at(c, f->path, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

/* Error at a node's position. */
__attribute__((format(printf, 4, 5))) static int err_node(ctx *c, const sfile *f, const node *n,
                                                          const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    verr_at(c, f->path, n ? n->line : 1, n ? n->col : 1, fmt, ap);
    va_end(ap);
    return -1;
}

static void sfile_free(sfile *f) {
    free(f->path);
    free(f->text);
    node_free(f->root);
    memset(f, 0, sizeof *f);
}

/* Read a whole file (at most MAX_FILE_BYTES). On failure returns -1 with the reason in why. */
static int read_file(const char *path, sfile *f, char *why, size_t wn) {
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        snprintf(why, wn, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            fclose(fp);
            snprintf(why, wn, "%s", strerror(EISDIR));
            return -1;
        }
        f->has_id = 1;
        f->dev = st.st_dev;
        f->ino = st.st_ino;
    }
    size_t cap = 0, len = 0;
    char *buf = NULL;
    while (len <= (size_t)MAX_FILE_BYTES) {
        if (len == cap) {
            cap = cap ? 2 * cap : 65536;
            if (cap > (size_t)MAX_FILE_BYTES + 1) cap = (size_t)MAX_FILE_BYTES + 1;
            buf = xrealloc(buf, cap + 1);
        }
        size_t k = fread(buf + len, 1, cap - len, fp);
        if (k == 0) break;
        len += k;
    }
    int bad = ferror(fp);
    int e = errno;
    fclose(fp);
    if (bad) {
        free(buf);
        snprintf(why, wn, "%s", strerror(e));
        return -1;
    }
    if (len > (size_t)MAX_FILE_BYTES) {
        free(buf);
        snprintf(why, wn, "file too large (more than 4 MiB)");
        return -1;
    }
    if (!buf) buf = xmalloc(1);
    buf[len] = '\0';
    f->text = buf;
    f->len = len;
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Phase 1: YAML text -> node tree */

typedef struct keyref {
    const char *s;
    int i;          /* position in document order */
    int line, col;
} keyref;

static int keyref_cmp(const void *a, const void *b) {
    const keyref *x = a, *y = b;
    int c = strcmp(x->s, y->s);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Find the earliest repeated string. Sorts r. Returns 1 and sets *dup (the repetition) and
 * *first (its first occurrence) when there is one. */
static int find_dup(keyref *r, int n, keyref *dup, keyref *first) {
    if (n < 2) return 0;
    qsort(r, (size_t)n, sizeof *r, keyref_cmp);
    int found = 0;
    for (int i = 0; i < n;) {
        int j = i + 1;
        while (j < n && strcmp(r[j].s, r[i].s) == 0) j++;
        if (j - i > 1 && (!found || r[i + 1].i < dup->i)) {
            *dup = r[i + 1];
            *first = r[i];
            found = 1;
        }
        i = j;
    }
    return found;
}

static int check_map_dups(ctx *c, const sfile *f, const node *m) {
    int np = npairs(m);
    if (np < 2) return 0;
    keyref *r = xmalloc((size_t)np * sizeof *r);
    for (int i = 0; i < np; i++) r[i] = (keyref){pkey(m, i)->str, i, pkey(m, i)->line, pkey(m, i)->col};
    keyref dup, first;
    int rc = 0;
    if (find_dup(r, np, &dup, &first))
        rc = err_at(c, f, dup.line, dup.col, "duplicate key '%s' (first at %d:%d)", dup.s, first.line, first.col);
    free(r);
    return rc;
}

static void offset_to_linecol(const sfile *f, size_t off, int *line, int *col) {
    int l = 1, cl = 1;
    for (size_t i = 0; i < off && i < f->len; i++) {
        if (f->text[i] == '\n') l++, cl = 1;
        else cl++;
    }
    *line = l;
    *col = cl;
}

static int syntax_error(ctx *c, const sfile *f, const yaml_parser_t *p) {
    int line = 1, col = 1;
    const char *problem = p->problem ? p->problem : "unknown problem";
    if (p->error == YAML_READER_ERROR) {
        offset_to_linecol(f, p->problem_offset, &line, &col);
        if (p->problem_value >= 0)
            return err_at(c, f, line, col, "cannot read the text: %s (#x%X)", problem, (unsigned)p->problem_value);
        return err_at(c, f, line, col, "cannot read the text: %s", problem);
    }
    if (p->error == YAML_MEMORY_ERROR) return err_at(c, f, 1, 1, "out of memory while parsing YAML");
    line = (int)p->problem_mark.line + 1;
    col = (int)p->problem_mark.column + 1;
    if (p->context)
        return err_at(c, f, line, col, "YAML syntax error: %s %s (started at %d:%d)", problem, p->context,
                      (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
    return err_at(c, f, line, col, "YAML syntax error: %s", problem);
}

static int check_anchor_tag(ctx *c, const sfile *f, const yaml_event_t *ev, const yaml_char_t *anchor,
                            const yaml_char_t *tag) {
    int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
    if (anchor) return err_at(c, f, line, col, "YAML anchors (&%s) and aliases are not supported", (const char *)anchor);
    if (tag) return err_at(c, f, line, col, "YAML tags (%s) are not supported", (const char *)tag);
    return 0;
}

/* Parse f->text into f->root (NULL for an empty stream). */
static int parse_tree(ctx *c, sfile *f) {
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) return err_at(c, f, 1, 1, "cannot initialise the YAML parser");
    yaml_parser_set_input_string(&p, (const unsigned char *)f->text, f->len);
    node *stack[MAX_DEPTH + 1];
    int depth = 0, docs = 0, rc = 0;
    node *root = NULL;
    for (;;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            rc = syntax_error(c, f, &p);
            break;
        }
        int done = ev.type == YAML_STREAM_END_EVENT;
        int line = (int)ev.start_mark.line + 1, col = (int)ev.start_mark.column + 1;
        node *nn = NULL;
        switch (ev.type) {
        case YAML_DOCUMENT_START_EVENT:
            if (docs++) rc = err_at(c, f, line, col, "only one YAML document is allowed in a scenario file");
            break;
        case YAML_ALIAS_EVENT:
            rc = err_at(c, f, line, col, "YAML aliases (*%s) are not supported", (const char *)ev.data.alias.anchor);
            break;
        case YAML_SCALAR_EVENT:
            rc = check_anchor_tag(c, f, &ev, ev.data.scalar.anchor, ev.data.scalar.tag);
            if (rc) break;
            if (ev.data.scalar.length > MAX_SCALAR) {
                rc = err_at(c, f, line, col, "value too long (%zu bytes; at most %d)", ev.data.scalar.length,
                            MAX_SCALAR);
                break;
            }
            if (memchr(ev.data.scalar.value, 0, ev.data.scalar.length)) {
                rc = err_at(c, f, line, col, "NUL characters are not allowed in a value");
                break;
            }
            nn = node_new(N_SCALAR, ev.start_mark);
            nn->len = ev.data.scalar.length;
            nn->str = xmalloc(nn->len + 1);
            memcpy(nn->str, ev.data.scalar.value, nn->len);
            nn->str[nn->len] = '\0';
            nn->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
            break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            int seq = ev.type == YAML_SEQUENCE_START_EVENT;
            rc = check_anchor_tag(c, f, &ev, seq ? ev.data.sequence_start.anchor : ev.data.mapping_start.anchor,
                                  seq ? ev.data.sequence_start.tag : ev.data.mapping_start.tag);
            if (rc) break;
            if (depth >= MAX_DEPTH) {
                rc = err_at(c, f, line, col, "nesting deeper than %d levels", MAX_DEPTH);
                break;
            }
            nn = node_new(seq ? N_SEQ : N_MAP, ev.start_mark);
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            depth--;
            if (stack[depth]->kind == N_MAP) rc = check_map_dups(c, f, stack[depth]);
            break;
        default:
            break;
        }
        if (nn) {
            if (depth == 0) {
                root = nn;
            } else {
                node *parent = stack[depth - 1];
                if (parent->kind == N_MAP && parent->n % 2 == 0 && nn->kind != N_SCALAR) {
                    rc = err_at(c, f, nn->line, nn->col, "a key must be a plain word, not a %s",
                                nn->kind == N_MAP ? "mapping" : "sequence");
                    node_free(nn);
                    nn = NULL;
                } else {
                    node_add(parent, nn);
                }
            }
            if (nn && nn->kind != N_SCALAR) stack[depth++] = nn;
        }
        yaml_event_delete(&ev);
        if (rc || done) break;
    }
    yaml_parser_delete(&p);
    if (rc) {
        node_free(root);
        return -1;
    }
    f->root = root;
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Helpers for interpretation */

static int edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 99;
    int d[64][64];
    for (size_t i = 0; i <= la; i++) d[i][0] = (int)i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = (int)j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < v) v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

/* How far a misspelling may be from a word to be suggested. */
static int near_enough(const char *typed, int d) {
    int len = (int)strlen(typed);
    return d <= (len < 6 ? 1 : len / 3);
}

/* The closest of a NULL-terminated list of words, or NULL. */
static const char *suggest_word(const char *typed, const char *const *words) {
    const char *best = NULL;
    int bestd = 1 << 30;
    for (int i = 0; words[i]; i++) {
        int d = edit_distance(typed, words[i]);
        if (d < bestd) bestd = d, best = words[i];
    }
    return best && near_enough(typed, bestd) ? best : NULL;
}

/* Write " (did you mean 'X'?)" or nothing. */
static void mean_text(char *buf, size_t n, const char *s) {
    if (s) snprintf(buf, n, " (did you mean '%s'?)", s);
    else if (n) buf[0] = '\0';
}

/* Does some parameter key start with `prefix` followed by a dot? */
static int is_group(const char *prefix) {
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
            int d = edit_distance(typed, g);
            if (d < bestd) {
                bestd = d;
                snprintf(buf, n, "%s", g);
            }
        }
    }
    return bestd < (1 << 30) && near_enough(typed, bestd) ? buf : NULL;
}

/* "got ..." text for a value node. */
static const char *got_text(const node *v, char *buf, size_t n) {
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
static int scalar_number(const node *v, double *x) {
    if (v->kind != N_SCALAR || !v->plain || v->len == 0) return 0;
    if (v->str[0] == ' ' || v->str[0] == '\t') return 0;
    char *end;
    errno = 0;
    double d = strtod(v->str, &end);
    if (end != v->str + v->len) return 0;
    *x = d;
    return 1;
}

static int scalar_bool(const node *v, double *x) {
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
static int param_value(const param_info *pi, const node *v, double *out, char *msg, size_t mn) {
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
static int get_number(ctx *c, const sfile *f, const node *v, const char *what, const char *expect, double lo,
                      double hi, int lo_open, int whole, double *out) {
    double x;
    char got[128];
    if (!scalar_number(v, &x) || !isfinite(x) || (whole && x != floor(x)) || (lo_open ? x <= lo : x < lo) || x > hi)
        return err_node(c, f, v, "%s: expected %s, got %s", what, expect, got_text(v, got, sizeof got));
    *out = x;
    return 0;
}

static int get_string(ctx *c, const sfile *f, const node *v, const char *what, size_t maxlen, char *out,
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

static int valid_ident(const char *s) {
    if (!*s) return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_' ||
              *s == '.' || *s == '-'))
            return 0;
    return 1;
}

/* A name of [A-Za-z0-9_.-], at most 63 characters. */
static int get_ident(ctx *c, const sfile *f, const node *v, const char *what, char *out) {
    char got[128];
    if (v->kind != N_SCALAR || is_null(v) || v->len == 0)
        return err_node(c, f, v, "%s: expected a name, got %s", what, got_text(v, got, sizeof got));
    if (v->len >= SCENARIO_NAME_MAX)
        return err_node(c, f, v, "%s: '%.40s...' is longer than %d characters", what, v->str, SCENARIO_NAME_MAX - 1);
    if (!valid_ident(v->str))
        return err_node(c, f, v, "%s: '%s' may contain only letters, digits, '_', '.' and '-'", what, v->str);
    snprintf(out, SCENARIO_NAME_MAX, "%s", v->str);
    return 0;
}

static int expect_map(ctx *c, const sfile *f, const node *v, const char *what, const char *hint) {
    char got[128];
    if (v->kind == N_MAP) return 0;
    return err_node(c, f, v, "'%s': expected a mapping%s, got %s", what, hint, got_text(v, got, sizeof got));
}

/* ---------------------------------------------------------------------------------------------
 * Parameter overrides */

typedef struct ovr {
    const param_info *pi;
    double v;
    int line, col; /* of the key */
} ovr;

typedef struct ovlist {
    ovr *o;
    int n, cap;
} ovlist;

static void ov_apply(const ovlist *l, params *p) {
    for (int i = 0; i < l->n; i++) params_set(p, l->o[i].pi, l->o[i].v);
}

static int param_map(ctx *c, const sfile *f, const node *m, const char *prefix, const char *where, ovlist *ol);

/* One key: value of a parameters block (or of a condition), under `prefix` ("" or "group."). */
static int param_pair(ctx *c, const sfile *f, const node *k, const node *v, const char *prefix, const char *where,
                      ovlist *ol) {
    char full[KEY_MAX], mean[KEY_MAX + 32], gbuf[KEY_MAX], got[128];
    if (strlen(prefix) + k->len >= sizeof full)
        return err_node(c, f, k, "unknown key '%.60s...' in %s", k->str, where);
    snprintf(full, sizeof full, "%s%s", prefix, k->str);
    const param_info *pi = params_find(full);
    if (v->kind == N_MAP) {
        if (is_group(full)) {
            char sub[KEY_MAX + 1];
            snprintf(sub, sizeof sub, "%s.", full);
            return param_map(c, f, v, sub, where, ol);
        }
        if (pi) return err_node(c, f, v, "'%s': expected a single value, got a mapping", full);
        mean_text(mean, sizeof mean, suggest_group(full, gbuf, sizeof gbuf));
        return err_node(c, f, k, "unknown key '%s' in %s%s", full, where, mean);
    }
    if (!pi) {
        if (is_group(full))
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

static int param_map(ctx *c, const sfile *f, const node *m, const char *prefix, const char *where, ovlist *ol) {
    for (int i = 0; i < npairs(m); i++)
        if (param_pair(c, f, pkey(m, i), pval(m, i), prefix, where, ol)) return -1;
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Phase 2: interpretation, root file first */

typedef struct cond_tmp {
    char name[SCENARIO_NAME_MAX];
    ovlist ov;
    const sfile *f;
    int line, col;
} cond_tmp;

typedef struct state {
    int have_name;
    char name[SCENARIO_NAME_MAX];
    char title[256];
    int horizon, replicates;
    uint32_t seed;
    int have_world;
    org_spec *orgs;
    int n_orgs;
    world_gen gen;
    params base;
    const sfile *params_f; /* the last file with `parameters` and its key's position */
    int params_line, params_col;
    int have_conds;
    cond_tmp *conds;
    int n_conds;
} state;

static void free_conds(cond_tmp *cs, int n) {
    for (int i = 0; i < n; i++) free(cs[i].ov.o);
    free(cs);
}

static const char *const top_keys[] = {"name",  "title",      "extends",    "horizon", "seed",
                                       "replicates", "world", "parameters", "conditions", NULL};
static const char *const world_keys[] = {"organisations", "generate", NULL};
static const char *const org_keys[] = {"name", "employees", "power", "failure_tolerance", "region", NULL};
static const char *const gen_keys[] = {"count", "median_employees", "sigma_ln", "regions", NULL};

static int unknown_key(ctx *c, const sfile *f, const node *k, const char *where, const char *const *allowed) {
    char mean[128];
    mean_text(mean, sizeof mean, suggest_word(k->str, allowed));
    return err_node(c, f, k, "unknown key '%.80s' in %s%s", k->str, where, mean);
}

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
        } else {
            return unknown_key(c, f, k, where, org_keys);
        }
    }
    if (o->power < 0) o->power = o->employees;
    return 0;
}

static int parse_world(ctx *c, const sfile *f, const node *key, const node *v, state *st) {
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
    if ((long)n + gen.count < 2) {
        free(orgs);
        return err_node(c, f, key, "world: at least 2 organisations are needed (named and generated), got %ld",
                        (long)n + gen.count);
    }
    free(st->orgs);
    st->orgs = orgs;
    st->n_orgs = n;
    st->gen = gen;
    st->have_world = 1;
    return 0;
}

static int parse_conditions(ctx *c, const sfile *f, const node *v, state *st) {
    if (expect_map(c, f, v, "conditions", " of condition name -> parameter overrides")) return -1;
    int n = npairs(v);
    if (n == 0) return err_node(c, f, v, "'conditions': expected at least one condition");
    if (n > MAX_CONDITIONS) return err_node(c, f, v, "'conditions': more than %d conditions", MAX_CONDITIONS);
    cond_tmp *cs = xcalloc((size_t)n, sizeof *cs);
    for (int i = 0; i < n; i++) {
        const node *k = pkey(v, i), *w = pval(v, i);
        cond_tmp *ct = &cs[i];
        ct->f = f;
        ct->line = k->line;
        ct->col = k->col;
        if (get_ident(c, f, k, "condition name", ct->name)) goto fail;
        if (is_null(w)) continue;
        char where[96], got[128];
        snprintf(where, sizeof where, "condition '%s'", ct->name);
        if (w->kind != N_MAP) {
            err_node(c, f, w, "condition '%s': expected a mapping of parameter overrides, got %s", ct->name,
                     got_text(w, got, sizeof got));
            goto fail;
        }
        for (int j = 0; j < npairs(w); j++) {
            const node *ck = pkey(w, j), *cv = pval(w, j);
            if (strcmp(ck->str, "description") == 0) {
                char desc[256];
                if (get_string(c, f, cv, "description", 255, desc, sizeof desc)) goto fail;
                continue;
            }
            if (param_pair(c, f, ck, cv, "", where, &ct->ov)) goto fail;
        }
    }
    if (st->have_conds) free_conds(st->conds, st->n_conds);
    st->conds = cs;
    st->n_conds = n;
    st->have_conds = 1;
    return 0;
fail:
    free_conds(cs, n);
    return -1;
}

static int process_file(ctx *c, const sfile *f, int is_main, state *st) {
    const node *root = f->root;
    char tmp[SCENARIO_NAME_MAX];
    double x;
    for (int i = 0; i < npairs(root); i++) {
        const node *k = pkey(root, i), *v = pval(root, i);
        const char *key = k->str;
        if (strcmp(key, "name") == 0) {
            if (get_ident(c, f, v, "'name'", tmp)) return -1;
            /* The name belongs to the file given: a parent's name is checked but not inherited. */
            if (is_main) {
                memcpy(st->name, tmp, sizeof st->name);
                st->have_name = 1;
            }
        } else if (strcmp(key, "title") == 0) {
            if (get_string(c, f, v, "title", 255, st->title, sizeof st->title)) return -1;
        } else if (strcmp(key, "extends") == 0) {
            /* followed while the files were read */
        } else if (strcmp(key, "horizon") == 0) {
            if (get_number(c, f, v, "'horizon'", "a whole number of weeks in [1, 5200]", 1, 5200, 0, 1, &x)) return -1;
            st->horizon = (int)x;
        } else if (strcmp(key, "seed") == 0) {
            if (get_number(c, f, v, "'seed'", "a whole number in [0, 4294967295]", 0, 4294967295.0, 0, 1, &x)) return -1;
            st->seed = (uint32_t)x;
        } else if (strcmp(key, "replicates") == 0) {
            if (get_number(c, f, v, "'replicates'", "a whole number in [1, 1000000]", 1, 1e6, 0, 1, &x)) return -1;
            st->replicates = (int)x;
        } else if (strcmp(key, "world") == 0) {
            if (parse_world(c, f, k, v, st)) return -1;
        } else if (strcmp(key, "parameters") == 0) {
            if (is_null(v)) continue;
            if (expect_map(c, f, v, "parameters", " of parameter keys such as network.cross_org_degree")) return -1;
            ovlist ol = {0};
            if (param_map(c, f, v, "", "parameters", &ol)) {
                free(ol.o);
                return -1;
            }
            ov_apply(&ol, &st->base);
            free(ol.o);
            st->params_f = f;
            st->params_line = k->line;
            st->params_col = k->col;
        } else if (strcmp(key, "conditions") == 0) {
            if (parse_conditions(c, f, v, st)) return -1;
        } else {
            const char *s = suggest_word(key, top_keys);
            if (!s && (params_find(key) || is_group(key)))
                return err_node(c, f, k,
                                "unknown key '%s' at the top level (model parameters go under 'parameters:' or "
                                "inside a condition)",
                                key);
            char mean[128];
            mean_text(mean, sizeof mean, s);
            return err_node(c, f, k, "unknown top-level key '%.80s'%s", key, mean);
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Reading the extends chain */

static char *resolve_path(const char *base, const char *rel) {
    if (rel[0] == '/') return xstrdup(rel);
    const char *slash = strrchr(base, '/');
    size_t dl = slash ? (size_t)(slash - base + 1) : 0;
    size_t rl = strlen(rel);
    char *p = xmalloc(dl + rl + 1);
    memcpy(p, base, dl);
    memcpy(p + dl, rel, rl + 1);
    return p;
}

static int same_file(const sfile *a, const sfile *b) {
    if (a->has_id && b->has_id) return a->dev == b->dev && a->ino == b->ino;
    return strcmp(a->path, b->path) == 0;
}

/* files[0] holds the main file's path and text. Parses it and every file it extends. */
static int load_chain(ctx *c, sfile *files, int *nf) {
    *nf = 1;
    for (int i = 0;; i++) {
        sfile *f = &files[i];
        if (parse_tree(c, f)) return -1;
        const node *root = f->root;
        if (!root || is_null(root))
            return err_at(c, f, 1, 1,
                            "empty scenario: expected a mapping of scenario keys (name, horizon, parameters, "
                            "conditions, ...)");
        if (root->kind != N_MAP) {
            char got[128];
            return err_node(c, f, root,
                            "expected a mapping of scenario keys (name, horizon, parameters, conditions, ...) at the "
                            "top level, got %s",
                            got_text(root, got, sizeof got));
        }
        const node *ext = map_get(root, "extends");
        if (!ext) return 0;
        char got[128];
        if (ext->kind != N_SCALAR || is_null(ext) || ext->len == 0)
            return err_node(c, f, ext, "'extends': expected a file name, got %s", got_text(ext, got, sizeof got));
        f->extends = ext;
        if (i + 1 > MAX_EXTENDS)
            return err_node(c, f, ext, "'extends': more than %d levels of extends", MAX_EXTENDS);
        sfile *parent = &files[i + 1];
        char why[128];
        char *ppath = resolve_path(f->path, ext->str);
        if (read_file(ppath, parent, why, sizeof why)) {
            err_node(c, f, ext, "extends: cannot read '%s': %s", ppath, why);
            free(ppath);
            return -1;
        }
        parent->path = ppath;
        *nf = i + 2;
        for (int k = 0; k <= i; k++) {
            if (!same_file(&files[k], parent)) continue;
            /* Report at the extends of the file where the cycle starts. */
            char chain[1024];
            size_t len = 0;
            chain[0] = '\0';
            for (int j = k; j <= i + 1; j++) {
                int w = snprintf(chain + len, sizeof chain - len, "%s%s", j > k ? " -> " : "", files[j].path);
                if (w < 0 || (size_t)w >= sizeof chain - len) break;
                len += (size_t)w;
            }
            return err_node(c, &files[k], files[k].extends, "cyclic extends: %s", chain);
        }
    }
}

/* ---------------------------------------------------------------------------------------------
 * Public API */

static void default_name(const char *path, char *out) {
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t len = strlen(b);
    if (len > 5 && strcmp(b + len - 5, ".yaml") == 0) len -= 5;
    else if (len > 4 && strcmp(b + len - 4, ".yml") == 0) len -= 4;
    if (len > SCENARIO_NAME_MAX - 1) len = SCENARIO_NAME_MAX - 1;
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = b[i];
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                 ch == '.' || ch == '-';
        if (ok) out[k++] = ch;
        else if (k && out[k - 1] != '_') out[k++] = '_';
    }
    while (k && out[k - 1] == '_') k--;
    out[k] = '\0';
    if (!k) snprintf(out, SCENARIO_NAME_MAX, "scenario");
}

/* The whole load, from files[0] (path and text already set). Frees the files. */
static int load_files(ctx *c, sfile *files, scenario *sc, const char *given_path) {
    int nf = 0, rc = -1;
    state st;
    memset(&st, 0, sizeof st);
    memset(sc, 0, sizeof *sc);
    if (load_chain(c, files, &nf)) goto out;

    st.horizon = DEFAULT_HORIZON;
    st.seed = DEFAULT_SEED;
    st.replicates = DEFAULT_REPLICATES;
    params_defaults(&st.base);
    for (int i = nf - 1; i >= 0; i--)
        if (process_file(c, &files[i], i == 0, &st)) goto out;

    if (!st.have_world) {
        st.n_orgs = 2;
        st.orgs = xcalloc(2, sizeof *st.orgs);
        const char *names[2] = {"Zeist", "Oss"};
        const double emp[2] = {550, 800};
        for (int i = 0; i < 2; i++) {
            snprintf(st.orgs[i].name, sizeof st.orgs[i].name, "%s", names[i]);
            st.orgs[i].employees = st.orgs[i].power = emp[i];
            st.orgs[i].failure_tolerance = -1;
        }
        st.gen = (world_gen){0, 0, 0.7, 1};
    }
    if (!st.have_conds) {
        st.n_conds = 1;
        st.conds = xcalloc(1, sizeof *st.conds);
        snprintf(st.conds[0].name, sizeof st.conds[0].name, "baseline");
        st.conds[0].f = st.params_f ? st.params_f : &files[0];
        st.conds[0].line = st.params_f ? st.params_line : 1;
        st.conds[0].col = st.params_f ? st.params_col : 1;
        st.have_conds = 1;
    }

    const char *base_bad = params_check_all(&st.base);
    char base_msg[256];
    snprintf(base_msg, sizeof base_msg, "%s", base_bad ? base_bad : "");
    sc->conditions = xcalloc((size_t)st.n_conds, sizeof *sc->conditions);
    sc->n_conditions = st.n_conds;
    for (int i = 0; i < st.n_conds; i++) {
        condition *cd = &sc->conditions[i];
        memcpy(cd->name, st.conds[i].name, sizeof cd->name);
        cd->p = st.base;
        ov_apply(&st.conds[i].ov, &cd->p);
        const char *m = params_check_all(&cd->p);
        if (!m) continue;
        if (base_bad && strcmp(m, base_msg) == 0 && st.params_f) {
            err_at(c, st.params_f, st.params_line, st.params_col, "parameters: %s", m);
        } else {
            err_at(c, st.conds[i].f, st.conds[i].line, st.conds[i].col, "condition '%s': %s", cd->name, m);
        }
        goto out;
    }

    if (st.have_name) memcpy(sc->name, st.name, sizeof sc->name);
    else default_name(files[0].path, sc->name);
    memcpy(sc->title, st.title, sizeof sc->title);
    sc->horizon = st.horizon;
    sc->seed = st.seed;
    sc->replicates = st.replicates;
    sc->n_orgs = st.n_orgs;
    sc->orgs = st.orgs;
    st.orgs = NULL;
    sc->gen = st.gen;
    sc->path = given_path ? xstrdup(given_path) : NULL;

    size_t total = 0;
    for (int i = 0; i < nf; i++) total += files[i].len + (i ? strlen(files[i].path) + 32 : 0);
    sc->text = xmalloc(total + 1);
    size_t len = 0;
    for (int i = 0; i < nf; i++) {
        if (i) len += (size_t)sprintf(sc->text + len, "\n# --- file: %s ---\n", files[i].path);
        memcpy(sc->text + len, files[i].text, files[i].len);
        len += files[i].len;
    }
    sc->text[len] = '\0';
    rc = 0;
out:
    if (rc) scenario_free(sc);
    free(st.orgs);
    if (st.conds) free_conds(st.conds, st.n_conds);
    for (int i = 0; i < nf; i++) sfile_free(&files[i]);
    return rc;
}

int scenario_load(const char *path, scenario *sc, char *err, size_t n) {
    ctx c = {err, n};
    sfile files[MAX_EXTENDS + 1];
    memset(files, 0, sizeof files);
    memset(sc, 0, sizeof *sc);
    char why[128];
    files[0].path = xstrdup(path);
    if (read_file(path, &files[0], why, sizeof why)) {
        err_at(&c, &files[0], 1, 1, "cannot read: %s", why);
        sfile_free(&files[0]);
        return -1;
    }
    return load_files(&c, files, sc, path);
}

int scenario_load_text(const char *name, const char *text, scenario *sc, char *err, size_t n) {
    ctx c = {err, n};
    sfile files[MAX_EXTENDS + 1];
    memset(files, 0, sizeof files);
    memset(sc, 0, sizeof *sc);
    size_t len = strlen(text);
    files[0].path = xstrdup(name);
    if (len > (size_t)MAX_FILE_BYTES) {
        err_at(&c, &files[0], 1, 1, "cannot read: file too large (more than 4 MiB)");
        sfile_free(&files[0]);
        return -1;
    }
    files[0].text = xmalloc(len + 1);
    memcpy(files[0].text, text, len + 1);
    files[0].len = len;
    return load_files(&c, files, sc, NULL);
}

int scenario_load_default(scenario *sc, char *err, size_t n) {
    return scenario_load_text("<default>", scenario_default_text, sc, err, n);
}

int scenario_apply_set(scenario *sc, const char *assignment, char *err, size_t n) {
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment) {
        if (err && n) snprintf(err, n, "--set %s: expected KEY=VALUE", assignment);
        return -1;
    }
    char key[KEY_MAX];
    size_t kl = (size_t)(eq - assignment);
    if (kl >= sizeof key) kl = sizeof key - 1;
    memcpy(key, assignment, kl);
    key[kl] = '\0';
    const char *val = eq + 1;
    node v = {.kind = N_SCALAR, .plain = 1, .str = (char *)val, .len = strlen(val)};
    char msg[512], got[128];
    double x;

    if (strcmp(key, "horizon") == 0 || strcmp(key, "seed") == 0 || strcmp(key, "replicates") == 0) {
        double lo = key[0] == 'h' ? 1 : key[0] == 's' ? 0 : 1;
        double hi = key[0] == 'h' ? 5200 : key[0] == 's' ? 4294967295.0 : 1e6;
        if (!scalar_number(&v, &x) || !isfinite(x) || x != floor(x) || x < lo || x > hi) {
            if (err && n)
                snprintf(err, n, "--set %s: '%s': expected a whole number in [%.0f, %.0f], got %s", assignment, key, lo,
                         hi, got_text(&v, got, sizeof got));
            return -1;
        }
        if (key[0] == 'h') sc->horizon = (int)x;
        else if (key[0] == 's') sc->seed = (uint32_t)x;
        else sc->replicates = (int)x;
        return 0;
    }

    const param_info *pi = params_find(key);
    if (!pi) {
        const param_info *s = params_suggest(key);
        char mean[KEY_MAX + 32];
        mean_text(mean, sizeof mean, s ? s->key : NULL);
        if (err && n) snprintf(err, n, "--set %s: unknown parameter '%s'%s", assignment, key, mean);
        return -1;
    }
    if (param_value(pi, &v, &x, msg, sizeof msg)) {
        if (err && n) snprintf(err, n, "--set %s: %s", assignment, msg);
        return -1;
    }
    for (int i = 0; i < sc->n_conditions; i++) params_set(&sc->conditions[i].p, pi, x);
    return 0;
}

int scenario_check_sets(const scenario *sc, char *err, size_t n) {
    for (int i = 0; i < sc->n_conditions; i++) {
        const char *m = params_check_all(&sc->conditions[i].p);
        if (m) {
            if (err && n) snprintf(err, n, "--set: condition '%s': %s", sc->conditions[i].name, m);
            return -1;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------------
 * Printing */

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
    int plain = ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_') && valid_ident(s);
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
        fputs(" }\n", f);
    }
    if (sc->gen.count > 0) {
        fprintf(f, "  generate: { count: %d, median_employees: ", sc->gen.count);
        print_num(f, sc->gen.median_employees);
        fputs(", sigma_ln: ", f);
        print_num(f, sc->gen.sigma_ln);
        fprintf(f, ", regions: %d }\n", sc->gen.regions);
    }
    fputs("conditions:\n", f);
    for (int i = 0; i < sc->n_conditions; i++) {
        const condition *cd = &sc->conditions[i];
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

void scenario_free(scenario *sc) {
    if (!sc) return;
    free(sc->path);
    free(sc->text);
    free(sc->orgs);
    free(sc->conditions);
    memset(sc, 0, sizeof *sc);
}
