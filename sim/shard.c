#include "shard.h"
#include "error.h"
#include "version.h"
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHARD_MAGIC "SAMENRUN"
enum { SHARD_VERSION = 3, REASON_MAX = 512 };

typedef struct record_header {
    char magic[8];
    uint32_t version, sizeof_record, n_ts, n_sum;
    char build[64];            /* samen_git_revision: records of another build are not read */
    int32_t point, condition, replicate, horizon, agents, n_projects, status, reason_len;
    int32_t n_partners;        /* partner rows; the record holds n_projects + 1 offsets, then the rows */
} record_header;

struct shard_log {
    FILE *f;
    char *path;
};

shard_log *shard_log_open(const char *dir, int tag) {
    shard_log *l = xcalloc(1, sizeof *l);
    l->path = xmalloc(strlen(dir) + 64);
    sprintf(l->path, "%s/log-%ld-%d.bin", dir, (long)getpid(), tag);
    l->f = fopen(l->path, "ab");
    if (!l->f) die("cannot create %s: %s", l->path, strerror(errno));
    return l;
}

/* A 64-bit FNV-1a-style checksum over 8-byte words (then the tail bytes): fast enough to check
 * every record, strong enough to catch a record cut short or damaged. */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
    const unsigned char *c = p;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, c + i, 8);
        h = (h ^ w) * 1099511628211ull;
    }
    for (; i < n; i++) h = (h ^ c[i]) * 1099511628211ull;
    return h;
}

static void put(shard_log *l, uint64_t *h, const void *p, size_t n) {
    if (n && fwrite(p, 1, n, l->f) != n) die("cannot write %s: %s", l->path, strerror(errno));
    *h = fnv(*h, p, n);
}

const char *shard_log_path(const shard_log *l) { return l->path; }

long shard_log_write(shard_log *l, const run_result *r, int point, int status, const char *reason) {
    long at = ftell(l->f);
    if (at < 0) die("cannot tell the position in %s: %s", l->path, strerror(errno));
    record_header h;
    memset(&h, 0, sizeof h);
    memcpy(h.magic, SHARD_MAGIC, 8);
    h.version = SHARD_VERSION;
    h.sizeof_record = sizeof(project_record);
    h.n_ts = N_TS;
    h.n_sum = N_SUM;
    snprintf(h.build, sizeof h.build, "%s", samen_git_revision);
    h.point = point;
    h.condition = r->condition;
    h.replicate = r->replicate;
    h.horizon = r->horizon;
    h.agents = r->agents;
    h.status = status;
    int ok = status == RUN_DONE;
    h.n_projects = ok ? r->n_projects : 0;
    h.n_partners = ok ? run_n_partners(r) : 0;
    size_t rl = reason ? strlen(reason) : 0;
    if (rl > REASON_MAX) rl = REASON_MAX;
    h.reason_len = (int32_t)rl;
    uint64_t sum = 14695981039346656037ull;
    put(l, &sum, &h, sizeof h);
    put(l, &sum, reason, rl);
    if (ok) {
        put(l, &sum, r->ts, sizeof(double) * N_TS * (size_t)(r->horizon + 1));
        put(l, &sum, r->summary, sizeof r->summary);
        put(l, &sum, r->projects, sizeof(project_record) * (size_t)r->n_projects);
        size_t nf = sizeof(int32_t) * ((size_t)r->n_projects + 1);
        if (r->partner_first) put(l, &sum, r->partner_first, nf);
        else {
            int32_t *zero = xcalloc((size_t)r->n_projects + 1, sizeof(int32_t));
            put(l, &sum, zero, nf);
            free(zero);
        }
        put(l, &sum, r->partners, sizeof(int32_t) * (size_t)h.n_partners);
    }
    if (fwrite(&sum, sizeof sum, 1, l->f) != 1 || fflush(l->f) != 0) die("cannot write %s: %s", l->path, strerror(errno));
    return at;
}

void shard_log_close(shard_log *l) {
    if (!l) return;
    if (fclose(l->f) != 0) die("cannot close %s: %s", l->path, strerror(errno));
    free(l->path);
    free(l);
}

