/* scenario: load a scenario file (YAML) into a resolved `scenario`.
 *
 * Two phases. First every file of the extends chain is read and parsed into a node tree that
 * remembers the line and column of every key and value (scenario_yaml.c). Then the trees are
 * interpreted root first (this file; values in scenario_values.c, events in scenario_events.c, the
 * world in scenario_world.c, the design in scenario_design.c): header keys, world,
 * parameters, events, design and conditions are checked against the parameter table (params.def)
 * and merged. Every error is one
 * message "FILE:LINE:COL: message" with 1-based line and column. scenario_print.c writes a
 * resolved scenario back as YAML; scenario_schema.c writes the JSON Schema of the language. */
#include "scenario.h"
#include "scenario_internal.h"
#include "error.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>


/* ---------------------------------------------------------------------------------------------
 * Phase 2: interpretation, root file first */

typedef struct cond_tmp {
    char name[SCENARIO_NAME_MAX];
    ovlist ov;
    evlist ev; /* the condition's own events */
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
    evlist top_ev;         /* the top-level events of the last file that has them */
    int have_conds;
    cond_tmp *conds;
    int n_conds;
    design design;         /* the last file's sweep: or sample: */
    const node *design_key;
    const sfile *design_f;
    int record_every, record_projects;
} state;

static void free_conds(cond_tmp *cs, int n) {
    for (int i = 0; i < n; i++) {
        free(cs[i].ov.o);
        evlist_free(&cs[i].ev);
    }
    free(cs);
}

static const char *const top_keys[] = {"name",   "title",  "extends", "horizon", "seed",   "replicates", "world",
                                       "parameters", "events", "conditions", "sweep", "sample", "record", NULL};
static const char *const record_keys[] = {"every", "series", "projects", NULL};

