//! Inputs that may be one number, a per-period schedule, or per-customer values.

use crate::error::{check, Error, Result};
use crate::parallel;

/// A per-period quantity (revenue, cost, margin rate, retention rate) of every customer.
///
/// Periods are numbered from 1. A schedule stops at some period; after it, its **last value
/// repeats** for every later period (so a schedule `[1000, 1500, 2000]` means 1000 in period 1,
/// 1500 in period 2 and 2000 in every period after that).
///
/// # Examples
/// ```
/// use cvm_core::value::Series;
/// let revenue = Series::Schedule(&[1000.0, 1500.0, 2000.0]);
/// assert_eq!(revenue.get(0, 1), 1000.0);
/// assert_eq!(revenue.get(0, 2), 1500.0);
/// assert_eq!(revenue.get(0, 9), 2000.0);
///
/// // Two customers, two periods each (row-major), the last column repeats.
/// let values = [10.0, 20.0, 30.0, 40.0];
/// let per_customer = Series::Matrix { values: &values, n_periods: 2 };
/// assert_eq!(per_customer.get(1, 1), 30.0);
/// assert_eq!(per_customer.get(1, 5), 40.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Series<'a> {
    /// The same value in every period, for every customer.
    Constant(f64),
    /// A schedule shared by all customers: element `t − 1` is the value of period `t`; the last
    /// value repeats.
    Schedule(&'a [f64]),
    /// One constant value per customer (the same in every period).
    PerCustomer(&'a [f64]),
    /// One schedule per customer: row-major `customers × n_periods`; element
    /// `customer · n_periods + t − 1` is the value of period `t`; each row's last value repeats.
    Matrix {
        /// The values, row-major (one row per customer).
        values: &'a [f64],
        /// Number of periods (columns) per customer.
        n_periods: usize,
    },
}

impl<'a> Series<'a> {
    /// The value of `customer` in `period` (1-based; period 0 is read as period 1).
    ///
    /// Shared inputs ignore `customer`. The caller is responsible for `customer` being in range
    /// for per-customer inputs (see [`Series::n_customers`]); an out-of-range customer panics.
    pub fn get(&self, customer: usize, period: usize) -> f64 {
        let row = self.row(customer);
        row[period.saturating_sub(1).min(row.len() - 1)]
    }

    /// Number of customers the input describes: `None` for shared inputs.
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty slice, [`Error::InvalidValue`] for `n_periods == 0` or a
    /// matrix whose length is not a multiple of `n_periods`.
    pub fn n_customers(&self, field: &str) -> Result<Option<usize>> {
        match *self {
            Series::Constant(_) => Ok(None),
            Series::Schedule(s) => check::non_empty(field, s.len()).map(|_| None),
            Series::PerCustomer(v) => check::non_empty(field, v.len()).map(|_| Some(v.len())),
            Series::Matrix { values, n_periods } => {
                if n_periods == 0 {
                    return Err(Error::invalid(field, "n_periods must be >= 1"));
                }
                check::non_empty(field, values.len())?;
                if !values.len().is_multiple_of(n_periods) {
                    return Err(Error::invalid(
                        field,
                        format!(
                            "length {} is not a multiple of n_periods = {n_periods}",
                            values.len()
                        ),
                    ));
                }
                Ok(Some(values.len() / n_periods))
            }
        }
    }

    /// Number of periods given explicitly (after them the last value repeats): 1 for constants.
    pub fn n_defined(&self) -> usize {
        match *self {
            Series::Constant(_) | Series::PerCustomer(_) => 1,
            Series::Schedule(s) => s.len().max(1),
            Series::Matrix { n_periods, .. } => n_periods.max(1),
        }
    }

    /// The values of `customer`, period 1 first (the last value repeats after the slice ends).
    pub(crate) fn row(&self, customer: usize) -> &[f64] {
        match self {
            Series::Constant(x) => std::slice::from_ref(x),
            Series::Schedule(s) => s,
            Series::PerCustomer(v) => std::slice::from_ref(&v[customer]),
            Series::Matrix { values, n_periods } => {
                &values[customer * n_periods..(customer + 1) * n_periods]
            }
        }
    }

    /// Checks every value with `ok`; the index reported is the position in the slice (row-major
    /// for matrices; no index for a constant). The values are scanned on the thread pool from
    /// 16,384 on; the first failing one is then found by a loop.
    pub(crate) fn check_values(
        &self, field: &str, reason: &str, ok: impl Fn(f64) -> bool + Sync,
    ) -> Result<()> {
        match *self {
            Series::Constant(x) => {
                if ok(x) {
                    Ok(())
                } else {
                    Err(Error::invalid(field, format!("{reason} (got {x})")))
                }
            }
            Series::Schedule(v) | Series::PerCustomer(v) | Series::Matrix { values: v, .. } => {
                check::all(field, v, reason, ok)
            }
        }
    }
}

/// A quantity with one value per customer, or the same value for all.
///
/// # Examples
/// ```
/// use cvm_core::value::Scalar;
/// assert_eq!(Scalar::Constant(2.0).get(7), 2.0);
/// assert_eq!(Scalar::PerCustomer(&[1.0, 3.0]).get(1), 3.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar<'a> {
    /// The same value for every customer.
    Constant(f64),
    /// One value per customer.
    PerCustomer(&'a [f64]),
}

impl Scalar<'_> {
    /// The value of `customer` (a per-customer slice panics when `customer` is out of range).
    pub fn get(&self, customer: usize) -> f64 {
        match self {
            Scalar::Constant(x) => *x,
            Scalar::PerCustomer(v) => v[customer],
        }
    }

    /// Number of customers the input describes: `None` for a constant.
    ///
    /// # Errors
    /// [`Error::Empty`] for an empty slice.
    pub fn n_customers(&self, field: &str) -> Result<Option<usize>> {
        match self {
            Scalar::Constant(_) => Ok(None),
            Scalar::PerCustomer(v) => check::non_empty(field, v.len()).map(|_| Some(v.len())),
        }
    }

    /// Checks every value with `ok` (as [`Series::check_values`], on the thread pool from
    /// 16,384 values).
    pub(crate) fn check_values(
        &self, field: &str, reason: &str, ok: impl Fn(f64) -> bool + Sync,
    ) -> Result<()> {
        match *self {
            Scalar::Constant(x) => Series::Constant(x).check_values(field, reason, ok),
            Scalar::PerCustomer(v) => check::all(field, v, reason, ok),
        }
    }
}

