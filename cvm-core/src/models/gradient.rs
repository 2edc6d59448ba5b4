//! Per-customer gradients of a prediction's logarithm with respect to the model's
//! log-parameters: the input of the delta-method intervals of predictions and of customer
//! lifetime value, computed with the structure the values are computed with.
//!
//! The gradients are central differences in `ln θ` (step [`STEP`]), so every model, a user's own
//! included, gets them from its `_with` kernels. Three things keep their cost a small multiple of
//! the values' cost:
//! - customers are compressed to distinct histories;
//! - for a model whose predictions factor through P(alive) (`v = P(alive | x, t_x, T) · g(x, T)`,
//!   [`TransactionModel::factors_through_alive`]), the gradient of `ln v` at the reference recency
//!   is computed once per distinct `(x, T)`, and each customer adds the gradient of
//!   `ln P(alive | x, t_x, T) − ln P(alive | x, t_ref, T)`;
//! - for a frequency with many distinct ages, that gradient is a Chebyshev interpolant in
//!   `ln(T + m)` ([`TransactionModel::age_interpolation_shift`]), as the values of customer
//!   lifetime value are, checked against direct differences at four points between its nodes.

use super::TransactionModel;
use crate::compress::distinct_rows;
use crate::distinct::groups_with_ranges;
use crate::error::Result;
use crate::parallel::{par_map_rows, rows_where};
use crate::special::{Chebyshev, Nodes};

/// Step in `ln θ` of the central differences.
pub(crate) const STEP: f64 = 1e-5;
/// Distinct ages of one frequency from which a gradient is interpolated rather than differenced
/// customer by customer.
const INTERPOLATE_FROM: usize = 256;
/// Largest accepted error of an interpolated gradient component at its check points,
/// `|Δ| ≤ GRAD_TOL · (1 + |g|)`: far below what an interval can show (it moves a bound by a
/// relative 1e-6 of its half-width), and above the central differences' own noise (kernels
/// accurate to about 1e-12 relative, divided by the step `2e-5`).
const GRAD_TOL: f64 = 1e-6;
/// Parameters held on the stack by [`log_gradient`]; longer parameter vectors are allocated.
const STACK_PARAMS: usize = 16;

/// A per-customer prediction `v(θ; x, t_x, T)` at parameters `θ` (not validated).
pub(crate) type Prediction<'a> = &'a (dyn Fn(&[f64], f64, f64, f64) -> f64 + Sync);

/// `∂ ln f / ∂ ln θ_j` at `params` into `out`, by central differences; a component whose
/// difference is not finite is 0 (a prediction at the edge of its range carries no spread).
pub(crate) fn log_gradient(params: &[f64], out: &mut [f64], f: impl Fn(&[f64]) -> f64) {
    let mut scratch = Scratch::new(params.len());
    let q = scratch.get();
    q.copy_from_slice(params);
    for j in 0..params.len() {
        q[j] = params[j] * STEP.exp();
        let up = f(q).ln();
        q[j] = params[j] * (-STEP).exp();
        let down = f(q).ln();
        q[j] = params[j];
        out[j] = if up.is_finite() && down.is_finite() { (up - down) / (2.0 * STEP) } else { 0.0 };
    }
}

/// The quadratic form `gᵀ S g` (the variance of a log prediction from its log-parameter
/// gradient `g` and the log-parameter covariance `S`).
pub(crate) fn quadratic_form(g: &[f64], s: &[Vec<f64>]) -> f64 {
    g.iter()
        .zip(s)
        .map(|(gi, row)| gi * row.iter().zip(g).map(|(sij, gj)| sij * gj).sum::<f64>())
        .sum()
}

