//! Campaign selection under a budget: whom to contact to maximise the expected CLV gained.

use crate::error::{check, Error, Result};
use crate::models::Rng;
use crate::names::{normalize, text_form};

/// Largest dynamic-programming table [`select_campaign`] fills for an exact answer, in cells
/// (customers worth contacting × budget steps on the reduced cents grid): 10⁸ cells, one bit
/// each for the choice (12.5 MB) plus two rows of `f64` values; about a second of work.
pub const MAX_DP_CELLS: u64 = 100_000_000;

/// Largest number of random draws [`compare_campaigns`] averages.
pub const MAX_RANDOM_DRAWS: usize = 10_000;

/// The contact cost of each customer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ContactCost<'a> {
    /// The same cost for every customer.
    Constant(f64),
    /// One cost per customer.
    PerCustomer(&'a [f64]),
    /// One cost per segment: `segment[i]` is the index into `cost` of customer `i`'s segment.
    PerSegment {
        /// Segment code of each customer (an index into `cost`).
        segment: &'a [usize],
        /// Cost of each segment.
        cost: &'a [f64],
    },
}

/// How [`select_campaign`] solves the knapsack.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CampaignMethod {
    /// Exact when the costs and the budget lie on a cents grid and the table fits in
    /// [`MAX_DP_CELLS`]; the greedy ratio rule otherwise (default).
    #[default]
    Auto,
    /// Exact dynamic programming; an error when it is not possible (off-grid costs, table too big).
    Exact,
    /// The greedy ratio rule.
    Greedy,
}

impl CampaignMethod {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["auto", "exact", "greedy"];

    /// `"auto"`, `"exact"` or `"greedy"`.
    pub fn as_str(self) -> &'static str {
        match self {
            CampaignMethod::Auto => "auto",
            CampaignMethod::Exact => "exact",
            CampaignMethod::Greedy => "greedy",
        }
    }
}

text_form!(CampaignMethod, "method", |text| {
    let norm = normalize(text, &[]);
    [CampaignMethod::Auto, CampaignMethod::Exact, CampaignMethod::Greedy]
        .into_iter()
        .find(|m| m.as_str() == norm)
});

/// The inputs of [`select_campaign`], one element per customer.
#[derive(Debug, Clone, Copy)]
pub struct CampaignInput<'a> {
    /// Customer lifetime value (finite; may be negative).
    pub clv: &'a [f64],
    /// Expected uplift from the contact, a probability in \[0, 1\] (response or retention
    /// uplift: the share of the CLV the contact secures that would be lost without it).
    pub uplift: &'a [f64],
    /// The contact cost (finite, ≥ 0).
    pub cost: ContactCost<'a>,
    /// The budget (finite, ≥ 0).
    pub budget: f64,
}

/// The chosen contact list with its expected return and marginal customers.
#[derive(Debug, Clone, PartialEq)]
pub struct Campaign {
    selected: Vec<bool>,
    gain: Vec<f64>,
    cost: Vec<f64>,
    expected_return: f64,
    spend: f64,
    upper_bound: f64,
    exact: bool,
    last_in: Option<usize>,
    first_out: Option<usize>,
}

impl Campaign {
    /// Whether each customer is contacted.
    pub fn selected(&self) -> &[bool] {
        &self.selected
    }

    /// Indices of the contacted customers, ascending.
    pub fn chosen(&self) -> Vec<usize> {
        (0..self.selected.len()).filter(|&i| self.selected[i]).collect()
    }

    /// Expected net gain of contacting each customer, `uplift × clv − cost`.
    pub fn gain(&self) -> &[f64] {
        &self.gain
    }

    /// The contact cost of each customer (after resolving per-segment costs).
    pub fn cost(&self) -> &[f64] {
        &self.cost
    }

    /// Expected return: the sum of the gains of the contacted customers.
    pub fn expected_return(&self) -> f64 {
        self.expected_return
    }

    /// Spend: the sum of the costs of the contacted customers (≤ the budget).
    pub fn spend(&self) -> f64 {
        self.spend
    }

    /// Number of customers contacted.
    pub fn n_selected(&self) -> usize {
        self.selected.iter().filter(|&&s| s).count()
    }

    /// An upper bound on the best achievable expected return: the return itself when the
    /// answer is exact, the LP-relaxation (Dantzig) bound when greedy. The optimality gap is at
    /// most `upper_bound − expected_return`.
    pub fn upper_bound(&self) -> f64 {
        self.upper_bound
    }

