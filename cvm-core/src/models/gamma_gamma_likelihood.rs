//! The Gamma-Gamma likelihood as the fit evaluates it: the repeat buyers grouped into cells of
//! nearly equal spend per frequency, whose moments give each evaluation in work proportional to
//! the number of cells (see [`super::gamma_gamma`] for the model and
//! [`super::GammaGamma::fit`] for the method).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use super::spend::{check_spend, no_repeat_buyers};
use super::{FitData, GammaGammaParams, Likelihood};
use crate::error::{check, Result};
use crate::parallel::{par_tasks, par_tasks_owned};
use crate::special::{digamma, ln_beta};

/// Mantissa bits that pick a spend cell: cells are `2^-CELL_BITS` of an octave wide, so every
/// spend in a cell is within a factor `1 ± 1/65` of the cell's centre.
const CELL_BITS: u32 = 5;
/// Moments kept per cell: `Σ w ε^j`, `j = 0..=MOMENTS`. With `|ε| ≤ 1/65` the series of
/// [`Cell::sums`] are truncated after a term of relative size `65^-(MOMENTS+1) < 2^-64`, far
/// below rounding.
const MOMENTS: usize = 10;

/// Repeat buyers with the same frequency and nearly the same mean spend, summarised by the
/// weighted moments of their relative distance `ε = z̄/c − 1` to the cell's centre `c`.
#[derive(Debug, Clone, Copy)]
struct Cell {
    /// The frequency.
    x: f64,
    /// The centre: a spend `c` while the data is gathered, then `m_c = x c` in the units of the
    /// fit.
    centre: f64,
    /// `Σ w ε^j`, `j = 0..=MOMENTS`.
    moments: [f64; MOMENTS + 1],
}

impl Cell {
    fn new(x: f64, centre: f64) -> Self {
        Cell { x, centre, moments: [0.0; MOMENTS + 1] }
    }

    /// Adds a customer with weight `w` (`None`: 1) and mean spend `z`.
    fn add(&mut self, z: f64, w: Option<f64>) {
        // z and the centre are within a factor 2 of each other: the difference is exact.
        let e1 = (z - self.centre) / self.centre;
        let e2 = e1 * e1;
        let e4 = e2 * e2;
        let e8 = e4 * e4;
        // ε^0..ε^10 by a shallow product tree (MOMENTS = 10).
        let powers: [f64; MOMENTS + 1] =
            [1.0, e1, e2, e2 * e1, e4, e4 * e1, e4 * e2, e4 * e2 * e1, e8, e8 * e1, e8 * e2];
        match w {
            None => self.moments.iter_mut().zip(powers).for_each(|(m, p)| *m += p),
            Some(w) => self.moments.iter_mut().zip(powers).for_each(|(m, p)| *m += w * p),
        }
    }

    /// `Σ w ln(1 + ε) = Σ_j (−1)^(j+1) Σ w ε^j / j`.
    fn sum_ln_1p_eps(&self) -> f64 {
        let terms = self.moments.iter().enumerate().skip(1);
        terms.map(|(j, &e)| if j % 2 == 1 { e / j as f64 } else { -e / j as f64 }).sum()
    }

    /// `(Σ w ln(1 + γ/m), Σ w/(γ + m))` over the cell, with `m = m_c (1 + ε)`, from the
    /// expansions `ln(1 + γ/m) = ln(1 + γ/m_c) + ln(1 + sε) − ln(1 + ε)` and
    /// `1/(γ + m) = 1/((γ + m_c)(1 + sε))`, `s = m_c/(γ + m_c)`.
    fn sums(&self, g: f64) -> (f64, f64) {
        let e = &self.moments;
        let r = 1.0 / (g + self.centre);
        let (s, t) = (self.centre * r, g * r);
        // ln(1 + sε) − ln(1 + ε) = Σ_j (−1)^j t a_j ε^j / j, with s^j − 1 = −t a_j,
        // a_1 = 1, a_{j+1} = 1 + s a_j (no cancellation when s is close to 1).
        let (mut a, mut series) = (1.0, 0.0);
        for (j, &ej) in e.iter().enumerate().skip(1) {
            let term = a * ej / j as f64;
            series += if j % 2 == 0 { term } else { -term };
            a = 1.0 + s * a;
        }
        let inv = e.iter().rev().fold(0.0, |inv, &ej| ej - s * inv);
        // ln(1 + γ/m_c), also when γ/m_c overflows (m_c subnormal).
        let ratio = g / self.centre;
        let u = if ratio.is_finite() {
            ratio.ln_1p()
        } else {
            (g + self.centre).ln() - self.centre.ln()
        };
        (e[0] * u + t * series, r * inv)
    }
}

