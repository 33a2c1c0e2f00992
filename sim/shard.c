#include "shard.h"
#include "error.h"
#include "version.h"
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SHARD_MAGIC "SAMENRUN"
enum { SHARD_VERSION = 1, REASON_MAX = 512 };

typedef struct shard_header {
    char magic[8];
    uint32_t version, sizeof_record, n_ts, n_sum;
    char build[64];            /* samen_git_revision: shards of another build are not read */
    int32_t point, condition, replicate, horizon, agents, n_projects, status, reason_len;
} shard_header;

void shard_path(char *buf, size_t n, const char *dir, int point, int cond, int rep) {
    snprintf(buf, n, "%s/run-%d-%d-%d.bin", dir, point, cond, rep);
}

/* FNV-1a 64-bit, over everything before it. */
static uint64_t fnv(uint64_t h, const void *p, size_t n) {
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 1099511628211ull;
    return h;
}

static void put(FILE *f, uint64_t *h, const void *p, size_t n, const char *path) {
    if (n && fwrite(p, 1, n, f) != n) die("cannot write %s: %s", path, strerror(errno));
    *h = fnv(*h, p, n);
}

void shard_write(const char *dir, const run_result *r, int point, int status, const char *reason) {
    char path[4096], tmp[4200];
    shard_path(path, sizeof path, dir, point, r->condition, r->replicate);
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "wb");
    if (!f) die("cannot create %s: %s", tmp, strerror(errno));
    shard_header h;
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
    size_t rl = reason ? strlen(reason) : 0;
    if (rl > REASON_MAX) rl = REASON_MAX;
    h.reason_len = (int32_t)rl;
    uint64_t sum = 14695981039346656037ull;
    put(f, &sum, &h, sizeof h, tmp);
    put(f, &sum, reason, rl, tmp);
    if (ok) {
        put(f, &sum, r->ts, sizeof(double) * N_TS * (size_t)(r->horizon + 1), tmp);
        put(f, &sum, r->summary, sizeof r->summary, tmp);
        put(f, &sum, r->projects, sizeof(project_record) * (size_t)r->n_projects, tmp);
    }
    if (fwrite(&sum, sizeof sum, 1, f) != 1 || fflush(f) != 0 || fsync(fileno(f)) != 0)
        die("cannot write %s: %s", tmp, strerror(errno));
    if (fclose(f) != 0) die("cannot close %s: %s", tmp, strerror(errno));
    if (rename(tmp, path) != 0) die("cannot rename %s: %s", tmp, strerror(errno));
}

static int get(FILE *f, uint64_t *h, void *p, size_t n) {
    if (n && fread(p, 1, n, f) != n) return -1;
    *h = fnv(*h, p, n);
    return 0;
}

int shard_read(const char *path, run_result *r, int *point, int *status, char *reason, size_t n) {
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    shard_header h;
    uint64_t sum = 14695981039346656037ull, stored;
    char why[REASON_MAX + 1] = "";
    int bad = get(f, &sum, &h, sizeof h) || memcmp(h.magic, SHARD_MAGIC, 8) || h.version != SHARD_VERSION ||
              h.sizeof_record != sizeof(project_record) || h.n_ts != N_TS || h.n_sum != N_SUM ||
              strncmp(h.build, samen_git_revision, sizeof h.build - 1) || h.horizon < 1 || h.n_projects < 0 ||
              h.reason_len < 0 || h.reason_len > REASON_MAX;
    if (!bad) bad = get(f, &sum, why, (size_t)h.reason_len);
    if (!bad && h.status == RUN_DONE) {
        r->ts = xmalloc(sizeof(double) * N_TS * (size_t)(h.horizon + 1));
        r->projects = xmalloc(sizeof(project_record) * (size_t)(h.n_projects + 1));
        bad = get(f, &sum, r->ts, sizeof(double) * N_TS * (size_t)(h.horizon + 1)) ||
              get(f, &sum, r->summary, sizeof r->summary) ||
              get(f, &sum, r->projects, sizeof(project_record) * (size_t)h.n_projects);
    }
    if (!bad) bad = fread(&stored, sizeof stored, 1, f) != 1 || stored != sum || fgetc(f) != EOF;
    fclose(f);
    if (bad) {
        run_result_free(r);
        return -1;
    }
    why[h.reason_len] = '\0';
    r->condition = h.condition;
    r->replicate = h.replicate;
    r->horizon = h.horizon;
    r->agents = h.agents;
    r->n_projects = h.n_projects;
    *point = h.point;
    *status = h.status;
    if (reason && n) snprintf(reason, n, "%s", why);
    return 0;
}
