/* Unit tests of the HDF5 writer: synthetic runs (2 conditions x 3 replicates, horizon 10, five
 * organisations) go through output_open / output_write_run / output_close and are read back with
 * the HDF5 C API. Also: the organisations and partner lists a real run hands over.
 *
 *   build/tests/test_output [KEEP_PATH]
 *
 * With KEEP_PATH the synthetic file is also written there and kept (tests/python reads it). */
#include "error.h"
#include "output.h"
#include "params.h"
#include "run.h"
#include "shard.h"
#include "testhelp.h"
#include <hdf5.h>
#include <hdf5_hl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

enum { NC = 2, NR = 3, T = 10, NAMED = 3, GENERATED = 2, NORG = NAMED + GENERATED };

/* ---- synthetic data ------------------------------------------------------------------------- */

static int is_nan_ts(int c, int r, int v, int t) { return v == TS_momentum && (t == 0 || (c == 0 && r == 1)); }
static double ts_val(int c, int r, int v, int t) {
    return is_nan_ts(c, r, v, t) ? NAN : c * 10000 + r * 1000 + v * 10 + t * 0.5;
}
static double sum_val(int c, int r, int k) {
    return (k == SUM_success_launched && c == 1 && r == 2) ? NAN : c * 100 + r * 10 + k + 0.25;
}
/* Run (0, 0) has no projects. */
static int n_projects(int c, int r) { return c == 0 && r == 0 ? 0 : 1 + c + r; }
/* Project id of run (c, r) has 1-3 partners: organisations (id + c + 2 r + k) % NORG, k = 0, 1, ... */
static int n_partners(int c, int r, int id) { return 1 + (id + c + r) % 3; }
static int partner_org(int c, int r, int id, int k) { return (id + c + 2 * r + k) % NORG; }

static int32_t proj_int(int c, int r, int id, int f) {
    if (f == PROJ_condition) return c;
    if (f == PROJ_replicate) return r;
    if (f == PROJ_id) return id;
    if (f == PROJ_launch && id % 2) return -1;
    if (f == PROJ_outcome) return id % N_OUTCOMES;
    if (f == PROJ_formation) return c;
    if (f == PROJ_stall_reason) return id % 4;
    if (f == PROJ_partners) return n_partners(c, r, id);
    return id * 100 + f + c * 7 + r * 3;
}
static double proj_f64(int c, int r, int id, int f) {
    if (f == PROJ_alignment && id == 1) return NAN;
    return id + f * 0.5 + c * 0.01 + r * 0.001;
}

static void fill_project(project_record *p, int c, int r, int id) {
    for (int f = 0; f < N_PROJ; f++) {
        char *at = (char *)p + proj_info[f].offset;
        if (proj_info[f].is_int) {
            int32_t v = proj_int(c, r, id, f);
            memcpy(at, &v, sizeof v);
        } else {
            double v = proj_f64(c, r, id, f);
            memcpy(at, &v, sizeof v);
        }
    }
}

static void make_run(run_result *rr, int c, int r) {
    memset(rr, 0, sizeof *rr);
    rr->condition = c;
    rr->replicate = r;
    rr->horizon = T;
    rr->ts = xmalloc(sizeof(double) * N_TS * (T + 1));
    for (int v = 0; v < N_TS; v++)
        for (int t = 0; t <= T; t++) rr->ts[v * (T + 1) + t] = ts_val(c, r, v, t);
    rr->n_projects = n_projects(c, r);
    rr->projects = xmalloc(sizeof(project_record) * (size_t)(rr->n_projects ? rr->n_projects : 1));
    rr->partner_first = xmalloc(sizeof(int32_t) * (size_t)(rr->n_projects + 1));
    rr->partners = xmalloc(sizeof(int32_t) * (size_t)(3 * rr->n_projects + 1));
    rr->partner_first[0] = 0;
    /* Run (1, 2) hands its projects over in reverse id order: the writer sorts them, partners too. */
    for (int i = 0; i < rr->n_projects; i++) {
        int id = c == 1 && r == 2 ? rr->n_projects - 1 - i : i;
        fill_project(&rr->projects[i], c, r, id);
        int at = rr->partner_first[i];
        for (int k = 0; k < n_partners(c, r, id); k++) rr->partners[at++] = partner_org(c, r, id, k);
        rr->partner_first[i + 1] = at;
    }
    for (int k = 0; k < N_SUM; k++) rr->summary[k] = sum_val(c, r, k);
}