/// A hasher for cell keys (FxHash steps, SplitMix64 finaliser): std's default SipHash would
/// cost more than the rest of the work per customer.
#[derive(Default)]
struct CellHasher(u64);

impl std::hash::Hasher for CellHasher {
    fn write(&mut self, bytes: &[u8]) {
        bytes.iter().for_each(|&b| self.write_u64(b.into()));
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x517c_c1b7_2722_0a95);
    }

    fn finish(&self) -> u64 {
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

/// The repeat buyers of a spend data set, in [`Cell`]s grouped by frequency.
pub(super) struct SpendData {
    /// The distinct frequencies, ascending.
    levels: Vec<f64>,
    /// The cells of frequency `levels[k]` are `cells[cell_start[k]..cell_start[k + 1]]`, by
    /// increasing centre.
    cell_start: Vec<usize>,
    cells: Vec<Cell>,
    /// Σ w.
    n_obs: f64,
    /// Weighted mean of `z̄`.
    pub(super) mean_spend: f64,
    /// The number of repeat buyers (rows with `x > 0`), the first one's `z̄`, and whether
    /// another's differs from it.
    pub(super) buyers: usize,
    pub(super) first_spend: f64,
    pub(super) spread: bool,
}

/// The rows whose sums (`Σ w`, `Σ w z̄`) are added up apart, then in order: a constant, so the
/// sums are the same on any path and any number of threads.
const SUM_CHUNK: usize = 1 << 14;

/// The fewest rows a task gathers into cells of its own: the rows are cut into parts of whole
/// [`SUM_CHUNK`]s, at least `PART` rows and at most [`PARTS`] of them. The parts' cells are then
/// added up part by part in row order: each cell's moments depend on the number of rows, never on
/// the threads, and below `2 PART` rows (one part) they are summed row by row.
const PART: usize = 1 << 16;
/// The most parts: each adds its cells once more to the work (a part's first customer in a cell
/// makes a cell). Four: at 1M rows of 13 frequencies a fit took 13.9–14.0 / 8.1–8.3 ms on one /
/// two threads in four parts, 14.5–14.7 / 8.1–8.2 in eight, 13.2–13.9 / 7.9 in two (which leave
/// a third thread idle).
const PARTS: usize = 4;

/// Cells per task of an evaluation of the likelihood (fixed, so that the order of its sums, and
/// every bit of them, never depends on the number of threads): above this many cells the terms
/// are summed on the thread pool.
const CELL_CHUNK: usize = 4096;

/// The fewest cells (of at most [`CELL_CHUNK`]) from which an evaluation sums its levels as
/// tasks of the thread pool, each level's cells in order: the bits of one pass.
const LEVEL_TASKS_FROM: usize = 512;

/// The tasks that add up the parts' cells, each the cells of one shard (by a hash of their key).
const SHARDS: usize = 8;

/// The sums over the repeat buyers of some rows: `Σ w`, `Σ w z̄`, their number, the first one's
/// `z̄` and whether another's differs from it.
#[derive(Default)]
struct Sums {
    n_obs: f64,
    spend: f64,
    buyers: usize,
    first: Option<f64>,
    spread: bool,
}

impl Sums {
    /// Adds a repeat buyer.
    fn add(&mut self, z: f64, w: f64) {
        self.n_obs += w;
        self.spend += z * w;
        self.buyers += 1;
        self.spread |= *self.first.get_or_insert(z) != z;
    }

    /// Adds the sums of the rows after these.
    fn append(&mut self, next: Sums) {
        self.n_obs += next.n_obs;
        self.spend += next.spend;
        self.buyers += next.buyers;
        self.spread |= next.spread;
        if let (Some(a), Some(b)) = (self.first, next.first) {
            self.spread |= a != b;
        }
        self.first = self.first.or(next.first);
    }
}

/// Cells in order of first appearance, each one's moments summed in the order its customers
/// are added.
#[derive(Default)]
struct Cells {
    index: HashMap<(u64, u64), u32, BuildHasherDefault<CellHasher>>,
    cells: Vec<Cell>,
}

impl Cells {
    /// The cells by shard ([`shard_of`]), each shard's in order of first appearance, and where
    /// each shard starts.
    fn by_shard(self) -> (Vec<Cell>, [usize; SHARDS + 1]) {
        let mut keyed: Vec<(usize, Cell)> =
            self.cells.into_iter().map(|c| (shard_of(c.x, c.centre), c)).collect();
        keyed.sort_by_key(|&(shard, _)| shard);
        let mut start = [0; SHARDS + 1];
        keyed.iter().for_each(|&(shard, _)| start[shard + 1] += 1);
        (1..=SHARDS).for_each(|s| start[s] += start[s - 1]);
        (keyed.into_iter().map(|(_, c)| c).collect(), start)
    }

    /// Adds a repeat buyer (`x > 0`) with mean spend `z` and weight `w` (`None`: 1).
    fn add(&mut self, x: f64, z: f64, w: Option<f64>) {
        let Some(key) = cell_key(x, z) else {
            // Subnormal: a cell of its own (ε = 0).
            let mut cell = Cell::new(x, z);
            cell.moments[0] = w.unwrap_or(1.0);
            self.cells.push(cell);
            return;
        };
        let shift = 52 - CELL_BITS;
        let centre = f64::from_bits((key.1 << shift) | (1 << (shift - 1)));
        self.cell(key, || Cell::new(x, centre)).add(z, w);
    }

    /// The cell of `key`, made by `new` if there is none yet.
    fn cell(&mut self, key: (u64, u64), new: impl FnOnce() -> Cell) -> &mut Cell {
        let cells = &mut self.cells;
        let at = *self.index.entry(key).or_insert_with(|| {
            cells.push(new());
            (cells.len() - 1) as u32
        });
        &mut cells[at as usize]
    }

    /// Adds the moments of `cells` (a part's cells of one shard), after the parts before it: a
    /// cell new here is copied, one seen before gets each moment added.
    fn merge(&mut self, cells: &[Cell]) {
        for cell in cells {
            // A cell's centre has the mantissa bits of its key (or is its subnormal spend).
            let Some(key) = cell_key(cell.x, cell.centre) else {
                self.cells.push(*cell);
                continue;
            };
            let moments = &mut self.cell(key, || Cell::new(cell.x, cell.centre)).moments;
            moments.iter_mut().zip(&cell.moments).for_each(|(m, &p)| *m += p);
        }
    }
}

/// The key of a repeat buyer's cell: the bits of `x` and the mantissa bits of `z̄` that pick its
/// centre; `None` for a subnormal `z̄` (a cell of its own).
fn cell_key(x: f64, z: f64) -> Option<(u64, u64)> {
    (z >= f64::MIN_POSITIVE).then(|| (x.to_bits(), z.to_bits() >> (52 - CELL_BITS)))
}

/// The shard of the cell of frequency `x` and spend `z`: by a hash of its key; subnormal
/// spends in shard 0.
fn shard_of(x: f64, z: f64) -> usize {
    cell_key(x, z).map_or(0, |(a, b)| {
        let mut h = CellHasher::default();
        h.write_u64(a);
        h.write_u64(b);
        (h.finish() >> 61) as usize % SHARDS
    })
}

impl SpendData {
    /// Validates the columns (in one pass on the thread pool) and gathers the repeat buyers into
    /// cells: a task a part of the rows (see [`PART`]) with cells of its own, each cell's moments
    /// summed in row order, then the parts' cells added up part by part in order, a task a shard
    /// of the cells; the sums over the repeat buyers in chunks of [`SUM_CHUNK`] rows added in
    /// order. The cells and the sums are the same whatever the threads. Work O(n) for the parts,
    /// O(cells of each part) to add them up.
    pub(super) fn new(
        frequency: &[f64], monetary: &[f64], weights: Option<&[f64]>,
    ) -> Result<Self> {
        check_spend(frequency, monetary)?;
        check::weights(frequency.len(), weights)?;
        let n = frequency.len();
        let weight = |i: usize| weights.map(|w| w[i]);
        let parts = (n / PART).clamp(1, PARTS);
        let part_rows = n.div_ceil(SUM_CHUNK).div_ceil(parts).max(1) * SUM_CHUNK;
        let part = |p: usize| {
            let mut cells = Cells::default();
            let sums: Vec<Sums> = (p * part_rows..n.min((p + 1) * part_rows))
                .step_by(SUM_CHUNK)
                .map(|from| {
                    let mut s = Sums::default();
                    for i in (from..n.min(from + SUM_CHUNK)).filter(|&i| frequency[i] > 0.0) {
                        s.add(monetary[i], weight(i).unwrap_or(1.0));
                        cells.add(frequency[i], monetary[i], weight(i));
                    }
                    s
                })
                .collect();
            (sums, cells)
        };
        let mut parts = par_tasks(n.div_ceil(part_rows), part);
        let mut all = Sums::default();
        parts.iter_mut().flat_map(|(sums, _)| sums.drain(..)).for_each(|s| all.append(s));
        let mut cells = if parts.len() == 1 {
            parts.pop().map(|(_, cells)| cells.cells).unwrap_or_default()
        } else {
            let parts: Vec<_> = par_tasks_owned(parts, |_, (_, cells)| cells.by_shard());
            par_tasks(SHARDS, |shard| {
                let mut merged = Cells::default();
                parts.iter().for_each(|(cells, start)| {
                    merged.merge(&cells[start[shard]..start[shard + 1]])
                });
                merged.cells
            })
            .concat()
        };
        let Sums { n_obs, spend, buyers, first, spread } = all;
        let Some(first_spend) = first else { return Err(no_repeat_buyers()) };
        // Keys are distinct but for subnormal spends (in row order): a stable sort gives one order.
        cells.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.centre.total_cmp(&b.centre)));
        let mut levels = vec![];
        let mut cell_start = vec![];
        for (c, cell) in cells.iter().enumerate() {
            if levels.last() != Some(&cell.x) {
                levels.push(cell.x);
                cell_start.push(c);
            }
        }
        cell_start.push(cells.len());
        let mean_spend = spend / n_obs;
        Ok(SpendData { levels, cell_start, cells, n_obs, mean_spend, buyers, first_spend, spread })
    }
}

