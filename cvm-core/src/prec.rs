//! The crate's tolerance policy: named constants used by algorithms and tests alike.

/// Relative accuracy the special functions guarantee where the value is representable.
pub const SPECIAL_REL: f64 = 1e-12;

/// Gradient-norm tolerance of the maximum-likelihood optimiser (mean log-likelihood per customer).
pub const OPTIM_GRAD_TOL: f64 = 1e-8;

/// Relative tolerance for comparing a recomputed published figure printed with ~4 significant
/// digits.
pub const PUBLISHED_REL: f64 = 5e-4;

/// Relative tolerance for agreement between two exact computations of the same number
/// (e.g. the same golden vector from Rust, C and Python).
pub const EXACT_REL: f64 = 1e-12;
