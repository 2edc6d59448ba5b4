//! Versioned JSON documents for [`ChurnCalibrator`] (feature `serde`).
//!
//! ```json
//! {"format": "cvm-churn-calibrator", "version": 1, "kind": "isotonic",
//!  "blocks": {"score_min": [0.1, 0.3], "score_max": [0.2, 0.5], "score_mean": [0.15, 0.42],
//!             "probability": [0.25, 0.8], "weight": [4.0, 5.0]}}
//! {"format": "cvm-churn-calibrator", "version": 1, "kind": "platt",
//!  "intercept": -1.2, "slope": 3.4}
//! ```
//!
//! Reading is strict: another format or version, an unknown kind, unknown or missing keys,
//! arrays of different lengths, blocks out of order (each `score_min ≤ score_mean ≤ score_max <`
//! the next `score_min`), probabilities outside \[0, 1\] or decreasing, weights ≤ 0 and non-finite
//! numbers are [`Error::Json`] errors naming the JSON path (e.g. `$.blocks.probability[3]`).
//! Numbers are written with the shortest representation that reads back bit for bit.

use serde_json::{json, Map, Value};

use super::calibrate::{ChurnCalibrator, Fitted, IsotonicBlock};
use super::CalibrationMethod;
use crate::error::{Error, Result};

/// The document format name.
pub const FORMAT: &str = "cvm-churn-calibrator";
/// The document version this crate writes and reads.
pub const VERSION: u64 = 1;

fn json_err(path: impl Into<String>, reason: impl std::fmt::Display) -> Error {
    Error::json(path, reason)
}

impl ChurnCalibrator {
    /// The calibrator as a versioned JSON document: `{"format": "cvm-churn-calibrator",
    /// "version": 1, "kind": "isotonic", "blocks": {"score_min": [..], "score_max": [..],
    /// "score_mean": [..], "probability": [..], "weight": [..]}}` or `{.., "kind": "platt", "intercept": a,
    /// "slope": b}`. Numbers are written with the shortest representation that reads back bit
    /// for bit.
    pub fn to_json(&self) -> String {
        let doc = match &self.fitted {
            Fitted::Isotonic(blocks) => {
                let col = |f: fn(&IsotonicBlock) -> f64| blocks.iter().map(f).collect::<Vec<f64>>();
                json!({
                    "format": FORMAT, "version": VERSION, "kind": "isotonic",
                    "blocks": {
                        "score_min": col(|b| b.score_min), "score_max": col(|b| b.score_max),
                        "score_mean": col(|b| b.score_mean), "probability": col(|b| b.probability), "weight": col(|b| b.weight),
                    }
                })
            }
            Fitted::Platt { intercept, slope } => json!({
                "format": FORMAT, "version": VERSION, "kind": "platt",
                "intercept": intercept, "slope": slope,
            }),
        };
        // Every number is finite (checked when fitted or read), so this cannot fail.
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    }

    /// Reads a document written by [`to_json`](Self::to_json).
    ///
    /// # Errors
    /// [`Error::Json`] naming the JSON path of the first problem: another format or version, an
    /// unknown kind, unknown or missing keys, arrays of different lengths, blocks out of order
    /// (each `score_min ≤ score_mean ≤ score_max <` the next `score_min`), probabilities outside \[0, 1\] or
    /// decreasing, weights ≤ 0, non-finite numbers (e.g. `$.blocks.probability[3]`).
    ///
    /// # Examples
    /// ```
    /// use cvm_core::churn::{CalibrationMethod, ChurnCalibrator};
    /// let c = ChurnCalibrator::fit(&[1.0, 2.0, 3.0], &[false, true, true], None,
    ///     CalibrationMethod::Isotonic)?;
    /// assert_eq!(ChurnCalibrator::from_json(&c.to_json())?, c);
    /// let bad = c.to_json().replace("\"version\": 1", "\"version\": 7");
    /// let e = ChurnCalibrator::from_json(&bad).unwrap_err();
    /// assert_eq!(e.field(), Some("$.version"));
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        let doc = crate::selection::json::parse(text)?;
        let obj = doc.as_object().ok_or_else(|| json_err("$", "expected a JSON object"))?;
        let format = obj.get("format").and_then(Value::as_str);
        if format != Some(FORMAT) {
            return Err(json_err("$.format", format!("expected {FORMAT:?}, got {format:?}")));
        }
        match obj.get("version").and_then(Value::as_u64) {
            Some(VERSION) => {}
            other => {
                return Err(json_err("$.version", format!("expected {VERSION}, got {other:?}")))
            }
        }
        let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
        let method = crate::names::parse_field::<CalibrationMethod>(kind, "kind")
            .map_err(|e| json_err("$.kind", e))?;
        let fitted = match method {
            CalibrationMethod::Isotonic => {
                only_keys(obj, &["format", "version", "kind", "blocks"], "$")?;
                Fitted::Isotonic(read_blocks(obj.get("blocks"))?)
            }
            CalibrationMethod::Platt => {
                only_keys(obj, &["format", "version", "kind", "intercept", "slope"], "$")?;
                let num = |k: &str| {
                    obj.get(k)
                        .and_then(Value::as_f64)
                        .filter(|v| v.is_finite())
                        .ok_or_else(|| json_err(format!("$.{k}"), "expected a finite number"))
                };
                Fitted::Platt { intercept: num("intercept")?, slope: num("slope")? }
            }
        };
        Ok(ChurnCalibrator { fitted })
    }
}

