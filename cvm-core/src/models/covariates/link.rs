//! The links of each model (which natural parameter each process's covariates shift, and with
//! which sign) and the [`Design`] of a covariate fit: the covariate matrices, the coefficient of
//! each column and the per-customer parameters they give.

use super::columns::Encoding;
use super::matrix::Matrix;
use super::Covariates;
use crate::error::{Error, Result};
use crate::models::ModelKind;

/// A process whose parameters covariates shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Process {
    /// The purchase process (coefficients `trans_<column>`).
    Transaction,
    /// The dropout process (coefficients `life_<column>`).
    Lifetime,
    /// The spend process (coefficients `spend_<column>`).
    Spend,
}

impl Process {
    /// The prefix of the coefficient names: `trans`, `life` or `spend`.
    pub fn prefix(self) -> &'static str {
        match self {
            Process::Transaction => "trans",
            Process::Lifetime => "life",
            Process::Spend => "spend",
        }
    }
}

/// One link term: the natural parameter at index `param` of customer `i` is
/// `p · exp(sign · γ_process · z_i)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkTerm {
    /// Index of the parameter in the model's parameter order.
    pub param: usize,
    /// The process whose covariates shift it.
    pub process: Process,
    /// `+1` or `−1`.
    pub sign: f64,
}

const fn term(param: usize, process: Process, sign: f64) -> LinkTerm {
    LinkTerm { param, process, sign }
}

/// The links of `model` (the CLVTools parameterisation for the transaction models):
/// * Pareto/NBD `(r, α, s, β)`: `α_i = α e^{−γ_trans·z}`, `β_i = β e^{−γ_life·z}`;
/// * BG/NBD and MBG/NBD `(r, α, a, b)`: `α_i = α e^{−γ_trans·z}`, `a_i = a e^{γ_life·z}`,
///   `b_i = b e^{γ_life·z}`;
/// * BG/BB `(α, β, γ, δ)` (discrete time): `α_i = α e^{γ_trans·z}`, `γ_i = γ e^{γ_life·z}`
///   (the first shapes of the beta distributions of the purchase and the dropout probability:
///   a positive coefficient raises the mean `α/(α+β)`, resp. `γ/(γ+δ)`);
/// * Gamma-Gamma `(p, q, γ)`: `γ_i = γ e^{γ_spend·z}` — `γ` is the rate of the gamma
///   distribution of the customers' spend rates `ν` (`E ν = q/γ`), so this scales every spend
///   rate by `e^{−γ_spend·z}` (`ν_i = ν e^{−γ_spend·z}`) and the mean spend `pγ/(q−1)` by
///   `e^{γ_spend·z}`: a positive coefficient raises spend.
///
/// A positive `γ_trans` raises the purchase rate (`α` is a scale of the rates: the mean rate
/// `r/α_i` is multiplied by `e^{γ_trans·z}`); a positive `γ_life` raises the dropout rate of
/// the Pareto/NBD (mean `s/β_i`) and leaves the BG/NBD's mean dropout probability
/// `a/(a+b)` unchanged while concentrating it.
///
/// # Errors
/// [`Error::InvalidValue`] (`model`) for a model without covariate links (the sBG).
pub fn links(model: ModelKind) -> Result<&'static [LinkTerm]> {
    use Process::*;
    const PNBD: &[LinkTerm] = &[term(1, Transaction, -1.0), term(3, Lifetime, -1.0)];
    const BG: &[LinkTerm] =
        &[term(1, Transaction, -1.0), term(2, Lifetime, 1.0), term(3, Lifetime, 1.0)];
    const GG: &[LinkTerm] = &[term(2, Spend, 1.0)];
    const BGBB: &[LinkTerm] = &[term(0, Transaction, 1.0), term(2, Lifetime, 1.0)];
    match model {
        ModelKind::ParetoNbd => Ok(PNBD),
        ModelKind::BgNbd | ModelKind::MbgNbd => Ok(BG),
        ModelKind::GammaGamma => Ok(GG),
        ModelKind::BgBb => Ok(BGBB),
        other => Err(Error::invalid(
            "model",
            format!(
                "`{}` has no covariate links (pareto_nbd, bg_nbd, mbg_nbd, bg_bb, gamma_gamma do)",
                other.as_str()
            ),
        )),
    }
}

/// One process's covariates in a [`Design`]: the encoding of its columns, the design matrix
/// and, per design column, the index of its coefficient.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Block {
    pub(crate) process: Process,
    pub(crate) encodings: Vec<Encoding>,
    pub(crate) z: Matrix,
    pub(crate) coef: Vec<usize>,
}

/// The covariate design of a fit: the model's links, the covariate matrix of each process and
/// the coefficient names. Coefficient `j` is parameter `n_base + j` of the fit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Design {
    pub(crate) model: ModelKind,
    pub(crate) terms: &'static [LinkTerm],
    pub(crate) blocks: Vec<Block>,
    pub(crate) coef_names: Vec<String>,
}

