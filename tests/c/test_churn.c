#define _POSIX_C_SOURCE 200809L
/* C tests of churn calibration and evaluation: the hand-computed example of
 * cvm-core/src/churn (PAV blocks with tied scores pooled, AUC with ties counted half, Brier
 * score, ties at a bin boundary split by row order), Platt's score equations at the optimum,
 * the JSON round trip, bad inputs, and the CDNOW measurement that the Rust and Python tests
 * assert with the same figures (docs/churn.md). */
#include <stdbool.h>
#include <stdint.h>

#include "cvm.h"
#include "cvm_test.h"
#include "cdnow.h"

static void test_isotonic_hand_example(void) {
    /* Sorted: 1→0, {2,2,3}→{1,0,0} pooled to 1/3 (mean score 7/3), 4→1 (the Rust doc example);
     * interpolation through (1, 0), (7/3, 1/3), (4, 1). */
    const double s[5] = {1.0, 2.0, 2.0, 3.0, 4.0};
    const uint8_t y[5] = {0, 1, 0, 0, 1};
    cvm_churn_calibrator *c = NULL;
    CHECK_STATUS(cvm_churn_calibrator_fit(s, 5, y, 5, NULL, 0, CVM_CALIBRATION_ISOTONIC, &c), CVM_STATUS_OK);
    const double x[4] = {0.0, 5.0 / 3.0, 19.0 / 6.0, 9.0};
    double p[4];
    CHECK_STATUS(cvm_churn_calibrator_transform(c, x, 4, p, 4), CVM_STATUS_OK);
    CHECK(p[0] == 0.0 && p[3] == 1.0);
    CHECK_CLOSE(p[1], 1.0 / 6.0, 1e-15);
    CHECK_CLOSE(p[2], 2.0 / 3.0, 1e-15);
    uint32_t m = 99;
    CHECK_STATUS(cvm_churn_calibrator_method(c, &m), CVM_STATUS_OK);
    CHECK(m == CVM_CALIBRATION_ISOTONIC);

    /* JSON round trip gives the same probabilities, bit for bit. */
    char *json = NULL;
    CHECK_STATUS(cvm_churn_calibrator_to_json(c, &json), CVM_STATUS_OK);
    CHECK(json && strstr(json, "\"kind\": \"isotonic\"") != NULL);
    cvm_churn_calibrator *back = NULL;
    CHECK_STATUS(cvm_churn_calibrator_from_json(json, &back), CVM_STATUS_OK);
    double q[4];
    CHECK_STATUS(cvm_churn_calibrator_transform(back, x, 4, q, 4), CVM_STATUS_OK);
    CHECK(memcmp(p, q, sizeof p) == 0);
    CHECK_STATUS(cvm_churn_calibrator_transform(back, x, 4, q, 3), CVM_STATUS_LENGTH_MISMATCH);
    cvm_string_free(json);
    cvm_churn_calibrator_free(back);
    cvm_churn_calibrator_free(c);
    cvm_churn_calibrator_free(NULL);
}

static void test_platt(void) {
    const double s[6] = {0.0, 1.0, 2.0, 3.0, 4.0, 5.0};
    const uint8_t y[6] = {0, 1, 0, 1, 0, 1};
    cvm_churn_calibrator *c = NULL;
    CHECK_STATUS(cvm_churn_calibrator_fit(s, 6, y, 6, NULL, 0, CVM_CALIBRATION_PLATT, &c), CVM_STATUS_OK);
    double p[6];
    CHECK_STATUS(cvm_churn_calibrator_transform(c, s, 6, p, 6), CVM_STATUS_OK);
    /* At the maximum-likelihood optimum: sum(y - p) = 0 and sum((y - p) s) = 0. */
    double g0 = 0, g1 = 0;
    for (int i = 0; i < 6; i++) {
        g0 += y[i] - p[i];
        g1 += (y[i] - p[i]) * s[i];
        CHECK(p[i] > 0.0 && p[i] < 1.0);
    }
    CHECK_CLOSE(g0, 0.0, 1e-9);
    CHECK_CLOSE(g1, 0.0, 1e-9);
    CHECK(p[5] > p[0]);
    cvm_churn_calibrator_free(c);

    /* Separated scores: the slope is not identified. */
    const uint8_t sep[6] = {0, 0, 0, 1, 1, 1};
    CHECK_STATUS(cvm_churn_calibrator_fit(s, 6, sep, 6, NULL, 0, CVM_CALIBRATION_PLATT, &c),
                 CVM_STATUS_NOT_IDENTIFIED);
    CHECK(strstr(cvm_last_error_message(), "separate the classes") != NULL);
}