/// Reconciles the number of customers of several inputs.
///
/// Starts from `current` (the count fixed by earlier inputs, if any); an input with `Some(n)`
/// must agree with it.
pub(crate) fn merge_count(
    current: &mut Option<usize>, field: &str, count: Option<usize>,
) -> Result<()> {
    if let Some(n) = count {
        match *current {
            None => *current = Some(n),
            Some(expected) => check::same_len(field, expected, n)?,
        }
    }
    Ok(())
}

/// Per-period retention rates from a survival curve.
///
/// `survival` holds one or more curves, row-major, each of `n_points` values
/// `S(0), S(1), …, S(n_points − 1)`: `S(t)` is the probability that a customer is still a customer
/// after `t` periods (so `S(0)` is normally 1). The result holds, per curve, the `n_points − 1`
/// rates `r_t = S(t) / S(t − 1)`, `t = 1, …`, row-major (use them as
/// [`Series::Schedule`] or [`Series::Matrix`] with `n_periods = n_points − 1`). A rate after the
/// curve has reached 0 is 0. With the default [`RetentionConvention::PresentInFirstPeriod`]
/// the probability of being present in period `t` is then `S(t − 1) / S(0)`.
///
/// The check of the values runs on the thread pool from 16,384 values, and the curves' rates in
/// tasks of 256 curves from 257 curves; the result is the same whatever the number of threads.
///
/// [`RetentionConvention::PresentInFirstPeriod`]: crate::value::RetentionConvention::PresentInFirstPeriod
///
/// # Errors
/// [`Error::Empty`] for an empty curve; [`Error::InvalidValue`] (`n_points`) when
/// `n_points < 2` or does not divide the length; (`survival`, index) for a value outside
/// `[0, 1]`, NaN, a curve starting at 0, or a curve that increases.
///
/// # Examples
/// ```
/// use cvm_core::value::retention_from_survival;
/// let r = retention_from_survival(&[1.0, 0.631, 0.468], 3)?;
/// assert!((r[0] - 0.631).abs() < 1e-12);
/// assert!((r[1] - 0.468 / 0.631).abs() < 1e-12);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn retention_from_survival(survival: &[f64], n_points: usize) -> Result<Vec<f64>> {
    check::non_empty("survival", survival.len())?;
    if n_points < 2 {
        return Err(Error::invalid("n_points", format!("must be >= 2 (got {n_points})")));
    }
    if !survival.len().is_multiple_of(n_points) {
        return Err(Error::invalid(
            "n_points",
            format!("does not divide the length {} of `survival`", survival.len()),
        ));
    }
    check::all("survival", survival, "must be a probability in [0, 1]", |s| {
        (0.0..=1.0).contains(&s)
    })?;
    // Blocks of curves are tasks on the thread pool; the first failing block's first error is
    // the one a loop over the curves would meet first.
    let (curves, width) = (survival.len() / n_points, n_points - 1);
    let mut rates = vec![0.0; curves * width];
    let mut failed: Vec<Option<Error>> = vec![None; curves.div_ceil(CURVE_BLOCK)];
    let fill = |b: usize, out: &mut [f64], fail: &mut Option<Error>| {
        for (k, row) in out.chunks_exact_mut(width).enumerate() {
            let c = b * CURVE_BLOCK + k;
            let curve = &survival[c * n_points..(c + 1) * n_points];
            if curve[0] == 0.0 {
                *fail =
                    Some(Error::invalid_at("survival", c * n_points, "a curve must start above 0"));
                return;
            }
            for t in 1..n_points {
                let (prev, next) = (curve[t - 1], curve[t]);
                if next > prev {
                    *fail = Some(Error::invalid_at(
                        "survival",
                        c * n_points + t,
                        format!("a survival curve cannot increase ({prev} then {next})"),
                    ));
                    return;
                }
                row[t - 1] = if prev == 0.0 { 0.0 } else { next / prev };
            }
        }
    };
    parallel::par_fill_with(&mut rates, CURVE_BLOCK * width, &mut failed, fill);
    match failed.into_iter().flatten().next() {
        Some(e) => Err(e),
        None => Ok(rates),
    }
}

