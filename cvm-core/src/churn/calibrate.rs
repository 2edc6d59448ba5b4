//! [`ChurnCalibrator`]: a monotone map from a churn score to a calibrated probability, fitted on
//! the user's own history (scores at the end of a calibration period, churned flags from the
//! holdout).
//!
//! Scores follow the convention of the module: higher = more likely to churn. A score that runs
//! the other way (P(alive), expected purchases) is negated or transformed first (the docs use
//! `exp(-E)` for expected purchases `E`).

use crate::error::{Error, Result};
use crate::names::{normalize, text_form};
use crate::parallel::{
    all_finite, all_values, chunked_sum_by, first_row, order_key, par_map, par_sort_unstable,
    par_tasks, par_try_map, rows_where, CHUNK,
};

/// How [`ChurnCalibrator::fit`] maps scores to probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum CalibrationMethod {
    /// Isotonic regression (pool-adjacent-violators): the non-decreasing step function of the
    /// score closest to the churned flags in (weighted) least squares. Makes no assumption on
    /// the shape; needs a few hundred customers to be smooth. The default.
    #[default]
    Isotonic,
    /// Platt scaling: `p = 1 / (1 + exp(-(intercept + slope · score)))`, the logistic regression
    /// of the churned flag on the score (maximum likelihood). Two parameters: stable on small
    /// data, but assumes the log-odds are linear in the score.
    Platt,
}

impl CalibrationMethod {
    /// Accepted spellings, as listed in errors.
    pub const NAMES: &'static [&'static str] = &["isotonic", "platt"];
    /// Every method, in code order (C codes 0, 1).
    pub const ALL: [CalibrationMethod; 2] = [CalibrationMethod::Isotonic, CalibrationMethod::Platt];

    /// The canonical spelling (`"isotonic"`, `"platt"`).
    pub fn as_str(self) -> &'static str {
        match self {
            CalibrationMethod::Isotonic => "isotonic",
            CalibrationMethod::Platt => "platt",
        }
    }
}

text_form!(CalibrationMethod, "method", |text| match normalize(text, &[]).as_str() {
    "isotonic" => Some(CalibrationMethod::Isotonic),
    "platt" => Some(CalibrationMethod::Platt),
    _ => None,
});

/// One block of a fitted isotonic calibrator: the customers whose scores lie in
/// `[score_min, score_max]` share the probability `probability` (their weighted churn rate).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IsotonicBlock {
    /// Lowest score in the block.
    pub score_min: f64,
    /// Highest score in the block.
    pub score_max: f64,
    /// Weighted mean score of the block, in `[score_min, score_max]`: the knot of the
    /// interpolation.
    pub score_mean: f64,
    /// The block's weighted churn rate, in \[0, 1\].
    pub probability: f64,
    /// Total weight (number of customers, without weights) in the block; > 0.
    pub weight: f64,
}

/// The fitted map (private: read through the getters).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fitted {
    Isotonic(Vec<IsotonicBlock>),
    Platt { intercept: f64, slope: f64 },
}

