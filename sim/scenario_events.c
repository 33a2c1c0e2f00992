/* scenario_events: the intervention events of a scenario file, which are sugar over parameters:
 * each intervention kind owns a group of parameters; an event sets its switch, its timing and its
 * fields (values are read by scenario_values.c). */
#include "scenario.h"
#include "scenario_internal.h"
#include "error.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * Intervention events. Events are sugar over parameters: each intervention kind owns a group of
 * parameters; an event sets its switch, its timing parameters, the defaults it implies and the
 * fields it names, for the condition that holds it. Fields are the last component of a key in
 * the group ("deadline_weeks" for mandate.deadline_weeks), checked like any parameter. */

static const char *const timing_text[] = {
    "'at: WEEK', or 'from: WEEK' and/or 'until: WEEK', or no timing (the whole run)",
    "no timing (it holds for the whole run)",
    "no timing, or 'at: 0' (it holds for the whole run)",
    "'at: WEEK'",
    "'on: {wins: N}', 'on: exploration' or 'on: launch'",
    "'on: {wins: N}'",
    "'on: stall'",
};

static const char *const timing_keys[] = {"at", "from", "until", "on", NULL};

const ev_kind scenario_event_kinds[] = {
    {.name = "champion", .group = "champion",
     .fields = {"designated_motivation", "hours", "burnout", "motivation", "loss_momentum", "vacancy", "phase",
                "control_motivation"},
     .timing = TM_WINDOW, .on_key = "champion.designated", .from_key = "champion.from", .until_key = "champion.until",
     .doc = "a designated champion ('trekker') for every collaboration launched in the window (S12)"},
    {.name = "celebrate", .group = "momentum", .fields = {"celebration"}, .timing = TM_WINDOW,
     .on_key = "momentum.celebrate", .from_key = "momentum.celebrate_from", .until_key = "momentum.celebrate_until",
     .doc = "every win, however small, is celebrated (S8, S9)"},
    {.name = "quick_wins", .group = "opportunity", .fields = {"milestones", "first_milestone"}, .timing = TM_AT0,
     .defaults = {{"milestones", 8}, {"first_milestone", 0.5}},
     .doc = "more, smaller milestones with a small first one: milestones 8, first_milestone 0.5 unless given (S8)"},
    {.name = "review", .group = "review",
     .fields = {"interval", "cost_hours", "realign", "recognition", "kill_momentum", "behind_factor", "rescope",
                "plan_efficiency"},
     .timing = TM_WINDOW, .from_key = "review.from", .until_key = "review.until", .defaults = {{"interval", 13}},
     .doc = "calibration moments ('ijkmomenten'): a review every interval weeks (13 unless given) that re-anchors "
            "the business case (S13)"},
    {.name = "consolidate", .group = "consolidation", .fields = {"structure", "ramp", "formal_share"},
     .timing = TM_ON_CONS, .trigger_key = "consolidation.timing", .wins_key = "consolidation.after_wins",
     .doc = "structure added afterwards to consolidate ('bestendigen'), on a trigger (S14)"},
    {.name = "job_bank", .group = "jobbank", .fields = {"visibility", "hours", "scope", "formal_share", "min_hours"},
     .timing = TM_WINDOW, .on_key = "jobbank.on", .from_key = "jobbank.from", .until_key = "jobbank.until",
     .doc = "an internal job bank ('klussenbank') where anyone signs up for bounded tasks (S15)"},
    {.name = "cross_domain_leadership", .group = "leadership", .fields = {"cross_domain", "novelty", "leader"},
     .timing = TM_NONE, .defaults = {{"cross_domain", 1}},
     .doc = "managers lead collaborations outside their own field (Zeist MT): cross_domain 1 unless given (S15)"},
    {.name = "failure_culture", .group = "culture", .fields = {"failure_tolerance", "drift"}, .timing = TM_NONE,
     .defaults = {{"failure_tolerance", 0.8}},
     .doc = "a culture where failing is allowed: failure_tolerance 0.8 in every organisation unless given (S16)"},
    {.name = "crisis", .group = "crisis",
     .fields = {"urgency", "decay_weeks", "link_rate", "structure", "collaboration"},
     .timing = TM_AT, .week_key = "crisis.week", .doc = "a crisis strikes (MSD/Organon in Oss) (S17)"},
    {.name = "handover", .group = "handover",
     .fields = {"replace_share", "line_structure", "retain_champion", "line_motivation_a", "line_motivation_b"},
     .timing = TM_ON_WINS, .wins_key = "handover.after_wins",
     .doc = "collaborations are handed over to the line organisation after N wins (Zeist budget) (S18)"},
    {.name = "mandate", .group = "mandate",
     .fields = {"deadline_weeks", "structure", "imposed_structure", "trust_penalty", "prescribe_structure",
                "holdback_base", "holdback_trust", "holdback_alignment", "scale_economies", "budget_hours"},
     .timing = TM_AT, .week_key = "mandate.week", .doc = "the state mandates regional collaboration (RUD) (S19)"},
    {.name = "nudge", .group = "nudge", .fields = {"invitees", "threshold_drop"}, .timing = TM_NONE,
     .defaults = {{"invitees", 5}},
     .doc = "the champion personally invites candidates ('een duwtje'): invitees 5 unless given (S2)"},
    {.name = "revival", .group = "revival", .fields = {"rate"}, .timing = TM_ON_STALL, .defaults = {{"rate", 0.02}},
     .doc = "tied, motivated colleagues restart a stalled collaboration network-first (Zeist IT): rate 0.02 unless "
            "given (S10)"},
};
enum { N_EV_KINDS = (int)(sizeof scenario_event_kinds / sizeof scenario_event_kinds[0]) };
const int scenario_n_event_kinds = N_EV_KINDS;

