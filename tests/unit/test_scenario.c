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
    bad_text("conditions:\n  a: {}\n  b: { agents.domains: 3, opportunity.domains_max: 4 }\n",
             "t.yaml:3:3: condition 'b': 'opportunity.domains_max' (4) must not exceed 'agents.domains' (3)");
    bad_text("conditions:\n  a: {}\n  b: { opportunity.domains_max: 9 }\n",
             "t.yaml:3:33: 'opportunity.domains_max': expected a whole number in [1, 8], got 9");
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

static const params *cond_p(const scenario *sc, const char *name) {
    for (int i = 0; i < sc->n_conditions; i++)
        if (strcmp(sc->conditions[i].name, name) == 0) return &sc->conditions[i].p;
    CHECK_MSG(0, "no condition '%s'", name);
    return &sc->conditions[0].p;
}

/* The print without its comment lines. */
static char *strip_comments(const char *text) {
    char *out = malloc(strlen(text) + 1), *o = out;
    for (const char *line = text; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line + 1) : strlen(line);
        const char *t = line;
        while (*t == ' ') t++;
        if (*t != '#') {
            memcpy(o, line, len);
            o += len;
        }
        line += len;
    }
    *o = '\0';
    return out;
}

/* Each intervention sets its parameter group: switch, timing, defaults and fields. */
static void test_events_kinds(void) {
    const char *text =
        "horizon: 260\n"
        "conditions:\n"
        "  none: {}\n"
        "  champion_all: { events: [ { champion: {} } ] }\n"
        "  champion_at: { events: [ { at: 26, champion: { hours: 6, designated_motivation: 0.8 } } ] }\n"
        "  champion_window: { events: [ { from: 13, until: 104, champion: {} } ] }\n"
        "  celebrate: { events: [ { until: 52, celebrate: { celebration: 2 } } ] }\n"
        "  quick_wins: { events: [ { quick_wins: {} } ] }\n"
        "  quick_wins_at0: { events: [ { at: 0, quick_wins: { milestones: 6 } } ] }\n"
        "  review: { events: [ { review: {} } ] }\n"
        "  review_window: { events: [ { from: 13, until: 208, review: { interval: 26, rescope: 0.5 } } ] }\n"
        "  cons_wins: { events: [ { on: { wins: 3 }, consolidate: { structure: 0.6 } } ] }\n"
        "  cons_explore: { events: [ { on: exploration, consolidate: {} } ] }\n"
        "  cons_launch: { events: [ { on: launch, consolidate: {} } ] }\n"
        "  job_bank: { events: [ { at: 52, job_bank: { scope: all_partners, hours: 6 } } ] }\n"
        "  leadership: { events: [ { cross_domain_leadership: {} } ] }\n"
        "  leadership_half: { events: [ { cross_domain_leadership: { cross_domain: 0.5, novelty: 0.4 } } ] }\n"
        "  culture: { events: [ { failure_culture: {} } ] }\n"
        "  culture_drift: { events: [ { failure_culture: { failure_tolerance: 0.6, drift: 0.001 } } ] }\n"
        "  crisis: { events: [ { at: 52, crisis: { urgency: 2, collaboration: false } } ] }\n"
        "  handover: { events: [ { on: { wins: 2 }, handover: { replace_share: 0.3, retain_champion: true } } ] }\n"
        "  mandate: { events: [ { at: 0, mandate: { deadline_weeks: 52, prescribe_structure: false } } ] }\n"
        "  nudge: { events: [ { nudge: {} } ] }\n"
        "  nudge_8: { events: [ { nudge: { invitees: 8, threshold_drop: 0.2 } } ] }\n"
        "  revival: { events: [ { on: stall, revival: {} } ] }\n"
        "  revival_fast:\n"
        "    events:\n"
        "      - on: stall\n"
        "        revival: { rate: 0.1 }\n";
    scenario sc;
    int rc = scenario_load_text("ev.yaml", text, &sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc) return;
    params d;
    params_defaults(&d);
    CHECK(memcmp(cond_p(&sc, "none"), &d, sizeof d) == 0);
    CHECK(sc.conditions[0].n_events == 0 && sc.conditions[0].events == NULL);

    const params *p = cond_p(&sc, "champion_all");
    CHECK(p->ch_designated == 1 && p->ch_from == 0 && p->ch_until == 0 && p->ch_designated_m == d.ch_designated_m);
    p = cond_p(&sc, "champion_at");
    CHECK(p->ch_designated == 1 && p->ch_from == 26 && p->ch_until == 0 && p->h_ch == 6 && p->ch_designated_m == 0.8);
    p = cond_p(&sc, "champion_window");
    CHECK(p->ch_designated == 1 && p->ch_from == 13 && p->ch_until == 104);
    p = cond_p(&sc, "celebrate");
    CHECK(p->celebrate == 1 && p->cel_from == 0 && p->cel_until == 52 && p->c_cel == 2);
    p = cond_p(&sc, "quick_wins");
    CHECK(p->K == 8 && p->qw == 0.5);
    p = cond_p(&sc, "quick_wins_at0");
    CHECK(p->K == 6 && p->qw == 0.5);
    p = cond_p(&sc, "review");
    CHECK(p->Q_rev == 13 && p->rev_from == 0 && p->rev_until == 0 && p->rs == d.rs);
    p = cond_p(&sc, "review_window");
    CHECK(p->Q_rev == 26 && p->rev_from == 13 && p->rev_until == 208 && p->rs == 0.5);
    const param_info *timing = params_find("consolidation.timing");
    p = cond_p(&sc, "cons_wins");
    CHECK(p->cons_timing == params_choice_index(timing, "after_wins") && p->k_cons == 3 && p->S_cons == 0.6);
    p = cond_p(&sc, "cons_explore");
    CHECK(p->cons_timing == params_choice_index(timing, "after_exploration") && p->k_cons == d.k_cons);
    p = cond_p(&sc, "cons_launch");
    CHECK(p->cons_timing == params_choice_index(timing, "from_start"));
    p = cond_p(&sc, "job_bank");
    CHECK(p->jb_on == 1 && p->jb_from == 52 && p->jb_until == 0 && p->jb_scope == 1 && p->jb_hours == 6);
    p = cond_p(&sc, "leadership");
    CHECK(p->p_xmgr == 1 && p->nu_x == d.nu_x);
    p = cond_p(&sc, "leadership_half");
    CHECK(p->p_xmgr == 0.5 && p->nu_x == 0.4);
    p = cond_p(&sc, "culture");
    CHECK(p->psi_all == 0.8 && p->rho_psi == 0);
    p = cond_p(&sc, "culture_drift");
    CHECK(p->psi_all == 0.6 && p->rho_psi == 0.001);
    p = cond_p(&sc, "crisis");
    CHECK(p->t_crisis == 52 && p->U_c == 2 && p->crisis_proj == 0 && p->tau_U == d.tau_U);
    p = cond_p(&sc, "handover");
    CHECK(p->k_h == 2 && p->chi_h == 0.3 && p->retain_ch == 1);
    p = cond_p(&sc, "mandate");
    CHECK(p->t_mand == 0 && p->tau_dl == 52 && p->prescribe == 0 && p->S_mand == d.S_mand);
    p = cond_p(&sc, "nudge");
    CHECK(p->nudge_n == 5 && p->nudge_dtheta == d.nudge_dtheta);
    p = cond_p(&sc, "nudge_8");
    CHECK(p->nudge_n == 8 && p->nudge_dtheta == 0.2);
    p = cond_p(&sc, "revival");
    CHECK(p->p_rv == 0.02);
    p = cond_p(&sc, "revival_fast");
    CHECK(p->p_rv == 0.1);

    /* An event touches only its own group: every other parameter keeps its default. */
    params q = *cond_p(&sc, "crisis");
    q.t_crisis = d.t_crisis, q.U_c = d.U_c, q.crisis_proj = d.crisis_proj;
    CHECK(memcmp(&q, &d, sizeof d) == 0);

    /* The record of each event: kind, first week, position, text. */
    const condition *cd = NULL;
    for (int i = 0; i < sc.n_conditions; i++)
        if (strcmp(sc.conditions[i].name, "champion_at") == 0) cd = &sc.conditions[i];
    CHECK(cd && cd->n_events == 1);
    if (cd && cd->n_events == 1) {
        CHECK_STR(cd->events[0].kind, "champion");
        CHECK(cd->events[0].first_week == 26 && cd->events[0].line == 5 && cd->events[0].col == 38);
        CHECK_STR(cd->events[0].text, "{ at: 26, champion: { hours: 6, designated_motivation: 0.8 } }");
    }
    for (int i = 0; i < sc.n_conditions; i++) {
        const condition *c2 = &sc.conditions[i];
        if (strcmp(c2->name, "revival") == 0) {
            CHECK(c2->n_events == 1 && c2->events[0].first_week == -1);
            CHECK_STR(c2->events[0].text, "{ on: stall, revival: {} }");
        }
        if (strcmp(c2->name, "handover") == 0)
            CHECK_STR(c2->events[0].text,
                      "{ on: { wins: 2 }, handover: { replace_share: 0.3, retain_champion: true } }");
        if (strcmp(c2->name, "champion_window") == 0) CHECK(c2->events[0].first_week == 13);
        if (strcmp(c2->name, "nudge") == 0) CHECK(c2->events[0].first_week == 0);
    }

    /* The print carries the events as parameters (and as comments) and loads back the same. */
    char *p1 = print_to_string(&sc);
    CHECK(strstr(p1, "  # event: { at: 52, crisis: { urgency: 2, collaboration: false } }\n  crisis:\n") != NULL);
    scenario b;
    rc = scenario_load_text("ev-printed.yaml", p1, &b, err, sizeof err);
    CHECK_MSG(rc == 0, "%s\n%s", err, p1);
    if (rc == 0) {
        CHECK(b.n_conditions == sc.n_conditions);
        for (int i = 0; i < sc.n_conditions && i < b.n_conditions; i++) {
            CHECK(memcmp(&sc.conditions[i].p, &b.conditions[i].p, sizeof(params)) == 0);
            CHECK(b.conditions[i].n_events == 0);
        }
        char *p2 = print_to_string(&b), *s1 = strip_comments(p1);
        CHECK_STR(s1, p2);
        free(s1);
        free(p2);
        scenario_free(&b);
    }
    free(p1);
    scenario_free(&sc);
}

