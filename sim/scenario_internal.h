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

/* The words of org_spec.kind (enum org_kind), NULL-terminated. */
extern const char *const scenario_org_kind_words[];
/* A name of [A-Za-z0-9_.-] (non-empty)? */
int scenario_valid_ident(const char *s);
/* "a, b, c" of a NULL-terminated list, into buf. */
void scenario_word_list(const char *const *words, char *buf, size_t n);
/* Does some parameter key start with `prefix` followed by a dot? */
int scenario_is_group(const char *prefix);

/* --- the YAML layer (scenario_yaml.c): files parsed into node trees with line:col --------------- */
#include <stdarg.h>
#include <sys/types.h>

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

static inline int npairs(const node *m) { return m->n / 2; }
static inline const node *pkey(const node *m, int i) { return m->kid[2 * i]; }
static inline const node *pval(const node *m, int i) { return m->kid[2 * i + 1]; }

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

const node *scenario_map_get(const node *m, const char *key);
int scenario_is_null(const node *n);
__attribute__((format(printf, 5, 6))) int scenario_err_at(ctx *c, const sfile *f, int line, int col, const char *fmt, ...);
/* An error at a node's position: writes "FILE:LINE:COL: message" and returns -1. */
__attribute__((format(printf, 4, 5))) int scenario_err_node(ctx *c, const sfile *f, const node *n, const char *fmt, ...);
void scenario_sfile_free(sfile *f);
/* Read a whole file (at most MAX_FILE_BYTES). On failure returns -1 with the reason in why. */
int scenario_read_file(const char *path, sfile *f, char *why, size_t wn);
/* Parse f->text into f->root, rejecting syntax errors, aliases, tags, duplicate keys, deep
 * nesting and oversized values. */
int scenario_parse_tree(ctx *c, sfile *f);
/* A string with its place, for finding repeated keys or names. */
typedef struct keyref {
    const char *s;
    int i;          /* position in document order */
    int line, col;
} keyref;

/* Find the earliest repeated string. Sorts r. Returns 1 and sets *dup (the repetition) and
 * *first (its first occurrence) when there is one. */
int scenario_find_dup(keyref *r, int n, keyref *dup, keyref *first);
#define find_dup scenario_find_dup
#define map_get scenario_map_get
#define is_null scenario_is_null
#define err_at scenario_err_at
#define err_node scenario_err_node
#define sfile_free scenario_sfile_free
#define read_file scenario_read_file
#define parse_tree scenario_parse_tree

/* --- values and events (scenario_values.c, scenario_events.c) ---------------------------------- */
/* A parameter override with the position of its key. */
typedef struct ovr {
    const param_info *pi;
    double v;
    int line, col; /* of the key */
} ovr;

typedef struct ovlist {
    ovr *o;
    int n, cap;
} ovlist;

/* An event as parsed: kind, timing, fields; weeks are checked against the horizon later. */
typedef struct evt {
    int kind;                        /* index in scenario_event_kinds */
    const sfile *f;
    int line, col;                   /* of the intervention key */
    int at, from, until;             /* -1 when not given */
    const node *at_n, *from_n, *until_n;
    int on, wins;
    ovlist fields;
    char text[256];
} evt;

typedef struct evlist {
    evt *e;
    int n, cap;
} evlist;

#define suggest_word scenario_suggest_word
#define mean_text scenario_mean_text
#define got_text scenario_got_text
#define scalar_number scenario_scalar_number
#define scalar_bool scenario_scalar_bool
#define param_value scenario_param_value
#define get_number scenario_get_number
#define get_string scenario_get_string
#define get_ident scenario_get_ident
#define expect_map scenario_expect_map
#define ov_apply scenario_ov_apply
#define param_map scenario_param_map
#define param_pair scenario_param_pair
#define unknown_key scenario_unknown_key
#define evlist_free scenario_evlist_free
#define ev_find scenario_ev_find
#define event_overlap scenario_event_overlap
#define parse_events scenario_parse_events
#define event_horizon scenario_event_horizon
#define events_apply scenario_events_apply
#define event_spec_fill scenario_event_spec_fill
const char *suggest_word(const char *typed, const char *const *words);
void mean_text(char *buf, size_t n, const char *s);
const char *got_text(const node *v, char *buf, size_t n);
int scalar_number(const node *v, double *x);
int scalar_bool(const node *v, double *x);
int param_value(const param_info *pi, const node *v, double *out, char *msg, size_t mn);
int get_number(ctx *c, const sfile *f, const node *v, const char *what, const char *expect, double lo, double hi, int lo_open, int whole, double *out);
int get_string(ctx *c, const sfile *f, const node *v, const char *what, size_t maxlen, char *out, size_t on);
int get_ident(ctx *c, const sfile *f, const node *v, const char *what, char *out);
int expect_map(ctx *c, const sfile *f, const node *v, const char *what, const char *hint);
void ov_apply(const ovlist *l, params *p);
int param_map(ctx *c, const sfile *f, const node *m, const char *prefix, const char *where, ovlist *ol);
int param_pair(ctx *c, const sfile *f, const node *k, const node *v, const char *prefix, const char *where, ovlist *ol);
int unknown_key(ctx *c, const sfile *f, const node *k, const char *where, const char *const *allowed);
void evlist_free(evlist *l);
int ev_find(const char *name);
int event_overlap(ctx *c, const evlist *before, const evlist *l, int upto);
int parse_events(ctx *c, const sfile *f, const node *v, evlist *l);
int event_horizon(ctx *c, const evlist *l, int horizon);
void events_apply(const evlist *l, params *p);
void event_spec_fill(event_spec *s, const evt *e);

/* scenario_world.c */
#define parse_world scenario_parse_world
#define world_check scenario_world_check
int parse_world(ctx *c, const sfile *f, const node *key, const node *v, org_spec **orgs, int *n_orgs, world_gen *gen);
const char *world_check(const params *p, long n_world, char *buf, size_t n);

/* scenario_design.c */
#define parse_sweep scenario_parse_sweep
#define parse_sample scenario_parse_sample
int parse_sweep(ctx *c, const sfile *f, const node *v, design *d);
int parse_sample(ctx *c, const sfile *f, const node *v, design *d);

#endif
