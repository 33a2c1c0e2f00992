/* compare_read: open a samen output as untrusted input (see compare.h). Nothing here dies: every
 * failure becomes a reason string, and the caller prints "not a samen output (REASON)". */
#include "compare.h"
#include "error.h"
#include <errno.h>
#include <hdf5.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

enum {
    RD_MAX_COND = 100000,
    RD_MAX_REP = 10000000,
    RD_MAX_POINT = 10000000,
    RD_MAX_ELEMENTS = 1 << 27 /* 1 GiB of doubles: no summary of a real file comes near */
};

static void reason(char *err, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void reason(char *err, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, n, fmt, ap);
    va_end(ap);
}

/* The innermost message of HDF5's error stack, for "cannot read X: WHY". */
static herr_t err_walk(unsigned k, const H5E_error2_t *e, void *data) {
    if (k == 0 && e->desc && *e->desc) snprintf(data, 256, "%s", e->desc);
    return 0;
}
static const char *h5_reason(char buf[256]) {
    buf[0] = 0;
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, err_walk, buf);
    for (char *c = buf; *c; c++)
        if (*c == '\n' || *c == '\t') *c = ' ';
    return buf[0] ? buf : "HDF5 error";
}

static void close_id(hid_t id) {
    if (id < 0) return;
    switch (H5Iget_type(id)) {
    case H5I_DATASET:
        H5Dclose(id);
        break;
    case H5I_DATATYPE:
        H5Tclose(id);
        break;
    case H5I_DATASPACE:
        H5Sclose(id);
        break;
    case H5I_ATTR:
        H5Aclose(id);
        break;
    case H5I_GENPROP_LST:
        H5Pclose(id);
        break;
    default:
        break;
    }
}

/* ---- the file signature ------------------------------------------------------------------- */

/* 1 when the HDF5 signature is at offset 0 or at a power of two >= 512 (after a user block). */
static int has_signature(FILE *fp, long long size) {
    static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
    for (long long off = 0; off + 8 <= size; off = off ? off * 2 : 512) {
        unsigned char b[8];
        if (fseek(fp, (long)off, SEEK_SET) || fread(b, 1, 8, fp) != 8) return 0;
        if (!memcmp(b, sig, 8)) return 1;
    }
    return 0;
}

/* ---- links, attributes, datasets ------------------------------------------------------------ */

/* 1: a hard link called name in the root; 0: no such link; -1: a link of another kind. */
static int root_link(hid_t file, const char *name) {
    if (!*name || strchr(name, '/') || !strcmp(name, ".")) return 0;
    htri_t e = H5Lexists(file, name, H5P_DEFAULT);
    if (e <= 0) return 0;
    H5L_info_t li;
    if (H5Lget_info(file, name, &li, H5P_DEFAULT) < 0) return -1;
    return li.type == H5L_TYPE_HARD ? 1 : -1;
}

/* A text attribute of the root (fixed or variable length, scalar or one element) as a new
 * string; NULL with a reason when it is absent or not text. */
static char *attr_text(hid_t file, const char *name, char *err, size_t n) {
    char why[256];
    htri_t e = H5Aexists(file, name);
    if (e <= 0) {
        reason(err, n, "no '%s' attribute", name);
        return NULL;
    }
    hid_t a = H5Aopen(file, name, H5P_DEFAULT), t = -1, s = -1, m = -1;
    char *out = NULL;
    if (a < 0) {
        reason(err, n, "cannot open attribute '%s': %s", name, h5_reason(why));
        return NULL;
    }
    t = H5Aget_type(a);
    s = H5Aget_space(a);
    if (t < 0 || s < 0 || H5Tget_class(t) != H5T_STRING || H5Sget_simple_extent_npoints(s) != 1) {
        reason(err, n, "attribute '%s' is not one text", name);
        goto done;
    }
    m = H5Tcopy(H5T_C_S1);
    if (m < 0 || H5Tset_cset(m, H5Tget_cset(t)) < 0) {
        reason(err, n, "attribute '%s' has an unknown character set", name);
        goto done;
    }
    if (H5Tis_variable_str(t) > 0) {
        char *p = NULL;
        if (m < 0 || H5Tset_size(m, H5T_VARIABLE) < 0 || H5Aread(a, m, &p) < 0 || !p) {
            reason(err, n, "cannot read attribute '%s': %s", name, h5_reason(why));
            goto done;
        }
        size_t len = strnlen(p, COMPARE_TEXT_MAX);
        out = xmalloc(len + 1);
        memcpy(out, p, len);
        out[len] = 0;
        H5free_memory(p);
    } else {
        size_t size = H5Tget_size(t);
        if (size == 0 || size > COMPARE_TEXT_MAX) {
            reason(err, n, "attribute '%s' has an implausible size (%zu bytes)", name, size);
            goto done;
        }
        out = xcalloc(size + 1, 1);
        if (m < 0 || H5Tset_size(m, size) < 0 || H5Tset_strpad(m, H5T_STR_NULLPAD) < 0 || H5Aread(a, m, out) < 0) {
            reason(err, n, "cannot read attribute '%s': %s", name, h5_reason(why));
            free(out);
            out = NULL;
        }
    }
done:
    close_id(m), close_id(s), close_id(t), close_id(a);
    return out;
}

