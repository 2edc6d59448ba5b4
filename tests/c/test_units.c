/* C test program for units that travel (issue 11): a summary's unit goes into the fit options,
 * the fitted model records it, its JSON keeps it, and CLV reads it when
 * cvm_clv_options.data_time_unit is NULL; a contradicting or missing unit is an error, and so is
 * an unknown unit code. Also: degenerate data give CVM_STATUS_NOT_IDENTIFIED for every model
 * family. */
#define _POSIX_C_SOURCE 200809L
#include "cvm.h"
#include "cvm_test.h"

/* The CDNOW calibration summary, in weeks (as test_models.c builds it). */
static cvm_summary *cdnow_summary(void) {
    char *text = cvm_read_file("../../data/CDNOW_sample.txt");
    int64_t *id = malloc(8000 * sizeof(int64_t)), *day = malloc(8000 * sizeof(int64_t));
    double *amount = malloc(8000 * sizeof(double));
    size_t n = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
        long master, cid, cds;
        char date[16];
        double a;
        if (sscanf(line, "%ld %ld %15s %ld %lf", &master, &cid, date, &cds, &a) != 5) continue;
        id[n] = cid;
        amount[n] = a;
        if (cvm_parse_date(date, &day[n]) != CVM_STATUS_OK) exit(3);
        n++;
    }
    cvm_summary_options opt = cvm_summary_options_default();
    opt.time_unit = CVM_UNIT_WEEK;
    opt.has_calibration_end = true;
    cvm_parse_date("1997-09-30", &opt.calibration_end);
    cvm_summary *s = NULL;
    if (cvm_summary_from_transactions(id, n, day, n, amount, n, &opt, &s) != CVM_STATUS_OK) exit(4);
    free(text);
    free(id);
    free(day);
    free(amount);
    return s;
}

static const double CDNOW_BG[4] = {0.243, 4.414, 0.793, 2.426};

static cvm_model *bgnbd_params(void) {
    cvm_model *m = NULL;
    if (cvm_model_from_params("bg_nbd", CDNOW_BG, 4, &m) != CVM_STATUS_OK) exit(5);
    return m;
}

static void test_defaults(void) {
    CHECK(cvm_fit_options_default().time_unit == CVM_UNIT_PERIOD);
    CHECK(cvm_clv_options_default().data_time_unit == CVM_UNIT_PERIOD);
    CHECK(cvm_model_time_unit(NULL) == CVM_UNIT_PERIOD);
    CHECK(cvm_gamma_gamma_time_unit(NULL) == CVM_UNIT_PERIOD);
    CHECK(cvm_bg_bb_time_unit(NULL) == CVM_UNIT_PERIOD);
    CHECK(cvm_sbg_time_unit(NULL) == CVM_UNIT_PERIOD);
    cvm_model *m = bgnbd_params();
    CHECK(cvm_model_time_unit(m) == CVM_UNIT_PERIOD);
    cvm_model_free(m);
}

