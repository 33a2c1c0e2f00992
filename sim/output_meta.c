/* output_meta: the parts of the output file that describe it: root attributes, the parameters
 * group, provenance, the design and the organisations (layout in docs/output.md). */
#include "output_internal.h"
#include "error.h"
#include "params.h"
#include "version.h"
#include <errno.h>
#include <gsl/gsl_version.h>
#include <hdf5_hl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

/* ---- the parts of the file ----------------------------------------------------------------------- */

void write_root_attributes(output *o, const scenario *sc) {
    hid_t f = o->file;
    const char *obj = "/";
    char buf[256];
    unsigned maj, min, rel;
    attr_text(o, f, obj, "Conventions", "CF-1.8");
    attr_text(o, f, obj, "title", sc->title[0] ? sc->title : sc->name);
    snprintf(buf, sizeof buf, "samen %s", samen_version);
    attr_text(o, f, obj, "source", buf);
    attr_text(o, f, obj, "samen_version", samen_version);
    attr_text(o, f, obj, "git_revision", samen_git_revision);
    attr_text(o, f, obj, "compiler", samen_compiler);
    attr_text(o, f, obj, "cflags", samen_cflags);
    OUT_OK(H5get_libversion(&maj, &min, &rel), obj);
    snprintf(buf, sizeof buf, "%u.%u.%u", maj, min, rel);
    attr_text(o, f, obj, "hdf5_version", buf);
    attr_text(o, f, obj, "gsl_version", gsl_version);
    attr_text(o, f, obj, "yaml_version", yaml_get_version_string());
    attr_text(o, f, obj, "scenario_name", sc->name);
    attr_text(o, f, obj, "scenario_text", sc->text ? sc->text : "");
    int64_t seed = sc->seed;
    attr_num(o, f, "seed", H5T_STD_I64LE, H5T_NATIVE_INT64, &seed, 1);
    attr_i32(o, f, "horizon", sc->horizon);
    attr_i32(o, f, "replicates", sc->replicates);
    attr_i32(o, f, "cohort_cutoff", run_cohort_cutoff(sc->horizon));
}

void write_parameters(output *o, const scenario *sc) {
    hid_t g = group_create(o, o->file, "parameters");
    hsize_t nc = (hsize_t)sc->n_conditions;
    hid_t dim = dim_index(o, g, "/parameters/condition", "condition", nc, "1", "condition index", 0);
    condition_names(o, g, "/parameters", sc, dim);
    double *v = xmalloc(nc * sizeof *v);
    char obj[160], words[512];
    for (int i = 0; i < PARAMS_COUNT; i++) {
        const param_info *pi = &params_table[i];
        snprintf(obj, sizeof obj, "/parameters/%s", pi->key);
        hid_t d = var_create(o, g, obj, pi->key, H5T_IEEE_F64LE, 1, &nc, 0);
        for (int c = 0; c < sc->n_conditions; c++) v[c] = params_get(&sc->conditions[c].p, pi);
        var_write(o, d, obj, H5T_NATIVE_DOUBLE, v);
        var_meta(o, d, obj, pi->type == PARAM_CHOICE ? "1" : pi->unit, pi->doc);
        attr_text(o, d, obj, "value_type",
                  pi->type == PARAM_REAL ? "real" : pi->type == PARAM_INT ? "integer" : "choice");
        attr_f64(o, d, "default", pi->def);
        attr_f64(o, d, "valid_min", pi->lo);
        attr_f64(o, d, "valid_max", pi->hi);
        if (pi->type == PARAM_CHOICE) {
            int n = (int)pi->hi + 1;
            double *fv = xmalloc((size_t)n * sizeof *fv);
            size_t m = 0;
            words[0] = '\0';
            for (int k = 0; k < n; k++) {
                char w[64];
                fv[k] = k;
                m += (size_t)snprintf(words + m, sizeof words - m, "%s%s", k ? " " : "",
                                      params_choice_word(pi, k, w, sizeof w));
                if (m >= sizeof words) die("output: the words of parameter '%s' are too long", pi->key);
            }
            attr_num(o, d, "flag_values", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, fv, (hsize_t)n);
            attr_text(o, d, obj, "flag_meanings", words);
            free(fv);
        }
        attr_text(o, d, obj, "coordinates", "condition_name");
        attach(o, d, obj, 1, &dim);
        OUT_OK(H5Dclose(d), obj);
    }
    free(v);
    OUT_OK(H5Dclose(dim), "/parameters/condition");
    OUT_OK(H5Gclose(g), "/parameters");
}

/* argv joined by blanks, single-quoting words a shell would split or expand. */
static char *command_line(int argc, char **argv) {
    size_t n = 1;
    for (int i = 0; i < argc; i++) n += 4 * strlen(argv[i]) + 3;
    char *s = xmalloc(n), *p = s;
    *p = '\0';
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int plain = *a != '\0';
        for (const char *c = a; *c; c++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%", *c)) plain = 0;
        if (i) *p++ = ' ';
        if (plain) p += sprintf(p, "%s", a);
        else {
            *p++ = '\'';
            for (const char *c = a; *c; c++) {
                if (*c == '\'') p += sprintf(p, "'\\''");
                else *p++ = *c;
            }
            *p++ = '\'';
        }
        *p = '\0';
    }
    return s;
}

