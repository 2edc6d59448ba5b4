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
        /* The same case with the ids as text ("id-<n>"): the same error. */
        char text[MAXN * 24];
        size_t offsets[MAXN + 1] = {0};
        for (size_t i = 0; i < c->n; i++)
            offsets[i + 1] = offsets[i] + (size_t)sprintf(text + offsets[i], "id-%lld", (long long)c->ids[i]);
        for (int as_text = 0; as_text < 2; as_text++) {
            cvm_summary *s = NULL;
            const double *amount = c->has_amount ? c->amount : NULL;
            size_t n_amount = c->has_amount ? c->n : 0;
            cvm_status st = as_text ? cvm_summary_from_text_transactions(offsets, c->n + 1, text, offsets[c->n],
                                                                         c->ts, c->n, amount, n_amount, &opt, &s)
                                    : cvm_summary_from_transactions(c->ids, c->n, c->ts, c->n, amount, n_amount,
                                                                    &opt, &s);
            CHECK(st == c->status);
            CHECK(s == NULL);
            if (st != c->status)
                fprintf(stderr, "  case '%s' (text ids: %d): %s\n", c->name, as_text, cvm_last_error_message());
            CHECK_ERROR_AT(c->field, c->index);
            CHECK(strstr(cvm_last_error_message(), c->message) != NULL);
            if (strstr(cvm_last_error_message(), c->message) == NULL)
                fprintf(stderr, "  case '%s' (text ids: %d): message '%s'\n", c->name, as_text,
                        cvm_last_error_message());
            cvm_summary_free(s);
        }
    }
}

/* Text ids: the summary of their codes, the customers in the order of their ids (bytes), each
 * id readable from the summary after the caller's buffers are gone; the errors of the text. */
static void text_ids(void) {
    /* Rows: "b", "a\0z" (a NUL inside), "ab", "b", "é" (two bytes), "a\0z". */
    const char source[] = "ba\0zabb" "\xc3\xa9" "a\0z";
    const size_t offsets[] = {0, 1, 4, 6, 7, 9, 12};
    const int64_t days[] = {0, 1, 2, 7, 3, 8};
    const double amount[] = {1.0, 2.0, 3.0, 4.0, 5.0, 6.0};
    /* The codes of the ids in byte order: "a\0z" 0, "ab" 1, "b" 2, "é" 3. */
    const int64_t codes[] = {2, 0, 1, 2, 3, 0};
    char *text = malloc(sizeof source);
    memcpy(text, source, sizeof source);
    cvm_summary_options opt = cvm_summary_options_default();
    opt.has_observation_end = true;
    opt.observation_end = 10;
    cvm_summary *s = NULL, *coded = NULL;
    CHECK_STATUS(cvm_summary_from_text_transactions(offsets, 7, text, 12, days, 6, amount, 6, &opt, &s), CVM_STATUS_OK);
    CHECK_STATUS(cvm_summary_from_transactions(codes, 6, days, 6, amount, 6, &opt, &coded), CVM_STATUS_OK);
    memset(text, 'x', sizeof source); /* the summary keeps its own copy of the ids */
    free(text);
    CHECK(cvm_summary_len(s) == 4 && cvm_summary_len(coded) == 4);
    const char *want[] = {"a\0z", "ab", "b", "\xc3\xa9"};
    const size_t want_len[] = {3, 2, 1, 2};
    for (size_t i = 0; i < 4; i++) {
        size_t len = 99;
        const char *id = cvm_summary_text_id(s, i, &len);
        CHECK(id != NULL && len == want_len[i] && memcmp(id, want[i], len) == 0 && id[len] == '\0');
        CHECK(cvm_summary_customer_ids(s)[i] == (int64_t)i);
        CHECK(cvm_summary_frequency(s)[i] == cvm_summary_frequency(coded)[i]);
        CHECK(cvm_summary_recency(s)[i] == cvm_summary_recency(coded)[i]);
        CHECK(cvm_summary_T(s)[i] == cvm_summary_T(coded)[i]);
        CHECK(cvm_summary_monetary_value(s)[i] == cvm_summary_monetary_value(coded)[i]);
    }
    CHECK_CLOSE(cvm_summary_frequency(s)[0], 1.0, 0.0); /* "a\0z" on days 1 and 8 */
    CHECK_CLOSE(cvm_summary_monetary_value(s)[0], 6.0, 0.0);
    size_t len = 99;
    CHECK(cvm_summary_text_id(s, 4, &len) == NULL && len == 0); /* past the end */
    len = 99;
    CHECK(cvm_summary_text_id(coded, 0, &len) == NULL && len == 0); /* integer ids */
    CHECK(cvm_summary_text_id(NULL, 0, NULL) == NULL);
    CHECK(cvm_summary_text_id(s, 0, NULL) != NULL);
    cvm_summary_free(coded);
    cvm_summary_free(s);

    /* A calibration end leaves out the customers who start after it: ids of the rest. */
    opt.has_calibration_end = true;
    opt.calibration_end = 1;
    CHECK_STATUS(cvm_summary_from_text_transactions(offsets, 7, source, 12, days, 6, amount, 6, &opt, &s), CVM_STATUS_OK);
    CHECK(cvm_summary_len(s) == 2 && cvm_summary_excluded_customers(s) == 2);
    CHECK(cvm_summary_text_id(s, 0, &len) != NULL && len == 3 && memcmp(cvm_summary_text_id(s, 0, NULL), "a\0z", 3) == 0);
    CHECK(strcmp(cvm_summary_text_id(s, 1, NULL), "b") == 0);
    CHECK(cvm_summary_customer_ids(s)[1] == 2); /* "b" keeps its code among all the ids */
    cvm_summary_free(s);
    opt.has_calibration_end = false;

    /* Offsets that decrease or point past the text: an error naming the row. */
    s = NULL;
    const size_t decreasing[] = {0, 2, 1, 3};
    CHECK_STATUS(cvm_summary_from_text_transactions(decreasing, 4, "abc", 3, days, 3, NULL, 0, &opt, &s),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("offsets", 1);
    const size_t past[] = {0, 1, 9};
    CHECK_STATUS(cvm_summary_from_text_transactions(past, 3, "abc", 3, days, 2, NULL, 0, &opt, &s),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("offsets", 1);
    CHECK(s == NULL);
    /* No row; NULL text of some bytes; timestamps of another length. */
    CHECK_STATUS(cvm_summary_from_text_transactions(offsets, 1, "", 0, days, 0, NULL, 0, &opt, &s),
                 CVM_STATUS_EMPTY_INPUT);
    CHECK_STATUS(cvm_summary_from_text_transactions(offsets, 7, NULL, 12, days, 6, NULL, 0, &opt, &s),
                 CVM_STATUS_NULL_POINTER);
    CHECK(strcmp(cvm_last_error_field(), "text") == 0);
    CHECK_STATUS(cvm_summary_from_text_transactions(offsets, 7, source, 12, days, 5, NULL, 0, &opt, &s),
                 CVM_STATUS_LENGTH_MISMATCH);
    /* Empty ids are ids: no text at all (NULL with 0 bytes). */
    const size_t empty[] = {0, 0, 0};
    CHECK_STATUS(cvm_summary_from_text_transactions(empty, 3, NULL, 0, days, 2, NULL, 0, &opt, &s), CVM_STATUS_OK);
    CHECK(cvm_summary_len(s) == 1);
    CHECK(cvm_summary_text_id(s, 0, &len) != NULL && len == 0);
    cvm_summary_free(s);
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
    text_ids();
    return cvm_test_finish("test_summary_edges_c");
}
