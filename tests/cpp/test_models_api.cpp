// cvm.hpp over the model handles (Summary, Model, GammaGamma, BgBb, Sbg, Compressed) and churn
// (probability, risk table, calibrator, report, labels): each method's values equal the C
// call's bit for bit, and its errors carry status, field and index.
#include "api_test.hpp"

using api_test::expect_error;
using api_test::is;
using cvm::Status;

namespace {

const std::vector<double> F{0, 2, 5, 1, 0, 7}, R{0, 30.4, 35.1, 10.0, 0, 36.9}, T{38.9, 38.9, 38.0, 37.1, 36.4, 38.6},
    Z{0, 22.5, 41.0, 12.0, 0, 35.2};
const std::size_t N = 6;

void test_summary_and_fit(const cvm::Summary &s) {
    CHECK(s.monetary_value_holdout().empty() && !s.duration_holdout());  // NaN in C: empty here
    CHECK(s.excluded_customers() == 0);
    cvm::Model m = cvm::Model::fit("bg_nbd", s);
    cvm::FitDiagnostics d = m.diagnostics();
    CHECK(d.converged && d.n_obs == 2357.0 && d.log_likelihood < 0);
    CHECK_CLOSE(m.params()[0], 0.243, 1e-3);  // r of the BG/NBD paper (Fader, Hardie & Lee 2005)
    std::vector<double> se(4);
    CHECK_STATUS(cvm_model_standard_errors(m.capi(), se.data(), 4), CVM_STATUS_OK);
    CHECK(m.standard_errors() == se && se[0] > 0);
    // Weights: the compressed rows fitted with their counts give the same model.
    cvm::Compressed c = cvm::Compressed::compute(s.frequency(), s.recency(), s.T());
    cvm::CompressedRows rows = c.rows(s.size());
    CHECK(rows.frequency.size() == c.size() && c.size() < s.size() && rows.inverse.size() == s.size());
    CHECK(rows.frequency[rows.inverse[7]] == s.frequency()[7] && rows.T[rows.inverse[7]] == s.T()[7]);
    std::vector<double> w(rows.weight.begin(), rows.weight.end());
    cvm::Model mw = cvm::Model::fit("bg_nbd", rows.frequency, rows.recency, rows.T, {}, w);
    for (int k = 0; k < 4; k++) CHECK_CLOSE(mw.params()[k] / m.params()[k], 1.0, 1e-6);
    // Spend model on the repeat customers.
    std::vector<double> f, z;
    for (std::size_t i = 0; i < s.size(); i++)
        if (s.frequency()[i] > 0) f.push_back(s.frequency()[i]), z.push_back(s.monetary_value()[i]);
    cvm::GammaGamma gg = cvm::GammaGamma::fit(f, z);
    double corr = 0;
    CHECK_STATUS(cvm_frequency_monetary_correlation(f.data(), f.size(), z.data(), z.size(), nullptr, 0, &corr),
                 CVM_STATUS_OK);
    CHECK(cvm::frequency_monetary_correlation(f, z) == corr && corr > -1 && corr < 1);
    CHECK(gg.diagnostics().converged && gg.standard_errors().size() == 3 && gg.standard_errors()[0] > 0);
    auto p = gg.params();
    CHECK_CLOSE(gg.population_mean_spend(), p[0] * p[2] / (p[1] - 1), 1e-12);
    cvm::Error e = expect_error([&] { cvm::Model::fit("bg_nbd", s.frequency(), s.recency(), std::vector<double>{1}); });
    CHECK(is(e, Status::LengthMismatch, "T", -1));
    e = expect_error([&] { cvm::Model::fit("bg_nbd", F, R, T, {}, std::vector<double>{1, 1, -1, 1, 1, 1}); });
    CHECK(is(e, Status::InvalidValue, "weights", 2));
}

void test_model_methods() {
    const double params[4] = {0.243, 4.414, 0.793, 2.426};
    cvm::Model m = cvm::Model::from_params("bg_nbd", std::vector<double>(params, params + 4));
    CHECK(m.time_unit() == cvm::Unit::Period && m.with_time_unit(cvm::Unit::Week).time_unit() == cvm::Unit::Week);
    CHECK(is(expect_error([&] { m.with_time_unit(static_cast<cvm::Unit>(9)); }), Status::UnknownName, "unit", -1));
    CHECK(is(expect_error([&] { m.diagnostics(); }), Status::InvalidValue, "diagnostics", -1));
    cvm::Customers c{F, R, T};
    std::vector<double> alive(N), expected(N), lo(N), hi(N), dert(N), ll(N);
    CHECK_STATUS(cvm_model_predict(m.capi(), 39, F.data(), N, R.data(), N, T.data(), N, alive.data(), expected.data(), N),
                 CVM_STATUS_OK);
    cvm::Prediction p = m.predict(39, c);
    CHECK(p.alive == alive && p.expected == expected && p.alive == m.probability_alive(F, R, T));
    CHECK(p.expected == m.conditional_expected_purchases(39, F, R, T));
    // DERT has a closed form for the Pareto/NBD (Fader, Hardie & Lee 2005, "RFM and CLV").
    cvm::Model pareto = cvm::Model::from_params("pareto_nbd", std::vector<double>{0.55, 10.58, 0.61, 11.67});
    CHECK_STATUS(cvm_model_dert(pareto.capi(), F.data(), N, R.data(), N, T.data(), N, 0.002, dert.data(), N),
                 CVM_STATUS_OK);
    CHECK(pareto.dert(c, 0.002) == dert && dert[5] > dert[0]);
    CHECK(is(expect_error([&] { m.dert(c, 0.002); }), Status::InvalidValue, "model", -1));
    // The conditional count distribution (Pareto/NBD only): equal to the C call, sums to ~1 over n.
    std::vector<double> pn(N), total(N, 0.0);
    CHECK_STATUS(cvm_model_conditional_probability_of_n_purchases(pareto.capi(), 1, 39, F.data(), N, R.data(), N,
                                                                  T.data(), N, pn.data(), N),
                 CVM_STATUS_OK);
    CHECK(pareto.conditional_probability_of_n_purchases(1, 39, c) == pn && pn[1] > 0 && pn[1] < 1);
    for (std::uint64_t n = 0; n < 200; n++) {
        std::vector<double> pk = pareto.conditional_probability_of_n_purchases(n, 39, c);
        for (std::size_t i = 0; i < N; i++) total[i] += pk[i];
    }
    for (std::size_t i = 0; i < N; i++) CHECK_CLOSE(total[i], 1.0, 1e-9);
    CHECK(is(expect_error([&] { m.conditional_probability_of_n_purchases(1, 39, c); }), Status::InvalidValue, "model",
             -1));
    CHECK(is(expect_error([&] { pareto.conditional_probability_of_n_purchases(1, -1, c); }), Status::InvalidValue, "t",
             -1));
    CHECK_STATUS(cvm_model_log_likelihood_individual(m.capi(), F.data(), N, R.data(), N, T.data(), N, ll.data(), N),
                 CVM_STATUS_OK);
    CHECK(m.log_likelihood_individual(c) == ll && ll[0] < 0);
    std::vector<double> t{10, 20}, e2(2);
    CHECK_STATUS(cvm_model_expected_purchases_new_customer(m.capi(), t.data(), 2, e2.data(), 2), CVM_STATUS_OK);
    CHECK(m.expected_purchases_new_customer(t) == e2 && e2[1] > e2[0]);
    double p0 = 0;
    CHECK_STATUS(cvm_model_probability_of_n_purchases(m.capi(), 0, 10, &p0), CVM_STATUS_OK);
    CHECK(m.probability_of_n_purchases(0, 10) == p0 && p0 > 0 && p0 < 1);
    // Intervals need a fitted model's covariance: the error names what is missing.
    cvm::Error e = expect_error([&] { m.prediction_interval(cvm::Quantity::ProbabilityAlive, 39, c, 0.9); });
    CHECK(e.status() == Status::InvalidValue && !e.field().empty());
    e = expect_error([&] { pareto.dert(c, -1); });
    CHECK(is(e, Status::InvalidValue, "delta", -1));
    e = expect_error([&] { m.predict(39, {F, R, std::vector<double>{1, 2}}); });
    CHECK(is(e, Status::LengthMismatch, "T", -1));
}

void test_intervals(const cvm::Summary &s) {
    cvm::Model m = cvm::Model::fit("bg_nbd", s);
    cvm::Customers c{F, R, T};
    std::vector<double> lo(N), hi(N);
    CHECK_STATUS(cvm_model_prediction_interval(m.capi(), 1, 39, F.data(), N, R.data(), N, T.data(), N, 0.9, lo.data(),
                                               hi.data(), N),
                 CVM_STATUS_OK);
    cvm::Interval iv = m.prediction_interval(cvm::Quantity::ExpectedPurchases, 39, c, 0.9);
    std::vector<double> e = m.conditional_expected_purchases(39, F, R, T);
    CHECK(iv.lower == lo && iv.upper == hi && lo[5] < e[5] && e[5] < hi[5]);
}

void test_gamma_gamma_and_bgbb() {
    cvm::GammaGamma gg = cvm::GammaGamma::from_params(6.25, 3.74, 15.44);
    CHECK(gg.params() == (std::vector<double>{6.25, 3.74, 15.44}));
    CHECK(gg.with_time_unit(cvm::Unit::Month).time_unit() == cvm::Unit::Month && gg.time_unit() == cvm::Unit::Period);
    CHECK(is(expect_error([] { cvm::GammaGamma::from_params(1, -1, 1); }), Status::InvalidValue, "q", -1));
    cvm::GammaGamma back = cvm::GammaGamma::from_json(gg.to_json());
    CHECK(back.params() == gg.params());
    // BG/BB of the donations paper (Fader, Hardie & Shang 2010).
    cvm::BgBb bb = cvm::BgBb::from_params(1.204, 0.750, 0.657, 2.783);
    CHECK(cvm::BgBb::from_json(bb.to_json()).params() == bb.params());
    CHECK(bb.with_time_unit(cvm::Unit::Year).time_unit() == cvm::Unit::Year);
    const std::vector<double> x{0, 3, 6}, tx{0, 5, 6}, n{6, 6, 6};
    cvm::Histories h{x, tx, n};
    std::vector<double> pa(3), et(3), ch(3);
    CHECK_STATUS(cvm_bg_bb_conditional_probability_alive(bb.capi(), 5, x.data(), 3, tx.data(), 3, n.data(), 3,
                                                         pa.data(), 3),
                 CVM_STATUS_OK);
    CHECK_STATUS(cvm_bg_bb_conditional_expected_transactions(bb.capi(), 5, x.data(), 3, tx.data(), 3, n.data(), 3,
                                                             et.data(), 3),
                 CVM_STATUS_OK);
    CHECK_STATUS(cvm_bg_bb_churn_probability(bb.capi(), x.data(), 3, tx.data(), 3, n.data(), 3, 2, ch.data(), 3),
                 CVM_STATUS_OK);
    CHECK(bb.probability_alive(5, h) == pa && bb.expected_transactions(5, h) == et && bb.churn_probability(h, 2) == ch);
    CHECK(pa[2] > pa[0] && et[2] > et[0]);
    double e6 = 0, p06 = 0;
    CHECK_STATUS(cvm_bg_bb_expected_transactions_new_customer(bb.capi(), 6, &e6), CVM_STATUS_OK);
    CHECK_STATUS(cvm_bg_bb_probability_of_n_transactions(bb.capi(), 0, 6, &p06), CVM_STATUS_OK);
    CHECK(bb.expected_transactions_new_customer(6) == e6 && bb.probability_of_n_transactions(0, 6) == p06);
    CHECK(bb.probability_of_n_transactions(7, 6) == 0.0);
    CHECK(is(expect_error([&] { bb.diagnostics(); }), Status::InvalidValue, "diagnostics", -1));
    // Fit on the 22 rows of donations.csv equals the C fit.
    std::vector<double> f, r, np, w;
    std::ifstream in("../../data/donations.csv");
    std::string line;
    std::getline(in, line);  // header
    double a, b, cc, d;
    char comma;
    while (in >> a >> comma >> b >> comma >> cc >> comma >> d) f.push_back(a), r.push_back(b), np.push_back(cc), w.push_back(d);
    CHECK(f.size() == 22);
    cvm::BgBb fitted = cvm::BgBb::fit({f, r, np}, {}, w);
    cvm_fit_columns col{{f.data(), 22}, {r.data(), 22}, {np.data(), 22}, {w.data(), 22}};
    cvm_bg_bb *raw = nullptr;
    CHECK_STATUS(cvm_bg_bb_fit(&col, nullptr, &raw), CVM_STATUS_OK);
    cvm::BgBb c_fit(raw);
    CHECK(fitted.params() == c_fit.params() && fitted.diagnostics().converged);
    CHECK(fitted.standard_errors().size() == 4 && fitted.standard_errors()[0] > 0);
    CHECK_CLOSE(fitted.params()[0], 1.204, 1e-3);
    // CLV over the BG/BB equals the C call (T = opportunities).
    cvm::ClvOptions o;
    o.horizon = 5;
    o.time_unit = cvm::Unit::Year;
    o.data_time_unit = cvm::Unit::Year;
    const std::vector<double> zz{0, 30, 40};
    cvm::ClvResult v = cvm::clv(bb, gg, {x, tx, n, zz}, o);
    std::vector<double> want(3);
    cvm_clv_customers cu{{x.data(), 3}, {tx.data(), 3}, {n.data(), 3}, {zz.data(), 3}};
    cvm_clv_options co = o.to_c();
    cvm_clv_outputs out{want.data(), nullptr, nullptr, nullptr, nullptr, 3};
    CHECK_STATUS(cvm_clv_bg_bb(bb.capi(), gg.capi(), &cu, &co, &out), CVM_STATUS_OK);
    CHECK(v.clv == want && want[2] > want[1]);
    o.time_unit = cvm::Unit::Period;  // not a unit of a CLV horizon
    CHECK(is(expect_error([&] { cvm::clv(bb, gg, {x, tx, n, zz}, o); }), Status::UnknownName, "time_unit", -1));
}

void test_sbg() {
    const std::vector<double> regular{1000, 631, 468, 382, 326, 289, 262, 241};
    cvm::Sbg s = cvm::Sbg::fit_cohort(regular);
    CHECK_CLOSE(s.params()[0], 0.704, 1e-3);  // Fader & Hardie (2007), regular customers
    CHECK(s.diagnostics().converged && s.standard_errors()[1] > 0);
    CHECK(cvm::Sbg::from_json(s.to_json()).params() == s.params());
    CHECK(s.with_time_unit(cvm::Unit::Year).time_unit() == cvm::Unit::Year && s.time_unit() == cvm::Unit::Period);
    const std::vector<double> t{1, 2, 3}, renew{7, 0};
    std::vector<double> sv(3), rr(3), derl(2);
    CHECK_STATUS(cvm_sbg_survival(s.capi(), t.data(), 3, sv.data(), 3), CVM_STATUS_OK);
    CHECK_STATUS(cvm_sbg_retention_rate(s.capi(), t.data(), 3, rr.data(), 3), CVM_STATUS_OK);
    CHECK_STATUS(cvm_sbg_derl(s.capi(), 0.1, renew.data(), 2, derl.data(), 2), CVM_STATUS_OK);
    CHECK(s.survival(t) == sv && s.retention_rate(t) == rr && s.derl(0.1, renew) == derl);
    CHECK_CLOSE(s.expected_lifetime_value(1.0, 0.1), 1.0 + derl[1] / 1.1, 1e-10);
    // Per-customer fit: durations with weights give the cohort's parameters.
    std::vector<double> dur, act, w;
    for (int k = 1; k <= 7; k++) dur.push_back(k), act.push_back(0), w.push_back(regular[k - 1] - regular[k]);
    dur.push_back(7), act.push_back(1), w.push_back(regular[7]);
    CHECK_CLOSE(cvm::Sbg::fit(dur, act, {}, w).params()[0] / s.params()[0], 1.0, 1e-6);
    CHECK(is(expect_error([] { cvm::Sbg::fit(std::vector<double>{1, 2}, std::vector<double>{0, 0.5}); }),
             Status::InvalidValue, "still_active", 1));
    CHECK(is(expect_error([] { cvm::Sbg::from_params(1, 0); }), Status::InvalidValue, "beta", -1));
    CHECK(cvm::Sbg::from_params(1, 1).params() == (std::vector<double>{1, 1}));
}

void test_churn() {
    const double params[4] = {0.243, 4.414, 0.793, 2.426};
    cvm::Model m = cvm::Model::from_params("bg_nbd", std::vector<double>(params, params + 4));
    cvm::Customers c{F, R, T};
    std::vector<double> p(N);
    CHECK_STATUS(cvm_churn_probability(m.capi(), F.data(), N, R.data(), N, T.data(), N, 39, p.data(), N), CVM_STATUS_OK);
    CHECK(cvm::churn_probability(m, c, 39) == p);
    std::vector<double> clv{0, 100, 300, 50, 0, 400}, prob(N), score(N), var(N);
    std::vector<std::uint8_t> band(N), flag(N);
    cvm_churn_risk_columns cc{{F.data(), N}, {R.data(), N}, {T.data(), N}, {clv.data(), N}};
    cvm_churn_risk_outputs co{prob.data(), score.data(), band.data(), flag.data(), nullptr, nullptr, var.data(), N};
    CHECK_STATUS(cvm_churn_risk(m.capi(), &cc, 39, nullptr, &co), CVM_STATUS_OK);
    cvm::ChurnRisk r = cvm::churn_risk(m, c, 39, clv);
    CHECK(r.probability == prob && r.score == score && r.value_at_risk == var && r.probability == p);
    for (std::size_t i = 0; i < N; i++)
        CHECK(static_cast<std::uint8_t>(r.band[i]) == band[i] && r.at_risk[i] == (flag[i] == 1));
    CHECK(cvm::churn_risk(m, c, 39).value_at_risk.empty());
    CHECK(cvm::risk_band_name(r.band[0]) == cvm_risk_band_name(band[0]));
    CHECK(cvm::risk_band_name(static_cast<cvm::RiskBand>(77)).empty());
    char *raw = nullptr;
    CHECK_STATUS(cvm_churn_risk_reason(m.capi(), 2, 30.4, 38.9, 39, nullptr, &raw), CVM_STATUS_OK);
    CHECK(cvm::churn_risk_reason(m, 2, 30.4, 38.9, 39) == raw);
    cvm_string_free(raw);
    cvm::ChurnRiskOptions bad;
    bad.high_threshold = 1.5;  // above 1
    CHECK(is(expect_error([&] { cvm::churn_risk(m, c, 39, {}, bad); }), Status::InvalidValue, "high_threshold", -1));
    CHECK(is(expect_error([&] { cvm::churn_risk(m, c, -1); }), Status::InvalidValue, "horizon", -1));
}

void test_calibration_report_labels() {
    const std::vector<double> s{1.0, 2.0, 2.0, 3.0, 4.0};
    const std::vector<std::uint8_t> y{0, 1, 0, 0, 1};
    auto cal = cvm::ChurnCalibrator::fit(s, y, cvm::Calibration::Isotonic);
    CHECK(cal.method() == cvm::Calibration::Isotonic);
    const std::vector<double> x{0.0, 5.0 / 3.0, 19.0 / 6.0, 9.0};
    std::vector<double> want(4);
    CHECK_STATUS(cvm_churn_calibrator_transform(cal.capi(), x.data(), 4, want.data(), 4), CVM_STATUS_OK);
    CHECK(cal.transform(x) == want);
    CHECK_CLOSE(want[1], 1.0 / 6.0, 1e-12);
    CHECK(cvm::ChurnCalibrator::from_json(cal.to_json()).transform(x) == want);
    const std::vector<std::uint8_t> sep{0, 0, 1, 1, 1};
    CHECK(expect_error([&] { cvm::ChurnCalibrator::fit(s, sep, cvm::Calibration::Platt); }).status() ==
          Status::NotIdentified);
    CHECK(is(expect_error([&] { cvm::ChurnCalibrator::fit(s, y, static_cast<cvm::Calibration>(5)); }),
             Status::UnknownName, "method", -1));
    const std::vector<double> p{0.9, 0.8, 0.3, 0.2}, weeks{10.0, 2.0, 8.0, 1.0};
    const std::vector<std::uint8_t> yy{1, 0, 1, 0};
    auto rep = cvm::ChurnReport::compute(p, yy, 2, {}, weeks);
    cvm::ChurnReportSummary sum = rep.summary();
    double auc = 0, brier = 0, base = 0;
    size_t bins = 0;
    bool has = false;
    CHECK_STATUS(cvm_churn_report_summary(rep.capi(), &auc, &brier, &bins, &has, &base), CVM_STATUS_OK);
    CHECK(sum.auc == auc && sum.brier == brier && sum.bins == 2 && has && sum.baseline_auc == base);
    cvm::CalibrationTable ct = rep.calibration();
    CHECK(ct.count == (std::vector<std::size_t>{2, 2}) && ct.observed_rate[0] == 0.5);
    auto test = rep.calibration_test();
    CHECK(test && test->degrees_of_freedom == 2 && test->p_value > 0 && test->p_value <= 1);
    cvm::GainsTable g = rep.gains(), gb = rep.gains(cvm::Side::Baseline);
    CHECK(g.count == (std::vector<std::size_t>{2, 2}) && g.cumulative_share.back() == 1.0 && gb.churners.size() == 2);
    auto no_base = cvm::ChurnReport::compute(p, yy, 2);
    CHECK(!no_base.summary().baseline_auc);
    CHECK(is(expect_error([&] { no_base.gains(cvm::Side::Baseline); }), Status::InvalidValue, "side", -1));
    CHECK(!cvm::ChurnReport::compute(std::vector<double>{0, 0, 1, 1}, yy, 2).calibration_test());
    CHECK(is(expect_error([&] { cvm::ChurnReport::compute(p, yy, 9); }), Status::InvalidValue, "bins", -1));
    // Churn types from reasons.
    const std::vector<std::uint8_t> moved{1, 0, 0}, comp{0, 1, 0};
    cvm::ChurnReasons reasons;
    reasons.moved_or_died = moved;
    reasons.competitor = comp;
    auto labels = cvm::ChurnLabels::compute(reasons);
    std::vector<cvm::ChurnType> types = labels.types();
    CHECK(labels.size() == 3 && types[0] == cvm::ChurnType::ActiveNatural &&
          types[1] == cvm::ChurnType::ActiveCompetitive && types[2] == cvm::ChurnType::Unknown);
    CHECK(cvm::churn_type_name(types[2]) == cvm_churn_type_name(CVM_CHURN_UNKNOWN) && !labels.reason(0).empty());
    CHECK(cvm::churn_type_name(static_cast<cvm::ChurnType>(99)).empty());
    CHECK(is(expect_error([] { cvm::ChurnLabels::compute({}); }), Status::InvalidValue, "reasons", -1));
    CHECK(is(expect_error([&] { labels.reason(3); }), Status::InvalidValue, "row", 3));
}

}  // namespace

int main() {
    cvm::Summary s = api_test::cdnow();
    CHECK(s.size() == 2357);
    test_summary_and_fit(s);
    test_model_methods();
    test_intervals(s);
    test_gamma_gamma_and_bgbb();
    test_sbg();
    test_churn();
    test_calibration_report_labels();
    return cvm_test_finish("test_models_api");
}
