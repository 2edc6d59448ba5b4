//! [`churn_report`]: how well a churn probability ranks and how well it is calibrated, measured
//! against the churned flags of a holdout period, with a baseline score side by side.

use super::calibrate::{check_finite, check_len};
use crate::error::{Error, Result};
use crate::parallel::order_key;
use crate::parallel::{chunked_sum_by, par_map, par_sort_unstable, par_tasks, CHUNK};
use crate::parallel::{count_true, first_row, task_rows};
use crate::special::{ln_gamma, ln_upper_incomplete_gamma};

/// One equal-count bin of the calibration table (rows sorted by predicted probability,
/// ascending).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationBin {
    /// Customers in the bin.
    pub count: usize,
    /// Lowest predicted probability in the bin.
    pub predicted_min: f64,
    /// Highest predicted probability in the bin.
    pub predicted_max: f64,
    /// Mean predicted probability.
    pub mean_predicted: f64,
    /// Share of the bin's customers who churned.
    pub observed_rate: f64,
    /// `observed_rate − mean_predicted` (positive: the probability is too low).
    pub difference: f64,
    /// The standard error the observed rate would have if the probabilities were right:
    /// `√(Σ pᵢ(1 − pᵢ)) / count`. A `difference` within about two of these is what chance
    /// alone gives a calibrated probability (see [`CalibrationTest`]).
    pub standard_error: f64,
}

/// The Hosmer–Lemeshow test of calibration on the bins of the calibration table: are the
/// observed churn counts what the probabilities predict, up to chance?
///
/// # Formula
/// With `O_g` the churners, `E_g = Σ pᵢ` and `V_g = Σ pᵢ(1 − pᵢ)` over bin `g`,
/// `H = Σ_g (O_g − E_g)² / V_g`, referred to a χ² distribution with `bins` degrees of freedom:
/// `p_value = Q(bins/2, H/2)`, the regularised upper incomplete gamma function. `bins` degrees of
/// freedom is the form for probabilities judged on customers they were **not** fitted on (a
/// holdout, or the other half of a split; Hosmer, Lemeshow & Sturdivant 2013, *Applied Logistic
/// Regression*, 3rd ed., §5.2.2); on the fitting data itself the reference would be `bins − 2`.
/// `V_g` is the exact variance of a sum of independent Bernoulli outcomes, which keeps the test
/// right when the probabilities within a bin differ.
///
/// A small p-value (say < 0.05) says the probabilities are miscalibrated beyond what chance
/// explains; a large one says the table's differences are within chance. This is the criterion
/// to use on samples where a fixed tolerance per bin is below the sampling noise: with 118
/// customers a decile and churn rates near one half, a calibrated probability misses a 0.05
/// tolerance in some decile in most samples (docs/churn.md).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CalibrationTest {
    /// The statistic `H`.
    pub statistic: f64,
    /// The degrees of freedom of its χ² reference: the number of bins.
    pub degrees_of_freedom: usize,
    /// `P(χ² ≥ H)`.
    pub p_value: f64,
}

/// One equal-count bin of a gains table (rows sorted by score, **highest first**: bin 0 holds the
/// customers the score calls most likely to churn).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GainsBin {
    /// Customers in the bin.
    pub count: usize,
    /// Churners in the bin.
    pub churners: usize,
    /// Lowest score in the bin.
    pub score_min: f64,
    /// Highest score in the bin.
    pub score_max: f64,
    /// `churners / count`.
    pub churn_rate: f64,
    /// Share of all churners found in this bin and the bins above it (the gains curve).
    pub cumulative_share: f64,
    /// `churn_rate / overall churn rate`: how much richer in churners the bin is than a random
    /// pick of the same size.
    pub lift: f64,
    /// Lift of this bin and the bins above it together.
    pub cumulative_lift: f64,
}