impl Design {
    /// Builds the design of `model` from the covariates of each process (`None`: none) and the
    /// `shared` columns (present in both the transaction and the lifetime matrix; one
    /// coefficient `shared_<column>` for both).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] (`model`) without links; [`Error::InvalidValue`] (`covariates`)
    /// for covariates of a process the model has no link for; [`Error::LengthMismatch`]
    /// (`<process>_covariates`) when a matrix's rows are not `n` customers;
    /// [`Error::InvalidValue`] (`shared`) for a shared column missing from either matrix;
    /// [`Error::NotIdentified`] naming a constant or collinear column.
    pub(crate) fn new(
        model: ModelKind, n: usize, processes: Vec<(Process, &Covariates)>, shared: &[String],
    ) -> Result<Self> {
        let terms = links(model)?;
        let mut blocks = Vec::new();
        let mut coef_names: Vec<String> = Vec::new();
        for (process, covariates) in processes {
            let field = format!("{}_covariates", process.prefix());
            if !terms.iter().any(|t| t.process == process) {
                let reason = format!("`{}` has no {} link", model.as_str(), process.prefix());
                return Err(Error::invalid(field, reason));
            }
            if blocks.iter().any(|b: &Block| b.process == process) {
                return Err(Error::invalid(field, "given twice"));
            }
            crate::error::check::same_len(&field, n, covariates.n_rows())?;
            let encodings = covariates.encodings();
            for e in &encodings {
                if let Encoding::Categorical { name, levels, .. } = e {
                    if levels.len() < 2 {
                        return Err(Error::NotIdentified {
                            model: model.as_str().to_string(),
                            reason: format!(
                                "covariate column `{name}` has the single level `{}`: it is \
                                 constant",
                                levels[0]
                            ),
                        });
                    }
                }
            }
            let z = covariates.design(&encodings, &field)?;
            z.check_identifiable(model.as_str())?;
            let mut coef = Vec::with_capacity(z.n_cols());
            for e in &encodings {
                let is_shared = shared.iter().any(|c| c == e.name()) && process != Process::Spend;
                for c in e.design_names() {
                    let name = if is_shared {
                        format!("shared_{c}")
                    } else {
                        format!("{}_{c}", process.prefix())
                    };
                    coef.push(match coef_names.iter().position(|n| *n == name) {
                        Some(j) => j,
                        None => {
                            coef_names.push(name);
                            coef_names.len() - 1
                        }
                    });
                }
            }
            blocks.push(Block { process, encodings, z, coef });
        }
        for c in shared {
            let encoding = |p: Process| {
                blocks
                    .iter()
                    .filter(|b| b.process == p)
                    .flat_map(|b| b.encodings.iter())
                    .find(|e| e.name() == c)
            };
            match (encoding(Process::Transaction), encoding(Process::Lifetime)) {
                (Some(t), Some(l)) if t == l => {}
                (Some(_), Some(_)) => {
                    let reason = format!(
                        "column `{c}` must have the same levels and reference level in the \
                         transaction and the lifetime covariates"
                    );
                    return Err(Error::invalid("shared", reason));
                }
                _ => {
                    let reason = format!(
                        "column `{c}` must be in both the transaction and the lifetime covariates"
                    );
                    return Err(Error::invalid("shared", reason));
                }
            }
        }
        Ok(Design { model, terms, blocks, coef_names })
    }

    /// The design on every `stride`-th customer.
    pub(crate) fn every(&self, stride: usize) -> Self {
        let blocks = self
            .blocks
            .iter()
            .map(|b| Block {
                process: b.process,
                encodings: b.encodings.clone(),
                z: b.z.every(stride),
                coef: b.coef.clone(),
            })
            .collect();
        Design { blocks, coef_names: self.coef_names.clone(), ..*self }
    }

    /// Number of coefficients.
    pub(crate) fn n_coef(&self) -> usize {
        self.coef_names.len()
    }

    /// The linear predictor `γ_process · z_i` of each process of customer `i` (in the order
    /// of [`Process`]: transaction, lifetime, spend; 0 for a process without covariates).
    pub(crate) fn eta(&self, coef: &[f64], i: usize) -> [f64; 3] {
        let mut eta = [0.0; 3];
        for b in &self.blocks {
            let row = b.z.row(i);
            eta[b.process as usize] +=
                row.iter().zip(&b.coef).map(|(z, &j)| z * coef[j]).sum::<f64>();
        }
        eta
    }

    /// Customer `i`'s natural parameters: `base` with each link term applied, written into
    /// `out`; returns the linear predictors (see [`Design::eta`]).
    pub(crate) fn customer_params(
        &self, base: &[f64], coef: &[f64], i: usize, out: &mut [f64],
    ) -> [f64; 3] {
        out.copy_from_slice(base);
        let eta = self.eta(coef, i);
        for t in self.terms {
            out[t.param] = base[t.param] * (t.sign * eta[t.process as usize]).exp();
        }
        eta
    }

    /// Adds customer `i`'s contribution `w · ∂ℓ_i/∂(base, γ)` to `acc`, from `g`, the gradient
    /// of `ℓ_i` in the customer's natural parameters `p_i` (chain rule:
    /// `∂p_ij/∂p_j = p_ij/p_j`, `∂p_ij/∂γ_c = sign · p_ij · z_ic`).
    pub(crate) fn chain(
        &self, base: &[f64], p_i: &[f64], g: &[f64], i: usize, w: f64, acc: &mut [f64],
    ) {
        let nb = base.len();
        for (j, gj) in g.iter().enumerate() {
            let linked = self.terms.iter().any(|t| t.param == j);
            acc[j] += w * if linked { gj * p_i[j] / base[j] } else { *gj };
        }
        for b in &self.blocks {
            // d ℓ / d η_process = Σ_terms sign · p_ij · g_j
            let d_eta: f64 = self
                .terms
                .iter()
                .filter(|t| t.process == b.process)
                .map(|t| t.sign * p_i[t.param] * g[t.param])
                .sum();
            for (z, &j) in b.z.row(i).iter().zip(&b.coef) {
                acc[nb + j] += w * d_eta * z;
            }
        }
    }
}