static void free_run(run_result *rr) { run_result_free(rr); }

static char *make_text(void) {
    /* Larger than the 64 KiB an HDF5 attribute can hold in the object header. */
    size_t n = 100000, m = 0;
    char *s = xmalloc(n + 200);
    m += (size_t)sprintf(s, "# --- file: synthetic.yaml ---\nname: synthetic\ntitle: Synthetic output test\n");
    for (int i = 0; m < n; i++) m += (size_t)sprintf(s + m, "# padding line %05d of the synthetic scenario text\n", i);
    return s;
}

static void make_scenario(scenario *sc) {
    memset(sc, 0, sizeof *sc);
    snprintf(sc->name, sizeof sc->name, "synthetic");
    snprintf(sc->title, sizeof sc->title, "Synthetic output test");
    sc->horizon = T;
    sc->replicates = NR;
    sc->seed = 4000000000u;
    sc->text = make_text();
    sc->n_conditions = NC;
    sc->conditions = xcalloc(NC, sizeof *sc->conditions);
    snprintf(sc->conditions[0].name, SCENARIO_NAME_MAX, "baseline");
    snprintf(sc->conditions[1].name, SCENARIO_NAME_MAX, "mandate");
    params_defaults(&sc->conditions[0].p);
    params_defaults(&sc->conditions[1].p);
    params_set(&sc->conditions[1].p, params_find("formation"), 1);
    params_set(&sc->conditions[1].p, params_find("structure.team_target"), 12);
    sc->n_orgs = NAMED;
    sc->orgs = xcalloc(NAMED, sizeof *sc->orgs);
    static const char *const names[NAMED] = {"Zeist", "Oss", "Provincie Utrecht"};
    static const double employees[NAMED] = {550.4, 0.2, 400};
    static const int kinds[NAMED] = {ORG_MUNICIPALITY, ORG_MUNICIPALITY, ORG_PROVINCE};
    for (int i = 0; i < NAMED; i++) {
        snprintf(sc->orgs[i].name, SCENARIO_NAME_MAX, "%s", names[i]);
        sc->orgs[i].employees = sc->orgs[i].power = employees[i];
        sc->orgs[i].failure_tolerance = -1;
        sc->orgs[i].region = i == 1;
        sc->orgs[i].kind = kinds[i];
        sc->orgs[i].province = i == 0 ? 2 : -1;
    }
    sc->gen = (world_gen){GENERATED, 300, 0.7, 2};
}

static char *argv_demo[] = {"samen", "run", "-o", "my file.h5", "--set", "formation=structure_first", NULL};
enum { ARGC_DEMO = 6 };

/* Write the synthetic experiment to path, runs in a scrambled order. */
static void write_file(const char *path, const scenario *sc) {
    static const int order[NC * NR][2] = {{1, 2}, {0, 0}, {1, 0}, {0, 2}, {0, 1}, {1, 1}};
    output *o = output_open(path, sc, ARGC_DEMO, argv_demo, 3);
    for (int i = 0; i < NC * NR; i++) {
        run_result rr;
        make_run(&rr, order[i][0], order[i][1]);
        output_write_run(o, &rr);
        free_run(&rr);
    }
    output_close(o);
}

/* ---- reading back --------------------------------------------------------------------------- */

static int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static char *attr_text(hid_t loc, const char *name) {
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return xstrdup("<missing>");
    hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    char *buf;
    if (H5Tget_class(t) != H5T_STRING || H5Tis_variable_str(t) || H5Sget_simple_extent_type(s) != H5S_SCALAR ||
        H5Tget_strpad(t) != H5T_STR_NULLTERM)
        buf = xstrdup("<not a scalar fixed-length null-terminated string>");
    else {
        size_t n = H5Tget_size(t);
        buf = xcalloc(n + 1, 1);
        if (H5Aread(a, t, buf) < 0) snprintf(buf, n + 1, "?");
    }
    H5Sclose(s);
    H5Tclose(t);
    H5Aclose(a);
    return buf;
}

