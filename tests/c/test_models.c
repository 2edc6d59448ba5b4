/* C test program for the lifetime models: published CDNOW estimates, test vectors, JSON, errors. */
#define _POSIX_C_SOURCE 200809L
#include "cvm.h"
#include "cvm_test.h"

/* The exact CDNOW calibration summary (weeks), built from the shipped log with cvm itself. */
static cvm_summary *cdnow_summary(void) {
    char *text = cvm_read_file("../../data/CDNOW_sample.txt");
    int64_t *id = malloc(8000 * sizeof(int64_t)), *day = malloc(8000 * sizeof(int64_t));
    size_t n = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
        long master, cid, cds;
        char date[16];
        double amount;
        if (sscanf(line, "%ld %ld %15s %ld %lf", &master, &cid, date, &cds, &amount) != 5) continue;
        id[n] = cid;
        if (cvm_parse_date(date, &day[n]) != CVM_STATUS_OK) exit(3);
        n++;
    }
    cvm_summary_options opt = cvm_summary_options_default();
    opt.time_unit = CVM_UNIT_WEEK;
    opt.has_calibration_end = true;
    cvm_parse_date("1997-09-30", &opt.calibration_end);
    cvm_summary *s = NULL;
    if (cvm_summary_from_transactions(id, n, day, n, NULL, 0, &opt, &s) != CVM_STATUS_OK) exit(4);
    free(text);
    free(id);
    free(day);
    return s;
}

static void check_fit(const cvm_summary *s, const char *kind, const double *published, double ll) {
    size_t n = cvm_summary_len(s);
    cvm_model *m = NULL;
    CHECK_STATUS(
        cvm_model_fit(kind,
                      &(cvm_fit_columns){
                          {cvm_summary_frequency(s), n}, {cvm_summary_recency(s), n}, {cvm_summary_T(s), n}, {NULL, 0}},
                      NULL, &m),
        CVM_STATUS_OK);
    if (!m) return;
    CHECK(strcmp(cvm_model_kind(m), kind) == 0);
    double p[4], se[4];
    CHECK(cvm_model_param_count(m) == 4);
    CHECK_STATUS(cvm_model_params(m, p, 4), CVM_STATUS_OK);
    for (int i = 0; i < 4; i++) CHECK_CLOSE(p[i] / published[i], 1.0, 6e-4);
    cvm_fit_diagnostics d;
    CHECK_STATUS(cvm_model_diagnostics(m, &d), CVM_STATUS_OK);
    CHECK_CLOSE(d.log_likelihood, ll, 0.006);
    CHECK(d.converged);
    CHECK_CLOSE(d.n_obs, 2357.0, 0.0);
    CHECK_STATUS(cvm_model_standard_errors(m, se, 4), CVM_STATUS_OK);
    for (int i = 0; i < 4; i++) CHECK(se[i] > 0.0 && se[i] < p[i]);

    /* JSON round trip keeps the parameters bit for bit. */
    char *json = NULL;
    CHECK_STATUS(cvm_model_to_json(m, &json), CVM_STATUS_OK);
    cvm_model *back = NULL;
    CHECK_STATUS(cvm_model_from_json(json, &back), CVM_STATUS_OK);
    double q[4];
    CHECK_STATUS(cvm_model_params(back, q, 4), CVM_STATUS_OK);
    CHECK(memcmp(p, q, sizeof p) == 0);
    cvm_string_free(json);
    cvm_model_free(back);

    /* Predictions for every customer: P(alive) in [0, 1], expectations finite and >= 0. */
    double *pa = malloc(n * sizeof(double)), *ey = malloc(n * sizeof(double));
    CHECK_STATUS(cvm_model_probability_alive(m, cvm_summary_frequency(s), n, cvm_summary_recency(s), n,
                                             cvm_summary_T(s), n, pa, n),
                 CVM_STATUS_OK);
    CHECK_STATUS(cvm_model_conditional_expected_purchases(m, 39.0, cvm_summary_frequency(s), n, cvm_summary_recency(s),
                                                          n, cvm_summary_T(s), n, ey, n),
                 CVM_STATUS_OK);
    int bad = 0;
    for (size_t i = 0; i < n; i++) bad += !(pa[i] >= 0.0 && pa[i] <= 1.0 && isfinite(ey[i]) && ey[i] >= 0.0);
    CHECK(bad == 0);
    free(pa);
    free(ey);
    cvm_model_free(m);
}

