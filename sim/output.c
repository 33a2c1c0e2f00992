/* output: the HDF5 writer's life cycle and the run data (series, summaries, run status). The
 * project and partner tables are output_projects.c, the descriptive parts of the file
 * output_meta.c, the checked HDF5 helpers output_hdf5.c. The layout is documented in docs/output.md; keep the two in step.
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
