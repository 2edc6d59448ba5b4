/* C test program for the decision module: playbooks (default, JSON), the customer value report
 * (CSV and HTML strings, next best actions by precedence) and campaigns under a budget. */
#define _POSIX_C_SOURCE 200809L
#include "cvm.h"
#include "cvm_test.h"

static void test_playbook_json(void) {
    cvm_playbook *p = NULL;
    CHECK_STATUS(cvm_playbook_default(&p), CVM_STATUS_OK);
    char *json = NULL;
    CHECK_STATUS(cvm_playbook_to_json(p, &json), CVM_STATUS_OK);
    CHECK(strstr(json, "\"cultivate this group\"") != NULL);
    CHECK(strstr(json, "\"think carefully before investing resources\"") != NULL);
    cvm_playbook *q = NULL;
    CHECK_STATUS(cvm_playbook_from_json(json, &q), CVM_STATUS_OK);
    cvm_string_free(json);
    cvm_playbook_free(q);
    cvm_playbook_free(p);
    cvm_playbook_free(NULL);

    cvm_playbook *bad = NULL;
    CHECK_STATUS(cvm_playbook_from_json("{\"version\": 1, \"plays\": [{\"segment_type\": \"churn_band\", "
                                        "\"segment\": \"severe\", \"action\": \"x\"}]}",
                                        &bad),
                 CVM_STATUS_JSON);
    CHECK_ERROR_AT("$.plays[0].segment", -1);
    CHECK(bad == NULL);
}

