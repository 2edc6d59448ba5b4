//! Log-space arithmetic: log-sum-exp and friends.

/// `ln Σ exp(xᵢ)` without overflow or underflow.
///
/// Returns `−∞` for an empty slice or when every element is `−∞`, `+∞` if any element is `+∞`,
/// and NaN only if an element is NaN (never for finite or `−∞` input).
///
/// # Formula
/// `m + ln Σ exp(xᵢ − m)` with `m = max xᵢ`, in one pass (the running maximum rescales the sum).
///
/// # Examples
/// ```
/// use cvm_core::special::log_sum_exp;
/// let v = log_sum_exp(&[1000.0, 1000.0]);
/// assert!((v - (1000.0 + 2f64.ln())).abs() < 1e-12);
/// assert_eq!(log_sum_exp(&[]), f64::NEG_INFINITY);
/// assert_eq!(log_sum_exp(&[f64::NEG_INFINITY; 3]), f64::NEG_INFINITY);
/// ```
pub fn log_sum_exp(xs: &[f64]) -> f64 {
    let mut m = f64::NEG_INFINITY;
    let mut s = 0.0; // Σ exp(xᵢ − m) over the elements seen, excluding the one holding the maximum
    for &x in xs {
        if x.is_nan() {
            return f64::NAN;
        }
        if x == f64::INFINITY {
            return f64::INFINITY;
        }
        if x <= m {
            if x > f64::NEG_INFINITY {
                s += (x - m).exp();
            }
        } else {
            if m > f64::NEG_INFINITY {
                s = (s + 1.0) * (m - x).exp();
            }
            m = x;
        }
    }
    if m == f64::NEG_INFINITY {
        m
    } else {
        m + s.ln_1p()
    }
}

