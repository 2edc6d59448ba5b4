//! The shifted-beta-geometric likelihood (Fader & Hardie 2007, eq. 5 and 6) for the shared
//! driver: lifetimes grouped by (periods, churned) with weights, and their identifiability.

use std::collections::BTreeMap;

use super::{FitData, Likelihood, SbgParams};
use crate::error::{Error, Result};
use crate::special::{digamma, ln_beta};

/// Lifetimes grouped by (periods, churned) with weights.
pub(super) struct Durations {
    pub(super) rows: Vec<(f64, bool, f64)>,
    pub(super) n_obs: f64,
}

impl FitData for Durations {
    fn n_obs(&self) -> f64 {
        self.n_obs
    }

    fn n_rows(&self) -> usize {
        self.rows.len()
    }
}

/// The sBG likelihood for the shared driver.
pub(super) struct Lik;

impl Likelihood for Lik {
    type Data = Durations;
    const MODEL: &'static str = "sbg";
    const NAMES: &'static [&'static str] = SbgParams::NAMES;

    fn total(&self, data: &Durations, p: &[f64], grad: Option<&mut [f64]>) -> f64 {
        data.total(p, grad)
    }

    /// `α = β = 1` (uniform churn probabilities), then `α = 0.5, β = 3`.
    fn initial_guess(&self, _data: &Durations) -> Vec<Vec<f64>> {
        vec![vec![1.0, 1.0], vec![0.5, 3.0]]
    }
}

impl Durations {
    pub(super) fn from_map(map: BTreeMap<(u64, bool), f64>) -> Self {
        let rows: Vec<(f64, bool, f64)> =
            map.into_iter().map(|((t, c), w)| (t as f64, c, w)).collect();
        let n_obs = rows.iter().map(|r| r.2).sum();
        Durations { rows, n_obs }
    }

    /// Fails with [`Error::NotIdentified`] when no customer cancelled (the likelihood keeps
    /// rising as the churn probabilities go to 0), or when the data say nothing beyond the first
    /// period (every cancellation in period 1 and no customer observed for more than one
    /// period: only `α/(α+β)` is identified, not the spread of churn probabilities).
    pub(super) fn check_identifiable(&self) -> Result<()> {
        let not =
            |reason: &str| Error::NotIdentified { model: "sbg".into(), reason: reason.into() };
        if !self.rows.iter().any(|r| r.1) {
            return Err(not(
                "no customer cancelled: the churn probabilities are only bounded by 0",
            ));
        }
        if self.rows.iter().all(|r| r.0 <= 1.0) {
            return Err(not(
                "no customer was observed beyond the first period: only the first period's churn \
                 rate α/(α+β) is identified, not α and β",
            ));
        }
        Ok(())
    }

    /// Log-likelihood and gradient.
    ///
    /// Churned in period t: `ln B(α+1, β+t−1) − ln B(α, β)`; survived t periods:
    /// `ln B(α, β+t) − ln B(α, β)`.
    pub(super) fn total(&self, v: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let (a, b) = (v[0], v[1]);
        let lb = ln_beta(a, b);
        let (dg_b, dg_ab) = (digamma(b), digamma(a + b));
        let want = grad.is_some();
        let (mut s, mut ga, mut gb) = (0.0, 0.0, 0.0);
        for &(t, churned, w) in &self.rows {
            if churned {
                s += w * (ln_beta(a + 1.0, b + t - 1.0) - lb);
                if want {
                    let d = digamma(a + b + t);
                    ga += w * (1.0 / a - d + dg_ab);
                    gb += w * (digamma(b + t - 1.0) - d - dg_b + dg_ab);
                }
            } else if t > 0.0 {
                s += w * (ln_beta(a, b + t) - lb);
                if want {
                    let d = digamma(a + b + t);
                    ga += w * (dg_ab - d);
                    gb += w * (digamma(b + t) - d - dg_b + dg_ab);
                }
            }
        }
        if let Some(g) = grad {
            g[0] = ga;
            g[1] = gb;
        }
        s
    }
}
