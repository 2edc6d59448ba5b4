/* C tests of the fee schedule (seeds/001:442, 486) and dormant transitions (seeds/001:14): the
 * worked example of docs/fees.md with the hand-computed averages of
 * cvm-core/tests/it/fee.rs, from transactions and from end-of-day balances; the schedule's JSON;
 * transitions with exact reasons; bad codes in the options struct. */
#include <stdint.h>

#include "cvm.h"
#include "cvm_test.h"

/* 2024-01-01 as days since 1970-01-01. */
#define JAN1 19723

static void check_worked(const cvm_fee_result *r) {
    enum { N = 5 };
    CHECK(cvm_fee_result_len(r) == N);
    int64_t cust[N], month[N];
    double adb[N], thr[N], fee[N];
    uint32_t dim[N], open[N], tier[N];
    CHECK_STATUS(cvm_fee_result_values(r, cust, month, adb, thr, fee, N), CVM_STATUS_OK);
    CHECK_STATUS(cvm_fee_result_days_and_tiers(r, dim, open, tier, N), CVM_STATUS_OK);
    const int64_t want_cust[N] = {1, 1, 2, 2, 3};
    const int64_t want_month[N] = {JAN1, JAN1 + 31, JAN1, JAN1 + 31, JAN1 + 31};
    const double want_adb[N] = {62419.35, 50000.0, 329032.26, 489655.17, 100000.0};
    const double want_thr[N] = {100000.0, 100000.0, 500000.0, 500000.0, 100000.0};
    const double want_fee[N] = {150.0, 150.0, 300.0, 300.0, 0.0};
    const uint32_t want_dim[N] = {31, 29, 31, 29, 29}, want_open[N] = {31, 29, 17, 29, 29};
    const uint32_t want_tier[N] = {0, 0, 1, 1, 0};
    for (int i = 0; i < N; i++) {
        CHECK(cust[i] == want_cust[i]);
        CHECK(month[i] == want_month[i]);
        CHECK_CLOSE(adb[i], want_adb[i], 1e-9);
        CHECK(thr[i] == want_thr[i] && fee[i] == want_fee[i]);
        CHECK(dim[i] == want_dim[i] && open[i] == want_open[i] && tier[i] == want_tier[i]);
    }
    char *reason = NULL;
    CHECK_STATUS(cvm_fee_result_reason(r, 2, &reason), CVM_STATUS_OK);
    CHECK(reason && strcmp(reason,
                           "fee 300.00: average daily balance 329032.26 in 2024-01 is below the "
                           "premier tier's threshold 500000.00 (accounts open 17 of 31 days; the "
                           "days before count as 0)") == 0);
    cvm_string_free(reason);
    CHECK_STATUS(cvm_fee_result_reason(r, N, &reason), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("row", N);
    CHECK_STATUS(cvm_fee_result_values(r, NULL, NULL, NULL, NULL, NULL, N + 1), CVM_STATUS_LENGTH_MISMATCH);
}

static void test_worked_example(void) {
    cvm_fee_schedule *s = NULL;
    CHECK_STATUS(cvm_fee_schedule_default(&s), CVM_STATUS_OK);
    CHECK(cvm_fee_schedule_len(s) == 2);
    char *name = NULL;
    double threshold = 0, fee = 0;
    CHECK_STATUS(cvm_fee_schedule_tier(s, 1, &name, &threshold, &fee), CVM_STATUS_OK);
    CHECK(name && strcmp(name, "premier") == 0 && threshold == 500000.0 && fee == 300.0);
    cvm_string_free(name);

    const int64_t open_acct[1] = {11};
    const double open_bal[1] = {40000.0};
    const int64_t tier_cust[2] = {2, 1};
    const char *tiers[2] = {"premier", "standard"};

    /* Transactions (days since 1970-01-01). */
    const int64_t acct[8] = {11, 11, 11, 12, 21, 21, 31, 11};
    const int64_t cust[8] = {1, 1, 1, 1, 2, 2, 3, 1};
    const int64_t day[8] = {JAN1 + 9, JAN1 + 24, JAN1 + 9, JAN1 + 19, JAN1 + 14, JAN1 + 31 + 13, JAN1 + 31, JAN1 + 9};
    const double amount[8] = {30000.0, -65000.0, -5000.0, 50000.0, 600000.0, -200000.0, 100000.0, 0.0};
    cvm_fee_result *r = NULL;
    cvm_fee_rows rows = {.account_ids = {acct, 8},
                         .customer_ids = {cust, 8},
                         .timestamps = {day, 8},
                         .values = {amount, 8},
                         .opening_account_ids = {open_acct, 1},
                         .opening_balances = {open_bal, 1},
                         .tier_customer_ids = {tier_cust, 2},
                         .tiers = {tiers, 2},
                         .default_tier = "standard"};
    CHECK_STATUS(cvm_fee_schedule_apply(s, &rows, NULL, &r), CVM_STATUS_OK);
    check_worked(r);
    cvm_fee_result_free(r);

    /* The same book as end-of-day balances, timestamps in seconds (noon UTC). */
    const int64_t bacct[6] = {11, 11, 12, 21, 21, 31};
    const int64_t bcust[6] = {1, 1, 1, 2, 2, 3};
    int64_t bsec[6];
    const int64_t bday[6] = {JAN1 + 9, JAN1 + 24, JAN1 + 19, JAN1 + 14, JAN1 + 31 + 13, JAN1 + 31};
    for (int i = 0; i < 6; i++) bsec[i] = bday[i] * 86400 + 43200;
    const double balance[6] = {65000.0, 0.0, 50000.0, 600000.0, 400000.0, 100000.0};
    cvm_fee_options o = cvm_fee_options_default();
    o.input = CVM_BALANCES_END_OF_DAY;
    o.timestamp_unit = CVM_TIMESTAMP_SECONDS;
    r = NULL;
    cvm_fee_rows balances = rows;
    balances.account_ids = (cvm_int64s){bacct, 6};
    balances.customer_ids = (cvm_int64s){bcust, 6};
    balances.timestamps = (cvm_int64s){bsec, 6};
    balances.values = (cvm_doubles){balance, 6};
    CHECK_STATUS(cvm_fee_schedule_apply(s, &balances, &o, &r), CVM_STATUS_OK);
    check_worked(r);
    cvm_fee_result_free(r);
    r = NULL;

    /* Bad codes and bad rows: nothing is written to r. */
    o.average_over = 7;
    balances.opening_account_ids = (cvm_int64s){NULL, 0};
    balances.opening_balances = (cvm_doubles){NULL, 0};
    CHECK_STATUS(cvm_fee_schedule_apply(s, &balances, &o, &r), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("average_over", -1);
    o = cvm_fee_options_default();
    o.input = 0;
    balances.timestamps = (cvm_int64s){bday, 6};
    CHECK_STATUS(cvm_fee_schedule_apply(s, &balances, &o, &r), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("input", -1);
    const char *bad_tiers[2] = {"premier", "gold"};
    rows.tiers = (cvm_strings){bad_tiers, 2};
    rows.default_tier = NULL;
    CHECK_STATUS(cvm_fee_schedule_apply(s, &rows, NULL, &r), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("tier", 1);
    CHECK(strstr(cvm_last_error_message(), "unknown tier \"gold\"") != NULL);
    CHECK(r == NULL);
    CHECK_STATUS(cvm_fee_schedule_apply(s, NULL, NULL, &r), CVM_STATUS_NULL_POINTER);
    CHECK_ERROR_AT("rows", -1);
    rows.tiers = (cvm_strings){tiers, 2};
    rows.customer_ids = (cvm_int64s){NULL, 8};
    CHECK_STATUS(cvm_fee_schedule_apply(s, &rows, NULL, &r), CVM_STATUS_NULL_POINTER);
    CHECK_ERROR_AT("customer_id", -1);
    cvm_fee_schedule_free(s);
    cvm_fee_schedule_free(NULL);
    cvm_fee_result_free(NULL);
}

static void test_schedule_json(void) {
    cvm_fee_schedule *s = NULL;
    CHECK_STATUS(cvm_fee_schedule_from_json(
                     "{\"version\": 1, \"name\": \"seed_001_line_486\", "
                     "\"tiers\": [{\"tier\": \"standard\", \"threshold\": 80000, \"fee\": 50}]}",
                     &s),
                 CVM_STATUS_OK);
    char *json = NULL;
    CHECK_STATUS(cvm_fee_schedule_to_json(s, &json), CVM_STATUS_OK);
    CHECK(json && strstr(json, "\"threshold\": 80000.0") != NULL);
    cvm_fee_schedule *back = NULL;
    CHECK_STATUS(cvm_fee_schedule_from_json(json, &back), CVM_STATUS_OK);
    CHECK(cvm_fee_schedule_len(back) == 1);
    cvm_string_free(json);
    cvm_fee_schedule_free(back);
    /* One account at 79 999.99 for January 2024: below 80 000, fee 50. */
    const int64_t a[1] = {1}, c[1] = {5}, d[1] = {JAN1};
    const double v[1] = {79999.99};
    cvm_fee_result *r = NULL;
    cvm_fee_rows rows = {.account_ids = {a, 1}, .customer_ids = {c, 1}, .timestamps = {d, 1}, .values = {v, 1},
                         .default_tier = "standard"};
    CHECK_STATUS(cvm_fee_schedule_apply(s, &rows, NULL, &r), CVM_STATUS_OK);
    double fee = -1;
    CHECK_STATUS(cvm_fee_result_values(r, NULL, NULL, NULL, NULL, &fee, 1), CVM_STATUS_OK);
    CHECK(fee == 50.0);
    cvm_fee_result_free(r);
    cvm_fee_schedule_free(s);
}

static void test_transitions(void) {
    cvm_rules *rules = NULL;
    CHECK_STATUS(cvm_rules_preset("dormant_account", NULL, &rules), CVM_STATUS_OK);
    cvm_table *t0 = NULL, *t1 = NULL;
    const double h0[5] = {0, 0, 0, 0, 0}, c0[5] = {80, 50, 90, 10, 20}, y0[5] = {4, 5, 2.5, 6, 9};
    const double h1[5] = {0, 0, 0, 0, 500}, c1[5] = {80, 50, 90, NAN, 0}, y1[5] = {0.5, 6, 3.5, 7, 0.1};
    CHECK_STATUS(cvm_table_new(&t0), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t0, "holdings_balance", h0, 5), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t0, "cash_balance", c0, 5), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t0, "years_since_last_trade", y0, 5), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_new(&t1), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t1, "holdings_balance", h1, 5), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t1, "cash_balance", c1, 5), CVM_STATUS_OK);
    CHECK_STATUS(cvm_table_add_numeric(t1, "years_since_last_trade", y1, 5), CVM_STATUS_OK);
    const int64_t ids0[5] = {5, 1, 2, 3, 4}, ids1[5] = {1, 2, 3, 4, 6};
    cvm_transitions *tr = NULL;
    CHECK_STATUS(cvm_dormant_transitions(rules, "dormant", ids0, 5, t0, ids1, 5, t1, &tr), CVM_STATUS_OK);
    CHECK(cvm_transitions_len(tr) == 6);
    int64_t id[6];
    uint32_t before[6], after[6], kind[6];
    CHECK_STATUS(cvm_transitions_values(tr, id, before, after, kind, 6), CVM_STATUS_OK);
    const uint32_t want[6] = {CVM_TRANSITION_REACTIVATED, CVM_TRANSITION_BECAME_DORMANT,
                              CVM_TRANSITION_STAYED_DORMANT, CVM_TRANSITION_UNKNOWN,
                              CVM_TRANSITION_GONE, CVM_TRANSITION_NEW};
    for (int i = 0; i < 6; i++) {
        CHECK(id[i] == i + 1);
        CHECK(kind[i] == want[i]);
    }
    CHECK(before[0] == CVM_ACCOUNT_DORMANT && after[0] == CVM_ACCOUNT_ACTIVE);
    CHECK(after[3] == CVM_ACCOUNT_UNKNOWN && after[4] == CVM_ACCOUNT_ABSENT && before[5] == CVM_ACCOUNT_ABSENT);
    char *reason = NULL;
    CHECK_STATUS(cvm_transitions_reason(tr, 0, &reason), CVM_STATUS_OK);
    CHECK(reason && strcmp(reason,
                           "reactivated: dormant on the first snapshot (holdings_balance=0<=0; "
                           "cash_balance=50<=100; years_since_last_trade=5>=3), active on the second "
                           "(years_since_last_trade=0.5<3)") == 0);
    cvm_string_free(reason);
    cvm_transitions_free(tr);
    tr = NULL;
    const int64_t dup[5] = {1, 2, 3, 2, 9};
    CHECK_STATUS(cvm_dormant_transitions(rules, "dormant", dup, 5, t0, ids1, 5, t1, &tr), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("before_account_id", 3);
    CHECK_STATUS(cvm_dormant_transitions(rules, "dormant", ids0, 4, t0, ids1, 5, t1, &tr),
                 CVM_STATUS_LENGTH_MISMATCH);
    CHECK(tr == NULL);
    cvm_transitions_free(NULL);
    cvm_table_free(t0);
    cvm_table_free(t1);
    cvm_rules_free(rules);
}

int main(void) {
    test_worked_example();
    test_schedule_json();
    test_transitions();
    return cvm_test_finish("test_fee");
}
