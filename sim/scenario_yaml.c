/* scenario_yaml: the first phase of loading a scenario: a file's text parsed with libyaml's event
 * API into a small node tree that remembers the line and column of every key and value. YAML
 * syntax errors, aliases, tags, duplicate keys, excessive nesting and oversized values are
 * rejected here, each as one message "FILE:LINE:COL: message". */
#include "scenario.h"
#include "scenario_internal.h"
#include "error.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

/* ---------------------------------------------------------------------------------------------
 * The node tree */

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

const node *scenario_map_get(const node *m, const char *key) {
    for (int i = 0; i < npairs(m); i++)
        if (strcmp(pkey(m, i)->str, key) == 0) return pval(m, i);
    return NULL;
}

int scenario_is_null(const node *n) {
    return n->kind == N_SCALAR && n->plain &&
           (n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
            strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0);
}

/* ---------------------------------------------------------------------------------------------
 * Files and errors */

static int verr_at(ctx *c, const char *file, int line, int col, const char *fmt, va_list ap) {
    if (c->err && c->n) {
        int k = snprintf(c->err, c->n, "%s:%d:%d: ", file, line, col);
        if (k >= 0 && (size_t)k < c->n) vsnprintf(c->err + k, c->n - (size_t)k, fmt, ap);
    }
    return -1;
}

__attribute__((format(printf, 5, 6))) int scenario_err_at(ctx *c, const sfile *f, int line, int col,
                                                        const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    verr_at(c, f->path, line, col, fmt, ap);
    va_end(ap);
    return -1;
}

/* Error at a node's position. */
__attribute__((format(printf, 4, 5))) int scenario_err_node(ctx *c, const sfile *f, const node *n,
                                                          const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    verr_at(c, f->path, n ? n->line : 1, n ? n->col : 1, fmt, ap);
    va_end(ap);
    return -1;
}

void scenario_sfile_free(sfile *f) {
    free(f->path);
    free(f->text);
    node_free(f->root);
    memset(f, 0, sizeof *f);
}

/* Read a whole file (at most MAX_FILE_BYTES). On failure returns -1 with the reason in why. */
int scenario_read_file(const char *path, sfile *f, char *why, size_t wn) {
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

static int keyref_cmp(const void *a, const void *b) {
    const keyref *x = a, *y = b;
    int c = strcmp(x->s, y->s);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Find the earliest repeated string. Sorts r. Returns 1 and sets *dup (the repetition) and
 * *first (its first occurrence) when there is one. */
int scenario_find_dup(keyref *r, int n, keyref *dup, keyref *first) {
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
    if (scenario_find_dup(r, np, &dup, &first))
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
int scenario_parse_tree(ctx *c, sfile *f) {
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

