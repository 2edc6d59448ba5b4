/* C test program for the covariate models on CDNOW with a covariate from the first purchase
 * (above the median first purchase): the C numbers are the plain C model's at each customer's
 * parameters, the fit without covariates is the plain fit, JSON round trip, the LR test, CLV
 * and the errors. */
#define _POSIX_C_SOURCE 200809L
#include "cdnow.h"

/* 1 for each summary customer whose first purchase is above the median first purchase. */
static double *big_first(const cdnow_log_t *log, const cvm_summary *s) {
    size_t n = cvm_summary_len(s);
    double *first = calloc(CDNOW_MAX_TX, sizeof(double)), *v = malloc(n * sizeof(double));
    for (size_t k = log->n; k-- > 0;) first[log->id[k]] = log->amount[k]; /* the earliest row wins */
    const int64_t *ids = cvm_summary_customer_ids(s);
    size_t above = 0;
    for (size_t i = 0; i < n; i++) v[i] = first[ids[i]];
    /* the median by counting: the smallest value with at least half the values at or below it */
    double median = 0;
    for (size_t i = 0; i < n; i++) {
        size_t le = 0;
        for (size_t j = 0; j < n; j++) le += v[j] <= v[i];
        if (le * 2 >= n && (median == 0 || v[i] < median)) median = v[i];
    }
    for (size_t i = 0; i < n; i++) above += (v[i] = v[i] > median ? 1.0 : 0.0) > 0;
    CHECK(above > n / 4 && above < n * 3 / 4);
    free(first);
    return v;
}

