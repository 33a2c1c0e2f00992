/* Unit tests of the scenario loader: resolution order, extends, key forms, --set, printing, and
 * every class of error with its FILE:LINE:COL. Run from the repository root (fixtures are found
 * under tests/scenarios/). */
#include "scenario.h"
#include "testhelp.h"
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char err[2048];

static int starts_with(const char *s, const char *prefix) { return strncmp(s, prefix, strlen(prefix)) == 0; }

/* Load text that must fail; the message must be exactly `want`. */
static void bad_text(const char *text, const char *want) {
    scenario sc;
    err[0] = '\0';
    int rc = scenario_load_text("t.yaml", text, &sc, err, sizeof err);
    CHECK_MSG(rc == -1, "accepted: %s", text);
    CHECK_STR(err, want);
    CHECK(sc.conditions == NULL && sc.n_conditions == 0 && sc.text == NULL);
}

/* Load text that must fail with a message starting with `prefix`. */
static void bad_text_prefix(const char *text, const char *prefix) {
    scenario sc;
    err[0] = '\0';
    int rc = scenario_load_text("t.yaml", text, &sc, err, sizeof err);
    CHECK_MSG(rc == -1, "accepted: %s", text);
    CHECK_MSG(starts_with(err, prefix), "\"%s\" does not start with \"%s\"", err, prefix);
}

static char *print_to_string(const scenario *sc) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    scenario_print(f, sc);
    fclose(f);
    return buf;
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return;
    }
    fputs(text, f);
    fclose(f);
}

static void test_default(void) {
    scenario sc;
    int rc = scenario_load_default(&sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc) return;
    CHECK(sc.path == NULL);
    CHECK_STR(sc.name, "default");
    CHECK(sc.n_conditions == 2);
    CHECK(sc.replicates == 200);
    CHECK(sc.horizon == 260);
    CHECK(sc.seed == 20131);
    CHECK_STR(sc.conditions[0].name, "network_first");
    CHECK_STR(sc.conditions[1].name, "structure_first");
    CHECK(sc.conditions[0].p.formation == 0);
    CHECK(sc.conditions[1].p.formation == 1);
    CHECK(sc.n_orgs == 2 && sc.gen.count == 0);
    CHECK_STR(sc.orgs[0].name, "Zeist");
    CHECK_STR(sc.orgs[1].name, "Oss");
    CHECK(sc.orgs[0].employees == 550 && sc.orgs[1].employees == 800);
    CHECK(sc.orgs[0].power == 550 && sc.orgs[1].power == 800);
    CHECK(sc.orgs[0].failure_tolerance < 0 && sc.orgs[0].region == 0);
    CHECK_STR(sc.text, scenario_default_text);
    /* Every other parameter is at its default. */
    params d;
    params_defaults(&d);
    d.formation = 1;
    CHECK(memcmp(&d, &sc.conditions[1].p, sizeof d) == 0);
    scenario_free(&sc);
    CHECK(sc.conditions == NULL && sc.orgs == NULL && sc.text == NULL && sc.n_conditions == 0);
}

