/* compare: the paired comparison of one condition with the baseline, exact on small inputs, and
 * the reader's refusal of files that are not samen outputs. */
#include "compare.h"
#include "testhelp.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    /* Differences 1, 2, 3, 4 (and one pair with a NaN, left out); the condition is higher in
     * every pair. */
    double base[5] = {10, 20, 30, 40, 50}, cond[5] = {11, 22, 33, 44, NAN};
    compare_row r = compare_pair(cond, base, 5, 0, 0, 1);
    CHECK(r.n == 4);
    CHECK_NEAR(r.diff, 2.5, 1e-12);
    CHECK_NEAR(r.mean, 27.5, 1e-12);
    CHECK_NEAR(r.mean_base, 30, 1e-12);
    CHECK_NEAR(r.p_better, 1, 0);
    CHECK(r.lo >= 1 && r.hi <= 4 && r.lo < r.diff && r.diff < r.hi);
    CHECK_NEAR(r.halfwidth, (r.hi - r.lo) / 2, 1e-12);
    CHECK(!r.enough && r.needed >= COMPARE_MIN_REPLICATES); /* 4 pairs are never enough */

    /* Lower is better: the same pairs make the condition worse in every one. */
    r = compare_pair(cond, base, 5, 1, 0, 1);
    CHECK_NEAR(r.p_better, 0, 0);
    CHECK_NEAR(r.diff, 2.5, 1e-12);

    /* Ties count half. */
    double a[4] = {1, 2, 3, 4}, b[4] = {1, 2, 0, 9};
    r = compare_pair(a, b, 4, 0, 0, 1);
    CHECK_NEAR(r.p_better, (0.5 + 0.5 + 1 + 0) / 4, 1e-12);

    /* The wanted width: --width when given; needed = n (halfwidth / width)^2. */
    enum { N = 40 };
    double x[N], y[N];
    for (int i = 0; i < N; i++)
        x[i] = i % 7, y[i] = (i * 3) % 5;
    r = compare_pair(x, y, N, 0, 0.01, 7);
    CHECK_NEAR(r.wanted, 0.01, 0);
    CHECK(!r.enough);
    CHECK(r.needed == (long)ceil(N * (r.halfwidth / 0.01) * (r.halfwidth / 0.01)));
    r = compare_pair(x, y, N, 0, 1e6, 7);
    CHECK(r.enough && r.needed == COMPARE_MIN_REPLICATES);
    /* Default: the larger of a fifth of the pooled SD and a tenth of the difference. */
    r = compare_pair(x, y, N, 0, 0, 7);
    double ma = 0, mb = 0, va = 0, vb = 0;
    for (int i = 0; i < N; i++)
        ma += x[i] / N, mb += y[i] / N;
    for (int i = 0; i < N; i++)
        va += (x[i] - ma) * (x[i] - ma) / (N - 1), vb += (y[i] - mb) * (y[i] - mb) / (N - 1);
    double want = fmax(0.2 * sqrt((va + vb) / 2), 0.1 * fabs(ma - mb));
    CHECK_NEAR(r.wanted, want, 1e-12);
    CHECK(r.enough == (r.halfwidth <= want));

    /* Deterministic for a seed. */
    compare_row s = compare_pair(x, y, N, 0, 0, 7);
    CHECK(s.lo == r.lo && s.hi == r.hi);

    /* Nothing to compare. */
    double nan2[2] = {NAN, NAN};
    r = compare_pair(nan2, nan2, 2, 0, 0, 1);
    CHECK(r.n == 0 && isnan(r.diff) && !r.enough);

    /* The reader refuses what is not a samen output, with a reason. */
    compare_file f;
    char err[512];
    CHECK(compare_file_open("/nonexistent/out.h5", &f, err, sizeof err) == -1 && strstr(err, "No such file"));
    char path[] = "/tmp/samen-test-compare-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    if (fd >= 0) close(fd);
    FILE *fp;
    CHECK(compare_file_open(path, &f, err, sizeof err) == -1);
    CHECK_STR(err, "empty file");
    fp = fopen(path, "wb");
    if (fp) fputs("name,value\n", fp), fclose(fp);
    CHECK(compare_file_open(path, &f, err, sizeof err) == -1);
    CHECK_STR(err, "not an HDF5 file");
    remove(path);

    /* Every metric names a summary variable and a direction. */
    for (int m = 0; m < compare_n_metrics; m++)
        CHECK(!strncmp(compare_metrics[m].var, "summary_", 8) && compare_metrics[m].label[0]);
    return TEST_REPORT("compare");
}
