//! The selection principles without a preset of their own (seeds/001:189, 264): customers who
//! fit the firm's positioning, and partners of matching size and strength (门当户对).

use super::{finite, undecided_to_review, Band, Condition, Criterion, Error, Result, RuleSet};
use crate::builder::with_setters;

/// Options of [`positioning_fit`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
#[non_exhaustive]
pub struct PositioningOptions {
    /// The segments the firm is positioned for (default `["core"]`); preset option `segments`,
    /// labels separated by commas.
    pub segments: Vec<String>,
    /// The categorical column holding each customer's segment (default `segment`).
    pub segment_column: String,
}

with_setters!(PositioningOptions {
    with_segments => segments: Vec<String>,
    with_segment_column => segment_column: String,
});

impl Default for PositioningOptions {
    fn default() -> Self {
        PositioningOptions { segments: vec!["core".into()], segment_column: "segment".into() }
    }
}

/// Principle 1, choose customers consistent with the firm's positioning (seeds/001:189;
/// 001:275–276, a five-star hotel serving cheap rooms blurs its image): criterion
/// `positioning` (`segment in {core}`); `fit` when it holds, `misfit` otherwise, `review` when
/// the segment is missing.
///
/// # Errors
/// [`Error::InvalidValue`] (`segments`) for no segment or an empty label,
/// (`segment_column`) for an empty column name.
///
/// # Examples
/// ```
/// use cvm_core::selection::presets::{positioning_fit, PositioningOptions};
/// use cvm_core::selection::{Column, Table};
/// let o = PositioningOptions::default().with_segments(vec!["premium".into()]);
/// let rules = positioning_fit(&o)?;
/// let cats = vec!["premium".to_string(), "budget".to_string()];
/// let codes = [0, 1, -1];
/// let table = Table::new().with("segment", Column::Categorical { codes: &codes, categories: &cats })?;
/// assert_eq!(rules.evaluate(&table)?.decisions(), ["fit", "misfit", "review"]);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn positioning_fit(o: &PositioningOptions) -> Result<RuleSet> {
    if o.segments.is_empty() || o.segments.iter().any(String::is_empty) {
        return Err(Error::invalid("segments", "give at least one non-empty segment label"));
    }
    if o.segment_column.is_empty() {
        return Err(Error::invalid("segment_column", "a column name must not be empty"));
    }
    let mut r =
        RuleSet::new(vec![Band::new("fit", Some(1.0), None), Band::new("misfit", None, Some(1.0))]);
    r.name = Some("positioning_fit".into());
    r.criteria = vec![Criterion::new(
        "positioning",
        1.0,
        Condition::is_in(&o.segment_column, o.segments.iter().map(String::as_str)),
    )
    .describe("the customer is in a segment the firm is positioned for (seeds/001:189)")];
    undecided_to_review(r)
}

/// Options of [`matching_partner`].
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
#[non_exhaustive]
pub struct MatchingOptions {
    /// `relative_size` (customer's size ÷ the firm's: revenue, staff, …) at least this
    /// (default 0.5) …
    pub min_relative_size: f64,
    /// … and at most this (default 2): within a factor 2 of the firm.
    pub max_relative_size: f64,
    /// `relative_strength` (customer's strength ÷ the firm's: funds, credit, management,
    /// technology, seeds/001:177) at least this (default 0.5) …
    pub min_relative_strength: f64,
    /// … and at most this (default 2).
    pub max_relative_strength: f64,
}

with_setters!(MatchingOptions {
    with_min_relative_size => min_relative_size: f64,
    with_max_relative_size => max_relative_size: f64,
    with_min_relative_strength => min_relative_strength: f64,
    with_max_relative_strength => max_relative_strength: f64,
});

impl Default for MatchingOptions {
    fn default() -> Self {
        MatchingOptions {
            min_relative_size: 0.5,
            max_relative_size: 2.0,
            min_relative_strength: 0.5,
            max_relative_strength: 2.0,
        }
    }
}

impl MatchingOptions {
    /// Option names accepted by [`preset`](super::preset) for `matching_partner`.
    pub const FIELDS: &'static [&'static str] = &[
        "min_relative_size",
        "max_relative_size",
        "min_relative_strength",
        "max_relative_strength",
    ];
}

/// Principle 4, partners of matching size and strength, 门当户对 (seeds/001:189, 264; 001:177
/// lists the strength filters: size, funds, credit, management, technology): criteria
/// `size_match` (`relative_size` in \[0.5, 2\]) and `strength_match` (`relative_strength` in
/// \[0.5, 2\]), weight 1; `matching` when both hold, `partial` for one, `mismatched` for none;
/// `review` when a missing value could change that.
///
/// # Errors
/// [`Error::InvalidValue`] (the option's name) for a non-finite bound or a lower bound above
/// the upper.
///
/// # Examples
/// ```
/// use cvm_core::selection::presets::{matching_partner, MatchingOptions};
/// use cvm_core::selection::{Column, Table};
/// let size = [1.0, 5.0, 0.1, f64::NAN];
/// let strength = [1.5, 1.0, 0.2, 1.0];
/// let table = Table::new()
///     .with("relative_size", Column::Numeric(&size))?
///     .with("relative_strength", Column::Numeric(&strength))?;
/// let rules = matching_partner(&MatchingOptions::default())?;
/// let ev = rules.evaluate(&table)?;
/// assert_eq!(ev.decisions(), ["matching", "partial", "mismatched", "review"]);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn matching_partner(o: &MatchingOptions) -> Result<RuleSet> {
    for (name, x) in [
        ("min_relative_size", o.min_relative_size),
        ("max_relative_size", o.max_relative_size),
        ("min_relative_strength", o.min_relative_strength),
        ("max_relative_strength", o.max_relative_strength),
    ] {
        finite(name, x)?;
    }
    if o.min_relative_size > o.max_relative_size {
        return Err(Error::invalid("min_relative_size", "must not exceed max_relative_size"));
    }
    if o.min_relative_strength > o.max_relative_strength {
        return Err(Error::invalid(
            "min_relative_strength",
            "must not exceed max_relative_strength",
        ));
    }
    let mut r = RuleSet::new(vec![
        Band::new("matching", Some(2.0), None),
        Band::new("partial", Some(1.0), Some(2.0)),
        Band::new("mismatched", None, Some(1.0)),
    ]);
    r.name = Some("matching_partner".into());
    let between = |a: &str, lo: f64, hi: f64| Condition::between(a, lo, hi, true);
    r.criteria = vec![
        Criterion::new(
            "size_match",
            1.0,
            between("relative_size", o.min_relative_size, o.max_relative_size),
        )
        .describe("of a size comparable with the firm's"),
        Criterion::new(
            "strength_match",
            1.0,
            between("relative_strength", o.min_relative_strength, o.max_relative_strength),
        )
        .describe("of a strength comparable with the firm's"),
    ];
    undecided_to_review(r)
}