/* An optional integer attribute of one element; 0 and *v set when present and readable. */
static int attr_int(hid_t file, const char *name, long long *v) {
    if (H5Aexists(file, name) <= 0) return -1;
    hid_t a = H5Aopen(file, name, H5P_DEFAULT);
    if (a < 0) return -1;
    hid_t t = H5Aget_type(a), s = H5Aget_space(a);
    int rc = -1;
    long long x;
    if (t >= 0 && s >= 0 && H5Tget_class(t) == H5T_INTEGER && H5Sget_simple_extent_npoints(s) == 1 &&
        H5Aread(a, H5T_NATIVE_LLONG, &x) >= 0) {
        *v = x;
        rc = 0;
    }
    close_id(s), close_id(t), close_id(a);
    return rc;
}

/* Open the root dataset `name` after checking it is a hard link with contiguous, chunked or
 * compact storage inside this file, of type class `cls`, and rank `rank`; its dimensions go to
 * dims. A negative id with a reason otherwise. */
static hid_t open_var(hid_t file, const char *name, H5T_class_t cls, int rank, hsize_t *dims, char *err, size_t n) {
    char why[256];
    int l = root_link(file, name);
    if (l == 0) {
        reason(err, n, "no variable '%s'", name);
        return -1;
    }
    if (l < 0) {
        reason(err, n, "'%s' is a soft or external link; only plain datasets are read", name);
        return -1;
    }
    H5O_info_t oi;
    if (H5Oget_info_by_name(file, name, &oi, H5P_DEFAULT) < 0 || oi.type != H5O_TYPE_DATASET) {
        reason(err, n, "'%s' is not a dataset", name);
        return -1;
    }
    hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
    if (d < 0) {
        reason(err, n, "cannot open '%s': %s", name, h5_reason(why));
        return -1;
    }
    hid_t p = H5Dget_create_plist(d), t = H5Dget_type(d), s = H5Dget_space(d);
    int ok = 0;
    if (p < 0 || t < 0 || s < 0)
        reason(err, n, "cannot inspect '%s': %s", name, h5_reason(why));
    else if (H5Pget_layout(p) == H5D_VIRTUAL || H5Pget_external_count(p) != 0)
        reason(err, n, "'%s' keeps its data outside this file (virtual or external storage)", name);
    else if (H5Tget_class(t) != cls)
        reason(err, n, "'%s' has the wrong type (expected %s)", name,
               cls == H5T_FLOAT     ? "floating point"
               : cls == H5T_INTEGER ? "integer"
                                    : "characters");
    else if (H5Sget_simple_extent_type(s) != H5S_SIMPLE || H5Sget_simple_extent_ndims(s) != rank)
        reason(err, n, "'%s' has %d dimensions, expected %d", name, H5Sget_simple_extent_ndims(s), rank);
    else if (H5Sget_simple_extent_dims(s, dims, NULL) != rank)
        reason(err, n, "cannot read the shape of '%s'", name);
    else
        ok = 1;
    close_id(p), close_id(t), close_id(s);
    if (!ok) {
        H5Dclose(d);
        return -1;
    }
    return d;
}