/* defaults -> parameters -> top-level events -> condition keys -> condition events -> --set */
static void test_events_order(void) {
    const char *text = "parameters:\n"
                       "  mandate.deadline_weeks: 26\n"
                       "  mandate.budget_hours: 4\n"
                       "  review.interval: 4\n"
                       "events:\n"
                       "  - { at: 0, mandate: { deadline_weeks: 104 } }\n"
                       "  - { from: 13, review: {} }\n"
                       "conditions:\n"
                       "  top_only: {}\n"
                       "  key_after_top:\n"
                       "    mandate.deadline_weeks: 52\n"
                       "    review: { interval: 26 }\n"
                       "  event_after_key:\n"
                       "    events: [ { on: { wins: 2 }, consolidate: { structure: 0.7 } } ]\n"
                       "    consolidation.structure: 0.2\n"
                       "    consolidation.timing: from_start\n";
    scenario sc;
    int rc = scenario_load_text("order.yaml", text, &sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc) return;
    const params *a = cond_p(&sc, "top_only"), *b = cond_p(&sc, "key_after_top"), *c = cond_p(&sc, "event_after_key");
    /* a top-level event wins over `parameters:`, and applies to every condition */
    CHECK(a->t_mand == 0 && a->tau_dl == 104 && a->R_mand == 4);
    CHECK(a->Q_rev == 13 && a->rev_from == 13); /* the event's default interval wins over the parameters */
    CHECK(c->t_mand == 0 && c->tau_dl == 104 && c->Q_rev == 13);
    /* a condition's own keys win over the top-level events */
    CHECK(b->t_mand == 0 && b->tau_dl == 52 && b->Q_rev == 26 && b->rev_from == 13);
    /* a condition's events win over its own keys, whatever the order in the file */
    const param_info *timing = params_find("consolidation.timing");
    CHECK(c->cons_timing == params_choice_index(timing, "after_wins") && c->S_cons == 0.7 && c->k_cons == 2);
    /* the records: the top-level events first, then the condition's own */
    CHECK(sc.conditions[0].n_events == 2 && sc.conditions[2].n_events == 3);
    if (sc.conditions[2].n_events == 3) {
        CHECK_STR(sc.conditions[2].events[0].kind, "mandate");
        CHECK_STR(sc.conditions[2].events[1].kind, "review");
        CHECK_STR(sc.conditions[2].events[2].kind, "consolidate");
        CHECK(sc.conditions[2].events[1].first_week == 13 && sc.conditions[2].events[1].line == 7);
    }

    /* --set reaches event fields: they are parameters */
    CHECK(scenario_apply_set(&sc, "mandate.deadline_weeks=78", err, sizeof err) == 0);
    CHECK(scenario_apply_set(&sc, "review.interval=52", err, sizeof err) == 0);
    CHECK(scenario_check_sets(&sc, err, sizeof err) == 0);
    for (int i = 0; i < sc.n_conditions; i++)
        CHECK(sc.conditions[i].p.tau_dl == 78 && sc.conditions[i].p.Q_rev == 52 && sc.conditions[i].p.t_mand == 0);
    CHECK(scenario_apply_set(&sc, "mandate.deadline_weeks=0", err, sizeof err) == -1);
    CHECK_STR(err, "--set mandate.deadline_weeks=0: 'mandate.deadline_weeks': expected a whole number in [1, 5200], "
                   "got 0");

    /* --set horizon must leave every event inside the horizon */
    CHECK(scenario_apply_set(&sc, "horizon=14", err, sizeof err) == 0);
    CHECK(scenario_check_sets(&sc, err, sizeof err) == 0);
    CHECK(scenario_apply_set(&sc, "horizon=13", err, sizeof err) == 0);
    CHECK(scenario_check_sets(&sc, err, sizeof err) == -1);
    CHECK_STR(err, "--set horizon=13: event 'review' at week 13 in condition 'top_only' is after the horizon");
    /* the week counts where a --set moved it */
    CHECK(scenario_apply_set(&sc, "review.from=12", err, sizeof err) == 0);
    CHECK(scenario_check_sets(&sc, err, sizeof err) == 0);
    CHECK(scenario_apply_set(&sc, "horizon=260", err, sizeof err) == 0);
    CHECK(scenario_apply_set(&sc, "mandate.week=300", err, sizeof err) == 0);
    CHECK(scenario_check_sets(&sc, err, sizeof err) == -1);
    CHECK_STR(err, "--set horizon=260: event 'mandate' at week 300 in condition 'top_only' is after the horizon");
    CHECK(scenario_apply_set(&sc, "mandate.week=-1", err, sizeof err) == 0); /* switched off */
    CHECK(scenario_check_sets(&sc, err, sizeof err) == 0);
    scenario_free(&sc);

    /* events: with nothing is no events; a condition with only events */
    rc = scenario_load_text("t.yaml", "events:\nconditions:\n  a: { events: }\n  b: { events: [] }\n", &sc, err,
                            sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc == 0) {
        CHECK(sc.conditions[0].n_events == 0 && sc.conditions[1].n_events == 0);
        scenario_free(&sc);
    }
}

