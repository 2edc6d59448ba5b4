//! The Pareto/NBD distribution of future purchases of a customer with a known history:
//! `P(X(T, T + t) = n | x, t_x, T)` (Fader & Hardie 2006, *Deriving an expression for
//! P(X(t, t + τ) = x) under the Pareto/NBD model*, eq. 16).
//!
//! # Method
//! Given the history, a customer is either gone (probability `1 − P(alive)`, and then buys
//! nothing more) or alive at `T`; a customer alive at `T` has the posterior rates
//! `λ ~ Gamma(r + x, α + T)` and `μ ~ Gamma(s, β + T)`, independent (the likelihood of an alive
//! customer is `λ^x e^{−(λ+μ)T}`), and by the memorylessness of the exponential lifetime buys in
//! `(T, T + t]` as a *new* customer of a Pareto/NBD with parameters `(r + x, α + T, s, β + T)`
//! buys in `(0, t]`. So
//!
//! `P(X(T, T+t) = n | x, t_x, T) = [n = 0] (1 − P(alive)) + P(alive) · P'(X(t) = n)`,
//!
//! which is eq. 16 of the note regrouped (its sum of ₂F₁ differences is `P(alive) P'(X(t) = n)`);
//! both terms are positive, so nothing cancels. `P'(X(t) = n)` conditions on the lifetime τ
//! (Lomax with density `s b^s (b+τ)^{−(s+1)}`):
//! `(b/(b+t))^s NB_n(t) + ∫_0^t s b^s (b+τ)^{−(s+1)} NB_n(τ) dτ`, with
//! `NB_n(τ) = Γ(r'+n)/(Γ(r') n!) (a/(a+τ))^{r'} (τ/(a+τ))^n`, `r' = r + x`, `a = α + T`,
//! `b = β + T`. The integral is taken in `z = ln τ`, where the log-integrand `φ(z)` is concave
//! (a sum of concave terms): the panels cover the region where `φ` is within `e^{−40}` of its
//! maximum, each narrow enough for its curvature, its slope and its distance to the
//! singularities of `φ` (at `ln a ± iπ`, `ln b ± iπ`) that 20-point Gauss–Legendre is exact to
//! rounding; the work is bounded (at most `MAX_PANELS` panels) and everything is
//! summed in logs.

use super::pareto_nbd::{gauss_legendre, ln_p_alive};
use super::{check_customers, check_outputs, check_t, AnyModel, ParetoNbd, ParetoNbdParams};
use crate::error::{Error, Result};
use crate::special::{gamma_ln_ratio, ln_gamma, log_add_exp};

/// Most quadrature panels one probability may use; beyond it the value is reported as not
/// computable (NaN in the scalar kernel, [`crate::Error::Numerical`] in the vectorised method).
pub(crate) const MAX_PANELS: usize = 4096;

/// How far below its maximum (in logs) the integrand is neglected.
const DEPTH: f64 = 40.0;

