//! Cash-flow customer lifetime value: the net present value of a customer's expected cash flows.

use crate::error::{Error, Result};
use crate::names::text_form;

use super::series::{merge_count, Scalar, Series};

/// Longest finite horizon accepted, in periods (use [`Horizon::Infinite`] beyond it).
pub const MAX_PERIODS: usize = 100_000;

/// How far ahead the cash flows are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Horizon {
    /// Periods `1..=n` (`1 ≤ n ≤` [`MAX_PERIODS`]).
    Periods(usize),
    /// Every period; requires the final retention rate `r < 1 + d` so that the sum converges.
    Infinite,
}

impl Horizon {
    /// `Some(n)` → [`Horizon::Periods`]`(n)`, `None` → [`Horizon::Infinite`].
    pub fn from_periods(periods: Option<usize>) -> Self {
        periods.map_or(Horizon::Infinite, Horizon::Periods)
    }
}

/// When in each period the cash flow happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum Timing {
    /// At the end of the period: period `t` is discounted by `(1 + d)^t` (`"end"`).
    #[default]
    End,
    /// At the start of the period: period `t` is discounted by `(1 + d)^(t − 1)` (`"start"`).
    Start,
}

impl Timing {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["end", "start"];

    /// The canonical spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Timing::End => "end",
            Timing::Start => "start",
        }
    }
}

text_form!(Timing, "timing", |text| match text.trim().to_ascii_lowercase().as_str() {
    "end" | "end_of_period" | "arrears" => Some(Timing::End),
    "start" | "start_of_period" | "begin" | "beginning" | "advance" => Some(Timing::Start),
    _ => None,
});

/// Which retention rates a customer must survive to be present in period `t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum RetentionConvention {
    /// The customer is present in period 1 (just acquired) and in period `t` with probability
    /// `r_1 · … · r_(t−1)` (`r^(t−1)` for a constant rate) (`"present"`).
    #[default]
    PresentInFirstPeriod,
    /// The first period must already be survived: present in period `t` with probability
    /// `r_1 · … · r_t` (`"survive"`).
    SurviveFirstPeriod,
}

impl RetentionConvention {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["present", "survive"];

    /// The canonical spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RetentionConvention::PresentInFirstPeriod => "present",
            RetentionConvention::SurviveFirstPeriod => "survive",
        }
    }
}

text_form!(
    RetentionConvention,
    "convention",
    |text| match text.trim().to_ascii_lowercase().as_str() {
        "present" | "present_in_first_period" => Some(RetentionConvention::PresentInFirstPeriod),
        "survive" | "survive_first_period" => Some(RetentionConvention::SurviveFirstPeriod),
        _ => None,
    }
);

