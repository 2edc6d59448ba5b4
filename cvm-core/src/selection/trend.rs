//! Relationship trend types from per-period profit: high or low level, rising, stable or
//! declining slope.

use crate::builder::with_setters;
use crate::error::{check, Error, Result};
use crate::names::text_form;
use crate::parallel::{par_map, par_map2};
use crate::text;

/// A relationship trend type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Trend {
    /// High level, slope above the tolerance.
    HighRising,
    /// High level, slope within the tolerance ("high and stable").
    HighStable,
    /// High level, slope below minus the tolerance ("high but declining").
    HighDeclining,
    /// Low level, slope above the tolerance ("low but rising").
    LowRising,
    /// Low level, slope within the tolerance ("low and stable").
    LowStable,
    /// Low level, slope below minus the tolerance.
    LowDeclining,
}

impl Trend {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &[
        "high_rising",
        "high_stable",
        "high_declining",
        "low_rising",
        "low_stable",
        "low_declining",
    ];

    /// Every trend, in the order of [`Trend::NAMES`].
    pub const ALL: [Trend; 6] = [
        Trend::HighRising,
        Trend::HighStable,
        Trend::HighDeclining,
        Trend::LowRising,
        Trend::LowStable,
        Trend::LowDeclining,
    ];

    /// The spelling, e.g. `"high_declining"`.
    pub fn as_str(self) -> &'static str {
        Self::NAMES[Self::ALL.iter().position(|t| *t == self).expect("listed")]
    }
}

text_form!(Trend, "trend", |text| Trend::NAMES
    .iter()
    .position(|n| *n == text)
    .map(|i| Trend::ALL[i]));

/// How the slope tolerance is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SlopeScale {
    /// The tolerance is a fraction of the customer's |level| per period (default).
    #[default]
    RelativeToLevel,
    /// The tolerance is in profit units per period.
    Absolute,
}

impl SlopeScale {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["relative", "absolute"];

    /// `"relative"` or `"absolute"`.
    pub fn as_str(self) -> &'static str {
        match self {
            SlopeScale::RelativeToLevel => "relative",
            SlopeScale::Absolute => "absolute",
        }
    }
}

text_form!(SlopeScale, "slope_scale", |text| match text {
    "relative" => Some(SlopeScale::RelativeToLevel),
    "absolute" => Some(SlopeScale::Absolute),
    _ => None,
});

/// Options of [`relationship_trend`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TrendOptions {
    /// Level at or above which a customer is "high"; `None` (default) uses the median level of
    /// the customers given.
    pub high_level: Option<f64>,
    /// Slope tolerance (default 0.05: 5 % of the level per period with the default scale).
    pub slope_tolerance: f64,
    /// Unit of the tolerance (default [`SlopeScale::RelativeToLevel`]).
    pub slope_scale: SlopeScale,
}

with_setters!(TrendOptions {
    with_high_level => high_level: Option<f64>,
    with_slope_tolerance => slope_tolerance: f64,
    with_slope_scale => slope_scale: SlopeScale,
});

impl Default for TrendOptions {
    fn default() -> Self {
        TrendOptions { high_level: None, slope_tolerance: 0.05, slope_scale: SlopeScale::default() }
    }
}

/// Level, slope and trend type of every customer.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendResult {
    /// Mean profit per period.
    pub level: Vec<f64>,
    /// Least-squares slope of profit on the period number (profit per period).
    pub slope: Vec<f64>,
    /// Slope tolerance applied to each customer (profit per period).
    pub threshold: Vec<f64>,
    /// Trend type.
    pub trend: Vec<Trend>,
    /// The level threshold used (given or median).
    pub high_level: f64,
}

impl TrendResult {
    /// Reason code of customer `i`, e.g.
    /// `high_declining(level=1200>=1000; slope=-80<-60)` or
    /// `low_stable(level=300<1000; slope=2 in [-15,15])`.
    ///
    /// # Panics
    /// When `i` is out of range.
    pub fn reason(&self, i: usize) -> String {
        let (l, s, t, h) = (self.level[i], self.slope[i], self.threshold[i], self.high_level);
        let mut out = String::with_capacity(text::REASON_CAPACITY);
        out.push_str(self.trend[i].as_str());
        out.push('(');
        text::push_comparison(&mut out, "level", l, if l >= h { ">=" } else { "<" }, h);
        out.push_str("; slope=");
        text::push_check(&mut out, s, |out, n| {
            n.value(out);
            if s > t {
                out.push('>');
                n.threshold(out, t);
            } else if s < -t {
                out.push('<');
                n.threshold(out, -t);
            } else {
                out.push_str(" in [");
                n.threshold(out, -t);
                out.push(',');
                n.threshold(out, t);
                out.push(']');
            }
        });
        out.push(')');
        out
    }

    /// Every customer's [`reason`](Self::reason) (each names its level and slope, so each is
    /// its own text), written on the thread pool.
    pub fn reason_texts(&self) -> text::TextColumn {
        text::render_rows(self.level.len(), |i| self.reason(i))
    }
}