/* record: { every: K, series: true|false, projects: true|false } */
static int parse_record(ctx *c, const sfile *f, const node *v, state *st) {
    if (expect_map(c, f, v, "record", " with every, series and projects")) return -1;
    int series = st->record_every > 0;
    int every = st->record_every > 0 ? st->record_every : 1;
    for (int i = 0; i < npairs(v); i++) {
        const node *k = pkey(v, i), *x = pval(v, i);
        double d;
        char got[128];
        if (strcmp(k->str, "every") == 0) {
            if (get_number(c, f, x, "record 'every'", "a whole number of weeks in [1, 5200]", 1, 5200, 0, 1, &d))
                return -1;
            every = (int)d;
        } else if (strcmp(k->str, "series") == 0 || strcmp(k->str, "projects") == 0) {
            if (!scalar_bool(x, &d)) return err_node(c, f, x, "record '%s': expected true or false, got %s", k->str,
                                                    got_text(x, got, sizeof got));
            if (k->str[0] == 's') series = d != 0;
            else st->record_projects = d != 0;
        } else {
            char mean[128];
            mean_text(mean, sizeof mean, suggest_word(k->str, record_keys));
            return err_node(c, f, k, "unknown key '%.80s' in record%s", k->str, mean);
        }
    }
    st->record_every = series ? every : 0;
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
            if (strcmp(ck->str, "events") == 0) {
                if (parse_events(c, f, cv, &ct->ev)) goto fail;
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
            if (parse_world(c, f, k, v, &st->orgs, &st->n_orgs, &st->gen)) return -1;
            st->have_world = 1;
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
        } else if (strcmp(key, "events") == 0) {
            /* A file's top-level events replace its parent's. */
            evlist l = {0};
            if (parse_events(c, f, v, &l)) {
                evlist_free(&l);
                return -1;
            }
            evlist_free(&st->top_ev);
            st->top_ev = l;
        } else if (strcmp(key, "conditions") == 0) {
            if (parse_conditions(c, f, v, st)) return -1;
        } else if (strcmp(key, "sweep") == 0 || strcmp(key, "sample") == 0) {
            /* One design per scenario: a file's design replaces its parent's. */
            if (st->design_key && st->design_key != k && st->design_f == f)
                return err_node(c, f, k, "'%s': a scenario has either a sweep or a sample (the other is at %d:%d)",
                                key, st->design_key->line, st->design_key->col);
            design_free(&st->design);
            memset(&st->design, 0, sizeof st->design);
            st->design_key = k;
            st->design_f = f;
            if ((key[1] == 'w' ? parse_sweep : parse_sample)(c, f, v, &st->design)) return -1;
        } else if (strcmp(key, "record") == 0) {
            if (parse_record(c, f, v, st)) return -1;
        } else {
            const char *s = suggest_word(key, top_keys);
            if (!s && (params_find(key) || scenario_is_group(key)))
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
    st.record_every = 1;
    st.record_projects = 1;
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
            st.orgs[i].kind = ORG_MUNICIPALITY;
            st.orgs[i].province = -1;
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

    /* Events are checked once the horizon is resolved: every week inside it, one of a kind per
     * condition (counting the top-level events). */
    if (event_horizon(c, &st.top_ev, st.horizon)) goto out;
    for (int i = 0; i < st.n_conds; i++) {
        const evlist *own = &st.conds[i].ev;
        if (event_horizon(c, own, st.horizon)) goto out;
        for (int j = 0; j < own->n; j++)
            if (event_overlap(c, &st.top_ev, own, j)) goto out;
    }

    long n_world = (long)st.n_orgs + (long)st.gen.count;
    char world_why[160];
    const char *base_bad = params_check_all(&st.base);
    if (!base_bad) base_bad = world_check(&st.base, n_world, world_why, sizeof world_why);
    char base_msg[256];
    snprintf(base_msg, sizeof base_msg, "%s", base_bad ? base_bad : "");
    sc->conditions = xcalloc((size_t)st.n_conds, sizeof *sc->conditions);
    sc->n_conditions = st.n_conds;
    for (int i = 0; i < st.n_conds; i++) {
        condition *cd = &sc->conditions[i];
        memcpy(cd->name, st.conds[i].name, sizeof cd->name);
        cd->p = st.base;
        events_apply(&st.top_ev, &cd->p);
        ov_apply(&st.conds[i].ov, &cd->p);
        events_apply(&st.conds[i].ev, &cd->p);
        cd->n_events = st.top_ev.n + st.conds[i].ev.n;
        if (cd->n_events) {
            cd->events = xcalloc((size_t)cd->n_events, sizeof *cd->events);
            for (int k = 0; k < st.top_ev.n; k++) event_spec_fill(&cd->events[k], &st.top_ev.e[k]);
            for (int k = 0; k < st.conds[i].ev.n; k++)
                event_spec_fill(&cd->events[st.top_ev.n + k], &st.conds[i].ev.e[k]);
        }
        const char *m = params_check_all(&cd->p);
        if (!m) m = world_check(&cd->p, n_world, world_why, sizeof world_why);
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
    sc->design = st.design;
    memset(&st.design, 0, sizeof st.design);
    sc->record_every = st.record_every;
    sc->record_projects = st.record_projects;
    {
        char why[512];
        if (scenario_build_design(sc, why, sizeof why)) {
            err_node(c, st.design_f, st.design_key, "%s", why);
            goto out;
        }
    }

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
    evlist_free(&st.top_ev);
    design_free(&st.design);
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
    for (int f = 0; pi && f < sc->design.n_factors; f++)
        if (sc->design.factor[f].pi == pi) {
            if (err && n) snprintf(err, n, "--set %s: '%s' is varied by the scenario's %s", assignment, key,
                                   sc->design.method == DESIGN_GRID ? "sweep" : "sample");
            return -1;
        }
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
        /* The week is read from the parameters, where a --set may have moved it. */
        const condition *cd = &sc->conditions[i];
        for (int k = 0; k < cd->n_events; k++) {
            int kind = ev_find(cd->events[k].kind);
            if (kind < 0) continue;
            const char *key = scenario_event_kinds[kind].timing == TM_WINDOW ? scenario_event_kinds[kind].from_key
                              : scenario_event_kinds[kind].timing == TM_AT   ? scenario_event_kinds[kind].week_key
                                                                 : NULL;
            const param_info *pi = key ? params_find(key) : NULL;
            double week = pi ? params_get(&cd->p, pi) : -1;
            if (week >= sc->horizon) {
                if (err && n)
                    snprintf(err, n, "--set horizon=%d: event '%s' at week %.0f in condition '%s' is after the horizon",
                             sc->horizon, cd->events[k].kind, week, cd->name);
                return -1;
            }
        }
    }
    for (int i = 0; i < sc->n_conditions; i++) {
        const char *m = params_check_all(&sc->conditions[i].p);
        if (m) {
            if (err && n) snprintf(err, n, "--set: condition '%s': %s", sc->conditions[i].name, m);
            return -1;
        }
    }
    return 0;
}

void scenario_free(scenario *sc) {
    if (!sc) return;
    free(sc->path);
    free(sc->text);
    free(sc->orgs);
    for (int i = 0; sc->conditions && i < sc->n_conditions; i++) free(sc->conditions[i].events);
    free(sc->conditions);
    design_free(&sc->design);
    memset(sc, 0, sizeof *sc);
}
