//! Strict JSON reading and writing of [`Playbook`] (feature `serde`), with the conventions of
//! the rule documents: a versioned document, unknown keys rejected, every error an
//! [`Error::Json`] with its JSON path.

use serde_json::{json, Value as Json};

use super::playbook::{ChurnBands, Play, Playbook, SegmentType, MAX_PLAYS, PLAYBOOK_VERSION};
use crate::error::{Error, Result};
use crate::selection::json::{expected, parse, Obj};

fn segment_type(v: &Json, path: &str) -> Result<SegmentType> {
    let s = v.as_str().ok_or_else(|| expected(path, "a string", v))?;
    crate::names::parse_field::<SegmentType>(s, path).map_err(|e| Error::json(path, e))
}

/// Moves a validation error onto its JSON path (`plays[3].segment` → `$.plays[3].segment`).
fn at_path(e: Error) -> Error {
    match e {
        Error::InvalidValue { field, reason, .. } => {
            let field = field.split(' ').next().unwrap_or_default().to_string();
            Error::json(format!("$.{field}"), reason)
        }
        Error::UnknownName { field, value, valid } => {
            let field = field.split(' ').next().unwrap_or_default().to_string();
            let reason = format!("unknown value {value:?}; valid values are {}", valid.join(", "));
            Error::json(format!("$.{field}"), reason)
        }
        other => other,
    }
}

fn from_value(v: &Json) -> Result<Playbook> {
    let o =
        Obj::new(v, "$", &["version", "name", "precedence", "churn_bands", "plays", "fallback"])?;
    let version = {
        let x = o.req("version")?;
        x.as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|&n| n == PLAYBOOK_VERSION)
            .ok_or_else(|| expected("$.version", &format!("{PLAYBOOK_VERSION}"), x))?
    };
    let default = Playbook::default();
    let precedence = match o.opt("precedence") {
        None => default.precedence,
        Some(_) => o
            .array_at_most("precedence", SegmentType::ALL.len(), "the number of segment types")?
            .iter()
            .enumerate()
            .map(|(k, t)| segment_type(t, &format!("$.precedence[{k}]")))
            .collect::<Result<_>>()?,
    };
    let churn_bands = match o.opt("churn_bands") {
        None => ChurnBands::default(),
        Some(b) => {
            let b = Obj::new(b, "$.churn_bands", &["medium", "high"])?;
            ChurnBands { medium: b.number("medium")?, high: b.number("high")? }
        }
    };
    let plays = o
        .array_at_most("plays", MAX_PLAYS, "MAX_PLAYS")?
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let path = format!("$.plays[{k}]");
            let p = Obj::new(p, &path, &["segment_type", "segment", "action", "source"])?;
            Ok(Play {
                segment_type: segment_type(p.req("segment_type")?, &p.at("segment_type"))?,
                segment: p.string("segment")?,
                action: p.string("action")?,
                source: p.opt_string("source")?.unwrap_or_default(),
            })
        })
        .collect::<Result<_>>()?;
    let book = Playbook {
        version,
        name: o.opt_string("name")?.unwrap_or_else(|| "custom".into()),
        precedence,
        churn_bands,
        plays,
        fallback: o.opt_string("fallback")?.unwrap_or(default.fallback),
    };
    book.validate().map_err(at_path)?;
    Ok(book)
}

