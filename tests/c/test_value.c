/* C test program for the value models: the worked example, hand-computed options, the survival
 * curve of the retention data, value decomposition, value matrix, whale curve, bad input. */
#define _POSIX_C_SOURCE 200809L
#include "cvm.h"
#include "cvm_test.h"

#define EXACT 1e-9 /* absolute, on values of order 1e3: rounding only */

/* The method's worked example: revenue 1000, 1500, 2000…, cost 500, acquisition 2500, 15 %, 5. */
static cvm_cashflow worked_example(const double *revenue, uint32_t timing) {
    cvm_cashflow c = {0};
    c.revenue = cvm_series_schedule(revenue, 3);
    c.cost = cvm_series_constant(500.0);
    c.acquisition_cost = cvm_series_constant(2500.0);
    c.discount_rate = 0.15;
    c.periods = 5;
    c.timing = timing;
    return c;
}

static double clv1(const cvm_cashflow *c) {
    double v = NAN;
    CHECK_STATUS(cvm_cashflow_clv(c, &v, 1), CVM_STATUS_OK);
    return v;
}

static void test_worked_example(void) {
    const double revenue[] = {1000.0, 1500.0, 2000.0};
    cvm_cashflow end = worked_example(revenue, CVM_TIMING_END);
    size_t n = 0;
    CHECK_STATUS(cvm_cashflow_n_customers(&end, &n), CVM_STATUS_OK);
    CHECK(n == 1);
    double v = clv1(&end);
    CHECK_CLOSE(v, 1280.60, 0.005);
    CHECK_CLOSE(v, 1280.5955959774055, EXACT);
    cvm_cashflow start = worked_example(revenue, CVM_TIMING_START);
    CHECK_CLOSE(clv1(&start), 1847.68, 0.005);
    CHECK_CLOSE(clv1(&start), 1847.6849353740163, EXACT);

    /* Breakdown: contributions, present values, cumulative value from -2,500. */
    cvm_breakdown *b = NULL;
    CHECK_STATUS(cvm_cashflow_breakdown(&end, 0, 0, &b), CVM_STATUS_OK);
    CHECK(cvm_breakdown_len(b) == 5);
    cvm_period_row rows[5];
    CHECK_STATUS(cvm_breakdown_rows(b, rows, 5), CVM_STATUS_OK);
    const double pv[] = {434.7826086956522, 756.1436672967865, 986.2743486479824, 857.6298683895501,
                         745.7651029474348};
    const double contribution[] = {500.0, 1000.0, 1500.0, 1500.0, 1500.0};
    for (int t = 0; t < 5; t++) {
        CHECK(rows[t].period == (size_t)t + 1);
        CHECK_CLOSE(rows[t].contribution, contribution[t], 0.0);
        CHECK_CLOSE(rows[t].survival, 1.0, 0.0);
        CHECK_CLOSE(rows[t].discount_factor, pow(1.15, -(t + 1)), 1e-15);
        CHECK_CLOSE(rows[t].present_value, pv[t], EXACT);
    }
    CHECK_CLOSE(rows[0].cumulative, -2065.22, 0.005);
    CHECK_CLOSE(rows[2].cumulative, -322.80, 0.005);
    CHECK_CLOSE(rows[3].cumulative, 534.83, 0.005);
    CHECK_CLOSE(rows[4].cumulative, 1280.5955959774055, EXACT);
    CHECK_CLOSE(cvm_breakdown_clv(b), 1280.5955959774055, EXACT);
    CHECK_CLOSE(cvm_breakdown_acquisition_cost(b), 2500.0, 0.0);
    CHECK_CLOSE(cvm_breakdown_tail_value(b), 0.0, 0.0);
    /* Wrong output length: typed error, nothing written. */
    CHECK_STATUS(cvm_breakdown_rows(b, rows, 4), CVM_STATUS_LENGTH_MISMATCH);
    cvm_breakdown_free(b);
    cvm_breakdown_free(NULL);
    CHECK_STATUS(cvm_cashflow_breakdown(&end, 1, 0, &b), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("customer", -1);

    /* The same customer as a per-customer matrix, twice, the second without acquisition cost. */
    const double matrix[] = {1000.0, 1500.0, 2000.0, 1000.0, 1500.0, 2000.0};
    const double cost[] = {500.0, 500.0}, acquisition[] = {2500.0, 0.0};
    cvm_cashflow two = {0};
    two.revenue = cvm_series_matrix(matrix, 6, 3);
    two.cost = cvm_series_per_customer(cost, 2);
    two.acquisition_cost = cvm_series_per_customer(acquisition, 2);
    two.discount_rate = 0.15;
    two.periods = 5;
    CHECK_STATUS(cvm_cashflow_n_customers(&two, &n), CVM_STATUS_OK);
    CHECK(n == 2);
    double out[2];
    CHECK_STATUS(cvm_cashflow_clv(&two, out, 2), CVM_STATUS_OK);
    CHECK_CLOSE(out[0], 1280.5955959774055, EXACT);
    CHECK_CLOSE(out[1], 3780.5955959774055, EXACT);
    CHECK_STATUS(cvm_cashflow_clv(&two, out, 1), CVM_STATUS_LENGTH_MISMATCH);
}

/* Hand-computed cases of every option (as the core's tests). */
static void test_options(void) {
    const double rev_sched[] = {100.0, 50.0}, cost_sched[] = {10.0, 20.0, 30.0};
    const double ret_sched[] = {0.9, 0.5}, margin_sched[] = {0.5, 0.4};
    cvm_cashflow base = {0};
    base.revenue = cvm_series_constant(100.0);
    base.discount_rate = 0.1;

    cvm_cashflow c = base;
    c.periods = 1;
    CHECK_CLOSE(clv1(&c), 100.0 / 1.1, 1e-12);
    c.timing = CVM_TIMING_START;
    CHECK_CLOSE(clv1(&c), 100.0, 1e-12);

    c = base;
    c.periods = 2;
    c.retention = cvm_series_constant(0.6);
    CHECK_CLOSE(clv1(&c), 100.0 / 1.1 + 60.0 / 1.21, 1e-12);
    c.convention = CVM_RETENTION_SURVIVE;
    CHECK_CLOSE(clv1(&c), 60.0 / 1.1 + 36.0 / 1.21, 1e-12);

    c = base;
    c.periods = CVM_PERIODS_INFINITE;
    c.retention = cvm_series_constant(0.6);
    CHECK_CLOSE(clv1(&c), 100.0 / 0.5, 1e-10); /* m / (1 + d - r) */
    c.timing = CVM_TIMING_START;
    CHECK_CLOSE(clv1(&c), 110.0 / 0.5, 1e-10); /* m (1 + d) / (1 + d - r) */
    c.timing = CVM_TIMING_END;
    c.convention = CVM_RETENTION_SURVIVE;
    CHECK_CLOSE(clv1(&c), 60.0 / 0.5, 1e-10); /* m r / (1 + d - r) */

    c = base;
    c.discount_rate = 0.0;
    c.periods = 3;
    c.revenue = cvm_series_schedule(rev_sched, 2);
    CHECK_CLOSE(clv1(&c), 200.0, 1e-12);
    c = base;
    c.discount_rate = 0.0;
    c.periods = 4;
    c.cost = cvm_series_schedule(cost_sched, 3);
    CHECK_CLOSE(clv1(&c), 310.0, 1e-12);
    c = base;
    c.discount_rate = 0.0;
    c.periods = 3;
    c.margin = cvm_series_schedule(margin_sched, 2);
    CHECK_CLOSE(clv1(&c), 130.0, 1e-12);
    c = base;
    c.discount_rate = 0.0;
    c.retention = cvm_series_schedule(ret_sched, 2);
    CHECK_CLOSE(clv1(&c), 280.0, 1e-12); /* 100 + 90 + 90·0.5/(1 − 0.5) */

    /* Everything at once, infinite: contributions 70, 20, 10…; presence 1, .9, .45, .225… */
    c = base;
    c.revenue = cvm_series_schedule(rev_sched, 2);
    c.cost = cvm_series_schedule(cost_sched, 3);
    c.margin = cvm_series_constant(0.8);
    c.retention = cvm_series_schedule(ret_sched, 2);
    c.acquisition_cost = cvm_series_constant(5.0);
    double want = 70.0 / 1.1 + 20.0 * 0.9 / 1.21 + 10.0 * 0.45 / 1.331 +
                  10.0 * 0.45 / 1.331 * 0.5 / (1.1 - 0.5) - 5.0;
    CHECK_CLOSE(clv1(&c), want, 1e-12);

    c = base;
    c.discount_rate = -0.1;
    c.periods = 2;
    CHECK_CLOSE(clv1(&c), 100.0 / 0.9 + 100.0 / 0.81, 1e-12);

    /* Infinite breakdown with 10 rows and the tail after them. */
    const double rev2[] = {100.0, 200.0}, ret2[] = {0.5, 0.8};
    c = base;
    c.revenue = cvm_series_schedule(rev2, 2);
    c.retention = cvm_series_schedule(ret2, 2);
    c.discount_rate = 0.25;
    c.timing = CVM_TIMING_START;
    double value = 100.0 + 80.0 + 80.0 * 0.8 / 0.45;
    CHECK_CLOSE(clv1(&c), value, 1e-11);
    cvm_breakdown *b = NULL;
    CHECK_STATUS(cvm_cashflow_breakdown(&c, 0, 10, &b), CVM_STATUS_OK);
    CHECK(cvm_breakdown_len(b) == 10);
    cvm_period_row rows[10];
    CHECK_STATUS(cvm_breakdown_rows(b, rows, 10), CVM_STATUS_OK);
    CHECK(rows[9].period == 10);
    CHECK_CLOSE(rows[9].survival, 0.5 * pow(0.8, 8), 1e-15);
    CHECK_CLOSE(rows[9].cumulative + cvm_breakdown_tail_value(b), value, 1e-11);
    CHECK_CLOSE(cvm_breakdown_clv(b), value, 1e-11);
    cvm_breakdown_free(b);

    /* Closed form. */
    double v = 0;
    cvm_closed_form_options o = cvm_closed_form_options_default();
    CHECK(o.periods == CVM_PERIODS_INFINITE && o.timing == CVM_TIMING_END && o.convention == CVM_RETENTION_PRESENT);
    CHECK_STATUS(cvm_closed_form_clv(100.0, 0.8, 0.12, NULL, &v), CVM_STATUS_OK);
    CHECK_CLOSE(v, 312.5, 1e-12);
    o.convention = CVM_RETENTION_SURVIVE;
    CHECK_STATUS(cvm_closed_form_clv(100.0, 0.8, 0.12, &o, &v), CVM_STATUS_OK);
    CHECK_CLOSE(v, 250.0, 1e-12);
    o = cvm_closed_form_options_default();
    o.timing = CVM_TIMING_START;
    CHECK_STATUS(cvm_closed_form_clv(100.0, 0.8, 0.12, &o, &v), CVM_STATUS_OK);
    CHECK_CLOSE(v, 350.0, 1e-12);
    o = (cvm_closed_form_options){.periods = 2, .timing = CVM_TIMING_END, .convention = CVM_RETENTION_SURVIVE};
    CHECK_STATUS(cvm_closed_form_clv(100.0, 0.8, 0.1, &o, &v), CVM_STATUS_OK);
    CHECK_CLOSE(v, 80.0 / 1.1 + 64.0 / 1.21, 1e-12);
}

/* Retention from the survival curves of the shipped retention data (regular, high-end). */
static void test_survival(void) {
    char *text = cvm_read_file("../../data/sbg_retention_survival.csv");
    double survival[2 * 13];
    size_t points = 0;
    char *save = NULL;
    char *line = strtok_r(text, "\r\n", &save); /* header */
    for (line = strtok_r(NULL, "\r\n", &save); line && points < 13; line = strtok_r(NULL, "\r\n", &save)) {
        double year, regular, high;
        if (sscanf(line, "%lf,%lf,%lf", &year, &regular, &high) != 3) continue;
        survival[points] = regular / 100.0;
        survival[13 + points] = high / 100.0;
        points++;
    }
    free(text);
    CHECK(points == 13);
    double rates[24];
    CHECK_STATUS(cvm_retention_from_survival(survival, 26, 13, rates, 24), CVM_STATUS_OK);
    CHECK_CLOSE(rates[0], 0.631, 1e-14);
    CHECK_CLOSE(rates[12], 0.869, 1e-14);
    cvm_cashflow c = {0};
    c.revenue = cvm_series_constant(100.0);
    c.retention = cvm_series_schedule(rates, 12);
    c.discount_rate = 0.1;
    c.periods = 12;
    CHECK_CLOSE(clv1(&c), 295.6220487827268, 1e-10);
    /* Both cohorts at once; survive-first convention: Σ 100 S(t) / 1.1^t. */
    c.retention = cvm_series_matrix(rates, 24, 12);
    c.convention = CVM_RETENTION_SURVIVE;
    double both[2];
    CHECK_STATUS(cvm_cashflow_clv(&c, both, 2), CVM_STATUS_OK);
    for (int k = 0; k < 2; k++) {
        double want = 0;
        for (int t = 1; t <= 12; t++) want += 100.0 * survival[13 * k + t] / pow(1.1, t);
        CHECK_CLOSE(both[k], want, 1e-10);
    }
    /* Bad curves. */
    const double rising[] = {1.0, 0.5, 0.6};
    CHECK_STATUS(cvm_retention_from_survival(rising, 3, 3, rates, 2), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("survival", 2);
    const double nan_curve[] = {1.0, NAN};
    CHECK_STATUS(cvm_retention_from_survival(nan_curve, 2, 2, rates, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("survival", 1);
}

static void test_decomposition(void) {
    /* Two customers, three past years compounded at 10 %, given potential, referrals. */
    const double history[] = {100.0, 100.0, 100.0, 0.0, 50.0, 200.0};
    const double potential[] = {400.0, 900.0}, referrals[] = {2.0, 0.0};
    cvm_decomposition_inputs d = {0};
    d.realised = history;
    d.n_realised = 6;
    d.realised_periods = 3;
    d.realised_rate = 0.1;
    d.potential = potential;
    d.n_potential = 2;
    d.referrals = cvm_series_per_customer(referrals, 2);
    d.conversion = cvm_series_constant(0.25);
    d.referral_value = cvm_series_constant(300.0);
    const double sat[] = {5.0, 4.0}; /* 1-5 scale, highly satisfied from 4 */
    cvm_satisfaction satisfaction = cvm_satisfaction_default(sat, 2);
    d.satisfaction = &satisfaction;
    size_t n = 0;
    CHECK_STATUS(cvm_value_decomposition_n_customers(&d, &n), CVM_STATUS_OK);
    CHECK(n == 2);
    double r[2], p[2], inf[2], total[2];
    CHECK_STATUS(cvm_value_decomposition(&d, r, p, inf, total, 2), CVM_STATUS_OK);
    CHECK_CLOSE(r[0], 331.0, 1e-9);
    CHECK_CLOSE(r[1], 255.0, 1e-9);
    CHECK_CLOSE(inf[0], 150.0, 0.0);
    CHECK_CLOSE(inf[1], 0.0, 0.0);
    CHECK_CLOSE(total[0], 881.0, 1e-9);
    CHECK_CLOSE(total[0] + total[1], 2036.0, 1e-9);

    /* Potential from the cash-flow model (per-customer margin, retention 0.75, 10 %, forever). */
    const double realised[] = {120.0, 0.0, 45.5}, margin[] = {50.0, 10.0, 0.0};
    const double refs[] = {3.0, 1.0, 0.0};
    cvm_cashflow clv = {0};
    clv.revenue = cvm_series_per_customer(margin, 3);
    clv.retention = cvm_series_constant(0.75);
    clv.discount_rate = 0.1;
    cvm_decomposition_inputs e = {0};
    e.realised = realised;
    e.n_realised = 3;
    e.potential_cashflow = &clv;
    e.referrals = cvm_series_per_customer(refs, 3);
    e.conversion = cvm_series_constant(0.2);
    e.referral_value = cvm_series_constant(40.0);
    e.plain_referrals = true; /* every customer, whatever their satisfaction */
    double p3[3], i3[3], t3[3];
    CHECK_STATUS(cvm_value_decomposition(&e, NULL, p3, i3, t3, 3), CVM_STATUS_OK);
    const double want_p[] = {50.0 / 0.35, 10.0 / 0.35, 0.0}, want_i[] = {24.0, 8.0, 0.0};
    for (int k = 0; k < 3; k++) {
        CHECK_CLOSE(p3[k], want_p[k], 1e-11);
        CHECK_CLOSE(i3[k], want_i[k], 1e-13);
        CHECK_CLOSE(t3[k], realised[k] + want_p[k] + want_i[k], 1e-11);
    }

    /* Bad input. */
    const double three[] = {1.0, 2.0, 3.0}, nan2[] = {1.0, NAN};
    cvm_decomposition_inputs bad = {0};
    bad.realised = three;
    bad.n_realised = 2;
    bad.potential = three;
    bad.n_potential = 3;
    CHECK_STATUS(cvm_value_decomposition(&bad, NULL, NULL, NULL, total, 2), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("potential", -1);
    cvm_decomposition_inputs bad2 = {0};
    bad2.potential = nan2;
    bad2.n_potential = 2;
    CHECK_STATUS(cvm_value_decomposition(&bad2, NULL, NULL, NULL, total, 2), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("potential", 1);
    cvm_decomposition_inputs bad3 = {0};
    bad3.referrals = cvm_series_constant(-1.0);
    bad3.conversion = cvm_series_constant(0.5);
    bad3.referral_value = cvm_series_constant(10.0);
    bad3.plain_referrals = true;
    CHECK_STATUS(cvm_value_decomposition(&bad3, NULL, NULL, NULL, total, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("referrals", -1);
}

static void test_satisfied_influence(void) {
    /* Influence value only where satisfaction >= 4 on 1-5: 3 referrals x 0.4 x 250 = 300. */
    const double sat[] = {1.0, 2.0, 3.0, 4.0, 5.0, 2.0};
    cvm_satisfaction s = cvm_satisfaction_default(sat, 6);
    cvm_decomposition_inputs d = {0};
    d.referrals = cvm_series_constant(3.0);
    d.conversion = cvm_series_constant(0.4);
    d.referral_value = cvm_series_constant(250.0);
    d.satisfaction = &s;
    size_t n = 0;
    CHECK_STATUS(cvm_value_decomposition_n_customers(&d, &n), CVM_STATUS_OK);
    CHECK(n == 6);
    double inf[6];
    CHECK_STATUS(cvm_value_decomposition(&d, NULL, NULL, inf, NULL, 6), CVM_STATUS_OK);
    const double want[] = {0.0, 0.0, 0.0, 300.0, 300.0, 0.0};
    for (int i = 0; i < 6; i++) CHECK_CLOSE(inf[i], want[i], 1e-12);
    /* A 0-10 scale with threshold 9. */
    const double nps[] = {10.0, 9.0, 8.0, 0.0, 3.0, 9.5};
    cvm_satisfaction s10 = cvm_satisfaction_default(nps, 6);
    s10.scale_min = 0.0;
    s10.scale_max = 10.0;
    s10.threshold = 9.0;
    d.satisfaction = &s10;
    CHECK_STATUS(cvm_value_decomposition(&d, NULL, NULL, inf, NULL, 6), CVM_STATUS_OK);
    const double want10[] = {300.0, 300.0, 0.0, 0.0, 0.0, 300.0};
    for (int i = 0; i < 6; i++) CHECK_CLOSE(inf[i], want10[i], 1e-12);

    /* Missing scores: an error by default, no influence on request. */
    const double gap[] = {5.0, NAN, 4.0, 1.0, 5.0, 5.0};
    cvm_satisfaction sg = cvm_satisfaction_default(gap, 6);
    d.satisfaction = &sg;
    CHECK_STATUS(cvm_value_decomposition(&d, NULL, NULL, inf, NULL, 6), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("satisfaction", 1);
    sg.missing = CVM_SATISFACTION_MISSING_NO_INFLUENCE;
    CHECK_STATUS(cvm_value_decomposition(&d, NULL, NULL, inf, NULL, 6), CVM_STATUS_OK);
    CHECK_CLOSE(inf[1], 0.0, 0.0);
    CHECK_CLOSE(inf[0], 300.0, 1e-12);
    sg.missing = 7;
    CHECK_STATUS(cvm_value_decomposition(&d, NULL, NULL, inf, NULL, 6), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("satisfaction_missing", -1);

    /* Bad scale, threshold, score; referrals without satisfaction; both options. */
    cvm_satisfaction bad = cvm_satisfaction_default(sat, 6);
    bad.threshold = 6.0;
    d.satisfaction = &bad;
    CHECK_STATUS(cvm_value_decomposition(&d, NULL, NULL, inf, NULL, 6), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("satisfaction_threshold", -1);
    bad.threshold = 4.0;
    bad.scale_max = 1.0;
    CHECK_STATUS(cvm_value_decomposition(&d, NULL, NULL, inf, NULL, 6), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("satisfaction_scale", -1);
    const double out_of_scale[] = {1.0, 2.0, 7.0, 4.0, 5.0, 2.0};
    cvm_satisfaction oos = cvm_satisfaction_default(out_of_scale, 6);
    d.satisfaction = &oos;
    CHECK_STATUS(cvm_value_decomposition(&d, NULL, NULL, inf, NULL, 6), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("satisfaction", 2);
    d.plain_referrals = true;
    CHECK_STATUS(cvm_value_decomposition(&d, NULL, NULL, inf, NULL, 6), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("plain_referrals", -1);
    d.plain_referrals = false;
    d.satisfaction = NULL;
    CHECK_STATUS(cvm_value_decomposition(&d, NULL, NULL, inf, NULL, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("satisfaction", -1);
    cvm_decomposition_inputs lone = {0};
    lone.satisfaction = &s;
    CHECK_STATUS(cvm_value_decomposition(&lone, NULL, NULL, inf, NULL, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("satisfaction", -1);
}

static void test_matrix_ties_and_warnings(void) {
    /* Six of eight current values are 0: the median is 0, the zeros go low. */
    const double current[] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 40.0, 90.0};
    const double potential[] = {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0};
    cvm_value_matrix *m = NULL;
    CHECK_STATUS(cvm_value_matrix_compute(current, 8, potential, 8, NULL, &m), CVM_STATUS_OK);
    bool ct = false, pt = true;
    CHECK_STATUS(cvm_value_matrix_ties_low(m, &ct, 1, &pt, 1), CVM_STATUS_OK);
    CHECK(ct && !pt);
    size_t count[4];
    CHECK_STATUS(cvm_value_matrix_cells(m, count, NULL, NULL, 4), CVM_STATUS_OK);
    CHECK(count[0] == 4 && count[1] == 2 && count[2] == 0 && count[3] == 2);
    CHECK(cvm_value_matrix_warning_count(m) == 1);
    CHECK(cvm_value_matrix_warning_kind(m, 0) == CVM_MATRIX_WARNING_EMPTY_CELL);
    CHECK(cvm_value_matrix_warning_cell(m, 0) == 2);
    CHECK(strstr(cvm_value_matrix_warning_message(m, 0),
                 "cell 2 (high_current_low_potential) is empty; cut by the current cut 0 "
                 "(quantile 0.5; customers equal to it go low)") != NULL);
    CHECK(cvm_value_matrix_warning_message(m, 1) == NULL);
    CHECK(cvm_value_matrix_warning_kind(m, 1) == CVM_MATRIX_WARNING_NONE);
    CHECK(cvm_value_matrix_warning_cell(m, 1) == SIZE_MAX);
    CHECK(cvm_value_matrix_warning_count(NULL) == 0);
    cvm_value_matrix_free(m);

    /* One dominant cell: absolute cuts below nearly everyone. */
    double c20[20];
    for (int i = 0; i < 20; i++) c20[i] = i;
    const double cut[] = {1.0};
    cvm_value_matrix_options o = {0};
    o.current_thresholds = cut;
    o.n_current_thresholds = 1;
    o.potential_thresholds = cut;
    o.n_potential_thresholds = 1;
    o.strategy_set = CVM_MATRIX_STRATEGIES_DETAILED;
    CHECK_STATUS(cvm_value_matrix_compute(c20, 20, c20, 20, &o, &m), CVM_STATUS_OK);
    CHECK(cvm_value_matrix_warning_count(m) == 3);
    CHECK(cvm_value_matrix_warning_kind(m, 2) == CVM_MATRIX_WARNING_DOMINANT_CELL);
    CHECK(cvm_value_matrix_warning_cell(m, 2) == 3);
    CHECK(strstr(cvm_value_matrix_warning_message(m, 2), "holds 19 of 20 customers (95.0 %") != NULL);
    CHECK(strcmp(cvm_value_matrix_strategy(m, 3), "keep and invest") == 0);
    CHECK(strcmp(cvm_value_matrix_strategy(m, 1), "develop") == 0);
    cvm_value_matrix_free(m);
    o.strategy_set = 9;
    m = NULL;
    CHECK_STATUS(cvm_value_matrix_compute(c20, 20, c20, 20, &o, &m), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("strategy_set", -1);
    CHECK(m == NULL);
}

static void test_matrix(void) {
    const double current[] = {5.0, 80.0, 60.0, 10.0, 95.0, 20.0, 70.0, 1.0};
    const double potential[] = {900.0, 100.0, 800.0, 50.0, 20.0, 700.0, 300.0, 10.0};
    cvm_value_matrix *m = NULL;
    CHECK_STATUS(cvm_value_matrix_compute(current, 8, potential, 8, NULL, &m), CVM_STATUS_OK);
    CHECK(cvm_value_matrix_len(m) == 8);
    CHECK(cvm_value_matrix_rows(m) == 2 && cvm_value_matrix_cols(m) == 2);
    double ct = 0, pt = 0;
    CHECK_STATUS(cvm_value_matrix_thresholds(m, &ct, 1, &pt, 1), CVM_STATUS_OK);
    CHECK_CLOSE(ct, 40.0, 0.0);
    CHECK_CLOSE(pt, 200.0, 0.0);
    size_t cell[8];
    CHECK_STATUS(cvm_value_matrix_customers(m, NULL, NULL, cell, 8), CVM_STATUS_OK);
    const size_t want_cell[] = {1, 2, 3, 0, 2, 1, 3, 0};
    for (int i = 0; i < 8; i++) CHECK(cell[i] == want_cell[i]);
    /* The method's strategies (seeds/001:49): cultivate both high-potential cells. */
    CHECK(strcmp(cvm_value_matrix_strategy(m, 1), "cultivate this group") == 0);
    CHECK(strcmp(cvm_value_matrix_strategy(m, 3), "cultivate this group") == 0);
    CHECK(strcmp(cvm_value_matrix_strategy(m, 0), "think carefully before investing resources") == 0);
    CHECK(strcmp(cvm_value_matrix_strategy(m, 2), "maintain this group") == 0);
    CHECK(cvm_value_matrix_warning_count(m) == 0);
    CHECK(strcmp(cvm_value_matrix_label(m, 3), "high_current_high_potential") == 0);
    CHECK(cvm_value_matrix_label(m, 4) == NULL);
    size_t count[4];
    double cs[4], ps[4];
    CHECK_STATUS(cvm_value_matrix_cells(m, count, cs, ps, 4), CVM_STATUS_OK);
    const double want_cs[] = {11.0, 25.0, 175.0, 130.0}, want_ps[] = {60.0, 1600.0, 120.0, 1100.0};
    for (int k = 0; k < 4; k++) {
        CHECK(count[k] == 2);
        CHECK_CLOSE(cs[k], want_cs[k], 0.0);
        CHECK_CLOSE(ps[k], want_ps[k], 0.0);
    }
    cvm_value_matrix_free(m);
    cvm_value_matrix_free(NULL);

    /* 3 × 2: quantile cuts on current, an absolute cut on potential, own labels. */
    const double c5[] = {1.0, 2.0, 3.0, 4.0, 5.0}, p5[] = {10.0, 0.0, 10.0, 0.0, 10.0};
    const double qc[] = {0.25, 0.75}, ap[] = {5.0};
    const char *labels[] = {"cell0", "cell1", "cell2", "cell3", "cell4", "cell5"};
    cvm_value_matrix_options o = {0};
    o.current_thresholds = qc;
    o.n_current_thresholds = 2;
    o.current_quantile = true;
    o.potential_thresholds = ap;
    o.n_potential_thresholds = 1;
    o.labels = labels;
    o.n_labels = 6;
    CHECK_STATUS(cvm_value_matrix_compute(c5, 5, p5, 5, &o, &m), CVM_STATUS_OK);
    CHECK(cvm_value_matrix_rows(m) == 3 && cvm_value_matrix_cols(m) == 2);
    double cuts[2];
    CHECK_STATUS(cvm_value_matrix_thresholds(m, cuts, 2, NULL, 0), CVM_STATUS_OK);
    CHECK_CLOSE(cuts[0], 2.0, 0.0);
    CHECK_CLOSE(cuts[1], 4.0, 0.0);
    uint16_t cl[5], pl[5];
    CHECK_STATUS(cvm_value_matrix_customers(m, cl, pl, cell, 5), CVM_STATUS_OK);
    const uint16_t want_cl[] = {0, 1, 1, 2, 2}, want_pl[] = {1, 0, 1, 0, 1};
    for (int i = 0; i < 5; i++) {
        CHECK(cl[i] == want_cl[i] && pl[i] == want_pl[i] && cell[i] == (size_t)i + 1);
    }
    CHECK(strcmp(cvm_value_matrix_label(m, 5), "cell5") == 0);
    CHECK(strcmp(cvm_value_matrix_strategy(m, 5), "") == 0);
    cvm_value_matrix_free(m);

    /* Bad input. */
    const double x[] = {1.0, 2.0, 3.0}, xnan[] = {1.0, NAN, 2.0};
    const double q_hi[] = {1.2}, q_lo[] = {-0.5};
    cvm_value_matrix_options bad = {0};
    bad.potential_thresholds = q_hi;
    bad.n_potential_thresholds = 1;
    bad.potential_quantile = true;
    m = NULL;
    CHECK_STATUS(cvm_value_matrix_compute(x, 3, x, 3, &bad, &m), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("potential_thresholds", 0);
    CHECK(m == NULL);
    bad.potential_thresholds = q_lo;
    CHECK_STATUS(cvm_value_matrix_compute(x, 3, x, 3, &bad, &m), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("potential_thresholds", 0);
    CHECK_STATUS(cvm_value_matrix_compute(x, 3, x, 2, NULL, &m), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("potential", -1);
    CHECK_STATUS(cvm_value_matrix_compute(xnan, 3, x, 3, NULL, &m), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("current", 1);
    CHECK_STATUS(cvm_value_matrix_compute(NULL, 0, NULL, 0, NULL, &m), CVM_STATUS_EMPTY_INPUT);
    CHECK_ERROR_AT("current", -1);
    CHECK_STATUS(cvm_value_matrix_compute(NULL, 3, x, 3, NULL, &m), CVM_STATUS_NULL_POINTER);
    CHECK_ERROR_AT("current", -1);
}

static void test_value_over_time(void) {
    /* Absolute cuts at 100 on both axes; five customers, then four (one gone, one new). */
    const double cut[] = {100.0};
    cvm_value_matrix_options o = {0};
    o.current_thresholds = cut;
    o.n_current_thresholds = 1;
    o.potential_thresholds = cut;
    o.n_potential_thresholds = 1;
    const double cb[] = {50.0, 150.0, 150.0, 20.0, 300.0}, pb[] = {50.0, 150.0, 50.0, 500.0, 500.0};
    const double ca[] = {150.0, 50.0, 50.0, 400.0}, pa[] = {150.0, 150.0, 50.0, 10.0};
    const int64_t ids_b[] = {10, 20, 30, 40, 50}, ids_a[] = {40, 10, 30, 60};
    cvm_value_matrix *before = NULL, *after = NULL;
    CHECK_STATUS(cvm_value_matrix_compute(cb, 5, pb, 5, &o, &before), CVM_STATUS_OK);
    CHECK_STATUS(cvm_value_matrix_compute(ca, 4, pa, 4, &o, &after), CVM_STATUS_OK);
    uint64_t counts[25];
    size_t from[6], to[6];
    CHECK_STATUS(cvm_value_matrix_migration(ids_b, 5, before, ids_a, 4, after, CVM_MIGRATION_OUTER_JOIN,
                                            counts, 25, from, to, 6), CVM_STATUS_OK);
    CHECK(counts[1 * 5 + 3] == 1); /* 40: low current, high potential -> high/high */
    CHECK(counts[0 * 5 + 1] == 1); /* 10 */
    CHECK(counts[2 * 5 + 0] == 1); /* 30: maintain -> think carefully */
    CHECK(counts[3 * 5 + 4] == 2); /* 20 and 50 gone */
    CHECK(counts[4 * 5 + 2] == 1); /* 60 new */
    uint64_t total = 0;
    for (int k = 0; k < 25; k++) total += counts[k];
    CHECK(total == 6);
    CHECK(from[0] == 0 && to[0] == 1);
    CHECK(from[1] == 3 && to[1] == SIZE_MAX);
    CHECK(from[5] == SIZE_MAX && to[5] == 2);
    CHECK_STATUS(cvm_value_matrix_migration(ids_b, 5, before, ids_a, 4, after, CVM_MIGRATION_STRICT,
                                            counts, 16, NULL, NULL, 0), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("ids_before", 1);
    CHECK_STATUS(cvm_value_matrix_migration(ids_b, 4, before, ids_a, 4, after, CVM_MIGRATION_OUTER_JOIN,
                                            counts, 25, NULL, NULL, 0), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("before", -1);
    CHECK_STATUS(cvm_value_matrix_migration(ids_b, 5, before, ids_a, 4, after, 7, counts, 25, NULL, NULL, 0),
                 CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("policy", -1);
    cvm_value_matrix_free(before);
    cvm_value_matrix_free(after);

    /* Paths: two customers x three periods, row-major. */
    const double cur[] = {50.0, 150.0, 150.0, 200.0, 200.0, 20.0};
    const double pot[] = {150.0, 150.0, 50.0, 300.0, 50.0, 50.0};
    size_t cells[6];
    CHECK_STATUS(cvm_value_path(cur, 6, pot, 6, 3, &o, cells, 6), CVM_STATUS_OK);
    const size_t want[] = {1, 3, 2, 3, 2, 0};
    for (int k = 0; k < 6; k++) CHECK(cells[k] == want[k]);
    CHECK_STATUS(cvm_value_path(cur, 6, pot, 6, 4, &o, cells, 6), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("current", -1);
    CHECK_STATUS(cvm_value_path(cur, 6, pot, 6, 0, NULL, cells, 6), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("n_periods", -1);
}

static void test_whale(void) {
    const double profit[] = {500.0, -30.0, 40.0, 300.0, -80.0, 10.0, 20.0, -60.0, 0.0, 50.0};
    cvm_whale_curve *w = NULL;
    CHECK_STATUS(cvm_whale_curve_compute(profit, 10, 0.2, 0.3, &w), CVM_STATUS_OK);
    cvm_whale_summary s;
    CHECK_STATUS(cvm_whale_curve_summary(w, &s), CVM_STATUS_OK);
    CHECK(s.n == 10);
    CHECK_CLOSE(s.total, 750.0, 0.0);
    CHECK_CLOSE(s.peak, 920.0, 0.0);
    CHECK(s.peak_rank == 6);
    CHECK(s.has_peak_share);
    CHECK_CLOSE(s.peak_share, 920.0 / 750.0, 1e-15);
    CHECK_CLOSE(s.top_profit, 800.0, 0.0);
    CHECK(s.has_top_share);
    CHECK_CLOSE(s.top_share, 800.0 / 750.0, 1e-15);
    CHECK_CLOSE(s.bottom_consumed, 170.0, 0.0);
    CHECK(s.has_bottom_consumed_share);
    CHECK_CLOSE(s.bottom_consumed_share, 170.0 / 920.0, 1e-15);
    CHECK_CLOSE(s.tail_consumed, 170.0, 0.0);
    CHECK(s.unprofitable_count == 3);
    CHECK_CLOSE(s.unprofitable_share, 0.3, 0.0);
    CHECK(s.has_gini);
    CHECK_CLOSE(s.gini, 8270.0 / 7500.0, 1e-15);
    /* 80/20/30: the bottom 3 (-30, -60, -80) consume 170 of the top 2's 800 and of the 920
     * the other 7 make. */
    CHECK_CLOSE(s.bottom_profit, -170.0, 0.0);
    CHECK(s.bottom_count == 3 && s.bottom_unprofitable_count == 3);
    CHECK_CLOSE(s.potential_profit, 920.0, 0.0);
    CHECK(s.has_bottom_share_of_top && s.has_bottom_share_of_potential);
    CHECK_CLOSE(s.bottom_share_of_top, 170.0 / 800.0, 1e-15);
    CHECK_CLOSE(s.bottom_share_of_potential, 170.0 / 920.0, 1e-15);
    CHECK(!s.bottom_net_profitable);
    CHECK(strstr(cvm_whale_curve_interpretation(w),
                 "the bottom 30 % (3 customers) consume 170 of profit: ") != NULL);
    CHECK(strstr(cvm_whale_curve_interpretation(w),
                 "'s profit and 18.5 % of the potential profit (the profit without them); 3 of "
                 "them lose money") != NULL);
    size_t losers[3];
    CHECK_STATUS(cvm_whale_curve_unprofitable(w, losers, 3), CVM_STATUS_OK);
    CHECK(losers[0] == 1 && losers[1] == 4 && losers[2] == 7);
    CHECK_STATUS(cvm_whale_curve_unprofitable(w, losers, 2), CVM_STATUS_LENGTH_MISMATCH);
    CHECK(cvm_whale_curve_interpretation(NULL) == NULL);
    size_t rank[10], order[10];
    double cum[10], share[10], cshare[10], curve[10];
    CHECK_STATUS(cvm_whale_curve_customers(w, rank, cum, share, cshare, 10), CVM_STATUS_OK);
    const size_t want_rank[] = {1, 8, 4, 2, 10, 6, 5, 9, 7, 3};
    for (int i = 0; i < 10; i++) CHECK(rank[i] == want_rank[i]);
    CHECK_CLOSE(cum[4], 750.0, 0.0);
    CHECK_CLOSE(cum[0], 500.0, 0.0);
    CHECK_CLOSE(share[3], 800.0 / 750.0, 1e-15);
    CHECK_CLOSE(cshare[4], 1.0, 0.0);
    CHECK_CLOSE(cshare[0], 0.1, 0.0);
    CHECK_STATUS(cvm_whale_curve_sorted(w, curve, order, 10), CVM_STATUS_OK);
    const double want_curve[] = {500, 800, 850, 890, 910, 920, 920, 890, 830, 750};
    const size_t want_order[] = {0, 3, 9, 2, 6, 5, 8, 1, 7, 4};
    for (int k = 0; k < 10; k++) {
        CHECK_CLOSE(curve[k], want_curve[k], 0.0);
        CHECK(order[k] == want_order[k]);
    }
    double at = -1;
    CHECK_STATUS(cvm_whale_curve_at(w, 0.25, &at), CVM_STATUS_OK);
    CHECK_CLOSE(at, 825.0, 1e-12); /* halfway between C(2) = 800 and C(3) = 850 */
    CHECK_STATUS(cvm_whale_curve_at(w, 1.5, &at), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("fraction", -1);
    cvm_whale_curve_free(w);
    cvm_whale_curve_free(NULL);

    /* Total not positive: shares undefined. */
    const double losses[] = {-1.0, -2.0};
    CHECK_STATUS(cvm_whale_curve_compute(losses, 2, 0.2, 0.3, &w), CVM_STATUS_OK);
    CHECK_STATUS(cvm_whale_curve_summary(w, &s), CVM_STATUS_OK);
    CHECK(!s.has_gini && !s.has_top_share && !s.has_peak_share);
    CHECK(s.unprofitable_count == 2);
    CHECK_STATUS(cvm_whale_curve_customers(w, NULL, NULL, share, NULL, 2), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("cumulative_share", -1);
    cvm_whale_curve_free(w);

    /* A net-profitable bottom is said in words. */
    const double mostly[] = {50.0, 40.0, 30.0, 20.0, 10.0, 5.0, 2.0, 1.0, 0.5, -1.0};
    CHECK_STATUS(cvm_whale_curve_compute(mostly, 10, 0.2, 0.3, &w), CVM_STATUS_OK);
    CHECK_STATUS(cvm_whale_curve_summary(w, &s), CVM_STATUS_OK);
    CHECK(s.bottom_net_profitable);
    CHECK_CLOSE(s.bottom_profit, 0.5, 1e-12);
    CHECK(strstr(cvm_whale_curve_interpretation(w), "are net profitable: they add 0.50 to profit") != NULL);
    cvm_whale_curve_free(w);

    /* Bad input. */
    const double with_nan[] = {1.0, 2.0, NAN};
    w = NULL;
    CHECK_STATUS(cvm_whale_curve_compute(with_nan, 3, 0.2, 0.3, &w), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("profit", 2);
    CHECK(w == NULL);
    CHECK_STATUS(cvm_whale_curve_compute(NULL, 0, 0.2, 0.3, &w), CVM_STATUS_EMPTY_INPUT);
    CHECK_ERROR_AT("profit", -1);
    CHECK_STATUS(cvm_whale_curve_compute(profit, 10, 1.2, 0.3, &w), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("top", -1);
    CHECK_STATUS(cvm_whale_curve_compute(profit, 10, 0.2, NAN, &w), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("bottom", -1);
}

static void test_cashflow_bad_input(void) {
    cvm_cashflow base = {0};
    base.revenue = cvm_series_constant(100.0);
    base.discount_rate = 0.1;
    base.periods = 3;
    double v = 12345.0;
    cvm_cashflow c = base;

    c.discount_rate = -1.0;
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("discount_rate", -1);
    CHECK_CLOSE(v, 12345.0, 0.0); /* untouched on failure */
    c.discount_rate = -1.5;
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("discount_rate", -1);

    const double ret_hi[] = {0.5, 1.01}, ret_lo[] = {0.5, -0.01};
    c = base;
    c.retention = cvm_series_schedule(ret_hi, 2);
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("retention", 1);
    c.retention = cvm_series_per_customer(ret_lo, 2);
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 2), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("retention", 1);

    const double rev_nan[] = {1.0, 2.0, NAN}, cost_nan[] = {NAN};
    c = base;
    c.revenue = cvm_series_per_customer(rev_nan, 3);
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 3), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("revenue", 2);
    c = base;
    c.cost = cvm_series_schedule(cost_nan, 1);
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("cost", 0);
    c = base;
    c.margin = cvm_series_constant(NAN);
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("margin", -1);
    c = base;
    c.acquisition_cost = cvm_series_constant(NAN);
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("acquisition_cost", -1);

    /* Infinite horizons that do not converge (r >= 1 + d). */
    c = base;
    c.periods = CVM_PERIODS_INFINITE;
    c.retention = cvm_series_constant(0.95);
    c.discount_rate = -0.05;
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("retention", -1);
    const double ret_div[] = {0.2, 0.3, 1.0};
    c.retention = cvm_series_schedule(ret_div, 3);
    c.discount_rate = 0.0;
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("retention", 2);
    CHECK_STATUS(cvm_closed_form_clv(100.0, 1.0, 0.0, NULL, &v), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("retention", -1);
    cvm_closed_form_options three = cvm_closed_form_options_default();
    three.periods = 3;
    CHECK_STATUS(cvm_closed_form_clv(100.0, 0.5, -1.0, &three, &v), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("discount_rate", -1);

    /* Empty input, mismatched lengths, horizon too long. */
    const double two[] = {1.0, 2.0}, one[] = {0.5};
    c = base;
    c.revenue = cvm_series_per_customer(NULL, 0);
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_EMPTY_INPUT);
    CHECK_ERROR_AT("revenue", -1);
    c = base;
    c.revenue = cvm_series_per_customer(two, 2);
    c.retention = cvm_series_per_customer(one, 1);
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 2), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("retention", -1);
    c = base;
    c.periods = 100001;
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("periods", -1);
    c = base;
    c.revenue = cvm_series_matrix(two, 2, 3);
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("revenue", -1);

    /* Codes, NULLs, missing revenue. */
    c = base;
    c.timing = 7;
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("timing", -1);
    c = base;
    c.convention = 2;
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("convention", -1);
    c = base;
    c.cost.kind = 9;
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("cost", -1);
    c = base;
    c.acquisition_cost = cvm_series_schedule(two, 2);
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("acquisition_cost", -1);
    c = base;
    c.revenue.kind = CVM_SERIES_DEFAULT;
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("revenue", -1);
    c = base;
    c.revenue = cvm_series_schedule(NULL, 3);
    CHECK_STATUS(cvm_cashflow_clv(&c, &v, 1), CVM_STATUS_NULL_POINTER);
    CHECK_ERROR_AT("revenue", -1);
    CHECK_STATUS(cvm_cashflow_clv(NULL, &v, 1), CVM_STATUS_NULL_POINTER);
    CHECK_ERROR_AT("config", -1);
    CHECK_STATUS(cvm_cashflow_clv(&base, NULL, 1), CVM_STATUS_NULL_POINTER);
    CHECK_ERROR_AT("out", -1);
}

int main(void) {
    test_worked_example();
    test_options();
    test_survival();
    test_decomposition();
    test_satisfied_influence();
    test_matrix();
    test_matrix_ties_and_warnings();
    test_value_over_time();
    test_whale();
    test_cashflow_bad_input();
    return cvm_test_finish("test_value_c");
}