static void test_report(void) {
    const char *ids[] = {"c1", "c2", "c3"};
    cvm_report_builder *b = NULL;
    CHECK_STATUS(cvm_report_builder_new(ids, 3, &b), CVM_STATUS_OK);
    const double clv[] = {1200.5, 80.0, 0.25};
    CHECK_STATUS(cvm_report_builder_clv(b, clv, 3), CVM_STATUS_OK);
    const char *cells[] = {"high_current_high_potential", "high_current_low_potential",
                           "low_current_low_potential"};
    const char *strat[] = {"cultivate this group", "maintain this group",
                           "think carefully before investing resources"};
    CHECK_STATUS(cvm_report_builder_matrix(b, cells, strat, 3), CVM_STATUS_OK);
    const uint8_t stages[] = {3, 5, 3}; /* repeat, lapsed, repeat */
    CHECK_STATUS(cvm_report_builder_stages(b, stages, 3), CVM_STATUS_OK);
    const uint8_t dormant[] = {0, 0, 255};
    CHECK_STATUS(cvm_report_builder_flag(b, CVM_FLAG_DORMANT, dormant, 3), CVM_STATUS_OK);
    const double churn[] = {0.1, 0.5, 0.9};
    CHECK_STATUS(cvm_report_builder_churn(b, churn, 3), CVM_STATUS_OK);
    /* A failed setter leaves the builder as it was. */
    CHECK_STATUS(cvm_report_builder_clv(b, clv, 2), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("clv", -1);

    cvm_report *r = NULL;
    CHECK_STATUS(cvm_report_builder_build(b, NULL, &r), CVM_STATUS_OK);
    CHECK(cvm_report_rows(r) == 3);
    CHECK(cvm_report_rows(NULL) == 0);
    char *a = NULL;
    /* c1: repeat (no play) and low churn (no play) fall through to the matrix cell. */
    CHECK_STATUS(cvm_report_action(r, 0, false, &a), CVM_STATUS_OK);
    CHECK(strcmp(a, "cultivate this group") == 0);
    cvm_string_free(a);
    /* c2: medium churn outranks the lapsed stage and the matrix. */
    CHECK_STATUS(cvm_report_action(r, 1, true, &a), CVM_STATUS_OK);
    CHECK(strncmp(a, "churn_band=medium (precedence 4 of 7)", 37) == 0);
    CHECK(strstr(a, "outranks loyalty_stage=lapsed") != NULL);
    cvm_string_free(a);
    /* c3: high churn; the dormant flag is missing and said so. */
    CHECK_STATUS(cvm_report_action(r, 2, true, &a), CVM_STATUS_OK);
    CHECK(strncmp(a, "churn_band=high", 15) == 0);
    CHECK(strstr(a, "; unknown: dormant") != NULL);
    cvm_string_free(a);
    CHECK_STATUS(cvm_report_action(r, 3, false, &a), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("row", 3);

    char *csv = NULL;
    CHECK_STATUS(cvm_report_csv(r, &csv), CVM_STATUS_OK);
    CHECK(strncmp(csv,
                  "customer_id,clv,matrix_cell,strategy,loyalty_stage,churn_probability,churn_band,"
                  "dormant,next_best_action,action_reason\nc1,1200.5,high_current_high_potential,",
                  150) == 0);
    CHECK(strstr(csv, "\nc3,0.25,low_current_low_potential,think carefully before investing "
                      "resources,repeat,0.9,high,,") != NULL);
    cvm_string_free(csv);
    char *html = NULL;
    CHECK_STATUS(cvm_report_html(r, "A & B", &html), CVM_STATUS_OK);
    CHECK(strstr(html, "<title>A &amp; B</title>") != NULL);
    CHECK(strstr(html, "<td class=\"num\">1200.50</td>") != NULL);
    CHECK(strstr(html, "<td class=\"na\">NA</td>") != NULL);
    cvm_string_free(html);
    cvm_report_free(r);
    cvm_report_builder_free(b);
    cvm_report_free(NULL);
    cvm_report_builder_free(NULL);
}

static void test_campaign(void) {
    /* gains uplift × clv − cost: 60, 100, 120, −5; budget 50. */
    const double clv[] = {700.0, 1200.0, 1500.0, 50.0};
    const double uplift[] = {0.1, 0.1, 0.1, 0.1};
    const double cost[] = {10.0, 20.0, 30.0, 10.0};
    cvm_campaign *c = NULL;
    cvm_campaign_inputs in = {.clv = {clv, 4}, .uplift = {uplift, 4}, .cost = {cost, 4}, .budget = 50.0};
    CHECK_STATUS(cvm_select_campaign(&in, NULL, &c), CVM_STATUS_OK);
    cvm_campaign_summary s;
    CHECK_STATUS(cvm_campaign_summary_get(c, &s), CVM_STATUS_OK);
    CHECK(s.exact);
    CHECK_CLOSE(s.expected_return, 220.0, 1e-9);
    CHECK_CLOSE(s.spend, 50.0, 0.0);
    CHECK(s.n_selected == 2 && s.last_in == 2 && s.first_out == 0);
    uint8_t sel[4];
    CHECK_STATUS(cvm_campaign_selected(c, sel, 4), CVM_STATUS_OK);
    CHECK(sel[0] == 0 && sel[1] == 1 && sel[2] == 1 && sel[3] == 0);
    cvm_campaign_free(c);

    cvm_campaign_options greedy = cvm_campaign_options_default();
    greedy.method = CVM_CAMPAIGN_GREEDY;
    CHECK_STATUS(cvm_select_campaign(&in, &greedy, &c), CVM_STATUS_OK);
    CHECK_STATUS(cvm_campaign_summary_get(c, &s), CVM_STATUS_OK);
    CHECK(!s.exact);
    CHECK_CLOSE(s.expected_return, 160.0, 1e-9);
    CHECK_CLOSE(s.upper_bound, 240.0, 1e-9);
    cvm_campaign_free(c);

    /* Per-segment costs: segment 0 costs 10, segment 1 costs 30. */
    const size_t seg[] = {0, 0, 1, 0};
    const double seg_cost[] = {10.0, 30.0};
    cvm_campaign_inputs by_segment = {
        .clv = {clv, 4}, .uplift = {uplift, 4}, .cost = {seg_cost, 2}, .segment = seg, .budget = 40.0};
    CHECK_STATUS(cvm_select_campaign(&by_segment, NULL, &c), CVM_STATUS_OK);
    CHECK_STATUS(cvm_campaign_summary_get(c, &s), CVM_STATUS_OK);
    /* gains 60, 110, 120, -5 at costs 10, 10, 30, 10: customers 1 and 2 fill the 40. */
    CHECK_CLOSE(s.expected_return, 230.0, 1e-9);
    CHECK_CLOSE(s.spend, 40.0, 0.0);
    cvm_campaign_free(c);

    cvm_campaign_comparison cmp;
    const double one[] = {20.0};
    const double clv2[] = {1000.0, 400.0, 300.0, 50.0};
    const double up2[] = {0.01, 0.2, 0.2, 0.5};
    cvm_campaign_inputs in2 = {.clv = {clv2, 4}, .uplift = {up2, 4}, .cost = {one, 1}, .budget = 40.0};
    cvm_campaign_options o = cvm_campaign_options_default();
    CHECK(o.method == CVM_CAMPAIGN_AUTO && o.draws == 100 && o.seed == 0);
    o.seed = 7;
    CHECK_STATUS(cvm_compare_campaigns(&in2, &o, &cmp), CVM_STATUS_OK);
    CHECK_CLOSE(cmp.optimised.expected_return, 100.0, 1e-9);
    CHECK_CLOSE(cmp.top_return, 50.0, 1e-9);
    CHECK(cmp.random_return < 100.0);
    CHECK_CLOSE(cmp.top_n, 2.0, 0.0);
    CHECK_STATUS(cvm_compare_campaigns(NULL, &o, &cmp), CVM_STATUS_NULL_POINTER);
    CHECK_ERROR_AT("inputs", -1);
    in2.uplift.len = 3;
    CHECK(cvm_select_campaign(&in2, NULL, &c) == CVM_STATUS_LENGTH_MISMATCH);
}

int main(void) {
    test_playbook_json();
    test_report();
    test_campaign();
    return cvm_test_finish("test_decision");
}