/// A fitted map from churn scores to calibrated churn probabilities; immutable.
///
/// # Formula
/// * **Isotonic** (Ayer et al. 1955; Zadrozny & Elkan 2002): minimises
///   `Σ wᵢ (pᵢ − yᵢ)²` over non-decreasing `p` in the score, `yᵢ = 1` if customer `i` churned.
///   Rows are sorted by score (O(n log n)); rows with **equal scores are pooled first** (one
///   block, so equal scores always get equal probabilities); then pool-adjacent-violators merges
///   neighbouring blocks while a block's rate exceeds the next one's (O(n)). Each block keeps its
///   score range, weighted mean score and weighted rate. [`transform`](Self::transform) is
///   **linear interpolation between block means**: through the points (mean score, rate) of the
///   blocks, and the first (last) block's rate below (above) the first (last) block's mean score
///   (clamped). Interpolating through the block means rather than holding each block's rate up
///   to its edges is centred isotonic regression (Oron & Flournoy 2017): the same fit at the
///   block means, without the jumps at block edges that the fitting sample's noise puts there;
///   on CDNOW it halves the worst decile error on the other half (docs/churn.md).
/// * **Platt** (Platt 1999): maximum likelihood of `P(churn | s) = σ(a + b s)`, σ the logistic
///   function, by Newton's method on the standardised score (exact Hessian, step halving until
///   the log-likelihood does not decrease). Stopping rule: the largest Newton step on the
///   standardised parameters is below `1e-10`; at most 100 iterations
///   ([`Error::NotConverged`] otherwise). No target smoothing (Platt's `(N₊+1)/(N₊+2)` targets are
///   for tiny training sets). The maximum-likelihood slope does not exist when the data
///   separate the classes, so these are [`Error::NotIdentified`] (model `platt`): all customers
///   churned or none did; constant scores; every churner's score ≥ every non-churner's (or ≤:
///   perfect or quasi-perfect separation).
///
/// Every output is in \[0, 1\] and finite.
///
/// # Examples
/// ```
/// use cvm_core::churn::{CalibrationMethod, ChurnCalibrator};
///
/// let scores = [1.0, 2.0, 2.0, 3.0, 4.0];
/// let churned = [false, true, false, false, true];
/// let cal = ChurnCalibrator::fit(&scores, &churned, None, CalibrationMethod::Isotonic)?;
/// // Blocks: {1} → 0; {2, 2, 3} pooled → 1/3 (mean score 7/3); {4} → 1.
/// let b = cal.blocks().unwrap();
/// assert_eq!(b.len(), 3);
/// assert!((b[1].probability - 1.0 / 3.0).abs() < 1e-15);
/// assert!((b[1].score_mean - 7.0 / 3.0).abs() < 1e-15);
/// let p = cal.transform(&[0.0, 5.0 / 3.0, 19.0 / 6.0, 9.0])?;
/// assert_eq!(p[0], 0.0); // clamped below the first block's mean
/// assert!((p[1] - 1.0 / 6.0).abs() < 1e-15); // halfway between (1, 0) and (7/3, 1/3)
/// assert!((p[2] - 2.0 / 3.0).abs() < 1e-15); // halfway between (7/3, 1/3) and (4, 1)
/// assert_eq!(p[3], 1.0);
/// # Ok::<(), cvm_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ChurnCalibrator {
    pub(crate) fitted: Fitted,
}

/// Largest Newton step (standardised parameters) at which Platt's fit stops.
pub const PLATT_STEP_TOL: f64 = 1e-10;
/// Newton iterations allowed for Platt's fit.
pub const PLATT_MAX_ITER: usize = 100;

impl ChurnCalibrator {
    /// Fits the calibrator on past `scores` and `churned` flags (one per customer), optionally
    /// weighted (`weights`: finite, ≥ 0, not all 0; a customer with weight 0 is ignored).
    ///
    /// # Errors
    /// [`Error::Empty`] (`scores`); [`Error::LengthMismatch`] (`churned`, `weights`);
    /// [`Error::InvalidValue`] for a non-finite score (`scores`, index) or a negative or
    /// non-finite weight (`weights`, index), or weights that sum to 0; for Platt,
    /// [`Error::NotIdentified`] and [`Error::NotConverged`] as described on the type.
    ///
    /// The per-customer work runs on the thread pool: the checks of the scores and weights from
    /// 16,384 customers, the sort by score from 65,536 and the rows read back from 256; Platt's
    /// sums (weights, means, log-likelihood, gradient and Hessian) in chunks of 2,048 customers
    /// added in order (from 2,049 customers; below, the sums of one loop). The isotonic fit's
    /// pooling of adjacent violators is one pass in score order, on the calling thread. The
    /// result is the same on any number of threads.
    pub fn fit(
        scores: &[f64], churned: &[bool], weights: Option<&[f64]>, method: CalibrationMethod,
    ) -> Result<Self> {
        let rows = check_fit(scores, churned, weights)?;
        let fitted = match method {
            CalibrationMethod::Isotonic => Fitted::Isotonic(isotonic(&rows)),
            CalibrationMethod::Platt => {
                let (intercept, slope) = platt(&rows)?;
                Fitted::Platt { intercept, slope }
            }
        };
        Ok(ChurnCalibrator { fitted })
    }

