/* samen: the command line. A thin layer over the library: parse arguments, load the scenario,
 * run the experiment, print. Exit 0 on success, 2 on bad input, 1 on a runtime failure. */
#include "compare.h"
#include "error.h"
#include "experiment.h"
#include "params.h"
#include "scenario.h"
#include "version.h"
#include <errno.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char USAGE[] =
    "usage: samen COMMAND [ARGS]\n"
    "\n"
    "  samen run [SCENARIO] [-o OUT] [--seed N] [--replicates R] [--threads T]\n"
    "            [--set KEY=VALUE]... [--condition NAME]... [--record-every K | --no-series]\n"
    "            [--no-projects] [--quiet]\n"
    "  samen run --resume OUT [--threads T] [--quiet]\n"
    "      Run every condition x replicate of SCENARIO (a YAML file) and write OUT (HDF5;\n"
    "      default NAME.h5). Without SCENARIO, run the built-in default experiment\n"
    "      (network-first versus structure-first) into samen-default.h5. Prints the comparison.\n"
    "      Finished runs are kept in OUT.partial.d until the file is complete; after an\n"
    "      interruption (Ctrl-C, kill) --resume OUT finishes the experiment.\n"
    "  samen check FILE...\n"
    "      Validate scenario files; print each resolved scenario. Errors as FILE:LINE:COL.\n"
    "  samen compare OUT.h5 [--baseline NAME] [--metric NAME,...] [--width W] [--csv | --json]\n"
    "      Each condition against the baseline, per outcome: means, paired difference with a\n"
    "      95% bootstrap interval, P(better), rank; Sobol indices for a Saltelli design.\n"
    "  samen params [--markdown | --json-schema | --odd]\n"
    "      The parameter dictionary (every model parameter, default, range, unit, meaning,\n"
    "      source); --odd: the table of docs/ODD.md section 10.\n"
    "  samen --version | --help\n"
    "\n"
    "Exit status: 0 success, 1 runtime failure, 2 bad input, 130/143 interrupted.\n"
    "Documentation: README.md, docs/ODD.md (the model), docs/output.md (the file), docs/scenarios.md.\n";

static noreturn void usage_error(const char *fmt, const char *arg) {
    fprintf(stderr, "samen: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nRun 'samen --help' for usage.\n");
    exit(SAMEN_EXIT_INPUT);
}

/* A whole number in [lo, hi] or a usage error naming the option. */
static long long parse_int(const char *opt, const char *s, long long lo, long long hi) {
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > hi) {
        fprintf(stderr, "samen: %s: expected a whole number in [%lld, %lld], got \"%s\"\n", opt, lo, hi, s);
        exit(SAMEN_EXIT_INPUT);
    }
    return v;
}

static const char *need_arg(int argc, char **argv, int *i) {
    if (*i + 1 >= argc) usage_error("%s needs a value", argv[*i]);
    return argv[++*i];
}

/* The options of `samen run`. */
typedef struct run_args {
    const char *path, *out, *resume;
    long long seed, reps, threads, record_every;
    int quiet, projects, threads_given;
    const char **sets;
    int n_sets;
    const char **only;         /* --condition NAME: run only these conditions */
    int n_only;
} run_args;

static void parse_run_args(int argc, char **argv, run_args *ra) {
    ra->sets = xcalloc((size_t)argc + 1, sizeof(char *));
    ra->only = xcalloc((size_t)argc + 1, sizeof(char *));
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) ra->out = need_arg(argc, argv, &i);
        else if (!strcmp(a, "--seed")) ra->seed = parse_int("--seed", need_arg(argc, argv, &i), 0, 4294967295LL);
        else if (!strcmp(a, "--replicates")) ra->reps = parse_int("--replicates", need_arg(argc, argv, &i), 1, 1000000);
        else if (!strcmp(a, "--threads"))
            ra->threads = parse_int("--threads", need_arg(argc, argv, &i), 1, 4096), ra->threads_given = 1;
        else if (!strcmp(a, "--set")) ra->sets[ra->n_sets++] = need_arg(argc, argv, &i);
        else if (!strcmp(a, "--condition")) ra->only[ra->n_only++] = need_arg(argc, argv, &i);
        else if (!strcmp(a, "--record-every"))
            ra->record_every = parse_int("--record-every", need_arg(argc, argv, &i), 1, 5200);
        else if (!strcmp(a, "--no-series")) ra->record_every = 0;
        else if (!strcmp(a, "--no-projects")) ra->projects = 0;
        else if (!strcmp(a, "--resume")) ra->resume = need_arg(argc, argv, &i);
        else if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) ra->quiet = 1;
        else if (a[0] == '-' && a[1]) usage_error("unknown option '%s'", a);
        else if (ra->path) usage_error("more than one scenario given ('%s')", a);
        else ra->path = a;
    }
}