impl Playbook {
    /// Reads a playbook from its versioned JSON document.
    ///
    /// ```json
    /// {
    ///   "version": 1,
    ///   "name": "retail",
    ///   "precedence": ["dormant", "churn_band", "matrix_cell"],
    ///   "churn_bands": {"medium": 0.3, "high": 0.6},
    ///   "plays": [
    ///     {"segment_type": "dormant", "segment": "dormant", "action": "reactivate",
    ///      "source": "seeds/001:14"},
    ///     {"segment_type": "matrix_cell", "segment": "low_current_low_potential",
    ///      "action": "think carefully before investing resources"}
    ///   ],
    ///   "fallback": "standard service"
    /// }
    /// ```
    /// `version` and `plays` are required; `precedence` defaults to every type in the default
    /// order ([`SegmentType::ALL`]), `churn_bands` to 1/3 and 2/3, `name` to `custom`,
    /// `fallback` to the default playbook's, `source` to empty.
    ///
    /// # Errors
    /// [`Error::Json`] with the JSON path of the first problem: malformed JSON, an unknown key,
    /// a wrong type, a missing key, an unknown segment type or segment, a repeated type in
    /// `precedence` or play in `plays`, churn cut points outside `0 < medium ≤ high ≤ 1`.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::decision::Playbook;
    /// let book = Playbook::from_json(r#"{"version": 1, "plays": [
    ///     {"segment_type": "loyalty_stage", "segment": "lapsed", "action": "win back"}]}"#)?;
    /// assert_eq!(book.plays[0].action, "win back");
    /// assert_eq!(Playbook::from_json(&book.to_json())?, book);
    /// let e = Playbook::from_json(r#"{"version": 1, "plays": [
    ///     {"segment_type": "loyalty_stage", "segment": "loyal", "action": "x"}]}"#).unwrap_err();
    /// assert_eq!(e.field(), Some("$.plays[0].segment"));
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        from_value(&parse(text)?)
    }

    /// The playbook as a JSON value.
    pub fn to_value(&self) -> Json {
        let plays: Vec<Json> = self
            .plays
            .iter()
            .map(|p| {
                json!({"segment_type": p.segment_type.as_str(), "segment": p.segment,
                       "action": p.action, "source": p.source})
            })
            .collect();
        let precedence: Vec<&str> = self.precedence.iter().map(|t| t.as_str()).collect();
        json!({
            "version": self.version,
            "name": self.name,
            "precedence": precedence,
            "churn_bands": {"medium": self.churn_bands.medium, "high": self.churn_bands.high},
            "plays": plays,
            "fallback": self.fallback,
        })
    }

    /// The playbook as pretty-printed JSON text; [`Playbook::from_json`] reads it back equal.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(&self.to_value()).expect("a JSON value always serializes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_round_trips() {
        let b = Playbook::default();
        assert_eq!(Playbook::from_json(&b.to_json()).unwrap(), b);
    }

    #[test]
    fn errors_carry_paths() {
        let cases = [
            (r#"{"version": 2, "plays": []}"#, "$.version"),
            (r#"{"version": 1}"#, "$.plays"),
            (r#"{"version": 1, "plays": [], "colour": 1}"#, "$.colour"),
            (r#"{"version": 1, "plays": [], "precedence": ["dormant", "vip"]}"#, "$.precedence[1]"),
            (r#"{"version": 1, "plays": [], "precedence": ["fee", "fee"]}"#, "$.precedence[1]"),
            (
                r#"{"version": 1, "plays": [], "churn_bands": {"medium": 0.8, "high": 0.5}}"#,
                "$.churn_bands",
            ),
            (
                r#"{"version": 1, "plays": [{"segment_type": "fee", "segment": "fee_due"}]}"#,
                "$.plays[0].action",
            ),
            (
                r#"{"version": 1, "plays": [{"segment_type": "fee", "segment": "fee_due", "action": ""}]}"#,
                "$.plays[0].action",
            ),
            (
                r#"{"version": 1, "plays": [{"segment_type": "fee", "segment": "x", "action": "a"}]}"#,
                "$.plays[0].segment",
            ),
            (
                r#"{"version": 1, "plays": [{"segment_type": "fee", "segment": "fee_due", "action": "a"},
                {"segment_type": "fee", "segment": "fee_due", "action": "b"}]}"#,
                "$.plays[1]",
            ),
            (
                r#"{"version": 1, "plays": [{"segment_type": 3, "segment": "fee_due", "action": "a"}]}"#,
                "$.plays[0].segment_type",
            ),
        ];
        for (text, path) in cases {
            let e = Playbook::from_json(text).unwrap_err();
            assert!(matches!(e, Error::Json { .. }), "{e}");
            assert_eq!(e.field(), Some(path), "{text}: {e}");
        }
    }
}