enum { ON_NONE, ON_WINS, ON_STALL, ON_EXPLORATION, ON_LAUNCH };
static const char *const on_words[] = {"stall", "exploration", "launch", NULL};

/* An event as parsed: kind, timing, fields. Week values are checked against the horizon once the
 * whole extends chain is read. */


void evlist_free(evlist *l) {
    for (int i = 0; i < l->n; i++) free(l->e[i].fields.o);
    free(l->e);
    memset(l, 0, sizeof *l);
}

int ev_find(const char *name) {
    for (int i = 0; i < N_EV_KINDS; i++)
        if (strcmp(scenario_event_kinds[i].name, name) == 0) return i;
    return -1;
}

static void ev_names(const char **out) {
    for (int i = 0; i < N_EV_KINDS; i++) out[i] = scenario_event_kinds[i].name;
    out[N_EV_KINDS] = NULL;
}

/* "a, b, c" of a NULL-terminated list. */
void scenario_word_list(const char *const *words, char *buf, size_t n) {
    size_t k = 0;
    buf[0] = '\0';
    for (int i = 0; words[i]; i++) {
        int w = snprintf(buf + k, n - k, "%s%s", i ? ", " : "", words[i]);
        if (w < 0 || (size_t)w >= n - k) break;
        k += (size_t)w;
    }
}

static int is_timing_key(const char *s) {
    for (int i = 0; timing_keys[i]; i++)
        if (strcmp(s, timing_keys[i]) == 0) return 1;
    return 0;
}

static int has_field(const ev_kind *K, const char *field) {
    for (int i = 0; K->fields[i]; i++)
        if (strcmp(K->fields[i], field) == 0) return 1;
    return 0;
}