/* Keep only the named conditions, in the order named. Returns -1 (with a message) for an
 * unknown or repeated name. */
static int select_conditions(scenario *sc, const char **names, int n) {
    condition *keep = xmalloc(sizeof(condition) * (size_t)n);
    for (int i = 0; i < n; i++) {
        int found = -1;
        for (int c = 0; c < sc->n_conditions; c++)
            if (!strcmp(sc->conditions[c].name, names[i])) found = c;
        for (int j = 0; j < i; j++)
            if (!strcmp(names[j], names[i])) found = -2;
        if (found < 0) {
            fprintf(stderr, "samen: --condition %s: %s; the conditions are:", names[i],
                    found == -2 ? "given twice" : "no such condition");
            for (int c = 0; c < sc->n_conditions; c++) fprintf(stderr, " %s", sc->conditions[c].name);
            fputc('\n', stderr);
            free(keep);
            return -1;
        }
        keep[i] = sc->conditions[found];
    }
    for (int c = 0; c < sc->n_conditions; c++) { /* free what the dropped conditions own */
        int kept = 0;
        for (int i = 0; i < n; i++) kept |= keep[i].events == sc->conditions[c].events;
        if (!kept) free(sc->conditions[c].events);
    }
    memcpy(sc->conditions, keep, sizeof(condition) * (size_t)n);
    sc->n_conditions = n;
    free(keep);
    return 0;
}

static int cmd_run(int argc, char **argv) {
    run_args ra = {0};
    ra.seed = ra.reps = -1;
    ra.threads = omp_get_num_procs();
    ra.record_every = ra.projects = -1; /* from the scenario unless given */
    parse_run_args(argc, argv, &ra);
    int run_argc = argc;
    char **run_argv = argv;
    if (ra.resume) {
        /* Resume: the original command line, with this one's threads and quietness. */
        if (ra.path || ra.n_sets || ra.seed >= 0 || ra.reps > 0 || (ra.out && strcmp(ra.out, ra.resume)))
            usage_error("%s", "--resume OUT takes only --threads and --quiet besides");
        char err[1024];
        if (experiment_read_manifest(ra.resume, &run_argc, &run_argv, err, sizeof err)) {
            fprintf(stderr, "samen: %s\n", err);
            free(ra.sets);
            return SAMEN_EXIT_INPUT;
        }
        run_args orig = {0};
        orig.seed = orig.reps = -1;
        orig.threads = ra.threads;
        orig.record_every = orig.projects = -1;
        parse_run_args(run_argc, run_argv, &orig);
        orig.threads = ra.threads;
        orig.quiet = ra.quiet;
        orig.resume = ra.resume;
        orig.out = ra.resume;
        free(ra.sets);
        free(ra.only);
        ra = orig;
    }
    scenario sc;
    char err[1024];
    int rc = ra.path ? scenario_load(ra.path, &sc, err, sizeof err) : scenario_load_default(&sc, err, sizeof err);
    if (rc) {
        fprintf(stderr, "%s\n", err);
        free(ra.sets);
        free(ra.only);
        return SAMEN_EXIT_INPUT;
    }
    for (int i = 0; i < ra.n_sets; i++)
        if (scenario_apply_set(&sc, ra.sets[i], err, sizeof err)) {
            fprintf(stderr, "samen: %s\n", err);
            scenario_free(&sc);
            free(ra.sets);
            free(ra.only);
            return SAMEN_EXIT_INPUT;
        }
    free(ra.sets);
    if (scenario_check_sets(&sc, err, sizeof err)) {
        fprintf(stderr, "samen: %s\n", err);
        scenario_free(&sc);
        free(ra.only);
        return SAMEN_EXIT_INPUT;
    }
    if (ra.n_only && select_conditions(&sc, ra.only, ra.n_only)) {
        scenario_free(&sc);
        free(ra.only);
        return SAMEN_EXIT_INPUT;
    }
    free(ra.only);
    if (ra.seed >= 0) sc.seed = (uint32_t)ra.seed;
    if (ra.reps > 0) sc.replicates = (int)ra.reps;
    if (scenario_build_design(&sc, err, sizeof err)) { /* for the final seed and parameters */
        fprintf(stderr, "samen: %s\n", err);
        scenario_free(&sc);
        return SAMEN_EXIT_INPUT;
    }
    char default_out[SCENARIO_NAME_MAX + 16];
    if (!ra.out) {
        snprintf(default_out, sizeof default_out, "%s.h5", ra.path ? sc.name : "samen-default");
        ra.out = default_out;
    }
    experiment_options opt = {ra.out,
                              (int)ra.threads,
                              ra.quiet,
                              run_argc,
                              run_argv,
                              &sc.design,
                              ra.record_every >= 0 ? (int)ra.record_every : sc.record_every,
                              ra.projects >= 0 ? ra.projects : sc.record_projects,
                              ra.resume != NULL};
    experiment_summary sum;
    rc = experiment_run(&sc, &opt, &sum);
    if (rc == 0) {
        if (!ra.quiet) experiment_print_comparison(stdout, &sc, &sum);
        if (!ra.quiet) {
            if (sc.design.method != DESIGN_NONE) fprintf(stderr, "samen: wrote %s (%d points x %d conditions x %d replicates)\n", ra.out, sc.design.n_points, sc.n_conditions, sc.replicates);
            else fprintf(stderr, "samen: wrote %s (%d conditions x %d replicates)\n", ra.out, sc.n_conditions, sc.replicates);
        }
    }
    experiment_summary_free(&sum);
    scenario_free(&sc);
    if (run_argv != argv) {
        for (int i = 0; i < run_argc; i++) free(run_argv[i]);
        free(run_argv);
    }
    return rc;
}

