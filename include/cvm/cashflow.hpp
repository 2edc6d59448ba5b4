// cvm/cashflow.hpp — cash-flow CLV, its period breakdown, closed forms, value decomposition
// (part of cvm.hpp; see docs/cpp.md).
#ifndef CVM_CASHFLOW_HPP
#define CVM_CASHFLOW_HPP

#include "core.hpp"

namespace cvm {

/// A series of a cash-flow input (borrows its values: keep them alive while it is used).
using Series = cvm_series;

/// A constant series.
inline Series series_constant(double value) { return cvm_series_constant(value); }
/// A schedule shared by all customers (values[t − 1] is period t; the last value repeats).
inline Series series_schedule(Span<double> values) { return cvm_series_schedule(values.data(), values.size()); }
/// One value per customer.
inline Series series_per_customer(Span<double> values) {
    return cvm_series_per_customer(values.data(), values.size());
}
/// One schedule per customer: row-major customers × n_periods.
inline Series series_matrix(Span<double> values, std::size_t n_periods) {
    return cvm_series_matrix(values.data(), values.size(), n_periods);
}

/// One period of a customer's value.
using PeriodRow = cvm_period_row;

/// The period-by-period value of one customer.
class Breakdown : public BreakdownHandle {
public:
    std::vector<PeriodRow> rows() const {
        return detail::fill<PeriodRow>(cvm_breakdown_len(capi()),
                                       [&](PeriodRow *o, std::size_t n) { return cvm_breakdown_rows(capi(), o, n); });
    }
    /// Last row's cumulative value + tail value.
    double clv() const { return cvm_breakdown_clv(capi()); }
    /// Present value of the periods after the last row (infinite horizon).
    double tail_value() const { return cvm_breakdown_tail_value(capi()); }
    double acquisition_cost() const { return cvm_breakdown_acquisition_cost(capi()); }
    /// Adopts a C handle (freed by this object).
    explicit Breakdown(cvm_breakdown *raw) noexcept : BreakdownHandle(raw) {}
};

/// A cash-flow CLV configuration: the C struct's named members (revenue, cost, margin,
/// retention, acquisition_cost as Series; discount_rate, periods, timing, convention), from the
/// library's defaults. Its series borrow their values.
struct Cashflow : cvm_cashflow {
    Cashflow() : cvm_cashflow(cvm_cashflow_default()) {}
    /// Customers the configuration describes (1 when every input is shared).
    std::size_t n_customers() const {
        return detail::scalar<std::size_t>([&](std::size_t *o) { return cvm_cashflow_n_customers(this, o); });
    }
    /// The cash-flow CLV of every customer.
    std::vector<double> clv() const {
        return detail::fill<double>(n_customers(), [&](double *o, std::size_t n) { return cvm_cashflow_clv(this, o, n); });
    }
    /// The breakdown of `customer` (0-based), at least `min_rows` periods for an infinite horizon.
    Breakdown breakdown(std::size_t customer, std::size_t min_rows = 0) const {
        return detail::make<Breakdown>(
            [&](cvm_breakdown **out) { return cvm_cashflow_breakdown(this, customer, min_rows, out); });
    }
};

/// Options of closed_form_clv: the C struct's named members (periods, 0 = infinite; timing
/// CVM_TIMING_*; convention CVM_RETENTION_*), from the library's defaults.
struct ClosedFormOptions : cvm_closed_form_options {
    ClosedFormOptions() : cvm_closed_form_options(cvm_closed_form_options_default()) {}
};

/// Textbook CLV of a constant margin, retention and discount rate: m / (1 + d − r) by default.
inline double closed_form_clv(double margin, double retention, double discount_rate,
                              const ClosedFormOptions &options = {}) {
    return detail::scalar<double>(
        [&](double *o) { return cvm_closed_form_clv(margin, retention, discount_rate, &options, o); });
}

/// Per-period retention rates S(t) / S(t − 1) of survival curves (row-major, n_points each).
inline std::vector<double> retention_from_survival(Span<double> survival, std::size_t n_points) {
    const std::size_t curves = n_points ? survival.size() / n_points : 0;
    return detail::fill<double>(curves * (n_points ? n_points - 1 : 0), [&](double *o, std::size_t n) {
        return cvm_retention_from_survival(survival.data(), survival.size(), n_points, o, n);
    });
}

/// Satisfaction scores of the influence value: the C struct's members (scale_min, scale_max,
/// threshold, missing), from the library's defaults (1–5 scale, satisfied from 4).
struct Satisfaction : cvm_satisfaction {
    explicit Satisfaction(Span<double> scores) : cvm_satisfaction(cvm_satisfaction_default(scores.data(), scores.size())) {}
};

/// Inputs of value_decomposition: the C struct's named members, from the library's defaults.
struct DecompositionInputs : cvm_decomposition_inputs {
    DecompositionInputs() : cvm_decomposition_inputs(cvm_decomposition_inputs_default()) {}
};

/// Realised, potential, influence and total value per customer.
struct Decomposition {
    std::vector<double> realised, potential, influence, total;
};

inline Decomposition value_decomposition(const DecompositionInputs &in) {
    const std::size_t n =
        detail::scalar<std::size_t>([&](std::size_t *o) { return cvm_value_decomposition_n_customers(&in, o); });
    Decomposition d{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
    detail::check(
        cvm_value_decomposition(&in, d.realised.data(), d.potential.data(), d.influence.data(), d.total.data(), n));
    return d;
}

}  // namespace cvm

#endif
