//! RFM scores (recency, frequency, monetary quintiles, 1–5) and a rule table mapping them to named
//! segments.
//!
//! # Scores
//! Each dimension is scored by the quintile of its mid-rank percentile
//! `p = (#{values < v} + ½·#{values = v}) / n`: `score = min(5, ⌊5p⌋ + 1)`. Equal values always get
//! the same score. Recency is scored on the time since the last purchase, `T − recency`, reversed
//! (recent = 5); frequency and monetary value directly (more = 5).
//!
//! # Segments
//! The segment depends on the recency score `R` and `FM`: the frequency score, or, with monetary
//! values, `⌊(F + M)/2 + ½⌋` (mean rounded half up). Rules are tried in order and the first whose
//! ranges contain `(R, FM)` wins. The default table ([`SegmentTable::default`]):
//!
//! | segment              | R   | FM  |
//! |----------------------|-----|-----|
//! | `champions`          | 4–5 | 4–5 |
//! | `need_attention`     | 3   | 3   |
//! | `loyal`              | 3–5 | 3–5 |
//! | `new`                | 5   | 1   |
//! | `promising`          | 4   | 1   |
//! | `potential_loyalist` | 4–5 | 2   |
//! | `about_to_sleep`     | 3   | 1–2 |
//! | `cant_lose`          | 1–2 | 5   |
//! | `cant_lose`          | 1   | 4   |
//! | `at_risk`            | 1–2 | 3–4 |
//! | `hibernating`        | 2   | 1–2 |
//! | `lost`               | 1   | 1–2 |
//!
//! A table is checked when used: every one of the 25 `(R, FM)` cells must match a rule.
//!
//! # Examples
//! ```
//! use cvm_core::rfm::{rfm_segments, SegmentTable};
//! let freq = [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0];
//! let rec = [0.0, 5.0, 9.0, 2.0, 30.0, 35.0, 39.0, 20.0, 38.0, 39.0];
//! let t = [40.0; 10];
//! let r = rfm_segments(&freq, &rec, &t, None, &SegmentTable::default())?;
//! assert_eq!(r.frequency_score, vec![1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
//! assert_eq!(r.segment_name(9), "champions");
//! assert_eq!(r.segment_name(0), "lost");
//! # Ok::<(), cvm_core::Error>(())
//! ```

use crate::error::{check, Error, Result};
use crate::parallel::{self, from_order_key, order_key};

/// One row of a segment table: a name and inclusive score ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentRule {
    /// Segment name.
    pub name: String,
    /// Inclusive range of the recency score.
    pub recency: (u8, u8),
    /// Inclusive range of the combined frequency–monetary score.
    pub frequency_monetary: (u8, u8),
}

impl SegmentRule {
    /// A rule.
    pub fn new(name: &str, recency: (u8, u8), frequency_monetary: (u8, u8)) -> Self {
        SegmentRule { name: name.to_string(), recency, frequency_monetary }
    }

    fn matches(&self, r: u8, fm: u8) -> bool {
        (self.recency.0..=self.recency.1).contains(&r)
            && (self.frequency_monetary.0..=self.frequency_monetary.1).contains(&fm)
    }
}

/// An ordered rule table (first match wins).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct SegmentTable {
    /// The rules, tried in order.
    pub rules: Vec<SegmentRule>,
}

impl Default for SegmentTable {
    fn default() -> Self {
        let r = SegmentRule::new;
        SegmentTable {
            rules: vec![
                r("champions", (4, 5), (4, 5)),
                r("need_attention", (3, 3), (3, 3)),
                r("loyal", (3, 5), (3, 5)),
                r("new", (5, 5), (1, 1)),
                r("promising", (4, 4), (1, 1)),
                r("potential_loyalist", (4, 5), (2, 2)),
                r("about_to_sleep", (3, 3), (1, 2)),
                r("cant_lose", (1, 2), (5, 5)),
                r("cant_lose", (1, 1), (4, 4)),
                r("at_risk", (1, 2), (3, 4)),
                r("hibernating", (2, 2), (1, 2)),
                r("lost", (1, 1), (1, 2)),
            ],
        }
    }
}