/// `∂ ln v_i / ∂ ln θ_j` for every customer `i` (a row-major `n × k` table, `k = params.len()`),
/// for the prediction `v` of `model` at `params`. `shift` is the model's
/// [age-interpolation shift](TransactionModel::age_interpolation_shift) when `v` at the reference
/// recency is smooth in `ln(T + shift)` (continuous time); `None` differences every distinct
/// history.
///
/// # Errors
/// As [`crate::compress::distinct_rows`] (the columns are validated by the callers first).
pub(crate) fn log_gradients<M: TransactionModel + ?Sized>(
    model: &M, params: &[f64], v: Prediction<'_>, shift: Option<f64>,
    (frequency, recency, t): (&[f64], &[f64], &[f64]),
) -> Result<Vec<f64>> {
    let k = params.len();
    let factor = model.factors_through_alive();
    let reference = |i: usize| match factor {
        true if frequency[i] > 0.0 => t[i],
        true => 0.0,
        false => recency[i],
    };
    let rows: Vec<usize> = (0..frequency.len()).collect();
    let base = match shift.filter(|_| factor) {
        Some(m) => by_frequency(params, v, m, (frequency, t))?,
        None => differenced(params, v, &rows, (frequency, &|i| reference(i), t))?,
    };
    if !factor {
        return Ok(base);
    }
    Ok(par_map_rows(frequency.len(), k, |i, row| {
        row.copy_from_slice(&base[i * k..(i + 1) * k]);
        let tr = reference(i);
        if recency[i] != tr {
            let (x, tc) = (frequency[i], t[i]);
            let (mut at, mut at_ref) = (Scratch::new(k), Scratch::new(k));
            ln_alive_gradient(model, params, (x, recency[i], tc), at.get());
            ln_alive_gradient(model, params, (x, tr, tc), at_ref.get());
            for ((r, a), b) in row.iter_mut().zip(at.get().iter()).zip(at_ref.get().iter()) {
                *r += a - b;
            }
        }
    }))
}

/// The gradient rows of customers `rows` (a `rows.len() × k` table), differenced once per
/// distinct `(x, t_ref, T)` among them.
fn differenced(
    params: &[f64], v: Prediction<'_>, rows: &[usize],
    (frequency, reference, t): (&[f64], &(dyn Fn(usize) -> f64 + Sync), &[f64]),
) -> Result<Vec<f64>> {
    let k = params.len();
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let pick = |col: &dyn Fn(usize) -> f64| -> Vec<f64> { rows.iter().map(|&i| col(i)).collect() };
    let (f, r, tc) = (pick(&|i| frequency[i]), pick(reference), pick(&|i| t[i]));
    let c = distinct_rows(&f, &r, &tc)?;
    let unique = par_map_rows(c.len(), k, |u, row| {
        let i = c.first[u];
        log_gradient(params, row, |q| v(q, f[i], r[i], tc[i]));
    });
    Ok(par_map_rows(rows.len(), k, |i, row| {
        let u = c.inverse[i] as usize;
        row.copy_from_slice(&unique[u * k..(u + 1) * k]);
    }))
}

/// `∂ ln P(alive | x, t_x, T) / ∂ ln θ` at `params` into `out`: the model's closed form
/// ([`TransactionModel::ln_probability_alive_gradient_with`]) or central differences.
pub(crate) fn ln_alive_gradient<M: TransactionModel + ?Sized>(
    model: &M, params: &[f64], (x, t_x, t_cal): (f64, f64, f64), out: &mut [f64],
) {
    if !model.ln_probability_alive_gradient_with(params, (x, t_x, t_cal), out) {
        log_gradient(params, out, |q| model.probability_alive_with(q, x, t_x, t_cal));
    }
}

/// A gradient's scratch row: on the stack for up to [`STACK_PARAMS`] parameters.
pub(crate) struct Scratch {
    stack: [f64; STACK_PARAMS],
    heap: Vec<f64>,
    k: usize,
}

impl Scratch {
    /// A zeroed row of `k` entries.
    pub(crate) fn new(k: usize) -> Scratch {
        let heap = if k > STACK_PARAMS { vec![0.0; k] } else { Vec::new() };
        Scratch { stack: [0.0; STACK_PARAMS], heap, k }
    }