static void test_published_fits(void) {
    cvm_summary *s = cdnow_summary();
    const double bg[4] = {0.2426, 4.4135, 0.7929, 2.4258};
    const double mbg[4] = {0.5248, 6.183, 0.8914, 1.614};
    const double pnbd[4] = {0.5533, 10.578, 0.6062, 11.67};
    check_fit(s, "bg_nbd", bg, -9582.43);
    check_fit(s, "mbg_nbd", mbg, -9582.14);
    check_fit(s, "pareto_nbd", pnbd, -9594.98);

    /* Hardie's note, with the BG/NBD fit. */
    size_t n = cvm_summary_len(s);
    cvm_model *m = NULL;
    CHECK_STATUS(
        cvm_model_fit("bg_nbd",
                      &(cvm_fit_columns){
                          {cvm_summary_frequency(s), n}, {cvm_summary_recency(s), n}, {cvm_summary_T(s), n}, {NULL, 0}},
                      NULL, &m),
        CVM_STATUS_OK);
    double x = 2, tx = 30.43, T = 38.86, e;
    CHECK_STATUS(cvm_model_conditional_expected_purchases(m, 39.0, &x, 1, &tx, 1, &T, 1, &e, 1), CVM_STATUS_OK);
    CHECK_CLOSE(e, 1.2259, 5e-5);
    const double t[6] = {0.1429, 1, 3, 31.857, 32, 78};
    const double expect[6] = {0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8580};
    double out[6];
    CHECK_STATUS(cvm_model_expected_purchases_new_customer(m, t, 6, out, 6), CVM_STATUS_OK);
    for (int i = 0; i < 6; i++) CHECK_CLOSE(out[i], expect[i], 5e-5);
    /* Intervals bracket the point predictions. */
    double lo, hi, pa;
    CHECK_STATUS(cvm_model_prediction_interval(m, 0, 0.0, &x, 1, &tx, 1, &T, 1, 0.95, &lo, &hi, 1), CVM_STATUS_OK);
    CHECK_STATUS(cvm_model_probability_alive(m, &x, 1, &tx, 1, &T, 1, &pa, 1), CVM_STATUS_OK);
    CHECK(lo <= pa && pa <= hi && lo > 0.0 && hi < 1.0);
    CHECK_STATUS(cvm_model_prediction_interval(m, 7, 0.0, &x, 1, &tx, 1, &T, 1, 0.95, &lo, &hi, 1),
                 CVM_STATUS_UNKNOWN_NAME);
    cvm_model_free(m);
    cvm_summary_free(s);
}

