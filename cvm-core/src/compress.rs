//! Compression of a customer summary: identical `(frequency, recency, T)` rows collapse into one
//! row with an integer weight. Likelihoods are sums over customers, so a model fitted on the
//! compressed rows with these weights is the model fitted on all customers — at a fraction of the
//! cost (CDNOW's 2,357 customers have 1,391 distinct rows; 1M simulated customers typically fewer
//! than 100k).
//!
//! # Examples
//! ```
//! use cvm_core::compress::compress;
//! let c = compress(&[0.0, 2.0, 0.0], &[0.0, 5.0, 0.0], &[10.0, 10.0, 10.0])?;
//! assert_eq!(c.frequency, vec![0.0, 2.0]);
//! assert_eq!(c.weight, vec![2, 1]);
//! assert_eq!(c.inverse, vec![0, 1, 0]);
//! let (f, r, t) = c.expand();
//! assert_eq!(f, vec![0.0, 2.0, 0.0]);
//! # let _ = (r, t);
//! # Ok::<(), cvm_core::Error>(())
//! ```

use crate::error::{check, Result};

/// Unique `(frequency, recency, T)` rows, their counts, and the map back to the original rows.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct Compressed {
    /// Frequency of each unique row (sorted by frequency, then recency, then T).
    pub frequency: Vec<f64>,
    /// Recency of each unique row.
    pub recency: Vec<f64>,
    /// T of each unique row.
    pub t: Vec<f64>,
    /// Number of original rows equal to each unique row.
    pub weight: Vec<u64>,
    /// For each original row, the index of its unique row.
    pub inverse: Vec<u32>,
}

impl Compressed {
    /// Number of unique rows.
    pub fn len(&self) -> usize {
        self.weight.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.weight.is_empty()
    }

    /// Weights as `f64`, the form the model fitters take.
    pub fn weights_f64(&self) -> Vec<f64> {
        self.weight.iter().map(|&w| w as f64).collect()
    }

    /// The original `(frequency, recency, T)` columns, in the original order.
    pub fn expand(&self) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let pick = |col: &[f64]| self.inverse.iter().map(|&j| col[j as usize]).collect();
        (pick(&self.frequency), pick(&self.recency), pick(&self.t))
    }
}

/// Order-preserving map of a finite `f64` to `u64` (−0.0 and +0.0 map alike).
fn key(x: f64) -> u64 {
    let b = if x == 0.0 { 0 } else { x.to_bits() };
    if b >> 63 == 1 {
        !b
    } else {
        b | (1 << 63)
    }
}

/// Collapses identical `(frequency, recency, T)` rows.
///
/// # Errors
/// [`crate::Error::Empty`] for empty input, [`crate::Error::LengthMismatch`] when the columns differ
/// in length, [`crate::Error::InvalidValue`] (first index) for NaN or infinite values.
pub fn compress(frequency: &[f64], recency: &[f64], t: &[f64]) -> Result<Compressed> {
    let n = frequency.len();
    check::non_empty("frequency", n)?;
    check::same_len("recency", n, recency.len())?;
    check::same_len("T", n, t.len())?;
    check::finite("frequency", frequency)?;
    check::finite("recency", recency)?;
    check::finite("T", t)?;

    // Sort (key, row) tuples; equal keys are adjacent and in row order.
    let mut rows: Vec<(u64, u64, u64, u32)> =
        (0..n).map(|i| (key(frequency[i]), key(recency[i]), key(t[i]), i as u32)).collect();
    rows.sort_unstable();
    let mut out = Compressed {
        frequency: Vec::new(),
        recency: Vec::new(),
        t: Vec::new(),
        weight: Vec::new(),
        inverse: vec![0; n],
    };
    let mut i = 0;
    while i < n {
        let (kf, kr, kt, first) = rows[i];
        let j0 = i;
        let u = out.weight.len() as u32;
        while i < n && (rows[i].0, rows[i].1, rows[i].2) == (kf, kr, kt) {
            out.inverse[rows[i].3 as usize] = u;
            i += 1;
        }
        let first = first as usize;
        out.frequency.push(frequency[first]);
        out.recency.push(recency[first]);
        out.t.push(t[first]);
        out.weight.push((i - j0) as u64);
    }
    Ok(out)
}
