//! The options and the result of [`super::customer_lifetime_value`].

use crate::error::{check, fmt_num, Error, Result};
use crate::TimeUnit;

/// How future purchases are discounted and summed.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[non_exhaustive]
pub enum ClvMethod {
    /// Continuous discounting, integrated accurately (closed form for the Pareto/NBD, a sum
    /// over opportunities for the BG/BB); see [`crate::clv`].
    #[default]
    Continuous,
    /// lifetimes' convention: `steps` steps of `step` data time units, the rate per step.
    LifetimesSteps {
        /// Length of one step in data time units (lifetimes: 4.345 for weekly data).
        step: f64,
        /// Number of steps (lifetimes' `time`).
        steps: usize,
    },
}

// `"continuous"`, or `"lifetimes_steps"` with lifetimes' defaults for weekly data.
crate::names::text_form!(
    ClvMethod,
    "method",
    |text| match text.trim().to_ascii_lowercase().as_str() {
        "continuous" => Some(ClvMethod::Continuous),
        "lifetimes_steps" => Some(ClvMethod::LifetimesSteps { step: 4.345, steps: 12 }),
        _ => None,
    }
);

impl ClvMethod {
    /// The spellings [`ClvMethod::parse`] (and [`FromStr`](std::str::FromStr)) accept.
    pub const NAMES: &'static [&'static str] = &["continuous", "lifetimes_steps"];

    /// Parses `"continuous"`, or `"lifetimes_steps"` (lifetimes' defaults for weekly data:
    /// 12 steps of 4.345 weeks).
    ///
    /// # Errors
    /// [`Error::UnknownName`] listing the valid spellings.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::clv::ClvMethod;
    /// assert_eq!(ClvMethod::parse("continuous", "method")?, ClvMethod::Continuous);
    /// assert!(ClvMethod::parse("monthly", "method").is_err());
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn parse(text: &str, field: &str) -> Result<Self> {
        crate::names::parse_field(text, field)
    }

    /// The method's name: `continuous` or `lifetimes_steps` (also its
    /// [`Display`](std::fmt::Display); the steps of `LifetimesSteps` are not part of it, so
    /// text round-trips to lifetimes' default steps).
    pub fn as_str(self) -> &'static str {
        match self {
            ClvMethod::Continuous => "continuous",
            ClvMethod::LifetimesSteps { .. } => "lifetimes_steps",
        }
    }

    /// lifetimes' steps for data in `data_time_unit` over `time` months: a step of 4.345 weeks,
    /// 1 month or 30 days (lifetimes' `freq` "W", "M", "D").
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`data_time_unit`) for years, which lifetimes does not offer.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::{clv::ClvMethod, TimeUnit};
    /// let m = ClvMethod::lifetimes(TimeUnit::Week, 12)?;
    /// assert_eq!(m, ClvMethod::LifetimesSteps { step: 4.345, steps: 12 });
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn lifetimes(data_time_unit: TimeUnit, time: usize) -> Result<Self> {
        let step = match data_time_unit {
            TimeUnit::Week => 4.345,
            TimeUnit::Month => 1.0,
            TimeUnit::Day => 30.0,
            _ => {
                return Err(Error::invalid(
                    "data_time_unit",
                    format!(
                        "lifetimes' convention has no step for {} data (use W, M or D)",
                        data_time_unit.as_str()
                    ),
                ))
            }
        };
        Ok(ClvMethod::LifetimesSteps { step, steps: time })
    }
}

/// Options of [`customer_lifetime_value`](super::customer_lifetime_value): the [`Default`] and the `with_*` setters (or
/// [`ClvOptions::from_names`] from text).
///
/// # Examples
/// ```
/// use cvm_core::{clv::ClvOptions, TimeUnit};
/// let o = ClvOptions::default().with_data_time_unit(TimeUnit::Week).with_discount_rate(0.02);
/// assert_eq!((o.horizon, o.time_unit, o.discount_rate), (12.0, TimeUnit::Month, 0.02));
/// assert_eq!(o.data_time_unit, Some(TimeUnit::Week));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ClvOptions {
    /// Horizon, in `time_unit` (default 12); finite and ≥ 0. Not used by
    /// [`ClvMethod::LifetimesSteps`].
    pub horizon: f64,
    /// Unit of the horizon and of the discount rate (default [`TimeUnit::Month`]).
    pub time_unit: TimeUnit,
    /// Unit of the transaction model's data (recency, T); for the BG/BB, the length of one
    /// opportunity. Default `None`: the unit the model records
    /// ([`ModelInfo::time_unit`](crate::models::ModelInfo::time_unit)). See [`ClvOptions::resolve_data_time_unit`]: an
    /// explicit unit that contradicts the model's is an error, and so is no unit at all.
    pub data_time_unit: Option<TimeUnit>,
    /// Effective discount rate per `time_unit` (per step for [`ClvMethod::LifetimesSteps`])
    /// (default 0.01); finite and > −1.
    pub discount_rate: f64,
    /// Profit margin applied to spend (default 1); finite and ≥ 0.
    pub margin: f64,
    /// Discounting method (default [`ClvMethod::Continuous`]).
    pub method: ClvMethod,
    /// Confidence level of delta-method intervals from parameter uncertainty (default `None`:
    /// no intervals). Needs both models' covariances.
    pub interval_level: Option<f64>,
}

