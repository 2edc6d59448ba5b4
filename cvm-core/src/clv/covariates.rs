//! CLV per customer when either model has covariates: each customer's discounted purchases and
//! expected spend at that customer's parameters (see [`crate::models::covariates`]), with
//! delta-method intervals from the full covariance of each model's base parameters and
//! coefficients.

use super::{plan, ClvOptions, ClvResult};
use crate::error::{check, Error, Result};
use crate::models::covariates::{CovariateModel, Design, ProcessCovariates};
use crate::models::{
    log_gradient, quadratic_form, GammaGamma, GammaGammaParams, ModelKind, Scratch, SpendModel,
    TransactionModel,
};
use crate::parallel::{par_map, par_map2};

/// The transaction side of a CLV with covariates: a plain model, or one fitted with covariates.
#[derive(Clone, Copy)]
pub enum TransactionSide<'a> {
    /// A plain model: every customer at its parameters.
    Plain(&'a dyn TransactionModel),
    /// A covariate model: each customer at their own parameters.
    Covariates(&'a CovariateModel),
}

/// The spend side of a CLV with covariates: a plain spend model, or a Gamma-Gamma fitted with
/// spend covariates ([`crate::models::covariates::fit_spend`]).
#[derive(Clone, Copy)]
pub enum SpendSide<'a> {
    /// A plain spend model.
    Plain(&'a dyn SpendModel),
    /// A Gamma-Gamma with spend covariates.
    Covariates(&'a CovariateModel),
}

impl std::fmt::Debug for TransactionSide<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TransactionSide::Plain(m) => write!(f, "TransactionSide::Plain({})", m.model_name()),
            TransactionSide::Covariates(m) => write!(f, "TransactionSide::Covariates({m:?})"),
        }
    }
}

impl std::fmt::Debug for SpendSide<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SpendSide::Plain(m) => write!(f, "SpendSide::Plain({})", m.model_name()),
            SpendSide::Covariates(m) => write!(f, "SpendSide::Covariates({m:?})"),
        }
    }
}

/// One side resolved for `n` customers: its parameters as the covariance sees them (`θ`: the
/// base parameters, then `e^γ` per coefficient; the log-covariance is that of `ln θ`), each
/// customer's parameters, and the map from `θ` to customer `i`'s parameters.
struct Resolved<'a> {
    theta: Vec<f64>,
    log_cov: Option<&'a [Vec<f64>]>,
    /// Each customer's parameters; empty for a plain side (every customer at `theta`).
    customers: Vec<Vec<f64>>,
    design: Option<(Design, usize)>,
}

impl Resolved<'_> {
    fn plain(params: Vec<f64>, log_cov: Option<&[Vec<f64>]>) -> Resolved<'_> {
        Resolved { customers: Vec::new(), theta: params, log_cov, design: None }
    }

    /// Customer `i`'s parameters at the estimate.
    fn of(&self, i: usize) -> &[f64] {
        self.customers.get(i).map_or(&self.theta, |p| p)
    }

    fn covariates<'a>(
        m: &'a CovariateModel, n: usize, cov: &ProcessCovariates,
    ) -> Result<Resolved<'a>> {
        let design = m.layout().design(m.kind(), n, cov)?;
        let customers = m.customer_params(n, cov)?;
        let mut theta = m.base_params().to_vec();
        theta.extend(m.coefficients().iter().map(|g| g.exp()));
        let log_cov = m.log_covariance();
        Ok(Resolved { theta, log_cov, customers, design: Some((design, m.n_base())) })
    }

    /// Customer `i`'s parameters at `θ = q` into `out`.
    fn at(&self, q: &[f64], i: usize, out: &mut [f64]) {
        match &self.design {
            None => out.copy_from_slice(q),
            Some((d, nb)) => {
                let coef: Vec<f64> = q[*nb..].iter().map(|e| e.ln()).collect();
                d.customer_params(&q[..*nb], &coef, i, out);
            }
        }
    }
}

