/* experiment: every design point x condition x replicate of a scenario as a run, in parallel,
 * durable and resumable, into one output file.
 *
 * Durability: each finished run is appended at once to its worker's log in OUT.partial.d/
 * (shard.c), so a run that finished survives kill -9. While the runs go, whichever worker finds
 * the writer free writes every finished run that is next in run order into OUT.partial; the
 * project table follows at the end, when its size is known; then the file is closed, synced and
 * renamed to OUT, and the logs go. `samen run --resume OUT` reruns only the runs without a record
 * and writes the file again; the result equals an uninterrupted run's. Memory does not grow with
 * the number of runs: a run's data lives only until its record is written, and the writer reads
 * back one record at a time. The manifest in the log directory holds the command line and a
 * fingerprint of the resolved experiment, so a resume cannot mix two different experiments. */
#include "experiment.h"
#include "error.h"
#include "output.h"
#include "shard.h"
#include "stats.h"
#include "version.h"
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <omp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_signal;
static void on_signal(int sig) { stop_signal = sig; }

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static void progress(int done, int total, double t0, int final) {
    double el = now() - t0;
    double rate = el > 0 ? done / el : 0;
    double left = rate > 0 ? (total - done) / rate : 0;
    fprintf(stderr, "\rsamen: %d/%d runs, %.1f runs/s, %.0f s left   %s", done, total, rate, left, final ? "\n" : "");
    fflush(stderr);
}

/* --- the shard directory ------------------------------------------------------------------------- */

char *experiment_shard_dir(const char *out_path) {
    char *d = xmalloc(strlen(out_path) + sizeof ".partial.d");
    sprintf(d, "%s.partial.d", out_path);
    return d;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++) h = (h ^ c[i]) * 1099511628211ull;
    return h;
}

/* A fingerprint of everything that decides the data: scenario text, resolved parameters of every
 * condition, the design's points, the sizes, what is recorded and the build. */
static uint64_t fingerprint(const scenario *sc, const design *d, const experiment_options *opt) {
    uint64_t h = 14695981039346656037ull;
    if (sc->text) h = fnv(h, sc->text, strlen(sc->text));
    int ints[6] = {sc->horizon, sc->replicates, (int)sc->seed, sc->n_conditions, opt->record_every, opt->projects};
    h = fnv(h, ints, sizeof ints);
    for (int c = 0; c < sc->n_conditions; c++) {
        h = fnv(h, sc->conditions[c].name, strlen(sc->conditions[c].name));
        h = fnv(h, &sc->conditions[c].p, sizeof(params));
    }
    if (d && d->method != DESIGN_NONE) {
        h = fnv(h, &d->method, sizeof d->method);
        for (int f = 0; f < d->n_factors; f++) h = fnv(h, d->factor[f].pi->key, strlen(d->factor[f].pi->key));
        h = fnv(h, d->x, sizeof(double) * (size_t)d->n_points * (size_t)d->n_factors);
    }
    h = fnv(h, samen_git_revision, strlen(samen_git_revision));
    return h;
}

static void write_manifest(const char *dir, uint64_t fp, int argc, char **argv) {
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest", dir);
    FILE *f = fopen(path, "w");
    if (!f) die("cannot create %s: %s", path, strerror(errno));
    fprintf(f, "samen-experiment 1\nfingerprint %016llx\n", (unsigned long long)fp);
    for (int i = 0; i < argc; i++) {
        fputs("arg ", f);
        for (const char *c = argv[i]; *c; c++) {
            if (*c == '\\' || *c == '\n') fputc('\\', f);
            fputc(*c == '\n' ? 'n' : *c, f);
        }
        fputc('\n', f);
    }
    if (fflush(f) != 0 || fsync(fileno(f)) != 0 || fclose(f) != 0) die("cannot write %s: %s", path, strerror(errno));
}

