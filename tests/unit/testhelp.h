/* A tiny test harness: each unit binary prints one line per failed check and ends with
 *   unit <name>: N passed, N failed
 * tests/run-unit.sh sums them into the closing line CI reads. */
#ifndef SAMEN_TESTHELP_H
#define SAMEN_TESTHELP_H
#include <math.h>
#include <stdio.h>
#include <string.h>

static int th_passed, th_failed;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (cond) th_passed++;                                                         \
        else {                                                                         \
            th_failed++;                                                               \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
        }                                                                              \
    } while (0)

#define CHECK_MSG(cond, ...)                                                           \
    do {                                                                               \
        if (cond) th_passed++;                                                         \
        else {                                                                         \
            th_failed++;                                                               \
            fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond);   \
            fprintf(stderr, __VA_ARGS__);                                              \
            fputc('\n', stderr);                                                       \
        }                                                                              \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                          \
    CHECK_MSG(fabs((double)(a) - (double)(b)) <= (tol), "%.10g vs %.10g (tol %g)",     \
              (double)(a), (double)(b), (double)(tol))

#define CHECK_STR(a, b) CHECK_MSG(strcmp((a), (b)) == 0, "\"%s\" vs \"%s\"", (a), (b))

#define TEST_REPORT(name)                                                              \
    (printf("unit %s: %d passed, %d failed\n", (name), th_passed, th_failed), th_failed ? 1 : 0)

#endif