    /// The method the calibrator was fitted with.
    pub fn method(&self) -> CalibrationMethod {
        match self.fitted {
            Fitted::Isotonic(_) => CalibrationMethod::Isotonic,
            Fitted::Platt { .. } => CalibrationMethod::Platt,
        }
    }

    /// The isotonic blocks, in increasing score order (`None` for Platt).
    pub fn blocks(&self) -> Option<&[IsotonicBlock]> {
        match &self.fitted {
            Fitted::Isotonic(b) => Some(b),
            Fitted::Platt { .. } => None,
        }
    }

    /// Platt's `(intercept, slope)` on the original score scale (`None` for isotonic).
    pub fn platt_params(&self) -> Option<(f64, f64)> {
        match self.fitted {
            Fitted::Platt { intercept, slope } => Some((intercept, slope)),
            Fitted::Isotonic(_) => None,
        }
    }

    /// The calibrated churn probability of each score (see the type for the formula); every
    /// value is in \[0, 1\].
    ///
    /// The scores are checked and mapped in one pass, in tasks of 1,024 scores on the thread pool
    /// from 1,025 scores; the result and the error are the same on any number of threads.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`scores`, index) for a NaN or infinite score (the first).
    pub fn transform(&self, scores: &[f64]) -> Result<Vec<f64>> {
        par_try_map(scores.len(), |i| match scores[i] {
            s if s.is_finite() => Ok(self.probability(s)),
            s => Err(not_finite("scores", i, s)),
        })
    }

    fn probability(&self, s: f64) -> f64 {
        match &self.fitted {
            Fitted::Isotonic(blocks) => interpolate(blocks, s),
            Fitted::Platt { intercept, slope } => sigmoid(intercept + slope * s),
        }
        .clamp(0.0, 1.0)
    }
}

/// A fitting row: score, churned (0/1), weight > 0.
struct Row {
    s: f64,
    y: f64,
    w: f64,
}

/// Every value finite; the error names the first that is not (a branch-free pass on the thread
/// pool from 16,384 values, then the search).
pub(crate) fn check_finite(values: &[f64], field: &str) -> Result<()> {
    if all_finite(values) {
        return Ok(());
    }
    match first_row(values.len(), |i| !values[i].is_finite()) {
        Some(i) => Err(not_finite(field, i, values[i])),
        None => Ok(()),
    }
}

fn not_finite(field: &str, i: usize, value: f64) -> Error {
    Error::invalid_at(field, i, format!("must be finite, got {value}"))
}

pub(crate) fn check_len(field: &str, got: usize, expected: usize) -> Result<()> {
    if got == expected {
        Ok(())
    } else {
        Err(Error::LengthMismatch { field: field.into(), expected, got })
    }
}

/// Validates the inputs of `fit`; returns the rows of positive weight, sorted by score.
fn check_fit(scores: &[f64], churned: &[bool], weights: Option<&[f64]>) -> Result<Vec<Row>> {
    if scores.is_empty() {
        return Err(Error::Empty { field: "scores".into() });
    }
    check_len("churned", churned.len(), scores.len())?;
    check_finite(scores, "scores")?;
    if let Some(w) = weights {
        check_len("weights", w.len(), scores.len())?;
        let ok = |v: f64| v.is_finite() && v >= 0.0;
        if let Some(i) = first_row(w.len(), |i| !ok(w[i])) {
            return Err(Error::invalid_at(
                "weights",
                i,
                format!("must be finite and >= 0, got {}", w[i]),
            ));
        }
    }
    let weight = |i: usize| weights.map_or(1.0, |w| w[i]);
    // The rows of positive weight (every row when no weight is 0), sorted by score: as pairs of
    // the score's total-order key and the row, which sort as a stable sort by score would.
    let kept = match weights {
        Some(w) if !all_values(w, |v| v > 0.0) => Some(rows_where(w.len(), |i| w[i] > 0.0)),
        _ => None,
    };
    let m = kept.as_ref().map_or(scores.len(), Vec::len);
    if m == 0 {
        return Err(Error::invalid("weights", "the weights sum to 0: no customer to fit on"));
    }
    let row = |k: usize| kept.as_ref().map_or(k, |rows| rows[k]);
    let mut keys: Vec<(u64, usize)> = par_map(m, |k| (order_key(scores[row(k)]), row(k)));
    par_sort_unstable(&mut keys);
    Ok(par_map(m, |k| {
        let i = keys[k].1;
        Row { s: scores[i], y: f64::from(u8::from(churned[i])), w: weight(i) }
    }))
}