/// Cash-flow customer lifetime value of one or many customers.
///
/// # Formula
/// The net present value of the expected cash flows (the discounted cash-flow method of customer
/// lifetime value; Berger & Nasr 1998, *J. Interactive Marketing* 12(1); Gupta & Lehmann 2003,
/// *J. Interactive Marketing* 17(1)):
///
/// `CLV = Σ_{t=1}^{N} (R_t · m_t − C_t) · P_t / (1 + d)^{t − s} − A`
///
/// with, for period `t`: revenue `R_t`, margin rate `m_t` (1 when the revenue already is a
/// margin), recurring (retention / service) cost `C_t`; `P_t` the probability that the customer
/// is still present ([`RetentionConvention`]: `P_t = Π_{k<t} r_k` by default, `Π_{k≤t} r_k` when
/// the first period must be survived); `d` the discount rate per period; `s = 0` for cash flows
/// at the end of each period and `s = 1` at the start ([`Timing`]); `A` the one-off acquisition
/// cost, paid at time 0. Every per-period input repeats its last value after its schedule ends
/// (see [`Series`]).
///
/// For [`Horizon::Infinite`] the periods up to `K` (the longest schedule) are summed term by
/// term and the constant remainder in closed form:
/// `Σ_{t>K} c · P_K · r^{t−K} · v_K / (1 + d)^{t−K} = c · P_K · v_K · r / (1 + d − r)`,
/// where `c`, `r` are the final contribution and retention rate and `v_K` the discount factor of
/// period `K`. It converges only when `r < 1 + d`. With constant inputs this is the textbook
/// `m / (1 + d − r)` (see [`closed_form_clv`]).
///
/// # Errors
/// Returned by [`CashflowClv::compute`] and [`CashflowClv::breakdown`]:
/// * [`Error::InvalidValue`] `discount_rate` when `d ≤ −1` or not finite; `periods` for a
///   horizon of 0 or more than [`MAX_PERIODS`] periods; `revenue`, `cost`, `margin`,
///   `acquisition_cost` (with index) for NaN or infinite values; `retention` (with index) for a
///   rate outside `[0, 1]`, or, with an infinite horizon, a final rate `r ≥ 1 + d` (the sum
///   diverges);
/// * [`Error::Empty`] for an empty slice; [`Error::LengthMismatch`] when per-customer inputs
///   disagree on the number of customers;
/// * [`Error::Numerical`] when a value overflows.
///
/// # Examples
/// The method's worked example: acquisition cost 2,500, retention cost 500 a year, revenue 1,000
/// in year 1, 1,500 in year 2 and 2,000 a year after that, discount rate 15 %, 5 years, retention
/// certain.
/// ```
/// use cvm_core::value::{CashflowClv, Horizon, Series, Scalar, Timing};
/// let revenue = [1000.0, 1500.0, 2000.0];
/// let mut clv = CashflowClv {
///     cost: Series::Constant(500.0),
///     acquisition_cost: Scalar::Constant(2500.0),
///     ..CashflowClv::new(Series::Schedule(&revenue), 0.15, Horizon::Periods(5))
/// };
/// let end = clv.compute()?;
/// assert!((end[0] - 1280.60).abs() < 0.005);
/// clv.timing = Timing::Start;
/// assert!((clv.compute()?[0] - 1847.68).abs() < 0.005);
///
/// // Per-period breakdown of the end-of-year value.
/// clv.timing = Timing::End;
/// let b = clv.breakdown(0)?;
/// let net: Vec<f64> = b.rows.iter().map(|r| r.contribution).collect();
/// assert_eq!(net, vec![500.0, 1000.0, 1500.0, 1500.0, 1500.0]);
/// assert!((b.rows[4].cumulative - 1280.60).abs() < 0.005);
/// # Ok::<(), cvm_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CashflowClv<'a> {
    /// Revenue per period `R_t`.
    pub revenue: Series<'a>,
    /// Recurring cost per period `C_t` (retention / service cost). Default 0.
    pub cost: Series<'a>,
    /// Margin rate `m_t` applied to revenue. Default 1 (the revenue already is a margin).
    pub margin: Series<'a>,
    /// Retention rate per period `r_t` in `[0, 1]`. Default 1 (retention certain). Rates from a
    /// survival curve: [`retention_from_survival`](super::retention_from_survival).
    pub retention: Series<'a>,
    /// One-off acquisition cost `A` paid at time 0. Default 0.
    pub acquisition_cost: Scalar<'a>,
    /// Discount rate per period `d > −1`.
    pub discount_rate: f64,
    /// Number of periods counted.
    pub horizon: Horizon,
    /// End- or start-of-period cash flows. Default [`Timing::End`].
    pub timing: Timing,
    /// Whether the first period must be survived. Default
    /// [`RetentionConvention::PresentInFirstPeriod`].
    pub convention: RetentionConvention,
}

/// One period of a [`Breakdown`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PeriodRow {
    /// Period number `t` (from 1).
    pub period: usize,
    /// Revenue `R_t`.
    pub revenue: f64,
    /// Recurring cost `C_t`.
    pub cost: f64,
    /// Margin rate `m_t`.
    pub margin: f64,
    /// Net cash flow if the customer is present: `R_t · m_t − C_t`.
    pub contribution: f64,
    /// Probability `P_t` that the customer is present in period `t`.
    pub survival: f64,
    /// Discount factor `(1 + d)^{−(t − s)}`.
    pub discount_factor: f64,
    /// Expected present value of the period: `contribution · survival · discount_factor`.
    pub present_value: f64,
    /// Value so far: `−A` plus the present values of periods `1..=t`.
    pub cumulative: f64,
}

/// Period-by-period explanation of one customer's value.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Breakdown {
    /// One row per period: every period of a finite horizon; for an infinite horizon the
    /// periods up to the end of the longest schedule.
    pub rows: Vec<PeriodRow>,
    /// The acquisition cost `A`.
    pub acquisition_cost: f64,
    /// Present value of the periods after the last row (infinite horizon; 0 otherwise).
    pub tail_value: f64,
    /// The customer lifetime value: last row's `cumulative` + `tail_value`.
    pub clv: f64,
}

/// Resolved, validated computation plan.
struct Plan {
    n_customers: usize,
    /// Periods summed term by term.
    explicit: usize,
    /// Discount factor of each explicit period.
    discount: Vec<f64>,
    /// `1 + d`, for the infinite tail.
    one_plus_d: Option<f64>,
    survive_first: bool,
}

