//! The methods the BG/NBD and the MBG/NBD share, written once as macros that each model's file
//! invokes with what differs: its likelihood, its simulator, its display name, the documentation
//! of the methods whose formulas or examples differ, and its kernels (`p_alive`, `ln_p_n`).
//!
//! * `bg_family_methods!` — the inherent methods of the fitted model: `fit`, `simulate`,
//!   `log_likelihood`, `probability_of_n_purchases`, `probability_alive_interval`, and `Display`;
//! * `bg_family_kernels!` — the [`TransactionModel`](super::TransactionModel) items that are the
//!   same in both: the factorisation through P(alive), the age-interpolation shift `α`, the
//!   closed-form gradient of `ln P(alive)` ([`super::bg_family::ln_alive_gradient`], with the
//!   offset `d` of the model), P(alive) and P(X(t) = n) at the model's own parameters.

/// The inherent methods of a BG-family model (see the module documentation). The documentation
/// of `fit` and `probability_of_n_purchases` is the caller's (their examples and formulas
/// differ); `ln_p_n(&params, n, horizon)` is the caller's log-probability of `n` purchases.
macro_rules! bg_family_methods {
    (
        model: $model:ident,
        params: $params:ident,
        likelihood: $lik:expr,
        simulate: $simulate:path,
        display: $display:literal,
        $(#[$fit_doc:meta])*
        fn fit;
        $(#[$pn_doc:meta])*
        fn probability_of_n_purchases;
    ) => {
        impl $model {
            $(#[$fit_doc])*
            pub fn fit(
                data: &$crate::models::SummaryData,
                options: &$crate::models::FitOptions,
            ) -> $crate::Result<Self> {
                $crate::models::check_identifiable(
                    <$params as $crate::models::ModelParams>::NAME,
                    "frequency",
                    data.frequency(),
                    data.recency(),
                    data.t(),
                )?;
                let fit = $crate::models::fit_ml(&$lik, data, options)?;
                $crate::models::Fitted::from_fit(fit, options.time_unit)
            }

            /// Simulates a cohort from this model's parameters (see [`super::simulate`]): the
            /// calibration summary, holdout counts and optionally the transaction log; seeded
            /// and reproducible.
            ///
            /// # Errors
            /// Invalid simulation options.
            pub fn simulate(
                &self,
                options: &$crate::models::SimulationOptions,
            ) -> $crate::Result<$crate::models::SimulatedCohort> {
                $simulate(&self.params, options)
            }

            /// Log-likelihood of a whole (weighted) summary at this model's parameters.
            pub fn log_likelihood(&self, data: &$crate::models::SummaryData) -> f64 {
                $crate::models::Likelihood::total(&$lik, data, &self.params.to_vec(), None)
            }

            $(#[$pn_doc])*
            pub fn probability_of_n_purchases(&self, horizon: f64, n: u64) -> $crate::Result<f64> {
                $crate::models::check_t("t", horizon)?;
                Ok($crate::models::TransactionModel::probability_of_n_purchases_at(
                    self, horizon, n,
                ))
            }

            /// P(alive) with its delta-method intervals (see [`crate::models`]).
            ///
            /// # Errors
            /// No covariance ([`Error::InvalidValue`](crate::Error::InvalidValue) `covariance`),
            /// invalid level or customers.
            pub fn probability_alive_interval(
                &self,
                frequency: &[f64],
                recency: &[f64],
                t_cal: &[f64],
                level: f64,
            ) -> $crate::Result<$crate::models::PredictionInterval> {
                $crate::models::TransactionModel::probability_alive_interval(
                    self, frequency, recency, t_cal, level,
                )
            }
        }

        impl std::fmt::Display for $model {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let p = &self.params;
                write!(
                    f,
                    concat!($display, "(r={:.4}, alpha={:.4}, a={:.4}, b={:.4})"),
                    p.r, p.alpha, p.a, p.b
                )
            }
        }
    };
}

/// The [`TransactionModel`](super::TransactionModel) items a BG-family model shares, inside its
/// `impl TransactionModel` block: `d` is the offset of `b + x − d` in P(alive) (1 for the
/// BG/NBD, 0 for the MBG/NBD), `p_alive(&params, x, t_x, t_cal)`,
/// `alive_expectation(&params, horizon, x, t_cal)` and `ln_p_n(&params, n, horizon)` the
/// caller's kernels.
macro_rules! bg_family_kernels {
    (
        d: $d:literal,
        params: $params:ident,
        expectation_doc: { $(#[doc = $doc:literal])* },
        p_alive: $p_alive:path,
        alive_expectation: $alive_expectation:path,
        ln_p_n: $ln_p_n:path
    ) => {
        $(#[doc = $doc])*
        fn conditional_expected_purchases_with(
            &self, params: &[f64], horizon: f64, x: f64, t_x: f64, t_cal: f64,
        ) -> f64 {
            let p = $params::raw(params);
            let alive = $p_alive(&p, x, t_x, t_cal);
            if alive == 0.0 {
                return 0.0; // the expectation (finite, ≥ 0) need not be evaluated
            }
            $alive_expectation(&p, horizon, x, t_cal) * alive
        }

        /// The conditional expectation is P(alive) times a function of `(t, x, T)`.
        fn factors_through_alive(&self) -> bool {
            true
        }

        /// `α`: at `t_x = T` the expectation depends on `T` through `α + T`.
        fn age_interpolation_shift(&self, params: &[f64]) -> Option<f64> {
            Some(params[1])
        }

        fn ln_probability_alive_gradient_with(
            &self, params: &[f64], history: (f64, f64, f64), out: &mut [f64],
        ) -> bool {
            $crate::models::bg_family::ln_alive_gradient(params, $d, history, out)
        }

        fn probability_alive_at(&self, x: f64, t_x: f64, t_cal: f64) -> f64 {
            $p_alive(&self.params, x, t_x, t_cal)
        }

        /// The ₂F₁ closed form (or the quadrature) of the expectation of a customer alive at
        /// `T`: the costly factor, which the vectorised predictions interpolate over ages.
        fn expectation_given_alive_at(&self, horizon: f64, x: f64, t_cal: f64) -> Option<f64> {
            Some($alive_expectation(&self.params, horizon, x, t_cal))
        }

        fn probability_of_n_purchases_at(&self, horizon: f64, n: u64) -> f64 {
            $ln_p_n(&self.params, n as f64, horizon).exp().clamp(0.0, 1.0)
        }
    };
}

pub(crate) use {bg_family_kernels, bg_family_methods};