impl ParetoNbd {
    /// `P(X(T, T + horizon) = n | x, t_x, T)`: the probability that each customer with history
    /// `(frequency x, recency t_x, T)` makes exactly `n` purchases in the next `horizon` time units
    /// (lifetimes' `conditional_probability_of_n_purchases_up_to_time`).
    ///
    /// # Formula
    /// Fader & Hardie (2006), *Deriving an expression for P(X(t, t+τ) = x) under the Pareto/NBD
    /// model*, eq. 16, written as `[n = 0](1 − P(alive)) + P(alive) · P'(X(t) = n)` where `P'` is
    /// the count distribution of a new customer under the posterior parameters
    /// `(r + x, α + T, s, β + T)` (see the module documentation of `pareto_nbd_count.rs` for the
    /// derivation and the quadrature). Sums to 1 over `n`; at `x = t_x = T = 0` it is
    /// [`ParetoNbd::probability_of_n_purchases`] (with `t` = `horizon`). `horizon = 0` gives 1 for
    /// `n = 0` and 0 otherwise.
    ///
    /// # Errors
    /// [`crate::Error::InvalidValue`] (field `t`) for `horizon` negative or not finite, or invalid customer columns
    /// (naming the column and the first offending row); [`crate::Error::Empty`],
    /// [`crate::Error::LengthMismatch`]; [`crate::Error::Numerical`] naming the first row whose
    /// value needs more than 4,096 quadrature panels (not reached for parameters and histories in
    /// the model's domain in the tests).
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{ParetoNbd, ParetoNbdParams};
    /// let m = ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669)?)?;
    /// let (x, t_x, t_cal) = ([0.0, 2.0, 7.0], [0.0, 30.43, 35.0], [38.86, 38.86, 38.86]);
    /// let p0 = m.conditional_probability_of_n_purchases(39.0, 0, &x, &t_x, &t_cal)?;
    /// // lifetimes 0.11.3 gives 0.408063 at these parameters for x = 2, t_x = 30.43, T = 38.86.
    /// assert!((p0[1] - 0.408063).abs() < 1e-6);
    /// let total: f64 = (0..200)
    ///     .map(|n| m.conditional_probability_of_n_purchases(39.0, n, &x, &t_x, &t_cal).unwrap()[2])
    ///     .sum();
    /// assert!((total - 1.0).abs() < 1e-10);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn conditional_probability_of_n_purchases(
        &self, horizon: f64, n: u64, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    ) -> Result<Vec<f64>> {
        check_t("t", horizon)?;
        check_customers(frequency, recency, t_cal)?;
        let out = crate::parallel::par_map(frequency.len(), |i| {
            self.conditional_probability_of_n_purchases_at(
                horizon,
                n,
                frequency[i],
                recency[i],
                t_cal[i],
            )
        });
        check_outputs(
            "pareto_nbd",
            ParetoNbdParams::NAMES,
            &self.params().to_vec(),
            "conditional_probability_of_n_purchases",
            &out,
        )?;
        Ok(out)
    }

    /// Scalar form of [`ParetoNbd::conditional_probability_of_n_purchases`] for a validated
    /// history and `horizon ≥ 0`; NaN outside the domain or past the work bound.
    pub fn conditional_probability_of_n_purchases_at(
        &self, horizon: f64, n: u64, x: f64, t_x: f64, t_cal: f64,
    ) -> f64 {
        let p = self.params();
        let ln_alive = ln_p_alive(p, x, t_x, t_cal);
        if ln_alive.is_nan() || !(horizon >= 0.0 && horizon.is_finite()) {
            return f64::NAN;
        }
        let posterior =
            ParetoNbdParams { r: p.r + x, alpha: p.alpha + t_cal, s: p.s, beta: p.beta + t_cal };
        let alive = (ln_alive + ln_new_customer_count(&posterior, n, horizon)).exp();
        let value = if n == 0 { -ln_alive.exp_m1() + alive } else { alive };
        if value.is_nan() {
            f64::NAN
        } else {
            value.clamp(0.0, 1.0)
        }
    }
}

impl AnyModel {
    /// [`ParetoNbd::conditional_probability_of_n_purchases`] for the Pareto/NBD it holds.
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`model`) for the BG/NBD and MBG/NBD (lifetimes has this
    /// distribution for the Pareto/NBD only); invalid inputs as the Pareto/NBD method.
    ///
    /// # Examples
    /// ```
    /// use cvm_core::models::{AnyModel, ModelKind};
    /// let m = AnyModel::from_params(ModelKind::ParetoNbd, &[0.553, 10.578, 0.606, 11.669])?;
    /// let p = m.conditional_probability_of_n_purchases(39.0, 1, &[2.0], &[30.43], &[38.86])?;
    /// assert!((p[0] - 0.219288).abs() < 1e-6);
    /// # Ok::<(), cvm_core::Error>(())
    /// ```
    pub fn conditional_probability_of_n_purchases(
        &self, horizon: f64, n: u64, frequency: &[f64], recency: &[f64], t_cal: &[f64],
    ) -> Result<Vec<f64>> {
        match self {
            AnyModel::ParetoNbd(m) => {
                m.conditional_probability_of_n_purchases(horizon, n, frequency, recency, t_cal)
            }
            other => Err(Error::invalid(
                "model",
                format!(
                    "the conditional count distribution is implemented for pareto_nbd only (this \
                     is {})",
                    other.kind().as_str()
                ),
            )),
        }
    }
}

/// `ln P(X(t) = n)` of a new customer at parameters `p` (see the module documentation); NaN
/// past [`MAX_PANELS`].
pub(super) fn ln_new_customer_count(p: &ParetoNbdParams, n: u64, t: f64) -> f64 {
    if t == 0.0 {
        return if n == 0 { 0.0 } else { f64::NEG_INFINITY };
    }
    let k = Integrand::new(p, n);
    let first = -p.s * (t / p.beta).ln_1p() + k.ln_nb(t.ln());
    log_add_exp(first, k.ln_integral(t.ln()))
}