impl<'a> CashflowClv<'a> {
    /// A configuration with the defaults: no cost, margin 1, retention 1, no acquisition cost,
    /// end-of-period cash flows, customer present in period 1.
    pub fn new(revenue: Series<'a>, discount_rate: f64, horizon: Horizon) -> Self {
        CashflowClv {
            revenue,
            cost: Series::Constant(0.0),
            margin: Series::Constant(1.0),
            retention: Series::Constant(1.0),
            acquisition_cost: Scalar::Constant(0.0),
            discount_rate,
            horizon,
            timing: Timing::End,
            convention: RetentionConvention::PresentInFirstPeriod,
        }
    }

    /// Number of customers: the common length of the per-customer inputs, or 1 when every input
    /// is shared. Validates the whole configuration.
    ///
    /// # Errors
    /// As [`CashflowClv`].
    pub fn n_customers(&self) -> Result<usize> {
        self.plan(0).map(|p| p.n_customers)
    }

    /// The lifetime value of every customer (one value when every input is shared).
    ///
    /// # Errors
    /// As [`CashflowClv`].
    pub fn compute(&self) -> Result<Vec<f64>> {
        let plan = self.plan(0)?;
        let mut out = vec![0.0; plan.n_customers];
        let fill = |start: usize, chunk: &mut [f64]| -> Result<()> {
            for (k, slot) in chunk.iter_mut().enumerate() {
                *slot = self.customer(&plan, start + k, |_| {})?.0;
            }
            Ok(())
        };
        #[cfg(feature = "parallel")]
        {
            use rayon::prelude::*;
            const CHUNK: usize = 8192;
            if out.len() > CHUNK {
                // Chunks are independent; the first failing chunk's error is reported, as in the
                // sequential loop.
                let results: Vec<Result<()>> = out
                    .par_chunks_mut(CHUNK)
                    .enumerate()
                    .map(|(i, chunk)| fill(i * CHUNK, chunk))
                    .collect();
                results.into_iter().collect::<Result<Vec<()>>>()?;
                return Ok(out);
            }
        }
        fill(0, &mut out)?;
        Ok(out)
    }

    /// Period-by-period breakdown of the value of `customer` (0-based).
    ///
    /// A finite horizon lists every period; an infinite one lists the periods up to the end of
    /// the longest schedule and sums the rest in [`Breakdown::tail_value`] (see
    /// [`CashflowClv::breakdown_rows`] for more rows).
    ///
    /// # Errors
    /// As [`CashflowClv`]; [`Error::InvalidValue`] (`customer`) when out of range.
    pub fn breakdown(&self, customer: usize) -> Result<Breakdown> {
        self.breakdown_rows(customer, 0)
    }

    /// As [`CashflowClv::breakdown`], listing at least `min_rows` periods (at most
    /// [`MAX_PERIODS`]) before the tail of an infinite horizon. Finite horizons list every
    /// period whatever `min_rows`.
    ///
    /// # Errors
    /// As [`CashflowClv::breakdown`].
    ///
    /// # Examples
    /// ```
    /// use cvm_core::value::{CashflowClv, Horizon, Series};
    /// let clv = CashflowClv {
    ///     retention: Series::Constant(0.5),
    ///     ..CashflowClv::new(Series::Constant(100.0), 0.0, Horizon::Infinite)
    /// };
    /// let b = clv.breakdown_rows(0, 3)?;
    /// let pv: Vec<f64> = b.rows.iter().map(|r| r.present_value).collect();
    /// assert_eq!(pv, vec![100.0, 50.0, 25.0]);
    /// assert!((b.tail_value - 25.0).abs() < 1e-12);   // 12.5 + 6.25 + …
    /// assert!((b.clv - 200.0).abs() < 1e-12);         // m / (1 + d − r)
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn breakdown_rows(&self, customer: usize, min_rows: usize) -> Result<Breakdown> {
        let plan = self.plan(min_rows.min(MAX_PERIODS))?;
        if customer >= plan.n_customers {
            return Err(Error::invalid(
                "customer",
                format!("{customer} is out of range ({} customers)", plan.n_customers),
            ));
        }
        let acquisition = self.acquisition_cost.get(customer);
        let mut rows = Vec::with_capacity(plan.explicit);
        let mut cumulative = -acquisition;
        let (clv, tail_value) = self.customer(&plan, customer, |mut row: PeriodRow| {
            cumulative += row.present_value;
            row.cumulative = cumulative;
            rows.push(row);
        })?;
        Ok(Breakdown { rows, acquisition_cost: acquisition, tail_value, clv })
    }