fn only_keys(obj: &Map<String, Value>, keys: &[&str], path: &str) -> Result<()> {
    for k in keys {
        if !obj.contains_key(*k) {
            return Err(json_err(format!("{path}.{k}"), "missing key"));
        }
    }
    match obj.keys().find(|k| !keys.contains(&k.as_str())) {
        Some(k) => Err(json_err(format!("{path}.{k}"), format!("unknown key (expected {keys:?})"))),
        None => Ok(()),
    }
}

fn read_blocks(value: Option<&Value>) -> Result<Vec<IsotonicBlock>> {
    let obj = value
        .and_then(Value::as_object)
        .ok_or_else(|| json_err("$.blocks", "expected an object of four arrays"))?;
    const KEYS: [&str; 5] = ["score_min", "score_max", "score_mean", "probability", "weight"];
    only_keys(obj, &KEYS, "$.blocks")?;
    let mut cols: Vec<Vec<f64>> = Vec::with_capacity(KEYS.len());
    for k in KEYS {
        let path = format!("$.blocks.{k}");
        let arr = obj[k].as_array().ok_or_else(|| json_err(&path, "expected an array"))?;
        if arr.is_empty() {
            return Err(json_err(&path, "expected at least one block"));
        }
        if let Some(first) = cols.first() {
            if arr.len() != first.len() {
                let n = first.len();
                return Err(json_err(
                    &path,
                    format!("{} values, expected {n} like score_min", arr.len()),
                ));
            }
        }
        let col = arr
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_f64()
                    .filter(|x| x.is_finite())
                    .ok_or_else(|| json_err(format!("{path}[{i}]"), "expected a finite number"))
            })
            .collect::<Result<Vec<f64>>>()?;
        cols.push(col);
    }
    let blocks: Vec<IsotonicBlock> = (0..cols[0].len())
        .map(|i| IsotonicBlock {
            score_min: cols[0][i],
            score_max: cols[1][i],
            score_mean: cols[2][i],
            probability: cols[3][i],
            weight: cols[4][i],
        })
        .collect();
    for (i, b) in blocks.iter().enumerate() {
        let at = |k: &str| format!("$.blocks.{k}[{i}]");
        if b.score_max < b.score_min {
            return Err(json_err(at("score_max"), "below score_min"));
        }
        if !(b.score_min..=b.score_max).contains(&b.score_mean) {
            return Err(json_err(at("score_mean"), "outside [score_min, score_max]"));
        }
        if !(0.0..=1.0).contains(&b.probability) {
            return Err(json_err(at("probability"), "must be in [0, 1]"));
        }
        if b.weight <= 0.0 {
            return Err(json_err(at("weight"), "must be > 0"));
        }
        if let Some(prev) = i.checked_sub(1).map(|j| &blocks[j]) {
            if b.score_min <= prev.score_max {
                return Err(json_err(
                    at("score_min"),
                    "must exceed the previous block's score_max",
                ));
            }
            if b.probability < prev.probability {
                return Err(json_err(
                    at("probability"),
                    "below the previous block's (not monotone)",
                ));
            }
        }
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_bit_for_bit_and_rejects_bad_documents() {
        let s = [0.1, 0.7, 0.35, 0.9, 0.2, 0.55];
        let y = [false, true, false, true, true, false];
        for m in CalibrationMethod::ALL {
            let c = ChurnCalibrator::fit(&s, &y, None, m).unwrap();
            let back = ChurnCalibrator::from_json(&c.to_json()).unwrap();
            assert_eq!(back, c);
        }
        let iso = ChurnCalibrator::fit(&s, &y, None, CalibrationMethod::Isotonic).unwrap();
        let text = iso.to_json();
        for (from, to, path) in [
            ("\"isotonic\"", "\"spline\"", "$.kind"),
            ("\"format\": \"cvm-churn-calibrator\"", "\"format\": \"x\"", "$.format"),
            ("\"weight\"", "\"weights\"", "$.blocks.weight"),
            ("\"kind\"", "\"extra\": 1, \"kind\"", "$.extra"),
        ] {
            let e = ChurnCalibrator::from_json(&text.replacen(from, to, 1)).unwrap_err();
            assert_eq!(e.field(), Some(path), "{e}");
        }
        let bad = r#"{"format": "cvm-churn-calibrator", "version": 1, "kind": "isotonic",
            "blocks": {"score_min": [0, 1], "score_max": [0.5, 2], "score_mean": [0.2, 1.5],
            "probability": [0.6, 0.4],
            "weight": [1, 1]}}"#;
        let e = ChurnCalibrator::from_json(bad).unwrap_err();
        assert_eq!(e.field(), Some("$.blocks.probability[1]"));
        let bad = r#"{"format": "cvm-churn-calibrator", "version": 1, "kind": "platt",
            "intercept": 1, "slope": "x"}"#;
        assert_eq!(ChurnCalibrator::from_json(bad).unwrap_err().field(), Some("$.slope"));
        assert_eq!(ChurnCalibrator::from_json("[").unwrap_err().field(), Some("$"));
    }
}