int experiment_read_manifest(const char *out_path, int *argc, char ***argv, char *err, size_t n) {
    char *dir = experiment_shard_dir(out_path);
    char path[4096];
    snprintf(path, sizeof path, "%s/manifest", dir);
    free(dir);
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, n, "%s: nothing to resume (%s)", out_path, strerror(errno));
        return -1;
    }
    char line[65536];
    int cap = 16, k = 0;
    char **v = xcalloc((size_t)cap, sizeof *v);
    if (!fgets(line, sizeof line, f) || strcmp(line, "samen-experiment 1\n") != 0) {
        fclose(f);
        free(v);
        snprintf(err, n, "%s: not a samen experiment manifest", path);
        return -1;
    }
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "arg ", 4) != 0) continue;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\n') line[--len] = '\0';
        char *a = xmalloc(len), *o = a;
        for (const char *c = line + 4; *c; c++) {
            if (*c == '\\' && c[1]) c++, *o++ = *c == 'n' ? '\n' : *c;
            else *o++ = *c;
        }
        *o = '\0';
        if (k + 1 >= cap) v = xrealloc(v, sizeof *v * (size_t)(cap *= 2));
        v[k++] = a;
    }
    fclose(f);
    v[k] = NULL;
    *argc = k;
    *argv = v;
    return 0;
}

static int manifest_fingerprint(const char *dir, uint64_t *fp) {
    char path[4096], line[256];
    snprintf(path, sizeof path, "%s/manifest", dir);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    unsigned long long x = 0;
    int ok = fgets(line, sizeof line, f) && fgets(line, sizeof line, f) && sscanf(line, "fingerprint %llx", &x) == 1;
    fclose(f);
    *fp = x;
    return ok ? 0 : -1;
}

static void remove_dir(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    closedir(d);
    rmdir(dir);
}

/* A fault for the tests: SAMEN_TEST_FAIL_RUN="point,condition,replicate" makes that run fail. */
static int injected_failure(int p, int c, int r) {
    const char *s = getenv("SAMEN_TEST_FAIL_RUN");
    int fp, fc, fr;
    return s && sscanf(s, "%d,%d,%d", &fp, &fc, &fr) == 3 && fp == p && fc == c && fr == r;
}

/* One run, into the thread's log; a die() inside the run records it as failed instead of ending
 * the experiment. Returns the record's offset in the log; *n_proj its project rows, *n_part its
 * partner rows. */
static long run_one(const scenario *sc, const design *d, int p, int c, int r, int inner, shard_log *log, int *n_proj,
                    int *n_part) {
    scenario local = *sc;
    condition cond = sc->conditions[c];
    design_apply(d, p, &cond.p);
    condition *conds = xmalloc(sizeof(condition) * (size_t)sc->n_conditions);
    memcpy(conds, sc->conditions, sizeof(condition) * (size_t)sc->n_conditions);
    conds[c] = cond;
    local.conditions = conds;
    const char *check = params_check_all(&cond.p);
    run_result rr;
    memset(&rr, 0, sizeof rr);
    rr.condition = c;
    rr.replicate = r;
    rr.horizon = sc->horizon;
    jmp_buf trap;
    long at;
    *n_proj = *n_part = 0;
    if (check) {
        char why[300];
        snprintf(why, sizeof why, "parameters at this design point: %s", check);
        at = shard_log_write(log, &rr, p, RUN_FAILED, why);
    } else if (setjmp(trap) == 0) {
        error_set_trap(&trap);
        if (injected_failure(p, c, r)) die("injected failure (SAMEN_TEST_FAIL_RUN)");
        run_simulate(&local, c, r, inner, &rr);
        error_set_trap(NULL);
        at = shard_log_write(log, &rr, p, RUN_DONE, NULL);
        *n_proj = rr.n_projects;
        *n_part = run_n_partners(&rr);
        run_result_free(&rr);
    } else {
        /* the run's own allocations are lost with it */
        rr.condition = c, rr.replicate = r, rr.horizon = sc->horizon;
        at = shard_log_write(log, &rr, p, RUN_FAILED, error_trap_message());
    }
    free(conds);
    return at;
}