/// The Gamma-Gamma log-likelihood of a [`SpendData`], with spend in units of `scale`.
///
/// Writing `m = x z̄` (in those units) and `u = ln(1 + γ/m)`, so that `ln(γ + x z̄) = ln m + u`,
/// the weighted total is
/// `Σ_k [W_k (ln Γ(px_k+q) − ln Γ(px_k) − ln Γ(q) + q ln γ) − q Σ_{x=x_k} w ln m − Σ_{x=x_k} w ln z̄]
///  − p Σ w x u − q Σ w u`,
/// with `W_k` the weight of the customers with frequency `x_k`. The only sums over customers
/// that change with the parameters are `Σ w u` and `Σ w x u` (and `Σ w/(γ+m)`, `Σ w x/(γ+m)` for
/// the gradient); both summands are smooth in `m`, so a [`Cell`]'s moments give its part by a
/// rapidly converging series. An evaluation costs O(cells) — at most a few hundred per distinct
/// frequency — rather than a logarithm per customer, and loses less to rounding.
pub(super) struct SpendLikelihood {
    levels: Vec<f64>,
    cell_start: Vec<usize>,
    /// Cells with centres `m_c`.
    cells: Vec<Cell>,
    /// Per frequency: `W_k = Σ w`, `Σ w ln m`, `Σ w ln z̄`.
    level_w: Vec<f64>,
    level_ln_m: Vec<f64>,
    level_ln_z: Vec<f64>,
    pub(super) n_obs: f64,
    /// The unit of spend (the mean spend of the data).
    scale: f64,
}

