//! [`Covariates`]: a validated `n × k` matrix of per-customer covariates, row-major, with named
//! columns, and the check that its columns can identify one coefficient each.

use crate::error::{check, Error, Result};

/// Per-customer covariates: `n` rows (customers, in the order of the summary they go with) by `k`
/// named columns, stored row-major.
///
/// Validation at construction: at least one row, a non-empty unique name per column, as many
/// values as `n × k`, every value finite. Whether the columns identify their coefficients (no
/// constant column, no column a linear combination of others) is checked when a model is fitted
/// ([`Covariates::check_identifiable`]).
///
/// # Examples
/// ```
/// use cvm_core::models::covariates::Covariates;
/// // Three customers, two columns (row-major): age band and loyalty card.
/// let z = Covariates::new(&["age", "card"], &[1.0, 0.0, 2.0, 1.0, 3.0, 1.0])?;
/// assert_eq!((z.n_rows(), z.n_cols()), (3, 2));
/// assert_eq!(z.row(1), &[2.0, 1.0]);
/// let bad = Covariates::new(&["age"], &[1.0, f64::NAN]).unwrap_err();
/// assert_eq!((bad.field(), bad.index()), (Some("age"), Some(1)));
/// # Ok::<(), cvm_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Covariates {
    names: Vec<String>,
    n_rows: usize,
    values: Vec<f64>,
}

impl Covariates {
    /// Validates and stores a row-major matrix with column `names` (`values.len()` must be a
    /// multiple of `names.len()`; the quotient is the number of customers).
    ///
    /// # Errors
    /// [`Error::Empty`] (`covariates`) without columns or rows; [`Error::InvalidValue`]
    /// (`covariates`) for an empty or repeated column name, or naming the column and the row of
    /// the first non-finite value; [`Error::LengthMismatch`] (`covariates`) when the number of
    /// values is not a multiple of the number of columns.
    pub fn new<S: AsRef<str>>(names: &[S], values: &[f64]) -> Result<Self> {
        let k = names.len();
        check::non_empty("covariates", k)?;
        let names: Vec<String> = names.iter().map(|s| s.as_ref().to_string()).collect();
        for (j, n) in names.iter().enumerate() {
            if n.is_empty() {
                return Err(Error::invalid_at("covariates", j, "empty column name"));
            }
            if names[..j].contains(n) {
                return Err(Error::invalid_at("covariates", j, format!("column `{n}` repeated")));
            }
        }
        let n_rows = values.len() / k;
        if n_rows * k != values.len() {
            return Err(Error::LengthMismatch {
                field: "covariates".into(),
                expected: (n_rows + 1) * k,
                got: values.len(),
            });
        }
        check::non_empty("covariates", n_rows)?;
        if let Some(i) = check::first_bad(values, f64::is_finite) {
            let reason = format!("must be finite, got {}", values[i]);
            return Err(Error::invalid_at(names[i % k].clone(), i / k, reason));
        }
        Ok(Covariates { names, n_rows, values: values.to_vec() })
    }

    /// Number of rows (customers).
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.names.len()
    }

    /// The column names, in order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Row `i` (one customer's covariates). Panics when `i ≥ n_rows()`, like slice indexing.
    pub fn row(&self, i: usize) -> &[f64] {
        let k = self.names.len();
        &self.values[i * k..(i + 1) * k]
    }

    /// The values, row-major.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Every `stride`-th row.
    pub(crate) fn every(&self, stride: usize) -> Self {
        let k = self.names.len();
        let values: Vec<f64> =
            self.values.chunks(k).step_by(stride).flat_map(|r| r.iter().copied()).collect();
        Covariates { names: self.names.clone(), n_rows: values.len() / k, values }
    }

    /// Column `j` as a vector.
    pub fn column(&self, j: usize) -> Vec<f64> {
        self.values.iter().skip(j).step_by(self.names.len()).copied().collect()
    }

    /// Checks that each column can identify its coefficient next to the base parameters: no
    /// column is constant (it would be confounded with the base parameter it shifts) and none
    /// is a linear combination of a constant and the columns before it (a duplicate, or a full
    /// set of indicators). The test is a Cholesky factorisation of the correlation matrix of the
    /// centred columns, pivot by pivot: a relative pivot below `1e-10` flags the column.
    ///
    /// # Errors
    /// [`Error::NotIdentified`] (for `model`) naming the column.
    pub fn check_identifiable(&self, model: &str) -> Result<()> {
        let (n, k) = (self.n_rows as f64, self.names.len());
        let cols: Vec<Vec<f64>> = (0..k)
            .map(|j| {
                let c = self.column(j);
                let mean = c.iter().sum::<f64>() / n;
                c.into_iter().map(|v| v - mean).collect()
            })
            .collect();
        let not = |j: usize, why: &str| Error::NotIdentified {
            model: model.to_string(),
            reason: format!("covariate column `{}` {why}", self.names[j]),
        };
        let norms: Vec<f64> =
            cols.iter().map(|c| c.iter().map(|v| v * v).sum::<f64>().sqrt()).collect();
        let mut l = vec![vec![0.0; k]; k];
        for j in 0..k {
            let scale = self.column(j).iter().fold(0.0f64, |m, v| m.max(v.abs()));
            if norms[j] <= 1e-12 * scale.max(f64::MIN_POSITIVE) * n.sqrt() || norms[j] == 0.0 {
                return Err(not(j, "is constant"));
            }
            for i in 0..=j {
                let dot: f64 = cols[i].iter().zip(&cols[j]).map(|(a, b)| a * b).sum::<f64>()
                    / (norms[i] * norms[j]);
                let s: f64 = (0..i).map(|m| l[i][m] * l[j][m]).sum();
                if i == j {
                    let d = dot - s;
                    if d <= 1e-10 {
                        return Err(not(j, "is a linear combination of the columns before it"));
                    }
                    l[j][j] = d.sqrt();
                } else {
                    l[j][i] = (dot - s) / l[i][i];
                }
            }
        }
        Ok(())
    }
}
