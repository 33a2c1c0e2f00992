/* params: the model parameters, generated from params.def (the one table). */
#ifndef SAMEN_PARAMS_H
#define SAMEN_PARAMS_H
#include <stddef.h>
#include <stdio.h>

typedef struct params {
#define SAMEN_PARAM(id, key, type, def, lo, hi, unit, doc, source) double id;
#include "params.def"
#undef SAMEN_PARAM
} params;

enum param_type { PARAM_REAL, PARAM_INT, PARAM_CHOICE };

typedef struct param_info {
    const char *key;     /* dotted name, e.g. "network.cross_org_degree" */
    const char *id;      /* C field name */
    enum param_type type;
    double def, lo, hi;  /* default and inclusive range */
    const char *unit;    /* for CHOICE: the words, separated by '|' */
    const char *doc;
    const char *source;  /* where the default comes from, or "assumption" */
    size_t offset;       /* of the field in struct params */
} param_info;

enum { PARAMS_COUNT =
#define SAMEN_PARAM(id, key, type, def, lo, hi, unit, doc, source) +1
#include "params.def"
#undef SAMEN_PARAM
};

extern const param_info params_table[PARAMS_COUNT];

/* Fill every field with its default. */
void params_defaults(params *p);
/* The table row of a dotted key, or NULL. */
const param_info *params_find(const char *key);
/* Levenshtein distance of two short strings (99 when one is longer than 63 characters). */
int params_edit_distance(const char *a, const char *b);
/* The table row whose key is closest to `key` (edit distance), for "did you mean"; NULL if none is close. */
const param_info *params_suggest(const char *key);
double params_get(const params *p, const param_info *pi);
/* Check v against the row's type and range. Returns NULL when valid, else a static message
 * such as "expected a number in [0, 1]". */
const char *params_check(const param_info *pi, double v);
void params_set(params *p, const param_info *pi, double v);
/* Index of `word` among a CHOICE row's words, or -1. */
int params_choice_index(const param_info *pi, const char *word);
/* The i-th word of a CHOICE row, copied into buf (size n). */
const char *params_choice_word(const param_info *pi, int i, char *buf, size_t n);
/* Cross-parameter consistency (min <= max pairs and the like). NULL or a message naming the keys. */
const char *params_check_all(const params *p);
/* Format a value for people: "0.3", "12", "network_first". */
void params_format(const param_info *pi, double v, char *buf, size_t n);

/* The dictionary: Markdown table, or a JSON Schema fragment, written to f. */
void params_write_markdown(FILE *f);
/* The parameter table of docs/ODD.md section 10 (what sits between its params markers). */
void params_write_odd(FILE *f);
void params_write_json_schema(FILE *f);

#endif