/// The ranking figures of one score: AUC and gains table.
#[derive(Debug, Clone, PartialEq)]
pub struct RankingSummary {
    /// Area under the ROC curve (see [`auc`]).
    pub auc: f64,
    /// The gains/lift table, highest scores first.
    pub gains: Vec<GainsBin>,
}

/// The result of [`churn_report`].
#[derive(Debug, Clone, PartialEq)]
pub struct ChurnReport {
    /// Customers.
    pub n: usize,
    /// Customers who churned.
    pub churners: usize,
    /// AUC of the ranking score (the probability when no score is given).
    pub auc: f64,
    /// Brier score of the probability: `mean((p − y)²)`; 0 is perfect, 0.25 is a coin flip at 0.5.
    pub brier: f64,
    /// Calibration table by predicted probability, lowest bin first.
    pub calibration: Vec<CalibrationBin>,
    /// The Hosmer–Lemeshow test on that table; `None` when a bin whose probabilities are all
    /// exactly 0 or all exactly 1 (no variance) holds an outcome they rule out: the probabilities
    /// are then refuted outright and the statistic is unbounded.
    pub calibration_test: Option<CalibrationTest>,
    /// Gains/lift table of the ranking score, highest bin first.
    pub gains: Vec<GainsBin>,
    /// AUC and gains of the baseline score, when one was given.
    pub baseline: Option<RankingSummary>,
}

impl ChurnReport {
    /// The largest `|observed − predicted|` over the calibration bins.
    pub fn max_calibration_gap(&self) -> f64 {
        self.calibration.iter().map(|b| b.difference.abs()).fold(0.0, f64::max)
    }
}

/// AUC of `score` for the `churned` flags: the probability that a random churner scores higher
/// than a random non-churner, a tie counting one half.
///
/// # Formula
/// The Mann–Whitney statistic (Hanley & McNeil 1982): with rows ranked by score (tied scores get
/// their average rank), `R₁` the rank sum of the `n₁` churners and `n₀` non-churners,
/// `AUC = (R₁ − n₁(n₁+1)/2) / (n₁ n₀)`. O(n log n).
///
/// The check of the scores and the count of the churners run on the thread pool from 16,384
/// customers, the sort from 65,536, the rank sum (an exact integer sum, in tasks of whole runs of
/// tied scores) from 256; the result is the same on any number of threads.
///
/// # Errors
/// [`Error::Empty`] (`score`); [`Error::LengthMismatch`] (`churned`); [`Error::InvalidValue`] for
/// a non-finite score (`score`, index) or flags without a churner or without a non-churner
/// (`churned`: the AUC is undefined).
///
/// # Examples
/// ```
/// // Churners score 0.8 and 0.5; non-churners 0.5 and 0.1: pairs (0.8>0.5, 0.8>0.1, 0.5=0.5 → ½,
/// // 0.5>0.1) → 3.5 of 4.
/// let a = cvm_core::churn::auc(&[0.8, 0.5, 0.5, 0.1], &[true, true, false, false])?;
/// assert_eq!(a, 0.875);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn auc(score: &[f64], churned: &[bool]) -> Result<f64> {
    check_ranking(score, "score", churned)?;
    Ok(auc_unchecked(score, churned))
}

fn check_ranking(score: &[f64], field: &str, churned: &[bool]) -> Result<()> {
    if score.is_empty() {
        return Err(Error::Empty { field: field.into() });
    }
    check_len("churned", churned.len(), score.len())?;
    check_finite(score, field)?;
    let churners = count_true(churned);
    if churners == 0 || churners == churned.len() {
        let which = if churners == 0 { "no customer churned" } else { "every customer churned" };
        return Err(Error::invalid(
            "churned",
            format!("{which}: the AUC and lift need at least one churner and one non-churner"),
        ));
    }
    Ok(())
}