/// Curves a task of [`retention_from_survival`] turns into rates.
const CURVE_BLOCK: usize = parallel::PAR_MIN_ELEMENTS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn get_repeats_last_value() {
        let sched = [1.0, 2.0, 3.0];
        let mat = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let per = [7.0, 8.0];
        let cases: [(Series, usize, usize, f64); 8] = [
            (Series::Constant(4.0), 0, 1, 4.0),
            (Series::Constant(4.0), 3, 100, 4.0),
            (Series::Schedule(&sched), 5, 1, 1.0),
            (Series::Schedule(&sched), 5, 3, 3.0),
            (Series::Schedule(&sched), 5, 30, 3.0),
            (Series::PerCustomer(&per), 1, 9, 8.0),
            (Series::Matrix { values: &mat, n_periods: 3 }, 1, 2, 5.0),
            (Series::Matrix { values: &mat, n_periods: 3 }, 1, 9, 6.0),
        ];
        for (s, c, t, want) in cases {
            assert_eq!(s.get(c, t), want, "{s:?} customer {c} period {t}");
        }
    }

    #[test]
    fn counts_and_shape_errors() {
        let mat = [1.0; 6];
        assert_eq!(Series::Constant(1.0).n_customers("x"), Ok(None));
        assert_eq!(Series::Schedule(&mat).n_customers("x"), Ok(None));
        assert_eq!(Series::PerCustomer(&mat).n_customers("x"), Ok(Some(6)));
        assert_eq!(Series::Matrix { values: &mat, n_periods: 3 }.n_customers("x"), Ok(Some(2)));
        assert!(matches!(
            Series::Schedule(&[]).n_customers("rev"),
            Err(Error::Empty { field }) if field == "rev"
        ));
        assert!(matches!(
            Series::Matrix { values: &mat, n_periods: 4 }.n_customers("rev"),
            Err(Error::InvalidValue { field, .. }) if field == "rev"
        ));
        assert!(Series::Matrix { values: &mat, n_periods: 0 }.n_customers("rev").is_err());
        assert_eq!(Series::Matrix { values: &mat, n_periods: 3 }.n_defined(), 3);
    }

    #[test]
    fn check_values_reports_flat_index() {
        let mat = [0.5, 0.5, 0.5, f64::NAN];
        let e = Series::Matrix { values: &mat, n_periods: 2 }
            .check_values("retention", "bad", |x| (0.0..=1.0).contains(&x))
            .unwrap_err();
        assert_eq!(e.field(), Some("retention"));
        assert_eq!(e.index(), Some(3));
        let e = Series::Constant(2.0).check_values("retention", "bad", |x| x <= 1.0).unwrap_err();
        assert_eq!((e.field(), e.index()), (Some("retention"), None));
    }

    #[test]
    fn merge_count_detects_mismatch() {
        let mut n = None;
        merge_count(&mut n, "a", None).unwrap();
        merge_count(&mut n, "a", Some(3)).unwrap();
        merge_count(&mut n, "b", Some(3)).unwrap();
        let e = merge_count(&mut n, "c", Some(4)).unwrap_err();
        assert_eq!(e, Error::LengthMismatch { field: "c".into(), expected: 3, got: 4 });
    }

    #[test]
    fn survival_to_rates() {
        let r = retention_from_survival(&[1.0, 0.5, 0.25, 0.0, 0.0, 1.0, 0.8, 0.8, 0.4, 0.2], 5)
            .unwrap();
        assert_eq!(r, vec![0.5, 0.5, 0.0, 0.0, 0.8, 1.0, 0.5, 0.5]);
        let bad = [
            (&[1.0, 1.2][..], 2, "survival", Some(1)),
            (&[1.0, 0.5, 0.6][..], 3, "survival", Some(2)),
            (&[0.0, 0.0][..], 2, "survival", Some(0)),
            (&[1.0, f64::NAN][..], 2, "survival", Some(1)),
            (&[1.0, 0.5, 0.2][..], 2, "n_points", None),
            (&[1.0][..], 1, "n_points", None),
        ];
        for (s, n, field, index) in bad {
            let e = retention_from_survival(s, n).unwrap_err();
            assert_eq!((e.field(), e.index()), (Some(field), index), "{s:?}");
        }
    }

    /// Seeded survival curves of `k` points (falling, some reaching 0).
    #[cfg(feature = "parallel")]
    fn curves(m: usize, k: usize, seed: u64) -> Vec<f64> {
        let mut state = seed | 1;
        let mut out = Vec::with_capacity(m * k);
        for _ in 0..m {
            let mut s = 1.0;
            for _ in 0..k {
                out.push(s);
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                s *= match state % 50 {
                    0 => 0.0,
                    r => 0.5 + r as f64 / 100.0,
                };
            }
        }
        out
    }

    /// 30,000 curves of 6 points (180,000 values): identical rates on one thread and on four,
    /// each `S(t) / S(t − 1)` (0 after a curve reaches 0).
    #[cfg(feature = "parallel")]
    #[test]
    fn large_retention_is_identical_on_one_and_four_threads() {
        let (m, k) = (30_000, 6);
        let s = curves(m, k, 1);
        let (one, four) =
            crate::parallel::on_one_and_four_threads(|| retention_from_survival(&s, k).unwrap());
        assert_eq!(one, four);
        for c in [0, 12_345, m - 1] {
            for t in 1..k {
                let (prev, next) = (s[c * k + t - 1], s[c * k + t]);
                let want = if prev == 0.0 { 0.0 } else { next / prev };
                assert_eq!(one[c * (k - 1) + t - 1], want);
            }
        }
    }

    /// Two bad values among 180,000 (outside `[0, 1]`, an increasing curve, a curve starting at
    /// 0), and two per-customer values failing a check: the first is named, on one thread and
    /// on four; a value outside `[0, 1]` is reported before any curve's shape.
    #[cfg(feature = "parallel")]
    #[test]
    fn large_bad_values_name_the_first() {
        let (m, k) = (30_000, 6);
        let good = curves(m, k, 2);
        let mut cases = Vec::new();
        let mut bad = good.clone();
        (bad[150_000], bad[90_003]) = (1.5, f64::NAN);
        cases.push((bad, 90_003));
        let mut bad = good.clone();
        (bad[170_002], bad[60_002]) = (1.0, 1.0); // increasing inside two curves
        cases.push((bad, 60_002));
        let mut bad = good.clone();
        (bad[6 * 25_000], bad[6 * 20_000]) = (0.0, 0.0); // two curves starting at 0
        cases.push((bad, 6 * 20_000));
        let mut bad = good.clone();
        (bad[6 * 10_000 + 2], bad[6 * 29_000]) = (1.0, 2.0); // a shape error, then a range
        cases.push((bad, 6 * 29_000));
        for (s, at) in cases {
            let (one, four) = crate::parallel::on_one_and_four_threads(|| {
                retention_from_survival(&s, k).unwrap_err()
            });
            assert_eq!(one, four);
            assert_eq!((one.field(), one.index()), (Some("survival"), Some(at)));
        }
        let mut v = vec![0.5; 150_000];
        (v[120_000], v[40_000]) = (-1.0, 7.0);
        let check = |v: &[f64]| {
            Series::PerCustomer(v).check_values("retention", "bad", |x| (0.0..=1.0).contains(&x))
        };
        let (one, four) = crate::parallel::on_one_and_four_threads(|| check(&v).unwrap_err());
        assert_eq!(one, four);
        assert_eq!((one.field(), one.index()), (Some("retention"), Some(40_000)));
        let (one, four) = crate::parallel::on_one_and_four_threads(|| {
            Scalar::PerCustomer(&v).check_values("value", "bad", |x| x < 1.0).unwrap_err()
        });
        assert_eq!(one, four);
        assert_eq!(one.index(), Some(40_000));
    }
}