/* Length of the 1-D coordinate `name` (integer), or -1 with a reason. */
static long long coord_len(hid_t file, const char *name, long long max, char *err, size_t n) {
    hsize_t dim;
    hid_t d = open_var(file, name, H5T_INTEGER, 1, &dim, err, n);
    if (d < 0) return -1;
    H5Dclose(d);
    if (dim < 1 || dim > (hsize_t)max) {
        reason(err, n, "dimension '%s' has length %llu, expected 1 .. %lld", name, (unsigned long long)dim, max);
        return -1;
    }
    return (long long)dim;
}

/* condition_name(condition, name_strlen): one printable, unique, non-empty name per condition. */
static int read_names(compare_file *f, hid_t file, char *err, size_t n) {
    char why[256];
    hsize_t dims[2];
    hid_t d = open_var(file, "condition_name", H5T_STRING, 2, dims, err, n);
    if (d < 0) return -1;
    hid_t t = H5Dget_type(d), m = -1;
    int rc = -1;
    char *buf = NULL;
    if (t < 0 || H5Tis_variable_str(t) != 0 || H5Tget_size(t) != 1) {
        reason(err, n, "'condition_name' is not a character array");
        goto done;
    }
    if (dims[0] != (hsize_t)f->n_cond || dims[1] < 1 || dims[1] >= COMPARE_NAME_MAX) {
        reason(err, n, "'condition_name' has shape %llux%llu, expected %dx(1..%d)", (unsigned long long)dims[0],
               (unsigned long long)dims[1], f->n_cond, COMPARE_NAME_MAX - 1);
        goto done;
    }
    size_t L = (size_t)dims[1];
    buf = xcalloc((size_t)f->n_cond * L, 1);
    m = H5Tcopy(H5T_C_S1);
    if (m < 0 || H5Tset_size(m, 1) < 0 || H5Tset_strpad(m, H5T_STR_NULLPAD) < 0 ||
        H5Dread(d, m, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) {
        reason(err, n, "cannot read 'condition_name': %s", h5_reason(why));
        goto done;
    }
    f->cond = xcalloc((size_t)f->n_cond, sizeof(char *));
    for (int c = 0; c < f->n_cond; c++) {
        char *s = f->cond[c] = xcalloc(L + 1, 1);
        memcpy(s, buf + (size_t)c * L, L);
        for (char *q = s; *q; q++)
            if (*q < 0x20 || *q > 0x7e) *q = '?';
        if (!*s) {
            reason(err, n, "condition %d has an empty name", c);
            goto done;
        }
        for (int o = 0; o < c; o++)
            if (!strcmp(f->cond[o], s)) {
                reason(err, n, "condition name '%s' occurs twice", s);
                goto done;
            }
    }
    rc = 0;
done:
    free(buf);
    close_id(m), close_id(t);
    H5Dclose(d);
    return rc;
}

/* ---- design variables ----------------------------------------------------------------------- */

typedef struct design_scan {
    char **names;
    int n, bad;
} design_scan;

static herr_t design_visit(hid_t g, const char *name, const H5L_info_t *li, void *data) {
    design_scan *s = data;
    if (strncmp(name, "design_", 7) != 0) return 0;
    if (li->type != H5L_TYPE_HARD || s->n >= COMPARE_DESIGN_MAX || strlen(name) >= COMPARE_NAME_MAX) {
        s->bad = 1;
        return 1;
    }
    s->names[s->n++] = xstrdup(name);
    return 0;
}

static int read_design(compare_file *f, hid_t file, char *err, size_t n) {
    design_scan s = {xcalloc(COMPARE_DESIGN_MAX, sizeof(char *)), 0, 0};
    /* Creation order when the file tracks it (samen's files do), names otherwise. */
    if (H5Literate(file, H5_INDEX_CRT_ORDER, H5_ITER_INC, NULL, design_visit, &s) < 0 && !s.bad) {
        for (int i = 0; i < s.n; i++)
            free(s.names[i]);
        s.n = 0;
        if (H5Literate(file, H5_INDEX_NAME, H5_ITER_INC, NULL, design_visit, &s) < 0 && !s.bad) {
            reason(err, n, "cannot list the variables of the root group");
            goto fail;
        }
    }
    if (s.bad) {
        reason(err, n, "a design_ variable is a link, or there are more than %d", COMPARE_DESIGN_MAX);
        goto fail;
    }
    f->n_design = s.n;
    f->design_key = xcalloc((size_t)s.n + 1, sizeof(char *));
    f->design = xmalloc(sizeof(double) * ((size_t)s.n * f->n_point + 1));
    for (int i = 0; i < s.n; i++) {
        f->design_key[i] = xstrdup(s.names[i] + 7);
        hsize_t dim;
        hid_t d = open_var(file, s.names[i], H5T_FLOAT, 1, &dim, err, n);
        if (d < 0) goto fail;
        if (dim != (hsize_t)f->n_point) {
            reason(err, n, "'%s' has length %llu, expected %d (point)", s.names[i], (unsigned long long)dim,
                   f->n_point);
            H5Dclose(d);
            goto fail;
        }
        char why[256];
        if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, f->design + (size_t)i * f->n_point) < 0) {
            reason(err, n, "cannot read '%s': %s", s.names[i], h5_reason(why));
            H5Dclose(d);
            goto fail;
        }
        H5Dclose(d);
    }
    for (int i = 0; i < s.n; i++)
        free(s.names[i]);
    free(s.names);
    return 0;
