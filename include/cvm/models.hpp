// cvm/models.hpp — summaries, transaction and spend models, CLV (part of cvm.hpp; see docs/cpp.md).
#ifndef CVM_MODELS_HPP
#define CVM_MODELS_HPP

#include "core.hpp"

namespace cvm {

// ------------------------------------------------------------------------------ summary

/// Options of Summary::from_transactions (defaults are the library's).
struct SummaryOptions {
    Unit freq = static_cast<Unit>(cvm_summary_options_default().freq);
    std::uint32_t freq_multiplier = cvm_summary_options_default().freq_multiplier;
    Unit time_unit = static_cast<Unit>(cvm_summary_options_default().time_unit);
    TimestampUnit timestamp_unit = static_cast<TimestampUnit>(cvm_summary_options_default().timestamp_unit);
    std::optional<std::int64_t> observation_end;
    std::optional<std::int64_t> calibration_end;
    bool include_first_purchase = cvm_summary_options_default().include_first_purchase;
    bool net_negative_amounts = false;

    cvm_summary_options to_c() const {
        cvm_summary_options o = cvm_summary_options_default();
        o.freq = static_cast<std::uint32_t>(freq);
        o.freq_multiplier = freq_multiplier;
        o.time_unit = static_cast<std::uint32_t>(time_unit);
        o.timestamp_unit = static_cast<std::uint32_t>(timestamp_unit);
        o.has_observation_end = observation_end.has_value();
        o.observation_end = observation_end.value_or(0);
        o.has_calibration_end = calibration_end.has_value();
        o.calibration_end = calibration_end.value_or(0);
        o.include_first_purchase = include_first_purchase;
        o.negative_amounts = net_negative_amounts ? CVM_NEGATIVE_AMOUNTS_NET : CVM_NEGATIVE_AMOUNTS_ERROR;
        return o;
    }
};

/// One row per customer: frequency, recency, T, monetary value (views valid while it lives).
class Summary : public SummaryHandle {
public:
    static Summary from_transactions(Span<std::int64_t> customer_ids, Span<std::int64_t> timestamps,
                                     Span<double> amounts, const SummaryOptions &options = {}) {
        cvm_summary_options o = options.to_c();
        return detail::make<Summary>([&](cvm_summary **out) {
            return cvm_summary_from_transactions(customer_ids.data(), customer_ids.size(), timestamps.data(),
                                                 timestamps.size(), amounts.data(), amounts.size(), &o, out);
        });
    }
    /// A summary of text customer ids (an ERP's customer numbers): see text_id().
    static Summary from_transactions(const std::vector<std::string> &customer_ids, Span<std::int64_t> timestamps,
                                     Span<double> amounts, const SummaryOptions &options = {}) {
        std::vector<std::size_t> offsets{0};
        offsets.reserve(customer_ids.size() + 1);
        std::string text;
        for (const std::string &id : customer_ids) {
            text += id;
            offsets.push_back(text.size());
        }
        return from_text_transactions(offsets, text, timestamps, amounts, options);
    }
    /// A summary of text customer ids given as one buffer and the offsets of each id in it (an
    /// Arrow string column): row i's id is text[offsets[i], offsets[i + 1]).
    static Summary from_text_transactions(Span<std::size_t> offsets, std::string_view text,
                                          Span<std::int64_t> timestamps, Span<double> amounts,
                                          const SummaryOptions &options = {}) {
        cvm_summary_options o = options.to_c();
        return detail::make<Summary>([&](cvm_summary **out) {
            return cvm_summary_from_text_transactions(offsets.data(), offsets.size(), text.data(), text.size(),
                                                      timestamps.data(), timestamps.size(), amounts.data(),
                                                      amounts.size(), &o, out);
        });
    }
    std::size_t size() const { return cvm_summary_len(capi()); }
    /// Customer i's id, for a summary of text ids; empty for integer ids (or i >= size()).
    std::optional<std::string_view> text_id(std::size_t i) const {
        std::size_t len = 0;
        const char *p = cvm_summary_text_id(capi(), i, &len);
        return p ? std::optional<std::string_view>(std::string_view(p, len)) : std::nullopt;
    }
    Unit time_unit() const { return static_cast<Unit>(cvm_summary_time_unit(capi())); }
    /// Customer ids, ascending (for text ids, their codes: see text_id()).
    Span<std::int64_t> customer_ids() const { return {cvm_summary_customer_ids(capi()), size()}; }
    Span<double> frequency() const { return {cvm_summary_frequency(capi()), size()}; }
    Span<double> recency() const { return {cvm_summary_recency(capi()), size()}; }
    Span<double> T() const { return {cvm_summary_T(capi()), size()}; }
    Span<double> monetary_value() const { return {cvm_summary_monetary_value(capi()), size()}; }
    /// Holdout purchases; empty when the summary has no holdout period.
    Span<double> frequency_holdout() const { return holdout(cvm_summary_frequency_holdout(capi())); }
    /// Holdout mean spend; empty without a holdout period.
    Span<double> monetary_value_holdout() const { return holdout(cvm_summary_monetary_value_holdout(capi())); }
    /// Length of the holdout period in the summary's unit; empty without a calibration split.
    std::optional<double> duration_holdout() const {
        const double d = cvm_summary_duration_holdout(capi());
        return d == d ? std::optional<double>(d) : std::nullopt;  // NaN in C
    }
    /// Customers left out because their first purchase falls after the calibration end.
    std::size_t excluded_customers() const { return cvm_summary_excluded_customers(capi()); }

private:
    Span<double> holdout(const double *p) const { return {p, p ? size() : 0}; }

public:

