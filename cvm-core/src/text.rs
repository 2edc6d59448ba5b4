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
//! rounding (`999.999 < 1000` would read `1000<1000`), [`push_check`] writes both in shortest
//! round-trip form instead, so every check still reads as a true statement.

mod column;

pub use column::TextColumn;
pub(crate) use column::{render_column, render_rows};

/// The number as it appears in a reason text (see the module docs).
pub(crate) fn number(x: f64) -> String {
    let mut s = String::with_capacity(24);
    push_number(&mut s, x);
    s
}

/// Room for a typical reason text: a reason written into a `String` of this capacity takes one
/// allocation (grown from nothing, a third of the time of a million reasons went to
/// reallocations).
pub(crate) const REASON_CAPACITY: usize = 96;

/// Appends `name=x<op>t`, the value and threshold by [`push_check`]'s rule (shortest round-trip
/// forms when they differ but would print alike), without allocating.
pub(crate) fn push_comparison(out: &mut String, name: &str, x: f64, op: &str, t: f64) {
    out.push_str(name);
    out.push('=');
    push_check(out, x, |out, n| {
        n.value(out);
        out.push_str(op);
        n.threshold(out, t);
    });
}

/// Writes the numbers of one check (a value and the thresholds it is tested against) for
/// [`push_check`]: each by [`number`], or each in shortest round-trip form on the second pass.
pub(crate) struct CheckNumbers {
    x: f64,
    shortest: bool,
    value: std::ops::Range<usize>,
    distinct: bool,
}

impl CheckNumbers {
    fn push(&self, out: &mut String, v: f64) {
        if self.shortest {
            use std::fmt::Write;
            let _ = write!(out, "{v}"); // a String cannot fail
        } else {
            push_number(out, v);
        }
    }

    /// Appends the checked value.
    pub(crate) fn value(&mut self, out: &mut String) {
        let start = out.len();
        self.push(out, self.x);
        self.value = start..out.len();
    }

    /// Appends a threshold, noting whether it prints like the value it differs from (the value
    /// written first).
    pub(crate) fn threshold(&mut self, out: &mut String, t: f64) {
        let start = out.len();
        self.push(out, t);
        self.distinct &= t == self.x || out[start..] != out[self.value.clone()];
    }
}

/// Appends a check of `x` written by `write` (value and thresholds through its
/// [`CheckNumbers`]): numbers by [`number`], unless the value prints like a threshold it
/// differs from (`999.999 < 1000` would read `1000<1000`); then the check is written again
/// with every number in shortest round-trip form, so it still reads as a true statement.
pub(crate) fn push_check(out: &mut String, x: f64, write: impl Fn(&mut String, &mut CheckNumbers)) {
    let start = out.len();
    let mut numbers = CheckNumbers { x, shortest: false, value: 0..0, distinct: true };
    write(out, &mut numbers);
    if !numbers.distinct {
        out.truncate(start);
        numbers = CheckNumbers { x, shortest: true, value: 0..0, distinct: true };
        write(out, &mut numbers);
    }
}

/// [`number`] appended to `out`.
pub(crate) fn push_number(out: &mut String, x: f64) {
    use std::fmt::Write;
    // `write!` to a String cannot fail.
    if !x.is_finite() {
        let _ = write!(out, "{x}");
    } else if x == x.trunc() && x.abs() < 1e15 {
        // Exact in an integer (`-0` → `0`): digits cost a fraction of `{x:.0}`'s formatting.
        if x < 0.0 {
            out.push('-');
        }
        push_digits(out, x.abs() as u64, 0);
    } else if x.abs() < 1e-6 {
        let _ = write!(out, "{x:.2e}");
    } else {
        let a = x.abs();
        let decimals =
            if a >= 1.0 { 2 } else { (2 - a.log10().floor() as i32).clamp(0, 9) as usize };
        if !push_fixed(out, x, decimals) {
            let s = trim(format!("{x:.decimals$}"));
            out.push_str(if s == "-0" { "0" } else { &s });
        }
    }
}