void write_provenance(output *o, const scenario *sc, int argc, char **argv, int threads) {
    o->prov = group_create(o, o->file, "provenance");
    const char *obj = "/provenance";
    char *cl = command_line(argc, argv);
    attr_text(o, o->prov, obj, "command_line", cl);
    free(cl);
    attr_text(o, o->prov, obj, "scenario_path", sc->path ? sc->path : "");
    char host[256];
    if (gethostname(host, sizeof host) != 0) snprintf(host, sizeof host, "unknown");
    host[sizeof host - 1] = '\0';
    attr_text(o, o->prov, obj, "host", host);
    time_t now = time(NULL);
    struct tm tm;
    char started[32] = "unknown";
    if (gmtime_r(&now, &tm)) strftime(started, sizeof started, "%Y-%m-%dT%H:%M:%SZ", &tm);
    attr_text(o, o->prov, obj, "started", started);
    attr_i32(o, o->prov, "threads", threads);
}

/* The design: one variable per varied parameter over `point`. */
void write_design(output *o, const design *d) {
    char obj[200], name[160];
    hsize_t n = (hsize_t)d->n_points;
    attr_text(o, o->file, "/", "design_method", design_method_names[d->method]);
    attr_i32(o, o->file, "design_base_rows", d->method == DESIGN_SALTELLI ? d->n : 0);
    double *v = xmalloc(sizeof(double) * (size_t)(n + 1));
    for (int f = 0; f < d->n_factors; f++) {
        const param_info *pi = d->factor[f].pi;
        snprintf(name, sizeof name, "design_%s", pi->key);
        snprintf(obj, sizeof obj, "/%s", name);
        hid_t ds = var_create(o, o->file, obj, name, H5T_IEEE_F64LE, 1, &n, 0);
        for (hsize_t p = 0; p < n; p++) v[p] = d->x[p * (hsize_t)d->n_factors + (hsize_t)f];
        var_write(o, ds, obj, H5T_NATIVE_DOUBLE, v);
        var_meta(o, ds, obj, pi->type == PARAM_CHOICE ? "1" : pi->unit, pi->doc);
        attr_text(o, ds, obj, "parameter", pi->key);
        if (d->method != DESIGN_GRID) {
            attr_f64(o, ds, "range_min", d->factor[f].lo);
            attr_f64(o, ds, "range_max", d->factor[f].hi);
        }
        attach(o, ds, obj, 1, &o->dim_point);
        OUT_OK(H5Dclose(ds), obj);
    }
    free(v);
}

/* A 1-D int32 variable over the n organisations, with its categories when the long name lists
 * them. */
static void organisation_var(output *o, const char *name, const char *long_name, const int32_t *v, hsize_t n,
                             hid_t dim) {
    char obj[160], meanings[512];
    snprintf(obj, sizeof obj, "/%s", name);
    hid_t d = var_create(o, o->file, obj, name, H5T_STD_I32LE, 1, &n, 0);
    if (n) var_write(o, d, obj, H5T_NATIVE_INT32, v);
    var_meta(o, d, obj, "1", long_name);
    int32_t fv[64];
    int nf = flags_parse(long_name, meanings, sizeof meanings);
    if (nf > 0 && nf <= 64) {
        for (int i = 0; i < nf; i++) fv[i] = i;
        attr_num(o, d, "flag_values", H5T_STD_I32LE, H5T_NATIVE_INT32, fv, (hsize_t)nf);
        attr_text(o, d, obj, "flag_meanings", meanings);
    }
    attr_text(o, d, obj, "coordinates", "organisation_name");
    attach(o, d, obj, 1, &dim);
    OUT_OK(H5Dclose(d), obj);
}

/* The organisations of the world (the same in every run): the `organisation` dimension, their
 * names, employees, regions and kinds. */
void write_organisations(output *o, const scenario *sc) {
    int n = world_organisations(sc, NULL);
    org_summary *org = xcalloc((size_t)n + 1, sizeof *org);
    world_organisations(sc, org);
    o->n_orgs = n;
    hid_t dim = dim_index(o, o->file, "/organisation", "organisation", (hsize_t)n, "1",
                          "organisation index (names in organisation_name)", 0);
    name_array(o, o->file, "", "organisation_name", "org_strlen", "organisation name", org[0].name,
               sizeof(org_summary), n, dim);
    int32_t *v = xmalloc(sizeof(int32_t) * ((size_t)n + 1));
    hsize_t no = (hsize_t)n;
    for (int i = 0; i < n; i++) v[i] = org[i].employees;
    organisation_var(o, "organisation_employees", "employees (agents simulated)", v, no, dim);
    for (int i = 0; i < n; i++) v[i] = org[i].region;
    organisation_var(o, "organisation_region", "region index", v, no, dim);
    /* The words of enum org_kind, in its order. */
    for (int i = 0; i < n; i++) v[i] = org[i].kind;
    organisation_var(o, "organisation_kind", "0 municipality, 1 province, 2 other", v, no, dim);
    free(v);
    free(org);
    OUT_OK(H5Dclose(dim), "/organisation");
}

