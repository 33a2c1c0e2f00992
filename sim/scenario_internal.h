/* scenario_internal: what the files of the scenario loader share (scenario.c reads files,
 * scenario_schema.c writes the JSON Schema that mirrors it). Not part of the library's API. */
#ifndef SAMEN_SCENARIO_INTERNAL_H
#define SAMEN_SCENARIO_INTERNAL_H
#include <stddef.h>

/* Limits and defaults of scenario files. */
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

/* How an intervention kind may be timed in an event. */
enum timing {
    TM_WINDOW,  /* at: W (= from), or from/until, or none (the whole run) */
    TM_NONE,    /* no timing: the whole run */
    TM_AT0,     /* no timing, or at: 0 */
    TM_AT,      /* at: W, required */
    TM_ON_CONS, /* on: {wins: N} | exploration | launch, required */
    TM_ON_WINS, /* on: {wins: N}, required */
    TM_ON_STALL /* on: stall, required */
};

typedef struct ev_default {
    const char *field;
    double v;
} ev_default;

typedef struct ev_kind {
    const char *name;
    const char *group;              /* parameter group of its fields */
    const char *fields[11];         /* NULL-terminated */
    enum timing timing;
    const char *on_key;             /* switch the event sets to 1 */
    const char *from_key, *until_key; /* TM_WINDOW: the window */
    const char *week_key;           /* TM_AT: the week */
    const char *trigger_key;        /* TM_ON_CONS: the choice of trigger */
    const char *wins_key;           /* TM_ON_CONS, TM_ON_WINS: the number of wins */
    ev_default defaults[3];         /* applied when the event does not give the field */
    const char *doc;
} ev_kind;

extern const ev_kind scenario_event_kinds[];
extern const int scenario_n_event_kinds;

/* "a, b, c" of a NULL-terminated list, into buf. */
void scenario_word_list(const char *const *words, char *buf, size_t n);
/* Does some parameter key start with `prefix` followed by a dot? */
int scenario_is_group(const char *prefix);

#endif
