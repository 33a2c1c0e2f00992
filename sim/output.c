/* output: the HDF5 writer's life cycle and the run data (series, summaries, run status, the
 * project and partner tables). The descriptive parts of the file are output_meta.c, the checked
 * HDF5 helpers output_hdf5.c. The layout is documented in docs/output.md; keep the two in step.
 *
 * Every HDF5 call is checked and the first failure ends the program through die(), naming the
 * object and HDF5's own reason; nothing is written after a failure, so the first error is the
 * one reported, and the cleanup hook removes PATH.partial. */
#include "output_internal.h"
#include "error.h"
#include "params.h"
#include "version.h"
#include <errno.h>
#include <fcntl.h>
#include <hdf5.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The writer whose partial file the die() hook removes (one open writer at a time). */
static output *out_current;

static void out_cleanup(void) {
    if (out_current) unlink(out_current->partial);
}

/* Series over ([point,] condition, replicate, time), summaries and run status over
 * ([point,] condition, replicate). */
static void create_run_variables(output *o) {
    char obj[160], name[128];
    int lead = o->has_point;
    hsize_t dims[4];
    hid_t scales[4];
    if (lead) dims[0] = (hsize_t)o->n_point, scales[0] = o->dim_point;
    dims[lead] = (hsize_t)o->n_cond, scales[lead] = o->dim_cond;
    dims[lead + 1] = (hsize_t)o->n_rep, scales[lead + 1] = o->dim_rep;
    dims[lead + 2] = (hsize_t)o->n_times, scales[lead + 2] = o->dim_time;
    double nan = NAN;
    for (int v = 0; v < N_TS && o->n_times; v++) {
        snprintf(obj, sizeof obj, "/%s", ts_info[v].name);
        o->ts[v] = var_create(o, o->file, obj, ts_info[v].name, H5T_IEEE_F64LE, lead + 3, dims,
                              VAR_COMPRESS | VAR_NAN_FILL);
        var_meta(o, o->ts[v], obj, ts_info[v].units, ts_info[v].long_name);
        attr_f64(o, o->ts[v], "_FillValue", nan);
        attr_text(o, o->ts[v], obj, "coordinates", "condition_name");
        attach(o, o->ts[v], obj, lead + 3, scales);
    }
    for (int k = 0; k < N_SUM; k++) {
        snprintf(name, sizeof name, "summary_%s", sum_info[k].name);
        snprintf(obj, sizeof obj, "/%s", name);
        o->sum[k] = var_create(o, o->file, obj, name, H5T_IEEE_F64LE, lead + 2, dims, VAR_COMPRESS | VAR_NAN_FILL);
        var_meta(o, o->sum[k], obj, sum_info[k].units, sum_info[k].long_name);
        attr_f64(o, o->sum[k], "_FillValue", nan);
        attr_text(o, o->sum[k], obj, "coordinates", "condition_name");
        attach(o, o->sum[k], obj, lead + 2, scales);
    }
    o->status = var_create(o, o->file, "/run_status", "run_status", H5T_STD_I32LE, lead + 2, dims, 0);
    var_meta(o, o->status, "/run_status", "1", "0 done, 1 failed (reasons in the attribute run_errors)");
    int32_t fv[2] = {0, 1};
    attr_num(o, o->status, "flag_values", H5T_STD_I32LE, H5T_NATIVE_INT32, fv, 2);
    attr_text(o, o->status, "/run_status", "flag_meanings", "done failed");
    attr_text(o, o->status, "/run_status", "coordinates", "condition_name");
    attach(o, o->status, "/run_status", lead + 2, scales);
}

/* The project table: one 1-D variable per field over `project`, and the partner table over
 * `partner` (rows known in advance). */