    /// Whether the answer is exact (dynamic programming) rather than greedy.
    pub fn is_exact(&self) -> bool {
        self.exact
    }

    /// The marginal customer "last one in": of the contacted customers with a positive cost, the
    /// one with the lowest gain per unit cost (ties: the higher index). `None` when no customer
    /// with a positive cost is contacted.
    pub fn last_in(&self) -> Option<usize> {
        self.last_in
    }

    /// The marginal customer "first one out": of the customers with a positive gain who are not
    /// contacted, the one with the highest gain per unit cost (ties: the lower index). `None`
    /// when every customer worth contacting is contacted.
    pub fn first_out(&self) -> Option<usize> {
        self.first_out
    }
}

fn check_cost(field: &str, i: Option<usize>, c: f64) -> Result<()> {
    if c.is_finite() && c >= 0.0 {
        return Ok(());
    }
    let reason = format!("a contact cost must be finite and >= 0 (got {c})");
    Err(match i {
        Some(i) => Error::invalid_at(field, i, reason),
        None => Error::invalid(field, reason),
    })
}

/// Checks the inputs and returns each customer's cost and gain.
fn prepare(input: &CampaignInput<'_>) -> Result<(Vec<f64>, Vec<f64>)> {
    let n = input.clv.len();
    if n == 0 {
        return Err(Error::Empty { field: "clv".into() });
    }
    if input.uplift.len() != n {
        return Err(Error::LengthMismatch {
            field: "uplift".into(),
            expected: n,
            got: input.uplift.len(),
        });
    }
    check::finite("clv", input.clv)?;
    if let Some(i) = input.uplift.iter().position(|u| !(0.0..=1.0).contains(u)) {
        let reason = format!("an uplift is a probability in [0, 1] (got {})", input.uplift[i]);
        return Err(Error::invalid_at("uplift", i, reason));
    }
    if !(input.budget.is_finite() && input.budget >= 0.0) {
        let reason = format!("must be finite and >= 0 (got {})", input.budget);
        return Err(Error::invalid("budget", reason));
    }
    let cost: Vec<f64> = match input.cost {
        ContactCost::Constant(c) => {
            check_cost("cost", None, c)?;
            vec![c; n]
        }
        ContactCost::PerCustomer(c) => {
            if c.len() != n {
                return Err(Error::LengthMismatch {
                    field: "cost".into(),
                    expected: n,
                    got: c.len(),
                });
            }
            for (i, &x) in c.iter().enumerate() {
                check_cost("cost", Some(i), x)?;
            }
            c.to_vec()
        }
        ContactCost::PerSegment { segment, cost } => {
            if segment.len() != n {
                let got = segment.len();
                return Err(Error::LengthMismatch { field: "segment".into(), expected: n, got });
            }
            for (k, &x) in cost.iter().enumerate() {
                check_cost("segment_cost", Some(k), x)?;
            }
            let mut out = Vec::with_capacity(n);
            for (i, &s) in segment.iter().enumerate() {
                let c = cost.get(s).ok_or_else(|| {
                    let reason = format!("segment code {s} has no cost ({} segments)", cost.len());
                    Error::invalid_at("segment", i, reason)
                })?;
                out.push(*c);
            }
            out
        }
    };
    let gain: Vec<f64> = (0..n).map(|i| input.uplift[i] * input.clv[i] - cost[i]).collect();
    check::finite("gain", &gain)?;
    Ok((cost, gain))
}

/// Gain per unit cost, `+∞` for a free contact with a positive gain.
fn ratio(gain: f64, cost: f64) -> f64 {
    if cost > 0.0 {
        gain / cost
    } else {
        f64::INFINITY
    }
}