    /// Validates and resolves; an infinite horizon sums at least `min_explicit` periods term by
    /// term before the geometric tail.
    fn plan(&self, min_explicit: usize) -> Result<Plan> {
        let d = self.discount_rate;
        if !(d.is_finite() && d > -1.0) {
            return Err(Error::invalid(
                "discount_rate",
                format!("must be finite and > -1 (got {d})"),
            ));
        }
        if let Horizon::Periods(n) = self.horizon {
            if n == 0 || n > MAX_PERIODS {
                return Err(Error::invalid(
                    "periods",
                    format!(
                        "must be between 1 and {MAX_PERIODS} (got {n}); use an infinite horizon \
                         for longer ones"
                    ),
                ));
            }
        }
        let mut n = None;
        merge_count(&mut n, "revenue", self.revenue.n_customers("revenue")?)?;
        merge_count(&mut n, "cost", self.cost.n_customers("cost")?)?;
        merge_count(&mut n, "margin", self.margin.n_customers("margin")?)?;
        merge_count(&mut n, "retention", self.retention.n_customers("retention")?)?;
        merge_count(
            &mut n,
            "acquisition_cost",
            self.acquisition_cost.n_customers("acquisition_cost")?,
        )?;
        let finite = |x: f64| x.is_finite();
        self.revenue.check_values("revenue", "must be finite", finite)?;
        self.cost.check_values("cost", "must be finite", finite)?;
        self.margin.check_values("margin", "must be finite", finite)?;
        self.retention.check_values("retention", "must be a probability in [0, 1]", |r| {
            (0.0..=1.0).contains(&r)
        })?;
        self.acquisition_cost.check_values("acquisition_cost", "must be finite", finite)?;

        let longest = [&self.revenue, &self.cost, &self.margin, &self.retention]
            .iter()
            .map(|s| s.n_defined())
            .max()
            .unwrap_or(1);
        let (explicit, one_plus_d) = match self.horizon {
            Horizon::Periods(p) => (p, None),
            Horizon::Infinite => {
                self.check_converges()?;
                (longest.max(min_explicit), Some(1.0 + d))
            }
        };
        let shift = match self.timing {
            Timing::End => 0.0,
            Timing::Start => 1.0,
        };
        let log_growth = d.ln_1p();
        let discount = (1..=explicit).map(|t| (-(t as f64 - shift) * log_growth).exp()).collect();
        Ok(Plan {
            n_customers: n.unwrap_or(1),
            explicit,
            discount,
            one_plus_d,
            survive_first: self.convention == RetentionConvention::SurviveFirstPeriod,
        })
    }

    /// The final retention rate of every customer must be below `1 + d`.
    fn check_converges(&self) -> Result<()> {
        let limit = 1.0 + self.discount_rate;
        let reason = |r: f64| {
            format!(
                "the infinite-horizon value diverges: the final retention rate {r} is not below \
                 1 + discount_rate = {limit}"
            )
        };
        match self.retention {
            Series::Constant(r) => {
                if r >= limit {
                    return Err(Error::invalid("retention", reason(r)));
                }
            }
            Series::Schedule(s) => {
                let last = s.len() - 1;
                if s[last] >= limit {
                    return Err(Error::invalid_at("retention", last, reason(s[last])));
                }
            }
            Series::PerCustomer(v) => {
                if let Some(i) = v.iter().position(|&r| r >= limit) {
                    return Err(Error::invalid_at("retention", i, reason(v[i])));
                }
            }
            Series::Matrix { values, n_periods } => {
                let mut i = n_periods - 1;
                while i < values.len() {
                    if values[i] >= limit {
                        return Err(Error::invalid_at("retention", i, reason(values[i])));
                    }
                    i += n_periods;
                }
            }
        }
        Ok(())
    }

