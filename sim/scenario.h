/* scenario: a scenario file (YAML) turned into a resolved experiment description.
 *
 * Resolution order for a condition's parameters: defaults (params.def) -> the extends chain's
 * `parameters:`, root first -> the top-level `events:` -> the condition's own keys -> the
 * condition's `events:` -> --set.
 * The model never sees YAML: it receives a `scenario` with plain structs. */
#ifndef SAMEN_SCENARIO_H
#define SAMEN_SCENARIO_H
#include "design.h"
#include "params.h"
#include <stdint.h>
#include <stdio.h>

#define SCENARIO_NAME_MAX 64

typedef struct org_spec {
    char name[SCENARIO_NAME_MAX];
    double employees;          /* > 0 */
    double power;              /* pi_o, power weight (inhabitants, budget); default = employees */
    double failure_tolerance;  /* psi_o in [0,1]; < 0 means drawn from culture.failure_tolerance_a/b */
    int region;                /* region index, >= 0; 0 when the file gives none */
    int kind;                  /* enum org_kind */
    int province;              /* index in orgs[] of the province it lies in, -1 none */
} org_spec;

enum org_kind { ORG_MUNICIPALITY, ORG_PROVINCE, ORG_OTHER, N_ORG_KINDS };

/* Organisations generated in addition to the named ones: sizes ~ LogNormal(ln median, sigma_ln),
 * drawn from the scenario seed (the same in every replicate and condition). */
typedef struct world_gen {
    int count;                 /* 0: none */
    double median_employees;
    double sigma_ln;
    int regions;               /* generated organisations are spread round-robin over this many regions (>= 1) */
} world_gen;

/* An intervention event as the file wrote it. Events are sugar over parameters: by the time the
 * scenario is loaded each event has set its parameter group in `condition.p`. The record is kept
 * to print the scenario readably and to check that a later `--set horizon=N` leaves every event
 * inside the horizon. */
typedef struct event_spec {
    char kind[32];             /* the intervention: "mandate", "crisis", "champion", ... */
    int first_week;            /* the week it starts (at: or from:); -1 when it waits for a trigger (on:) */
    int line, col;             /* of the intervention key, in the file that holds it */
    char text[256];            /* the event in flow style: "{ at: 0, mandate: { deadline_weeks: 104 } }" */
} event_spec;

typedef struct condition {
    char name[SCENARIO_NAME_MAX];
    params p;                  /* fully resolved */
    int n_events;              /* the file's top-level events, then the condition's own */
    event_spec *events;        /* NULL when none; freed by scenario_free */
} condition;

typedef struct scenario {
    char *path;                /* the file given (NULL for the built-in default) */
    char *text;                /* every file's text as given, the main file first, each after a
                                  "# --- file: PATH ---" line; for provenance */
    char name[SCENARIO_NAME_MAX];
    char title[256];
    int horizon;               /* weeks, >= 1 */
    int replicates;            /* >= 1 */
    uint32_t seed;             /* base seed */
    int n_orgs;                /* named organisations */
    org_spec *orgs;
    world_gen gen;
    int n_conditions;          /* >= 1 */
    condition *conditions;
    design design;             /* `sweep:` or `sample:`; method DESIGN_NONE without one (built for `seed`) */
    int record_every;          /* `record: every`: series every k weeks; 0: no series (`series: false`) */
    int record_projects;       /* `record: projects` */
} scenario;

/* Parse and validate a scenario file. On success returns 0 and fills *sc.
 * On failure returns -1 and writes one message "FILE:LINE:COL: message" into err
 * (size n); *sc is left empty. Never exits. */
int scenario_load(const char *path, scenario *sc, char *err, size_t n);
/* The same, from text in memory; `name` stands in for the file name in messages. */
int scenario_load_text(const char *name, const char *text, scenario *sc, char *err, size_t n);
/* The built-in default experiment (the text of scenarios/default.yaml, compiled in). */
int scenario_load_default(scenario *sc, char *err, size_t n);
extern const char scenario_default_text[];

/* Apply "KEY=VALUE" to every condition (the last word). KEY is a parameter key, or one of
 * horizon, seed, replicates. Returns 0, or -1 with "--set KEY=VALUE: message" in err.
 * Checks the value alone; call scenario_check_sets after the last --set for the checks
 * between parameters (so that min and max can be moved together) and for the events: every
 * event's week, as the parameters now hold it, must lie before the horizon. */
int scenario_apply_set(scenario *sc, const char *assignment, char *err, size_t n);
int scenario_check_sets(const scenario *sc, char *err, size_t n);
/* Build the design for the scenario's (possibly overridden) seed and check that every design
 * point gives valid parameters in every condition. Returns 0, or -1 with a message. */
int scenario_build_design(scenario *sc, char *err, size_t n);

/* Print the resolved scenario as YAML: header keys, world, and for each condition only the
 * parameters that differ from the defaults. */
void scenario_print(FILE *f, const scenario *sc);
/* A JSON Schema (draft-07) for scenario files, generated from the parameter table and the
 * intervention table: what `samen params --json-schema` prints and scenarios/schema.json holds. */
void scenario_write_json_schema(FILE *f);
void scenario_free(scenario *sc);

#endif
