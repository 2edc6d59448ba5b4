//! Numbers in reason texts, written the way a person would: one helper for every reason code of
//! the crate (selection rules, relationship trends, loyalty ladder and levels).
//!
//! # Rule
//! * an integer below 10¹⁵ in magnitude is written without decimals (`3`, `-12`, `1000000`);
//! * another number of magnitude ≥ 1 is rounded to 2 decimals (money to the cent), trailing
//!   zeros dropped (`5.0249999999999995` → `5.02`, `1234.5` → `1234.5`);
//! * a number of magnitude below 1 keeps 3 significant digits (`0.123456` → `0.123`,
//!   `0.000123456` → `0.000123`); below 10⁻⁶ in scientific form (`1.23e-7`);
//! * `NaN`, `inf`, `-inf` as such; `-0` as `0`.
//!
//! When a value and the threshold it is compared with differ but would print the same after
//! rounding (`999.999 < 1000` would read `1000<1000`), [`pair`] writes both in shortest
//! round-trip form instead, so every check still reads as a true statement.

/// The number as it appears in a reason text (see the module docs).
pub(crate) fn number(x: f64) -> String {
    if !x.is_finite() {
        return format!("{x}");
    }
    let s = if x == x.trunc() && x.abs() < 1e15 {
        format!("{x:.0}")
    } else if x.abs() >= 1.0 {
        trim(format!("{x:.2}"))
    } else if x.abs() >= 1e-6 {
        let decimals = (2 - x.abs().log10().floor() as i32).clamp(0, 9) as usize;
        trim(format!("{x:.decimals$}"))
    } else {
        format!("{x:.2e}")
    };
    if s == "-0" {
        "0".to_string()
    } else {
        s
    }
}

/// A value and its threshold for a comparison in a reason text: both by [`number`], unless they
/// differ and would print alike, then both in shortest round-trip form.
pub(crate) fn pair(x: f64, t: f64) -> (String, String) {
    let (a, mut b) = against(x, &[t]);
    (a, b.pop().unwrap_or_default())
}

/// A value and the thresholds it is tested against (`between` bounds, `in` lists): as [`pair`],
/// all in shortest round-trip form when the value prints like a threshold it differs from.
pub(crate) fn against(x: f64, ts: &[f64]) -> (String, Vec<String>) {
    let a = number(x);
    let bs: Vec<String> = ts.iter().map(|&t| number(t)).collect();
    if ts.iter().zip(&bs).any(|(&t, b)| *b == a && t != x) {
        (format!("{x}"), ts.iter().map(|t| format!("{t}")).collect())
    } else {
        (a, bs)
    }
}

fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_like_a_person_wrote_them() {
        let cases = [
            (5.0249999999999995, "5.02"),
            (1234.5, "1234.5"),
            (1000.0, "1000"),
            (-200.0, "-200"),
            (1234.567, "1234.57"),
            (0.15, "0.15"),
            (0.123456, "0.123"),
            (0.000123456, "0.000123"),
            (0.99996, "1"),
            (1.2e-7, "1.20e-7"),
            (-0.0, "0"),
            (-0.0001, "-0.0001"),
            (1e20, "100000000000000000000"),
            (f64::NAN, "NaN"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (x, want) in cases {
            assert_eq!(number(x), want, "{x}");
        }
        assert_eq!(pair(999.999, 1000.0), ("999.999".into(), "1000".into()));
        assert_eq!(pair(0.7, 0.7), ("0.7".into(), "0.7".into()));
        assert_eq!(pair(5.0249999999999995, 5.0), ("5.02".into(), "5".into()));
    }
}
