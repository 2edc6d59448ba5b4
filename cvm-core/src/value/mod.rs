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
//! assert_eq!(grid.strategy(0), "keep and invest");
//!
//! let profit = [300.0, -20.0, 90.0];
//! let whale = whale_curve(&profit, &WhaleOptions::default())?;
//! assert_eq!((whale.total(), whale.peak(), whale.unprofitable_count()), (370.0, 390.0, 1));
//! # Ok::<(), cvm_core::Error>(())
//! ```

mod cashflow;
mod decomposition;
mod matrix;
mod series;
mod whale;

pub use cashflow::{
    closed_form_clv, Breakdown, CashflowClv, Horizon, PeriodRow, RetentionConvention, Timing,
    MAX_PERIODS,
};
pub use decomposition::{Decomposition, Influence, Potential, Realised, ValueDecomposition};
pub use matrix::{
    value_matrix, Thresholds, ValueMatrix, ValueMatrixResult, QUADRANT_LABELS, QUADRANT_STRATEGIES,
};
pub use series::{retention_from_survival, Scalar, Series};
pub use whale::{whale_curve, WhaleCurve, WhaleOptions};
