#define _POSIX_C_SOURCE 200809L
/* C test program for libcvm: the CDNOW golden checks and every bad-input case, under ASan. */
#include "cvm.h"
#include "cvm_test.h"
#include "cdnow.h"

#define DATA "../../data/"

static void test_version(void) {
    char *cargo = cvm_read_file("../../Cargo.toml");
    char *p = strstr(cargo, "\nversion = \"");
    CHECK(p != NULL);
    if (p) {
        p += strlen("\nversion = \"");
        size_t len = strlen(cvm_version());
        CHECK(strncmp(p, cvm_version(), len) == 0 && p[len] == '"');
    }
    free(cargo);
}

static void test_cdnow_summary(void) {
    cdnow_log_t log = cdnow_read_log();
    CHECK(log.n == 6919);
    cvm_summary *s = cdnow_calibration_summary(&log);
    CHECK(cvm_summary_len(s) == 2357);
    const double *f = cvm_summary_frequency(s), *r = cvm_summary_recency(s), *T = cvm_summary_T(s);
    const double *m = cvm_summary_monetary_value(s), *fh = cvm_summary_frequency_holdout(s);
    const int64_t *ids = cvm_summary_customer_ids(s);
    double sum_f = 0, sum_h = 0;
    int repeaters = 0;
    for (size_t i = 0; i < cvm_summary_len(s); i++) {
        sum_f += f[i];
        sum_h += fh[i];
        repeaters += f[i] > 0;
    }
    CHECK_CLOSE(sum_f, 2457, 0);
    CHECK(repeaters == 946);
    CHECK_CLOSE(sum_h, 1882, 0);
    CHECK_CLOSE(cvm_summary_duration_holdout(s), 39.0, 1e-12);

    /* Against the published summary files (2-decimal rounding). */
    char *text = cvm_read_file(DATA "cdnow_customers_summary_with_transactions.csv");
    char *save = NULL;
    size_t i = 0;
    int mismatches = 0;
    strtok_r(text, "\r\n", &save); /* header */
    for (char *line = strtok_r(NULL, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save), i++) {
        long id;
        double x, tx, t, zbar;
        if (sscanf(line, "%ld,%lf,%lf,%lf,%lf", &id, &x, &tx, &t, &zbar) != 5) continue;
        if (ids[i] != id || f[i] != x || fabs(r[i] - tx) > 0.005 + 1e-9 || fabs(T[i] - t) > 0.005 + 1e-9 ||
            fabs(m[i] - zbar) > 0.005 + 1e-9)
            mismatches++;
    }
    CHECK(i == 2357);
    CHECK(mismatches == 0);
    free(text);

    /* Compression round trip. */
    cvm_compressed *c = NULL;
    size_t n = cvm_summary_len(s);
    CHECK_STATUS(cvm_compress(f, n, r, n, T, n, &c), CVM_STATUS_OK);
    size_t k = cvm_compressed_len(c);
    CHECK(k > 0 && k < n);
    double *cf = malloc(k * sizeof(double)), *cr = malloc(k * sizeof(double)), *ct = malloc(k * sizeof(double));
    uint64_t *w = malloc(k * sizeof(uint64_t));
    uint32_t *inv = malloc(n * sizeof(uint32_t));
    CHECK_STATUS(cvm_compressed_copy(c, cf, cr, ct, w, inv, n), CVM_STATUS_OK);
    uint64_t total = 0;
    for (size_t j = 0; j < k; j++) total += w[j];
    CHECK(total == n);
    int bad = 0;
    for (size_t j = 0; j < n; j++) bad += cf[inv[j]] != f[j] || cr[inv[j]] != r[j] || ct[inv[j]] != T[j];
    CHECK(bad == 0);
    CHECK_STATUS(cvm_compressed_copy(c, NULL, NULL, NULL, NULL, inv, n - 1), CVM_STATUS_LENGTH_MISMATCH);
    free(cf); free(cr); free(ct); free(w); free(inv);
    cvm_compressed_free(c);

    /* RFM segments: every customer has one, default table has 11 names. */
    cvm_rfm *rfm = NULL;
    CHECK_STATUS(cvm_rfm_segments(f, n, r, n, T, n, m, n, NULL, &rfm), CVM_STATUS_OK);
    CHECK(cvm_rfm_segment_count(rfm) == 11);
    CHECK(strcmp(cvm_rfm_segment_name(rfm, 0), "champions") == 0);
    CHECK(cvm_rfm_segment_name(rfm, 99) == NULL);
    uint16_t *seg = malloc(n * sizeof(uint16_t));
    uint8_t *rs = malloc(n), *fs = malloc(n), *ms = malloc(n);
    CHECK_STATUS(cvm_rfm_copy(rfm, rs, fs, ms, seg, n), CVM_STATUS_OK);
    int out_of_range = 0;
    for (size_t j = 0; j < n; j++)
        out_of_range += seg[j] >= 11 || rs[j] < 1 || rs[j] > 5 || fs[j] < 1 || fs[j] > 5 || ms[j] < 1 || ms[j] > 5;
    CHECK(out_of_range == 0);
    free(seg); free(rs); free(fs); free(ms);
    cvm_rfm_free(rfm);
    /* A table with a gap. */
    const char *gappy = "{\"rules\": [{\"name\": \"all_but_one\", \"recency\": [1, 4], \"frequency_monetary\": [1, 5]}]}";
    CHECK_STATUS(cvm_rfm_segments(f, n, r, n, T, n, m, n, gappy, &rfm), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("rules", -1);
    CHECK_STATUS(cvm_rfm_segments(f, n, r, n, T, n, m, n, "{not json", &rfm), CVM_STATUS_JSON);

    cvm_summary_free(s);
    cdnow_free_log(&log);
}

static void test_bad_input(void) {
    int64_t ids[3] = {1, 2, 3}, ts[3] = {10, 11, 12};
    double amt[3] = {1.0, NAN, 2.0};
    cvm_summary *s = NULL;
    cvm_summary_options opt = cvm_summary_options_default();

    CHECK_STATUS(cvm_summary_from_transactions(ids, 0, ts, 0, NULL, 0, NULL, &s), CVM_STATUS_EMPTY_INPUT);
    CHECK_ERROR_AT("customer_id", -1);
    CHECK_STATUS(cvm_summary_from_transactions(ids, 3, ts, 2, NULL, 0, NULL, &s), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("datetime", -1);
    CHECK_STATUS(cvm_summary_from_transactions(ids, 3, ts, 3, amt, 3, NULL, &s), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("monetary_value", 1);
    int64_t missing[3] = {10, 11, CVM_TIMESTAMP_MISSING};
    CHECK_STATUS(cvm_summary_from_transactions(ids, 3, missing, 3, NULL, 0, NULL, &s), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("datetime", 2);
    opt.has_observation_end = true;
    opt.observation_end = 11;
    CHECK_STATUS(cvm_summary_from_transactions(ids, 3, ts, 3, NULL, 0, &opt, &s), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("datetime", 2);
    opt.observation_end = 20;
    opt.has_calibration_end = true;
    opt.calibration_end = 30;
    CHECK_STATUS(cvm_summary_from_transactions(ids, 3, ts, 3, NULL, 0, &opt, &s), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("calibration_period_end", -1);
    opt = cvm_summary_options_default();
    opt.freq = 9;
    CHECK_STATUS(cvm_summary_from_transactions(ids, 3, ts, 3, NULL, 0, &opt, &s), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("freq", -1);
    CHECK(strstr(cvm_last_error_message(), "CVM_UNIT_WEEK") != NULL);
    /* Null customer-id column. */
    CHECK_STATUS(cvm_summary_from_transactions(NULL, 3, ts, 3, NULL, 0, NULL, &s), CVM_STATUS_NULL_POINTER);
    CHECK_ERROR_AT("customer_id", -1);
    CHECK_STATUS(cvm_summary_from_transactions(ids, 3, ts, 3, NULL, 0, NULL, NULL), CVM_STATUS_NULL_POINTER);
    CHECK(s == NULL); /* outputs untouched on failure */
    int64_t day = -1;
    CHECK_STATUS(cvm_parse_date("1997-02-29", &day), CVM_STATUS_INVALID_VALUE);
    CHECK(day == -1);
    CHECK_STATUS(cvm_parse_date("1996-02-29", &day), CVM_STATUS_OK);
    CHECK(day == 9555);
    /* Success clears nothing but does not fail; free(NULL) is a no-op. */
    cvm_summary_free(NULL);
    cvm_compressed_free(NULL);
    cvm_rfm_free(NULL);
    CHECK(cvm_summary_len(NULL) == 0);
    CHECK(strcmp(cvm_status_name(CVM_STATUS_JSON), "CVM_STATUS_JSON") == 0);
}

/* Any int32_t is a valid argument of cvm_status_name: the codes that are not statuses (observed
 * SIGILL/SIGSEGV when the parameter was the enum) get a placeholder. */
static void test_status_names(void) {
    static const struct {
        int32_t code;
        const char *name;
    } known[] = {
        {CVM_STATUS_OK, "CVM_STATUS_OK"},
        {CVM_STATUS_NULL_POINTER, "CVM_STATUS_NULL_POINTER"},
        {CVM_STATUS_EMPTY_INPUT, "CVM_STATUS_EMPTY_INPUT"},
        {CVM_STATUS_LENGTH_MISMATCH, "CVM_STATUS_LENGTH_MISMATCH"},
        {CVM_STATUS_INVALID_VALUE, "CVM_STATUS_INVALID_VALUE"},
        {CVM_STATUS_UNKNOWN_NAME, "CVM_STATUS_UNKNOWN_NAME"},
        {CVM_STATUS_NOT_CONVERGED, "CVM_STATUS_NOT_CONVERGED"},
        {CVM_STATUS_NUMERICAL, "CVM_STATUS_NUMERICAL"},
        {CVM_STATUS_JSON, "CVM_STATUS_JSON"},
        {CVM_STATUS_INVALID_UTF8, "CVM_STATUS_INVALID_UTF8"},
        {CVM_STATUS_NOT_IDENTIFIED, "CVM_STATUS_NOT_IDENTIFIED"},
        {CVM_STATUS_PANIC, "CVM_STATUS_PANIC"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        CHECK(strcmp(cvm_status_name(known[i].code), known[i].name) == 0);
    static const int32_t unknown[] = {11, 42, 99, 101, -1, 255, 256, INT32_MIN, INT32_MAX};
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        const char *name = cvm_status_name(unknown[i]);
        CHECK(name != NULL && strcmp(name, "CVM_STATUS_UNKNOWN") == 0);
    }
}

/* The last error describes the last status-returning call on the thread: a success clears it. */
static void test_last_error_after_success(void) {
    int64_t day = 0;
    cvm_clear_last_error();
    CHECK(strcmp(cvm_last_error_message(), "") == 0);
    CHECK_ERROR_AT("", -1);
    CHECK_STATUS(cvm_parse_date("1997-02-30", &day), CVM_STATUS_INVALID_VALUE);
    CHECK(strlen(cvm_last_error_message()) > 0);
    CHECK_ERROR_AT("text", -1);
    CHECK_STATUS(cvm_parse_date("1997-02-28", &day), CVM_STATUS_OK);
    CHECK(strcmp(cvm_last_error_message(), "") == 0);
    CHECK_ERROR_AT("", -1);
    /* An error with an index, then a success of another function. */
    int64_t ids[2] = {1, 2}, ts[2] = {10, 11};
    double amt[2] = {1.0, NAN};
    cvm_summary *s = NULL;
    CHECK_STATUS(cvm_summary_from_transactions(ids, 2, ts, 2, amt, 2, NULL, &s), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("monetary_value", 1);
    const double p[4] = {0.243, 4.414, 0.793, 2.426};
    cvm_model *m = NULL;
    CHECK_STATUS(cvm_model_from_params("bg_nbd", p, 4, &m), CVM_STATUS_OK);
    CHECK(strcmp(cvm_last_error_message(), "") == 0);
    CHECK_ERROR_AT("", -1);
    /* Getters that return no status leave the last error alone. */
    CHECK_STATUS(cvm_model_from_params("bgnbd", p, 4, NULL), CVM_STATUS_NULL_POINTER);
    CHECK(cvm_model_param_count(m) == 4);
    CHECK_ERROR_AT("out", -1);
    cvm_model_free(m);
    cvm_clear_last_error();
    CHECK(strcmp(cvm_last_error_message(), "") == 0);
    CHECK_ERROR_AT("", -1);
}

int main(void) {
    test_version();
    test_cdnow_summary();
    test_bad_input();
    test_status_names();
    test_last_error_after_success();
    return cvm_test_finish("test_cvm_c");
}