    /// Adopts a C handle (freed by this object).
    explicit Summary(cvm_summary *raw) noexcept : SummaryHandle(raw) {}
};

// ------------------------------------------------------------------------------ models

/// Options of the fits.
struct FitOptions {
    double penalizer = cvm_fit_options_default().penalizer;
    std::uint32_t max_iterations = cvm_fit_options_default().max_iterations;
    double tolerance = cvm_fit_options_default().tolerance;
    Unit time_unit = static_cast<Unit>(cvm_fit_options_default().time_unit);

    cvm_fit_options to_c() const {
        return cvm_fit_options{penalizer, max_iterations, tolerance, static_cast<std::uint32_t>(time_unit)};
    }
};

/// Fit diagnostics (log-likelihood, AIC, BIC, iterations, gradient norm, converged, n_obs).
using FitDiagnostics = cvm_fit_diagnostics;

/// The transaction-model columns (frequency, recency, T) of each customer, in the model's unit.
struct Customers {
    Span<double> frequency, recency, T;
};

/// Which quantity Model::prediction_interval bounds.
enum class Quantity : std::uint32_t { ProbabilityAlive = 0, ExpectedPurchases = 1 };

/// P(alive) and expected purchases of each customer (Model::predict).
struct Prediction {
    std::vector<double> alive, expected;
};

/// Lower and upper ends of intervals.
struct Interval {
    std::vector<double> lower, upper;
};

/// A transaction model (BG/NBD, MBG/NBD, Pareto/NBD).
class Model : public ModelHandle {
public:
    /// Fits `kind` ("bg_nbd", "mbg_nbd", "pareto_nbd") on the summary columns (weights empty:
    /// one customer a row).
    static Model fit(const std::string &kind, Span<double> frequency, Span<double> recency, Span<double> T,
                     const FitOptions &options = {}, Span<double> weights = {}) {
        cvm_fit_columns c{detail::col(frequency), detail::col(recency), detail::col(T), detail::opt_col(weights)};
        cvm_fit_options o = options.to_c();
        return detail::make<Model>([&](cvm_model **out) { return cvm_model_fit(kind.c_str(), &c, &o, out); });
    }
    static Model fit(const std::string &kind, const Summary &s, const FitOptions &options = {}) {
        return fit(kind, s.frequency(), s.recency(), s.T(), options);
    }
    /// A model with known parameters, in the papers' order (r, alpha, a, b or r, alpha, s, beta).
    static Model from_params(const std::string &kind, Span<double> params) {
        return detail::make<Model>(
            [&](cvm_model **out) { return cvm_model_from_params(kind.c_str(), params.data(), params.size(), out); });
    }
    static Model from_json(const std::string &json) {
        return detail::make<Model>([&](cvm_model **out) { return cvm_model_from_json(json.c_str(), out); });
    }
    std::string to_json() const {
        return detail::take_string([&](char **out) { return cvm_model_to_json(capi(), out); });
    }
    /// A copy recording `unit` as its unit of time.
    Model with_time_unit(Unit unit) const {
        return detail::make<Model>(
            [&](cvm_model **out) { return cvm_model_with_time_unit(capi(), static_cast<std::uint32_t>(unit), out); });
    }
    std::string kind() const { return detail::copy(cvm_model_kind(capi())); }
    Unit time_unit() const { return static_cast<Unit>(cvm_model_time_unit(capi())); }
    std::vector<double> params() const {
        return detail::fill<double>(cvm_model_param_count(capi()),
                                    [&](double *o, std::size_t n) { return cvm_model_params(capi(), o, n); });
    }
    std::vector<double> standard_errors() const {
        return detail::fill<double>(cvm_model_param_count(capi()),
                                    [&](double *o, std::size_t n) { return cvm_model_standard_errors(capi(), o, n); });
    }
    FitDiagnostics diagnostics() const {
        return detail::scalar<FitDiagnostics>([&](FitDiagnostics *o) { return cvm_model_diagnostics(capi(), o); });
    }
    std::vector<double> probability_alive(Span<double> frequency, Span<double> recency, Span<double> T) const {
        return detail::fill<double>(frequency.size(), [&](double *o, std::size_t n) {
            return cvm_model_probability_alive(capi(), frequency.data(), frequency.size(), recency.data(),
                                               recency.size(), T.data(), T.size(), o, n);
        });
    }
    std::vector<double> conditional_expected_purchases(double horizon, Span<double> frequency, Span<double> recency,
                                                       Span<double> T) const {
        return detail::fill<double>(frequency.size(), [&](double *o, std::size_t n) {
            return cvm_model_conditional_expected_purchases(capi(), horizon, frequency.data(), frequency.size(),
                                                            recency.data(), recency.size(), T.data(), T.size(), o, n);
        });
    }
    /// P(alive) and expected purchases over `horizon` in one pass.
    Prediction predict(double horizon, const Customers &c) const {
        Prediction p{std::vector<double>(c.frequency.size()), std::vector<double>(c.frequency.size())};
        detail::check(cvm_model_predict(capi(), horizon, c.frequency.data(), c.frequency.size(), c.recency.data(),
                                        c.recency.size(), c.T.data(), c.T.size(), p.alive.data(), p.expected.data(),
                                        p.alive.size()));
        return p;
    }
    /// Delta-method intervals of `quantity` at confidence `level`.
    Interval prediction_interval(Quantity quantity, double horizon, const Customers &c, double level) const {
        Interval r{std::vector<double>(c.frequency.size()), std::vector<double>(c.frequency.size())};
        detail::check(cvm_model_prediction_interval(capi(), static_cast<std::uint32_t>(quantity), horizon,
                                                    c.frequency.data(), c.frequency.size(), c.recency.data(),
                                                    c.recency.size(), c.T.data(), c.T.size(), level, r.lower.data(),
                                                    r.upper.data(), r.lower.size()));
        return r;
    }
    /// Discounted expected residual transactions at continuous rate `delta`.
    std::vector<double> dert(const Customers &c, double delta) const {
        return detail::fill<double>(c.frequency.size(), [&](double *o, std::size_t n) {
            return cvm_model_dert(capi(), c.frequency.data(), c.frequency.size(), c.recency.data(), c.recency.size(),
                                  c.T.data(), c.T.size(), delta, o, n);
        });
    }
    /// P(X(T, T+horizon) = n | x, t_x, T) of each customer: the Pareto/NBD's conditional count
    /// distribution (other models throw InvalidValue naming `model`).
    std::vector<double> conditional_probability_of_n_purchases(std::uint64_t n, double horizon,
                                                               const Customers &c) const {
        return detail::fill<double>(c.frequency.size(), [&](double *o, std::size_t k) {
            return cvm_model_conditional_probability_of_n_purchases(capi(), n, horizon, c.frequency.data(),
                                                                    c.frequency.size(), c.recency.data(),
                                                                    c.recency.size(), c.T.data(), c.T.size(), o, k);
        });
    }
    std::vector<double> log_likelihood_individual(const Customers &c) const {
        return detail::fill<double>(c.frequency.size(), [&](double *o, std::size_t n) {
            return cvm_model_log_likelihood_individual(capi(), c.frequency.data(), c.frequency.size(),
                                                       c.recency.data(), c.recency.size(), c.T.data(), c.T.size(), o,
                                                       n);
        });
    }
    /// Expected purchases of a new customer over each length in `t`.
    std::vector<double> expected_purchases_new_customer(Span<double> t) const {
        return detail::fill<double>(t.size(), [&](double *o, std::size_t n) {
            return cvm_model_expected_purchases_new_customer(capi(), t.data(), t.size(), o, n);
        });
    }
    /// P(N(t) = n) for a new customer.
    double probability_of_n_purchases(std::uint64_t n, double t) const {
        return detail::scalar<double>([&](double *o) { return cvm_model_probability_of_n_purchases(capi(), n, t, o); });
    }