/// The log-integrand `φ(z)` of `∫_0^t s b^s (b+τ)^{−(s+1)} NB_n(τ) dτ` in `z = ln τ` (the
/// Jacobian `τ` included), and its derivatives.
struct Integrand {
    r: f64,
    s: f64,
    ln_a: f64,
    ln_b: f64,
    n: f64,
    /// `ln s − ln b + ln Γ(r+n) − ln Γ(r) − ln n!`.
    c0: f64,
    /// `ln Γ(r+n) − ln Γ(r) − ln n!`.
    ln_c: f64,
}

/// `(ln(1 + e^u), ln(1 + e^{−u}))` with one exponential, exact for every `u`.
fn softplus_pair(u: f64) -> (f64, f64) {
    let l = (-u.abs()).exp().ln_1p();
    (u.max(0.0) + l, (-u).max(0.0) + l)
}

/// The logistic `1/(1 + e^{−u})`.
fn logistic(u: f64) -> f64 {
    1.0 / (1.0 + (-u).exp())
}

impl Integrand {
    fn new(p: &ParetoNbdParams, n: u64) -> Self {
        let nf = n as f64;
        let ln_c = gamma_ln_ratio(p.r + nf, p.r) - ln_gamma(nf + 1.0);
        let (ln_a, ln_b) = (p.alpha.ln(), p.beta.ln());
        Integrand { r: p.r, s: p.s, ln_a, ln_b, n: nf, c0: p.s.ln() - ln_b + ln_c, ln_c }
    }

    /// `ln NB_n(τ)`: `ln_c − r ln(1 + τ/a) − n ln(1 + a/τ)`.
    fn ln_nb(&self, z: f64) -> f64 {
        let (up, down) = softplus_pair(z - self.ln_a);
        let tail = if self.n == 0.0 { 0.0 } else { self.n * down };
        self.ln_c - self.r * up - tail
    }

    /// `φ(z) = ln s − ln b − (s+1) ln(1 + τ/b) + ln NB_n(τ) + z`.
    fn phi(&self, z: f64) -> f64 {
        let (up_a, down_a) = softplus_pair(z - self.ln_a);
        let tail = if self.n == 0.0 { 0.0 } else { self.n * down_a };
        let up_b = softplus_pair(z - self.ln_b).0;
        self.c0 - (self.s + 1.0) * up_b - self.r * up_a - tail + z
    }

    /// `φ'(z) = 1 + n − (s+1) τ/(b+τ) − (r+n) τ/(a+τ)`, decreasing in z.
    fn slope(&self, z: f64) -> f64 {
        1.0 + self.n
            - (self.s + 1.0) * logistic(z - self.ln_b)
            - (self.r + self.n) * logistic(z - self.ln_a)
    }

    /// A bound of `|φ''|` on `[lo, hi]`: `|φ''(z)| = (s+1) q(z − ln b) + (r+n) q(z − ln a)` with
    /// `q(u) = e^u/(1+e^u)²`, unimodal with its maximum 1/4 at `u = 0`.
    fn curvature_bound(&self, lo: f64, hi: f64) -> f64 {
        let q = |ln_m: f64| {
            let u = ln_m.clamp(lo, hi) - ln_m;
            0.25 / (u * 0.5).cosh().powi(2)
        };
        (self.s + 1.0) * q(self.ln_b) + (self.r + self.n) * q(self.ln_a)
    }

    /// The distance from `[lo, hi]` to the nearest singularity of `φ` in the complex plane,
    /// `ln m ± iπ` for `m = a, b`: 20-point Gauss–Legendre on a panel no wider than 1.5 times it
    /// converges like `3^{−40}`.
    fn singularity_distance(&self, lo: f64, hi: f64) -> f64 {
        let d = |ln_m: f64| {
            let dx = (lo - ln_m).max(ln_m - hi).max(0.0);
            dx.hypot(std::f64::consts::PI)
        };
        d(self.ln_a).min(d(self.ln_b))
    }