/* A child's top-level events replace its parent's; inherited conditions keep their events and
 * are checked against the child's horizon. */
static void test_events_extends(void) {
    char dir[] = "/tmp/samen-test-events-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK_MSG(0, "mkdtemp failed");
        return;
    }
    char parent[600], child[600], child2[600], msg[1400];
    snprintf(parent, sizeof parent, "%s/parent.yaml", dir);
    snprintf(child, sizeof child, "%s/child.yaml", dir);
    snprintf(child2, sizeof child2, "%s/child2.yaml", dir);
    write_file(parent, "horizon: 260\n"
                       "events: [ { at: 100, crisis: {} } ]\n"
                       "conditions:\n"
                       "  late: { events: [ { at: 200, mandate: {} } ] }\n"
                       "  early: { events: [ { at: 10, mandate: {} } ] }\n");
    write_file(child, "extends: parent.yaml\nevents: [ { celebrate: {} } ]\n");
    write_file(child2, "extends: parent.yaml\nhorizon: 150\nevents: []\n");
    scenario sc;
    int rc = scenario_load(child, &sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc == 0) {
        const params *late = cond_p(&sc, "late"), *early = cond_p(&sc, "early");
        CHECK(late->t_crisis == -1 && late->celebrate == 1 && late->t_mand == 200);
        CHECK(early->t_crisis == -1 && early->celebrate == 1 && early->t_mand == 10);
        CHECK(sc.conditions[0].n_events == 2);
        scenario_free(&sc);
    }
    /* the inherited event at 200 now lies after the child's horizon: reported in the parent */
    CHECK(scenario_load(child2, &sc, err, sizeof err) == -1);
    snprintf(msg, sizeof msg, "%s:4:27: event after the horizon (150): 'at' is week 200 (weeks run from 0 to 149)",
             parent);
    CHECK_STR(err, msg);
    /* the same kind in the top-level events of another file: the message names that file */
    write_file(child2, "extends: parent.yaml\nconditions:\n  again: { events: [ { at: 5, crisis: {} } ] }\n");
    rc = scenario_load(child2, &sc, err, sizeof err);
    CHECK_MSG(rc == -1, "accepted");
    snprintf(msg, sizeof msg, "%s:3:31: 'crisis' already given at %s:2:22 (one per condition)", child2, parent);
    CHECK_STR(err, msg);
    unlink(parent);
    unlink(child);
    unlink(child2);
    rmdir(dir);
}