impl SegmentTable {
    /// The distinct segment names, in order of first appearance.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for rule in &self.rules {
            if !names.contains(&rule.name) {
                names.push(rule.name.clone());
            }
        }
        names
    }

    /// Checks ranges and coverage; returns the 5×5 lookup `[R-1][FM-1] → name index`.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`rules`, index of the rule) for a range outside 1–5 or reversed;
    /// (`rules`, no index) for a cell no rule matches.
    pub fn compile(&self) -> Result<[[u16; 5]; 5]> {
        for (i, rule) in self.rules.iter().enumerate() {
            for (lo, hi) in [rule.recency, rule.frequency_monetary] {
                if !(1..=5).contains(&lo) || !(1..=5).contains(&hi) || lo > hi {
                    return Err(Error::invalid_at(
                        "rules",
                        i,
                        format!("rule {:?}: ranges must satisfy 1 <= lo <= hi <= 5", rule.name),
                    ));
                }
            }
        }
        let names = self.names();
        let mut table = [[0u16; 5]; 5];
        for r in 1..=5u8 {
            for fm in 1..=5u8 {
                let rule = self.rules.iter().find(|rule| rule.matches(r, fm)).ok_or_else(|| {
                    Error::invalid("rules", format!("no rule matches R = {r}, FM = {fm}"))
                })?;
                table[r as usize - 1][fm as usize - 1] =
                    names.iter().position(|n| *n == rule.name).expect("name listed") as u16;
            }
        }
        Ok(table)
    }
}

/// Scores and segments of every customer.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct RfmResult {
    /// Recency score 1–5 (5 = most recent).
    pub recency_score: Vec<u8>,
    /// Frequency score 1–5.
    pub frequency_score: Vec<u8>,
    /// Monetary score 1–5, when monetary values were given.
    pub monetary_score: Option<Vec<u8>>,
    /// Combined frequency–monetary score used by the table.
    pub frequency_monetary_score: Vec<u8>,
    /// Index into `names` of each customer's segment.
    pub segment: Vec<u16>,
    /// Segment names.
    pub names: Vec<String>,
}

impl RfmResult {
    /// Segment name of customer `i`.
    pub fn segment_name(&self, i: usize) -> &str {
        &self.names[self.segment[i] as usize]
    }

    /// Number of customers in each segment, in the order of `names`.
    pub fn counts(&self) -> Vec<usize> {
        let mut c = vec![0; self.names.len()];
        for &s in &self.segment {
            c[s as usize] += 1;
        }
        c
    }
}

/// Quintile scores (1–5) of `values` by mid-rank percentile; see the module docs.
///
/// The finiteness check, the sort of the values and the scoring of each customer run on the
/// thread pool (the check from 16,384 customers, the sort from 65,536 in one run a thread, the
/// scores from 256); the scores are the same whatever the number of threads.
///
/// # Errors
/// [`Error::Empty`] for empty input; [`Error::InvalidValue`] for NaN or infinite values.
pub fn quintile_scores(field: &str, values: &[f64]) -> Result<Vec<u8>> {
    check::non_empty(field, values.len())?;
    check::finite(field, values)?;
    let n = values.len();
    // The values' order keys in sorted runs (not merged: only counted by bisection).
    let mut keys = parallel::par_map(n, |i| order_key(values[i]));
    let bounds = parallel::sorted_runs(&mut keys);
    let runs: Vec<&[u64]> = bounds.windows(2).map(|w| &keys[w[0]..w[1]]).collect();
    // The score of a value from the number of values below it and up to it (the definition).
    let score_of = |below: usize, upto: usize| {
        let p = (below as f64 + 0.5 * (upto - below) as f64) / n as f64;
        ((5.0 * p).floor() as u8 + 1).min(5)
    };
    // The score is non-decreasing in the value: `lowest[s]` is the smallest value scored `s + 2`
    // or more (none when no value is).
    let mut lowest = [None; 4];
    for (s, slot) in lowest.iter_mut().enumerate() {
        *slot = first_reaching(&runs, |below, upto| score_of(below, upto) >= s as u8 + 2);
    }
    let score = |v: f64| 1 + lowest.iter().filter(|c| c.is_some_and(|c| v >= c)).count() as u8;
    Ok(parallel::par_map(n, |i| score(values[i])))
}