fn auc_unchecked(score: &[f64], churned: &[bool]) -> f64 {
    let order = sorted_rows(score, false);
    let n1 = count_true(churned) as f64;
    let n0 = score.len() as f64 - n1;
    // Tasks of whole runs of tied scores: task c starts where the run holding position
    // c·chunk starts (the scores are finite, so `<` splits them as the runs do).
    let n = order.len();
    let chunk = task_rows(n);
    let tasks = n.div_ceil(chunk);
    let start = |c: usize| match c {
        0 => 0,
        c if c >= tasks => n,
        c => {
            let v = score[order[c * chunk]];
            order[..c * chunk].partition_point(|&r| score[r] < v)
        }
    };
    // Twice the churners' rank sum: rows i..j tied get the average of ranks i+1..=j each,
    // (i + 1 + j) / 2. An integer, so the sum is exact and its order free.
    let twice: u128 = par_tasks(tasks, |c| {
        let (mut i, end) = (start(c), start(c + 1));
        let mut sum = 0u128;
        while i < end {
            let mut j = i;
            while j < n && score[order[j]] == score[order[i]] {
                j += 1;
            }
            let churners = order[i..j].iter().filter(|&&r| churned[r]).count();
            sum += (i + 1 + j) as u128 * churners as u128;
            i = j;
        }
        sum
    })
    .into_iter()
    .sum();
    let rank_sum = twice as f64 / 2.0;
    (rank_sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n0)
}

/// Row indices sorted by value (ascending, or descending with `descending`); equal values keep
/// their row order (as a stable sort), which decides how a tie at a bin boundary is split.
/// Sorted as pairs of the value's total-order key and the row, on the thread pool from 65,536
/// rows (keys and the rows read back from 256).
fn sorted_rows(values: &[f64], descending: bool) -> Vec<usize> {
    let flip = if descending { u64::MAX } else { 0 };
    let mut keys: Vec<(u64, usize)> = par_map(values.len(), |i| (order_key(values[i]) ^ flip, i));
    par_sort_unstable(&mut keys);
    par_map(keys.len(), |k| keys[k].1)
}

/// The `bins` equal-count slices of `order`: bin `k` holds positions `⌊k n / bins⌋ ..
/// ⌊(k+1) n / bins⌋`, so sizes differ by at most one.
fn slices(order: &[usize], bins: usize) -> impl Iterator<Item = &[usize]> {
    let n = order.len();
    (0..bins).map(move |k| &order[k * n / bins..(k + 1) * n / bins])
}

fn gains(score: &[f64], churned: &[bool], bins: usize) -> Vec<GainsBin> {
    let order = sorted_rows(score, true);
    let total = count_true(churned);
    let overall = total as f64 / score.len() as f64;
    let (mut cum_n, mut cum_c) = (0usize, 0usize);
    // The churners of each bin, one task a bin.
    let slice: Vec<&[usize]> = slices(&order, bins).collect();
    let found = par_tasks(bins, |k| slice[k].iter().filter(|&&r| churned[r]).count());
    slice
        .iter()
        .zip(found)
        .map(|(rows, churners)| {
            cum_n += rows.len();
            cum_c += churners;
            let rate = churners as f64 / rows.len() as f64;
            GainsBin {
                count: rows.len(),
                churners,
                score_min: score[rows[rows.len() - 1]],
                score_max: score[rows[0]],
                churn_rate: rate,
                cumulative_share: cum_c as f64 / total as f64,
                lift: rate / overall,
                cumulative_lift: (cum_c as f64 / cum_n as f64) / overall,
            }
        })
        .collect()
}

/// The calibration table, one task a bin (each bin's sums in the order of its rows, as on one
/// thread).
fn calibration(p: &[f64], churned: &[bool], bins: usize) -> Vec<CalibrationBin> {
    let order = sorted_rows(p, false);
    let slice: Vec<&[usize]> = slices(&order, bins).collect();
    par_tasks(bins, |k| {
        let rows = slice[k];
        let n = rows.len() as f64;
        let mean = rows.iter().map(|&r| p[r]).sum::<f64>() / n;
        let rate = rows.iter().filter(|&&r| churned[r]).count() as f64 / n;
        let variance = rows.iter().map(|&r| p[r] * (1.0 - p[r])).sum::<f64>();
        CalibrationBin {
            count: rows.len(),
            predicted_min: p[rows[0]],
            predicted_max: p[rows[rows.len() - 1]],
            mean_predicted: mean,
            observed_rate: rate,
            difference: rate - mean,
            standard_error: variance.sqrt() / n,
        }
    })
}