static void test_events_errors(void) {
    bad_text("conditions: { a: { events: [ { at: 0, mandate: { deadline_weeks: 0 } } ] } }\n",
             "t.yaml:1:66: 'mandate.deadline_weeks': expected a whole number in [1, 5200], got 0");
    bad_text("conditions: { a: { events: [ { at: 0, mandat: {} } ] } }\n",
             "t.yaml:1:39: unknown intervention 'mandat' (did you mean 'mandate'?)");
    bad_text("conditions: { a: { events: [ { crisis: { week: 3 } } ] } }\n",
             "t.yaml:1:42: 'crisis.week' is the event's timing: write 'at: WEEK' beside 'crisis', not inside it");
    bad_text("conditions: { a: { events: [ { consolidate: { after_wins: 3 } } ] } }\n",
             "t.yaml:1:47: 'consolidation.after_wins' is the event's timing: write 'on: {wins: N}', 'on: exploration' "
             "or 'on: launch' beside 'consolidate', not inside it");
    bad_text("conditions: { a: { events: [ { review: { from: 3 } } ] } }\n",
             "t.yaml:1:42: 'from' belongs beside 'review' in the event, not inside it");
    bad_text("conditions: { a: { events: [ { review: { until: 3 } } ] } }\n",
             "t.yaml:1:42: 'until' belongs beside 'review' in the event, not inside it");
    bad_text("conditions: { a: { events: [ { job_bank: { on: 1 } } ] } }\n",
             "t.yaml:1:44: 'on' belongs beside 'job_bank' in the event, not inside it");
    bad_text("conditions: { a: { events: [ { handover: { after_wins: 2 } } ] } }\n",
             "t.yaml:1:44: 'handover.after_wins' is the event's timing: write 'on: {wins: N}' beside 'handover', not "
             "inside it");
    bad_text("conditions: { a: { events: [ { celebrate: { celebrate: true } } ] } }\n",
             "t.yaml:1:45: 'momentum.celebrate' is what the 'celebrate' event switches on; it is not one of its fields "
             "(celebration)");
    bad_text("conditions: { a: { events: [ { celebrate: { celebrate_from: 3 } } ] } }\n",
             "t.yaml:1:45: 'momentum.celebrate_from' is the event's timing: write 'from: WEEK' (or 'at: WEEK') beside "
             "'celebrate', not inside it");
    bad_text("conditions: { a: { events: [ { revival: { rat: 0.1 }, on: stall } ] } }\n",
             "t.yaml:1:43: unknown field 'rat' of 'revival' (did you mean 'rate'?)");
    bad_text("conditions: { a: { events: [ { revival: { rate: 2 }, on: stall } ] } }\n",
             "t.yaml:1:49: 'revival.rate': expected a number in [0, 1], got 2");
    bad_text("conditions: { a: { events: [ { revival: {} } ] } }\n", "t.yaml:1:32: 'revival' needs 'on: stall'");
    bad_text("conditions: { a: { events: [ { on: { wins: 2 }, revival: {} } ] } }\n",
             "t.yaml:1:36: 'revival' takes 'on: stall'");
    bad_text("conditions: { a: { events: [ { consolidate: {} } ] } }\n",
             "t.yaml:1:32: 'consolidate' needs 'on: {wins: N}', 'on: exploration' or 'on: launch'");
    bad_text("conditions: { a: { events: [ { on: stall, consolidate: {} } ] } }\n",
             "t.yaml:1:36: 'consolidate' takes 'on: {wins: N}', 'on: exploration' or 'on: launch'");
    bad_text("conditions: { a: { events: [ { on: { win: 2 }, consolidate: {} } ] } }\n",
             "t.yaml:1:38: unknown key 'win' in 'on' (did you mean 'wins'?)");
    bad_text("conditions: { a: { events: [ { on: { wins: 1.5 }, handover: {} } ] } }\n",
             "t.yaml:1:44: 'wins': expected a whole number in [1, 64], got 1.5");
    bad_text("conditions: { a: { events: [ { on: {}, handover: {} } ] } }\n",
             "t.yaml:1:36: 'on': expected { wins: N }, got an empty mapping");
    bad_text("conditions: { a: { events: [ { at: 3, until: 9, champion: {} } ] } }\n",
             "t.yaml:1:46: 'until' goes with 'from', not with 'at'");
    bad_text("conditions: { a: { events: [ { until: 0, champion: {} } ] } }\n",
             "t.yaml:1:39: 'until' (0) must come after 'from' (0)");
    bad_text("conditions: { a: { events: [ { at: 2.5, crisis: {} } ] } }\n",
             "t.yaml:1:36: 'at': expected a whole number of weeks >= 0, got 2.5");
    bad_text("conditions: { a: { events: [ { at: \"3\", crisis: {} } ] } }\n",
             "t.yaml:1:36: 'at': expected a whole number of weeks >= 0, got string \"3\"");
    bad_text("conditions: { a: { events: [ { week: 3, crisis: {} } ] } }\n",
             "t.yaml:1:32: unknown timing key 'week' (timing keys: at, from, until, on)");
    bad_text("conditions: { a: { events: [ { at: 3, crisis: [] } ] } }\n",
             "t.yaml:1:47: 'crisis': expected a mapping of its fields such as { urgency: ... } (or {}), got a "
             "sequence");
    bad_text("conditions: { a: { events: [ { at: 3, crisis: {}, at: 4 } ] } }\n",
             "t.yaml:1:51: duplicate key 'at' (first at 1:32)");
    bad_text("conditions: { a: { events: [ { at: 0, mandate: {} }, { at: 9, mandate: {} } ] } }\n",
             "t.yaml:1:63: 'mandate' already given at 1:39 (one per condition)");
    bad_text("events: [ { review: {} } ]\nconditions: { a: { events: [ { from: 3, review: {} } ] } }\n",
             "t.yaml:2:41: 'review' already given at 1:13 (one per condition)");
    bad_text("events: [ { nudge: {} }, { nudge: {} } ]\n",
             "t.yaml:1:28: 'nudge' already given at 1:13 (one per condition)");
    bad_text("horizon: 52\nevents: [ { at: 52, crisis: {} } ]\n",
             "t.yaml:2:17: event after the horizon (52): 'at' is week 52 (weeks run from 0 to 51)");
    bad_text("horizon: 52\nevents: [ { from: 51, until: 53, review: {} } ]\n",
             "t.yaml:2:30: event after the horizon (52): 'until' is week 53 (at most 52)");
    bad_text("conditions: { a: { events: [ { at: 3, crisis: {}, quick_wins: {} } ] } }\n",
             "t.yaml:1:51: one intervention per event: 'crisis' and 'quick_wins' (write each as its own event)");
    bad_text("conditions: { a: { events: [ { at: 3 } ] } }\n",
             "t.yaml:1:30: event without an intervention: expected one of champion, celebrate, quick_wins, review, "
             "consolidate, job_bank, cross_domain_leadership, failure_culture, crisis, handover, mandate, nudge, "
             "revival");
    /* The horizon that counts is the file's, wherever it is written. */
    scenario sc;
    int rc = scenario_load_text("t.yaml", "events: [ { at: 51, crisis: {} }, { until: 52, celebrate: {} } ]\n"
                                          "horizon: 52\n",
                                &sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc == 0) scenario_free(&sc);
}