/// The smallest value of the sorted `runs` of order keys for which `reaches(below, upto)` holds,
/// given the number of values below it and up to it (a predicate that holds from some value on):
/// a bisection in every run at once, each step at the middle of the widest run's window of
/// candidates, its counts read in the windows only (every value left of a window is below the
/// pivot, every value right of it above). O(r log n) steps of O(r log n) work for r runs.
fn first_reaching(runs: &[&[u64]], reaches: impl Fn(usize, usize) -> bool) -> Option<f64> {
    let mut lo = vec![0; runs.len()];
    let mut hi: Vec<usize> = runs.iter().map(|run| run.len()).collect();
    let (mut below, mut upto) = (vec![0; runs.len()], vec![0; runs.len()]);
    let mut best = None;
    while let Some(r) = (0..runs.len()).filter(|&r| lo[r] < hi[r]).max_by_key(|&r| hi[r] - lo[r]) {
        let v = from_order_key(runs[r][lo[r] + (hi[r] - lo[r]) / 2]);
        for (q, run) in runs.iter().enumerate() {
            let window = &run[lo[q]..hi[q]];
            below[q] = lo[q] + window.partition_point(|&k| from_order_key(k) < v);
            upto[q] = lo[q] + window.partition_point(|&k| from_order_key(k) <= v);
        }
        if reaches(below.iter().sum(), upto.iter().sum()) {
            best = Some(v);
            hi.copy_from_slice(&below);
        } else {
            lo.copy_from_slice(&upto);
        }
    }
    best
}

/// A sorted copy of finite `values` (on the thread pool from 65,536 values with the `parallel`
/// feature; equal values are indistinguishable, so the result is the same).
pub(crate) fn sorted_values(values: &[f64]) -> Vec<f64> {
    let keys = sorted_keys(values);
    parallel::par_map(keys.len(), |i| from_order_key(keys[i]))
}

/// The order keys of finite `values` ([`order_key`]), sorted as [`sorted_values`] sorts: the
/// standard library's sort of 1M `u64` took 10 ms against 16 ms by `f64::total_cmp`.
fn sorted_keys(values: &[f64]) -> Vec<u64> {
    let mut keys = parallel::par_map(values.len(), |i| order_key(values[i]));
    parallel::par_sort_keys(&mut keys);
    keys
}

