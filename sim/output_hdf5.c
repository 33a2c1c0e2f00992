/* output_hdf5: checked HDF5 helpers of the writer: attributes, variables with CF metadata and
 * chunking, dimension scales, name arrays, groups. Every call is checked; the first failure ends
 * the program through die(), naming the object and HDF5's own reason. */
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

/* ---- error checking --------------------------------------------------------------------------- */

enum { OUT_DESC_MAX = 1024 };

/* Keep the innermost (most specific) message of HDF5's error stack. */
static herr_t err_walk(unsigned n, const H5E_error2_t *e, void *data) {
    if (n == 0 && e->desc && *e->desc) snprintf(data, OUT_DESC_MAX, "%s", e->desc);
    return 0;
}

static noreturn void out_fail(const output *o, const char *call, const char *obj) {
    char desc[OUT_DESC_MAX] = "", reason[OUT_DESC_MAX];
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, err_walk, desc);
    /* A system error reads "file write failed: time = ..., errno = 28, error message = 'No space
     * left on device', ...": keep the action and the system's message. */
    const char *em = strstr(desc, "error message = '");
    if (em) {
        em += strlen("error message = '");
        snprintf(reason, sizeof reason, "%.*s: %.*s", (int)strcspn(desc, ":"), desc, (int)strcspn(em, "'"), em);
    } else snprintf(reason, sizeof reason, "%s", desc);
    for (char *c = reason; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t') *c = ' ';
    size_t fn = strcspn(call, "(");
    die("cannot write %s: %.*s failed on '%s'%s%s", o->partial, (int)fn, call, obj, *reason ? ": " : "", reason);
}

long long out_ok(const output *o, long long rc, const char *call, const char *obj) {
    if (rc < 0) out_fail(o, call, obj);
    return rc;
}
/* Check an HDF5 call (negative = failure) of the writer `o` in scope, naming the object. */
#define OUT_OK(call, obj) out_ok(o, (long long)(call), #call, (obj))

/* ---- attributes ------------------------------------------------------------------------------- */

/* Text: scalar fixed-length null-terminated string; ASCII unless the text holds other bytes. */
void attr_text(output *o, hid_t loc, const char *obj, const char *name, const char *text) {
    size_t len = strlen(text);
    H5T_cset_t cset = H5T_CSET_ASCII;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c >= 0x80) cset = H5T_CSET_UTF8;
    hid_t t = OUT_OK(H5Tcopy(H5T_C_S1), obj);
    OUT_OK(H5Tset_size(t, len + 1), obj);
    OUT_OK(H5Tset_strpad(t, H5T_STR_NULLTERM), obj);
    OUT_OK(H5Tset_cset(t, cset), obj);
    hid_t s = OUT_OK(H5Screate(H5S_SCALAR), obj);
    hid_t a = OUT_OK(H5Acreate2(loc, name, t, s, H5P_DEFAULT, H5P_DEFAULT), name);
    OUT_OK(H5Awrite(a, t, text), name);
    OUT_OK(H5Aclose(a), name);
    OUT_OK(H5Sclose(s), obj);
    OUT_OK(H5Tclose(t), obj);
}

/* Numbers: a 1-D array of n values (n >= 1). */
void attr_num(output *o, hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *v, hsize_t n) {
    hid_t s = OUT_OK(H5Screate_simple(1, &n, NULL), name);
    hid_t a = OUT_OK(H5Acreate2(loc, name, ftype, s, H5P_DEFAULT, H5P_DEFAULT), name);
    OUT_OK(H5Awrite(a, mtype, v), name);
    OUT_OK(H5Aclose(a), name);
    OUT_OK(H5Sclose(s), name);
}
void attr_i32(output *o, hid_t loc, const char *name, int32_t v) {
    attr_num(o, loc, name, H5T_STD_I32LE, H5T_NATIVE_INT32, &v, 1);
}
void attr_f64(output *o, hid_t loc, const char *name, double v) {
    attr_num(o, loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &v, 1);
}

/* CF categories from a long name of the form "0 word words, 1 word, ...": returns the number of
 * categories (>= 2) and the meanings, blank-separated, with the words of one joined by '_';
 * 0 when the long name is not such a list. */
