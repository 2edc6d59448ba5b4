// cvm/covariates.hpp — covariate models: transaction and spend models whose parameters depend on
// each customer's covariates (part of cvm.hpp; see docs/covariates.md and docs/cpp.md).
#ifndef CVM_COVARIATES_HPP
#define CVM_COVARIATES_HPP

#include "models.hpp"

namespace cvm {

/// The transaction models a covariate fit accepts (CVM_MODEL_*).
enum class ModelKind : std::uint32_t {
    ParetoNbd = CVM_MODEL_PARETO_NBD,
    BgNbd = CVM_MODEL_BG_NBD,
    MbgNbd = CVM_MODEL_MBG_NBD,
    BgBb = CVM_MODEL_BG_BB,
};

using CovariatesHandle = Handle<cvm_covariates, cvm_covariates_free>;
using CovariateModelHandle = Handle<cvm_covariate_model, cvm_covariate_model_free>;

/// Per-customer covariates: one row per customer (in the order of the customer columns),
/// numeric and categorical columns added by name (chainable), or a row-major matrix.
class Covariates : public CovariatesHandle {
public:
    /// `n_rows` customers, no column yet.
    explicit Covariates(std::size_t n_rows) : CovariatesHandle(create(n_rows)) {}
    /// Numeric columns `names` from a row-major matrix (row i: customer i's covariates).
    static Covariates from_matrix(Span<double> values, const std::vector<std::string> &names) {
        std::vector<const char *> n = detail::c_strings(names);
        return detail::make<Covariates>([&](cvm_covariates **out) {
            return cvm_covariates_from_matrix(values.data(), values.size(), n.data(), n.size(), out);
        });
    }
    Covariates &numeric(const std::string &name, Span<double> values) {
        detail::check(cvm_covariates_add_numeric(capi(), name.c_str(), values.data(), values.size()));
        return *this;
    }
    /// A categorical column from one label per row; `reference` NULL: the first level in sorted
    /// order among those present.
    Covariates &categorical(const std::string &name, Span<const char *> labels, const char *reference = nullptr) {
        detail::check(cvm_covariates_add_categorical(capi(), name.c_str(), labels.data(), labels.size(), reference));
        return *this;
    }
    Covariates &categorical(const std::string &name, const std::vector<std::string> &labels,
                            const std::optional<std::string> &reference = std::nullopt) {
        std::vector<const char *> l = detail::c_strings(labels);
        return categorical(name, Span<const char *>(l.data(), l.size()), reference ? reference->c_str() : nullptr);
    }
    /// A categorical column from codes into `levels` (a negative code is a missing value: an error).
    Covariates &categorical_codes(const std::string &name, Span<std::int64_t> codes,
                                  const std::vector<std::string> &levels,
                                  const std::optional<std::string> &reference = std::nullopt) {
        std::vector<const char *> l = detail::c_strings(levels);
        detail::check(cvm_covariates_add_categorical_codes(capi(), name.c_str(), codes.data(), codes.size(),
                                                           l.data(), l.size(),
                                                           reference ? reference->c_str() : nullptr));
        return *this;
    }
    std::size_t n_rows() const { return cvm_covariates_n_rows(capi()); }
    std::size_t n_columns() const { return cvm_covariates_n_columns(capi()); }

    /// Adopts a C handle (freed by this object).
    explicit Covariates(cvm_covariates *raw) noexcept : CovariatesHandle(raw) {}

private:
    static cvm_covariates *create(std::size_t n_rows) {
        cvm_covariates *raw = nullptr;
        detail::check(cvm_covariates_new(n_rows, &raw));
        return raw;
    }
};

/// The covariates of each process (any may be null: none); one object may serve several.
struct ProcessCovariates {
    const Covariates *transaction = nullptr, *lifetime = nullptr, *spend = nullptr;

