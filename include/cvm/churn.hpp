// cvm/churn.hpp — churn probability, risk table, calibration, report, churn types (part of
// cvm.hpp; see docs/cpp.md).
#ifndef CVM_CHURN_HPP
#define CVM_CHURN_HPP

#include "models.hpp"

namespace cvm {

/// Risk band of the churn-risk table (CVM_RISK_*).
enum class RiskBand : std::uint8_t { Low = CVM_RISK_LOW, Medium = CVM_RISK_MEDIUM, High = CVM_RISK_HIGH };

/// The canonical name of a band ("low", …; "" for an unknown code).
inline std::string risk_band_name(RiskBand b) { return detail::copy(cvm_risk_band_name(static_cast<std::uint8_t>(b))); }

/// P(no purchase in (T, T + horizon]) of each customer (horizon in the model's unit).
inline std::vector<double> churn_probability(const Model &model, const Customers &c, double horizon) {
    return detail::fill<double>(c.frequency.size(), [&](double *o, std::size_t n) {
        return cvm_churn_probability(model.capi(), c.frequency.data(), c.frequency.size(), c.recency.data(),
                                     c.recency.size(), c.T.data(), c.T.size(), horizon, o, n);
    });
}

/// Band thresholds of churn_risk(): the C struct's named members, from the library's defaults.
struct ChurnRiskOptions : cvm_churn_risk_options {
    ChurnRiskOptions() : cvm_churn_risk_options(cvm_churn_risk_options_default()) {}
};

/// The churn-risk table: one value per customer in each column (value_at_risk empty without a CLV).
struct ChurnRisk {
    std::vector<double> probability, score;
    std::vector<RiskBand> band;
    std::vector<bool> at_risk;
    std::vector<double> p_alive, expected_purchases, value_at_risk;
};

/// The churn-risk table over `horizon`; `clv` (optional) gives the value at risk.
inline ChurnRisk churn_risk(const Model &model, const Customers &c, double horizon, Span<double> clv = {},
                            const ChurnRiskOptions &options = {}) {
    const std::size_t n = c.frequency.size();
    ChurnRisk r{std::vector<double>(n), std::vector<double>(n), {}, {}, std::vector<double>(n),
                std::vector<double>(n), std::vector<double>(clv.empty() ? 0 : n)};
    std::vector<std::uint8_t> band(n), at_risk(n);
    cvm_churn_risk_columns cc{detail::col(c.frequency), detail::col(c.recency), detail::col(c.T),
                              detail::opt_col(clv)};
    cvm_churn_risk_outputs out{r.probability.data(), r.score.data(), band.data(), at_risk.data(), r.p_alive.data(),
                               r.expected_purchases.data(), clv.empty() ? nullptr : r.value_at_risk.data(), n};
    detail::check(cvm_churn_risk(model.capi(), &cc, horizon, &options, &out));
    for (auto b : band) r.band.push_back(static_cast<RiskBand>(b));
    for (auto f : at_risk) r.at_risk.push_back(f != 0);
    return r;
}

/// The reason of one customer's churn risk (history in the model's unit).
inline std::string churn_risk_reason(const Model &model, double frequency, double recency, double T, double horizon,
                                     const ChurnRiskOptions &options = {}) {
    return detail::take_string([&](char **out) {
        return cvm_churn_risk_reason(model.capi(), frequency, recency, T, horizon, &options, out);
    });
}

/// Calibration method (CVM_CALIBRATION_*).
enum class Calibration : std::uint32_t { Isotonic = CVM_CALIBRATION_ISOTONIC, Platt = CVM_CALIBRATION_PLATT };

/// Maps churn scores to calibrated probabilities.
class ChurnCalibrator : public ChurnCalibratorHandle {
public:
    /// Fits on scores (higher = more likely to churn) and churned flags (0/1), optionally weighted.
    static ChurnCalibrator fit(Span<double> scores, Span<std::uint8_t> churned, Calibration method,
                               Span<double> weights = {}) {
        return detail::make<ChurnCalibrator>([&](cvm_churn_calibrator **out) {
            return cvm_churn_calibrator_fit(scores.data(), scores.size(), churned.data(), churned.size(),
                                            detail::opt(weights), weights.size(),
                                            static_cast<std::uint32_t>(method), out);
        });
    }
    static ChurnCalibrator from_json(const std::string &json) {
        return detail::make<ChurnCalibrator>(
            [&](cvm_churn_calibrator **out) { return cvm_churn_calibrator_from_json(json.c_str(), out); });
    }
    std::string to_json() const {
        return detail::take_string([&](char **out) { return cvm_churn_calibrator_to_json(capi(), out); });
    }
    Calibration method() const {
        return static_cast<Calibration>(
            detail::scalar<std::uint32_t>([&](std::uint32_t *o) { return cvm_churn_calibrator_method(capi(), o); }));
    }
    /// Calibrated probabilities of `scores`.
    std::vector<double> transform(Span<double> scores) const {
        return detail::fill<double>(scores.size(), [&](double *o, std::size_t n) {
            return cvm_churn_calibrator_transform(capi(), scores.data(), scores.size(), o, n);
        });
    }
    /// Adopts a C handle (freed by this object).
    explicit ChurnCalibrator(cvm_churn_calibrator *raw) noexcept : ChurnCalibratorHandle(raw) {}
};

/// Figures of a churn report.
struct ChurnReportSummary {
    double auc = 0, brier = 0;
    std::size_t bins = 0;
    std::optional<double> baseline_auc;
};

/// The calibration table, one value per bin.
struct CalibrationTable {
    std::vector<std::size_t> count;
    std::vector<double> mean_predicted, observed_rate, difference, standard_error;
};

/// Hosmer–Lemeshow test of the calibration table.
struct CalibrationTest {
    double statistic = 0;
    std::size_t degrees_of_freedom = 0;
    double p_value = 0;
};

/// A gains table, one value per bin (highest scores first).
struct GainsTable {
    std::vector<std::size_t> count, churners;
    std::vector<double> cumulative_share, lift;
};

/// Which ranking a gains table is of (CVM_CHURN_SIDE_*).
enum class Side : std::uint32_t { Score = CVM_CHURN_SIDE_SCORE, Baseline = CVM_CHURN_SIDE_BASELINE };

/// Evaluation of churn probabilities against outcomes: AUC, Brier, calibration, gains.
class ChurnReport : public ChurnReportHandle {
public:
    /// `score` and `baseline` may be empty (rank by the probability; no baseline).
    static ChurnReport compute(Span<double> probability, Span<std::uint8_t> churned, std::size_t bins,
                               Span<double> score = {}, Span<double> baseline = {}) {
        return detail::make<ChurnReport>([&](cvm_churn_report **out) {
            return cvm_churn_report_compute(probability.data(), probability.size(), churned.data(), churned.size(),
                                            detail::opt(score), score.size(), detail::opt(baseline),
                                            baseline.size(), bins, out);
        });
    }
    ChurnReportSummary summary() const {
        ChurnReportSummary s;
        bool has = false;
        double base = 0;
        detail::check(cvm_churn_report_summary(capi(), &s.auc, &s.brier, &s.bins, &has, &base));
        if (has) s.baseline_auc = base;
        return s;
    }
    CalibrationTable calibration() const {
        const std::size_t n = summary().bins;
        CalibrationTable t{std::vector<std::size_t>(n), std::vector<double>(n), std::vector<double>(n),
                           std::vector<double>(n), std::vector<double>(n)};
        detail::check(cvm_churn_report_calibration(capi(), t.count.data(), t.mean_predicted.data(),
                                                   t.observed_rate.data(), t.difference.data(),
                                                   t.standard_error.data(), n));
        return t;
    }
    /// The Hosmer–Lemeshow test; empty when a bin rules out an outcome it holds.
    std::optional<CalibrationTest> calibration_test() const {
        bool has = false;
        CalibrationTest t;
        detail::check(
            cvm_churn_report_calibration_test(capi(), &has, &t.statistic, &t.degrees_of_freedom, &t.p_value));
        return has ? std::optional<CalibrationTest>(t) : std::nullopt;
    }
    GainsTable gains(Side side = Side::Score) const {
        const std::size_t n = summary().bins;
        GainsTable g{std::vector<std::size_t>(n), std::vector<std::size_t>(n), std::vector<double>(n),
                     std::vector<double>(n)};
        detail::check(cvm_churn_report_gains(capi(), static_cast<std::uint32_t>(side), g.count.data(),
                                             g.churners.data(), g.cumulative_share.data(), g.lift.data(), n));
        return g;
    }
    /// Adopts a C handle (freed by this object).
    explicit ChurnReport(cvm_churn_report *raw) noexcept : ChurnReportHandle(raw) {}
};

/// Churn type (CVM_CHURN_*).
enum class ChurnType : std::uint8_t {
    ActiveNatural = CVM_CHURN_ACTIVE_NATURAL,
    ActiveCompetitive = CVM_CHURN_ACTIVE_COMPETITIVE,
    ActiveFault = CVM_CHURN_ACTIVE_FAULT,
    PassiveRetaliatory = CVM_CHURN_PASSIVE_RETALIATORY,
    PassiveNonMalicious = CVM_CHURN_PASSIVE_NON_MALICIOUS,
    Unknown = CVM_CHURN_UNKNOWN,
};

/// The canonical name of a churn type ("" for an unknown code).
inline std::string churn_type_name(ChurnType t) { return detail::copy(cvm_churn_type_name(static_cast<std::uint8_t>(t))); }

/// The 0/1 reason fields of churn_types(); each may be empty (not given), one is required.
struct ChurnReasons {
    Span<std::uint8_t> moved_or_died{}, competitor{}, our_fault{}, dissatisfied{}, payment_lapse{};
};

/// Each customer's churn type with its reason.
class ChurnLabels : public ChurnLabelsHandle {
public:
    static ChurnLabels compute(const ChurnReasons &r) {
        using detail::opt;
        return detail::make<ChurnLabels>([&](cvm_churn_labels **out) {
            return cvm_churn_types(opt(r.moved_or_died), r.moved_or_died.size(), opt(r.competitor),
                                   r.competitor.size(), opt(r.our_fault), r.our_fault.size(), opt(r.dissatisfied),
                                   r.dissatisfied.size(), opt(r.payment_lapse), r.payment_lapse.size(), out);
        });
    }
    std::size_t size() const { return cvm_churn_labels_len(capi()); }
    std::vector<ChurnType> types() const {
        return detail::fill_enum<ChurnType>(
            size(), [&](std::uint8_t *o, std::size_t n) { return cvm_churn_labels_types(capi(), o, n); });
    }
    std::string reason(std::size_t row) const {
        return detail::take_string([&](char **out) { return cvm_churn_labels_reason(capi(), row, out); });
    }
    /// Adopts a C handle (freed by this object).
    explicit ChurnLabels(cvm_churn_labels *raw) noexcept : ChurnLabelsHandle(raw) {}
};

}  // namespace cvm

#endif
