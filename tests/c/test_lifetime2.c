/* C test program for Gamma-Gamma, BG/BB, sBG and probabilistic CLV: published figures, the
 * lifetimes cross-check on a handful of CDNOW customers, JSON, and every bad-input case. */
#define _POSIX_C_SOURCE 200809L
#include "cvm.h"
#include "cvm_test.h"

#define N_CDNOW 2357

/* `v` rounds to `shown` at `decimals` decimals. */
static int printed(double v, double shown, int decimals) {
    double half = 0.5 * pow(10.0, -decimals);
    return v >= shown - half - 1e-12 && v < shown + half;
}

/* `v` truncated (not rounded) to `decimals` decimals is `shown`. */
static int truncated(double v, double shown, int decimals) {
    return v >= shown - 1e-12 && v < shown + pow(10.0, -decimals);
}

/* Columns of a numeric CSV with a header line; returns the number of rows read. */
static size_t read_csv(const char *path, size_t ncol, double *cols[], size_t max_rows) {
    char *text = cvm_read_file(path);
    char *save = NULL;
    size_t n = 0;
    char *line = strtok_r(text, "\r\n", &save); /* header */
    for (line = strtok_r(NULL, "\r\n", &save); line && n < max_rows; line = strtok_r(NULL, "\r\n", &save)) {
        char *p = line;
        for (size_t c = 0; c < ncol; c++) {
            char *end = NULL;
            cols[c][n] = strtod(p, &end);
            p = (*end == ',') ? end + 1 : end;
        }
        n++;
    }
    free(text);
    return n;
}

static double cx[N_CDNOW], ctx[N_CDNOW], cT[N_CDNOW], cz[N_CDNOW];

static void load_cdnow(void) {
    static double id[N_CDNOW];
    double *cols[] = {id, cx, ctx, cT, cz};
    size_t n = read_csv("../../data/cdnow_customers_summary_with_transactions.csv", 5, cols, N_CDNOW);
    CHECK(n == N_CDNOW);
}

static void test_gamma_gamma(cvm_gamma_gamma **out) {
    cvm_gamma_gamma *gg = NULL;
    CHECK_STATUS(cvm_gamma_gamma_fit(cx, N_CDNOW, cz, N_CDNOW, NULL, 0, NULL, &gg), CVM_STATUS_OK);
    *out = gg;
    if (!gg) return;
    double p[3], se[3];
    CHECK_STATUS(cvm_gamma_gamma_params(gg, p, 3), CVM_STATUS_OK);
    CHECK(printed(p[0], 6.25, 2));
    CHECK(printed(p[1], 3.74, 2));
    CHECK(truncated(p[2], 15.44, 2));
    cvm_fit_diagnostics d;
    CHECK_STATUS(cvm_gamma_gamma_diagnostics(gg, &d), CVM_STATUS_OK);
    CHECK_CLOSE(d.n_obs, 946.0, 0.0);
    CHECK(d.converged && d.gradient_norm <= 1e-8);
    CHECK_STATUS(cvm_gamma_gamma_standard_errors(gg, se, 3), CVM_STATUS_OK);
    for (int i = 0; i < 3; i++) CHECK(se[i] > 0.0);

    double s[10];
    CHECK_STATUS(cvm_gamma_gamma_conditional_expected_average_spend(gg, cx, 10, cz, 10, s, 10), CVM_STATUS_OK);
    const double want[10] = {24.65, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17};
    const double lifetimes[10] = {24.658619, 18.911489, 35.170981, 35.170981, 35.170981,
                                  71.462843, 18.911489, 35.170981, 27.282408, 35.170981};
    for (int i = 0; i < 10; i++) {
        CHECK(truncated(s[i], want[i], 2));
        CHECK_CLOSE(s[i] / lifetimes[i], 1.0, 1e-6);
    }
    double mean = 0.0;
    CHECK_STATUS(cvm_gamma_gamma_population_mean_spend(gg, &mean), CVM_STATUS_OK);
    CHECK(s[2] == mean);
    CHECK_CLOSE(mean, p[0] * p[2] / (p[1] - 1.0), 1e-12);

    double c = 1.0;
    CHECK_STATUS(cvm_frequency_monetary_correlation(cx, N_CDNOW, cz, N_CDNOW, NULL, 0, &c), CVM_STATUS_OK);
    CHECK(fabs(c) < 0.2);

    char *json = NULL;
    CHECK_STATUS(cvm_gamma_gamma_to_json(gg, &json), CVM_STATUS_OK);
    cvm_gamma_gamma *back = NULL;
    CHECK_STATUS(cvm_gamma_gamma_from_json(json, &back), CVM_STATUS_OK);
    double q[3];
    CHECK_STATUS(cvm_gamma_gamma_params(back, q, 3), CVM_STATUS_OK);
    CHECK(memcmp(p, q, sizeof p) == 0);
    cvm_gamma_gamma_free(back);
    cvm_string_free(json);

    /* q <= 1: the infinite mean is an error, and nothing is written. */
    cvm_gamma_gamma *heavy = NULL;
    CHECK_STATUS(cvm_gamma_gamma_from_params(2.0, 0.9, 10.0, &heavy), CVM_STATUS_OK);
    double untouched = -7.0;
    CHECK_STATUS(cvm_gamma_gamma_population_mean_spend(heavy, &untouched), CVM_STATUS_NUMERICAL);
    CHECK(untouched == -7.0);
    cvm_gamma_gamma_free(heavy);
}