    cvm_process_covariates to_c() const {
        auto raw = [](const Covariates *z) -> const cvm_covariates * { return z ? z->capi() : nullptr; };
        return cvm_process_covariates{raw(transaction), raw(lifetime), raw(spend)};
    }
};

/// Options of the covariate fits (defaults are the library's).
struct CovariateOptions {
    /// The driver's options; its penalizer must be 0 (the coefficients' penalty is l2).
    FitOptions fit;
    /// L2 penalty on the coefficients only.
    double l2 = cvm_covariate_options_default().l2;
    /// Columns in both the transaction and the lifetime covariates sharing one coefficient.
    std::vector<std::string> shared;
};

/// The likelihood-ratio test against the plain model (statistic, df, p_value, plain_log_likelihood).
using LikelihoodRatioTest = cvm_likelihood_ratio_test;

/// A model fitted with covariates: base parameters, then coefficients trans_<column>,
/// life_<column>, spend_<column>, shared_<column> (categorical: <process>_<column>[<level>]).
class CovariateModel : public CovariateModelHandle {
public:
    /// Fits `kind` on one row per customer with the covariates of each process.
    static CovariateModel fit(ModelKind kind, Span<double> frequency, Span<double> recency, Span<double> T,
                              const ProcessCovariates &covariates, const CovariateOptions &options = {}) {
        cvm_fit_columns c{detail::col(frequency), detail::col(recency), detail::col(T), cvm_doubles{nullptr, 0}};
        cvm_process_covariates z = covariates.to_c();
        return call_fit(options, [&](const cvm_covariate_options *o, cvm_covariate_model **out) {
            return cvm_covariate_model_fit(static_cast<std::uint32_t>(kind), &c, &z, o, out);
        });
    }
    /// fit() with the transaction and lifetime covariates (either may be null).
    static CovariateModel fit(ModelKind kind, Span<double> frequency, Span<double> recency, Span<double> T,
                              const Covariates *transaction, const Covariates *lifetime,
                              const CovariateOptions &options = {}) {
        return fit(kind, frequency, recency, T, ProcessCovariates{transaction, lifetime, nullptr}, options);
    }
    /// The Gamma-Gamma spend model with spend covariates (null: none).
    static CovariateModel fit_spend(Span<double> frequency, Span<double> monetary_value, const Covariates *spend,
                                    const CovariateOptions &options = {}) {
        return call_fit(options, [&](const cvm_covariate_options *o, cvm_covariate_model **out) {
            return cvm_covariate_model_fit_spend(frequency.data(), frequency.size(), monetary_value.data(),
                                                 monetary_value.size(), spend ? spend->capi() : nullptr, o, out);
        });
    }
    static CovariateModel from_json(const std::string &json) {
        return detail::make<CovariateModel>(
            [&](cvm_covariate_model **out) { return cvm_covariate_model_from_json(json.c_str(), out); });
    }
    std::string to_json() const {
        return detail::take_string([&](char **out) { return cvm_covariate_model_to_json(capi(), out); });
    }
    /// "pareto_nbd", "bg_nbd", "mbg_nbd", "bg_bb" or "gamma_gamma".
    std::string kind() const { return detail::copy(cvm_covariate_model_kind(capi())); }
    Unit time_unit() const { return static_cast<Unit>(cvm_covariate_model_time_unit(capi())); }
    double l2() const { return cvm_covariate_model_l2(capi()); }
    std::size_t base_count() const { return cvm_covariate_model_base_count(capi()); }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < size(); i++) out.push_back(detail::copy(cvm_covariate_model_param_name(capi(), i)));
        return out;
    }
    std::vector<double> params() const {
        return detail::fill<double>(size(), [&](double *o, std::size_t n) { return cvm_covariate_model_params(capi(), o, n); });
    }
    std::vector<double> standard_errors() const {
        return detail::fill<double>(
            size(), [&](double *o, std::size_t n) { return cvm_covariate_model_standard_errors(capi(), o, n); });
    }
    Interval confidence_intervals(double level) const {
        Interval r{std::vector<double>(size()), std::vector<double>(size())};
        detail::check(
            cvm_covariate_model_confidence_intervals(capi(), level, r.lower.data(), r.upper.data(), r.lower.size()));
        return r;
    }
    /// The covariance of (ln base parameters, γ), row-major (size() × size()).
    std::vector<double> log_covariance() const {
        return detail::fill<double>(size() * size(), [&](double *o, std::size_t n) {
            return cvm_covariate_model_log_covariance(capi(), o, n);
        });
    }
    FitDiagnostics diagnostics() const {
        return detail::scalar<FitDiagnostics>(
            [&](FitDiagnostics *o) { return cvm_covariate_model_diagnostics(capi(), o); });
    }
    LikelihoodRatioTest likelihood_ratio_test() const {
        return detail::scalar<LikelihoodRatioTest>(
            [&](LikelihoodRatioTest *o) { return cvm_covariate_model_likelihood_ratio_test(capi(), o); });
    }
    std::vector<double> probability_alive(Span<double> frequency, Span<double> recency, Span<double> T,
                                          const ProcessCovariates &covariates) const {
        cvm_process_covariates z = covariates.to_c();
        return detail::fill<double>(frequency.size(), [&](double *o, std::size_t n) {
            return cvm_covariate_model_probability_alive(capi(), frequency.data(), frequency.size(), recency.data(),
                                                         recency.size(), T.data(), T.size(), &z, o, n);
        });
    }
    std::vector<double> conditional_expected_purchases(double horizon, Span<double> frequency, Span<double> recency,
                                                       Span<double> T, const ProcessCovariates &covariates) const {
        cvm_process_covariates z = covariates.to_c();
        return detail::fill<double>(frequency.size(), [&](double *o, std::size_t n) {
            return cvm_covariate_model_conditional_expected_purchases(capi(), horizon, frequency.data(),
                                                                      frequency.size(), recency.data(),
                                                                      recency.size(), T.data(), T.size(), &z, o, n);
        });
    }
    /// Delta-method intervals of `quantity` at confidence `level` from the full covariance.
    Interval prediction_interval(Quantity quantity, double horizon, const Customers &c,
                                 const ProcessCovariates &covariates, double level) const {
        cvm_process_covariates z = covariates.to_c();
        Interval r{std::vector<double>(c.frequency.size()), std::vector<double>(c.frequency.size())};
        detail::check(cvm_covariate_model_prediction_interval(
            capi(), static_cast<std::uint32_t>(quantity), horizon, c.frequency.data(), c.frequency.size(),
            c.recency.data(), c.recency.size(), c.T.data(), c.T.size(), &z, level, r.lower.data(), r.upper.data(),
            r.lower.size()));
        return r;
    }
    /// P(X(horizon) = n) for a new customer with each of the `n_rows` rows' covariates.
    std::vector<double> probability_of_n_purchases(std::uint64_t n, double horizon, std::size_t n_rows,
                                                   const ProcessCovariates &covariates) const {
        cvm_process_covariates z = covariates.to_c();
        return detail::fill<double>(n_rows, [&](double *o, std::size_t k) {
            return cvm_covariate_model_probability_of_n_purchases(capi(), n, horizon, &z, o, k);
        });
    }
    /// Expected spend per transaction of each customer (a Gamma-Gamma with spend covariates).
    std::vector<double> expected_average_spend(Span<double> frequency, Span<double> monetary_value,
                                               const ProcessCovariates &covariates) const {
        cvm_process_covariates z = covariates.to_c();
        return detail::fill<double>(frequency.size(), [&](double *o, std::size_t n) {
            return cvm_covariate_model_expected_average_spend(capi(), frequency.data(), frequency.size(),
                                                              monetary_value.data(), monetary_value.size(), &z,
                                                              0.0, o, nullptr, nullptr, n);
        });
    }
    /// Its delta-method interval at confidence `level`.
    Interval expected_average_spend_interval(Span<double> frequency, Span<double> monetary_value,
                                             const ProcessCovariates &covariates, double level) const {
        cvm_process_covariates z = covariates.to_c();
        const std::size_t n = frequency.size();
        std::vector<double> estimate(n);
        Interval r{std::vector<double>(n), std::vector<double>(n)};
        detail::check(cvm_covariate_model_expected_average_spend(
            capi(), frequency.data(), n, monetary_value.data(), monetary_value.size(), &z, level, estimate.data(),
            r.lower.data(), r.upper.data(), n));
        return r;
    }
    /// Each customer's natural parameters, row-major (n_customers × base_count()).
    std::vector<double> customer_params(std::size_t n_customers, const ProcessCovariates &covariates) const {
        cvm_process_covariates z = covariates.to_c();
        return detail::fill<double>(n_customers * base_count(), [&](double *o, std::size_t n) {
            return cvm_covariate_model_customer_params(capi(), n_customers, &z, o, n);
        });
    }
    std::vector<double> log_likelihood_individual(const Customers &c, const ProcessCovariates &covariates) const {
        cvm_process_covariates z = covariates.to_c();
        return detail::fill<double>(c.frequency.size(), [&](double *o, std::size_t n) {
            return cvm_covariate_model_log_likelihood_individual(capi(), c.frequency.data(), c.frequency.size(),
                                                                 c.recency.data(), c.recency.size(), c.T.data(),
                                                                 c.T.size(), &z, o, n);
        });
    }

    /// Adopts a C handle (freed by this object).
    explicit CovariateModel(cvm_covariate_model *raw) noexcept : CovariateModelHandle(raw) {}

