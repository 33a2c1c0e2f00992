/* scenario_schema: the JSON Schema of scenario files (`samen params --json-schema`, shipped as
 * scenarios/schema.json), generated from the parameter table and the loader's own tables. */
#include "scenario.h"
#include "scenario_internal.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------------
 * JSON Schema for scenario files (draft-07), for editors with a YAML language server. It mirrors
 * the loader: additionalProperties false wherever the loader refuses unknown keys. Checks that
 * need the whole file (the horizon, one event of a kind per condition, names of provinces,
 * parameter pairs) are left to `samen check`. */

typedef struct jw {
    FILE *f;
    int depth;
    int first; /* nothing written yet at this depth */
} jw;

static void jw_str(jw *w, const char *s) {
    fputc('"', w->f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\') fprintf(w->f, "\\%c", ch);
        else if (ch == '\n') fputs("\\n", w->f);
        else if (ch < 0x20) fprintf(w->f, "\\u%04x", ch);
        else fputc(ch, w->f);
    }
    fputc('"', w->f);
}

static void jw_newline(jw *w) {
    if (!w->first) fputc(',', w->f);
    fprintf(w->f, "\n%*s", 2 * w->depth, "");
    w->first = 0;
}

/* "key": (the value follows) */
static void jw_key(jw *w, const char *key) {
    jw_newline(w);
    jw_str(w, key);
    fputs(": ", w->f);
}

static void jw_open(jw *w) {
    fputc('{', w->f);
    w->depth++;
    w->first = 1;
}

static void jw_close(jw *w) {
    w->depth--;
    if (!w->first) fprintf(w->f, "\n%*s", 2 * w->depth, "");
    fputc('}', w->f);
    w->first = 0;
}

/* "key": <raw JSON text> */
__attribute__((format(printf, 3, 4))) static void jw_raw(jw *w, const char *key, const char *fmt, ...) {
    jw_key(w, key);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(w->f, fmt, ap);
    va_end(ap);
}

/* "key": "text" */
static void jw_text(jw *w, const char *key, const char *text) {
    jw_key(w, key);
    jw_str(w, text);
}

/* "key": {"$ref": "#/definitions/NAME"} */
static void jw_ref(jw *w, const char *key, const char *prefix, const char *name) {
    jw_key(w, key);
    fprintf(w->f, "{\"$ref\": \"#/definitions/%s%s\"}", prefix, name);
}

/* Is `g` a proper dotted prefix of some parameter key? (the same as scenario_is_group) */
static int group_has_subgroup(const char *g, const char *sub) {
    char full[KEY_MAX];
    snprintf(full, sizeof full, "%s%s%s", g, g[0] ? "." : "", sub);
    return scenario_is_group(full);
}

/* The properties of a parameter mapping under `group` ("" for the top): every key below it,
 * dotted as far as needed, and every subgroup as a nested mapping. */
static void jw_param_properties(jw *w, const char *group) {
    size_t gl = strlen(group);
    for (int i = 0; i < PARAMS_COUNT; i++) {
        const char *k = params_table[i].key;
        if (gl && (strncmp(k, group, gl) != 0 || k[gl] != '.')) continue;
        const char *rest = gl ? k + gl + 1 : k;
        if (group_has_subgroup(group, rest)) {
            /* a key that is also a group (none today): either form */
            char g[KEY_MAX];
            snprintf(g, sizeof g, "%s", k);
            jw_key(w, rest);
            fprintf(w->f, "{\"anyOf\": [{\"$ref\": \"#/definitions/parameter/properties/%s\"}, "
                          "{\"$ref\": \"#/definitions/group.%s\"}]}",
                    k, g);
        } else {
            jw_ref(w, rest, "parameter/properties/", k);
        }
    }
    /* subgroups: the first component of each key below the group, once */
    for (int i = 0; i < PARAMS_COUNT; i++) {
        const char *k = params_table[i].key;
        if (gl && (strncmp(k, group, gl) != 0 || k[gl] != '.')) continue;
        const char *rest = gl ? k + gl + 1 : k;
        const char *dot = strchr(rest, '.');
        if (!dot) continue;
        char sub[KEY_MAX], full[KEY_MAX];
        snprintf(sub, sizeof sub, "%.*s", (int)(dot - rest), rest);
        snprintf(full, sizeof full, "%.*s", (int)(dot - k), k);
        int seen = 0;
        for (int j = 0; j < i && !seen; j++) {
            const char *kj = params_table[j].key;
            size_t fl = strlen(full);
            seen = strncmp(kj, full, fl) == 0 && kj[fl] == '.';
        }
        if (seen || params_find(full)) continue;
        jw_ref(w, sub, "group.", full);
    }
}

