//! Look-alike selection: candidates ranked by similarity to the profile of loyal customers.

use super::table::{Column, Table};
use crate::builder::with_setters;
use crate::error::{check, Error, Result};
use crate::names::text_form;
#[cfg(feature = "parallel")]
use crate::parallel::sorts_on_pool;
use crate::parallel::{all_finite, par_map};

/// Which customers define the scale of each feature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Standardization {
    /// Standard deviation among the loyal customers (default).
    #[default]
    Loyal,
    /// Standard deviation among loyal customers and candidates together.
    Pooled,
}

impl Standardization {
    /// The spellings [`FromStr`](std::str::FromStr) accepts.
    pub const NAMES: &'static [&'static str] = &["loyal", "pooled"];

    /// `"loyal"` or `"pooled"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Standardization::Loyal => "loyal",
            Standardization::Pooled => "pooled",
        }
    }
}

text_form!(Standardization, "standardization", |text| match text {
    "loyal" => Some(Standardization::Loyal),
    "pooled" => Some(Standardization::Pooled),
    _ => None,
});

/// Options of [`lookalike`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct LookalikeOptions {
    /// Scale of the features (default [`Standardization::Loyal`]).
    pub standardization: Standardization,
}

with_setters!(LookalikeOptions {
    with_standardization => standardization: Standardization,
});

/// Similarity of every candidate to the loyal profile, and the top-k ranking.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookalike {
    /// Mean of each feature among the loyal customers (the profile).
    pub center: Vec<f64>,
    /// Standard deviation used to standardize each feature.
    pub scale: Vec<f64>,
    /// Root-mean-square z-score distance of each candidate to the profile.
    pub distance: Vec<f64>,
    /// `1 / (1 + distance)`, in (0, 1]; 1 at the profile.
    pub similarity: Vec<f64>,
    /// Indices of the `k` most similar candidates, most similar first (ties by lower index).
    pub top: Vec<usize>,
}

fn numeric<'a>(table: &Table<'a>, which: &str, feature: &str, j: usize) -> Result<&'a [f64]> {
    match table.column(feature) {
        Some(Column::Numeric(x)) => {
            check::finite(&format!("{which}.{feature}"), x)?;
            Ok(x)
        }
        Some(other) => Err(Error::invalid_at(
            "features",
            j,
            format!(
                "feature {feature:?} is {} in `{which}`; a numeric column is needed",
                other.column_type().as_str()
            ),
        )),
        None => {
            Err(Error::invalid_at("features", j, format!("`{which}` has no column {feature:?}")))
        }
    }
}

fn mean(xs: impl Iterator<Item = f64> + Clone) -> (f64, usize) {
    let n = xs.clone().count();
    (xs.sum::<f64>() / n as f64, n)
}

