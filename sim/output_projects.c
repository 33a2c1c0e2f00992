/* output_projects: the project table of an output file (one row per collaboration, docs/output.md)
 * and its partner table. Runs finish in any order; their rows are copied in id order (take_rows),
 * kept until every earlier run in (point, condition, replicate) order is in, then staged and
 * appended in that order (flush_projects), so the table is the same for any number of threads. */
#include "output_internal.h"
#include "error.h"
#include <hdf5.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The project table: one 1-D variable per field over `project`, and the partner table over
 * `partner` (rows known in advance). */
void create_project_table(output *o, hsize_t rows, hsize_t partner_rows) {
    char name[128], obj[160], meanings[512];
    /* The row numbers are stored as int32 (project_partner_first, partner_project). */
    if (rows > INT32_MAX || partner_rows > INT32_MAX)
        die("output: %llu project rows and %llu partner rows are more than this layout holds (2^31 - 1)",
            (unsigned long long)rows, (unsigned long long)partner_rows);
    o->proj_size = rows;
    o->part_size = partner_rows;
    o->dim_proj = dim_index(o, o->file, "/project", "project", rows, "1",
                            "row of the project table, ordered by point, condition, replicate and id", VAR_COMPRESS);
    for (int f = 0; f <= N_PROJ; f++) {
        int is_point = f == N_PROJ;
        o->proj_d[f] = -1;
        if (is_point && !o->has_point) continue;
        const metric_info *mi = is_point ? NULL : &proj_info[f];
        int is_int = is_point || mi->is_int;
        snprintf(name, sizeof name, "project_%s", is_point ? "point" : mi->name);
        snprintf(obj, sizeof obj, "/%s", name);
        hid_t d = var_create(o, o->file, obj, name, is_int ? H5T_STD_I32LE : H5T_IEEE_F64LE, 1, &rows,
                             VAR_COMPRESS | (is_int ? 0 : VAR_NAN_FILL));
        if (is_point) var_meta(o, d, obj, "1", "index of the design point");
        else {
            var_meta(o, d, obj, mi->units, mi->long_name);
            if (!mi->is_int) attr_f64(o, d, "_FillValue", NAN);
            int32_t fv[64];
            int nf = mi->is_int ? flags_parse(mi->long_name, meanings, sizeof meanings) : 0;
            if (nf > 0 && nf <= 64) {
                for (int i = 0; i < nf; i++) fv[i] = i;
                attr_num(o, d, "flag_values", H5T_STD_I32LE, H5T_NATIVE_INT32, fv, (hsize_t)nf);
                attr_text(o, d, obj, "flag_meanings", meanings);
            }
        }
        attach(o, d, obj, 1, &o->dim_proj);
        o->proj_d[f] = d;
    }
    o->pfirst_d = var_create(o, o->file, "/project_partner_first", "project_partner_first", H5T_STD_I32LE, 1, &rows,
                             VAR_COMPRESS);
    var_meta(o, o->pfirst_d, "/project_partner_first", "1",
             "row of the partner table where its partner organisations begin (project_partners rows)");
    attach(o, o->pfirst_d, "/project_partner_first", 1, &o->dim_proj);
    o->dim_part = dim_index(o, o->file, "/partner", "partner", partner_rows, "1",
                            "row of the partner table: one per partner organisation of a project, in project order",
                            VAR_COMPRESS);
    static const char *const part_name[2] = {"partner_project", "partner_organisation"};
    static const char *const part_long[2] = {"row of the project table (project) the partner belongs to",
                                             "the partner organisation (organisation)"};
    for (int k = 0; k < 2; k++) {
        snprintf(obj, sizeof obj, "/%s", part_name[k]);
        o->part_d[k] = var_create(o, o->file, obj, part_name[k], H5T_STD_I32LE, 1, &partner_rows, VAR_COMPRESS);
        var_meta(o, o->part_d[k], obj, "1", part_long[k]);
        attach(o, o->part_d[k], obj, 1, &o->dim_part);
    }
}

/* Write n values at row `at` of a 1-D dataset. */
static void put_rows(output *o, hid_t d, const char *obj, hid_t mtype, const void *buf, hsize_t at, hsize_t n) {
    hid_t fs = OUT_OK(H5Dget_space(d), obj);
    OUT_OK(H5Sselect_hyperslab(fs, H5S_SELECT_SET, &at, NULL, &n, NULL), obj);
    hid_t ms = OUT_OK(H5Screate_simple(1, &n, NULL), obj);
    OUT_OK(H5Dwrite(d, mtype, ms, fs, H5P_DEFAULT, buf), obj);
    OUT_OK(H5Sclose(ms), obj);
    OUT_OK(H5Sclose(fs), obj);
}

/* Write the staged project rows. */
void write_stage(output *o) {
    hsize_t n = (hsize_t)o->n_stage;
    if (n == 0) return;
    void *buf = xmalloc((size_t)n * sizeof(double));
    char name[160];
    for (int f = 0; f < N_PROJ; f++) {
        const metric_info *mi = &proj_info[f];
        for (hsize_t i = 0; i < n; i++) {
            const char *rec = (const char *)&o->stage[i];
            if (mi->is_int) memcpy((int32_t *)buf + i, rec + mi->offset, sizeof(int32_t));
            else memcpy((double *)buf + i, rec + mi->offset, sizeof(double));
        }
        snprintf(name, sizeof name, "/project_%s", mi->name);
        put_rows(o, o->proj_d[f], name, mi->is_int ? H5T_NATIVE_INT32 : H5T_NATIVE_DOUBLE, buf, o->proj_rows, n);
    }
    if (o->has_point) put_rows(o, o->proj_d[N_PROJ], "/project_point", H5T_NATIVE_INT32, o->stage_point, o->proj_rows, n);
    put_rows(o, o->pfirst_d, "/project_partner_first", H5T_NATIVE_INT32, o->stage_first, o->proj_rows, n);
    o->proj_rows += n;
    o->n_stage = 0;
    free(buf);
}