/* A numeric attribute: 1-D, n values expected; returns the first. */
static double attr_num(hid_t loc, const char *name, hssize_t n_expected, double *all) {
    double v[64] = {NAN};
    hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
    if (a < 0) return NAN;
    hid_t s = H5Aget_space(a);
    hssize_t n = H5Sget_simple_extent_npoints(s);
    CHECK_MSG(H5Sget_simple_extent_ndims(s) == 1 && n == n_expected, "attribute %s: rank %d, %lld values", name,
              H5Sget_simple_extent_ndims(s), (long long)n);
    if (n <= 64) H5Aread(a, H5T_NATIVE_DOUBLE, v);
    if (all && n <= 64) memcpy(all, v, (size_t)n * sizeof *v);
    H5Sclose(s);
    H5Aclose(a);
    return v[0];
}

static int same(double a, double b) { return (isnan(a) && isnan(b)) || a == b; }

static void check_text_attr(hid_t loc, const char *name, const char *want) {
    char *got = attr_text(loc, name);
    CHECK_MSG(strcmp(got, want) == 0, "attribute %s: \"%.60s\" vs \"%.60s\"", name, got, want);
    free(got);
}

static void check_var_meta(hid_t d, const char *name, const char *units, const char *long_name) {
    char *u = attr_text(d, "units"), *l = attr_text(d, "long_name");
    CHECK_MSG(strcmp(u, units) == 0, "%s units \"%s\" vs \"%s\"", name, u, units);
    CHECK_MSG(strcmp(l, long_name) == 0, "%s long_name \"%s\"", name, l);
    free(u);
    free(l);
}

/* The dataset's dimension scales are exactly `dims`, in order. */
static void check_dims(hid_t file, hid_t d, const char *name, int rank, const char *const *dims) {
    hid_t s = H5Dget_space(d);
    CHECK_MSG(H5Sget_simple_extent_ndims(s) == rank, "%s rank", name);
    H5Sclose(s);
    for (int i = 0; i < rank; i++) {
        hid_t sc = H5Dopen2(file, dims[i], H5P_DEFAULT);
        CHECK_MSG(sc >= 0 && H5DSis_scale(sc) > 0, "%s is a dimension scale", dims[i]);
        CHECK_MSG(H5DSis_attached(d, sc, (unsigned)i) > 0, "%s axis %d attached to %s", name, i, dims[i]);
        H5Dclose(sc);
    }
}

static double *read_all(hid_t file, const char *name, hsize_t *n, hid_t *dset) {
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    CHECK_MSG(d >= 0, "dataset %s exists", name);
    if (d < 0) {
        *n = 0;
        return NULL;
    }
    hid_t s = H5Dget_space(d);
    *n = (hsize_t)H5Sget_simple_extent_npoints(s);
    H5Sclose(s);
    double *v = xmalloc((*n ? *n : 1) * sizeof *v);
    CHECK_MSG(*n == 0 || H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v) >= 0, "read %s", name);
    if (dset) *dset = d;
    else H5Dclose(d);
    return v;
}

static void check_no_times(hid_t obj, const char *name) {
    H5O_info_t oi;
    CHECK_MSG(H5Oget_info2(obj, &oi, H5O_INFO_TIME) >= 0 && oi.ctime == 0 && oi.mtime == 0,
              "%s carries no time stamps", name);
}