int flags_parse(const char *s, char *meanings, size_t n) {
    int k = 0;
    size_t m = 0;
    for (;;) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || v != k || *end != ' ') return 0;
        s = end + 1;
        if (m && m + 1 < n) meanings[m++] = ' ';
        size_t w = strcspn(s, ",");
        if (w == 0) return 0;
        for (size_t i = 0; i < w; i++) {
            char c = s[i];
            if (!(c == ' ' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return 0;
            if (m + 1 >= n) return 0;
            meanings[m++] = c == ' ' ? '_' : c;
        }
        meanings[m] = '\0';
        k++;
        s += w;
        if (*s == '\0') return k >= 2 ? k : 0;
        if (s[0] != ',' || s[1] != ' ') return 0;
        s += 2;
    }
}

/* ---- datasets --------------------------------------------------------------------------------- */


/* Chunk shape: the trailing axes first, as much of each as fits OUT_CHUNK_BYTES, never more than
 * the dataset. */
static void chunk_shape(int rank, const hsize_t *dims, size_t elem, hsize_t *chunk) {
    hsize_t prod = elem;
    for (int i = rank - 1; i >= 0; i--) {
        hsize_t fit = prod >= OUT_CHUNK_BYTES ? 1 : OUT_CHUNK_BYTES / prod;
        chunk[i] = dims[i] < fit ? dims[i] : fit;
        prod *= chunk[i];
    }
}

/* Create a variable. obj names it in messages ("/active", "/parameters/formation"). */
hid_t var_create(output *o, hid_t loc, const char *obj, const char *name, hid_t ftype, int rank,
                        const hsize_t *dims, int flags) {
    hid_t dcpl = OUT_OK(H5Pcreate(H5P_DATASET_CREATE), obj);
    hid_t dapl = OUT_OK(H5Pcreate(H5P_DATASET_ACCESS), obj);
    OUT_OK(H5Pset_obj_track_times(dcpl, 0), obj);
    OUT_OK(H5Pset_attr_creation_order(dcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), obj);
    int empty = 0;
    for (int i = 0; i < rank; i++) empty |= dims[i] == 0;
    if ((flags & VAR_COMPRESS) && !empty) {
        hsize_t chunk[H5S_MAX_RANK];
        chunk_shape(rank, dims, H5Tget_size(ftype), chunk);
        OUT_OK(H5Pset_chunk(dcpl, rank, chunk), obj);
        OUT_OK(H5Pset_shuffle(dcpl), obj);
        OUT_OK(H5Pset_deflate(dcpl, OUT_DEFLATE), obj);
        OUT_OK(H5Pset_fletcher32(dcpl), obj);
        OUT_OK(H5Pset_chunk_cache(dapl, H5D_CHUNK_CACHE_NSLOTS_DEFAULT, OUT_CACHE_BYTES, H5D_CHUNK_CACHE_W0_DEFAULT),
               obj);
    }
    if (flags & VAR_NAN_FILL) {
        double nan = NAN;
        OUT_OK(H5Pset_fill_value(dcpl, H5T_NATIVE_DOUBLE, &nan), obj);
    }
    hid_t s = OUT_OK(H5Screate_simple(rank, dims, NULL), obj);
    hid_t d = OUT_OK(H5Dcreate2(loc, name, ftype, s, H5P_DEFAULT, dcpl, dapl), obj);
    OUT_OK(H5Sclose(s), obj);
    OUT_OK(H5Pclose(dapl), obj);
    OUT_OK(H5Pclose(dcpl), obj);
    return d;
}

void var_meta(output *o, hid_t d, const char *obj, const char *units, const char *long_name) {
    if (units) attr_text(o, d, obj, "units", units);
    attr_text(o, d, obj, "long_name", long_name);
}

void var_write(output *o, hid_t d, const char *obj, hid_t mtype, const void *buf) {
    OUT_OK(H5Dwrite(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf), obj);
}