impl SpendLikelihood {
    pub(super) fn new(data: SpendData, scale: f64) -> Self {
        let SpendData { levels, cell_start, mut cells, n_obs, .. } = data;
        let ln_scale = scale.ln();
        let (mut level_w, mut level_ln_m, mut level_ln_z) = (vec![], vec![], vec![]);
        for (k, &x) in levels.iter().enumerate() {
            let (mut w, mut ln_z) = (0.0, 0.0);
            for c in &mut cells[cell_start[k]..cell_start[k + 1]] {
                w += c.moments[0];
                ln_z += c.moments[0] * (c.centre.ln() - ln_scale) + c.sum_ln_1p_eps();
                c.centre = x * (c.centre / scale);
            }
            level_w.push(w);
            level_ln_z.push(ln_z);
            level_ln_m.push(ln_z + w * x.ln());
        }
        SpendLikelihood { levels, cell_start, cells, level_w, level_ln_m, level_ln_z, n_obs, scale }
    }

    /// `(Σ u, Σ r)` over each level's cells ([`Cell::sums`] at `g`): each run of [`CELL_CHUNK`]
    /// cells summed in order on a task of the thread pool, a level's partial sums from the runs
    /// then added in run order (up to `CELL_CHUNK` cells, one run: the plain sums in cell order,
    /// a level a task from [`LEVEL_TASKS_FROM`] cells). No buffer of per-cell terms: work
    /// O(cells), memory O(levels + cells / CELL_CHUNK).
    fn level_sums(&self, g: f64) -> Vec<(f64, f64)> {
        let n = self.cells.len();
        let add = |(su, sr): (f64, f64), cell: &Cell| {
            let (u, r) = cell.sums(g);
            (su + u, sr + r)
        };
        if n <= CELL_CHUNK {
            // One run: each level's plain sum in cell order, the levels as tasks on the pool
            // from LEVEL_TASKS_FROM cells (the same bits as one pass).
            let level = |k: usize| {
                let (u, r) = self.cells[self.cell_start[k]..self.cell_start[k + 1]]
                    .iter()
                    .fold((0.0, 0.0), add);
                (0.0 + u, 0.0 + r)
            };
            let levels = self.levels.len();
            return if n >= LEVEL_TASKS_FROM {
                par_tasks(levels, level)
            } else {
                (0..levels).map(level).collect()
            };
        }
        let partials = par_tasks(n.div_ceil(CELL_CHUNK), |run| {
            let (mut c, hi) = (run * CELL_CHUNK, n.min((run + 1) * CELL_CHUNK));
            // The level of cell `c`: the last whose cells start at or before it.
            let mut k = self.cell_start.partition_point(|&start| start <= c) - 1;
            let mut out = Vec::new();
            while c < hi {
                let end = self.cell_start[k + 1].min(hi);
                out.push((k, self.cells[c..end].iter().fold((0.0, 0.0), add)));
                (c, k) = (end, k + 1);
            }
            out
        });
        let mut sums = vec![(0.0, 0.0); self.levels.len()];
        for (k, (u, r)) in partials.into_iter().flatten() {
            sums[k].0 += u;
            sums[k].1 += r;
        }
        sums
    }

