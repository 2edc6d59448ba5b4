// cvm/value.hpp — value matrix, migration, value paths, whale curve (part of cvm.hpp; see docs/cpp.md).
#ifndef CVM_VALUE_HPP
#define CVM_VALUE_HPP

#include <memory>

#include "core.hpp"

namespace cvm {

// ------------------------------------------------------------------------------ value matrix

/// Options of the value matrix: cut points (data units, or quantiles when `*_quantile`), cell
/// labels and strategies (empty: the method's), CVM_MATRIX_STRATEGIES_* set.
struct ValueMatrixOptions {
    std::vector<double> current_thresholds, potential_thresholds;
    bool current_quantile = false, potential_quantile = false;
    std::vector<std::string> labels, strategies;
    std::uint32_t strategy_set = cvm_value_matrix_options_default().strategy_set;
};

namespace detail {
/// A cvm_value_matrix_options borrowing `o` (valid while both live).
struct MatrixOptionsC {
    std::vector<const char *> labels, strategies;
    cvm_value_matrix_options c;
    explicit MatrixOptionsC(const ValueMatrixOptions &o)
        : labels(c_strings(o.labels)), strategies(c_strings(o.strategies)), c(cvm_value_matrix_options_default()) {
        c.current_thresholds = o.current_thresholds.empty() ? nullptr : o.current_thresholds.data();
        c.n_current_thresholds = o.current_thresholds.size();
        c.current_quantile = o.current_quantile;
        c.potential_thresholds = o.potential_thresholds.empty() ? nullptr : o.potential_thresholds.data();
        c.n_potential_thresholds = o.potential_thresholds.size();
        c.potential_quantile = o.potential_quantile;
        c.labels = labels.empty() ? nullptr : labels.data();
        c.n_labels = labels.size();
        c.strategies = strategies.empty() ? nullptr : strategies.data();
        c.n_strategies = strategies.size();
        c.strategy_set = o.strategy_set;
    }
};
}  // namespace detail

/// Per-cell customer counts and value sums, in cell order.
struct MatrixCells {
    std::vector<std::size_t> count;
    std::vector<double> current_sum, potential_sum;
};

/// A warning of the value matrix (kind CVM_MATRIX_WARNING_*).
struct MatrixWarning {
    std::uint32_t kind;
    std::size_t cell;
    std::string message;
};

/// The cut points (data units) and their tie rules, per axis.
struct MatrixThresholds {
    std::vector<double> current, potential;
    std::vector<bool> current_ties_low, potential_ties_low;
};

/// Each customer's cell of the current × potential value matrix (default: 2 × 2 at the medians).
class ValueMatrix : public ValueMatrixHandle {
public:
    static ValueMatrix compute(Span<double> current, Span<double> potential, const ValueMatrixOptions &options = {}) {
        detail::MatrixOptionsC o(options);
        return detail::make<ValueMatrix>([&](cvm_value_matrix **out) {
            return cvm_value_matrix_compute(current.data(), current.size(), potential.data(), potential.size(), &o.c,
                                            out);
        });
    }
    std::size_t size() const { return cvm_value_matrix_len(capi()); }
    std::size_t rows() const { return cvm_value_matrix_rows(capi()); }
    std::size_t cols() const { return cvm_value_matrix_cols(capi()); }
    /// Each customer's cell (row-major: current level × cols() + potential level).
    std::vector<std::size_t> cells() const {
        return detail::fill<std::size_t>(size(), [&](std::size_t *o, std::size_t n) {
            return cvm_value_matrix_customers(capi(), nullptr, nullptr, o, n);
        });
    }
    /// Each customer's current and potential level.
    std::pair<std::vector<std::uint16_t>, std::vector<std::uint16_t>> levels() const {
        std::vector<std::uint16_t> c(size()), p(size());
        detail::check(cvm_value_matrix_customers(capi(), c.data(), p.data(), nullptr, c.size()));
        return {std::move(c), std::move(p)};
    }
    MatrixCells cell_totals() const {
        const std::size_t k = rows() * cols();
        MatrixCells c{std::vector<std::size_t>(k), std::vector<double>(k), std::vector<double>(k)};
        detail::check(cvm_value_matrix_cells(capi(), c.count.data(), c.current_sum.data(), c.potential_sum.data(), k));
        return c;
    }
    MatrixThresholds thresholds() const {
        const std::size_t r = rows() ? rows() - 1 : 0, c = cols() ? cols() - 1 : 0;
        MatrixThresholds t{std::vector<double>(r), std::vector<double>(c), {}, {}};
        detail::check(cvm_value_matrix_thresholds(capi(), t.current.data(), r, t.potential.data(), c));
        std::unique_ptr<bool[]> lo_c(new bool[r + 1]), lo_p(new bool[c + 1]);  // vector<bool> has no data()
        detail::check(cvm_value_matrix_ties_low(capi(), lo_c.get(), r, lo_p.get(), c));
        t.current_ties_low.assign(lo_c.get(), lo_c.get() + r);
        t.potential_ties_low.assign(lo_p.get(), lo_p.get() + c);
        return t;
    }
    std::string label(std::size_t cell) const { return detail::copy(cvm_value_matrix_label(capi(), cell)); }
    std::string strategy(std::size_t cell) const { return detail::copy(cvm_value_matrix_strategy(capi(), cell)); }
    std::vector<MatrixWarning> warnings() const {
        std::vector<MatrixWarning> out;
        for (std::size_t i = 0; i < cvm_value_matrix_warning_count(capi()); i++)
            out.push_back(MatrixWarning{cvm_value_matrix_warning_kind(capi(), i),
                                        cvm_value_matrix_warning_cell(capi(), i),
                                        detail::copy(cvm_value_matrix_warning_message(capi(), i))});
        return out;
    }
    /// Adopts a C handle (freed by this object).
    explicit ValueMatrix(cvm_value_matrix *raw) noexcept : ValueMatrixHandle(raw) {}
};

/// Transition counts between the cells of two matrices of one grid, and each customer's cells
/// (SIZE_MAX: absent from a snapshot).
struct MatrixMigration {
    std::vector<std::uint64_t> counts;
    std::vector<std::size_t> from, to;
};

/// Customers matched by id between two value matrices; `policy` CVM_MIGRATION_STRICT or
/// CVM_MIGRATION_OUTER_JOIN; `n_moves` = the customers of both snapshots together.
inline MatrixMigration value_matrix_migration(Span<std::int64_t> ids_before, const ValueMatrix &before,
                                              Span<std::int64_t> ids_after, const ValueMatrix &after,
                                              std::uint32_t policy, std::size_t n_moves) {
    const std::size_t cells = before.rows() * before.cols() + (policy == CVM_MIGRATION_OUTER_JOIN ? 1 : 0);
    MatrixMigration m{std::vector<std::uint64_t>(cells * cells), std::vector<std::size_t>(n_moves),
                      std::vector<std::size_t>(n_moves)};
    detail::check(cvm_value_matrix_migration(ids_before.data(), ids_before.size(), before.capi(), ids_after.data(),
                                             ids_after.size(), after.capi(), policy, m.counts.data(),
                                             m.counts.size(), m.from.data(), m.to.data(), n_moves));
    return m;
}

/// Each customer's cell in each period: `current` and `potential` row-major customers ×
/// n_periods; the result has the same shape.
inline std::vector<std::size_t> value_path(Span<double> current, Span<double> potential, std::size_t n_periods,
                                           const ValueMatrixOptions &options = {}) {
    detail::MatrixOptionsC o(options);
    return detail::fill<std::size_t>(current.size(), [&](std::size_t *out, std::size_t n) {
        return cvm_value_path(current.data(), current.size(), potential.data(), potential.size(), n_periods, &o.c, out,
                              n);
    });
}

// ------------------------------------------------------------------------------ whale curve

using WhaleSummary = cvm_whale_summary;

/// Per customer in rank order: rank, cumulative profit, its share, the customer share.
struct WhaleCustomers {
    std::vector<std::size_t> rank;
    std::vector<double> cumulative_profit, cumulative_share, customer_share;
};

/// The whale curve of cumulative profit against customers ranked by profit.
class WhaleCurve : public WhaleCurveHandle {
public:
    /// `top` and `bottom` fractions of customers in [0, 1] (the method's 0.2 and 0.3).
    static WhaleCurve compute(Span<double> profit, double top = 0.2, double bottom = 0.3) {
        return detail::make<WhaleCurve>([&](cvm_whale_curve **out) {
            return cvm_whale_curve_compute(profit.data(), profit.size(), top, bottom, out);
        });
    }
    WhaleSummary summary() const {
        return detail::scalar<WhaleSummary>([&](WhaleSummary *o) { return cvm_whale_curve_summary(capi(), o); });
    }
    /// Needs a positive total profit (for cumulative_share).
    WhaleCustomers customers() const {
        const std::size_t n = summary().n;
        WhaleCustomers c{std::vector<std::size_t>(n), std::vector<double>(n), std::vector<double>(n),
                         std::vector<double>(n)};
        detail::check(cvm_whale_curve_customers(capi(), c.rank.data(), c.cumulative_profit.data(),
                                                c.cumulative_share.data(), c.customer_share.data(), n));
        return c;
    }
    /// The curve C(1) … C(n) in rank order.
    std::vector<double> curve() const {
        return detail::fill<double>(summary().n, [&](double *o, std::size_t n) {
            return cvm_whale_curve_sorted(capi(), o, nullptr, n);
        });
    }
    /// Customer indices from most to least profitable.
    std::vector<std::size_t> order() const {
        return detail::fill<std::size_t>(summary().n, [&](std::size_t *o, std::size_t n) {
            return cvm_whale_curve_sorted(capi(), nullptr, o, n);
        });
    }
    /// C(fraction · n).
    double at(double fraction) const {
        return detail::scalar<double>([&](double *o) { return cvm_whale_curve_at(capi(), fraction, o); });
    }
    std::string interpretation() const { return detail::copy(cvm_whale_curve_interpretation(capi())); }
    /// Indices of the customers with negative profit.
    std::vector<std::size_t> unprofitable() const {
        return detail::fill<std::size_t>(summary().unprofitable_count, [&](std::size_t *o, std::size_t n) {
            return cvm_whale_curve_unprofitable(capi(), o, n);
        });
    }
    /// Adopts a C handle (freed by this object).
    explicit WhaleCurve(cvm_whale_curve *raw) noexcept : WhaleCurveHandle(raw) {}
};

}  // namespace cvm

#endif