    /// The row.
    pub(crate) fn get(&mut self) -> &mut [f64] {
        if self.k > STACK_PARAMS {
            &mut self.heap
        } else {
            &mut self.stack[..self.k]
        }
    }
}

/// Nodes of the gradients' interpolants: the gradients need far less than the values' 1e-12
/// (see [`GRAD_TOL`]), and in `ln(T + m)` the series converge geometrically.
const GRAD_NODES: usize = 16;

/// The gradient rows at the reference recency (`t_x = T`, or 0 when `x = 0`) of every customer:
/// interpolated in `ln(T + m)` for frequencies with at least [`INTERPOLATE_FROM`] customers and
/// a spread of ages, differenced once per distinct history elsewhere (and wherever an
/// interpolant fails its check). Customers are grouped by frequency by hashing (no sort), each
/// frequency's count and range of ages folded on the thread pool.
fn by_frequency(
    params: &[f64], v: Prediction<'_>, m: f64, (frequency, t): (&[f64], &[f64]),
) -> Result<Vec<f64>> {
    let k = params.len();
    let n = frequency.len();
    // Each customer's frequency; each frequency's first customer, customer count and range of
    // ages.
    let (slot, firsts, ranges) = groups_with_ranges(n, |i| frequency[i], |i| t[i]);
    let groups: Vec<(f64, usize, f64, f64)> = firsts
        .iter()
        .zip(&ranges)
        .map(|(&i, &(count, lo, hi))| (frequency[i], count, lo, hi))
        .collect();
    let runs: Vec<(usize, Nodes)> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.1 >= INTERPOLATE_FROM)
        .filter_map(|(s, g)| {
            Nodes::with((g.2 + m).ln(), (g.3 + m).ln(), GRAD_NODES).map(|nd| (s, nd))
        })
        .collect();
    // Every run's nodes and check points, differenced in one parallel pass.
    let points: Vec<(f64, f64)> = runs
        .iter()
        .flat_map(|(s, nodes)| {
            let x = groups[*s].0;
            nodes.y.iter().copied().chain(nodes.check_points()).map(move |y| (x, y))
        })
        .collect();
    let at = par_map_rows(points.len(), k, |i, row| {
        let (x, y) = points[i];
        let tc = (y.exp() - m).max(0.0);
        let tx = if x > 0.0 { tc } else { 0.0 };
        log_gradient(params, row, |q| v(q, x, tx, tc));
    });
    let per_run = (GRAD_NODES + 4) * k;
    let mut series_of: Vec<Option<Vec<Chebyshev>>> = (0..groups.len()).map(|_| None).collect();
    for (r, (s, nodes)) in runs.iter().enumerate() {
        let (node_rows, check_rows) = at[r * per_run..(r + 1) * per_run].split_at(GRAD_NODES * k);
        let series: Vec<Chebyshev> = (0..k)
            .map(|j| {
                let values: Vec<f64> = node_rows.chunks(k).map(|row| row[j]).collect();
                nodes.interpolant(&values)
            })
            .collect();
        let ok = nodes.check_points().iter().zip(check_rows.chunks(k)).all(|(&y, want)| {
            series
                .iter()
                .zip(want)
                .all(|(s, &w)| (s.series(y) - w).abs() <= GRAD_TOL * (1.0 + w.abs()))
        });
        series_of[*s] = ok.then_some(series);
    }
    // The rest, differenced per distinct history.
    let rest = rows_where(n, |i| series_of[slot[i] as usize].is_none());
    let reference = |i: usize| if frequency[i] > 0.0 { t[i] } else { 0.0 };
    let direct = differenced(params, v, &rest, (frequency, &reference, t))?;
    let mut rest_row = vec![u32::MAX; n];
    rest.iter().enumerate().for_each(|(j, &i)| rest_row[i] = j as u32);
    Ok(par_map_rows(n, k, |i, row| match &series_of[slot[i] as usize] {
        Some(series) => {
            let y = (t[i] + m).ln();
            row.iter_mut().zip(series).for_each(|(g, s)| *g = s.series(y));
        }
        None => {
            let j = rest_row[i] as usize;
            row.copy_from_slice(&direct[j * k..(j + 1) * k]);
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{BgNbd, BgNbdParams, ParetoNbd, ParetoNbdParams};

    /// Customers with continuous ages: every frequency up to 3 has hundreds of distinct `T`.
    fn customers(n: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
        let mut rng = crate::models::Rng::new(7);
        let (mut f, mut r, mut t) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..n {
            let tc = 20.0 + 30.0 * rng.uniform();
            let x = (i % 4) as f64;
            f.push(x);
            r.push(if x > 0.0 { tc * rng.uniform() } else { 0.0 });
            t.push(tc);
        }
        (f, r, t)
    }

    #[test]
    fn structured_gradients_equal_direct_differences() {
        let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
        let pn =
            ParetoNbd::from_params(ParetoNbdParams::new(0.553, 10.578, 0.606, 11.669).unwrap())
                .unwrap();
        let (f, r, t) = customers(2000);
        let models: [&dyn TransactionModel; 2] = [&bg, &pn];
        for model in models {
            let p = model.params();
            let e = |q: &[f64], x: f64, tx: f64, tc: f64| {
                model.conditional_expected_purchases_with(q, 39.0, x, tx, tc)
            };
            let shift = model.age_interpolation_shift(&p);
            assert!(shift.is_some());
            let g = log_gradients(model, &p, &e, shift, (&f, &r, &t)).unwrap();
            let k = p.len();
            let mut worst = 0.0f64;
            for i in 0..f.len() {
                let mut want = vec![0.0; k];
                log_gradient(&p, &mut want, |q| e(q, f[i], r[i], t[i]));
                for j in 0..k {
                    worst = worst.max((g[i * k + j] - want[j]).abs() / (1.0 + want[j].abs()));
                }
            }
            assert!(worst < 1e-6, "{}: worst {worst:e}", model.model_name());
        }
    }

    #[test]
    fn closed_form_alive_gradients_equal_differences() {
        use crate::models::{MbgNbd, MbgNbdParams};
        let bg = BgNbd::from_params(BgNbdParams::new(0.243, 4.414, 0.793, 2.426).unwrap()).unwrap();
        let mbg =
            MbgNbd::from_params(MbgNbdParams::new(0.525, 6.183, 0.891, 1.614).unwrap()).unwrap();
        let models: [&dyn TransactionModel; 2] = [&bg, &mbg];
        for model in models {
            let p = model.params();
            for h in [(0.0, 0.0, 30.0), (1.0, 2.0, 38.0), (5.0, 30.0, 38.5), (40.0, 10.0, 70.0)] {
                let (mut closed, mut diff) = ([0.0; 4], [0.0; 4]);
                assert!(model.ln_probability_alive_gradient_with(&p, h, &mut closed));
                log_gradient(&p, &mut diff, |q| model.probability_alive_with(q, h.0, h.1, h.2));
                for j in 0..4 {
                    assert!(
                        (closed[j] - diff[j]).abs() < 1e-8 * (1.0 + diff[j].abs()),
                        "{h:?} {j}"
                    );
                }
            }
        }
    }

    #[test]
    fn log_gradient_of_a_power_is_its_exponent() {
        let mut g = [0.0; 2];
        log_gradient(&[2.0, 3.0], &mut g, |q| q[0].powi(3) * q[1].sqrt());
        assert!((g[0] - 3.0).abs() < 1e-9 && (g[1] - 0.5).abs() < 1e-9, "{g:?}");
        log_gradient(&[2.0, 3.0], &mut g, |_| 0.0);
        assert_eq!(g, [0.0, 0.0]);
        let s = vec![vec![2.0, 0.5], vec![0.5, 1.0]];
        assert_eq!(quadratic_form(&[1.0, 2.0], &s), 2.0 + 2.0 * 0.5 * 2.0 + 4.0);
    }
}