static int same_key(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* A key of an event mapping that is neither a timing key nor an intervention. */
static int unknown_event_key(ctx *c, const sfile *f, const node *k, const node *v) {
    const char *names[N_EV_KINDS + 1];
    ev_names(names);
    const char *sk = suggest_word(k->str, names), *st = suggest_word(k->str, timing_keys);
    int scalar = v->kind == N_SCALAR && !is_null(v);
    if (params_find(k->str))
        return err_node(c, f, k,
                        "'%s' is a parameter, not an intervention: set it in the condition, or as a field of "
                        "its intervention",
                        k->str);
    if (scalar && st) return err_node(c, f, k, "unknown timing key '%.80s' (did you mean '%s'?)", k->str, st);
    if (sk) return err_node(c, f, k, "unknown intervention '%.80s' (did you mean '%s'?)", k->str, sk);
    if (scalar)
        return err_node(c, f, k, "unknown timing key '%.80s' (timing keys: at, from, until, on)", k->str);
    char list[512];
    scenario_word_list(names, list, sizeof list);
    return err_node(c, f, k, "unknown intervention '%.80s' (interventions: %s)", k->str, list);
}

/* One field of an intervention: KIND: { FIELD: VALUE }. */
static int event_field(ctx *c, const sfile *f, const ev_kind *K, const node *k, const node *v, ovlist *ol) {
    char full[KEY_MAX], list[512], mean[600];
    if (is_timing_key(k->str))
        return err_node(c, f, k, "'%s' belongs beside '%s' in the event, not inside it", k->str, K->name);
    if (strlen(K->group) + 1 + k->len >= sizeof full)
        return err_node(c, f, k, "unknown field '%.60s...' of '%s'", k->str, K->name);
    snprintf(full, sizeof full, "%s.%s", K->group, k->str);
    scenario_word_list(K->fields, list, sizeof list);
    if (has_field(K, k->str)) {
        const param_info *pi = params_find(full);
        char msg[512];
        double x;
        if (!pi) return err_node(c, f, k, "unknown field '%s' of '%s'", k->str, K->name);
        if (param_value(pi, v, &x, msg, sizeof msg)) return err_node(c, f, v, "%s", msg);
        if (ol->n == ol->cap) {
            ol->cap = ol->cap ? 2 * ol->cap : 8;
            ol->o = xrealloc(ol->o, (size_t)ol->cap * sizeof *ol->o);
        }
        ol->o[ol->n++] = (ovr){pi, x, k->line, k->col};
        return 0;
    }
    if (same_key(full, K->on_key))
        return err_node(c, f, k, "'%s' is what the '%s' event switches on; it is not one of its fields (%s)", full,
                        K->name, list);
    const char *hint = same_key(full, K->from_key)    ? "'from: WEEK' (or 'at: WEEK')"
                       : same_key(full, K->until_key) ? "'until: WEEK'"
                       : same_key(full, K->week_key)  ? "'at: WEEK'"
                       : same_key(full, K->wins_key) || same_key(full, K->trigger_key) ? timing_text[K->timing]
                                                                                        : NULL;
    if (hint)
        return err_node(c, f, k, "'%s' is the event's timing: write %s beside '%s', not inside it", full, hint,
                        K->name);
    if (params_find(full))
        return err_node(c, f, k, "'%s' is not a field of '%s' (its fields: %s); set it as a parameter instead", full,
                        K->name, list);
    const char *s = suggest_word(k->str, K->fields);
    if (s) snprintf(mean, sizeof mean, " (did you mean '%s'?)", s);
    else snprintf(mean, sizeof mean, " (its fields: %s)", list);
    return err_node(c, f, k, "unknown field '%.80s' of '%s'%s", k->str, K->name, mean);
}

/* on: stall | exploration | launch | { wins: N } */
static int event_on(ctx *c, const sfile *f, const ev_kind *K, const node *v, evt *e) {
    char got[128], mean[96];
    if (v->kind == N_SCALAR && !is_null(v)) {
        int idx = -1;
        for (int i = 0; on_words[i]; i++)
            if (strcmp(v->str, on_words[i]) == 0) idx = i;
        if (idx < 0) {
            mean_text(mean, sizeof mean, suggest_word(v->str, on_words));
            return err_node(c, f, v, "'on': expected stall, exploration, launch or { wins: N }, got %s%s",
                            got_text(v, got, sizeof got), mean);
        }
        e->on = idx == 0 ? ON_STALL : idx == 1 ? ON_EXPLORATION : ON_LAUNCH;
    } else if (v->kind == N_MAP) {
        static const char *const on_keys[] = {"wins", NULL};
        if (npairs(v) == 0) return err_node(c, f, v, "'on': expected { wins: N }, got an empty mapping");
        for (int i = 0; i < npairs(v); i++) {
            const node *k = pkey(v, i), *w = pval(v, i);
            if (strcmp(k->str, "wins") != 0) return unknown_key(c, f, k, "'on'", on_keys);
            double x;
            if (get_number(c, f, w, "'wins'", "a whole number in [1, 64]", 1, 64, 0, 1, &x)) return -1;
            e->wins = (int)x;
        }
        e->on = ON_WINS;
    } else {
        return err_node(c, f, v, "'on': expected stall, exploration, launch or { wins: N }, got %s",
                        got_text(v, got, sizeof got));
    }
    int ok = K->timing == TM_ON_CONS    ? e->on == ON_WINS || e->on == ON_EXPLORATION || e->on == ON_LAUNCH
             : K->timing == TM_ON_WINS  ? e->on == ON_WINS
             : K->timing == TM_ON_STALL ? e->on == ON_STALL
                                        : 0;
    if (!ok) return err_node(c, f, v, "'%s' takes %s", K->name, timing_text[K->timing]);
    return 0;
}

static void appendf(char *buf, size_t n, size_t *k, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void appendf(char *buf, size_t n, size_t *k, const char *fmt, ...) {
    if (*k >= n) return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(buf + *k, n - *k, fmt, ap);
    va_end(ap);
    if (w < 0) return;
    *k += (size_t)w;
    if (*k >= n) {
        *k = n;
        if (n > 4) memcpy(buf + n - 4, "...", 4);
    }
}

/* The event in flow style, for printing. */
static void event_render(evt *e) {
    const ev_kind *K = &scenario_event_kinds[e->kind];
    char *b = e->text;
    size_t n = sizeof e->text, k = 0;
    appendf(b, n, &k, "{ ");
    if (e->at >= 0) appendf(b, n, &k, "at: %d, ", e->at);
    if (e->from >= 0) appendf(b, n, &k, "from: %d, ", e->from);
    if (e->until >= 0) appendf(b, n, &k, "until: %d, ", e->until);
    if (e->on == ON_WINS) appendf(b, n, &k, "on: { wins: %d }, ", e->wins);
    else if (e->on != ON_NONE)
        appendf(b, n, &k, "on: %s, ", e->on == ON_STALL ? "stall" : e->on == ON_EXPLORATION ? "exploration" : "launch");
    appendf(b, n, &k, "%s: {", K->name);
    for (int i = 0; i < e->fields.n; i++) {
        const param_info *pi = e->fields.o[i].pi;
        char val[64];
        if (pi->type == PARAM_INT && strcmp(pi->unit, "bool") == 0)
            snprintf(val, sizeof val, "%s", e->fields.o[i].v ? "true" : "false");
        else params_format(pi, e->fields.o[i].v, val, sizeof val);
        appendf(b, n, &k, "%s %s: %s", i ? "," : "", strrchr(pi->key, '.') + 1, val);
    }
    appendf(b, n, &k, "%s} }", e->fields.n ? " " : "");
}

/* One item of an events: sequence. */
static int parse_event(ctx *c, const sfile *f, const node *m, evt *e) {
    char got[128];
    memset(e, 0, sizeof *e);
    e->kind = -1;
    e->at = e->from = e->until = -1;
    e->f = f;
    if (m->kind != N_MAP)
        return err_node(c, f, m, "event: expected a mapping such as { at: 52, crisis: { urgency: 1 } }, got %s",
                        got_text(m, got, sizeof got));
    const node *kk = NULL, *kv = NULL;
    for (int i = 0; i < npairs(m); i++) {
        const node *k = pkey(m, i), *v = pval(m, i);
        if (is_timing_key(k->str)) continue;
        int kind = ev_find(k->str);
        if (kind < 0) return unknown_event_key(c, f, k, v);
        if (kk)
            return err_node(c, f, k, "one intervention per event: '%s' and '%s' (write each as its own event)",
                            kk->str, k->str);
        kk = k;
        kv = v;
        e->kind = kind;
    }
    if (!kk) {
        const char *names[N_EV_KINDS + 1];
        char list[512];
        ev_names(names);
        scenario_word_list(names, list, sizeof list);
        return err_node(c, f, m, "event without an intervention: expected one of %s", list);
    }
    const ev_kind *K = &scenario_event_kinds[e->kind];
    e->line = kk->line;
    e->col = kk->col;
    for (int i = 0; i < npairs(m); i++) {
        const node *k = pkey(m, i), *v = pval(m, i);
        const char *key = k->str;
        if (strcmp(key, "on") == 0) {
            if (K->timing != TM_ON_CONS && K->timing != TM_ON_WINS && K->timing != TM_ON_STALL)
                return err_node(c, f, k, "'%s' takes %s", K->name, timing_text[K->timing]);
            if (event_on(c, f, K, v, e)) return -1;
        } else if (is_timing_key(key)) {
            int is_at = strcmp(key, "at") == 0;
            if (K->timing != TM_WINDOW && !(is_at && (K->timing == TM_AT || K->timing == TM_AT0)))
                return err_node(c, f, k, "'%s' takes %s", K->name, timing_text[K->timing]);
            char what[16];
            double x;
            snprintf(what, sizeof what, "'%s'", key);
            if (get_number(c, f, v, what, "a whole number of weeks >= 0", 0, 1e9, 0, 1, &x)) return -1;
            if (is_at && K->timing == TM_AT0 && x != 0)
                return err_node(c, f, v, "'%s' takes %s", K->name, timing_text[K->timing]);
            if (is_at) e->at = (int)x, e->at_n = v;
            else if (key[0] == 'f') e->from = (int)x, e->from_n = v;
            else e->until = (int)x, e->until_n = v;
        }
    }
    if (e->at >= 0 && e->from >= 0)
        return err_node(c, f, e->from_n, "'at' and 'from' together: 'at' starts the event at one week, 'from' and "
                                         "'until' give it a window");
    if (e->at >= 0 && e->until >= 0)
        return err_node(c, f, e->until_n, "'until' goes with 'from', not with 'at'");
    if (e->until >= 0 && e->until <= (e->from >= 0 ? e->from : 0))
        return err_node(c, f, e->until_n, "'until' (%d) must come after 'from' (%d)", e->until,
                        e->from >= 0 ? e->from : 0);
    if (!is_null(kv)) {
        if (kv->kind != N_MAP)
            return err_node(c, f, kv, "'%s': expected a mapping of its fields such as { %s: ... } (or {}), got %s",
                            K->name, K->fields[0], got_text(kv, got, sizeof got));
        for (int i = 0; i < npairs(kv); i++)
            if (event_field(c, f, K, pkey(kv, i), pval(kv, i), &e->fields)) return -1;
    }
    if (K->timing == TM_AT && e->at < 0) return err_node(c, f, kk, "'%s' needs 'at: WEEK'", K->name);
    if ((K->timing == TM_ON_CONS || K->timing == TM_ON_WINS || K->timing == TM_ON_STALL) && e->on == ON_NONE)
        return err_node(c, f, kk, "'%s' needs %s", K->name, timing_text[K->timing]);
    event_render(e);
    return 0;
}

/* "LINE:COL", or "FILE:LINE:COL" when the place is in another file than `here`. */
static void place_text(char *buf, size_t n, const sfile *here, const evt *e) {
    if (here == e->f) snprintf(buf, n, "%d:%d", e->line, e->col);
    else snprintf(buf, n, "%s:%d:%d", e->f->path, e->line, e->col);
}

/* One of each kind: `e` may not repeat a kind of `before` (the top-level events) or of the events
 * of its own list that precede it. */
int event_overlap(ctx *c, const evlist *before, const evlist *l, int upto) {
    const evt *e = &l->e[upto];
    const evt *first = NULL;
    for (int i = 0; before && i < before->n && !first; i++)
        if (before->e[i].kind == e->kind) first = &before->e[i];
    for (int i = 0; i < upto && !first; i++)
        if (l->e[i].kind == e->kind) first = &l->e[i];
    if (!first) return 0;
    char at[600];
    place_text(at, sizeof at, e->f, first);
    return err_at(c, e->f, e->line, e->col, "'%s' already given at %s (one per condition)", scenario_event_kinds[e->kind].name,
                  at);
}

/* events: [ ... ] (or nothing). */
int parse_events(ctx *c, const sfile *f, const node *v, evlist *l) {
    char got[128];
    if (is_null(v)) return 0;
    if (v->kind != N_SEQ)
        return err_node(c, f, v, "'events': expected a sequence of events such as [ { at: 52, crisis: {} } ], got %s",
                        got_text(v, got, sizeof got));
    for (int i = 0; i < v->n; i++) {
        if (l->n == l->cap) {
            l->cap = l->cap ? 2 * l->cap : 4;
            l->e = xrealloc(l->e, (size_t)l->cap * sizeof *l->e);
        }
        evt *e = &l->e[l->n];
        if (parse_event(c, f, v->kid[i], e)) {
            free(e->fields.o);
            return -1;
        }
        l->n++;
        if (event_overlap(c, NULL, l, l->n - 1)) return -1;
    }
    return 0;
}

/* Every week an event names must lie inside the resolved horizon. */
int event_horizon(ctx *c, const evlist *l, int horizon) {
    for (int i = 0; i < l->n; i++) {
        const evt *e = &l->e[i];
        const node *n = e->at >= 0 && e->at >= horizon       ? e->at_n
                        : e->from >= 0 && e->from >= horizon ? e->from_n
                        : e->until > horizon                 ? e->until_n
                                                             : NULL;
        if (!n) continue;
        if (n == e->until_n)
            return err_node(c, e->f, n, "event after the horizon (%d): 'until' is week %d (at most %d)", horizon,
                            e->until, horizon);
        return err_node(c, e->f, n, "event after the horizon (%d): '%s' is week %d (weeks run from 0 to %d)",
                        horizon, n == e->at_n ? "at" : "from", n == e->at_n ? e->at : e->from, horizon - 1);
    }
    return 0;
}

static void pset(params *p, const char *key, double v) {
    const param_info *pi = params_find(key);
    if (!pi) {
        fprintf(stderr, "samen: internal error: the intervention table names unknown parameter '%s'\n", key);
        abort();
    }
    params_set(p, pi, v);
}

static void event_apply(const evt *e, params *p) {
    const ev_kind *K = &scenario_event_kinds[e->kind];
    char key[KEY_MAX];
    if (K->on_key) pset(p, K->on_key, 1);
    for (int i = 0; i < 3 && K->defaults[i].field; i++) {
        snprintf(key, sizeof key, "%s.%s", K->group, K->defaults[i].field);
        int given = 0;
        for (int j = 0; j < e->fields.n; j++) given |= strcmp(e->fields.o[j].pi->key, key) == 0;
        if (!given) pset(p, key, K->defaults[i].v);
    }
    ov_apply(&e->fields, p);
    switch (K->timing) {
    case TM_WINDOW:
        pset(p, K->from_key, e->at >= 0 ? e->at : e->from >= 0 ? e->from : 0);
        pset(p, K->until_key, e->until >= 0 ? e->until : 0);
        break;
    case TM_AT:
        pset(p, K->week_key, e->at);
        break;
    case TM_ON_CONS: {
        const param_info *pi = params_find(K->trigger_key);
        const char *word = e->on == ON_WINS          ? "after_wins"
                           : e->on == ON_EXPLORATION ? "after_exploration"
                                                     : "from_start";
        int idx = pi ? params_choice_index(pi, word) : -1;
        if (idx < 0) {
            fprintf(stderr, "samen: internal error: '%s' has no choice '%s'\n", K->trigger_key, word);
            abort();
        }
        pset(p, K->trigger_key, idx);
        if (e->on == ON_WINS) pset(p, K->wins_key, e->wins);
        break;
    }
    case TM_ON_WINS:
        pset(p, K->wins_key, e->wins);
        break;
    default:
        break;
    }
}

void events_apply(const evlist *l, params *p) {
    for (int i = 0; i < l->n; i++) event_apply(&l->e[i], p);
}

/* The record a loaded condition keeps of its events. */
void event_spec_fill(event_spec *s, const evt *e) {
    snprintf(s->kind, sizeof s->kind, "%s", scenario_event_kinds[e->kind].name);
    s->first_week = e->at >= 0 ? e->at : e->from >= 0 ? e->from : e->on != ON_NONE ? -1 : 0;
    s->line = e->line;
    s->col = e->col;
    memcpy(s->text, e->text, sizeof s->text);
}