static void test_report(void) {
    /* The Rust doc example: AUC 3/4, Brier (0.01+0.64+0.49+0.04)/4, baseline AUC 1. */
    const double p[4] = {0.9, 0.8, 0.3, 0.2};
    const uint8_t y[4] = {1, 0, 1, 0};
    const double weeks[4] = {10.0, 2.0, 8.0, 1.0};
    cvm_churn_report *r = NULL;
    CHECK_STATUS(cvm_churn_report_compute(p, 4, y, 4, NULL, 0, weeks, 4, 2, &r), CVM_STATUS_OK);
    double auc = 0, brier = 0, base_auc = 0;
    size_t bins = 0;
    bool has_base = false;
    CHECK_STATUS(cvm_churn_report_summary(r, &auc, &brier, &bins, &has_base, &base_auc), CVM_STATUS_OK);
    CHECK(auc == 0.75 && bins == 2 && has_base && base_auc == 1.0);
    CHECK_CLOSE(brier, 1.18 / 4.0, 1e-15);
    size_t count[2];
    double mean[2], obs[2], diff[2], se[2];
    CHECK_STATUS(cvm_churn_report_calibration(r, count, mean, obs, diff, se, 2), CVM_STATUS_OK);
    CHECK(count[0] == 2 && count[1] == 2 && obs[0] == 0.5 && obs[1] == 0.5);
    CHECK_CLOSE(mean[0], 0.25, 1e-15);
    CHECK_CLOSE(diff[1], 0.5 - 0.85, 1e-15);
    CHECK_CLOSE(se[0], sqrt(0.3 * 0.7 + 0.2 * 0.8) / 2.0, 1e-15);
    /* Hosmer-Lemeshow: (1 - 0.5)^2 / 0.37 + (1 - 1.7)^2 / 0.25 on 2 degrees of freedom. */
    bool has_test = false;
    double h = 0, pv = 0;
    size_t dof = 0;
    CHECK_STATUS(cvm_churn_report_calibration_test(r, &has_test, &h, &dof, &pv), CVM_STATUS_OK);
    CHECK(has_test && dof == 2);
    CHECK_CLOSE(h, 0.25 / 0.37 + 0.49 / 0.25, 1e-13);
    CHECK_CLOSE(pv, exp(-h / 2.0), 1e-13);
    size_t churners[2];
    double share[2], lift[2];
    CHECK_STATUS(cvm_churn_report_gains(r, CVM_CHURN_SIDE_BASELINE, count, churners, share, lift, 2), CVM_STATUS_OK);
    CHECK(churners[0] == 2 && churners[1] == 0 && share[0] == 1.0 && lift[0] == 2.0 && lift[1] == 0.0);
    CHECK_STATUS(cvm_churn_report_gains(r, CVM_CHURN_SIDE_SCORE, NULL, churners, NULL, lift, 2), CVM_STATUS_OK);
    CHECK(churners[0] == 1 && lift[0] == 1.0);
    CHECK_STATUS(cvm_churn_report_gains(r, 7, NULL, NULL, NULL, NULL, 2), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("side", -1);
    CHECK_STATUS(cvm_churn_report_calibration(r, count, NULL, NULL, NULL, NULL, 3), CVM_STATUS_LENGTH_MISMATCH);
    cvm_churn_report_free(r);

    /* Ties at a bin boundary are split by row order; AUC counts the tie half. */
    const double t[4] = {0.9, 0.5, 0.5, 0.1};
    CHECK_STATUS(cvm_churn_report_compute(t, 4, y, 4, NULL, 0, NULL, 0, 2, &r), CVM_STATUS_OK);
    CHECK_STATUS(cvm_churn_report_summary(r, &auc, NULL, NULL, &has_base, NULL), CVM_STATUS_OK);
    CHECK(auc == 0.875 && !has_base);
    CHECK_STATUS(cvm_churn_report_calibration(r, NULL, NULL, obs, NULL, NULL, 2), CVM_STATUS_OK);
    CHECK(obs[0] == 0.0 && obs[1] == 1.0);
    CHECK_STATUS(cvm_churn_report_gains(r, CVM_CHURN_SIDE_BASELINE, NULL, NULL, NULL, NULL, 2),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("side", -1);
    cvm_churn_report_free(r);

    /* A probability of 0 contradicted by a churner: no test, outputs zeroed. */
    const double certain[4] = {0.0, 0.0, 1.0, 1.0};
    CHECK_STATUS(cvm_churn_report_compute(certain, 4, y, 4, NULL, 0, NULL, 0, 2, &r), CVM_STATUS_OK);
    has_test = true;
    h = pv = 1;
    CHECK_STATUS(cvm_churn_report_calibration_test(r, &has_test, &h, NULL, &pv), CVM_STATUS_OK);
    CHECK(!has_test && h == 0.0 && pv == 0.0);
    cvm_churn_report_free(r);
    cvm_churn_report_free(NULL);
}

/* CDNOW, BG/NBD fitted on the calibration summary, score exp(-E) over the 39-week holdout: the
 * calibrator fitted on the even customer ids brings the odd ids to the figures of
 * cvm-core/tests/it/churn.rs and cvm-py/tests/test_churn.py. */
static void test_cdnow_calibrated_on_the_other_half(void) {
    cdnow_log_t log = cdnow_read_log();
    cvm_summary *s = cdnow_calibration_summary(&log);
    size_t n = cvm_summary_len(s);
    const double *f = cvm_summary_frequency(s), *r = cvm_summary_recency(s), *T = cvm_summary_T(s);
    const double *fh = cvm_summary_frequency_holdout(s);
    const int64_t *ids = cvm_summary_customer_ids(s);
    cvm_model *m = NULL;
    CHECK_STATUS(cvm_model_fit("bg_nbd", &(cvm_fit_columns){{f, n}, {r, n}, {T, n}, {NULL, 0}}, NULL, &m),
                 CVM_STATUS_OK);
    double *score = malloc(n * sizeof(double));
    CHECK_STATUS(cvm_churn_risk(m, &(cvm_churn_risk_columns){{f, n}, {r, n}, {T, n}, {NULL, 0}}, 39.0, NULL,
                                &(cvm_churn_risk_outputs){NULL, score, NULL, NULL, NULL, NULL, NULL, n}),
                 CVM_STATUS_OK);
    /* Halves by id parity: fit on even ids, judge on odd ids. */
    double *s_even = malloc(n * sizeof(double)), *s_odd = malloc(n * sizeof(double));
    double *base_odd = malloc(n * sizeof(double)), *p = malloc(n * sizeof(double));
    uint8_t *y_even = malloc(n), *y_odd = malloc(n);
    size_t ne = 0, no = 0;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] % 2 == 0) {
            s_even[ne] = score[i];
            y_even[ne++] = fh[i] == 0.0;
        } else {
            s_odd[no] = score[i];
            base_odd[no] = T[i] - r[i];
            y_odd[no++] = fh[i] == 0.0;
        }
    }
    CHECK(ne == 1178 && no == 1179);
    const struct {
        uint32_t method;
        double worst, h, p_value;
    } cases[] = {{CVM_CALIBRATION_ISOTONIC, 0.0635, 9.749, 0.463}, {CVM_CALIBRATION_PLATT, 0.0711, 13.597, 0.192}};
    for (size_t k = 0; k < 2; k++) {
        cvm_churn_calibrator *c = NULL;
        CHECK_STATUS(cvm_churn_calibrator_fit(s_even, ne, y_even, ne, NULL, 0, cases[k].method, &c), CVM_STATUS_OK);
        CHECK_STATUS(cvm_churn_calibrator_transform(c, s_odd, no, p, no), CVM_STATUS_OK);
        cvm_churn_report *rep = NULL;
        CHECK_STATUS(cvm_churn_report_compute(p, no, y_odd, no, s_odd, no, base_odd, no, 10, &rep), CVM_STATUS_OK);
        double auc = 0, base_auc = 0, diff[10], worst = 0, h = 0, pv = 0;
        CHECK_STATUS(cvm_churn_report_summary(rep, &auc, NULL, NULL, NULL, &base_auc), CVM_STATUS_OK);
        CHECK_STATUS(cvm_churn_report_calibration(rep, NULL, NULL, NULL, diff, NULL, 10), CVM_STATUS_OK);
        CHECK_STATUS(cvm_churn_report_calibration_test(rep, NULL, &h, NULL, &pv), CVM_STATUS_OK);
        CHECK_CLOSE(h, cases[k].h, 5e-3);
        CHECK_CLOSE(pv, cases[k].p_value, 5e-4);
        for (int b = 0; b < 10; b++) worst = fabs(diff[b]) > worst ? fabs(diff[b]) : worst;
        CHECK_CLOSE(worst, cases[k].worst, 5e-4);
        CHECK_CLOSE(auc, 0.7791, 5e-4);
        CHECK_CLOSE(base_auc, 0.7741, 5e-4);
        cvm_churn_report_free(rep);
        cvm_churn_calibrator_free(c);
    }
    free(score); free(s_even); free(s_odd); free(base_odd); free(p); free(y_even); free(y_odd);
    cvm_model_free(m);
    cvm_summary_free(s);
    cdnow_free_log(&log);
}

int main(void) {
    test_isotonic_hand_example();
    test_platt();
    test_report();
    test_cdnow_calibrated_on_the_other_half();
    return cvm_test_finish("test_churn");
}