static void check_file(const char *path, const scenario *sc) {
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    CHECK_MSG(f >= 0, "open %s", path);
    if (f < 0) return;
    hid_t root = H5Gopen2(f, "/", H5P_DEFAULT);

    /* Root attributes. */
    check_text_attr(root, "Conventions", "CF-1.8");
    check_text_attr(root, "title", "Synthetic output test");
    check_text_attr(root, "scenario_name", "synthetic");
    check_text_attr(root, "scenario_text", sc->text);
    check_text_attr(root, "source", "samen 0.1.0");
    char *s = attr_text(root, "hdf5_version");
    CHECK_MSG(s[0] >= '1' && s[0] <= '9' && strchr(s, '.'), "hdf5_version %s", s);
    free(s);
    s = attr_text(root, "gsl_version");
    CHECK_MSG(strchr(s, '.') != NULL, "gsl_version %s", s);
    free(s);
    s = attr_text(root, "yaml_version");
    CHECK_MSG(strchr(s, '.') != NULL, "yaml_version %s", s);
    free(s);
    CHECK(attr_num(root, "seed", 1, NULL) == 4000000000.0);
    CHECK(attr_num(root, "horizon", 1, NULL) == T);
    CHECK(attr_num(root, "replicates", 1, NULL) == NR);
    CHECK(attr_num(root, "cohort_cutoff", 1, NULL) == T / 2);
    check_no_times(root, "/");

    /* Dimensions. */
    hsize_t n;
    double *v = read_all(f, "condition", &n, NULL);
    CHECK(n == NC && v[0] == 0 && v[1] == 1);
    free(v);
    v = read_all(f, "replicate", &n, NULL);
    CHECK(n == NR && v[0] == 0 && v[2] == 2);
    free(v);
    v = read_all(f, "time", &n, NULL);
    CHECK(n == T + 1 && v[0] == 0 && v[T] == T);
    free(v);
    hid_t d = H5Dopen2(f, "time", H5P_DEFAULT);
    check_var_meta(d, "time", "week", "week: 0 is the initial state, t the state at the end of week t");
    H5Dclose(d);

    d = H5Dopen2(f, "condition_name", H5P_DEFAULT);
    CHECK(d >= 0);
    if (d >= 0) {
        hid_t sp = H5Dget_space(d);
        hsize_t dims[2];
        H5Sget_simple_extent_dims(sp, dims, NULL);
        CHECK(dims[0] == NC && dims[1] == strlen("baseline"));
        char names[NC][9] = {{0}};
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, 1);
        H5Tset_strpad(t, H5T_STR_NULLPAD);
        char raw[NC * 8];
        CHECK(H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0);
        for (int c = 0; c < NC; c++) memcpy(names[c], raw + c * 8, 8);
        CHECK_STR(names[0], "baseline");
        CHECK_STR(names[1], "mandate");
        H5Tclose(t);
        H5Sclose(sp);
        H5Dclose(d);
    }

    /* Series. */
    static const char *const ts_dims[] = {"condition", "replicate", "time"};
    for (int var = 0; var < N_TS; var++) {
        hid_t ds;
        v = read_all(f, ts_info[var].name, &n, &ds);
        CHECK(n == NC * NR * (T + 1));
        int bad = 0;
        for (int c = 0; c < NC; c++)
            for (int r = 0; r < NR; r++)
                for (int t = 0; t <= T; t++)
                    bad += !same(v[(c * NR + r) * (T + 1) + t], ts_val(c, r, var, t));
        CHECK_MSG(bad == 0, "series %s: %d values differ", ts_info[var].name, bad);
        free(v);
        check_var_meta(ds, ts_info[var].name, ts_info[var].units, ts_info[var].long_name);
        check_dims(f, ds, ts_info[var].name, 3, ts_dims);
        CHECK(isnan(attr_num(ds, "_FillValue", 1, NULL)));
        hid_t dcpl = H5Dget_create_plist(ds);
        hsize_t chunk[3];
        CHECK(H5Pget_layout(dcpl) == H5D_CHUNKED);
        CHECK(H5Pget_chunk(dcpl, 3, chunk) == 3 && chunk[0] <= NC && chunk[1] <= NR && chunk[2] <= T + 1);
        CHECK(H5Pget_nfilters(dcpl) == 3);
        H5Pclose(dcpl);
        if (var == 0) check_no_times(ds, ts_info[var].name);
        H5Dclose(ds);
    }

    /* Summaries. */
    static const char *const sum_dims[] = {"condition", "replicate"};
    for (int k = 0; k < N_SUM; k++) {
        char name[128];
        snprintf(name, sizeof name, "summary_%s", sum_info[k].name);
        hid_t ds;
        v = read_all(f, name, &n, &ds);
        CHECK(n == NC * NR);
        int bad = 0;
        for (int c = 0; c < NC; c++)
            for (int r = 0; r < NR; r++) bad += !same(v[c * NR + r], sum_val(c, r, k));
        CHECK_MSG(bad == 0, "%s: %d values differ", name, bad);
        free(v);
        check_var_meta(ds, name, sum_info[k].units, sum_info[k].long_name);
        check_dims(f, ds, name, 2, sum_dims);
        H5Dclose(ds);
    }

    /* The project table, rows by (condition, replicate, id). */
    int rows = 0;
    for (int c = 0; c < NC; c++)
        for (int r = 0; r < NR; r++) rows += n_projects(c, r);
    v = read_all(f, "project", &n, NULL);
    CHECK(n == (hsize_t)rows && v[rows - 1] == rows - 1);
    free(v);
    static const char *const proj_dims[] = {"project"};
    for (int fi = 0; fi < N_PROJ; fi++) {
        char name[128];
        snprintf(name, sizeof name, "project_%s", proj_info[fi].name);
        hid_t ds;
        v = read_all(f, name, &n, &ds);
        CHECK(n == (hsize_t)rows);
        hid_t t = H5Dget_type(ds);
        CHECK_MSG(H5Tget_class(t) == (proj_info[fi].is_int ? H5T_INTEGER : H5T_FLOAT) && H5Tget_size(t) == 4u + 4u * !proj_info[fi].is_int,
                  "%s type", name);
        H5Tclose(t);
        int bad = 0, k = 0;
        for (int c = 0; c < NC; c++)
            for (int r = 0; r < NR; r++)
                for (int id = 0; id < n_projects(c, r); id++, k++) {
                    double want = proj_info[fi].is_int ? proj_int(c, r, id, fi) : proj_f64(c, r, id, fi);
                    bad += !same(v[k], want);
                }
        CHECK_MSG(bad == 0, "%s: %d values differ", name, bad);
        free(v);
        check_var_meta(ds, name, proj_info[fi].units, proj_info[fi].long_name);
        check_dims(f, ds, name, 1, proj_dims);
        H5Dclose(ds);
    }
    d = H5Dopen2(f, "project_outcome", H5P_DEFAULT);
    double fv[64];
    CHECK(attr_num(d, "flag_values", N_OUTCOMES, fv) == 0 && fv[N_OUTCOMES - 1] == N_OUTCOMES - 1);
    check_text_attr(d, "flag_meanings", "fizzled completed dissolved stalled_at_the_horizon active_at_the_horizon killed_by_a_review");
    H5Dclose(d);
    d = H5Dopen2(f, "project_champion", H5P_DEFAULT);
    CHECK(H5Aexists(d, "flag_values") == 0);
    H5Dclose(d);

    /* Organisations. */
    static const char *const org_dims[] = {"organisation"};
    org_summary orgs[NORG];
    CHECK(world_organisations(sc, NULL) == NORG && world_organisations(sc, orgs) == NORG);
    CHECK_STR(orgs[2].name, "Provincie Utrecht");
    CHECK_STR(orgs[4].name, "generated_1");
    CHECK(orgs[0].employees == 550 && orgs[1].employees == 1 && orgs[2].kind == ORG_PROVINCE);
    CHECK(orgs[3].kind == ORG_MUNICIPALITY && orgs[3].region == 0 && orgs[4].region == 1 && orgs[1].region == 1);
    CHECK(orgs[3].employees >= 1 && orgs[3].employees != orgs[4].employees);
    v = read_all(f, "organisation", &n, NULL);
    CHECK(n == NORG && v[NORG - 1] == NORG - 1);
    free(v);
    static const char *const org_var[3] = {"organisation_employees", "organisation_region", "organisation_kind"};
    for (int k = 0; k < 3; k++) {
        hid_t ds;
        v = read_all(f, org_var[k], &n, &ds);
        CHECK(n == NORG);
        int bad = 0;
        for (int i = 0; i < NORG && n == NORG; i++)
            bad += v[i] != (k == 0 ? orgs[i].employees : k == 1 ? orgs[i].region : orgs[i].kind);
        CHECK_MSG(bad == 0, "%s: %d values differ", org_var[k], bad);
        free(v);
        check_dims(f, ds, org_var[k], 1, org_dims);
        check_text_attr(ds, "coordinates", "organisation_name");
        if (k == 2) {
            double fv3[3];
            CHECK(attr_num(ds, "flag_values", 3, fv3) == 0 && fv3[2] == 2);
            check_text_attr(ds, "flag_meanings", "municipality province other");
        }
        H5Dclose(ds);
    }
    d = H5Dopen2(f, "organisation_name", H5P_DEFAULT);
    CHECK(d >= 0);
    if (d >= 0) {
        hid_t sp = H5Dget_space(d);
        hsize_t dims[2];
        H5Sget_simple_extent_dims(sp, dims, NULL);
        CHECK(dims[0] == NORG && dims[1] == strlen("Provincie Utrecht"));
        char raw[NORG * 17 + 1] = {0};
        hid_t t = H5Tcopy(H5T_C_S1);
        H5Tset_size(t, 1);
        H5Tset_strpad(t, H5T_STR_NULLPAD);
        CHECK(dims[1] == 17 && H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) >= 0);
        for (int i = 0; i < NORG; i++) {
            char name[18] = {0};
            memcpy(name, raw + i * 17, 17);
            CHECK_STR(name, orgs[i].name);
        }
        static const char *const name_dims[] = {"organisation", "org_strlen"};
        check_dims(f, d, "organisation_name", 2, name_dims);
        H5Tclose(t);
        H5Sclose(sp);
        H5Dclose(d);
    }

    /* The partner table: rows in project order, project_partner_first pointing at each project's. */
    int prow = 0;
    for (int c = 0; c < NC; c++)
        for (int r = 0; r < NR; r++)
            for (int id = 0; id < n_projects(c, r); id++) prow += n_partners(c, r, id);
    hsize_t nf, np, no;
    hid_t dfirst, dproj, dorg;
    double *first = read_all(f, "project_partner_first", &nf, &dfirst);
    double *pproj = read_all(f, "partner_project", &np, &dproj);
    double *porg = read_all(f, "partner_organisation", &no, &dorg);
    CHECK(nf == (hsize_t)rows && np == (hsize_t)prow && no == (hsize_t)prow);
    if (nf == (hsize_t)rows && np == (hsize_t)prow && no == (hsize_t)prow) {
        int bad = 0, k = 0, j = 0;
        for (int c = 0; c < NC; c++)
            for (int r = 0; r < NR; r++)
                for (int id = 0; id < n_projects(c, r); id++, k++) {
                    bad += first[k] != j;
                    for (int q = 0; q < n_partners(c, r, id); q++, j++)
                        bad += pproj[j] != k || porg[j] != partner_org(c, r, id, q);
                }
        CHECK_MSG(bad == 0, "partner table: %d values differ", bad);
    }
    static const char *const part_dims[] = {"partner"};
    check_dims(f, dfirst, "project_partner_first", 1, proj_dims);
    check_dims(f, dproj, "partner_project", 1, part_dims);
    check_dims(f, dorg, "partner_organisation", 1, part_dims);
    check_var_meta(dorg, "partner_organisation", "1", "the partner organisation (organisation)");
    free(first), free(pproj), free(porg);
    H5Dclose(dfirst), H5Dclose(dproj), H5Dclose(dorg);
    v = read_all(f, "partner", &n, NULL);
    CHECK(n == (hsize_t)prow && v[prow - 1] == prow - 1);
    free(v);

    /* Parameters. */
    hid_t g = H5Gopen2(f, "parameters", H5P_DEFAULT);
    CHECK(g >= 0);
    H5G_info_t gi;
    CHECK(H5Gget_info(g, &gi) >= 0 && gi.nlinks == (hsize_t)PARAMS_COUNT + 3);
    int bad = 0;
    for (int i = 0; i < PARAMS_COUNT; i++) {
        const param_info *pi = &params_table[i];
        v = read_all(g, pi->key, &n, NULL);
        if (n != NC) bad++;
        else
            for (int c = 0; c < NC; c++) bad += v[c] != params_get(&sc->conditions[c].p, pi);
        free(v);
    }
    CHECK_MSG(bad == 0, "%d parameter values differ", bad);
    d = H5Dopen2(g, "formation", H5P_DEFAULT);
    v = read_all(g, "formation", &n, NULL);
    CHECK(n == NC && v[0] == 0 && v[1] == 1);
    free(v);
    check_text_attr(d, "flag_meanings", "network_first structure_first");
    CHECK(attr_num(d, "flag_values", 2, fv) == 0 && fv[1] == 1);
    CHECK(attr_num(d, "valid_max", 1, NULL) == 1);
    check_text_attr(d, "value_type", "choice");
    H5Dclose(d);
    d = H5Dopen2(g, "structure.team_target", H5P_DEFAULT);
    CHECK(attr_num(d, "default", 1, NULL) == 8 && attr_num(d, "valid_min", 1, NULL) == 2);
    check_var_meta(d, "structure.team_target", "persons", params_find("structure.team_target")->doc);
    static const char *const par_dims[] = {"condition"};
    check_dims(g, d, "structure.team_target", 1, par_dims);
    H5Dclose(d);
    check_no_times(g, "/parameters");
    H5Gclose(g);

    /* Provenance. */
    g = H5Gopen2(f, "provenance", H5P_DEFAULT);
    CHECK(g >= 0);
    check_text_attr(g, "command_line", "samen run -o 'my file.h5' --set formation=structure_first");
    CHECK(attr_num(g, "threads", 1, NULL) == 3);
    CHECK(attr_num(g, "wall_seconds", 1, NULL) >= 0);
    s = attr_text(g, "started");
    CHECK_MSG(strlen(s) == 20 && s[10] == 'T' && s[19] == 'Z', "started %s", s);
    free(s);
    s = attr_text(g, "host");
    CHECK(s[0] != '\0' && s[0] != '<');
    free(s);
    H5Gclose(g);

    H5Gclose(root);
    CHECK(H5Fclose(f) >= 0);
}

