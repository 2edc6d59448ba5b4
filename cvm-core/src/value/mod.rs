//! Value models of the customer-value-management method.
//!
//! * [`CashflowClv`] — cash-flow customer lifetime value: the net present value of the expected
//!   cash flows (revenue × margin − recurring cost, weighted by the probability that the customer
//!   is still there, discounted), minus the acquisition cost; finite or infinite horizon, cash
//!   flows at the end or the start of each period, with a per-period [`Breakdown`].
//!   [`closed_form_clv`] is the textbook `m / (1 + d − r)` and its variants;
//! * [`ValueDecomposition`] — realised + potential + influence value per customer;
//! * [`value_matrix`] — current × potential value grid (quadrants by default) with the
//!   method's strategy per cell, counts and value per cell;
//! * [`matrix_migration`], [`value_path`] — value over time: cell migration between two
//!   snapshots, each customer's cell per period;
//! * [`whale_curve`] — customers ranked by profit, cumulative profit curve, the 80-20-30
//!   summaries and the Gini coefficient of profit.
//!
//! # Inputs
//! Per-period inputs are a [`Series`]: a constant, a schedule shared by all customers (its last
//! value repeats), one constant per customer, or a customers × periods matrix (each row's last
//! value repeats). Per-customer quantities that may be shared are a [`Scalar`]. A computation
//! describes as many customers as its per-customer inputs (they must agree), or one customer when
//! every input is shared. Retention rates may come from a survival curve through
//! [`retention_from_survival`].
//!
//! # Example
//! ```
//! use cvm_core::value::*;
//!
//! // Three customers with their own margin per period, retention 80 %, 10 % a period, forever.
//! let margin = [120.0, 40.0, 5.0];
//! let clv = CashflowClv {
//!     retention: Series::Constant(0.8),
//!     ..CashflowClv::new(Series::PerCustomer(&margin), 0.1, Horizon::Infinite)
//! };
//! let potential = clv.compute()?;
//! assert!((potential[0] - 400.0).abs() < 1e-9);          // 120 / (1 + 0.1 − 0.8)
//!
//! let current = [300.0, 20.0, 90.0];
//! let grid = value_matrix(&current, &potential, &ValueMatrix::default())?;
//! assert_eq!(grid.strategy(0), "cultivate this group");   // high current, high potential
//!
//! let profit = [300.0, -20.0, 90.0];
//! let whale = whale_curve(&profit, &WhaleOptions::default())?;
//! assert_eq!((whale.total(), whale.peak(), whale.unprofitable_count()), (370.0, 390.0, 1));
//! # Ok::<(), cvm_core::Error>(())
//! ```

mod cashflow;
mod decomposition;
mod matrix;
mod migration;
mod series;
mod whale;

pub use crate::transition::{Migration, MigrationPolicy, Move};
pub use cashflow::{
    closed_form_clv, Breakdown, CashflowClv, Horizon, PeriodRow, RetentionConvention, Timing,
    MAX_PERIODS,
};
pub use decomposition::{
    Decomposition, Influence, MissingSatisfaction, Potential, Realised, Satisfaction,
    ValueDecomposition,
};
pub use matrix::{
    value_matrix, MatrixWarning, MatrixWarningKind, Thresholds, ValueMatrix, ValueMatrixResult,
    DOMINANT_CELL_SHARE, QUADRANT_LABELS, QUADRANT_STRATEGIES, QUADRANT_STRATEGIES_DETAILED,
};
pub use migration::{cell_migration, matrix_migration, value_path, CellState, ValuePath};
pub use series::{retention_from_survival, Scalar, Series};
pub use whale::{whale_curve, WhaleCurve, WhaleOptions};

/// A count with thousands separators: `2,357`.
pub(crate) fn fmt_count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// An amount for a message: two decimals with thousands separators (`-1,595.23`), integers
/// without decimals (`0`, `12,000`), very large or small magnitudes in scientific notation.
pub(crate) fn fmt_amount(x: f64) -> String {
    if !x.is_finite() || x.abs() >= 1e13 || (x != 0.0 && x.abs() < 0.005) {
        return format!("{x:.3e}");
    }
    let cents = (x.abs() * 100.0).round();
    let whole = (cents / 100.0).trunc() as usize;
    let frac = (cents - whole as f64 * 100.0) as u32;
    let sign = if x < 0.0 && cents > 0.0 { "-" } else { "" };
    if frac == 0 {
        format!("{sign}{}", fmt_count(whole))
    } else {
        format!("{sign}{}.{frac:02}", fmt_count(whole))
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;

    #[test]
    fn amounts_read_like_a_person_wrote_them() {
        let cases = [
            (0.0, "0"),
            (1595.2349, "1,595.23"),
            (-1595.2351, "-1,595.24"),
            (12000.0, "12,000"),
            (0.5, "0.50"),
            (-0.001, "-1.000e-3"),
            (999.999, "1,000"),
            (1234567.891, "1,234,567.89"),
        ];
        for (x, want) in cases {
            assert_eq!(fmt_amount(x), want, "{x}");
        }
        assert_eq!(fmt_count(2357), "2,357");
        assert_eq!(fmt_count(100), "100");
        assert_eq!(fmt_count(1_000_000), "1,000,000");
    }
}