/// The costs in integer grid steps (cents divided by their greatest common divisor) and the
/// budget in the same steps, when every cost is a whole number of cents (within 10⁻⁶ cent) and
/// the table fits in [`MAX_DP_CELLS`].
fn cents_grid(items: &[usize], cost: &[f64], budget: f64) -> Option<(Vec<u64>, u64)> {
    const LIMIT: f64 = 9.0e15;
    let mut cents = Vec::with_capacity(items.len());
    for &i in items {
        let c = cost[i] * 100.0;
        let r = c.round();
        if c > LIMIT || (c - r).abs() > 1e-6 {
            return None;
        }
        cents.push(r as u64);
    }
    let gcd = cents.iter().fold(0u64, |g, &c| gcd(g, c)).max(1);
    let b = (budget * 100.0 + 1e-6).floor();
    if b > LIMIT {
        return None;
    }
    let steps = b as u64 / gcd;
    let cells = (items.len() as u64).checked_mul(steps.checked_add(1)?)?;
    if cells > MAX_DP_CELLS {
        return None;
    }
    Some((cents.into_iter().map(|c| c / gcd).collect(), steps))
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// 0/1 knapsack by dynamic programming over the budget: `best[w]` is the largest gain with
/// spend at most `w` steps; one bit per (item, step) records the choice for the backtrack.
fn knapsack_exact(items: &[usize], weight: &[u64], steps: u64, gain: &[f64]) -> Vec<usize> {
    let width = steps as usize + 1;
    let mut best = vec![0.0f64; width];
    let mut take = vec![0u64; (items.len() * width).div_ceil(64)];
    for (k, (&i, &w)) in items.iter().zip(weight).enumerate() {
        let w = w as usize;
        if w >= width {
            continue;
        }
        for c in (w..width).rev() {
            let with = best[c - w] + gain[i];
            if with > best[c] {
                best[c] = with;
                let bit = k * width + c;
                take[bit / 64] |= 1 << (bit % 64);
            }
        }
    }
    let mut chosen = Vec::new();
    let mut c = width - 1;
    for k in (0..items.len()).rev() {
        let bit = k * width + c;
        if take[bit / 64] >> (bit % 64) & 1 == 1 {
            chosen.push(items[k]);
            c -= weight[k] as usize;
        }
    }
    chosen
}

/// The greedy ratio rule: free contacts first, then by gain per unit cost while the budget lasts
/// (skipping a customer who no longer fits and going on); the LP bound adds to the prefix taken
/// before the first customer who does not fit the fraction of that customer's gain that would
/// fill the budget. If the single best-gain customer who fits alone beats the greedy return,
/// that customer alone is the answer (so the return is at least half the optimum).
fn knapsack_greedy(order: &[usize], cost: &[f64], gain: &[f64], budget: f64) -> (Vec<usize>, f64) {
    let mut chosen = Vec::new();
    let (mut spend, mut value) = (0.0, 0.0);
    let mut bound = None;
    for &i in order {
        if spend + cost[i] <= budget {
            spend += cost[i];
            value += gain[i];
            chosen.push(i);
        } else if bound.is_none() {
            bound = Some(value + gain[i] * (budget - spend) / cost[i]);
        }
    }
    let best_single = order
        .iter()
        .copied()
        .filter(|&i| cost[i] <= budget)
        .max_by(|&a, &b| gain[a].total_cmp(&gain[b]).then(b.cmp(&a)));
    if let Some(s) = best_single {
        if gain[s] > value {
            chosen = vec![s];
            value = gain[s];
        }
    }
    (chosen, bound.unwrap_or(value).max(value))
}

/// Chooses whom to contact to maximise the expected CLV gained within a budget.
///
/// # Formula
/// Contacting customer `i` costs `cᵢ` and raises the probability of keeping (or winning) the
/// customer's lifetime value `CLVᵢ` by `uᵢ`, so its expected net gain is
/// `gᵢ = uᵢ · CLVᵢ − cᵢ`. The campaign maximises `Σ gᵢ xᵢ` subject to `Σ cᵢ xᵢ ≤ budget`,
/// `xᵢ ∈ {0, 1}` — a 0/1 knapsack. Customers with `gᵢ ≤ 0` are never contacted; free contacts
/// with `gᵢ > 0` always are.
///
/// * **Exact** (dynamic programming) when every cost is a whole number of cents: costs and
///   budget are counted in steps of the greatest common divisor of the costs in cents (the
///   budget rounded down to a step), and the table of (customers worth contacting) × (budget
///   steps + 1) cells must not exceed [`MAX_DP_CELLS`]. Work O(cells); memory one bit a cell.
/// * **Greedy** otherwise (or on request): customers by decreasing `gᵢ / cᵢ`, each taken if it
///   still fits; the single best customer alone if that is better. The return is at least half
///   the optimum and at least `U − g_crit`, where `U` ([`Campaign::upper_bound`]) is the LP
///   relaxation's optimum (Dantzig's bound) and `g_crit` the gain of the first customer who did
///   not fit; so the optimality gap is at most `U − return ≤ max gᵢ`. Work O(n log n).
///
/// # Errors
/// [`Error::Empty`] (`clv`); [`Error::LengthMismatch`] (`uplift`, `cost`, `segment`);
/// [`Error::InvalidValue`] for a non-finite `clv`, an `uplift` outside \[0, 1\], a negative or
/// non-finite `cost` / `segment_cost` / `budget`, a `segment` code without a cost, or
/// [`CampaignMethod::Exact`] when the exact method is not possible (`method`).
///
/// # Examples
/// ```
/// use cvm_core::decision::{select_campaign, CampaignInput, CampaignMethod, ContactCost};
/// let clv = [700.0, 1200.0, 1500.0, 50.0];
/// let uplift = [0.1, 0.1, 0.1, 0.1];
/// let cost = [10.0, 20.0, 30.0, 10.0];
/// // gains uplift × clv − cost: 60, 100, 120, −5 (never worth a contact)
/// let input = CampaignInput { clv: &clv, uplift: &uplift, cost: ContactCost::PerCustomer(&cost),
///     budget: 50.0 };
/// let c = select_campaign(&input, CampaignMethod::Auto)?;
/// assert!(c.is_exact());
/// assert_eq!(c.chosen(), vec![1, 2]);            // 100 + 120 for 20 + 30
/// assert!((c.expected_return() - 220.0).abs() < 1e-9 && c.spend() == 50.0);
/// assert_eq!((c.last_in(), c.first_out()), (Some(2), Some(0)));
/// // The greedy rule takes 0 (ratio 6) and 1 (5); 2 (4) no longer fits: 160, LP bound 240.
/// let g = select_campaign(&input, CampaignMethod::Greedy)?;
/// assert_eq!(g.chosen(), vec![0, 1]);
/// assert!((g.expected_return() - 160.0).abs() < 1e-9);
/// assert!((g.upper_bound() - 240.0).abs() < 1e-9);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn select_campaign(input: &CampaignInput<'_>, method: CampaignMethod) -> Result<Campaign> {
    let (cost, gain) = prepare(input)?;
    let n = gain.len();
    let mut order: Vec<usize> = (0..n).filter(|&i| gain[i] > 0.0).collect();
    // Free contacts first, then by decreasing gain per cost, ties by index.
    order.sort_by(|&a, &b| {
        ratio(gain[b], cost[b]).total_cmp(&ratio(gain[a], cost[a])).then(a.cmp(&b))
    });
    let free: Vec<usize> = order.iter().copied().filter(|&i| cost[i] == 0.0).collect();
    let paid: Vec<usize> = order.iter().copied().filter(|&i| cost[i] > 0.0).collect();
    let budget = input.budget;
    let grid = match method {
        CampaignMethod::Greedy => None,
        _ => cents_grid(&paid, &cost, budget),
    };
    if method == CampaignMethod::Exact && grid.is_none() {
        return Err(Error::invalid(
            "method",
            format!(
                "the exact method needs costs in whole cents and at most {MAX_DP_CELLS} table \
                 cells ({} customers worth contacting, budget {budget}); use \"auto\" or \"greedy\"",
                paid.len()
            ),
        ));
    }
    let exact = grid.is_some();
    let (mut chosen, bound) = match grid {
        Some((weight, steps)) => {
            let c = knapsack_exact(&paid, &weight, steps, &gain);
            let v: f64 = c.iter().map(|&i| gain[i]).sum();
            (c, v)
        }
        None => knapsack_greedy(&paid, &cost, &gain, budget),
    };
    chosen.extend_from_slice(&free);
    let mut selected = vec![false; n];
    for &i in &chosen {
        selected[i] = true;
    }
    let sum = |f: &dyn Fn(usize) -> f64| (0..n).filter(|&i| selected[i]).map(f).sum::<f64>();
    let expected_return = sum(&|i| gain[i]);
    let spend = sum(&|i| cost[i]);
    let last_in = paid.iter().rev().copied().find(|&i| selected[i]);
    let first_out = order.iter().copied().find(|&i| !selected[i]);
    let free_gain: f64 = free.iter().map(|&i| gain[i]).sum();
    let upper_bound =
        if exact { expected_return } else { (bound + free_gain).max(expected_return) };
    Ok(Campaign {
        selected,
        gain,
        cost,
        expected_return,
        spend,
        upper_bound,
        exact,
        last_in,
        first_out,
    })
}

