//! The one error type of the crate.
//!
//! Every fallible function returns [`Result<T>`]. Variants carry the context a user needs to find the
//! problem: the field (argument or column) name and, for arrays, the index of the first offending
//! element. The bindings map each variant to a status code (C) or an exception class (Python).

use std::fmt;
use std::sync::Arc;

/// Convenience alias used throughout the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in `cvm-core`.
///
/// Data-dependent failures are always an `Err`, never a panic. [`std::error::Error::source`]
/// returns the underlying error where there is one (the `serde_json` error behind an
/// [`Error::Json`]).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// An input that must hold at least one element is empty.
    Empty {
        /// Name of the empty input.
        field: String,
    },

    /// Two inputs that must have the same length do not.
    LengthMismatch {
        /// Name of the input whose length is wrong.
        field: String,
        /// The length it should have.
        expected: usize,
        /// The length it has.
        got: usize,
    },

    /// A value is outside its domain (NaN, negative, out of range, inconsistent with another input).
    InvalidValue {
        /// Name of the input or option.
        field: String,
        /// Index of the first offending element, for array inputs.
        index: Option<usize>,
        /// What is wrong with it.
        reason: String,
    },

    /// A name (frequency, time unit, mode, …) is not one of the accepted spellings.
    UnknownName {
        /// Name of the option.
        field: String,
        /// The value that was given.
        value: String,
        /// The accepted spellings.
        valid: Vec<String>,
    },

    /// An optimisation did not reach its convergence criterion.
    NotConverged {
        /// Iterations performed.
        iterations: usize,
        /// Norm of the gradient of the scaled objective at the last iterate.
        gradient_norm: f64,
        /// Log-likelihood at the last iterate.
        log_likelihood: f64,
        /// Parameters (natural scale) at the last iterate.
        params: Vec<f64>,
        /// Why the optimiser stopped.
        reason: String,
    },

    /// A computation produced a non-finite result that cannot be represented.
    Numerical {
        /// Where it happened.
        context: String,
        /// What happened.
        reason: String,
    },

    /// The data cannot identify the parameters of the model being fitted (for example, no
    /// customer made a repeat purchase, or every customer has the same history): any estimate
    /// would be an artefact of the optimiser, so none is returned.
    NotIdentified {
        /// The model being fitted (e.g. `"bg_nbd"`).
        model: String,
        /// What about the data makes the parameters unidentifiable.
        reason: String,
    },

    /// A JSON document (model or rules) could not be read.
    Json {
        /// JSON path of the problem (`$` for the document itself).
        path: String,
        /// What is wrong.
        reason: String,
        /// The error of the JSON reader behind `reason`, when there is one (see
        /// [`Error::json_source`]); [`std::error::Error::source`] returns it.
        source: Option<Source>,
    },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Empty { field } => {
                write!(f, "`{field}` is empty: at least one element is required")
            }
            Error::LengthMismatch { field, expected, got } => write!(
                f,
                "`{field}` has length {got}, expected {expected} (the length of the other inputs)"
            ),
            Error::InvalidValue { field, index, reason } => {
                f.write_str(&fmt_invalid(field, *index, reason))
            }
            Error::UnknownName { field, value, valid } => {
                write!(
                    f,
                    "`{field}`: unknown value {value:?}; valid values are {}",
                    valid.join(", ")
                )
            }
            Error::NotConverged { iterations, gradient_norm, log_likelihood, reason, .. } => {
                write!(
                    f,
                    "maximum likelihood did not converge after {iterations} iterations \
                 (gradient norm {gradient_norm:.3e}, log-likelihood {log_likelihood}): {reason}"
                )
            }
            Error::Numerical { context, reason } => {
                write!(f, "numerical failure in {context}: {reason}")
            }
            Error::NotIdentified { model, reason } => {
                write!(f, "the data cannot identify the {model} parameters: {reason}")
            }
            Error::Json { path, reason, .. } => {
                write!(f, "invalid JSON document at `{path}`: {reason}")
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Json { source: Some(s), .. } => Some(&*s.0),
            _ => None,
        }
    }
}