static void test_gamma_gamma_bad_input(void) {
    cvm_gamma_gamma *m = NULL;
    double f1[] = {1, 2}, z1[] = {10, -1};
    CHECK_STATUS(cvm_gamma_gamma_fit(f1, 2, z1, 2, NULL, 0, NULL, &m), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("monetary_value", 1);
    double f2[] = {0, 3}, z2[] = {0, 0};
    CHECK_STATUS(cvm_gamma_gamma_fit(f2, 2, z2, 2, NULL, 0, NULL, &m), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("monetary_value", 1);
    double f3[] = {0, 0};
    CHECK_STATUS(cvm_gamma_gamma_fit(f3, 2, z2, 2, NULL, 0, NULL, &m), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("frequency", -1); /* zero repeat buyers */
    double f4[] = {1, 2.5}, z4[] = {1, 1};
    CHECK_STATUS(cvm_gamma_gamma_fit(f4, 2, z4, 2, NULL, 0, NULL, &m), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("frequency", 1);
    double w[] = {1, -2};
    CHECK_STATUS(cvm_gamma_gamma_fit(f1, 2, z4, 2, w, 2, NULL, &m), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("weights", 1);
    CHECK_STATUS(cvm_gamma_gamma_fit(f1, 2, z4, 1, NULL, 0, NULL, &m), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_STATUS(cvm_gamma_gamma_fit(NULL, 0, NULL, 0, NULL, 0, NULL, &m), CVM_STATUS_EMPTY_INPUT);
    CHECK_STATUS(cvm_gamma_gamma_fit(NULL, 2, z4, 2, NULL, 0, NULL, &m), CVM_STATUS_NULL_POINTER);
    CHECK_STATUS(cvm_gamma_gamma_from_params(1.0, NAN, 1.0, &m), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("q", -1);
    CHECK(m == NULL);
    cvm_gamma_gamma_free(NULL);
}

static void test_bg_bb(void) {
    double f[32], r[32], n[32], w[32];
    double *cols[] = {f, r, n, w};
    size_t rows = read_csv("../../data/donations.csv", 4, cols, 32);
    CHECK(rows == 22);
    cvm_bg_bb *m = NULL;
    CHECK_STATUS(cvm_bg_bb_fit(&(cvm_fit_columns){{f, rows}, {r, rows}, {n, rows}, {w, rows}}, NULL, &m),
                 CVM_STATUS_OK);
    if (!m) return;
    double p[4];
    CHECK_STATUS(cvm_bg_bb_params(m, p, 4), CVM_STATUS_OK);
    CHECK(printed(p[0], 1.204, 3));
    CHECK(printed(p[1], 0.750, 3));
    CHECK(printed(p[2], 0.657, 3));
    CHECK(printed(p[3], 2.783, 3));
    cvm_fit_diagnostics d;
    CHECK_STATUS(cvm_bg_bb_diagnostics(m, &d), CVM_STATUS_OK);
    CHECK(printed(d.log_likelihood, -33225.58, 2));
    CHECK_CLOSE(d.n_obs, 11104.0, 0.0);

    double x3[] = {0, 2, 6}, tx3[] = {0, 4, 6}, n3[] = {6, 6, 6}, pa[3];
    CHECK_STATUS(cvm_bg_bb_conditional_probability_alive(m, 1, x3, 3, tx3, 3, n3, 3, pa, 3), CVM_STATUS_OK);
    CHECK(printed(pa[0], 0.11, 2));
    CHECK(printed(pa[1], 0.59, 2));
    CHECK(printed(pa[2], 0.93, 2));

    double e[32], total = 0.0;
    CHECK_STATUS(cvm_bg_bb_conditional_expected_transactions(m, 5, f, rows, r, rows, n, rows, e, rows), CVM_STATUS_OK);
    for (size_t i = 0; i < rows; i++) total += w[i] * e[i];
    CHECK(printed(total, 12884.2, 1));
    double p0 = 0.0, p6 = 0.0;
    CHECK_STATUS(cvm_bg_bb_probability_of_n_transactions(m, 0, 6, &p0), CVM_STATUS_OK);
    CHECK_STATUS(cvm_bg_bb_probability_of_n_transactions(m, 6, 6, &p6), CVM_STATUS_OK);
    CHECK(printed(11104.0 * p0, 3454.9, 1));
    CHECK(printed(11104.0 * p6, 1253.1, 1));
    double mean = 0.0, expected = 0.0;
    for (unsigned x = 0; x <= 6; x++) {
        double px = 0.0;
        cvm_bg_bb_probability_of_n_transactions(m, x, 6, &px);
        mean += x * px;
    }
    CHECK_STATUS(cvm_bg_bb_expected_transactions_new_customer(m, 6, &expected), CVM_STATUS_OK);
    CHECK_CLOSE(expected, mean, 1e-10);

    /* BG/BB in CLV: no discounting over 5 yearly opportunities = expected transactions. */
    cvm_gamma_gamma *gg = NULL;
    CHECK_STATUS(cvm_gamma_gamma_from_params(6.25, 3.74, 15.44, &gg), CVM_STATUS_OK);
    double z2[] = {50.0, 0.0}, v[2], dp[2], e2[2];
    cvm_clv_options o = cvm_clv_options_default();
    o.horizon = 5.0;
    o.time_unit = CVM_UNIT_YEAR;
    o.data_time_unit = CVM_UNIT_YEAR;
    o.discount_rate = 0.0;
    double xs[] = {6, 0}, ts[] = {6, 0}, ns[] = {6, 6};
    CHECK_STATUS(cvm_clv_bg_bb(m, gg, &(cvm_clv_customers){{xs, 2}, {ts, 2}, {ns, 2}, {z2, 2}}, &o,
            &(cvm_clv_outputs){v, dp, NULL, NULL, NULL, 2}), CVM_STATUS_OK);
    CHECK_STATUS(cvm_bg_bb_conditional_expected_transactions(m, 5, xs, 2, ts, 2, ns, 2, e2, 2), CVM_STATUS_OK);
    CHECK_CLOSE(dp[0] / e2[0], 1.0, 1e-10);
    CHECK_CLOSE(dp[1] / e2[1], 1.0, 1e-10);
    CHECK(v[0] > v[1] && v[1] > 0.0);
    cvm_gamma_gamma_free(gg);

    /* Bad histories name the field and the first offending index. */
    cvm_bg_bb *bad = NULL;
    double bf[] = {0, 1}, br[] = {0, 3}, bn[] = {6, 2};
    CHECK_STATUS(cvm_bg_bb_fit(&(cvm_fit_columns){{bf, 2}, {br, 2}, {bn, 2}, {NULL, 0}}, NULL, &bad),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("recency", 1);
    double bf2[] = {0, 4}, bn2[] = {6, 6};
    CHECK_STATUS(cvm_bg_bb_fit(&(cvm_fit_columns){{bf2, 2}, {br, 2}, {bn2, 2}, {NULL, 0}}, NULL, &bad),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("frequency", 1);
    double bf3[] = {0, 0};
    CHECK_STATUS(cvm_bg_bb_fit(&(cvm_fit_columns){{bf3, 2}, {br, 2}, {bn2, 2}, {NULL, 0}}, NULL, &bad),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("recency", 1);
    double bn4[] = {6, -6};
    CHECK_STATUS(cvm_bg_bb_fit(&(cvm_fit_columns){{bf, 2}, {br, 2}, {bn4, 2}, {NULL, 0}}, NULL, &bad),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("n_periods", 1);
    CHECK(bad == NULL);
    cvm_bg_bb_free(NULL);
    cvm_bg_bb_free(m);
}

static void test_sbg(void) {
    double year[16], reg[16], high[16];
    double *cols[] = {year, reg, high};
    size_t rows = read_csv("../../data/sbg_retention_survival.csv", 3, cols, 16);
    CHECK(rows == 13);
    for (size_t i = 0; i < rows; i++) {
        reg[i] = round(reg[i] * 10.0);
        high[i] = round(high[i] * 10.0);
    }
    cvm_sbg *r = NULL, *h = NULL;
    CHECK_STATUS(cvm_sbg_fit_cohort(reg, 8, NULL, &r), CVM_STATUS_OK);
    CHECK_STATUS(cvm_sbg_fit_cohort(high, 8, NULL, &h), CVM_STATUS_OK);
    if (!r || !h) return;
    double p[2];
    CHECK_STATUS(cvm_sbg_params(r, p, 2), CVM_STATUS_OK);
    CHECK(printed(p[0], 0.704, 3) && printed(p[1], 1.182, 3));
    CHECK_STATUS(cvm_sbg_params(h, p, 2), CVM_STATUS_OK);
    CHECK(printed(p[0], 0.668, 3) && printed(p[1], 3.806, 3));
    cvm_fit_diagnostics d;
    CHECK_STATUS(cvm_sbg_diagnostics(h, &d), CVM_STATUS_OK);
    CHECK(printed(d.log_likelihood, -1611.16, 2));
    CHECK_CLOSE(d.n_obs, 1000.0, 0.0);
    double t[] = {8, 9, 10, 11, 12}, s[5];
    const double want[] = {46.0, 43.6, 41.4, 39.5, 37.8};
    CHECK_STATUS(cvm_sbg_survival(h, t, 5, s, 5), CVM_STATUS_OK);
    for (int i = 0; i < 5; i++) CHECK(printed(100.0 * s[i], want[i], 1));
    double rt[1], t1[] = {12}, s11[1], t11[] = {11};
    CHECK_STATUS(cvm_sbg_retention_rate(h, t1, 1, rt, 1), CVM_STATUS_OK);
    CHECK_STATUS(cvm_sbg_survival(h, t11, 1, s11, 1), CVM_STATUS_OK);
    CHECK_CLOSE(rt[0], s[4] / s11[0], 1e-12);
    double renew[] = {7, 0}, derl[2];
    CHECK_STATUS(cvm_sbg_derl(h, 0.10, renew, 2, derl, 2), CVM_STATUS_OK);
    CHECK(printed(derl[0], 7.53, 2));
    double elv = 0.0;
    CHECK_STATUS(cvm_sbg_expected_lifetime_value(h, 1.0, 0.10, &elv), CVM_STATUS_OK);
    CHECK_CLOSE(elv, 1.0 + derl[1] / 1.1, 1e-10);

    /* Per-customer fit on the same cohort. */
    double dur[8], act[8], w[8];
    for (int k = 1; k <= 7; k++) {
        dur[k - 1] = k;
        act[k - 1] = 0;
        w[k - 1] = high[k - 1] - high[k];
    }
    dur[7] = 7, act[7] = 1, w[7] = high[7];
    cvm_sbg *hc = NULL;
    CHECK_STATUS(cvm_sbg_fit(dur, 8, act, 8, w, 8, NULL, &hc), CVM_STATUS_OK);
    double pc[2];
    CHECK_STATUS(cvm_sbg_params(hc, pc, 2), CVM_STATUS_OK);
    CHECK_CLOSE(pc[0] / p[0], 1.0, 1e-6);
    cvm_sbg_free(hc);

    /* Bad input. */
    cvm_sbg *bad = NULL;
    double inc[] = {100, 90, 95};
    CHECK_STATUS(cvm_sbg_fit_cohort(inc, 3, NULL, &bad), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("alive", 2);
    double zero[] = {0, 0};
    CHECK_STATUS(cvm_sbg_fit_cohort(zero, 2, NULL, &bad), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("alive", 0);
    double frac[] = {100, 50.5};
    CHECK_STATUS(cvm_sbg_fit_cohort(frac, 2, NULL, &bad), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("alive", 1);
    double bd[] = {1, 0}, ba[] = {0, 0};
    CHECK_STATUS(cvm_sbg_fit(bd, 2, ba, 2, NULL, 0, NULL, &bad), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("duration", 1);
    double bd2[] = {1, 2}, ba2[] = {0, 0.5};
    CHECK_STATUS(cvm_sbg_fit(bd2, 2, ba2, 2, NULL, 0, NULL, &bad), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("still_active", 1);
    CHECK_STATUS(cvm_sbg_derl(h, 0.0, renew, 1, derl, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("discount_rate", -1);
    CHECK(bad == NULL);

    char *json = NULL;
    CHECK_STATUS(cvm_sbg_to_json(h, &json), CVM_STATUS_OK);
    cvm_sbg *back = NULL;
    CHECK_STATUS(cvm_sbg_from_json(json, &back), CVM_STATUS_OK);
    double q[2];
    CHECK_STATUS(cvm_sbg_params(back, q, 2), CVM_STATUS_OK);
    CHECK(memcmp(p, q, sizeof p) == 0);
    cvm_string_free(json);
    cvm_sbg_free(back);
    cvm_sbg_free(r);
    cvm_sbg_free(h);
    cvm_sbg_free(NULL);
}

/* lifetimes' customer_lifetime_value(time=12, discount_rate=0.01, freq="W") on the first CDNOW
 * customers, from the committed golden file (fitted parameters on every row). */
static void test_clv_lifetimes(void) {
    enum { K = 8, NC = 14 };
    static double store[NC][K];
    double *cols[NC];
    for (int c = 0; c < NC; c++) cols[c] = store[c];
    size_t rows = read_csv("../../cvm-py/tests/data/lifetimes_clv_cdnow.csv", NC, cols, K);
    CHECK(rows == K);
    /* Columns: ID, clv_bg_nbd, clv_pareto_nbd, bg r alpha a b, pareto r alpha s beta, gg p q v. */
    double bgp[4] = {store[3][0], store[4][0], store[5][0], store[6][0]};
    double pnp[4] = {store[7][0], store[8][0], store[9][0], store[10][0]};
    cvm_model *bg = NULL, *pn = NULL;
    cvm_gamma_gamma *gg = NULL;
    CHECK_STATUS(cvm_model_from_params("bg_nbd", bgp, 4, &bg), CVM_STATUS_OK);
    CHECK_STATUS(cvm_model_from_params("pareto_nbd", pnp, 4, &pn), CVM_STATUS_OK);
    CHECK_STATUS(cvm_gamma_gamma_from_params(store[11][0], store[12][0], store[13][0], &gg), CVM_STATUS_OK);
    /* The golden summary is in weeks: the models say so, and CLV reads the unit from them. */
    cvm_model *tmp = bg;
    CHECK_STATUS(cvm_model_with_time_unit(tmp, CVM_UNIT_WEEK, &bg), CVM_STATUS_OK);
    cvm_model_free(tmp);
    tmp = pn;
    CHECK_STATUS(cvm_model_with_time_unit(tmp, CVM_UNIT_WEEK, &pn), CVM_STATUS_OK);
    cvm_model_free(tmp);
    cvm_clv_options o = cvm_clv_options_default();
    CHECK(o.data_time_unit == CVM_UNIT_PERIOD && o.method == CVM_CLV_CONTINUOUS && o.time_unit == CVM_UNIT_MONTH);
    o.method = CVM_CLV_LIFETIMES;
    double v[K], dp[K], sp[K];
    CHECK_STATUS(cvm_clv(bg, gg, &(cvm_clv_customers){{cx, K}, {ctx, K}, {cT, K}, {cz, K}}, &o,
            &(cvm_clv_outputs){v, dp, sp, NULL, NULL, K}), CVM_STATUS_OK);
    for (int i = 0; i < K; i++) {
        CHECK_CLOSE(v[i] / store[1][i], 1.0, 1e-6);
        CHECK_CLOSE(v[i], sp[i] * dp[i], 1e-12 * v[i]);
    }
    CHECK_STATUS(cvm_clv(pn, gg, &(cvm_clv_customers){{cx, K}, {ctx, K}, {cT, K}, {cz, K}}, &o,
            &(cvm_clv_outputs){v, NULL, NULL, NULL, NULL, K}), CVM_STATUS_OK);
    for (int i = 0; i < K; i++) CHECK_CLOSE(v[i] / store[2][i], 1.0, 1e-6);

    /* Bad options and columns. */
    double before = v[0];
    cvm_clv_options bad = cvm_clv_options_default();
    bad.discount_rate = -1.0;
    CHECK_STATUS(cvm_clv(bg, gg, &(cvm_clv_customers){{cx, K}, {ctx, K}, {cT, K}, {cz, K}}, &bad,
            &(cvm_clv_outputs){v, NULL, NULL, NULL, NULL, K}), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("discount_rate", -1);
    CHECK(v[0] == before);
    bad = cvm_clv_options_default();
    bad.horizon = -1.0;
    CHECK_STATUS(cvm_clv(bg, gg, &(cvm_clv_customers){{cx, K}, {ctx, K}, {cT, K}, {cz, K}}, &bad,
            &(cvm_clv_outputs){v, NULL, NULL, NULL, NULL, K}), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("horizon", -1);
    bad = cvm_clv_options_default();
    bad.time_unit = 7;
    CHECK_STATUS(cvm_clv(bg, gg, &(cvm_clv_customers){{cx, K}, {ctx, K}, {cT, K}, {cz, K}}, &bad,
            &(cvm_clv_outputs){v, NULL, NULL, NULL, NULL, K}), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("time_unit", -1);
    CHECK(strstr(cvm_last_error_message(), "CVM_UNIT_DAY, CVM_UNIT_WEEK, CVM_UNIT_MONTH, CVM_UNIT_YEAR") != NULL);
    bad = cvm_clv_options_default();
    bad.method = 2;
    CHECK_STATUS(cvm_clv(bg, gg, &(cvm_clv_customers){{cx, K}, {ctx, K}, {cT, K}, {cz, K}}, &bad,
            &(cvm_clv_outputs){v, NULL, NULL, NULL, NULL, K}), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("method", -1);
    bad = cvm_clv_options_default();
    bad.interval_level = 0.9; /* models built from parameters have no covariance */
    double lo[K], hi[K];
    CHECK_STATUS(cvm_clv(bg, gg, &(cvm_clv_customers){{cx, K}, {ctx, K}, {cT, K}, {cz, K}}, &bad,
            &(cvm_clv_outputs){v, NULL, NULL, lo, hi, K}), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("covariance", -1);
    CHECK_STATUS(cvm_clv(bg, gg, &(cvm_clv_customers){{cx, K}, {ctx, K}, {cT, K}, {cz, K}}, &bad,
            &(cvm_clv_outputs){v, NULL, NULL, NULL, NULL, K}), CVM_STATUS_NULL_POINTER);
    double badr[K];
    memcpy(badr, ctx, sizeof badr);
    badr[3] = 99.0; /* recency > T */
    CHECK_STATUS(cvm_clv(bg, gg, &(cvm_clv_customers){{cx, K}, {badr, K}, {cT, K}, {cz, K}}, NULL,
            &(cvm_clv_outputs){v, NULL, NULL, NULL, NULL, K}), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("recency", 3);
    CHECK_STATUS(cvm_clv(bg, gg, &(cvm_clv_customers){{cx, K}, {ctx, K}, {cT, K}, {cz, K}}, NULL,
            &(cvm_clv_outputs){v, NULL, NULL, NULL, NULL, K - 1}), CVM_STATUS_LENGTH_MISMATCH);
    cvm_gamma_gamma *heavy = NULL;
    CHECK_STATUS(cvm_gamma_gamma_from_params(2.0, 0.9, 10.0, &heavy), CVM_STATUS_OK);
    CHECK_STATUS(cvm_clv(bg, heavy, &(cvm_clv_customers){{cx, K}, {ctx, K}, {cT, K}, {cz, K}}, NULL,
            &(cvm_clv_outputs){v, NULL, NULL, NULL, NULL, K}), CVM_STATUS_NUMERICAL);
    cvm_gamma_gamma_free(heavy);
    cvm_model_free(bg);
    cvm_model_free(pn);
    cvm_gamma_gamma_free(gg);
}

/* Intervals from fitted models bracket the value. */
static void test_clv_intervals(cvm_gamma_gamma *gg) {
    cvm_model *bg = NULL;
    cvm_fit_options fo = cvm_fit_options_default();
    fo.time_unit = CVM_UNIT_WEEK;
    CHECK_STATUS(
        cvm_model_fit("bg_nbd", &(cvm_fit_columns){{cx, N_CDNOW}, {ctx, N_CDNOW}, {cT, N_CDNOW}, {NULL, 0}}, &fo, &bg),
        CVM_STATUS_OK);
    cvm_clv_options o = cvm_clv_options_default();
    o.interval_level = 0.9;
    enum { K = 10 };
    double v[K], lo[K], hi[K];
    CHECK_STATUS(cvm_clv(bg, gg, &(cvm_clv_customers){{cx, K}, {ctx, K}, {cT, K}, {cz, K}}, &o,
            &(cvm_clv_outputs){v, NULL, NULL, lo, hi, K}), CVM_STATUS_OK);
    for (int i = 0; i < K; i++) CHECK(lo[i] < v[i] && v[i] < hi[i]);
    cvm_model_free(bg);
}

int main(void) {
    load_cdnow();
    cvm_gamma_gamma *gg = NULL;
    test_gamma_gamma(&gg);
    test_gamma_gamma_bad_input();
    test_bg_bb();
    test_sbg();
    test_clv_lifetimes();
    if (gg) test_clv_intervals(gg);
    cvm_gamma_gamma_free(gg);
    return cvm_test_finish("test_lifetime2_c");
}
