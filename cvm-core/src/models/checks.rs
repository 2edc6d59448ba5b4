//! The parameter domain of every model and the checks of parameters, estimates, identifiability
//! and outputs that the models share.

use crate::error::{check, fmt_num, Error, Result};

/// Validates a scalar time horizon `t ≥ 0`.
pub(crate) fn check_t(field: &str, t: f64) -> Result<()> {
    check::scalar_non_negative(field, t)
}

/// Largest accepted value of any model parameter (see [`PARAM_MIN`] for the domain).
pub const PARAM_MAX: f64 = 1e10;

/// Smallest accepted value of any model parameter.
///
/// # The parameter domain
/// Every parameter of every model (BG/NBD `r, α, a, b`; MBG/NBD the same; Pareto/NBD
/// `r, α, s, β`; Gamma-Gamma `p, q, γ`; BG/BB `α, β, γ, δ`; sBG `α, β`) must be finite and in
/// `[PARAM_MIN, PARAM_MAX] = [1e-10, 1e10]`, whether it comes from `Params::new`, `from_params`,
/// a JSON document (untrusted input) or a fit. The reasons:
/// * beyond `1e10` a shape parameter leaves no significant digit of `r + x` or `a + b + x` for
///   realistic counts, and scale parameters (`α`, `β`, `γ`) no digit of `α + T`;
///   the kernels' connection formulas (₂F₁) would need work proportional to the parameter;
/// * below `1e-10` the mixing distributions are numerically a point mass at 0
///   (`Γ(r) ≈ 1/r` overflows the accuracy of every ratio of gamma functions built on it).
///
/// Published fits (CDNOW: `r ≈ 0.24`, `α ≈ 4.4`, `a ≈ 0.79`, `b ≈ 2.4`; Pareto/NBD `β ≈ 11.7`;
/// Gamma-Gamma `γ` in currency units) lie far inside the domain. A fit whose estimate leaves it
/// is reported as [`Error::NotIdentified`].
pub const PARAM_MIN: f64 = 1e-10;

/// Validates one model parameter against the domain (see [`PARAM_MIN`]).
pub(crate) fn check_param(name: &str, v: f64) -> Result<()> {
    if !(v.is_finite() && v > 0.0) {
        return Err(Error::invalid(
            name,
            format!("parameter must be finite and > 0 (got {})", fmt_num(v)),
        ));
    }
    if !(PARAM_MIN..=PARAM_MAX).contains(&v) {
        return Err(Error::invalid(
            name,
            format!(
                "parameter must be in [{PARAM_MIN:e}, {PARAM_MAX:e}], the domain in which the \
                 kernels are accurate and bounded (got {})",
                fmt_num(v)
            ),
        ));
    }
    Ok(())
}

/// `name=value` pairs of a model's parameters, for error messages.
pub(crate) fn fmt_params(names: &[&str], values: &[f64]) -> String {
    names
        .iter()
        .zip(values)
        .map(|(n, v)| format!("{n}={}", fmt_num(*v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Fails with [`Error::Numerical`] naming the model, its parameters, the quantity and the first
/// row whose value is not finite. The scalar kernels return NaN when a value cannot be computed
/// to its tolerance within their work bound (e.g. the BG/NBD expectation's quadrature, see
/// `bg_family.rs`) or is not representable; the vectorised predictions turn that into this error
/// instead of returning it.
pub(crate) fn check_outputs(
    model: &str, names: &[&str], params: &[f64], what: &str, values: &[f64],
) -> Result<()> {
    match crate::error::check::first_bad(values, f64::is_finite) {
        None => Ok(()),
        Some(i) => Err(Error::Numerical {
            context: format!("{model} {what} ({})", fmt_params(names, params)),
            reason: format!(
                "row {i}: the value could not be computed to its tolerance within the work \
                 bound, or is not representable as a finite number (got {})",
                values[i]
            ),
        }),
    }
}

/// Fails with [`Error::NotIdentified`] when a summary `(x, t_x, T)` cannot identify the
/// parameters of a repeat-purchase `model`: no customer made a repeat purchase (the purchase
/// rate cannot be told apart from drop-out, and the likelihood keeps rising towards `r → 0`,
/// `α → ∞`), or every customer has the same history (one distinct history for four
/// parameters). `what` names the count column in the message (`frequency`, `transactions`).
pub(crate) fn check_identifiable(
    model: &str, what: &str, frequency: &[f64], recency: &[f64], t: &[f64],
) -> Result<()> {
    let not = |reason: String| Error::NotIdentified { model: model.to_string(), reason };
    if frequency.iter().all(|&x| x == 0.0) {
        return Err(not(format!(
            "no customer made a repeat purchase (every {what} is 0): the purchase rate cannot be \
             told apart from drop-out"
        )));
    }
    let same = |i: usize| frequency[i] == frequency[0] && recency[i] == recency[0] && t[i] == t[0];
    if (1..frequency.len()).all(same) {
        return Err(not(format!(
            "every customer has the same history ({what} {}, recency {}, T {}): one distinct \
             history cannot identify the parameters",
            frequency[0], recency[0], t[0]
        )));
    }
    Ok(())
}

/// Fails with [`Error::NotIdentified`] when a converged estimate lies outside the parameter
/// domain (see [`PARAM_MIN`]): the likelihood kept improving towards a boundary, so the data do
/// not bound that parameter.
pub(crate) fn check_estimate(model: &str, names: &[&str], params: &[f64]) -> Result<()> {
    for (n, v) in names.iter().zip(params) {
        if !(PARAM_MIN..=PARAM_MAX).contains(v) {
            return Err(Error::NotIdentified {
                model: model.to_string(),
                reason: format!(
                    "the estimate of {n} ({}) ran out of the parameter domain \
                     [{PARAM_MIN:e}, {PARAM_MAX:e}]: the data do not bound it",
                    fmt_num(*v)
                ),
            });
        }
    }
    Ok(())
}

/// Per-parameter validation shared by the models' `Params::new`.
pub(crate) fn check_params(names: &[&str], values: &[f64]) -> Result<()> {
    for (n, v) in names.iter().zip(values) {
        check_param(n, *v)?;
    }
    Ok(())
}