/// The Hosmer–Lemeshow test on the calibration table (see [`CalibrationTest`]).
fn calibration_test(table: &[CalibrationBin]) -> Option<CalibrationTest> {
    let mut statistic = 0.0;
    for b in table {
        let n = b.count as f64;
        // In counts: (O − E)² / V with O − E = n·difference and √V = n·standard_error.
        let (gap, sd) = (n * b.difference, n * b.standard_error);
        if sd > 0.0 {
            statistic += (gap / sd).powi(2);
        } else if gap.abs() > 1e-9 * n {
            return None;
        }
    }
    let k = table.len() as f64 / 2.0;
    let p_value = (ln_upper_incomplete_gamma(k, statistic / 2.0) - ln_gamma(k)).exp().min(1.0);
    statistic.is_finite().then_some(CalibrationTest {
        statistic,
        degrees_of_freedom: table.len(),
        p_value,
    })
}

/// Evaluates a churn `probability` against what happened (`churned`, from a holdout period).
///
/// * `score` ranks customers for the AUC and the gains table (higher = more likely to churn;
///   `None`: the probability itself). A score that ranks better than the probability may be
///   used for targeting while the probability answers "how many".
/// * `baseline` is a simple score to beat, e.g. time since the last purchase (`T − recency`);
///   its AUC and gains table come back in [`ChurnReport::baseline`].
/// * `bins` (10 for deciles) equal-count bins for the calibration table (by probability,
///   ascending) and the gains tables (by score, descending).
///
/// # Formula
/// AUC as in [`auc`]; Brier score `Σ (pᵢ − yᵢ)² / n` (Brier 1950); the Hosmer–Lemeshow test of
/// the calibration table as in [`CalibrationTest`]. Bin `k` of `bins` holds
/// the sorted positions `⌊k n / bins⌋ .. ⌊(k+1) n / bins⌋`. **Ties at a bin boundary** are split
/// by row order: rows with equal values keep their input order (a stable sort), so the earlier
/// rows go to the lower calibration bin and to the higher (earlier) gains bin; the result is
/// deterministic for a given input order.
///
/// The per-customer work runs on the thread pool: the checks and the counts from 16,384
/// customers; the sorts by probability and score from 65,536; the rank sums of the AUCs from
/// 256; the Brier score in chunks of 2,048 customers added in order (from 2,049 customers; the
/// same bits on any number of threads); the calibration and gains tables one task a bin (each
/// bin's sums in the order of its rows). The report is the same on any number of threads.
///
/// # Errors
/// [`Error::Empty`] (`probability`); [`Error::LengthMismatch`] (`churned`, `score`,
/// `baseline`); [`Error::InvalidValue`] for a probability outside \[0, 1\] or NaN
/// (`probability`, index), a non-finite score or baseline (index), `bins` 0 or above the number
/// of customers, and flags without a churner or without a non-churner (`churned`).
///
/// # Examples
/// ```
/// use cvm_core::churn::churn_report;
/// let p = [0.9, 0.8, 0.3, 0.2];
/// let churned = [true, false, true, false];
/// let weeks_since_last = [10.0, 2.0, 8.0, 1.0];
/// let r = churn_report(&p, &churned, None, Some(&weeks_since_last), 2)?;
/// assert_eq!(r.auc, 0.75);
/// assert!((r.brier - (0.01 + 0.64 + 0.49 + 0.04) / 4.0).abs() < 1e-15);
/// assert_eq!(r.calibration[1].observed_rate, 0.5); // rows 1 and 0: one churner
/// assert_eq!(r.baseline.as_ref().unwrap().auc, 1.0);
/// assert_eq!(r.baseline.as_ref().unwrap().gains[0].lift, 2.0);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn churn_report(
    probability: &[f64], churned: &[bool], score: Option<&[f64]>, baseline: Option<&[f64]>,
    bins: usize,
) -> Result<ChurnReport> {
    let n = probability.len();
    if n == 0 {
        return Err(Error::Empty { field: "probability".into() });
    }
    check_len("churned", churned.len(), n)?;
    if let Some(i) = first_row(n, |i| !(0.0..=1.0).contains(&probability[i])) {
        let msg = format!("must be a probability in [0, 1], got {}", probability[i]);
        return Err(Error::invalid_at("probability", i, msg));
    }
    if let Some(s) = score {
        check_len("score", s.len(), n)?;
    }
    if let Some(b) = baseline {
        check_len("baseline", b.len(), n)?;
    }
    if bins == 0 || bins > n {
        return Err(Error::invalid("bins", format!("must be in 1..={n} (customers), got {bins}")));
    }
    let rank = score.unwrap_or(probability);
    check_ranking(rank, if score.is_some() { "score" } else { "probability" }, churned)?;
    let baseline = match baseline {
        Some(b) => {
            check_ranking(b, "baseline", churned)?;
            Some(RankingSummary { auc: auc_unchecked(b, churned), gains: gains(b, churned, bins) })
        }
        None => None,
    };
    // Chunks of CHUNK rows added in order: below 2,049 customers the sum of one loop.
    let (squares, _) = chunked_sum_by(n, CHUNK, 0, |rows, _| {
        let (p, c) = (&probability[rows.clone()], &churned[rows]);
        p.iter().zip(c).map(|(p, &c)| (p - f64::from(u8::from(c))).powi(2)).sum::<f64>()
    });
    let brier = squares / n as f64;
    let table = calibration(probability, churned, bins);
    Ok(ChurnReport {
        n,
        churners: count_true(churned),
        auc: auc_unchecked(rank, churned),
        brier,
        calibration_test: calibration_test(&table),
        calibration: table,
        gains: gains(rank, churned, bins),
        baseline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_ties_half_and_matches_brute_force() {
        let s = [0.3, 0.3, 0.1, 0.7, 0.3, 0.9, 0.1, 0.5];
        let y = [true, false, false, true, true, false, true, false];
        let mut pairs = 0.0;
        for i in 0..8 {
            for j in 0..8 {
                if y[i] && !y[j] {
                    pairs += if s[i] > s[j] {
                        1.0
                    } else if s[i] == s[j] {
                        0.5
                    } else {
                        0.0
                    };
                }
            }
        }
        assert_eq!(auc(&s, &y).unwrap(), pairs / 16.0);
        // Constant scores: every pair tied.
        assert_eq!(auc(&[2.0; 4], &[true, false, true, false]).unwrap(), 0.5);
    }

    #[test]
    fn ties_at_a_bin_boundary_follow_row_order() {
        // Scores tied across the boundary of 2 bins of 2: rows 1 and 2 are tied at 0.5.
        let p = [0.9, 0.5, 0.5, 0.1];
        let y = [true, false, true, false];
        let r = churn_report(&p, &y, None, None, 2).unwrap();
        // Gains (descending): [row 0, row 1] then [row 2, row 3].
        assert_eq!((r.gains[0].churners, r.gains[1].churners), (1, 1));
        // Calibration (ascending): [row 3, row 1] then [row 2, row 0].
        assert_eq!(r.calibration[0].observed_rate, 0.0);
        assert_eq!(r.calibration[1].observed_rate, 1.0);
        assert_eq!(r.gains[1].cumulative_share, 1.0);
        assert_eq!(r.gains[1].cumulative_lift, 1.0);
    }

    #[test]
    fn hosmer_lemeshow_by_hand() {
        // Bin 1: p = 0.2, 0.2, one churner: (1 − 0.4)² / 0.32 = 1.125; bin 2: p = 0.8, 0.8, two
        // churners: (2 − 1.6)² / 0.32 = 0.5. χ² with 2 degrees of freedom: P = exp(−H/2).
        let r =
            churn_report(&[0.2, 0.2, 0.8, 0.8], &[false, true, true, true], None, None, 2).unwrap();
        let t = r.calibration_test.unwrap();
        assert!((t.statistic - 1.625).abs() < 1e-14, "{t:?}");
        assert_eq!(t.degrees_of_freedom, 2);
        assert!((t.p_value - (-0.8125f64).exp()).abs() < 1e-13, "{t:?}");
        assert!((r.calibration[0].standard_error - 0.32f64.sqrt() / 2.0).abs() < 1e-15);
        // Certain probabilities that come true: H = 0, P = 1.
        let r = churn_report(&[0.0, 0.0, 1.0, 1.0], &[false, false, true, true], None, None, 2)
            .unwrap();
        let t = r.calibration_test.unwrap();
        assert_eq!((t.statistic, t.p_value), (0.0, 1.0));
        // A probability of 0 contradicted by a churner: refuted, no finite statistic.
        let r = churn_report(&[0.0, 0.0, 1.0, 1.0], &[true, false, true, false], None, None, 2)
            .unwrap();
        assert_eq!(r.calibration_test, None);
        // Four degrees of freedom: Q(2, H/2) = e^{−H/2} (1 + H/2).
        let p = [0.1, 0.1, 0.3, 0.3, 0.6, 0.6, 0.9, 0.9];
        let y = [true, false, true, true, false, false, true, true];
        let t = churn_report(&p, &y, None, None, 4).unwrap().calibration_test.unwrap();
        let h: f64 = [(1.0, 0.2, 0.18), (2.0, 0.6, 0.42), (0.0, 1.2, 0.48), (2.0, 1.8, 0.18)]
            .iter()
            .map(|(o, e, v): &(f64, f64, f64)| (o - e).powi(2) / v)
            .sum();
        assert!((t.statistic - h).abs() < 1e-12 * h, "{t:?} vs {h}");
        assert!((t.p_value - (-h / 2.0).exp() * (1.0 + h / 2.0)).abs() < 1e-13, "{t:?}");
    }

    /// The sort of the rows as it was: a stable sort by `total_cmp`.
    #[cfg(feature = "parallel")]
    fn stable_rows(values: &[f64], descending: bool) -> Vec<usize> {
        let mut order: Vec<usize> = (0..values.len()).collect();
        match descending {
            true => order.sort_by(|&a, &b| values[b].total_cmp(&values[a])),
            false => order.sort_by(|&a, &b| values[a].total_cmp(&values[b])),
        }
        order
    }

    /// The AUC as it was computed: rank sums added in a float, run after run.
    #[cfg(feature = "parallel")]
    fn loop_auc(score: &[f64], churned: &[bool]) -> f64 {
        let order = stable_rows(score, false);
        let n1 = churned.iter().filter(|&&c| c).count() as f64;
        let n0 = score.len() as f64 - n1;
        let (mut rank_sum, mut i) = (0.0, 0);
        while i < order.len() {
            let mut j = i;
            while j < order.len() && score[order[j]] == score[order[i]] {
                j += 1;
            }
            let mid = (i + 1 + j) as f64 / 2.0;
            rank_sum += mid * order[i..j].iter().filter(|&&r| churned[r]).count() as f64;
            i = j;
        }
        (rank_sum - n1 * (n1 + 1.0) / 2.0) / (n1 * n0)
    }

    /// 100,000 customers, probabilities and scores with many ties (and -0 beside 0), 1 to 1,000
    /// bins: the same report on one thread and on four; the AUCs and tables those of the loops
    /// they were computed by, bit for bit, the Brier score within rounding. Two bad rows: the
    /// first is named.
    #[cfg(feature = "parallel")]
    #[test]
    fn large_reports_are_alike_on_any_threads() {
        use crate::parallel::on_one_and_four_threads;
        let n = 100_000;
        let mut rng = crate::models::Rng::new(5);
        let p: Vec<f64> = (0..n).map(|_| (rng.uniform() * 64.0).floor() / 64.0).collect();
        let churned: Vec<bool> = p.iter().map(|&p| rng.uniform() < p).collect();
        let score: Vec<f64> = (0..n)
            .map(|i| if i % 1000 == 0 { -0.0 } else { (p[i] * 10.0).round() - 3.0 })
            .collect();
        let base: Vec<f64> = (0..n).map(|_| rng.uniform()).collect();
        for bins in [1, 3, 10, 1000] {
            let report = || churn_report(&p, &churned, Some(&score), Some(&base), bins).unwrap();
            let (one, four) = on_one_and_four_threads(report);
            assert_eq!(one, four);
            assert_eq!(one.auc.to_bits(), loop_auc(&score, &churned).to_bits());
            let baseline = one.baseline.as_ref().unwrap();
            assert_eq!(baseline.auc.to_bits(), loop_auc(&base, &churned).to_bits());
            // The tables from the stable sort's order, bin by bin as before.
            let (cal, gain) = (stable_rows(&p, false), stable_rows(&score, true));
            for (k, (c, g)) in slices(&cal, bins).zip(slices(&gain, bins)).enumerate() {
                let (b, mean) = (one.calibration[k], c.iter().map(|&r| p[r]).sum::<f64>());
                assert_eq!((b.count, b.mean_predicted), (c.len(), mean / c.len() as f64));
                let churners = g.iter().filter(|&&r| churned[r]).count();
                assert_eq!(
                    (one.gains[k].churners, one.gains[k].score_max),
                    (churners, score[g[0]])
                );
            }
            let squares =
                p.iter().zip(&churned).map(|(p, &c)| (p - f64::from(u8::from(c))).powi(2));
            let brier = squares.sum::<f64>() / n as f64;
            assert!((one.brier - brier).abs() <= 1e-14 * brier, "{} {brier}", one.brier);
        }
        let (mut p2, mut s2) = (p.clone(), score.clone());
        p2[70_000] = 1.5;
        p2[90_000] = -0.1;
        s2[60_000] = f64::NAN;
        s2[95_000] = f64::INFINITY;
        let (one, four) = on_one_and_four_threads(|| {
            let e = churn_report(&p2, &churned, Some(&s2), None, 10).unwrap_err();
            (e, churn_report(&p, &churned, Some(&s2), None, 10).unwrap_err())
        });
        assert_eq!(one, four);
        assert_eq!((one.0.field(), one.0.index()), (Some("probability"), Some(70_000)));
        assert_eq!((one.1.field(), one.1.index()), (Some("score"), Some(60_000)));
    }

    #[test]
    fn bad_inputs_name_argument_and_row() {
        let y = [true, false];
        let e = churn_report(&[0.5, 1.5], &y, None, None, 1).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("probability"), Some(1)));
        let e = churn_report(&[0.5, f64::NAN], &y, None, None, 1).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("probability"), Some(1)));
        let e = churn_report(&[0.5, 0.5], &y, Some(&[1.0, f64::NAN]), None, 1).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("score"), Some(1)));
        let e = churn_report(&[0.5, 0.5], &y, None, Some(&[1.0]), 1).unwrap_err();
        assert_eq!(e.field(), Some("baseline"));
        let e = churn_report(&[0.5, 0.5], &y, None, None, 3).unwrap_err();
        assert_eq!(e.field(), Some("bins"));
        let e = churn_report(&[0.5, 0.5], &[true, true], None, None, 1).unwrap_err();
        assert_eq!(e.field(), Some("churned"));
        let e = churn_report(&[], &[], None, None, 1).unwrap_err();
        assert_eq!(e.field(), Some("probability"));
    }
}