/// Pool-adjacent-violators on rows sorted by score, equal scores pooled first.
fn isotonic(rows: &[Row]) -> Vec<IsotonicBlock> {
    // Running sums of a block: weight and weighted churners.
    struct Acc {
        lo: f64,
        hi: f64,
        w: f64,
        wy: f64,
        ws: f64,
    }
    let mut stack: Vec<Acc> = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        let s = rows[i].s;
        let mut acc = Acc { lo: s, hi: s, w: 0.0, wy: 0.0, ws: 0.0 };
        while i < rows.len() && rows[i].s == s {
            acc.w += rows[i].w;
            acc.wy += rows[i].w * rows[i].y;
            acc.ws += rows[i].w * s;
            i += 1;
        }
        // Merge while the previous block's rate exceeds this one's (cross-multiplied: no division).
        while let Some(prev) = stack.last() {
            if prev.wy * acc.w > acc.wy * prev.w {
                acc = Acc {
                    lo: prev.lo,
                    hi: acc.hi,
                    w: prev.w + acc.w,
                    wy: prev.wy + acc.wy,
                    ws: prev.ws + acc.ws,
                };
                stack.pop();
            } else {
                break;
            }
        }
        stack.push(acc);
    }
    stack
        .into_iter()
        .map(|a| IsotonicBlock {
            score_min: a.lo,
            score_max: a.hi,
            score_mean: (a.ws / a.w).clamp(a.lo, a.hi),
            probability: (a.wy / a.w).clamp(0.0, 1.0),
            weight: a.w,
        })
        .collect()
}

/// The isotonic map at `s`: linear interpolation through the blocks' (mean score, rate),
/// constant beyond the first and last means (blocks sorted, non-empty, means increasing).
pub(crate) fn interpolate(blocks: &[IsotonicBlock], s: f64) -> f64 {
    // First block whose mean is at or above `s`.
    let k = blocks.partition_point(|b| b.score_mean < s);
    let Some(b) = blocks.get(k) else {
        return blocks.last().map_or(0.0, |b| b.probability);
    };
    if k == 0 || s == b.score_mean {
        return b.probability;
    }
    let a = &blocks[k - 1];
    let t = (s - a.score_mean) / (b.score_mean - a.score_mean);
    a.probability + t * (b.probability - a.probability)
}

/// The logistic function, without overflow.
pub(crate) fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

/// `ln(1 + e^x)` without overflow.
fn softplus(x: f64) -> f64 {
    x.max(0.0) + (-x.abs()).exp().ln_1p()
}

fn not_identified(reason: impl Into<String>) -> Error {
    Error::NotIdentified { model: "platt".into(), reason: reason.into() }
}