/* definitions: group.G for every group G. */
static void jw_groups(jw *w) {
    for (int i = 0; i < PARAMS_COUNT; i++) {
        const char *k = params_table[i].key;
        for (const char *dot = strchr(k, '.'); dot; dot = strchr(dot + 1, '.')) {
            char g[KEY_MAX], name[KEY_MAX + 8];
            size_t gl = (size_t)(dot - k);
            snprintf(g, sizeof g, "%.*s", (int)gl, k);
            int seen = 0;
            for (int j = 0; j < i && !seen; j++)
                seen = strncmp(params_table[j].key, g, gl) == 0 && params_table[j].key[gl] == '.';
            if (seen) continue;
            snprintf(name, sizeof name, "group.%s", g);
            jw_key(w, name);
            jw_open(w);
            char desc[KEY_MAX + 64];
            snprintf(desc, sizeof desc, "the parameters %s.*, nested", g);
            jw_text(w, "description", desc);
            jw_raw(w, "type", "\"object\"");
            jw_raw(w, "additionalProperties", "false");
            jw_key(w, "properties");
            jw_open(w);
            jw_param_properties(w, g);
            jw_close(w);
            jw_close(w);
        }
    }
}

static void jw_event_kind(jw *w, const ev_kind *K) {
    char name[64], key[KEY_MAX], list[512];
    snprintf(name, sizeof name, "event.%s", K->name);
    jw_key(w, name);
    jw_open(w);
    jw_text(w, "description", K->doc);
    jw_raw(w, "type", "\"object\"");
    int at_req = K->timing == TM_AT, on_req = K->timing >= TM_ON_CONS;
    jw_raw(w, "required", "[\"%s\"%s]", K->name, at_req ? ", \"at\"" : on_req ? ", \"on\"" : "");
    jw_raw(w, "additionalProperties", "false");
    jw_key(w, "properties");
    jw_open(w);
    /* the intervention and its fields */
    jw_key(w, K->name);
    jw_open(w);
    scenario_word_list(K->fields, list, sizeof list);
    char desc[1024];
    snprintf(desc, sizeof desc, "fields: %s (each is %s.FIELD)", list, K->group);
    jw_text(w, "description", desc);
    jw_raw(w, "type", "[\"object\", \"null\"]");
    jw_raw(w, "additionalProperties", "false");
    jw_key(w, "properties");
    jw_open(w);
    for (int i = 0; K->fields[i]; i++) {
        snprintf(key, sizeof key, "%s.%s", K->group, K->fields[i]);
        jw_ref(w, K->fields[i], "parameter/properties/", key);
    }
    jw_close(w);
    jw_close(w);
    /* its timing */
    switch (K->timing) {
    case TM_WINDOW:
        jw_raw(w, "at", "{\"$ref\": \"#/definitions/week\"}");
        jw_raw(w, "from", "{\"$ref\": \"#/definitions/week\"}");
        jw_raw(w, "until", "{\"$ref\": \"#/definitions/until\"}");
        break;
    case TM_AT0:
        jw_raw(w, "at", "{\"description\": \"it holds for the whole run\", \"const\": 0}");
        break;
    case TM_AT:
        jw_raw(w, "at", "{\"$ref\": \"#/definitions/week\"}");
        break;
    case TM_ON_CONS:
        jw_raw(w, "on", "{\"description\": \"after N wins, when exploration ends, or at launch\", "
                        "\"oneOf\": [{\"$ref\": \"#/definitions/on_wins\"}, "
                        "{\"enum\": [\"exploration\", \"launch\"]}]}");
        break;
    case TM_ON_WINS:
        jw_raw(w, "on", "{\"$ref\": \"#/definitions/on_wins\"}");
        break;
    case TM_ON_STALL:
        jw_raw(w, "on", "{\"description\": \"when a collaboration stalls\", \"const\": \"stall\"}");
        break;
    case TM_NONE:
        break;
    }
    jw_close(w);
    if (K->timing == TM_WINDOW)
        jw_raw(w, "not", "{\"anyOf\": [{\"required\": [\"at\", \"from\"]}, {\"required\": [\"at\", \"until\"]}]}");
    jw_close(w);
}