    /// Adopts a C handle (freed by this object).
    explicit Model(cvm_model *raw) noexcept : ModelHandle(raw) {}
};

/// The Gamma-Gamma spend model.
class GammaGamma : public GammaGammaHandle {
public:
    static GammaGamma fit(Span<double> frequency, Span<double> monetary_value, const FitOptions &options = {},
                          Span<double> weights = {}) {
        cvm_fit_options o = options.to_c();
        return detail::make<GammaGamma>([&](cvm_gamma_gamma **out) {
            return cvm_gamma_gamma_fit(frequency.data(), frequency.size(), monetary_value.data(),
                                       monetary_value.size(), detail::opt(weights), weights.size(), &o, out);
        });
    }
    /// A model with known parameters p, q, gamma.
    static GammaGamma from_params(double p, double q, double gamma) {
        return detail::make<GammaGamma>(
            [&](cvm_gamma_gamma **out) { return cvm_gamma_gamma_from_params(p, q, gamma, out); });
    }
    static GammaGamma from_json(const std::string &json) {
        return detail::make<GammaGamma>(
            [&](cvm_gamma_gamma **out) { return cvm_gamma_gamma_from_json(json.c_str(), out); });
    }
    std::string to_json() const {
        return detail::take_string([&](char **out) { return cvm_gamma_gamma_to_json(capi(), out); });
    }
    GammaGamma with_time_unit(Unit unit) const {
        return detail::make<GammaGamma>([&](cvm_gamma_gamma **out) {
            return cvm_gamma_gamma_with_time_unit(capi(), static_cast<std::uint32_t>(unit), out);
        });
    }
    Unit time_unit() const { return static_cast<Unit>(cvm_gamma_gamma_time_unit(capi())); }
    /// p, q, gamma.
    std::vector<double> params() const {
        return detail::fill<double>(3, [&](double *o, std::size_t n) { return cvm_gamma_gamma_params(capi(), o, n); });
    }
    std::vector<double> standard_errors() const {
        return detail::fill<double>(
            3, [&](double *o, std::size_t n) { return cvm_gamma_gamma_standard_errors(capi(), o, n); });
    }
    FitDiagnostics diagnostics() const {
        return detail::scalar<FitDiagnostics>(
            [&](FitDiagnostics *o) { return cvm_gamma_gamma_diagnostics(capi(), o); });
    }
    /// E(spend) of a new customer: p·gamma / (q − 1).
    double population_mean_spend() const {
        return detail::scalar<double>([&](double *o) { return cvm_gamma_gamma_population_mean_spend(capi(), o); });
    }
    std::vector<double> expected_average_spend(Span<double> frequency, Span<double> monetary_value) const {
        return detail::fill<double>(frequency.size(), [&](double *o, std::size_t n) {
            return cvm_gamma_gamma_conditional_expected_average_spend(
                capi(), frequency.data(), frequency.size(), monetary_value.data(), monetary_value.size(), o, n);
        });
    }

