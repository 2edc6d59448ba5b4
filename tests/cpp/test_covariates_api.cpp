// cvm.hpp over the covariate models (Covariates, CovariateModel): on CDNOW with a covariate from
// the first purchase, each method's values equal the C call's bit for bit and the plain model's
// at each customer's parameters, and its errors carry status, field and index.
#include <algorithm>
#include <map>

#include "api_test.hpp"

using api_test::expect_error;
using api_test::is;
using cvm::Status;

namespace {

/// The first 2,000 CDNOW customers: fewer than 2,049, so that the covariate likelihood sums its
/// one chunk on the calling thread, and ThreadSanitizer's reports of rayon's pool (whose
/// synchronisation it cannot see) stay within the frames tests/cpp/tsan.supp suppresses.
struct Cohort {
    std::vector<double> frequency, recency, T, monetary_value, big_first;
    std::size_t size() const { return frequency.size(); }
};

/// 1 for the customers whose first purchase is above the median first purchase, per summary row.
std::vector<double> big_first(const cvm::Summary &s) {
    std::ifstream in("../../data/CDNOW_sample.txt");
    long master, id, cds;
    std::string date;
    double amount;
    std::map<long, double> first;
    while (in >> master >> id >> date >> cds >> amount) first.emplace(id, amount);  // the file is by id, then date
    std::vector<double> v;
    for (std::int64_t i : s.customer_ids()) v.push_back(first.at(static_cast<long>(i)));
    std::vector<double> sorted = v;
    std::nth_element(sorted.begin(), sorted.begin() + sorted.size() / 2, sorted.end());
    const double median = sorted[sorted.size() / 2];
    for (double &x : v) x = x > median ? 1.0 : 0.0;
    return v;
}

Cohort cohort(const cvm::Summary &s) {
    const std::size_t n = 2000;
    std::vector<double> big = big_first(s);
    auto head = [&](cvm::Span<double> v) { return std::vector<double>(v.begin(), v.begin() + n); };
    return {head(s.frequency()), head(s.recency()), head(s.T()), head(s.monetary_value()), head(big)};
}

void test_fit_and_methods(const Cohort &s) {
    const std::size_t n = s.size();
    const std::vector<double> &big = s.big_first;
    std::vector<const char *> channel;
    const char *levels[3] = {"email", "store", "web"};
    for (std::size_t i = 0; i < n; i++) channel.push_back(levels[(i * 7) % 3]);
    cvm::Covariates z(n);
    z.numeric("big_first", big).categorical("channel", channel, "email");
    CHECK(z.n_rows() == n && z.n_columns() == 2);
    cvm::CovariateOptions opt;
    opt.fit.time_unit = cvm::Unit::Week;
    auto m = cvm::CovariateModel::fit(cvm::ModelKind::ParetoNbd, s.frequency, s.recency, s.T, &z, &z, opt);
    const std::vector<std::string> names{"r",
                                         "alpha",
                                         "s",
                                         "beta",
                                         "trans_big_first",
                                         "trans_channel[store]",
                                         "trans_channel[web]",
                                         "life_big_first",
                                         "life_channel[store]",
                                         "life_channel[web]"};
    CHECK(m.names() == names && m.base_count() == 4 && m.kind() == "pareto_nbd");
    CHECK(m.time_unit() == cvm::Unit::Week && m.l2() == 0.0);
    // Values equal the C calls'.
    std::vector<double> p(10), se(10), lo(10), hi(10);
    CHECK_STATUS(cvm_covariate_model_params(m.capi(), p.data(), 10), CVM_STATUS_OK);
    CHECK_STATUS(cvm_covariate_model_standard_errors(m.capi(), se.data(), 10), CVM_STATUS_OK);
    CHECK_STATUS(cvm_covariate_model_confidence_intervals(m.capi(), 0.95, lo.data(), hi.data(), 10), CVM_STATUS_OK);
    CHECK(m.params() == p && m.standard_errors() == se);
    cvm::Interval ci = m.confidence_intervals(0.95);
    CHECK(ci.lower == lo && ci.upper == hi);
    std::vector<double> cov = m.log_covariance();
    CHECK(cov.size() == 100);
    CHECK_CLOSE(std::sqrt(cov[4 * 10 + 4]), se[4], 1e-15);
    // Big first purchases buy more often: a clear effect, and the LR test rejects the plain model.
    CHECK(p[4] > 3 * se[4]);
    cvm::LikelihoodRatioTest t = m.likelihood_ratio_test();
    CHECK(t.df == 6 && t.statistic > 0 && t.p_value < 1e-3);
    cvm::FitDiagnostics d = m.diagnostics();
    CHECK(d.converged && d.n_obs == 2000.0);
    CHECK_CLOSE(t.statistic, 2 * (d.log_likelihood - t.plain_log_likelihood), 1e-9);
    // JSON round trip.
    auto back = cvm::CovariateModel::from_json(m.to_json());
    CHECK(back.params() == p && back.names() == names);

    // Per customer: the plain model's P(alive) at each customer's parameters (1e-12).
    cvm::ProcessCovariates pc{&z, &z};
    std::vector<double> alive = m.probability_alive(s.frequency, s.recency, s.T, pc);
    std::vector<double> cp = m.customer_params(n, pc);
    for (std::size_t i = 0; i < n; i += 97) {
        auto plain = cvm::Model::from_params("pareto_nbd", std::vector<double>(cp.begin() + 4 * i, cp.begin() + 4 * i + 4));
        std::vector<double> one =
            plain.probability_alive(std::vector<double>{s.frequency[i]}, std::vector<double>{s.recency[i]},
                                    std::vector<double>{s.T[i]});
        CHECK_CLOSE(alive[i], one[0], 1e-12);
    }
    std::vector<double> e = m.conditional_expected_purchases(39, s.frequency, s.recency, s.T, pc);
    std::vector<double> ce(n);
    CHECK_STATUS(cvm_covariate_model_conditional_expected_purchases(m.capi(), 39, s.frequency.data(), n,
                                                                    s.recency.data(), n, s.T.data(), n,
                                                                    nullptr, ce.data(), n),
                 CVM_STATUS_INVALID_VALUE);  // the model's covariates are required
    cvm::Customers c{s.frequency, s.recency, s.T};
    cvm::Interval band = m.prediction_interval(cvm::Quantity::ExpectedPurchases, 39, c, pc, 0.9);
    std::size_t inside = 0;
    for (std::size_t i = 0; i < n; i++) inside += band.lower[i] <= e[i] && e[i] <= band.upper[i];
    CHECK(inside == n);
    std::vector<double> pn = m.probability_of_n_purchases(0, 39, n, pc);
    CHECK(pn.size() == n && pn[0] > 0 && pn[0] < 1);
    std::vector<double> ll = m.log_likelihood_individual(c, pc);
    double sum = 0;
    for (double x : ll) sum += x;
    CHECK_CLOSE(sum, d.log_likelihood, 1e-8 * std::fabs(d.log_likelihood));

    // Without covariates: the plain fit (1e-10).
    auto none = cvm::CovariateModel::fit(cvm::ModelKind::BgNbd, s.frequency, s.recency, s.T, nullptr, nullptr);
    auto plain = cvm::Model::fit("bg_nbd", s.frequency, s.recency, s.T);
    for (int k = 0; k < 4; k++) CHECK_CLOSE(none.params()[k], plain.params()[k], 1e-10 * plain.params()[k]);
    CHECK_CLOSE(none.diagnostics().log_likelihood, plain.diagnostics().log_likelihood, 1e-10);
    CHECK(none.likelihood_ratio_test().df == 0 && none.likelihood_ratio_test().p_value == 1.0);

    // Errors: an unseen level names the column and the row; a constant column; a bad kind code.
    cvm::Covariates zn(2);
    zn.numeric("big_first", std::vector<double>{0, 1}).categorical("channel", std::vector<std::string>{"web", "fax"});
    cvm::Error err = expect_error([&] {
        m.probability_alive(std::vector<double>{0, 1}, std::vector<double>{0, 5}, std::vector<double>{30, 30},
                            {&zn, &zn});
    });
    CHECK(err.status() == Status::InvalidValue && err.index() == 1);
    CHECK(std::string(err.what()).find("fax") != std::string::npos);
    cvm::Covariates flat(n);
    flat.numeric("flat", std::vector<double>(n, 2.0));
    err = expect_error(
        [&] { cvm::CovariateModel::fit(cvm::ModelKind::BgNbd, s.frequency, s.recency, s.T, &flat, nullptr); });
    CHECK(err.status() == Status::NotIdentified && std::string(err.what()).find("`flat`") != std::string::npos);
    err = expect_error([&] {
        cvm::CovariateModel::fit(static_cast<cvm::ModelKind>(9), s.frequency, s.recency, s.T, &z, nullptr);
    });
    CHECK(is(err, Status::UnknownName, "kind", -1));
    err = expect_error([&] { z.numeric("short", std::vector<double>{1, 2}); });
    CHECK(is(err, Status::LengthMismatch, "short", -1));
    err = expect_error([&] { cvm::Covariates::from_matrix(std::vector<double>{1, 2, 3}, {"a", "b"}); });
    CHECK(is(err, Status::LengthMismatch, "covariates", -1));
    err = expect_error([&] { cvm::CovariateModel::from_json("{}"); });
    CHECK(err.status() == Status::Json);
}

void test_spend_and_options(const Cohort &s) {
    std::vector<double> f, mv, big;
    const std::vector<double> &all_big = s.big_first;
    for (std::size_t i = 0; i < s.size(); i++)
        if (s.frequency[i] > 0)
            f.push_back(s.frequency[i]), mv.push_back(s.monetary_value[i]), big.push_back(all_big[i]);
    auto zs = cvm::Covariates::from_matrix(big, {"big_first"});
    auto g = cvm::CovariateModel::fit_spend(f, mv, &zs);
    CHECK(g.kind() == "gamma_gamma" && g.base_count() == 3 && g.names()[3] == "spend_big_first");
    CHECK(g.likelihood_ratio_test().p_value < 1e-3);
    // Expected spend per customer: the C call's values, inside their interval.
    std::vector<double> es = g.expected_average_spend(f, mv, {nullptr, nullptr, &zs});
    std::vector<double> ce(f.size()), lo(f.size()), hi(f.size());
    cvm_process_covariates pz{nullptr, nullptr, zs.capi()};
    CHECK_STATUS(cvm_covariate_model_expected_average_spend(g.capi(), f.data(), f.size(), mv.data(), mv.size(), &pz,
                                                            0.9, ce.data(), lo.data(), hi.data(), f.size()),
                 CVM_STATUS_OK);
    cvm::Interval eb = g.expected_average_spend_interval(f, mv, {nullptr, nullptr, &zs}, 0.9);
    CHECK(es == ce && eb.lower == lo && eb.upper == hi);
    std::size_t inside = 0;
    for (std::size_t i = 0; i < f.size(); i++) inside += lo[i] <= es[i] && es[i] <= hi[i];
    CHECK(inside == f.size());
    // Shared columns and an L2 penalty.
    cvm::Covariates z(s.size());
    z.numeric("big_first", all_big);
    cvm::CovariateOptions o;
    o.shared = {"big_first"};
    o.l2 = 0.01;
    auto m = cvm::CovariateModel::fit(cvm::ModelKind::BgNbd, s.frequency, s.recency, s.T, &z, &z, o);
    CHECK(m.names().size() == 5 && m.names()[4] == "shared_big_first" && m.l2() == 0.01);
    // CLV per customer with a covariate transaction side and a covariate or plain spend side.
    std::vector<double> mv_all(s.monetary_value);
    for (std::size_t i = 0; i < s.size(); i++)
        if (s.frequency[i] == 0) mv_all[i] = 0;
    auto gs = cvm::CovariateModel::fit_spend(s.frequency, mv_all, &z);
    auto gg = cvm::GammaGamma::fit(s.frequency, mv_all);
    cvm::ClvOptions co;
    co.interval_level = 0.9;
    co.data_time_unit = cvm::Unit::Week;
    cvm::ClvCustomers cc{s.frequency, s.recency, s.T, mv_all};
    cvm::ClvResult with = cvm::covariate_clv({&m, nullptr, &gs, nullptr}, cc, {&z, &z, &z}, co);
    cvm::ClvResult plain_spend = cvm::covariate_clv({&m, nullptr, nullptr, &gg}, cc, {&z, &z}, co);
    CHECK(with.clv.size() == s.size() && with.lower.size() == s.size());
    for (std::size_t i = 0; i < s.size(); i += 101) {
        CHECK(with.lower[i] <= with.clv[i] && with.clv[i] <= with.upper[i]);
        CHECK_CLOSE(plain_spend.clv[i], plain_spend.expected_spend[i] * plain_spend.discounted_purchases[i],
                    1e-9 * (1 + plain_spend.clv[i]));
    }
    cvm::Error err = expect_error([&] { cvm::covariate_clv({&m, nullptr, &gs, &gg}, cc, {&z, &z, &z}, co); });
    CHECK(is(err, Status::InvalidValue, "spend", -1));
    o.fit.penalizer = 0.5;
    err = expect_error(
        [&] { cvm::CovariateModel::fit(cvm::ModelKind::BgNbd, s.frequency, s.recency, s.T, &z, &z, o); });
    CHECK(is(err, Status::InvalidValue, "penalizer", -1));
}

}  // namespace

int main() {
    Cohort s = cohort(api_test::cdnow());
    test_fit_and_methods(s);
    test_spend_and_options(s);
    return cvm_test_finish("test_covariates_api");
}