/// The underlying error kept by an [`Error::Json`] (for example a `serde_json::Error`), shared so
/// that [`Error`] stays `Clone`. Two sources compare equal when their messages do.
///
/// # Examples
/// ```
/// # #[cfg(feature = "serde")] {
/// use std::error::Error as _;
/// let bad = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
/// let e = cvm_core::Error::json_source("$", bad);
/// let inner = e.source().expect("kept");
/// assert!(inner.downcast_ref::<serde_json::Error>().is_some());
/// # }
/// ```
#[derive(Clone)]
pub struct Source(Arc<dyn std::error::Error + Send + Sync + 'static>);

impl Source {
    /// The underlying error.
    pub fn get(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
        &*self.0
    }
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl PartialEq for Source {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

fn fmt_invalid(field: &str, index: Option<usize>, reason: &str) -> String {
    match index {
        Some(i) => format!("`{field}`[{i}]: {reason}"),
        None => format!("`{field}`: {reason}"),
    }
}

impl Error {
    /// A [`Error::NotConverged`] with its last iterate's parameters and log-likelihood rewritten
    /// by `f` (a fit reporting them on its own scale); any other error unchanged.
    pub(crate) fn map_iterate(self, f: impl FnOnce(&mut Vec<f64>, &mut f64)) -> Error {
        match self {
            Error::NotConverged {
                iterations,
                gradient_norm,
                mut log_likelihood,
                mut params,
                reason,
            } => {
                f(&mut params, &mut log_likelihood);
                Error::NotConverged { iterations, gradient_norm, log_likelihood, params, reason }
            }
            other => other,
        }
    }

    /// Builds [`Error::InvalidValue`] for element `index` of `field`.
    pub fn invalid_at(field: impl Into<String>, index: usize, reason: impl fmt::Display) -> Self {
        Error::InvalidValue { field: field.into(), index: Some(index), reason: reason.to_string() }
    }

    /// Builds [`Error::InvalidValue`] for a scalar option `field`.
    pub fn invalid(field: impl Into<String>, reason: impl fmt::Display) -> Self {
        Error::InvalidValue { field: field.into(), index: None, reason: reason.to_string() }
    }

    /// The error of asking a model without a covariance (built from parameters, not fitted)
    /// for standard errors or intervals: [`Error::InvalidValue`] on the field `covariance`, with
    /// one message everywhere; `which` names the model when a computation involves several
    /// (`"spend"`, `"transaction"`).
    ///
    /// # Examples
    /// ```
    /// let e = cvm_core::Error::no_covariance(None);
    /// assert_eq!(e.field(), Some("covariance"));
    /// assert_eq!(e.to_string(), "`covariance`: the model has no covariance (it was not fitted)");
    /// ```
    pub fn no_covariance(which: Option<&str>) -> Self {
        let model = match which {
            Some(w) => format!("the {w} model"),
            None => "the model".to_string(),
        };
        Error::invalid("covariance", format!("{model} has no covariance (it was not fitted)"))
    }

    /// Builds [`Error::Json`] at JSON `path` (`$` for the document itself) with no underlying
    /// error.
    pub fn json(path: impl Into<String>, reason: impl fmt::Display) -> Self {
        Error::Json { path: path.into(), reason: reason.to_string(), source: None }
    }

    /// Builds [`Error::Json`] at JSON `path` from the error of a JSON reader (a
    /// `serde_json::Error`): the reason is its message, and [`std::error::Error::source`]
    /// returns it.
    ///
    /// # Examples
    /// ```
    /// # #[cfg(feature = "serde")] {
    /// use std::error::Error as _;
    /// let bad = serde_json::from_str::<serde_json::Value>("[1,").unwrap_err();
    /// let e = cvm_core::Error::json_source("$", bad);
    /// assert!(e.to_string().starts_with("invalid JSON document at `$`: EOF while parsing"));
    /// assert!(e.source().unwrap().downcast_ref::<serde_json::Error>().is_some());
    /// assert!(cvm_core::Error::json("$", "no").source().is_none());
    /// # }
    /// ```
    pub fn json_source(
        path: impl Into<String>, source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Json {
            path: path.into(),
            reason: source.to_string(),
            source: Some(Source(Arc::new(source))),
        }
    }

    /// Builds [`Error::UnknownName`].
    pub fn unknown_name(
        field: impl Into<String>, value: impl Into<String>, valid: &[&str],
    ) -> Self {
        Error::UnknownName {
            field: field.into(),
            value: value.into(),
            valid: valid.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// The field (input or option) the error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Empty { field }
            | Error::LengthMismatch { field, .. }
            | Error::InvalidValue { field, .. }
            | Error::UnknownName { field, .. } => Some(field),
            Error::Json { path, .. } => Some(path),
            Error::NotConverged { .. } | Error::Numerical { .. } | Error::NotIdentified { .. } => {
                None
            }
        }
    }

    /// The index of the first offending element, for array inputs.
    pub fn index(&self) -> Option<usize> {
        match self {
            Error::InvalidValue { index, .. } => *index,
            _ => None,
        }
    }
}

/// A number for an error message: as written (`0.243`, `442426`) when it is of ordinary size,
/// in scientific notation (`1e300`, `8.884852e6`) when it is very large or very small, so that a
/// message never spells out hundreds of digits.
pub(crate) fn fmt_num(v: f64) -> String {
    let a = v.abs();
    if v == 0.0 || !v.is_finite() || (1e-4..1e7).contains(&a) {
        format!("{v}")
    } else {
        format!("{v:e}")
    }
}

/// Input checks shared by every module.
#[allow(dead_code)]
pub(crate) mod check {
    use super::{fmt_num, Error, Result};

    /// Fails with [`Error::Empty`] when `n == 0`.
    pub fn non_empty(field: &str, n: usize) -> Result<()> {
        if n == 0 {
            Err(Error::Empty { field: field.into() })
        } else {
            Ok(())
        }
    }

    /// Fails with [`Error::LengthMismatch`] when `got != expected`.
    pub fn same_len(field: &str, expected: usize, got: usize) -> Result<()> {
        if expected != got {
            Err(Error::LengthMismatch { field: field.into(), expected, got })
        } else {
            Ok(())
        }
    }

    /// Index of the first element failing `ok`. The common all-valid case is one pass in
    /// chunks of 2,048 values on the thread pool from 16,384 values, each without early exit (so
    /// it vectorises); a failing pass is followed by a scan in blocks for the first failure.
    pub fn first_bad(xs: &[f64], ok: impl Fn(f64) -> bool + Sync) -> Option<usize> {
        if crate::parallel::all_values(xs, &ok) {
            return None;
        }
        const BLOCK: usize = 256;
        for (b, block) in xs.chunks(BLOCK).enumerate() {
            if !block.iter().fold(true, |acc, &x| acc & ok(x)) {
                return block.iter().position(|&x| !ok(x)).map(|p| b * BLOCK + p);
            }
        }
        None
    }

    /// A whole number in `0..=max` (NaN and infinities are not). Every double from 2⁵² on is
    /// whole; below, the truncating conversion is exact and needs no `trunc` library call.
    #[inline]
    pub fn is_whole(x: f64, max: f64) -> bool {
        (0.0..=max).contains(&x) && (x >= 4_503_599_627_370_496.0 || (x as u64) as f64 == x)
    }

    /// Every value a finite non-negative integer.
    pub fn counts(field: &str, xs: &[f64]) -> Result<()> {
        all(field, xs, "must be a finite non-negative integer", |x| is_whole(x, f64::MAX))
    }

    /// Every value finite and > 0.
    pub fn positive(field: &str, xs: &[f64]) -> Result<()> {
        all(field, xs, "must be finite and > 0", |x| x.is_finite() && x > 0.0)
    }

    /// Optional `weights` of `n` rows: the same length, every weight finite and > 0.
    pub fn weights(n: usize, weights: Option<&[f64]>) -> Result<()> {
        if let Some(w) = weights {
            same_len("weights", n, w.len())?;
            positive("weights", w)?;
        }
        Ok(())
    }

    /// First index whose value fails `ok`, as an [`Error::InvalidValue`] with `reason`.
    pub fn all(
        field: &str, xs: &[f64], reason: &str, ok: impl Fn(f64) -> bool + Sync,
    ) -> Result<()> {
        match first_bad(xs, &ok) {
            Some(i) => {
                Err(Error::invalid_at(field, i, format!("{reason} (got {})", fmt_num(xs[i]))))
            }
            None => Ok(()),
        }
    }

    /// Every value finite.
    pub fn finite(field: &str, xs: &[f64]) -> Result<()> {
        all(field, xs, "must be finite", f64::is_finite)
    }

    /// Every value finite and ≥ 0.
    pub fn non_negative(field: &str, xs: &[f64]) -> Result<()> {
        all(field, xs, "must be finite and >= 0", |x| x.is_finite() && x >= 0.0)
    }

    /// A scalar finite and ≥ 0.
    pub fn scalar_non_negative(field: &str, x: f64) -> Result<()> {
        if x.is_finite() && x >= 0.0 {
            Ok(())
        } else {
            Err(Error::invalid(field, format!("must be finite and >= 0 (got {})", fmt_num(x))))
        }
    }

    /// A scalar finite and > 0.
    pub fn scalar_positive(field: &str, x: f64) -> Result<()> {
        if x.is_finite() && x > 0.0 {
            Ok(())
        } else {
            Err(Error::invalid(field, format!("must be finite and > 0 (got {})", fmt_num(x))))
        }
    }
}