impl Default for ClvOptions {
    fn default() -> Self {
        ClvOptions {
            horizon: 12.0,
            time_unit: TimeUnit::Month,
            data_time_unit: None,
            discount_rate: 0.01,
            margin: 1.0,
            method: ClvMethod::Continuous,
            interval_level: None,
        }
    }
}

crate::builder::with_setters!(ClvOptions {
    with_horizon => horizon: f64,
    with_time_unit => time_unit: TimeUnit,
    with_discount_rate => discount_rate: f64,
    with_margin => margin: f64,
    with_method => method: ClvMethod,
});

crate::builder::with_setters!(ClvOptions {
    some: with_data_time_unit => data_time_unit: TimeUnit,
    with_interval_level => interval_level: f64,
});

impl ClvOptions {
    /// Options from text time units (as the bindings receive them); other fields default.
    ///
    /// # Errors
    /// [`Error::UnknownName`] (`time_unit` / `data_time_unit`) listing the valid spellings;
    /// invalid values as [`ClvOptions::validate`].
    ///
    /// # Examples
    /// ```
    /// use cvm_core::clv::ClvOptions;
    /// let o = ClvOptions::with_units(1.0, "Y", "W", 0.10)?;
    /// assert_eq!(o.time_unit, cvm_core::TimeUnit::Year);
    /// let e = ClvOptions::with_units(1.0, "fortnight", "W", 0.10).unwrap_err();
    /// assert_eq!(e.field(), Some("time_unit"));
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn with_units(
        horizon: f64, time_unit: &str, data_time_unit: &str, discount_rate: f64,
    ) -> Result<Self> {
        let o = ClvOptions {
            horizon,
            time_unit: crate::names::parse_field::<TimeUnit>(time_unit, "time_unit")?,
            data_time_unit: Some(crate::names::parse_field::<TimeUnit>(
                data_time_unit,
                "data_time_unit",
            )?),
            discount_rate,
            ..Default::default()
        };
        o.validate()?;
        Ok(o)
    }

    /// Options as the bindings receive them: text units and method, margin and an optional
    /// interval level.
    ///
    /// `method` is `"continuous"` ([`ClvMethod::Continuous`]) or `"lifetimes"` (also spelled
    /// `"lifetimes_steps"`): the convention of the Python package lifetimes, `horizon` monthly
    /// steps of 4.345 weeks, 1 month or 30 days for weekly, monthly or daily data
    /// ([`ClvMethod::lifetimes`]), with the discount rate per month. That convention needs
    /// `time_unit` months and a whole number of months.
    ///
    /// # Errors
    /// [`Error::UnknownName`] (`time_unit`, `data_time_unit`, `method`) listing the valid
    /// spellings; [`Error::InvalidValue`] (`time_unit`, `horizon`) when the lifetimes convention
    /// is asked for with another unit or a fractional horizon; invalid values as
    /// [`ClvOptions::validate`].
    ///
    /// # Examples
    /// ```
    /// use cvm_core::clv::{ClvMethod, ClvOptions};
    /// let o = ClvOptions::from_names(12.0, "M", "W", 0.01, 1.0, "lifetimes", None)?;
    /// assert_eq!(o.method, ClvMethod::LifetimesSteps { step: 4.345, steps: 12 });
    /// let e = ClvOptions::from_names(12.0, "M", "W", 0.01, 1.0, "monthly", None).unwrap_err();
    /// assert_eq!(e.field(), Some("method"));
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn from_names(
        horizon: f64, time_unit: &str, data_time_unit: &str, discount_rate: f64, margin: f64,
        method: &str, interval_level: Option<f64>,
    ) -> Result<Self> {
        const METHODS: &[&str] = &["continuous", "lifetimes", "lifetimes_steps"];
        let time_unit = crate::names::parse_field::<TimeUnit>(time_unit, "time_unit")?;
        let data_time_unit =
            crate::names::parse_field::<TimeUnit>(data_time_unit, "data_time_unit")?;
        let method = match method.trim().to_ascii_lowercase().as_str() {
            "continuous" => ClvMethod::Continuous,
            "lifetimes" | "lifetimes_steps" => {
                if time_unit != TimeUnit::Month {
                    return Err(Error::invalid(
                        "time_unit",
                        format!(
                            "the lifetimes convention counts the horizon in months (got {})",
                            time_unit.as_str()
                        ),
                    ));
                }
                check::scalar_non_negative("horizon", horizon)?;
                if horizon.fract() != 0.0 {
                    return Err(Error::invalid(
                        "horizon",
                        format!("the lifetimes convention needs whole months (got {horizon})"),
                    ));
                }
                ClvMethod::lifetimes(data_time_unit, horizon as usize)?
            }
            _ => return Err(Error::unknown_name("method", method, METHODS)),
        };
        let o = ClvOptions {
            horizon,
            time_unit,
            data_time_unit: Some(data_time_unit),
            discount_rate,
            margin,
            method,
            interval_level,
        };
        o.validate()?;
        Ok(o)
    }