    /// `(clv, tail_value)` of one customer; `row` sees every explicit period (its `cumulative`
    /// is left at 0).
    fn customer(
        &self, plan: &Plan, c: usize, mut row: impl FnMut(PeriodRow),
    ) -> Result<(f64, f64)> {
        let (rev, cost, margin, ret) =
            (self.revenue.row(c), self.cost.row(c), self.margin.row(c), self.retention.row(c));
        let at = |s: &[f64], t: usize| s[t.min(s.len() - 1)];
        let mut presence = 1.0;
        let mut last_presence = 1.0;
        let mut total = 0.0;
        let mut contribution = 0.0;
        for t in 0..plan.explicit {
            let r = at(ret, t);
            if plan.survive_first {
                presence *= r;
            }
            last_presence = presence;
            let (rv, cs, mg) = (at(rev, t), at(cost, t), at(margin, t));
            contribution = rv * mg - cs;
            let pv = contribution * presence * plan.discount[t];
            total += pv;
            row(PeriodRow {
                period: t + 1,
                revenue: rv,
                cost: cs,
                margin: mg,
                contribution,
                survival: presence,
                discount_factor: plan.discount[t],
                present_value: pv,
                cumulative: 0.0,
            });
            if !plan.survive_first {
                presence *= r;
            }
        }
        let mut tail = 0.0;
        if let Some(one_plus_d) = plan.one_plus_d {
            // Periods after K: contribution, retention rate and discount step are constant.
            let k = plan.explicit - 1;
            let r = at(ret, k);
            tail = contribution * last_presence * plan.discount[k] * r / (one_plus_d - r);
        }
        let clv = total + tail - self.acquisition_cost.get(c);
        if !clv.is_finite() {
            return Err(Error::Numerical {
                context: "cash-flow customer lifetime value".into(),
                reason: format!("the value of customer {c} overflows"),
            });
        }
        Ok((clv, tail))
    }
}