static void test_defaults_resolution(void) {
    scenario sc;
    int rc = scenario_load_text("some/dir/my-exp.yaml", "horizon: 52\n", &sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc) return;
    CHECK_STR(sc.name, "my-exp");
    CHECK(sc.title[0] == '\0');
    CHECK(sc.horizon == 52 && sc.seed == 1 && sc.replicates == 100);
    CHECK(sc.n_conditions == 1);
    CHECK_STR(sc.conditions[0].name, "baseline");
    params d;
    params_defaults(&d);
    CHECK(memcmp(&d, &sc.conditions[0].p, sizeof d) == 0);
    CHECK(sc.n_orgs == 2);
    CHECK_STR(sc.orgs[0].name, "Zeist");
    CHECK_STR(sc.text, "horizon: 52\n");
    scenario_free(&sc);

    /* An empty mapping is a valid scenario: everything from the defaults. */
    rc = scenario_load_text("x.yml", "{}", &sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    CHECK_STR(sc.name, "x");
    CHECK(sc.horizon == 260);
    scenario_free(&sc);

    /* Extreme header values are accepted. */
    rc = scenario_load_text("x", "seed: 4294967295\nhorizon: 5200\nreplicates: 1000000\n", &sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    CHECK(sc.seed == 4294967295u && sc.horizon == 5200 && sc.replicates == 1000000);
    scenario_free(&sc);
}

static void test_extends(void) {
    scenario sc;
    int rc = scenario_load("tests/scenarios/child.yaml", &sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc) return;
    CHECK_STR(sc.path, "tests/scenarios/child.yaml");
    CHECK_STR(sc.name, "child"); /* a parent's name is not inherited */
    CHECK_STR(sc.title, "Base: three municipalities");
    CHECK(sc.horizon == 52 && sc.seed == 7 && sc.replicates == 10);
    CHECK(sc.n_orgs == 3);
    CHECK_STR(sc.orgs[2].name, "'s-Hertogenbosch");
    CHECK(sc.orgs[0].failure_tolerance == 0.4 && sc.orgs[0].power == 550);
    CHECK(sc.orgs[1].power == 90000 && sc.orgs[1].region == 1);
    CHECK(sc.orgs[2].employees == 1900 && sc.orgs[2].power == 1900 && sc.orgs[2].failure_tolerance == -1);
    CHECK(sc.gen.count == 5 && sc.gen.median_employees == 300 && sc.gen.sigma_ln == 0.5 && sc.gen.regions == 2);
    CHECK(sc.n_conditions == 2);
    CHECK_STR(sc.conditions[0].name, "low");
    CHECK_STR(sc.conditions[1].name, "structured");
    /* defaults -> base parameters -> child parameters -> condition (from base) */
    const params *low = &sc.conditions[0].p, *st = &sc.conditions[1].p;
    CHECK(low->k_x == 0.25);  /* the condition wins over the child's parameters */
    CHECK(st->k_x == 2);      /* the child's parameters win over the base's */
    CHECK(low->T_x == 0.4 && st->T_x == 0.4);
    CHECK(low->w_lo == 0.1);
    CHECK(low->tau_turn == 0.1 && st->tau_turn == 0.1);
    CHECK(low->celebrate == 1);
    CHECK(low->formation == 0 && st->formation == 1);
    CHECK(st->S_SF == 0.9 && low->S_SF == 0.7);
    CHECK(starts_with(sc.text, "# Extends base.yaml"));
    CHECK(strstr(sc.text, "\n# --- file: tests/scenarios/base.yaml ---\n# A parent scenario") != NULL);
    scenario_free(&sc);

    rc = scenario_load("tests/scenarios/sub/grandchild.yaml", &sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc) return;
    CHECK_STR(sc.name, "grandchild");
    CHECK(sc.horizon == 52 && sc.replicates == 3 && sc.seed == 7);
    CHECK(sc.n_orgs == 0); /* the child's world replaces the parent's whole world */
    CHECK(sc.gen.count == 12 && sc.gen.median_employees == 450 && sc.gen.sigma_ln == 0.7 && sc.gen.regions == 1);
    CHECK(sc.n_conditions == 2);
    CHECK_STR(sc.conditions[0].name, "baseline");
    CHECK_STR(sc.conditions[1].name, "celebrate_off");
    CHECK(sc.conditions[0].p.celebrate == 1 && sc.conditions[1].p.celebrate == 0);
    CHECK(sc.conditions[0].p.k_x == 2);
    CHECK(strstr(sc.text, "# --- file: tests/scenarios/sub/../child.yaml ---") != NULL);
    CHECK(strstr(sc.text, "# --- file: tests/scenarios/sub/../base.yaml ---") != NULL);
    CHECK(strstr(sc.text, "child.yaml ---") < strstr(sc.text, "base.yaml ---"));
    scenario_free(&sc);
}

static void test_key_forms(void) {
    const char *forms[] = {
        "parameters:\n  network.cross_org_degree: 0.25\n  network.strength_max: 0.9\n  formation: structure_first\n",
        "parameters:\n  network:\n    cross_org_degree: 0.25\n    strength_max: 0.9\n  formation: structure_first\n",
        "parameters: { network: { cross_org_degree: 0.25 }, network.strength_max: 0.9 }\n"
        "conditions: { baseline: { formation: structure_first } }\n",
        "conditions:\n  baseline:\n    formation: structure_first\n    network: { cross_org_degree: 2.5e-1, strength_max: .9 }\n",
    };
    scenario sc[4];
    for (int i = 0; i < 4; i++) {
        int rc = scenario_load_text("forms", forms[i], &sc[i], err, sizeof err);
        CHECK_MSG(rc == 0, "form %d: %s", i, err);
        if (rc) return;
    }
    for (int i = 0; i < 4; i++) {
        CHECK(sc[i].n_conditions == 1);
        CHECK(sc[i].conditions[0].p.k_x == 0.25);
        CHECK(sc[i].conditions[0].p.w_hi == 0.9);
        CHECK(sc[i].conditions[0].p.formation == 1);
        CHECK(memcmp(&sc[0].conditions[0].p, &sc[i].conditions[0].p, sizeof(params)) == 0);
    }
    for (int i = 0; i < 4; i++) scenario_free(&sc[i]);

    /* Booleans for bool parameters; null condition bodies; descriptions. */
    scenario s;
    int rc = scenario_load_text("b", "conditions:\n  on: { momentum.celebrate: true, momentum.relief_after_win: TRUE }\n"
                                     "  off:\n  plain: { description: \"just the defaults\" }\n",
                                &s, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc) return;
    CHECK(s.n_conditions == 3);
    CHECK(s.conditions[0].p.celebrate == 1 && s.conditions[0].p.relief == 1);
    CHECK(s.conditions[1].p.celebrate == 0);
    CHECK_STR(s.conditions[2].name, "plain");
    scenario_free(&s);
}

/* Every fixture under tests/scenarios/bad/ starts with "# expect: LINE:COL: text": the loader
 * must fail with "PATH:LINE:COL: " followed by a message containing text. */
static void test_bad_fixtures(void) {
    const char *dir = "tests/scenarios/bad";
    DIR *d = opendir(dir);
    CHECK_MSG(d != NULL, "cannot open %s", dir);
    if (!d) return;
    int count = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".yaml") != 0) continue;
        char path[512], line[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        if (!f || !fgets(line, sizeof line, f)) {
            CHECK_MSG(0, "cannot read %s", path);
            if (f) fclose(f);
            continue;
        }
        fclose(f);
        line[strcspn(line, "\n")] = '\0';
        CHECK_MSG(starts_with(line, "# expect: "), "%s has no '# expect:' line", path);
        const char *exp = line + strlen("# expect: ");
        const char *sep = strstr(exp, ": ");
        if (!sep) continue;
        char want[600];
        snprintf(want, sizeof want, "%s:%.*s: ", path, (int)(sep - exp), exp);
        const char *frag = sep + 2;
        scenario sc;
        err[0] = '\0';
        int rc = scenario_load(path, &sc, err, sizeof err);
        CHECK_MSG(rc == -1, "%s was accepted", path);
        if (rc == 0) {
            scenario_free(&sc);
            continue;
        }
        CHECK_MSG(starts_with(err, want), "%s: \"%s\" does not start with \"%s\"", path, err, want);
        CHECK_MSG(strstr(err + strlen(want), frag) != NULL, "%s: \"%s\" lacks \"%s\"", path, err, frag);
        CHECK(sc.conditions == NULL && sc.text == NULL && sc.path == NULL);
        count++;
    }
    closedir(d);
    CHECK_MSG(count >= 40, "only %d bad fixtures", count);
}