/* ---- failure paths, each in a child process (die() exits) ------------------------------------- */

enum { FAIL_NO_DIR, FAIL_TWICE, FAIL_MISSING, FAIL_PARTNER_ORG, FAIL_PARTNER_COUNT };

static int child_status(int what, const char *path, const scenario *sc) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stderr)) _exit(99);
        run_result rr;
        output *o = output_open(path, sc, 0, NULL, 1);
        make_run(&rr, 0, 1);
        if (what == FAIL_PARTNER_ORG) rr.partners[1] = NORG; /* not an organisation of the world */
        if (what == FAIL_PARTNER_COUNT) rr.projects[0].partners++;
        output_write_run(o, &rr);
        if (what == FAIL_PARTNER_ORG || what == FAIL_PARTNER_COUNT) _exit(0); /* the write itself must fail */
        if (what == FAIL_TWICE) output_write_run(o, &rr);
        output_close(o);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A real run: the organisations the writer lists are the world the run simulated, and every
 * project lists its partner organisations, as many as project_partners, all different; the
 * partner lists survive a shard record. */
static void check_real_run(const char *dir) {
    static const char text[] = "name: partners\nhorizon: 60\nreplicates: 2\nseed: 7\n"
                               "world:\n  organisations:\n"
                               "    - { name: Zeist, employees: 120 }\n"
                               "    - { name: Provincie, employees: 80, kind: province }\n"
                               "  generate: { count: 4, median_employees: 150, sigma_ln: 0.7, regions: 2 }\n"
                               "conditions:\n  nf: { formation: network_first }\n"
                               "  sf: { formation: structure_first }\n";
    scenario sc;
    char err[512];
    if (scenario_load_text("<partners>", text, &sc, err, sizeof err)) {
        CHECK_MSG(0, "%s", err);
        return;
    }
    int n = world_organisations(&sc, NULL);
    org_summary *orgs = xcalloc((size_t)n, sizeof *orgs);
    world_organisations(&sc, orgs);
    int total = 0;
    for (int i = 0; i < n; i++) total += orgs[i].employees;
    CHECK(n == 6 && orgs[1].kind == ORG_PROVINCE && orgs[5].region == 1);
    for (int c = 0; c < sc.n_conditions; c++)
        for (int r = 0; r < sc.replicates; r++) {
            run_result rr;
            run_simulate(&sc, c, r, 1, &rr);
            CHECK_MSG(rr.agents == total, "run (%d, %d): %d employees simulated, the organisations have %d", c, r,
                      rr.agents, total);
            CHECK(rr.n_projects > 0 && rr.partner_first && rr.partner_first[0] == 0);
            int bad = 0;
            for (int i = 0; i < rr.n_projects; i++) {
                int a = rr.partner_first[i], b = rr.partner_first[i + 1];
                bad += b - a != rr.projects[i].partners || b - a < 1;
                for (int j = a; j < b; j++) {
                    bad += rr.partners[j] < 0 || rr.partners[j] >= n;
                    for (int k = a; k < j; k++) bad += rr.partners[k] == rr.partners[j];
                }
            }
            CHECK_MSG(bad == 0, "run (%d, %d): %d bad partner lists", c, r, bad);
            if (c == 1 && r == 1) {
                shard_log *log = shard_log_open(dir, 0);
                shard_log_write(log, &rr, 0, RUN_DONE, NULL);
                char *logpath = xstrdup(shard_log_path(log));
                shard_log_close(log);
                shard_scan scan;
                shard_scan_dir(dir, 1, 2, 2, 1, &scan);
                CHECK(scan.found == 1 && scan.ref[3].n_projects == rr.n_projects &&
                      scan.ref[3].n_partners == run_n_partners(&rr));
                run_result back;
                int status = -1;
                CHECK(shard_read(&scan, 3, &back, &status, NULL, 0) == 0 && status == RUN_DONE);
                CHECK(back.n_projects == rr.n_projects && run_n_partners(&back) == run_n_partners(&rr));
                if (back.n_projects == rr.n_projects && run_n_partners(&back) == run_n_partners(&rr)) {
                    CHECK(memcmp(back.partner_first, rr.partner_first, sizeof(int32_t) * (size_t)(rr.n_projects + 1)) == 0);
                    CHECK(memcmp(back.partners, rr.partners, sizeof(int32_t) * (size_t)run_n_partners(&rr)) == 0);
                }
                run_result_free(&back);
                shard_scan_free(&scan);
                unlink(logpath);
                free(logpath);
            }
            run_result_free(&rr);
        }
    free(orgs);
    scenario_free(&sc);
}