/// Expected discounted value of each customer's purchases over the horizon when the
/// transaction or the spend model has covariates: `CLV_i = margin · E(spend | x_i, z̄_i; θ_i^S)
/// · D(x_i, t_x,i, T_i; θ_i^T)`, with each customer's parameters `θ_i` from their covariates
/// (the links of [`crate::models::covariates::links`]) and `D` as
/// [`super::expected_discounted_purchases`] computes it (the same methods and units). Without
/// compression: every customer is evaluated at their own parameters.
///
/// With [`ClvOptions::interval_level`], `CLV_i · exp(±z·se_i)`, where `se_i²` is the variance of
/// `ln D_i` plus that of `ln E(spend_i)`, each from its gradient in `(ln base, γ)` (central
/// differences) and the model's full covariance (the two models' estimates taken as
/// independent, as in [`super::customer_lifetime_value`]).
///
/// # Errors
/// Invalid options; invalid histories (as the transaction model's predictions) or spend
/// columns ([`Error::InvalidValue`] naming the column and row); a covariate model of the wrong
/// kind ([`Error::InvalidValue`] `transaction` / `spend`); the covariates' errors (a missing
/// process or column, an unseen level: see [`CovariateModel::customer_params`]); intervals
/// without a covariance ([`Error::InvalidValue`] `covariance`); [`Error::Numerical`] naming
/// the first customer whose value is not finite.
///
/// # Examples
/// ```
/// use cvm_core::clv::covariates::{customer_lifetime_value, SpendSide, TransactionSide};
/// use cvm_core::clv::ClvOptions;
/// use cvm_core::models::covariates::{fit, Covariates, ProcessCovariates};
/// use cvm_core::models::{simulate, GammaGamma, GammaGammaParams, ModelKind, ParetoNbdParams, SimulationOptions};
/// let p = ParetoNbdParams::new(0.6, 10.0, 0.8, 12.0)?;
/// let s = simulate::pareto_nbd(&p, &SimulationOptions::default().with_n_customers(2000))?;
/// let vip: Vec<f64> = (0..2000).map(|i| (i % 3 == 0) as u8 as f64).collect();
/// let cov = ProcessCovariates::default().with_transaction(Covariates::new(&["vip"], &vip)?);
/// let m = fit(ModelKind::ParetoNbd, &s.frequency, &s.recency, &s.t, &cov, &Default::default())?;
/// let gg = GammaGamma::from_params(GammaGammaParams::new(6.25, 3.74, 15.44)?)?;
/// let spend = vec![20.0; 2000];
/// let o = ClvOptions::default().with_horizon(52.0).with_time_unit(cvm_core::TimeUnit::Week)
///     .with_data_time_unit(cvm_core::TimeUnit::Week);
/// let v = customer_lifetime_value(
///     TransactionSide::Covariates(&m), SpendSide::Plain(&gg),
///     &s.frequency, &s.recency, &s.t, &spend, &cov, &o,
/// )?;
/// // Each customer: the expected spend times the discounted purchases at their parameters.
/// assert!((v.value[0] - v.expected_spend[0] * v.discounted_purchases[0]).abs() < 1e-12);
/// # Ok::<(), cvm_core::Error>(())
/// ```
#[allow(clippy::too_many_arguments)]
pub fn customer_lifetime_value(
    transaction: TransactionSide<'_>, spend: SpendSide<'_>, frequency: &[f64], recency: &[f64],
    t_cal: &[f64], monetary_value: &[f64], covariates: &ProcessCovariates, options: &ClvOptions,
) -> Result<ClvResult> {
    options.validate()?;
    let n = frequency.len();
    // The plain kernels, and each side's parameters.
    let owned_t: Box<dyn TransactionModel>;
    let (kernels, t_side, model_unit): (&dyn TransactionModel, Resolved<'_>, _) = match transaction
    {
        TransactionSide::Plain(m) => {
            let log_cov = m.covariance().map(|c| c.log_matrix());
            (m, Resolved::plain(m.params(), log_cov), m.time_unit())
        }
        TransactionSide::Covariates(m) => {
            if m.kind() == ModelKind::GammaGamma {
                return Err(Error::invalid("transaction", "a Gamma-Gamma is a spend model"));
            }
            owned_t = m.kernels()?;
            owned_t.check_histories(frequency, recency, t_cal)?;
            (&*owned_t, Resolved::covariates(m, n, covariates)?, m.time_unit())
        }
    };
    let unit = options.resolve_data_time_unit(model_unit)?;
    kernels.check_histories(frequency, recency, t_cal)?;
    check::same_len("monetary_value", n, monetary_value.len())?;
    let owned_s: GammaGamma;
    let (gg, s_side): (&dyn SpendModel, Resolved<'_>) = match spend {
        SpendSide::Plain(s) => {
            let log_cov = s.covariance().map(|c| c.log_matrix());
            (s, Resolved::plain(s.params(), log_cov))
        }
        SpendSide::Covariates(m) => {
            if m.kind() != ModelKind::GammaGamma {
                let reason = format!("must be a Gamma-Gamma, got `{}`", m.kind().as_str());
                return Err(Error::invalid("spend", reason));
            }
            owned_s = GammaGamma::from_params(GammaGammaParams::from_slice(m.base_params())?)?;
            (&owned_s, Resolved::covariates(m, n, covariates)?)
        }
    };
    gg.check_spend(frequency, monetary_value)?;
    let pl = plan(kernels, options, unit)?;
    let d_at = |p: &[f64], i: usize| pl.discounted(p, frequency[i], recency[i], t_cal[i]);
    let e_at = |p: &[f64], i: usize| {
        gg.conditional_expected_average_spend_with(p, frequency[i], monetary_value[i])
    };
    let discounted_purchases = par_map(n, |i| d_at(t_side.of(i), i));
    let expected_spend = par_map(n, |i| e_at(s_side.of(i), i));
    let value: Vec<f64> =
        (0..n).map(|i| options.margin * expected_spend[i] * discounted_purchases[i]).collect();
    if let Some(i) = check::first_bad(&value, f64::is_finite) {
        return Err(Error::Numerical {
            context: "customer_lifetime_value with covariates".into(),
            reason: format!(
                "customer {i}: the value is not finite (discounted purchases {}, expected spend \
                 {})",
                discounted_purchases[i], expected_spend[i]
            ),
        });
    }
    let (lower, upper) = match options.interval_level {
        None => (None, None),
        Some(level) => {
            let z = crate::models::normal_quantile(0.5 + 0.5 * level);
            let no_cov = |which: &str| Error::no_covariance(Some(which));
            let cov_t = t_side.log_cov.ok_or_else(|| no_cov("transaction"))?;
            let cov_s = s_side.log_cov.ok_or_else(|| no_cov("spend"))?;
            let (lo, hi) = par_map2(n, |i| {
                let var =
                    log_variance(&t_side, cov_t, i, &d_at) + log_variance(&s_side, cov_s, i, &e_at);
                let se = var.max(0.0).sqrt();
                (value[i] * (-z * se).exp(), value[i] * (z * se).exp())
            });
            (Some(lo), Some(hi))
        }
    };
    Ok(ClvResult { value, discounted_purchases, expected_spend, lower, upper })
}

/// The delta-method variance of `ln f(θ_i)` for customer `i` of `side`.
fn log_variance(
    side: &Resolved<'_>, log_cov: &[Vec<f64>], i: usize, f: &(dyn Fn(&[f64], usize) -> f64 + Sync),
) -> f64 {
    let k = side.theta.len();
    let mut g = Scratch::new(k);
    let kp = side.of(i).len();
    log_gradient(&side.theta, g.get(), |q| {
        let mut p = Scratch::new(kp);
        side.at(q, i, p.get());
        f(p.get(), i)
    });
    quadratic_form(g.get(), log_cov)
}