/// RFM scores and segments.
///
/// The checks of the columns (one pass, from 16,384 customers), the time since the last
/// purchase, the scores (see [`quintile_scores`]), the combined score and the segment of each
/// customer run on the thread pool (the maps from 256 customers); the result is the same whatever
/// the number of threads.
///
/// # Errors
/// Length mismatches and non-finite values (field and index), `recency > T`
/// ([`Error::InvalidValue`] on `recency`), and an invalid `table` (see [`SegmentTable::compile`]).
pub fn rfm_segments(
    frequency: &[f64], recency: &[f64], t: &[f64], monetary: Option<&[f64]>, table: &SegmentTable,
) -> Result<RfmResult> {
    let n = frequency.len();
    check::non_empty("frequency", n)?;
    check::same_len("recency", n, recency.len())?;
    check::same_len("T", n, t.len())?;
    let valid = |x: f64| x.is_finite() & (x >= 0.0);
    let rows_ok = parallel::all_rows(n, |rows| {
        rows.fold(true, |all, i| {
            all & valid(frequency[i]) & valid(recency[i]) & valid(t[i]) & (recency[i] <= t[i])
        })
    });
    if !rows_ok {
        check::non_negative("frequency", frequency)?;
        check::non_negative("recency", recency)?;
        check::non_negative("T", t)?;
        if let Some(i) = (0..n).find(|&i| recency[i] > t[i]) {
            return Err(Error::invalid_at(
                "recency",
                i,
                format!("{} exceeds T = {}", recency[i], t[i]),
            ));
        }
    }
    if let Some(m) = monetary {
        check::same_len("monetary_value", n, m.len())?;
    }
    let lookup = table.compile()?;
    let since_last: Vec<f64> = parallel::par_map(n, |i| -(t[i] - recency[i]));
    let recency_score = quintile_scores("recency", &since_last)?;
    let frequency_score = quintile_scores("frequency", frequency)?;
    let monetary_score = monetary.map(|m| quintile_scores("monetary_value", m)).transpose()?;
    let fm: Vec<u8> = match &monetary_score {
        None => frequency_score.clone(),
        Some(ms) => parallel::par_map(n, |i| (frequency_score[i] + ms[i]).div_ceil(2)),
    };
    let segment =
        parallel::par_map(n, |i| lookup[recency_score[i] as usize - 1][fm[i] as usize - 1]);
    Ok(RfmResult {
        recency_score,
        frequency_score,
        monetary_score,
        frequency_monetary_score: fm,
        segment,
        names: table.names(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seeded values in `0..m`, whole (many ties) or with a fraction.
    fn values(n: usize, m: u64, seed: u64) -> Vec<f64> {
        crate::testing::xorshift(seed)
            .take(n)
            .map(|state| {
                let x = (state % m) as f64;
                if state.is_multiple_of(5) {
                    x + 0.25
                } else {
                    x
                }
            })
            .collect()
    }

    /// The scores of a walk over the sorted values, block of equal values by block (the
    /// definition).
    fn reference_scores(values: &[f64]) -> Vec<u8> {
        let n = values.len();
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        let mut scores = vec![0u8; n];
        let mut i = 0;
        while i < n {
            let v = values[order[i]];
            let j = i + order[i..].iter().take_while(|&&k| values[k] == v).count();
            let p = (i as f64 + 0.5 * (j - i) as f64) / n as f64;
            for &k in &order[i..j] {
                scores[k] = ((5.0 * p).floor() as u8 + 1).min(5);
            }
            i = j;
        }
        scores
    }

    #[test]
    fn scores_follow_the_definition() {
        let mut cases: Vec<Vec<f64>> =
            vec![vec![0.0], vec![-0.0, 0.0, 1.0, -0.0], vec![3.0; 7], vec![-1.0, 2.0]];
        for (n, m) in [(10, 3), (37, 5), (100, 100), (1000, 7), (5000, 2), (100_000, 40)] {
            cases.push(values(n, m, n as u64));
        }
        let mut signed = values(20_000, 9, 4);
        signed.iter_mut().step_by(3).for_each(|x| *x = -*x);
        cases.push(signed);
        for v in cases {
            assert_eq!(quintile_scores("x", &v).unwrap(), reference_scores(&v), "{}", v.len());
        }
    }

    /// 150,000 customers: the scores and segments are identical on one thread and on four (one
    /// sorted run a thread), and the scores those of the definition, also for signed values with
    /// both zeros and for one value everywhere (no customer above score 3).
    #[cfg(feature = "parallel")]
    #[test]
    fn large_segments_are_identical_on_one_and_four_threads() {
        let n = 150_000;
        let t = vec![400.0; n];
        let recency: Vec<f64> = values(n, 400, 1).iter().map(|x| x.min(399.0)).collect();
        let frequency = values(n, 30, 2);
        let monetary = values(n, 10_000, 3);
        let mut signed = values(n, 9, 4);
        signed.iter_mut().step_by(3).for_each(|x| *x = -*x);
        let same = vec![2.5; n];
        let (one, four) = crate::parallel::on_one_and_four_threads(|| {
            let r =
                rfm_segments(&frequency, &recency, &t, Some(&monetary), &SegmentTable::default())
                    .unwrap();
            let scores = |v: &[f64]| quintile_scores("x", v).unwrap();
            ([scores(&monetary), scores(&signed), scores(&same)], r)
        });
        assert_eq!(one, four);
        assert_eq!(one.0[0], reference_scores(&monetary));
        assert_eq!(one.0[1], reference_scores(&signed));
        assert_eq!(one.0[2], vec![3; n]);
        assert_eq!(one.1.frequency_score, reference_scores(&frequency));
        assert_eq!(one.1.counts().iter().sum::<usize>(), n);
    }

    /// Two bad rows among 150,000: the error names the first, on one thread and on four.
    #[cfg(feature = "parallel")]
    #[test]
    fn large_bad_rows_name_the_first() {
        let n = 150_000;
        let t = vec![400.0; n];
        let recency = vec![10.0; n];
        let frequency = values(n, 30, 2);
        let table = SegmentTable::default();
        let mut late = recency.clone();
        (late[90_000], late[30_001]) = (401.0, 500.0);
        let mut bad_f = frequency.clone();
        (bad_f[120_000], bad_f[60_002]) = (f64::NAN, -1.0);
        let cases: [(&[f64], &[f64], &str, usize); 2] =
            [(&frequency, &late, "recency", 30_001), (&bad_f, &recency, "frequency", 60_002)];
        for (f, r, field, at) in cases {
            let (one, four) = crate::parallel::on_one_and_four_threads(|| {
                rfm_segments(f, r, &t, None, &table).unwrap_err()
            });
            assert_eq!(one, four);
            assert_eq!((one.field(), one.index()), (Some(field), Some(at)));
        }
        let (one, four) =
            crate::parallel::on_one_and_four_threads(|| quintile_scores("x", &bad_f).unwrap_err());
        assert_eq!(one, four);
        assert_eq!((one.field(), one.index()), (Some("x"), Some(120_000)));
    }
}