static int get(FILE *f, uint64_t *h, void *p, size_t n) {
    if (n && fread(p, 1, n, f) != n) return -1;
    *h = fnv(*h, p, n);
    return 0;
}

/* Read one record at the current position into r (data may be NULL: only check it). Returns 0,
 * or -1 for a short, foreign or damaged record. */
static int read_record(FILE *f, record_header *h, run_result *r, char *reason, size_t n) {
    uint64_t sum = 14695981039346656037ull, stored;
    char why[REASON_MAX + 1] = "";
    if (get(f, &sum, h, sizeof *h) || memcmp(h->magic, SHARD_MAGIC, 8) || h->version != SHARD_VERSION ||
        h->sizeof_record != sizeof(project_record) || h->n_ts != N_TS || h->n_sum != N_SUM ||
        strncmp(h->build, samen_git_revision, sizeof h->build - 1) || h->horizon < 1 || h->horizon > 5200 ||
        h->n_projects < 0 || h->n_projects > 100000000 || h->reason_len < 0 || h->reason_len > REASON_MAX ||
        h->n_partners < 0 || h->n_partners > 2000000000)
        return -1;
    if (get(f, &sum, why, (size_t)h->reason_len)) return -1;
    size_t nts = sizeof(double) * N_TS * (size_t)(h->horizon + 1);
    size_t nproj = sizeof(project_record) * (size_t)h->n_projects;
    size_t nfirst = sizeof(int32_t) * ((size_t)h->n_projects + 1), npart = sizeof(int32_t) * (size_t)h->n_partners;
    double *ts = xmalloc(nts);
    project_record *pr = xmalloc(nproj + 1);
    int32_t *first = xmalloc(nfirst), *part = xmalloc(npart + 1);
    double summary[N_SUM];
    int bad = 0;
    if (h->status == RUN_DONE) {
        bad = get(f, &sum, ts, nts) || get(f, &sum, summary, sizeof summary) || get(f, &sum, pr, nproj) ||
              get(f, &sum, first, nfirst) || get(f, &sum, part, npart);
        /* The offsets must run from 0 to n_partners without going back. */
        bad = bad || first[0] != 0 || first[h->n_projects] != h->n_partners;
        for (int32_t i = 0; !bad && i < h->n_projects; i++) bad = first[i + 1] < first[i];
    }
    if (!bad) bad = fread(&stored, sizeof stored, 1, f) != 1 || stored != sum;
    if (bad || !r) {
        free(ts), free(pr), free(first), free(part);
        return bad ? -1 : 0;
    }
    memset(r, 0, sizeof *r);
    why[h->reason_len] = '\0';
    if (reason && n) snprintf(reason, n, "%s", why);
    r->condition = h->condition;
    r->replicate = h->replicate;
    r->horizon = h->horizon;
    r->agents = h->agents;
    r->n_projects = h->n_projects;
    if (h->status == RUN_DONE) {
        r->ts = ts;
        r->projects = pr;
        r->partner_first = first;
        r->partners = part;
        memcpy(r->summary, summary, sizeof summary);
    } else {
        free(ts), free(pr), free(first), free(part);
    }
    return 0;
}

/* Step over one record from its header alone; -1 when the header is foreign or the record runs
 * past the end of the file (cut short). */
static int skip_record(FILE *f, long size, record_header *h) {
    long at = ftell(f);
    if (fread(h, sizeof *h, 1, f) != 1 || memcmp(h->magic, SHARD_MAGIC, 8) || h->version != SHARD_VERSION ||
        h->sizeof_record != sizeof(project_record) || h->n_ts != N_TS || h->n_sum != N_SUM ||
        strncmp(h->build, samen_git_revision, sizeof h->build - 1) || h->horizon < 1 || h->horizon > 5200 ||
        h->n_projects < 0 || h->n_projects > 100000000 || h->reason_len < 0 || h->reason_len > REASON_MAX ||
        h->n_partners < 0 || h->n_partners > 2000000000)
        return -1;
    long len = (long)sizeof *h + h->reason_len + 8;
    if (h->status == RUN_DONE)
        len += (long)(sizeof(double) * N_TS * (size_t)(h->horizon + 1) + sizeof(double) * N_SUM +
                      sizeof(project_record) * (size_t)h->n_projects +
                      sizeof(int32_t) * ((size_t)h->n_projects + 1 + (size_t)h->n_partners));
    if (at + len > size) return -1;
    return fseek(f, at + len, SEEK_SET);
}