private:
    std::size_t size() const { return cvm_covariate_model_param_count(capi()); }

    template <class F> static CovariateModel call_fit(const CovariateOptions &options, F &&f) {
        std::vector<const char *> shared = detail::c_strings(options.shared);
        cvm_covariate_options o = cvm_covariate_options_default();
        o.fit = options.fit.to_c();
        o.l2 = options.l2;
        o.shared = cvm_strings{shared.empty() ? nullptr : shared.data(), shared.size()};
        return detail::make<CovariateModel>([&](cvm_covariate_model **out) { return f(&o, out); });
    }
};

/// The two models of covariate_clv(): each side a covariate model or a plain one (exactly one).
struct ClvSides {
    const CovariateModel *transaction = nullptr;
    const Model *plain_transaction = nullptr;
    const CovariateModel *spend = nullptr;
    const GammaGamma *plain_spend = nullptr;
};

/// CLV per customer at each customer's parameters (either side with covariates); as clv().
inline ClvResult covariate_clv(const ClvSides &sides, const ClvCustomers &c, const ProcessCovariates &covariates,
                               const ClvOptions &options = {}) {
    const std::size_t n = c.frequency.size();
    ClvResult r{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n), {}, {}};
    if (options.interval_level != 0.0) {
        r.lower.resize(n);
        r.upper.resize(n);
    }
    auto raw = [](const auto *h) { return h ? h->capi() : nullptr; };
    cvm_clv_sides s{raw(sides.transaction), raw(sides.plain_transaction), raw(sides.spend), raw(sides.plain_spend)};
    cvm_clv_customers cc{detail::col(c.frequency), detail::col(c.recency), detail::col(c.T),
                         detail::col(c.monetary_value)};
    cvm_process_covariates z = covariates.to_c();
    cvm_clv_options o = options.to_c();
    cvm_clv_outputs out{r.clv.data(), r.discounted_purchases.data(), r.expected_spend.data(),
                        r.lower.empty() ? nullptr : r.lower.data(), r.upper.empty() ? nullptr : r.upper.data(), n};
    detail::check(cvm_covariate_clv(&s, &cc, &z, &o, &out));
    return r;
}

}  // namespace cvm

#endif