/// `ln(eᵃ + eᵇ)`, stable for any magnitudes; `−∞` if both are `−∞`.
///
/// # Examples
/// ```
/// use cvm_core::special::log_add_exp;
/// assert!((log_add_exp(0.0, 0.0) - 2f64.ln()).abs() < 1e-15);
/// assert_eq!(log_add_exp(f64::NEG_INFINITY, 3.0), 3.0);
/// ```
pub fn log_add_exp(a: f64, b: f64) -> f64 {
    let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
    if a.is_nan() || b.is_nan() {
        return f64::NAN;
    }
    if lo == f64::NEG_INFINITY || hi == f64::INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// `ln(eᵃ − eᵇ)` for `a ≥ b`, stable when `b` is close to `a`.
///
/// Returns `−∞` when `a == b`, `a` when `b = −∞`, and NaN when `a < b` (the difference is
/// negative) or an argument is NaN.
///
/// # Formula
/// `a + ln(−expm1(b − a))` when `b − a > −ln 2`, else `a + ln1p(−exp(b − a))` (Mächler 2012,
/// "Accurately Computing log(1 − exp(−|a|))").
///
/// # Examples
/// ```
/// use cvm_core::special::log_sub_exp;
/// assert!((log_sub_exp(2f64.ln(), 0.0)).abs() < 1e-15); // ln(2 − 1) = 0
/// let tiny = log_sub_exp(1e-20, 0.0); // ln(e^{1e-20} − 1) ≈ ln(1e-20)
/// assert!((tiny - (1e-20f64).ln()).abs() < 1e-12);
/// ```
pub fn log_sub_exp(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() || a < b {
        return f64::NAN;
    }
    if b == f64::NEG_INFINITY {
        return a;
    }
    if a == b {
        return f64::NEG_INFINITY;
    }
    let d = b - a; // < 0
    if d > -std::f64::consts::LN_2 {
        a + (-d.exp_m1()).ln()
    } else {
        a + (-d.exp()).ln_1p()
    }
}

/// The softplus `ln(1 + eˣ)`, stable for every `x` (`x` for large `x`, `eˣ` for very negative).
///
/// # Examples
/// ```
/// use cvm_core::special::ln_1p_exp;
/// assert!((ln_1p_exp(0.0) - 2f64.ln()).abs() < 1e-15);
/// assert_eq!(ln_1p_exp(800.0), 800.0);
/// assert!((ln_1p_exp(-700.0) / (-700f64).exp() - 1.0).abs() < 1e-15);
/// ```
pub fn ln_1p_exp(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// `ln(1 − eˣ)` for `x ≤ 0` (Mächler's `log1mexp`), `−∞` at 0.
pub(crate) fn ln_1m_exp(x: f64) -> f64 {
    if x > -std::f64::consts::LN_2 {
        (-x.exp_m1()).ln()
    } else {
        (-x.exp()).ln_1p()
    }
}

/// Adds the signed number `(lb, sb)` (value `sb·e^{lb}`) to the signed number `(la, sa)`.
pub(crate) fn signed_log_add(la: f64, sa: f64, lb: f64, sb: f64) -> (f64, f64) {
    if sb == 0.0 || lb == f64::NEG_INFINITY {
        return (la, sa);
    }
    if sa == 0.0 || la == f64::NEG_INFINITY {
        return (lb, sb);
    }
    let (lh, sh, ll, sl) = if la >= lb { (la, sa, lb, sb) } else { (lb, sb, la, sa) };
    if sh == sl {
        (lh + (ll - lh).exp().ln_1p(), sh)
    } else if lh == ll {
        (f64::NEG_INFINITY, 0.0)
    } else {
        (lh + ln_1m_exp(ll - lh), sh)
    }
}

/// `(1 − e^{−y})/y`, continuous at y = 0.
pub(crate) fn one_minus_exp_over(y: f64) -> f64 {
    if y.abs() < 1e-8 {
        1.0 - 0.5 * y
    } else {
        -(-y).exp_m1() / y
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_minus_exp_over_is_continuous() {
        for &y in &[-1e-9_f64, 0.0, 1e-9, 1e-7, 0.3, -2.0] {
            let want = if y == 0.0 { 1.0 } else { -(-y).exp_m1() / y };
            assert!((one_minus_exp_over(y) - want).abs() < 1e-14);
        }
    }

    #[test]
    fn log_sum_exp_table() {
        let cases: &[(&[f64], f64)] = &[
            (&[0.0], 0.0),
            (&[0.0, 0.0, 0.0, 0.0], 4f64.ln()),
            (&[-1000.0, -1000.0], -1000.0 + 2f64.ln()),
            (&[1.0, f64::NEG_INFINITY, 2.0], (1f64.exp() + 2f64.exp()).ln()),
            (&[-745.0, 0.0], (-745f64).exp().ln_1p()),
        ];
        for (xs, want) in cases {
            let got = log_sum_exp(xs);
            assert!((got - want).abs() <= 1e-14 * want.abs().max(1.0), "{xs:?}: {got} vs {want}");
        }
        assert_eq!(log_sum_exp(&[f64::INFINITY, 1.0]), f64::INFINITY);
        assert!(log_sum_exp(&[f64::NAN, 1.0]).is_nan());
    }

    #[test]
    fn add_sub_roundtrip() {
        for &(a, b) in &[(0.0, -1.0), (5.0, 4.999), (-3.0, -40.0), (700.0, 699.0)] {
            let s = log_add_exp(a, b);
            let back = log_sub_exp(s, b);
            assert!((back - a).abs() <= 1e-13 * a.abs().max(1.0), "{a} {b}");
        }
        assert!(log_sub_exp(0.0, 1.0).is_nan());
        assert_eq!(log_sub_exp(1.0, 1.0), f64::NEG_INFINITY);
        let (l, s) = signed_log_add(2f64.ln(), 1.0, 0.0, -1.0);
        assert!(l.abs() < 1e-15 && s == 1.0);
        let (l, s) = signed_log_add(0.0, 1.0, 2f64.ln(), -1.0);
        assert!(l.abs() < 1e-15 && s == -1.0);
    }

    #[test]
    fn softplus_table() {
        for &x in &[-50.0, -1.0, 0.0, 1e-10, 3.0, 40.0] {
            let want = if x < 30.0 { f64::ln_1p(f64::exp(x)) } else { x + f64::exp(-x) };
            assert!((ln_1p_exp(x) - want).abs() <= 1e-15 * want.abs().max(1e-300));
        }
    }
}