/* Organisations: kind and province. */
static void test_org_kinds(void) {
    const char *text = "world:\n"
                       "  organisations:\n"
                       "    - { name: Zeist, employees: 550, province: Provincie Utrecht, region: 1 }\n"
                       "    - { name: Provincie Utrecht, employees: 400, kind: province, region: 1 }\n"
                       "    - { name: Oss, employees: 800, province: \"Noord-Brabant\" }\n"
                       "    - { name: Noord-Brabant, employees: 400, kind: province }\n"
                       "    - { name: MSD, employees: 1000, kind: other }\n";
    scenario sc;
    int rc = scenario_load_text("orgs.yaml", text, &sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc) return;
    CHECK(sc.n_orgs == 5);
    CHECK(sc.orgs[0].kind == ORG_MUNICIPALITY && sc.orgs[0].province == 1);
    CHECK(sc.orgs[1].kind == ORG_PROVINCE && sc.orgs[1].province == -1);
    CHECK(sc.orgs[2].kind == ORG_MUNICIPALITY && sc.orgs[2].province == 3);
    CHECK(sc.orgs[3].kind == ORG_PROVINCE && sc.orgs[4].kind == ORG_OTHER && sc.orgs[4].province == -1);
    char *p1 = print_to_string(&sc);
    CHECK(strstr(p1, "    - { name: Zeist, employees: 550, region: 1, province: \"Provincie Utrecht\" }\n") != NULL);
    CHECK(strstr(p1, "    - { name: MSD, employees: 1000, kind: other }\n") != NULL);
    scenario b;
    rc = scenario_load_text("orgs2.yaml", p1, &b, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc == 0) {
        CHECK(memcmp(sc.orgs, b.orgs, (size_t)sc.n_orgs * sizeof *sc.orgs) == 0);
        scenario_free(&b);
    }
    free(p1);
    scenario_free(&sc);

    /* The default world and files without kinds: municipalities in no province. */
    rc = scenario_load_default(&sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc == 0) {
        CHECK(sc.orgs[0].kind == ORG_MUNICIPALITY && sc.orgs[0].province == -1 && sc.orgs[1].province == -1);
        scenario_free(&sc);
    }
    rc = scenario_load_text("t.yaml", "horizon: 5\n", &sc, err, sizeof err);
    CHECK_MSG(rc == 0, "%s", err);
    if (rc == 0) {
        CHECK(sc.orgs[0].kind == ORG_MUNICIPALITY && sc.orgs[0].province == -1 && sc.orgs[1].province == -1);
        scenario_free(&sc);
    }
    bad_text("world: { organisations: [ { name: A, employees: 1, kind: 3 }, { name: B, employees: 1 } ] }\n",
             "t.yaml:1:58: organisation 1: 'kind': expected one of municipality, province, other, got 3");
    bad_text("world: { organisations: [ { name: A, employees: 1, province: B }, { name: C, employees: 1 } ] }\n",
             "t.yaml:1:62: organisation 1: 'province': no organisation named 'B'");
    bad_text("world: { organisations: [ { name: A, employees: 1, province: [] }, { name: C, employees: 1 } ] }\n",
             "t.yaml:1:62: 'province': expected a string, got a sequence");
}