static void test_fit(const cvm_summary *s, const double *big) {
    size_t n = cvm_summary_len(s);
    const double *f = cvm_summary_frequency(s), *r = cvm_summary_recency(s), *T = cvm_summary_T(s);
    cvm_fit_columns cols = {.frequency = {f, n}, .recency = {r, n}, .t = {T, n}};

    /* Without covariates: the plain fit (parameters and log-likelihood within 1e-10). */
    cvm_covariate_model *none = NULL;
    cvm_model *plain = NULL;
    CHECK_STATUS(cvm_covariate_model_fit(CVM_MODEL_PARETO_NBD, &cols, NULL, NULL, &none), CVM_STATUS_OK);
    CHECK_STATUS(cvm_model_fit("pareto_nbd", &cols, NULL, &plain), CVM_STATUS_OK);
    double p0[4], q0[4];
    cvm_fit_diagnostics d0, e0;
    CHECK(cvm_covariate_model_param_count(none) == 4);
    CHECK_STATUS(cvm_covariate_model_params(none, p0, 4), CVM_STATUS_OK);
    CHECK_STATUS(cvm_model_params(plain, q0, 4), CVM_STATUS_OK);
    for (int k = 0; k < 4; k++) CHECK_CLOSE(p0[k], q0[k], 1e-10 * q0[k]);
    CHECK_STATUS(cvm_covariate_model_diagnostics(none, &d0), CVM_STATUS_OK);
    CHECK_STATUS(cvm_model_diagnostics(plain, &e0), CVM_STATUS_OK);
    CHECK_CLOSE(d0.log_likelihood, e0.log_likelihood, 1e-10 * fabs(e0.log_likelihood));
    cvm_covariate_model_free(none);
    cvm_model_free(plain);

    /* The covariate fit: big_first on both processes. */
    cvm_covariates *z = NULL;
    CHECK_STATUS(cvm_covariates_new(n, &z), CVM_STATUS_OK);
    CHECK_STATUS(cvm_covariates_add_numeric(z, "big_first", big, n), CVM_STATUS_OK);
    cvm_process_covariates pc = {.transaction = z, .lifetime = z};
    cvm_covariate_options o = cvm_covariate_options_default();
    o.fit.time_unit = CVM_UNIT_WEEK;
    cvm_covariate_model *m = NULL;
    CHECK_STATUS(cvm_covariate_model_fit(CVM_MODEL_PARETO_NBD, &cols, &pc, &o, &m), CVM_STATUS_OK);
    if (!m) return;
    CHECK(strcmp(cvm_covariate_model_kind(m), "pareto_nbd") == 0);
    CHECK(cvm_covariate_model_param_count(m) == 6 && cvm_covariate_model_base_count(m) == 4);
    CHECK(strcmp(cvm_covariate_model_param_name(m, 4), "trans_big_first") == 0);
    CHECK(strcmp(cvm_covariate_model_param_name(m, 5), "life_big_first") == 0);
    CHECK(cvm_covariate_model_param_name(m, 6) == NULL);
    CHECK(cvm_covariate_model_time_unit(m) == CVM_UNIT_WEEK);
    double p[6], se[6], lo[6], hi[6];
    CHECK_STATUS(cvm_covariate_model_params(m, p, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_covariate_model_standard_errors(m, se, 6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_covariate_model_confidence_intervals(m, 0.95, lo, hi, 6), CVM_STATUS_OK);
    CHECK_CLOSE(hi[4] - lo[4], 2 * 1.959963984540054 * se[4], 1e-9);
    /* Customers with a big first purchase buy more often (a clear effect). */
    CHECK(p[4] > 3 * se[4]);
    cvm_likelihood_ratio_test t;
    CHECK_STATUS(cvm_covariate_model_likelihood_ratio_test(m, &t), CVM_STATUS_OK);
    CHECK(t.df == 2 && t.p_value < 1e-3);
    CHECK_CLOSE(t.plain_log_likelihood, e0.log_likelihood, 1e-6 * fabs(e0.log_likelihood));
    printf("CDNOW Pareto/NBD with big_first: trans %.4f (se %.4f), life %.4f (se %.4f); LR %.2f, p = %.3g\n", p[4],
           se[4], p[5], se[5], t.statistic, t.p_value);

    /* Each customer's P(alive) is the plain C model's at that customer's parameters (1e-12). */
    double *alive = malloc(n * sizeof(double)), *cp = malloc(4 * n * sizeof(double));
    CHECK_STATUS(cvm_covariate_model_probability_alive(m, f, n, r, n, T, n, &pc, alive, n), CVM_STATUS_OK);
    CHECK_STATUS(cvm_covariate_model_customer_params(m, n, &pc, cp, 4 * n), CVM_STATUS_OK);
    int bad = 0, base = 0;
    for (size_t i = 0; i < n; i += 7) {
        cvm_model *pm = NULL;
        double a = -1;
        if (cvm_model_from_params("pareto_nbd", cp + 4 * i, 4, &pm) != CVM_STATUS_OK ||
            cvm_model_probability_alive(pm, f + i, 1, r + i, 1, T + i, 1, &a, 1) != CVM_STATUS_OK)
            bad++;
        bad += fabs(alive[i] - a) > 1e-12;
        /* all-zero covariates: the base parameters */
        if (big[i] == 0.0) base += memcmp(cp + 4 * i, p, 4 * sizeof(double)) != 0;
        cvm_model_free(pm);
    }
    CHECK(bad == 0 && base == 0);

    /* JSON round trip. */
    char *json = NULL;
    CHECK_STATUS(cvm_covariate_model_to_json(m, &json), CVM_STATUS_OK);
    cvm_covariate_model *back = NULL;
    CHECK_STATUS(cvm_covariate_model_from_json(json, &back), CVM_STATUS_OK);
    double q[6];
    CHECK_STATUS(cvm_covariate_model_params(back, q, 6), CVM_STATUS_OK);
    CHECK(memcmp(p, q, sizeof p) == 0);
    cvm_string_free(json);
    cvm_covariate_model_free(back);

    /* CLV per customer with a plain Gamma-Gamma. */
    const double *mv = cvm_summary_monetary_value(s);
    cvm_gamma_gamma *gg = NULL;
    CHECK_STATUS(cvm_gamma_gamma_fit(f, n, mv, n, NULL, 0, NULL, &gg), CVM_STATUS_OK);
    cvm_clv_sides sides = {.transaction = m, .plain_spend = gg};
    cvm_clv_customers cc = {.frequency = {f, n}, .recency = {r, n}, .t = {T, n}, .monetary_value = {mv, n}};
    double *clv = malloc(n * sizeof(double)), *dp = malloc(n * sizeof(double)), *es = malloc(n * sizeof(double));
    cvm_clv_outputs out = {.clv = clv, .discounted_purchases = dp, .expected_spend = es, .n = n};
    CHECK_STATUS(cvm_covariate_clv(&sides, &cc, &pc, NULL, &out), CVM_STATUS_OK);
    bad = 0;
    for (size_t i = 0; i < n; i++) bad += !(isfinite(clv[i]) && fabs(clv[i] - es[i] * dp[i]) <= 1e-9 * (1 + clv[i]));
    CHECK(bad == 0);
    sides.spend = m; /* both spend sides */
    CHECK_STATUS(cvm_covariate_clv(&sides, &cc, &pc, NULL, &out), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("spend", -1);

    /* Predicting without the lifetime covariates names them. */
    cvm_process_covariates only = {.transaction = z};
    CHECK_STATUS(cvm_covariate_model_probability_alive(m, f, n, r, n, T, n, &only, alive, n),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("life_covariates", -1);
    free(alive);
    free(cp);
    free(clv);
    free(dp);
    free(es);
    cvm_gamma_gamma_free(gg);
    cvm_covariate_model_free(m);
    cvm_covariates_free(z);
}

static void test_errors(const cvm_summary *s) {
    size_t n = cvm_summary_len(s);
    const double *f = cvm_summary_frequency(s), *r = cvm_summary_recency(s), *T = cvm_summary_T(s);
    cvm_fit_columns cols = {.frequency = {f, n}, .recency = {r, n}, .t = {T, n}};
    double *flat = malloc(n * sizeof(double));
    for (size_t i = 0; i < n; i++) flat[i] = 3.0;
    cvm_covariates *z = NULL;
    CHECK_STATUS(cvm_covariates_new(n, &z), CVM_STATUS_OK);
    CHECK_STATUS(cvm_covariates_add_numeric(z, "flat", flat, n), CVM_STATUS_OK);
    cvm_process_covariates pc = {.transaction = z};
    cvm_covariate_model *m = NULL;
    /* A constant column is not identifiable, naming it. */
    CHECK_STATUS(cvm_covariate_model_fit(CVM_MODEL_BG_NBD, &cols, &pc, NULL, &m), CVM_STATUS_NOT_IDENTIFIED);
    CHECK(strstr(cvm_last_error_message(), "`flat`") != NULL && m == NULL);
    /* A bad kind code; a NULL; rows that are not the customers. */
    CHECK_STATUS(cvm_covariate_model_fit(42, &cols, &pc, NULL, &m), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("kind", -1);
    CHECK_STATUS(cvm_covariate_model_fit(CVM_MODEL_BG_NBD, NULL, &pc, NULL, &m), CVM_STATUS_NULL_POINTER);
    CHECK_ERROR_AT("columns", -1);
    cvm_fit_columns shorter = {.frequency = {f, n - 1}, .recency = {r, n - 1}, .t = {T, n - 1}};
    CHECK_STATUS(cvm_covariate_model_fit(CVM_MODEL_BG_NBD, &shorter, &pc, NULL, &m), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("trans_covariates", -1);
    /* An unseen level at prediction names the column and the row. */
    const char *channel[3] = {"web", "email", "store"};
    char **labels = malloc(n * sizeof(char *));
    for (size_t i = 0; i < n; i++) labels[i] = (char *)channel[i % 3];
    cvm_covariates *zc = NULL;
    CHECK_STATUS(cvm_covariates_new(n, &zc), CVM_STATUS_OK);
    CHECK_STATUS(cvm_covariates_add_categorical(zc, "channel", (const char *const *)labels, n, "web"),
                 CVM_STATUS_OK);
    pc.transaction = zc;
    CHECK_STATUS(cvm_covariate_model_fit(CVM_MODEL_BG_NBD, &cols, &pc, NULL, &m), CVM_STATUS_OK);
    CHECK(strcmp(cvm_covariate_model_param_name(m, 4), "trans_channel[email]") == 0);
    const char *fresh[2] = {"web", "phone"};
    cvm_covariates *zn = NULL;
    CHECK_STATUS(cvm_covariates_new(2, &zn), CVM_STATUS_OK);
    CHECK_STATUS(cvm_covariates_add_categorical(zn, "channel", fresh, 2, NULL), CVM_STATUS_OK);
    cvm_process_covariates pn = {.transaction = zn};
    double out[2];
    CHECK_STATUS(cvm_covariate_model_conditional_expected_purchases(m, 10, f, 2, r, 2, T, 2, &pn, out, 2),
                 CVM_STATUS_INVALID_VALUE);
    CHECK(cvm_last_error_index() == 1 && strstr(cvm_last_error_message(), "phone") != NULL);
    /* A NULL label is a missing value naming the column and the row. */
    labels[5] = NULL;
    CHECK_STATUS(cvm_covariates_add_categorical(zc, "channel2", (const char *const *)labels, n, NULL),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("channel2", 5);
    free(labels);
    free(flat);
    cvm_covariate_model_free(m);
    cvm_covariates_free(z);
    cvm_covariates_free(zc);
    cvm_covariates_free(zn);
}

int main(void) {
    cdnow_log_t log = cdnow_read_log();
    cvm_summary *s = cdnow_calibration_summary(&log);
    double *big = big_first(&log, s);
    test_fit(s, big);
    test_errors(s);
    free(big);
    cvm_summary_free(s);
    cdnow_free_log(&log);
    return cvm_test_finish("test_covariates");
}