/* Write the staged partner rows. */
void write_partner_stage(output *o) {
    hsize_t n = (hsize_t)o->n_pstage;
    if (n == 0) return;
    put_rows(o, o->part_d[0], "/partner_project", H5T_NATIVE_INT32, o->pstage_proj, o->part_rows, n);
    put_rows(o, o->part_d[1], "/partner_organisation", H5T_NATIVE_INT32, o->pstage_org, o->part_rows, n);
    o->part_rows += n;
    o->n_pstage = 0;
}

void free_rows(run_rows *rr) {
    free(rr->proj), free(rr->first), free(rr->org);
    memset(rr, 0, sizeof *rr);
}

/* Stage a run's n project rows and their partner rows. */
void stage_run(output *o, int32_t point, const run_rows *rr, int n) {
    if (!o->stage) {
        o->stage = xmalloc(sizeof(project_record) * OUT_STAGE);
        o->stage_point = xmalloc(sizeof(int32_t) * OUT_STAGE);
        o->stage_first = xmalloc(sizeof(int32_t) * OUT_STAGE);
        o->pstage_proj = xmalloc(sizeof(int32_t) * OUT_STAGE);
        o->pstage_org = xmalloc(sizeof(int32_t) * OUT_STAGE);
    }
    for (int i = 0; i < n; i++) {
        if (o->n_stage == OUT_STAGE) write_stage(o);
        hsize_t row = o->proj_rows + o->n_stage, first = o->part_rows + o->n_pstage;
        if (row >= o->proj_size) die("output: more project rows than the %llu announced", (unsigned long long)o->proj_size);
        o->stage[o->n_stage] = rr->proj[i];
        o->stage_point[o->n_stage] = point;
        o->stage_first[o->n_stage++] = (int32_t)first;
        for (int32_t j = rr->first[i]; j < rr->first[i + 1]; j++) {
            if (o->n_pstage == OUT_STAGE) write_partner_stage(o);
            if (o->part_rows + o->n_pstage >= o->part_size)
                die("output: more partner rows than the %llu announced", (unsigned long long)o->part_size);
            o->pstage_proj[o->n_pstage] = (int32_t)row;
            o->pstage_org[o->n_pstage++] = rr->org[j];
        }
    }
}

/* Move the stored runs at the head of the run order into the project table (staged). */
void flush_projects(output *o) {
    size_t runs = (size_t)o->n_point * (size_t)o->n_cond * (size_t)o->n_rep;
    if (o->dim_proj < 0) return; /* rows not known yet: the table is written at close */
    while (o->next_run < runs && o->written[o->next_run]) {
        size_t run = o->next_run++;
        int32_t point = (int32_t)(run / ((size_t)o->n_cond * (size_t)o->n_rep));
        if (o->projects) stage_run(o, point, &o->rows[run], o->n_proj[run]);
        free_rows(&o->rows[run]);
    }
}

typedef struct row_order {
    int32_t id;
    int index;
} row_order;

static int cmp_project_id(const void *a, const void *b) {
    const row_order *x = a, *y = b;
    if (x->id != y->id) return (x->id > y->id) - (x->id < y->id);
    return (x->index > y->index) - (x->index < y->index);
}

/* A copy of the first n projects of a run in id order, condition and replicate set from the run,
 * each with its partner organisations, which must be as many as its project_partners and
 * organisations of the world. */
void take_rows(const output *o, const run_result *r, int n, run_rows *out) {
    row_order *order = xmalloc(sizeof *order * ((size_t)n + 1));
    for (int i = 0; i < n; i++) order[i] = (row_order){r->projects[i].id, i};
    qsort(order, (size_t)n, sizeof *order, cmp_project_id);
    int total = n ? run_n_partners(r) : 0;
    out->proj = xmalloc(sizeof(project_record) * ((size_t)n + 1));
    out->first = xmalloc(sizeof(int32_t) * ((size_t)n + 1));
    out->org = xmalloc(sizeof(int32_t) * ((size_t)total + 1));
    out->first[0] = 0;
    int32_t at = 0;
    for (int k = 0; k < n; k++) {
        int i = order[k].index;
        project_record *p = &out->proj[k];
        *p = r->projects[i];
        p->condition = r->condition, p->replicate = r->replicate;
        int32_t a = r->partner_first ? r->partner_first[i] : 0, b = r->partner_first ? r->partner_first[i + 1] : 0;
        if (a < 0 || b < a || b > total || b - a != p->partners)
            die("output: project %d of run (condition %d, replicate %d) lists %d partner organisations, "
                "project_partners says %d", p->id, r->condition, r->replicate, b - a, p->partners);
        for (int32_t j = a; j < b; j++) {
            if (r->partners[j] < 0 || r->partners[j] >= o->n_orgs)
                die("output: project %d of run (condition %d, replicate %d) has partner organisation %d; the world "
                    "has %d", p->id, r->condition, r->replicate, r->partners[j], o->n_orgs);
            out->org[at++] = r->partners[j];
        }
        out->first[k + 1] = at;
    }
    free(order);
}
