/* C tests of the selection area: tables, rules from JSON and presets, evaluation with exact
 * reason codes, the three missing-value policies, JSON round trip, bad input with field/index,
 * relationship trends and look-alike ranking. The golden values are the core's (Rust) tests. */
#include <stdint.h>

#include "cvm.h"
#include "cvm_test.h"

/* Generated from the core's golden cases (cvm-core/tests/it/selection.rs). */
static const char *ALL_CONDITIONS_JSON =
    "{\n"
    "  \"version\": 1,\n"
    "  \"name\": \"all_conditions\",\n"
    "  \"criteria\": [\n"
    "    {\"name\": \"ge\", \"weight\": 1, \"condition\": {\"attr\": \"margin\", \"op\": \">=\", \"value\": 1000}},\n"
    "    {\"name\": \"gt\", \"weight\": 1, \"condition\": {\"attr\": \"margin\", \"op\": \">\", \"value\": 1000}},\n"
    "    {\"name\": \"lt\", \"weight\": 1, \"condition\": {\"attr\": \"margin\", \"op\": \"<\", \"value\": 1000}},\n"
    "    {\"name\": \"le\", \"weight\": 1, \"condition\": {\"attr\": \"margin\", \"op\": \"<=\", \"value\": 800}},\n"
    "    {\"name\": \"eq\", \"weight\": 1, \"condition\": {\"attr\": \"margin\", \"op\": \"==\", \"value\": 800}},\n"
    "    {\"name\": \"ne\", \"weight\": 1, \"condition\": {\"attr\": \"margin\", \"op\": \"!=\", \"value\": 800}},\n"
    "    {\"name\": \"beq\", \"weight\": 1, \"condition\": {\"attr\": \"partner\", \"op\": \"==\", \"value\": true}},\n"
    "    {\"name\": \"bne\", \"weight\": 1, \"condition\": {\"attr\": \"partner\", \"op\": \"!=\", \"value\": true}},\n"
    "    {\"name\": \"seq\", \"weight\": 1, \"condition\": {\"attr\": \"segment\", \"op\": \"==\", \"value\": \"gold\"}},\n"
    "    {\"name\": \"sne\", \"weight\": 1, \"condition\": {\"attr\": \"segment\", \"op\": \"!=\", \"value\": \"gold\"}},\n"
    "    {\"name\": \"btw\", \"weight\": 1, \"condition\": {\"attr\": \"margin\", \"op\": \"between\", \"lo\": 800, \"hi\": 1000}},\n"
    "    {\"name\": \"btwx\", \"weight\": 1, \"condition\": {\"attr\": \"margin\", \"op\": \"between\", \"lo\": 800, \"hi\": 1000, \"inclusive\": false}},\n"
    "    {\"name\": \"inn\", \"weight\": 1, \"condition\": {\"attr\": \"margin\", \"op\": \"in\", \"values\": [800, 1234.5]}},\n"
    "    {\"name\": \"ins\", \"weight\": 1, \"condition\": {\"attr\": \"segment\", \"op\": \"in\", \"values\": [\"gold\", \"silver\", \"platinum\"]}},\n"
    "    {\"name\": \"inb\", \"weight\": 1, \"condition\": {\"attr\": \"partner\", \"op\": \"in\", \"values\": [false]}},\n"
    "    {\"name\": \"mm\", \"weight\": 1, \"condition\": {\"attr\": \"margin\", \"op\": \"is_missing\"}},\n"
    "    {\"name\": \"mp\", \"weight\": 1, \"condition\": {\"attr\": \"partner\", \"op\": \"is_missing\"}},\n"
    "    {\"name\": \"ms\", \"weight\": 1, \"condition\": {\"attr\": \"segment\", \"op\": \"is_missing\"}},\n"
    "    {\"name\": \"all\", \"weight\": 1, \"condition\": {\"all\": [{\"attr\": \"margin\", \"op\": \">=\", \"value\": 1000}, {\"attr\": \"partner\", \"op\": \"==\", \"value\": true}]}},\n"
    "    {\"name\": \"any\", \"weight\": 1, \"condition\": {\"any\": [{\"attr\": \"margin\", \"op\": \">=\", \"value\": 1000}, {\"attr\": \"partner\", \"op\": \"==\", \"value\": true}]}},\n"
    "    {\"name\": \"not\", \"weight\": 1, \"condition\": {\"not\": {\"attr\": \"margin\", \"op\": \">=\", \"value\": 1000}}},\n"
    "    {\"name\": \"nested\", \"weight\": 1, \"condition\": {\"all\": [{\"not\": {\"attr\": \"segment\", \"op\": \"is_missing\"}}, {\"any\": [{\"attr\": \"segment\", \"op\": \"==\", \"value\": \"bronze\"}, {\"attr\": \"margin\", \"op\": \">=\", \"value\": 1000}]}]}}\n"
    "  ],\n"
    "  \"hard\": [{\"name\": \"bronze\", \"condition\": {\"attr\": \"segment\", \"op\": \"in\", \"values\": [\"bronze\"]}, \"decision\": \"decline\"}],\n"
    "  \"decisions\": [{\"decision\": \"yes\", \"min\": 9}, {\"decision\": \"no\", \"max\": 9}]\n"
    "}";