fail:
    for (int i = 0; i < s.n; i++)
        free(s.names[i]);
    free(s.names);
    return -1;
}

/* run_status([point,] condition, replicate), optional: count the failed runs (non-zero). */
static int read_status(compare_file *f, hid_t file, char *err, size_t n) {
    int l = root_link(file, "run_status");
    if (l == 0) return 0;
    if (l < 0) {
        reason(err, n, "'run_status' is a soft or external link");
        return -1;
    }
    hsize_t dims[3];
    int rank = f->has_point ? 3 : 2;
    hid_t d = open_var(file, "run_status", H5T_INTEGER, rank, dims, err, n);
    if (d < 0) return -1;
    hsize_t want[3] = {(hsize_t)f->n_point, (hsize_t)f->n_cond, (hsize_t)f->n_rep};
    const hsize_t *w = f->has_point ? want : want + 1;
    for (int i = 0; i < rank; i++)
        if (dims[i] != w[i]) {
            reason(err, n, "'run_status' does not have the shape of the runs");
            H5Dclose(d);
            return -1;
        }
    size_t total = (size_t)f->n_point * f->n_cond * f->n_rep;
    int *st = xmalloc(sizeof(int) * total);
    char why[256];
    int rc = 0;
    if (H5Dread(d, H5T_NATIVE_INT, H5S_ALL, H5S_ALL, H5P_DEFAULT, st) < 0) {
        reason(err, n, "cannot read 'run_status': %s", h5_reason(why));
        rc = -1;
    } else
        for (size_t i = 0; i < total; i++)
            f->n_failed += st[i] != 0;
    free(st);
    H5Dclose(d);
    return rc;
}

/* ---- open / read / close -------------------------------------------------------------------- */