/* Write run i (series, summaries, status) from its record; returns 1 when it had failed. */
static int write_run(output *o, const scenario *sc, const shard_scan *scan, long long i, int C, int R,
                     experiment_summary *res, const char *dir) {
    int p = (int)(i / ((long long)C * R)), c = (int)(i / R % C), r = (int)(i % R);
    run_result rr;
    int status;
    char reason[600];
    if (shard_read(scan, i, &rr, &status, reason, sizeof reason) != 0)
        die("%s: the record of run %lld cannot be read back", dir, i);
    int failed = status != RUN_DONE;
    if (!failed) {
        output_write_run_at(o, p, &rr);
        memcpy(&res->sum[(size_t)i * N_SUM], rr.summary, sizeof rr.summary);
    } else {
        output_mark_failed(o, p, c, r, reason);
        fprintf(stderr, "samen: run (point %d, condition %s, replicate %d) failed: %s\n", p, sc->conditions[c].name, r,
                reason);
    }
    run_result_free(&rr);
    return failed;
}

int experiment_run(const scenario *sc, const experiment_options *opt, experiment_summary *res) {
    design none = {0};
    none.n_points = 1;
    const design *d = opt->design && opt->design->method != DESIGN_NONE ? opt->design : &none;
    int P = d->n_points, C = sc->n_conditions, R = sc->replicates;
    long long total = (long long)P * C * R;
    if (total > 100000000LL) die_input("%lld runs are more than this version handles (10^8)", total);
    memset(res, 0, sizeof *res);
    res->n_points = P;
    res->n_conditions = C;
    res->replicates = R;
    res->sum = xmalloc(sizeof(double) * (size_t)total * N_SUM);
    for (long long i = 0; i < total * N_SUM; i++) res->sum[i] = NAN;

    char *dir = experiment_shard_dir(opt->out_path);
    uint64_t fp = fingerprint(sc, d, opt);
    struct stat st;
    if (opt->resume) {
        uint64_t old;
        if (manifest_fingerprint(dir, &old) != 0) die_input("%s: nothing to resume", opt->out_path);
        if (old != fp)
            die_input("%s: the experiment changed since it started (scenario files, --set values or the build); "
                      "cannot resume it", opt->out_path);
    } else {
        if (stat(dir, &st) == 0)
            die_input("%s exists: an interrupted experiment. Finish it with 'samen run --resume %s' or remove it",
                      dir, opt->out_path);
        /* The directory appears with its manifest or not at all. */
        char *tmp = xmalloc(strlen(dir) + 8);
        sprintf(tmp, "%s.tmp", dir);
        remove_dir(tmp); /* a start that was killed before it began */
        if (mkdir(tmp, 0777) != 0) die("cannot create %s: %s", tmp, strerror(errno));
        write_manifest(tmp, fp, opt->argc, opt->argv);
        if (rename(tmp, dir) != 0) die("cannot rename %s: %s", tmp, strerror(errno));
        free(tmp);
    }

    /* What is done already (resume): a valid record in a log. */
    shard_scan scan;
    shard_scan_dir(dir, P, C, R, 1, &scan);
    long long todo = total - scan.found;
    long long *work = xmalloc(sizeof(long long) * (size_t)(todo + 1));
    int n_work = 0;
    /* Replicate-major within a point, so the conditions of a replicate finish together. */
    for (int p = 0; p < P; p++)
        for (int r = 0; r < R; r++)
            for (int c = 0; c < C; c++) {
                long long i = ((long long)p * C + c) * R + r;
                if (scan.ref[i].file < 0) work[n_work++] = i;
            }
    unsigned char *ready = xcalloc((size_t)total, 1);
    for (long long i = 0; i < total; i++) ready[i] = scan.ref[i].file >= 0;

    /* The output is written while the runs go: whoever finishes a run and finds the writer free
     * writes every run that is ready, in run order (series, summaries, status). The project table
     * follows at the end, when its size is known. */
    output_options oo = {opt->design, opt->record_every, opt->projects, -2, 0, opt->argc, opt->argv, opt->threads};
    output *o = output_open_with(opt->out_path, sc, &oo);
    long long next = 0;
    int failed = 0;
    omp_lock_t writer;
    omp_init_lock(&writer);

    stop_signal = 0;
    struct sigaction sa, old_int, old_term;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);

    int tty = isatty(STDERR_FILENO);
    int show = !opt->quiet && tty;
    double t0 = now();
    int done = 0;
    /* The split of the threads: over runs while there are more runs than threads, the rest
     * inside each run (large worlds with few replicates). Results are the same either way. */
    int outer = n_work < opt->threads ? n_work : opt->threads;
    if (outer < 1) outer = 1;
    int inner = opt->threads / outer;
    if (inner < 1) inner = 1;
    omp_set_max_active_levels(outer > 1 && inner > 1 ? 2 : 1);
    /* One log per worker, all opened before the workers start (the writer reads the list). */
    shard_log **logs = xcalloc((size_t)outer, sizeof *logs);
    int *log_file = xcalloc((size_t)outer, sizeof *log_file);
    for (int k = 0; k < outer && n_work > 0; k++) {
        logs[k] = shard_log_open(dir, k);
        log_file[k] = shard_scan_add_file(&scan, shard_log_path(logs[k]));
    }