/// Platt's `(intercept, slope)` by Newton on the standardised score. Every sum over the rows
/// adds chunks of [`CHUNK`] rows in order ([`chunked_sum_by`], on the thread pool): one chunk,
/// the sums of one loop, below 2,049 rows.
fn platt(rows: &[Row]) -> Result<(f64, f64)> {
    let n = rows.len();
    let (total, churners) = chunked_sum_by(n, CHUNK, 1, |r, g| {
        let rows = &rows[r];
        g[0] += rows.iter().map(|r| r.w * r.y).sum::<f64>();
        rows.iter().map(|r| r.w).sum::<f64>()
    });
    let churners = churners[0];
    if churners == 0.0 || churners == total {
        let which = if churners == 0.0 { "no customer churned" } else { "every customer churned" };
        return Err(not_identified(format!("{which}: the slope is not identified")));
    }
    let (lo, hi) = (rows[0].s, rows[rows.len() - 1].s);
    if lo == hi {
        return Err(not_identified(format!("the scores are all equal ({lo}): no slope to fit")));
    }
    // The smallest and largest score of each class, in chunks on the thread pool.
    let extremes = |rows: &[Row]| {
        let start = (f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY);
        rows.iter().fold(start, |(max0, min0, max1, min1), r| match r.y == 1.0 {
            false => (max0.max(r.s), min0.min(r.s), max1, min1),
            true => (max0, min0, max1.max(r.s), min1.min(r.s)),
        })
    };
    let (max0, min0, max1, min1) =
        par_tasks(n.div_ceil(CHUNK), |c| extremes(&rows[c * CHUNK..n.min((c + 1) * CHUNK)]))
            .into_iter()
            .fold(extremes(&[]), |a, b| (a.0.max(b.0), a.1.min(b.1), a.2.max(b.2), a.3.min(b.3)));
    if max0 <= min1 || max1 <= min0 {
        return Err(not_identified(format!(
            "the scores separate the classes (churners' scores in [{min1}, {max1}], \
             non-churners' in [{min0}, {max0}]): the maximum-likelihood slope is infinite; \
             use the isotonic method"
        )));
    }
    let sum = |f: &(dyn Fn(&Row) -> f64 + Sync)| {
        chunked_sum_by(n, CHUNK, 0, |r, _| rows[r].iter().map(f).sum::<f64>()).0
    };
    let mean = sum(&|r| r.w * r.s) / total;
    let sd = (sum(&|r| r.w * (r.s - mean).powi(2)) / total).sqrt();
    let z: Vec<f64> = par_map(n, |i| (rows[i].s - mean) / sd);
    let loglik = |a: f64, b: f64| -> f64 {
        let (ll, _) = chunked_sum_by(n, CHUNK, 0, |r, _| {
            let (rows, z) = (&rows[r.clone()], &z[r]);
            rows.iter().zip(z).map(|(r, &z)| r.w * (r.y * (a + b * z) - softplus(a + b * z))).sum()
        });
        ll
    };
    let rate = churners / total;
    let (mut a, mut b) = ((rate / (1.0 - rate)).ln(), 0.0);
    let mut ll = loglik(a, b);
    let mut gradient_norm = 0.0;
    for iter in 0..PLATT_MAX_ITER {
        let (_, sums) = chunked_sum_by(n, CHUNK, 5, |r, g| {
            // g0, g1, h00, h01, h11, each in the order of the chunk's rows.
            for (r, &z) in rows[r.clone()].iter().zip(&z[r]) {
                let p = sigmoid(a + b * z);
                let v = r.w * p * (1.0 - p);
                g[0] += r.w * (r.y - p);
                g[1] += r.w * (r.y - p) * z;
                g[2] += v;
                g[3] += v * z;
                g[4] += v * z * z;
            }
            0.0
        });
        let (g0, g1, h00, h01, h11) = (sums[0], sums[1], sums[2], sums[3], sums[4]);
        gradient_norm = g0.hypot(g1);
        let det = h00 * h11 - h01 * h01;
        if !(det > 0.0 && det.is_finite()) {
            return Err(Error::Numerical {
                context: "platt".into(),
                reason: format!("singular Hessian at iteration {iter} (determinant {det})"),
            });
        }
        let (mut da, mut db) = ((h11 * g0 - h01 * g1) / det, (h00 * g1 - h01 * g0) / det);
        let step = da.abs().max(db.abs());
        // Step halving: the log-likelihood is concave, so a short enough step never decreases it.
        let mut halvings = 0;
        loop {
            let next = loglik(a + da, b + db);
            if next >= ll || halvings == 60 {
                a += da;
                b += db;
                ll = next.max(ll);
                break;
            }
            da *= 0.5;
            db *= 0.5;
            halvings += 1;
        }
        if step < PLATT_STEP_TOL {
            let (intercept, slope) = (a - b * mean / sd, b / sd);
            if intercept.is_finite() && slope.is_finite() {
                return Ok((intercept, slope));
            }
            return Err(Error::Numerical {
                context: "platt".into(),
                reason: format!("parameters not finite (intercept {intercept}, slope {slope})"),
            });
        }
    }
    Err(Error::NotConverged {
        iterations: PLATT_MAX_ITER,
        gradient_norm,
        log_likelihood: ll,
        params: vec![a - b * mean / sd, b / sd],
        reason: format!("Newton step still above {PLATT_STEP_TOL:e}"),
    })
}

#[cfg(test)]
#[path = "calibrate_tests.rs"]
mod tests;
