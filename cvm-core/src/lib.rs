//! # cvm-core — customer value management, computable
//!
//! Measure each customer's value, predict it, and decide which customers to win, keep, grow or let
//! go. This crate is the pure core of cvm (no I/O, no FFI, no `unsafe`); the C library (`libcvm`)
//! and the Python package (`cvm`) are thin bindings over it and return the same numbers.
//!
//! * [`summary`] — transaction log → per-customer frequency / recency / T / monetary value;
//! * [`compress`](mod@compress) — identical summary rows → unique rows + weights;
//! * [`rfm`] — RFM quintile scores and named segments;
//! * [`calendar`] — dates ⇄ day numbers;
//! * [`error`] — the one error type, [`Error`].
//!
//! ## Quick start
//! ```
//! use cvm_core::{summarize, SummaryOptions, TimeUnit, TimestampUnit, TransactionLog};
//! use cvm_core::calendar::parse_date;
//!
//! let ids = [1, 1, 2, 1];
//! let days: Vec<i64> = ["2024-01-01", "2024-01-10", "2024-01-03", "2024-02-01"]
//!     .iter()
//!     .map(|d| parse_date(d, "date"))
//!     .collect::<Result<_, _>>()?;
//! let amounts = [20.0, 35.0, 12.5, 15.0];
//! let options = SummaryOptions::new(TimestampUnit::Day).with_time_unit(Some(TimeUnit::Week)).with_observation_end(Some(parse_date("2024-02-29", "observation_end")?));
//! let log = TransactionLog { customer_id: &ids, timestamp: &days, amount: Some(&amounts) };
//! let summary = summarize(&log, &options)?;
//! assert_eq!(summary.frequency, vec![2.0, 0.0]);
//! assert!((summary.t[0] - 59.0 / 7.0).abs() < 1e-12);
//! assert_eq!(summary.monetary_value.as_deref(), Some(&[25.0, 0.0][..]));
//! # Ok::<(), cvm_core::Error>(())
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod builder;
pub mod calendar;
pub mod churn;
pub mod clv;
pub mod compress;
pub mod decision;
mod distinct;
pub mod error;
pub mod loyalty;
pub mod models;
pub mod names;
pub mod optim;
mod parallel;
pub mod prec;
pub mod prelude;
pub mod rfm;
pub mod selection;
pub mod special;
pub mod summary;
#[cfg(test)]
mod testing;
mod text;
pub mod transition;
pub mod value;

pub use compress::{compress, Compressed};
pub use error::{Error, Result};
pub use rfm::{rfm_segments, RfmResult, SegmentRule, SegmentTable};
pub use summary::{
    summarize, CustomerSummary, Holdout, NegativeAmounts, SummaryOptions, TimeUnit, TimestampUnit,
    TransactionLog, MISSING_TIMESTAMP,
};
pub use text::TextColumn;

/// The version of this crate (and of the C library and Python package built from it).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