#pragma omp parallel for schedule(dynamic, 1) num_threads(outer) if (outer > 1)
    for (int w = 0; w < n_work; w++) {
        if (stop_signal) continue;
        long long i = work[w];
        int tid = outer > 1 ? omp_get_thread_num() : 0;
        int n_proj = 0, n_part = 0;
        long at = run_one(sc, d, (int)(i / ((long long)C * R)), (int)(i / R % C), (int)(i % R), inner, logs[tid], &n_proj,
                          &n_part);
#pragma omp critical(samen_progress)
        {
            scan.ref[i] = (shard_ref){log_file[tid], at, n_proj, n_part};
            ready[i] = 1;
            done++;
            if (show && (done % 8 == 0 || done == n_work)) progress(done, n_work, t0, 0);
        }
        if (omp_test_lock(&writer)) {
            for (;;) {
                int go;
#pragma omp critical(samen_progress)
                go = next < total && ready[next];
                if (!go) break;
                failed += write_run(o, sc, &scan, next, C, R, res, dir);
                next++;
            }
            omp_unset_lock(&writer);
        }
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    omp_destroy_lock(&writer);
    if (show && n_work) progress(done, n_work, t0, 1);
    for (int k = 0; k < outer; k++) shard_log_close(logs[k]);
    free(logs), free(log_file), free(work);
    if (stop_signal) {
        output_abort(o);
        shard_scan_free(&scan);
        free(ready);
        fprintf(stderr, "samen: interrupted after %d of %d runs; the finished ones are kept in %s\n"
                        "samen: finish with: samen run --resume %s\n",
                done, n_work, dir, opt->out_path);
        free(dir);
        return stop_signal == SIGTERM ? 143 : 130;
    }
    for (; next < total; next++) failed += write_run(o, sc, &scan, next, C, R, res, dir);
    free(ready);

    /* The project table, now that its size is known. */
    long long rows = 0, partner_rows = 0;
    for (long long i = 0; i < total; i++) rows += scan.ref[i].n_projects, partner_rows += scan.ref[i].n_partners;
    output_projects_begin(o, rows, partner_rows);
    for (long long i = 0; opt->projects && i < total; i++) {
        run_result rr;
        int status;
        if (shard_read(&scan, i, &rr, &status, NULL, 0) != 0) die("%s: the record of run %lld cannot be read back", dir, i);
        if (status != RUN_DONE) {
            rr.n_projects = 0;
            rr.condition = (int)(i / R % C), rr.replicate = (int)(i % R);
        }
        output_projects_add(o, (int)(i / ((long long)C * R)), &rr);
        run_result_free(&rr);
    }
    output_close(o);
    shard_scan_free(&scan);
    /* The logs are done with: take the directory out of the way in one step, then delete it
     * (a kill in between leaves no half directory that looks resumable). */
    char *gone = xmalloc(strlen(dir) + 8);
    sprintf(gone, "%s.done", dir);
    remove_dir(gone);
    if (rename(dir, gone) != 0) die("cannot rename %s: %s", dir, strerror(errno));
    remove_dir(gone);
    free(gone);
    free(dir);
    res->failed = failed;
    if (!opt->quiet && !tty)
        fprintf(stderr, "samen: %d runs (%d failed, %lld resumed) in %.1f s, %.1f runs/s\n", (int)total, failed,
                total - n_work, now() - t0, n_work / (now() - t0 > 0 ? now() - t0 : 1));
    return 0;
}

