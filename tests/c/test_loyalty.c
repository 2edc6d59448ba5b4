/* C test program for the loyalty area: ladder, levels, churn risk, churn types, stage migration
 * (hand-built cases with reasons, CDNOW against an independent count, bad input). */
#define _POSIX_C_SOURCE 200809L
#include "cvm.h"
#include "cvm_test.h"
#include "cdnow.h"

/* Checks the reason text of one row of a handle through its accessor. */
#define CHECK_REASON(fn, h, row, want)                                              \
    do {                                                                            \
        char *text_ = NULL;                                                         \
        CHECK_STATUS(fn((h), (row), &text_), CVM_STATUS_OK);                        \
        if (text_) {                                                                \
            CHECK(strcmp(text_, (want)) == 0);                                      \
            if (strcmp(text_, (want)) != 0) fprintf(stderr, "  got '%s'\n", text_); \
        }                                                                           \
        cvm_string_free(text_);                                                     \
    } while (0)

static void test_every_stage_with_its_reason(void) {
    /* Seven customers (weeks): two never bought, five did. */
    const uint8_t purchased[] = {0, 0, 1, 1, 1, 1, 1};
    const double interest[] = {0, 3, 0, 0, 0, 0, 0};
    const double frequency[] = {0, 0, 0, 2, 6, 4, 1};
    const double recency[] = {0, 0, 0, 10, 30, 12, 3};
    const double t[] = {0, 0, 4, 14, 32, 52, 40};
    const double reviews[] = {0, 0, 1, 0, 2, 5, 0};
    const double p_alive[] = {1, 1, 0.95, 0.8, 0.9, 0.7, 0.3};
    cvm_ladder_options opt = cvm_ladder_options_default();
    CHECK_CLOSE(opt.p_alive_threshold, 0.5, 0);
    CHECK(!opt.has_lapse_window);
    opt.has_lapse_window = true;
    opt.lapse_window = 26;
    cvm_ladder *l = NULL;
    CHECK_STATUS(cvm_loyalty_stages(&(cvm_ladder_columns){.frequency = {frequency, 7},
                                                          .recency = {recency, 7},
                                                          .t = {t, 7},
                                                          .purchased = {purchased, 7},
                                                          .interest = {interest, 7},
                                                          .reviews = {reviews, 7},
                                                          .p_alive = {p_alive, 7}},
                                    &opt, &l),
                 CVM_STATUS_OK);
    if (!l) return;
    CHECK(cvm_ladder_len(l) == 7);
    uint8_t stages[7];
    CHECK_STATUS(cvm_ladder_stages(l, stages, 7), CVM_STATUS_OK);
    const uint8_t want[] = {CVM_STAGE_SUSPECT, CVM_STAGE_PROSPECT, CVM_STAGE_FIRST_TIME, CVM_STAGE_REPEAT,
                            CVM_STAGE_ADVOCATE, CVM_STAGE_LAPSED, CVM_STAGE_LAPSED};
    for (int i = 0; i < 7; i++) CHECK(stages[i] == want[i]);
    const char *reasons[] = {
        "suspect: no purchase, interest=0<1",
        "prospect: no purchase, interest=3>=1",
        "first_time: frequency=0<1",
        "repeat: frequency=2>=1",
        "advocate: frequency=6>=1, reviews=2>=1",
        "lapsed: T-recency=40>=26",
        "lapsed: p_alive=0.3<0.5",
    };
    for (size_t i = 0; i < 7; i++) CHECK_REASON(cvm_ladder_reason, l, i, reasons[i]);
    size_t counts[6];
    CHECK_STATUS(cvm_ladder_counts(l, counts, 6), CVM_STATUS_OK);
    const size_t want_counts[] = {1, 1, 1, 1, 1, 2};
    for (int i = 0; i < 6; i++) CHECK(counts[i] == want_counts[i]);
    CHECK(strcmp(cvm_stage_name(CVM_STAGE_FIRST_TIME), "first_time") == 0);
    CHECK(strcmp(cvm_stage_name(CVM_STATE_GONE), "gone") == 0);
    CHECK(cvm_stage_name(42) == NULL);
    /* Errors of the accessors. */
    char *text = NULL;
    CHECK_STATUS(cvm_ladder_reason(l, 7, &text), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("row", 7);
    CHECK(text == NULL);
    CHECK_STATUS(cvm_ladder_stages(l, stages, 6), CVM_STATUS_LENGTH_MISMATCH);
    cvm_ladder_free(l);
    cvm_ladder_free(NULL);

    /* Advocacy by referrals and by recommendations, with the default options (NULL). */
    const double f2[] = {3, 3}, r2[] = {9, 9}, t2[] = {10, 10}, referrals[] = {2, 0}, recommendations[] = {0, 1};
    CHECK_STATUS(cvm_loyalty_stages(&(cvm_ladder_columns){.frequency = {f2, 2},
                                                          .recency = {r2, 2},
                                                          .t = {t2, 2},
                                                          .referrals = {referrals, 2},
                                                          .recommendations = {recommendations, 2}},
                                    NULL, &l),
                 CVM_STATUS_OK);
    if (l) {
        CHECK_REASON(cvm_ladder_reason, l, 0, "advocate: frequency=3>=1, referrals=2>=1");
        CHECK_REASON(cvm_ladder_reason, l, 1, "advocate: frequency=3>=1, recommendations=1>=1");
        cvm_ladder_free(l);
    }
}

static void test_every_level_with_its_reason(void) {
    const double belief[] = {0, 1, 1, 1, 1};
    const double satisfaction[] = {5, 2, 4, 5, 5};
    const double intent[] = {5, 5, 3, 4, 5};
    const double obstacles[] = {3, 3, 3, 0, 1};
    cvm_levels *lv = NULL;
    CHECK_STATUS(cvm_loyalty_levels(belief, 5, satisfaction, 5, intent, 5, obstacles, 5, NULL, &lv), CVM_STATUS_OK);
    if (!lv) return;
    uint8_t levels[5];
    CHECK_STATUS(cvm_levels_levels(lv, levels, 5), CVM_STATUS_OK);
    const uint8_t want[] = {CVM_LEVEL_NONE, CVM_LEVEL_COGNITIVE, CVM_LEVEL_AFFECTIVE, CVM_LEVEL_CONATIVE,
                            CVM_LEVEL_ACTION};
    for (int i = 0; i < 5; i++) CHECK(levels[i] == want[i]);
    const char *reasons[] = {
        "none: belief_better=0<0.5",
        "cognitive: belief_better=1>=0.5; satisfaction=2<4",
        "affective: satisfaction=4>=4; repurchase_intent=3<4",
        "conative: repurchase_intent=4>=4; repeat_despite_obstacles=0<1",
        "action: repeat_despite_obstacles=1>=1",
    };
    for (size_t i = 0; i < 5; i++) CHECK_REASON(cvm_levels_reason, lv, i, reasons[i]);
    CHECK(strcmp(cvm_level_name(CVM_LEVEL_CONATIVE), "conative") == 0);
    cvm_levels_free(lv);

    /* The "highest" rule: customers 0 to 2 reach action. */
    cvm_level_options opt = cvm_level_options_default();
    opt.rule = CVM_LEVEL_RULE_HIGHEST;
    lv = NULL;
    CHECK_STATUS(cvm_loyalty_levels(belief, 5, satisfaction, 5, intent, 5, obstacles, 5, &opt, &lv), CVM_STATUS_OK);
    if (lv) {
        CHECK_STATUS(cvm_levels_levels(lv, levels, 5), CVM_STATUS_OK);
        const uint8_t want_h[] = {CVM_LEVEL_ACTION, CVM_LEVEL_ACTION, CVM_LEVEL_ACTION, CVM_LEVEL_CONATIVE,
                                  CVM_LEVEL_ACTION};
        for (int i = 0; i < 5; i++) CHECK(levels[i] == want_h[i]);
        cvm_levels_free(lv);
    }
    /* Bad input: an unknown rule code, NaN with the default policy, no signal at all. */
    opt.rule = 9;
    CHECK_STATUS(cvm_loyalty_levels(belief, 5, NULL, 0, NULL, 0, NULL, 0, &opt, &lv), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("rule", -1);
    const double sat_nan[] = {5, 2, NAN, 5, 5};
    CHECK_STATUS(cvm_loyalty_levels(NULL, 0, sat_nan, 5, NULL, 0, NULL, 0, NULL, &lv), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("satisfaction", 2);
    CHECK_STATUS(cvm_loyalty_levels(NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, &lv), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("signals", -1);
}

static void test_churn_risk(void) {
    /* BG/NBD with CDNOW's published parameters. */
    const double params[] = {0.243, 4.414, 0.793, 2.426};
    cvm_model *m = NULL;
    CHECK_STATUS(cvm_model_from_params("bg_nbd", params, 4, &m), CVM_STATUS_OK);
    /* A new customer (x = 0, T = 0) churns with P(X(39) = 0) = (alpha / (alpha + 39))^r. */
    const double zero[] = {0.0};
    double p0[1], want0 = 0;
    CHECK_STATUS(cvm_churn_probability(m, zero, 1, zero, 1, zero, 1, 39.0, p0, 1), CVM_STATUS_OK);
    CHECK_STATUS(cvm_model_probability_of_n_purchases(m, 0, 39.0, &want0), CVM_STATUS_OK);
    CHECK_CLOSE(p0[0], pow(4.414 / 43.414, 0.243), 1e-12);
    CHECK_CLOSE(p0[0], want0, 1e-13);

    /* A one-time buyer of 38 weeks and a frequent recent buyer. */
    const double f[] = {0, 6}, r[] = {0, 36}, t[] = {38, 38}, clv[] = {50.0, 400.0};
    double prob[2], score[2], pa[2], e[2], var[2];
    uint8_t band[2], at_risk[2];
    CHECK_STATUS(cvm_churn_risk(m, &(cvm_churn_risk_columns){{f, 2}, {r, 2}, {t, 2}, {clv, 2}}, 39.0, NULL,
                                &(cvm_churn_risk_outputs){prob, score, band, at_risk, pa, e, var, 2}),
                 CVM_STATUS_OK);
    for (int i = 0; i < 2; i++) {
        /* The BG/NBD form: 1 - P(alive) + P(alive) ((alpha + T) / (alpha + T + 39))^(r + x). */
        double none = pow((4.414 + t[i]) / (4.414 + t[i] + 39.0), 0.243 + f[i]);
        CHECK_CLOSE(prob[i], 1.0 - pa[i] + pa[i] * none, 1e-12);
        CHECK_CLOSE(score[i], exp(-e[i]), 1e-15);
        CHECK_CLOSE(var[i], prob[i] * clv[i], 1e-12);
    }
    CHECK(pa[0] == 1.0); /* one-time buyers are alive under the BG/NBD */
    CHECK(band[0] == CVM_RISK_HIGH && at_risk[0] == 1);
    CHECK(band[1] == CVM_RISK_LOW && at_risk[1] == 0);
    CHECK(strcmp(cvm_risk_band_name(CVM_RISK_MEDIUM), "medium") == 0);
    /* The reason of the one-time buyer: the text of the Rust and Python tables. */
    char *why = NULL;
    CHECK_STATUS(cvm_churn_risk_reason(m, f[0], r[0], t[0], 39.0, NULL, &why), CVM_STATUS_OK);
    CHECK(why && strcmp(why, "P(no purchase in 39) = 0.853: P(alive) 1, expected purchases 0.199, 38 since the "
                             "last purchase") == 0);
    cvm_string_free(why);
    CHECK_STATUS(cvm_churn_risk_reason(m, 1.0, 5.0, 4.0, 39.0, NULL, &why), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("recency", 0);
    CHECK_STATUS(cvm_churn_risk_reason(m, 1.0, 2.0, 4.0, 39.0, NULL, NULL), CVM_STATUS_NULL_POINTER);
    double prob2[2];
    CHECK_STATUS(cvm_churn_probability(m, f, 2, r, 2, t, 2, 39.0, prob2, 2), CVM_STATUS_OK);
    CHECK(prob2[0] == prob[0] && prob2[1] == prob[1]);

    /* Bad input: a horizon that is not > 0, thresholds outside their domain, a value at risk
     * without a CLV, a wrong output length, recency > T. */
    CHECK_STATUS(cvm_churn_probability(m, f, 2, r, 2, t, 2, NAN, prob, 2), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("horizon", -1);
    cvm_churn_risk_options opt = cvm_churn_risk_options_default();
    CHECK_CLOSE(opt.at_risk_threshold, 0.5, 0);
    opt.high_threshold = 1.5;
    CHECK_STATUS(cvm_churn_risk(m, &(cvm_churn_risk_columns){{f, 2}, {r, 2}, {t, 2}, {NULL, 0}}, 39.0, &opt,
                                &(cvm_churn_risk_outputs){prob, NULL, NULL, NULL, NULL, NULL, NULL, 2}),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("high_threshold", -1);
    CHECK_STATUS(cvm_churn_risk(m, &(cvm_churn_risk_columns){{f, 2}, {r, 2}, {t, 2}, {NULL, 0}}, 39.0, NULL,
                                &(cvm_churn_risk_outputs){prob, NULL, NULL, NULL, NULL, NULL, var, 2}),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("value_at_risk", -1);
    CHECK_STATUS(cvm_churn_risk(m, &(cvm_churn_risk_columns){{f, 2}, {r, 2}, {t, 2}, {NULL, 0}}, 39.0, NULL,
                                &(cvm_churn_risk_outputs){prob, NULL, NULL, NULL, NULL, NULL, NULL, 3}),
                 CVM_STATUS_LENGTH_MISMATCH);
    const double late[] = {0, 40};
    CHECK_STATUS(cvm_churn_probability(m, f, 2, late, 2, t, 2, 39.0, prob, 2), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("recency", 1);
    CHECK_STATUS(cvm_churn_probability(NULL, f, 2, r, 2, t, 2, 39.0, prob, 2), CVM_STATUS_NULL_POINTER);
    cvm_model_free(m);

    /* BG/BB: a new donor's probability of no gift in 6 years is P(X(6) = 0). */
    cvm_bg_bb *bb = NULL;
    CHECK_STATUS(cvm_bg_bb_from_params(1.204, 0.750, 0.657, 2.783, &bb), CVM_STATUS_OK);
    double pbb[1], want_bb = 0;
    CHECK_STATUS(cvm_bg_bb_churn_probability(bb, zero, 1, zero, 1, zero, 1, 6.0, pbb, 1), CVM_STATUS_OK);
    CHECK_STATUS(cvm_bg_bb_probability_of_n_transactions(bb, 0, 6, &want_bb), CVM_STATUS_OK);
    CHECK_CLOSE(pbb[0], want_bb, 1e-13);
    CHECK_STATUS(cvm_bg_bb_churn_probability(bb, zero, 1, zero, 1, zero, 1, 1.5, pbb, 1), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("horizon", -1);
    cvm_bg_bb_free(bb);
}

static void test_every_churn_type_with_its_reason(void) {
    const uint8_t moved[] = {1, 0, 0, 0, 0, 0, 1};
    const uint8_t competitor[] = {0, 1, 0, 0, 0, 0, 1};
    const uint8_t fault[] = {0, 0, 1, 0, 0, 0, 0};
    const uint8_t dissatisfied[] = {0, 0, 0, 1, 0, 0, 0};
    const uint8_t lapse[] = {0, 0, 0, 1, 1, 0, 0};
    cvm_churn_labels *c = NULL;
    CHECK_STATUS(cvm_churn_types(moved, 7, competitor, 7, fault, 7, dissatisfied, 7, lapse, 7, &c), CVM_STATUS_OK);
    if (!c) return;
    CHECK(cvm_churn_labels_len(c) == 7);
    uint8_t types[7];
    CHECK_STATUS(cvm_churn_labels_types(c, types, 7), CVM_STATUS_OK);
    const uint8_t want[] = {CVM_CHURN_ACTIVE_NATURAL,      CVM_CHURN_ACTIVE_COMPETITIVE,    CVM_CHURN_ACTIVE_FAULT,
                            CVM_CHURN_PASSIVE_RETALIATORY, CVM_CHURN_PASSIVE_NON_MALICIOUS, CVM_CHURN_UNKNOWN,
                            CVM_CHURN_ACTIVE_NATURAL};
    for (int i = 0; i < 7; i++) CHECK(types[i] == want[i]);
    const char *reasons[] = {
        "active_natural: moved_or_died",
        "active_competitive: competitor",
        "active_fault: our_fault",
        "passive_retaliatory: dissatisfied",
        "passive_non_malicious: payment_lapse",
        "unknown: no reason field set",
        "active_natural: moved_or_died",
    };
    for (size_t i = 0; i < 7; i++) CHECK_REASON(cvm_churn_labels_reason, c, i, reasons[i]);
    CHECK(strcmp(cvm_churn_type_name(CVM_CHURN_PASSIVE_NON_MALICIOUS), "passive_non_malicious") == 0);
    cvm_churn_labels_free(c);

    /* A flag byte other than 0/1, a column of another length, no column. */
    const uint8_t bad[] = {0, 1, 2, 0, 0, 0, 0};
    CHECK_STATUS(cvm_churn_types(NULL, 0, bad, 7, NULL, 0, NULL, 0, NULL, 0, &c), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("competitor", 2);
    CHECK_STATUS(cvm_churn_types(moved, 7, competitor, 6, NULL, 0, NULL, 0, NULL, 0, &c), CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("competitor", -1);
    CHECK_STATUS(cvm_churn_types(NULL, 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0, &c), CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("reasons", -1);
}

static void test_migration_small(void) {
    const int64_t ids_b[] = {1, 2, 3}, ids_a[] = {4, 2, 1};
    const uint8_t before[] = {CVM_STAGE_FIRST_TIME, CVM_STAGE_FIRST_TIME, CVM_STAGE_REPEAT};
    const uint8_t after[] = {CVM_STAGE_REPEAT, CVM_STAGE_LAPSED, CVM_STAGE_ADVOCATE};
    cvm_migration *m = NULL;
    CHECK_STATUS(cvm_stage_migration(ids_b, 3, before, 3, ids_a, 3, after, 3, CVM_MIGRATION_STRICT, &m),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("ids_before", 2);
    CHECK(m == NULL);
    CHECK_STATUS(cvm_stage_migration(ids_b, 3, before, 3, ids_a, 3, after, 3, CVM_MIGRATION_OUTER_JOIN, &m),
                 CVM_STATUS_OK);
    if (!m) return;
    CHECK(cvm_migration_n_rows(m) == 7);
    CHECK(cvm_migration_n_columns(m) == 7);
    uint8_t rows[7], cols[7];
    CHECK_STATUS(cvm_migration_row_states(m, rows, 7), CVM_STATUS_OK);
    CHECK_STATUS(cvm_migration_column_states(m, cols, 7), CVM_STATUS_OK);
    CHECK(rows[6] == CVM_STATE_NEW);
    CHECK(cols[6] == CVM_STATE_GONE);
    uint64_t counts[49];
    double rates[49];
    CHECK_STATUS(cvm_migration_counts(m, counts, 49), CVM_STATUS_OK);
    CHECK_STATUS(cvm_migration_rates(m, rates, 49), CVM_STATUS_OK);
    CHECK(counts[CVM_STAGE_FIRST_TIME * 7 + CVM_STAGE_LAPSED] == 1);   /* customer 2 */
    CHECK(counts[CVM_STAGE_FIRST_TIME * 7 + CVM_STAGE_ADVOCATE] == 1); /* customer 1 */
    CHECK(counts[CVM_STAGE_REPEAT * 7 + 6] == 1);                      /* customer 3: gone */
    CHECK(counts[6 * 7 + CVM_STAGE_REPEAT] == 1);                      /* customer 4: new */
    CHECK_CLOSE(rates[CVM_STAGE_FIRST_TIME * 7 + CVM_STAGE_LAPSED], 0.5, 1e-15);
    CHECK_CLOSE(rates[CVM_STAGE_REPEAT * 7 + 6], 1.0, 1e-15);
    size_t n = cvm_migration_n_moves(m);
    CHECK(n == 4);
    int64_t ids[4];
    uint8_t from[4], to[4];
    CHECK_STATUS(cvm_migration_moves(m, ids, from, to, 4), CVM_STATUS_OK);
    const int64_t want_ids[] = {1, 2, 3, 4};
    const uint8_t want_from[] = {CVM_STAGE_FIRST_TIME, CVM_STAGE_FIRST_TIME, CVM_STAGE_REPEAT, CVM_STATE_NEW};
    const uint8_t want_to[] = {CVM_STAGE_ADVOCATE, CVM_STAGE_LAPSED, CVM_STATE_GONE, CVM_STAGE_REPEAT};
    for (int i = 0; i < 4; i++) {
        CHECK(ids[i] == want_ids[i]);
        CHECK(from[i] == want_from[i]);
        CHECK(to[i] == want_to[i]);
    }
    cvm_migration_free(m);
    cvm_migration_free(NULL);

    /* Bad input: an unknown stage code, an unknown policy, a duplicate id. */
    const uint8_t bad_stage[] = {CVM_STAGE_REPEAT, 9, CVM_STAGE_REPEAT};
    CHECK_STATUS(cvm_stage_migration(ids_b, 3, bad_stage, 3, ids_a, 3, after, 3, CVM_MIGRATION_OUTER_JOIN, &m),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("stages_before", 1);
    CHECK_STATUS(cvm_stage_migration(ids_b, 3, before, 3, ids_a, 3, after, 3, 7, &m), CVM_STATUS_UNKNOWN_NAME);
    CHECK_ERROR_AT("policy", -1);
    const int64_t dup[] = {1, 2, 1};
    CHECK_STATUS(cvm_stage_migration(dup, 3, before, 3, ids_a, 3, after, 3, CVM_MIGRATION_OUTER_JOIN, &m),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("ids_before", 2);
}

static void test_ladder_bad_input(void) {
    const double f[] = {1, 2, 0}, r[] = {1, 4, 0}, t[] = {5, 5, 5};
    const double p_nan[] = {0.2, 0.4, NAN};
    cvm_ladder *l = NULL;
    CHECK_STATUS(cvm_loyalty_stages(
                     &(cvm_ladder_columns){.frequency = {f, 3}, .recency = {r, 3}, .t = {t, 3}, .p_alive = {p_nan, 3}},
                     NULL, &l),
                 CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("p_alive", 2);
    const double referrals[] = {0, 0, 0, 0};
    CHECK_STATUS(
        cvm_loyalty_stages(
            &(cvm_ladder_columns){.frequency = {f, 3}, .recency = {r, 3}, .t = {t, 3}, .referrals = {referrals, 4}},
            NULL, &l),
        CVM_STATUS_LENGTH_MISMATCH);
    CHECK_ERROR_AT("referrals", -1);
    const uint8_t purchased[] = {1, 3, 1};
    CHECK_STATUS(
        cvm_loyalty_stages(
            &(cvm_ladder_columns){.frequency = {f, 3}, .recency = {r, 3}, .t = {t, 3}, .purchased = {purchased, 3}},
            NULL, &l),
        CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("purchased", 1);
    const uint8_t not_bought[] = {1, 0, 1};
    CHECK_STATUS(
        cvm_loyalty_stages(
            &(cvm_ladder_columns){.frequency = {f, 3}, .recency = {r, 3}, .t = {t, 3}, .purchased = {not_bought, 3}},
            NULL, &l),
        CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("frequency", 1);
    cvm_ladder_options opt = cvm_ladder_options_default();
    opt.has_lapse_window = true;
    opt.lapse_window = -1;
    CHECK_STATUS(
        cvm_loyalty_stages(&(cvm_ladder_columns){.frequency = {f, 3}, .recency = {r, 3}, .t = {t, 3}}, &opt, &l),
        CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("lapse_window", -1);
    opt = cvm_ladder_options_default();
    opt.p_alive_threshold = 0;
    CHECK_STATUS(
        cvm_loyalty_stages(&(cvm_ladder_columns){.frequency = {f, 3}, .recency = {r, 3}, .t = {t, 3}}, &opt, &l),
        CVM_STATUS_INVALID_VALUE);
    CHECK_ERROR_AT("p_alive_threshold", -1);
    CHECK_STATUS(
        cvm_loyalty_stages(&(cvm_ladder_columns){.frequency = {f, 3}, .recency = {r, 3}, .t = {t, 3}}, NULL, NULL),
        CVM_STATUS_NULL_POINTER);
    CHECK(l == NULL);
}

/* ---- CDNOW: ladder at the end of calibration and of the holdout, and the migration ---- */

enum { MAX_ID = 2358 };

/* The ladder as of `end` with a window of `weeks`: summary (weeks) of the transactions up to
 * `end`, then cvm_loyalty_stages. Writes ids and stage codes; returns the number of customers. */
static size_t cdnow_ladder(const int64_t *id, const int64_t *day, size_t n, int64_t end, double weeks,
                           int64_t *ids_out, uint8_t *stages_out) {
    int64_t *kid = malloc(n * sizeof(int64_t)), *kday = malloc(n * sizeof(int64_t));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (day[i] <= end) kid[k] = id[i], kday[k++] = day[i];
    cvm_summary_options opt = cvm_summary_options_default();
    opt.time_unit = CVM_UNIT_WEEK;
    opt.has_observation_end = true;
    opt.observation_end = end;
    cvm_summary *s = NULL;
    if (cvm_summary_from_transactions(kid, k, kday, k, NULL, 0, &opt, &s) != CVM_STATUS_OK) exit(4);
    size_t m = cvm_summary_len(s);
    cvm_ladder_options lo = cvm_ladder_options_default();
    lo.has_lapse_window = true;
    lo.lapse_window = weeks;
    cvm_ladder *l = NULL;
    CHECK_STATUS(cvm_loyalty_stages(&(cvm_ladder_columns){.frequency = {cvm_summary_frequency(s), m},
                                                          .recency = {cvm_summary_recency(s), m},
                                                          .t = {cvm_summary_T(s), m}},
                                    &lo, &l),
                 CVM_STATUS_OK);
    memcpy(ids_out, cvm_summary_customer_ids(s), m * sizeof(int64_t));
    CHECK_STATUS(cvm_ladder_stages(l, stages_out, m), CVM_STATUS_OK);
    cvm_ladder_free(l);
    cvm_summary_free(s);
    free(kid);
    free(kday);
    return m;
}

/* The same ladder from the raw log in whole days: lapsed when the last purchase day is at least
 * than 7·weeks days before `end` (or exactly: reached at equality), repeat with two distinct purchase days, first-time otherwise. */
static void ladder_by_hand(const int64_t *id, const int64_t *day, size_t n, int64_t end, int64_t weeks,
                           uint8_t *by_id) {
    int64_t first[MAX_ID], last[MAX_ID];
    for (int c = 0; c < MAX_ID; c++) first[c] = INT64_MAX, last[c] = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        if (day[i] > end) continue;
        if (day[i] < first[id[i]]) first[id[i]] = day[i];
        if (day[i] > last[id[i]]) last[id[i]] = day[i];
    }
    for (int c = 0; c < MAX_ID; c++) {
        if (last[c] == INT64_MIN) by_id[c] = 255;
        else if (end - last[c] >= 7 * weeks) by_id[c] = CVM_STAGE_LAPSED;
        else if (last[c] > first[c]) by_id[c] = CVM_STAGE_REPEAT;
        else by_id[c] = CVM_STAGE_FIRST_TIME;
    }
}

static void test_cdnow(void) {
    cdnow_log_t log = cdnow_read_log();
    const int64_t *id = log.id, *day = log.day;
    size_t n = log.n;
    int64_t cal_end, end;
    cvm_parse_date("1997-09-30", &cal_end);
    cvm_parse_date("1998-06-30", &end);
    /* window (weeks); pinned (first_time, repeat, lapsed) at both ends; pinned moves */
    const struct {
        int64_t weeks;
        size_t cal[3], fin[3];
        uint64_t ft_repeat, ft_lapsed, rep_repeat, rep_lapsed, lapsed_repeat, lapsed_lapsed;
    } cases[] = {
        {26, {0, 725, 1632}, {0, 515, 1842}, 0, 0, 341, 384, 174, 1458},
        {52, {1411, 946, 0}, {0, 808, 1549}, 193, 1218, 615, 331, 0, 0},
    };
    int64_t ids_c[MAX_ID], ids_f[MAX_ID];
    uint8_t st_c[MAX_ID], st_f[MAX_ID], hand_c[MAX_ID], hand_f[MAX_ID];
    for (size_t k = 0; k < 2; k++) {
        size_t nc = cdnow_ladder(id, day, n, cal_end, (double)cases[k].weeks, ids_c, st_c);
        size_t nf = cdnow_ladder(id, day, n, end, (double)cases[k].weeks, ids_f, st_f);
        CHECK(nc == 2357);
        CHECK(nf == 2357);
        ladder_by_hand(id, day, n, cal_end, cases[k].weeks, hand_c);
        ladder_by_hand(id, day, n, end, cases[k].weeks, hand_f);
        size_t cnt_c[6] = {0}, cnt_f[6] = {0}, agree = 0;
        for (size_t i = 0; i < nc; i++) {
            agree += st_c[i] == hand_c[ids_c[i]];
            agree += st_f[i] == hand_f[ids_f[i]];
            cnt_c[st_c[i]]++;
            cnt_f[st_f[i]]++;
        }
        CHECK(agree == 2 * 2357);
        const uint8_t order[3] = {CVM_STAGE_FIRST_TIME, CVM_STAGE_REPEAT, CVM_STAGE_LAPSED};
        for (int s = 0; s < 3; s++) {
            CHECK(cnt_c[order[s]] == cases[k].cal[s]);
            CHECK(cnt_f[order[s]] == cases[k].fin[s]);
        }
        CHECK(cnt_c[CVM_STAGE_SUSPECT] + cnt_c[CVM_STAGE_PROSPECT] + cnt_c[CVM_STAGE_ADVOCATE] == 0);
        cvm_migration *m = NULL;
        CHECK_STATUS(cvm_stage_migration(ids_c, nc, st_c, nc, ids_f, nf, st_f, nf, CVM_MIGRATION_STRICT, &m),
                     CVM_STATUS_OK);
        if (!m) continue;
        uint64_t counts[36], hand[36] = {0};
        CHECK_STATUS(cvm_migration_counts(m, counts, 36), CVM_STATUS_OK);
        for (int c = 1; c < MAX_ID; c++)
            if (hand_c[c] != 255) hand[hand_c[c] * 6 + hand_f[c]]++;
        for (int j = 0; j < 36; j++) CHECK(counts[j] == hand[j]);
        CHECK(counts[CVM_STAGE_FIRST_TIME * 6 + CVM_STAGE_REPEAT] == cases[k].ft_repeat);
        CHECK(counts[CVM_STAGE_FIRST_TIME * 6 + CVM_STAGE_LAPSED] == cases[k].ft_lapsed);
        CHECK(counts[CVM_STAGE_REPEAT * 6 + CVM_STAGE_REPEAT] == cases[k].rep_repeat);
        CHECK(counts[CVM_STAGE_REPEAT * 6 + CVM_STAGE_LAPSED] == cases[k].rep_lapsed);
        CHECK(counts[CVM_STAGE_LAPSED * 6 + CVM_STAGE_REPEAT] == cases[k].lapsed_repeat);
        CHECK(counts[CVM_STAGE_LAPSED * 6 + CVM_STAGE_LAPSED] == cases[k].lapsed_lapsed);
        double rates[36];
        CHECK_STATUS(cvm_migration_rates(m, rates, 36), CVM_STATUS_OK);
        int from = CVM_STAGE_REPEAT;
        CHECK_CLOSE(rates[from * 6 + CVM_STAGE_LAPSED], (double)cases[k].rep_lapsed / (double)cases[k].cal[1], 1e-15);
        CHECK(cvm_migration_n_moves(m) == 2357);
        cvm_migration_free(m);
    }
    cdnow_free_log(&log);
}

int main(void) {
    test_every_stage_with_its_reason();
    test_every_level_with_its_reason();
    test_churn_risk();
    test_every_churn_type_with_its_reason();
    test_migration_small();
    test_ladder_bad_input();
    test_cdnow();
    return cvm_test_finish("test_loyalty_c");
}