/// Scores candidates by similarity to the loyal customers and returns the `k` most similar.
///
/// # Formula
/// For features `j = 1 … p`: centre `μ_j` = mean among the loyal customers; scale `s_j` = sample
/// standard deviation (divisor n − 1) among the loyal customers, or among loyal customers and
/// candidates together ([`Standardization::Pooled`], deviations taken from their own mean).
/// Distance `d_i = √( (1/p) Σ_j ((x_ij − μ_j)/s_j)² )` — Euclidean distance on z-scores scaled to
/// a root mean square, so it does not grow with the number of features (equivalently, a
/// Mahalanobis distance with a diagonal covariance, divided by √p). Similarity `1 / (1 + d_i)`.
/// The ranking sorts by distance, ties by candidate index. Work O(n·p + k log k): the
/// candidates' distances on the thread pool from 256, the `k` nearest found by selection (the
/// centres and scales are sums in row order, on one thread).
///
/// # Errors
/// [`Error::Empty`] (`features`, `candidates`); [`Error::InvalidValue`] (`k`) for `k = 0`;
/// (`features`, j) for a feature missing from either table or not numeric; (`loyal`) for fewer
/// than 2 loyal customers; (`<table>.<feature>`, row) for a missing or infinite value;
/// (`features`, j) for a feature with zero spread (cannot be standardized).
/// `k` larger than the number of candidates returns them all.
///
/// # Examples
/// ```
/// use cvm_core::selection::{lookalike, Column, LookalikeOptions, Table};
/// let spend_l = [90.0, 110.0];
/// let freq_l = [9.0, 11.0];
/// let loyal = Table::new()
///     .with("spend", Column::Numeric(&spend_l))?
///     .with("freq", Column::Numeric(&freq_l))?;
/// let spend_c = [100.0, 300.0, 80.0];
/// let freq_c = [10.0, 2.0, 8.0];
/// let cand = Table::new()
///     .with("spend", Column::Numeric(&spend_c))?
///     .with("freq", Column::Numeric(&freq_c))?;
/// let r = lookalike(&cand, &loyal, &["spend", "freq"], 2, &LookalikeOptions::default())?;
/// assert_eq!(r.top, [0, 2]);
/// assert!((r.distance[2] - 2.0_f64.sqrt()).abs() < 1e-12); // z = (−20/√200, −2/√2) = (−√2, −√2)
/// assert!((r.similarity[0] - 1.0).abs() < 1e-15);
/// # Ok::<(), cvm_core::Error>(())
/// ```
pub fn lookalike(
    candidates: &Table<'_>, loyal: &Table<'_>, features: &[&str], k: usize,
    options: &LookalikeOptions,
) -> Result<Lookalike> {
    check::non_empty("features", features.len())?;
    if k == 0 {
        return Err(Error::invalid("k", "must be at least 1"));
    }
    let n = candidates.n_rows();
    check::non_empty("candidates", n)?;
    if loyal.n_rows() < 2 {
        return Err(Error::invalid(
            "loyal",
            format!("at least 2 loyal customers are needed (got {})", loyal.n_rows()),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    if let Some(j) = features.iter().position(|f| !seen.insert(*f)) {
        return Err(Error::invalid_at(
            "features",
            j,
            format!("duplicate feature {:?}", features[j]),
        ));
    }
    let p = features.len();
    let mut center = Vec::with_capacity(p);
    let mut scale = Vec::with_capacity(p);
    let mut cols = Vec::with_capacity(p);
    for (j, f) in features.iter().enumerate() {
        let l = numeric(loyal, "loyal", f, j)?;
        let c = numeric(candidates, "candidates", f, j)?;
        let (mu, _) = mean(l.iter().copied());
        let sd = match options.standardization {
            Standardization::Loyal => {
                let ss: f64 = l.iter().map(|x| (x - mu) * (x - mu)).sum();
                (ss / (l.len() - 1) as f64).sqrt()
            }
            Standardization::Pooled => {
                let all = l.iter().chain(c.iter()).copied();
                let (m, count) = mean(all.clone());
                let ss: f64 = all.map(|x| (x - m) * (x - m)).sum();
                (ss / (count - 1) as f64).sqrt()
            }
        };
        if !(sd > 0.0 && sd.is_finite()) {
            return Err(Error::invalid_at(
                "features",
                j,
                format!(
                    "feature {f:?} has no spread (standard deviation {sd}): cannot standardize"
                ),
            ));
        }
        center.push(mu);
        scale.push(sd);
        cols.push(c);
    }
    let distance = par_map(n, |i| {
        let ss: f64 = (0..p)
            .map(|j| {
                let z = (cols[j][i] - center[j]) / scale[j];
                z * z
            })
            .sum();
        (ss / p as f64).sqrt()
    });
    if !all_finite(&distance) {
        let i = distance.iter().position(|d| !d.is_finite()).unwrap_or(0);
        return Err(Error::Numerical {
            context: "lookalike".into(),
            reason: format!("distance of candidate {i} overflows"),
        });
    }
    let similarity = par_map(n, |i| 1.0 / (1.0 + distance[i]));
    let order = nearest(&distance, k);
    Ok(Lookalike { center, scale, distance, similarity, top: order })
}

/// The indices of the `k` smallest distances (all when `k ≥ n`), nearest first, ties by index:
/// a selection of the `k` (O(n)), then their sort (on the thread pool from 65,536).
fn nearest(distance: &[f64], k: usize) -> Vec<usize> {
    let key = |&a: &usize, &b: &usize| distance[a].total_cmp(&distance[b]).then(a.cmp(&b));
    let mut order: Vec<usize> = (0..distance.len()).collect();
    if k < order.len() {
        order.select_nth_unstable_by(k, key);
        order.truncate(k);
    }
    // Keys are distinct (ties broken by index): an unstable sort gives the one order.
    #[cfg(feature = "parallel")]
    if sorts_on_pool(order.len()) {
        use rayon::prelude::*;
        order.par_sort_unstable_by(key);
        return order;
    }
    order.sort_unstable_by(key);
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nearest `k` by selection are the first `k` of the full sort (ties by index), and
    /// 100,000 candidates score alike on one thread and on four.
    #[test]
    fn nearest_by_selection_and_threads() {
        let d: Vec<f64> = (0..100_000).map(|i| ((i * 7919) % 1009) as f64 / 7.0).collect();
        let mut all: Vec<usize> = (0..d.len()).collect();
        all.sort_by(|&a, &b| d[a].total_cmp(&d[b]).then(a.cmp(&b)));
        for k in [1, 2, 50, 1009, 99_999, 100_000, 200_000] {
            assert_eq!(nearest(&d, k), all[..k.min(d.len())], "{k}");
        }
        #[cfg(feature = "parallel")]
        {
            let spend: Vec<f64> = d.iter().map(|x| 50.0 + x).collect();
            let loyal_spend = [60.0, 90.0, 75.0];
            let (one, four) = crate::parallel::on_one_and_four_threads(|| {
                let cand = Table::new().with("spend", Column::Numeric(&spend)).unwrap();
                let loyal = Table::new().with("spend", Column::Numeric(&loyal_spend)).unwrap();
                let r = lookalike(&cand, &loyal, &["spend"], 1000, &LookalikeOptions::default())
                    .unwrap();
                (r.distance, r.similarity, r.top)
            });
            assert_eq!(one, four);
        }
    }

    #[test]
    fn errors() {
        let a = [1.0, 2.0, 3.0];
        let c = [1.0, 1.0, 1.0];
        let nan = [1.0, f64::NAN, 3.0];
        let flags = [1u8, 0, 1];
        let loyal = Table::new()
            .with("a", Column::Numeric(&a))
            .unwrap()
            .with("c", Column::Numeric(&c))
            .unwrap()
            .with("b", Column::Boolean(&flags))
            .unwrap();
        let cand = Table::new()
            .with("a", Column::Numeric(&nan))
            .unwrap()
            .with("c", Column::Numeric(&a))
            .unwrap()
            .with("b", Column::Boolean(&flags))
            .unwrap();
        let one = Table::new().with("a", Column::Numeric(&a[..1])).unwrap();
        let o = LookalikeOptions::default();
        let cases: Vec<(Result<Lookalike>, &str, Option<usize>)> = vec![
            (lookalike(&cand, &loyal, &[], 1, &o), "features", None),
            (lookalike(&cand, &loyal, &["c"], 0, &o), "k", None),
            (lookalike(&cand, &loyal, &["zz"], 1, &o), "features", Some(0)),
            (lookalike(&cand, &loyal, &["b"], 1, &o), "features", Some(0)),
            (lookalike(&cand, &loyal, &["c", "c"], 1, &o), "features", Some(1)),
            (lookalike(&cand, &loyal, &["a"], 1, &o), "candidates.a", Some(1)),
            (lookalike(&cand, &loyal, &["c"], 1, &o), "features", Some(0)),
            (lookalike(&cand, &one, &["a"], 1, &o), "loyal", None),
            (lookalike(&Table::new(), &loyal, &["a"], 1, &o), "candidates", None),
        ];
        for (r, field, index) in cases {
            let e = r.unwrap_err();
            assert_eq!((e.field(), e.index()), (Some(field), index), "{e}");
        }
        // Pooled scale: the constant loyal feature `c` gets the spread of the candidates.
        let pooled = LookalikeOptions { standardization: Standardization::Pooled };
        let r = lookalike(&cand, &loyal, &["c"], 5, &pooled).unwrap();
        // Values 1,1,1,1,2,3: mean 1.5, ss = 4·0.25 + 0.25 + 2.25 = 3.5, sd = √(3.5/5).
        assert!((r.scale[0] - (0.7f64).sqrt()).abs() < 1e-15);
        assert_eq!(r.top, [0, 1, 2]);
        assert_eq!("pooled".parse::<Standardization>().unwrap().as_str(), "pooled");
        assert!("global".parse::<Standardization>().is_err());
    }
}