static void test_vectors_at_given_parameters(void) {
    const double p[4] = {0.243, 4.414, 0.793, 2.426};
    cvm_model *m = NULL;
    CHECK_STATUS(cvm_model_from_params("bg_nbd", p, 4, &m), CVM_STATUS_OK);
    double v;
    CHECK_STATUS(cvm_model_probability_of_n_purchases(m, 10, 2.0, &v), CVM_STATUS_OK);
    CHECK_CLOSE(v / 1.07869e-7, 1.0, 1e-5);
    CHECK_STATUS(cvm_model_probability_of_n_purchases(m, 0, 39.0, &v), CVM_STATUS_OK);
    CHECK_CLOSE(v, 0.5737864, 1e-7);
    CHECK_STATUS(cvm_model_probability_of_n_purchases(m, 11, 30.0, &v), CVM_STATUS_OK);
    CHECK_CLOSE(v, 0.0019995214, 1e-10);
    double x = 26, tx = 30.85714, T = 31;
    CHECK_STATUS(cvm_model_conditional_expected_purchases(m, 52.0, &x, 1, &tx, 1, &T, 1, &v, 1), CVM_STATUS_OK);
    CHECK_CLOSE(v, 25.756490509887452, 1e-9);
    CHECK_STATUS(cvm_model_probability_alive(m, &x, 1, &tx, 1, &T, 1, &v, 1), CVM_STATUS_OK);
    CHECK_CLOSE(v, 0.968852, 1e-6);
    /* Not fitted: no diagnostics, no standard errors. */
    cvm_fit_diagnostics d;
    CHECK_STATUS(cvm_model_diagnostics(m, &d), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("diagnostics", -1);
    double se[4];
    CHECK_STATUS(cvm_model_standard_errors(m, se, 4), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("covariance", -1);
    /* DERT exists for Pareto/NBD only. */
    CHECK_STATUS(cvm_model_dert(m, &x, 1, &tx, 1, &T, 1, 0.01, &v, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("model", -1);
    cvm_model_free(m);

    const double ll_params[4] = {0.25, 4.0, 0.8, 2.5};
    CHECK_STATUS(cvm_model_from_params("bg_nbd", ll_params, 4, &m), CVM_STATUS_OK);
    double fx[2] = {0, 200}, ftx[2] = {0, 38}, fT[2] = {40, 40}, ll[2];
    CHECK_STATUS(cvm_model_log_likelihood_individual(m, fx, 2, ftx, 2, fT, 2, ll, 2), CVM_STATUS_OK);
    CHECK_CLOSE(ll[0], -0.59947382, 1e-8);
    CHECK_CLOSE(ll[1] / 100.7957, 1.0, 1e-6);
    cvm_model_free(m);

    const double pp[4] = {0.553, 10.578, 0.606, 11.669};
    CHECK_STATUS(cvm_model_from_params("pareto_nbd", pp, 4, &m), CVM_STATUS_OK);
    double dx[2] = {0, 4}, dtx[2] = {0, 36}, dT[2] = {38, 38}, dert[2];
    CHECK_STATUS(cvm_model_dert(m, dx, 2, dtx, 2, dT, 2, 0.0026876, dert, 2), CVM_STATUS_OK);
    CHECK(dert[1] > dert[0] && dert[0] > 0.0);
    cvm_model_free(m);
}

/* cvm_model_predict: both predictions in one call, equal to the separate calls. */
static void test_predict(void) {
    cvm_summary *s = cdnow_summary();
    size_t n = cvm_summary_len(s);
    const double *f = cvm_summary_frequency(s), *r = cvm_summary_recency(s), *T = cvm_summary_T(s);
    const char *kinds[3] = {"bg_nbd", "mbg_nbd", "pareto_nbd"};
    const double params[3][4] = {{0.243, 4.414, 0.793, 2.426}, {0.5248, 6.183, 0.8914, 1.614},
                                 {0.5533, 10.578, 0.6062, 11.67}};
    double *pa = malloc(n * sizeof(double)), *ey = malloc(n * sizeof(double));
    double *pa1 = malloc(n * sizeof(double)), *ey1 = malloc(n * sizeof(double));
    for (int k = 0; k < 3; k++) {
        cvm_model *m = NULL;
        CHECK_STATUS(cvm_model_from_params(kinds[k], params[k], 4, &m), CVM_STATUS_OK);
        CHECK_STATUS(cvm_model_predict(m, 39.0, f, n, r, n, T, n, pa, ey, n), CVM_STATUS_OK);
        CHECK_STATUS(cvm_model_probability_alive(m, f, n, r, n, T, n, pa1, n), CVM_STATUS_OK);
        CHECK_STATUS(cvm_model_conditional_expected_purchases(m, 39.0, f, n, r, n, T, n, ey1, n), CVM_STATUS_OK);
        int bad = 0;
        for (size_t i = 0; i < n; i++) {
            bad += !(fabs(pa[i] - pa1[i]) <= 1e-12 * fabs(pa1[i]) && fabs(ey[i] - ey1[i]) <= 1e-12 * fabs(ey1[i]));
            bad += !(pa[i] >= 0.0 && pa[i] <= 1.0 && ey[i] >= 0.0);
        }
        CHECK(bad == 0);
        cvm_model_free(m);
    }
    /* The published BG/NBD figures through the combined call. */
    cvm_model *m = NULL;
    CHECK_STATUS(cvm_model_from_params("bg_nbd", params[0], 4, &m), CVM_STATUS_OK);
    double x[2] = {0, 26}, tx[2] = {0, 30.85714}, t2[2] = {38.86, 31}, p2[2], e2[2];
    CHECK_STATUS(cvm_model_predict(m, 52.0, x, 2, tx, 2, t2, 2, p2, e2, 2), CVM_STATUS_OK);
    CHECK(p2[0] == 1.0);
    CHECK_CLOSE(p2[1], 0.968852, 1e-6);
    CHECK_CLOSE(e2[1], 25.756490509887452, 1e-9);
    /* Errors: nothing written on failure. */
    double sentinel_p[2] = {-7.0, -7.0}, sentinel_e[2] = {-7.0, -7.0};
    CHECK_STATUS(cvm_model_predict(m, -1.0, x, 2, tx, 2, t2, 2, sentinel_p, sentinel_e, 2), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("t", -1);
    CHECK_STATUS(cvm_model_predict(m, 52.0, x, 2, tx, 2, t2, 2, sentinel_p, NULL, 2), CVM_STATUS_NULL_POINTER);
    CHECK_STATUS(cvm_model_predict(m, 52.0, x, 2, tx, 2, t2, 2, sentinel_p, sentinel_e, 1), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_STATUS(cvm_model_predict(m, 52.0, x, 2, tx, 1, t2, 2, sentinel_p, sentinel_e, 2), CVM_STATUS_LENGTH_MISMATCH);
    double bad_tx[2] = {0, 40};
    CHECK_STATUS(cvm_model_predict(m, 52.0, x, 2, bad_tx, 2, t2, 2, sentinel_p, sentinel_e, 2), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("recency", 1);
    CHECK_STATUS(cvm_model_predict(NULL, 52.0, x, 2, tx, 2, t2, 2, sentinel_p, sentinel_e, 2), CVM_STATUS_NULL_POINTER);
    CHECK(sentinel_p[0] == -7.0 && sentinel_p[1] == -7.0 && sentinel_e[0] == -7.0 && sentinel_e[1] == -7.0);
    cvm_model_free(m);
    free(pa);
    free(ey);
    free(pa1);
    free(ey1);
    cvm_summary_free(s);
}

static void test_bad_input(void) {
    double f[2] = {1.0, -1.0}, r[2] = {1.0, 0.0}, t[2] = {2.0, 2.0}, w[2] = {1.0, 0.0};
    cvm_model *m = NULL;
    CHECK_STATUS(cvm_model_fit("bg_nbd", &(cvm_fit_columns){{f, 2}, {r, 2}, {t, 2}, {NULL, 0}}, NULL, &m),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("frequency", 1);
    f[1] = 1.0;
    r[1] = 3.0;
    CHECK_STATUS(cvm_model_fit("bg_nbd", &(cvm_fit_columns){{f, 2}, {r, 2}, {t, 2}, {NULL, 0}}, NULL, &m),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("recency", 1);
    r[1] = 1.0;
    CHECK_STATUS(cvm_model_fit("bg_nbd", &(cvm_fit_columns){{f, 2}, {r, 2}, {t, 2}, {w, 2}}, NULL, &m),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("weights", 1);
    CHECK_STATUS(cvm_model_fit("bg_nbd", &(cvm_fit_columns){{f, 2}, {r, 1}, {t, 2}, {NULL, 0}}, NULL, &m),
                 CVM_STATUS_LENGTH_MISMATCH);
    CHECK_STATUS(cvm_model_fit("bg_nbd", &(cvm_fit_columns){{f, 0}, {r, 0}, {t, 0}, {NULL, 0}}, NULL, &m),
                 CVM_STATUS_EMPTY_INPUT);
    CHECK_STATUS(cvm_model_fit("bgnbd", &(cvm_fit_columns){{f, 2}, {r, 2}, {t, 2}, {NULL, 0}}, NULL, &m),
                 CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("model", -1);
    CHECK_STATUS(cvm_model_fit("bg_nbd", NULL, NULL, &m), CVM_STATUS_NULL_POINTER);
    CHECK_ERROR_AT("columns", -1);
    CHECK(m == NULL);
    const double neg[4] = {0.243, -4.414, 0.793, 2.426};
    CHECK_STATUS(cvm_model_from_params("bg_nbd", neg, 4, &m), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("alpha", -1);
    CHECK_STATUS(cvm_model_from_params("bg_nbd", neg, 3, &m), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_STATUS(cvm_model_from_json("{\"format\": \"cvm-model\"", &m), CVM_STATUS_JSON);
    const char *hand_edited =
        "{\"format\":\"cvm-model\",\"version\":1,\"model\":\"bg_nbd\",\"params\":{\"r\":0.2,\"alpha\":-1,"
        "\"a\":0.8,\"b\":2.4},\"fit\":null,\"covariance\":null}";
    cvm_status st = cvm_model_from_json(hand_edited, &m);
    CHECK(st == CVM_STATUS_INVALID_VALUE || st == CVM_STATUS_JSON);
    CHECK(m == NULL);
    /* Non-convergence carries diagnostics in the message. */
    cvm_summary *s = cdnow_summary();
    size_t n = cvm_summary_len(s);
    cvm_fit_options o = cvm_fit_options_default();
    o.max_iterations = 2;
    CHECK_STATUS(
        cvm_model_fit("pareto_nbd",
                      &(cvm_fit_columns){
                          {cvm_summary_frequency(s), n}, {cvm_summary_recency(s), n}, {cvm_summary_T(s), n}, {NULL, 0}},
                      &o, &m),
        CVM_STATUS_NOT_CONVERGED);
    CHECK(strstr(cvm_last_error_message(), "gradient norm") != NULL);
    cvm_summary_free(s);
    const double p[4] = {0.243, 4.414, 0.793, 2.426};
    CHECK_STATUS(cvm_model_from_params("bg_nbd", p, 4, &m), CVM_STATUS_OK);
    double out[1], tneg = -1.0;
    CHECK_STATUS(cvm_model_expected_purchases_new_customer(m, &tneg, 1, out, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("t", 0);
    double one = 1.0;
    CHECK_STATUS(cvm_model_expected_purchases_new_customer(m, &one, 1, out, 2), CVM_STATUS_LENGTH_MISMATCH);
    cvm_model_free(m);
    cvm_model_free(NULL);
    cvm_string_free(NULL);
}

int main(void) {
    test_published_fits();
    test_vectors_at_given_parameters();
    test_predict();
    test_bad_input();
    return cvm_test_finish("test_models_c");
}