    /// Weighted log-likelihood at natural parameters, with the gradient when asked for.
    fn total(&self, v: &[f64], grad: Option<&mut [f64]>) -> f64 {
        let (p, q, g) = (v[0], v[1], v[2]);
        let ln_g = g.ln();
        let want = grad.is_some();
        let dg_q = if want { digamma(q) } else { 0.0 };
        let (mut total, mut gp, mut gq, mut gg) = (0.0, 0.0, 0.0, self.n_obs * q / g);
        let sums = self.level_sums(g);
        for (k, (&x, &(su, sr))) in self.levels.iter().zip(&sums).enumerate() {
            let (wk, px) = (self.level_w[k], p * x);
            // ln Γ(px+q) − ln Γ(px) − ln Γ(q) = −ln B(px, q), without rounding px + q.
            total += wk * (q * ln_g - ln_beta(px, q))
                - q * self.level_ln_m[k]
                - self.level_ln_z[k]
                - (px + q) * su;
            if want {
                let d = digamma(px + q);
                gp += x * (wk * (d - digamma(px)) - su);
                gq += wk * (d - dg_q + ln_g) - self.level_ln_m[k] - su;
                gg -= (px + q) * sr;
            }
        }
        if let Some(out) = grad {
            out.copy_from_slice(&[gp, gq, gg]);
        }
        total
    }
}

impl FitData for SpendLikelihood {
    fn n_obs(&self) -> f64 {
        self.n_obs
    }

    /// The cells: the work of one evaluation.
    fn n_rows(&self) -> usize {
        self.cells.len()
    }
}

/// The Gamma-Gamma likelihood for the shared driver, on spend in units of its mean.
pub(super) struct Lik;

