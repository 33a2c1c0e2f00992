/* output_internal: what the files of the HDF5 writer share: the writer's state, checked HDF5
 * helpers (output_hdf5.c) and the descriptive parts of the file (output_meta.c). Not part of the
 * library's API; output.c holds the writer's life cycle and the run data. */
#ifndef SAMEN_OUTPUT_INTERNAL_H
#define SAMEN_OUTPUT_INTERNAL_H
#include "output.h"
#include <hdf5.h>
#include <stdint.h>
#include <time.h>

#define OUT_CHUNK_BYTES (64 * 1024)  /* target chunk size; chunks land in [32, 64] KiB or span the dataset */
#define OUT_CACHE_BYTES (80 << 10)   /* chunk cache per dataset: one chunk (runs arrive in order) */
#define OUT_DEFLATE 1
#define OUT_BLOCK 64                 /* runs buffered before the series and summaries are written */
#define OUT_STAGE 8192               /* project rows buffered before the table is written */

struct output {
    char *path, *partial;
    int n_point, n_cond, n_rep, horizon; /* P, C, R, T */
    int has_point;                   /* a design: every run variable gets a leading point axis */
    int stride, n_times;             /* series every `stride` weeks (and the horizon); 0: none */
    int projects;                    /* write the project table */
    int deferred;                    /* projects come later, through output_projects_add */
    hid_t file;
    hid_t ts[N_TS], sum[N_SUM], status;
    hid_t dim_point, dim_cond, dim_rep, dim_time; /* root dimension scales */
    hid_t dim_proj, proj_d[N_PROJ + 1]; /* the project table, extended as runs arrive in order */
    hid_t pfirst_d;                  /* project_partner_first */
    hid_t dim_part, part_d[2];       /* the partner table: partner_project, partner_organisation */
    hsize_t proj_size, part_size;    /* rows the two tables were created with */
    hsize_t proj_rows, part_rows;    /* rows written */
    int n_orgs;                      /* organisations of the world: partners index them */
    size_t next_run;                 /* runs before this one are in the project table */
    hid_t prov;                      /* /provenance, kept open for wall_seconds */
    /* A block of consecutive replicates of one (point, condition), written in one call per variable. */
    size_t blk_run0;
    int blk_n;
    hsize_t blk_start[4];
    double *blk_ts, *blk_sum;        /* [N_TS][OUT_BLOCK][n_times], [N_SUM][OUT_BLOCK] */
    int32_t *blk_status;             /* [OUT_BLOCK] */
    /* Project and partner rows waiting to be written, in order. */
    project_record *stage;
    int32_t *stage_point, *stage_first; /* project_point, project_partner_first */
    size_t n_stage;
    int32_t *pstage_proj, *pstage_org;  /* partner_project, partner_organisation */
    size_t n_pstage;
    unsigned char *written;          /* [P * C * R]: 0 not yet, 1 stored, 2 failed */
    char **reason;                   /* [P * C * R]: why a run failed */
    struct run_rows *rows;           /* [P * C * R]: copies, sorted by id, until appended */
    int *n_proj, *n_part;            /* [P * C * R]: project and partner rows */
    struct timespec t0;
};

/* A run's project rows in id order, with their partner organisations: those of row i are
 * org[first[i] .. first[i + 1]). */
typedef struct run_rows {
    project_record *proj;
    int32_t *first, *org;
} run_rows;

enum { VAR_COMPRESS = 1, VAR_NAN_FILL = 2 };

/* Checked HDF5 calls: the first failure ends the program through die(), naming the object. */
#define OUT_OK(call, obj) out_ok(o, (long long)(call), #call, (obj))

/* Names inside the writer's files are short; in the library they carry the out_ prefix. */
#define attach out_attach
#define attr_f64 out_attr_f64
#define attr_i32 out_attr_i32
#define attr_num out_attr_num
#define attr_text out_attr_text
#define flags_parse out_flags_parse
#define var_create out_var_create
#define var_meta out_var_meta
#define var_write out_var_write
#define dim_index out_dim_index
#define name_array out_name_array
#define condition_names out_condition_names
#define group_create out_group_create
#define write_root_attributes out_write_root_attributes
#define write_parameters out_write_parameters
#define write_provenance out_write_provenance
#define write_design out_write_design
#define write_organisations out_write_organisations

void attach(output *o, hid_t d, const char *obj, int rank, const hid_t *scales);
void attr_f64(output *o, hid_t loc, const char *name, double v);
void attr_i32(output *o, hid_t loc, const char *name, int32_t v);
void attr_num(output *o, hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *v, hsize_t n);
void attr_text(output *o, hid_t loc, const char *obj, const char *name, const char *text);
int flags_parse(const char *s, char *meanings, size_t n);
hid_t var_create(output *o, hid_t loc, const char *obj, const char *name, hid_t ftype, int rank, const hsize_t *dims, int flags);
void var_meta(output *o, hid_t d, const char *obj, const char *units, const char *long_name);
void var_write(output *o, hid_t d, const char *obj, hid_t mtype, const void *buf);
hid_t dim_index(output *o, hid_t loc, const char *obj, const char *name, hsize_t n, const char *units, const char *long_name, int flags);
void name_array(output *o, hid_t loc, const char *where, const char *var, const char *strlen_name, const char *long_name, const char *names, size_t stride, int n, hid_t dim);
void condition_names(output *o, hid_t loc, const char *where, const scenario *sc, hid_t dim_cond);
hid_t group_create(output *o, hid_t loc, const char *name);
long long out_ok(const output *o, long long rc, const char *call, const char *obj);
void write_root_attributes(output *o, const scenario *sc);
void write_parameters(output *o, const scenario *sc);
void write_provenance(output *o, const scenario *sc, int argc, char **argv, int threads);
void write_design(output *o, const design *d);
void write_organisations(output *o, const scenario *sc);
/* output_projects.c */
void create_project_table(output *o, hsize_t rows, hsize_t partner_rows);
void take_rows(const output *o, const run_result *r, int n, run_rows *out);
void stage_run(output *o, int32_t point, const run_rows *rr, int n);
void flush_projects(output *o);
void write_stage(output *o);
void write_partner_stage(output *o);
void free_rows(run_rows *rr);

#endif