int compare_file_open(const char *path, compare_file *f, char *err, size_t n) {
    memset(f, 0, sizeof *f);
    f->handle = -1;
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors become reasons, never printed stacks */
    H5PLset_loading_state(0);              /* never load a filter plugin named by the file */
    struct stat st;
    if (stat(path, &st)) {
        reason(err, n, "%s", strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        reason(err, n, "not a regular file");
        return -1;
    }
    if (st.st_size == 0) {
        reason(err, n, "empty file");
        return -1;
    }
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        reason(err, n, "%s", strerror(errno));
        return -1;
    }
    int sig = has_signature(fp, (long long)st.st_size);
    fclose(fp);
    if (!sig) {
        reason(err, n, "not an HDF5 file");
        return -1;
    }
    char why[256];
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0 || H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG) < 0) {
        close_id(fapl);
        reason(err, n, "cannot set up HDF5: %s", h5_reason(why));
        return -1;
    }
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    unsigned long long have, want;
    if (file < 0 && sscanf(h5_reason(why), "truncated file: eof = %llu, sblock->base_addr = %*u, stored_eof = %llu",
                           &have, &want) == 2)
        reason(err, n, "truncated file: %llu of %llu bytes", have, want);
    else if (file < 0)
        reason(err, n, "damaged HDF5 file: %s", why);
    H5Pclose(fapl);
    if (file < 0) return -1;
    f->handle = file;
    f->path = xstrdup(path);
    char sub[512];
    if (!(f->source = attr_text(file, "source", err, n))) goto fail;
    if (strncmp(f->source, "samen", 5) != 0 || (f->source[5] && f->source[5] != ' ')) {
        reason(err, n, "written by '%.60s', not by samen", f->source);
        goto fail;
    }
    f->title = attr_text(file, "title", sub, sizeof sub);
    f->scenario_name = attr_text(file, "scenario_name", sub, sizeof sub);
    f->design_kind = attr_text(file, "design_method", sub, sizeof sub);
    if (!f->title) f->title = xstrdup("");
    if (!f->scenario_name) f->scenario_name = xstrdup("");
    if (!f->design_kind) f->design_kind = xstrdup("");
    long long seed;
    if (attr_int(file, "seed", &seed) == 0 && seed >= 0 && seed <= 0xffffffffLL) f->seed = (uint32_t)seed;
    long long base_rows;
    if (attr_int(file, "design_base_rows", &base_rows) == 0 && base_rows > 0 && base_rows <= RD_MAX_POINT)
        f->design_base_rows = (int)base_rows;

    long long C = coord_len(file, "condition", RD_MAX_COND, err, n);
    if (C < 0) goto fail;
    long long R = coord_len(file, "replicate", RD_MAX_REP, err, n);
    if (R < 0) goto fail;
    long long P = 1;
    int lp = root_link(file, "point");
    if (lp < 0) {
        reason(err, n, "'point' is a soft or external link");
        goto fail;
    }
    if (lp > 0 && (P = coord_len(file, "point", RD_MAX_POINT, err, n)) < 0) goto fail;
    if (P * C * R > RD_MAX_ELEMENTS) {
        reason(err, n, "%lld points x %lld conditions x %lld replicates is more than compare reads", P, C, R);
        goto fail;
    }
    f->has_point = lp > 0;
    f->n_point = (int)P, f->n_cond = (int)C, f->n_rep = (int)R;
    if (read_names(f, file, err, n)) goto fail;
    if (read_design(f, file, err, n)) goto fail;
    if (read_status(f, file, err, n)) goto fail;
    return 0;
fail:
    compare_file_close(f);
    return -1;
}

int compare_file_has(const compare_file *f, const char *name) { return root_link((hid_t)f->handle, name) > 0; }

int compare_file_read(const compare_file *f, const char *name, double *out, char *err, size_t n) {
    hsize_t dims[3];
    int rank = f->has_point ? 3 : 2;
    hid_t d = open_var((hid_t)f->handle, name, H5T_FLOAT, rank, dims, err, n);
    if (d < 0) return -1;
    hsize_t want[3] = {(hsize_t)f->n_point, (hsize_t)f->n_cond, (hsize_t)f->n_rep};
    const hsize_t *w = f->has_point ? want : want + 1;
    for (int i = 0; i < rank; i++)
        if (dims[i] != w[i]) {
            if (f->has_point)
                reason(err, n, "'%s' has shape %llux%llux%llu, expected %dx%dx%d (point, condition, replicate)", name,
                       (unsigned long long)dims[0], (unsigned long long)dims[1], (unsigned long long)dims[2],
                       f->n_point, f->n_cond, f->n_rep);
            else
                reason(err, n, "'%s' has shape %llux%llu, expected %dx%d (condition, replicate)", name,
                       (unsigned long long)dims[0], (unsigned long long)dims[1], f->n_cond, f->n_rep);
            H5Dclose(d);
            return -1;
        }
    char why[256];
    int rc = 0;
    if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out) < 0) {
        reason(err, n, "cannot read '%s': %s", name, h5_reason(why));
        rc = -1;
    }
    H5Dclose(d);
    return rc;
}

void compare_file_close(compare_file *f) {
    if (f->handle >= 0) H5Fclose((hid_t)f->handle);
    f->handle = -1;
    if (f->cond)
        for (int c = 0; c < f->n_cond; c++)
            free(f->cond[c]);
    if (f->design_key)
        for (int i = 0; i < f->n_design; i++)
            free(f->design_key[i]);
    free(f->cond), free(f->design_key), free(f->design);
    free(f->path), free(f->source), free(f->title), free(f->scenario_name), free(f->design_kind);
    memset(f, 0, sizeof *f);
    f->handle = -1;
}