    /// Adopts a C handle (freed by this object).
    explicit GammaGamma(cvm_gamma_gamma *raw) noexcept : GammaGammaHandle(raw) {}
};

/// Weighted Pearson correlation of frequency and mean spend among repeat customers (the
/// Gamma-Gamma independence check).
inline double frequency_monetary_correlation(Span<double> frequency, Span<double> monetary_value,
                                             Span<double> weights = {}) {
    return detail::scalar<double>([&](double *o) {
        return cvm_frequency_monetary_correlation(frequency.data(), frequency.size(), monetary_value.data(),
                                                  monetary_value.size(), detail::opt(weights), weights.size(), o);
    });
}

// ------------------------------------------------------------------------------ CLV

/// Options of clv() (defaults are the library's: 12 months, 1 % a month, margin 1, continuous).
struct ClvOptions {
    double horizon = cvm_clv_options_default().horizon;
    Unit time_unit = static_cast<Unit>(cvm_clv_options_default().time_unit);
    /// Unit of the customer columns; Period = the model's.
    Unit data_time_unit = static_cast<Unit>(cvm_clv_options_default().data_time_unit);
    double discount_rate = cvm_clv_options_default().discount_rate;
    double margin = cvm_clv_options_default().margin;
    ClvMethod method = static_cast<ClvMethod>(cvm_clv_options_default().method);
    /// Confidence level of intervals in (0, 1); 0 = none.
    double interval_level = cvm_clv_options_default().interval_level;