/* A 1-D int32 dimension scale holding 0..n-1. */
hid_t dim_index(output *o, hid_t loc, const char *obj, const char *name, hsize_t n, const char *units,
                       const char *long_name, int flags) {
    hid_t d = var_create(o, loc, obj, name, H5T_STD_I32LE, 1, &n, flags);
    if (n) {
        int32_t *v = xmalloc(n * sizeof *v);
        for (hsize_t i = 0; i < n; i++) v[i] = (int32_t)i;
        var_write(o, d, obj, H5T_NATIVE_INT32, v);
        free(v);
    }
    OUT_OK(H5DSset_scale(d, name), obj);
    var_meta(o, d, obj, units, long_name);
    return d;
}

void attach(output *o, hid_t d, const char *obj, int rank, const hid_t *scales) {
    for (int i = 0; i < rank; i++) OUT_OK(H5DSattach_scale(d, scales[i], (unsigned)i), obj);
}

/* var(dim, strlen_name): n names (names + i * stride, each at most SCENARIO_NAME_MAX bytes) as a
 * netCDF char array (NC_CHAR, which xarray turns into strings). netCDF-C 4.9.0 misreads arrays of
 * fixed-length strings, so this is the form every reader gets right. strlen_name is a netCDF
 * dimension without a variable: its scale name says so and its values (zeros) mean nothing. */
void name_array(output *o, hid_t loc, const char *where, const char *var, const char *strlen_name,
                       const char *long_name, const char *names, size_t stride, int n, hid_t dim) {
    char obj[128];
    size_t len = 1;
    for (int i = 0; i < n; i++) {
        size_t l = strnlen(names + (size_t)i * stride, SCENARIO_NAME_MAX);
        if (l > len) len = l;
    }
    hsize_t slen = len;
    snprintf(obj, sizeof obj, "%s/%s", where, strlen_name);
    hid_t dlen = var_create(o, loc, obj, strlen_name, H5T_IEEE_F32LE, 1, &slen, 0);
    float *zero = xcalloc(len, sizeof *zero); /* written so that h5diff can compare it */
    var_write(o, dlen, obj, H5T_NATIVE_FLOAT, zero);
    free(zero);
    char scale_name[96];
    snprintf(scale_name, sizeof scale_name, "This is a netCDF dimension but not a netCDF variable.%10d", (int)len);
    OUT_OK(H5DSset_scale(dlen, scale_name), obj);

    snprintf(obj, sizeof obj, "%s/%s", where, var);
    hid_t t = OUT_OK(H5Tcopy(H5T_C_S1), obj);
    OUT_OK(H5Tset_size(t, 1), obj);
    OUT_OK(H5Tset_strpad(t, H5T_STR_NULLPAD), obj);
    hsize_t dims[2] = {(hsize_t)n, slen};
    hid_t d = var_create(o, loc, obj, var, t, 2, dims, 0);
    if (n > 0) {
        char *buf = xcalloc((size_t)n, len);
        for (int i = 0; i < n; i++) {
            const char *name = names + (size_t)i * stride;
            memcpy(buf + (size_t)i * len, name, strnlen(name, SCENARIO_NAME_MAX));
        }
        var_write(o, d, obj, t, buf);
        free(buf);
    }
    attr_text(o, d, obj, "long_name", long_name);
    attr_text(o, d, obj, "_Encoding", "utf-8");
    hid_t scales[2] = {dim, dlen};
    attach(o, d, obj, 2, scales);
    OUT_OK(H5Dclose(d), obj);
    OUT_OK(H5Tclose(t), obj);
    snprintf(obj, sizeof obj, "%s/%s", where, strlen_name);
    OUT_OK(H5Dclose(dlen), obj);
}

/* condition_name(condition, name_strlen). */
void condition_names(output *o, hid_t loc, const char *where, const scenario *sc, hid_t dim_cond) {
    name_array(o, loc, where, "condition_name", "name_strlen", "condition name", sc->conditions[0].name,
               sizeof(condition), sc->n_conditions, dim_cond);
}

hid_t group_create(output *o, hid_t loc, const char *name) {
    hid_t gcpl = OUT_OK(H5Pcreate(H5P_GROUP_CREATE), name);
    OUT_OK(H5Pset_obj_track_times(gcpl, 0), name);
    OUT_OK(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), name);
    OUT_OK(H5Pset_attr_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), name);
    hid_t g = OUT_OK(H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT), name);
    OUT_OK(H5Pclose(gcpl), name);
    return g;
}