/* The JSON Schema names every parameter, every intervention and the world's keys. */
static void test_json_schema(void) {
    char *js = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&js, &n);
    scenario_write_json_schema(f);
    fclose(f);
    CHECK(starts_with(js, "{\n  \"$schema\": \"http://json-schema.org/draft-07/schema#\""));
    CHECK(n > 1 && js[n - 1] == '\n' && js[n - 2] == '}');
    for (int i = 0; i < PARAMS_COUNT; i++) {
        char q[160];
        snprintf(q, sizeof q, "\"%s\": {\"description\"", params_table[i].key);
        CHECK_MSG(strstr(js, q) != NULL, "%s missing from the schema", params_table[i].key);
    }
    const char *kinds[] = {"champion", "celebrate", "quick_wins", "review", "consolidate", "job_bank",
                           "cross_domain_leadership", "failure_culture", "crisis", "handover", "mandate", "nudge",
                           "revival"};
    for (int i = 0; i < 13; i++) {
        char q[96];
        snprintf(q, sizeof q, "\"event.%s\": {", kinds[i]);
        CHECK_MSG(strstr(js, q) != NULL, "%s missing from the schema", kinds[i]);
    }
    CHECK(strstr(js, "\"province\": {") != NULL);
    CHECK(strstr(js, "\"kind\": {\"enum\": [\"municipality\", \"province\", \"other\"]") != NULL);
    /* balanced braces and brackets outside strings */
    int depth = 0, bad = 0, in_str = 0;
    for (const char *s = js; *s; s++) {
        if (in_str) {
            if (*s == '\\') s++;
            else if (*s == '"') in_str = 0;
            continue;
        }
        if (*s == '"') in_str = 1;
        else if (*s == '{' || *s == '[') depth++;
        else if (*s == '}' || *s == ']') bad |= --depth < 0;
    }
    CHECK(depth == 0 && !bad && !in_str);
    free(js);
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
    test_events_kinds();
    test_events_order();
    test_events_extends();
    test_events_errors();
    test_org_kinds();
    test_json_schema();
    return TEST_REPORT("scenario");
}