    cvm_clv_options to_c() const {
        return cvm_clv_options{horizon,       static_cast<std::uint32_t>(time_unit),
                               static_cast<std::uint32_t>(data_time_unit), discount_rate,
                               margin,        static_cast<std::uint32_t>(method),
                               interval_level};
    }
};

/// The customer columns of clv(), in the transaction model's unit.
struct ClvCustomers {
    Span<double> frequency, recency, T, monetary_value;
    static ClvCustomers of(const Summary &s) { return {s.frequency(), s.recency(), s.T(), s.monetary_value()}; }
};

/// CLV per customer with its parts (lower/upper empty without intervals).
struct ClvResult {
    std::vector<double> clv, discounted_purchases, expected_spend, lower, upper;
};

namespace detail {
template <class M> ClvResult clv(const M *model, const cvm_gamma_gamma *spend, const ClvCustomers &c, const ClvOptions &options,
                                 cvm_status (*f)(const M *, const cvm_gamma_gamma *, const cvm_clv_customers *,
                                                 const cvm_clv_options *, const cvm_clv_outputs *)) {
    const std::size_t n = c.frequency.size();
    ClvResult r{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n), {}, {}};
    if (options.interval_level != 0.0) {
        r.lower.resize(n);
        r.upper.resize(n);
    }
    cvm_clv_customers cc{col(c.frequency), col(c.recency), col(c.T), col(c.monetary_value)};
    cvm_clv_options o = options.to_c();
    cvm_clv_outputs out{r.clv.data(), r.discounted_purchases.data(), r.expected_spend.data(),
                        r.lower.empty() ? nullptr : r.lower.data(), r.upper.empty() ? nullptr : r.upper.data(), n};
    check(f(model, spend, &cc, &o, &out));
    return r;
}
}  // namespace detail

/// Probabilistic CLV: margin · E(spend) · discounted expected purchases over the horizon.
inline ClvResult clv(const Model &model, const GammaGamma &spend, const ClvCustomers &c, const ClvOptions &options = {}) {
    return detail::clv(model.capi(), spend.capi(), c, options, cvm_clv);
}

}  // namespace cvm

#endif
