// cvm/lifetime.hpp — BG/BB, sBG, compressed histories (part of cvm.hpp; see docs/cpp.md).
#ifndef CVM_LIFETIME_HPP
#define CVM_LIFETIME_HPP

#include "models.hpp"

namespace cvm {

/// Discrete-time histories of BG/BB: frequency x, recency t_x, opportunities n.
struct Histories {
    Span<double> frequency, recency, n_periods;
};

/// The BG/BB model of discrete-time transactions (Fader, Hardie & Shang 2010).
class BgBb : public BgBbHandle {
public:
    static BgBb fit(const Histories &h, const FitOptions &options = {}, Span<double> weights = {}) {
        cvm_fit_columns c{detail::col(h.frequency), detail::col(h.recency), detail::col(h.n_periods),
                          detail::opt_col(weights)};
        cvm_fit_options o = options.to_c();
        return detail::make<BgBb>([&](cvm_bg_bb **out) { return cvm_bg_bb_fit(&c, &o, out); });
    }
    static BgBb from_params(double alpha, double beta, double gamma, double delta) {
        return detail::make<BgBb>(
            [&](cvm_bg_bb **out) { return cvm_bg_bb_from_params(alpha, beta, gamma, delta, out); });
    }
    static BgBb from_json(const std::string &json) {
        return detail::make<BgBb>([&](cvm_bg_bb **out) { return cvm_bg_bb_from_json(json.c_str(), out); });
    }
    std::string to_json() const {
        return detail::take_string([&](char **out) { return cvm_bg_bb_to_json(capi(), out); });
    }
    BgBb with_time_unit(Unit unit) const {
        return detail::make<BgBb>(
            [&](cvm_bg_bb **out) { return cvm_bg_bb_with_time_unit(capi(), static_cast<std::uint32_t>(unit), out); });
    }
    Unit time_unit() const { return static_cast<Unit>(cvm_bg_bb_time_unit(capi())); }
    /// alpha, beta, gamma, delta.
    std::vector<double> params() const {
        return detail::fill<double>(4, [&](double *o, std::size_t n) { return cvm_bg_bb_params(capi(), o, n); });
    }
    std::vector<double> standard_errors() const {
        return detail::fill<double>(4,
                                    [&](double *o, std::size_t n) { return cvm_bg_bb_standard_errors(capi(), o, n); });
    }
    FitDiagnostics diagnostics() const {
        return detail::scalar<FitDiagnostics>([&](FitDiagnostics *o) { return cvm_bg_bb_diagnostics(capi(), o); });
    }
    /// P(alive at opportunity n + m).
    std::vector<double> probability_alive(std::uint64_t m, const Histories &h) const {
        return each(h, [&](double *o, std::size_t n) {
            return cvm_bg_bb_conditional_probability_alive(capi(), m, h.frequency.data(), h.frequency.size(),
                                                           h.recency.data(), h.recency.size(), h.n_periods.data(),
                                                           h.n_periods.size(), o, n);
        });
    }
    /// Expected transactions in the next m opportunities.
    std::vector<double> expected_transactions(std::uint64_t m, const Histories &h) const {
        return each(h, [&](double *o, std::size_t n) {
            return cvm_bg_bb_conditional_expected_transactions(capi(), m, h.frequency.data(), h.frequency.size(),
                                                               h.recency.data(), h.recency.size(),
                                                               h.n_periods.data(), h.n_periods.size(), o, n);
        });
    }
    /// P(no transaction in the next `horizon` opportunities).
    std::vector<double> churn_probability(const Histories &h, double horizon) const {
        return each(h, [&](double *o, std::size_t n) {
            return cvm_bg_bb_churn_probability(capi(), h.frequency.data(), h.frequency.size(), h.recency.data(),
                                               h.recency.size(), h.n_periods.data(), h.n_periods.size(), horizon, o,
                                               n);
        });
    }
    /// Expected transactions of a new customer in n opportunities.
    double expected_transactions_new_customer(std::uint64_t n) const {
        return detail::scalar<double>(
            [&](double *o) { return cvm_bg_bb_expected_transactions_new_customer(capi(), n, o); });
    }
    /// P(x transactions in n opportunities) for a new customer.
    double probability_of_n_transactions(std::uint64_t x, std::uint64_t n) const {
        return detail::scalar<double>(
            [&](double *o) { return cvm_bg_bb_probability_of_n_transactions(capi(), x, n, o); });
    }
    /// Adopts a C handle (freed by this object).
    explicit BgBb(cvm_bg_bb *raw) noexcept : BgBbHandle(raw) {}

private:
    template <class F> static std::vector<double> each(const Histories &h, F &&f) {
        return detail::fill<double>(h.frequency.size(), f);
    }
};

/// CLV over a BG/BB transaction model (the customers' T column holds the opportunities n).
inline ClvResult clv(const BgBb &model, const GammaGamma &spend, const ClvCustomers &c, const ClvOptions &options = {}) {
    return detail::clv(model.capi(), spend.capi(), c, options, cvm_clv_bg_bb);
}

/// The shifted-beta-geometric contract model (Fader & Hardie 2007).
class Sbg : public SbgHandle {
public:
    /// Fits on durations (periods survived) and whether each contract is still active (0/1).
    static Sbg fit(Span<double> duration, Span<double> still_active, const FitOptions &options = {},
                   Span<double> weights = {}) {
        cvm_fit_options o = options.to_c();
        return detail::make<Sbg>([&](cvm_sbg **out) {
            return cvm_sbg_fit(duration.data(), duration.size(), still_active.data(), still_active.size(),
                               detail::opt(weights), weights.size(), &o, out);
        });
    }
    /// Fits on a cohort's survivors per period (alive[0] = the cohort size).
    static Sbg fit_cohort(Span<double> alive, const FitOptions &options = {}) {
        cvm_fit_options o = options.to_c();
        return detail::make<Sbg>([&](cvm_sbg **out) { return cvm_sbg_fit_cohort(alive.data(), alive.size(), &o, out); });
    }
    static Sbg from_params(double alpha, double beta) {
        return detail::make<Sbg>([&](cvm_sbg **out) { return cvm_sbg_from_params(alpha, beta, out); });
    }
    static Sbg from_json(const std::string &json) {
        return detail::make<Sbg>([&](cvm_sbg **out) { return cvm_sbg_from_json(json.c_str(), out); });
    }
    std::string to_json() const {
        return detail::take_string([&](char **out) { return cvm_sbg_to_json(capi(), out); });
    }
    Sbg with_time_unit(Unit unit) const {
        return detail::make<Sbg>(
            [&](cvm_sbg **out) { return cvm_sbg_with_time_unit(capi(), static_cast<std::uint32_t>(unit), out); });
    }
    Unit time_unit() const { return static_cast<Unit>(cvm_sbg_time_unit(capi())); }
    /// alpha, beta.
    std::vector<double> params() const {
        return detail::fill<double>(2, [&](double *o, std::size_t n) { return cvm_sbg_params(capi(), o, n); });
    }
    std::vector<double> standard_errors() const {
        return detail::fill<double>(2, [&](double *o, std::size_t n) { return cvm_sbg_standard_errors(capi(), o, n); });
    }
    FitDiagnostics diagnostics() const {
        return detail::scalar<FitDiagnostics>([&](FitDiagnostics *o) { return cvm_sbg_diagnostics(capi(), o); });
    }
    /// S(t) at each t.
    std::vector<double> survival(Span<double> t) const {
        return detail::fill<double>(t.size(),
                                    [&](double *o, std::size_t n) { return cvm_sbg_survival(capi(), t.data(), t.size(), o, n); });
    }
    /// r(t) = S(t) / S(t − 1) at each t.
    std::vector<double> retention_rate(Span<double> t) const {
        return detail::fill<double>(
            t.size(), [&](double *o, std::size_t n) { return cvm_sbg_retention_rate(capi(), t.data(), t.size(), o, n); });
    }
    /// Discounted expected residual lifetime of a customer after each number of renewals.
    std::vector<double> derl(double discount_rate, Span<double> renewals) const {
        return detail::fill<double>(renewals.size(), [&](double *o, std::size_t n) {
            return cvm_sbg_derl(capi(), discount_rate, renewals.data(), renewals.size(), o, n);
        });
    }
    /// Expected lifetime value of a new customer.
    double expected_lifetime_value(double margin, double discount_rate) const {
        return detail::scalar<double>(
            [&](double *o) { return cvm_sbg_expected_lifetime_value(capi(), margin, discount_rate, o); });
    }
    /// Adopts a C handle (freed by this object).
    explicit Sbg(cvm_sbg *raw) noexcept : SbgHandle(raw) {}
};

/// Unique (frequency, recency, T) rows with their weights, and each original row's unique row.
struct CompressedRows {
    std::vector<double> frequency, recency, T;
    std::vector<std::uint64_t> weight;
    std::vector<std::uint32_t> inverse;
};

/// Customers compressed to their unique histories (fit on these with weights).
class Compressed : public CompressedHandle {
public:
    static Compressed compute(Span<double> frequency, Span<double> recency, Span<double> T) {
        return detail::make<Compressed>([&](cvm_compressed **out) {
            return cvm_compress(frequency.data(), frequency.size(), recency.data(), recency.size(), T.data(), T.size(),
                                out);
        });
    }
    /// Number of unique rows.
    std::size_t size() const { return cvm_compressed_len(capi()); }
    /// The unique rows (size()) and the inverse map (`n_original` = the rows compressed).
    CompressedRows rows(std::size_t n_original) const {
        const std::size_t k = size();
        CompressedRows r{std::vector<double>(k), std::vector<double>(k), std::vector<double>(k),
                         std::vector<std::uint64_t>(k), std::vector<std::uint32_t>(n_original)};
        detail::check(cvm_compressed_copy(capi(), r.frequency.data(), r.recency.data(), r.T.data(), r.weight.data(),
                                          r.inverse.data(), n_original));
        return r;
    }
    /// Adopts a C handle (freed by this object).
    explicit Compressed(cvm_compressed *raw) noexcept : CompressedHandle(raw) {}
};

}  // namespace cvm

#endif