void shard_scan_dir(const char *dir, int P, int C, int R, int verify, shard_scan *s) {
    memset(s, 0, sizeof *s);
    long long total = (long long)P * C * R;
    s->ref = xmalloc(sizeof(shard_ref) * (size_t)(total + 1));
    for (long long i = 0; i < total; i++) s->ref[i].file = -1;
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (strncmp(e->d_name, "log-", 4) != 0 || len < 8 || strcmp(e->d_name + len - 4, ".bin") != 0) continue;
        s->files = xrealloc(s->files, sizeof(char *) * (size_t)(s->n_files + 1));
        s->files[s->n_files] = xmalloc(strlen(dir) + len + 2);
        sprintf(s->files[s->n_files], "%s/%s", dir, e->d_name);
        s->n_files++;
    }
    closedir(d);
    /* A fixed order of files, so the same directory always gives the same choice. */
    for (int i = 1; i < s->n_files; i++)
        for (int j = i; j > 0 && strcmp(s->files[j - 1], s->files[j]) > 0; j--) {
            char *t = s->files[j];
            s->files[j] = s->files[j - 1];
            s->files[j - 1] = t;
        }
    for (int k = 0; k < s->n_files; k++) {
        FILE *f = fopen(s->files[k], "rb");
        if (!f) continue;
        fseek(f, 0, SEEK_END);
        long size = ftell(f);
        fseek(f, 0, SEEK_SET);
        for (;;) {
            long at = ftell(f);
            record_header h;
            /* the end, or a cut-off last record */
            if ((verify ? read_record(f, &h, NULL, NULL, 0) : skip_record(f, size, &h)) != 0) break;
            if (h.point < 0 || h.point >= P || h.condition < 0 || h.condition >= C || h.replicate < 0 ||
                h.replicate >= R)
                continue;
            long long i = ((long long)h.point * C + h.condition) * R + h.replicate;
            if (s->ref[i].file >= 0) continue; /* a run done twice: the first record stands */
            int done = h.status == RUN_DONE;
            s->ref[i] = (shard_ref){k, at, done ? h.n_projects : 0, done ? h.n_partners : 0};
            s->found++;
        }
        fclose(f);
    }
}

int shard_scan_add_file(shard_scan *s, const char *path) {
    s->files = xrealloc(s->files, sizeof(char *) * (size_t)(s->n_files + 1));
    s->files[s->n_files] = xstrdup(path);
    if (s->open) {
        s->open = xrealloc(s->open, sizeof(FILE *) * (size_t)(s->n_files + 1));
        s->open[s->n_files] = NULL;
    }
    return s->n_files++;
}

void shard_scan_free(shard_scan *s) {
    for (int i = 0; i < s->n_files; i++) {
        free(s->files[i]);
        if (s->open && s->open[i]) fclose(s->open[i]);
    }
    free(s->open);
    free(s->files);
    free(s->ref);
    memset(s, 0, sizeof *s);
}

int shard_read(const shard_scan *s, long long i, run_result *r, int *status, char *reason, size_t n) {
    const shard_ref *ref = &s->ref[i];
    if (ref->file < 0) return -1;
    shard_scan *w = (shard_scan *)s; /* the cache of open files is not part of the scan's value */
    if (!w->open) w->open = xcalloc((size_t)s->n_files, sizeof(FILE *));
    if (!w->open[ref->file] && !(w->open[ref->file] = fopen(s->files[ref->file], "rb"))) return -1;
    FILE *f = w->open[ref->file];
    record_header h;
    int rc = fseek(f, ref->offset, SEEK_SET) == 0 ? read_record(f, &h, r, reason, n) : -1;
    if (rc == 0) *status = h.status;
    return rc;
}