/// Appends `format!("{x:.decimals$}")` with trailing zeros dropped (and `-0` as `0`), by integer
/// arithmetic (a third of the formatter's time); false, appending nothing, when
/// `x · 10^decimals` is 2⁵² or more or within its rounding error of a tie, where only the exact
/// decimal expansion decides.
fn push_fixed(out: &mut String, x: f64, decimals: usize) -> bool {
    let y = x.abs() * 10f64.powi(decimals as i32); // 10^decimals is exact; y within y·2⁻⁵³
    if y >= (1u64 << 52) as f64 {
        return false;
    }
    let whole = y.floor();
    let frac = y - whole; // exact
    if (frac - 0.5).abs() <= y * 4.0 * f64::EPSILON {
        return false;
    }
    let scaled = whole as u64 + u64::from(frac > 0.5);
    let unit = 10u64.pow(decimals as u32);
    let (int, mut dec, mut digits) = (scaled / unit, scaled % unit, decimals);
    if x < 0.0 && scaled != 0 {
        out.push('-');
    }
    push_digits(out, int, 0);
    if dec != 0 {
        while dec % 10 == 0 {
            dec /= 10;
            digits -= 1;
        }
        out.push('.');
        push_digits(out, dec, digits);
    }
    true
}

/// Appends the decimal digits of `v`, zero-padded on the left to `width` digits.
fn push_digits(out: &mut String, mut v: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut at = buf.len();
    while v > 0 {
        at -= 1;
        buf[at] = b'0' + (v % 10) as u8;
        v /= 10;
    }
    let start = at.min(buf.len() - width.clamp(1, buf.len()));
    out.extend(buf[start..].iter().map(|&b| b as char));
}

/// A value and the thresholds it is tested against (`between` bounds, `in` lists) as separate
/// texts, by [`push_check`]'s rule: all in shortest round-trip form when the value prints like a
/// threshold it differs from.
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
        assert_eq!(number(0.125), "0.125");
        assert_eq!(number(-0.0004), "-0.0004");
        assert_eq!(number(-0.9999996), "-1");
        let pair = |x: f64, t: f64| {
            let (a, b) = against(x, &[t]);
            (a, b[0].clone())
        };
        assert_eq!(pair(999.999, 1000.0), ("999.999".into(), "1000".into()));
        assert_eq!(pair(0.7, 0.7), ("0.7".into(), "0.7".into()));
        assert_eq!(pair(5.0249999999999995, 5.0), ("5.02".into(), "5".into()));
        for (x, t) in [(999.999, 1000.0), (0.7, 0.7), (5.0249999999999995, 5.0), (0.12344, 0.1234)]
        {
            let (a, b) = pair(x, t);
            let mut s = String::from("[");
            push_comparison(&mut s, "v", x, "<", t);
            assert_eq!(s, format!("[v={a}<{b}"));
        }
        // Two thresholds: a value printing like either sends all three numbers to shortest forms.
        for (x, ts) in [(2.0, [-3.0, 3.0]), (2.999, [-3.0, 3.0]), (-3.001, [-3.0, 3.0])] {
            let (a, b) = against(x, &ts);
            let mut s = String::new();
            push_check(&mut s, x, |out, n| {
                n.value(out);
                out.push_str(" in [");
                n.threshold(out, ts[0]);
                out.push(',');
                n.threshold(out, ts[1]);
                out.push(']');
            });
            assert_eq!(s, format!("{a} in [{},{}]", b[0], b[1]));
        }
        assert_eq!(against(2.999, &[-3.0, 3.0]).0, "2.999");
    }

    /// The formatter's own rounding, as the module docs describe it.
    fn by_formatter(x: f64) -> String {
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

    #[test]
    fn integer_arithmetic_writes_what_the_formatter_writes() {
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut checked = 0;
        for k in 0..400_000u64 {
            let u = (next() >> 11) as f64 / (1u64 << 53) as f64;
            let x = match k % 5 {
                0 => u,                                           // (0, 1)
                1 => 10f64.powf(-7.0 + 23.0 * u),                 // 1e-7 .. 1e16, log-uniform
                2 => (next() % 100_000) as f64 / 1000.0 + 0.0005, // ties at the third place
                3 => (next() % 10_000_000) as f64 / 200.0,        // halves of cents
                _ => f64::from_bits(next()),                      // any bits: NaN, inf, subnormal
            };
            for v in [x, -x] {
                assert_eq!(number(v), by_formatter(v), "{v:e}");
                checked += 1;
            }
        }
        assert_eq!(checked, 800_000);
    }
}