    /// The unit of the transaction model's data: `data_time_unit` and the model's recorded unit
    /// `model_unit`, reconciled.
    ///
    /// * both given and different: an error naming both (a summary in days read as weeks
    ///   would silently scale every value);
    /// * one given: that one;
    /// * neither: an error for [`ClvMethod::Continuous`], which converts the horizon into data
    ///   time units; [`ClvMethod::LifetimesSteps`] counts in data time units and needs none
    ///   (`Ok(None)`).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`data_time_unit`) in the two error cases above.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::{clv::ClvOptions, TimeUnit};
    /// let o = ClvOptions::default().with_data_time_unit(TimeUnit::Day);
    /// assert_eq!(o.resolve_data_time_unit(None)?, Some(TimeUnit::Day));
    /// assert_eq!(o.resolve_data_time_unit(Some(TimeUnit::Day))?, Some(TimeUnit::Day));
    /// let e = o.resolve_data_time_unit(Some(TimeUnit::Week)).unwrap_err();
    /// assert_eq!(e.field(), Some("data_time_unit"));
    /// assert!(ClvOptions::default().resolve_data_time_unit(None).is_err());
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn resolve_data_time_unit(&self, model_unit: Option<TimeUnit>) -> Result<Option<TimeUnit>> {
        match (self.data_time_unit, model_unit) {
            (Some(given), Some(model)) if given != model => Err(Error::invalid(
                "data_time_unit",
                format!(
                    "{} contradicts the unit the model records for its data ({}); omit \
                     data_time_unit or pass {}",
                    given.as_str(),
                    model.as_str(),
                    model.as_str()
                ),
            )),
            (Some(u), _) | (None, Some(u)) => Ok(Some(u)),
            (None, None) => match self.method {
                ClvMethod::LifetimesSteps { .. } => Ok(None),
                _ => Err(Error::invalid(
                    "data_time_unit",
                    "the model does not record the unit of its data; pass data_time_unit",
                )),
            },
        }
    }

    /// Checks the options.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming `horizon` (not finite or < 0), `discount_rate` (not finite
    /// or ≤ −1), `margin` (not finite or < 0), `step` (not finite and > 0) or `level`.
    pub fn validate(&self) -> Result<()> {
        check::scalar_non_negative("horizon", self.horizon)?;
        if !(self.discount_rate.is_finite() && self.discount_rate > -1.0) {
            return Err(Error::invalid(
                "discount_rate",
                format!("must be finite and > -1 (got {})", fmt_num(self.discount_rate)),
            ));
        }
        check::scalar_non_negative("margin", self.margin)?;
        if let ClvMethod::LifetimesSteps { step, .. } = self.method {
            check::scalar_positive("step", step)?;
        }
        if let Some(level) = self.interval_level {
            if !(level > 0.0 && level < 1.0) {
                return Err(Error::invalid("level", format!("must be in (0, 1) (got {level})")));
            }
        }
        Ok(())
    }
}

/// The result of [`customer_lifetime_value`](super::customer_lifetime_value).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[must_use]
pub struct ClvResult {
    /// Expected discounted value per customer: `margin · spend · discounted_purchases`.
    pub value: Vec<f64>,
    /// Discounted expected purchases over the horizon per customer (`D_i`).
    pub discounted_purchases: Vec<f64>,
    /// Expected spend per purchase per customer (the spend model's conditional mean).
    pub expected_spend: Vec<f64>,
    /// Lower bounds of the intervals, when asked for.
    pub lower: Option<Vec<f64>>,
    /// Upper bounds of the intervals, when asked for.
    pub upper: Option<Vec<f64>>,
}