void scenario_write_json_schema(FILE *f) {
    jw w = {f, 0, 1};
    static const char ident[] = "^[A-Za-z0-9_.-]{1,63}$";
    jw_open(&w);
    jw_text(&w, "$schema", "http://json-schema.org/draft-07/schema#");
    jw_text(&w, "title", "samen scenario file");
    jw_text(&w, "description",
            "A scenario for samen (build/samen run FILE). Generated by `samen params --json-schema` from the parameter "
            "table; see docs/scenarios.md. `samen check FILE` also checks what a schema cannot: the horizon of "
            "events, one event of a kind per condition, province names, parameter pairs.");
    jw_raw(&w, "type", "\"object\"");
    jw_raw(&w, "additionalProperties", "false");
    jw_key(&w, "properties");
    jw_open(&w);
    jw_raw(&w, "name", "{\"description\": \"names the output (NAME.h5); default: the file name\", "
                       "\"type\": \"string\", "
                       "\"pattern\": \"%s\"}", ident);
    jw_raw(&w, "title", "{\"description\": \"the question, in words; written to the output\", \"type\": \"string\", "
                        "\"maxLength\": 255}");
    jw_raw(&w, "extends", "{\"description\": \"a parent scenario file, relative to this one; this file overrides "
                          "it\", \"type\": \"string\", \"minLength\": 1}");
    jw_raw(&w, "horizon", "{\"description\": \"simulated weeks\", \"type\": \"integer\", \"minimum\": 1, "
                          "\"maximum\": 5200, \"default\": %d}", DEFAULT_HORIZON);
    jw_raw(&w, "seed", "{\"description\": \"base seed of every random draw\", \"type\": \"integer\", \"minimum\": 0, "
                       "\"maximum\": 4294967295, \"default\": %d}", DEFAULT_SEED);
    jw_raw(&w, "replicates", "{\"description\": \"independent worlds per condition (paired across conditions)\", "
                             "\"type\": \"integer\", \"minimum\": 1, \"maximum\": 1000000, \"default\": %d}",
           DEFAULT_REPLICATES);
    jw_raw(&w, "world", "{\"$ref\": \"#/definitions/world\"}");
    jw_raw(&w, "parameters", "{\"description\": \"parameter overrides for every condition\", \"anyOf\": "
                             "[{\"type\": \"null\"}, {\"$ref\": \"#/definitions/parameters\"}]}");
    jw_raw(&w, "events", "{\"description\": \"interventions for every condition, applied before each condition's "
                         "own keys\", \"$ref\": \"#/definitions/events\"}");
    jw_raw(&w, "sweep",
           "{\"description\": \"full factorial design: parameter key -> list of values\", \"type\": \"object\", "
           "\"minProperties\": 1, \"additionalProperties\": {\"type\": \"array\", \"minItems\": 1}}");
    jw_raw(&w, "sample",
           "{\"description\": \"sampled design over parameter ranges\", \"type\": \"object\", "
           "\"additionalProperties\": false, \"required\": [\"method\", \"points\", \"ranges\"], \"properties\": {"
           "\"method\": {\"enum\": [\"latin_hypercube\", \"sobol\", \"saltelli\"]}, "
           "\"points\": {\"description\": \"points (saltelli: base rows n; n (k + 2) points)\", \"type\": \"integer\", "
           "\"minimum\": 2}, "
           "\"ranges\": {\"type\": \"object\", \"minProperties\": 1, \"additionalProperties\": {\"type\": \"array\", "
           "\"minItems\": 2, \"maxItems\": 2, \"items\": {\"type\": \"number\"}}}}}");
    jw_raw(&w, "record",
           "{\"description\": \"what the output keeps\", \"type\": \"object\", \"additionalProperties\": false, "
           "\"properties\": {\"every\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 5200}, "
           "\"series\": {\"type\": \"boolean\"}, \"projects\": {\"type\": \"boolean\"}}}");
    jw_key(&w, "conditions");
    jw_open(&w);
    jw_text(&w, "description", "named variants to compare; each holds parameter overrides and events");
    jw_raw(&w, "type", "\"object\"");
    jw_raw(&w, "minProperties", "1");
    jw_raw(&w, "patternProperties", "{\"%s\": {\"anyOf\": [{\"type\": \"null\"}, {\"$ref\": "
                                    "\"#/definitions/condition\"}]}}",
           ident);
    jw_raw(&w, "additionalProperties", "false");
    jw_close(&w);
    jw_close(&w);

    jw_key(&w, "definitions");
    jw_open(&w);
    /* world */
    jw_key(&w, "world");
    jw_open(&w);
    jw_text(&w, "description", "the organisations: named, generated, or both (at least two); replaces the parent's");
    jw_raw(&w, "type", "\"object\"");
    jw_raw(&w, "additionalProperties", "false");
    jw_key(&w, "properties");
    jw_open(&w);
    jw_raw(&w, "organisations", "{\"type\": \"array\", \"items\": {\"$ref\": \"#/definitions/organisation\"}}");
    jw_raw(&w, "generate", "{\"$ref\": \"#/definitions/generate\"}");
    jw_close(&w);
    jw_close(&w);
    jw_key(&w, "organisation");
    jw_open(&w);
    jw_raw(&w, "type", "\"object\"");
    jw_raw(&w, "required", "[\"name\", \"employees\"]");
    jw_raw(&w, "additionalProperties", "false");
    jw_key(&w, "properties");
    jw_open(&w);
    jw_raw(&w, "name", "{\"type\": \"string\", \"minLength\": 1, \"maxLength\": 63}");
    jw_raw(&w, "employees", "{\"description\": \"number of employees (agents)\", \"type\": \"number\", "
                            "\"exclusiveMinimum\": 0, \"maximum\": 10000000}");
    jw_raw(&w, "power", "{\"description\": \"weight in quotas and power asymmetry (inhabitants, budget); default: "
                        "employees\", \"type\": \"number\", \"exclusiveMinimum\": 0}");
    jw_raw(&w, "failure_tolerance", "{\"description\": \"default: drawn from culture.failure_tolerance_a/b\", "
                                    "\"type\": \"number\", \"minimum\": 0, \"maximum\": 1}");
    jw_raw(&w, "region", "{\"type\": \"integer\", \"minimum\": 0, \"maximum\": 1000000, \"default\": 0}");
    jw_raw(&w, "kind", "{\"enum\": [\"municipality\", \"province\", \"other\"], \"default\": \"municipality\"}");
    jw_raw(&w, "province", "{\"description\": \"the name of an organisation of kind province in this list\", "
                           "\"type\": \"string\", \"minLength\": 1, \"maxLength\": 63}");
    jw_close(&w);
    jw_close(&w);
    jw_key(&w, "generate");
    jw_open(&w);
    jw_text(&w, "description", "organisations drawn in addition to the named ones: sizes ~ LogNormal(ln "
                               "median_employees, sigma_ln), spread over regions");
    jw_raw(&w, "type", "\"object\"");
    jw_raw(&w, "required", "[\"count\"]");
    jw_raw(&w, "additionalProperties", "false");
    jw_key(&w, "properties");
    jw_open(&w);
    jw_raw(&w, "count", "{\"type\": \"integer\", \"minimum\": 0, \"maximum\": 100000}");
    jw_raw(&w, "median_employees", "{\"type\": \"number\", \"exclusiveMinimum\": 0, \"maximum\": 10000000}");
    jw_raw(&w, "sigma_ln", "{\"type\": \"number\", \"minimum\": 0, \"maximum\": 10, \"default\": 0.7}");
    jw_raw(&w, "regions", "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 100000, \"default\": 1}");
    jw_close(&w);
    jw_raw(&w, "if", "{\"properties\": {\"count\": {\"minimum\": 1}}}");
    jw_raw(&w, "then", "{\"required\": [\"median_employees\"]}");
    jw_close(&w);

    /* parameters: every key once (from the parameter table), then the ways to write them */
    jw_key(&w, "parameter");
    jw_open(&w);
    jw_text(&w, "description", "every model parameter by its dotted key (samen params, docs/parameters.md)");
    jw_raw(&w, "type", "\"object\"");
    jw_key(&w, "properties");
    params_write_json_schema(f);
    w.first = 0;
    jw_close(&w);
    jw_key(&w, "parameters");
    jw_open(&w);
    jw_text(&w, "description", "parameter overrides, dotted (network.cross_org_degree: 1) or nested "
                               "(network: { cross_org_degree: 1 })");
    jw_raw(&w, "type", "\"object\"");
    jw_raw(&w, "additionalProperties", "false");
    jw_key(&w, "properties");
    jw_open(&w);
    jw_param_properties(&w, "");
    jw_close(&w);
    jw_close(&w);
    jw_groups(&w);
    jw_key(&w, "condition");
    jw_open(&w);
    jw_text(&w, "description", "a condition: parameter overrides (dotted or nested), a description and events");
    jw_raw(&w, "type", "\"object\"");
    jw_raw(&w, "additionalProperties", "false");
    jw_key(&w, "properties");
    jw_open(&w);
    jw_raw(&w, "description", "{\"type\": \"string\", \"maxLength\": 255}");
    jw_raw(&w, "events", "{\"$ref\": \"#/definitions/events\"}");
    jw_param_properties(&w, "");
    jw_close(&w);
    jw_close(&w);

    /* events */
    jw_key(&w, "events");
    jw_open(&w);
    jw_text(&w, "description", "interventions: each event is one intervention with its fields and its timing "
                               "(at, from/until, on); at most one of each intervention per condition");
    jw_raw(&w, "type", "[\"array\", \"null\"]");
    jw_raw(&w, "items", "{\"$ref\": \"#/definitions/event\"}");
    jw_close(&w);
    jw_key(&w, "event");
    jw_open(&w);
    jw_raw(&w, "type", "\"object\"");
    jw_key(&w, "oneOf");
    fputc('[', f);
    for (int i = 0; i < scenario_n_event_kinds; i++)
        fprintf(f, "%s{\"$ref\": \"#/definitions/event.%s\"}", i ? ", " : "", scenario_event_kinds[i].name);
    fputc(']', f);
    jw_close(&w);
    jw_raw(&w, "week", "{\"description\": \"a week of the run, from 0 (before the horizon)\", \"type\": \"integer\", "
                       "\"minimum\": 0, \"maximum\": 5199}");
    jw_raw(&w, "until", "{\"description\": \"the first week it no longer holds (at most the horizon)\", \"type\": "
                        "\"integer\", \"minimum\": 1, \"maximum\": 5200}");
    jw_raw(&w, "on_wins", "{\"description\": \"after this many wins of a collaboration\", \"type\": \"object\", "
                          "\"required\": [\"wins\"], \"additionalProperties\": false, \"properties\": {\"wins\": "
                          "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 64}}}");
    for (int i = 0; i < scenario_n_event_kinds; i++) jw_event_kind(&w, &scenario_event_kinds[i]);
    jw_close(&w);
    jw_close(&w);
    fputc('\n', f);
}