/* Summary (weeks) -> fit with its unit -> model records it -> JSON keeps it -> CLV uses it. */
static void test_fit_json_clv(void) {
    cvm_summary *s = cdnow_summary();
    size_t n = cvm_summary_len(s);
    CHECK(cvm_summary_time_unit(s) == CVM_UNIT_WEEK);
    const double *f = cvm_summary_frequency(s), *r = cvm_summary_recency(s), *T = cvm_summary_T(s);
    const double *z = cvm_summary_monetary_value(s);

    cvm_fit_options fo = cvm_fit_options_default();
    fo.time_unit = cvm_summary_time_unit(s);
    cvm_model *m = NULL, *plain = NULL;
    CHECK_STATUS(cvm_model_fit("bg_nbd", &(cvm_fit_columns){{f, n}, {r, n}, {T, n}, {NULL, 0}}, &fo, &m),
                 CVM_STATUS_OK);
    CHECK_STATUS(cvm_model_fit("bg_nbd", &(cvm_fit_columns){{f, n}, {r, n}, {T, n}, {NULL, 0}}, NULL, &plain),
                 CVM_STATUS_OK);
    if (!m || !plain) exit(6);
    CHECK(cvm_model_time_unit(m) == CVM_UNIT_WEEK);
    CHECK(cvm_model_time_unit(plain) == CVM_UNIT_PERIOD);
    /* The unit changes no number of the fit. */
    double p[4], q[4];
    CHECK_STATUS(cvm_model_params(m, p, 4), CVM_STATUS_OK);
    CHECK_STATUS(cvm_model_params(plain, q, 4), CVM_STATUS_OK);
    CHECK(memcmp(p, q, sizeof p) == 0);

    /* JSON keeps the unit (and a document without one reads back without one). */
    char *json = NULL, *plain_json = NULL;
    CHECK_STATUS(cvm_model_to_json(m, &json), CVM_STATUS_OK);
    CHECK(json && strstr(json, "time_unit") != NULL);
    cvm_model *back = NULL;
    CHECK_STATUS(cvm_model_from_json(json, &back), CVM_STATUS_OK);
    CHECK(cvm_model_time_unit(back) == CVM_UNIT_WEEK);
    CHECK_STATUS(cvm_model_params(back, q, 4), CVM_STATUS_OK);
    CHECK(memcmp(p, q, sizeof p) == 0);
    CHECK_STATUS(cvm_model_to_json(plain, &plain_json), CVM_STATUS_OK);
    CHECK(plain_json && strstr(plain_json, "time_unit") == NULL);
    cvm_model *plain_back = NULL;
    CHECK_STATUS(cvm_model_from_json(plain_json, &plain_back), CVM_STATUS_OK);
    CHECK(cvm_model_time_unit(plain_back) == CVM_UNIT_PERIOD);
    cvm_string_free(json);
    cvm_string_free(plain_json);
    cvm_model_free(plain_back);

    /* The spend model, fitted with the unit too. */
    cvm_gamma_gamma *gg = NULL;
    CHECK_STATUS(cvm_gamma_gamma_fit(f, n, z, n, NULL, 0, &fo, &gg), CVM_STATUS_OK);
    if (!gg) exit(7);
    CHECK(cvm_gamma_gamma_time_unit(gg) == CVM_UNIT_WEEK);

    /* CLV with data_time_unit NULL uses the model's weeks: the same numbers, bit for bit, as an
     * explicit "W" and as the model read back from JSON. */
    double *v_null = malloc(n * sizeof(double)), *v_w = malloc(n * sizeof(double));
    double *v_back = malloc(n * sizeof(double)), *v_d = malloc(n * sizeof(double));
    cvm_clv_options o = cvm_clv_options_default();
    CHECK_STATUS(cvm_clv(m, gg, &(cvm_clv_customers){{f, n}, {r, n}, {T, n}, {z, n}}, &o,
            &(cvm_clv_outputs){v_null, NULL, NULL, NULL, NULL, n}), CVM_STATUS_OK);
    CHECK_STATUS(cvm_clv(m, gg, &(cvm_clv_customers){{f, n}, {r, n}, {T, n}, {z, n}}, NULL,
            &(cvm_clv_outputs){v_back, NULL, NULL, NULL, NULL, n}), CVM_STATUS_OK);
    CHECK(memcmp(v_null, v_back, n * sizeof(double)) == 0);
    CHECK_STATUS(cvm_clv(back, gg, &(cvm_clv_customers){{f, n}, {r, n}, {T, n}, {z, n}}, &o,
            &(cvm_clv_outputs){v_back, NULL, NULL, NULL, NULL, n}), CVM_STATUS_OK);
    CHECK(memcmp(v_null, v_back, n * sizeof(double)) == 0);
    o.data_time_unit = CVM_UNIT_WEEK;
    CHECK_STATUS(cvm_clv(m, gg, &(cvm_clv_customers){{f, n}, {r, n}, {T, n}, {z, n}}, &o,
            &(cvm_clv_outputs){v_w, NULL, NULL, NULL, NULL, n}), CVM_STATUS_OK);
    CHECK(memcmp(v_null, v_w, n * sizeof(double)) == 0);
    /* The unit-less fit with an explicit "W" gives the same numbers again. */
    CHECK_STATUS(cvm_clv(plain, gg, &(cvm_clv_customers){{f, n}, {r, n}, {T, n}, {z, n}}, &o,
            &(cvm_clv_outputs){v_w, NULL, NULL, NULL, NULL, n}), CVM_STATUS_OK);
    CHECK(memcmp(v_null, v_w, n * sizeof(double)) == 0);

    /* An explicit unit that contradicts the model's: an error naming both, nothing written. */
    o.data_time_unit = CVM_UNIT_DAY;
    for (size_t i = 0; i < n; i++) v_d[i] = -1.0;
    CHECK_STATUS(cvm_clv(m, gg, &(cvm_clv_customers){{f, n}, {r, n}, {T, n}, {z, n}}, &o,
            &(cvm_clv_outputs){v_d, NULL, NULL, NULL, NULL, n}),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("data_time_unit", -1);
    CHECK(strstr(cvm_last_error_message(), "D contradicts the unit the model records for its data (W)") != NULL);
    CHECK(v_d[0] == -1.0);
    /* No unit anywhere: an error, not a silent week. */
    o.data_time_unit = CVM_UNIT_PERIOD;
    CHECK_STATUS(cvm_clv(plain, gg, &(cvm_clv_customers){{f, n}, {r, n}, {T, n}, {z, n}}, &o,
            &(cvm_clv_outputs){v_d, NULL, NULL, NULL, NULL, n}),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("data_time_unit", -1);
    CHECK(strstr(cvm_last_error_message(), "pass data_time_unit") != NULL);
    /* ... also with the lifetimes convention, whose step depends on the unit. */
    o.method = CVM_CLV_LIFETIMES;
    CHECK_STATUS(cvm_clv(plain, gg, &(cvm_clv_customers){{f, n}, {r, n}, {T, n}, {z, n}}, &o,
            &(cvm_clv_outputs){v_d, NULL, NULL, NULL, NULL, n}),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("data_time_unit", -1);
    CHECK_STATUS(cvm_clv(m, gg, &(cvm_clv_customers){{f, n}, {r, n}, {T, n}, {z, n}}, &o,
            &(cvm_clv_outputs){v_null, NULL, NULL, NULL, NULL, n}), CVM_STATUS_OK);
    o.data_time_unit = CVM_UNIT_WEEK;
    CHECK_STATUS(cvm_clv(plain, gg, &(cvm_clv_customers){{f, n}, {r, n}, {T, n}, {z, n}}, &o,
            &(cvm_clv_outputs){v_w, NULL, NULL, NULL, NULL, n}), CVM_STATUS_OK);
    CHECK(memcmp(v_null, v_w, n * sizeof(double)) == 0);
    /* An unknown unit name is still an unknown name. */
    o.data_time_unit = 7;
    CHECK_STATUS(cvm_clv(m, gg, &(cvm_clv_customers){{f, n}, {r, n}, {T, n}, {z, n}}, &o,
            &(cvm_clv_outputs){v_w, NULL, NULL, NULL, NULL, n}), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("data_time_unit", -1);

    free(v_null);
    free(v_w);
    free(v_back);
    free(v_d);
    cvm_gamma_gamma_free(gg);
    cvm_model_free(back);
    cvm_model_free(plain);
    cvm_model_free(m);
    cvm_summary_free(s);
}

/* A model from parameters learns its unit with cvm_*_with_time_unit (a new handle). */
static void test_with_time_unit(void) {
    cvm_model *m = bgnbd_params(), *w = NULL, *none = NULL;
    CHECK_STATUS(cvm_model_with_time_unit(m, CVM_UNIT_DAY, &w), CVM_STATUS_OK);
    CHECK(cvm_model_time_unit(m) == CVM_UNIT_PERIOD); /* unchanged */
    CHECK(cvm_model_time_unit(w) == CVM_UNIT_DAY);
    CHECK(strcmp(cvm_model_kind(w), "bg_nbd") == 0);
    double p[4];
    CHECK_STATUS(cvm_model_params(w, p, 4), CVM_STATUS_OK);
    CHECK(memcmp(p, CDNOW_BG, sizeof p) == 0);
    CHECK_STATUS(cvm_model_with_time_unit(w, CVM_UNIT_PERIOD, &none), CVM_STATUS_OK);
    CHECK(cvm_model_time_unit(none) == CVM_UNIT_PERIOD);
    cvm_model *bad = NULL;
    CHECK_STATUS(cvm_model_with_time_unit(m, 99, &bad), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("unit", -1);
    CHECK(strstr(cvm_last_error_message(), "CVM_UNIT_PERIOD") != NULL);
    CHECK(bad == NULL);
    CHECK_STATUS(cvm_model_with_time_unit(NULL, CVM_UNIT_DAY, &bad), CVM_STATUS_NULL_POINTER);
    CHECK_STATUS(cvm_model_with_time_unit(m, CVM_UNIT_DAY, NULL), CVM_STATUS_NULL_POINTER);
    cvm_model_free(none);
    cvm_model_free(w);
    cvm_model_free(m);

    /* A document with the unit, written by hand, and one with an unknown unit. */
    cvm_model *j = NULL;
    CHECK_STATUS(cvm_model_from_json("{\"format\": \"cvm-model\", \"version\": 1, \"model\": \"pareto_nbd\", "
                                     "\"params\": {\"r\": 0.55, \"alpha\": 10.58, \"s\": 0.61, \"beta\": 11.67}, "
                                     "\"time_unit\": \"M\"}",
                                     &j),
                 CVM_STATUS_OK);
    CHECK(cvm_model_time_unit(j) == CVM_UNIT_MONTH);
    cvm_model_free(j);
    j = NULL;
    CHECK_STATUS(cvm_model_from_json("{\"format\": \"cvm-model\", \"version\": 1, \"model\": \"bg_nbd\", "
                                     "\"params\": {\"r\": 0.243, \"alpha\": 4.414, \"a\": 0.793, \"b\": 2.426}, "
                                     "\"time_unit\": \"fortnight\"}",
                                     &j),
                 CVM_STATUS_JSON);
    CHECK_ERROR_AT("$.time_unit", -1);
    CHECK(j == NULL);

    /* The other handles. */
    cvm_gamma_gamma *g = NULL, *g2 = NULL;
    CHECK_STATUS(cvm_gamma_gamma_from_params(6.25, 3.74, 15.44, &g), CVM_STATUS_OK);
    CHECK(cvm_gamma_gamma_time_unit(g) == CVM_UNIT_PERIOD);
    CHECK_STATUS(cvm_gamma_gamma_with_time_unit(g, CVM_UNIT_MONTH, &g2), CVM_STATUS_OK);
    CHECK(cvm_gamma_gamma_time_unit(g2) == CVM_UNIT_MONTH);
    char *json = NULL;
    CHECK_STATUS(cvm_gamma_gamma_to_json(g2, &json), CVM_STATUS_OK);
    cvm_gamma_gamma *g3 = NULL;
    CHECK_STATUS(cvm_gamma_gamma_from_json(json, &g3), CVM_STATUS_OK);
    CHECK(cvm_gamma_gamma_time_unit(g3) == CVM_UNIT_MONTH);
    cvm_string_free(json);
    CHECK_STATUS(cvm_gamma_gamma_with_time_unit(g, 5, &g3), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("unit", -1);

    cvm_bg_bb *b = NULL, *b2 = NULL, *b3 = NULL;
    CHECK_STATUS(cvm_bg_bb_from_params(1.204, 0.750, 0.657, 2.783, &b), CVM_STATUS_OK);
    CHECK(cvm_bg_bb_time_unit(b) == CVM_UNIT_PERIOD);
    CHECK_STATUS(cvm_bg_bb_with_time_unit(b, CVM_UNIT_YEAR, &b2), CVM_STATUS_OK);
    CHECK(cvm_bg_bb_time_unit(b2) == CVM_UNIT_YEAR);
    CHECK_STATUS(cvm_bg_bb_to_json(b2, &json), CVM_STATUS_OK);
    CHECK_STATUS(cvm_bg_bb_from_json(json, &b3), CVM_STATUS_OK);
    CHECK(cvm_bg_bb_time_unit(b3) == CVM_UNIT_YEAR);
    cvm_string_free(json);
    /* BG/BB CLV: NULL = the model's years, the same numbers as an explicit "Y". */
    double xs[] = {6, 0, 3}, ts[] = {6, 0, 4}, ns[] = {6, 6, 6}, z[] = {50, 0, 20};
    double v1[3], v2[3];
    cvm_clv_options o = cvm_clv_options_default();
    o.horizon = 5.0;
    o.time_unit = CVM_UNIT_YEAR;
    CHECK_STATUS(cvm_clv_bg_bb(b2, g, &(cvm_clv_customers){{xs, 3}, {ts, 3}, {ns, 3}, {z, 3}}, &o,
            &(cvm_clv_outputs){v1, NULL, NULL, NULL, NULL, 3}), CVM_STATUS_OK);
    o.data_time_unit = CVM_UNIT_YEAR;
    CHECK_STATUS(cvm_clv_bg_bb(b, g, &(cvm_clv_customers){{xs, 3}, {ts, 3}, {ns, 3}, {z, 3}}, &o,
            &(cvm_clv_outputs){v2, NULL, NULL, NULL, NULL, 3}), CVM_STATUS_OK);
    CHECK(memcmp(v1, v2, sizeof v1) == 0);
    o.data_time_unit = CVM_UNIT_MONTH;
    CHECK_STATUS(cvm_clv_bg_bb(b2, g, &(cvm_clv_customers){{xs, 3}, {ts, 3}, {ns, 3}, {z, 3}}, &o,
            &(cvm_clv_outputs){v2, NULL, NULL, NULL, NULL, 3}),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("data_time_unit", -1);
    o.data_time_unit = CVM_UNIT_PERIOD;
    CHECK_STATUS(cvm_clv_bg_bb(b, g, &(cvm_clv_customers){{xs, 3}, {ts, 3}, {ns, 3}, {z, 3}}, &o,
            &(cvm_clv_outputs){v2, NULL, NULL, NULL, NULL, 3}),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("data_time_unit", -1);
    CHECK_STATUS(cvm_bg_bb_with_time_unit(b, UINT32_MAX, &b3), CVM_STATUS_UNKNOWN_NAME);

    cvm_sbg *sb = NULL, *sb2 = NULL, *sb3 = NULL;
    CHECK_STATUS(cvm_sbg_from_params(0.668, 3.806, &sb), CVM_STATUS_OK);
    CHECK(cvm_sbg_time_unit(sb) == CVM_UNIT_PERIOD);
    CHECK_STATUS(cvm_sbg_with_time_unit(sb, CVM_UNIT_YEAR, &sb2), CVM_STATUS_OK);
    CHECK(cvm_sbg_time_unit(sb2) == CVM_UNIT_YEAR);
    CHECK_STATUS(cvm_sbg_to_json(sb2, &json), CVM_STATUS_OK);
    CHECK_STATUS(cvm_sbg_from_json(json, &sb3), CVM_STATUS_OK);
    CHECK(cvm_sbg_time_unit(sb3) == CVM_UNIT_YEAR);
    cvm_string_free(json);

    cvm_sbg_free(sb3);
    cvm_sbg_free(sb2);
    cvm_sbg_free(sb);
    cvm_bg_bb_free(b3);
    cvm_bg_bb_free(b2);
    cvm_bg_bb_free(b);
    cvm_gamma_gamma_free(g3);
    cvm_gamma_gamma_free(g2);
    cvm_gamma_gamma_free(g);
}

/* Fits of the other families record the unit of their options. */
static void test_other_fits(void) {
    cvm_fit_options fo = cvm_fit_options_default();
    fo.time_unit = CVM_UNIT_YEAR;
    /* Kahn's regular customers (Fader, Hardie & Shang 2010 cohort): sBG survival counts. */
    const double alive[8] = {1000, 631, 468, 382, 326, 289, 262, 241};
    cvm_sbg *sb = NULL;
    CHECK_STATUS(cvm_sbg_fit_cohort(alive, 8, &fo, &sb), CVM_STATUS_OK);
    CHECK(cvm_sbg_time_unit(sb) == CVM_UNIT_YEAR);
    cvm_sbg_free(sb);
    const double x[5] = {0, 1, 3, 6, 2}, tx[5] = {0, 2, 5, 6, 6}, n[5] = {6, 6, 6, 6, 6};
    const double w[5] = {300, 200, 150, 250, 100};
    cvm_bg_bb *b = NULL;
    CHECK_STATUS(cvm_bg_bb_fit(&(cvm_fit_columns){{x, 5}, {tx, 5}, {n, 5}, {w, 5}}, &fo, &b), CVM_STATUS_OK);
    CHECK(cvm_bg_bb_time_unit(b) == CVM_UNIT_YEAR);
    cvm_bg_bb_free(b);
}

/* An unknown unit code in the fit options of every fit: CVM_STATUS_UNKNOWN_NAME on time_unit,
 * listing the valid codes; nothing written. */
static void test_unknown_unit_code(void) {
    cvm_fit_options fo = cvm_fit_options_default();
    fo.time_unit = 7;
    const double f[3] = {2, 0, 5}, r[3] = {30, 0, 35}, T[3] = {39, 39, 39}, z[3] = {20, 0, 35};
    cvm_model *m = NULL;
    CHECK_STATUS(cvm_model_fit("bg_nbd", &(cvm_fit_columns){{f, 3}, {r, 3}, {T, 3}, {NULL, 0}}, &fo, &m),
                 CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("time_unit", -1);
    CHECK(strstr(cvm_last_error_message(), "\"7\"") != NULL);
    CHECK(strstr(cvm_last_error_message(), "CVM_UNIT_PERIOD, CVM_UNIT_DAY, CVM_UNIT_WEEK") != NULL);
    CHECK(m == NULL);
    cvm_gamma_gamma *g = NULL;
    CHECK_STATUS(cvm_gamma_gamma_fit(f, 3, z, 3, NULL, 0, &fo, &g), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("time_unit", -1);
    const double alive[3] = {100, 60, 40};
    cvm_sbg *s = NULL;
    fo.time_unit = UINT32_MAX;
    CHECK_STATUS(cvm_sbg_fit_cohort(alive, 3, &fo, &s), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("time_unit", -1);
    cvm_bg_bb *b = NULL;
    const double n[3] = {6, 6, 6};
    CHECK_STATUS(cvm_bg_bb_fit(&(cvm_fit_columns){{f, 3}, {f, 3}, {n, 3}, {NULL, 0}}, &fo, &b),
                 CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("time_unit", -1);
    CHECK(g == NULL && s == NULL && b == NULL);
}

/* Degenerate data: CVM_STATUS_NOT_IDENTIFIED with the reason, for every model family. */
static void expect_not_identified(cvm_status s, const char *family, const char *reason) {
    CHECK(s == CVM_STATUS_NOT_IDENTIFIED);
    const char *msg = cvm_last_error_message();
    if (s != CVM_STATUS_NOT_IDENTIFIED || strstr(msg, reason) == NULL)
        fprintf(stderr, "  %s: %s: %s (wanted '%s')\n", family, cvm_status_name(s), msg, reason);
    CHECK(strstr(msg, reason) != NULL);
    CHECK(strstr(msg, "cannot identify") != NULL);
}

static void test_not_identified(void) {
    CHECK(strcmp(cvm_status_name(10), "CVM_STATUS_NOT_IDENTIFIED") == 0);
    CHECK(CVM_STATUS_NOT_IDENTIFIED == 10);
    const double f0[3] = {0, 0, 0}, r0[3] = {0, 0, 0}, T0[3] = {10, 20, 30};
    const double fs[4] = {2, 2, 2, 2}, rs[4] = {5, 5, 5, 5}, Ts[4] = {9, 9, 9, 9};
    const char *kinds[3] = {"bg_nbd", "mbg_nbd", "pareto_nbd"};
    for (int k = 0; k < 3; k++) {
        cvm_model *m = NULL;
        expect_not_identified(
            cvm_model_fit(kinds[k], &(cvm_fit_columns){{f0, 3}, {r0, 3}, {T0, 3}, {NULL, 0}}, NULL, &m), kinds[k],
            "no customer made a repeat purchase");
        CHECK(strstr(cvm_last_error_message(), kinds[k]) != NULL);
        expect_not_identified(
            cvm_model_fit(kinds[k], &(cvm_fit_columns){{fs, 4}, {rs, 4}, {Ts, 4}, {NULL, 0}}, NULL, &m), kinds[k],
            "same history");
        CHECK(m == NULL);
    }
    cvm_gamma_gamma *g = NULL;
    const double gf[3] = {1, 2, 3}, gz[3] = {10, 10, 10};
    expect_not_identified(cvm_gamma_gamma_fit(gf, 3, gz, 3, NULL, 0, NULL, &g), "gamma_gamma",
                          "same average spend");
    const double gf1[2] = {0, 2}, gz1[2] = {0, 10};
    expect_not_identified(cvm_gamma_gamma_fit(gf1, 2, gz1, 2, NULL, 0, NULL, &g), "gamma_gamma",
                          "only one customer");
    CHECK(g == NULL);
    cvm_bg_bb *b = NULL;
    const double bx[2] = {0, 0}, bt[2] = {0, 0}, bn[2] = {6, 6};
    expect_not_identified(cvm_bg_bb_fit(&(cvm_fit_columns){{bx, 2}, {bt, 2}, {bn, 2}, {NULL, 0}}, NULL, &b), "bg_bb",
                          "no customer made a repeat purchase");
    const double sx[3] = {3, 3, 3}, st[3] = {4, 4, 4}, sn[3] = {6, 6, 6};
    expect_not_identified(cvm_bg_bb_fit(&(cvm_fit_columns){{sx, 3}, {st, 3}, {sn, 3}, {NULL, 0}}, NULL, &b), "bg_bb",
                          "same history");
    CHECK(b == NULL);
    cvm_sbg *s = NULL;
    const double kept[3] = {100, 100, 100}, short_[2] = {100, 60};
    expect_not_identified(cvm_sbg_fit_cohort(kept, 3, NULL, &s), "sbg", "no customer cancelled");
    expect_not_identified(cvm_sbg_fit_cohort(short_, 2, NULL, &s), "sbg", "beyond the first period");
    CHECK(s == NULL);
    /* A successful call afterwards clears it. */
    int64_t day;
    CHECK_STATUS(cvm_parse_date("2024-01-01", &day), CVM_STATUS_OK);
    CHECK(strcmp(cvm_last_error_message(), "") == 0);
}

int main(void) {
    test_defaults();
    test_fit_json_clv();
    test_with_time_unit();
    test_other_fits();
    test_unknown_unit_code();
    test_not_identified();
    return cvm_test_finish("test_units_c");
}
