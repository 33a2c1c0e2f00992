/* params: the one table round-trips through lookup, set/get, checks, formatting and the docs. */
#include "params.h"
#include "testhelp.h"
#include <stdlib.h>

int main(void) {
    params p;
    params_defaults(&p);
    /* Every default is valid and readable back by key; keys are unique. */
    for (int i = 0; i < PARAMS_COUNT; i++) {
        const param_info *pi = &params_table[i];
        CHECK_MSG(params_check(pi, pi->def) == NULL, "default of %s out of range", pi->key);
        CHECK(params_find(pi->key) == pi);
        CHECK(params_get(&p, pi) == pi->def);
        int dup = 0;
        for (int j = 0; j < i; j++) dup += strcmp(params_table[j].key, pi->key) == 0;
        CHECK_MSG(dup == 0, "duplicate key %s", pi->key);
    }
    CHECK(params_check_all(&p) == NULL);
    CHECK(params_find("no.such.key") == NULL);

    /* set/get round trip through the table lands in the named struct field. */
    const param_info *kx = params_find("network.cross_org_degree");
    CHECK(kx != NULL);
    params_set(&p, kx, 0.25);
    CHECK(p.k_x == 0.25);

    /* Range and type checks. */
    CHECK(params_check(kx, -1) != NULL);
    CHECK(params_check(kx, NAN) != NULL);
    const param_info *K = params_find("opportunity.milestones");
    CHECK(params_check(K, 4) == NULL);
    CHECK(params_check(K, 4.5) != NULL);
    CHECK(params_check(K, 0) != NULL);

    /* Choices. */
    const param_info *f = params_find("formation");
    CHECK(f && f->type == PARAM_CHOICE);
    CHECK(params_choice_index(f, "structure_first") == 1);
    CHECK(params_choice_index(f, "network_first") == 0);
    CHECK(params_choice_index(f, "mandate") == -1);
    char buf[64];
    CHECK_STR(params_choice_word(f, 1, buf, sizeof buf), "structure_first");
    params_format(f, 1, buf, sizeof buf);
    CHECK_STR(buf, "structure_first");
    params_format(kx, 0.1, buf, sizeof buf);
    CHECK_STR(buf, "0.1");
    params_format(kx, 1.0 / 3, buf, sizeof buf);
    CHECK(strtod(buf, NULL) == 1.0 / 3);

    /* Did you mean. */
    const param_info *s = params_suggest("network.cross_org_degre");
    CHECK(s == kx);
    s = params_suggest("cross_org_degree");
    CHECK(s == kx);
    CHECK(params_suggest("zzzzzzzzzzzzzzzzzzzzzz") == NULL);

    /* Cross-parameter consistency names both keys. */
    params_defaults(&p);
    p.g0_lo = 0.9, p.g0_hi = 0.5;
    const char *msg = params_check_all(&p);
    CHECK(msg && strstr(msg, "opportunity.alignment_min") && strstr(msg, "opportunity.alignment_max"));

    /* The dictionary and the schema mention every key. */
    char *md = NULL, *js = NULL;
    size_t nmd = 0, njs = 0;
    FILE *fm = open_memstream(&md, &nmd), *fj = open_memstream(&js, &njs);
    params_write_markdown(fm);
    params_write_json_schema(fj);
    fclose(fm);
    fclose(fj);
    for (int i = 0; i < PARAMS_COUNT; i++) {
        char q[128];
        snprintf(q, sizeof q, "`%s`", params_table[i].key);
        CHECK_MSG(strstr(md, q) != NULL, "%s missing from markdown", params_table[i].key);
        snprintf(q, sizeof q, "\"%s\"", params_table[i].key);
        CHECK_MSG(strstr(js, q) != NULL, "%s missing from schema", params_table[i].key);
    }
    free(md);
    free(js);
    return TEST_REPORT("params");
}
