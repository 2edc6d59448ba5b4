/* The bad-input catalogue of the customer summary through the C ABI: one table row per class
 * (the Rust and Python catalogues hold the same rows), plus the explicit units. */
#include <stdbool.h>
#include <stdint.h>

#include "cvm.h"
#include "cvm_test.h"

#define MAXN 4

typedef struct {
    const char *name;
    size_t n;
    int64_t ids[MAXN];
    int64_t ts[MAXN];
    bool has_amount;
    double amount[MAXN];
    uint32_t timestamp_unit;
    bool has_observation_end;
    int64_t observation_end;
    bool has_calibration_end;
    int64_t calibration_end;
    uint32_t negative_amounts;
    cvm_status status;
    const char *field;
    int64_t index;
    const char *message;
} summary_case;

static void run_cases(void) {
    const int64_t y10000 = 2932897;
    const summary_case cases[] = {
        {"timestamp before 0001-01-01 (day unit)", 2, {1, 1}, {0, -800000}, false, {0}, CVM_TIMESTAMP_DAYS,
         false, 0, false, 0, CVM_NEGATIVE_AMOUNTS_ERROR, CVM_STATUS_INVALID_VALUE, "datetime", 1,
         "outside the supported dates"},
        {"timestamp after 9999-12-31 (seconds)", 2, {1, 2}, {y10000 * 86400, 0}, false, {0},
         CVM_TIMESTAMP_SECONDS, false, 0, false, 0, CVM_NEGATIVE_AMOUNTS_ERROR, CVM_STATUS_INVALID_VALUE,
         "datetime", 0, "outside the supported dates"},
        {"observation end out of range", 1, {1}, {-171622}, false, {0}, CVM_TIMESTAMP_DAYS, true, INT64_MAX,
         false, 0, CVM_NEGATIVE_AMOUNTS_ERROR, CVM_STATUS_INVALID_VALUE, "observation_period_end", -1,
         "outside the supported dates"},
        {"calibration end out of range", 1, {1}, {0}, false, {0}, CVM_TIMESTAMP_DAYS, false, 0, true,
         INT64_MIN + 1, CVM_NEGATIVE_AMOUNTS_ERROR, CVM_STATUS_INVALID_VALUE, "calibration_period_end", -1,
         "outside the supported dates"},
        {"missing timestamp", 2, {1, 2}, {0, CVM_TIMESTAMP_MISSING}, false, {0}, CVM_TIMESTAMP_DAYS, false, 0,
         false, 0, CVM_NEGATIVE_AMOUNTS_ERROR, CVM_STATUS_INVALID_VALUE, "datetime", 1, "missing timestamp"},
        {"day numbers read as nanoseconds (every T = 0)", 3, {1, 1, 2}, {19723, 19737, 19725}, false, {0},
         CVM_TIMESTAMP_NANOSECONDS, false, 0, false, 0, CVM_NEGATIVE_AMOUNTS_ERROR, CVM_STATUS_INVALID_VALUE,
         "timestamp_unit", -1, "T = 0"},
        {"amounts whose sum overflows", 3, {3, 3, 3}, {0, 1, 2}, true, {1.0, 1.7976931348623157e308,
         1.7976931348623157e308}, CVM_TIMESTAMP_DAYS, false, 0, false, 0, CVM_NEGATIVE_AMOUNTS_ERROR,
         CVM_STATUS_INVALID_VALUE, "monetary_value", 0, "beyond the range"},
        {"NaN amount", 2, {1, 1}, {0, 1}, true, {1.0, NAN}, CVM_TIMESTAMP_DAYS, false, 0, false, 0,
         CVM_NEGATIVE_AMOUNTS_ERROR, CVM_STATUS_INVALID_VALUE, "monetary_value", 1, "finite"},
        {"negative amount (default)", 2, {1, 1}, {0, 1}, true, {10.0, -4.0}, CVM_TIMESTAMP_DAYS, false, 0,
         false, 0, CVM_NEGATIVE_AMOUNTS_ERROR, CVM_STATUS_INVALID_VALUE, "monetary_value", 1,
         "negative_amounts"},
        {"unknown negative_amounts code", 2, {1, 1}, {0, 1}, true, {10.0, -4.0}, CVM_TIMESTAMP_DAYS, false, 0,
         false, 0, 7, CVM_STATUS_UNKNOWN_NAME, "negative_amounts", -1, "CVM_NEGATIVE_AMOUNTS_NET"},
        {"unknown timestamp unit code", 1, {1}, {0}, false, {0}, 42, false, 0, false, 0,
         CVM_NEGATIVE_AMOUNTS_ERROR, CVM_STATUS_UNKNOWN_NAME, "timestamp_unit", -1, "CVM_TIMESTAMP_DAYS"},
        {"transaction after the observation end", 2, {1, 1}, {0, 9}, false, {0}, CVM_TIMESTAMP_DAYS, true, 5,
         false, 0, CVM_NEGATIVE_AMOUNTS_ERROR, CVM_STATUS_INVALID_VALUE, "datetime", 1,
         "after observation_period_end"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const summary_case *c = &cases[k];
        cvm_summary_options opt = cvm_summary_options_default();
        opt.timestamp_unit = c->timestamp_unit;
        opt.has_observation_end = c->has_observation_end;
        opt.observation_end = c->observation_end;
        opt.has_calibration_end = c->has_calibration_end;
        opt.calibration_end = c->calibration_end;
        opt.negative_amounts = c->negative_amounts;
        cvm_summary *s = NULL;
        cvm_status st = cvm_summary_from_transactions(c->ids, c->n, c->ts, c->n, c->has_amount ? c->amount : NULL,
                                                      c->has_amount ? c->n : 0, &opt, &s);
        CHECK(st == c->status);
        CHECK(s == NULL);
        if (st != c->status) fprintf(stderr, "  case '%s': %s\n", c->name, cvm_last_error_message());
        CHECK_ERROR_AT(c->field, c->index);
        CHECK(strstr(cvm_last_error_message(), c->message) != NULL);
        if (strstr(cvm_last_error_message(), c->message) == NULL)
            fprintf(stderr, "  case '%s': message '%s'\n", c->name, cvm_last_error_message());
        cvm_summary_free(s);
    }
}

static void units_and_netting(void) {
    int64_t ids[2] = {1, 1}, days[2] = {0, 14};
    double amount[2] = {10.0, -4.0};
    cvm_summary_options opt = cvm_summary_options_default();
    CHECK(opt.timestamp_unit == CVM_TIMESTAMP_DAYS);
    CHECK(opt.negative_amounts == CVM_NEGATIVE_AMOUNTS_ERROR);
    opt.negative_amounts = CVM_NEGATIVE_AMOUNTS_NET;
    cvm_summary *s = NULL;
    CHECK_STATUS(cvm_summary_from_transactions(ids, 2, days, 2, amount, 2, &opt, &s), CVM_STATUS_OK);
    CHECK(cvm_summary_time_unit(s) == CVM_UNIT_DAY);
    CHECK_CLOSE(cvm_summary_monetary_value(s)[0], -4.0, 0.0);
    CHECK_CLOSE(cvm_summary_T(s)[0], 14.0, 0.0);
    cvm_summary_free(s);
    opt.freq_multiplier = 2;
    CHECK_STATUS(cvm_summary_from_transactions(ids, 2, days, 2, amount, 2, &opt, &s), CVM_STATUS_OK);
    CHECK(cvm_summary_time_unit(s) == CVM_UNIT_PERIOD);
    cvm_summary_free(s);
    opt.time_unit = CVM_UNIT_WEEK;
    CHECK_STATUS(cvm_summary_from_transactions(ids, 2, days, 2, amount, 2, &opt, &s), CVM_STATUS_OK);
    CHECK(cvm_summary_time_unit(s) == CVM_UNIT_WEEK);
    CHECK_CLOSE(cvm_summary_T(s)[0], 2.0, 0.0);
    cvm_summary_free(s);
    CHECK(cvm_summary_time_unit(NULL) == CVM_UNIT_PERIOD);
}

int main(void) {
    run_cases();
    units_and_netting();
    return cvm_test_finish("test_summary_edges_c");
}