/// A contact list chosen by a baseline rule, for [`compare_campaigns`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    /// Expected return (sum of `uplift × clv − cost` over the customers contacted).
    pub expected_return: f64,
    /// Spend.
    pub spend: f64,
    /// Customers contacted (a mean, for the random baseline).
    pub n_selected: f64,
}

/// The optimised campaign against two baselines with the same budget.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignComparison {
    /// The campaign of [`select_campaign`].
    pub optimised: Campaign,
    /// Top-N by CLV: customers by decreasing CLV (ties by index), taken while the next one fits
    /// the budget.
    pub top_by_clv: Baseline,
    /// Random order, taken while the next one fits the budget; the mean over the draws.
    pub random: Baseline,
    /// Standard deviation of the random baseline's return over the draws (0 for one draw).
    pub random_sd: f64,
    /// Number of random draws averaged.
    pub draws: usize,
}

/// Takes customers in `order` while the next one fits the budget.
fn take_while_fits(order: &[usize], cost: &[f64], gain: &[f64], budget: f64) -> Baseline {
    let (mut spend, mut ret, mut n) = (0.0, 0.0, 0.0);
    for &i in order {
        if spend + cost[i] > budget {
            break;
        }
        spend += cost[i];
        ret += gain[i];
        n += 1.0;
    }
    Baseline { expected_return: ret, spend, n_selected: n }
}