    /// The maximiser of the concave `φ` on `(−∞, z_t]`: `z_t`, or the root of `φ'` (bisection in
    /// z to 1e-3: only the height `φ(z_max)` matters, and it is flat there).
    fn argmax(&self, z_t: f64) -> f64 {
        if self.slope(z_t) >= 0.0 {
            return z_t;
        }
        let (mut lo, mut hi) = (z_t - 1.0, z_t);
        while self.slope(lo) < 0.0 && lo > -2000.0 {
            hi = lo;
            lo = z_t - 2.0 * (z_t - lo);
        }
        while hi - lo > 1e-3 {
            let mid = 0.5 * (lo + hi);
            if self.slope(mid) >= 0.0 {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        0.5 * (lo + hi)
    }

    /// Where `φ`, monotone on that side of `z_max`, falls below `floor` (to within 0.01 in z),
    /// or `limit`.
    fn edge(&self, z_max: f64, dir: f64, limit: f64, floor: f64) -> f64 {
        let mut step: f64 = 1.0;
        loop {
            let z = z_max + dir * step;
            if dir > 0.0 && z >= limit {
                return limit;
            }
            if self.phi(z) < floor || step > 4096.0 {
                break;
            }
            step *= 2.0;
        }
        let inside_start = if step > 1.0 { z_max + dir * 0.5 * step } else { z_max };
        let (mut inside, mut outside) = (inside_start, z_max + dir * step);
        while (outside - inside).abs() > 0.01 {
            let mid = 0.5 * (inside + outside);
            if self.phi(mid) >= floor {
                inside = mid;
            } else {
                outside = mid;
            }
        }
        outside
    }

    /// `ln ∫_{−∞}^{z_t} e^{φ(z)} dz`, NaN past [`MAX_PANELS`].
    fn ln_integral(&self, z_t: f64) -> f64 {
        let z_max = self.argmax(z_t);
        let top = self.phi(z_max);
        let lo = self.edge(z_max, -1.0, f64::NEG_INFINITY, top - DEPTH);
        let hi = if z_max < z_t { self.edge(z_max, 1.0, z_t, top - DEPTH) } else { z_t };
        // Panels from lo to hi, each no wider than 1.5 times its distance to φ's singularities
        // (Gauss–Legendre error ~3^{−40}), 6/√(max |φ''|) and 40/max |φ'| (the error of 20-point
        // Gauss–Legendre on e^{λu}, |λ| ≤ 20, and on e^{−κu²/2}, κ ≤ 9, is below 1e-16).
        let nodes = gauss_legendre();
        let (mut a, mut sum, mut panels) = (lo, 0.0, 0usize);
        while a < hi {
            panels += 1;
            if panels > MAX_PANELS {
                return f64::NAN;
            }
            // The widest h with h ≤ limit(h): limit is non-increasing in h, so limit(h) for an
            // h that is too wide is itself a width that fits; a few geometric bisection steps
            // between the two widen it.
            let limit = |h: f64| {
                let slope = self.slope(a).abs().max(self.slope(a + h).abs());
                (1.5 * self.singularity_distance(a, a + h))
                    .min(6.0 / self.curvature_bound(a, a + h).sqrt())
                    .min(40.0 / slope)
            };
            let mut h = hi - a;
            let first = limit(h);
            if first < h {
                let (mut fits, mut too_wide) = (first, h);
                for _ in 0..6 {
                    let mid = (fits * too_wide).sqrt();
                    if limit(mid) >= mid {
                        fits = mid;
                    } else {
                        too_wide = mid;
                    }
                }
                h = fits;
            }
            let b = if hi - a - h < 1e-9 * h { hi } else { a + h };
            let (c, w) = (0.5 * (a + b), 0.5 * (b - a));
            sum += w * nodes
                .iter()
                .map(|&(u, wt)| wt * (self.phi(c + w * u) - top).exp())
                .sum::<f64>();
            a = b;
        }
        if sum > 0.0 {
            top + sum.ln()
        } else {
            f64::NEG_INFINITY
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quadrature_matches_closed_forms() {
        // n = 0, s → the integral of the Lomax density times (a/(a+τ))^r has no closed form in
        // general, but with r = 0⁺ it is 1 − (b/(b+t))^s; use r tiny.
        let p = ParetoNbdParams { r: 1e-10, alpha: 3.0, s: 0.7, beta: 5.0 };
        let k = Integrand::new(&p, 0);
        let want = 1.0 - (5.0f64 / 45.0).powf(0.7);
        assert!((k.ln_integral(40f64.ln()).exp() / want - 1.0).abs() < 1e-8);
        // The log-integrand's slope is its derivative.
        let k = Integrand::new(&ParetoNbdParams { r: 3.0, alpha: 2.0, s: 1.5, beta: 7.0 }, 4);
        for z in [-3.0, 0.0, 1.0, 4.0] {
            let d = (k.phi(z + 1e-6) - k.phi(z - 1e-6)) / 2e-6;
            assert!((d - k.slope(z)).abs() < 1e-6, "{z}: {d} vs {}", k.slope(z));
        }
    }
}
