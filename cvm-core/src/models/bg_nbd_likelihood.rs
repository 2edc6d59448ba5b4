//! The BG/NBD likelihood (Fader, Hardie & Lee 2005, eq. 6) for the shared driver: per-frequency
//! terms with their gradient and exact Hessian, summed over the customers by the BG-family
//! helper [`two_term_total`].

use super::bg_family_likelihood::{head_sums, BgLik, BgTerms};
use super::bg_nbd::BgNbdParams;
use super::{SummaryData, XTerms};

/// The BG/NBD's per-frequency terms.
pub(super) struct Terms;

/// The likelihood for the shared driver [`fit_ml`](super::fit_ml).
pub(super) const LIK: BgLik<Terms> = BgLik(Terms);

impl BgTerms for Terms {
    const MODEL: &'static str = "bg_nbd";
    const NAMES: &'static [&'static str] = BgNbdParams::NAMES;

    /// Per-frequency terms (FHL 2005 eq. 6 as `h(x) + ln(e^{A₁} + e^{A₂})`), the head from
    /// the running sums of [`head_sums`].
    fn table(data: &SummaryData, p: &[f64], with_hessian: bool) -> Vec<XTerms> {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
        let (ln_alpha, ln_a) = (alpha.ln(), a.ln());
        let sums = head_sums(data.x_levels(), r, a, b, with_hessian);
        data.x_levels()
            .iter()
            .zip(&sums)
            .map(|(&x, s)| {
                let mut t = XTerms {
                    // ln Γ(r+x)/Γ(r) + r ln α + ln B(a, b+x)/B(a, b), the beta ratio as one sum
                    // of logarithms: no cancellation of terms of size (a+b) ln(a+b) when a and
                    // b are large (the ridge check evaluates the likelihood at a, b of 1e10 and
                    // more).
                    head: s.ln_r + r * ln_alpha + s.ln_beta,
                    rx: r + x,
                    two: x > 0.0,
                    ..Default::default()
                };
                // ψ(r+x) − ψ(r), ψ(a+b) − ψ(a+b+x), and the b-derivative adds ψ(b+x) − ψ(b).
                let da = -s.inv[2];
                t.head_grad = [s.inv[0] + ln_alpha, r / alpha, da, da + s.inv[1]];
                if with_hessian {
                    let ha = s.inv2[2];
                    t.head_hess = [
                        [-s.inv2[0], 1.0 / alpha, 0.0, 0.0],
                        [1.0 / alpha, -r / (alpha * alpha), 0.0, 0.0],
                        [0.0, 0.0, ha, ha],
                        [0.0, 0.0, ha, ha - s.inv2[1]],
                    ];
                }
                if x > 0.0 {
                    let bx = b + x - 1.0;
                    t.c[1] = ln_a - bx.ln();
                    t.c_grad[1] = [1.0 / a, -1.0 / bx];
                    t.c_hess[1] = [-1.0 / (a * a), 1.0 / (bx * bx)];
                }
                t
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::special::gamma_ln_ratio;

    #[test]
    fn head_is_exact_for_large_a_and_b() {
        // For a whole x, ln B(a, b+x) − ln B(a, b) = Σ_{k<x} ln((b+k)/(a+b+k)) exactly.
        let data = SummaryData::new(&[0.0, 1.0, 2.0, 5.0], &[0.0, 1.0, 2.0, 3.0], &[4.0; 4], None)
            .unwrap();
        for (a, b) in [(0.8, 2.5), (3.0, 5.0), (7.7e6, 1.9e7), (3.81e10, 9.23e10)] {
            let p = [0.25, 4.0, a, b];
            let table = Terms::table(&data, &p, false);
            for (t, &x) in table.iter().zip(data.x_levels()) {
                let beta: f64 =
                    (0..x as usize).map(|k| ((b + k as f64) / (a + b + k as f64)).ln()).sum();
                let want = gamma_ln_ratio(0.25 + x, 0.25) + 0.25 * 4f64.ln() + beta;
                assert!(
                    (t.head - want).abs() <= 1e-13 * want.abs().max(1.0),
                    "a {a} x {x}: {} vs {want}",
                    t.head
                );
            }
        }
    }
}