static void create_project_table(output *o, hsize_t rows, hsize_t partner_rows) {
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
static void write_stage(output *o) {
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
static void write_partner_stage(output *o) {
    hsize_t n = (hsize_t)o->n_pstage;
    if (n == 0) return;
    put_rows(o, o->part_d[0], "/partner_project", H5T_NATIVE_INT32, o->pstage_proj, o->part_rows, n);
    put_rows(o, o->part_d[1], "/partner_organisation", H5T_NATIVE_INT32, o->pstage_org, o->part_rows, n);
    o->part_rows += n;
    o->n_pstage = 0;
}

static void free_rows(run_rows *rr) {
    free(rr->proj), free(rr->first), free(rr->org);
    memset(rr, 0, sizeof *rr);
}

/* Stage a run's n project rows and their partner rows. */
static void stage_run(output *o, int32_t point, const run_rows *rr, int n) {
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
static void flush_projects(output *o) {
    size_t runs = (size_t)o->n_point * (size_t)o->n_cond * (size_t)o->n_rep;
    if (o->dim_proj < 0) return; /* rows not known yet: the table is written at close */
    while (o->next_run < runs && o->written[o->next_run]) {
        size_t run = o->next_run++;
        int32_t point = (int32_t)(run / ((size_t)o->n_cond * (size_t)o->n_rep));
        if (o->projects) stage_run(o, point, &o->rows[run], o->n_proj[run]);
        free_rows(&o->rows[run]);
    }
}

/* ---- the interface ------------------------------------------------------------------------------ */

output *output_open(const char *path, const scenario *sc, int argc, char **argv, int threads) {
    output_options opt = {NULL, 1, 1, -1, 0, argc, argv, threads};
    return output_open_with(path, sc, &opt);
}

output *output_open_with(const char *path, const scenario *sc, const output_options *opt) {
    int argc = opt->argc, threads = opt->threads;
    char **argv = opt->argv;
    if (out_current) die("output: %s is still open; one output at a time", out_current->path);
    if (sc->n_conditions < 1 || sc->replicates < 1 || sc->horizon < 1)
        die("output: nothing to write (%d conditions, %d replicates, horizon %d)", sc->n_conditions,
            sc->replicates, sc->horizon);
    output *o = xcalloc(1, sizeof *o);
    clock_gettime(CLOCK_MONOTONIC, &o->t0);
    o->path = xstrdup(path);
    o->partial = xmalloc(strlen(path) + sizeof ".partial");
    sprintf(o->partial, "%s.partial", path);
    o->n_cond = sc->n_conditions;
    o->n_rep = sc->replicates;
    o->horizon = sc->horizon;
    o->has_point = opt->design && opt->design->method != DESIGN_NONE;
    o->n_point = o->has_point ? opt->design->n_points : 1;
    o->stride = opt->record_every;
    o->n_times = 0;
    if (o->stride > 0) o->n_times = sc->horizon / o->stride + 1 + (sc->horizon % o->stride != 0);
    o->projects = opt->projects;
    o->deferred = opt->project_rows == -2;
    size_t runs = (size_t)o->n_point * (size_t)o->n_cond * (size_t)o->n_rep;
    o->written = xcalloc(runs, 1);
    o->reason = xcalloc(runs, sizeof *o->reason);
    o->rows = xcalloc(runs, sizeof *o->rows);
    o->n_proj = xcalloc(runs, sizeof *o->n_proj);
    o->n_part = xcalloc(runs, sizeof *o->n_part);

    out_current = o;
    error_set_cleanup(out_cleanup);
    /* After a failed write HDF5 1.10 can crash in its own exit handler while closing the broken
     * file, turning exit status 1 into a segfault. Files are closed explicitly here, so the
     * handler is not needed; this only takes effect when no HDF5 call came before. */
    H5dont_atexit();
    if (H5open() < 0) die("cannot initialise the HDF5 library");
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);

    hid_t fcpl = OUT_OK(H5Pcreate(H5P_FILE_CREATE), o->partial);
    OUT_OK(H5Pset_obj_track_times(fcpl, 0), o->partial);
    OUT_OK(H5Pset_link_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), o->partial);
    OUT_OK(H5Pset_attr_creation_order(fcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), o->partial);
    hid_t fapl = OUT_OK(H5Pcreate(H5P_FILE_ACCESS), o->partial);
    OUT_OK(H5Pset_libver_bounds(fapl, H5F_LIBVER_V18, H5F_LIBVER_V18), o->partial);
    OUT_OK(H5Pset_fclose_degree(fapl, H5F_CLOSE_SEMI), o->partial);
    o->file = OUT_OK(H5Fcreate(o->partial, H5F_ACC_TRUNC, fcpl, fapl), o->partial);
    OUT_OK(H5Pclose(fapl), o->partial);
    OUT_OK(H5Pclose(fcpl), o->partial);

    write_root_attributes(o, sc);
    attr_i32(o, o->file, "record_every", o->stride);
    o->dim_point = -1;
    if (o->has_point)
        o->dim_point = dim_index(o, o->file, "/point", "point", (hsize_t)o->n_point, "1",
                                 "design point (the parameter values in design_*)", 0);
    o->dim_cond = dim_index(o, o->file, "/condition", "condition", (hsize_t)o->n_cond, "1",
                            "condition index (names in condition_name)", 0);
    o->dim_rep = dim_index(o, o->file, "/replicate", "replicate", (hsize_t)o->n_rep, "1", "replicate index", 0);
    o->dim_time = -1;
    if (o->n_times) {
        hsize_t nt = (hsize_t)o->n_times;
        o->dim_time = var_create(o, o->file, "/time", "time", H5T_STD_I32LE, 1, &nt, 0);
        int32_t *w = xmalloc(sizeof(int32_t) * (size_t)nt);
        for (int i = 0; i < o->n_times; i++) w[i] = i * o->stride < sc->horizon ? i * o->stride : sc->horizon;
        var_write(o, o->dim_time, "/time", H5T_NATIVE_INT32, w);
        free(w);
        OUT_OK(H5DSset_scale(o->dim_time, "time"), "/time");
        var_meta(o, o->dim_time, "/time", "week", "week: 0 is the initial state, t the state at the end of week t");
    }
    condition_names(o, o->file, "", sc, o->dim_cond);
    write_organisations(o, sc);
    if (o->has_point) write_design(o, opt->design);
    create_run_variables(o);
    o->dim_proj = o->pfirst_d = o->dim_part = o->part_d[0] = o->part_d[1] = -1;
    for (int f = 0; f <= N_PROJ; f++) o->proj_d[f] = -1;
    if (o->projects && opt->project_rows >= 0)
        create_project_table(o, (hsize_t)opt->project_rows, (hsize_t)(opt->partner_rows > 0 ? opt->partner_rows : 0));
    write_parameters(o, sc);
    write_provenance(o, sc, argc, argv, threads);
    return o;
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
static void take_rows(const output *o, const run_result *r, int n, run_rows *out) {
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

void output_write_run(output *o, const run_result *r) { output_write_run_at(o, 0, r); }

/* The run's index in (point, condition, replicate) order, and the start of its hyperslab. */
static size_t run_index(const output *o, int point, int cond, int rep, hsize_t *start) {
    int lead = o->has_point;
    if (lead) start[0] = (hsize_t)point;
    start[lead] = (hsize_t)cond;
    start[lead + 1] = (hsize_t)rep;
    start[lead + 2] = 0;
    return ((size_t)point * (size_t)o->n_cond + (size_t)cond) * (size_t)o->n_rep + (size_t)rep;
}

/* Write the buffered block of runs: one call per variable. */
static void flush_block(output *o) {
    if (o->blk_n == 0) return;
    int lead = o->has_point;
    hsize_t count[4] = {1, 1, 1, 1}, NT = (hsize_t)o->n_times, n = (hsize_t)o->blk_n;
    count[lead + 1] = n;
    char obj[160];
    if (NT) {
        count[lead + 2] = NT;
        hsize_t mdim = n * NT;
        hid_t mem = OUT_OK(H5Screate_simple(1, &mdim, NULL), "series");
        for (int k = 0; k < N_TS; k++) {
            snprintf(obj, sizeof obj, "/%s", ts_info[k].name);
            hid_t fs = OUT_OK(H5Dget_space(o->ts[k]), obj);
            OUT_OK(H5Sselect_hyperslab(fs, H5S_SELECT_SET, o->blk_start, NULL, count, NULL), obj);
            OUT_OK(H5Dwrite(o->ts[k], H5T_NATIVE_DOUBLE, mem, fs, H5P_DEFAULT, o->blk_ts + (size_t)k * OUT_BLOCK * NT), obj);
            OUT_OK(H5Sclose(fs), obj);
        }
        OUT_OK(H5Sclose(mem), "series");
        count[lead + 2] = 1;
    }
    hid_t mem = OUT_OK(H5Screate_simple(1, &n, NULL), "summary");
    for (int k = 0; k < N_SUM; k++) {
        snprintf(obj, sizeof obj, "/summary_%s", sum_info[k].name);
        hid_t fs = OUT_OK(H5Dget_space(o->sum[k]), obj);
        OUT_OK(H5Sselect_hyperslab(fs, H5S_SELECT_SET, o->blk_start, NULL, count, NULL), obj);
        OUT_OK(H5Dwrite(o->sum[k], H5T_NATIVE_DOUBLE, mem, fs, H5P_DEFAULT, o->blk_sum + (size_t)k * OUT_BLOCK), obj);
        OUT_OK(H5Sclose(fs), obj);
    }
    hid_t fs = OUT_OK(H5Dget_space(o->status), "/run_status");
    OUT_OK(H5Sselect_hyperslab(fs, H5S_SELECT_SET, o->blk_start, NULL, count, NULL), "/run_status");
    OUT_OK(H5Dwrite(o->status, H5T_NATIVE_INT32, mem, fs, H5P_DEFAULT, o->blk_status), "/run_status");
    OUT_OK(H5Sclose(fs), "/run_status");
    OUT_OK(H5Sclose(mem), "summary");
    o->blk_n = 0;
}

/* Put one run (its series, summaries and status; ts/summary NULL for a failed run) in the block,
 * writing the block first when the run does not continue it. */
static void block_add(output *o, size_t run, const hsize_t *start, const double *ts, const double *summary,
                      int32_t status) {
    int lead = o->has_point;
    int same = o->blk_n > 0 && o->blk_n < OUT_BLOCK && run == o->blk_run0 + (size_t)o->blk_n &&
               (!lead || start[0] == o->blk_start[0]) && start[lead] == o->blk_start[lead];
    if (!same) {
        flush_block(o);
        o->blk_run0 = run;
        memcpy(o->blk_start, start, sizeof o->blk_start);
    }
    if (!o->blk_sum) {
        o->blk_ts = xmalloc(sizeof(double) * N_TS * OUT_BLOCK * (size_t)(o->n_times ? o->n_times : 1));
        o->blk_sum = xmalloc(sizeof(double) * N_SUM * OUT_BLOCK);
        o->blk_status = xmalloc(sizeof(int32_t) * OUT_BLOCK);
    }
    int j = o->blk_n++;
    size_t NT = (size_t)o->n_times, T1 = (size_t)o->horizon + 1;
    for (int k = 0; k < N_TS; k++)
        for (size_t i = 0; i < NT; i++) {
            size_t t = i * (size_t)o->stride < T1 - 1 ? i * (size_t)o->stride : T1 - 1;
            o->blk_ts[((size_t)k * OUT_BLOCK + (size_t)j) * NT + i] = ts ? ts[(size_t)k * T1 + t] : NAN;
        }
    for (int k = 0; k < N_SUM; k++) o->blk_sum[(size_t)k * OUT_BLOCK + (size_t)j] = summary ? summary[k] : NAN;
    o->blk_status[j] = status;
}


void output_mark_failed(output *o, int point, int cond, int rep, const char *reason) {
    hsize_t start[4];
    size_t run = run_index(o, point, cond, rep, start);
    if (o->written[run]) die("output: run (point %d, condition %d, replicate %d) stored twice", point, cond, rep);
    block_add(o, run, start, NULL, NULL, 1);
    o->reason[run] = xstrdup(reason ? reason : "unknown");
    o->written[run] = 2;
    flush_projects(o);
}

void output_write_run_at(output *o, int point, const run_result *r) {
    if (point < 0 || point >= o->n_point || r->condition < 0 || r->condition >= o->n_cond || r->replicate < 0 ||
        r->replicate >= o->n_rep)
        die("output: run (point %d, condition %d, replicate %d) is outside the %d x %d x %d experiment", point,
            r->condition, r->replicate, o->n_point, o->n_cond, o->n_rep);
    hsize_t start[4];
    size_t run = run_index(o, point, r->condition, r->replicate, start);
    if (o->written[run])
        die("output: run (condition %d, replicate %d) stored twice", r->condition, r->replicate);
    if (r->horizon != o->horizon)
        die("output: run (condition %d, replicate %d) has horizon %d, the file %d", r->condition, r->replicate,
            r->horizon, o->horizon);
    if (!r->ts || r->n_projects < 0 || (r->n_projects > 0 && !r->projects))
        die("output: run (condition %d, replicate %d) is incomplete", r->condition, r->replicate);

    block_add(o, run, start, r->ts, r->summary, 0);

    int n = o->deferred ? 0 : r->n_projects;
    take_rows(o, r, n, &o->rows[run]);
    o->n_proj[run] = n;
    o->n_part[run] = o->rows[run].first[n];
    o->written[run] = 1;
    flush_projects(o);
}

void output_projects_begin(output *o, long long rows, long long partner_rows) {
    if (!o->deferred) die("output: the project table is not deferred");
    if (rows < 0 || partner_rows < 0) die("output: %lld project rows, %lld partner rows", rows, partner_rows);
    flush_block(o);
    if (o->projects) create_project_table(o, (hsize_t)rows, (hsize_t)partner_rows);
    o->deferred = 0;
    o->next_run = 0;
    size_t runs = (size_t)o->n_point * (size_t)o->n_cond * (size_t)o->n_rep;
    for (size_t i = 0; i < runs; i++) free_rows(&o->rows[i]), o->n_proj[i] = o->n_part[i] = 0;
}

void output_projects_add(output *o, int point, const run_result *r) {
    if (!o->projects) return;
    hsize_t start[4];
    size_t run = run_index(o, point, r->condition, r->replicate, start);
    if (run != o->next_run) die("output: projects of run %zu added out of order (expected %zu)", run, o->next_run);
    int n = r->n_projects;
    run_rows rows;
    take_rows(o, r, n, &rows);
    stage_run(o, point, &rows, n);
    o->n_proj[run] = n;
    o->n_part[run] = rows.first[n];
    free_rows(&rows);
    o->next_run++;
}

static void sync_path(const char *path, int flags) {
    int fd = open(path, flags);
    if (fd < 0) die("cannot open %s to sync it: %s", path, strerror(errno));
    if (fsync(fd) != 0) die("cannot sync %s: %s", path, strerror(errno));
    if (close(fd) != 0) die("cannot close %s: %s", path, strerror(errno));
}

static void output_free(output *o) {
    size_t runs = (size_t)o->n_point * (size_t)o->n_cond * (size_t)o->n_rep;
    for (size_t i = 0; i < runs; i++) free_rows(&o->rows[i]), free(o->reason[i]);
    free(o->rows);
    free(o->reason);
    free(o->blk_ts), free(o->blk_sum), free(o->blk_status);
    free(o->stage), free(o->stage_point), free(o->stage_first);
    free(o->pstage_proj), free(o->pstage_org);
    free(o->n_proj), free(o->n_part);
    free(o->written);
    free(o->partial);
    free(o->path);
    free(o);
}

void output_close(output *o) {
    size_t runs = (size_t)o->n_point * (size_t)o->n_cond * (size_t)o->n_rep;
    for (size_t i = 0; i < runs; i++)
        if (!o->written[i])
            die("output: run %zu (point %zu, condition %zu, replicate %zu) was never stored; %s is incomplete", i,
                i / ((size_t)o->n_cond * (size_t)o->n_rep), i / (size_t)o->n_rep % (size_t)o->n_cond,
                i % (size_t)o->n_rep, o->path);
    flush_block(o);
    if (o->deferred) die("output: the deferred project table was never written");
    if (o->projects && o->dim_proj < 0) { /* rows were not known in advance */
        hsize_t rows = 0, partner_rows = 0;
        for (size_t i = 0; i < runs; i++) rows += (hsize_t)o->n_proj[i], partner_rows += (hsize_t)o->n_part[i];
        create_project_table(o, rows, partner_rows);
        o->next_run = 0;
    }
    flush_projects(o);
    if (o->dim_proj >= 0) write_stage(o), write_partner_stage(o);
    if (o->projects && o->proj_rows != (hsize_t)0 && o->dim_proj >= 0) {
        hsize_t want = 0, want_part = 0;
        for (size_t i = 0; i < runs; i++) want += (hsize_t)o->n_proj[i], want_part += (hsize_t)o->n_part[i];
        if (want != o->proj_rows) die("output: %llu project rows written, %llu expected", (unsigned long long)o->proj_rows,
                                      (unsigned long long)want);
        if (want_part != o->part_rows)
            die("output: %llu partner rows written, %llu expected", (unsigned long long)o->part_rows,
                (unsigned long long)want_part);
    }
    if (o->dim_proj >= 0 && (o->proj_rows != o->proj_size || o->part_rows != o->part_size))
        die("output: %llu project and %llu partner rows written, %llu and %llu announced",
            (unsigned long long)o->proj_rows, (unsigned long long)o->part_rows, (unsigned long long)o->proj_size,
            (unsigned long long)o->part_size);
    /* The reasons of failed runs, one line each. */
    size_t len = 1;
    for (size_t i = 0; i < runs; i++)
        if (o->reason[i]) len += strlen(o->reason[i]) + 64;
    char *errors = xmalloc(len), *e = errors;
    *e = '\0';
    for (size_t i = 0; i < runs; i++)
        if (o->reason[i])
            e += sprintf(e, "point %zu condition %zu replicate %zu: %s\n", i / ((size_t)o->n_cond * (size_t)o->n_rep),
                         i / (size_t)o->n_rep % (size_t)o->n_cond, i % (size_t)o->n_rep, o->reason[i]);
    attr_text(o, o->status, "/run_status", "run_errors", errors);
    free(errors);
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    attr_f64(o, o->prov, "wall_seconds", (double)(t1.tv_sec - o->t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - o->t0.tv_nsec));

    char obj[160];
    for (int v = 0; v < N_TS && o->n_times; v++) {
        snprintf(obj, sizeof obj, "/%s", ts_info[v].name);
        OUT_OK(H5Dclose(o->ts[v]), obj);
    }
    for (int k = 0; k < N_SUM; k++) {
        snprintf(obj, sizeof obj, "/summary_%s", sum_info[k].name);
        OUT_OK(H5Dclose(o->sum[k]), obj);
    }
    for (int f = 0; f <= N_PROJ; f++)
        if (o->proj_d[f] >= 0) OUT_OK(H5Dclose(o->proj_d[f]), "project table");
    if (o->dim_proj >= 0) OUT_OK(H5Dclose(o->dim_proj), "/project");
    if (o->pfirst_d >= 0) OUT_OK(H5Dclose(o->pfirst_d), "/project_partner_first");
    for (int k = 0; k < 2; k++)
        if (o->part_d[k] >= 0) OUT_OK(H5Dclose(o->part_d[k]), "partner table");
    if (o->dim_part >= 0) OUT_OK(H5Dclose(o->dim_part), "/partner");
    OUT_OK(H5Dclose(o->status), "/run_status");
    if (o->dim_point >= 0) OUT_OK(H5Dclose(o->dim_point), "/point");
    OUT_OK(H5Dclose(o->dim_cond), "/condition");
    OUT_OK(H5Dclose(o->dim_rep), "/replicate");
    if (o->dim_time >= 0) OUT_OK(H5Dclose(o->dim_time), "/time");
    OUT_OK(H5Gclose(o->prov), "/provenance");
    OUT_OK(H5Fflush(o->file, H5F_SCOPE_GLOBAL), o->partial);
    OUT_OK(H5Fclose(o->file), o->partial);
    o->file = -1;

    sync_path(o->partial, O_RDONLY);
    if (rename(o->partial, o->path) != 0) die("cannot rename %s to %s: %s", o->partial, o->path, strerror(errno));
    char *dir = xstrdup(o->path);
    char *slash = strrchr(dir, '/');
    if (!slash) strcpy(dir, ".");
    else if (slash == dir) dir[1] = '\0';
    else *slash = '\0';
    /* The file is at its final path now: a failure below must not remove it. */
    out_current = NULL;
    error_set_cleanup(NULL);
    sync_path(dir, O_RDONLY | O_DIRECTORY);
    free(dir);
    output_free(o);
}

void output_abort(output *o) {
    if (!o) return;
    /* Close quietly: the file is being thrown away, so failures here do not matter. */
    if (o->file > 0) {
        hid_t ids[] = {o->dim_cond, o->dim_rep, o->dim_time, o->dim_point, o->dim_proj, o->status, o->pfirst_d,
                       o->part_d[0], o->part_d[1], o->dim_part};
        for (int f = 0; f <= N_PROJ; f++)
            if (o->proj_d[f] > 0) H5Dclose(o->proj_d[f]);
        for (int v = 0; v < N_TS; v++)
            if (o->ts[v] > 0) H5Dclose(o->ts[v]);
        for (int k = 0; k < N_SUM; k++)
            if (o->sum[k] > 0) H5Dclose(o->sum[k]);
        for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
            if (ids[i] > 0) H5Dclose(ids[i]);
        if (o->prov > 0) H5Gclose(o->prov);
        H5Fclose(o->file);
    }
    unlink(o->partial);
    if (out_current == o) {
        out_current = NULL;
        error_set_cleanup(NULL);
    }
    output_free(o);
}