int main(int argc, char **argv) {
    scenario sc;
    make_scenario(&sc);

    CHECK(run_cohort_cutoff(10) == 5);
    CHECK(run_cohort_cutoff(208) == 104);
    CHECK(run_cohort_cutoff(209) == 105);
    CHECK(run_cohort_cutoff(520) == 416);
    CHECK_STR(proj_info[PROJ_first_win].name, "first_win");
    CHECK(proj_info[PROJ_first_win].is_int && !proj_info[PROJ_momentum].is_int);
    CHECK(proj_info[PROJ_momentum].offset == offsetof(project_record, momentum));

    char dir[] = "/tmp/samen-test-output-XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    char path[256], partial[300], path2[256], partial2[300];
    snprintf(path, sizeof path, "%s/out.h5", dir);
    snprintf(partial, sizeof partial, "%s.partial", path);
    snprintf(path2, sizeof path2, "%s/aborted.h5", dir);
    snprintf(partial2, sizeof partial2, "%s.partial", path2);

    /* A stale partial from an earlier crash is truncated, not appended to. */
    FILE *junk = fopen(partial, "w");
    if (junk) fputs("not an HDF5 file", junk), fclose(junk);

    output *o = output_open(path, &sc, ARGC_DEMO, argv_demo, 3);
    CHECK(exists(partial) && !exists(path));
    static const int order[NC * NR][2] = {{1, 2}, {0, 0}, {1, 0}, {0, 2}, {0, 1}, {1, 1}};
    for (int i = 0; i < NC * NR; i++) {
        run_result rr;
        make_run(&rr, order[i][0], order[i][1]);
        output_write_run(o, &rr);
        free_run(&rr);
    }
    CHECK(exists(partial) && !exists(path));
    output_close(o);
    CHECK(!exists(partial) && exists(path));
    check_file(path, &sc);

    /* output_abort leaves nothing behind. */
    o = output_open(path2, &sc, 0, NULL, 1);
    run_result rr;
    make_run(&rr, 1, 1);
    output_write_run(o, &rr);
    free_run(&rr);
    CHECK(exists(partial2));
    output_abort(o);
    CHECK(!exists(partial2) && !exists(path2));

    /* die() on a failure removes the partial and exits 1. */
    char nodir[300];
    snprintf(nodir, sizeof nodir, "%s/no/such/dir/out.h5", dir);
    CHECK(child_status(FAIL_NO_DIR, nodir, &sc) == 1);
    CHECK(child_status(FAIL_TWICE, path2, &sc) == 1);
    CHECK(!exists(partial2) && !exists(path2));
    CHECK(child_status(FAIL_MISSING, path2, &sc) == 1);
    CHECK(!exists(partial2) && !exists(path2));
    CHECK(child_status(FAIL_PARTNER_ORG, path2, &sc) == 1);
    CHECK(child_status(FAIL_PARTNER_COUNT, path2, &sc) == 1);
    CHECK(!exists(partial2) && !exists(path2));

    check_real_run(dir);

    if (argc > 1) {
        write_file(argv[1], &sc);
        check_file(argv[1], &sc);
    }

    unlink(path);
    rmdir(dir);
    free(sc.text);
    free(sc.conditions);
    free(sc.orgs);
    return TEST_REPORT("output");
}