/// The median of `xs` (not empty): the middle value in `f64::total_cmp` order, or the mean of
/// the two middle values. Work O(n) (a selection, not a sort).
fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    let n = v.len();
    let (below, &mut mid, _) = v.select_nth_unstable_by(n / 2, f64::total_cmp);
    if n % 2 == 1 {
        mid
    } else {
        let lower = below.iter().copied().max_by(f64::total_cmp).unwrap_or(mid);
        0.5 * (lower + mid)
    }
}

/// Classifies each customer's relationship from per-period profit.
///
/// `profit` is row-major, customers × `n_periods` (oldest period first). Work O(n · n_periods),
/// the customers on the thread pool from 256 (the median level by selection, O(n)).
///
/// # Formula
/// With periods `t = 0 … p−1` and `t̄ = (p−1)/2`: level `ȳ = Σ y_t / p` and least-squares slope
/// `b = Σ (t − t̄)(y_t − ȳ) / Σ (t − t̄)²`, where `Σ (t − t̄)² = p(p² − 1)/12`. A customer is high
/// when `ȳ ≥ high_level`; with tolerance `τ` (`slope_tolerance`, times `|ȳ|` for the relative
/// scale) the slope is rising when `b > τ`, declining when `b < −τ`, stable otherwise.
///
/// # Errors
/// [`Error::Empty`] (`profit`); [`Error::InvalidValue`] (`n_periods`) for fewer than 2 periods;
/// [`Error::InvalidValue`] (`profit`) when the length is not a multiple of `n_periods`, or at the
/// first non-finite value (flat index); [`Error::InvalidValue`] (`high_level`,
/// `slope_tolerance`) for a non-finite level or a negative or non-finite tolerance.
///
/// # Examples
/// ```
/// use cvm_core::selection::{relationship_trend, SlopeScale, Trend, TrendOptions};
/// let profit = [
///     1000.0, 1000.0, 1000.0, 1000.0, // high and stable
///     1400.0, 1200.0, 1000.0, 800.0,  // high but declining
///     100.0, 200.0, 300.0, 400.0,     // low but rising
/// ];
/// let opts = TrendOptions::default().with_high_level(Some(900.0)).with_slope_tolerance(50.0).with_slope_scale(SlopeScale::Absolute);
/// let r = relationship_trend(&profit, 4, &opts)?;
/// assert_eq!(r.trend, [Trend::HighStable, Trend::HighDeclining, Trend::LowRising]);
/// assert!((r.slope[1] + 200.0).abs() < 1e-9);
/// assert_eq!(r.reason(1), "high_declining(level=1100>=900; slope=-200<-50)");
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn relationship_trend(
    profit: &[f64], n_periods: usize, options: &TrendOptions,
) -> Result<TrendResult> {
    check::non_empty("profit", profit.len())?;
    if n_periods < 2 {
        return Err(Error::invalid(
            "n_periods",
            format!("at least 2 periods are needed for a slope (got {n_periods})"),
        ));
    }
    if !profit.len().is_multiple_of(n_periods) {
        return Err(Error::invalid(
            "profit",
            format!("length {} is not a multiple of n_periods = {n_periods}", profit.len()),
        ));
    }
    check::finite("profit", profit)?;
    if let Some(h) = options.high_level {
        if !h.is_finite() {
            return Err(Error::invalid("high_level", format!("must be finite (got {h})")));
        }
    }
    check::scalar_non_negative("slope_tolerance", options.slope_tolerance)?;
    let p = n_periods as f64;
    let t_bar = (p - 1.0) / 2.0;
    let sxx = p * (p * p - 1.0) / 12.0;
    let (level, slope) = par_map2(profit.len() / n_periods, |i| {
        let y = &profit[i * n_periods..(i + 1) * n_periods];
        let mean = y.iter().sum::<f64>() / p;
        let sxy: f64 = y.iter().enumerate().map(|(t, &v)| (t as f64 - t_bar) * (v - mean)).sum();
        (mean, sxy / sxx)
    });
    let high_level = options.high_level.unwrap_or_else(|| median(&level));
    let threshold = par_map(level.len(), |i| match options.slope_scale {
        SlopeScale::RelativeToLevel => options.slope_tolerance * level[i].abs(),
        SlopeScale::Absolute => options.slope_tolerance,
    });
    let trend = par_map(level.len(), |i| {
        let (l, s, t) = (level[i], slope[i], threshold[i]);
        match (l >= high_level, s > t, s < -t) {
            (true, true, _) => Trend::HighRising,
            (true, _, true) => Trend::HighDeclining,
            (true, _, _) => Trend::HighStable,
            (false, true, _) => Trend::LowRising,
            (false, _, true) => Trend::LowDeclining,
            (false, _, _) => Trend::LowStable,
        }
    });
    Ok(TrendResult { level, slope, threshold, trend, high_level })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The median by selection equals the sorted middle (odd and even counts, ties, signed
    /// zeros), and 100,000 customers are classified alike on one thread and on four.
    #[test]
    fn median_by_selection_and_threads() {
        let sorted_median = |xs: &[f64]| {
            let mut v = xs.to_vec();
            v.sort_by(f64::total_cmp);
            let n = v.len();
            if n % 2 == 1 {
                v[n / 2]
            } else {
                0.5 * (v[n / 2 - 1] + v[n / 2])
            }
        };
        let mut x = 0.37_f64;
        let mut xs: Vec<f64> = (0..1001)
            .map(|_| {
                x = (x * 97.0 + 0.11).fract();
                (x * 20.0).round() - 10.0
            })
            .collect();
        xs.extend([0.0, -0.0, -0.0]);
        for n in [1, 2, 3, 4, 10, 1000, 1001, 1004] {
            assert_eq!(median(&xs[..n]).to_bits(), sorted_median(&xs[..n]).to_bits(), "{n}");
        }
        #[cfg(feature = "parallel")]
        {
            let profit: Vec<f64> =
                (0..400_000).map(|i| ((i * 7919) % 1000) as f64 - 300.0).collect();
            let (one, four) = crate::parallel::on_one_and_four_threads(|| {
                let r = relationship_trend(&profit, 4, &TrendOptions::default()).unwrap();
                (r.level, r.slope, r.threshold, r.trend, r.high_level)
            });
            assert_eq!(one, four);
        }
    }

    #[test]
    fn names_round_trip() {
        for n in Trend::NAMES {
            assert_eq!(n.parse::<Trend>().unwrap().as_str(), *n);
        }
        assert!("flat".parse::<Trend>().is_err());
        for n in SlopeScale::NAMES {
            assert_eq!(n.parse::<SlopeScale>().unwrap().as_str(), *n);
        }
    }

    #[test]
    fn input_errors() {
        let o = TrendOptions::default();
        type Case = (Vec<f64>, usize, TrendOptions, &'static str, Option<usize>);
        let cases: Vec<Case> = vec![
            (vec![], 2, o.clone(), "profit", None),
            (vec![1.0, 2.0], 1, o.clone(), "n_periods", None),
            (vec![1.0, 2.0, 3.0], 2, o.clone(), "profit", None),
            (vec![1.0, 2.0, f64::NAN, 1.0], 2, o.clone(), "profit", Some(2)),
            (
                vec![1.0, 2.0],
                2,
                TrendOptions { high_level: Some(f64::NAN), ..o.clone() },
                "high_level",
                None,
            ),
            (
                vec![1.0, 2.0],
                2,
                TrendOptions { slope_tolerance: -1.0, ..o },
                "slope_tolerance",
                None,
            ),
        ];
        for (y, p, opts, field, index) in cases {
            let e = relationship_trend(&y, p, &opts).unwrap_err();
            assert_eq!((e.field(), e.index()), (Some(field), index), "{e}");
        }
    }

    #[test]
    fn median_default_and_relative_scale() {
        // Levels 10, 20, 30, 40 → median 25. Slopes 0, +2, −2, +0.5 against 5 % of the level.
        let profit = [10.0, 10.0, 10.0, 18.0, 20.0, 22.0, 32.0, 30.0, 28.0, 39.5, 40.0, 40.5];
        let r = relationship_trend(&profit, 3, &TrendOptions::default()).unwrap();
        assert_eq!(r.high_level, 25.0);
        assert_eq!(r.level, [10.0, 20.0, 30.0, 40.0]);
        assert_eq!(r.slope, [0.0, 2.0, -2.0, 0.5]);
        assert_eq!(
            r.trend,
            [Trend::LowStable, Trend::LowRising, Trend::HighDeclining, Trend::HighStable]
        );
        assert_eq!(r.reason(3), "high_stable(level=40>=25; slope=0.5 in [-2,2])");
        assert_eq!(r.reason(1), "low_rising(level=20<25; slope=2>1)");
    }

    #[test]
    fn values_that_print_like_their_threshold_read_in_full() {
        // Each comparison on its own: a value printing like the threshold it differs from
        // writes that comparison's numbers in shortest form; the other keeps the usual rule.
        let r = TrendResult {
            level: vec![999.999, 1200.0, 300.0, 300.0],
            slope: vec![1.999, 2.001, -2.004, 5.0],
            threshold: vec![2.0, 2.0, 2.0, 2.0],
            trend: vec![Trend::LowStable, Trend::HighRising, Trend::LowDeclining, Trend::LowRising],
            high_level: 1000.0,
        };
        assert_eq!(r.reason(0), "low_stable(level=999.999<1000; slope=1.999 in [-2,2])");
        assert_eq!(r.reason(1), "high_rising(level=1200>=1000; slope=2.001>2)");
        assert_eq!(r.reason(2), "low_declining(level=300<1000; slope=-2.004<-2)");
        assert_eq!(r.reason(3), "low_rising(level=300<1000; slope=5>2)");
        let column = r.reason_texts();
        assert!(column.iter().eq((0..4).map(|i| r.reason(i))));
    }
}