void experiment_summary_free(experiment_summary *s) {
    free(s->sum);
    s->sum = NULL;
}

static void column(const experiment_summary *s, int c, int k, double *v) {
    for (int r = 0; r < s->replicates; r++) v[r] = s->sum[((size_t)c * s->replicates + r) * N_SUM + k];
}

typedef struct shown {
    int sum;
    const char *head, *fmt, *diff_fmt;
} shown;
static const shown SHOWN[] = {
    {SUM_success_launched, "success/launched", "%.3f", "%+.3f"},
    {SUM_success_opportunity, "success/opportunity", "%.3f", "%+.3f"},
    {SUM_value, "value", "%.0f", "%+.0f"},
    {SUM_hours_overhead, "negotiation+accounting h", "%.0f", "%+.0f"},
    {SUM_trust_participants_104, "trust (week 104)", "%.3f", "%+.3f"},
};
enum { N_SHOWN = sizeof SHOWN / sizeof SHOWN[0] };

static void cell(FILE *f, const char *fmt, interval x, int last) {
    char a[32], b[32], c[32], buf[112];
    snprintf(a, sizeof a, fmt, x.est);
    snprintf(b, sizeof b, fmt, x.lo);
    snprintf(c, sizeof c, fmt, x.hi);
    snprintf(buf, sizeof buf, "%s [%s, %s]", a, b, c);
    if (last) fprintf(f, "  %s", buf);
    else fprintf(f, "  %-26s", buf);
}

void experiment_print_comparison(FILE *f, const scenario *sc, const experiment_summary *s) {
    if (s->n_points > 1) {
        fprintf(f, "\n%s\n%d design points x %d conditions x %d replicates; compare them with 'samen compare'.\n\n",
                sc->title[0] ? sc->title : sc->name, s->n_points, s->n_conditions, s->replicates);
        return;
    }
    int R = s->replicates;
    double *a = xmalloc(sizeof(double) * (size_t)R), *b = xmalloc(sizeof(double) * (size_t)R);
    int width = 10;
    for (int c = 0; c < s->n_conditions; c++) {
        int l = (int)strlen(sc->conditions[c].name);
        if (l > width) width = l;
    }
    fprintf(f, "\n%s\n%d replicates per condition; cohort: opportunities before week %d; mean [95%% bootstrap interval]\n\n",
            sc->title[0] ? sc->title : sc->name, R, run_cohort_cutoff(sc->horizon));
    fprintf(f, "%-*s", width, "condition");
    for (int k = 0; k < N_SHOWN; k++) fprintf(f, k + 1 < N_SHOWN ? "  %-26s" : "  %s", SHOWN[k].head);
    fputc('\n', f);
    for (int c = 0; c < s->n_conditions; c++) {
        fprintf(f, "%-*s", width, sc->conditions[c].name);
        for (int k = 0; k < N_SHOWN; k++) {
            column(s, c, SHOWN[k].sum, a);
            cell(f, SHOWN[k].fmt, stats_mean(a, R, sc->seed), k + 1 == N_SHOWN);
        }
        fputc('\n', f);
    }
    if (s->n_conditions > 1) {
        fprintf(f, "\nDifference from %s (paired over replicates: same worlds, same opportunities)\n\n",
                sc->conditions[0].name);
        for (int c = 1; c < s->n_conditions; c++) {
            fprintf(f, "%-*s", width, sc->conditions[c].name);
            for (int k = 0; k < N_SHOWN; k++) {
                column(s, c, SHOWN[k].sum, a);
                column(s, 0, SHOWN[k].sum, b);
                cell(f, SHOWN[k].diff_fmt, stats_paired(a, b, R, sc->seed, NULL), k + 1 == N_SHOWN);
            }
            fputc('\n', f);
        }
    }
    fputc('\n', f);
    free(a), free(b);
}