static const char *ALL_CONDITIONS_REASONS[4] = {
    "ge:pass(margin=1234.5>=1000)\n"
        "gt:pass(margin=1234.5>1000)\n"
        "lt:fail(margin=1234.5>=1000)\n"
        "le:fail(margin=1234.5>800)\n"
        "eq:fail(margin=1234.5!=800)\n"
        "ne:pass(margin=1234.5!=800)\n"
        "beq:pass(partner=true==true)\n"
        "bne:fail(partner=true==true)\n"
        "seq:pass(segment=gold==gold)\n"
        "sne:fail(segment=gold==gold)\n"
        "btw:fail(margin=1234.5 not in [800,1000])\n"
        "btwx:fail(margin=1234.5 not in (800,1000))\n"
        "inn:pass(margin=1234.5 in {800,1234.5})\n"
        "ins:pass(segment=gold in {gold,silver,platinum})\n"
        "inb:fail(partner=true not in {false})\n"
        "mm:fail(margin=1234.5 is not missing)\n"
        "mp:fail(partner=true is not missing)\n"
        "ms:fail(segment=gold is not missing)\n"
        "all:pass(margin=1234.5>=1000; partner=true==true)\n"
        "any:pass(margin=1234.5>=1000; partner=true==true)\n"
        "not:fail(margin=1234.5>=1000)\n"
        "nested:pass(segment=gold is not missing; segment=gold!=bronze; margin=1234.5>=1000)\n"
        "bronze:miss(segment=gold not in {bronze})",
    "ge:fail(margin=800<1000)\n"
        "gt:fail(margin=800<=1000)\n"
        "lt:pass(margin=800<1000)\n"
        "le:pass(margin=800<=800)\n"
        "eq:pass(margin=800==800)\n"
        "ne:fail(margin=800==800)\n"
        "beq:fail(partner=false!=true)\n"
        "bne:pass(partner=false!=true)\n"
        "seq:fail(segment=silver!=gold)\n"
        "sne:pass(segment=silver!=gold)\n"
        "btw:pass(margin=800 in [800,1000])\n"
        "btwx:fail(margin=800 not in (800,1000))\n"
        "inn:pass(margin=800 in {800,1234.5})\n"
        "ins:pass(segment=silver in {gold,silver,platinum})\n"
        "inb:pass(partner=false in {false})\n"
        "mm:fail(margin=800 is not missing)\n"
        "mp:fail(partner=false is not missing)\n"
        "ms:fail(segment=silver is not missing)\n"
        "all:fail(margin=800<1000; partner=false!=true)\n"
        "any:fail(margin=800<1000; partner=false!=true)\n"
        "not:pass(margin=800<1000)\n"
        "nested:fail(segment=silver is not missing; segment=silver!=bronze; margin=800<1000)\n"
        "bronze:miss(segment=silver not in {bronze})",
    "ge:pass(margin=1000>=1000)\n"
        "gt:fail(margin=1000<=1000)\n"
        "lt:fail(margin=1000>=1000)\n"
        "le:fail(margin=1000>800)\n"
        "eq:fail(margin=1000!=800)\n"
        "ne:pass(margin=1000!=800)\n"
        "beq:missing(partner=NA)\n"
        "bne:missing(partner=NA)\n"
        "seq:fail(segment=bronze!=gold)\n"
        "sne:pass(segment=bronze!=gold)\n"
        "btw:pass(margin=1000 in [800,1000])\n"
        "btwx:fail(margin=1000 not in (800,1000))\n"
        "inn:fail(margin=1000 not in {800,1234.5})\n"
        "ins:fail(segment=bronze not in {gold,silver,platinum})\n"
        "inb:missing(partner=NA)\n"
        "mm:fail(margin=1000 is not missing)\n"
        "mp:pass(partner=NA is missing)\n"
        "ms:fail(segment=bronze is not missing)\n"
        "all:missing(margin=1000>=1000; partner=NA)\n"
        "any:pass(margin=1000>=1000; partner=NA)\n"
        "not:fail(margin=1000>=1000)\n"
        "nested:pass(segment=bronze is not missing; segment=bronze==bronze; margin=1000>=1000)\n"
        "bronze:hit(segment=bronze in {bronze})",
    "ge:missing(margin=NA)\n"
        "gt:missing(margin=NA)\n"
        "lt:missing(margin=NA)\n"
        "le:missing(margin=NA)\n"
        "eq:missing(margin=NA)\n"
        "ne:missing(margin=NA)\n"
        "beq:pass(partner=true==true)\n"
        "bne:fail(partner=true==true)\n"
        "seq:missing(segment=NA)\n"
        "sne:missing(segment=NA)\n"
        "btw:missing(margin=NA)\n"
        "btwx:missing(margin=NA)\n"
        "inn:missing(margin=NA)\n"
        "ins:missing(segment=NA)\n"
        "inb:fail(partner=true not in {false})\n"
        "mm:pass(margin=NA is missing)\n"
        "mp:fail(partner=true is not missing)\n"
        "ms:pass(segment=NA is missing)\n"
        "all:missing(margin=NA; partner=true==true)\n"
        "any:pass(margin=NA; partner=true==true)\n"
        "not:missing(margin=NA)\n"
        "nested:fail(segment=NA is missing; segment=NA; margin=NA)\n"
        "bronze:missing(segment=NA)",
};

/* The 4-customer table of the core tests: margin (numeric), partner (boolean), segment. */
static cvm_table *data_table(void) {
    static const double margin[4] = {1234.5, 800.0, 1000.0, NAN};
    static const uint8_t partner[4] = {1, 0, 255, 1};
    static const int32_t codes[4] = {0, 1, 2, -1};
    static const char *const cats[3] = {"gold", "silver", "bronze"};
    cvm_table *t = NULL;
    CHECK_STATUS(cvm_table_new(&t), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "margin", margin, 4), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_boolean(t, "partner", partner, 4), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_categorical(t, "segment", codes, 4, cats, 3), CVM_STATUS_OK);
    return t;
}

static cvm_rules *rules_from(const char *json) {
    cvm_rules *r = NULL;
    CHECK_STATUS(cvm_rules_from_json(json, &r), CVM_STATUS_OK);
    return r;
}

/* Reason codes of `row` compared with `want` (codes joined by '\n'). */
static void check_reasons(const cvm_evaluation *ev, size_t row, const char *want) {
    char *got = NULL;
    CHECK_STATUS(cvm_evaluation_reasons(ev, row, &got), CVM_STATUS_OK);
    CHECK(got != NULL && strcmp(got, want) == 0);
    if (got != NULL && strcmp(got, want) != 0)
        fprintf(stderr, "  row %zu:\n  got  %s\n  want %s\n", row, got, want);
    cvm_string_free(got);
}

/* The `i`-th reason code (0-based) of `row` compared with `want`. */
static void check_reason_at(const cvm_evaluation *ev, size_t row, int i, const char *want) {
    char *got = NULL;
    CHECK_STATUS(cvm_evaluation_reasons(ev, row, &got), CVM_STATUS_OK);
    char *p = got;
    for (int k = 0; k < i && p != NULL; k++) {
        p = strchr(p, '\n');
        if (p != NULL) p++;
    }
    size_t n = strlen(want);
    int ok = p != NULL && strncmp(p, want, n) == 0 && (p[n] == '\n' || p[n] == '\0');
    CHECK(ok);
    if (!ok) fprintf(stderr, "  row %zu code %d: want %s in\n%s\n", row, i, want, got);
    cvm_string_free(got);
}

