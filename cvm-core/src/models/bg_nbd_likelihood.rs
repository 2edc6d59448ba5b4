//! The BG/NBD likelihood (Fader, Hardie & Lee 2005, eq. 6) for the shared driver: per-frequency
//! terms with their gradient and exact Hessian, summed over the customers by the BG-family
//! helper [`two_term_total`].

use super::bg_family_likelihood::{head_polygammas, BgLik, BgTerms};
use super::bg_nbd::BgNbdParams;
use super::{SummaryData, XTerms};
use crate::special::{digamma, gamma_ln_ratio, ln_beta, trigamma};

/// The BG/NBD's per-frequency terms.
pub(super) struct Terms;

/// The likelihood for the shared driver [`fit_ml`](super::fit_ml).
pub(super) const LIK: BgLik<Terms> = BgLik(Terms);

impl BgTerms for Terms {
    const MODEL: &'static str = "bg_nbd";
    const NAMES: &'static [&'static str] = BgNbdParams::NAMES;

    /// Per-frequency terms (FHL 2005 eq. 6 as `h(x) + ln(e^{A₁} + e^{A₂})`).
    fn table(data: &SummaryData, p: &[f64], with_hessian: bool) -> Vec<XTerms> {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3]);
        let ln_alpha = alpha.ln();
        let lb = ln_beta(a, b);
        let ([dg_r, dg_b, dg_ab], [tg_r, tg_b, tg_ab]) = head_polygammas(r, a, b, with_hessian);
        data.x_levels()
            .iter()
            .map(|&x| {
                let mut t = XTerms {
                    head: gamma_ln_ratio(r + x, r) + r * ln_alpha + ln_beta(a, b + x) - lb,
                    rx: r + x,
                    two: x > 0.0,
                    ..Default::default()
                };
                let (dr, da) = if x > 0.0 {
                    (digamma(r + x) - dg_r, dg_ab - digamma(a + b + x))
                } else {
                    (0.0, 0.0)
                };
                let db = if x > 0.0 { da + digamma(b + x) - dg_b } else { 0.0 };
                t.head_grad = [dr + ln_alpha, r / alpha, da, db];
                if with_hessian {
                    let (hr, ha) = if x > 0.0 {
                        (trigamma(r + x) - tg_r, tg_ab - trigamma(a + b + x))
                    } else {
                        (0.0, 0.0)
                    };
                    let hb = if x > 0.0 { ha + trigamma(b + x) - tg_b } else { 0.0 };
                    t.head_hess = [
                        [hr, 1.0 / alpha, 0.0, 0.0],
                        [1.0 / alpha, -r / (alpha * alpha), 0.0, 0.0],
                        [0.0, 0.0, ha, ha],
                        [0.0, 0.0, ha, hb],
                    ];
                }
                if x > 0.0 {
                    let bx = b + x - 1.0;
                    t.c[1] = a.ln() - bx.ln();
                    t.c_grad[1] = [1.0 / a, -1.0 / bx];
                    t.c_hess[1] = [-1.0 / (a * a), 1.0 / (bx * bx)];
                }
                t
            })
            .collect()
    }
}
