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

use std::collections::HashMap;

use crate::error::{check, Result};

/// Unique `(frequency, recency, T)` rows, their counts, and the map back to the original rows.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
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

fn key(x: f64) -> u64 {
    // +0.0 and -0.0 are the same value.
    if x == 0.0 {
        0
    } else {
        x.to_bits()
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

    let mut seen: HashMap<(u64, u64, u64), u32> = HashMap::new();
    let mut first_row: Vec<usize> = Vec::new();
    let mut raw_inverse = Vec::with_capacity(n);
    let mut counts: Vec<u64> = Vec::new();
    for i in 0..n {
        let k = (key(frequency[i]), key(recency[i]), key(t[i]));
        let j = *seen.entry(k).or_insert_with(|| {
            first_row.push(i);
            counts.push(0);
            (first_row.len() - 1) as u32
        });
        counts[j as usize] += 1;
        raw_inverse.push(j);
    }
    // Deterministic order: sort unique rows by value.
    let mut order: Vec<usize> = (0..first_row.len()).collect();
    order.sort_by(|&a, &b| {
        let (ia, ib) = (first_row[a], first_row[b]);
        frequency[ia]
            .total_cmp(&frequency[ib])
            .then(recency[ia].total_cmp(&recency[ib]))
            .then(t[ia].total_cmp(&t[ib]))
    });
    let mut rank = vec![0u32; order.len()];
    for (r, &j) in order.iter().enumerate() {
        rank[j] = r as u32;
    }
    Ok(Compressed {
        frequency: order.iter().map(|&j| frequency[first_row[j]]).collect(),
        recency: order.iter().map(|&j| recency[first_row[j]]).collect(),
        t: order.iter().map(|&j| t[first_row[j]]).collect(),
        weight: order.iter().map(|&j| counts[j]).collect(),
        inverse: raw_inverse.iter().map(|&j| rank[j as usize]).collect(),
    })
}