static void test_errors_exact(void) {
    /* empty input, in every form */
    bad_text("", "t.yaml:1:1: empty scenario: expected a mapping of scenario keys (name, horizon, parameters, "
                 "conditions, ...)");
    bad_text_prefix("   \n\n", "t.yaml:1:1: empty scenario");
    bad_text_prefix("---\n", "t.yaml:1:1: empty scenario");
    bad_text_prefix("~\n", "t.yaml:1:1: empty scenario");
    bad_text_prefix("42\n", "t.yaml:1:1: expected a mapping of scenario keys");
    /* files */
    scenario sc;
    CHECK(scenario_load("tests/scenarios/no_such_file.yaml", &sc, err, sizeof err) == -1);
    CHECK_STR(err, "tests/scenarios/no_such_file.yaml:1:1: cannot read: No such file or directory");
    CHECK(scenario_load("tests/scenarios", &sc, err, sizeof err) == -1);
    CHECK_STR(err, "tests/scenarios:1:1: cannot read: Is a directory");
    CHECK(scenario_load("tests/scenarios/bad/cycle_a.yaml", &sc, err, sizeof err) == -1);
    CHECK_STR(err, "tests/scenarios/bad/cycle_a.yaml:2:10: cyclic extends: tests/scenarios/bad/cycle_a.yaml -> "
                   "tests/scenarios/bad/cycle_b.yaml -> tests/scenarios/bad/cycle_a.yaml");
    /* syntax */
    bad_text("a: [1, 2\n", "t.yaml:2:1: YAML syntax error: did not find expected ',' or ']' while parsing a flow "
                           "sequence (started at 1:4)");
    bad_text_prefix("horizon: 52\n\tseed: 3\n", "t.yaml:2:1: YAML syntax error: found a tab character");
    bad_text_prefix("title: \"caf\xe9\"\n", "t.yaml:1:13: cannot read the text: invalid trailing UTF-8 octet");
    /* kinds, duplicates, unknown keys */
    bad_text("horizon: [52]\n", "t.yaml:1:10: 'horizon': expected a whole number of weeks in [1, 5200], got a sequence");
    bad_text("parameters: [1]\n", "t.yaml:1:13: 'parameters': expected a mapping of parameter keys such as "
                                  "network.cross_org_degree, got a sequence");
    bad_text("seed: 1\nseed: 2\n", "t.yaml:2:1: duplicate key 'seed' (first at 1:1)");
    bad_text("parameters:\n  network: { cross_org_degree: 1 }\n  network.cross_org_degree: 2\n",
             "t.yaml:3:3: duplicate key 'network.cross_org_degree' (first at 2:14)");
    bad_text("parameters:\n  netwrk: { cross_org_degree: 1 }\n",
             "t.yaml:2:3: unknown key 'netwrk' in parameters (did you mean 'network'?)");
    bad_text("parameters:\n  network: { crosss_org_degree: 1 }\n",
             "t.yaml:2:14: unknown key 'network.crosss_org_degree' in parameters (did you mean "
             "'network.cross_org_degree'?)");
    bad_text("parameters:\n  cross_org_degree: 1\n",
             "t.yaml:2:3: unknown key 'cross_org_degree' in parameters (did you mean 'network.cross_org_degree'?)");
    bad_text("replicate: 5\n", "t.yaml:1:1: unknown top-level key 'replicate' (did you mean 'replicates'?)");
    bad_text("network: { cross_org_degree: 1 }\n",
             "t.yaml:1:1: unknown key 'network' at the top level (model parameters go under 'parameters:' or "
             "inside a condition)");
    /* values */
    bad_text("parameters: { trust.cross_org: 0.5x }\n",
             "t.yaml:1:32: 'trust.cross_org': expected a number in [0, 1], got \"0.5x\"");
    bad_text("parameters: { trust.cross_org: '0.5' }\n",
             "t.yaml:1:32: 'trust.cross_org': expected a number in [0, 1], got string \"0.5\"");
    bad_text("parameters: { trust.cross_org: }\n",
             "t.yaml:1:32: 'trust.cross_org': expected a number in [0, 1], got nothing");
    bad_text("parameters: { trust.cross_org: nan }\n",
             "t.yaml:1:32: 'trust.cross_org': expected a finite number, got nan");
    bad_text("parameters: { momentum.friction_implement: 1.5 }\n",
             "t.yaml:1:44: 'momentum.friction_implement': expected a number in [0, 1], got 1.5");
    bad_text("parameters: { momentum.celebrate: maybe }\n",
             "t.yaml:1:35: 'momentum.celebrate': expected true or false (or 0 or 1), got \"maybe\"");
    bad_text("parameters: { formation: [network_first] }\n",
             "t.yaml:1:26: 'formation': expected one of network_first, structure_first, got a sequence");
    bad_text("parameters: { consolidation.timing: aftr_wins }\n",
             "t.yaml:1:37: 'consolidation.timing': expected one of never, from_start, after_exploration, after_wins, "
             "got \"aftr_wins\" (did you mean 'after_wins'?)");
    bad_text("horizon: 52.5\n", "t.yaml:1:10: 'horizon': expected a whole number of weeks in [1, 5200], got 52.5");
    bad_text("seed: 4294967296\n", "t.yaml:1:7: 'seed': expected a whole number in [0, 4294967295], got 4294967296");
    bad_text("name: \"\"\n", "t.yaml:1:7: 'name': expected a name, got string \"\"");
    bad_text("world: { generate: { count: 3 } }\n", "t.yaml:1:20: generate: missing 'median_employees'");
    bad_text("world: { generate: { count: 1, median_employees: 10 } }\n",
             "t.yaml:1:1: world: at least 2 organisations are needed (named and generated), got 1");
    bad_text("world: { organisations: [ { name: A, employees: 1 }, { name: B, employees: 2, failure_tolerance: 2 } ] }\n",
             "t.yaml:1:98: organisation 2: 'failure_tolerance': expected a number in [0, 1], got 2");
    /* aliases, tags, limits */
    bad_text("a: &x 1\n", "t.yaml:1:4: YAML anchors (&x) and aliases are not supported");
    bad_text_prefix("horizon: !!str 52\n", "t.yaml:1:10: YAML tags (tag:yaml.org,2002:str) are not supported");
    /* check_all pairs */
    bad_text("conditions:\n  a: {}\n  b: { opportunity.domains_max: 9 }\n",
             "t.yaml:3:3: condition 'b': 'opportunity.domains_max' (9) must not exceed 'agents.domains' (8)");
    bad_text("parameters: { network.strength_min: 0.9 }\nconditions:\n  a: {}\n",
             "t.yaml:1:1: parameters: 'network.strength_min' (0.9) must not exceed 'network.strength_max' (0.8)");
    /* A condition can repair what the base parameters break. */
    scenario ok;
    int rc = scenario_load_text("t.yaml", "parameters: { network.strength_min: 0.9 }\n"
                                          "conditions: { a: { network.strength_max: 1 } }\n",
                                &ok, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (!rc) scenario_free(&ok);
}

static void test_limits(void) {
    /* nesting: 32 levels are fine, 33 are not */
    char deep[512] = "a: ", deeper[512] = "a: ";
    for (int i = 0; i < 31; i++) strcat(deep, "[");
    for (int i = 0; i < 31; i++) strcat(deep, "]");
    strcat(deep, "\n");
    bad_text(deep, "t.yaml:1:1: unknown top-level key 'a'"); /* parsed in full, then rejected as a key */
    for (int i = 0; i < 32; i++) strcat(deeper, "[");
    for (int i = 0; i < 32; i++) strcat(deeper, "]");
    bad_text(deeper, "t.yaml:1:35: nesting deeper than 32 levels");

    /* long values */
    size_t n = 5000;
    char *t = malloc(n + 32);
    strcpy(t, "title: ");
    memset(t + 7, 'x', n);
    strcpy(t + 7 + n, "\n");
    bad_text(t, "t.yaml:1:8: value too long (5000 bytes; at most 4096)");
    t[7 + 300] = '\n';
    t[7 + 301] = '\0';
    bad_text(t, "t.yaml:1:8: 'title': longer than 255 characters");
    free(t);

    /* files over 4 MiB */
    size_t big = (4u << 20) + 10;
    char *b = malloc(big + 1);
    memset(b, '#', big);
    for (size_t i = 80; i < big; i += 80) b[i] = '\n';
    b[0] = 'a', b[1] = ':', b[2] = ' ', b[3] = '1', b[4] = '\n';
    b[big] = '\0';
    bad_text(b, "t.yaml:1:1: cannot read: file too large (more than 4 MiB)");
    char dir[] = "/tmp/samen-test-scenario-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK_MSG(0, "mkdtemp failed");
        free(b);
        return;
    }
    char path[600], msg[700];
    snprintf(path, sizeof path, "%s/big.yaml", dir);
    write_file(path, b);
    free(b);
    scenario sc;
    CHECK(scenario_load(path, &sc, err, sizeof err) == -1);
    snprintf(msg, sizeof msg, "%s:1:1: cannot read: file too large (more than 4 MiB)", path);
    CHECK_STR(err, msg);
    unlink(path);

    /* extends chains: 16 levels are fine, 17 are not */
    for (int i = 0; i <= 17; i++) {
        char text[64];
        snprintf(path, sizeof path, "%s/l%d.yaml", dir, i);
        if (i < 17) snprintf(text, sizeof text, "extends: l%d.yaml\nseed: %d\n", i + 1, i);
        else snprintf(text, sizeof text, "horizon: 7\nseed: 99\n");
        write_file(path, text);
    }
    snprintf(path, sizeof path, "%s/l1.yaml", dir);
    int rc = scenario_load(path, &sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (!rc) {
        CHECK(sc.seed == 1 && sc.horizon == 7);
        CHECK_STR(sc.name, "l1");
        scenario_free(&sc);
    }
    snprintf(path, sizeof path, "%s/l0.yaml", dir);
    CHECK(scenario_load(path, &sc, err, sizeof err) == -1);
    snprintf(msg, sizeof msg, "%s/l16.yaml:1:10: 'extends': more than 16 levels of extends", dir);
    CHECK_STR(err, msg);
    for (int i = 0; i <= 17; i++) {
        snprintf(path, sizeof path, "%s/l%d.yaml", dir, i);
        unlink(path);
    }

    /* An error in a parent is reported in the parent, at its position. */
    snprintf(path, sizeof path, "%s/p.yaml", dir);
    write_file(path, "# parent\nhorizon: 0\n");
    snprintf(path, sizeof path, "%s/c.yaml", dir);
    write_file(path, "extends: p.yaml\n");
    CHECK(scenario_load(path, &sc, err, sizeof err) == -1);
    snprintf(msg, sizeof msg, "%s/p.yaml:2:10: 'horizon': expected a whole number of weeks in [1, 5200], got 0", dir);
    CHECK_STR(err, msg);
    unlink(path);
    snprintf(path, sizeof path, "%s/p.yaml", dir);
    unlink(path);
    rmdir(dir);

    /* A small error buffer is filled without overflow; none at all is fine too. */
    char small[16];
    memset(small, 'z', sizeof small);
    CHECK(scenario_load_text("t.yaml", "horizon: 0\n", &sc, small, sizeof small) == -1);
    CHECK(small[15] == '\0' && strlen(small) == 15);
    CHECK(scenario_load_text("t.yaml", "horizon: 0\n", &sc, NULL, 0) == -1);
}

static void test_set(void) {
    scenario sc;
    if (scenario_load_default(&sc, err, sizeof err)) {
        CHECK_MSG(0, "%s", err);
        return;
    }
    CHECK(scenario_apply_set(&sc, "network.cross_org_degree=0.25", err, sizeof err) == 0);
    CHECK(sc.conditions[0].p.k_x == 0.25 && sc.conditions[1].p.k_x == 0.25);
    CHECK(scenario_apply_set(&sc, "formation=structure_first", err, sizeof err) == 0);
    CHECK(sc.conditions[0].p.formation == 1 && sc.conditions[1].p.formation == 1);
    CHECK(scenario_apply_set(&sc, "momentum.celebrate=true", err, sizeof err) == 0);
    CHECK(sc.conditions[0].p.celebrate == 1);
    CHECK(scenario_apply_set(&sc, "recruit.team_max=20", err, sizeof err) == 0);
    CHECK(sc.conditions[1].p.n_max == 20);
    CHECK(scenario_apply_set(&sc, "horizon=52", err, sizeof err) == 0);
    CHECK(scenario_apply_set(&sc, "seed=4294967295", err, sizeof err) == 0);
    CHECK(scenario_apply_set(&sc, "replicates=3", err, sizeof err) == 0);
    CHECK(sc.horizon == 52 && sc.seed == 4294967295u && sc.replicates == 3);

    CHECK(scenario_apply_set(&sc, "network.cros_org_degree=1", err, sizeof err) == -1);
    CHECK_STR(err, "--set network.cros_org_degree=1: unknown parameter 'network.cros_org_degree' (did you mean "
                   "'network.cross_org_degree'?)");
    CHECK(scenario_apply_set(&sc, "zzzzzzzzzzzzzzzzzzzz=1", err, sizeof err) == -1);
    CHECK_STR(err, "--set zzzzzzzzzzzzzzzzzzzz=1: unknown parameter 'zzzzzzzzzzzzzzzzzzzz'");
    CHECK(scenario_apply_set(&sc, "trust.cross_org=0.5x", err, sizeof err) == -1);
    CHECK_STR(err, "--set trust.cross_org=0.5x: 'trust.cross_org': expected a number in [0, 1], got \"0.5x\"");
    CHECK(scenario_apply_set(&sc, "momentum.friction_implement=1.5", err, sizeof err) == -1);
    CHECK_STR(err, "--set momentum.friction_implement=1.5: 'momentum.friction_implement': expected a number in "
                   "[0, 1], got 1.5");
    CHECK(scenario_apply_set(&sc, "trust.cross_org=", err, sizeof err) == -1);
    CHECK_STR(err, "--set trust.cross_org=: 'trust.cross_org': expected a number in [0, 1], got nothing");
    CHECK(scenario_apply_set(&sc, "formation=both", err, sizeof err) == -1);
    CHECK_STR(err, "--set formation=both: 'formation': expected one of network_first, structure_first, got \"both\"");
    CHECK(scenario_apply_set(&sc, "horizon=0", err, sizeof err) == -1);
    CHECK_STR(err, "--set horizon=0: 'horizon': expected a whole number in [1, 5200], got 0");
    CHECK(scenario_apply_set(&sc, "replicates=many", err, sizeof err) == -1);
    CHECK_STR(err, "--set replicates=many: 'replicates': expected a whole number in [1, 1000000], got \"many\"");
    CHECK(scenario_apply_set(&sc, "horizon", err, sizeof err) == -1);
    CHECK_STR(err, "--set horizon: expected KEY=VALUE");
    CHECK(scenario_apply_set(&sc, "=3", err, sizeof err) == -1);
    CHECK_STR(err, "--set =3: expected KEY=VALUE");
    /* cross-parameter checks come after all --set values, so min and max can move together
     * in either order */
    CHECK(scenario_check_sets(&sc, err, sizeof err) == 0);
    CHECK(scenario_apply_set(&sc, "network.strength_min=0.9", err, sizeof err) == 0);
    CHECK(scenario_check_sets(&sc, err, sizeof err) == -1);
    CHECK_STR(err, "--set: condition 'network_first': 'network.strength_min' (0.9) must "
                   "not exceed 'network.strength_max' (0.8)");
    CHECK(scenario_apply_set(&sc, "network.strength_max=1", err, sizeof err) == 0);
    CHECK(scenario_check_sets(&sc, err, sizeof err) == 0);
    CHECK(sc.conditions[1].p.w_lo == 0.9);
    scenario_free(&sc);
}

/* What scenario_print writes loads back to the same scenario. */
static void test_print_roundtrip(void) {
    /* NULL stands for the built-in default */
    const char *files[] = {"tests/scenarios/child.yaml", "tests/scenarios/sub/grandchild.yaml",
                           "tests/scenarios/no_conditions.yaml", NULL};
    for (int i = 0; i < 4; i++) {
        scenario a, b;
        int rc = files[i] ? scenario_load(files[i], &a, err, sizeof err) : scenario_load_default(&a, err, sizeof err);
        CHECK_MSG(rc == 0, "%s", err);
        if (rc) break;
        char *p1 = print_to_string(&a);
        rc = scenario_load_text(a.name, p1, &b, err, sizeof err);
        CHECK_MSG(rc == 0, "reloading the print of %s: %s\n%s", files[i] ? files[i] : "default", err, p1);
        if (rc == 0) {
            char *p2 = print_to_string(&b);
            CHECK_STR(p1, p2);
            CHECK(a.n_conditions == b.n_conditions && a.n_orgs == b.n_orgs);
            for (int k = 0; k < a.n_conditions && k < b.n_conditions; k++)
                CHECK(memcmp(&a.conditions[k].p, &b.conditions[k].p, sizeof(params)) == 0);
            free(p2);
            scenario_free(&b);
        }
        free(p1);
        scenario_free(&a);
    }

    scenario sc;
    if (scenario_load_default(&sc, err, sizeof err) == 0) {
        char *p = print_to_string(&sc);
        CHECK_STR(p, "name: default\n"
                     "title: \"Network-first versus structure-first collaboration between two municipalities\"\n"
                     "horizon: 260\nseed: 20131\nreplicates: 200\n"
                     "world:\n  organisations:\n    - { name: Zeist, employees: 550 }\n"
                     "    - { name: Oss, employees: 800 }\n"
                     "conditions:\n  network_first: {}\n  structure_first:\n    formation: structure_first\n");
        free(p);
        scenario_free(&sc);
    }
}

int main(void) {
    test_default();
    test_defaults_resolution();
    test_extends();
    test_key_forms();
    test_bad_fixtures();
    test_errors_exact();
    test_limits();
    test_set();
    test_print_roundtrip();
    return TEST_REPORT("scenario");
}