static void check_decisions(const cvm_evaluation *ev, size_t n, const char *const *want) {
    CHECK(cvm_evaluation_len(ev) == n);
    uint16_t codes[16];
    CHECK_STATUS(cvm_evaluation_decision_codes(ev, codes, n), CVM_STATUS_OK);
    for (size_t i = 0; i < n; i++) {
        const char *name = cvm_evaluation_decision_name(ev, codes[i]);
        CHECK(name != NULL && strcmp(name, want[i]) == 0);
        if (name == NULL || strcmp(name, want[i]) != 0)
            fprintf(stderr, "  row %zu: decision %s, want %s\n", i, name ? name : "(null)", want[i]);
    }
}

static void test_every_condition_and_combinator(void) {
    cvm_table *t = data_table();
    CHECK(cvm_table_n_rows(t) == 4);
    cvm_rules *r = rules_from(ALL_CONDITIONS_JSON);
    cvm_evaluation *ev = NULL;
    CHECK_STATUS(cvm_rules_evaluate(r, t, &ev), CVM_STATUS_OK);
    /* The evaluation keeps its own references: free the inputs first. */
    cvm_rules_free(r);
    cvm_table_free(t);
    for (size_t i = 0; i < 4; i++) check_reasons(ev, i, ALL_CONDITIONS_REASONS[i]);
    double scores[4];
    CHECK_STATUS(cvm_evaluation_scores(ev, scores, 4), CVM_STATUS_OK);
    const double want_scores[4] = {10, 10, 7, 4};
    for (int i = 0; i < 4; i++) CHECK_CLOSE(scores[i], want_scores[i], 1e-15);
    const char *const want[4] = {"yes", "yes", "decline", "no"};
    check_decisions(ev, 4, want);
    CHECK(cvm_evaluation_decision_count(ev) == 3);
    size_t counts[3];
    CHECK_STATUS(cvm_evaluation_counts(ev, counts, 3), CVM_STATUS_OK);
    CHECK(counts[0] == 2 && counts[1] == 1 && counts[2] == 1);
    CHECK(cvm_evaluation_fired_rule(ev, 0) == NULL);
    CHECK(cvm_evaluation_fired_rule(ev, 2) != NULL && strcmp(cvm_evaluation_fired_rule(ev, 2), "bronze") == 0);
    CHECK(cvm_evaluation_decision_name(ev, 3) == NULL);
    /* Accessor errors: row out of range, wrong output length. */
    char *s = NULL;
    CHECK_STATUS(cvm_evaluation_reasons(ev, 4, &s), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("row", 4);
    CHECK(s == NULL);
    CHECK_STATUS(cvm_evaluation_scores(ev, scores, 3), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("out", -1);
    cvm_evaluation_free(ev);
}

static const char *SCORED =
    "{\"version\": 1, \"criteria\": ["
    " {\"name\": \"profitability\", \"weight\": 0.6, \"condition\": {\"attr\": \"margin\", \"op\": \">=\", \"value\": 1000}},"
    " {\"name\": \"partnership\", \"weight\": 0.4, \"condition\": {\"attr\": \"partner\", \"op\": \"==\", \"value\": true}},"
    " {\"name\": \"silver_penalty\", \"weight\": -0.5, \"condition\": {\"attr\": \"segment\", \"op\": \"==\", \"value\": \"silver\"}}],"
    " \"hard\": [{\"name\": \"bronze_veto\", \"condition\": {\"attr\": \"segment\", \"op\": \"==\", \"value\": \"bronze\"}, \"decision\": \"decline\"}],"
    " \"decisions\": [{\"decision\": \"target\", \"min\": 0.7}, {\"decision\": \"develop\", \"min\": 0.4, \"max\": 0.7},"
    " {\"decision\": \"maintain\", \"min\": 0, \"max\": 0.4}, {\"decision\": \"review\", \"max\": 0}],"
    " \"missing\": %s}";

static void test_scores_hard_rules_and_missing_policies(void) {
    cvm_table *t = data_table();
    char json[2048];
    /* fail (default): no points for an unknown, reported `missing`. */
    snprintf(json, sizeof json, SCORED, "\"fail\"");
    cvm_rules *r = rules_from(json);
    cvm_evaluation *ev = NULL;
    CHECK_STATUS(cvm_rules_evaluate(r, t, &ev), CVM_STATUS_OK);
    const char *const want_fail[4] = {"target", "review", "decline", "develop"};
    check_decisions(ev, 4, want_fail);
    double s[4];
    CHECK_STATUS(cvm_evaluation_scores(ev, s, 4), CVM_STATUS_OK);
    CHECK_CLOSE(s[0], 1.0, 1e-15);
    CHECK_CLOSE(s[1], -0.5, 1e-15);
    CHECK_CLOSE(s[2], 0.6, 1e-15);
    CHECK_CLOSE(s[3], 0.4, 1e-15);
    check_reasons(ev, 3,
                  "profitability:missing(margin=NA)\npartnership:pass(partner=true==true)\n"
                  "silver_penalty:missing(segment=NA)\nbronze_veto:missing(segment=NA)");
    check_reasons(ev, 2,
                  "profitability:pass(margin=1000>=1000)\npartnership:missing(partner=NA)\n"
                  "silver_penalty:fail(segment=bronze!=silver)\nbronze_veto:hit(segment=bronze==bronze)");
    size_t counts[5];
    CHECK(cvm_evaluation_decision_count(ev) == 5);
    CHECK_STATUS(cvm_evaluation_counts(ev, counts, 5), CVM_STATUS_OK);
    CHECK(counts[0] == 1 && counts[1] == 1 && counts[2] == 0 && counts[3] == 1 && counts[4] == 1);
    cvm_evaluation_free(ev);
    cvm_rules_free(r);
    /* decide: an unknown rule sends the customer to its decision unless a hard rule fires. */
    snprintf(json, sizeof json, SCORED, "{\"decide\": \"check_data\"}");
    r = rules_from(json);
    CHECK_STATUS(cvm_rules_evaluate(r, t, &ev), CVM_STATUS_OK);
    const char *const want_decide[4] = {"target", "review", "decline", "check_data"};
    check_decisions(ev, 4, want_decide);
    cvm_evaluation_free(ev);
    cvm_rules_free(r);
    /* error: the first row with an unknown rule, naming the attribute. */
    snprintf(json, sizeof json, SCORED, "\"error\"");
    r = rules_from(json);
    ev = NULL;
    CHECK_STATUS(cvm_rules_evaluate(r, t, &ev), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("partner", 2);
    CHECK(ev == NULL);
    cvm_rules_free(r);
    cvm_table_free(t);
}

static void test_json_round_trip(void) {
    cvm_rules *r = rules_from(ALL_CONDITIONS_JSON);
    char *a = NULL, *b = NULL;
    CHECK_STATUS(cvm_rules_to_json(r, &a), CVM_STATUS_OK);
    cvm_rules *back = rules_from(a);
    CHECK_STATUS(cvm_rules_to_json(back, &b), CVM_STATUS_OK);
    CHECK(a != NULL && b != NULL && strcmp(a, b) == 0);
    /* Same decisions and reasons from the document read back. */
    cvm_table *t = data_table();
    cvm_evaluation *ev = NULL;
    CHECK_STATUS(cvm_rules_evaluate(back, t, &ev), CVM_STATUS_OK);
    for (size_t i = 0; i < 4; i++) check_reasons(ev, i, ALL_CONDITIONS_REASONS[i]);
    cvm_evaluation_free(ev);
    cvm_table_free(t);
    cvm_string_free(a);
    cvm_string_free(b);
    cvm_rules_free(back);
    cvm_rules_free(r);
}

/* Replaces the first `from` in SCORED("fail") by `to` and checks the JSON error path. */
static void check_doc_error(const char *from, const char *to, const char *path) {
    char base[2048], doc[4096];
    snprintf(base, sizeof base, SCORED, "\"fail\"");
    char *at = strstr(base, from);
    CHECK(at != NULL);
    if (at == NULL) return;
    size_t head = (size_t)(at - base);
    snprintf(doc, sizeof doc, "%.*s%s%s", (int)head, base, to, at + strlen(from));
    cvm_rules *r = NULL;
    CHECK_STATUS(cvm_rules_from_json(doc, &r), CVM_STATUS_JSON);
    CHECK_ERROR_AT(path, -1);
    CHECK(r == NULL);
}

static void test_bad_documents(void) {
    /* malformed JSON */
    check_doc_error("\"missing\": \"fail\"}", "\"missing\": \"fail\"", "$");
    /* unknown operator */
    check_doc_error("\"op\": \">=\"", "\"op\": \"=>\"", "$.criteria[0].condition.op");
    /* weight that is not a finite number (JSON has no NaN literal: "NaN" is a type error) */
    check_doc_error("\"weight\": 0.6", "\"weight\": \"NaN\"", "$.criteria[0].weight");
    check_doc_error("\"weight\": 0.6", "\"weight\": NaN", "$");
    /* empty combinators */
    check_doc_error("{\"attr\": \"margin\", \"op\": \">=\", \"value\": 1000}", "{\"any\": []}",
                    "$.criteria[0].condition.any");
    check_doc_error("{\"attr\": \"margin\", \"op\": \">=\", \"value\": 1000}", "{\"all\": []}",
                    "$.criteria[0].condition.all");
    /* gap and overlap in the decision table */
    check_doc_error("\"min\": 0.4, \"max\": 0.7", "\"min\": 0.5, \"max\": 0.7", "$.decisions");
    check_doc_error("\"min\": 0.4, \"max\": 0.7", "\"min\": 0.3, \"max\": 0.7", "$.decisions[1]");
    /* ordered operator with a label */
    check_doc_error("\"op\": \">=\", \"value\": 1000", "\"op\": \">=\", \"value\": \"high\"",
                    "$.criteria[0].condition.op");
    /* unknown missing policy, unknown key */
    check_doc_error("\"missing\": \"fail\"", "\"missing\": \"skip\"", "$.missing");
    check_doc_error("\"weight\": 0.4,", "\"weight\": 0.4, \"wieght\": 1,", "$.criteria[1].wieght");
    /* Conditions are trees (no references, hence no cycles); nesting deeper than 64 levels is
     * rejected with the path of the offending level. */
    {
        char deep[4096], path[1024];
        int n = 0, m = 0;
        n += snprintf(deep + n, sizeof deep - (size_t)n,
                      "{\"version\": 1, \"criteria\": [{\"name\": \"deep\", \"weight\": 1, \"condition\": ");
        for (int k = 0; k < 70; k++) n += snprintf(deep + n, sizeof deep - (size_t)n, "{\"not\": ");
        n += snprintf(deep + n, sizeof deep - (size_t)n, "{\"attr\": \"margin\", \"op\": \"is_missing\"}");
        for (int k = 0; k < 70; k++) n += snprintf(deep + n, sizeof deep - (size_t)n, "}");
        snprintf(deep + n, sizeof deep - (size_t)n,
                 "}], \"decisions\": [{\"decision\": \"y\", \"min\": 1}, {\"decision\": \"n\", \"max\": 1}]}");
        m += snprintf(path + m, sizeof path - (size_t)m, "$.criteria[0].condition");
        for (int k = 0; k < 65; k++) m += snprintf(path + m, sizeof path - (size_t)m, ".not");
        cvm_rules *deep_rules = NULL;
        CHECK_STATUS(cvm_rules_from_json(deep, &deep_rules), CVM_STATUS_JSON);
        CHECK_ERROR_AT(path, -1);
        CHECK(deep_rules == NULL);
    }
    /* NULL arguments */
    cvm_rules *r = NULL;
    CHECK_STATUS(cvm_rules_from_json(NULL, &r), CVM_STATUS_NULL_POINTER);
    CHECK_ERROR_AT("json", -1);
}

static void test_bad_data(void) {
    cvm_table *t = data_table();
    cvm_evaluation *ev = NULL;
    struct {
        const char *cond, *path;
    } cases[] = {
        /* unknown attribute */
        {"{\"attr\": \"revenue\", \"op\": \">=\", \"value\": 1}", "$.criteria[0].condition.attr"},
        /* type mismatches: number vs label column, label vs numeric column, number vs boolean */
        {"{\"attr\": \"segment\", \"op\": \"==\", \"value\": 1}", "$.criteria[0].condition.value"},
        {"{\"attr\": \"margin\", \"op\": \"==\", \"value\": \"gold\"}", "$.criteria[0].condition.value"},
        {"{\"attr\": \"partner\", \"op\": \"==\", \"value\": 1}", "$.criteria[0].condition.value"},
        {"{\"all\": [{\"attr\": \"margin\", \"op\": \"is_missing\"}, {\"attr\": \"margin\", \"op\": \"in\", \"values\": [\"a\"]}]}",
         "$.criteria[0].condition.all[1].values[0]"},
        {"{\"not\": {\"any\": [{\"attr\": \"nope\", \"op\": \"is_missing\"}]}}", "$.criteria[0].condition.not.any[0].attr"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char doc[1024];
        snprintf(doc, sizeof doc,
                 "{\"version\": 1, \"criteria\": [{\"name\": \"c\", \"weight\": 1, \"condition\": %s}],"
                 " \"decisions\": [{\"decision\": \"yes\", \"min\": 1}, {\"decision\": \"no\", \"max\": 1}]}",
                 cases[k].cond);
        cvm_rules *r = rules_from(doc);
        CHECK_STATUS(cvm_rules_evaluate(r, t, &ev), CVM_STATUS_INVALID_VALUE);
        CHECK_ERROR_AT(cases[k].path, -1);
        cvm_rules_free(r);
    }
    /* Table errors: length mismatch, duplicate name, bad category code, NULL label. */
    static const double two[2] = {1, 2};
    CHECK_STATUS(cvm_table_add_numeric(t, "short", two, 2), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("short", -1);
    static const double four[4] = {1, 2, 3, 4};
    CHECK_STATUS(cvm_table_add_numeric(t, "margin", four, 4), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("name", -1);
    static const int32_t bad_codes[4] = {0, 1, 2, 0};
    static const char *const one[1] = {"a"};
    CHECK_STATUS(cvm_table_add_categorical(t, "tier", bad_codes, 4, one, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("tier", 1);
    static const char *const with_null[2] = {"a", NULL};
    CHECK_STATUS(cvm_table_add_categorical(t, "tier", bad_codes, 4, with_null, 2), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("categories", 1);
    CHECK_STATUS(cvm_table_add_numeric(t, "x", NULL, 4), CVM_STATUS_NULL_POINTER);
    CHECK_ERROR_AT("values", -1);
    CHECK(cvm_table_n_rows(t) == 4);
    cvm_table_free(t);
}

static void test_dormant_preset(void) {
    /* The method's example: zero holdings, cash <= 100, no trade for >= 3 years. */
    const double holdings[8] = {0.0, 0.0, 0.0, 0.01, 0.0, 0.0, NAN, NAN};
    const double cash[8] = {100.0, 55.5, 100.01, 20.0, 20.0, 0.0, 10.0, 500.0};
    const double years[8] = {3.0, 7.0, 5.0, 4.0, 2.99, 3.0, 9.0, 9.0};
    /* Row 6: holdings missing, the rest dormant -> unknown (never a confident active); row 7:
     * holdings missing but cash above the limit -> active whatever the holdings. Rows 0 and 5:
     * exactly 3 years, the threshold reached at equality -> dormant. */
    cvm_table *t = NULL;
    CHECK_STATUS(cvm_table_new(&t), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "holdings_balance", holdings, 8), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "cash_balance", cash, 8), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "years_since_last_trade", years, 8), CVM_STATUS_OK);
    cvm_rules *r = NULL;
    CHECK_STATUS(cvm_rules_preset("dormant_account", NULL, &r), CVM_STATUS_OK);
    cvm_evaluation *ev = NULL;
    CHECK_STATUS(cvm_rules_evaluate(r, t, &ev), CVM_STATUS_OK);
    const char *const want[8] = {"dormant", "dormant", "active", "active",
                                 "active",  "dormant", "unknown", "active"};
    check_decisions(ev, 8, want);
    CHECK(cvm_evaluation_strategy(ev, 0) == NULL);
    CHECK(cvm_evaluation_warning_count(ev) == 0);
    const char *const reasons[8] = {
        "holdings:pass(holdings_balance=0<=0)\ncash:pass(cash_balance=100<=100)\ninactive:pass(years_since_last_trade=3>=3)",
        "holdings:pass(holdings_balance=0<=0)\ncash:pass(cash_balance=55.5<=100)\ninactive:pass(years_since_last_trade=7>=3)",
        "holdings:pass(holdings_balance=0<=0)\ncash:fail(cash_balance=100.01>100)\ninactive:pass(years_since_last_trade=5>=3)",
        "holdings:fail(holdings_balance=0.01>0)\ncash:pass(cash_balance=20<=100)\ninactive:pass(years_since_last_trade=4>=3)",
        "holdings:pass(holdings_balance=0<=0)\ncash:pass(cash_balance=20<=100)\ninactive:fail(years_since_last_trade=2.99<3)",
        "holdings:pass(holdings_balance=0<=0)\ncash:pass(cash_balance=0<=100)\ninactive:pass(years_since_last_trade=3>=3)",
        "holdings:missing(holdings_balance=NA)\ncash:pass(cash_balance=10<=100)\ninactive:pass(years_since_last_trade=9>=3)",
        "holdings:missing(holdings_balance=NA)\ncash:fail(cash_balance=500>100)\ninactive:pass(years_since_last_trade=9>=3)",
    };
    for (size_t i = 0; i < 8; i++) check_reasons(ev, i, reasons[i]);
    cvm_evaluation_free(ev);
    cvm_rules_free(r);
    /* Overridden thresholds and a renamed column. */
    const char *const keys[2] = {"max_cash", "min_years_inactive"};
    const double values[2] = {60.0, 5.0};
    const char *const from[1] = {"cash_balance"};
    const char *const to[1] = {"cash"};
    CHECK_STATUS(cvm_rules_preset("dormant_account", &(cvm_preset_options){keys, 2, values, 2, from, 1, to, 1}, &r), CVM_STATUS_OK);
    cvm_table *t2 = NULL;
    CHECK_STATUS(cvm_table_new(&t2), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t2, "holdings_balance", holdings, 8), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t2, "cash", cash, 8), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t2, "years_since_last_trade", years, 8), CVM_STATUS_OK);
    CHECK_STATUS(cvm_rules_evaluate(r, t2, &ev), CVM_STATUS_OK);
    const char *const want2[8] = {"active", "dormant", "active", "active",
                                  "active", "active",  "unknown", "active"};
    check_decisions(ev, 8, want2);
    check_reason_at(ev, 0, 1, "cash:fail(cash=100>60)");
    cvm_evaluation_free(ev);
    /* The default table lacks the renamed column. */
    CHECK_STATUS(cvm_rules_evaluate(r, t, &ev), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("$.criteria[1].condition.attr", -1);
    cvm_rules_free(r);
    cvm_table_free(t2);
    cvm_table_free(t);
    /* Preset errors. */
    CHECK_STATUS(cvm_rules_preset("vip", NULL, &r), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("preset", -1);
    const char *const bad_key[1] = {"max_kash"};
    CHECK_STATUS(cvm_rules_preset("dormant_account", &(cvm_preset_options){bad_key, 1, values, 1, NULL, 0, NULL, 0}, &r),
                 CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("options", -1);
    const double nan_value[1] = {NAN};
    CHECK_STATUS(cvm_rules_preset("dormant_account", &(cvm_preset_options){keys, 1, nan_value, 1, NULL, 0, NULL, 0}, &r),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("max_cash", -1);
    CHECK_STATUS(cvm_rules_preset("dormant_account", &(cvm_preset_options){keys, 2, values, 1, NULL, 0, NULL, 0}, &r),
                 CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("option_values", -1);
    const char *const nope[1] = {"nope"};
    CHECK_STATUS(cvm_rules_preset("good_customer", &(cvm_preset_options){NULL, 0, NULL, 0, nope, 1, to, 1}, &r), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("columns", 0);
}

static void test_elastic_preset(void) {
    /* Row 0: the elastic customer. Row 1: positive short-term value. Row 2: over service
     * capacity. Row 3: one qualifier. Row 4: finances unknown -> review. Row 5: industry_growing
     * missing but two other qualifiers met -> elastic whatever it says. */
    const double current[6] = {-200, 300, -200, -50, -200, -200};
    const double lifetime[6] = {5000, 8000, 5000, 900, 5000, 5000};
    const double implicit[6] = {1.5, 2.0, 1.5, 1.2, 1.5, 1.5};
    const double freq[6] = {30, 30, 30, 4, 30, 30};
    const double avg[6] = {40, 40, 40, 400, 40, 40};
    const double disc[6] = {0.15, 0.15, 0.15, 0.05, 0.15, 0.05};
    const uint8_t growing[6] = {1, 1, 1, 0, 1, 255}, innovative[6] = {1, 1, 1, 0, 1, 0};
    const uint8_t influence[6] = {0, 0, 0, 0, 0, 0}, capacity[6] = {1, 1, 0, 1, 1, 1};
    const uint8_t sound[6] = {1, 1, 1, 1, 255, 1}, enterprising[6] = {0, 0, 0, 0, 0, 0};
    cvm_table *t = NULL;
    CHECK_STATUS(cvm_table_new(&t), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "current_value", current, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "lifetime_value", lifetime, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "implicit_value_ratio", implicit, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "purchase_frequency", freq, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "avg_transaction_value", avg, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "discount_share", disc, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_boolean(t, "industry_growing", growing, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_boolean(t, "innovative", innovative, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_boolean(t, "market_influence", influence, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_boolean(t, "within_service_capacity", capacity, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_boolean(t, "financially_sound", sound, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_boolean(t, "enterprising", enterprising, 6), CVM_STATUS_OK);
    cvm_rules *r = NULL;
    CHECK_STATUS(cvm_rules_preset("elastic_customer", NULL, &r), CVM_STATUS_OK);
    cvm_evaluation *ev = NULL;
    CHECK_STATUS(cvm_rules_evaluate(r, t, &ev), CVM_STATUS_OK);
    const char *const want[6] = {"elastic", "not_elastic", "decline", "review", "review", "elastic"};
    check_decisions(ev, 6, want);
    double s[6];
    CHECK_STATUS(cvm_evaluation_scores(ev, s, 6), CVM_STATUS_OK);
    const double want_s[6] = {3, 3, 3, 1, 3, 2};
    for (int i = 0; i < 6; i++) CHECK_CLOSE(s[i], want_s[i], 1e-15);
    /* The source's service strategies: the innovative customer is maintained with effort, the
     * other elastic one becomes a partner; the rest have none. */
    CHECK(strcmp(cvm_evaluation_strategy(ev, 0), "try hard to maintain; build switching barriers") == 0);
    CHECK(strcmp(cvm_evaluation_strategy(ev, 5),
                 "partnership: help the customer find profit, grow its loyalty; build switching barriers") == 0);
    CHECK(cvm_evaluation_strategy(ev, 1) == NULL);
    CHECK(cvm_evaluation_strategy(ev, 6) == NULL);
    CHECK(cvm_evaluation_strategy(NULL, 0) == NULL);
    check_reason_at(ev, 5, 0, "growing_industry:missing(industry_growing=NA)");
    check_reasons(ev, 0,
                  "growing_industry:pass(industry_growing=true==true)\n"
                  "frequent_small_transactions:pass(purchase_frequency=30>=12; avg_transaction_value=40<=100)\n"
                  "price_insensitive:fail(discount_share=0.15>0.1)\n"
                  "innovation:pass(innovative=true==true)\n"
                  "market_influence:fail(market_influence=false!=true)\n"
                  "enterprising:fail(enterprising=false!=true)\n"
                  "short_term_value:miss(current_value=-200<0)\n"
                  "lifetime_value:miss(lifetime_value=5000>0)\n"
                  "implicit_value:miss(implicit_value_ratio=1.5>=1)\n"
                  "service_capacity:miss(within_service_capacity=true!=false)\n"
                  "finances:miss(financially_sound=true!=false)");
    CHECK(strcmp(cvm_evaluation_fired_rule(ev, 1), "short_term_value") == 0);
    check_reason_at(ev, 1, 6, "short_term_value:hit(current_value=300>=0)");
    check_reason_at(ev, 2, 9, "service_capacity:hit(within_service_capacity=false==false)");
    check_reason_at(ev, 4, 10, "finances:missing(financially_sound=NA)");
    cvm_evaluation_free(ev);
    cvm_rules_free(r);
    cvm_table_free(t);
}

static void test_concentration_warning(void) {
    /* 20 accounts, all with holdings: every one is active -> one warning. */
    double holdings[20], cash[20], years[20];
    for (int i = 0; i < 20; i++) {
        holdings[i] = 500.0;
        cash[i] = 80.0;
        years[i] = 4.0;
    }
    cvm_table *t = NULL;
    CHECK_STATUS(cvm_table_new(&t), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "holdings_balance", holdings, 20), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "cash_balance", cash, 20), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t, "years_since_last_trade", years, 20), CVM_STATUS_OK);
    cvm_rules *r = NULL;
    CHECK_STATUS(cvm_rules_preset("dormant_account", NULL, &r), CVM_STATUS_OK);
    cvm_evaluation *ev = NULL;
    CHECK_STATUS(cvm_rules_evaluate(r, t, &ev), CVM_STATUS_OK);
    CHECK(cvm_evaluation_warning_count(ev) == 1);
    uint16_t code = 99;
    size_t count = 0;
    double share = 0;
    CHECK_STATUS(cvm_evaluation_warning(ev, 0, &code, &count, &share), CVM_STATUS_OK);
    CHECK(strcmp(cvm_evaluation_decision_name(ev, code), "active") == 0);
    CHECK(count == 20);
    CHECK_CLOSE(share, 1.0, 1e-15);
    CHECK(strncmp(cvm_evaluation_warning_message(ev, 0), "20 of 20 customers (100%) got `active`", 38) == 0);
    CHECK(cvm_evaluation_warning_message(ev, 1) == NULL);
    CHECK_STATUS(cvm_evaluation_warning(ev, 1, NULL, NULL, NULL), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("warning", 1);
    CHECK_STATUS(cvm_evaluation_warning(NULL, 0, NULL, NULL, NULL), CVM_STATUS_NULL_POINTER);
    CHECK(cvm_evaluation_warning_count(NULL) == 0);
    cvm_evaluation_free(ev);
    cvm_rules_free(r);
    cvm_table_free(t);
}

static cvm_table *customers_table(void) {
    static const char *const names[14] = {"annual_spend", "purchase_frequency", "high_margin_share",
                                          "profit_margin", "discount_share", "days_late", "bad_debt",
                                          "service_cost_ratio", "tenure_years", "repeat_rate", "p_alive",
                                          "clv_growth", "credit_score", "revenue_share"};
    static const double cols[14][4] = {
        {25000, 25000, 12000, 900}, {24, 24, 6, 2},       {0.45, 0.45, 0.35, 0.05},
        {0.22, 0.22, 0.18, 0.02},   {0.04, 0.04, 0.25, 0.30}, {5, 5, 10, 75},
        {0, 1500, 0, 0},            {0.05, 0.05, 0.08, 0.20}, {6, 6, 1, 0.5},
        {0.8, 0.8, 0.6, 0.1},       {0.95, 0.95, 0.9, NAN},   {1.5, 1.5, 1.1, 0.9},
        {720, 720, 650, 500},       {0.4, 0.3, 0.25, 0.05},
    };
    static const char *const flags[6] = {"willing_to_partner",      "teaches_firm",
                                         "strategic_fit",           "cross_territory_selling",
                                         "unauthorised_price_change", "going_it_alone"};
    /* Row 2 does not say whether it teaches the firm; row 0 whether it fits the strategy. */
    static const uint8_t flag_cols[6][4] = {{1, 1, 1, 0}, {1, 1, 255, 0}, {255, 1, 1, 0},
                                            {0, 0, 1, 0}, {0, 0, 0, 1},   {0, 1, 0, 0}};
    cvm_table *t = NULL;
    CHECK_STATUS(cvm_table_new(&t), CVM_STATUS_OK);
    for (int j = 0; j < 14; j++) CHECK_STATUS(cvm_table_add_numeric(t, names[j], cols[j], 4), CVM_STATUS_OK);
    for (int j = 0; j < 6; j++) CHECK_STATUS(cvm_table_add_boolean(t, flags[j], flag_cols[j], 4), CVM_STATUS_OK);
    return t;
}

static void test_good_customer_and_risk_presets(void) {
    cvm_table *t = customers_table();
    cvm_rules *r = NULL;
    CHECK_STATUS(cvm_rules_preset("good_customer", NULL, &r), CVM_STATUS_OK);
    cvm_evaluation *ev = NULL;
    CHECK_STATUS(cvm_rules_evaluate(r, t, &ev), CVM_STATUS_OK);
    /* Row 0: 11 pass, strategic_fit missing -> target either way; row 2: 6 pass, teaches_firm
     * missing -> maintain or develop -> review. */
    const char *const want[4] = {"target", "decline", "review", "review"};
    check_decisions(ev, 4, want);
    double s[4];
    CHECK_STATUS(cvm_evaluation_scores(ev, s, 4), CVM_STATUS_OK);
    const double want_s[4] = {11, 12, 6, 0};
    for (int i = 0; i < 4; i++) CHECK_CLOSE(s[i], want_s[i], 1e-15);
    check_reasons(ev, 2,
                  "purchase_capacity:fail(annual_spend=12000<25000 (p75); purchase_frequency=6<24 (p75))\n"
                  "high_margin_focus:pass(high_margin_share=0.35>=0.3)\n"
                  "profitability:pass(profit_margin=0.18>=0.15)\n"
                  "price_insensitivity:fail(discount_share=0.25>0.1)\n"
                  "timely_payment:pass(days_late=10<=30)\n"
                  "credit_standing:fail(credit_score=650<685 (p50))\n"
                  "low_service_cost:pass(service_cost_ratio=0.08<=0.1)\n"
                  "loyalty:fail(tenure_years=1<2; repeat_rate=0.6>=0.5; p_alive=0.9>=0.7)\n"
                  "growth_potential:fail(clv_growth=1.1<1.2)\n"
                  "partnership:pass(willing_to_partner=true==true)\n"
                  "teaches_firm:missing(teaches_firm=NA)\n"
                  "strategic_fit:pass(strategic_fit=true==true)\n"
                  "bad_debt:miss(bad_debt=0<=0)");
    check_reason_at(ev, 1, 12, "bad_debt:hit(bad_debt=1500>0)");
    check_reason_at(ev, 3, 7, "loyalty:fail(tenure_years=0.5<2; repeat_rate=0.1<0.5; p_alive=NA)");
    cvm_evaluation_free(ev);
    cvm_rules_free(r);
    /* Big = revenue share of at least 0.1 (absolute): rows 0-2. */
    const char *const keys[1] = {"min_revenue_share"};
    const double values[1] = {0.1};
    CHECK_STATUS(cvm_rules_preset("big_customer_risk", &(cvm_preset_options){keys, 1, values, 1, NULL, 0, NULL, 0}, &r), CVM_STATUS_OK);
    CHECK_STATUS(cvm_rules_evaluate(r, t, &ev), CVM_STATUS_OK);
    const char *const want_risk[4] = {"low_risk", "high_risk", "high_risk", "not_big"};
    check_decisions(ev, 4, want_risk);
    check_reason_at(ev, 2, 4,
                    "management_risk:pass(cross_territory_selling=true==true; unauthorised_price_change=false!=true)");
    check_reason_at(ev, 1, 5, "go_it_alone_risk:pass(going_it_alone=true==true)");
    check_reason_at(ev, 3, 6, "not_big:hit(revenue_share=0.05<0.1)");
    cvm_evaluation_free(ev);
    cvm_rules_free(r);
    cvm_table_free(t);
}

static void test_relationship_trend(void) {
    const double profit[24] = {1000, 1010, 990,  1000, 1600, 1400, 1200, 1000, 100, 200, 300, 400,
                               200,  210,  190,  200,  1000, 1200, 1400, 1600, 500, 400, 300, 200};
    const double high = 900.0;
    cvm_trend *tr = NULL;
    cvm_trend_options o = {.has_high_level = true, .high_level = high, .slope_tolerance = 50.0,
                           .slope_scale = CVM_SLOPE_ABSOLUTE};
    CHECK_STATUS(cvm_relationship_trend(profit, 24, 4, &o, &tr), CVM_STATUS_OK);
    CHECK(cvm_trend_len(tr) == 6);
    uint32_t types[6];
    CHECK_STATUS(cvm_trend_types(tr, types, 6), CVM_STATUS_OK);
    const uint32_t want[6] = {CVM_TREND_HIGH_STABLE, CVM_TREND_HIGH_DECLINING, CVM_TREND_LOW_RISING,
                              CVM_TREND_LOW_STABLE,  CVM_TREND_HIGH_RISING,    CVM_TREND_LOW_DECLINING};
    for (int i = 0; i < 6; i++) CHECK(types[i] == want[i]);
    double level[6], slope[6];
    CHECK_STATUS(cvm_trend_values(tr, level, slope, NULL, 6), CVM_STATUS_OK);
    const double want_slope[6] = {-2, -200, 100, -2, 200, -100};
    const double want_level[6] = {1000, 1300, 250, 200, 1300, 350};
    for (int i = 0; i < 6; i++) {
        CHECK_CLOSE(slope[i], want_slope[i], 1e-12);
        CHECK_CLOSE(level[i], want_level[i], 1e-12);
    }
    char *s = NULL;
    CHECK_STATUS(cvm_trend_reason(tr, 0, &s), CVM_STATUS_OK);
    CHECK(strcmp(s, "high_stable(level=1000>=900; slope=-2 in [-50,50])") == 0);
    cvm_string_free(s);
    CHECK_STATUS(cvm_trend_reason(tr, 5, &s), CVM_STATUS_OK);
    CHECK(strcmp(s, "low_declining(level=350<900; slope=-100<-50)") == 0);
    cvm_string_free(s);
    CHECK_STATUS(cvm_trend_reason(tr, 6, &s), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("row", 6);
    cvm_trend_free(tr);
    /* Relative scale and the median level (0.5 * (350 + 1000) = 675). */
    cvm_trend_options d = cvm_trend_options_default();
    CHECK(!d.has_high_level && d.slope_tolerance == 0.05 && d.slope_scale == CVM_SLOPE_RELATIVE);
    CHECK_STATUS(cvm_relationship_trend(profit, 24, 4, NULL, &tr), CVM_STATUS_OK);
    CHECK_CLOSE(cvm_trend_high_level(tr), 675.0, 1e-12);
    double thr[6];
    CHECK_STATUS(cvm_trend_values(tr, NULL, NULL, thr, 6), CVM_STATUS_OK);
    CHECK_CLOSE(thr[2], 12.5, 1e-12);
    cvm_trend_free(tr);
    /* Bad input. */
    double bad[4] = {1, 2, NAN, 4};
    CHECK_STATUS(cvm_relationship_trend(bad, 4, 2, &d, &tr), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("profit", 2);
    CHECK_STATUS(cvm_relationship_trend(profit, 24, 1, &d, &tr), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("n_periods", -1);
    d.slope_scale = 7;
    CHECK_STATUS(cvm_relationship_trend(profit, 24, 4, &d, &tr), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("slope_scale", -1);
}

static void test_lookalike(void) {
    const double spend_l[3] = {90, 100, 110}, visits_l[3] = {8, 10, 12};
    const double spend_c[5] = {110, 100, 90, 130, 100}, visits_c[5] = {12, 10, 8, 10, 6};
    cvm_table *loyal = NULL, *cand = NULL;
    CHECK_STATUS(cvm_table_new(&loyal), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(loyal, "spend", spend_l, 3), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(loyal, "visits", visits_l, 3), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_new(&cand), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(cand, "spend", spend_c, 5), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(cand, "visits", visits_c, 5), CVM_STATUS_OK);
    const char *const features[2] = {"spend", "visits"};
    cvm_lookalike *l = NULL;
    CHECK_STATUS(cvm_lookalike_rank(cand, loyal, features, 2, 4, CVM_STANDARDIZE_LOYAL, &l), CVM_STATUS_OK);
    CHECK(cvm_lookalike_len(l) == 5 && cvm_lookalike_top_count(l) == 4);
    double d[5], sim[5];
    CHECK_STATUS(cvm_lookalike_scores(l, d, sim, 5), CVM_STATUS_OK);
    const double want_d[5] = {1.0, 0.0, 1.0, sqrt(4.5), sqrt(2.0)};
    for (int i = 0; i < 5; i++) CHECK_CLOSE(d[i], want_d[i], 1e-12);
    CHECK_CLOSE(sim[0], 0.5, 1e-15);
    size_t top[4];
    CHECK_STATUS(cvm_lookalike_top(l, top, 4), CVM_STATUS_OK);
    CHECK(top[0] == 1 && top[1] == 0 && top[2] == 2 && top[3] == 4);
    cvm_lookalike_free(l);
    const char *const missing[1] = {"age"};
    CHECK_STATUS(cvm_lookalike_rank(cand, loyal, missing, 1, 4, CVM_STANDARDIZE_LOYAL, &l), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("features", 0);
    CHECK_STATUS(cvm_lookalike_rank(cand, loyal, features, 2, 0, CVM_STANDARDIZE_LOYAL, &l), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("k", -1);
    CHECK_STATUS(cvm_lookalike_rank(cand, loyal, features, 2, 1, 9, &l), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("standardization", -1);
    cvm_table_free(cand);
    cvm_table_free(loyal);
}

int main(void) {
    test_every_condition_and_combinator();
    test_scores_hard_rules_and_missing_policies();
    test_json_round_trip();
    test_bad_documents();
    test_bad_data();
    test_dormant_preset();
    test_concentration_warning();
    test_elastic_preset();
    test_good_customer_and_risk_presets();
    test_relationship_trend();
    test_lookalike();
    /* Freeing NULL handles is a no-op. */
    cvm_table_free(NULL);
    cvm_rules_free(NULL);
    cvm_evaluation_free(NULL);
    cvm_trend_free(NULL);
    cvm_lookalike_free(NULL);
    return cvm_test_finish("test_selection_c");
}