/// Compares [`select_campaign`] with "top-N by CLV" and with random selection, same budget.
///
/// Both baselines contact customers in their order (decreasing CLV; a uniformly random
/// permutation, Fisher–Yates with the crate's seeded generator, one stream per draw) until the
/// next customer no longer fits the budget, and are scored with the same expected gain
/// `uplift × clv − cost`, so they may lose money by contacting customers whose gain is negative.
/// Work O(n log n + draws × n).
///
/// # Errors
/// As [`select_campaign`]; [`Error::InvalidValue`] (`draws`) for 0 or more than
/// [`MAX_RANDOM_DRAWS`] draws.
///
/// # Examples
/// ```
/// use cvm_core::decision::{compare_campaigns, CampaignInput, CampaignMethod, ContactCost};
/// let clv = [1000.0, 400.0, 300.0, 50.0];
/// let uplift = [0.01, 0.2, 0.2, 0.5];
/// let input = CampaignInput { clv: &clv, uplift: &uplift, cost: ContactCost::Constant(20.0),
///     budget: 40.0 };
/// let c = compare_campaigns(&input, CampaignMethod::Auto, 100, 7)?;
/// // gains: −10, 60, 40, 5
/// assert!((c.optimised.expected_return() - 100.0).abs() < 1e-9);   // customers 1 and 2
/// assert!((c.top_by_clv.expected_return - 50.0).abs() < 1e-9);     // customers 0 and 1
/// assert!(c.random.expected_return < c.optimised.expected_return());
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn compare_campaigns(
    input: &CampaignInput<'_>, method: CampaignMethod, draws: usize, seed: u64,
) -> Result<CampaignComparison> {
    if draws == 0 || draws > MAX_RANDOM_DRAWS {
        let reason = format!("must be between 1 and {MAX_RANDOM_DRAWS} (got {draws})");
        return Err(Error::invalid("draws", reason));
    }
    let optimised = select_campaign(input, method)?;
    let (cost, gain) = (optimised.cost(), optimised.gain());
    let n = gain.len();
    let mut by_clv: Vec<usize> = (0..n).collect();
    by_clv.sort_by(|&a, &b| input.clv[b].total_cmp(&input.clv[a]).then(a.cmp(&b)));
    let top_by_clv = take_while_fits(&by_clv, cost, gain, input.budget);
    let mut returns = Vec::with_capacity(draws);
    let (mut spend, mut count) = (0.0, 0.0);
    let mut perm: Vec<usize> = (0..n).collect();
    for d in 0..draws {
        let mut rng = Rng::stream(seed, d as u64);
        for k in (1..n).rev() {
            let j = (rng.uniform() * (k + 1) as f64) as usize;
            perm.swap(k, j.min(k));
        }
        let b = take_while_fits(&perm, cost, gain, input.budget);
        returns.push(b.expected_return);
        spend += b.spend;
        count += b.n_selected;
    }
    let m = draws as f64;
    let mean = returns.iter().sum::<f64>() / m;
    let random_sd = if draws > 1 {
        (returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (m - 1.0)).sqrt()
    } else {
        0.0
    };
    let random = Baseline { expected_return: mean, spend: spend / m, n_selected: count / m };
    Ok(CampaignComparison { optimised, top_by_clv, random, random_sd, draws })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Brute force over every subset (small n).
    fn brute(gain: &[f64], cost: &[f64], budget: f64) -> f64 {
        let n = gain.len();
        (0u32..1 << n)
            .filter_map(|mask| {
                let (mut c, mut g) = (0.0, 0.0);
                for i in 0..n {
                    if mask >> i & 1 == 1 {
                        c += cost[i];
                        g += gain[i];
                    }
                }
                (c <= budget + 1e-9).then_some(g)
            })
            .fold(0.0, f64::max)
    }

    #[test]
    fn exact_matches_brute_force_and_greedy_respects_its_bound() {
        let mut rng = Rng::new(11);
        for _ in 0..300 {
            let n = 1 + (rng.uniform() * 10.0) as usize;
            let clv: Vec<f64> = (0..n).map(|_| (rng.uniform() * 2000.0 - 200.0).round()).collect();
            let uplift: Vec<f64> =
                (0..n).map(|_| (rng.uniform() * 0.3 * 100.0).round() / 100.0).collect();
            let cost: Vec<f64> = (0..n).map(|_| (rng.uniform() * 50.0).round() / 2.0).collect();
            let budget = (rng.uniform() * 120.0).round();
            let input = CampaignInput {
                clv: &clv,
                uplift: &uplift,
                cost: ContactCost::PerCustomer(&cost),
                budget,
            };
            let e = select_campaign(&input, CampaignMethod::Exact).unwrap();
            let best = brute(e.gain(), &cost, budget);
            assert!((e.expected_return() - best).abs() < 1e-9, "{} vs {best}", e.expected_return());
            assert!(e.spend() <= budget + 1e-9);
            let g = select_campaign(&input, CampaignMethod::Greedy).unwrap();
            assert!(g.spend() <= budget + 1e-9);
            assert!(g.expected_return() <= best + 1e-9);
            assert!(g.upper_bound() >= best - 1e-9);
            assert!(g.expected_return() >= best / 2.0 - 1e-9);
        }
    }

    #[test]
    fn off_grid_costs_fall_back_to_greedy() {
        let input = CampaignInput {
            clv: &[100.0, 100.0],
            uplift: &[0.5, 0.5],
            cost: ContactCost::Constant(1.0 / 3.0),
            budget: 1.0,
        };
        let c = select_campaign(&input, CampaignMethod::Auto).unwrap();
        assert!(!c.is_exact());
        assert_eq!(c.n_selected(), 2);
        let e = select_campaign(&input, CampaignMethod::Exact).unwrap_err();
        assert_eq!(e.field(), Some("method"));
    }

    #[test]
    fn bad_inputs_name_the_column() {
        let ok = [1.0, 2.0];
        let cases: Vec<(CampaignInput<'_>, &str)> = vec![
            (
                CampaignInput {
                    clv: &[],
                    uplift: &[],
                    cost: ContactCost::Constant(1.0),
                    budget: 1.0,
                },
                "clv",
            ),
            (
                CampaignInput {
                    clv: &ok,
                    uplift: &[0.1],
                    cost: ContactCost::Constant(1.0),
                    budget: 1.0,
                },
                "uplift",
            ),
            (
                CampaignInput {
                    clv: &ok,
                    uplift: &[0.1, 1.5],
                    cost: ContactCost::Constant(1.0),
                    budget: 1.0,
                },
                "uplift",
            ),
            (
                CampaignInput {
                    clv: &[1.0, f64::NAN],
                    uplift: &[0.1, 0.1],
                    cost: ContactCost::Constant(1.0),
                    budget: 1.0,
                },
                "clv",
            ),
            (
                CampaignInput {
                    clv: &ok,
                    uplift: &[0.1, 0.1],
                    cost: ContactCost::Constant(-1.0),
                    budget: 1.0,
                },
                "cost",
            ),
            (
                CampaignInput {
                    clv: &ok,
                    uplift: &[0.1, 0.1],
                    cost: ContactCost::PerCustomer(&[1.0]),
                    budget: 1.0,
                },
                "cost",
            ),
            (
                CampaignInput {
                    clv: &ok,
                    uplift: &[0.1, 0.1],
                    cost: ContactCost::Constant(1.0),
                    budget: f64::INFINITY,
                },
                "budget",
            ),
            (
                CampaignInput {
                    clv: &ok,
                    uplift: &[0.1, 0.1],
                    cost: ContactCost::PerSegment { segment: &[0, 2], cost: &[1.0, 2.0] },
                    budget: 1.0,
                },
                "segment",
            ),
        ];
        for (input, field) in cases {
            let e = select_campaign(&input, CampaignMethod::Auto).unwrap_err();
            assert_eq!(e.field(), Some(field), "{e}");
        }
    }
}