static int cmd_check(int argc, char **argv) {
    if (argc < 3) usage_error("%s", "check needs at least one scenario file");
    int bad = 0;
    for (int i = 2; i < argc; i++) {
        scenario sc;
        char err[1024];
        if (scenario_load(argv[i], &sc, err, sizeof err)) {
            fprintf(stderr, "%s\n", err);
            bad = 1;
            continue;
        }
        if (argc > 3) printf("# %s\n", argv[i]);
        scenario_print(stdout, &sc);
        scenario_free(&sc);
    }
    return bad ? SAMEN_EXIT_INPUT : 0;
}

static void params_text(FILE *f) {
    for (int i = 0; i < PARAMS_COUNT; i++) {
        const param_info *pi = &params_table[i];
        char def[64];
        params_format(pi, pi->def, def, sizeof def);
        if (pi->type == PARAM_CHOICE) fprintf(f, "%-40s %-14s {%s}\n    %s\n", pi->key, def, pi->unit, pi->doc);
        else fprintf(f, "%-40s %-14s [%g, %g] %s\n    %s\n", pi->key, def, pi->lo, pi->hi, pi->unit, pi->doc);
    }
}

static int cmd_params(int argc, char **argv) {
    if (argc > 3) usage_error("params takes at most one option, got '%s'", argv[3]);
    if (argc == 2) params_text(stdout);
    else if (!strcmp(argv[2], "--markdown")) params_write_markdown(stdout);
    else if (!strcmp(argv[2], "--json-schema")) scenario_write_json_schema(stdout);
    else if (!strcmp(argv[2], "--odd")) params_write_odd(stdout);
    else usage_error("unknown option '%s' for params", argv[2]);
    return 0;
}

int main(int argc, char **argv) {
    error_install_gsl_handler();
    if (argc < 2) {
        fputs(USAGE, stderr);
        return SAMEN_EXIT_INPUT;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(USAGE, stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("samen %s (%s)\ncompiler: %s\nflags: %s\n", samen_version, samen_git_revision, samen_compiler, samen_cflags);
        return 0;
    }
    if (!strcmp(cmd, "run")) return cmd_run(argc, argv);
    if (!strcmp(cmd, "check")) return cmd_check(argc, argv);
    if (!strcmp(cmd, "params")) return cmd_params(argc, argv);
    if (!strcmp(cmd, "compare")) return compare_main(argc, argv);
    usage_error("unknown command '%s'", cmd);
}