/// Textbook customer lifetime value for a constant margin `m`, retention rate `r` and discount
/// rate `d` (no acquisition cost).
///
/// # Formula
/// Gupta & Lehmann (2003), *Customers as assets*, J. Interactive Marketing 17(1): with the
/// customer present in period 1 and end-of-period cash flows, `CLV = Σ_{t≥1} m r^{t−1} / (1+d)^t
/// = m / (1 + d − r)`. With `q = r / (1 + d)`:
///
/// | timing \ convention | present in period 1 | must survive period 1 |
/// |---|---|---|
/// | end   | `m / (1 + d − r)`           | `m r / (1 + d − r)`           |
/// | start | `m (1 + d) / (1 + d − r)`   | `m r (1 + d) / (1 + d − r)`   |
///
/// A finite horizon of `n` periods multiplies each entry by `1 − q^n`; when `q = 1` (`r = 1 + d`,
/// possible only for `d ≤ 0`) the sum is `n` equal terms, `m n / (1 + d)` at the end of periods.
///
/// # Errors
/// [`Error::InvalidValue`] for a non-finite `margin`, `retention` outside `[0, 1]`,
/// `discount_rate ≤ −1`, a horizon of 0 or more than [`MAX_PERIODS`] periods, or an infinite
/// horizon with `r ≥ 1 + d`.
///
/// # Examples
/// ```
/// use cvm_core::value::{closed_form_clv, Horizon, RetentionConvention, Timing};
/// let v = closed_form_clv(100.0, 0.8, 0.1, Horizon::Infinite, Timing::End,
///                         RetentionConvention::PresentInFirstPeriod)?;
/// assert!((v - 100.0 / 0.3).abs() < 1e-9);
/// let v = closed_form_clv(100.0, 0.8, 0.1, Horizon::Periods(2), Timing::End,
///                         RetentionConvention::SurviveFirstPeriod)?;
/// assert!((v - (80.0 / 1.1 + 64.0 / 1.21)).abs() < 1e-9);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn closed_form_clv(
    margin: f64, retention: f64, discount_rate: f64, horizon: Horizon, timing: Timing,
    convention: RetentionConvention,
) -> Result<f64> {
    let (m, r, d) = (margin, retention, discount_rate);
    if !m.is_finite() {
        return Err(Error::invalid("margin", format!("must be finite (got {m})")));
    }
    if !(0.0..=1.0).contains(&r) {
        return Err(Error::invalid(
            "retention",
            format!("must be a probability in [0, 1] (got {r})"),
        ));
    }
    if !(d.is_finite() && d > -1.0) {
        return Err(Error::invalid("discount_rate", format!("must be finite and > -1 (got {d})")));
    }
    let mut scale = m;
    if convention == RetentionConvention::SurviveFirstPeriod {
        scale *= r;
    }
    if timing == Timing::Start {
        scale *= 1.0 + d;
    }
    let gap = 1.0 + d - r;
    let value = match horizon {
        Horizon::Infinite => {
            if gap <= 0.0 {
                return Err(Error::invalid(
                    "retention",
                    format!(
                        "the infinite-horizon value diverges: retention {r} is not below \
                         1 + discount_rate = {}",
                        1.0 + d
                    ),
                ));
            }
            scale / gap
        }
        Horizon::Periods(n) => {
            if n == 0 || n > MAX_PERIODS {
                return Err(Error::invalid(
                    "periods",
                    format!("must be between 1 and {MAX_PERIODS} (got {n})"),
                ));
            }
            if gap == 0.0 {
                // q = 1: n undiscounted terms of m / (1 + d).
                scale * n as f64 / (1.0 + d)
            } else if r == 0.0 {
                scale / (1.0 + d)
            } else {
                // Σ_{j<n} q^j / (1 + d) = (1 − q^n) / (1 + d − r), with 1 − q^n = −expm1(n ln q).
                let log_q = r.ln() - d.ln_1p();
                scale * -(n as f64 * log_q).exp_m1() / gap
            }
        }
    };
    if !value.is_finite() {
        return Err(Error::Numerical {
            context: "closed-form customer lifetime value".into(),
            reason: "the value overflows".into(),
        });
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    const PRESENT: RetentionConvention = RetentionConvention::PresentInFirstPeriod;
    const SURVIVE: RetentionConvention = RetentionConvention::SurviveFirstPeriod;

    fn clv(
        revenue: Series<'_>, retention: Series<'_>, d: f64, horizon: Horizon, timing: Timing,
        convention: RetentionConvention,
    ) -> f64 {
        let c =
            CashflowClv { retention, timing, convention, ..CashflowClv::new(revenue, d, horizon) };
        let v = c.compute().unwrap();
        assert_eq!(v.len(), 1);
        v[0]
    }

    #[test]
    fn hand_computed_cases() {
        use Horizon::{Infinite, Periods};
        use Timing::{End, Start};
        let c100 = Series::Constant(100.0);
        let r08 = Series::Constant(0.8);
        let cases: Vec<(&str, f64, f64)> = vec![
            (
                "3 periods, end, present",
                clv(c100, r08, 0.1, Periods(3), End, PRESENT),
                100.0 / 1.1 + 80.0 / 1.21 + 64.0 / 1.331,
            ),
            (
                "3 periods, start, present",
                clv(c100, r08, 0.1, Periods(3), Start, PRESENT),
                100.0 + 80.0 / 1.1 + 64.0 / 1.21,
            ),
            (
                "3 periods, end, survive",
                clv(c100, r08, 0.1, Periods(3), End, SURVIVE),
                80.0 / 1.1 + 64.0 / 1.21 + 51.2 / 1.331,
            ),
            (
                "3 periods, start, survive",
                clv(c100, r08, 0.1, Periods(3), Start, SURVIVE),
                80.0 + 64.0 / 1.1 + 51.2 / 1.21,
            ),
            ("infinite, end, present", clv(c100, r08, 0.1, Infinite, End, PRESENT), 100.0 / 0.3),
            (
                "infinite, start, present",
                clv(c100, r08, 0.1, Infinite, Start, PRESENT),
                110.0 / 0.3,
            ),
            ("infinite, end, survive", clv(c100, r08, 0.1, Infinite, End, SURVIVE), 80.0 / 0.3),
            ("infinite, start, survive", clv(c100, r08, 0.1, Infinite, Start, SURVIVE), 88.0 / 0.3),
            (
                "negative discount rate",
                clv(c100, Series::Constant(0.5), -0.2, Infinite, End, PRESENT),
                100.0 / 0.3,
            ),
            (
                "retention schedule, no discount: presence 1, .5, .45, .405",
                clv(c100, Series::Schedule(&[0.5, 0.9]), 0.0, Periods(4), End, PRESENT),
                235.5,
            ),
            (
                "retention schedule, survive: presence .5, .45, .405, .3645",
                clv(c100, Series::Schedule(&[0.5, 0.9]), 0.0, Periods(4), End, SURVIVE),
                171.95,
            ),
            (
                // 100/1.25 + 200·.5/1.25² + tail 200·.5·.64·.8/(1.25 − .8)
                "infinite with schedules: explicit part + geometric tail",
                clv(
                    Series::Schedule(&[100.0, 200.0]),
                    Series::Schedule(&[0.5, 0.8]),
                    0.25,
                    Infinite,
                    End,
                    PRESENT,
                ),
                80.0 + 64.0 + 51.2 / 0.45,
            ),
            (
                "infinite, survive, schedules: .5·100/1.25 + .4·200/1.5625 + tail",
                clv(
                    Series::Schedule(&[100.0, 200.0]),
                    Series::Schedule(&[0.5, 0.8]),
                    0.25,
                    Infinite,
                    End,
                    SURVIVE,
                ),
                40.0 + 51.2 + 200.0 * 0.4 * 0.64 * 0.8 / 0.45,
            ),
            (
                "zero retention: only period 1",
                clv(c100, Series::Constant(0.0), 0.1, Infinite, End, PRESENT),
                100.0 / 1.1,
            ),
        ];
        for (name, got, want) in cases {
            assert!((got - want).abs() <= 1e-13 * want.abs(), "{name}: got {got}, want {want}");
        }
    }

    #[test]
    fn margin_cost_and_acquisition() {
        let acq = [0.0, 30.0];
        let c = CashflowClv {
            margin: Series::Constant(0.3),
            cost: Series::Constant(10.0),
            acquisition_cost: Scalar::PerCustomer(&acq),
            ..CashflowClv::new(Series::Constant(200.0), 0.0, Horizon::Periods(2))
        };
        assert_eq!(c.compute().unwrap(), vec![100.0, 70.0]);
        let b = c.breakdown(1).unwrap();
        assert_eq!(b.acquisition_cost, 30.0);
        assert_eq!(b.rows.iter().map(|r| r.cumulative).collect::<Vec<_>>(), vec![20.0, 70.0]);
        assert_eq!(b.tail_value, 0.0);
        assert_eq!(b.clv, 70.0);
    }

    #[test]
    fn infinite_breakdown_has_tail() {
        let c = CashflowClv {
            retention: Series::Schedule(&[0.5, 0.8]),
            ..CashflowClv::new(Series::Schedule(&[100.0, 200.0]), 0.25, Horizon::Infinite)
        };
        let b = c.breakdown(0).unwrap();
        assert_eq!(b.rows.len(), 2);
        assert_relative_eq!(b.rows[1].survival, 0.5);
        assert_relative_eq!(b.rows[1].discount_factor, 0.64, max_relative = 1e-15);
        assert_relative_eq!(b.tail_value, 51.2 / 0.45, max_relative = 1e-13);
        assert_relative_eq!(b.clv, b.rows[1].cumulative + b.tail_value, max_relative = 1e-15);
        assert_relative_eq!(b.clv, c.compute().unwrap()[0], max_relative = 1e-15);
    }

    #[test]
    fn closed_form_table() {
        use Horizon::{Infinite, Periods};
        use Timing::{End, Start};
        let (m, r, d) = (100.0, 0.8, 0.1);
        let cases = [
            (Infinite, End, PRESENT, 100.0 / 0.3),
            (Infinite, Start, PRESENT, 110.0 / 0.3),
            (Infinite, End, SURVIVE, 80.0 / 0.3),
            (Infinite, Start, SURVIVE, 88.0 / 0.3),
            (Periods(3), End, PRESENT, 100.0 / 1.1 + 80.0 / 1.21 + 64.0 / 1.331),
            (Periods(3), Start, SURVIVE, 80.0 + 64.0 / 1.1 + 51.2 / 1.21),
        ];
        for (h, t, c, want) in cases {
            assert_relative_eq!(
                closed_form_clv(m, r, d, h, t, c).unwrap(),
                want,
                max_relative = 1e-13
            );
        }
        // q = 1 (r = 1 + d): n equal terms; r = 0: one term.
        let v = closed_form_clv(50.0, 0.9, -0.1, Periods(4), End, PRESENT).unwrap();
        assert_relative_eq!(v, 4.0 * 50.0 / 0.9, max_relative = 1e-13);
        let v = closed_form_clv(50.0, 0.0, 0.1, Periods(4), Start, PRESENT).unwrap();
        assert_relative_eq!(v, 50.0, max_relative = 1e-15);
        let v = closed_form_clv(50.0, 0.0, 0.1, Periods(4), End, SURVIVE).unwrap();
        assert_eq!(v, 0.0);
    }

    #[test]
    fn closed_form_errors() {
        use Horizon::{Infinite, Periods};
        let e = |m, r, d, h| {
            let e = closed_form_clv(m, r, d, h, Timing::End, PRESENT).unwrap_err();
            e.field().unwrap().to_string()
        };
        assert_eq!(e(f64::NAN, 0.5, 0.1, Infinite), "margin");
        assert_eq!(e(1.0, 1.1, 0.1, Infinite), "retention");
        assert_eq!(e(1.0, f64::NAN, 0.1, Infinite), "retention");
        assert_eq!(e(1.0, 0.5, -1.0, Infinite), "discount_rate");
        assert_eq!(e(1.0, 1.0, 0.0, Infinite), "retention");
        assert_eq!(e(1.0, 0.9, -0.1, Infinite), "retention");
        assert_eq!(e(1.0, 0.5, 0.1, Periods(0)), "periods");
    }

    #[test]
    fn invalid_configurations() {
        let two = [1.0, 2.0];
        let three = [1.0, 2.0, 3.0];
        let base = CashflowClv::new(Series::Constant(100.0), 0.1, Horizon::Periods(3));
        let cases: Vec<(CashflowClv, &str, Option<usize>)> = vec![
            (CashflowClv { discount_rate: -1.0, ..base }, "discount_rate", None),
            (CashflowClv { discount_rate: f64::NAN, ..base }, "discount_rate", None),
            (CashflowClv { horizon: Horizon::Periods(0), ..base }, "periods", None),
            (CashflowClv { horizon: Horizon::Periods(MAX_PERIODS + 1), ..base }, "periods", None),
            (
                CashflowClv { revenue: Series::Schedule(&[1.0, f64::NAN]), ..base },
                "revenue",
                Some(1),
            ),
            (CashflowClv { cost: Series::Constant(f64::INFINITY), ..base }, "cost", None),
            (
                CashflowClv { margin: Series::PerCustomer(&[1.0, f64::NAN]), ..base },
                "margin",
                Some(1),
            ),
            (
                CashflowClv {
                    retention: Series::Matrix { values: &[0.5, 0.5, 1.5, 0.5], n_periods: 2 },
                    ..base
                },
                "retention",
                Some(2),
            ),
            (CashflowClv { retention: Series::Constant(-0.1), ..base }, "retention", None),
            (
                CashflowClv { acquisition_cost: Scalar::PerCustomer(&[f64::NAN]), ..base },
                "acquisition_cost",
                Some(0),
            ),
            (
                CashflowClv {
                    horizon: Horizon::Infinite,
                    retention: Series::Constant(1.0),
                    discount_rate: 0.0,
                    ..base
                },
                "retention",
                None,
            ),
            (
                CashflowClv {
                    horizon: Horizon::Infinite,
                    retention: Series::Schedule(&[0.5, 1.0]),
                    discount_rate: 0.0,
                    ..base
                },
                "retention",
                Some(1),
            ),
            (
                CashflowClv {
                    horizon: Horizon::Infinite,
                    retention: Series::PerCustomer(&[0.5, 0.95]),
                    discount_rate: -0.05,
                    ..base
                },
                "retention",
                Some(1),
            ),
            (
                CashflowClv {
                    horizon: Horizon::Infinite,
                    retention: Series::Matrix { values: &[1.0, 0.5, 1.0, 1.0], n_periods: 2 },
                    discount_rate: 0.0,
                    ..base
                },
                "retention",
                Some(3),
            ),
            (
                CashflowClv { revenue: Series::Matrix { values: &three, n_periods: 2 }, ..base },
                "revenue",
                None,
            ),
        ];
        for (c, field, index) in cases {
            let e = c.compute().unwrap_err();
            assert!(matches!(e, Error::InvalidValue { .. }), "{e:?}");
            assert_eq!((e.field(), e.index()), (Some(field), index), "{c:?}");
        }
        let e = CashflowClv {
            cost: Series::PerCustomer(&three),
            revenue: Series::PerCustomer(&two),
            ..base
        }
        .compute()
        .unwrap_err();
        assert_eq!(e, Error::LengthMismatch { field: "cost".into(), expected: 2, got: 3 });
        let e = CashflowClv { revenue: Series::Schedule(&[]), ..base }.compute().unwrap_err();
        assert_eq!(e, Error::Empty { field: "revenue".into() });
        let e = base.breakdown(1).unwrap_err();
        assert_eq!(e.field(), Some("customer"));
        let e = CashflowClv {
            revenue: Series::Constant(1e308),
            horizon: Horizon::Periods(5),
            discount_rate: 0.0,
            ..base
        }
        .compute()
        .unwrap_err();
        assert!(matches!(e, Error::Numerical { .. }));
    }

    #[test]
    fn mode_names_round_trip() {
        for t in [Timing::End, Timing::Start] {
            assert_eq!(t.as_str().parse::<Timing>().unwrap(), t);
        }
        for c in [PRESENT, SURVIVE] {
            assert_eq!(c.as_str().parse::<RetentionConvention>().unwrap(), c);
        }
        assert_eq!(" Start ".parse::<Timing>().unwrap(), Timing::Start);
        assert_eq!("BEGIN".parse::<Timing>().unwrap(), Timing::Start);
        assert_eq!(
            "middle".parse::<Timing>().unwrap_err(),
            Error::unknown_name("timing", "middle", &["end", "start"])
        );
        assert_eq!(
            "x".parse::<RetentionConvention>().unwrap_err(),
            Error::unknown_name("convention", "x", &["present", "survive"])
        );
        assert_eq!(Horizon::from_periods(None), Horizon::Infinite);
        assert_eq!(Horizon::from_periods(Some(4)), Horizon::Periods(4));
    }
}
