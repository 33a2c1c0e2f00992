#define _DEFAULT_SOURCE
/* bench: throughput of the model in agent-weeks per second, and peak memory per agent.
 *
 *   build/bench SCENARIO...   (one line of Markdown per scenario on stdout)
 *
 * For each scenario (a generated world), in a fresh child process each so memory is measured
 * cleanly: one run of condition 0 on one thread (the median of 3), then the whole machine:
 * 2 x threads runs at once over all threads (replicate-parallel throughput). Peak memory is the
 * child's maximum resident set size; per agent it is (peak - peak of a 2-organisation world of
 * 10 employees) / agents. */
#include "run.h"
#include "scenario.h"
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* Employees in the scenario's world (generated sizes are drawn): one run of one week. */
static int agents_of(const scenario *sc) {
    run_result r;
    scenario one = *sc;
    one.horizon = 1;
    run_simulate(&one, 0, 0, 1, &r);
    run_result_free(&r);
    return r.agents;
}

/* Child: time what is asked, print seconds to the pipe. */
static double measure(const scenario *sc, int threads, int runs, long *maxrss_kb) {
    int fd[2];
    if (pipe(fd)) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        double t0 = now();
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
        for (int i = 0; i < runs; i++) {
            run_result r;
            run_simulate(sc, 0, i, 1, &r);
            run_result_free(&r);
        }
        double dt = now() - t0;
        if (write(fd[1], &dt, sizeof dt) != sizeof dt) _exit(1);
        _exit(0);
    }
    close(fd[1]);
    double dt = -1;
    if (read(fd[0], &dt, sizeof dt) != sizeof dt) dt = -1;
    close(fd[0]);
    int status;
    struct rusage ru;
    wait4(pid, &status, 0, &ru); /* BSD, in glibc with _DEFAULT_SOURCE */
    *maxrss_kb = ru.ru_maxrss;
    return dt;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int threads = omp_get_num_procs();
    /* Baseline memory: a tiny world. */
    scenario tiny;
    char err[1024];
    if (scenario_load_text("<tiny>", "world: {organisations: [{name: a, employees: 5}, {name: b, employees: 5}]}\nhorizon: 10\n",
                           &tiny, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 2;
    }
    long base_kb;
    measure(&tiny, 1, 1, &base_kb);
    printf("| world | agents | weeks | one run, 1 thread: s | agent-weeks/s, 1 thread | %d runs on %d threads: s | agent-weeks/s, %d threads | speed-up | peak memory MiB | bytes/agent |\n",
           2 * threads, threads, threads);
    printf("|---|---|---|---|---|---|---|---|---|---|\n");
    for (int i = 1; i < argc; i++) {
        scenario sc;
        if (scenario_load(argv[i], &sc, err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            return 2;
        }
        int n = agents_of(&sc);
        double t[3];
        long kb = 0, kb_all = 0;
        for (int k = 0; k < 3; k++) t[k] = measure(&sc, 1, 1, &kb);
        qsort(t, 3, sizeof(double), cmp);
        double one = t[1];
        double all = measure(&sc, threads, 2 * threads, &kb_all);
        double aw = (double)n * sc.horizon;
        printf("| %s | %d | %d | %.3f | %.3g | %.3f | %.3g | %.2f | %.1f | %.0f |\n", sc.name, n, sc.horizon, one, aw / one,
               all, 2 * threads * aw / all, (2 * threads * aw / all) / (aw / one), kb / 1024.0,
               (kb - base_kb) * 1024.0 / n);
        fflush(stdout);
        scenario_free(&sc);
    }
    scenario_free(&tiny);
    return 0;
}
