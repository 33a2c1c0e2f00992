/* scenario: a scenario file (YAML) turned into a resolved experiment description.
 *
 * Resolution order for a condition's parameters: defaults (params.def) -> the extends chain,
 * root first -> this file's `parameters:` -> the condition's own overrides -> --set.
 * The model never sees YAML: it receives a `scenario` with plain structs. */
#ifndef SAMEN_SCENARIO_H
#define SAMEN_SCENARIO_H
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

typedef struct condition {
    char name[SCENARIO_NAME_MAX];
    params p;                  /* fully resolved */
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
 * between parameters (so that min and max can be moved together). */
int scenario_apply_set(scenario *sc, const char *assignment, char *err, size_t n);
int scenario_check_sets(const scenario *sc, char *err, size_t n);

/* Print the resolved scenario as YAML: header keys, world, and for each condition only the
 * parameters that differ from the defaults. */
void scenario_print(FILE *f, const scenario *sc);
void scenario_free(scenario *sc);

#endif