impl Likelihood for Lik {
    type Data = SpendLikelihood;
    const MODEL: &'static str = "gamma_gamma";
    const NAMES: &'static [&'static str] = GammaGammaParams::NAMES;

    fn total(&self, data: &SpendLikelihood, p: &[f64], grad: Option<&mut [f64]>) -> f64 {
        data.total(p, grad)
    }

    /// `p = 2, q = 3, γ = 1` (the mean spend, which matches the population mean `pγ/(q−1)`),
    /// then `p = q = 1` with `γ` one currency unit.
    fn initial_guess(&self, data: &SpendLikelihood) -> Vec<Vec<f64>> {
        vec![vec![2.0, 3.0, 1.0], vec![1.0, 1.0, 1.0 / data.scale]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::special::{gamma_ln_ratio, ln_gamma};

    /// The straightforward weighted per-row log-likelihood, its gradient, and the size of its
    /// largest terms (`Σ w (px+q) |ln(γ + x z̄)|`: the scale of rounding errors).
    fn per_row(v: &[f64], x: &[f64], z: &[f64], w: &[f64]) -> (f64, [f64; 3], f64) {
        let (p, q, g) = (v[0], v[1], v[2]);
        let (mut s, mut gr, mut size) = (0.0, [0.0; 3], 0.0);
        for i in (0..x.len()).filter(|&i| x[i] > 0.0) {
            let (px, l, d) = (p * x[i], (g + x[i] * z[i]).ln(), g + x[i] * z[i]);
            s += w[i]
                * (gamma_ln_ratio(px + q, px) - ln_gamma(q)
                    + q * g.ln()
                    + px * x[i].ln()
                    + (px - 1.0) * z[i].ln()
                    - (px + q) * l);
            let dq = digamma(px + q);
            gr[0] += w[i] * x[i] * (dq - digamma(px) + x[i].ln() + z[i].ln() - l);
            gr[1] += w[i] * (dq - digamma(q) + g.ln() - l);
            gr[2] += w[i] * (q / g - (px + q) / d);
            size += w[i] * (px + q) * l.abs();
        }
        (s, gr, size)
    }

    #[test]
    fn grouped_likelihood_matches_the_per_row_sum() {
        // Unsorted frequencies, a customer without repeats, large frequencies, two customers in
        // one cell (12 and 12.1), a spend whose x z̄ is subnormal and one near the top of the range.
        let x = [1.0, 2.0, 5.0, 1.0, 3.0, 0.0, 40.0, 7e4, 2.0, 7e4, 1e5, 3.0, 2.0, 1.0];
        let z = [12.0, 30.5, 22.0, 8.0, 19.0, 0.0, 1e5, 3.0, 11.0, 4.5, 2.0, 1e-310, 1e300, 12.1];
        let w = [2.0, 1.0, 1.0, 3.0, 1.0, 1.0, 0.5, 1.0, 2.5, 1.0, 1.5, 1.0, 0.25, 1.0];
        let ones = [1.0; 14];
        for (weights, wv) in [(Some(&w[..]), &w), (None, &ones)] {
            let d = SpendData::new(&x, &z, weights).unwrap();
            assert_eq!(d.levels, [1.0, 2.0, 3.0, 5.0, 40.0, 7e4, 1e5]);
            assert_eq!(d.cell_start, [0, 2, 5, 7, 8, 9, 11, 12]);
            assert!(d.cells.windows(2).all(|c| (c[0].x, c[0].centre) < (c[1].x, c[1].centre)));
            let n_obs: f64 = (0..14).filter(|&i| x[i] > 0.0).map(|i| wv[i]).sum();
            assert_eq!(d.n_obs, n_obs);
            let scale = 7.5;
            let d = SpendLikelihood::new(d, scale);
            for v in [[6.25, 3.74, 15.44], [0.5, 1.1, 200.0], [30.0, 0.3, 1e-3]] {
                // On spend in units of `scale`: γ scales, the total shifts by −N ln(scale).
                let vs = [v[0], v[1], v[2] / scale];
                let mut g = [0.0; 3];
                let raw = d.total(&vs, Some(&mut g));
                let val = raw - n_obs * scale.ln();
                let (direct, dg, size) = per_row(&v, &x, &z, wv);
                assert!((val - direct).abs() < 1e-14 * size, "{val} {direct} {size}");
                for (j, want) in [dg[0], dg[1], dg[2] * scale].into_iter().enumerate() {
                    assert!((g[j] - want).abs() < 1e-9 * want.abs().max(1.0), "{v:?} {j}");
                }
                // The value without the gradient is the same.
                assert_eq!(d.total(&vs, None), raw);
            }
        }
    }

    /// The levels' sums by runs of cells: each level's sum of its cells' terms, whether its
    /// cells lie in one run or in several (up to rounding: the runs' partial sums are added),
    /// and with at most a run's cells the plain sum in cell order, bit for bit.
    #[test]
    fn level_sums_by_runs_are_the_levels_sums() {
        let mut rng = super::super::Rng::stream(3, 0);
        let n = 40_000;
        // Level 1 (spends over 200 decades, a cell nearly each) spans several runs; levels 2–40
        // are short, most within one run, some across a run's end.
        let x: Vec<f64> =
            (0..n).map(|i| if i < 20_000 { 1.0 } else { (2 + i % 39) as f64 }).collect();
        let decades = |i: usize| if i < 20_000 { 200.0 } else { 6.0 };
        let z: Vec<f64> = (0..n).map(|i| 10f64.powf(decades(i) * (rng.uniform() - 0.5))).collect();
        for rows in [0..n, n - 3_000..n] {
            let d = SpendData::new(&x[rows.clone()], &z[rows], None).unwrap();
            let d = SpendLikelihood::new(d, 1.0);
            let cells = d.cells.len();
            for g in [1e-3, 0.7, 250.0] {
                let got = d.level_sums(g);
                for (k, &(u, r)) in got.iter().enumerate() {
                    let level = &d.cells[d.cell_start[k]..d.cell_start[k + 1]];
                    let (mut su, mut sr, mut size) = (0.0, 0.0, 0.0);
                    for (cu, cr) in level.iter().map(|c| c.sums(g)) {
                        (su, sr, size) = (su + cu, sr + cr, size + cu.abs() + cr.abs());
                    }
                    if cells <= CELL_CHUNK {
                        assert_eq!((u.to_bits(), r.to_bits()), (su.to_bits(), sr.to_bits()));
                    }
                    assert!((u - su).abs() <= 1e-13 * size && (r - sr).abs() <= 1e-13 * size);
                }
            }
            let crossing = (1..d.levels.len()).filter(|&k| {
                d.cell_start[k] / CELL_CHUNK != (d.cell_start[k + 1] - 1) / CELL_CHUNK
            });
            if d.levels.len() == 40 {
                assert!(d.cell_start[1] > 3 * CELL_CHUNK && crossing.count() > 1, "{cells} cells");
            } else {
                assert!(cells <= CELL_CHUNK && d.levels.len() == 39, "{cells} cells");
            }
        }
    }

    /// The cells and sums of the parts are the same on one thread and on four, bit for bit,
    /// subnormal spends and weights included, and those of one pass over the rows up to
    /// rounding (the counts exactly); the counts of repeat buyers and the spread of their spends.
    #[test]
    fn parts_gather_the_cells_of_one_pass() {
        let mut rng = super::super::Rng::stream(7, 0);
        let n = 300_007; // four parts
        let x: Vec<f64> = (0..n).map(|i| (i % 5) as f64).collect();
        // Spends over twelve decades: more cells than an evaluation computes on the pool from.
        let mut z: Vec<f64> = (0..n)
            .map(|i| if i % 5 == 0 { 0.0 } else { 10f64.powf(12.0 * rng.uniform() - 4.0) })
            .collect();
        z[n - 4] = 1e-310; // subnormal: cells of their own, two of them equal
        z[n - 9] = 1e-310;
        z[n - 14] = 2e-310;
        let w: Vec<f64> = (0..n).map(|_| 0.5 + rng.uniform()).collect();
        #[cfg(feature = "parallel")]
        for weights in [None, Some(&w[..])] {
            let (one, four) = crate::parallel::on_one_and_four_threads(|| {
                let d = SpendData::new(&x, &z, weights).unwrap();
                let bits = |c: &Cell| -> Vec<u64> {
                    [c.x, c.centre].iter().chain(&c.moments).map(|v| v.to_bits()).collect()
                };
                let cells: Vec<Vec<u64>> = d.cells.iter().map(bits).collect();
                let sums = (d.cell_start.clone(), d.n_obs.to_bits(), d.mean_spend.to_bits());
                let buyers = d.buyers;
                let mut grad = [0.0; 3];
                let total = SpendLikelihood::new(d, 3.0).total(&[6.0, 4.0, 5.0], Some(&mut grad));
                (cells, sums, buyers, [total, grad[0], grad[1], grad[2]].map(f64::to_bits))
            });
            assert_eq!(one, four);
            assert!(one.0.len() > CELL_CHUNK && one.2 == n - n.div_ceil(5));
            let mut pass = Cells::default();
            for i in (0..n).filter(|&i| x[i] > 0.0) {
                pass.add(x[i], z[i], weights.map(|w| w[i]));
            }
            let mut want = pass.cells;
            want.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.centre.total_cmp(&b.centre)));
            let got = SpendData::new(&x, &z, weights).unwrap().cells;
            assert_eq!(got.len(), want.len());
            for (g, w) in got.iter().zip(&want) {
                assert_eq!((g.x, g.centre), (w.x, w.centre));
                let size = w.moments[0];
                for (a, b) in g.moments.iter().zip(&w.moments) {
                    assert!((a - b).abs() <= 1e-13 * size, "{:?} {:?}", g.moments, w.moments);
                }
                if weights.is_none() {
                    assert_eq!(g.moments[0], w.moments[0]);
                }
            }
        }
        let _ = &w;
        // The same spend everywhere, then one other in the last row: identified by the last.
        let mut same = vec![3.5; n];
        let d = SpendData::new(&x, &same, None).unwrap();
        assert!(!d.spread && d.first_spend == 3.5);
        same[n - 1] = 3.25;
        assert!(SpendData::new(&x, &same, None).unwrap().spread);
        // One repeat buyer, in the last row.
        let mut lone = vec![0.0; n];
        lone[n - 1] = 2.0;
        let mut spend = vec![0.0; n];
        spend[n - 1] = 9.0;
        let d = SpendData::new(&lone, &spend, None).unwrap();
        assert_eq!((d.buyers, d.first_spend, d.spread), (1, 9.0, false));
    }

    #[test]
    fn cell_series_match_direct_sums() {
        // Many customers per cell, m over twelve decades, γ from far below to far above m.
        let mut rng = super::super::Rng::stream(99, 0);
        let n = 20_000;
        let x: Vec<f64> = (0..n).map(|i| 1.0 + (i % 3) as f64).collect();
        let z: Vec<f64> = (0..n).map(|_| 10f64.powf(12.0 * rng.uniform() - 6.0)).collect();
        let w: Vec<f64> = (0..n).map(|_| 0.5 + rng.uniform()).collect();
        let d = SpendLikelihood::new(SpendData::new(&x, &z, Some(&w)).unwrap(), 1.0);
        assert!(d.cells.len() < n / 5, "{} cells", d.cells.len());
        for g in [1e-9, 1e-3, 0.7, 1.0, 3e2, 1e7, 1e12] {
            for (k, &xk) in d.levels.iter().enumerate() {
                let (mut su, mut sr) = (0.0, 0.0);
                for c in &d.cells[d.cell_start[k]..d.cell_start[k + 1]] {
                    let (u, r) = c.sums(g);
                    su += u;
                    sr += r;
                }
                // Direct sums, compensated (Neumaier).
                let (mut du, mut cu, mut dr, mut cr) = (0.0f64, 0.0, 0.0f64, 0.0);
                for i in (0..n).filter(|&i| x[i] == xk) {
                    let m = x[i] * z[i];
                    for (s, c, v) in [
                        (&mut du, &mut cu, w[i] * (g / m).ln_1p()),
                        (&mut dr, &mut cr, w[i] / (g + m)),
                    ] {
                        let t = *s + v;
                        *c += if s.abs() >= v.abs() { (*s - t) + v } else { (v - t) + *s };
                        *s = t;
                    }
                }
                let (du, dr) = (du + cu, dr + cr);
                assert!((su - du).abs() <= 1e-14 * du, "g={g} x={xk}: {su} {du}");
                assert!((sr - dr).abs() <= 1e-14 * dr, "g={g} x={xk}: {sr} {dr}");
            }
        }
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let x = [1.0, 2.0, 5.0, 1.0, 3.0, 0.0, 40.0];
        let z = [12.0, 30.5, 22.0, 8.0, 19.0, 0.0, 1e5];
        let w = [2.0, 1.0, 1.0, 3.0, 1.0, 1.0, 0.5];
        let d = SpendLikelihood::new(SpendData::new(&x, &z, Some(&w)).unwrap(), 1.0);
        for v in [[6.25, 3.74, 15.44], [0.5, 1.1, 200.0], [30.0, 0.3, 1e-3]] {
            let mut g = [0.0; 3];
            d.total(&v, Some(&mut g));
            for j in 0..3 {
                let h = 1e-6 * v[j];
                let (mut up, mut dn) = (v, v);
                up[j] += h;
                dn[j] -= h;
                let fd = (d.total(&up, None) - d.total(&dn, None)) / (2.0 * h);
                assert!((fd - g[j]).abs() < 1e-5 * g[j].abs().max(1.0), "v={v:?} j={j}");
            }
        }
    }
}
